#!/usr/bin/env bash
# Builds every example and smoke-tests it:
#   (0) ReadmeExample: the README's first Swift block, verbatim, must compile;
#   (1) BuildPurchase: checks the request body it prints;
#   (2) ShopApp: its HummingbirdTesting suite (landing → checkout → thank-you → delivery), then
#       the real ShopServer (Hummingbird) and VaporShopServer (Vapor) binaries, each delivering to
#       its own FakeGraphServer: land from an ad with curl behind the local proxy, add to cart,
#       buy, check that the Graph API received the Purchase with the thank-you page's eventID
#       (deduplicable) and the visit's fbc, fbp, address and user agent, see it delivered on the
#       admin dashboard, and stop the server with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

# The README's first example is Examples/Sources/ReadmeExample/main.swift, byte for byte, so the
# build below compiles it as printed.
readme_example=$(awk '/^```swift$/ { n++; if (n == 1) { inside = 1; next } } inside && /^```$/ { exit } inside' README.md)
if ! diff <(printf '%s\n' "$readme_example") Examples/Sources/ReadmeExample/main.swift >/dev/null; then
    echo "examples: README.md's first example differs from Examples/Sources/ReadmeExample/main.swift:" >&2
    diff <(printf '%s\n' "$readme_example") Examples/Sources/ReadmeExample/main.swift >&2 || true
    exit 1
fi

log=$(mktemp)
swift build --package-path Examples 2>&1 | tee "$log"
if grep -E "^$(pwd)/Examples/(Sources|Tests)/.*warning:" "$log" >/dev/null; then
    echo "examples: the build has warnings in the examples' sources:" >&2
    grep -E "^$(pwd)/Examples/(Sources|Tests)/.*warning:" "$log" | sort -u >&2
    exit 1
fi
rm -f "$log"
out=$(swift run --package-path Examples --skip-build BuildPurchase)
echo "$out"
echo "$out" | grep -q '"event_id":"ord_84213"' || { echo "BuildPurchase: missing event_id" >&2; exit 1; }
echo "$out" | grep -q '"value":184.5' || { echo "BuildPurchase: value not exact" >&2; exit 1; }
echo "$out" | grep -qE '"em":\["[0-9a-f]{64}"\]' || { echo "BuildPurchase: em not hashed" >&2; exit 1; }

swift test --package-path Examples

bin=$(swift build --package-path Examples --show-bin-path)
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Starts a program in the background (its pid is last in `pids`).
launch() {
    local log=$1
    shift
    "$@" >"$log" 2>&1 &
    pids+=($!)
}

# Waits for a program's "<name> listening on <url>" line; prints the URL.
listening() {
    local name=$1 log=$2
    for _ in $(seq 1 300); do
        grep -q "$name listening on" "$log" && break
        sleep 0.1
    done
    sed -n "s/^$name listening on \(http:[^ ]*\)\$/\1/p" "$log" | head -n 1
}

# An OTLP/HTTP collector stand-in: appends each request's path and body to the file named by
# its argument and answers 200.
otlp_sink() {
    python3 -c '
import http.server, sys
out = open(sys.argv[1], "ab")
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while (size := int(self.rfile.readline().strip(), 16)) > 0:
                body += self.rfile.read(size)
                self.rfile.readline()
            self.rfile.readline()
        else:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        out.write(self.path.encode() + b"\n" + body + b"\n")
        out.flush()
        self.send_response(200)
        self.send_header("Content-Type", self.headers.get("Content-Type", "application/x-protobuf"))
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
print(f"OTLPSink listening on http://127.0.0.1:{server.server_port}", flush=True)
server.serve_forever()
' "$1"
}

