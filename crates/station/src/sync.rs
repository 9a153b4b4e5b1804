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

use crate::live::{Heard, Hearing, HEARTBEAT};

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
/// How often a station pulls when nothing pokes it and its listener is
/// down (a change may then go unheard).
pub const PULL_UNHEARD: Duration = Duration::from_secs(30);
/// How often it pulls while its listener hears the server: every booking
/// change pokes a cycle at once, so the timer only catches what sends no
/// notification (a patient's details edited at another desk). Rare, so a
/// quiet desk's pool has closed its connections between two pulls.
pub const PULL_WHILE_HEARD: Duration = Duration::from_secs(5 * 60);
/// How often the whole window and the catalogue lists are pulled again.
pub const FULL_PULL_EVERY: Duration = Duration::from_secs(60 * 60);
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
        let (from, to) = window(clinic.now());
        let changes = clinic.station_changes(since, from, to).await?;
        let came_back = !self.is_online();
        if came_back {
            self.reached();
            self.publish().await;
        }
        if came_back || since.is_none() {
            crate::station::forget_disabled_sign_ins(self, clinic).await;
        }
        // The changed bookings and patients first: a first pull cut off
        // among its boards still leaves the patients searchable offline.
        if !self.local.store_changes_if_idle(&changes.bookings, &changes.patients).await? {
            return Ok(None);
        }
        // A first or full pull: the lists and every board of the window
        // (their hours, leave and closures send no notification). The
        // checkpoint is set only once all of them are kept.
        let mut boards = 0;
        if since.is_none() {
            let locations = clinic.list_locations(false).await?;
            self.local.store_reference("locations", &locations).await?;
            self.local.store_reference("specialties", &clinic.list_specialties(false).await?).await?;
            self.local.store_reference("doctors", &clinic.list_doctors(&DoctorFilter::default()).await?).await?;
            self.local.store_reference("diagnostics", &clinic.list_diagnostics(false).await?).await?;
            for location in &locations {
                for date in from.iter_days().take_while(|d| *d <= to) {
                    let board = match clinic.day_board(location.id, date).await {
                        // A location whose zone the app cannot read (stored before the
                        // database refused such names) has no usable board: the other
                        // locations are pulled all the same.
                        Err(AppError::Validation { field, .. }) if field == "timeZone" => {
                            tracing::warn!(location = %location.id, "location skipped: unknown time zone");
                            break;
                        }
                        other => other?,
                    };
                    if !self.local.store_board_if_idle(&board).await? {
                        return Ok(None);
                    }
                    boards += 1;
                }
            }
        }
        self.local.set_checkpoint(changes.checkpoint).await?;
        if since.is_none() {
            self.prune(clinic.now()).await?;
        }
        Ok(Some(boards))
    }

    /// A cycle, given up when the server stops answering: a link that stalls
    /// mid-cycle (nothing answers, nothing closes) is noticed within about
    /// two seconds; the cycle is dropped (the intent it was pushing stays
    /// first in line, in doubt, and the intent log answers it next time).
    async fn cycle_watched(&self, clinic: &Clinic, heard: &mut Heard) -> AppResult<CycleReport> {
        tokio::select! {
            done = self.cycle(clinic) => done,
            () = server_lost(clinic, heard) => {
                self.went_offline().await;
                Err(AppError::Offline { message: "the clinic database stopped answering".into() })
            }
        }
    }

    /// Runs cycles until aborted: at once, on every local change and every
    /// NOTIFY, and now and then (more often while the listener is down);
    /// with backoff while the server is unreachable.
    pub async fn run(
        self: Arc<Self>,
        clinic: Clinic,
        mut pokes: broadcast::Receiver<BookingsChange>,
        mut heard: Heard,
    ) {
        let mut backoff = Duration::from_millis(250);
        loop {
            // The cycle about to start reads past every change announced so
            // far: a burst of notifications costs one pull, not one each.
            while !matches!(
                pokes.try_recv(),
                Err(broadcast::error::TryRecvError::Empty | broadcast::error::TryRecvError::Closed)
            ) {}
            let wait = match self.cycle_watched(&clinic, &mut heard).await {
                Ok(_) => {
                    backoff = Duration::from_millis(250);
                    if *heard.borrow() == Hearing::Answered {
                        PULL_WHILE_HEARD
                    } else {
                        PULL_UNHEARD
                    }
                }
                Err(error) => {
                    tracing::debug!(%error, "sync cycle did not finish");
                    backoff = (backoff * 2).min(Duration::from_secs(2));
                    backoff
                }
            };
            self.wait_for_work(&clinic, &mut pokes, &mut heard, wait).await;
        }
    }

    /// Waits up to `wait` for a local change, or for a NOTIFY and then
    /// [`settle_after_notification`] (the listener hearing the server again
    /// announces everything: a poke); meanwhile,
    /// while online, losing the server ends the wait (the next cycle then
    /// retries with backoff).
    async fn wait_for_work(
        &self,
        clinic: &Clinic,
        pokes: &mut broadcast::Receiver<BookingsChange>,
        heard: &mut Heard,
        wait: Duration,
    ) {
        let mut deadline = tokio::time::Instant::now() + wait;
        // Until the first notification (the rest are gathered by the cycle).
        let mut awaiting_pokes = true;
        loop {
            tokio::select! {
                _ = self.wake.notified() => return,
                poke = pokes.recv(), if awaiting_pokes => {
                    awaiting_pokes = false;
                    if !matches!(poke, Err(broadcast::error::RecvError::Closed)) {
                        deadline = deadline.min(tokio::time::Instant::now() + settle_after_notification());
                    }
                }
                () = server_lost(clinic, heard), if self.is_online() => {
                    self.went_offline().await;
                    return;
                }
                _ = tokio::time::sleep_until(deadline) => return,
            }
        }
    }
}

