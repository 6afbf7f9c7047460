#!/usr/bin/env bash
# Runs every test: static checks, unit and integration (vitest, real Mosquitto and SQLite),
# browser end-to-end (Playwright + Debian's Chromium against `homebeat serve`), and the Electron
# shell's tests (skipped, with the reason, where no Electron binary exists). Installs what is
# missing first. Ends with one line: N passed, N failed, N skipped.
source "$(dirname "$0")/lib.sh"
apt_need /usr/sbin/mosquitto mosquitto
apt_need mosquitto_passwd mosquitto
apt_need /usr/bin/chromium chromium
apt_need Xvfb xvfb xauth
npm_deps

rm -rf test-results && mkdir -p test-results
say "building"
npx electron-vite build >test-results/build.log 2>&1 || { cat test-results/build.log; echo "0 passed, 1 failed"; exit 1; }

# Static checks count as tests: each is one pass or one failure in the summary.
check() {
  local name="$1"; shift
  if "$@" >"test-results/check-$name.log" 2>&1; then
    echo "{\"name\":\"$name\",\"status\":\"passed\"}" >>test-results/checks.jsonl
    say "check $name: passed"
  else
    echo "{\"name\":\"$name\",\"status\":\"failed\"}" >>test-results/checks.jsonl
    say "check $name: FAILED"; tail -40 "test-results/check-$name.log" >&2
  fi
}
check typecheck npm run -s typecheck
check lint npx eslint .
check electronegativity bash scripts/audit-electron.sh

say "unit and integration tests (vitest)"
npx vitest run --exclude '**/faults-*.test.ts' --exclude '**/node_modules/**' \
  --reporter=default --reporter=json --outputFile=test-results/vitest.json || true
# The crash tests (broker and engine SIGKILLed mid-stream) run alone, one file at a time: on two
# busy cores a starved broker changes what a crash catches in flight.
say "fault tests (vitest, one at a time)"
npx vitest run faults- --no-file-parallelism \
  --reporter=default --reporter=json --outputFile=test-results/vitest-faults.json || true

# Electron's tests need a display: a virtual one where there is none.
if [ "$(uname)" = Linux ] && [ -z "${DISPLAY:-}" ] && command -v Xvfb >/dev/null; then
  Xvfb :97 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  XVFB_PID=$!
  trap 'kill $XVFB_PID 2>/dev/null || true' EXIT
  export DISPLAY=:97
fi
say "browser end-to-end and Electron tests (Playwright)"
npx playwright test || true

node scripts/summarize.mjs
