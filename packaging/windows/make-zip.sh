#!/usr/bin/env bash
# The one command that makes the Windows download on a Debian 12 machine:
# fetches and cross-builds the libraries (build-deps.sh, cached), builds
# shnor.exe with the layouts and assets inside, and packs
# OUT/shnor-<version>-windows-x64.zip (make_zip.py: shnor.exe, the Russian
# README, the .cmd files, the example content, the webmaster's guide).
#   bash packaging/windows/make-zip.sh [OUT]     (OUT: build-windows)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-build-windows}
bash packaging/windows/build-deps.sh "$out"
out=$(cd "$out" && pwd)
cmake -S packaging/windows -B "$out/shnor" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$PWD/packaging/windows/toolchain-mingw64.cmake" \
      -DCMAKE_BUILD_TYPE=Release -DSHNOR_PREFIX="$out/prefix" >/dev/null
cmake --build "$out/shnor" -j"${JOBS:-$(nproc)}" --target shnor
version=$(sed -n 's/^project(shnor_site VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
# The archive's timestamps: the commit's, so the same checkout gives the same zip.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 315532800)}
/usr/bin/python3 packaging/windows/make_zip.py --exe "$out/shnor/shnor.exe" --repo . --version "$version" \
                 --epoch "$epoch" --out "$out"
