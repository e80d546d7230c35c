#!/usr/bin/env bash
# Runs the web page's unit tests (Vitest, web/src/*.test.js) from web/; exits 77, which CTest
# counts as skipped, when node or web/node_modules is missing.
set -euo pipefail
command -v node >/dev/null || { echo "SKIPPED: node is not installed" >&2; exit 77; }
[ -x node_modules/.bin/vitest ] || { echo "SKIPPED: run 'npm ci' in web/" >&2; exit 77; }
exec node_modules/.bin/vitest run
