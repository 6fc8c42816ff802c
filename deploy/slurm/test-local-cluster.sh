#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine (Debian's slurm-wlm and munge, configured here
# for this host, started by this script and stopped when it exits), submits a small run of the demo
# model with submit.sh as array jobs (SHARDS per sharded stage, 3 by default), waits for it, and
# compares every output with an unsharded run of the same options (tools/compare-runs.sh): byte
# for byte. Exit 0: identical. 1: a job failed or an output differs. 77: skipped, the reason
# printed on a "SKIPPED:" line (not root, or the packages cannot be installed) — never a silent pass.
# Usage: deploy/slurm/test-local-cluster.sh [SHARDS]
set -euo pipefail
shards=${1:-3}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAILED: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || skip "needs root to install slurm-wlm and munge and to start munged, slurmctld and slurmd"
if ! command -v slurmctld > /dev/null || ! command -v slurmd > /dev/null || ! command -v munged > /dev/null; then
  echo "installing slurm-wlm and munge (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge; } > /tmp/relneurons-slurm-apt.log 2>&1 \
    || skip "cannot install the Debian packages slurm-wlm and munge (apt-get failed: $(tail -1 /tmp/relneurons-slurm-apt.log))"
fi

work=$(mktemp -d /tmp/relneurons-slurm.XXXXXX) && chmod 755 "$work"   # munged runs as the munge user
pids=()
stop() {
  local rc=$? p daemons=()
  set +e   # cleanup: nothing here may fail the test
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for f in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
    [[ -f $f ]] && daemons+=("$(cat "$f")")
  done
  for p in "${daemons[@]}"; do kill "$p" 2> /dev/null || true; done
  # The daemons write their last files (munged its seed) while they exit: wait for them before
  # removing the folder, and never let the cleanup change the test's exit status.
  for _ in $(seq 50); do
    local alive=0; for p in "${daemons[@]}"; do if kill -0 "$p" 2> /dev/null; then alive=1; fi; done
    ((alive)) || break; sleep 0.2
  done
  if [[ ${KEEP:-} ]]; then echo "kept $work"; else rm -rf "$work" 2> /dev/null || { sleep 1; rm -rf "$work" 2> /dev/null || echo "note: could not remove $work"; }; fi
  exit "$rc"
}
trap stop EXIT

# munge: a fresh key and socket of our own, so an installed munge service is left alone.
mkdir -p "$work/munge" && chown munge:munge "$work/munge" && chmod 755 "$work/munge"   # munged checks: socket folder executable by all, not writable by others
dd if=/dev/urandom bs=1 count=1024 of="$work/munge/munge.key" status=none
chown munge:munge "$work/munge/munge.key" && chmod 400 "$work/munge/munge.key"
socket=$work/munge/munge.socket
runuser -u munge -- munged --key-file="$work/munge/munge.key" --socket="$socket" --pid-file="$work/munge/munged.pid" \
  --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed" || fail "munged did not start: $(cat "$work/munge/munged.log" 2> /dev/null)"

# Slurm for this host only: no cgroups, no accounting, ports of its own.
host=$(hostname -s)
mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
mkdir -p "$work/state" "$work/spool" "$work/logs"
cat > "$work/slurm.conf" << CONF
ClusterName=relneurons-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
MinJobAge=3600
NodeName=$host CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$work/slurm.conf
slurmctld -f "$SLURM_CONF" -c || fail "slurmctld did not start: $(tail -5 "$work/slurmctld.log" 2> /dev/null)"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start: $(tail -5 "$work/slurmd.log" 2> /dev/null)"
for _ in $(seq 60); do [[ $(sinfo -h -o %T 2> /dev/null) == idle ]] && break; sleep 1; done
[[ $(sinfo -h -o %T) == idle ]] || fail "the node did not come up: $(sinfo 2>&1); $(tail -5 "$work/slurmd.log")"
echo "slurm up: $(sinfo -h -o '%P %D %c %T')"

