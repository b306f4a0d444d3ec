#!/usr/bin/env bash
# Checks the Debian packages the portal needs; installs them when root on Debian, otherwise
# stops with the exact command to run.  Usage: sysdeps.sh run|test
set -euo pipefail
need=()
fc-list :lang=ja 2>/dev/null | grep -qi 'noto' || need+=(fonts-noto-cjk)
ldconfig -p | grep -q 'libpango-1.0.so.0' || need+=(libpango-1.0-0)
ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || need+=(libpangoft2-1.0-0)
ldconfig -p | grep -q 'libmagic.so.1' || need+=(libmagic1)
command -v msgfmt >/dev/null || need+=(gettext)
if [ "${1:-run}" = "test" ]; then
  command -v chromium >/dev/null || need+=(chromium)
  command -v pdftotext >/dev/null || need+=(poppler-utils)
fi
[ ${#need[@]} -eq 0 ] && exit 0
cmd="apt-get update && apt-get install -y ${need[*]}"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${need[*]}"
  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
else
  echo "Missing system packages: ${need[*]}" >&2
  echo "Run as root:  $cmd" >&2
  exit 1
fi
