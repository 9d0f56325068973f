#!/usr/bin/env bash
# Installs what RoasProof needs on a fresh Debian/Ubuntu machine: OpenSSL's libcrypto
# headers (libssl-dev) and pkg-config, which the CLibcrypto target is found through, and
# curl for the examples' smoke test.
#
#   Scripts/setup.sh            what building, `swift run capi demo` and the tests need
#   Scripts/setup.sh --browser  also Chromium, its WebDriver, fonts, Python and Selenium, for
#                               Scripts/check-report.sh and Scripts/check-console.sh
#
# Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(libssl-dev pkg-config curl)
if [ "${1:-}" = "--browser" ]; then
    packages+=(chromium chromium-driver fonts-liberation python3 python3-selenium)
fi
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
