#!/usr/bin/env bash
# Starts a private, migrated PostgreSQL for development (reused if it is
# already running) and prints its DATABASE_URL.
#   eval "$(scripts/dev-db.sh)"   # exports DATABASE_URL
# The cluster lives under /tmp, not target/: as root it belongs to the
# postgres user, who must be able to reach it.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${TMPDIR:-/tmp}/clinic-desk-dev-pg-$(id -u)-$(printf '%s' "$PWD" | cksum | cut -d' ' -f1)"
mkdir -p "$dir"
if [ "${1:-}" = "--stop" ]; then
  [ -f "$dir/server.pid" ] && kill "$(cat "$dir/server.pid")" 2>/dev/null
  rm -f "$dir/server.pid" "$dir/url"
  exit 0
fi
if [ -f "$dir/server.pid" ] && kill -0 "$(cat "$dir/server.pid")" 2>/dev/null && [ -f "$dir/url" ]; then
  :
else
  rm -f "$dir/url"
  cargo build -q -p clinic-local-pg --bin local_pg_server >&2
  nohup target/debug/local_pg_server --root "$dir/cluster" --url-file "$dir/url" >"$dir/server.log" 2>&1 &
  echo $! >"$dir/server.pid"
  for _ in $(seq 1 300); do [ -s "$dir/url" ] && break; sleep 0.1; done
  [ -s "$dir/url" ] || { cat "$dir/server.log" >&2; exit 1; }
fi
url=$(cat "$dir/url")
# Roles, ownership and migrations, as on a clinic server (idempotent).
cargo run -q -p clinic-admin -- --database-url "$url" init --prefix clinic >/dev/null
echo "export DATABASE_URL='$url'"
