#!/usr/bin/env bash
# Runs the libFuzzer targets in Fuzz/ for a bounded time each, starting from the committed
# seed corpus (Fuzz/Corpus/<target>) and adding what they find to a scratch copy of it.
#
#   Scripts/fuzz.sh [seconds per target, default 60] [target ...]
#
# Targets: FuzzIdentity (every normalizer), FuzzClickIDs (cookies, fbclid capture, client IP,
# cookie domains), FuzzGraphJSON (Graph responses and request bodies). A crash leaves its
# input in Fuzz/findings/<target>/ and the script fails; turn each finding into a regression
# test before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(FuzzIdentity FuzzClickIDs FuzzGraphJSON)

# `--sanitize=fuzzer` makes SwiftPM link libFuzzer's main; the combined -sanitize flag after
# it turns on coverage and AddressSanitizer together (two separate --sanitize options would
# leave only the last one in effect, and libFuzzer would run blind).
swift build --package-path Fuzz -c debug --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address \
    --scratch-path .build-fuzz 2>&1 | grep -vE "ld.gold: warning: Cannot export local symbol" | tail -n 3
bin=".build-fuzz/debug"

status=0
for target in "${targets[@]}"; do
    corpus=$(mktemp -d)
    cp -R "Fuzz/Corpus/$target/." "$corpus/" 2>/dev/null || true
    mkdir -p "Fuzz/findings/$target"
    echo "== $target for ${seconds}s"
    if ! "$bin/$target" "$corpus" -max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=4096 \
        -artifact_prefix="Fuzz/findings/$target/" -print_final_stats=1 2>&1 \
        | grep -E "INITED|DONE|ERROR|Precondition|Fatal|artifact|stat::(number_of_executed_units|new_units_added|peak_rss)"; then
        status=1
    fi
    rm -rf "$corpus"
done
exit $status
