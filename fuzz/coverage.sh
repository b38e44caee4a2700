#!/usr/bin/env bash
# Usage: fuzz/coverage.sh COV_BUILD_DIR FUZZ_BUILD_DIR [TARGET...]   (`make fuzz-coverage`)
# Line coverage of each fuzz target's corpus (docs/fuzzing.md): builds the targets with clang
# source-based coverage (-fprofile-instr-generate -fcoverage-mapping; the replay driver, no
# sanitizers) in COV_BUILD_DIR, replays what FUZZ_BUILD_DIR/fuzz/corpus/<target> grew under
# `make fuzz` plus the seeds and the committed regressions, and prints, per target, the lines
# of the project's own code that ran (generated parser, tests and system headers left out).
set -euo pipefail
cov=$1 fuzzdir=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(pipe fmt gitlab github import plan writers)
cmake -S "$root" -B "$cov" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="-fprofile-instr-generate -fcoverage-mapping" \
  -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate" -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build "$cov" --target fuzz_all -j "${JOBS:-2}" >/dev/null
ignore='(/usr/|/build[^/]*/|_test\.cc|/grammar/|/fuzz/)'
for t in "${targets[@]}"; do
  dirs=("$here/corpus/$t")
  [ -d "$fuzzdir/fuzz/corpus/$t" ] && dirs+=("$fuzzdir/fuzz/corpus/$t")
  [ -d "$fuzzdir/fuzz/seeds/$t" ] && dirs+=("$fuzzdir/fuzz/seeds/$t")
  files=$(find "${dirs[@]}" -type f | wc -l)
  rm -f "$cov/$t.profraw"
  LLVM_PROFILE_FILE="$cov/$t.profraw" "$cov/fuzz/fuzz_$t" "${dirs[@]}" >/dev/null 2>&1 || true
  llvm-profdata-14 merge -sparse "$cov/$t.profraw" -o "$cov/$t.profdata"
  line=$(llvm-cov-14 report "$cov/fuzz/fuzz_$t" -instr-profile="$cov/$t.profdata" \
           -ignore-filename-regex="$ignore" | tail -1)
  # TOTAL regions missed cover functions missed cover lines missed cover [branches ...]
  read -r _ _ _ _ _ _ _ lines missed cover _ <<<"$line"
  echo "coverage $t: $files inputs, lines $((lines - missed))/$lines ($cover) of the code it links"
done
