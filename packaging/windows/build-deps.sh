#!/usr/bin/env bash
# Cross-builds the libraries shnor links for 64-bit Windows, static, from the
# exact Debian 12 sources (docs/windows.md):
#   nice -n 19 bash packaging/windows/build-deps.sh [OUT]     (OUT: build-windows)
# OUT/prefix then holds include/, lib/ (static .a) and lib/pkgconfig/ for the
# CMake toolchain file beside this script. Installs what it needs with
# apt-get (root or sudo), fetches the sources with `apt-get source` through
# a private sources list and state in OUT/apt (never touching /etc/apt), and
# skips every library already built at its pinned version, so running it
# again costs seconds. Prints how long each library took.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "${1:-build-windows}" && cd "${1:-build-windows}" && pwd)
prefix=$out/prefix
triple=x86_64-w64-mingw32
jobs=${JOBS:-$(nproc)}

need_packages() {  # installs the Debian packages that are missing
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
# -posix: the threads model std::thread needs; wine runs what is built.
need_packages g++-mingw-w64-x86-64-posix mingw-w64-tools wine wine64 cmake ninja-build dpkg-dev make patch

# --- sources ---------------------------------------------------------------
# A private apt: deb-src entries made from the machine's own Debian 12
# entries (same mirrors and keyrings), lists and cache under OUT/apt.
apt_dir=$out/apt
apt_options=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
             -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "Dir::State::status=$apt_dir/status"
             -o "APT::Sandbox::User=root" -o "Debug::NoLocking=true")
