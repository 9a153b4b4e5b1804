//! The latency a receptionist feels, in the real window (issue 16): the
//! page's own performance measures (`ui/src/felt.ts`) from what the person
//! did to what they asked for painted, on the demo clinic's busy day:
//!
//! - a click on free time on the board → the booking drawer with that day's free times;
//! - the third letter of a surname typed → the matching patients listed;
//! - Book pressed (Ctrl+Enter) → the booking on the board;
//! - the date changed (next day, then back: first visits and revisits) → the board painted.
//!
//! Then the floor under them: the same board painted again, and laid out
//! and painted again, with no script work and no call (what no change to
//! the UI's code can go below). Then the memory (PSS) of the app with its
//! WebKit processes, next to a Tauri window on the same WebKitGTK with an
//! empty page (`src-tauri/examples/empty_window.rs`), measured in the same
//! run. Prints numbers; asserts only that each action was measured.
//!
//!     scripts/measure-window.sh           # builds the release app and the empty window, then this
//!     BENCH_ROUNDS=30 scripts/measure-window.sh

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../../crates/store/benches/stats.rs"]
mod stats;

use clinic_e2e::clinic::today;
use clinic_e2e::fantoccini::key::Key;
use clinic_e2e::{workspace_root, Desk};
use clinic_store::demo::{generate, DemoOptions};
use serde_json::json;

const ACTIONS: [(&str, &str); 4] = [
    ("freeTimeToSlots", "click on free time → drawer with its free times"),
    ("lettersToMatches", "third letter typed → patient matches listed"),
    ("bookToBoard", "Book pressed → booking on the board"),
    ("dateToBoard", "date changed → day board painted"),
];

fn main() {
    let rounds: usize = std::env::var("BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio");
    runtime.block_on(run(rounds));
}

