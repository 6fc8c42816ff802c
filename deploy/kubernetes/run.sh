#!/usr/bin/env bash
# Runs the whole protocol on a cluster, each job after the previous one completed:
#   prompts → validation (Indexed) → merge → record (Indexed) → merge → expertise (Indexed) → merge
#   → select → experiments (Indexed) → report (merges the experiments)
# Needs the image (Dockerfile) pushed where the cluster pulls it, pvc.yaml applied, and the model
# copied to the relneurons-models volume. Usage: deploy/kubernetes/run.sh [kubectl options, e.g. -n lab]
set -euo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
step() {
  kubectl "$@" apply -f "$dir/job-$job.yaml"
  kubectl "$@" wait --for=condition=complete --timeout=-1s "job/relneurons-$job"
}
k=("$@")
for job in prompts validation merge-validation record merge-record expertise merge-expertise select experiments report; do
  echo "== $job"
  step "${k[@]}"
done
