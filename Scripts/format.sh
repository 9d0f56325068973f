#!/usr/bin/env bash
# Formats every Swift file of the package, its Examples and its Benchmarks with the toolchain's
# swift-format and the repository's .swift-format.
#
#   Scripts/format.sh          rewrites the files in place
#   Scripts/format.sh --lint   changes nothing; fails, listing each place, when a file is not formatted
#
# Generated tables start with `// swift-format-ignore-file` and are left as their generators write them.
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Package.swift Sources Tests Examples/Package.swift Examples/Sources Examples/Tests Benchmarks/Package.swift Benchmarks/Benchmarks)
if [ "${1:-}" = "--lint" ]; then
    exec swift format lint --strict --parallel --recursive "${paths[@]}"
fi
exec swift format format --in-place --parallel --recursive "${paths[@]}"
