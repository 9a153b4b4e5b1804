//! The operations staff use, online through the clinic database or, while it
//! is out of reach, through the station's replica and outbox. Every change is
//! an intent: applied at once when the server answers and nothing waits
//! before it, otherwise queued with its provisional rows and pushed later by
//! the sync task; the same intent id either way, so a change whose
//! acknowledgement was lost is not applied twice.

use std::time::Duration;

use chrono::{NaiveDate, Utc};
use clinic_domain::availability::FreeSlot;
use clinic_domain::bookings::{
    Booking, BookingRequest, BookingSubject, DayBoard, HoldRequest, Rating, RatingInput, RescheduleRequest, ResultFile,
    SlotCheck, SlotCheckQuery, SlotHold, SlotQuery, StatusRequest,
};
use clinic_domain::catalogue::{Diagnostic, DoctorFilter, DoctorSummary, Location, Specialty};
use clinic_domain::ids::{BookingId, IntentId, LocationId, PatientId, ResultId, WaitlistEntryId};
use clinic_domain::intents::{Intent, IntentAnswer, IntentOutcome, QueuedIntent};
use clinic_domain::openings::{Openings, OpeningsQuery};
use clinic_domain::patients::{Patient, PatientInput, PatientQuery, PossibleDuplicate};
use clinic_domain::results::{clean_file_name, sniff_media_type};
use clinic_domain::waitlist::{WaitlistEntry, WaitlistFilter, WaitlistInput, WaitlistMatch};
use clinic_domain::{AppError, AppResult, ValidationCode};
use clinic_local_store::{Conflict, ConflictAction, LocalStore};
use clinic_store::Clinic;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use specta::Type;

use crate::offline::{self, not_kept};
use crate::schema::SchemaStatus;
use crate::sync::SyncStatus;
use crate::Station;

/// How long a call to the clinic database may take before the station
/// treats the server as out of reach (a stalled link never answers, and
/// never closes): reads come from the replica, a change is queued (in
/// doubt, under its intent id, so it is never applied twice).
pub const CALL_DEADLINE: Duration = Duration::from_millis(2500);

/// `call`, or `Offline` once `deadline` passes.
pub(crate) async fn within<T>(
    deadline: Duration,
    call: impl std::future::Future<Output = AppResult<T>>,
) -> AppResult<T> {
    tokio::time::timeout(deadline, call).await.unwrap_or_else(|_| {
        Err(AppError::Offline { message: format!("no answer within {:.1} s", deadline.as_secs_f64()) })
    })
}

/// What a person decided about a refused change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "resolution", rename_all = "camelCase")]
pub enum ConflictResolution {
    /// Book the same patient with the same doctor or diagnostic at another
    /// free time (a new booking id).
    #[serde(rename_all = "camelCase")]
    Rebook { new_booking_id: BookingId, starts_at: chrono::DateTime<Utc> },
    /// The other station's change stands; drop ours.
    KeepTheirs,
    /// Drop ours without replacement.
    Discard,
    /// Push it again (only a change the server never decided on: a refused
    /// one would be refused again).
    Retry,
    /// A refused result file goes to another booking (a new result id); the
    /// file kept with the conflict is uploaded there.
    #[serde(rename_all = "camelCase")]
    AttachTo { booking_id: BookingId, new_result_id: ResultId },
}

impl ConflictResolution {
    /// The decision this resolution carries out.
    pub fn action(&self) -> ConflictAction {
        match self {
            ConflictResolution::Rebook { .. } => ConflictAction::Rebook,
            ConflictResolution::KeepTheirs => ConflictAction::KeepTheirs,
            ConflictResolution::Discard => ConflictAction::Discard,
            ConflictResolution::Retry => ConflictAction::Retry,
            ConflictResolution::AttachTo { .. } => ConflictAction::AttachElsewhere,
        }
    }
}

