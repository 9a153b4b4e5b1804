#!/usr/bin/env python3
"""Measures the desktop shell as delivered and prints the figures.

    python3 scripts/measure-shell.py            # builds the release .deb first
    python3 scripts/measure-shell.py --no-build # measures the last build

Prints: release binary and .deb size; cold and warm start to the window being
shown (Xvfb, xdotool); start to the day board painted and the IPC round trip
of a no-op command (1,000 sequential calls) in the real window through
tauri-driver + WebKitWebDriver; memory (RSS and PSS from smaps_rollup) of the
app and its WebKit processes after showing the demo clinic.

Needs: Xvfb, xdotool, WebKitWebDriver (webkit2gtk-driver), tauri-driver
(`cargo install tauri-driver --locked --version ^2`), PostgreSQL binaries.
Uses only the Python standard library.
"""

import glob
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "clinic-desk")
DEMO_DIR = "/var/tmp/clinic-desk-demo-clinic" if os.geteuid() == 0 else os.path.expanduser(
    "~/.local/share/ua.clinicdesk.desk/demo-clinic")
DISPLAY = ":77"
DRIVER_PORT = 4444


def mib(n):
    return f"{n / 1048576:.2f} MiB"


def run(cmd, **kw):
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def build():
    run(["npx", "tauri", "build", "--bundles", "deb"])


def sizes():
    debs = sorted(glob.glob(os.path.join(ROOT, "target", "release", "bundle", "deb", "*.deb")), key=os.path.getmtime)
    return {"binary": os.path.getsize(BINARY), "deb": os.path.getsize(debs[-1]) if debs else None}


def start_xvfb():
    xvfb = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    os.environ["DISPLAY"] = DISPLAY
    return xvfb


def stop_app(proc):
    # SIGTERM lets the app stop the demo clinic's PostgreSQL on its way out.
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    time.sleep(1.0)


def time_to_window():
    """Seconds from exec to the main window being mapped."""
    started = time.perf_counter()
    app = subprocess.Popen([BINARY], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", "^Clinic Desk$"],
                   stdout=subprocess.DEVNULL, timeout=60)
    shown = time.perf_counter() - started
    time.sleep(2.0)
    stop_app(app)
    return shown


