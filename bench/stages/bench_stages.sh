#!/usr/bin/env bash
# Stage order as data (issue #13): `pipec check` of N jobs in 3 stages without needs against
# N jobs without stages (wall time, peak RSS), and the size of `pipec build --target all`
# (GitLab YAML, GitHub workflow, plan.json) as N grows. Not run by ctest.
# Usage: bench/stages/bench_stages.sh [path/to/pipec] [N...]
set -uo pipefail
pipec=${1:-build/compiler/driver/pipec}
shift || true
sizes=${*:-1000 3000 10000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
here=$(dirname "$0")
printf '%-7s %-9s %8s %9s %6s %12s %12s %12s\n' jobs form seconds peak_MiB exit gitlab_B github_B plan_B
for n in $sizes; do
  for form in stages flat; do
    f="$dir/$form$n.pipe"
    if [ $form = stages ]; then python3 "$here/gen_stages.py" "$n" --stages > "$f"; else python3 "$here/gen_stages.py" "$n" > "$f"; fi
    /usr/bin/time -o "$dir/time" -f '%e %M %x' "$pipec" check --disable image-not-digest "$f" >/dev/null 2>"$dir/err"
    read -r secs kb code < <(tail -1 "$dir/time")
    rm -rf "$dir/out"
    "$pipec" build "$f" --target all -o "$dir/out" >/dev/null 2>&1
    gl=$(stat -c %s "$dir/out/.gitlab-ci.yml" 2>/dev/null || echo -)
    gh=$(stat -c %s "$dir/out/.github/workflows/stages.yml" 2>/dev/null || echo -)
    pl=$(stat -c %s "$dir/out/plan.json" 2>/dev/null || echo -)
    printf '%-7s %-9s %8s %9.1f %6s %12s %12s %12s\n' "$n" "$form" "$secs" "$(echo "$kb/1024" | bc -l)" "$code" "$gl" "$gh" "$pl"
  done
done
