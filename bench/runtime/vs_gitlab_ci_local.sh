#!/usr/bin/env bash
# `pipec run` vs gitlab-ci-local 4.73.0 (--shell-isolation) on the same N-job DAG of trivial
# jobs: the pipeline is written in Pipe, compiled to .gitlab-ci.yml by `pipec build`, and both
# tools run it in a fresh git repository. Prints wall times and the ratio.
# Usage: bench/runtime/vs_gitlab_ci_local.sh [PIPEC] [JOBS]   (needs npm and rsync)
# The same ratio over the differential corpus (small real pipelines, every trigger) is printed
# by tests/differential/run_differential.py at the end of each run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
pipec=$(realpath "${1:-$root/build/compiler/driver/pipec}")
n=${2:-200}
# Installed (pinned) by tools/setup-npm.sh, like the differential tests that use it.
gcl=$root/tests/.npm/node_modules/.bin/gitlab-ci-local
if [ ! -x "$gcl" ]; then "$root/tools/setup-npm.sh"; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q . && git config user.email b@x && git config user.name bench
python3 - "$n" > bench.pipe <<'PY'
import random, sys
n = int(sys.argv[1]); rng = random.Random(200)
print("pipeline dag version 1\non push")
for i in range(n):
    needs = sorted({f"j{rng.randrange(i)}" for _ in range(rng.randint(0, 3))}) if i else []
    print(f"job j{i} {{" + (f" needs {', '.join(needs)}" if needs else "") + ' run "true" }')
PY
"$pipec" build bench.pipe --target gitlab -o . >/dev/null 2>&1 || "$pipec" build bench.pipe --target gitlab -o .
git add -A && git commit -qm bench
t0=$(date +%s.%N)
"$pipec" run bench.pipe --trigger push --branch main --plain -j "$(nproc)" >/dev/null 2>&1
t1=$(date +%s.%N)
"$gcl" --shell-isolation --no-artifacts-to-source --concurrency "$(nproc)" >/dev/null 2>&1
t2=$(date +%s.%N)
python3 - "$t0" "$t1" "$t2" "$n" <<'PY'
import sys
t0, t1, t2, n = map(float, sys.argv[1:])
p, g = t1 - t0, t2 - t1
print(f"jobs={int(n)}  pipec run: {p:.2f} s ({1000*p/n:.1f} ms/job)  gitlab-ci-local: {g:.2f} s ({1000*g/n:.1f} ms/job)  ratio: {g/p:.1f}x")
PY
