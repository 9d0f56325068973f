#!/usr/bin/env bash
# Builds every example and checks what it prints (a smoke test per example).
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --package-path Examples
out=$(swift run --package-path Examples --skip-build BuildPurchase)
echo "$out"
echo "$out" | grep -q '"event_id":"ord_84213"' || { echo "BuildPurchase: missing event_id" >&2; exit 1; }
echo "$out" | grep -q '"value":184.5' || { echo "BuildPurchase: value not exact" >&2; exit 1; }
echo "$out" | grep -qE '"em":\["[0-9a-f]{64}"\]' || { echo "BuildPurchase: em not hashed" >&2; exit 1; }
echo "examples: ok"
