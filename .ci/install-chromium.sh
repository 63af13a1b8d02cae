#!/usr/bin/env bash
# Debian's chromium for the browser tests, the browser benchmark and kaleido's PNG/SVG export.
# Installs only when missing and running as root; otherwise says why and lets those tests skip
# (they fail instead under CI=true).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "chromium is missing and we are not root: browser tests will skip (install the Debian package 'chromium')" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