/// Whether a change reached the server now (with the row it left, read in
/// the same transaction) or waits in the outbox. A change whose answer was
/// lost after it was sent is in doubt: queued under the same intent id, so
/// the server's intent log answers it without applying it twice.
// A return value used once and dropped: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Submitted {
    Applied(Option<IntentAnswer>),
    Queued,
}

impl Station {
    /// Reads from the clinic database, or from the replica while it is out
    /// of reach (a failed read also switches the station offline).
    pub(crate) async fn read<T>(
        &self,
        online: impl AsyncFnOnce(Clinic) -> AppResult<T>,
        kept: impl AsyncFnOnce(&LocalStore) -> AppResult<T>,
    ) -> AppResult<T> {
        if let Some(clinic) = self.online(SchemaStatus::allows_reads).await? {
            match within(CALL_DEADLINE, online(clinic)).await {
                Err(AppError::Offline { .. }) if self.works_offline().await => self.sync().await?.went_offline().await,
                answered => return answered,
            }
        }
        kept(&self.sync().await?.local).await
    }

    /// Applies an intent now, or queues it with its provisional rows.
    pub(crate) async fn submit(&self, intent: Intent, file: Option<&[u8]>) -> AppResult<Submitted> {
        let actor = self.actor().await?;
        let sync = self.sync().await?;
        let queued = QueuedIntent {
            intent_id: IntentId::generate(),
            station: sync.station_id.clone(),
            actor: actor.name().to_string(),
            made_at: Utc::now(),
            intent,
        };
        if let Some(clinic) = self.online(SchemaStatus::allows_writes).await? {
            // Changes keep their order: nothing jumps the queue.
            if sync.local.pending_count().await? == 0 {
                // A file takes longer to send: a second more per megabyte.
                let deadline = CALL_DEADLINE + Duration::from_secs(file.map_or(0, |f| f.len() as u64 / 1_000_000));
                match within(deadline, clinic.apply_intent_answered(&queued, file)).await {
                    Ok((IntentOutcome::Applied, answer)) => return Ok(Submitted::Applied(answer)),
                    Ok((IntentOutcome::Rejected { error }, _)) => return Err(error),
                    Err(AppError::Offline { .. }) if self.works_offline().await => sync.went_offline().await,
                    Err(other) => return Err(other),
                }
            }
        }
        let (bookings, patients) = offline::optimistic(&sync.local, &queued.intent, &actor, Utc::now()).await?;
        sync.local.enqueue(&queued, file, &bookings, &patients).await?;
        sync.publish().await;
        sync.wake();
        Ok(Submitted::Queued)
    }

    pub async fn sync_status(&self) -> AppResult<SyncStatus> {
        Ok(self.sync().await?.status())
    }

    /// Pushes and pulls now (also what the sync task does on its own).
    pub async fn sync_now(&self) -> AppResult<SyncStatus> {
        let sync = self.sync().await?;
        let clinic = self.clinic_if(SchemaStatus::allows_writes).await?;
        sync.cycle(&clinic).await?;
        Ok(sync.status())
    }

    pub async fn conflicts(&self) -> AppResult<Vec<Conflict>> {
        self.desk_open().await?;
        self.sync().await?.local.conflicts().await
    }

