//! Bookings with a doctor or for a diagnostic, their status lifecycle, the day
//! board, ratings and diagnostic results.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::availability::{Busy, ResourceCalendar, SlotProblem};
use crate::catalogue::Location;
use crate::error::{AppError, AppResult, ValidationCode};
use crate::ids::{BookingId, DiagnosticId, DoctorId, LocationId, PatientId, RatingId, ResultId};
use crate::schedule::{DateException, ExceptionKind, WeeklyInterval};
use crate::values::{optional_text, parse_time_zone, required_text, Bounds, Money, WallTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type))]
#[cfg_attr(feature = "sqlx", sqlx(type_name = "booking_status", rename_all = "snake_case"))]
#[serde(rename_all = "camelCase")]
pub enum BookingStatus {
    Booked,
    Confirmed,
    Arrived,
    Completed,
    Cancelled,
    NoShow,
}

impl BookingStatus {
    /// Whether the booking holds its slot. Must match the exclusion
    /// constraints' WHERE clause in the migrations.
    pub fn holds_slot(self) -> bool {
        matches!(self, Self::Booked | Self::Confirmed | Self::Arrived | Self::Completed)
    }

    /// Only a booking still ahead (booked or confirmed) moves to another time.
    pub fn reschedulable(self) -> bool {
        matches!(self, Self::Booked | Self::Confirmed)
    }
}

/// The rules on what a booking in a given state accepts, asked by the
/// server's services and by a station checking a change it queues offline.
impl BookingSubject {
    /// A rating needs a completed visit with a doctor; returns the doctor.
    pub fn rateable(self, status: BookingStatus) -> AppResult<DoctorId> {
        let BookingSubject::Doctor { doctor_id } = self else {
            return Err(AppError::validation(
                "bookingId",
                ValidationCode::NotAllowed,
                "only visits with a doctor are rated",
            ));
        };
        if status != BookingStatus::Completed {
            return Err(AppError::validation(
                "bookingId",
                ValidationCode::NotAllowed,
                "only a completed visit can be rated",
            ));
        }
        Ok(doctor_id)
    }

    /// Result files attach to a diagnostic booking that was not cancelled or
    /// missed, once its visit has started (a scan cannot precede the scan).
    pub fn accepts_results(self, status: BookingStatus, visit: &VisitTime, now: DateTime<Utc>) -> AppResult<()> {
        if !matches!(self, BookingSubject::Diagnostic { .. }) {
            return Err(AppError::validation(
                "bookingId",
                ValidationCode::NotAllowed,
                "results attach to diagnostic bookings",
            ));
        }
        if matches!(status, BookingStatus::Cancelled | BookingStatus::NoShow) {
            return Err(AppError::validation(
                "bookingId",
                ValidationCode::NotAllowed,
                "this booking was cancelled or missed",
            ));
        }
        if !visit.has_started(now) {
            return Err(AppError::validation(
                "bookingId",
                ValidationCode::NotAllowed,
                "results can be added once the visit has started",
            ));
        }
        Ok(())
    }
}

/// When a visit is, and in which time zone its day is counted: the status
/// rules that depend on the clock ask it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VisitTime {
    pub starts_at: DateTime<Utc>,
    pub zone: chrono_tz::Tz,
}

impl VisitTime {
    /// `now` falls on the visit's local date at its location.
    pub fn is_visit_day(&self, now: DateTime<Utc>) -> bool {
        self.same_local_day(self.starts_at, now)
    }

    /// Two instants fall on one local date at the visit's location.
    pub fn same_local_day(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
        a.with_timezone(&self.zone).date_naive() == b.with_timezone(&self.zone).date_naive()
    }

    pub fn has_started(&self, now: DateTime<Utc>) -> bool {
        now >= self.starts_at
    }
}

impl RescheduleRequest {
    /// Only a booking still ahead (booked or confirmed) moves; the move is a
    /// new booking of the same patient and message, at the same place with
    /// the same doctor or diagnostic unless the request names others (the
    /// new booking then passes every check a booking does).
    pub fn moved_booking(
        &self,
        status: BookingStatus,
        patient_id: PatientId,
        location_id: LocationId,
        subject: BookingSubject,
        patient_message: &str,
    ) -> AppResult<BookingRequest> {
        if !status.reschedulable() {
            return Err(AppError::validation(
                "bookingId",
                ValidationCode::NotAllowed,
                format!("a booking that is {status:?} cannot be rescheduled"),
            ));
        }
        Ok(BookingRequest {
            booking_id: self.new_booking_id,
            patient_id,
            location_id: self.location_id.unwrap_or(location_id),
            subject: self.subject.unwrap_or(subject),
            starts_at: self.starts_at,
            patient_message: patient_message.to_string(),
            // A move passes every rule: "book anyway" is its own decision.
            override_reason: None,
            waitlist_entry_id: None,
        })
    }
}

