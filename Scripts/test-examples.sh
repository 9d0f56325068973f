#!/usr/bin/env bash
# Builds every example and smoke-tests it:
#   (0) ReadmeExample: the README's first Swift block, verbatim, must compile;
#   (1) BuildPurchase: checks the request body it prints;
#   (2) ShopApp: its HummingbirdTesting suite (landing → checkout → thank-you → delivery), then
#       the real ShopServer binary: land from an ad with curl, buy, wait for the delivery on the
#       admin dashboard, and stop it with SIGTERM.
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

swift build --package-path Examples
out=$(swift run --package-path Examples --skip-build BuildPurchase)
echo "$out"
echo "$out" | grep -q '"event_id":"ord_84213"' || { echo "BuildPurchase: missing event_id" >&2; exit 1; }
echo "$out" | grep -q '"value":184.5' || { echo "BuildPurchase: value not exact" >&2; exit 1; }
echo "$out" | grep -qE '"em":\["[0-9a-f]{64}"\]' || { echo "BuildPurchase: em not hashed" >&2; exit 1; }

swift test --package-path Examples

bin=$(swift build --package-path Examples --show-bin-path)
work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "ShopServer: $*" >&2
    sed 's/^/  server: /' "$work/server.log" >&2 || true
    exit 1
}

# No CAPI_ACCESS_TOKEN: the server delivers to its in-process fake Graph API.
(cd "$work" && exec env -u CAPI_ACCESS_TOKEN PORT=0 CAPI_STORE="$work/shop.sqlite" "$bin/ShopServer") \
    >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do
    grep -q "ShopServer listening on" "$work/server.log" && break
    sleep 0.1
done
url=$(sed -n 's/^ShopServer listening on \(http:[^ ]*\)$/\1/p' "$work/server.log" | head -n 1)
[ -n "$url" ] || fail "did not start"

jar="$work/cookies.txt"
headers=$(curl -sS -D - -o "$work/landing.html" -c "$jar" -A "smoke-test/1" "$url/?fbclid=IwAR-smoke_1")
echo "$headers" | grep -qiE '^set-cookie: _fbc=fb\.0\.[0-9]{13}\.IwAR-smoke_1;' || fail "no _fbc cookie from the fbclid"
echo "$headers" | grep -qiE '^set-cookie: _fbp=fb\.0\.[0-9]{13}\.[0-9]+;' || fail "no _fbp cookie"
echo "$headers" | grep -qiE '^set-cookie: rp_vid=[a-z2-7]{26};.*HttpOnly' || fail "no visitor cookie"
grep -q "fbq('init', '1234567890'" "$work/landing.html" || fail "no pixel base code"

location=$(curl -sS -o /dev/null -w '%{redirect_url}' -b "$jar" -A "smoke-test/1" \
    --data 'email=smoke%40example.com&country=DE&consent=granted' "$url/checkout")
case "$location" in */thank-you\?order=*) ;; *) fail "checkout did not redirect (got '$location')" ;; esac
order=${location##*order=}
curl -sS -b "$jar" "$location" | grep -qF "{eventID: 'ord_$order'});" || fail "no pixel Purchase with eventID ord_$order"

delivered=""
for _ in $(seq 1 100); do
    if curl -sS "$url/admin/capi" | grep -qF '<div class="card delivered"><div class="count">1</div>'; then
        delivered=yes
        break
    fi
    sleep 0.1
done
[ -n "$delivered" ] || fail "the purchase was not delivered"

kill -TERM "$server_pid"
wait "$server_pid" || fail "did not exit cleanly on SIGTERM"
server_pid=""
grep -q "ShopServer stopped" "$work/server.log" || fail "no graceful shutdown"
echo "ShopServer: landing, checkout, thank-you, delivery and SIGTERM ok"
echo "examples: ok"
