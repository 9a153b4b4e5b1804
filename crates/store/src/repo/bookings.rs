use chrono::{DateTime, NaiveDate, Utc};
use clinic_domain::availability::Busy;
use clinic_domain::bookings::{
    Booking, BookingStatus, BookingSubject, CancelKind, ChangeNote, ClinicPolicy, StatusChange, StatusFacts, VisitTime,
};
use clinic_domain::catalogue::Location;
use clinic_domain::ids::{BookingId, DiagnosticId, DoctorId, LocationId, PatientId};
use clinic_domain::values::{parse_time_zone, Money};
use clinic_domain::{AppError, AppResult, Entity};
use sqlx::PgConnection;

use crate::error::DbResultExt;

pub struct NewBooking<'a> {
    pub id: BookingId,
    pub patient_id: PatientId,
    pub location_id: LocationId,
    pub subject: BookingSubject,
    pub diagnostic_lane: Option<i16>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub price: Money,
    pub patient_message: &'a str,
    pub rescheduled_from: Option<BookingId>,
    /// A manager's reason for booking over the rules ("book anyway").
    pub override_reason: Option<&'a str>,
    /// What the returned booking shows: its location (and zone) and the
    /// doctor's or diagnostic's name.
    pub location: &'a Location,
    pub zone: chrono_tz::Tz,
    pub subject_name: &'a str,
}

/// Bookings of one doctor (at any location) or of one diagnostic at one
/// location take turns: the transaction waits here, before it reads what is
/// busy, while another one taking time of the same resource is open.
/// Without it, concurrent inserts of overlapping rows wait on each other
/// inside the exclusion constraint and end in deadlocks that the server
/// breaks only after `deadlock_timeout` (a second each; twenty desks racing
/// for one hour queued behind each other for minutes). The constraint stays
/// the guarantee; the turn only orders the contenders.
pub async fn take_turn(conn: &mut PgConnection, subject: BookingSubject, location: LocationId) -> AppResult<()> {
    // pg_advisory_xact_lock returns void, which a query cannot hand back.
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "turns!" FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS turn"#,
        turn_key(subject, location)
    )
    .fetch_one(conn)
    .await
    .db()?;
    Ok(())
}

fn turn_key(subject: BookingSubject, location: LocationId) -> String {
    match subject {
        BookingSubject::Doctor { doctor_id } => format!("clinic booking: doctor {doctor_id}"),
        BookingSubject::Diagnostic { diagnostic_id } => {
            format!("clinic booking: diagnostic {diagnostic_id} at {location}")
        }
    }
}

/// Opens a booking's transaction in one round trip: records who enters it
/// at the station (as `enter_as`), waits for the resource's turn (as
/// [`take_turn`]) and tells whether a booking with this id exists already
/// (a repeated request). What is busy must be read after this statement:
/// its snapshot predates the wait.
pub async fn open_booking(
    conn: &mut PgConnection,
    entered_by: &str,
    subject: BookingSubject,
    location: LocationId,
    id: BookingId,
) -> AppResult<bool> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM bookings WHERE booking_id = $3) AS "booked!"
             FROM (SELECT set_config('clinic.entered_by', $1, true),
                          pg_advisory_xact_lock(hashtextextended($2, 0))) AS opened"#,
        entered_by,
        turn_key(subject, location),
        id as BookingId
    )
    .fetch_one(conn)
    .await
    .db()
}

/// What the insert hands back that the caller does not already know.
struct Inserted {
    patient_name: String,
    patient_number: i32,
    status: BookingStatus,
    created_by: String,
    entered_by: Option<String>,
    created_at: DateTime<Utc>,
    row_version: i32,
}