/// What staff do to a booking's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum StatusAction {
    Confirm,
    CheckIn,
    Complete,
    Cancel,
    NoShow,
    /// Takes back an accidental check-in, no-show or cancellation on the day
    /// it was made: the booking returns to the status it had.
    Undo,
}

/// What the status rules need to know about a booking beyond its status.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatusFacts {
    pub status: BookingStatus,
    pub visit: VisitTime,
    /// The status before the last change (what an undo returns to).
    pub previous: Option<BookingStatus>,
    /// When the last change was made.
    pub since: Option<DateTime<Utc>>,
    /// The booking a reschedule moved this one to (a move is not undone here).
    pub moved_to: Option<BookingId>,
}

impl StatusAction {
    pub const ALL: [StatusAction; 6] =
        [Self::Confirm, Self::CheckIn, Self::Complete, Self::Cancel, Self::NoShow, Self::Undo];

    /// The actions a booking offers now (the UI shows these buttons).
    pub fn available(facts: &StatusFacts, now: DateTime<Utc>) -> Vec<StatusAction> {
        Self::ALL.into_iter().filter(|a| a.outcome(facts, now).is_ok()).collect()
    }

    /// The one rule for which status may follow which, regardless of the clock.
    pub fn allowed_from(self, from: BookingStatus) -> bool {
        use BookingStatus::*;
        match self {
            Self::Confirm => from == Booked,
            Self::CheckIn => matches!(from, Booked | Confirmed),
            Self::Complete => from == Arrived,
            Self::Cancel => matches!(from, Booked | Confirmed | Arrived),
            Self::NoShow => matches!(from, Booked | Confirmed),
            Self::Undo => matches!(from, Arrived | NoShow | Cancelled),
        }
    }

    /// The status the action leads to, or why it is not possible now: the
    /// status rule, then the clock (a patient arrives on the visit's day; a
    /// visit is missed only once it has started; an undo is for today's
    /// mistake, and never of a move to another time).
    fn outcome(self, facts: &StatusFacts, now: DateTime<Utc>) -> Result<BookingStatus, String> {
        use BookingStatus::*;
        let from = facts.status;
        if !self.allowed_from(from) {
            return Err(format!("a booking that is {from:?} cannot be changed by {self:?}"));
        }
        match self {
            Self::Confirm => Ok(Confirmed),
            Self::CheckIn if !facts.visit.is_visit_day(now) => {
                Err("a patient can be checked in on the day of the visit".into())
            }
            Self::CheckIn => Ok(Arrived),
            Self::Complete => Ok(Completed),
            Self::Cancel => Ok(Cancelled),
            Self::NoShow if !facts.visit.has_started(now) => {
                Err("a visit that has not started cannot be a no-show".into())
            }
            Self::NoShow => Ok(NoShow),
            Self::Undo => {
                if facts.moved_to.is_some() {
                    return Err("a booking moved to another time is not undone; book the old time again".into());
                }
                if !facts.since.is_some_and(|since| facts.visit.same_local_day(since, now)) {
                    return Err("only a change made today can be undone".into());
                }
                match facts.previous {
                    Some(previous @ (Booked | Confirmed)) => Ok(previous),
                    Some(Arrived) if from == Cancelled => Ok(Arrived),
                    _ => Err("there is nothing to undo".into()),
                }
            }
        }
    }

    /// Checks the action against the booking's status, the clock and the
    /// reason given; returns the status it leads to and the cleaned reason.
    pub fn validate(self, facts: &StatusFacts, now: DateTime<Utc>, reason: &str) -> AppResult<(BookingStatus, String)> {
        let target = self
            .outcome(facts, now)
            .map_err(|refusal| AppError::validation("action", ValidationCode::NotAllowed, refusal))?;
        let reason = if self == Self::Cancel {
            required_text("reason", reason, 512)?
        } else {
            optional_text("reason", reason, 512)?
        };
        Ok((target, reason))
    }
}

/// Who or what a booking is with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum BookingSubject {
    #[serde(rename_all = "camelCase")]
    Doctor { doctor_id: DoctorId },
    #[serde(rename_all = "camelCase")]
    Diagnostic { diagnostic_id: DiagnosticId },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BookingRequest {
    /// Made by the station (UUIDv7) so a retried request cannot book twice.
    pub booking_id: BookingId,
    pub patient_id: PatientId,
    pub location_id: LocationId,
    pub subject: BookingSubject,
    pub starts_at: DateTime<Utc>,
    #[serde(default)]
    pub patient_message: String,
    /// "Book anyway": a manager's reason for booking a time the rules refuse
    /// (outside working hours, off the grid, over a booking or the capacity).
    /// Only managers may write one; the database refuses anyone else.
    #[serde(default)]
    pub override_reason: Option<String>,
    /// The waitlist entry this booking answers; booking closes it.
    #[serde(default)]
    pub waitlist_entry_id: Option<crate::ids::WaitlistEntryId>,
}

