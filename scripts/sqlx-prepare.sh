#!/usr/bin/env bash
# Regenerates the committed sqlx offline query data (.sqlx/) against a fresh
# private PostgreSQL. With --check, fails if the committed data is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
database=$(scripts/dev-db.sh)
eval "$database"
SQLX_OFFLINE=false cargo sqlx prepare --workspace "$@" -- --all-targets
