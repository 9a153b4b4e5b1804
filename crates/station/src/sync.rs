//! Keeping a station's replica and the clinic database in step.
//!
//! Push drains the outbox in order, one `apply_intent` (one PostgreSQL
//! transaction) per intent; the server's record of applied intent ids makes a
//! replay after a lost acknowledgement harmless, and a refused intent goes to
//! the conflicts screen while the rest move on. Pull refreshes the day boards
//! and patients changed since the checkpoint, only once the outbox holds no
//! pending intent, so it never paints over a change the server has not seen.
//! NOTIFY pokes (the live listener) start a cycle at once; a timer is the
//! fallback; an unreachable server is retried with backoff.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use clinic_domain::bookings::BookingsChange;
use clinic_domain::catalogue::DoctorFilter;
use clinic_domain::intents::IntentOutcome;
use clinic_domain::{AppError, AppResult};
use clinic_local_store::LocalStore;
use clinic_store::Clinic;
use serde::{Deserialize, Serialize};
use specta::Type;
use tokio::sync::{broadcast, watch, Mutex, Notify};

/// Days of the schedule a station keeps, before and after today.
pub const WINDOW_BACK_DAYS: i64 = 7;
pub const WINDOW_AHEAD_DAYS: i64 = 30;
/// A patient with no booking in the window stays this long after the
/// station last stored them (a new patient, one just called back).
pub const PATIENTS_KEPT_DAYS: i64 = 30;

/// The local dates the station keeps boards for, around `now`.
fn window(now: chrono::DateTime<chrono::Utc>) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let today = now.date_naive();
    (today - chrono::Duration::days(WINDOW_BACK_DAYS), today + chrono::Duration::days(WINDOW_AHEAD_DAYS))
}
/// Intents pushed between two local acknowledgements.
const PUSH_BATCH: i64 = 100;
/// How often a station pulls when nothing pokes it.
const PERIODIC_PULL: Duration = Duration::from_secs(30);
/// Between cycles an online station asks the server every second, so the
/// badge says offline within about two seconds of the database going away
/// (a query a second per desk: nothing for PostgreSQL).
const HEARTBEAT: Duration = Duration::from_secs(1);
const HEARTBEAT_PATIENCE: Duration = Duration::from_millis(900);
/// How often the whole window and the catalogue lists are pulled again.
const FULL_PULL_EVERY: Duration = Duration::from_secs(10 * 60);
/// Pushes of one intent that may fail for a reason other than the connection
/// (with the cycle's backoff between them, about 6 s in all) before it is
/// set aside on the conflicts screen and the queue behind it moves on.
pub const MAX_ATTEMPTS: u32 = 5;

/// What the header shows: online or not, and what waits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub online: bool,
    /// Changes made here the server has not applied yet.
    pub pending: u32,
    /// Changes the server refused, or would not decide on, waiting for a person.
    pub conflicts: u32,
    pub last_synced_at: Option<DateTime<Utc>>,
    /// Pending changes whose push failed more than once for a reason other
    /// than the connection: "sync stuck", however online the server is.
    pub stuck: u32,
    /// Since when the oldest of them has been failing.
    pub stuck_since: Option<DateTime<Utc>>,
}

impl SyncStatus {
    /// Before anything is known: nothing waits, the server presumed reachable.
    pub fn starting() -> SyncStatus {
        SyncStatus { online: true, pending: 0, conflicts: 0, last_synced_at: None, stuck: 0, stuck_since: None }
    }
}

/// What one push-and-pull cycle did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CycleReport {
    pub applied: usize,
    pub rejected: usize,
    /// Intents set aside after [`MAX_ATTEMPTS`] failed pushes.
    pub set_aside: usize,
    pub boards_pulled: usize,
    /// The outbox was not empty, so the pull waited.
    pub pull_deferred: bool,
}

pub struct Syncer {
    pub(crate) local: LocalStore,
    pub(crate) station_id: String,
    online: AtomicBool,
    wake: Notify,
    status: watch::Sender<SyncStatus>,
    /// Serialises cycles (the background task and explicit calls).
    cycle: Mutex<Option<Instant>>,
}

impl Syncer {
    /// Opens sync over a station database, reporting on its own channel.
    pub async fn open(local: LocalStore) -> AppResult<Syncer> {
        Syncer::open_reporting_to(local, watch::channel(SyncStatus::starting()).0).await
    }

    /// Opens sync reporting on `status`: the station keeps one channel for
    /// the UI while the database behind it changes with the clinic server.
    pub async fn open_reporting_to(local: LocalStore, status: watch::Sender<SyncStatus>) -> AppResult<Syncer> {
        let station_id = local.station_id().await?;
        let sync = Syncer {
            local,
            station_id,
            // Assume the server is reachable until a call says otherwise.
            online: AtomicBool::new(true),
            wake: Notify::new(),
            status,
            cycle: Mutex::new(None),
        };
        sync.prune(chrono::Utc::now()).await?;
        sync.publish().await;
        Ok(sync)
    }

