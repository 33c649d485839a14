#!/usr/bin/env bash
# Builds what of shnor ports to Windows so far (packaging/windows/CMakeLists.txt)
# with the libraries of build-deps.sh, and runs its tests under wine.
#   nice -n 19 bash packaging/windows/tests.sh [OUT]     (OUT: build-windows)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-build-windows}
bash packaging/windows/build-deps.sh "$out"
out=$(cd "$out" && pwd)
export WINEDEBUG=-all WINEPREFIX=${WINEPREFIX:-$out/wine}  # wine's own prefix, made on first use (~10 s)
cmake -S packaging/windows -B "$out/shnor" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$PWD/packaging/windows/toolchain-mingw64.cmake" \
      -DCMAKE_BUILD_TYPE=Release -DSHNOR_PREFIX="$out/prefix" >/dev/null
cmake --build "$out/shnor" -j"${JOBS:-$(nproc)}"
ctest --test-dir "$out/shnor" --output-on-failure
