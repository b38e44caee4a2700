#!/usr/bin/env bash
# `pipec build` on generated pipelines (bench/front/gen_pipeline.py: data edges, needs,
# templates, optional 2x2 matrices): wall time, peak memory and output size per target,
# for 1,000 and 10,000 jobs. `--skip-checks`: the checker's rules are `pipec check`'s cost,
# measured by bench/front; this measures parse + sema + IR + emit + write. Usage: bench/build/bench_build.sh [path/to/pipec] [sizes...]
set -euo pipefail
pipec=${1:-build/compiler/driver/pipec}
shift || true
sizes=${*:-1000 10000}
gen="$(dirname "$0")/../front/gen_pipeline.py"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '%-7s %-7s %-7s %9s %10s %12s\n' jobs mode target seconds peak_MiB output_KiB
for n in $sizes; do
  for mode in plain matrix; do
    flag=""; [ "$mode" = matrix ] && flag="--matrix"
    python3 "$gen" "$n" $flag > "$dir/p.pipe"
    for target in gitlab github plan all; do
      rm -rf "$dir/out"; mkdir -p "$dir/out"
      out=$( { /usr/bin/time -f '%e %M' "$pipec" build "$dir/p.pipe" --target "$target" -o "$dir/out" \
               --skip-checks >/dev/null 2>/dev/null; } 2>&1 | tail -1) || true
      read -r secs kb <<<"$out"
      size=$(du -sk "$dir/out" | cut -f1)
      printf '%-7s %-7s %-7s %9s %10.1f %12s\n' "$n" "$mode" "$target" "$secs" "$(echo "$kb/1024" | bc -l)" "$size"
    done
  done
done