    /// Carries out a person's decision on a refused change. Rebooking goes
    /// through the same checks as any booking; the conflict leaves the list
    /// only once the replacement was accepted or queued.
    pub async fn resolve_conflict(
        &self,
        intent_id: IntentId,
        resolution: ConflictResolution,
    ) -> AppResult<Vec<Conflict>> {
        self.desk_open().await?;
        let sync = self.sync().await?;
        let conflict = sync
            .local
            .conflicts()
            .await?
            .into_iter()
            .find(|c| c.intent_id == intent_id)
            .ok_or_else(|| AppError::validation("intentId", ValidationCode::Unknown, "no such conflict"))?;
        if !conflict.offers(resolution.action()) {
            return Err(AppError::validation(
                "resolution",
                ValidationCode::NotAllowed,
                match resolution.action() {
                    ConflictAction::Retry => "only a change the server never decided on can be tried again",
                    ConflictAction::Rebook => "only a refused booking can be booked again",
                    _ => "only a result file kept on this station can be attached to another booking",
                },
            ));
        }
        match resolution {
            ConflictResolution::Retry => {
                sync.local.retry_failed(intent_id).await?;
                sync.publish().await;
                sync.wake();
                return sync.local.conflicts().await;
            }
            ConflictResolution::AttachTo { booking_id, new_result_id } => {
                let Intent::AttachResult { file_name, .. } = &conflict.intent else {
                    return Err(AppError::validation("resolution", ValidationCode::NotAllowed, "not a result file"));
                };
                let bytes = sync.local.conflict_file(intent_id).await?.ok_or_else(|| {
                    AppError::validation("resolution", ValidationCode::Unknown, "this station no longer has the file")
                })?;
                self.submit_result(new_result_id, booking_id, file_name, &bytes).await?;
            }
            _ => {}
        }
        if let ConflictResolution::Rebook { new_booking_id, starts_at } = resolution {
            let (patient_id, location_id, subject, patient_message) = match (&conflict.intent, &conflict.attempted) {
                (Intent::Book { request }, _) => {
                    (request.patient_id, request.location_id, request.subject, request.patient_message.clone())
                }
                (Intent::Reschedule { .. }, Some(b)) => {
                    (b.patient_id, b.location_id, b.subject, b.patient_message.clone())
                }
                _ => {
                    return Err(AppError::validation(
                        "resolution",
                        ValidationCode::NotAllowed,
                        "only a refused booking can be booked again",
                    ))
                }
            };
            let request = BookingRequest {
                booking_id: new_booking_id,
                patient_id,
                location_id,
                subject,
                starts_at,
                patient_message,
                override_reason: None,
                waitlist_entry_id: None,
            };
            self.book(&request).await?;
        }
        sync.local.dismiss_conflict(intent_id).await?;
        sync.publish().await;
        sync.local.conflicts().await
    }

    pub async fn day_board(&self, location_id: LocationId, date: NaiveDate) -> AppResult<DayBoard> {
        self.read(
            async |clinic| clinic.day_board(location_id, date).await,
            async |local| offline::day_board(local, location_id, date, Utc::now()).await,
        )
        .await
    }

    pub async fn free_slots(&self, query: &SlotQuery) -> AppResult<Vec<FreeSlot>> {
        self.read(
            async |clinic| clinic.free_slots(query).await,
            async |local| offline::free_slots(local, query, Utc::now()).await,
        )
        .await
    }

    /// Holds a free time at the clinic database while on the phone. Only
    /// online: a station out of reach books without holding (its queued
    /// booking meets the server's checks when it is back).
    pub async fn hold(&self, request: &HoldRequest) -> AppResult<SlotHold> {
        let Some(clinic) = self.online(SchemaStatus::allows_writes).await? else {
            return Err(AppError::Offline { message: "holding a time needs the clinic database".into() });
        };
        let actor = self.actor().await?;
        let hold = within(CALL_DEADLINE, clinic.hold(request, &actor)).await?;
        self.held.lock().await.insert(hold.id);
        Ok(hold)
    }

    /// Lets this desk's hold go; out of reach, it simply expires.
    pub async fn release_hold(&self, id: BookingId) -> AppResult<()> {
        self.held.lock().await.remove(&id);
        let Some(clinic) = self.online(SchemaStatus::allows_writes).await? else { return Ok(()) };
        let actor = self.actor().await?;
        match within(CALL_DEADLINE, clinic.release_hold(id, &actor)).await {
            Err(AppError::Offline { .. }) => Ok(()),
            answered => answered,
        }
    }

