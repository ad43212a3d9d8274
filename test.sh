#!/usr/bin/env bash
# Every test of pim in one command (README's second command; .ci/run runs exactly this):
#   1. swift test --parallel   (unit, route, store conformance; PostgreSQL too when PIM_TEST_POSTGRES_URL is set)
#   2. Tests/browser/run.sh    (headless Chromium against `pim serve --demo`; skipped with a note when Chromium,
#                               chromium-driver or selenium are missing, except in CI where that fails)
# Extra arguments go to `swift test`, e.g. ./test.sh --filter PIMServerTests.
set -euo pipefail
cd "$(dirname "$0")"
# A hung test must fail in minutes, not hang CI.
timeout 1800 swift test --parallel "$@"
Tests/browser/run.sh
