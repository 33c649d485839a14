#!/usr/bin/env bash
# End-to-end under wine, from the zip a webmaster downloads (issue 19, points
# 2–5): unpacked into a folder with a Cyrillic name, the .cmd files run as a
# double-click runs them, then shnor.exe's own commands: the example built
# byte for byte as the Linux build makes it (when build/shnor exists), a new
# site, Cyrillic file names, check, serve answering on 127.0.0.1 and
# rebuilding on a save, and a fetch over HTTPS from a local server whose
# certificate is trusted through CURL_CA_BUNDLE (and refused without it).
#   bash packaging/windows/e2e.sh ZIP [OUT]     (OUT: build-windows; wine's prefix OUT/wine)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
zip=$(realpath "$1")
out=$(realpath "${2:-build-windows}")
export WINEDEBUG=-all WINEPREFIX=${WINEPREFIX:-$out/wine}
missing=()
for tool in wine:wine openssl:openssl curl:curl /usr/bin/python3:python3 winepath:wine; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if ((${#missing[@]})); then
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
python=/usr/bin/python3
date=2026-09-01
failures=0
pass() { echo "ok    $*"; }
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }
# A command's Russian output (stdout and stderr) is kept for the checks;
# wine's first-run chatter is made before, by wineboot.
wine_run() { wine "$@" </dev/null; }
windows_path() { winepath -w "$1" 2>/dev/null; }

work=$(mktemp -d "${TMPDIR:-/tmp}/shnor-e2e.XXXXXX")
server_pids=()
cleanup() {
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wineserver -k 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# 1. The zip, unpacked as Explorer's "Extract all" does (UTF-8 names).
desk="$work/Рабочий стол веб-мастера"
mkdir -p "$desk"
"$python" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$desk"
root=$(find "$desk" -mindepth 1 -maxdepth 1 -type d)
for name in shnor.exe README.txt собрать.cmd проверить.cmd предпросмотр.cmd "новый сайт.cmd" content/site.yaml; do
  [[ -f "$root/$name" ]] && pass "zip holds $name" || fail "zip lacks $name"
done
exe="$root/shnor.exe"
wineboot -i >/dev/null 2>&1 || true

# 2. Double-click «собрать.cmd»: the example into site\.
(cd "$root" && wine_run cmd /c собрать.cmd) >"$work/build-cmd.log" 2>&1 || true
if [[ -f "$root/site/index.html" ]] && grep -q "Собрано" "$work/build-cmd.log"; then
  pass "собрать.cmd built site/index.html: $(grep -m1 Собрано "$work/build-cmd.log")"
else
  fail "собрать.cmd: no site/index.html"; cat "$work/build-cmd.log"
fi
if grep -q $'\r' "$root/site/index.html" 2>/dev/null; then fail "site/index.html has \\r (text mode)"; else pass "no \\r in the pages"; fi

# 3. «проверить.cmd»: the example has no errors.
(cd "$root" && wine_run cmd /c проверить.cmd) >"$work/check-cmd.log" 2>&1 || true
grep -q "ошибок 0" "$work/check-cmd.log" && pass "проверить.cmd: $(grep -m1 'ошибок' "$work/check-cmd.log")" \
  || { fail "проверить.cmd"; tail -5 "$work/check-cmd.log"; }

# 4. The same bytes as on Linux: same content, same --date (SHNOR_LINUX: the
#    Linux shnor to compare with, by default this checkout's build/shnor).
(cd "$root" && wine_run shnor.exe build --content content --out "сайт $date" --date "$date") >"$work/build-date.log" 2>&1 \
  && pass "shnor.exe build --date $date" || { fail "shnor.exe build --date"; cat "$work/build-date.log"; }
linux_shnor=${SHNOR_LINUX:-$repo/build/shnor}
if [[ -x "$linux_shnor" ]]; then
  "$linux_shnor" build --content "$root/content" --out "$work/linux-site" --date "$date" --cache "$work/linux-cache" \
    >"$work/linux-build.log" 2>&1 || { fail "the Linux build of the same content"; tail -3 "$work/linux-build.log"; }
  # Photos are encoded by WIC on Windows and libvips on Linux: other encoders, other bytes.
  if diff -r -x '*.jpg' -x '*.png' -x '*.webp' "$work/linux-site" "$root/сайт $date" >"$work/diff.log"; then
    pass "the Windows site equals the Linux site byte for byte ($(find "$work/linux-site" -type f | wc -l) files; photos aside)"
  else
    fail "the Windows site differs from the Linux site"; head -20 "$work/diff.log"
  fi
else
  echo "skip  byte comparison with Linux: $linux_shnor not built (bash .ci/setup builds it)"
fi

# 5. A site of one's own: «новый сайт.cmd» after the example is moved away,
#    a document with a Cyrillic file name, built into a Cyrillic folder.
mv "$root/content" "$root/пример"
(cd "$root" && wine_run cmd /c "новый сайт.cmd") >"$work/new-cmd.log" 2>&1 || true
[[ -f "$root/content/site.yaml" ]] && pass "новый сайт.cmd made content/site.yaml" || { fail "новый сайт.cmd"; cat "$work/new-cmd.log"; }
mkdir -p "$root/content/files"
printf '%%PDF-1.4 приказ\n' >"$root/content/files/Приказ № 217 о ШНОР.pdf"
cat >>"$root/content/documents.yaml" <<'YAML'
- id: prikaz-217-2026
  kind: order
  title: Приказ о сопровождении ШНОР
  number: "217"
  date: 2026-08-28
  file: files/Приказ № 217 о ШНОР.pdf
YAML
(cd "$root" && wine_run shnor.exe build --content content --out "сайт района" --date "$date") >"$work/build-new.log" 2>&1 \
  && pass "new site built into «сайт района»" || { fail "new site build"; cat "$work/build-new.log"; }
published=$(find "$root/сайт района" -name '*.pdf' | head -1)
if [[ -n "$published" ]] && cmp -s "$published" "$root/content/files/Приказ № 217 о ШНОР.pdf"; then
  pass "the Cyrillic-named document is published: ${published#"$root/"}"
else
  fail "the Cyrillic-named document is not published"; cat "$work/build-new.log"
fi
wine_run "$exe" check --content "$(windows_path "$root/content")" >"$work/check-new.log" 2>&1 || true
grep -q "Проверка" "$work/check-new.log" && pass "check of a Windows path with Cyrillic: $(grep -m1 Проверка "$work/check-new.log")" \
  || { fail "check with a Windows path"; cat "$work/check-new.log"; }

# 6. serve: answers on 127.0.0.1, rebuilds after a save, stops.
port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$root" && exec wine shnor.exe serve --content пример --port "$port" --date "$date" </dev/null >"$work/serve.log" 2>&1) &
serve_pid=$!
server_pids+=("$serve_pid")
page() { curl -fsS --max-time 5 "http://127.0.0.1:$port/$1" 2>/dev/null; }
for _ in $(seq 60); do page "" >"$work/served.html" && break; sleep 1; done
if grep -q "<html" "$work/served.html" 2>/dev/null; then pass "serve answers on 127.0.0.1:$port"; else fail "serve does not answer"; cat "$work/serve.log"; fi
news=$(ls "$root/пример/news/"*.md | head -1)
sed -i '0,/^title: /s/^title: \(.*\)$/title: \1 — правка при предпросмотре/' "$news"
for _ in $(seq 30); do page "news/" 2>/dev/null | grep -q "правка при предпросмотре" && break; sleep 1; done
page "news/" | grep -q "правка при предпросмотре" && pass "serve rebuilt after a save" || { fail "serve did not rebuild"; tail -5 "$work/serve.log"; }
kill -INT "$serve_pid" 2>/dev/null || true
for _ in $(seq 10); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 1; done
kill -0 "$serve_pid" 2>/dev/null && { echo "note  serve still running after SIGINT; stopped with wineserver -k"; wineserver -k; } || pass "serve stopped on Ctrl+C"

# 7. HTTPS through Schannel: a local server with a certificate for localhost.
tls="$work/tls"; mkdir -p "$tls/www"
for name in trusted other; do
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" \
    -keyout "$tls/$name.key" -out "$tls/$name.pem" 2>/dev/null
done
cp "$root/пример/sources/region-results.csv" "$tls/www/region-results.csv"
https_port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$python" - "$tls" "$https_port" >"$work/https.log" 2>&1 <<'PY' &
import functools, http.server, ssl, sys
folder, port = sys.argv[1], int(sys.argv[2])
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=folder + "/www")
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(folder + "/trusted.pem", folder + "/trusted.key")
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
PY
server_pids+=($!)
cp -r "$root/пример" "$root/по https"
sed -i "s|url: file:sources/region-results.csv|url: https://localhost:$https_port/region-results.csv|" "$root/по https/site.yaml"
for _ in $(seq 20); do curl -sk "https://localhost:$https_port/region-results.csv" >/dev/null && break; sleep 0.5; done
fetch() {  # CA file, cache folder
  (cd "$root" && CURL_CA_BUNDLE=$(windows_path "$1") wine_run shnor.exe fetch --content "по https" --cache "$2")
}
if fetch "$tls/trusted.pem" "кэш 1" >"$work/fetch-trusted.log" 2>&1; then
  pass "fetch over HTTPS with the server's certificate: $(grep -m1 region-results "$work/fetch-trusted.log")"
else
  fail "fetch over HTTPS with the server's certificate"; cat "$work/fetch-trusted.log"
fi
if fetch "$tls/other.pem" "кэш 2" >"$work/fetch-other.log" 2>&1; then
  fail "fetch over HTTPS accepted a certificate it should not trust"; cat "$work/fetch-other.log"
else
  pass "fetch over HTTPS refuses an untrusted certificate: $(grep -m1 region-results "$work/fetch-other.log")"
fi

echo "=== e2e under wine: $failures failure(s)"
[[ $failures -eq 0 ]]