    /// Releases every time this desk still holds (the session is ending):
    /// best effort, as an expired hold blocks nothing anyway.
    pub(crate) async fn release_all_holds(&self) {
        let held: Vec<BookingId> = self.held.lock().await.drain().collect();
        let (Some(clinic), Ok(actor)) = (self.connected().await, self.actor().await) else { return };
        for id in held {
            if let Err(error) = within(CALL_DEADLINE, clinic.release_hold(id, &actor)).await {
                tracing::info!(hold = %id, %error, "hold left to expire");
            }
        }
    }

    /// Puts a patient on the waitlist; queued like every change while the
    /// clinic database is out of reach.
    pub async fn add_to_waitlist(
        &self,
        entry_id: WaitlistEntryId,
        patient_id: PatientId,
        input: &WaitlistInput,
    ) -> AppResult<()> {
        input.validate(Utc::now().date_naive())?;
        let intent = Intent::AddToWaitlist { entry_id, patient_id, input: input.clone() };
        self.submit(intent, None).await.map(drop)
    }

    /// The waitlist (the server's: a station keeps no copy).
    pub async fn waitlist(&self, filter: &WaitlistFilter) -> AppResult<Vec<WaitlistEntry>> {
        self.read(async |clinic| clinic.waitlist(filter).await, async |_| Err(not_kept("the waitlist"))).await
    }

    /// The entries a free time on this board matches (none while offline).
    pub async fn waitlist_matches(&self, location_id: LocationId, date: NaiveDate) -> AppResult<Vec<WaitlistMatch>> {
        self.read(async |clinic| clinic.waitlist_matches(location_id, date).await, async |_| Ok(vec![])).await
    }

    pub async fn remove_from_waitlist(&self, id: WaitlistEntryId, expected_version: i32) -> AppResult<()> {
        self.desk_open().await?;
        let clinic = self.writer().await?;
        let actor = self.actor().await?;
        within(CALL_DEADLINE, clinic.remove_from_waitlist(id, expected_version, &actor)).await
    }

    /// Every rule a time breaks, and whether a manager may book it anyway.
    pub async fn slot_check(&self, query: &SlotCheckQuery) -> AppResult<SlotCheck> {
        self.read(
            async |clinic| clinic.slot_check(query).await,
            async |local| offline::slot_check(local, query, Utc::now()).await,
        )
        .await
    }

    pub async fn openings(&self, query: &OpeningsQuery) -> AppResult<Openings> {
        self.read(
            async |clinic| clinic.openings(query).await,
            async |local| offline::openings(local, query, Utc::now()).await,
        )
        .await
    }

    pub async fn get_booking(&self, id: BookingId) -> AppResult<Booking> {
        self.desk_open().await?;
        // A booking still in the outbox exists only here.
        let sync = self.sync().await?;
        if let Some(kept) = sync.local.get_booking(id).await?.filter(|b| b.provisional) {
            return offline::kept_with_rules(&sync.local, kept, Utc::now()).await;
        }
        self.read(
            async |clinic| clinic.get_booking(id).await,
            async |local| {
                let kept = local.get_booking(id).await?.ok_or_else(|| not_kept("this booking"))?;
                offline::kept_with_rules(local, kept, Utc::now()).await
            },
        )
        .await
    }

    /// The audit trail's record of a profile opened here. Offline nothing can
    /// be recorded in the clinic's database: the station's log keeps it.
    pub async fn record_profile_view(&self, id: PatientId) -> AppResult<()> {
        self.desk_open().await?;
        match self.connected().await {
            Some(clinic) => clinic.record_profile_view(id).await,
            None => {
                tracing::info!(patient = %id, "profile opened while offline (not in the audit trail)");
                Ok(())
            }
        }
    }

    pub async fn get_patient(&self, id: PatientId) -> AppResult<Patient> {
        self.desk_open().await?;
        // A patient still in the outbox exists only here.
        if let Some(kept) = self.sync().await?.local.provisional_patient(id).await? {
            return Ok(kept);
        }
        self.read(async |clinic| clinic.get_patient(id).await, async |local| offline::patient(local, id).await).await
    }

