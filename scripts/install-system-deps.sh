#!/usr/bin/env bash
# Debian packages the tests use, never a tool's own download: chromium (the report's
# accessibility test, driven by playwright-core), docker-compose (validates
# docker-compose.yml without a Docker engine) and libreoffice-calc-nogui (soffice --headless
# saves the workbooks of the Annex A tests, as real spreadsheet software). Installs what is missing when we are root;
# otherwise says how.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian packages for the tests: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "warning: missing ${missing[*]}; tests that need them fail until you run: sudo apt-get install -y ${missing[*]}" >&2
fi
