//! Waitlist entries (migration 26).

use chrono::NaiveDate;
use clinic_domain::ids::{BookingId, DiagnosticId, DoctorId, LocationId, PatientId, SpecialtyId, WaitlistEntryId};
use clinic_domain::openings::{DayPart, Wanted};
use clinic_domain::waitlist::{WaitlistEntry, WaitlistInput, WaitlistPriority, WaitlistStatus};
use clinic_domain::AppResult;
use sqlx::PgConnection;

use crate::error::DbResultExt;

fn day_part_name(part: DayPart) -> &'static str {
    match part {
        DayPart::Morning => "morning",
        DayPart::Afternoon => "afternoon",
        DayPart::Evening => "evening",
    }
}

fn day_part(name: &str) -> Option<DayPart> {
    DayPart::ALL.into_iter().find(|p| day_part_name(*p) == name)
}

pub async fn insert(
    conn: &mut PgConnection,
    id: WaitlistEntryId,
    patient: PatientId,
    input: &WaitlistInput,
) -> AppResult<()> {
    let (specialty, doctor, diagnostic) = match input.wanted {
        Wanted::Specialty { specialty_id } => (Some(specialty_id.0), None, None),
        Wanted::Doctor { doctor_id } => (None, Some(doctor_id.0), None),
        Wanted::Diagnostic { diagnostic_id } => (None, None, Some(diagnostic_id.0)),
    };
    let locations: Vec<i32> = input.location_ids.iter().map(|l| l.0).collect();
    let parts: Vec<String> = input.day_parts.iter().map(|p| day_part_name(*p).to_string()).collect();
    sqlx::query!(
        "INSERT INTO waitlist_entries (entry_id, patient_id, specialty_id, doctor_id, diagnostic_id, location_ids,
                                       from_date, to_date, day_parts, note, priority)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        id as WaitlistEntryId,
        patient as PatientId,
        specialty,
        doctor,
        diagnostic,
        &locations,
        input.from,
        input.to,
        &parts,
        input.note,
        input.priority.rank()
    )
    .execute(conn)
    .await
    .db()?;
    Ok(())
}

/// Which entries to read.
pub enum Select {
    One(WaitlistEntryId),
    /// Open (or all), seen at a location (or anywhere), of a priority (or any).
    List {
        location: Option<LocationId>,
        priority: Option<WaitlistPriority>,
        include_closed: bool,
    },
    /// Open entries waiting for a time at `location` on `date`.
    WaitingAt {
        location: LocationId,
        date: NaiveDate,
    },
}

/// Entries with the patient's name and phone and what they wait for, most
/// urgent first, then oldest first; `expired` against `today`.
pub async fn select(conn: &mut PgConnection, which: Select, today: NaiveDate) -> AppResult<Vec<WaitlistEntry>> {
    let (one, location, priority, include_closed, date) = match which {
        Select::One(id) => (Some(id.0), None, None, true, None),
        Select::List { location, priority, include_closed } => {
            (None, location.map(|l| l.0), priority.map(|p| p.rank()), include_closed, None)
        }
        Select::WaitingAt { location, date } => (None, Some(location.0), None, false, Some(date)),
    };
    let rows = sqlx::query!(
        r#"SELECT w.entry_id AS "id: WaitlistEntryId", w.patient_id AS "patient_id: PatientId",
                  p.full_name AS patient_name, p.phone AS patient_phone,
                  w.specialty_id, w.doctor_id, w.diagnostic_id,
                  COALESCE(s.specialty_name, d.full_name, g.type_name) AS "wanted_name!",
                  w.location_ids, w.from_date, w.to_date, w.day_parts, w.note, w.priority,
                  w.status AS "status: WaitlistStatus", w.booking_id AS "booking_id: BookingId",
                  w.created_by, w.created_at, w.row_version
             FROM waitlist_entries w
             JOIN patients p ON p.patient_id = w.patient_id
             LEFT JOIN specialties s ON s.specialty_id = w.specialty_id
             LEFT JOIN doctors d ON d.doctor_id = w.doctor_id
             LEFT JOIN diagnostics g ON g.diagnostic_id = w.diagnostic_id
            WHERE ($1::uuid IS NULL OR w.entry_id = $1)
              AND ($2::int4 IS NULL OR w.location_ids = '{}' OR $2 = ANY(w.location_ids))
              AND ($3::int4 IS NULL OR w.priority = $3)
              AND ($4 OR (w.status = 'open' AND w.to_date >= $5))
              AND ($6::date IS NULL OR ($6 BETWEEN w.from_date AND w.to_date))
            ORDER BY w.priority, w.created_at, w.entry_id"#,
        one,
        location,
        priority,
        include_closed,
        today,
        date
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let wanted = match (r.specialty_id, r.doctor_id, r.diagnostic_id) {
                (Some(id), _, _) => Wanted::Specialty { specialty_id: SpecialtyId(id) },
                (_, Some(id), _) => Wanted::Doctor { doctor_id: DoctorId(id) },
                (_, _, id) => Wanted::Diagnostic { diagnostic_id: DiagnosticId(id.unwrap_or_default()) },
            };
            WaitlistEntry {
                id: r.id,
                patient_id: r.patient_id,
                patient_name: r.patient_name,
                patient_phone: r.patient_phone,
                input: WaitlistInput {
                    wanted,
                    location_ids: r.location_ids.into_iter().map(LocationId).collect(),
                    from: r.from_date,
                    to: r.to_date,
                    day_parts: r.day_parts.iter().filter_map(|p| day_part(p)).collect(),
                    note: r.note,
                    priority: WaitlistPriority::from_rank(r.priority),
                },
                wanted_name: r.wanted_name,
                status: r.status,
                expired: r.status == WaitlistStatus::Open && r.to_date < today,
                booking_id: r.booking_id,
                created_by: r.created_by,
                created_at: r.created_at,
                row_version: r.row_version,
            }
        })
        .collect())
}

/// Closes the patient's open entry with the booking made from it; `false`
/// when it is not open (booked or removed meanwhile) or another patient's.
pub async fn close_booked(
    conn: &mut PgConnection,
    id: WaitlistEntryId,
    patient: PatientId,
    booking: BookingId,
) -> AppResult<bool> {
    let done = sqlx::query!(
        "UPDATE waitlist_entries SET status = 'booked', booking_id = $3
          WHERE entry_id = $1 AND patient_id = $2 AND status = 'open'",
        id as WaitlistEntryId,
        patient as PatientId,
        booking as BookingId
    )
    .execute(conn)
    .await
    .db()?;
    Ok(done.rows_affected() == 1)
}

/// Removes an open entry at the version the person saw; `false` otherwise.
pub async fn remove(conn: &mut PgConnection, id: WaitlistEntryId, expected_version: i32) -> AppResult<bool> {
    let done = sqlx::query!(
        "UPDATE waitlist_entries SET status = 'removed'
          WHERE entry_id = $1 AND row_version = $2 AND status = 'open'",
        id as WaitlistEntryId,
        expected_version
    )
    .execute(conn)
    .await
    .db()?;
    Ok(done.rows_affected() == 1)
}
