#!/usr/bin/env bash
# Shows that the Windows port leaves the Linux build as it was: preprocesses
# every source of generator/ and tests/ for Linux at BASE (default: the
# merge base with main) and in the work tree, and compares the two without
# line markers and blank lines. Identical text compiles to identical objects,
# so a port step that only adds `#ifdef _WIN32` branches changes nothing on
# Linux; a new Windows-only source must preprocess to nothing there. Prints
# the sources that differ (for those a Linux build and ctest are the proof);
# exits 1 when any does.
#   nice -n 19 bash packaging/windows/linux-unchanged.sh [BASE]
set -euo pipefail
cd "$(dirname "$0")/../.."
base=${1:-$(git merge-base HEAD main)}
old=$(mktemp -d)
trap 'rm -rf "$old"' EXIT
git archive "$base" generator tests | tar -x -C "$old"
flags=(-std=c++20 -E -P -DSHNOR_LIBCURL_SONAME='"libcurl.so.4"' -DSHNOR_LIBCRYPTO_SONAME='"libcrypto.so.3"'
       -DSHNOR_LIBXLSXWRITER_SONAME='"libxlsxwriter.so.4"' -DSHNOR_LIBVIPS_SONAME='"libvips.so.42"'
       -DSHNOR_VERSION='"0"' -DSHNOR_WITH_SERVE=1 -DSHNOR_BUILTIN_LAYOUTS='"l"' -DSHNOR_BUILTIN_ASSETS='"a"'
       -DSHNOR_SOURCE_DIR='"s"' -DSHNOR_SEEDS_DIR='"d"' -DSHNOR_BINARY='"b"'
       $(pkg-config --cflags-only-I vips-cpp))
preprocess() {  # preprocess ROOT FILE
  (cd "$1" && g++ "${flags[@]}" -Igenerator "$2" 2>/dev/null) | grep -v '^[[:space:]]*$' || true
}
differ=0
while read -r file; do
  if [ ! -f "$old/$file" ]; then  # a Windows-only file is empty on Linux
    [ -z "$(preprocess . "$file")" ] || { echo "new file with Linux code: $file"; differ=1; }
    continue
  fi
  if ! cmp -s <(preprocess "$old" "$file") <(preprocess . "$file"); then
    echo "differs on Linux: $file"; differ=1
  fi
done < <(git ls-files 'generator/*.cpp' 'tests/*.cpp'; git ls-files --others --exclude-standard 'generator/*.cpp' 'tests/*.cpp')
[ "$differ" = 0 ] && echo "linux-unchanged: every source preprocesses for Linux as at $base"
exit "$differ"
