//! The end-to-end harness: the real Clinic Desk binary (built with its UI
//! embedded, `scripts/e2e.sh` does it) started by tauri-driver and
//! WebKitWebDriver under a private Xvfb display, connected to a fresh database
//! on the throwaway PostgreSQL of the test process, and driven through
//! WebDriver the way a receptionist uses it: labels, buttons, keys.
//!
//! Each [`Desk`] has its own display, driver, station home and database;
//! desks run one at a time (two cores, one WebKit at a time is plenty).

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use clinic_admin::testing::{DESK_LOGIN, SETUP};

/// The tests' desk signs in with this password (set in [`Desk::prepare`]).
pub const DESK_PASSWORD: &str = "desk-e2e-password";
use clinic_local_pg::link::TestLink;
use clinic_local_pg::testing::{fresh_database, TestDatabase};
use clinic_station::settings::{ServerSettings, Settings};
use clinic_store::Clinic;
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::sync::{Mutex, MutexGuard};

pub use fantoccini;

/// How long the window may take to show what a step waits for.
const PATIENCE: Duration = Duration::from_secs(20);

static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root").to_path_buf()
}

/// Screenshots of each flow's final state, and the WebDriver logs.
pub fn artifacts_dir() -> PathBuf {
    let dir = workspace_root().join("target/e2e/artifacts");
    std::fs::create_dir_all(&dir).expect("the artifacts directory");
    dir
}

/// The app binary under test: `CLINIC_DESK_E2E_APP`, or where `scripts/e2e.sh` puts it.
pub fn app_binary() -> PathBuf {
    let path = std::env::var_os("CLINIC_DESK_E2E_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/e2e/clinic-desk"));
    assert!(
        path.exists(),
        "no app binary at {} — build it with scripts/e2e.sh (the UI embedded, not the dev server)",
        path.display()
    );
    path
}

fn tauri_driver() -> PathBuf {
    let installed = PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo/bin/tauri-driver");
    if installed.exists() {
        installed
    } else {
        PathBuf::from("tauri-driver")
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// `text` as an XPath string literal (XPath 1.0 has no escapes).
pub fn literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        format!("concat('{}')", text.replace('\'', "', \"'\", '"))
    }
}

/// Stops a process group we started (the driver, WebKitWebDriver and the
/// app; or Xvfb): politely first, so Xvfb removes its socket and lock.
fn kill_group(child: &mut Child) {
    let group = -(child.id() as i32);
    // SAFETY: signalling a process group we created; no memory is involved.
    unsafe { libc::kill(group, libc::SIGTERM) };
    let asked = Instant::now();
    while asked.elapsed() < Duration::from_secs(3) {
        if matches!(child.try_wait(), Ok(Some(_))) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // SAFETY: as above; whatever is left of the group.
    unsafe { libc::kill(group, libc::SIGKILL) };
    let _ = child.wait();
}

/// The processes behind one desk, stopped however the test ends.
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        self.0.iter_mut().rev().for_each(kill_group);
    }
}

/// One reception station in its real window, on a fresh clinic database.
pub struct Desk {
    pub web: Client,
    /// The station's network path to its database, which a test may cut,
    /// stall or heal.
    pub link: TestLink,
    /// The station's own folder (settings, its SQLite).
    pub home: PathBuf,
    pub db: TestDatabase,
    /// The same database as another station (or the back office) sees it.
    pub clinic: Clinic,
    name: String,
    display: String,
    _processes: Processes,
    _turn: MutexGuard<'static, ()>,
}

impl Desk {
    /// Logs a step (the test output is the flow's log when it fails).
    fn step(&self, what: std::fmt::Arguments) {
        eprintln!("[{}] {what}", self.name);
    }

    /// Opens the app on an empty, migrated clinic database.
    pub async fn open(name: &str) -> Desk {
        Desk::prepare(name).await.open().await
    }

    /// A fresh database to fill (through `clinic`) before the window opens.
    pub async fn prepare(name: &str) -> Preparing {
        let turn = ONE_AT_A_TIME.lock().await;
        let db = fresh_database(&SETUP).await;
        let clinic = Clinic::new(db.pool.clone());
        // Roles are the cluster's: the desk's password holds for every test database.
        let mut conn = db.pool.acquire().await.expect("a connection");
        clinic_admin::staff::set_password(&mut conn, DESK_LOGIN, DESK_PASSWORD).await.expect("the desk's password");
        drop(conn);
        Preparing { name: name.into(), db, clinic, turn, lock_after_seconds: None }
    }
}

