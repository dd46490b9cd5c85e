#!/usr/bin/env bash
# The report's accessibility test opens report.html in Debian's headless Chromium (never a
# browser a tool downloads). Installs it with apt when missing and we are root; otherwise says how.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the report accessibility test"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "warning: /usr/bin/chromium is missing; the report test will fail until you run: sudo apt-get install -y chromium" >&2
fi
