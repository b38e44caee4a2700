#!/bin/sh
# Starts `pipec run` in the background, waits until its jobs have started their sleepers,
# sends SIGINT as a terminal's Ctrl-C would, then checks that no job process is left.
# usage: sigint.sh PIPEC PLAN WORKDIR
pipec=$1 plan=$2 dir=$3
cd "$dir" || exit 2
PIDS="$dir/pids"
export PIDS
: > "$PIDS"
"$pipec" run "$plan" --plain -j 2 --kill-grace 300 > out.txt 2>&1 &
runner=$!
i=0
while [ "$(wc -l < "$PIDS")" -lt 3 ]; do
  i=$((i + 1))
  if [ $i -gt 100 ]; then echo "jobs did not start"; cat out.txt; kill -9 $runner; exit 1; fi
  sleep 0.1
done
kill -INT $runner
wait $runner
echo "exit code $?"
for p in $(cat "$PIDS"); do
  if kill -0 "$p" 2>/dev/null; then echo "process $p survived"; kill -9 "$p"; exit 1; fi
done
echo "no process left"