# smoke_shop NAME [VAR=value...]: the shop binary NAME, delivering to its own fake Graph API,
# with the extra environment given.
smoke_shop() {
    local name=$1 dir="$work/$1"
    shift
    mkdir -p "$dir"
    fail() {
        echo "$name: $*" >&2
        sed 's/^/  server: /' "$dir/server.log" >&2 || true
        sed 's/^/  graph: /' "$dir/received.jsonl" >&2 || true
        exit 1
    }
    local graph_url url server_pid
    launch "$dir/graph.log" "$bin/FakeGraphServer" "$dir/received.jsonl"
    graph_url=$(listening FakeGraphServer "$dir/graph.log")
    [ -n "$graph_url" ] || fail "the fake Graph API did not start"
    launch "$dir/server.log" env -C "$dir" PORT=0 CAPI_STORE="$dir/shop.sqlite" CAPI_ACCESS_TOKEN=smoke-token \
        CAPI_GRAPH_URL="$graph_url" CAPI_TRUSTED_PROXIES=127.0.0.0/8 "$@" "$bin/$name"
    server_pid=${pids[-1]}
    url=$(listening "$name" "$dir/server.log")
    [ -n "$url" ] || fail "did not start"

    # Through the local proxy (a trusted loopback peer), from a public address.
    local jar="$dir/cookies.txt" agent="smoke-test/1 ($name)" buyer=203.0.113.7 fbclid="IwAR-smoke_$name"
    local headers
    headers=$(curl -sS -D - -o "$dir/landing.html" -c "$jar" -A "$agent" -H "X-Forwarded-For: $buyer" "$url/?fbclid=$fbclid")
    echo "$headers" | grep -qiE "^set-cookie: _fbc=fb\.0\.[0-9]{13}\.$fbclid;" || fail "no _fbc cookie from the fbclid"
    echo "$headers" | grep -qiE '^set-cookie: _fbp=fb\.0\.[0-9]{13}\.[0-9]+;' || fail "no _fbp cookie"
    echo "$headers" | grep -qiE '^set-cookie: rp_vid=[a-z2-7]{26};.*HttpOnly' || fail "no visitor cookie"
    grep -q "fbq('init', '1234567890'" "$dir/landing.html" || fail "no pixel base code"

    curl -sS -L -o "$dir/cart.html" -b "$jar" -c "$jar" -A "$agent" -H "X-Forwarded-For: $buyer" --data "" "$url/cart"
    grep -q "Your cart" "$dir/cart.html" || fail "add to cart did not show the cart"

    local location order
    location=$(curl -sS -o /dev/null -w '%{redirect_url}' -b "$jar" -A "$agent" -H "X-Forwarded-For: $buyer" \
        --data 'email=smoke%40example.com&country=DE&consent=granted' "$url/checkout")
    case "$location" in */thank-you\?order=*) ;; *) fail "checkout did not redirect (got '$location')" ;; esac
    order=${location##*order=}
    curl -sS -b "$jar" "$location" | grep -qF "{eventID: 'ord_$order'});" || fail "no pixel Purchase with eventID ord_$order"

    # The Graph API received the server copy: the same event_id as the pixel's, and the visit.
    local fbc fbp received=""
    fbc=$(awk '$6 == "_fbc" { print $7 }' "$jar")
    fbp=$(awk '$6 == "_fbp" { print $7 }' "$jar")
    for _ in $(seq 1 200); do
        grep -qF "\"ord_$order\"" "$dir/received.jsonl" 2>/dev/null && { received=yes; break; }
        sleep 0.1
    done
    [ -n "$received" ] || fail "the Graph API did not receive the Purchase"
    python3 - "$dir/received.jsonl" "ord_$order" "$fbc" "$fbp" "$buyer" "$agent" <<'PY' || fail "the received Purchase is not the visit's"
import json, sys
path, event_id, fbc, fbp, ip, agent = sys.argv[1:]
events = [e for line in open(path) for e in json.loads(line)["data"] if e.get("event_id") == event_id]
assert len(events) >= 1, "no event " + event_id
event = events[0]
user = event["user_data"]
problems = [
    f"{name}: {got!r} != {want!r}"
    for name, got, want in [
        ("event_name", event.get("event_name"), "Purchase"),
        ("fbc", user.get("fbc"), fbc),
        ("fbp", user.get("fbp"), fbp),
        ("client_ip_address", user.get("client_ip_address"), ip),
        ("client_user_agent", user.get("client_user_agent"), agent),
    ]
    if got != want
]
if not user.get("em") or not user.get("external_id"):
    problems.append("em or external_id missing")
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
PY

    local delivered=""
    for _ in $(seq 1 100); do
        if curl -sS "$url/admin/capi" | grep -qF '<div class="card delivered"><div class="count">1</div>'; then
            delivered=yes
            break
        fi
        sleep 0.1
    done
    [ -n "$delivered" ] || fail "the purchase was not shown delivered"

    kill -TERM "$server_pid"
    wait "$server_pid" || fail "did not exit cleanly on SIGTERM"
    grep -q "$name stopped" "$dir/server.log" || fail "no graceful shutdown"
    echo "$name: landing, cart, checkout, thank-you, delivery with fbc, fbp, address and user agent, and SIGTERM ok"
}

# ShopServer also exports its spans to the OTLP sink: they arrive by the time it has stopped,
# name the conversion, enqueue and delivery attempt, and carry no personal data.
launch "$work/otlp.log" otlp_sink "$work/otlp.bin"
otlp_url=$(listening OTLPSink "$work/otlp.log")
[ -n "$otlp_url" ] || { echo "examples: the OTLP sink did not start" >&2; exit 1; }
smoke_shop ShopServer OTEL_EXPORTER_OTLP_ENDPOINT="$otlp_url"
for expected in /v1/traces capi.send capi.enqueue capi.delivery.attempt ord_; do
    grep -aqF "$expected" "$work/otlp.bin" || { echo "ShopServer: no '$expected' in the exported spans" >&2; exit 1; }
done
for personal in smoke@example.com 203.0.113.7 IwAR-smoke "smoke-test/1"; do
    if grep -aqF "$personal" "$work/otlp.bin"; then echo "ShopServer: '$personal' in the exported spans" >&2; exit 1; fi
done
echo "ShopServer: spans exported over OTLP/HTTP, without personal data"
smoke_shop VaporShopServer
echo "examples: ok"
