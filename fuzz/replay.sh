#!/usr/bin/env bash
# Usage: fuzz/replay.sh BINARY TARGET SEED_DIR [PEERS_DIR]  (ctest: fuzz_replay_<target>)
# Runs the committed regressions and the seed corpus through a replay build of one target.
set -uo pipefail
bin=$1 target=$2 seeds=$3 peers=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
"$here/seeds.sh" "$target" "$seeds" "$peers" || exit 1
if ! "$bin" "$here/corpus/$target" "$seeds" 2>"$seeds.log"; then
  echo "fuzz target $target failed; last input and message:"
  tail -5 "$seeds.log"
  exit 1
fi
