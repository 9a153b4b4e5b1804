//! One private PostgreSQL cluster: created with `initdb` on first use, started
//! as a child process listening only on a Unix socket inside its own folder,
//! stopped on `stop()`, on drop, or (Linux) when this process dies.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;

use crate::binaries::find_bin_dir;
use crate::LocalPgError;

/// The port only names the socket file; nothing listens on TCP.
const SOCKET_PORT: u16 = 5432;
const START_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Default)]
pub struct ClusterOptions {
    /// Folder that holds `data/`, the socket and `server.log`.
    pub root: PathBuf,
    /// Superuser created by `initdb`; its local connections are trusted.
    pub superuser: String,
    /// Local connections by any other login authenticate with SCRAM (the
    /// demo clinic's staff sign in with their passwords); default: trusted.
    pub local_passwords: bool,
    /// `-c name=value` settings for the server, e.g. `fsync=off` for tests.
    pub settings: Vec<(String, String)>,
    /// Also listen on 127.0.0.1 at this port (default: the Unix socket only).
    pub tcp_port: Option<u16>,
    /// `pg_hba.conf` lines after the local ones (TCP connections; the file
    /// is rewritten at every start).
    pub hba: Vec<String>,
    /// Files placed in the data folder before the server starts, readable by
    /// the server's user only (e.g. `server.crt` and `server.key` for `ssl=on`).
    pub data_files: Vec<(String, Vec<u8>)>,
    /// PostgreSQL shipped with the app (the installer's `postgresql/`
    /// resource folder), used before any on the system.
    pub bundled_binaries: Option<PathBuf>,
}

#[derive(Debug)]
pub struct LocalCluster {
    root: PathBuf,
    superuser: String,
    bin_dir: PathBuf,
    pid: u32,
    port: u16,
    exited: std::sync::Mutex<Option<mpsc::Receiver<()>>>,
}

impl LocalCluster {
    /// Creates the cluster if `root/data` holds none yet, then starts it.
    pub fn start(options: &ClusterOptions) -> Result<Self, LocalPgError> {
        let bin_dir = find_bin_dir(options.bundled_binaries.as_deref())?;
        let owner = unprivileged_owner()?;
        std::fs::create_dir_all(&options.root).map_err(|e| LocalPgError::io(&options.root, e))?;
        owner.take_ownership(&options.root)?;

        let data_dir = options.root.join("data");
        if !data_dir.join("PG_VERSION").is_file() {
            init_data_dir(&bin_dir, &data_dir, &options.superuser, &owner)?;
        }

        // Unix: the socket in `root`, and TCP only when asked. Windows has no
        // socket clients (sqlx connects over TCP there): always 127.0.0.1.
        let tcp_port = options.tcp_port.or_else(|| (!cfg!(unix)).then(free_local_port));
        if tcp_port.is_some() || !options.hba.is_empty() || options.local_passwords {
            let hba_path = data_dir.join("pg_hba.conf");
            // The cluster's own connections: the superuser trusted, others by
            // password when asked (over the socket, or over loopback on Windows).
            let own = if cfg!(unix) { "local all" } else { "host all" };
            let from = if cfg!(unix) { "" } else { " 127.0.0.1/32" };
            let mut hba = if options.local_passwords {
                format!("{own} {}{from} trust\n{own} all{from} scram-sha-256\n", options.superuser)
            } else {
                format!("{own} all{from} trust\n")
            };
            for line in &options.hba {
                hba.push_str(line);
                hba.push('\n');
            }
            std::fs::write(&hba_path, hba).map_err(|e| LocalPgError::io(&hba_path, e))?;
            owner.take_ownership(&hba_path)?;
        }
        for (name, content) in &options.data_files {
            let path = data_dir.join(name);
            std::fs::write(&path, content).map_err(|e| LocalPgError::io(&path, e))?;
            owner.take_ownership(&path)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| LocalPgError::io(&path, e))?;
            }
        }
        let port = tcp_port.unwrap_or(SOCKET_PORT);
        let listen = if tcp_port.is_some() { "listen_addresses=127.0.0.1" } else { "listen_addresses=" };

        let log_path = options.root.join("server.log");
        let log = File::create(&log_path).map_err(|e| LocalPgError::io(&log_path, e))?;
        owner.take_ownership(&log_path)?;

        let mut command = Command::new(bin_dir.join("postgres"));
        command.arg("-D").arg(&data_dir);
        if cfg!(unix) {
            command.arg("-k").arg(&options.root);
        }
        command
            .arg("-p")
            .arg(port.to_string())
            .args(["-c", listen])
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| LocalPgError::io(&log_path, e))?)
            .stderr(log);
        for (name, value) in &options.settings {
            command.arg("-c").arg(format!("{name}={value}"));
        }
        owner.apply(&mut command);
        let (pid, exited) = spawn_supervised(command)?;

        let cluster = LocalCluster {
            root: options.root.clone(),
            superuser: options.superuser.clone(),
            bin_dir,
            pid,
            port,
            exited: std::sync::Mutex::new(Some(exited)),
        };
        cluster.wait_until_ready(&data_dir, &log_path)?;
        Ok(cluster)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        let options = PgConnectOptions::new().port(self.port).username(&self.superuser).database(database);
        if cfg!(unix) {
            options.socket(&self.root)
        } else {
            options.host("127.0.0.1")
        }
    }

    /// A URL for tools such as `sqlx-cli` and `psql`.
    pub fn url(&self, database: &str) -> String {
        if cfg!(unix) {
            format!("postgres://{}@localhost:{}/{database}?host={}", self.superuser, self.port, self.root.display())
        } else {
            format!("postgres://{}@127.0.0.1:{}/{database}", self.superuser, self.port)
        }
    }

    /// Fast shutdown: open transactions are rolled back, then the server exits.
    pub fn stop(&self) {
        let Some(exited) = self.exited.lock().map(|mut e| e.take()).unwrap_or(None) else {
            return; // already stopped
        };
        self.signal(Signal::Fast);
        if exited.recv_timeout(STOP_TIMEOUT).is_err() {
            tracing::warn!(pid = self.pid, "postgres ignored fast shutdown; sending immediate");
            self.signal(Signal::Immediate);
            let _ = exited.recv_timeout(STOP_TIMEOUT);
        }
    }

    /// What `pg_ctl stop -m immediate` does (SIGQUIT): the server exits at
    /// once without a checkpoint, as in a crash or a pulled cable; the next
    /// start recovers from the WAL. For tests of stations losing the server.
    pub fn stop_immediately(&self) {
        let Some(exited) = self.exited.lock().map(|mut e| e.take()).unwrap_or(None) else {
            return;
        };
        self.signal(Signal::Immediate);
        let _ = exited.recv_timeout(STOP_TIMEOUT);
    }

    fn wait_until_ready(&self, data_dir: &Path, log_path: &Path) -> Result<(), LocalPgError> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            // PostgreSQL writes its state on the 8th line of postmaster.pid.
            let pid_file = std::fs::read_to_string(data_dir.join("postmaster.pid")).unwrap_or_default();
            if pid_file.lines().nth(7).map(str::trim) == Some("ready") {
                return Ok(());
            }
            let has_exited = match self.exited.lock() {
                Ok(guard) => guard.as_ref().is_some_and(|rx| rx.try_recv().is_ok()),
                Err(_) => true,
            };
            if has_exited || Instant::now() > deadline {
                if let Ok(mut guard) = self.exited.lock() {
                    guard.take();
                }
                self.signal(Signal::Immediate);
                return Err(LocalPgError::StartFailed { log: tail(log_path) });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        self.stop();
    }
}

