#!/usr/bin/env bash
# What the PDF situation brief needs from Debian: Pango (WeasyPrint lays text out with it), the
# Noto fonts for the scripts a brief can hold (Latin, Arabic, Cyrillic and others in
# fonts-noto-core; Chinese, Japanese and Korean in fonts-noto-cjk), and poppler-utils
# (pdftoppm, pdftotext: the tests read the PDF back). `make run` and `make test` both call it.
# Installs only what is missing and only as root; otherwise says what to install and lets the
# dashboard run (the brief then downloads as HTML) and those tests skip (they fail under CI=true).
set -euo pipefail
missing=()
# Listings read once into variables: `cmd | grep -q` under pipefail fails when grep stops early.
libs="$(ldconfig -p 2>/dev/null || true)"
fonts="$(fc-list 2>/dev/null || true)"
have_lib() { [[ "$libs" == *"$1"* ]]; }
have_font() { [[ "$fonts" == *"$1"* ]]; }
have_lib 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
have_font 'NotoNaskhArabic-Regular' || missing+=(fonts-noto-core)
have_font 'NotoSansCJK-Regular' || missing+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "the PDF brief needs the Debian packages: ${missing[*]} (not root or no apt-get:" \
         "install them yourself; until then the brief downloads as HTML)" >&2
    exit 0
fi
echo "installing ${missing[*]} (Debian packages) for the PDF situation brief" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq -o DPkg::Lock::Timeout=600
apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >/dev/null
fc-cache -f >/dev/null 2>&1 || true
