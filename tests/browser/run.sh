#!/usr/bin/env bash
# Runs one browser test file (CTest's browser_* tests) with Node's test runner; exits 77, which CTest
# counts as skipped, saying what is missing when node, chromium, the npm packages or the page are.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
file=$1
skip() { echo "SKIPPED: $1" >&2; exit 77; }
command -v node >/dev/null || skip "node is not installed (scripts/install-deps installs nodejs and npm)"
chromium=${SCRUTINEER_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "no chromium at $chromium (scripts/install-deps installs Debian's chromium)"
[ -d "$here/node_modules/playwright-core" ] || skip "playwright-core is not installed: run 'npm ci' in tests/browser"
[ -x "${SCRUTINEER_CLI:-}" ] || skip "SCRUTINEER_CLI does not name the scrutineer executable"
if [ "$file" = register.test.mjs ] && [ ! -f "${SCRUTINEER_WEB_DIST:-}/index.html" ]; then
  skip "the page is not built: run 'npm ci && npm run build' in web/"
fi
cd "$here"
exec node --test --test-reporter=spec "$file"
