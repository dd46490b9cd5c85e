#!/bin/sh
# The PostgreSQL container's entrypoint (docker-compose.yml): refuses to start Temporal's
# database with a password anyone could guess — empty, an example or default value, or shorter
# than 16 characters — then hands over to the image's own entrypoint. docker-compose already
# refuses an unset or empty POSTGRES_PASSWORD before any container starts; this catches a .env
# copied from an older example ("change-me") or a placeholder typed in a hurry.
set -eu
refuse() {
  echo "postgresql: POSTGRES_PASSWORD $1: set a real one in .env (e.g. openssl rand -base64 24) and run docker-compose up again" >&2
  exit 1
}
password="${POSTGRES_PASSWORD:-}"
case "$(printf '%s' "$password" | tr '[:upper:]' '[:lower:]')" in
  '') refuse 'is empty' ;;
  change-me|changeme|change_me|example|password|postgres|temporal|secret|admin) refuse 'is an example or default value' ;;
esac
[ "${#password}" -ge 16 ] || refuse 'is shorter than 16 characters'
exec docker-entrypoint.sh "$@"
