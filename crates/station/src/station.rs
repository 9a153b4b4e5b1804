//! One reception station: its settings, its connection to the clinic (a
//! configured server, or the embedded demo clinic), and the schema gate in
//! front of every operation.

use std::path::PathBuf;

use clinic_domain::bookings::BookingsChange;
use clinic_domain::staff::StaffAccess;
use clinic_domain::{Actor, AppError, AppResult};
use clinic_local_pg::LocalCluster;
use clinic_store::Clinic;
use serde::{Deserialize, Serialize};
use specta::Type;
use std::sync::Arc;

use clinic_local_store::LocalStore;
use tokio::sync::{broadcast, watch, Mutex, RwLock};
use tokio::task::JoinHandle;

use crate::connection::{self, ConnectionReport};
use crate::schema::{self, SchemaStatus};
use crate::secrets::Secrets;
use crate::settings::{self, ServerSettings, Settings};
use crate::sync::{Sync, SyncStatus};

pub struct StationPaths {
    /// Holds settings.json.
    pub config_dir: PathBuf,
    /// Holds the station's own database (outbox and replica).
    pub data_dir: PathBuf,
    /// Holds the demo clinic's cluster (see [`crate::demo::demo_root`]).
    pub demo_dir: PathBuf,
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
    Connecting,
    Ready,
    Failed { error: AppError },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StationStatus {
    pub mode: StationMode,
    pub phase: Phase,
    pub schema: Option<SchemaStatus>,
    pub settings: Settings,
    /// Who the station works as and what the grants let them do (the last
    /// one the clinic database said; `None` before it answered once).
    pub access: Option<StaffAccess>,
}

enum Link {
    Connecting,
    Ready { clinic: Clinic, schema: SchemaStatus },
    Failed(AppError),
}

pub struct Station {
    paths: StationPaths,
    secrets: Secrets,
    settings: RwLock<Settings>,
    link: RwLock<Link>,
    demo: Mutex<Option<LocalCluster>>,
    changes: broadcast::Sender<BookingsChange>,
    listener: Mutex<Option<JoinHandle<()>>>,
    /// The station database of the clinic server in the settings (one per
    /// server, so switching servers never pushes one clinic's changes to
    /// another), with the key it was opened for.
    sync: Mutex<Option<(String, Arc<Sync>)>>,
    sync_status: watch::Sender<SyncStatus>,
    syncer: Mutex<Option<JoinHandle<()>>>,
    pub(crate) staging: crate::files::Staging,
    /// What the clinic database last said this login may do.
    access: RwLock<Option<StaffAccess>>,
}

impl Station {
    /// Reads the settings; does not connect yet (see [`Station::connect`]).
    pub fn open(paths: StationPaths, secrets: Secrets) -> AppResult<Station> {
        let settings = settings::load(&paths.config_dir)?;
        Ok(Station {
            paths,
            secrets,
            settings: RwLock::new(settings),
            link: RwLock::new(Link::Connecting),
            access: RwLock::new(None),
            demo: Mutex::new(None),
            changes: broadcast::channel(256).0,
            listener: Mutex::new(None),
            sync: Mutex::new(None),
            sync_status: watch::channel(SyncStatus::starting()).0,
            syncer: Mutex::new(None),
            staging: crate::files::Staging::default(),
        })
    }

    /// (Re)connects as the settings say: to the clinic server, or to the
    /// demo clinic (started on demand) when none is configured.
    pub async fn connect(&self) -> StationStatus {
        self.stop_listener().await;
        *self.link.write().await = Link::Connecting;
        let settings = self.settings.read().await.clone();
        let sync = match self.sync().await {
            Ok(sync) => Some(sync),
            Err(error) => {
                tracing::error!(%error, "the station's own database could not open: no offline work");
                None
            }
        };
        // The audit trail's "station": this station's id and computer name.
        let station_name = connection::station_name(sync.as_ref().map(|s| s.station_id.as_str()));
        let outcome = match &settings.server {
            Some(server) => {
                self.stop_demo().await;
                // A settings file edited by hand is checked like one saved here.
                match server.validate().and_then(|server| Ok((self.kept_password(&server)?, server))) {
                    Ok((password, server)) => connection::connect(&server, password.as_deref(), &station_name).await,
                    Err(e) => Err(e),
                }
            }
            None => self.start_demo().await,
        };
        *self.link.write().await = match outcome {
            Ok((pool, schema)) => {
                let task = tokio::spawn(crate::live::listen(pool.clone(), self.changes.clone()));
                *self.listener.lock().await = Some(task);
                let clinic = Clinic::new(pool);
                if schema.allows_reads() {
                    match clinic.my_access().await {
                        Ok(access) => *self.access.write().await = Some(access),
                        Err(error) => tracing::warn!(%error, "the clinic database did not say what this login may do"),
                    }
                }
                // The demo clinic lives and dies with the app: nothing to sync.
                if let Some(sync) = sync.filter(|_| schema.allows_writes() && settings.server.is_some()) {
                    let task = tokio::spawn(sync.run(clinic.clone(), self.changes.subscribe()));
                    *self.syncer.lock().await = Some(task);
                }
                Link::Ready { clinic, schema }
            }
            Err(error) => {
                tracing::warn!(%error, "station could not connect");
                Link::Failed(error)
            }
        };
        self.status().await
    }

