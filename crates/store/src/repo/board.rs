//! The day board's frame in one statement: the location, its week and
//! that day's exceptions, the doctors working there with their weeks, the
//! diagnostics offered, and the holds at desks. With the day's bookings
//! (`bookings::day`), a board is two round trips (issue 16).

use chrono::{DateTime, NaiveDate, Utc};
use clinic_domain::bookings::SlotHold;
use clinic_domain::catalogue::Location;
use clinic_domain::ids::{BookingId, DiagnosticId, DoctorId, LocationId};
use clinic_domain::schedule::{DateException, WeeklyInterval};
use clinic_domain::values::WallTime;
use clinic_domain::AppResult;
use sqlx::PgConnection;

use super::bookings::subject;
use super::calendar::exception_kind;
use super::hours::interval;
use super::locations::location_of;
use crate::error::DbResultExt;

pub struct BoardDoctor {
    pub id: DoctorId,
    pub full_name: String,
    pub specialty_name: String,
    pub slot_minutes: i32,
    /// The doctor's week at this location.
    pub week: Vec<WeeklyInterval>,
    /// The doctor's leave and extra hours here on the day.
    pub exceptions: Vec<DateException>,
}

pub struct BoardDiagnostic {
    pub id: DiagnosticId,
    pub type_name: String,
    pub slot_minutes: i32,
    pub capacity: i32,
}

pub struct BoardFrame {
    pub location: Location,
    pub location_week: Vec<WeeklyInterval>,
    /// The location's own closures and extra hours on the day.
    pub location_exceptions: Vec<DateException>,
    /// Active doctors of the location, by name.
    pub doctors: Vec<BoardDoctor>,
    /// Active diagnostics offered there, by name.
    pub diagnostics: Vec<BoardDiagnostic>,
    /// Live holds starting in `[from, to)`.
    pub holds: Vec<SlotHold>,
}

/// The frame of `location`'s board on local `date` (`[from, to)` in UTC);
/// `None`: no such location.
pub async fn frame(
    conn: &mut PgConnection,
    location: LocationId,
    date: NaiveDate,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Option<BoardFrame>> {
    let row = sqlx::query_file!("queries/board_frame.sql", location as LocationId, date, from, to)
        .fetch_optional(conn)
        .await
        .db()?;
    let Some(r) = row else { return Ok(None) };
    let minute = |m: Option<i16>| m.map(|m| WallTime::from_minutes(m.into()).expect("CHECKed minute"));
    let mut location_exceptions = Vec::new();
    let mut doctor_exceptions = Vec::new();
    for i in 0..r.ex_kinds.len() {
        let exception = DateException {
            date,
            kind: exception_kind(&r.ex_kinds[i])?,
            span: minute(r.ex_starts[i]).zip(minute(r.ex_ends[i])),
        };
        match r.ex_doctors[i] {
            Some(doctor) => doctor_exceptions.push((doctor, exception)),
            None => location_exceptions.push(exception),
        }
    }
    let doctors = (0..r.doc_ids.len())
        .map(|i| {
            let id = r.doc_ids[i];
            BoardDoctor {
                id: DoctorId(id),
                full_name: r.doc_names[i].clone(),
                specialty_name: r.doc_specialties[i].clone(),
                slot_minutes: r.doc_slots[i],
                week: (0..r.dw_doctors.len())
                    .filter(|&w| r.dw_doctors[w] == id)
                    .map(|w| interval(r.dw_days[w], r.dw_starts[w], r.dw_ends[w]))
                    .collect(),
                exceptions: doctor_exceptions.iter().filter(|(d, _)| *d == id).map(|(_, e)| *e).collect(),
            }
        })
        .collect();
    let diagnostics = (0..r.dg_ids.len())
        .map(|i| BoardDiagnostic {
            id: DiagnosticId(r.dg_ids[i]),
            type_name: r.dg_names[i].clone(),
            slot_minutes: r.dg_slots[i],
            capacity: r.dg_capacities[i],
        })
        .collect();
    let holds = (0..r.ho_ids.len())
        .map(|i| SlotHold {
            id: BookingId(r.ho_ids[i]),
            location_id: location,
            subject: subject(r.ho_doctors[i], r.ho_diagnostics[i]),
            starts_at: r.ho_starts[i],
            ends_at: r.ho_ends[i],
            held_by: r.ho_held_by[i].clone(),
            expires_at: r.ho_expires[i],
        })
        .collect();
    Ok(Some(BoardFrame {
        location: location_of!(r),
        location_week: r
            .lw_days
            .iter()
            .zip(&r.lw_starts)
            .zip(&r.lw_ends)
            .map(|((d, s), e)| interval(*d, *s, *e))
            .collect(),
        location_exceptions,
        doctors,
        diagnostics,
        holds,
    }))
}