def webdriver(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{DRIVER_PORT}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        return json.loads(resp.read())["value"]


def script(session, source, asynchronous=False):
    kind = "async" if asynchronous else "sync"
    return webdriver("POST", f"/session/{session}/execute/{kind}", {"script": source, "args": []})


def memory_of(pids):
    totals = {"rss": 0, "pss": 0}
    rows = []
    for pid in pids:
        try:
            name = open(f"/proc/{pid}/comm").read().strip()
            fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/smaps_rollup").read().splitlines()[1:])
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        rss = int(fields["Rss"].split()[0]) * 1024
        pss = int(fields["Pss"].split()[0]) * 1024
        totals["rss"] += rss
        totals["pss"] += pss
        rows.append((name, pid, rss, pss))
    return totals, rows


def app_and_webkit_pids():
    out = subprocess.run(["ps", "-eo", "pid,comm"], capture_output=True, text=True).stdout.split("\n")[1:]
    pids = []
    for line in out:
        parts = line.split(None, 1)
        if len(parts) == 2 and (parts[1].startswith("clinic-desk") or parts[1].startswith("WebKit")) \
                and parts[1] != "WebKitWebDriver":
            pids.append(int(parts[0]))
    return pids


def in_window():
    """Board painted, memory and IPC round trips, in the real window."""
    driver = subprocess.Popen(["tauri-driver", "--port", str(DRIVER_PORT)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    try:
        def open_board():
            started = time.perf_counter()
            session = webdriver("POST", "/session", {"capabilities": {"alwaysMatch": {
                "browserName": "wry", "tauri:options": {"application": BINARY}}}})["sessionId"]
            painted = None
            while time.perf_counter() - started < 60:
                if script(session, "return document.querySelectorAll('.board .booking').length") > 0:
                    painted = time.perf_counter() - started
                    break
                time.sleep(0.02)
            # Where the page's time went (ms since navigation start; ui/src/startup.ts).
            marks = script(session, """const nav = performance.getEntriesByType('navigation')[0];
                const out = {'page loaded': nav ? nav.domContentLoadedEventEnd : null};
                for (const m of performance.getEntriesByType('mark')) out[m.name] = m.startTime;
                return out;""")
            return session, painted, marks

        # Five warm starts (WebDriver's session set-up varies by ~0.5 s);
        # the last window stays open for memory and IPC.
        runs = []
        for attempt in range(5):
            session, painted, marks = open_board()
            runs.append((painted, marks))
            if attempt < 4:
                webdriver("DELETE", f"/session/{session}")
                time.sleep(1.0)
        paints = sorted(p for p, _ in runs if p is not None)
        painted = (statistics.median(paints), paints[0], paints[-1]) if paints else None
        marks = {name: statistics.median(m[name] for _, m in runs if m.get(name) is not None)
                 for name in runs[-1][1]}
        time.sleep(3.0)  # let the page settle before reading memory
        totals, rows = memory_of(app_and_webkit_pids())

        ipc = script(session, """
            const done = arguments[arguments.length - 1];
            (async () => {
              const invoke = window.__TAURI_INTERNALS__.invoke;
              for (let i = 0; i < 50; i++) await invoke('ping');   // warm up
              const each = [];
              const t0 = performance.now();
              for (let i = 0; i < 1000; i++) {
                const s = performance.now();
                await invoke('ping');
                each.push(performance.now() - s);
              }
              const total = performance.now() - t0;
              // Batches of 10 calls: per-call times above the timer's resolution.
              const batches = [];
              for (let b = 0; b < 100; b++) {
                const s = performance.now();
                for (let i = 0; i < 10; i++) await invoke('ping');
                batches.push((performance.now() - s) / 10);
              }
              done({ each, total, batches });
            })();""", asynchronous=True)
        webdriver("DELETE", f"/session/{session}")
        return painted, marks, totals, rows, ipc
    finally:
        driver.terminate()
        driver.wait(timeout=10)


def percentile(values, p):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, int(round(p * len(values) + 0.4999)) - 1))]


def main():
    if "--no-build" not in sys.argv:
        build()
    if not shutil.which("tauri-driver"):
        run(["cargo", "install", "tauri-driver", "--locked", "--version", "^2"])
    size = sizes()
    xvfb = start_xvfb()
    try:
        shutil.rmtree(DEMO_DIR, ignore_errors=True)
        cold = time_to_window()           # first start: the demo clinic is created behind the window
        warm = [time_to_window() for _ in range(5)]
        painted, marks, totals, rows, ipc = in_window()
    finally:
        xvfb.terminate()

    print("\n| what | figure |")
    print("|---|---|")
    print(f"| release binary (stripped) | {mib(size['binary'])} |")
    print(f"| .deb | {mib(size['deb']) if size['deb'] else 'not built'} |")
    print(f"| cold start to window shown | {cold:.2f} s |")
    print(f"| warm start to window shown (median of 5) | {statistics.median(warm):.2f} s |")
    print(f"| warm start to day board painted (WebDriver session to bookings shown; median of 5, range) | "
          f"{painted[0]:.2f} s ({painted[1]:.2f}–{painted[2]:.2f}) |" if painted else
          "| day board painted | not seen within 60 s |")
    for name, at in (marks or {}).items():
        if at is not None:
            print(f"|   in the page (median): {name} | {at:.0f} ms after navigation start |")
    print(f"| memory, app + WebKit processes | RSS {mib(totals['rss'])}, PSS {mib(totals['pss'])} |")
    for name, pid, rss, pss in rows:
        print(f"|   {name} ({pid}) | RSS {mib(rss)}, PSS {mib(pss)} |")
    each = ipc["each"]
    print(f"| IPC no-op, 1,000 sequential calls | p50 {percentile(each, 0.5):.3f} ms, p99 {percentile(each, 0.99):.3f} ms, "
          f"mean {ipc['total'] / 1000:.3f} ms |")
    batches = ipc["batches"]
    print(f"| IPC no-op, per call in batches of 10 | p50 {percentile(batches, 0.5):.3f} ms, "
          f"p99 {percentile(batches, 0.99):.3f} ms |")


if __name__ == "__main__":
    main()
