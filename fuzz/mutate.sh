#!/usr/bin/env bash
# Usage: fuzz/mutate.sh BINARY TARGET SECONDS SEED_DIR CRASH_DIR [PEERS_DIR]
# (ctest fuzz_mutate_<target>, docs/fuzzing.md): a brief mutation-fuzz run of a replay build
# of one target, from the committed regressions and the seeds, with the target's dictionary
# and a fixed seed (PIPEC_FUZZ_SEED overrides it), so a failure names the input and reproduces.
# SEED_DIR is fuzz_replay_<target>'s (ctest runs that first); it is made when missing.
set -uo pipefail
bin=$1 target=$2 seconds=$3 seeds=$4 crashes=$5 peers=${6:-}
here=$(cd "$(dirname "$0")" && pwd)
[ -d "$seeds" ] || "$here/seeds.sh" "$target" "$seeds" "$peers" >/dev/null || exit 1
dict=()
case $target in
  pipe | fmt) dict=(--dict "$here/dict/pipe.dict") ;;
  gitlab | github | import | plan) dict=(--dict "$here/dict/$target.dict") ;;
esac
exec "$bin" --mutate "$seconds" --seed "${PIPEC_FUZZ_SEED:-1}" "${dict[@]}" --crash-dir "$crashes" \
  "$here/corpus/$target" "$seeds"
