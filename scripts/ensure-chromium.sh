#!/usr/bin/env bash
# The browser tests drive Debian's chromium through Playwright (Playwright's own browser download is not used).
# Install it with apt-get when it is missing; fail with a clear message when that is not possible.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi

fail() {
    printf '\nensure-chromium: ERROR: %s\n' "$*" >&2
    printf 'Install Debian'"'"'s chromium package (sudo apt-get install chromium), then run make test again.\n\n' >&2
    exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "chromium is not installed and apt-get is not available."

if [ "$(id -u)" = 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    fail "chromium is not installed and installing it needs root (apt-get)."
fi

echo "ensure-chromium: installing chromium with apt-get"
export DEBIAN_FRONTEND=noninteractive
if ! { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" apt-get install -y -qq chromium; }; then
    fail "apt-get could not install chromium."
fi
command -v chromium >/dev/null 2>&1 || fail "apt-get finished but there is still no chromium command."