fn init_data_dir(bin_dir: &Path, data_dir: &Path, superuser: &str, owner: &Owner) -> Result<(), LocalPgError> {
    let mut command = Command::new(bin_dir.join("initdb"));
    command
        .arg("-D")
        .arg(data_dir)
        .args(["-U", superuser, "--auth=trust", "--encoding=UTF8", "--no-instructions"])
        .arg(format!("--locale={}", initdb_locale()))
        .stdin(Stdio::null());
    owner.apply(&mut command);
    let output = command.output().map_err(|e| LocalPgError::io(&bin_dir.join("initdb"), e))?;
    if !output.status.success() {
        let mut log = String::from_utf8_lossy(&output.stdout).into_owned();
        log.push_str(&String::from_utf8_lossy(&output.stderr));
        return Err(LocalPgError::InitFailed { log });
    }
    Ok(())
}

/// A UTF-8 locale with Unicode case rules, so lower() and trigram search work
/// for Cyrillic names too.
fn initdb_locale() -> &'static str {
    if cfg!(target_os = "linux") {
        "C.UTF-8"
    } else if cfg!(windows) {
        "English_United States.1252"
    } else {
        "en_US.UTF-8"
    }
}

/// Spawns the server from a dedicated thread that lives as long as the server,
/// because Linux delivers the parent-death signal when the spawning *thread*
/// exits. Returns the pid and a receiver that fires when the server has exited.
fn spawn_supervised(mut command: Command) -> Result<(u32, mpsc::Receiver<()>), LocalPgError> {
    let (pid_tx, pid_rx) = mpsc::channel();
    let (exit_tx, exit_rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("local-postgres".into())
        .spawn(move || match command.spawn() {
            Ok(mut child) => {
                let _ = pid_tx.send(Ok(child.id()));
                let _ = child.wait();
                let _ = exit_tx.send(());
            }
            Err(e) => {
                let _ = pid_tx.send(Err(e));
            }
        })
        .map_err(|e| LocalPgError::io(Path::new("thread"), e))?;
    let pid = pid_rx
        .recv()
        .map_err(|_| LocalPgError::StartFailed { log: "supervisor thread died".into() })?
        .map_err(|e| LocalPgError::io(Path::new("postgres"), e))?;
    Ok((pid, exit_rx))
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

enum Signal {
    Fast,
    Immediate,
}

impl LocalCluster {
    /// Asks the server to stop: SIGINT (fast) or SIGQUIT (immediate).
    #[cfg(unix)]
    fn signal(&self, which: Signal) {
        let sig = match which {
            Signal::Fast => libc::SIGINT,
            Signal::Immediate => libc::SIGQUIT,
        };
        // SAFETY: plain kill(2) on the pid of our own child process.
        unsafe {
            libc::kill(self.pid as libc::pid_t, sig);
        }
    }

    /// Windows has no signals: `pg_ctl stop` sends the server the same
    /// request through its event, in the mode asked for.
    #[cfg(not(unix))]
    fn signal(&self, which: Signal) {
        let mode = match which {
            Signal::Fast => "fast",
            Signal::Immediate => "immediate",
        };
        let stopped = Command::new(self.bin_dir.join("pg_ctl"))
            .arg("stop")
            .arg("-D")
            .arg(self.root.join("data"))
            .args(["-m", mode, "--no-wait"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !stopped.is_ok_and(|status| status.success()) {
            let _ = Command::new("taskkill").args(["/PID", &self.pid.to_string(), "/T", "/F"]).status();
        }
    }
}

/// A free TCP port on the loopback address.
pub(crate) fn free_local_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free local port")
}

/// Whether a process with this pid exists (used to clean up after dead runs).
#[cfg(unix)]
pub(crate) fn process_alive(pid: u32) -> bool {
    // SAFETY: signal 0 only checks for existence.
    unsafe { libc::kill(pid as libc::pid_t, 0) == 0 }
}

/// Windows: asked of `tasklist` (when it cannot answer, the run is kept).
#[cfg(not(unix))]
pub(crate) fn process_alive(pid: u32) -> bool {
    Command::new("tasklist")
        .args(["/FI", &format!("PID eq {pid}"), "/NH", "/FO", "CSV"])
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).contains(&format!("\"{pid}\"")))
        .unwrap_or(true)
}

/// The account the server runs as. PostgreSQL refuses to run as root, so when
/// we are root the cluster belongs to the `postgres` user (or `nobody`).
struct Owner {
    #[cfg(unix)]
    ids: Option<(u32, u32)>,
}

#[cfg(unix)]
fn unprivileged_owner() -> Result<Owner, LocalPgError> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(Owner { ids: None });
    }
    for name in ["postgres", "nobody"] {
        let c_name = std::ffi::CString::new(name).expect("no NUL in a literal");
        // SAFETY: getpwnam returns NULL or a pointer to a static passwd record,
        // read at once before any other call could overwrite it.
        let record = unsafe { libc::getpwnam(c_name.as_ptr()) };
        if !record.is_null() {
            let (uid, gid) = unsafe { ((*record).pw_uid, (*record).pw_gid) };
            return Ok(Owner { ids: Some((uid, gid)) });
        }
    }
    Err(LocalPgError::NoUnprivilegedUser)
}

