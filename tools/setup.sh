#!/usr/bin/env bash
# Installs the Debian packages pipec needs to build and test, only those missing.
set -euo pipefail
packages=(cmake ninja-build g++ libantlr4-runtime-dev antlr4 libyaml-cpp-dev libfmt-dev
  libcli11-dev libre2-dev libmimalloc-dev libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev uuid-dev
  llvm-14-tools default-jre-headless shellcheck python3 git nodejs npm graphviz rsync python3-yaml
  tzdata  # time zones: GitHub schedules are moved to UTC (docs/targets.md)
  clang libclang-rt-14-dev llvm-14)  # clang, libFuzzer, llvm-cov: `make fuzz` (docs/fuzzing.md)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
# node/npm may come from elsewhere (e.g. NodeSource): do not fight an existing install.
if command -v node >/dev/null 2>&1; then
  keep=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || keep+=("$p"); done
  missing=("${keep[@]}")
  [ ${#missing[@]} -eq 0 ] && exit 0
fi
echo "pipec setup: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "pipec setup: not root and no sudo; as root, run:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
