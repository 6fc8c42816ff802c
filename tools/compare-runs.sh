#!/usr/bin/env bash
# Compares two run folders byte for byte, the way a refactor is checked to change no output:
# every result file must be identical once the run folder's own path is written the same way.
# Files that record when and how long (run.json, summary.json, report.*) are left out.
# Usage: tools/compare-runs.sh RUN_A RUN_B      (exit 0 = identical, 1 = a difference, listed)
set -euo pipefail
a=$(cd "$1" && pwd); b=$(cd "$2" && pwd)
status=0; count=0
while IFS= read -r -d '' file; do
  rel=${file#"$a"/}
  case "$rel" in run.json|summary.json|report.*|*.log|stream/*) continue ;; esac
  count=$((count + 1))
  if [[ ! -f "$b/$rel" ]]; then echo "only in $a: $rel"; status=1; continue; fi
  case "$rel" in
    *.json|*.jsonl|*.csv|*.key|*.txt) same() { cmp -s <(sed "s#$a#RUN#g" "$file") <(sed "s#$b#RUN#g" "$b/$rel"); } ;;
    *) same() { cmp -s "$file" "$b/$rel"; } ;;   # binary (safetensors, PNG): no path inside, compared as is
  esac
  same || { echo "differs: $rel"; status=1; }
done < <(find "$a" -type f -print0 | sort -z)
while IFS= read -r -d '' file; do
  rel=${file#"$b"/}
  [[ -f "$a/$rel" ]] || { case "$rel" in run.json|summary.json|report.*|*.log|stream/*) ;; *) echo "only in $b: $rel"; status=1 ;; esac; }
done < <(find "$b" -type f -print0 | sort -z)
[[ $status -eq 0 ]] && echo "identical: $count result files"
exit $status