#[cfg(not(unix))]
fn unprivileged_owner() -> Result<Owner, LocalPgError> {
    Ok(Owner {})
}

impl Owner {
    #[cfg(unix)]
    fn take_ownership(&self, path: &Path) -> Result<(), LocalPgError> {
        use std::os::unix::fs::PermissionsExt;
        if let Some((uid, gid)) = self.ids {
            std::os::unix::fs::chown(path, Some(uid), Some(gid)).map_err(|e| LocalPgError::io(path, e))?;
        }
        if path.is_dir() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| LocalPgError::io(path, e))?;
        }
        Ok(())
    }

    #[cfg(not(unix))]
    fn take_ownership(&self, _path: &Path) -> Result<(), LocalPgError> {
        Ok(())
    }

    #[cfg(unix)]
    fn apply(&self, command: &mut Command) {
        use std::os::unix::process::CommandExt;
        if let Some((uid, gid)) = self.ids {
            command.uid(uid).gid(gid);
        }
        #[cfg(target_os = "linux")]
        {
            // SAFETY: prctl and getppid are async-signal-safe; this runs in the
            // child between fork and exec, after the uid change (which would
            // otherwise clear the setting).
            unsafe {
                command.pre_exec(|| {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT);
                    if libc::getppid() == 1 {
                        // The parent died before prctl: do not outlive it.
                        libc::_exit(1);
                    }
                    Ok(())
                });
            }
        }
    }

    #[cfg(not(unix))]
    fn apply(&self, _command: &mut Command) {}
}