/// How long a desk waits after another desk's change before pulling it
/// into its station database, gathering the notifications meanwhile: two
/// seconds and up to two more at random, so the desks of a clinic do not
/// all pull at the same instant. Only the replica for offline work waits
/// (it lags by seconds, which offline work never notices); the board on
/// screen refetches at once. One pull per desk per notification was
/// 600 pulls a second with 300 desks and saturated the server (desks bench).
pub fn settle_after_notification() -> Duration {
    use std::hash::{BuildHasher, Hasher};
    // Each RandomState is keyed afresh: enough randomness to spread desks.
    let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
    Duration::from_millis(2000 + random % 2000)
}

/// How long the pool's ping may take when the listener lost its connection:
/// it may need a new connection itself (TCP, TLS and SCRAM, on a desk that is
/// busy reconnecting), so it waits as long as any call does. A stalled link
/// is told by the listener's own heartbeat going unanswered instead.
const ASKED_AGAIN_PATIENCE: Duration = crate::desk::CALL_DEADLINE;

/// Resolves when the server stops answering. While the change listener
/// hears it, its heartbeat (on the listener's own connection) is the one
/// that tells, so a quiet desk holds no other connection. A listener that
/// lost its connection proves nothing by itself: the pool asks the server
/// then, at once and every second, until the listener hears it again.
async fn server_lost(clinic: &Clinic, heard: &mut Heard) {
    // The listener gone for good (the station signing out): pings alone tell.
    let mut listener_gone = false;
    loop {
        let hearing = if listener_gone { Hearing::Deaf } else { *heard.borrow_and_update() };
        match hearing {
            Hearing::Unanswered => return,
            Hearing::Answered => {
                if heard.changed().await.is_err() {
                    listener_gone = true;
                }
            }
            Hearing::Deaf => {
                if clinic.ping(ASKED_AGAIN_PATIENCE).await.is_err() {
                    return;
                }
                tokio::select! {
                    changed = heard.changed(), if !listener_gone => listener_gone = changed.is_err(),
                    _ = tokio::time::sleep(HEARTBEAT) => {}
                }
            }
        }
    }
}
