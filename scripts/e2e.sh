#!/usr/bin/env bash
# End-to-end tests in the real window: builds the app with its UI embedded
# (not the dev server), then drives it through tauri-driver + WebKitWebDriver
# under Xvfb against a throwaway PostgreSQL (e2e/).
#
#   scripts/e2e.sh            # build, then run every flow
#   scripts/e2e.sh NAME       # only the flows whose test name contains NAME
#
# Needs: Xvfb, WebKitWebDriver (webkit2gtk-driver), tauri-driver; .ci/run
# installs them. Screenshots and WebDriver logs: target/e2e/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
npm run ui:build
cargo build -p clinic-desk --features tauri/custom-protocol --locked
mkdir -p target/e2e
# A copy: plain `cargo build`/`tauri dev` overwrite target/debug/clinic-desk with a dev-server build.
cp target/debug/clinic-desk target/e2e/clinic-desk
rm -rf target/e2e/artifacts target/e2e/homes
cargo test -p clinic-e2e --locked -- --nocapture "$@"
