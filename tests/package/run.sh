#!/usr/bin/env bash
# The .deb in a clean Debian 12 (README "Install"): makes the package the
# documented way (cmake --build BUILD --target package), installs it with apt
# into a minimal Debian 12 root (so its dependencies resolve as on a user's
# machine, from the Debian mirror), and runs there, as an ordinary user and
# with no checkout in sight:
#   1. with only the package's Depends: shnor new site x && shnor build --content x,
#      and shnor serve (shnor-serve, run from beside shnor) until it serves;
#   2. with its Recommends too (libvips, libcurl): the example content, whose
#      bytes must equal those the build tree's shnor writes.
# Needs root (chroot) and mmdebstrap (.ci/setup); exits 77 (skipped) when not
# root. The minimal root is made once and kept as a tarball in the work folder
# (or in $SHNOR_PACKAGE_ROOT_CACHE, to share it between build trees), as are
# the packages apt downloads; each run starts from the tarball.
#   bash tests/package/run.sh --build BUILD_DIR --source SOURCE_DIR --work WORK_DIR
set -euo pipefail

while (($#)); do
  case "$1" in
    --build) build=$(realpath "$2"); shift 2 ;;
    --source) source=$(realpath "$2"); shift 2 ;;
    --work) mkdir -p "$2"; work=$(realpath "$2"); shift 2 ;;
    *) echo "usage: run.sh --build BUILD_DIR --source SOURCE_DIR --work WORK_DIR" >&2; exit 2 ;;
  esac
done
: "${build:?--build}" "${source:?--source}" "${work:?--work}"
if [ "$(id -u)" -ne 0 ]; then
  echo "package_test: skipped, chroot needs root"
  exit 77
fi
command -v mmdebstrap >/dev/null || { echo "package_test: mmdebstrap is missing (bash .ci/setup installs it)" >&2; exit 1; }

say() { echo "=== package_test: $*"; }

say "the package (cmake --build --target package)"
rm -f "$build"/shnor_*.deb
cmake --build "$build" --target package >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; exit 1; }
debs=("$build"/shnor_*.deb)
[ "${#debs[@]}" -eq 1 ] && [ -f "${debs[0]}" ] || { echo "expected one build/shnor_*.deb" >&2; exit 1; }
deb=${debs[0]}
dpkg-deb --field "$deb" Package Version Depends Recommends
# Only the two programs: the layouts and assets are inside them.
files=$(dpkg-deb --contents "$deb" | awk '$1 !~ /^d/ {print $NF}')
[ "$files" = "$(printf './usr/bin/shnor\n./usr/bin/shnor-serve')" ] || { echo "unexpected files: $files" >&2; exit 1; }

tarball=${SHNOR_PACKAGE_ROOT_CACHE:-$work}/bookworm-minbase.tar
if [ ! -f "$tarball" ] || [ ! -s "$tarball" ]; then
  say "a minimal Debian 12 root (mmdebstrap, once: $tarball)"
  mkdir -p "$(dirname "$tarball")"
  partial=${tarball%.tar}.partial.tar
  rm -rf --one-file-system "$tarball" "$partial"  # a run stopped half-way, or an old layout
  # --format: mmdebstrap otherwise picks the format from the name's ending.
  mmdebstrap --quiet --variant=minbase --mode=root --format=tar bookworm "$partial"
  mv "$partial" "$tarball"
fi

root=$work/root
umount "$root/proc" 2>/dev/null || true  # a run stopped before its end
rm -rf --one-file-system "$root"  # never into anything still mounted there
mkdir -p "$root" "$work/archives"
tar -xf "$tarball" -C "$root"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# /proc as on any machine: `shnor serve` finds shnor-serve by /proc/self/exe.
mount -t proc proc "$root/proc"
trap 'umount "$root/proc" 2>/dev/null || true' EXIT
cp "$work/archives/"*.deb "$root/var/cache/apt/archives/" 2>/dev/null || true
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
as_user() { chroot --userspec="$user" "$root" env HOME=/home/webmaster LC_ALL=C.UTF-8 sh -ec "cd; $1"; }
keep_downloads() { cp -u "$root/var/cache/apt/archives/"*.deb "$work/archives/" 2>/dev/null || true; }

say "apt install --no-install-recommends ./$(basename "$deb")"
in_root apt-get update -qq
in_root apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$deb")" >"$work/apt.log" 2>&1 \
  || { cat "$work/apt.log"; exit 1; }
keep_downloads
for library in $(dpkg-deb --field "$deb" Recommends | tr -d ' ' | tr ',' ' '); do
  if in_root dpkg-query -W -f='${Status}' "$library" 2>/dev/null | grep -q "install ok installed"; then
    echo "$library is installed though only recommended: the first run cannot show it is optional" >&2
    exit 1
  fi
done
in_root useradd --create-home webmaster
user=$(in_root id -u webmaster):$(in_root id -g webmaster)  # numbers: chroot looks names up outside

say "shnor new site x && shnor build --content x (Depends only)"
as_user 'shnor --version && shnor new site x && shnor build --content x --out x-site'
for page in index.html schools/index.html; do
  [ -s "$root/home/webmaster/x-site/$page" ] || { echo "x-site/$page missing" >&2; exit 1; }
done
cmp "$root/home/webmaster/x-site/assets/style.css" "$source/assets/style.css"

say "shnor serve runs shnor-serve, which serves the site"
# bash's /dev/tcp: the root has no HTTP client without the Recommends.
chroot --userspec="$user" "$root" env HOME=/home/webmaster LC_ALL=C.UTF-8 bash -c '
  cd
  shnor serve --content x --port 0 >serve.log 2>&1 &
  server=$!
  for _ in $(seq 300); do grep -q "Предпросмотр: http" serve.log && break; sleep 0.1; done
  port=$(sed -n "s|^Предпросмотр: http://127.0.0.1:\([0-9]*\)/.*|\1|p" serve.log)
  status=1
  if [ -n "$port" ] && exec 3<>"/dev/tcp/127.0.0.1/$port"; then
    printf "GET /assets/style.css HTTP/1.0\r\n\r\n" >&3
    head -1 <&3 | grep -q "200" && status=0
  fi
  kill "$server"; wait "$server" || true
  cat serve.log
  exit $status'

say "the Recommends too, then the example content: the same bytes as the build tree's shnor"
in_root apt-get install -y -qq $(dpkg-deb --field "$deb" Recommends | tr -d ' ' | tr ',' ' ') >"$work/apt.log" 2>&1 \
  || { cat "$work/apt.log"; exit 1; }
keep_downloads
cp -r "$source/content" "$root/home/webmaster/content"
in_root chown -R webmaster:webmaster /home/webmaster/content
as_user 'shnor build --content content --out example --date 2024-11-01 >build.log'
rm -rf "$work/expected" "$work/expected-cache"
"$build/shnor" build --content "$source/content" --out "$work/expected" --cache "$work/expected-cache" \
  --date 2024-11-01 >/dev/null
diff -r "$work/expected" "$root/home/webmaster/example"

umount "$root/proc"
rm -rf --one-file-system "$root"
say "passed"