    pub async fn search_patients(&self, text: &str, limit: i32) -> AppResult<Vec<Patient>> {
        self.read(
            async |clinic| clinic.search_patients(text, limit).await,
            async |local| local.search_patients(&PatientQuery::parse(text)?, i64::from(limit.clamp(1, 50))).await,
        )
        .await
    }

    /// Likely duplicates before creating a patient. Offline, the patients
    /// this station keeps with the same phone or the same name and birth
    /// date (the server's similar-name search needs the server).
    pub async fn possible_duplicates(&self, input: &PatientInput) -> AppResult<Vec<PossibleDuplicate>> {
        self.read(
            async |clinic| clinic.possible_duplicates(input).await,
            async |local| {
                let wanted = input.validate(Utc::now().date_naive())?;
                let mut candidates = local.search_patients(&PatientQuery::Name(wanted.full_name.clone()), 50).await?;
                if let Some(phone) = &wanted.phone {
                    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
                    candidates.extend(local.search_patients(&PatientQuery::PhoneDigits(digits), 50).await?);
                }
                candidates.sort_by_key(|p| p.id);
                candidates.dedup_by_key(|p| p.id);
                Ok(candidates
                    .into_iter()
                    .filter_map(|patient| {
                        let same_phone = wanted.phone.is_some() && patient.phone == wanted.phone;
                        let same_name = patient.full_name.to_lowercase() == wanted.full_name.to_lowercase();
                        let same_name_and_birth_date = same_name && patient.date_of_birth == wanted.date_of_birth;
                        (same_phone || same_name).then_some(PossibleDuplicate {
                            patient,
                            same_phone,
                            same_name_and_birth_date,
                            name_similarity: if same_name { 1.0 } else { 0.0 },
                            similar_name: same_name,
                        })
                    })
                    .collect())
            },
        )
        .await
    }

    pub async fn list_locations(&self, include_inactive: bool) -> AppResult<Vec<Location>> {
        self.read(
            async |clinic| clinic.list_locations(include_inactive).await,
            async |local| kept_list(local, "locations").await,
        )
        .await
    }

    pub async fn list_specialties(&self, include_inactive: bool) -> AppResult<Vec<Specialty>> {
        self.read(
            async |clinic| clinic.list_specialties(include_inactive).await,
            async |local| kept_list(local, "specialties").await,
        )
        .await
    }

    pub async fn list_diagnostics(&self, include_inactive: bool) -> AppResult<Vec<Diagnostic>> {
        self.read(
            async |clinic| clinic.list_diagnostics(include_inactive).await,
            async |local| kept_list(local, "diagnostics").await,
        )
        .await
    }

    pub async fn list_doctors(&self, filter: &DoctorFilter) -> AppResult<Vec<DoctorSummary>> {
        self.read(
            async |clinic| clinic.list_doctors(filter).await,
            async |local| {
                let search = filter.search.as_deref().map(str::to_lowercase).unwrap_or_default();
                let all: Vec<DoctorSummary> = kept_list(local, "doctors").await?;
                Ok(all
                    .into_iter()
                    .filter(|d| filter.specialty_id.is_none_or(|s| d.specialty_id == s))
                    .filter(|d| filter.location_id.is_none_or(|l| d.locations.iter().any(|r| r.id == l)))
                    .filter(|d| {
                        search.is_empty()
                            || d.full_name.to_lowercase().contains(&search)
                            || d.specialty_name.to_lowercase().contains(&search)
                    })
                    .collect())
            },
        )
        .await
    }

    pub async fn create_patient(&self, id: PatientId, input: &PatientInput) -> AppResult<Patient> {
        match self.submit(Intent::CreatePatient { patient_id: id, input: input.clone() }, None).await? {
            Submitted::Applied(Some(IntentAnswer::Patient(patient))) => Ok(patient),
            _ => self.get_patient(id).await,
        }
    }

