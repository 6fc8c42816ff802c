#!/usr/bin/env bash
# Submits a whole run as Slurm jobs, each waiting for the last (--dependency=afterok):
#   prompts → validation[0..n-1] → merge → record[0..n-1] → merge → expertise[0..n-1] → merge
#   → select → experiments[0..n-1] → run (merges the experiments, writes the report)
# Usage: deploy/slurm/submit.sh RUN_CONF [extra sbatch options, e.g. --partition=gpu --account=lab]
# Prints the job ids; the last one's success means the run folder is complete.
set -euo pipefail
conf=$(realpath "${1:?usage: submit.sh RUN_CONF [sbatch options]}"); shift
export RELNEURONS_CONF=$conf RELNEURONS_DEPLOY
RELNEURONS_DEPLOY=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=/dev/null
source "$conf"
n=${SHARDS:?SHARDS must be set in $conf}
dir=$RELNEURONS_DEPLOY/slurm

last=""
# submit SCRIPT [ARGS]: one job after the previous one succeeded (every task of it, for an array).
submit() {
  local id
  id=$(sbatch --parsable --export=ALL "$@" ${last:+--dependency=afterok:$last} "${sbatch_args[@]}" "${job[@]}")
  last=${id%%;*}
  echo "$last ${job[*]##*/}"
}
sbatch_args=("$@")
run_single() { job=("$dir/single.sbatch" "$@"); submit; }
run_array() { job=("$dir/$1.sbatch"); submit --array=0-$((n - 1)); }
run_merge() { job=("$dir/merge.sbatch" "$1"); submit; }

run_single prompts
for stage in validation record expertise; do run_array $stage; run_merge $stage; done
run_single select
run_array experiments
run_single
