//! One reception station: its settings, its connection to the clinic (a
//! configured server, or the embedded demo clinic), and the schema gate in
//! front of every operation.

use std::path::PathBuf;

use clinic_domain::bookings::BookingsChange;
use clinic_domain::staff::{StaffAccess, StaffLogin};
use clinic_domain::{Actor, AppError, AppResult};
use clinic_local_pg::LocalCluster;
use clinic_store::Clinic;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::sync::Arc;

use clinic_local_store::LocalStore;
use tokio::sync::{broadcast, watch, MappedMutexGuard, Mutex, MutexGuard, Notify, RwLock};
use tokio::task::JoinHandle;

use crate::connection::{self, ConnectionReport};
use crate::demo::{DemoLogin, DEMO_STAFF};
use crate::schema::{self, SchemaStatus};
use crate::secrets::Secrets;
use crate::session::{Attempt, Session, SessionStatus, SignInRefusal};
use crate::settings::{self, ServerSettings, Settings};
use crate::store_keys;
use crate::sync::{SyncStatus, Syncer};

pub struct StationPaths {
    /// Holds settings.json.
    pub config_dir: PathBuf,
    /// Holds the station's own database (outbox and replica).
    pub data_dir: PathBuf,
    /// Holds the demo clinic's cluster (see [`crate::demo::demo_root`]).
    pub demo_dir: PathBuf,
    /// PostgreSQL shipped with the app for the demo clinic (the installer's
    /// `postgresql/` resources); None: the system's.
    pub bundled_postgres: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum StationMode {
    /// The embedded demo clinic on this machine.
    Demo,
    /// The clinic's PostgreSQL server.
    Server,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "phase", rename_all = "camelCase")]
pub enum Phase {
    /// Nobody is signed in: the sign-in screen.
    SignedOut,
    Connecting,
    Ready,
    Failed {
        error: AppError,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StationStatus {
    pub mode: StationMode,
    pub phase: Phase,
    pub schema: Option<SchemaStatus>,
    pub settings: Settings,
    /// What the signed-in member may do (as the clinic database said at
    /// sign-in, or at their last online sign-in here when offline).
    pub access: Option<StaffAccess>,
    /// Who is signed in (`None`: the sign-in screen).
    pub session: Option<SessionStatus>,
    /// The login the sign-in screen offers first: the last one signed in here.
    pub last_login: Option<String>,
    /// The demo clinic's logins and passwords (only in demo mode).
    pub demo_logins: Vec<DemoLogin>,
}

/// A clinic server's queue on this computer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeptQueue {
    pub server: ServerSettings,
    /// Changes made here that server has not applied yet.
    pub pending: u32,
    pub conflicts: u32,
    /// The server the settings name now.
    pub current: bool,
}

async fn queue_of(local: &LocalStore) -> AppResult<(Option<ServerSettings>, u32, u32)> {
    let server = local.server().await?.and_then(|text| serde_json::from_str(&text).ok());
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok((server, count(local.pending_count().await?), count(local.conflict_count().await?)))
}

pub(crate) enum Link {
    SignedOut,
    Connecting,
    Ready { clinic: Clinic, schema: SchemaStatus },
    Failed(AppError),
}

pub struct Station {
    pub(crate) paths: StationPaths,
    pub(crate) secrets: Secrets,
    pub(crate) settings: RwLock<Settings>,
    pub(crate) link: RwLock<Link>,
    demo: Mutex<Option<LocalCluster>>,
    changes: broadcast::Sender<BookingsChange>,
    listener: Mutex<Option<JoinHandle<()>>>,
    /// The station database of the clinic server in the settings (one per
    /// server, so switching servers never pushes one clinic's changes to
    /// another), with the key it was opened for.
    sync: Mutex<Option<(String, Arc<Syncer>)>>,
    sync_status: watch::Sender<SyncStatus>,
    syncer: Mutex<Option<JoinHandle<()>>>,
    pub(crate) staging: crate::files::Staging,
    /// Documents previewed, for Print and Save as PDF.
    pub(crate) previews: crate::documents::Previews,
    /// Times this desk holds now: released when the session ends.
    pub(crate) held: tokio::sync::Mutex<std::collections::HashSet<clinic_domain::ids::BookingId>>,
    /// Who is signed in; the pool runs under their login.
    pub(crate) session: RwLock<Option<Session>>,
    /// Connecting, signing in and out happen one at a time.
    pub(crate) connecting: Mutex<()>,
    /// Wakes the reconnecting loop (a sign-in, or new settings).
    pub(crate) reconnect_wanted: Notify,
}

impl Station {
    /// Reads the settings; does not connect yet (see [`Station::connect`]).
    pub fn open(paths: StationPaths, secrets: Secrets) -> AppResult<Station> {
        let settings = settings::load(&paths.config_dir)?;
        Ok(Station {
            paths,
            secrets,
            settings: RwLock::new(settings),
            link: RwLock::new(Link::SignedOut),
            session: RwLock::new(None),
            connecting: Mutex::new(()),
            reconnect_wanted: Notify::new(),
            demo: Mutex::new(None),
            changes: broadcast::channel(256).0,
            listener: Mutex::new(None),
            sync: Mutex::new(None),
            sync_status: watch::channel(SyncStatus::starting()).0,
            syncer: Mutex::new(None),
            staging: crate::files::Staging::default(),
            previews: crate::documents::Previews::default(),
            held: Default::default(),
        })
    }