/// Inserts the booking and returns it as a read would (the database records
/// its author and its first status-history entry), in one statement.
pub async fn insert(conn: &mut PgConnection, b: &NewBooking<'_>, now: DateTime<Utc>) -> AppResult<Booking> {
    let (doctor, diagnostic) = match b.subject {
        BookingSubject::Doctor { doctor_id } => (Some(doctor_id.0), None),
        BookingSubject::Diagnostic { diagnostic_id } => (None, Some(diagnostic_id.0)),
    };
    // Two statements: naming `override_reason` at all needs its column
    // grant, which only managers have.
    let inserted = match b.override_reason {
        None => {
            sqlx::query_as!(
                Inserted,
                r#"WITH made AS (
                     INSERT INTO bookings (booking_id, patient_id, location_id, doctor_id, diagnostic_id,
                                           diagnostic_lane, starts_at, ends_at, price, patient_message,
                                           rescheduled_from)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                     RETURNING patient_id, status, created_by, entered_by, created_at, row_version)
                   SELECT p.full_name AS patient_name, p.patient_number, made.status AS "status: BookingStatus",
                          made.created_by, NULLIF(made.entered_by, made.created_by) AS entered_by,
                          made.created_at, made.row_version
                     FROM made JOIN patients p ON p.patient_id = made.patient_id"#,
                b.id as BookingId,
                b.patient_id as PatientId,
                b.location_id as LocationId,
                doctor,
                diagnostic,
                b.diagnostic_lane,
                b.starts_at,
                b.ends_at,
                b.price.amount(),
                b.patient_message,
                b.rescheduled_from as Option<BookingId>
            )
            .fetch_optional(&mut *conn)
            .await
        }
        Some(reason) => {
            sqlx::query_as!(
                Inserted,
                r#"WITH made AS (
                     INSERT INTO bookings (booking_id, patient_id, location_id, doctor_id, diagnostic_id,
                                           diagnostic_lane, starts_at, ends_at, price, patient_message,
                                           rescheduled_from, override_reason)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                     RETURNING patient_id, status, created_by, entered_by, created_at, row_version)
                   SELECT p.full_name AS patient_name, p.patient_number, made.status AS "status: BookingStatus",
                          made.created_by, NULLIF(made.entered_by, made.created_by) AS entered_by,
                          made.created_at, made.row_version
                     FROM made JOIN patients p ON p.patient_id = made.patient_id"#,
                b.id as BookingId,
                b.patient_id as PatientId,
                b.location_id as LocationId,
                doctor,
                diagnostic,
                b.diagnostic_lane,
                b.starts_at,
                b.ends_at,
                b.price.amount(),
                b.patient_message,
                b.rescheduled_from as Option<BookingId>,
                reason
            )
            .fetch_optional(&mut *conn)
            .await
        }
    };
    // No row: the patient is not one this login may read (the foreign key
    // refuses unknown ones before that).
    let made = inserted.db()?.ok_or_else(|| AppError::not_found(Entity::Patient, b.patient_id))?;
    let mut booking = Booking {
        id: b.id,
        patient_id: b.patient_id,
        patient_name: made.patient_name,
        patient_number: made.patient_number,
        location_id: b.location_id,
        location_name: b.location.name.clone(),
        subject: b.subject,
        subject_name: b.subject_name.to_string(),
        starts_at: b.starts_at,
        ends_at: b.ends_at,
        price: b.price,
        status: made.status,
        // Its first history entry, written in the same transaction.
        status_since: Some(made.created_at),
        allowed_actions: vec![],
        holds_slot: false,
        accepts_results: false,
        can_reschedule: false,
        can_rate: false,
        patient_message: b.patient_message.to_string(),
        rescheduled_from: b.rescheduled_from,
        moved_to: None,
        previous_status: None,
        created_by: made.created_by,
        entered_by: made.entered_by,
        created_at: made.created_at,
        row_version: made.row_version,
        provisional: false,
        override_reason: b.override_reason.map(str::to_string),
    };
    booking.apply_rules(b.zone, now);
    Ok(booking)
}

/// Tells the status-history trigger why the next status change happens
/// (transaction-local; the trigger uses it once). Who made it, the trigger
/// takes from the session.
async fn describe_change(conn: &mut PgConnection, note: &ChangeNote) -> AppResult<()> {
    let cancel_kind = note.cancel_kind.map(|kind| match kind {
        CancelKind::ByPatient => "by_patient",
        CancelKind::ByClinic => "by_clinic",
    });
    sqlx::query!(
        "SELECT set_config('clinic.change_reason', $1, true) AS reason,
                set_config('clinic.cancel_kind', $2, true) AS cancel_kind,
                set_config('clinic.late_cancel', $3, true) AS late",
        note.reason,
        cancel_kind.unwrap_or(""),
        if note.late { "true" } else { "false" }
    )
    .fetch_one(conn)
    .await
    .db()?;
    Ok(())
}

