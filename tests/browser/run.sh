#!/bin/sh
# CTest's browser_test (tests/browser/README.md). Skips (exit 77) only when
# node or chromium is missing; bash .ci/setup installs both, so CI runs it.
here=$(cd "$(dirname "$0")" && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed (bash .ci/setup installs it)"; exit 77
fi
if [ ! -x "$chromium" ]; then
  echo "SKIP: $chromium is not installed (bash .ci/setup installs Debian's chromium)"; exit 77
fi
if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/axe-core" ] ||
   [ ! -d "$here/node_modules/html-validate" ]; then
  echo "FAIL: npm packages missing: (cd tests/browser && npm ci) — bash .ci/setup does it"; exit 1
fi
# --fragments: the paste-ready fragments in a hostile theme (fragments.js).
script=check.js
if [ "${1:-}" = "--fragments" ]; then script=fragments.js; shift; fi
CHROMIUM=$chromium exec node "$here/$script" "$@"