    /// (Re)connects under the signed-in member's login, to the clinic server
    /// or the demo clinic (started on demand). Nobody signed in: only the
    /// demo clinic starts, so its logins can sign in.
    pub async fn connect(&self) -> StationStatus {
        let _one_at_a_time = self.connecting.lock().await;
        self.disconnect().await;
        let credentials = self.session.read().await.as_ref().map(|s| (s.login.clone(), s.password.clone()));
        let Some((login, password)) = credentials else {
            if self.settings.read().await.server.is_none() {
                if let Err(error) = self.demo_cluster().await {
                    *self.link.write().await = Link::Failed(error);
                }
            }
            return self.status().await;
        };
        *self.link.write().await = Link::Connecting;
        match self.try_password(&login, &password).await {
            Ok(Attempt::Connected(pool)) => self.install(pool).await,
            Ok(Attempt::Unreachable(message)) => self.set_offline(message).await,
            // The password changed or the login was disabled meanwhile: this
            // session is over (what it queued keeps its author).
            Ok(Attempt::Refused(reason @ (SignInRefusal::WrongPassword | SignInRefusal::Disabled), message)) => {
                tracing::warn!(%login, ?reason, %message, "signed out: the clinic database refused the login");
                if reason == SignInRefusal::Disabled {
                    self.forget_offline(&[login.to_string()]).await;
                }
                *self.session.write().await = None;
            }
            Ok(Attempt::Refused(_, message)) => {
                tracing::warn!(%message, "station could not connect");
                self.set_offline(message).await;
            }
            Err(error) => *self.link.write().await = Link::Failed(error),
        }
        self.status().await
    }

    /// Starts working on `pool` (the signed-in member's): the schema gate,
    /// what they may do, live changes and the sync task.
    pub(crate) async fn install(&self, pool: sqlx::PgPool) {
        let schema = match schema::inspect(&pool).await {
            Ok(schema) => schema,
            Err(error) => {
                pool.close().await;
                *self.link.write().await = Link::Failed(error);
                return;
            }
        };
        let clinic = Clinic::new(pool.clone());
        // The listener's heartbeat tells the sync task whether the server answers.
        let (heard_sender, heard) = watch::channel(crate::live::Hearing::Answered);
        let task = tokio::spawn(crate::live::listen(pool, self.changes.clone(), heard_sender));
        *self.listener.lock().await = Some(task);
        if schema.allows_reads() {
            match clinic.my_access().await {
                Ok(access) => {
                    if let Some(session) = self.session.write().await.as_mut() {
                        session.access = access;
                        session.signed_in_offline = false;
                    }
                }
                Err(error) => tracing::warn!(%error, "the clinic database did not say what this login may do"),
            }
        }
        // The demo clinic lives and dies with the app: nothing to sync.
        if schema.allows_writes() && self.works_offline().await {
            match self.sync().await {
                Ok(sync) => {
                    forget_disabled_sign_ins(&sync, &clinic).await;
                    let task = tokio::spawn(sync.run(clinic.clone(), self.changes.subscribe(), heard));
                    *self.syncer.lock().await = Some(task);
                }
                Err(error) => tracing::error!(%error, "the station's own database could not open: no offline work"),
            }
        }
        *self.link.write().await = Link::Ready { clinic, schema };
    }

