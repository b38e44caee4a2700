#!/usr/bin/env bash
# Clean Release build time of the `pipec` target (what `make demo` builds; TARGET=all: every
# target, what `make test` builds) for each git revision given, one after the other on this
# machine, ccache off, each revision with its own default options; and how many of the built
# translation units parse nlohmann/json.hpp (from ninja's dependency log; a unity batch counts once).
# Usage: [TARGET=all] bench/compile/clean_build.sh REV [REV...]   (e.g. 1cceb53 HEAD). Not run by ctest.
set -euo pipefail
target=${TARGET:-pipec}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'for d in "$work"/*/; do git -C "$repo" worktree remove --force "$d" 2>/dev/null || true; done; rm -rf "$work"' EXIT
printf '%-12s %10s %22s\n' revision seconds 'TUs parsing json.hpp'
for rev in "$@"; do
  dir="$work/$(git -C "$repo" rev-parse --short "$rev")"
  git -C "$repo" worktree add -q --detach "$dir" "$rev"
  cmake -S "$dir" -B "$dir/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPIPEC_CCACHE=PIPEC_CCACHE-NOTFOUND \
    -DCMAKE_CXX_COMPILER_LAUNCHER= >/dev/null
  start=$(date +%s.%N)
  CCACHE_DISABLE=1 cmake --build "$dir/build" -j "$(nproc)" --target "$target" >/dev/null
  end=$(date +%s.%N)
  json=$(ninja -C "$dir/build" -t deps | awk '/#deps/{t=$1} /nlohmann\/json.hpp/{print t}' | sort -u | wc -l)
  all=$(ninja -C "$dir/build" -t deps | grep -c '#deps')
  printf '%-12s %10.0f %22s\n' "$rev" "$(echo "$end - $start" | bc)" "$json of $all"
done
