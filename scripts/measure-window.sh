#!/usr/bin/env bash
# The latency a receptionist feels and the window's memory, in the real
# window (e2e/benches/window.rs): builds the release app with its UI embedded
# and the empty Tauri window it is compared with, then runs the bench
# (tauri-driver + WebKitWebDriver under Xvfb, a throwaway PostgreSQL with the
# demo clinic). Prints the tables docs/benchmarks.md records.
#
#   scripts/measure-window.sh
#   BENCH_ROUNDS=30 scripts/measure-window.sh
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
npm run ui:build
cargo build --release --locked -p clinic-desk --features tauri/custom-protocol --bin clinic-desk --example empty-window
CLINIC_DESK_E2E_APP="$PWD/target/release/clinic-desk" cargo bench --locked -p clinic-e2e --bench window
