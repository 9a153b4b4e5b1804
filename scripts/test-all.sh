#!/usr/bin/env bash
# Every test of the project: UI component tests, the Rust tests, and the
# end-to-end flows in the real window. Needs the prerequisites in README.md
# (CI installs them in .ci/run). The Rust tests start their own throwaway
# PostgreSQL from the system's server binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
# The UI type-checks against the generated bindings and builds (the shell
# embeds ui/dist).
npm run ui:build
npm run test:ui
# The release scripts' own tests (the updater manifest).
python3 -m unittest discover -s scripts/tests
cargo test --workspace --exclude clinic-e2e --locked
# The reception flows in the real window, on the app built with its UI embedded.
scripts/e2e.sh