# The CLI as a job sees it (the build output; a cluster would publish it to a shared folder).
cli=$repo/src/RelationNeurons.Cli/bin/Release/net10.0/relneurons.dll
[[ -f $cli ]] || dotnet build "$repo/src/RelationNeurons.Cli" -c Release > "$work/build.log" 2>&1 || fail "build failed: $(tail -5 "$work/build.log")"
# A small run of the demo model on relations it knows: the built-in set holding the four relations its
# recall.json rates best in English (the demo model is retrained now and then, on one set or the other).
# RELATIONS and RELATION_IDS override the choice.
read -r known_set known_ids < <(python3 - "$repo" << 'PY'
import json, os, sys
repo = sys.argv[1]
recall = [r for r in json.load(open(os.path.join(repo, "models/relfacts-demo/recall.json"))) if r["language"] == "en"]
best = sorted(recall, key=lambda r: (-r["correct"] / max(1, r["total"]), r["relation"]))[:4]
ids = sorted(r["relation"] for r in best)
for name in ("demo", "paper"):
    if all(os.path.exists(os.path.join(repo, "data/relations", name, "en", i + ".json")) for i in ids):
        print(name, ",".join(ids)); break
PY
) || true
[[ -n ${RELATIONS:-$known_set} ]] && echo "relations: ${RELATIONS:-$known_set}, ${RELATION_IDS:-$known_ids}" || fail "no built-in relation set holds the relations of models/relfacts-demo/recall.json; set RELATIONS and RELATION_IDS"
# shellcheck disable=SC2054   # the commas are inside option values
options=(--model "$repo/models/relfacts-demo" --relations "${RELATIONS:-$known_set}" --languages "en,de"
  --relation-ids "${RELATION_IDS:-$known_ids}"
  --max-identification 40 --random-seeds 2 --resamples 100 --cumulativity-random-seeds 1 --cumulativity-scales 0.5,1)

start=$(date +%s)
( cd "$work" && dotnet "$cli" run "${options[@]}" --out "$work/unsharded" > "$work/logs/unsharded.log" 2>&1 ) || fail "the unsharded run failed: $(tail -5 "$work/logs/unsharded.log")"
echo "unsharded run: $(( $(date +%s) - start )) s"

{
  printf 'RELNEURONS=(dotnet %q)\n' "$cli"
  printf 'RUN_ARGS=('; printf '%q ' "${options[@]}" --out "$work/sharded"; printf ')\n'
  printf 'SHARDS=%d\n' "$shards"
} > "$work/run.conf"
start=$(date +%s)
# The job scripts ask for 8 CPUs and 32 GB each (a real node); here each gets one CPU and 1 GB, so two run at once.
jobs=$(cd "$work/logs" && "$repo/deploy/slurm/submit.sh" "$work/run.conf" --cpus-per-task=1 --mem=1G) || fail "submit.sh failed"
echo "$jobs"
ids=$(awk '{ print $1 }' <<< "$jobs" | paste -sd,)
last=$(tail -1 <<< "$jobs" | awk '{ print $1 }')
while [[ -n $(squeue -h -j "$ids" 2> /dev/null) ]]; do
  if squeue -h -j "$ids" -o '%r' | grep -q DependencyNeverSatisfied; then
    fail "a job failed, the rest can never start: $(squeue -j "$ids"; tail -n 5 "$work"/logs/*.log)"
  fi
  (( $(date +%s) - start < 1500 )) || fail "the jobs did not finish in 25 min: $(squeue -j "$ids")"
  sleep 2
done
state=$(scontrol show job "$last" | grep -o 'JobState=[A-Z_]*')
[[ $state == JobState=COMPLETED ]] || fail "the last job ended with $state: $(tail -n 20 "$work"/logs/relneurons-single-"$last".log)"
echo "sharded run on Slurm ($shards shards per stage, $(awk '{ print $1 }' <<< "$jobs" | wc -l) jobs): $(( $(date +%s) - start )) s"
for f in "$work"/logs/relneurons-*.log; do grep -q '^error' "$f" && fail "$(basename "$f"): $(grep '^error' "$f")"; done

"$repo/tools/compare-runs.sh" "$work/unsharded" "$work/sharded" || fail "the sharded run differs from the unsharded one"
