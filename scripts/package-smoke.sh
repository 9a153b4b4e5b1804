#!/usr/bin/env bash
# Smoke test of the package as a clinic receives it: installs the newest
# .deb with apt (which pulls its declared dependencies), starts the installed
# binary under Xvfb as a fresh station, and checks that the window opens and
# the embedded demo clinic is up for its staff to sign in (the station logs
# "station ready: Demo SignedOut" once the demo cluster is set up, filled
# and its logins are ready). Run scripts/package.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(ls -t target/release/bundle/deb/*.deb | head -1)
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall "./$deb" >/dev/null
binary=/usr/bin/clinic-desk
test -x "$binary" || { echo "FAIL: $deb did not install $binary"; exit 1; }

artifacts=target/e2e/artifacts; mkdir -p "$artifacts"
home=$(mktemp -d); log="$artifacts/package-smoke.log"
display=:$((200 + RANDOM % 50))
Xvfb "$display" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
app=""
cleanup() { [ -n "$app" ] && kill "$app" 2>/dev/null; sleep 1; kill "$xvfb" 2>/dev/null; rm -rf "$home"; }
trap cleanup EXIT
sleep 1
started=$SECONDS
# No session bus: an autolaunched dbus-daemon would outlive the test.
DISPLAY=$display CLINIC_DESK_HOME=$home DBUS_SESSION_BUS_ADDRESS=disabled: NO_AT_BRIDGE=1 "$binary" >"$log" 2>&1 & app=$!

window=""; ready=""
while [ $((SECONDS - started)) -lt 300 ]; do  # a first start creates and fills the demo clinic
  kill -0 "$app" 2>/dev/null || { echo "FAIL: the installed app exited"; cat "$log"; exit 1; }
  [ -z "$window" ] && DISPLAY=$display xdotool search --name '^Clinic Desk$' >/dev/null 2>&1 && window="$((SECONDS - started)) s"
  grep -q "station ready: Demo SignedOut" "$log" && ready="$((SECONDS - started)) s"
  [ -n "$window" ] && [ -n "$ready" ] && break
  sleep 0.5
done
sleep 2
DISPLAY=$display import -window root "$artifacts/package-smoke.png" || true
if [ -z "$window" ] || [ -z "$ready" ]; then
  echo "FAIL: window: ${window:-never}; demo clinic ready: ${ready:-never}"; cat "$log"; exit 1
fi
echo "package smoke test: $(basename "$deb") installed; window shown after $window, demo clinic ready for sign-in after $ready"
