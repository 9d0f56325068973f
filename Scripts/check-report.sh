#!/usr/bin/env bash
# Checks the HTML dashboard in a real browser: runs `capi demo`, writes `capi report`, renders
# the page with headless Chromium (no network: every host name resolves nowhere) and checks
# that the DOM has every section and that the screenshot shows the page as designed.
#
#   Scripts/check-report.sh          check only
#   Scripts/check-report.sh --save   also keep the screenshot as docs/dashboard.png
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/setup.sh --browser
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "check-report: no Chromium on PATH" >&2
    exit 1
fi

# With every trait, like Scripts/test.sh, so the package is not rebuilt with other settings.
swift build --enable-all-traits --product capi
capi="$(swift build --enable-all-traits --show-bin-path)/capi"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && "$capi" demo --leave-parked >/dev/null)
"$capi" report --store "$work/capi-demo.sqlite" --html "$work/report.html"

chrome=("$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1
    --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$work/profile")
url="file://$work/report.html"

"${chrome[@]}" --dump-dom "$url" >"$work/dom.html" 2>"$work/chromium.log" || { cat "$work/chromium.log" >&2; exit 1; }
for needle in '<section id="states"' '<section id="coverage"' '<section id="parked"' '<section id="failures"' \
    'class="fill high"' 'class="seg parked"' 'retries_exhausted' 'Purchase <span class="muted">7 events</span>' \
    '<section id="quality"' '<svg class="trend"' '<polyline class="emq"' 'EMQ dip' 'ctwa_clid' "Meta's fix:" \
    'missing_region'; do
    grep -qF "$needle" "$work/dom.html" || { echo "check-report: the browser's DOM lacks $needle" >&2; exit 1; }
done
if grep -qiE '<script|<link|<img|<iframe' "$work/dom.html"; then
    echo "check-report: the page loads something" >&2
    exit 1
fi

"${chrome[@]}" --window-size=1280,1760 --screenshot="$work/report.png" "$url" 2>>"$work/chromium.log" \
    || { cat "$work/chromium.log" >&2; exit 1; }
python3 Scripts/check-screenshot.py "$work/report.png"

# The Event Match Quality section on its own: the same page with every other section hidden
# (the page's policy allows inline styles).
sed 's#</style>#main>section:not(\#quality){display:none}</style>#' "$work/report.html" >"$work/quality.html"
"${chrome[@]}" --window-size=1280,1500 --screenshot="$work/quality.png" "file://$work/quality.html" 2>>"$work/chromium.log" \
    || { cat "$work/chromium.log" >&2; exit 1; }
python3 Scripts/check-screenshot.py --quality "$work/quality.png"

if [ "${1:-}" = "--save" ]; then
    cp "$work/report.png" docs/dashboard.png
    cp "$work/quality.png" docs/dashboard-quality.png
    echo "check-report: saved docs/dashboard.png and docs/dashboard-quality.png"
fi
echo "check-report: ok"