/// Moves the booking to `to` if it is still at `expected_version`; the
/// database records the change with `note`. `false` when the version moved on.
pub async fn set_status(
    conn: &mut PgConnection,
    id: BookingId,
    expected_version: i32,
    to: BookingStatus,
    note: &ChangeNote,
) -> AppResult<bool> {
    describe_change(conn, note).await?;
    let done = sqlx::query!(
        "UPDATE bookings SET status = $3 WHERE booking_id = $1 AND row_version = $2",
        id as BookingId,
        expected_version,
        to as BookingStatus
    )
    .execute(&mut *conn)
    .await
    .db()?;
    Ok(done.rows_affected() == 1)
}

/// The booking's current state, locked until the transaction ends so status
/// changes on it happen one at a time.
pub struct Locked {
    /// The status and what the status rules ask with it (the visit's time in
    /// its location's zone, the last change, a move).
    pub facts: StatusFacts,
    pub row_version: i32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub patient_id: PatientId,
    pub location_id: LocationId,
    pub subject: BookingSubject,
    pub patient_message: String,
}

pub async fn lock(conn: &mut PgConnection, id: BookingId) -> AppResult<Option<Locked>> {
    let row = sqlx::query!(
        r#"SELECT b.status AS "status: BookingStatus", b.row_version, b.starts_at, b.ends_at,
                  b.patient_id AS "patient_id: PatientId", b.location_id AS "location_id: LocationId",
                  b.doctor_id, b.diagnostic_id, b.patient_message, l.time_zone,
                  last.changed_at AS "status_since?", last.from_status AS "previous_status?: BookingStatus",
                  moved.booking_id AS "moved_to?: BookingId"
             FROM bookings b
             JOIN locations l ON l.location_id = b.location_id
             LEFT JOIN LATERAL (SELECT c.from_status, c.changed_at FROM booking_status_changes c
                                 WHERE c.booking_id = b.booking_id
                                 ORDER BY c.changed_at DESC, c.booking_status_change_id DESC LIMIT 1) last ON true
             LEFT JOIN LATERAL (SELECT n.booking_id FROM bookings n
                                 WHERE n.rescheduled_from = b.booking_id LIMIT 1) moved ON true
            WHERE b.booking_id = $1 FOR UPDATE OF b"#,
        id as BookingId
    )
    .fetch_optional(conn)
    .await
    .db()?;
    row.map(|r| {
        Ok(Locked {
            facts: StatusFacts {
                status: r.status,
                visit: VisitTime { starts_at: r.starts_at, zone: parse_time_zone("timeZone", &r.time_zone)? },
                previous: r.previous_status,
                since: r.status_since,
                moved_to: r.moved_to,
            },
            row_version: r.row_version,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            patient_id: r.patient_id,
            location_id: r.location_id,
            subject: subject(r.doctor_id, r.diagnostic_id),
            patient_message: r.patient_message,
        })
    })
    .transpose()
}

pub(crate) fn subject(doctor_id: Option<i32>, diagnostic_id: Option<i32>) -> BookingSubject {
    match (doctor_id, diagnostic_id) {
        (Some(d), _) => BookingSubject::Doctor { doctor_id: DoctorId(d) },
        (None, Some(g)) => BookingSubject::Diagnostic { diagnostic_id: DiagnosticId(g) },
        (None, None) => unreachable!("bookings_subject_check guarantees one of them"),
    }
}

