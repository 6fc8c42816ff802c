#!/usr/bin/env bash
# Runs a whole run with its heavy stages sharded, the shards as plain processes in parallel on this
# machine (no scheduler), and prints each step's wall time and processor time (user + sys of all
# its processes: on a shared machine the steadier figure of the two):
#   run --stage prompts; validation, record, expertise: n shards, then merge; select;
#   experiments: n shards; run (merges the experiments, writes the report).
# With n = 1 every stage still goes through a shard and a merge (the overhead of sharding).
# Usage: tools/sharded-run.sh N RUN_OPTIONS...      (RUN_OPTIONS must include --out DIR)
# Environment: RELNEURONS (default: dotnet src/RelationNeurons.Cli/bin/Release/net10.0/relneurons.dll),
#              THREADS per shard (default: 1).
set -euo pipefail
n=${1:?usage: sharded-run.sh N RUN_OPTIONS...}; shift
repo=$(cd "$(dirname "$0")/.." && pwd)
read -r -a cli <<< "${RELNEURONS:-dotnet $repo/src/RelationNeurons.Cli/bin/Release/net10.0/relneurons.dll}"
threads=${THREADS:-1}
args=("$@")
merge_args=(); for a in "${args[@]}"; do [[ $a == --out ]] && a=--run; merge_args+=("$a"); done
log=$(mktemp); trap 'rm -f "$log" "$log.time"' EXIT
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%7.1f s", b - a }'; }

timed() { # timed LABEL COMMAND...: runs it quietly, prints the label, wall and CPU seconds, fails loudly
  local label=$1 t; shift
  if ! { TIMEFORMAT='%R %U %S'; time "$@" > "$log" 2>&1; } 2> "$log.time"; then cat "$log" >&2; echo "failed: $label" >&2; exit 1; fi
  read -r -a t < "$log.time"
  awk -v l="$label" -v r="${t[0]}" -v u="${t[1]}" -v s="${t[2]}" 'BEGIN { printf "%-24s %7.1f s wall %7.1f s CPU\n", l, r, u + s }'
}
shards() { # all n shards of a stage at once; fails if any fails
  local stage=$1 pids=() i status=0
  for ((i = 0; i < n; i++)); do
    "${cli[@]}" run "${args[@]}" --stage "$stage" --shard "$i/$n" --threads "$threads" > "$log.$i" 2>&1 & pids+=($!)
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || { status=1; cat "$log.$i" >&2; }; rm -f "$log.$i"; done
  return $status
}

total=$(date +%s.%N)
timed prompts "${cli[@]}" run "${args[@]}" --stage prompts
for stage in validation record expertise; do
  timed "$stage ($n shards)" shards "$stage"
  timed "merge $stage" "${cli[@]}" merge "$stage" "${merge_args[@]}"
done
timed select "${cli[@]}" run "${args[@]}" --stage select
timed "experiments ($n shards)" shards experiments
timed "merge + report" "${cli[@]}" run "${args[@]}"
printf '%-24s %s\n' total "$(since "$total")"
