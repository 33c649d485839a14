#!/usr/bin/env bash
# Which sources of generator/ do not compile for Windows yet: compiles each
# (syntax only, no objects) with the MinGW-w64 cross compiler against the
# prefix of build-deps.sh, and prints one line a file, ok or its first
# error; the whole diagnostics go to OUT/port-check/FILE.log. The inventory
# of docs/windows.md comes from this; it shrinks as the port goes on.
#   nice -n 19 bash packaging/windows/port-check.sh [OUT]     (OUT: build-windows)
set -uo pipefail
cd "$(dirname "$0")/../.."
out=$(cd "${1:-build-windows}" && pwd)
prefix=$out/prefix
logs=$out/port-check
mkdir -p "$logs"
export prefix logs
check_one() {
  local file=$1 log
  log=$logs/$(echo "$file" | tr / _).log
  if x86_64-w64-mingw32-g++-posix -std=c++20 -fsyntax-only -Wall -Wextra -Igenerator -isystem "$prefix/include" \
       -DCURL_STATICLIB -DYAML_CPP_STATIC_DEFINE -DCMARK_GFM_STATIC_DEFINE -DCMARK_GFM_EXTENSIONS_STATIC_DEFINE \
       -DSHNOR_VERSION='"0"' -DSHNOR_WITH_SERVE=1 "$file" >"$log" 2>&1; then
    echo "ok     $file"
  else
    echo "FAILS  $file: $(grep -m1 'error' "$log" | sed "s|^$PWD/||")"
  fi
}
export -f check_one
find generator -name '*.cpp' | sort | xargs -P"${JOBS:-2}" -I{} bash -c 'check_one {}' | sort -k2