    /// Out of reach: the station works from its replica; the loop in
    /// [`Station::keep_connecting`] tries again.
    pub(crate) async fn set_offline(&self, message: String) {
        tracing::warn!(%message, "clinic database out of reach: working offline");
        *self.link.write().await = Link::Failed(AppError::Offline { message });
    }

    /// Closes the pool, the listener and the sync task.
    pub(crate) async fn disconnect(&self) {
        self.stop_listener().await;
        let previous = std::mem::replace(&mut *self.link.write().await, Link::SignedOut);
        if let Link::Ready { clinic, .. } = previous {
            clinic.pool().close().await;
        }
    }

    /// The audit trail's "station": this station's id and computer name.
    pub(crate) async fn station_name(&self) -> String {
        let id = self.current_sync().await.map(|s| s.station_id.clone());
        connection::station_name(id.as_deref())
    }

    /// At start: signs in the member who chose "remember on this computer"
    /// (their password is in the keyring), else shows the sign-in screen.
    pub async fn start(&self) -> StationStatus {
        if let Err(error) = self.sync().await {
            tracing::error!(%error, "the station's own database could not open: no offline work");
        }
        let remembered = self.settings.read().await.server.clone().and_then(|server| {
            let login = StaffLogin::parse("login", &server.user).ok()?;
            let password = self.kept_password(&server).ok()??;
            Some((login, password))
        });
        if let Some((login, password)) = remembered {
            match self.sign_in(login.as_str(), &password, true).await {
                Ok(crate::session::SignInOutcome::SignedIn { status }) => return *status,
                Ok(crate::session::SignInOutcome::Refused { reason, .. }) => {
                    tracing::warn!(%login, ?reason, "the remembered sign-in was refused");
                }
                Err(error) => tracing::warn!(%login, %error, "the remembered sign-in failed"),
            }
        }
        self.connect().await
    }

    /// Starts the station ([`Station::start`]), then keeps it connected for
    /// as long as the app runs: while a signed-in member works offline,
    /// tries the server again with backoff. Reports every change of status.
    pub async fn keep_connecting(&self, report: impl Fn(&StationStatus)) {
        report(&self.start().await);
        let mut backoff = std::time::Duration::from_secs(1);
        loop {
            if self.waiting_for_server().await {
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => backoff = (backoff * 2).min(std::time::Duration::from_secs(15)),
                    _ = self.reconnect_wanted.notified() => backoff = std::time::Duration::from_secs(1),
                }
                if self.waiting_for_server().await {
                    report(&self.connect().await);
                }
            } else {
                backoff = std::time::Duration::from_secs(1);
                self.reconnect_wanted.notified().await;
                report(&self.status().await);
            }
        }
    }

    /// Signed in, configured for a server, and not connected to it.
    async fn waiting_for_server(&self) -> bool {
        self.session.read().await.is_some()
            && self.works_offline().await
            && matches!(*self.link.read().await, Link::Failed(AppError::Offline { .. }))
    }

