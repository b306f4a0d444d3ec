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
  # Another apt or dpkg (unattended-upgrades, a second terminal) may hold the package locks:
  # wait for them, at most APT_LOCK_WAIT seconds, instead of failing at once.
  wait_secs="${APT_LOCK_WAIT:-300}"
  waiting="Waiting for another apt or dpkg process to finish (at most ${wait_secs}s)..."
  apt=(apt-get -q -o "DPkg::Lock::Timeout=${wait_secs}")
  # `apt-get update` takes the lists lock, which DPkg::Lock::Timeout does not cover (apt 2.6):
  # retry while that lock is what failed.
  deadline=$((SECONDS + wait_secs))
  until errors=$("${apt[@]}" update 2>&1 >/dev/null); do
    if ! grep -q 'Could not get lock' <<<"$errors" || [ "$SECONDS" -ge "$deadline" ]; then
      printf '%s\n' "$errors" >&2
      exit 1
    fi
    [ -n "${said:-}" ] || { echo "$waiting" >&2; said=1; }
    sleep 5
  done
  [ -z "$errors" ] || printf '%s\n' "$errors" >&2
  # apt waits for the dpkg locks itself and says so on stdout; pass that on once, drop the rest.
  env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y "${need[@]}" \
    | awk -v msg="$waiting" '/Waiting for cache lock/ && !said++ { print msg > "/dev/stderr"; fflush() }'
else
  echo "Missing system packages: ${need[*]}" >&2
  echo "Run as root:  $cmd" >&2
  exit 1
fi