impl BookingRequest {
    pub const OVERRIDE_REASON_MAX: usize = 512;

    pub fn validated_message(&self) -> AppResult<String> {
        optional_text("patientMessage", &self.patient_message, 1024)
    }

    /// The override's reason, required once asked for.
    pub fn validated_override(&self) -> AppResult<Option<String>> {
        self.override_reason
            .as_deref()
            .map(|reason| required_text("overrideReason", reason, Self::OVERRIDE_REASON_MAX))
            .transpose()
    }
}

/// Where a booking would go: the question "which rules does this time break?".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SlotCheckQuery {
    pub location_id: LocationId,
    pub subject: BookingSubject,
    pub starts_at: DateTime<Utc>,
}

/// One rule a time breaks, for the person to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "rule", rename_all = "camelCase")]
pub enum SlotRule {
    InThePast,
    OutsideWorkingHours,
    #[serde(rename_all = "camelCase")]
    OffGrid {
        slot_minutes: u16,
    },
    /// Every place is taken; one booking (or a desk's hold, `held`) taking it.
    #[serde(rename_all = "camelCase")]
    Taken {
        booking_id: BookingId,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        held: bool,
    },
}

/// Every rule a time breaks, and whether a manager may book it anyway (any
/// rule but the past).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SlotCheck {
    pub rules: Vec<SlotRule>,
    pub overridable: bool,
}

impl SlotCheck {
    pub fn of(calendar: &ResourceCalendar, problems: &[SlotProblem]) -> SlotCheck {
        let rules: Vec<SlotRule> = problems
            .iter()
            .map(|problem| match *problem {
                SlotProblem::InThePast => SlotRule::InThePast,
                SlotProblem::OutsideWorkingHours => SlotRule::OutsideWorkingHours,
                SlotProblem::OffGrid => SlotRule::OffGrid { slot_minutes: calendar.slot_minutes },
                SlotProblem::Taken { by } => {
                    let held = calendar.busy.iter().find(|b| b.booking_id == by);
                    SlotRule::Taken {
                        booking_id: by,
                        starts_at: held.map_or(DateTime::<Utc>::MIN_UTC, |b| b.start),
                        ends_at: held.map_or(DateTime::<Utc>::MIN_UTC, |b| b.end),
                        held: held.is_some_and(|b| b.held),
                    }
                }
            })
            .collect();
        let overridable = !rules.is_empty() && !rules.contains(&SlotRule::InThePast);
        SlotCheck { rules, overridable }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Booking {
    pub id: BookingId,
    pub patient_id: PatientId,
    pub patient_name: String,
    pub patient_number: i32,
    pub location_id: LocationId,
    pub location_name: String,
    pub subject: BookingSubject,
    /// The doctor's name or the diagnostic's type.
    pub subject_name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub price: Money,
    pub status: BookingStatus,
    /// When it entered its current status (for an arrived patient: the
    /// arrival time, from which the waiting list counts).
    #[serde(default)]
    pub status_since: Option<DateTime<Utc>>,
    /// What staff may do now (`StatusAction::available`): the status rule and
    /// the clock. Set by [`Booking::apply_rules`].
    pub allowed_actions: Vec<StatusAction>,
    /// Whether it takes its time on the board (`BookingStatus::holds_slot`).
    #[serde(default)]
    pub holds_slot: bool,
    /// Whether a result file may be attached now (`BookingSubject::accepts_results`).
    #[serde(default)]
    pub accepts_results: bool,
    /// Whether it may move to another time (`BookingStatus::reschedulable`).
    #[serde(default)]
    pub can_reschedule: bool,
    /// Whether the patient's rating may be recorded (`BookingSubject::rateable`).
    #[serde(default)]
    pub can_rate: bool,
    pub patient_message: String,
    pub rescheduled_from: Option<BookingId>,
    /// The booking a reschedule moved this one to.
    #[serde(default)]
    pub moved_to: Option<BookingId>,
    /// The status before the last change (what an undo returns to).
    #[serde(default)]
    pub previous_status: Option<BookingStatus>,
    /// The login that wrote it, as the database recorded it.
    pub created_by: String,
    /// Who entered it at a station, when that is not `created_by` (made
    /// offline by one person, pushed later under another login).
    #[serde(default)]
    pub entered_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub row_version: i32,
    /// Made or changed on this station while the clinic database was out of
    /// reach, not yet applied by the server.
    #[serde(default)]
    pub provisional: bool,
    /// Booked anyway by a manager over the rules, and why; the board marks it.
    #[serde(default)]
    pub override_reason: Option<String>,
}

impl Booking {
    pub fn visit(&self, zone: chrono_tz::Tz) -> VisitTime {
        VisitTime { starts_at: self.starts_at, zone }
    }

    pub fn status_facts(&self, zone: chrono_tz::Tz) -> StatusFacts {
        StatusFacts {
            status: self.status,
            visit: self.visit(zone),
            previous: self.previous_status,
            since: self.status_since,
            moved_to: self.moved_to,
        }
    }

    /// Fills in what the rules allow at `now` for this booking, in its
    /// location's zone: every place that hands a booking to the UI (the
    /// server's reads, a station's kept copy) calls this, so the screens never
    /// re-decide a rule.
    pub fn apply_rules(&mut self, zone: chrono_tz::Tz, now: DateTime<Utc>) {
        let visit = self.visit(zone);
        self.allowed_actions = StatusAction::available(&self.status_facts(zone), now);
        self.holds_slot = self.status.holds_slot();
        self.accepts_results = self.subject.accepts_results(self.status, &visit, now).is_ok();
        self.can_reschedule = self.status.reschedulable();
        self.can_rate = self.subject.rateable(self.status).is_ok();
    }
}

/// Who called a booking off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type))]
#[cfg_attr(feature = "sqlx", sqlx(type_name = "cancel_kind", rename_all = "snake_case"))]
#[serde(rename_all = "camelCase")]
pub enum CancelKind {
    ByPatient,
    ByClinic,
}

/// The clinic's rules for cancellations: a patient who cancels less than
/// the notice before the visit cancels late (the history says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ClinicPolicy {
    pub late_cancel_notice_minutes: i32,
    /// A desk left without input this long locks (staff sign in again).
    #[serde(default = "ClinicPolicy::default_lock_after")]
    pub lock_after_minutes: i32,
    /// A staff member who signed in online on a station within this many
    /// days may sign in there while the clinic server is out of reach.
    #[serde(default = "ClinicPolicy::default_offline_days")]
    pub offline_sign_in_days: i32,
    /// How long a desk may hold a time while on the phone.
    #[serde(default = "ClinicPolicy::default_hold_minutes")]
    pub hold_minutes: i32,
}

/// What a new clinic starts with (as migrations 09, 17 and 25 set it).
impl Default for ClinicPolicy {
    fn default() -> Self {
        ClinicPolicy {
            late_cancel_notice_minutes: 24 * 60,
            lock_after_minutes: Self::default_lock_after(),
            offline_sign_in_days: Self::default_offline_days(),
            hold_minutes: Self::default_hold_minutes(),
        }
    }
}

impl ClinicPolicy {
    /// Two weeks at most: a longer notice would make nearly every cancellation late.
    pub const NOTICE_MINUTES: Bounds = Bounds::new(0, 14 * 24 * 60);
    pub const LOCK_AFTER_MINUTES: Bounds = Bounds::new(1, 240);
    pub const OFFLINE_SIGN_IN_DAYS: Bounds = Bounds::new(0, 90);
    pub const HOLD_MINUTES: Bounds = Bounds::new(1, 30);

