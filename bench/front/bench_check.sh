#!/usr/bin/env bash
# Parse + AST (`pipec check --disable ...` on a pipeline with syntax only is not separable
# from the CLI, so two measurements): full `pipec check` (parse + sema + IR + all rules) on
# generated pipelines of 1,000 / 10,000 / 100,000 jobs; wall time and peak memory.
# Usage: bench/front/bench_check.sh [path/to/pipec]
set -euo pipefail
pipec=${1:-build/compiler/driver/pipec}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '%-10s %-8s %10s %12s\n' jobs mode seconds peak_MiB
for n in 1000 10000 100000; do
  python3 "$(dirname "$0")/gen_pipeline.py" "$n" > "$dir/p$n.pipe"
  python3 "$(dirname "$0")/gen_pipeline.py" "$n" --matrix > "$dir/m$n.pipe"
  for mode in plain matrix; do
    f="$dir/p$n.pipe"; [ $mode = matrix ] && f="$dir/m$n.pipe"
    # time's own report goes to a file: the command's stderr (the findings) is discarded.
    /usr/bin/time -o "$dir/time" -f '%e %M' "$pipec" check --disable unconsumed-output "$f" >/dev/null 2>&1 || true
    read -r secs kb < <(tail -1 "$dir/time")
    printf '%-10s %-8s %10s %12.1f\n' "$n" "$mode" "$secs" "$(echo "$kb/1024" | bc -l)"
  done
done
