#!/usr/bin/env bash
# Checks the live console (capi serve) in a real browser: makes a store with a parked event
# (capi demo --leave-parked), starts the loopback fake Graph API (capi fake-graph) and
# capi serve with a worker delivering to it, then drives headless Chromium through Selenium
# (Debian's chromium-driver): opens the overview, goes to the parked event, clicks Replay and
# waits until the page, without a manual reload, shows the event delivered.
#
#   Scripts/check-console.sh          check only
#   Scripts/check-console.sh --save   also keep docs/console-overview.png and docs/console-event.png
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/setup.sh --browser
if ! command -v chromedriver >/dev/null; then
    echo "check-console: no chromedriver on PATH (Debian's chromium-driver)" >&2
    exit 1
fi

# With every trait, like Scripts/test.sh, so the package is not rebuilt with other settings.
swift build --enable-all-traits --product capi
capi="$(swift build --enable-all-traits --show-bin-path)/capi"
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Waits until the file $1 has a line matching $2 and prints the match's URL.
wait_for_url() {
    for _ in $(seq 1 300); do
        if url=$(grep -oE "$2" "$1" | head -n 1) && [ -n "$url" ]; then
            echo "$url"
            return 0
        fi
        sleep 0.1
    done
    echo "check-console: no URL in $1:" >&2
    cat "$1" >&2
    return 1
}

(cd "$work" && "$capi" demo --leave-parked >/dev/null)
store="$work/capi-demo.sqlite"
parked_id=$("$capi" events --store "$store" --state parked --jsonl | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')

"$capi" fake-graph --port 0 >"$work/fake.log" 2>&1 &
pids+=($!)
graph_url=$(wait_for_url "$work/fake.log" '^http://127\.0\.0\.1:[0-9]+')

CAPI_ACCESS_TOKEN=console-check-token "$capi" serve --store "$store" --port 0 \
    --deliver --pixel-id 1234567890 --graph-url "$graph_url" >"$work/serve.log" 2>&1 &
pids+=($!)
console_url=$(wait_for_url "$work/serve.log" 'http://127\.0\.0\.1:[0-9]+/')

# Debian's python3-selenium is in the system interpreter; another python3 first on PATH (pyenv)
# does not see it. Without either, Selenium goes into a throwaway virtual environment.
python=python3
if ! "$python" -c 'import selenium' 2>/dev/null; then
    if /usr/bin/python3 -c 'import selenium' 2>/dev/null; then
        python=/usr/bin/python3
    else
        python3 -m venv "$work/venv"
        "$work/venv/bin/pip" install -q selenium
        python="$work/venv/bin/python"
    fi
fi
"$python" Scripts/check-console.py "$console_url" "$parked_id" "$work"

# The fake Graph API counts what it accepted when it stops.
kill "${pids[0]}"
wait "${pids[0]}" || true
if ! grep -qE '^accepted [1-9][0-9]* events' "$work/fake.log"; then
    echo "check-console: the fake Graph API accepted nothing:" >&2
    cat "$work/fake.log" >&2
    exit 1
fi

if [ "${1:-}" = "--save" ]; then
    cp "$work/console-overview.png" docs/console-overview.png
    cp "$work/console-event.png" docs/console-event.png
    echo "check-console: saved docs/console-overview.png and docs/console-event.png"
fi
echo "check-console: ok"
