#!/bin/sh
# Validates a SARIF file against the SARIF 2.1.0 JSON schema with ajv-cli.
# usage: validate-sarif.sh FILE PEERS_DIR NPM_BIN
# Prints "skipped: no peer data" when the peer schema is absent (a fresh clone), and fails with
# a clear message when ajv-cli is not installed (tools/setup-npm.sh installs it).
file=$1
peers=$2
npm_bin=$3
schema="$peers/sarif-schema/sarif-2.1.0.json"
if [ -z "$peers" ] || [ ! -f "$schema" ]; then
  echo "skipped: no peer data"
  exit 0
fi
if [ ! -x "$npm_bin/ajv" ]; then
  echo "error: ajv-cli is not installed at $npm_bin/ajv; run tools/setup-npm.sh" >&2
  exit 1
fi
"$npm_bin/ajv" validate -s "$schema" -d "$file" -c ajv-formats --strict=false --all-errors \
  --errors=text 2>&1