async fn run(rounds: usize) {
    println!("app: {}", clinic_e2e::app_binary().display());
    let preparing = Desk::prepare("window-bench").await;
    let clinic = preparing.clinic.clone();
    generate(preparing.pool(), &DemoOptions::new(chrono::Utc::now())).await.expect("the demo clinic");
    let location = clinic.list_locations(false).await.expect("locations")[0].clone();
    // The next weekday: doctors work Monday to Friday, and it is still ahead.
    let mut day = today() + chrono::Duration::days(1);
    while chrono::Datelike::weekday(&day).number_from_monday() > 5 {
        day += chrono::Duration::days(1);
    }
    let surnames: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT left(full_name, 3) FROM patients ORDER BY 1 LIMIT 200")
            .fetch_all(preparing.pool())
            .await
            .expect("patients' names");
    let desk = preparing.open().await;
    for _ in 0..(day - today()).num_days() {
        desk.click_button("Next day").await;
    }
    let shown = clinic.day_board(location.id, day).await.expect("the day").bookings.len();
    desk.find("//*[contains(@class, 'booking')]").await;
    println!("board: {} on {day}, {shown} bookings; {rounds} rounds\n", location.name);
    measures(&desk).await; // what the start-up left

    let mut samples: Vec<(String, f64)> = Vec::new();
    for round in 0..rounds {
        // Free time, three letters, Book.
        if !click_free_time(&desk, round).await {
            println!("round {round}: no free time left in view");
            break;
        }
        desk.see("free times on this day").await;
        let letters = &surnames[(round * 7) % surnames.len()];
        desk.type_keys(letters).await;
        desk.find("//*[@role='option' and @aria-selected='true']").await;
        desk.press(Key::Enter).await;
        desk.find(
            "//*[@role='dialog']//button[not(@disabled)][.//*[normalize-space(.)='Book'] or normalize-space(.)='Book']",
        )
        .await;
        desk.type_keys(&format!("{}{}", Key::Control, Key::Enter)).await;
        desk.wait_gone("[role='dialog']").await;
        samples.extend(wait_for(&desk, "bookToBoard").await);
    }
    // The date: forward (first visits), then back over the same days (revisits).
    let days = rounds.div_ceil(2);
    for label in std::iter::repeat_n("Next day", days).chain(std::iter::repeat_n("Previous day", days)) {
        desk.click_button(label).await;
        samples.extend(wait_for(&desk, "dateToBoard").await);
    }

    let sorted = |name: &str| {
        let mut times: Vec<Duration> =
            samples.iter().filter(|(n, _)| n == name).map(|(_, ms)| Duration::from_secs_f64(ms / 1000.0)).collect();
        times.sort();
        times
    };
    println!(
        "| what the receptionist does → sees | runs | p50 | p99 | max | of which answered, p50 | committed (answer + React), p50 | the last frame (style, layout, paint), p50 |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, words) in ACTIONS {
        let times = sorted(name);
        assert!(!times.is_empty(), "{name} was never measured");
        let median_of = |part: &str| {
            let times = sorted(&format!("{name}.{part}"));
            if times.is_empty() {
                "—".to_string()
            } else {
                format!("{:.0} ms", stats::percentile_ms(&times, 0.5))
            }
        };
        println!(
            "| {words} | {} | {:.0} ms | {:.0} ms | {:.0} ms | {} | {} | {} |",
            times.len(),
            stats::percentile_ms(&times, 0.5),
            stats::percentile_ms(&times, 0.99),
            stats::percentile_ms(&times, 1.0),
            median_of("answered"),
            median_of("committed"),
            median_of("frame"),
        );
    }

    // The floor under every figure above: the same board repainted, and
    // laid out and repainted, with no script work and no station call.
    println!();
    println!("| the board's floor in this window (no script, no call) | runs | p50 | p99 |");
    println!("|---|---:|---:|---:|");
    for (what, change) in FLOORS {
        let mut times = Vec::new();
        for round in 0..rounds {
            let taken = desk.web.execute_async(FRAME_AFTER, vec![json!(change), json!(round)]).await.expect("a frame");
            times.push(Duration::from_secs_f64(taken.as_f64().expect("a duration") / 1000.0));
        }
        times.sort();
        println!(
            "| {what} | {} | {:.0} ms | {:.0} ms |",
            times.len(),
            stats::percentile_ms(&times, 0.5),
            stats::percentile_ms(&times, 0.99)
        );
    }

    // Memory: the app as it stands after the work above, then the floor.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let app = app_processes();
    let app_pss = pss_kib(&app);
    let floor = empty_window(desk.display()).await;
    println!();
    println!("| memory (PSS, with its WebKit processes) | figure |");
    println!("|---|---|");
    println!("| the app, after the rounds above ({} processes) | {:.1} MiB |", app.len(), app_pss as f64 / 1024.0);
    match floor {
        Some((processes, kib)) => {
            println!("| an empty Tauri window, same WebKitGTK ({processes} processes) | {:.1} MiB |", kib as f64 / 1024.0);
            println!("| the app as a multiple of the empty window | {:.2}× |", app_pss as f64 / kib as f64);
        }
        None => println!(
            "| an empty Tauri window | not built: cargo build --release --example empty-window --features tauri/custom-protocol |"
        ),
    }
    desk.close().await;
}

/// Changes to the board that cost the page no script and no call: its
/// background (the visible board painted again), and its width by a pixel
/// (every column and booking laid out, then painted).
const FLOORS: [(&str, &str); 2] =
    [("the visible board painted again", "background"), ("the whole board laid out and painted again", "width")];

/// Makes one of the `FLOORS` changes and answers the milliseconds to the
/// frame after it, timed as `ui/src/felt.ts` times an action.
const FRAME_AFTER: &str = "const [change, round] = arguments;
    const done = arguments[arguments.length - 1];
    const board = document.querySelector('.board');
    const started = performance.now();
    if (change === 'background') board.style.background = round % 2 ? '#ffffff' : '#fffffe';
    else board.style.width = round % 2 ? '' : 'calc(100% - 1px)';
    requestAnimationFrame(() => setTimeout(() => done(performance.now() - started), 0));";