    /// Keeps only what offline work needs (at every full pull and on start).
    pub async fn prune(&self, now: chrono::DateTime<chrono::Utc>) -> AppResult<()> {
        let (from, to) = window(now);
        let gone = self.local.prune(from, to, now - chrono::Duration::days(PATIENTS_KEPT_DAYS)).await?;
        if gone > 0 {
            tracing::info!(rows = gone, "rows outside the kept window dropped from the station database");
        }
        Ok(())
    }

    pub fn local_store(&self) -> &LocalStore {
        &self.local
    }

    pub fn is_online(&self) -> bool {
        self.online.load(Ordering::SeqCst)
    }

    /// A call failed for want of the server: serve from the replica until
    /// the next successful cycle.
    pub(crate) async fn went_offline(&self) {
        if self.online.swap(false, Ordering::SeqCst) {
            tracing::warn!("clinic database unreachable: working offline");
        }
        self.publish().await;
    }

    /// The server answered: the badge says online at once, not only when the
    /// whole cycle (a full pull can take a second) is done.
    fn reached(&self) {
        self.online.store(true, Ordering::SeqCst);
    }

    /// Something was queued: push it soon.
    pub(crate) fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn subscribe(&self) -> watch::Receiver<SyncStatus> {
        self.status.subscribe()
    }

    pub fn status(&self) -> SyncStatus {
        self.status.borrow().clone()
    }

    pub(crate) async fn publish(&self) {
        let count = |n: AppResult<i64>| n.ok().and_then(|n| u32::try_from(n).ok()).unwrap_or(u32::MAX);
        let pending = count(self.local.pending_count().await);
        let conflicts = count(self.local.conflict_count().await);
        let stuck = self.local.stuck().await.unwrap_or_default();
        let online = self.is_online();
        self.status.send_if_modified(|status| {
            let next = SyncStatus {
                online,
                pending,
                conflicts,
                stuck: stuck.count,
                stuck_since: stuck.since,
                ..status.clone()
            };
            let changed = *status != next;
            *status = next;
            changed
        });
    }

    /// Pushes every pending intent, then pulls if the outbox is empty.
    /// `Offline` when the server cannot be reached (nothing is lost: the
    /// intent that was being pushed stays first in line).
    pub async fn cycle(&self, clinic: &Clinic) -> AppResult<CycleReport> {
        let mut last_full = self.cycle.lock().await;
        let result = self.cycle_locked(clinic, &mut last_full).await;
        match &result {
            Ok(_) => {
                self.online.store(true, Ordering::SeqCst);
                self.status.send_modify(|s| s.last_synced_at = Some(Utc::now()));
            }
            Err(AppError::Offline { .. }) => self.online.store(false, Ordering::SeqCst),
            Err(_) => {}
        }
        self.publish().await;
        result
    }

    async fn cycle_locked(&self, clinic: &Clinic, last_full: &mut Option<Instant>) -> AppResult<CycleReport> {
        let mut report = self.push(clinic).await?;
        // A refusal dropped provisional rows: pull the whole window back.
        let full = report.rejected + report.set_aside > 0 || last_full.is_none_or(|at| at.elapsed() > FULL_PULL_EVERY);
        match self.pull(clinic, full).await? {
            Some(boards) => {
                report.boards_pulled = boards;
                if full {
                    *last_full = Some(Instant::now());
                }
            }
            None => report.pull_deferred = true,
        }
        Ok(report)
    }

    /// Drains the outbox in order, one server transaction per intent. Stops
    /// at the first intent that gets no answer (it stays first in line),
    /// unless it has failed [`MAX_ATTEMPTS`] times for a reason other than
    /// the connection: then it is set aside for a person and the rest go on.
    /// Answers are recorded locally a batch at a time: one disk flush per
    /// batch, and a batch lost to a crash is answered again by the server's
    /// intent log without being applied twice.
    pub async fn push(&self, clinic: &Clinic) -> AppResult<CycleReport> {
        let mut report = CycleReport::default();
        loop {
            let batch = self.local.pending_batch(PUSH_BATCH).await?;
            if batch.is_empty() {
                return Ok(report);
            }
            let mut answers = Vec::with_capacity(batch.len());
            for pending in &batch {
                let file = self.local.file_of(pending).await?;
                match clinic.apply_intent(&pending.queued, file.as_deref()).await {
                    Ok(outcome) => {
                        self.reached();
                        if matches!(outcome, IntentOutcome::Applied) {
                            report.applied += 1;
                        } else {
                            report.rejected += 1;
                            tracing::warn!(intent = %pending.queued.intent_id, ?outcome, "the server refused a queued change");
                        }
                        answers.push((pending.seq, outcome));
                    }
                    Err(error) => {
                        self.local.acknowledge_all(&answers).await?;
                        answers.clear();
                        let attempts = self.local.record_failed_attempt(pending.seq, &error).await?;
                        if !matches!(error, AppError::Offline { .. }) {
                            // The server answered, with an error: reachable, and stuck.
                            self.reached();
                        }
                        if attempts < MAX_ATTEMPTS {
                            self.publish().await;
                            return Err(error);
                        }
                        tracing::error!(intent = %pending.queued.intent_id, %error, attempts, "a queued change set aside: the server would not decide on it");
                        self.local.set_aside(pending.seq, &error).await?;
                        report.set_aside += 1;
                    }
                }
            }
            self.local.acknowledge_all(&answers).await?;
            self.publish().await;
        }
    }