/// Which bookings to read: one, a location's time range, or a patient's.
pub enum Select {
    One(BookingId),
    /// These bookings (a station's pull of what changed).
    Ids(Vec<BookingId>),
    LocationRange {
        location: LocationId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
    Patient(PatientId),
}

/// A booking as read, before its rules are applied.
struct BookingRow {
    id: BookingId,
    patient_id: PatientId,
    patient_name: String,
    patient_number: i32,
    location_id: LocationId,
    location_name: String,
    time_zone: String,
    doctor_id: Option<i32>,
    diagnostic_id: Option<i32>,
    subject_name: String,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    price: sqlx::types::Decimal,
    status: BookingStatus,
    patient_message: String,
    status_since: Option<DateTime<Utc>>,
    previous_status: Option<BookingStatus>,
    moved_to: Option<BookingId>,
    rescheduled_from: Option<BookingId>,
    created_by: String,
    entered_by: Option<String>,
    created_at: DateTime<Utc>,
    row_version: i32,
    override_reason: Option<String>,
}

/// Bookings with the names staff see; a patient's newest first, otherwise by time.
/// Each booking carries what its rules allow at `now` (`Booking::apply_rules`).
pub async fn select(conn: &mut PgConnection, which: Select, now: DateTime<Utc>) -> AppResult<Vec<Booking>> {
    let (one, patient, ids) = match which {
        Select::One(id) => (Some(id.0), None, None),
        Select::Ids(ids) => (None, None, Some(ids.into_iter().map(|id| id.0).collect::<Vec<_>>())),
        Select::LocationRange { location, from, to } => return day(conn, location, from, to, now).await,
        Select::Patient(p) => (None, Some(p.0), None),
    };
    let rows = sqlx::query_as!(
        BookingRow,
        r#"SELECT b.booking_id AS "id: BookingId", b.patient_id AS "patient_id: PatientId",
                  p.full_name AS patient_name, p.patient_number,
                  b.location_id AS "location_id: LocationId", l.name AS location_name, l.time_zone,
                  b.doctor_id, b.diagnostic_id,
                  COALESCE(d.full_name, g.type_name) AS "subject_name!",
                  b.starts_at, b.ends_at, b.price, b.status AS "status: BookingStatus", b.patient_message,
                  last.changed_at AS "status_since?", last.from_status AS "previous_status?: BookingStatus",
                  moved.booking_id AS "moved_to?: BookingId",
                  b.rescheduled_from AS "rescheduled_from: BookingId", b.created_by,
                  NULLIF(b.entered_by, b.created_by) AS entered_by, b.created_at, b.row_version,
                  b.override_reason
             FROM bookings b
             JOIN patients p ON p.patient_id = b.patient_id
             JOIN locations l ON l.location_id = b.location_id
             LEFT JOIN doctors d ON d.doctor_id = b.doctor_id
             LEFT JOIN diagnostics g ON g.diagnostic_id = b.diagnostic_id
             LEFT JOIN LATERAL (SELECT c.from_status, c.changed_at FROM booking_status_changes c
                                 WHERE c.booking_id = b.booking_id
                                 ORDER BY c.changed_at DESC, c.booking_status_change_id DESC LIMIT 1) last ON true
             LEFT JOIN LATERAL (SELECT n.booking_id FROM bookings n
                                 WHERE n.rescheduled_from = b.booking_id LIMIT 1) moved ON true
            WHERE ($1::uuid IS NULL OR b.booking_id = $1)
              AND ($2::uuid IS NULL OR b.patient_id = $2)
              AND ($3::uuid[] IS NULL OR b.booking_id = ANY($3))
            ORDER BY b.starts_at DESC, b.booking_id"#,
        one,
        patient,
        ids.as_deref()
    )
    .fetch_all(conn)
    .await
    .db()?;
    rows.into_iter().map(|r| r.into_booking(now)).collect()
}

/// A location's bookings starting in `[from, to)`, by time: the day board's.
/// Its own statement, shaped so only one plan makes sense at any clinic
/// size: the location's day from its index, then each booking's patient
/// and last status by key (`OFFSET 0` keeps the patient a look-up, never a
/// hash of the whole patients table; issue 16).
async fn day(
    conn: &mut PgConnection,
    location: LocationId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<Vec<Booking>> {
    let rows = sqlx::query_file_as!(BookingRow, "queries/board_day.sql", location as LocationId, from, to)
        .fetch_all(conn)
        .await
        .db()?;
    rows.into_iter().map(|r| r.into_booking(now)).collect()
}

impl BookingRow {
    fn into_booking(self, now: DateTime<Utc>) -> AppResult<Booking> {
        let r = self;
        let mut booking = Booking {
            id: r.id,
            patient_id: r.patient_id,
            patient_name: r.patient_name,
            patient_number: r.patient_number,
            location_id: r.location_id,
            location_name: r.location_name,
            subject: subject(r.doctor_id, r.diagnostic_id),
            subject_name: r.subject_name,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            price: Money::from_stored(r.price),
            status: r.status,
            status_since: r.status_since,
            allowed_actions: vec![],
            holds_slot: false,
            accepts_results: false,
            can_reschedule: false,
            can_rate: false,
            patient_message: r.patient_message,
            rescheduled_from: r.rescheduled_from,
            moved_to: r.moved_to,
            previous_status: r.previous_status,
            created_by: r.created_by,
            entered_by: r.entered_by,
            created_at: r.created_at,
            row_version: r.row_version,
            provisional: false,
            override_reason: r.override_reason,
        };
        // A location stored with a zone the app cannot read: its bookings
        // are still listed (a patient's history), offering no actions.
        match parse_time_zone("timeZone", &r.time_zone) {
            Ok(zone) => booking.apply_rules(zone, now),
            Err(_) => tracing::warn!(location = %booking.location_id, zone = %r.time_zone, "unknown time zone"),
        }
        Ok(booking)
    }
}

pub async fn history(conn: &mut PgConnection, id: BookingId) -> AppResult<Vec<StatusChange>> {
    sqlx::query_as!(
        StatusChange,
        r#"SELECT from_status AS "from_status: BookingStatus", to_status AS "to_status: BookingStatus",
                  reason, cancel_kind AS "cancel_kind: CancelKind", late, changed_by,
                  NULLIF(entered_by, changed_by) AS entered_by, changed_at
             FROM booking_status_changes WHERE booking_id = $1
            ORDER BY changed_at, booking_status_change_id"#,
        id as BookingId
    )
    .fetch_all(conn)
    .await
    .db()
}

/// The earliest a booking overlapping `[from, …)` can start: no booking is
/// longer than the longest slot (`bookings_length_check`, migration 21, says
/// the same to the database). The index on `starts_at` then bounds a busy
/// read on both sides, so its cost is the window's, not the history's.
pub(crate) fn earliest_start(from: DateTime<Utc>) -> DateTime<Utc> {
    from - chrono::Duration::minutes(i64::from(clinic_domain::values::SLOT_MINUTES.max))
}

/// What keeps a doctor busy over `[from, to)`, at every location: slot-holding
/// bookings and live holds at desks (but `own`, the hold a booking takes).
pub async fn busy_for_doctor(
    conn: &mut PgConnection,
    doctor: DoctorId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    own: Option<BookingId>,
) -> AppResult<Vec<Busy>> {
    Ok(busy_for_doctors(conn, &[doctor], from, to, own).await?.into_iter().map(|(_, busy)| busy).collect())
}

/// What takes a diagnostic's places at a location over `[from, to)`:
/// slot-holding bookings on their lanes, live holds on none (but `own`).
pub async fn busy_for_diagnostic(
    conn: &mut PgConnection,
    diagnostic: DiagnosticId,
    location: LocationId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    own: Option<BookingId>,
) -> AppResult<Vec<Busy>> {
    Ok(busy_for_diagnostic_at(conn, diagnostic, &[location], from, to, own)
        .await?
        .into_iter()
        .map(|(_, busy)| busy)
        .collect())
}

/// [`busy_for_doctor`] for several doctors at once (the openings search).
pub async fn busy_for_doctors(
    conn: &mut PgConnection,
    doctors: &[DoctorId],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    own: Option<BookingId>,
) -> AppResult<Vec<(DoctorId, Busy)>> {
    let ids: Vec<i32> = doctors.iter().map(|d| d.0).collect();
    let rows = sqlx::query!(
        r#"SELECT doctor_id AS "doctor_id!: DoctorId", id AS "id!: BookingId", starts_at AS "starts_at!",
                  ends_at AS "ends_at!", laneless AS "laneless!", held AS "held!"
             FROM busy_times
            WHERE doctor_id = ANY($1) AND starts_at < $3 AND ends_at > $2 AND starts_at > $4
              AND id IS DISTINCT FROM $5"#,
        &ids,
        from,
        to,
        earliest_start(from),
        own.map(|id| id.0)
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let busy = Busy {
                booking_id: r.id,
                start: r.starts_at,
                end: r.ends_at,
                lane: 1,
                laneless: r.laneless,
                held: r.held,
            };
            (r.doctor_id, busy)
        })
        .collect())
}

