#!/usr/bin/env bash
# Runs the libFuzzer targets in Fuzz/ for a bounded time each, starting from the committed
# seed corpus (Fuzz/Corpus/<target>) and adding what they find to a scratch copy of it.
#
#   Scripts/fuzz.sh [seconds per target, default 60] [target ...]
#   FUZZ_MERGE=1 Scripts/fuzz.sh 300     # also merge new coverage into Fuzz/Corpus
#
# Targets: FuzzIdentity (every normalizer), FuzzClickIDs (cookies, fbclid capture, client IP,
# cookie domains), FuzzGraphJSON (Graph responses and request bodies), FuzzClientIP (IP
# addresses, CIDR ranges, Forwarded / X-Forwarded-For resolution), FuzzDeliveryResponse (the
# worker's classification and retry planning of any answer), FuzzJSONSyntax (the check of
# stored events, against Foundation's decoder), FuzzPixelSnippet (the browser pixel call's
# escaping inside <script>), FuzzHTMLText (the report's HTML escaping), FuzzPostgresURL (the
# PostgreSQL URL parser), FuzzJSONLines (the line reading of capi hash --jsonl, click-ids and
# backfill, and the backfill's event decoding). A crash leaves its
# input in Fuzz/findings/<target>/ and the script fails; turn each finding into a regression
# test before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(FuzzIdentity FuzzClickIDs FuzzGraphJSON FuzzClientIP FuzzDeliveryResponse FuzzJSONSyntax
    FuzzPixelSnippet FuzzHTMLText FuzzPostgresURL FuzzJSONLines)

# `--sanitize=fuzzer` makes SwiftPM link libFuzzer's main; the combined -sanitize flag after
# it turns on coverage and AddressSanitizer together (two separate --sanitize options would
# leave only the last one in effect, and libFuzzer would run blind).
swift build --package-path Fuzz -c debug --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address \
    --scratch-path .build-fuzz 2>&1 | grep -vE "ld.gold: warning: Cannot export local symbol" | tail -n 3
bin=".build-fuzz/debug"
# libFuzzer reports crashes itself; Swift's backtracer, started on a crash under ASan, can
# hang holding the output pipe, which stalled the script after the first finding.
export SWIFT_BACKTRACE=enable=no

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
    if [ "${FUZZ_MERGE:-0}" = 1 ]; then
        # Keep what the run found: inputs that add coverage join the committed corpus.
        "$bin/$target" -merge=1 "Fuzz/Corpus/$target" "$corpus" >/dev/null 2>&1 || true
    fi
    rm -rf "$corpus"
done
exit $status
