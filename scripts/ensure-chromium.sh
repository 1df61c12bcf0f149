#!/bin/sh
# Make sure a headless browser is there for tests/test_report_browser.py (run by `make test`).
#
# chromium (or chromium-browser) on PATH: nothing to do. Otherwise, as root with apt-get
# (the CI's clean Debian checkout), install Debian's chromium quietly, with a time limit.
# This script never fails the build: when no browser can be had it prints one line saying the
# browser check will be skipped, and pytest skips it with the command that installs it.
#
#   sh scripts/ensure-chromium.sh          (CHROMIUM_INSTALL_TIMEOUT=600 seconds by default)

for name in chromium chromium-browser; do
    if command -v "$name" >/dev/null 2>&1; then
        exit 0
    fi
done

skip="the browser check (tests/test_report_browser.py) will be skipped; install it with: apt-get install chromium"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-chromium: chromium is not installed and cannot be installed here (needs root and apt-get); $skip"
    exit 0
fi

limit="${CHROMIUM_INSTALL_TIMEOUT:-600}"
log="${TMPDIR:-/tmp}/clearance-ensure-chromium.log"
run_limited() {
    if command -v timeout >/dev/null 2>&1; then
        timeout "$limit" "$@"
    else
        "$@"
    fi
}

echo "ensure-chromium: installing Debian's chromium for the browser check (log: $log)"
export DEBIAN_FRONTEND=noninteractive
if { run_limited apt-get update -qq &&
     run_limited apt-get install -y -qq --no-install-recommends chromium; } >"$log" 2>&1 &&
   command -v chromium >/dev/null 2>&1; then
    echo "ensure-chromium: installed $(chromium --version 2>/dev/null | head -n 1)"
else
    echo "ensure-chromium: could not install chromium (see $log); $skip"
fi
exit 0