    /// The running demo clinic, started on first use.
    pub(crate) async fn demo_cluster(&self) -> AppResult<MappedMutexGuard<'_, LocalCluster>> {
        let mut demo = self.demo.lock().await;
        if demo.is_none() {
            *demo = Some(crate::demo::start(&self.paths.demo_dir, self.paths.bundled_postgres.as_deref()).await?);
        }
        Ok(MutexGuard::map(demo, |demo| demo.as_mut().expect("started above")))
    }

    /// Booking changes made by any station (this one included), as they happen.
    pub fn subscribe(&self) -> broadcast::Receiver<BookingsChange> {
        self.changes.subscribe()
    }

    async fn stop_listener(&self) {
        for task in [&self.listener, &self.syncer] {
            if let Some(task) = task.lock().await.take() {
                task.abort();
            }
        }
    }

    /// The station database's name for the configured clinic server, and
    /// the name an older version gave it.
    pub(crate) async fn database_names(&self) -> (String, Option<String>) {
        match &self.settings.read().await.server {
            Some(server) => (
                format!("station-{}", short_hash(&server.address())),
                // Before staff signed in with their own logins, the file was
                // named after the one login of the station as well.
                Some(format!("station-{}", short_hash(&server.secret_key()))),
            ),
            None => ("station-demo".to_string(), None),
        }
    }

    /// Closes the station database (if open) and hands back its name.
    pub(crate) async fn close_station_database(&self) -> String {
        let (name, _) = self.database_names().await;
        if let Some((_, sync)) = self.sync.lock().await.take() {
            sync.local.close().await;
        }
        name
    }

    /// The key of the station database at `path` (named `database`): a new
    /// one for a new or still plain file; an encrypted file whose key is
    /// gone cannot be read, and is left where it is.
    fn store_key(&self, database: &str, path: &std::path::Path) -> AppResult<clinic_local_store::StoreKey> {
        let create = clinic_local_store::file_state(path)? != clinic_local_store::FileState::Encrypted;
        store_keys::store_key(&self.secrets, &self.paths.config_dir, database, create)?.ok_or_else(|| {
            tracing::error!(file = %path.display(), "the key of this station database is not kept on this computer");
            AppError::Unauthorized {
                message: "this computer's copy of the clinic's data is encrypted with a key this computer no longer \
                          keeps; ask the administrator (the file is left as it is)"
                    .into(),
            }
        })
    }

    /// The station's own database for the configured clinic and its sync
    /// state, opened on first use and again when the clinic server changes.
    pub async fn sync(&self) -> AppResult<Arc<Syncer>> {
        let (key, earlier_key) = self.database_names().await;
        let mut current = self.sync.lock().await;
        if let Some((opened_for, sync)) = current.as_ref() {
            if *opened_for == key {
                return Ok(sync.clone());
            }
        }
        let path = self.paths.data_dir.join(format!("{key}.sqlite"));
        if let Some(earlier) = earlier_key.filter(|_| !path.exists()) {
            adopt_earlier_station_database(&self.paths.data_dir, &earlier, &key);
        }
        let local = LocalStore::open(&path, &self.store_key(&key, &path)?).await?;
        if let Some(server) = &self.settings.read().await.server {
            local.set_server(&serde_json::to_string(server).map_err(|e| clinic_store::internal(&e))?).await?;
        }
        let sync = Arc::new(Syncer::open_reporting_to(local, self.sync_status.clone()).await?);
        if let Some((_, previous)) = current.replace((key, sync.clone())) {
            previous.local.close().await;
        }
        Ok(sync)
    }

    /// The sync state as it changes, whichever station database is open.
    pub fn subscribe_sync(&self) -> watch::Receiver<SyncStatus> {
        self.sync_status.subscribe()
    }

    pub(crate) async fn current_sync(&self) -> Option<Arc<Syncer>> {
        self.sync.lock().await.as_ref().map(|(_, sync)| sync.clone())
    }

    /// Whether this station keeps working when its database is out of reach:
    /// a clinic server over the network can be; the demo clinic runs on this
    /// machine and stops only with the app.
    pub(crate) async fn works_offline(&self) -> bool {
        self.settings.read().await.server.is_some()
    }

    /// The clinic if it is worth asking: `None` while the station works
    /// offline (the server was unreachable), an error when the schema or the
    /// settings refuse.
    pub(crate) async fn online(&self, gate: fn(&SchemaStatus) -> bool) -> AppResult<Option<Clinic>> {
        self.desk_open().await?;
        // Only a running sync task brings the station back online, so the
        // flag counts only while one runs.
        let sync = self.current_sync().await;
        let offline = sync.as_ref().is_some_and(|sync| !sync.is_online()) && self.syncer.lock().await.is_some();
        match self.clinic_if(gate).await {
            Ok(_) if offline => Ok(None),
            Ok(clinic) => Ok(Some(clinic)),
            Err(AppError::Offline { .. }) if sync.is_some() && self.works_offline().await => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn stop_demo(&self) {
        if let Some(cluster) = self.demo.lock().await.take() {
            tokio::task::spawn_blocking(move || cluster.stop()).await.ok();
        }
    }

    pub async fn status(&self) -> StationStatus {
        let settings = self.settings.read().await.clone();
        let mode = if settings.server.is_some() { StationMode::Server } else { StationMode::Demo };
        let (phase, schema) = match &*self.link.read().await {
            Link::SignedOut => (Phase::SignedOut, None),
            Link::Connecting => (Phase::Connecting, None),
            Link::Ready { schema, .. } => (Phase::Ready, Some(schema.clone())),
            Link::Failed(error) => (Phase::Failed { error: error.clone() }, None),
        };
        let session = self.session.read().await;
        StationStatus {
            mode,
            phase,
            schema,
            access: session.as_ref().map(|s| s.access.clone()),
            session: session.as_ref().map(Session::status),
            last_login: settings.server.as_ref().map(|s| s.user.clone()),
            demo_logins: if mode == StationMode::Demo {
                DEMO_STAFF.iter().map(|d| d.shown()).collect()
            } else {
                Vec::new()
            },
            settings,
        }
    }

    /// The clinic for reading, if connected and the schema allows it.
    pub async fn reader(&self) -> AppResult<Clinic> {
        self.clinic_if(SchemaStatus::allows_reads).await
    }

    /// The clinic for changes: only against the schema this app was built for.
    pub async fn writer(&self) -> AppResult<Clinic> {
        self.clinic_if(SchemaStatus::allows_writes).await
    }

    /// The connected clinic whatever its schema (for the update gate).
    pub(crate) async fn connected(&self) -> Option<Clinic> {
        match &*self.link.read().await {
            Link::Ready { clinic, .. } => Some(clinic.clone()),
            _ => None,
        }
    }

    pub(crate) async fn clinic_if(&self, gate: fn(&SchemaStatus) -> bool) -> AppResult<Clinic> {
        self.desk_open().await?;
        match &*self.link.read().await {
            Link::Ready { clinic, schema } if gate(schema) => Ok(clinic.clone()),
            Link::Ready { schema, .. } => Err(schema.refusal()),
            Link::Connecting => Err(AppError::Offline { message: "still connecting to the clinic database".into() }),
            Link::SignedOut => Err(AppError::Unauthorized { message: "sign in first".into() }),
            Link::Failed(error) => Err(error.clone()),
        }
    }

    /// Who is at this station: the signed-in member's login. Carried by
    /// changes queued offline as who entered them; the database records the
    /// login that writes.
    pub async fn actor(&self) -> AppResult<Actor> {
        match &*self.session.read().await {
            Some(session) => Actor::parse(session.login.as_str()),
            None => Err(AppError::Unauthorized { message: "sign in first".into() }),
        }
    }

    pub async fn settings(&self) -> Settings {
        self.settings.read().await.clone()
    }

    /// Saves the settings and signs out: the next sign-in is on the server
    /// they name (no password is kept with them). Leaving a server while
    /// changes made here still wait for it needs `leave_pending` (the person
    /// was told how many): they stay in that server's queue on this computer.
    pub async fn save_settings(&self, settings: &Settings, leave_pending: bool) -> AppResult<StationStatus> {
        let settings = settings.validate()?;
        let current = self.settings.read().await.server.as_ref().map(ServerSettings::address);
        let next = settings.server.as_ref().map(ServerSettings::address);
        if current.is_some() && current != next && !leave_pending {
            let waiting = match self.current_sync().await {
                Some(sync) => sync.local.pending_count().await? + sync.local.conflict_count().await?,
                None => 0,
            };
            if waiting > 0 {
                return Err(AppError::Conflict {
                    code: clinic_domain::ConflictCode::InUse,
                    message: format!(
                        "{waiting} {} made here still wait for {}: they stay on this computer and are sent when the \
                         station uses that server again",
                        if waiting == 1 { "change" } else { "changes" },
                        current.unwrap_or_default()
                    ),
                    conflicting_booking_id: None,
                });
            }
        }
        settings::save(&self.paths.config_dir, &settings)?;
        {
            let _one_at_a_time = self.connecting.lock().await;
            *self.session.write().await = None;
            self.disconnect().await;
            *self.settings.write().await = settings;
        }
        if self.settings.read().await.server.is_some() {
            self.stop_demo().await;
        }
        Ok(self.connect().await)
    }

    /// Every clinic server this computer keeps a queue for, with what still
    /// waits there (the current one included): Settings shows the way back.
    pub async fn kept_queues(&self) -> AppResult<Vec<KeptQueue>> {
        let current = self.sync.lock().await.as_ref().map(|(key, _)| format!("{key}.sqlite"));
        let Ok(entries) = std::fs::read_dir(&self.paths.data_dir) else { return Ok(Vec::new()) };
        let mut queues = Vec::new();
        for path in entries.flatten().map(|e| e.path()) {
            let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_string) else { continue };
            if !(name.starts_with("station-") && name.ends_with(".sqlite")) || name == "station-demo.sqlite" {
                continue;
            }
            let is_current = current.as_deref() == Some(name.as_str());
            let (server, pending, conflicts) = match (is_current, self.current_sync().await) {
                (true, Some(sync)) => queue_of(&sync.local).await?,
                _ => {
                    let database = name.trim_end_matches(".sqlite");
                    let Some(key) = store_keys::store_key(&self.secrets, &self.paths.config_dir, database, false)?
                    else {
                        tracing::warn!(file = %path.display(), "a station database whose key is not kept here");
                        continue;
                    };
                    let local = LocalStore::open(&path, &key).await?;
                    let counts = queue_of(&local).await;
                    local.close().await;
                    counts?
                }
            };
            if let Some(server) = server {
                queues.push(KeptQueue { server, pending, conflicts, current: is_current });
            }
        }
        queues.sort_by_key(|q| (!q.current, q.server.address()));
        Ok(queues)
    }

    /// Tries a server without saving anything. Without a password, the one
    /// kept in the keyring for that server is used.
    pub async fn test_connection(
        &self,
        server: &ServerSettings,
        password: Option<&str>,
    ) -> AppResult<ConnectionReport> {
        let server = server.validate()?;
        let stored = match password {
            Some(_) => None,
            None => self.kept_password(&server)?,
        };
        Ok(connection::test(&server, password.or(stored.as_deref())).await)
    }

    /// The keyring's password for `server`, only for a TLS mode at least as
    /// strict as the one it was saved with: settings edited to a weaker mode
    /// (or a forged settings file) never send it where it was not meant to go.
    pub fn kept_password(&self, server: &ServerSettings) -> AppResult<Option<String>> {
        let saved_with = self.secrets.get(&tls_key(server))?.and_then(|s| s.parse::<u8>().ok()).unwrap_or(0);
        if server.tls.strictness() < saved_with {
            tracing::warn!("the kept password is not offered to a weaker TLS mode than it was saved with");
            return Ok(None);
        }
        self.secrets.get(&server.secret_key())
    }

    /// Closes the pool and stops the demo clinic; call when the app exits.
    pub async fn shutdown(&self) {
        self.disconnect().await;
        self.stop_demo().await;
        if let Some(sync) = self.current_sync().await {
            sync.local.close().await;
        }
    }
}