    /// `None` when intents were queued meanwhile and the pull must wait.
    async fn pull(&self, clinic: &Clinic, full: bool) -> AppResult<Option<usize>> {
        if self.local.pending_count().await? > 0 {
            return Ok(None);
        }
        let since = if full { None } else { self.local.checkpoint().await? };
        let locations = clinic.list_locations(false).await?;
        let came_back = !self.is_online();
        if came_back {
            self.reached();
            self.publish().await;
        }
        if came_back || since.is_none() {
            crate::station::forget_disabled_sign_ins(self, clinic).await;
        }
        if since.is_none() {
            self.local.store_reference("locations", &locations).await?;
            self.local.store_reference("specialties", &clinic.list_specialties(false).await?).await?;
            self.local.store_reference("doctors", &clinic.list_doctors(&DoctorFilter::default()).await?).await?;
            self.local.store_reference("diagnostics", &clinic.list_diagnostics(false).await?).await?;
        }
        let (from, to) = window(clinic.now());
        let mut checkpoint = i64::MAX;
        let mut boards = 0;
        for location in &locations {
            let changes = match clinic.station_changes(location.id, since, from, to).await {
                // A location whose zone the app cannot read (stored before the
                // database refused such names) has no usable board: the other
                // locations are pulled all the same.
                Err(AppError::Validation { field, .. }) if field == "timeZone" => {
                    tracing::warn!(location = %location.id, zone = %location.time_zone, "location skipped: unknown time zone");
                    continue;
                }
                other => other?,
            };
            checkpoint = checkpoint.min(changes.checkpoint);
            let dates: Vec<_> = match since {
                None => from.iter_days().take_while(|d| *d <= to).collect(),
                Some(_) => changes.booking_dates.into_iter().filter(|d| (from..=to).contains(d)).collect(),
            };
            for date in dates {
                let board = clinic.day_board(location.id, date).await?;
                if !self.local.store_board_if_idle(&board).await? {
                    return Ok(None);
                }
                boards += 1;
            }
            if !self.local.store_patients_if_idle(&changes.patients).await? {
                return Ok(None);
            }
        }
        if !locations.is_empty() {
            self.local.set_checkpoint(checkpoint).await?;
        }
        if since.is_none() {
            self.prune(clinic.now()).await?;
        }
        Ok(Some(boards))
    }

    /// A cycle, with the heartbeat kept up meanwhile: a link that stalls
    /// mid-cycle (nothing answers, nothing closes) is noticed within about
    /// two seconds; the cycle is dropped (the intent it was pushing stays
    /// first in line, in doubt, and the intent log answers it next time).
    async fn cycle_watched(&self, clinic: &Clinic) -> AppResult<CycleReport> {
        let cycle = self.cycle(clinic);
        tokio::pin!(cycle);
        loop {
            tokio::select! {
                done = &mut cycle => return done,
                _ = tokio::time::sleep(HEARTBEAT) => {
                    if clinic.ping(HEARTBEAT_PATIENCE).await.is_err() {
                        self.went_offline().await;
                        return Err(AppError::Offline { message: "the clinic database stopped answering".into() });
                    }
                }
            }
        }
    }

    /// Runs cycles until aborted: at once, on every local change and every
    /// NOTIFY, and every 30 s; with backoff while the server is unreachable.
    pub async fn run(self: Arc<Self>, clinic: Clinic, mut pokes: broadcast::Receiver<BookingsChange>) {
        let mut backoff = Duration::from_millis(250);
        loop {
            let wait = match self.cycle_watched(&clinic).await {
                Ok(_) => {
                    backoff = Duration::from_millis(250);
                    PERIODIC_PULL
                }
                Err(error) => {
                    tracing::debug!(%error, "sync cycle did not finish");
                    backoff = (backoff * 2).min(Duration::from_secs(2));
                    backoff
                }
            };
            self.wait_for_work(&clinic, &mut pokes, wait).await;
        }
    }

    /// Waits up to `wait` for a local change or a NOTIFY; meanwhile, while
    /// online, a heartbeat notices the server going away and ends the wait
    /// (the next cycle then retries with backoff).
    async fn wait_for_work(&self, clinic: &Clinic, pokes: &mut broadcast::Receiver<BookingsChange>, wait: Duration) {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            tokio::select! {
                _ = self.wake.notified() => return,
                poke = pokes.recv() => {
                    if !matches!(poke, Err(broadcast::error::RecvError::Closed)) {
                        return;
                    }
                    tokio::time::sleep(left).await;
                }
                _ = tokio::time::sleep(HEARTBEAT.min(left)) => {
                    if self.is_online() && clinic.ping(HEARTBEAT_PATIENCE).await.is_err() {
                        self.went_offline().await;
                        return;
                    }
                }
            }
        }
    }
}
