#!/usr/bin/env bash
# Shared by the job scripts of deploy/slurm: reads the run's configuration ($RELNEURONS_CONF, set by
# submit.sh and exported to every job) and gives each job its share of the node: the CPUs and
# memory Slurm allotted, so that several shards can share one large machine.
set -euo pipefail
: "${RELNEURONS_CONF:?RELNEURONS_CONF must name the run configuration (see run.conf.example)}"
# shellcheck source=/dev/null
source "$RELNEURONS_CONF"
RESOURCES=(--threads "${SLURM_CPUS_PER_TASK:-1}")
# --mem gives SLURM_MEM_PER_NODE in megabytes; the memory guard then checks against this job's share, not the whole machine.
[[ -n "${SLURM_MEM_PER_NODE:-}" ]] && RESOURCES+=(--memory "${SLURM_MEM_PER_NODE}M")

relneurons() { "${RELNEURONS[@]}" "$@"; }

# One shard of a sharded stage: array task i of the array's n tasks.
shard() {
  local stage=$1
  relneurons run "${RUN_ARGS[@]}" "${RESOURCES[@]}" --stage "$stage" --shard "${SLURM_ARRAY_TASK_ID:?submit as an array job}/${SLURM_ARRAY_TASK_COUNT:-$SHARDS}"
}

# The run's options with --out renamed --run (merge names the run folder so).
merge() {
  local stage=$1 args=() a
  for a in "${RUN_ARGS[@]}"; do [[ $a == --out ]] && a=--run; args+=("$a"); done
  relneurons merge "$stage" "${args[@]}" "${RESOURCES[@]}"
}
