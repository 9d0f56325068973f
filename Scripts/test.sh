#!/usr/bin/env bash
# Runs every test RoasProof has, on a fresh machine:
#   1. installs missing system packages (Scripts/setup.sh),
#   2. checks that every Swift file follows .swift-format (`swift format lint --strict`), builds
#      the package with every trait (the Hummingbird and Vapor middlewares) and fails on any
#      warning in our own sources,
#   3. runs the whole test suite against a throwaway PostgreSQL server (Scripts/with-postgres.sh
#      installs, starts and deletes it; the DeliveryPostgres tests fail without one),
#   3b. builds the DocC documentation of every library module and fails on any documentation
#      warning (Scripts/docs.sh),
#   4. builds the Examples and Benchmarks packages and runs the examples' smoke tests,
#   5. renders the HTML dashboard in headless Chromium and checks the screenshot,
#   6. drives the live console (capi serve) in headless Chromium: replay a parked event, see it delivered.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

Scripts/setup.sh

echo "== format (.swift-format; fix with: Scripts/format.sh)"
Scripts/format.sh --lint

echo "== build (warnings in our sources fail the run)"
log=$(mktemp)
swift build --enable-all-traits --build-tests 2>&1 | tee "$log"
if grep -E "^$root/(Sources|Tests)/.*warning:" "$log" >/dev/null; then
    echo "test.sh: the build has warnings in our sources:" >&2
    grep -E "^$root/(Sources|Tests)/.*warning:" "$log" | sort -u >&2
    exit 1
fi
# A warning inside a macro's expansion (#expect, #require) starts with "macro expansion" and
# names our file only in the note that follows it.
if grep -A4 -E "^macro expansion .*warning:" "$log" | grep -E "$root/(Sources|Tests)/.*expanded code originates here" >/dev/null; then
    echo "test.sh: the build has warnings in macro expansions in our sources:" >&2
    grep -A4 -E "^macro expansion .*warning:" "$log" | grep -E "warning:|$root/(Sources|Tests)/" | sort -u >&2
    exit 1
fi

echo "== tests (with a throwaway PostgreSQL server)"
Scripts/with-postgres.sh swift test --enable-all-traits

echo "== documentation"
Scripts/docs.sh

echo "== examples"
Scripts/test-examples.sh

echo "== dashboard in a browser"
Scripts/check-report.sh

echo "== console in a browser"
Scripts/check-console.sh

echo "== benchmarks build"
swift build --package-path Benchmarks
echo "test.sh: all tests passed"
