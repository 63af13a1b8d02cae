#!/usr/bin/env bash
# HAProxy, the reverse proxy in front of several dashboard processes (`make serve WORKERS=N`,
# deploy/haproxy.cfg, docs/deploy.md); the suite's test of sticky sessions and the load
# benchmark use it too. Installs Debian's `haproxy` when missing and we are root; otherwise says
# why (the proxy test skips; it fails instead under CI=true). The package's own service is not
# started: `make serve` runs haproxy in the foreground on its own configuration.
set -euo pipefail
if command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "haproxy is missing and we are not root: the proxy test will skip (install the Debian package 'haproxy')" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "haproxy is missing and apt-get is missing: install haproxy yourself" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d 101: the package's post-install script must not start a system-wide haproxy.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d.prevention
chmod +x /usr/sbin/policy-rc.d.prevention
if [ ! -e /usr/sbin/policy-rc.d ]; then
    cp /usr/sbin/policy-rc.d.prevention /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d /usr/sbin/policy-rc.d.prevention' EXIT
else
    trap 'rm -f /usr/sbin/policy-rc.d.prevention' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends haproxy >/dev/null
echo "installed $(haproxy -v 2>/dev/null | head -1 || echo haproxy)"
