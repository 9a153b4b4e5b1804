#!/usr/bin/env bash
# Lints migrations with squawk (PostgreSQL migration linter; .squawk.toml).
# Migrations up to 20261126000007 landed before the linter and are never
# edited; every later one must pass. A migration whose first line is
# "-- no-transaction" is linted as running outside a transaction.
set -euo pipefail
cd "$(dirname "$0")/.."
in_tx=() no_tx=()
for file in migrations/*.sql; do
  [[ "$(basename "$file")" > "20261126000007" ]] || continue
  [[ "$(basename "$file")" == 20261126000007_* ]] && continue
  if head -n1 "$file" | grep -q -- '-- no-transaction'; then no_tx+=("$file"); else in_tx+=("$file"); fi
done
[ ${#in_tx[@]} -eq 0 ] || squawk "${in_tx[@]}"
[ ${#no_tx[@]} -eq 0 ] || squawk --no-assume-in-transaction "${no_tx[@]}"