/// Clicks a point of open, unbooked time on the board (as a pointer would:
/// a click event at that point); false when the view has none left.
async fn click_free_time(desk: &Desk, round: usize) -> bool {
    const CLICK: &str = "const [round] = arguments;
        const board = document.querySelector('.board');
        board.scrollTop = 0;
        const points = [];
        for (const column of document.querySelectorAll('.board .column')) {
          const x = column.getBoundingClientRect().left + column.getBoundingClientRect().width / 2;
          for (const open of column.querySelectorAll('.open')) {
            const r = open.getBoundingClientRect();
            for (let y = r.top + 6; y < Math.min(r.bottom, window.innerHeight) - 6; y += 12) {
              const hit = document.elementFromPoint(x, y);
              if (hit && column.contains(hit) && !hit.closest('.booking, .hold')) points.push([x, y, column]);
            }
          }
        }
        if (points.length === 0) return false;
        const [x, y, column] = points[(round * 37) % points.length];
        column.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: x, clientY: y }));
        return true;";
    desk.web.execute(CLICK, vec![json!(round)]).await.expect("clicking free time") == json!(true)
}

/// The measures taken so far (cleared once read).
async fn measures(desk: &Desk) -> Vec<(String, f64)> {
    const READ: &str = "const taken = performance.getEntriesByType('measure').map((m) => [m.name, m.duration]);
        performance.clearMeasures();
        return taken;";
    let taken = desk.web.execute(READ, vec![]).await.expect("reading the measures");
    taken
        .as_array()
        .map(|all| all.iter().filter_map(|m| Some((m.get(0)?.as_str()?.to_string(), m.get(1)?.as_f64()?))).collect())
        .unwrap_or_default()
}

/// The measures, once one named `name` is among them.
async fn wait_for(desk: &Desk, name: &str) -> Vec<(String, f64)> {
    let started = Instant::now();
    let mut taken = Vec::new();
    while !taken.iter().any(|(n, _): &(String, f64)| n == name) {
        assert!(started.elapsed() < Duration::from_secs(30), "no {name} measure within 30 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
        taken.extend(measures(desk).await);
    }
    taken
}

/// Every process with its parent's id.
fn processes() -> Vec<(u32, u32, String)> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else { continue };
        let name = stat[open + 1..close].to_string();
        let parent = stat[close + 2..].split(' ').nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
        all.push((pid, parent, name));
    }
    all
}

/// `roots` and every process below them.
fn with_descendants(roots: Vec<u32>) -> Vec<u32> {
    let all = processes();
    let mut found = roots;
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(all.iter().filter(|(_, p, _)| *p == parent).map(|(pid, _, _)| *pid));
        i += 1;
    }
    found
}

/// The app and its WebKit processes.
fn app_processes() -> Vec<u32> {
    // The kernel keeps 15 characters of a process name.
    let roots = processes().into_iter().filter(|(_, _, name)| name == "clinic-desk").map(|(pid, _, _)| pid).collect();
    with_descendants(roots)
}

fn pss_kib(pids: &[u32]) -> u64 {
    pids.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|rollup| {
            rollup.lines().find_map(|l| {
                l.strip_prefix("Pss:").and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
            })
        })
        .sum()
}

fn empty_window_binary() -> PathBuf {
    workspace_root().join("target/release/examples/empty-window")
}

/// Starts the empty window on `display`, waits for its page and as long as
/// the app settled, and returns its process count and PSS; None when not built.
async fn empty_window(display: &str) -> Option<(usize, u64)> {
    let binary = empty_window_binary();
    if !Path::new(&binary).exists() {
        return None;
    }
    let mut child = Command::new(&binary)
        .env("DISPLAY", display)
        .env("DBUS_SESSION_BUS_ADDRESS", "disabled:")
        .env("NO_AT_BRIDGE", "1")
        // As the app sets it for itself on Linux (src-tauri/src/lib.rs).
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the empty window");
    let started = Instant::now();
    let mut pids = vec![child.id()];
    // Its page is up once WebKit's web process runs.
    while started.elapsed() < Duration::from_secs(30) {
        pids = with_descendants(vec![child.id()]);
        let names = processes();
        if pids.iter().any(|pid| names.iter().any(|(p, _, n)| p == pid && n.starts_with("WebKitWebProces"))) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let pids = with_descendants(vec![child.id()]);
    let kib = pss_kib(&pids);
    let _ = child.kill();
    let _ = child.wait();
    Some((pids.len(), kib))
}
