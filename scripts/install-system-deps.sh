#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium for browser tests, CJK fonts so
# screenshots and PDFs show Chinese, gettext for message catalogues, and Pango with
# HarfBuzz's subsetter for WeasyPrint (the PDFs of applications and agreements), and wrk,
# the HTTP load generator the benchmarks use (bench/README.md).
# --if-possible: do nothing (and succeed) when they are present or apt is not usable.
set -euo pipefail
PACKAGES=(chromium chromium-driver fonts-noto-cjk gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 wrk)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "${1:-}" = "--if-possible" ] && { [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; }; then
  echo "note: missing ${missing[*]} (browser tests will be skipped; without wrk the benchmarks use their slower Python client); run scripts/install-system-deps.sh as root" >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
