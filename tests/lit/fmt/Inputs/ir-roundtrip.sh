#!/bin/sh
# ir-roundtrip.sh PIPEC REPO WORKDIR: copies the examples and the stdlib to WORKDIR, formats
# every .pipe file there, and checks that each pipeline's `pipec check --dump-ir` output is
# the same before and after, source positions aside. Modules (no `pipeline` header, so no
# IR of their own) are compared through the pipelines that import them.
set -u
pipec="$1"; repo="$2"; work="$3"
rm -rf "$work" && mkdir -p "$work"
cp -R "$repo/examples" "$repo/stdlib" "$work/" || exit 2
find "$work" -name .pipec -prune -exec rm -rf {} +
strip() { sed -E 's/"at": "[^"]*"/"at": ""/g; s/"(line|column|begin|end)": [0-9]+/"\1": 0/g'; }
files=$(find "$work" -name '*.pipe' -type f | LC_ALL=C sort)
for f in $files; do
  "$pipec" check --dump-ir "$f" 2>/dev/null | strip > "$f.before.json"
done
"$pipec" fmt $files > /dev/null || { echo "FAIL: pipec fmt exited $?"; exit 1; }
"$pipec" fmt --check $files || { echo "FAIL: not idempotent"; exit 1; }
status=0; compared=0
for f in $files; do
  "$pipec" check --dump-ir "$f" 2>/dev/null | strip > "$f.after.json"
  [ -s "$f.before.json" ] || continue
  compared=$((compared + 1))
  if ! cmp -s "$f.before.json" "$f.after.json"; then
    echo "FAIL: IR of ${f#$work/} changed"; diff "$f.before.json" "$f.after.json" | head -20; status=1
  fi
done
echo "compared the IR of $compared pipelines"
exit $status
