#!/usr/bin/env bash
# PostgreSQL for the test suite (tests/conftest.py starts a throwaway server from it).
# Installs Debian's `postgresql` package when it is missing and we are root; otherwise says
# why the PostgreSQL tests will be skipped (they fail instead under CI=true).
set -euo pipefail
if command -v pg_ctl >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ]; then
    echo "PostgreSQL is not installed and we are not root: the PostgreSQL tests will be skipped" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL is not installed and apt-get is missing: install postgresql yourself" >&2
    exit 0
fi
echo "installing postgresql (Debian package) for the test suite" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql >/dev/null
