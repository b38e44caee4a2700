#!/usr/bin/env bash
# Usage: fuzz/seeds.sh TARGET OUT_DIR [PEERS_DIR]
# Collects the seed corpus of one fuzz target into OUT_DIR (recreated): the project's tests,
# examples and stdlib, and the peer suites read in place (never committed). docs/fuzzing.md.
set -euo pipefail
target=$1 out=$2 peers=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$out"
mkdir -p "$out"
pick() {  # pick DIR NAME-PATTERN...
  local dir=$1
  shift
  [ -d "$dir" ] || return 0
  local args=()
  for p in "$@"; do args+=(-o -name "$p"); done
  # Each file is named by its content's SHA-1 (16 hex digits), so duplicates collapse. One
  # process hashes and copies them all: a sha1sum, cut and cp per file took 8 of the 9 s of
  # fuzz_replay_github.
  # tests/.npm holds the npm test tools (git-ignored): their package files are no seeds.
  find "$dir" \( -name .npm -o -name node_modules \) -prune -o \
    -type f \( -false "${args[@]}" \) -size -256k -print0 |
    python3 -c '
import hashlib, shutil, sys
for path in filter(None, sys.stdin.buffer.read().split(b"\0")):
    with open(path, "rb") as f:
        data = f.read()
    with open(sys.argv[1] + "/" + hashlib.sha1(data).hexdigest()[:16], "wb") as f:
        f.write(data)
' "$out"
}
case $target in
  pipe | fmt)
    pick "$root/tests" '*.pipe'; pick "$root/examples" '*.pipe'; pick "$root/stdlib" '*.pipe' ;;
  gitlab)
    pick "$root/tests" '*gitlab*.yml' '*gitlab*.yaml' '.gitlab-ci.yml'
    pick "$root/examples" '*.yml'
    [ -n "$peers" ] && pick "$peers/gitlab-ci-schema" '*.yml' '*.yaml' ;;
  github)
    pick "$root/tests" '*github*.yml' '*github*.yaml'
    pick "$root/tests/corpus/github" '*.yml' '*.yaml'
    [ -n "$peers" ] && pick "$peers/actionlint" '*.yml' '*.yaml'
    [ -n "$peers" ] && pick "$peers/github-workflow-schema" '*.yml' '*.yaml' ;;
  import)
    pick "$root/tests" '*.yml' '*.yaml'; pick "$root/examples" '*.yml'
    [ -n "$peers" ] && pick "$peers/gitlab-ci-schema" '*.yml'
    [ -n "$peers" ] && pick "$peers/actionlint/testdata/ok" '*.yaml' ;;
  plan)
    pick "$root/tests" '*.json' ;;
  writers) ;;  # its committed corpus only
  *) echo "seeds.sh: unknown target $target" >&2; exit 2 ;;
esac
echo "seeds.sh: $target: $(ls "$out" | wc -l) seeds"
