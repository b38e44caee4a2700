#!/bin/sh
# `make demo`: the bundled ML example (examples/ml-cicd) end to end with a freshly built pipec:
# check, build for every target, graph (when the command exists), then run the whole pipeline
# for a push and for the nightly schedule, and print where every output went.
# usage: tools/demo.sh BUILD_DIR
# Everything it writes is git-ignored: out/demo/ and examples/ml-cicd/.pipec/.
set -eu

build_dir=${1:?usage: tools/demo.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
case $build_dir in /*) ;; *) build_dir=$root/$build_dir ;; esac
pipec=$build_dir/compiler/driver/pipec
if [ ! -x "$pipec" ]; then
  echo "demo: no pipec at $pipec; build it first (make build)" >&2
  exit 2
fi
example=$root/examples/ml-cicd
out=$root/out/demo
rm -rf "$out"
mkdir -p "$out"
# tools/deploy.py releases "staging" into this directory instead of /tmp/hat-environments.
HAT_ENVIRONMENTS=$out/environments
export HAT_ENVIRONMENTS

step() { printf '\n==> %s\n' "$*"; }
cd "$example"

step "pipec check pipeline.pipe"
"$pipec" check pipeline.pipe

step "pipec build pipeline.pipe --target all -o out/demo/build"
"$pipec" build pipeline.pipe --target all -o "$out/build"

has_graph=false
if "$pipec" help graph >/dev/null 2>&1; then has_graph=true; fi
if $has_graph; then
  step "pipec graph pipeline.pipe (dot, mermaid, and svg when Graphviz is installed)"
  "$pipec" graph pipeline.pipe --format dot -o "$out/graph.dot"
  "$pipec" graph pipeline.pipe --format mermaid -o "$out/graph.mmd"
  if command -v dot >/dev/null 2>&1; then "$pipec" graph pipeline.pipe --format svg -o "$out/graph.svg"; fi
  ls "$out"/graph.*
else
  step "pipec graph: not in this build of pipec, skipped"
fi

# The newest run directory under .pipec/runs (run ids sort by time).
latest_run() { ls -1d .pipec/runs/*/ 2>/dev/null | sort | tail -n 1 | sed 's:/$::'; }

step "pipec run pipeline.pipe --trigger push (CI for the training code and the API, CD to staging)"
"$pipec" run pipeline.pipe --trigger push --branch main --plain
push_run=$(latest_run)

step "pipec run pipeline.pipe --trigger schedule:nightly (CT: train, evaluate, update if qualified, redeploy)"
"$pipec" run pipeline.pipe --trigger schedule:nightly --branch main --plain --secrets-file demo.secrets
nightly_run=$(latest_run)

if $has_graph; then
  step "pipec graph --trigger schedule:nightly --run (the critical path of the nightly run)"
  "$pipec" graph pipeline.pipe --trigger schedule:nightly --run "$nightly_run" --format dot -o "$out/graph-nightly.dot"
  if command -v dot >/dev/null 2>&1; then
    "$pipec" graph pipeline.pipe --trigger schedule:nightly --run "$nightly_run" --format svg -o "$out/graph-nightly.svg"
  fi
  ls "$out"/graph-nightly.*
fi

step "where everything went"
echo "generated CI files (pipec build):"
(cd "$out/build" && find . -type f | sed 's:^\./:  out/demo/build/:' | sort)
for run in "$push_run" "$nightly_run"; do
  echo "run $(basename "$run"):"
  echo "  logs:    examples/ml-cicd/$run/logs/"
  echo "  outputs (artifacts and values of every job):"
  if [ -d "$run/store" ]; then
    (cd "$run/store" && find . -type f | sed "s:^\./:    examples/ml-cicd/$run/store/:" | sort)
  fi
done
if $has_graph; then
  echo "job graphs (pipec graph):"
  (cd "$out" && ls -1 graph*.* | sed 's:^:  out/demo/:')
fi
echo "staging (tools/deploy.py): out/demo/environments/staging/current -> $(readlink "$HAT_ENVIRONMENTS/staging/current")"
ls -1 "$HAT_ENVIRONMENTS/staging/releases" | sed 's:^:  release :'