/// [`busy_for_diagnostic`] at several locations at once (the openings search).
pub async fn busy_for_diagnostic_at(
    conn: &mut PgConnection,
    diagnostic: DiagnosticId,
    locations: &[LocationId],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    own: Option<BookingId>,
) -> AppResult<Vec<(LocationId, Busy)>> {
    let ids: Vec<i32> = locations.iter().map(|l| l.0).collect();
    let rows = sqlx::query!(
        r#"SELECT location_id AS "location_id!: LocationId", id AS "id!: BookingId",
                  starts_at AS "starts_at!", ends_at AS "ends_at!", lane AS "lane!",
                  laneless AS "laneless!", held AS "held!"
             FROM busy_times
            WHERE diagnostic_id = $1 AND location_id = ANY($2) AND starts_at < $4 AND ends_at > $3 AND starts_at > $5
              AND id IS DISTINCT FROM $6"#,
        diagnostic as DiagnosticId,
        &ids,
        from,
        to,
        earliest_start(from),
        own.map(|id| id.0)
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let busy = Busy {
                booking_id: r.id,
                start: r.starts_at,
                end: r.ends_at,
                lane: r.lane as u16,
                laneless: r.laneless,
                held: r.held,
            };
            (r.location_id, busy)
        })
        .collect())
}