    pub async fn book(&self, request: &BookingRequest) -> AppResult<Booking> {
        let booking = self
            .answered_booking(self.submit(Intent::Book { request: request.clone() }, None).await?, request.booking_id)
            .await?;
        // A held time booked: the booking took the hold's place.
        self.held.lock().await.remove(&request.booking_id);
        Ok(booking)
    }

    pub async fn change_status(&self, request: &StatusRequest) -> AppResult<Booking> {
        self.answered_booking(
            self.submit(Intent::ChangeStatus { request: request.clone() }, None).await?,
            request.booking_id,
        )
        .await
    }

    pub async fn reschedule(&self, request: &RescheduleRequest) -> AppResult<Booking> {
        self.answered_booking(
            self.submit(Intent::Reschedule { request: request.clone() }, None).await?,
            request.new_booking_id,
        )
        .await
    }

    /// The booking a change left: the server's answer when it applied it,
    /// else the station's copy (provisional while queued).
    async fn answered_booking(&self, submitted: Submitted, id: BookingId) -> AppResult<Booking> {
        match submitted {
            Submitted::Applied(Some(IntentAnswer::Booking(booking))) => Ok(booking),
            _ => self.get_booking(id).await,
        }
    }

    pub async fn record_rating(&self, input: &RatingInput) -> AppResult<Rating> {
        match self.submit(Intent::Rate { input: input.clone() }, None).await? {
            Submitted::Applied(Some(IntentAnswer::Rating(rating))) => Ok(rating),
            Submitted::Applied(_) => self
                .clinic_if(SchemaStatus::allows_reads)
                .await?
                .booking_rating(input.booking_id)
                .await?
                .ok_or_else(|| AppError::not_found(clinic_domain::Entity::Rating, input.rating_id)),
            Submitted::Queued => {
                let booking = self.get_booking(input.booking_id).await?;
                let BookingSubject::Doctor { doctor_id } = booking.subject else {
                    return Err(not_kept("this doctor"));
                };
                Ok(Rating {
                    id: input.rating_id,
                    doctor_id,
                    patient_id: booking.patient_id,
                    booking_id: booking.id,
                    rating: input.rating,
                    comment: input.comment.trim().to_string(),
                    created_at: Utc::now(),
                })
            }
        }
    }

    /// Stores a result file, or keeps it in the outbox until the server has it.
    pub(crate) async fn submit_result(
        &self,
        result_id: ResultId,
        booking_id: BookingId,
        file_name: &str,
        bytes: &[u8],
    ) -> AppResult<ResultFile> {
        let file_name = clean_file_name(file_name)?;
        let media_type = sniff_media_type(bytes)?;
        let intent = Intent::AttachResult { result_id, booking_id, file_name: file_name.clone() };
        match self.submit(intent, Some(bytes)).await? {
            Submitted::Applied(Some(IntentAnswer::Result(stored))) => Ok(stored),
            Submitted::Applied(_) => self.clinic_if(SchemaStatus::allows_reads).await?.result_info(result_id).await,
            Submitted::Queued => {
                let booking = self.get_booking(booking_id).await?;
                Ok(ResultFile {
                    id: result_id,
                    booking_id,
                    patient_id: booking.patient_id,
                    diagnostic_name: booking.subject_name,
                    file_name,
                    media_type: media_type.to_string(),
                    byte_size: i32::try_from(bytes.len()).unwrap_or(i32::MAX),
                    sha256: hex::encode(Sha256::digest(bytes)),
                    uploaded_by: self.actor().await?.name().to_string(),
                    created_at: Utc::now(),
                })
            }
        }
    }
}

async fn kept_list<T: serde::de::DeserializeOwned>(local: &LocalStore, kind: &str) -> AppResult<Vec<T>> {
    local.reference(kind).await?.ok_or_else(|| not_kept(&format!("the {kind}")))
}
