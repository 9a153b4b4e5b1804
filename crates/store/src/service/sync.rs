//! The server's side of offline stations: replaying queued intents exactly
//! once, and telling a station what changed since its checkpoint.

use chrono::{Duration, NaiveDate, NaiveTime};
use clinic_domain::bookings::Booking;
use clinic_domain::ids::ResultId;
use clinic_domain::intents::{Intent, IntentAnswer, IntentOutcome, QueuedIntent};
use clinic_domain::patients::Patient;
use clinic_domain::{Actor, AppError, AppResult, ConflictCode, Entity, ValidationCode};
use sqlx::PgConnection;

use clinic_domain::values::parse_time_zone;

use crate::repo::{bookings, results, sync};
use crate::Clinic;
use crate::{commit, ResultUpload};

/// What a station must refresh after its checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct StationChanges {
    /// Pass back as `since` on the next pull.
    pub checkpoint: i64,
    /// The bookings changed since the checkpoint on the window's local
    /// dates, as staff see them; empty on a first pull (every board is
    /// fetched then).
    pub bookings: Vec<Booking>,
    pub patients: Vec<Patient>,
}

impl Clinic {
    /// Applies a station's queued intent in one transaction with the record
    /// of its id, through the same services as an online command. An intent
    /// seen before returns the outcome recorded then and changes nothing. A
    /// refusal (slot taken, stale version, a rule) is recorded and returned
    /// as `Rejected`; a lost connection is an error, to retry later.
    #[tracing::instrument(skip_all, fields(intent = %queued.intent_id, station = %queued.station))]
    pub async fn apply_intent(&self, queued: &QueuedIntent, file: Option<&[u8]>) -> AppResult<IntentOutcome> {
        self.apply(queued, file, false).await.map(|(outcome, _)| outcome)
    }

    /// [`Clinic::apply_intent`], answering with the row as the change left
    /// it (read before the commit, in the same transaction). No answer for
    /// an intent applied before (its outcome comes from the record).
    #[tracing::instrument(skip_all, fields(intent = %queued.intent_id, station = %queued.station))]
    pub async fn apply_intent_answered(
        &self,
        queued: &QueuedIntent,
        file: Option<&[u8]>,
    ) -> AppResult<(IntentOutcome, Option<IntentAnswer>)> {
        self.apply(queued, file, true).await
    }

    async fn apply(
        &self,
        queued: &QueuedIntent,
        file: Option<&[u8]>,
        answer: bool,
    ) -> AppResult<(IntentOutcome, Option<IntentAnswer>)> {
        let mut tx = self.begin().await?;
        if !sync::claim(&mut tx, queued).await? {
            drop(tx);
            return Ok((self.recorded_outcome(queued).await?, None));
        }
        let applied = match self.run_intent(&mut tx, queued, file).await {
            Ok(row) if answer => self.answer(&mut tx, &queued.intent, row).await,
            Ok(_) => Ok(None),
            Err(error) => Err(error),
        };
        match applied {
            Ok(answer) => {
                commit(tx).await?;
                Ok((IntentOutcome::Applied, answer))
            }
            Err(error) if IntentOutcome::is_rejection(&error) => {
                tx.rollback().await.map_err(crate::db_error)?;
                let outcome = IntentOutcome::Rejected { error: self.explained(&queued.intent, error).await };
                sync::record_rejection(&mut *self.conn().await?, queued, &outcome).await?;
                // Another push of the same intent may have recorded first.
                Ok((self.recorded_outcome(queued).await?, None))
            }
            Err(other) => Err(other),
        }
    }

    /// A booking the database itself refused as overlapping (its
    /// transaction is gone), said as the engine says it: what holds the time.
    async fn explained(&self, intent: &Intent, error: AppError) -> AppError {
        let taken =
            matches!(error, AppError::Conflict { code: ConflictCode::SlotTaken, conflicting_booking_id: None, .. });
        match intent {
            Intent::Book { request } if taken => match self.conn().await {
                Ok(mut conn) => self.explain_taken(&mut conn, request).await,
                Err(_) => error,
            },
            _ => error,
        }
    }

    /// The row an applied intent left, read in its transaction (`made`: the
    /// row the service already returned, when it returns one).
    async fn answer(
        &self,
        tx: &mut PgConnection,
        intent: &Intent,
        made: Option<IntentAnswer>,
    ) -> AppResult<Option<IntentAnswer>> {
        if let Some(made) = made {
            return Ok(Some(made));
        }
        let booking_id = match intent {
            Intent::Book { request } => Some(request.booking_id),
            Intent::ChangeStatus { request } => Some(request.booking_id),
            Intent::Reschedule { request } => Some(request.new_booking_id),
            _ => None,
        };
        if let Some(id) = booking_id {
            return bookings::select(tx, bookings::Select::One(id), self.now())
                .await?
                .into_iter()
                .next()
                .map(|b| Some(IntentAnswer::Booking(b)))
                .ok_or_else(|| AppError::not_found(Entity::Booking, id));
        }
        match intent {
            Intent::AttachResult { result_id, .. } => results::select(tx, results::Select::One(*result_id))
                .await?
                .into_iter()
                .next()
                .map(|r| Some(IntentAnswer::Result(r)))
                .ok_or_else(|| AppError::not_found(Entity::Result, result_id)),
            // A record in the audit trail: nothing for the desk to show.
            Intent::RecordOutput { .. } => Ok(None),
            _ => Err(AppError::Internal { reference: "the service returned no row".into() }),
        }
    }

