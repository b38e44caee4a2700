#!/usr/bin/env bash
# Usage: fuzz/run.sh FUZZ_BUILD_DIR SECONDS [PEERS_DIR] [TARGET...]   (`make fuzz`)
# Runs each libFuzzer target for SECONDS, one at a time at nice 10 (FUZZ_NICE), starting from the seeds
# and the corpus kept in FUZZ_BUILD_DIR/fuzz/corpus/<target> (grown run after run). A crash
# is written to FUZZ_BUILD_DIR/fuzz/crashes/; minimise it and commit it under
# fuzz/corpus/<target>/ with the fix, so `make test` replays it (docs/fuzzing.md).
set -uo pipefail
build=$1 seconds=$2 peers=${3:-}
shift 3 2>/dev/null || shift $#
here=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(pipe fmt gitlab github import plan writers)
work=$build/fuzz
mkdir -p "$work/crashes"
status=0
for t in "${targets[@]}"; do
  "$here/seeds.sh" "$t" "$work/seeds/$t" "$peers" >/dev/null
  mkdir -p "$work/corpus/$t"
  log=$work/$t.log
  # -rss_limit_mb: pipec bounds its memory; -timeout: and its time, per input. The timeout is
  # wall-clock time: raise FUZZ_TIMEOUT when the targets share the cores with other work.
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
    nice -n "${FUZZ_NICE:-10}" "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/crashes/$t-" \
    "$work/corpus/$t" "$work/seeds/$t" "$here/corpus/$t" >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  echo "fuzz $t: rc $rc, ${runs:-?} executions in ${seconds}s, $cov, corpus $(ls "$work/corpus/$t" | wc -l) files"
  if [ $rc -ne 0 ]; then
    status=1
    grep -m3 -E 'ERROR|SUMMARY|invariant|Test unit written' "$log"
  fi
done
exit $status