/// The clinic's policies (one row, made by the migration).
pub async fn policy(conn: &mut PgConnection) -> AppResult<ClinicPolicy> {
    sqlx::query_as!(
        ClinicPolicy,
        "SELECT late_cancel_notice_minutes, lock_after_minutes, offline_sign_in_days, hold_minutes FROM clinic_policy"
    )
    .fetch_one(conn)
    .await
    .db()
}

pub async fn set_policy(conn: &mut PgConnection, policy: &ClinicPolicy) -> AppResult<ClinicPolicy> {
    sqlx::query_as!(
        ClinicPolicy,
        "UPDATE clinic_policy
            SET late_cancel_notice_minutes = $1, lock_after_minutes = $2, offline_sign_in_days = $3,
                hold_minutes = $4
         RETURNING late_cancel_notice_minutes, lock_after_minutes, offline_sign_in_days, hold_minutes",
        policy.late_cancel_notice_minutes,
        policy.lock_after_minutes,
        policy.offline_sign_in_days,
        policy.hold_minutes
    )
    .fetch_one(conn)
    .await
    .db()
}

/// A booking as the accountant's export lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedBooking {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location: String,
    pub time_zone: String,
    pub subject_name: String,
    pub patient: String,
    pub patient_number: i32,
    pub phone: Option<String>,
    pub status: BookingStatus,
    pub price: Money,
    pub message: String,
}

/// Bookings whose start falls on `from..=to` in their location's calendar,
/// in time order. The UTC bounds a day apart either side keep the scan on
/// the index; the zone's own date decides.
pub async fn export(
    conn: &mut PgConnection,
    from: NaiveDate,
    to: NaiveDate,
    location: Option<LocationId>,
    only: Option<BookingSubject>,
) -> AppResult<Vec<ExportedBooking>> {
    let (doctor, diagnostic) = match only {
        Some(BookingSubject::Doctor { doctor_id }) => (Some(doctor_id.0), None),
        Some(BookingSubject::Diagnostic { diagnostic_id }) => (None, Some(diagnostic_id.0)),
        None => (None, None),
    };
    let rows = sqlx::query!(
        r#"SELECT b.starts_at, b.ends_at, l.name AS location, l.time_zone,
                  COALESCE(d.full_name, g.type_name) AS "subject_name!",
                  p.full_name AS patient, p.patient_number, p.phone,
                  b.status AS "status: BookingStatus", b.price, b.patient_message
             FROM bookings b
             JOIN locations l ON l.location_id = b.location_id
             JOIN patients p ON p.patient_id = b.patient_id
             LEFT JOIN doctors d ON d.doctor_id = b.doctor_id
             LEFT JOIN diagnostics g ON g.diagnostic_id = b.diagnostic_id
            WHERE b.starts_at >= ($1::date - 1)::timestamp AT TIME ZONE 'UTC'
              AND b.starts_at < ($2::date + 2)::timestamp AT TIME ZONE 'UTC'
              AND (b.starts_at AT TIME ZONE l.time_zone)::date BETWEEN $1 AND $2
              AND ($3::int4 IS NULL OR b.location_id = $3)
              AND ($4::int4 IS NULL OR b.doctor_id = $4)
              AND ($5::int4 IS NULL OR b.diagnostic_id = $5)
            ORDER BY b.starts_at, l.name, b.booking_id"#,
        from,
        to,
        location.map(|l| l.0),
        doctor,
        diagnostic
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .map(|r| ExportedBooking {
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            location: r.location,
            time_zone: r.time_zone,
            subject_name: r.subject_name,
            patient: r.patient,
            patient_number: r.patient_number,
            phone: r.phone,
            status: r.status,
            price: Money::from_stored(r.price),
            message: r.patient_message,
        })
        .collect())
}