/// The keyring entry recording the TLS mode a server's password was saved with.
pub(crate) fn tls_key(server: &ServerSettings) -> String {
    format!("{} tls", server.secret_key())
}

/// Renames a station database kept under its earlier name (with its WAL
/// and shared-memory files), so nothing queued there is stranded.
fn adopt_earlier_station_database(data_dir: &std::path::Path, earlier: &str, key: &str) {
    for suffix in [".sqlite", ".sqlite-wal", ".sqlite-shm"] {
        let from = data_dir.join(format!("{earlier}{suffix}"));
        if from.exists() {
            if let Err(error) = std::fs::rename(&from, data_dir.join(format!("{key}{suffix}"))) {
                tracing::error!(%error, file = %from.display(), "the station database kept under its earlier name was not moved");
            }
        }
    }
}

/// A short stable name for a string (file names that must not show a host).
fn short_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(text.as_bytes())[..8])
}

/// Offline sign-ins of logins the server no longer lets sign in (disabled,
/// expired, out of the staff groups) are forgotten at every contact.
pub(crate) async fn forget_disabled_sign_ins(sync: &Syncer, clinic: &Clinic) {
    let Ok(kept) = sync.local.kept_sign_in_logins().await else { return };
    match clinic.logins_that_may_sign_in(&kept).await {
        Ok(allowed) => {
            let gone: Vec<String> = kept.into_iter().filter(|login| !allowed.contains(login)).collect();
            if !gone.is_empty() {
                tracing::info!(?gone, "offline sign-ins forgotten: the clinic database no longer lets them sign in");
                if let Err(error) = sync.local.forget_sign_ins(&gone).await {
                    tracing::warn!(%error, "offline sign-ins not forgotten");
                }
            }
        }
        Err(error) => tracing::debug!(%error, "could not check the kept offline sign-ins"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_station_database_under_its_earlier_name_is_adopted_whole() {
        let folder = tempfile::tempdir().unwrap();
        let dir = folder.path();
        for suffix in [".sqlite", ".sqlite-wal"] {
            std::fs::write(dir.join(format!("station-old{suffix}")), suffix).unwrap();
        }
        adopt_earlier_station_database(dir, "station-old", "station-new");
        assert_eq!(std::fs::read_to_string(dir.join("station-new.sqlite")).unwrap(), ".sqlite");
        assert_eq!(std::fs::read_to_string(dir.join("station-new.sqlite-wal")).unwrap(), ".sqlite-wal");
        assert!(!dir.join("station-old.sqlite").exists() && !dir.join("station-new.sqlite-shm").exists());
    }
}