    async fn recorded_outcome(&self, queued: &QueuedIntent) -> AppResult<IntentOutcome> {
        sync::recorded_outcome(&mut *self.conn().await?, queued.intent_id)
            .await?
            .ok_or_else(|| AppError::Internal { reference: format!("intent {} left no record", queued.intent_id) })
    }

    /// Runs the intent through its service; the row, when the service
    /// returns one.
    async fn run_intent(
        &self,
        tx: &mut PgConnection,
        queued: &QueuedIntent,
        file: Option<&[u8]>,
    ) -> AppResult<Option<IntentAnswer>> {
        // Who entered it at the station; the database records beside it the
        // login pushing it now ("entered offline by A, synced by B").
        crate::enter_as(tx, &Actor::parse(&queued.actor)?).await?;
        match &queued.intent {
            Intent::CreatePatient { patient_id, input } => {
                self.create_patient_tx(tx, *patient_id, input).await.map(|p| Some(IntentAnswer::Patient(p)))
            }
            Intent::Book { request } => self.book_tx(tx, request).await.map(|b| Some(IntentAnswer::Booking(b))),
            Intent::ChangeStatus { request } => self.change_status_tx(tx, request).await.map(|()| None),
            Intent::Reschedule { request } => {
                self.reschedule_tx(tx, request).await.map(|b| Some(IntentAnswer::Booking(b)))
            }
            Intent::Rate { input } => self.record_rating_tx(tx, input).await.map(|r| Some(IntentAnswer::Rating(r))),
            Intent::AttachResult { result_id, booking_id, file_name } => {
                let bytes = file.ok_or_else(|| missing_file(*result_id))?;
                let upload = ResultUpload { result_id: *result_id, booking_id: *booking_id, file_name, bytes };
                self.store_result_tx(tx, &upload).await.map(|()| None)
            }
            Intent::RecordOutput { record } => {
                crate::service::audit::record_output(tx, record, Some(queued.made_at)).await.map(|()| None)
            }
            Intent::AddToWaitlist { entry_id, patient_id, input } => self
                .add_to_waitlist_tx(tx, *entry_id, *patient_id, input)
                .await
                .map(|e| Some(IntentAnswer::WaitlistEntry(e))),
        }
    }

    /// What changed at every location on local dates `from..=to` since the
    /// station's checkpoint, read from one snapshot together with the next
    /// checkpoint: the changed rows themselves, in six round trips however
    /// many locations the clinic has. Every desk pulls on every change
    /// notification, so this is what hundreds of desks cost the server
    /// (refetching the changed days' whole boards instead cost it most of
    /// its CPU with 300 desks). On a first pull (`since` None) the station
    /// fetches every board, and no booking is listed.
    #[tracing::instrument(skip_all)]
    pub async fn station_changes(
        &self,
        since: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<StationChanges> {
        let mut tx =
            self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").await.map_err(crate::db_error)?;
        let checkpoint = sync::snapshot_checkpoint(&mut tx).await?;
        // The local dates of any zone on Earth lie within a day of UTC's.
        let start = from.and_time(NaiveTime::MIN).and_utc() - Duration::days(1);
        let end = (to + Duration::days(2)).and_time(NaiveTime::MIN).and_utc();
        let mut changed = Vec::new();
        if let Some(since) = since {
            for row in sync::changed_bookings(&mut tx, since, start, end).await? {
                // A location whose zone the app cannot read has no board to keep.
                let Ok(zone) = parse_time_zone("timeZone", &row.time_zone) else { continue };
                if (from..=to).contains(&row.starts_at.with_timezone(&zone).date_naive()) {
                    changed.push(row.booking_id);
                }
            }
        }
        let bookings = if changed.is_empty() {
            Vec::new()
        } else {
            bookings::select(&mut tx, bookings::Select::Ids(changed), self.now()).await?
        };
        let patients = sync::changed_patients(&mut tx, since, start, end).await?;
        commit(tx).await?;
        Ok(StationChanges { checkpoint, bookings, patients })
    }
}

fn missing_file(id: ResultId) -> AppError {
    AppError::validation("file", ValidationCode::Required, format!("the file of result {id} did not arrive"))
}