    fn default_lock_after() -> i32 {
        5
    }

    fn default_offline_days() -> i32 {
        14
    }

    fn default_hold_minutes() -> i32 {
        5
    }

    pub fn validate(&self) -> AppResult<ClinicPolicy> {
        Self::NOTICE_MINUTES.check(
            "lateCancelNoticeMinutes",
            self.late_cancel_notice_minutes,
            "minutes (two weeks)",
        )?;
        Self::LOCK_AFTER_MINUTES.check("lockAfterMinutes", self.lock_after_minutes, "minutes")?;
        Self::OFFLINE_SIGN_IN_DAYS.check("offlineSignInDays", self.offline_sign_in_days, "days")?;
        Self::HOLD_MINUTES.check("holdMinutes", self.hold_minutes, "minutes")?;
        Ok(*self)
    }

    pub fn is_late(&self, kind: CancelKind, starts_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        kind == CancelKind::ByPatient
            && starts_at - now < chrono::Duration::minutes(i64::from(self.late_cancel_notice_minutes))
    }
}

/// What a status change records beside the new status.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeNote {
    pub reason: String,
    pub cancel_kind: Option<CancelKind>,
    pub late: bool,
}

impl StatusRequest {
    /// A cancellation says who cancelled (field `cancelKind`); other changes
    /// carry no kind.
    pub fn checked_cancel_kind(&self) -> AppResult<Option<CancelKind>> {
        match (self.action, self.cancel_kind) {
            (StatusAction::Cancel, None) => Err(AppError::validation(
                "cancelKind",
                ValidationCode::Required,
                "say whether the patient or the clinic cancelled",
            )),
            (StatusAction::Cancel, kind) => Ok(kind),
            _ => Ok(None),
        }
    }