/// A desk's database, before its window opens.
pub struct Preparing {
    pub clinic: Clinic,
    name: String,
    db: TestDatabase,
    turn: MutexGuard<'static, ()>,
    lock_after_seconds: Option<u32>,
}

impl Preparing {
    pub fn pool(&self) -> &sqlx::PgPool {
        &self.db.pool
    }

    /// Locks the screen after this many idle seconds instead of the clinic's minutes.
    pub fn lock_after_seconds(mut self, seconds: u32) -> Preparing {
        self.lock_after_seconds = Some(seconds);
        self
    }

    /// Opens the window at the sign-in screen, nobody signed in.
    pub async fn open_signed_out(self) -> Desk {
        self.start().await
    }

    /// Starts the app on this database, signs the desk in and waits for the board.
    pub async fn open(self) -> Desk {
        let desk = self.start().await;
        desk.sign_in(DESK_LOGIN, DESK_PASSWORD).await;
        desk.see("Day board").await;
        desk
    }

    /// Starts the app on this database and waits for its sign-in screen.
    async fn start(self) -> Desk {
        let Preparing { name, db, clinic, turn, lock_after_seconds } = self;
        let name = name.as_str();

        let home = workspace_root().join(format!("target/e2e/homes/{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        let link = TestLink::start(db.connect_options().get_port()).await;
        // The station reaches its database over TCP through the link, as a
        // reception PC reaches the clinic server over the LAN.
        let server = ServerSettings {
            host: "127.0.0.1".into(),
            port: link.port,
            database: db.name.clone(),
            // The desk's own staff login (reception and manager), as at a clinic.
            user: DESK_LOGIN.to_string(),
            tls: clinic_station::settings::TlsMode::Disable,
            ca_file: None,
        };
        clinic_station::settings::save(&home.join("config"), &Settings { server: Some(server), update_endpoint: None })
            .expect("the station's settings");

        // Xvfb picks a free display and says which (-displayfd).
        let mut xvfb = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1366x768x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("Xvfb (apt-get install xvfb)");
        let mut line = String::new();
        BufReader::new(xvfb.stdout.take().expect("Xvfb's output")).read_line(&mut line).expect("Xvfb's display");
        let display: u32 = line.trim().parse().unwrap_or_else(|_| panic!("Xvfb said {line:?}, not a display number"));
        let mut processes = Processes(vec![xvfb]);
        let port = free_port();
        let log = std::fs::File::create(artifacts_dir().join(format!("{name}-webdriver.log"))).expect("the driver log");
        let mut driver = Command::new(tauri_driver());
        if let Some(seconds) = lock_after_seconds {
            driver.env("CLINIC_DESK_LOCK_AFTER_SECONDS", seconds.to_string());
        }
        let driver = driver
            .args(["--port", &port.to_string(), "--native-port", &free_port().to_string()])
            .env("DISPLAY", format!(":{display}"))
            .env("CLINIC_DESK_HOME", &home)
            // No session bus: GTK would otherwise autolaunch a dbus-daemon per
            // run that outlives it (each holds an inotify instance; they run out).
            .env("DBUS_SESSION_BUS_ADDRESS", "disabled:")
            .env("NO_AT_BRIDGE", "1")
            .env("LANG", "en_US.UTF-8")
            .stdout(log.try_clone().expect("the driver log"))
            .stderr(log)
            .process_group(0)
            .spawn()
            .expect("tauri-driver (cargo install tauri-driver --locked)");
        processes.0.push(driver);
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < PATIENCE, "tauri-driver did not listen on {port}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("wry"));
        capabilities.insert("tauri:options".into(), json!({ "application": app_binary() }));
        // Plain HTTP to the local driver: no TLS stack needed. tauri-driver
        // listens before WebKitWebDriver behind it does: retry briefly.
        let mut attempts = 0;
        let web = loop {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(web) => break web,
                Err(e) if attempts < 10 => {
                    attempts += 1;
                    eprintln!("[{name}] no WebDriver session yet ({e}); retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => panic!("no WebDriver session with the app: {e}"),
            }
        };
        let desk = Desk {
            web,
            link,
            home: home.clone(),
            db,
            clinic,
            name: name.into(),
            display: format!(":{display}"),
            _processes: processes,
            _turn: turn,
        };
        // The flows read English; the webview's storage (shared by every run
        // on this machine) may remember another language.
        desk.find("//*[@id='sign-in-title']").await;
        desk.web
            .execute("if (localStorage.getItem('language') !== 'en') { localStorage.setItem('language', 'en'); location.reload(); }", vec![])
            .await
            .expect("choosing English");
        desk.see("Sign in").await;
        desk
    }
}

impl Desk {
    /// Signs `login` in on the sign-in screen (and waits until it is gone).
    pub async fn sign_in(&self, login: &str, password: &str) {
        self.step(format_args!("sign in as {login}"));
        self.fill("User name", login).await;
        self.fill("Password", password).await;
        self.click_button("Sign in").await;
        let started = Instant::now();
        while self.web.find(Locator::Css("#sign-in-title")).await.is_ok() {
            if started.elapsed() > PATIENCE {
                self.screenshot("sign-in").await;
                panic!("{login} is still at the sign-in screen:\n{}", self.text().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Whether the side bar offers the screen `label` (looked at once, no waiting).
    pub async fn offers_screen(&self, label: &str) -> bool {
        let xpath = format!("//nav//button[contains(normalize-space(.), {})]", literal(label));
        self.web.find(Locator::XPath(&xpath)).await.is_ok()
    }

    /// Waits until the station's own copy holds the location's day (its
    /// first pull after connecting), read from its encrypted SQLite.
    pub async fn wait_until_kept(&self, location: clinic_domain::ids::LocationId, date: chrono::NaiveDate) {
        self.step(format_args!("wait until the station keeps {date}"));
        let started = Instant::now();
        loop {
            // One database per clinic server: station-<hash>.sqlite.
            let path = std::fs::read_dir(self.home.join("data")).ok().and_then(|entries| {
                entries.flatten().map(|e| e.path()).find(|p| p.extension().is_some_and(|x| x == "sqlite"))
            });
            // Its key: no keyring answers under the tests' display, so the
            // station kept it in its configuration folder.
            let key = path.as_ref().and_then(|path| {
                let stem = path.file_stem()?.to_str()?;
                let text = std::fs::read_to_string(self.home.join("config/keys").join(format!("{stem}.key"))).ok()?;
                clinic_local_store::StoreKey::from_hex(&text)
            });
            if let (Some(path), Some(key)) = (path, key) {
                // Encrypted on disk, its key readable by this user alone.
                let state = clinic_local_store::file_state(&path).expect("the station's SQLite");
                assert_eq!(state, clinic_local_store::FileState::Encrypted, "{}", path.display());
                let key_file = self.home.join("config/keys").read_dir().expect("keys").flatten().next().expect("a key");
                let mode =
                    std::os::unix::fs::PermissionsExt::mode(&key_file.metadata().expect("the key").permissions());
                assert_eq!(mode & 0o077, 0, "the key file is private: {mode:o}");
                let store = clinic_local_store::LocalStore::open(&path, &key).await.expect("the station's SQLite");
                // The board, and the first pull finished: its patients come
                // with it, stored before its checkpoint.
                let kept = store.day_board(location, date).await.expect("reading the station's SQLite").is_some()
                    && store.checkpoint().await.expect("reading the station's SQLite").is_some();
                store.close().await;
                if kept {
                    return;
                }
            }
            assert!(started.elapsed() < PATIENCE, "the station never kept {date}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Saves the window's final state, closes the app, and checks its log
    /// files kept no patient's name or phone.
    pub async fn close(self) {
        self.step(format_args!("close"));
        self.screenshot("final").await;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.web.clone().close()).await;
        self.logs_keep_no_patient_data().await;
    }

    /// Patient names, phones and file contents never reach the station's
    /// log files (issue 20): every patient of this desk's clinic is looked
    /// for in every log the app wrote.
    async fn logs_keep_no_patient_data(&self) {
        let mut logs = String::new();
        for entry in std::fs::read_dir(self.home.join("logs")).expect("the app's log folder").flatten() {
            logs.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
        assert!(!logs.is_empty(), "the app wrote no log in {}", self.home.join("logs").display());
        let patients: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT full_name, phone FROM patients").fetch_all(&self.db.pool).await.expect("patients");
        let digits = |text: &str| text.chars().filter(char::is_ascii_digit).collect::<String>();
        for (name, phone) in &patients {
            assert!(!logs.contains(name.as_str()), "the log names the patient {name:?}");
            if let Some(phone) = phone.as_deref() {
                // As stored, and as its digits alone (nine or more: no port or count matches).
                let bare = digits(phone);
                let found = logs.contains(phone) || (bare.len() >= 9 && logs.contains(&bare));
                assert!(!found, "the log holds {name:?}'s phone");
            }
        }
        assert!(!logs.contains("%PDF-"), "the log holds a file's content");
        self.step(format_args!("logs checked: no name or phone of {} patients", patients.len()));
    }

    /// The X display the desk's window is on (another window may join it).
    pub fn display(&self) -> &str {
        &self.display
    }

    /// Saves what the display shows (ImageMagick's `import`: WebKitWebDriver's
    /// own screenshot command sometimes never answers under Xvfb).
    pub async fn screenshot(&self, step: &str) {
        let path = artifacts_dir().join(format!("{}-{step}.png", self.name));
        let taken = tokio::process::Command::new("import")
            .args(["-window", "root", &path.display().to_string()])
            .env("DISPLAY", &self.display)
            .status()
            .await;
        if !matches!(taken, Ok(status) if status.success()) {
            eprintln!("no screenshot {} ({taken:?}): is imagemagick installed?", path.display());
        }
    }

    /// Waits for an element, up to [`PATIENCE`].
    pub async fn find(&self, xpath: &str) -> Element {
        let started = Instant::now();
        loop {
            if let Ok(found) = self.web.find(Locator::XPath(xpath)).await {
                if found.is_displayed().await.unwrap_or(false) {
                    return found;
                }
            }
            if started.elapsed() > PATIENCE {
                self.screenshot("missing").await;
                panic!("nothing shown for {xpath}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the window shows `text`: a visible element whose text
    /// (as written, before CSS changes its case) contains it. One script in
    /// the page per try, rather than a round trip per element.
    pub async fn see(&self, text: &str) {
        self.step(format_args!("see {text:?}"));
        const SHOWN: &str = "const [text] = arguments;
            for (const element of document.body.querySelectorAll('*')) {
              if (!element.textContent.replace(/\\s+/g, ' ').includes(text)) continue;
              const deeper = [...element.children].some((c) => c.textContent.replace(/\\s+/g, ' ').includes(text));
              if (!deeper && element.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return true;
            }
            return false;";
        let started = Instant::now();
        loop {
            if self.web.execute(SHOWN, vec![json!(text)]).await.ok() == Some(json!(true)) {
                return;
            }
            if started.elapsed() > PATIENCE {
                self.screenshot("missing").await;
                panic!("the window never showed {text:?}; it shows:\n{}", self.text().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The window's visible text now (for failure messages; empty when the driver is stuck).
    pub async fn text(&self) -> String {
        let read = async { self.web.find(Locator::Css("body")).await.ok()?.text().await.ok() };
        tokio::time::timeout(Duration::from_secs(5), read).await.ok().flatten().unwrap_or_default()
    }

    pub async fn click_button(&self, label: &str) {
        self.step(format_args!("click {label:?}"));
        let label_lit = literal(label);
        let scope =
            if self.web.find(Locator::XPath("//*[@role='dialog']")).await.is_ok() { "//*[@role='dialog']" } else { "" };
        let button = self
            .find(&format!(
                "{scope}//button[not(@disabled)][normalize-space(.)={label_lit} or @aria-label={label_lit} or .//*[contains(@class, 'Button-label')][normalize-space(.)={label_lit}]] | {scope}//*[@role='button'][normalize-space(.)={label_lit}]"
            ))
            .await;
        button.click().await.unwrap_or_else(|e| panic!("clicking {label}: {e}"));
    }

    /// The input a visible label names (Mantine links them with `for`).
    pub async fn field(&self, label: &str) -> Element {
        let label_lit = literal(label);
        // An open drawer or dialog covers the screen behind it: look there first.
        let scope =
            if self.web.find(Locator::XPath("//*[@role='dialog']")).await.is_ok() { "//*[@role='dialog']" } else { "" };
        let xpath = format!(
            "{scope}//label[normalize-space(text()[1])={label_lit}] | {scope}//*[@aria-label={label_lit}][self::input or self::textarea]"
        );
        let found = self.find(&xpath).await;
        let Some(id) = found.attr("for").await.ok().flatten() else { return found };
        match self.web.find(Locator::Id(&id)).await {
            Ok(input) if input.is_displayed().await.unwrap_or(false) => input,
            // A multi-select labels a hidden input; people type into the one after the label.
            _ => self.find(&format!("//label[@for='{id}']/following::*[contains(@class, 'Input-input')][1]")).await,
        }
    }

    pub async fn fill(&self, label: &str, value: &str) {
        self.step(format_args!("fill {label:?}"));
        let input = self.field(label).await;
        input.clear().await.unwrap_or_else(|e| panic!("clearing {label}: {e}"));
        input.send_keys(value).await.unwrap_or_else(|e| panic!("typing into {label}: {e}"));
    }

    /// Sets a date or time input the way a picker would (typing into them
    /// depends on the system locale).
    pub async fn set(&self, label: &str, value: &str) {
        let input = self.field(label).await;
        self.web
            .execute(
                "const [input, value] = arguments;
                 Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, value);
                 input.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![serde_json::to_value(&input).expect("an element reference"), json!(value)],
            )
            .await
            .unwrap_or_else(|e| panic!("setting {label}: {e}"));
    }

    /// Picks `option` in the select (or multi-select) labelled `label`.
    pub async fn choose(&self, label: &str, option: &str) {
        self.step(format_args!("choose {option:?} in {label:?}"));
        self.field(label).await.click().await.unwrap_or_else(|e| panic!("opening {label}: {e}"));
        let option_lit = literal(option);
        let xpath = format!("//*[@role='option'][normalize-space(.)={option_lit}]");
        let started = Instant::now();
        let found = loop {
            // Options of the dropdown just opened (others may linger hidden);
            // one scrolled out of a long list counts too.
            let options = self.web.find_all(Locator::XPath(&xpath)).await.unwrap_or_default();
            let mut shown = None;
            for option in &options {
                if option.is_displayed().await.unwrap_or(false) {
                    shown = Some(option.clone());
                }
            }
            if let Some(found) = shown.or_else(|| options.last().cloned()) {
                break found;
            }
            if started.elapsed() > PATIENCE {
                self.screenshot("missing").await;
                panic!("no option {option:?} in {label}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        // Long lists scroll: bring the option into view as a person would.
        self.scroll_to(&found, "nearest").await;
        found.click().await.unwrap_or_else(|e| panic!("choosing {option} in {label}: {e}"));
    }

    /// Ticks the radio button or checkbox labelled `label`.
    pub async fn check(&self, label: &str) {
        self.field(label).await.click().await.unwrap_or_else(|e| panic!("ticking {label}: {e}"));
    }

    /// Picks `option` in a native `<select>` named `label`.
    pub async fn pick(&self, label: &str, option: &str) {
        let (label_lit, option_lit) = (literal(label), literal(option));
        self.find(&format!("//select[@aria-label={label_lit}]/option[normalize-space(.)={option_lit}]"))
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("picking {option} in {label}: {e}"));
    }

    /// Clicks the first visible element showing `text` (a booking on the board, a row).
    pub async fn click_text(&self, text: &str) {
        self.step(format_args!("click on {text:?}"));
        let text_lit = literal(text);
        // An open drawer covers the board behind it: what it shows (and the
        // options of a list it opened, rendered outside it) comes first.
        let in_dialog = format!(
            "//*[@role='option'][contains(normalize-space(.), {text_lit})] | //*[@role='dialog']//*[@role='button' or self::button or self::tr][contains(normalize-space(.), {text_lit})]"
        );
        let anywhere = format!(
            "//*[@role='button' or @role='option' or self::button or self::tr][contains(normalize-space(.), {text_lit})]"
        );
        let shown = async |xpath: &str| match self.web.find(Locator::XPath(xpath)).await {
            Ok(found) if found.is_displayed().await.unwrap_or(false) => Some(found),
            _ => None,
        };
        let started = Instant::now();
        let element = loop {
            // Looked at again each try: a drawer that is closing stops covering.
            let covered = shown("//*[@role='dialog']").await.is_some();
            if let Some(found) = shown(if covered { &in_dialog } else { &anywhere }).await {
                break found;
            }
            if started.elapsed() > PATIENCE {
                self.screenshot("missing").await;
                panic!("nothing to click shows {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        // Into the middle of its scroller, as a person would scroll to it:
        // WebKitWebDriver does not scroll a box inside the page, and a block
        // at the board's lower edge has its centre under the overlay
        // scrollbar's hit area (the bottom ~25 px hit the board itself).
        self.scroll_to(&element, "center").await;
        element.click().await.unwrap_or_else(|e| panic!("clicking {text}: {e}"));
    }

    /// Scrolls every box around `element` until it shows, placed `block`
    /// ("nearest", "center") in its scroller.
    async fn scroll_to(&self, element: &Element, block: &str) {
        self.web
            .execute(
                "arguments[0].scrollIntoView({ block: arguments[1], inline: 'nearest' });",
                vec![serde_json::to_value(element).expect("an element reference"), json!(block)],
            )
            .await
            .expect("scrolling to an element");
    }

    /// Gives a file to the file input `css` (what choosing it in the dialog does).
    pub async fn attach(&self, css: &str, path: &Path) {
        self.step(format_args!("attach {}", path.display()));
        // The input is hidden behind its drop zone: wait for it to exist, not to show.
        let started = Instant::now();
        let input = loop {
            match self.web.find(Locator::Css(css)).await {
                Ok(input) => break input,
                Err(e) if started.elapsed() > PATIENCE => panic!("no {css}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        // A fresh choice each time: the driver adds to what a multiple input already holds.
        let reference = serde_json::to_value(&input).expect("an element reference");
        self.web.execute("arguments[0].value = '';", vec![reference]).await.expect("clearing the file input");
        input
            .send_keys(&path.display().to_string())
            .await
            .unwrap_or_else(|e| panic!("attaching {}: {e}", path.display()));
    }

    /// Moves the keyboard focus to the element `css` (as Tab would).
    pub async fn focus(&self, css: &str) {
        self.step(format_args!("focus {css}"));
        let element = self.web.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no {css}: {e}"));
        let reference = serde_json::to_value(&element).expect("an element reference");
        self.web.execute("arguments[0].focus();", vec![reference]).await.expect("focusing");
    }

    /// Presses a key where the focus is (shortcuts listen on the document).
    pub async fn press(&self, key: Key) {
        self.step(format_args!("press a key"));
        let focused = self.web.active_element().await.expect("a focused element");
        focused.send_keys(&key.to_string()).await.expect("a key press");
    }

    /// Waits until nothing matches `selector` (a dialog closing, say).
    pub async fn wait_gone(&self, selector: &str) {
        let started = Instant::now();
        while self.count_shown(selector).await > 0 {
            assert!(started.elapsed() < PATIENCE, "{selector} stayed");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// How many elements match a CSS selector in the window now.
    pub async fn count_shown(&self, selector: &str) -> usize {
        self.web.find_all(Locator::Css(selector)).await.map(|all| all.len()).unwrap_or(0)
    }

    /// Runs `sql` as the cluster's superuser with the triggers off: what only
    /// someone with the server's keys could do (tampering with the trail).
    pub async fn behind_the_triggers(&self, sql: &str) {
        let mut tx = self.db.pool.begin().await.expect("a transaction");
        sqlx::query("SET LOCAL session_replication_role = replica").execute(&mut *tx).await.expect("triggers off");
        sqlx::query(sql).execute(&mut *tx).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        tx.commit().await.expect("commit");
    }

    /// Runs `sql` (several statements) as the cluster's superuser: a change
    /// made on the server itself, by its administrator.
    pub async fn on_the_server(&self, sql: &str) {
        sqlx::raw_sql(sql).execute(&self.db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.db.pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// Answers the operating system's save dialog (GTK's file chooser, a
    /// window of its own outside the web view) as a person would: the whole
    /// path typed into its name field, then Enter.
    pub async fn save_in_dialog(&self, title: &str, path: &Path) {
        self.step(format_args!("save as {} in the {title:?} dialog", path.display()));
        self.native_dialog(title).await;
        // Real key events to the focused dialog (GTK ignores sent ones).
        self.xdotool(&["key", "ctrl+a"]);
        self.xdotool(&["type", "--delay", "15", &path.display().to_string()]);
        self.xdotool(&["key", "Return"]);
    }

    /// Closes an operating system dialog (the print dialog) with Escape.
    pub async fn dismiss_dialog(&self, title: &str) {
        self.step(format_args!("dismiss the {title:?} dialog"));
        let window = self.native_dialog(title).await;
        self.xdotool(&["key", "Escape"]);
        let started = Instant::now();
        while self.xdotool(&["search", "--onlyvisible", "--name", title]).lines().any(|id| id == window) {
            assert!(started.elapsed() < PATIENCE, "the {title:?} dialog stayed open");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Prints through the operating system's print dialog (GTK's) to its
    /// "Print to File" printer, which writes a PDF named `output.pdf` in the
    /// app's working folder; returns that file once it is whole.
    pub async fn print_to_file(&self) -> PathBuf {
        self.step(format_args!("print to a file in the \"Print\" dialog"));
        let output = std::env::current_dir().expect("the working folder").join("output.pdf");
        let _ = std::fs::remove_file(&output);
        self.native_dialog("Print").await;
        // The only printer here: select it, then the dialog's default button.
        self.xdotool(&["key", "Down"]);
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.xdotool(&["key", "Return"]);
        let started = Instant::now();
        loop {
            let whole = Command::new("pdfinfo").arg(&output).output().is_ok_and(|out| out.status.success());
            if whole {
                return output;
            }
            assert!(started.elapsed() < PATIENCE, "the print dialog wrote no {}", output.display());
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// Waits for a visible window titled `title` and gives it the keyboard.
    async fn native_dialog(&self, title: &str) -> String {
        let started = Instant::now();
        loop {
            if let Some(id) = self.xdotool(&["search", "--onlyvisible", "--name", title]).lines().next() {
                let id = id.to_string();
                self.xdotool(&["windowfocus", "--sync", &id]);
                return id;
            }
            assert!(started.elapsed() < PATIENCE, "no {title:?} dialog opened");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    fn xdotool(&self, args: &[&str]) -> String {
        let out = Command::new("xdotool").args(args).env("DISPLAY", &self.display).output().expect("xdotool");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Types `keys` where the focus is (each character one key press).
    pub async fn type_keys(&self, keys: &str) {
        self.step(format_args!("type {keys:?}"));
        let focused = self.web.active_element().await.expect("a focused element");
        focused.send_keys(keys).await.expect("key presses");
    }

    /// Runs axe-core (WCAG 2.2 A and AA rules) on what the window shows now
    /// and fails on any critical or serious violation. Returns the number of
    /// violations of each impact, and appends them to `axe.txt` beside the
    /// screenshots.
    pub async fn axe(&self, screen: &str) -> AxeCounts {
        self.step(format_args!("axe on {screen}"));
        let installed =
            self.web.execute("return typeof window.axe === 'object';", vec![]).await.expect("asking for axe");
        if installed != json!(true) {
            let source = std::fs::read_to_string(workspace_root().join("node_modules/axe-core/axe.min.js"))
                .expect("node_modules/axe-core/axe.min.js (npm ci)");
            self.web.execute(&source, vec![]).await.expect("loading axe-core into the window");
        }
        // Let a drawer's opening transition finish: axe reads colours as drawn.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let report = self
            .web
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] })
                   .then((r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
                       targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 160)) }))),
                         (e) => done('axe failed: ' + e));",
                vec![],
            )
            .await
            .expect("running axe-core");
        let violations = report.as_array().unwrap_or_else(|| panic!("axe on {screen}: {report}")).clone();
        let mut counts = AxeCounts::default();
        let mut lines = Vec::new();
        for v in &violations {
            let nodes = v["nodes"].as_u64().unwrap_or(0) as usize;
            match v["impact"].as_str() {
                Some("critical") => counts.critical += nodes,
                Some("serious") => counts.serious += nodes,
                Some("moderate") => counts.moderate += nodes,
                _ => counts.minor += nodes,
            }
            lines.push(format!("  {} ({}, {} nodes): {}", v["id"], v["impact"], nodes, v["targets"]));
        }
        let summary = format!(
            "{} / {screen}: critical {}, serious {}, moderate {}, minor {}\n{}",
            self.name,
            counts.critical,
            counts.serious,
            counts.moderate,
            counts.minor,
            lines.join("\n")
        );
        eprintln!("[{}] axe {summary}", self.name);
        use std::io::Write;
        let mut log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(artifacts_dir().join("axe.txt"))
            .expect("the axe report");
        writeln!(log, "{}", summary.trim_end()).expect("writing the axe report");
        if counts.critical + counts.serious > 0 {
            self.screenshot(&format!("axe-{screen}")).await;
            panic!("axe found critical or serious violations on {screen}:\n{summary}");
        }
        counts
    }
}

/// Accessibility violations axe-core found on one screen, by impact (nodes).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AxeCounts {
    pub critical: usize,
    pub serious: usize,
    pub moderate: usize,
    pub minor: usize,
}

/// A small clinic made through the services (as the back office would), so a
/// flow starts where it has something to do.
pub mod clinic {
    use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
    use chrono_tz::Europe::Kyiv;
    use clinic_domain::bookings::{Booking, BookingRequest, BookingSubject};
    use clinic_domain::catalogue::{Diagnostic, DiagnosticInput, DoctorInput, Location, LocationInput};
    use clinic_domain::ids::{BookingId, DoctorId, PatientId};
    use clinic_domain::patients::{Patient, PatientInput};
    use clinic_domain::schedule::{ExceptionKind, ScheduleExceptionInput, WeeklyInterval};
    use clinic_domain::values::{IsoWeekday, WallTime};
    use clinic_domain::Actor;
    use clinic_store::Clinic;

    pub struct Seeded {
        pub centre: Location,
        pub podil: Location,
        pub doctor: DoctorId,
        pub mri: Diagnostic,
        pub patient: Patient,
        /// Tomorrow in Kyiv: the flows book there, whatever the time of the run.
        pub day: NaiveDate,
    }

    pub fn actor() -> Actor {
        Actor::parse("Back office").expect("a name")
    }

    fn every_day(from: u16, to: u16) -> Vec<WeeklyInterval> {
        (1..=7)
            .map(|d| WeeklyInterval {
                weekday: IsoWeekday::new(d).expect("a weekday"),
                start: WallTime::hm(from, 0),
                end: WallTime::hm(to, 0),
            })
            .collect()
    }

    /// `hh:mm` on the seeded day in Kyiv.
    pub fn at(seeded: &Seeded, hour: u32, minute: u32) -> DateTime<Utc> {
        on(seeded.day, hour, minute)
    }

    /// `hh:mm` on a date in Kyiv.
    pub fn on(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
        let local = day.and_hms_opt(hour, minute, 0).expect("a time");
        Kyiv.from_local_datetime(&local).single().expect("not in a DST change").with_timezone(&Utc)
    }

    /// Today in Kyiv (the seeded locations' zone).
    pub fn today() -> NaiveDate {
        Utc::now().with_timezone(&Kyiv).date_naive()
    }

    /// Books as a station did at `then` (a clinic whose clock reads `then`):
    /// how a flow gets a visit of today, or one that has already taken place.
    pub async fn book_back_then(
        pool: &sqlx::PgPool,
        then: DateTime<Utc>,
        patient: PatientId,
        location: &Location,
        subject: BookingSubject,
        starts_at: DateTime<Utc>,
    ) -> Booking {
        book(&Clinic::with_clock(pool.clone(), move || then), patient, location, subject, starts_at).await
    }

    /// Centre and Podil (Kyiv, open 07–21), Dr Iryna Bondar (cardiology,
    /// 650.00) at Centre 08–20 every day and at Podil on the seeded day only
    /// (extra hours), an MRI at Centre (one at a time, 60 min), one patient.
    pub async fn seed(clinic: &Clinic) -> Seeded {
        let location = |name: &str| LocationInput {
            name: name.into(),
            address: format!("{name} street 1"),
            phone: String::new(),
            time_zone: "Europe/Kyiv".into(),
            grid_minutes: 15,
        };
        let centre = clinic.create_location(&location("Centre")).await.expect("Centre");
        let podil = clinic.create_location(&location("Podil")).await.expect("Podil");
        for l in [&centre, &podil] {
            clinic.set_location_week(l.id, &every_day(7, 21)).await.expect("opening hours");
        }
        let cardiology = clinic.create_specialty("Cardiology").await.expect("a specialty").id;
        let doctor = clinic
            .create_doctor(&DoctorInput {
                full_name: "Dr Iryna Bondar".into(),
                specialty_id: cardiology,
                price: "650.00".into(),
                experience: "12 years".into(),
                certificates: String::new(),
                services: vec!["Consultation".into()],
                slot_minutes: 30,
                location_ids: vec![centre.id, podil.id],
            })
            .await
            .expect("a doctor")
            .summary
            .id;
        clinic.set_doctor_week(doctor, centre.id, &every_day(8, 20)).await.expect("the doctor's week");
        let day = Utc::now().with_timezone(&Kyiv).date_naive() + Duration::days(1);
        clinic
            .add_exception(
                &ScheduleExceptionInput {
                    kind: ExceptionKind::ExtraHours,
                    location_id: Some(podil.id),
                    doctor_id: Some(doctor),
                    date: day,
                    start: Some(WallTime::hm(8, 0)),
                    end: Some(WallTime::hm(20, 0)),
                    note: "Covering Podil".into(),
                },
                &actor(),
            )
            .await
            .expect("extra hours at Podil");
        let mri = clinic
            .create_diagnostic(&DiagnosticInput {
                type_name: "MRI".into(),
                description: String::new(),
                preparation: "Leave jewellery and watches at home; tell us about implants.".into(),
                price: "2400.00".into(),
                slot_minutes: 60,
            })
            .await
            .expect("a diagnostic");
        clinic.offer_diagnostic(mri.id, centre.id, 1).await.expect("the MRI at Centre");
        let patient = clinic
            .create_patient(
                PatientId::generate(),
                &PatientInput {
                    full_name: "Olena Kovalenko".into(),
                    phone: Some("+380501112233".into()),
                    ..PatientInput::default()
                },
                &actor(),
            )
            .await
            .expect("a patient");
        Seeded { centre, podil, doctor, mri, patient, day }
    }

    /// A booking request under a new id, with no message.
    pub fn visit(
        patient: PatientId,
        location: clinic_domain::ids::LocationId,
        subject: BookingSubject,
        starts_at: DateTime<Utc>,
    ) -> BookingRequest {
        BookingRequest {
            booking_id: BookingId::generate(),
            patient_id: patient,
            location_id: location,
            subject,
            starts_at,
            patient_message: String::new(),
            override_reason: None,
            waitlist_entry_id: None,
        }
    }

    /// Books as another station would.
    pub async fn book(
        clinic: &Clinic,
        patient: PatientId,
        location: &Location,
        subject: BookingSubject,
        starts_at: DateTime<Utc>,
    ) -> Booking {
        clinic
            .book(&visit(patient, location.id, subject, starts_at), &actor())
            .await
            .expect("a booking by another station")
    }
}