debian_sources() {  # prints one-line entries of TYPE (deb, deb-src) for the bookworm suites of /etc/apt
  local type=$1 file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    awk -v type="$type" '$1 == "deb" { $1 = type; for (i = 2; i <= NF; i++) if ($i ~ /^bookworm(-updates|-security)?$/) { print; next } }' "$file"
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    # deb822 stanzas: every (URI, suite) of a stanza of type deb.
    awk -v type="$type" '
         function flush(   u, s, n, m, us, ss, opt) {
           if (types ~ /(^| )deb( |$)/ && uris != "" && suites != "") {
             n = split(uris, us, " "); m = split(suites, ss, " ")
             opt = signed == "" ? "" : "[signed-by=" signed "] "
             for (u = 1; u <= n; u++) for (s = 1; s <= m; s++)
               if (ss[s] ~ /^bookworm(-updates|-security)?$/) print type " " opt us[u] " " ss[s] " " components
           }
           types = uris = suites = components = signed = ""
         }
         /^[ \t]*$/ { flush(); next }
         /^Types:/ { types = substr($0, 8) }
         /^URIs:/ { uris = substr($0, 6) }
         /^Suites:/ { suites = substr($0, 8) }
         /^Components:/ { components = substr($0, 12) }
         /^Signed-By:/ { signed = substr($0, 11); gsub(/^[ \t]+/, "", signed) }
         END { flush() }' "$file"
  done
}
pinned() {  # pinned KIND: "PACKAGE VERSION" lines of that kind
  awk -v kind="$1" '$1 == kind { print $2, $3 }' "$here/sources.list.txt"
}
version_of() { awk -v p="$1" '$2 == p { print $3 }' "$here/sources.list.txt"; }
# A library's stamp names its version and the recipe that built it (its
# build function, the toolchain file and its patches): a changed recipe builds it again.
stamp_name() {
  local recipe patches=("$here/$1"-*.patch)
  [ -e "${patches[0]}" ] || patches=()
  local sources=()  # a library of shnor's own (packaging/windows/NAME/): its files
  [ -d "$here/$1" ] && sources=("$here/$1"/*)
  recipe=$( (declare -f "build_${1//-/_}" || true; cat "$here/toolchain-mingw64.cmake" ${patches[@]+"${patches[@]}"} \
             ${sources[@]+"${sources[@]}"}) |
           sha256sum | cut -c1-12)
  echo "$1-$(version_of "$1" | tr : _)-$recipe"
}
fetch_sources() {
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/sources.list.d" \
           "$out/sources" "$out/debs" "$prefix"
  touch "$apt_dir/status"
  { debian_sources deb; debian_sources deb-src; } | sed 's/  */ /g' | sort -u > "$apt_dir/sources.list.new"
  if ! [ -s "$apt_dir/sources.list.new" ]; then
    echo "build-deps: no Debian 12 (bookworm) entries in /etc/apt to take deb-src entries from" >&2
    exit 1
  fi
  mv "$apt_dir/sources.list.new" "$apt_dir/sources.list"
  local sources=() debs=() package version
  while read -r package version; do
    [ -f "$out/sources/.fetched-$package-$(version_of "$package" | tr : _)" ] || sources+=("$package=$version")
  done < <(pinned source)
  while read -r package version; do
    [ -f "$out/debs/.fetched-$package-$(version_of "$package" | tr : _)" ] || debs+=("$package=$version")
  done < <(pinned headers)
  ((${#sources[@]} + ${#debs[@]})) || return 0
  step_start=$SECONDS
  apt-get "${apt_options[@]}" update -qq
  local entry
  for entry in ${sources[@]+"${sources[@]}"}; do
    (cd "$out/sources" && apt-get "${apt_options[@]}" source -qq "$entry" >/dev/null)
    touch "$out/sources/.fetched-${entry%%=*}-$(version_of "${entry%%=*}" | tr : _)"
  done
  for entry in ${debs[@]+"${debs[@]}"}; do
    (cd "$out/debs" && apt-get "${apt_options[@]}" download -qq "$entry" >/dev/null)
    touch "$out/debs/.fetched-${entry%%=*}-$(version_of "${entry%%=*}" | tr : _)"
  done
  echo "build-deps: sources fetched: $((SECONDS - step_start)) s"
}
# The extracted tree of a source package: NAME-UPSTREAMVERSION (no epoch or revision).
source_dir() {
  local version
  version=$(version_of "$1")
  version=${version#*:}
  echo "$out/sources/$1-${version%-*}"
}

step_start=0
built() {  # built NAME: true when NAME was installed at its pinned version
  [ -f "$prefix/.built/$(stamp_name "$1")" ]
}
mark_built() {
  mkdir -p "$prefix/.built"
  touch "$prefix/.built/$(stamp_name "$1")"
  echo "build-deps: $1 $(version_of "$1"): $((SECONDS - step_start)) s"
}
# --- building --------------------------------------------------------------
cc=$triple-gcc-posix
ar=$triple-gcc-ar-posix
c_flags=(-O2 -DNDEBUG)
export PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig PKG_CONFIG_PATH=

c_library() {  # c_library LIBRARY SOURCE-DIR FLAGS... -- FILES...: compiles FILES into prefix/lib/LIBRARY
  local library=$1 source=$2 flags=() objects=() file
  shift 2
  while [ "$1" != "--" ]; do flags+=("$1"); shift; done
  shift
  local objects_dir=$out/build/${library%.a}
  mkdir -p "$objects_dir" "$prefix/lib"
  for file in "$@"; do
    "$cc" "${c_flags[@]}" "${flags[@]}" -c "$source/$file" -o "$objects_dir/$(basename "${file%.c}").o"
    objects+=("$objects_dir/$(basename "${file%.c}").o")
  done
  rm -f "$prefix/lib/$library"
  "$ar" rcs "$prefix/lib/$library" "${objects[@]}"
}
pc_file() {  # pc_file NAME VERSION LIBS [CFLAGS [LIBS.PRIVATE]]: writes prefix/lib/pkgconfig/NAME.pc
  mkdir -p "$prefix/lib/pkgconfig"
  cat > "$prefix/lib/pkgconfig/$1.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: $1
Description: $1 (cross-built static for Windows by packaging/windows/build-deps.sh)
Version: $2
Libs: -L\${libdir} $3
Libs.private: ${5:-}
Cflags: -I\${includedir} ${4:-}
PC
}
cmake_project() {  # cmake_project NAME SOURCE-DIR CMAKE-OPTIONS...: configures, builds, installs into the prefix
  local name=$1 source=$2
  shift 2
  cmake -S "$source" -B "$out/build/$name" -G Ninja -Wno-dev \
        -DCMAKE_TOOLCHAIN_FILE="$here/toolchain-mingw64.cmake" -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_ROOT_PATH="$prefix" \
        -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF "$@" >"$out/build/$name.configure.log"
  cmake --build "$out/build/$name" -j"$jobs" >"$out/build/$name.build.log"
  cmake --install "$out/build/$name" >"$out/build/$name.install.log"
}

build_zlib() {
  local src
  src=$(source_dir zlib)
  c_library libz.a "$src" -- adler32.c compress.c crc32.c deflate.c gzclose.c gzlib.c gzread.c gzwrite.c \
            infback.c inffast.c inflate.c inftrees.c trees.c uncompr.c zutil.c
  install -m 644 -D -t "$prefix/include" "$src/zlib.h" "$src/zconf.h"
  pc_file zlib 1.2.13 -lz
}
build_minizip() {  # Debian's libminizip: zlib's contrib/minizip with its patches
  local src
  src=$(source_dir minizip)
  c_library libminizip.a "$src" "-I$prefix/include" -- ioapi.c mztools.c unzip.c zip.c iowin32.c
  install -m 644 -D -t "$prefix/include/minizip" "$src"/{crypt,ioapi,mztools,unzip,zip,iowin32}.h
  pc_file minizip 1.1 -lminizip "-I\${includedir}/minizip" -lz
}
build_xxhash() {
  local src
  src=$(source_dir xxhash)
  c_library libxxhash.a "$src" -- xxhash.c
  install -m 644 -D -t "$prefix/include" "$src/xxhash.h" "$src/xxh3.h"
  pc_file libxxhash 0.8.1 -lxxhash
}
build_lmdb() {
  local src
  src=$(source_dir lmdb)/libraries/liblmdb
  c_library liblmdb.a "$src" -- mdb.c midl.c
  install -m 644 -D -t "$prefix/include" "$src/lmdb.h"
  pc_file lmdb 0.9.24 -llmdb
}
build_yaml_cpp() {
  cmake_project yaml-cpp "$(source_dir yaml-cpp)" -DYAML_BUILD_SHARED_LIBS=OFF -DYAML_CPP_BUILD_TESTS=OFF \
                -DYAML_CPP_BUILD_TOOLS=OFF -DYAML_CPP_BUILD_CONTRIB=OFF
}
apply_patch() {  # apply_patch SOURCE-DIR PATCH: once (a second run finds it applied)
  patch -d "$1" -p1 -R --dry-run -s -f <"$2" >/dev/null 2>&1 || patch -d "$1" -p1 -s -f <"$2"
}
build_cmark_gfm() {  # with shnor's fix of its special characters' table (the patch says why)
  local src
  src=$(source_dir cmark-gfm)
  apply_patch "$src" "$here/cmark-gfm-special-characters.patch"
  cmake_project cmark-gfm "$src" -DCMARK_TESTS=OFF -DCMARK_SHARED=OFF -DCMARK_STATIC=ON
}
# TLS by Schannel, against Windows' own certificate store: no OpenSSL, and no
# CA bundle path (CMake would bake in this machine's /etc/ssl/certs/...).
build_curl() {
  cmake_project curl "$(source_dir curl)" -DCURL_USE_SCHANNEL=ON -DCURL_USE_OPENSSL=OFF \
                -DCURL_USE_LIBSSH2=OFF -DCURL_USE_LIBPSL=OFF -DUSE_LIBIDN2=OFF -DUSE_NGHTTP2=OFF \
                -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DCURL_DISABLE_LDAP=ON -DENABLE_MANUAL=OFF \
                -DBUILD_CURL_EXE=ON -DCURL_STATICLIB=ON -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none
}
build_libxlsxwriter() {  # with the minizip above, as Debian builds it (one zipOpen in the program)
  cmake_project libxlsxwriter "$(source_dir libxlsxwriter)" -DUSE_SYSTEM_MINIZIP=ON -DBUILD_TESTS=OFF \
                -DBUILD_EXAMPLES=OFF -DMINIZIP_ROOT="$prefix"
}
# shnor import (.docx, .xlsx) only reads archives: zlib only, no crypto, no bzip2/lzma.
build_libzip() {
  cmake_project libzip "$(source_dir libzip)" -DENABLE_COMMONCRYPTO=OFF -DENABLE_GNUTLS=OFF -DENABLE_MBEDTLS=OFF \
                -DENABLE_OPENSSL=OFF -DENABLE_WINDOWS_CRYPTO=OFF -DENABLE_BZIP2=OFF -DENABLE_LZMA=OFF \
                -DBUILD_TOOLS=OFF -DBUILD_REGRESS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_DOC=OFF
}
build_pugixml() {
  cmake_project pugixml "$(source_dir pugixml)" -DPUGIXML_BUILD_TESTS=OFF
}
# MinGW has no iconv and Debian 12 has no source package of one for Windows:
# packaging/windows/iconv/ is a small one over the Windows code pages, enough
# for freexl (its files are this step's recipe: a change to them rebuilds it).
build_iconv() {
  c_library libiconv.a "$here/iconv" -- iconv.c
  install -m 644 -D -t "$prefix/include" "$here/iconv/iconv.h" "$here/iconv/localcharset.h"
}
build_freexl() {  # one C file (autotools would only write a config.h with its version), with the patch
  local src
  src=$(source_dir freexl)
  apply_patch "$src" "$here/freexl-utf8-path.patch"
  mkdir -p "$out/build/freexl"
  printf '#define VERSION "%s"\n' 1.0.6 > "$out/build/freexl/config.h"
  c_library libfreexl.a "$src" "-I$out/build/freexl" "-I$src/headers" "-I$prefix/include" -- src/freexl.c
  install -m 644 -D -t "$prefix/include" "$src/headers/freexl.h"
  pc_file freexl 1.0.6 -lfreexl "" -liconv
}
build_cpp_httplib() {  # header-only: the whole header of the source package
  install -m 644 -D -t "$prefix/include" "$(source_dir cpp-httplib)/httplib.h"
}
install_headers() {  # install_headers PACKAGE: the -dev package's usr/ tree, without its docs
  local deb root version
  version=$(version_of "$1")
  deb=$(ls "$out/debs/$1_${version#*:}_"*.deb)  # the file name has no epoch
  root=$out/build/$1
  rm -rf "$root" && mkdir -p "$root"
  dpkg-deb -x "$deb" "$root"
  rm -rf "$root/usr/share/doc"
  cp -a "$root/usr/." "$prefix/"
}

fetch_sources
for library in zlib minizip xxhash lmdb yaml-cpp cmark-gfm curl libxlsxwriter cpp-httplib libzip pugixml iconv freexl; do
  built "$library" && continue
  step_start=$SECONDS
  "build_${library//-/_}"
  mark_built "$library"
done
while read -r package version; do
  built "$package" && continue
  step_start=$SECONDS
  install_headers "$package"
  mark_built "$package"
done < <(pinned headers)
echo "build-deps: $prefix holds every library ($SECONDS s)"
