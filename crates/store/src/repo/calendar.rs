//! What the availability engine needs to check one doctor's or diagnostic's
//! times at one location, read in one statement: the location, the
//! subject's terms there, both weeks, the date exceptions and what is busy.
//! Booking, holding and slot search each make one round trip for it where
//! they used to make six (issue 16).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use clinic_domain::availability::Busy;
use clinic_domain::bookings::BookingSubject;
use clinic_domain::catalogue::Location;
use clinic_domain::ids::{BookingId, LocationId};
use clinic_domain::schedule::{DateException, ExceptionKind, WeeklyInterval};
use clinic_domain::values::{Money, WallTime};
use clinic_domain::{AppError, AppResult};
use sqlx::PgConnection;

use super::bookings::earliest_start;
use super::hours::interval;
use super::locations::location_of;
use crate::error::DbResultExt;

/// What booking a doctor or diagnostic costs and whether it can be had here.
pub struct SubjectTerms {
    pub name: String,
    pub is_active: bool,
    pub price: Money,
    pub slot_minutes: u16,
    /// Places at once at this location: 1 for a doctor who works there, a
    /// diagnostic's capacity where it is offered; `None`: not here.
    pub places: Option<u16>,
}

pub struct SlotContext {
    pub location: Location,
    /// `None`: no such doctor or diagnostic.
    pub subject: Option<SubjectTerms>,
    pub location_week: Vec<WeeklyInterval>,
    /// The doctor's week at the location (empty for a diagnostic).
    pub resource_week: Vec<WeeklyInterval>,
    /// The location's own closures and extra hours.
    pub location_exceptions: Vec<DateException>,
    /// The doctor's leave (anywhere) and extra hours at the location.
    pub resource_exceptions: Vec<DateException>,
    pub busy: Vec<Busy>,
}

/// The context around local dates `from..=to` (`None`: no such location).
/// Busy times are read with two days' margin each side (a local date lies
/// within 14 hours of the UTC one), bounded on both sides by the index.
/// `own`: the desk's hold a booking is about to take, not counted as busy.
pub async fn slot_context(
    conn: &mut PgConnection,
    location: LocationId,
    subject: BookingSubject,
    from: NaiveDate,
    to: NaiveDate,
    own: Option<BookingId>,
) -> AppResult<Option<SlotContext>> {
    let (doctor, diagnostic) = match subject {
        BookingSubject::Doctor { doctor_id } => (Some(doctor_id.0), None),
        BookingSubject::Diagnostic { diagnostic_id } => (None, Some(diagnostic_id.0)),
    };
    let busy_from: DateTime<Utc> = from.and_time(chrono::NaiveTime::MIN).and_utc() - Duration::days(2);
    let busy_to: DateTime<Utc> = to.and_time(chrono::NaiveTime::MIN).and_utc() + Duration::days(3);
    let row = sqlx::query_file!(
        "queries/slot_context.sql",
        location as LocationId,
        doctor,
        diagnostic,
        from,
        to,
        busy_from,
        busy_to,
        earliest_start(busy_from),
        own.map(|id| id.0)
    )
    .fetch_optional(conn)
    .await
    .db()?;
    let Some(r) = row else { return Ok(None) };
    let week = |days: &[i16], starts: &[i16], ends: &[i16]| {
        days.iter().zip(starts).zip(ends).map(|((d, s), e)| interval(*d, *s, *e)).collect::<Vec<_>>()
    };
    let mut location_exceptions = Vec::new();
    let mut resource_exceptions = Vec::new();
    for i in 0..r.ex_dates.len() {
        let minute = |m: Option<i16>| m.map(|m| WallTime::from_minutes(m.into()).expect("CHECKed minute"));
        let (start, end) = (minute(r.ex_starts[i]), minute(r.ex_ends[i]));
        let exception =
            DateException { date: r.ex_dates[i], kind: exception_kind(&r.ex_kinds[i])?, span: start.zip(end) };
        if r.ex_of_doctor[i] {
            resource_exceptions.push(exception);
        } else {
            location_exceptions.push(exception);
        }
    }
    let busy = (0..r.busy_ids.len())
        .map(|i| Busy {
            booking_id: BookingId(r.busy_ids[i]),
            start: r.busy_starts[i],
            end: r.busy_ends[i],
            lane: r.busy_lanes[i] as u16,
            laneless: r.busy_laneless[i],
            held: r.busy_held[i],
        })
        .collect();
    let subject = match (r.subject_name, r.subject_active, r.price, r.slot_minutes) {
        (Some(name), Some(is_active), Some(price), Some(slot_minutes)) => Some(SubjectTerms {
            name,
            is_active,
            price: Money::from_stored(price),
            slot_minutes: slot_minutes as u16,
            places: r.places.map(|p| p as u16),
        }),
        _ => None,
    };
    Ok(Some(SlotContext {
        location: location_of!(r),
        subject,
        location_week: week(&r.lw_days, &r.lw_starts, &r.lw_ends),
        resource_week: week(&r.rw_days, &r.rw_starts, &r.rw_ends),
        location_exceptions,
        resource_exceptions,
        busy,
    }))
}

pub(crate) fn exception_kind(stored: &str) -> AppResult<ExceptionKind> {
    match stored {
        "closure" => Ok(ExceptionKind::Closure),
        "leave" => Ok(ExceptionKind::Leave),
        "extra_hours" => Ok(ExceptionKind::ExtraHours),
        other => Err(AppError::Internal { reference: format!("unknown exception kind {other:?}") }),
    }
}
