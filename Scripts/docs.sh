#!/usr/bin/env bash
# Builds the DocC documentation of every library module with swift-docc-plugin and fails on
# any documentation warning (an unresolved ``link``, an undocumented parameter in a
# `- Parameters:` list, a broken article). Prints where the archives are.
#
#   Scripts/docs.sh                      every library module
#   Scripts/docs.sh Delivery Identity    only these
#
# The plugin builds each module's symbol graph first (a debug build in .build), then runs the
# toolchain's `docc`. Links between modules are not resolved: a doc comment names another
# module's symbol as plain code (`ServerEvent`), and links with ``double backticks`` only to
# its own module's symbols.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Every library target of Package.swift (the products, and the conformance suite).
modules=(
    RoasProof CAPIModel Identity Matching Dedup Delivery DeliveryTesting DeliveryStoreConformance
    DeliverySQLite DeliveryHTTP DeliveryPostgres FakeGraphAPI DeliveryDashboard DatasetQuality DeliveryConsole RoasProofHummingbird
    RoasProofVapor
)
if [ "$#" -gt 0 ]; then
    modules=("$@")
fi

targets=()
for module in "${modules[@]}"; do
    targets+=(--target "$module")
done

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# --disable-sandbox: runs the plugin outside SwiftPM's plugin sandbox (macOS; Linux has none).
status=0
# Every trait: the middleware modules are empty without theirs (and the build stays the one
# Scripts/test.sh made).
swift package --disable-sandbox --enable-all-traits generate-documentation "${targets[@]}" --warnings-as-errors 2>&1 | tee "$log" \
    || status=$?

# With --warnings-as-errors, docc fails on any finding of its own and the plugin stops. Each
# finding is a `warning:` or `error:` line followed by a `--> file:line` line; SwiftPM's own
# warnings about dependencies (unhandled files in a checkout) have no such line and are not
# ours to fix. Print the findings, and fail on them or on any failure of the plugin.
findings=$(awk '/^(warning|error): /{ finding = $0; next } finding != "" && /^ *--> /{ print finding; print } { finding = "" }' "$log")
if [ -n "$findings" ] || [ "$status" -ne 0 ]; then
    echo "docs.sh: the documentation has problems (exit status $status):" >&2
    if [ -n "$findings" ]; then echo "$findings" >&2; fi
    exit 1
fi

echo "docs.sh: documentation built without warnings:"
for module in "${modules[@]}"; do
    archive="$root/.build/plugins/Swift-DocC/outputs/$module.doccarchive"
    if [ ! -d "$archive" ]; then
        echo "docs.sh: no archive for $module at $archive" >&2
        exit 1
    fi
    echo "  $archive"
done