    /// The note to record with the change (late by the clinic's policy).
    pub fn note(
        &self,
        reason: String,
        policy: &ClinicPolicy,
        starts_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> AppResult<ChangeNote> {
        let cancel_kind = self.checked_cancel_kind()?;
        let late = cancel_kind.is_some_and(|kind| policy.is_late(kind, starts_at, now));
        Ok(ChangeNote { reason, cancel_kind, late })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    pub from_status: Option<BookingStatus>,
    pub to_status: BookingStatus,
    pub reason: String,
    /// Who cancelled (cancellations only).
    #[serde(default)]
    pub cancel_kind: Option<CancelKind>,
    /// A patient's cancellation inside the clinic's notice.
    #[serde(default)]
    pub late: bool,
    /// The login that made the change, as the database recorded it.
    pub changed_by: String,
    /// Who entered it at a station, when that is not `changed_by`.
    #[serde(default)]
    pub entered_by: Option<String>,
    pub changed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StatusRequest {
    pub booking_id: BookingId,
    pub action: StatusAction,
    #[serde(default)]
    pub reason: String,
    /// Who cancelled: required to cancel.
    #[serde(default)]
    pub cancel_kind: Option<CancelKind>,
    /// The version the person acted on; a stale one is a conflict.
    pub expected_version: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RescheduleRequest {
    pub booking_id: BookingId,
    /// Id for the new booking, made by the station.
    pub new_booking_id: BookingId,
    pub starts_at: DateTime<Utc>,
    /// Another location for the new booking (the same one when empty).
    #[serde(default)]
    pub location_id: Option<LocationId>,
    /// Another doctor or diagnostic (the same one when empty).
    #[serde(default)]
    pub subject: Option<BookingSubject>,
    pub expected_version: i32,
    #[serde(default)]
    pub reason: String,
}

/// Free slots of a doctor or diagnostic at a location over local dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SlotQuery {
    pub location_id: LocationId,
    pub subject: BookingSubject,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl SlotQuery {
    pub const MAX_DAYS: i64 = 92;

    pub fn validate(&self) -> AppResult<()> {
        validate_dates(self.from, self.to, Self::MAX_DAYS)
    }
}

/// `from..=to` in order and at most `max_days` long; `to` is the field blamed.
fn validate_dates(from: NaiveDate, to: NaiveDate, max_days: i64) -> AppResult<()> {
    if to < from {
        return Err(AppError::validation("to", ValidationCode::OutOfRange, "must not be before the first date"));
    }
    if (to - from).num_days() >= max_days {
        return Err(AppError::validation(
            "to",
            ValidationCode::OutOfRange,
            format!("ask for at most {max_days} days at a time"),
        ));
    }
    Ok(())
}

/// A weekly template being edited, shown on real dates before it is saved:
/// the location's own hours (`doctor_id` empty) or a doctor's hours there.
/// Exceptions and existing bookings apply as they would after saving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HoursPreviewQuery {
    pub location_id: LocationId,
    pub doctor_id: Option<DoctorId>,
    pub week: Vec<WeeklyInterval>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl HoursPreviewQuery {
    pub const MAX_DAYS: i64 = 31;

    pub fn validate(&self) -> AppResult<()> {
        validate_dates(self.from, self.to, Self::MAX_DAYS)
    }
}

/// One date of an hours preview: when it is open, and how many slots that
/// makes (`free_slots` leaves out booked and past ones).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DayPreview {
    pub date: NaiveDate,
    pub open: Vec<OpenSpan>,
    pub slots: u32,
    pub free_slots: u32,
}

/// One column of the day board: a doctor working that day, or a diagnostic
/// offered at the location, with the hours it is open that day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BoardColumn {
    pub subject: BookingSubject,
    pub name: String,
    /// Specialty for a doctor, empty for a diagnostic.
    pub detail: String,
    pub slot_minutes: i32,
    pub lanes: i32,
    pub open: Vec<OpenSpan>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OpenSpan {
    pub start: WallTime,
    pub end: WallTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DayBoard {
    pub location: Location,
    pub date: NaiveDate,
    pub columns: Vec<BoardColumn>,
    pub bookings: Vec<Booking>,
    /// Times held at desks right now (each until its `expires_at`).
    #[serde(default)]
    pub holds: Vec<SlotHold>,
}

/// A time a desk holds while on the phone: nobody else books or holds it
/// until it is booked (with the same id), released, or expires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SlotHold {
    /// The id the booking made from it will have.
    pub id: BookingId,
    pub location_id: LocationId,
    pub subject: BookingSubject,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The login holding it.
    pub held_by: String,
    pub expires_at: DateTime<Utc>,
}

/// Hold a free time for a few minutes (the clinic's `hold_minutes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HoldRequest {
    /// The booking's id to be, made by the station.
    pub hold_id: BookingId,
    pub location_id: LocationId,
    pub subject: BookingSubject,
    pub starts_at: DateTime<Utc>,
}

impl DayBoard {
    /// The engine's calendar for one column, rebuilt from the board alone:
    /// what a station uses for free slots while the clinic database is out of
    /// reach. The column's open spans become that date's hours; the board's
    /// slot-holding bookings of the subject are busy (lanes assigned in start
    /// order). The same doctor's bookings at other locations are not on the
    /// board; the server's check when the booking is pushed catches those.
    pub fn column_calendar(&self, subject: BookingSubject) -> AppResult<Option<ResourceCalendar>> {
        let Some(column) = self.columns.iter().find(|c| c.subject == subject) else {
            return Ok(None);
        };
        let time_zone = parse_time_zone("timeZone", &self.location.time_zone)?;
        let mut mine: Vec<_> = self.bookings.iter().filter(|b| b.subject == subject && b.status.holds_slot()).collect();
        mine.sort_by_key(|b| b.starts_at);
        let mut busy: Vec<Busy> = Vec::with_capacity(mine.len());
        for booking in mine {
            let laneless = booking.override_reason.is_some();
            let lane = (1..)
                .find(|lane| {
                    laneless
                        || !busy.iter().any(|b| {
                            !b.laneless && b.lane == *lane && b.end > booking.starts_at && b.start < booking.ends_at
                        })
                })
                .unwrap_or(1);
            busy.push(Busy {
                booking_id: booking.id,
                start: booking.starts_at,
                end: booking.ends_at,
                lane,
                laneless,
                held: false,
            });
        }
        Ok(Some(ResourceCalendar {
            time_zone,
            slot_minutes: u16::try_from(column.slot_minutes).unwrap_or(u16::MAX),
            location_week: vec![],
            location_exceptions: column
                .open
                .iter()
                .map(|span| DateException {
                    date: self.date,
                    kind: ExceptionKind::ExtraHours,
                    span: Some((span.start, span.end)),
                })
                .collect(),
            resource_week: None,
            resource_exceptions: vec![],
            lanes: u16::try_from(column.lanes).unwrap_or(1),
            busy,
        }))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RatingInput {
    pub rating_id: RatingId,
    pub booking_id: BookingId,
    pub rating: i32,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Rating {
    pub id: RatingId,
    pub doctor_id: DoctorId,
    pub patient_id: PatientId,
    pub booking_id: BookingId,
    pub rating: i32,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

/// A stored result file's description (the bytes travel separately).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ResultFile {
    pub id: ResultId,
    pub booking_id: BookingId,
    pub patient_id: PatientId,
    pub diagnostic_name: String,
    pub file_name: String,
    pub media_type: String,
    pub byte_size: i32,
    /// Lower-case hex, as `sha256sum` prints it.
    pub sha256: String,
    pub uploaded_by: String,
    pub created_at: DateTime<Utc>,
}

/// Bookings at a location changed within `[from, to)`, by any station: the
/// day boards showing that range refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BookingsChange {
    pub location_id: LocationId,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DiagnosticId, PatientId};

    fn board(lanes: i32, starts: &[&str]) -> DayBoard {
        let subject = BookingSubject::Diagnostic { diagnostic_id: DiagnosticId(4) };
        let booking = |start: &&str| {
            let starts_at: DateTime<Utc> = start.parse().unwrap();
            Booking {
                id: BookingId::generate(),
                patient_id: PatientId::generate(),
                patient_name: "P".into(),
                patient_number: 1,
                location_id: LocationId(1),
                location_name: "Centre".into(),
                subject,
                subject_name: "MRI".into(),
                starts_at,
                ends_at: starts_at + chrono::Duration::minutes(60),
                price: Money::parse("price", "1800.00").unwrap(),
                status: BookingStatus::Booked,
                status_since: None,
                allowed_actions: vec![],
                holds_slot: true,
                accepts_results: false,
                can_reschedule: false,
                can_rate: false,
                patient_message: String::new(),
                rescheduled_from: None,
                moved_to: None,
                previous_status: None,
                created_by: "Desk".into(),
                entered_by: None,
                created_at: starts_at,
                row_version: 1,
                provisional: false,
                override_reason: None,
            }
        };
        DayBoard {
            location: Location {
                id: LocationId(1),
                name: "Centre".into(),
                address: String::new(),
                phone: String::new(),
                time_zone: "Europe/Kyiv".into(),
                grid_minutes: 15,
                is_active: true,
                row_version: 1,
            },
            date: "2030-01-07".parse().unwrap(),
            columns: vec![BoardColumn {
                subject,
                name: "MRI".into(),
                detail: String::new(),
                slot_minutes: 60,
                lanes,
                open: vec![OpenSpan { start: WallTime::hm(9, 0), end: WallTime::hm(12, 0) }],
            }],
            bookings: starts.iter().map(booking).collect(),
            holds: vec![],
        }
    }

    fn free(board: &DayBoard) -> Vec<String> {
        let subject = board.columns[0].subject;
        let calendar = board.column_calendar(subject).unwrap().unwrap();
        let now = "2030-01-01T00:00:00Z".parse().unwrap();
        calendar.free_slots(board.date, board.date, now).iter().map(|s| s.starts_at.to_rfc3339()).collect()
    }

    #[test]
    fn a_kept_board_column_gives_the_engine_its_hours_and_bookings() {
        // 09:00–12:00 Kyiv is 07:00–10:00 UTC; the 10:00 local slot is booked.
        let one_lane = board(1, &["2030-01-07T08:00:00Z"]);
        assert_eq!(free(&one_lane), ["2030-01-07T07:00:00+00:00", "2030-01-07T09:00:00+00:00"]);
    }

    #[test]
    fn kept_bookings_fill_lanes_before_a_slot_counts_as_taken() {
        let two_lanes = board(2, &["2030-01-07T08:00:00Z"]);
        assert_eq!(free(&two_lanes).len(), 3, "one of two lanes taken leaves the slot free");
        let full = board(2, &["2030-01-07T08:00:00Z", "2030-01-07T08:00:00Z"]);
        assert_eq!(free(&full), ["2030-01-07T07:00:00+00:00", "2030-01-07T09:00:00+00:00"]);
    }

    #[test]
    fn a_subject_not_on_the_board_has_no_calendar() {
        let board = board(1, &[]);
        assert!(board.column_calendar(BookingSubject::Doctor { doctor_id: DoctorId(9) }).unwrap().is_none());
    }

    fn visit(starts_at: &str) -> VisitTime {
        VisitTime { starts_at: starts_at.parse().unwrap(), zone: chrono_tz::Europe::Kyiv }
    }

    fn at(now: &str) -> DateTime<Utc> {
        now.parse().unwrap()
    }

    fn facts(status: BookingStatus, visit: VisitTime) -> StatusFacts {
        StatusFacts { status, visit, previous: None, since: None, moved_to: None }
    }

    #[test]
    fn an_accidental_check_in_no_show_or_cancel_is_undone_on_the_same_day() {
        let visit = visit("2030-01-07T07:00:00Z");
        let changed = |status, previous, since: &str| StatusFacts {
            status,
            visit,
            previous: Some(previous),
            since: Some(at(since)),
            moved_to: None,
        };
        let arrived = changed(BookingStatus::Arrived, BookingStatus::Confirmed, "2030-01-07T06:50:00Z");
        let undo = |facts: &StatusFacts, now| StatusAction::Undo.validate(facts, at(now), "").map(|(to, _)| to);
        assert_eq!(undo(&arrived, "2030-01-07T07:05:00Z").unwrap(), BookingStatus::Confirmed);
        assert!(StatusAction::available(&arrived, at("2030-01-07T07:05:00Z")).contains(&StatusAction::Undo));
        // 22:30 UTC is already the next day in Kyiv.
        assert_eq!(undo(&arrived, "2030-01-07T22:30:00Z").unwrap_err().field(), Some("action"));
        let missed = changed(BookingStatus::NoShow, BookingStatus::Booked, "2030-01-07T07:20:00Z");
        assert_eq!(undo(&missed, "2030-01-07T08:00:00Z").unwrap(), BookingStatus::Booked);
        let cancelled = changed(BookingStatus::Cancelled, BookingStatus::Arrived, "2030-01-07T07:10:00Z");
        assert_eq!(undo(&cancelled, "2030-01-07T07:11:00Z").unwrap(), BookingStatus::Arrived);
        let moved = StatusFacts { moved_to: Some(BookingId::generate()), ..cancelled };
        assert!(undo(&moved, "2030-01-07T07:11:00Z").is_err(), "a move is not undone");
        let completed = changed(BookingStatus::Completed, BookingStatus::Arrived, "2030-01-07T07:40:00Z");
        assert!(undo(&completed, "2030-01-07T07:41:00Z").is_err(), "completing is not an accident to undo");
        assert!(!StatusAction::available(&facts(BookingStatus::Booked, visit), at("2030-01-07T07:05:00Z"))
            .contains(&StatusAction::Undo));
    }

    #[test]
    fn check_in_is_offered_on_the_visits_local_day_only() {
        // 09:00 Kyiv on 7 January is 07:00 UTC; 23:30 UTC on the 6th is already the 7th in Kyiv.
        let visit = visit("2030-01-07T07:00:00Z");
        let offered = |now| {
            StatusAction::available(&facts(BookingStatus::Booked, visit), at(now)).contains(&StatusAction::CheckIn)
        };
        assert!(!offered("2029-12-17T08:00:00Z"), "three weeks early");
        assert!(!offered("2030-01-06T21:00:00Z"), "the evening before, local time");
        assert!(offered("2030-01-06T23:30:00Z"), "after local midnight of the visit's day");
        assert!(offered("2030-01-07T15:00:00Z"), "late on the day");
        assert!(!offered("2030-01-07T22:30:00Z"), "the next local day");
        let early =
            StatusAction::CheckIn.validate(&facts(BookingStatus::Booked, visit), at("2029-12-17T08:00:00Z"), "");
        assert_eq!(early.unwrap_err().field(), Some("action"));
    }

    #[test]
    fn no_show_is_offered_once_the_visit_has_started() {
        let visit = visit("2030-01-07T07:00:00Z");
        let offered = |now| {
            StatusAction::available(&facts(BookingStatus::Confirmed, visit), at(now)).contains(&StatusAction::NoShow)
        };
        assert!(!offered("2030-01-07T06:59:00Z"));
        assert!(offered("2030-01-07T07:00:00Z"));
        assert!(offered("2030-01-09T07:00:00Z"), "a missed visit can still be marked later");
        let early = StatusAction::NoShow.validate(&facts(BookingStatus::Booked, visit), at("2030-01-07T06:00:00Z"), "");
        assert!(early.is_err());
    }

    #[test]
    fn results_attach_once_a_diagnostic_visit_has_started() {
        let mri = BookingSubject::Diagnostic { diagnostic_id: DiagnosticId(4) };
        let visit = visit("2030-01-07T07:00:00Z");
        assert!(mri.accepts_results(BookingStatus::Booked, &visit, at("2030-01-06T07:00:00Z")).is_err());
        assert!(mri.accepts_results(BookingStatus::Arrived, &visit, at("2030-01-07T07:05:00Z")).is_ok());
        assert!(mri.accepts_results(BookingStatus::NoShow, &visit, at("2030-01-07T09:00:00Z")).is_err());
        let doctor = BookingSubject::Doctor { doctor_id: DoctorId(1) };
        assert!(doctor.accepts_results(BookingStatus::Completed, &visit, at("2030-01-08T00:00:00Z")).is_err());
    }

    #[test]
    fn a_booking_carries_what_its_rules_allow_now() {
        let mut booking = board(1, &["2030-01-07T07:00:00Z"]).bookings.remove(0);
        booking.apply_rules(chrono_tz::Europe::Kyiv, at("2030-01-07T07:30:00Z"));
        assert_eq!(
            booking.allowed_actions,
            [StatusAction::Confirm, StatusAction::CheckIn, StatusAction::Cancel, StatusAction::NoShow]
        );
        assert!(booking.holds_slot);
        assert!(booking.accepts_results, "an MRI under way takes its result");
        assert!(booking.can_reschedule && !booking.can_rate, "a diagnostic is never rated");
        booking.status = BookingStatus::Cancelled;
        booking.apply_rules(chrono_tz::Europe::Kyiv, at("2030-01-07T07:30:00Z"));
        assert!(booking.allowed_actions.is_empty());
        assert!(!booking.holds_slot);
        assert!(!booking.accepts_results);
        assert!(!booking.can_reschedule);
        // A completed visit with a doctor is rated, and stays where it was.
        booking.subject = BookingSubject::Doctor { doctor_id: DoctorId(1) };
        booking.status = BookingStatus::Completed;
        booking.apply_rules(chrono_tz::Europe::Kyiv, at("2030-01-07T09:30:00Z"));
        assert!(booking.can_rate && !booking.can_reschedule);
    }

    #[test]
    fn a_patients_cancellation_inside_the_notice_is_late_and_a_kind_is_required() {
        let policy =
            ClinicPolicy { late_cancel_notice_minutes: 24 * 60, ..ClinicPolicy::default() }.validate().unwrap();
        let starts_at = at("2030-01-07T07:00:00Z");
        let cancel = |kind| StatusRequest {
            booking_id: BookingId::generate(),
            action: StatusAction::Cancel,
            reason: "ill".into(),
            cancel_kind: kind,
            expected_version: 1,
        };
        let note = |kind, now| cancel(kind).note("ill".into(), &policy, starts_at, at(now));
        assert!(note(Some(CancelKind::ByPatient), "2030-01-06T08:00:00Z").unwrap().late, "23 hours ahead");
        assert!(!note(Some(CancelKind::ByPatient), "2030-01-06T06:00:00Z").unwrap().late, "25 hours ahead");
        assert!(!note(Some(CancelKind::ByClinic), "2030-01-07T06:00:00Z").unwrap().late, "the clinic is never late");
        assert_eq!(note(None, "2030-01-06T06:00:00Z").unwrap_err().field(), Some("cancelKind"));
        let too_long = ClinicPolicy {
            late_cancel_notice_minutes: ClinicPolicy::NOTICE_MINUTES.max + 1,
            ..ClinicPolicy::default()
        }
        .validate();
        assert_eq!(too_long.unwrap_err().field(), Some("lateCancelNoticeMinutes"));
        let never_locks = ClinicPolicy { lock_after_minutes: 0, ..ClinicPolicy::default() }.validate();
        assert_eq!(never_locks.unwrap_err().field(), Some("lockAfterMinutes"));
        let a_year_offline = ClinicPolicy { offline_sign_in_days: 365, ..ClinicPolicy::default() }.validate();
        assert_eq!(a_year_offline.unwrap_err().field(), Some("offlineSignInDays"));
        assert!(
            ClinicPolicy { offline_sign_in_days: 0, ..ClinicPolicy::default() }.validate().is_ok(),
            "never offline"
        );
    }
}
