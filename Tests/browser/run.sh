#!/usr/bin/env bash
# The browser tests: starts `pim serve --demo` (debug build) on a free port with a throwaway data directory,
# waits for /health, runs Tests/browser/test_browser.py in headless Chromium (selenium), writes a screenshot of
# every page visited to $PIM_BROWSER_ARTEFACTS (default .build/browser-artefacts) and stops the server.
# Needs Debian's chromium, chromium-driver and python3-selenium (or selenium from PyPI). Without them the tests
# are skipped with a message, except in CI (CI=true), where that is a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

artefacts=${PIM_BROWSER_ARTEFACTS:-.build/browser-artefacts}
chromium=${CHROMIUM:-/usr/bin/chromium}
chromedriver=${CHROMEDRIVER:-/usr/bin/chromedriver}

missing() {
  if [ "${CI:-}" = "true" ]; then echo "browser tests: $1 (required in CI)" >&2; exit 1; fi
  echo "browser tests SKIPPED: $1 (apt-get install chromium chromium-driver python3-selenium)"
  exit 0
}
[ -x "$chromium" ] || missing "no Chromium at $chromium"
[ -x "$chromedriver" ] || missing "no chromedriver at $chromedriver"
python=""
for p in /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null && "$p" -c "import selenium" 2>/dev/null; then python=$p; break; fi
done
[ -n "$python" ] || missing "no Python with selenium"

bin=${PIM_BIN:-}
if [ -z "$bin" ]; then
  swift build --product pim >/dev/null
  bin="$(swift build --show-bin-path)/pim"
fi

rm -rf "$artefacts"
mkdir -p "$artefacts"
data=$(mktemp -d /tmp/pim-browser.XXXXXX)
port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --demo --data-dir "$data/pim" --port "$port" --idle-timeout 3 >"$artefacts/server.log" 2>&1 &
server=$!
stop() {
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap stop EXIT

# The first start seeds the demo (bcrypt-hashes seven passwords): allow two minutes.
for _ in $(seq 1 240); do
  if "$python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/health', timeout=2)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$server" 2>/dev/null; then echo "pim serve --demo exited:" >&2; cat "$artefacts/server.log" >&2; exit 1; fi
  sleep 0.5
done

echo "browser tests against http://127.0.0.1:$port (screenshots in $artefacts)"
set +e
PIM_URL="http://127.0.0.1:$port" PIM_ARTEFACTS="$artefacts" CHROMIUM="$chromium" CHROMEDRIVER="$chromedriver" \
  timeout 600 "$python" Tests/browser/test_browser.py 2>&1 | tee "$artefacts/tests.log"
status=${PIPESTATUS[0]}
set -e
echo "screenshots: $(ls "$artefacts"/*.png 2>/dev/null | wc -l) in $artefacts"
exit "$status"
