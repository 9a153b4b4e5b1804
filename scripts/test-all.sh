#!/usr/bin/env bash
# Every test of the project. Needs the prerequisites in README.md (CI
# installs them in .ci/run). The Rust tests start their own throwaway
# PostgreSQL from the system's server binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
# The UI type-checks against the generated bindings and builds (the shell
# embeds ui/dist).
npm run ui:build
npm run test:ui
cargo test --workspace --locked
