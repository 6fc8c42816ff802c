#!/usr/bin/env bash
# `run`'s stage shares on the bench's synthetic TinyLlama (1.1 B parameters, random BF16 weights),
# paper protocol against kojima, on a small slice of the demo relation set (docs/performance.md).
# A random model answers nothing right, so validation keeps no prompt and the paper protocol's run
# stops after it: the validation stage is timed in a run of its own (--validation on), and every
# other stage in a run with --validation off; the kojima run has no validation stage.
# Usage: tools/run-stages-tinyllama.sh [work folder]   (prints one table; takes tens of minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/run-stages-tinyllama}
source tools/tinyllama-setup.sh
slice=(--relations demo --languages en --relation-ids country_capital,company_ceo,person_instrument --test-size 5 --max-identification 30)
stage_times() { python3 -c '
import json,sys
run=json.load(open(sys.argv[1]+"/run.json"))
for s in run["stages"]: print(s["stage"], round(s["seconds"], 1))' "$1"; }
rm -rf "$work/paper-validation" "$work/paper" "$work/kojima"
# This run ends with a user error once validation has kept nothing, so run.json never records the
# stage: its time is the process's wall time less the prompts stage and start-up (printed below).
start=$(date +%s.%N)
$cli run --model "$model" "${slice[@]}" --out "$work/paper-validation" >/dev/null 2>"$work/paper-validation.log" || true
echo "paper-validation process wall time: $(echo "$(date +%s.%N) - $start" | bc) s"
$cli run --model "$model" "${slice[@]}" --validation off --out "$work/paper" >/dev/null 2>"$work/paper.log"
$cli run --model "$model" "${slice[@]}" --protocol kojima --out "$work/kojima" >/dev/null 2>"$work/kojima.log"
for r in paper-validation paper kojima; do echo "== $r"; stage_times "$work/$r"; du -sh "$work/$r/record" 2>/dev/null || true; done