    /// Connects; while the clinic server is out of reach, tries again with
    /// backoff (the station works from its replica meanwhile). Reports every
    /// attempt's status; returns once connected or failed for another reason.
    pub async fn keep_connecting(&self, report: impl Fn(&StationStatus)) -> StationStatus {
        let mut backoff = std::time::Duration::from_secs(1);
        loop {
            let status = self.connect().await;
            report(&status);
            let unreachable = matches!(&status.phase, Phase::Failed { error: AppError::Offline { .. } });
            if !(unreachable && status.mode == StationMode::Server) {
                return status;
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(std::time::Duration::from_secs(15));
        }
    }

    async fn start_demo(&self) -> AppResult<(sqlx::PgPool, SchemaStatus)> {
        let mut demo = self.demo.lock().await;
        if let Some(cluster) = demo.take() {
            cluster.stop();
        }
        let (cluster, pool) = crate::demo::start(&self.paths.demo_dir).await?;
        *demo = Some(cluster);
        let schema = schema::inspect(&pool).await?;
        Ok((pool, schema))
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

    /// The station's own database for the configured clinic and its sync
    /// state, opened on first use and again when the clinic server changes.
    pub async fn sync(&self) -> AppResult<Arc<Sync>> {
        let key = match &self.settings.read().await.server {
            Some(server) => format!("station-{}", short_hash(&server.secret_key())),
            None => "station-demo".to_string(),
        };
        let mut current = self.sync.lock().await;
        if let Some((opened_for, sync)) = current.as_ref() {
            if *opened_for == key {
                return Ok(sync.clone());
            }
        }
        let local = LocalStore::open(&self.paths.data_dir.join(format!("{key}.sqlite"))).await?;
        let sync = Arc::new(Sync::open_reporting_to(local, self.sync_status.clone()).await?);
        if let Some((_, previous)) = current.replace((key, sync.clone())) {
            previous.local.close().await;
        }
        Ok(sync)
    }

    /// The sync state as it changes, whichever station database is open.
    pub fn subscribe_sync(&self) -> watch::Receiver<SyncStatus> {
        self.sync_status.subscribe()
    }

    async fn current_sync(&self) -> Option<Arc<Sync>> {
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
            Link::Connecting => (Phase::Connecting, None),
            Link::Ready { schema, .. } => (Phase::Ready, Some(schema.clone())),
            Link::Failed(error) => (Phase::Failed { error: error.clone() }, None),
        };
        let access = self.access.read().await.clone();
        StationStatus { mode, phase, schema, settings, access }
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
        match &*self.link.read().await {
            Link::Ready { clinic, schema } if gate(schema) => Ok(clinic.clone()),
            Link::Ready { schema, .. } => Err(schema.refusal()),
            Link::Connecting => Err(AppError::Offline { message: "still connecting to the clinic database".into() }),
            Link::Failed(error) => Err(error.clone()),
        }
    }

    /// Who is at this station: the login it works under (the server's
    /// user, or the demo clinic's desk). Carried by changes queued offline
    /// as who entered them; the database records the login that writes.
    pub async fn actor(&self) -> AppResult<Actor> {
        match &self.settings.read().await.server {
            Some(server) => Actor::parse(&server.user),
            None => Actor::parse(crate::demo::DESK_LOGIN),
        }
    }

    pub async fn settings(&self) -> Settings {
        self.settings.read().await.clone()
    }

    /// Saves the settings (the password goes to the keyring) and reconnects.
    pub async fn save_settings(&self, settings: &Settings, password: Option<&str>) -> AppResult<StationStatus> {
        let settings = settings.validate()?;
        if let (Some(server), Some(password)) = (&settings.server, password) {
            self.secrets.set(&server.secret_key(), password)?;
            self.secrets.set(&tls_key(server), &server.tls.strictness().to_string())?;
        }
        settings::save(&self.paths.config_dir, &settings)?;
        *self.settings.write().await = settings;
        // Another server or login: what the last one might do no longer holds.
        *self.access.write().await = None;
        Ok(self.connect().await)
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
        self.stop_listener().await;
        if let Link::Ready { clinic, .. } = &*self.link.read().await {
            clinic.pool().close().await;
        }
        self.stop_demo().await;
        if let Some(sync) = self.current_sync().await {
            sync.local.close().await;
        }
    }
}

/// The keyring entry recording the TLS mode a server's password was saved with.
fn tls_key(server: &ServerSettings) -> String {
    format!("{} tls", server.secret_key())
}

/// A short stable name for a string (file names that must not show a host).
fn short_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect()
}
