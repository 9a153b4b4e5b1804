#!/usr/bin/env bash
# Builds the release installers this machine can make (.deb and .rpm) and
# prints their sizes. AppImage, MSI/NSIS and DMG are configured in
# tauri.conf.json but built where their tools are: AppImage tooling is
# downloaded at bundle time, MSI/NSIS need Windows, DMG needs macOS.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
npx tauri build --bundles deb,rpm
for f in target/release/clinic-desk target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm; do
  stat -c '%s|%n' "$f" | awk -F'|' '{ printf "%-70s %8.2f MiB\n", $2, $1 / 1048576 }'
done
