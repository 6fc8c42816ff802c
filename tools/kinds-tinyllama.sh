#!/usr/bin/env bash
# The cost of each of the paper's further analyses (issue 17) on the bench's synthetic TinyLlama
# (1.1 B parameters, random BF16 weights, Llama-2's tokenizer from the test fixtures), one
# `relneurons experiment <kind>` process per kind on one run folder (docs/performance.md).
# Slice of the paper set: two relations, English and German, their 50 P^eva facts, at most 30
# detection prompts per relation; validation off (a random model answers nothing right, so the
# paper's validation would keep no prompt). App E counts in the demo model's training text: the
# synthetic model has no training text of its own.
# `experiment` takes the paper protocol's defaults (10 random sets per relation), not the run's flags.
# Prints per kind: process CPU (user + sys), wall time and peak RSS, from /usr/bin/time.
# Usage: tools/kinds-tinyllama.sh [work folder]   (tens of minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/kinds-tinyllama}
source tools/tinyllama-setup.sh
run="$work/run"
slice=(--relations paper --languages en,de --relation-ids company_ceo,person_plays_instrument
       --max-identification 30 --validation off)
corpus=models/relfacts-demo/training_corpus.jsonl
rm -rf "$run"
for stage in prompts validation record expertise select; do
  $cli run --model "$model" "${slice[@]}" --out "$run" --stage "$stage" >/dev/null 2>>"$work/stages.log"
done
printf '%-13s %9s %9s %10s\n' kind cpu_s wall_s peak_MiB
for kind in intra multilingual templates perplexity errortypes frequency; do
  /usr/bin/time -f '%U %S %e %M' -o "$work/$kind.time" \
    $cli experiment "$kind" --run "$run" --corpus "$corpus" >/dev/null 2>"$work/$kind.log"
  read -r user sys wall rss <"$work/$kind.time"
  printf '%-13s %9.1f %9.1f %10.0f\n' "$kind" "$(echo "$user + $sys" | bc)" "$wall" "$(echo "$rss / 1024" | bc)"
done
