//! What a station does without the clinic database: the optimistic rows of a
//! queued intent (checked by the same domain rules and availability engine
//! the server uses, over the replica) and the reads the replica answers.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use clinic_domain::availability::{slot_refusal_all, FreeSlot};
use clinic_domain::bookings::{
    Booking, BookingRequest, BookingStatus, BookingSubject, DayBoard, SlotCheck, SlotCheckQuery, SlotQuery,
};
use clinic_domain::catalogue::{Diagnostic, DoctorSummary, Location};
use clinic_domain::ids::{BookingId, LocationId, PatientId};
use clinic_domain::intents::Intent;
use clinic_domain::openings::{find_openings, Candidate, Openings, OpeningsQuery, Wanted};
use clinic_domain::patients::Patient;
use clinic_domain::values::{parse_time_zone, Money, Stars};
use clinic_domain::{Actor, AppError, AppResult, Entity, ValidationCode};
use clinic_local_store::LocalStore;

pub(crate) fn not_kept(what: &str) -> AppError {
    AppError::Offline {
        message: format!("the clinic database is out of reach and this station keeps no copy of {what}"),
    }
}

/// The rows an intent changes, as the station shows them until the server
/// has applied it. Refuses what the server would refuse, as far as the
/// replica can tell.
pub(crate) async fn optimistic(
    local: &LocalStore,
    intent: &Intent,
    actor: &Actor,
    now: DateTime<Utc>,
) -> AppResult<(Vec<Booking>, Vec<Patient>)> {
    match intent {
        Intent::CreatePatient { patient_id, input } => {
            let valid = input.validate(now.date_naive())?;
            let patient = Patient {
                id: *patient_id,
                patient_number: 0, // numbered by the server
                full_name: valid.full_name,
                phone: valid.phone,
                email: valid.email,
                date_of_birth: valid.date_of_birth,
                notes: valid.notes,
                row_version: 1,
                created_at: now,
            };
            Ok((vec![], vec![patient]))
        }
        Intent::Book { request } => {
            if request.override_reason.is_some() {
                // Over the rules is a manager's call on the clinic's own state.
                return Err(AppError::Offline {
                    message: "booking anyway needs the clinic database; book a free time, or wait for it".into(),
                });
            }
            let message = request.validated_message()?;
            let booking = new_booking(local, request, &message, None, actor, now).await?;
            Ok((vec![booking], vec![]))
        }
        Intent::ChangeStatus { request } => {
            let booking = kept_booking(local, request.booking_id, request.expected_version).await?;
            let zone = zone_of(local, booking.location_id).await?;
            let (target, _) = request.action.validate(&booking.status_facts(zone), now, &request.reason)?;
            // Whether it is late is the server's to say when the change arrives.
            request.checked_cancel_kind()?;
            Ok((vec![with_status(booking, target, zone, now)], vec![]))
        }
        Intent::Reschedule { request } => {
            let old = kept_booking(local, request.booking_id, request.expected_version).await?;
            let moved = request.moved_booking(
                old.status,
                old.patient_id,
                old.location_id,
                old.subject,
                &old.patient_message,
            )?;
            let new = new_booking(local, &moved, &old.patient_message, Some(old.id), actor, now).await?;
            let zone = zone_of(local, old.location_id).await?;
            let old = Booking { moved_to: Some(new.id), ..old };
            Ok((vec![new.clone(), with_status(old, BookingStatus::Cancelled, zone, now)], vec![]))
        }
        Intent::Rate { input } => {
            Stars::parse("rating", input.rating)?;
            let booking = local.get_booking(input.booking_id).await?.ok_or_else(|| not_kept("this booking"))?;
            booking.subject.rateable(booking.status)?;
            Ok((vec![], vec![]))
        }
        Intent::AttachResult { booking_id, .. } => {
            let booking = local.get_booking(*booking_id).await?.ok_or_else(|| not_kept("this booking"))?;
            let zone = zone_of(local, booking.location_id).await?;
            booking.subject.accepts_results(booking.status, &booking.visit(zone), now)?;
            Ok((vec![], vec![]))
        }
        // Changes nothing the desk shows.
        Intent::RecordOutput { .. } => Ok((vec![], vec![])),
        // Checked here as on the server; the list itself is the server's.
        Intent::AddToWaitlist { input, .. } => input.validate(now.date_naive()).map(|_| (vec![], vec![])),
    }
}

/// A booking as the station knows it, at the version the person acted on.
async fn kept_booking(local: &LocalStore, id: BookingId, expected_version: i32) -> AppResult<Booking> {
    let booking = local.get_booking(id).await?.ok_or_else(|| not_kept("this booking"))?;
    if booking.row_version != expected_version {
        return Err(AppError::stale(Entity::Booking));
    }
    Ok(booking)
}

fn with_status(booking: Booking, status: BookingStatus, zone: Tz, now: DateTime<Utc>) -> Booking {
    let mut changed = Booking {
        status,
        previous_status: Some(booking.status),
        status_since: Some(now),
        row_version: booking.row_version + 1,
        provisional: true,
        ..booking
    };
    changed.apply_rules(zone, now);
    changed
}

async fn zone_of(local: &LocalStore, id: LocationId) -> AppResult<Tz> {
    parse_time_zone("timeZone", &location(local, id).await?.time_zone)
}

/// A kept booking with what its rules allow now (the copy may be days old).
pub(crate) async fn kept_with_rules(
    local: &LocalStore,
    mut booking: Booking,
    now: DateTime<Utc>,
) -> AppResult<Booking> {
    booking.apply_rules(zone_of(local, booking.location_id).await?, now);
    Ok(booking)
}

/// Checks the slot on the kept board with the engine and builds the booking.
async fn new_booking(
    local: &LocalStore,
    request: &BookingRequest,
    message: &str,
    rescheduled_from: Option<BookingId>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> AppResult<Booking> {
    let location = location(local, request.location_id).await?;
    let zone = parse_time_zone("timeZone", &location.time_zone)?;
    let date = request.starts_at.with_timezone(&zone).date_naive();
    let mut board = day_board(local, request.location_id, date, now).await?;
    // A reschedule frees its old slot in the same change.
    board.bookings.retain(|b| Some(b.id) != rescheduled_from);
    let column = board
        .columns
        .iter()
        .find(|c| c.subject == request.subject)
        .ok_or_else(|| {
            AppError::validation(
                "subject",
                ValidationCode::NotOffered,
                format!("not available at {} that day", location.name),
            )
        })?
        .clone();
    let calendar = board.column_calendar(request.subject)?.ok_or_else(|| not_kept("this column"))?;
    let slot = calendar.check(request.starts_at, now).map_err(|_| {
        slot_refusal_all(&calendar.problems(request.starts_at, now), &calendar, &column.name, &location.name)
    })?;
    let patient = local.get_patient(request.patient_id).await?.ok_or_else(|| not_kept("this patient"))?;
    let mut booking = Booking {
        id: request.booking_id,
        patient_id: patient.id,
        patient_name: patient.full_name,
        patient_number: patient.patient_number,
        location_id: location.id,
        location_name: location.name,
        subject: request.subject,
        subject_name: column.name,
        starts_at: slot.starts_at,
        ends_at: slot.ends_at,
        price: price(local, request.subject).await?,
        status: BookingStatus::Booked,
        status_since: Some(now),
        allowed_actions: vec![],
        holds_slot: false,
        accepts_results: false,
        can_reschedule: false,
        can_rate: false,
        patient_message: message.to_string(),
        rescheduled_from,
        moved_to: None,
        previous_status: None,
        created_by: actor.name().to_string(),
        entered_by: None,
        created_at: now,
        row_version: 1,
        provisional: true,
        override_reason: None,
    };
    booking.apply_rules(zone, now);
    Ok(booking)
}

async fn location(local: &LocalStore, id: LocationId) -> AppResult<Location> {
    local
        .reference::<Vec<Location>>("locations")
        .await?
        .ok_or_else(|| not_kept("the locations"))?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or_else(|| AppError::validation("locationId", ValidationCode::Unknown, "no such location"))
}

/// The price the server will charge (it decides at push time; this is
/// what the catalogue said at the last pull).
async fn price(local: &LocalStore, subject: BookingSubject) -> AppResult<Money> {
    let price = match subject {
        BookingSubject::Doctor { doctor_id } => local
            .reference::<Vec<DoctorSummary>>("doctors")
            .await?
            .and_then(|all| all.into_iter().find(|d| d.id == doctor_id).map(|d| d.price)),
        BookingSubject::Diagnostic { diagnostic_id } => local
            .reference::<Vec<Diagnostic>>("diagnostics")
            .await?
            .and_then(|all| all.into_iter().find(|d| d.id == diagnostic_id).map(|d| d.price)),
    };
    price.ok_or_else(|| not_kept("this price"))
}

/// A kept day board, its bookings with what their rules allow at `now`.
pub(crate) async fn day_board(
    local: &LocalStore,
    location: LocationId,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<DayBoard> {
    let mut board =
        local.day_board(location, date).await?.ok_or_else(|| not_kept(&format!("the schedule of {date}")))?;
    let zone = parse_time_zone("timeZone", &board.location.time_zone)?;
    board.bookings.iter_mut().for_each(|b| b.apply_rules(zone, now));
    Ok(board)
}

/// Free slots from the kept boards, through the availability engine.
pub(crate) async fn free_slots(local: &LocalStore, query: &SlotQuery, now: DateTime<Utc>) -> AppResult<Vec<FreeSlot>> {
    query.validate()?;
    let mut slots = Vec::new();
    for date in query.from.iter_days().take_while(|d| *d <= query.to) {
        let Some(board) = local.day_board(query.location_id, date).await? else {
            break; // past the kept window
        };
        if let Some(calendar) = board.column_calendar(query.subject)? {
            slots.extend(calendar.free_slots(date, date, now));
        }
    }
    Ok(slots)
}

/// The rules a time breaks, on the kept board (booking anyway itself needs
/// the server, so nothing is overridable here).
pub(crate) async fn slot_check(local: &LocalStore, query: &SlotCheckQuery, now: DateTime<Utc>) -> AppResult<SlotCheck> {
    let location = location(local, query.location_id).await?;
    let zone = parse_time_zone("timeZone", &location.time_zone)?;
    let board = day_board(local, query.location_id, query.starts_at.with_timezone(&zone).date_naive(), now).await?;
    let calendar = board.column_calendar(query.subject)?.ok_or_else(|| not_kept("this column"))?;
    let check = SlotCheck::of(&calendar, &calendar.problems(query.starts_at, now));
    Ok(SlotCheck { overridable: false, ..check })
}

/// The openings search over the kept boards: each kept day of each location
/// gives the engine one calendar per matching column, as offline free slots
/// do. The answer says it comes from the kept copy and where that ends.
pub(crate) async fn openings(local: &LocalStore, query: &OpeningsQuery, now: DateTime<Utc>) -> AppResult<Openings> {
    query.validate()?;
    let locations: Vec<Location> = local
        .reference::<Vec<Location>>("locations")
        .await?
        .ok_or_else(|| not_kept("the locations"))?
        .into_iter()
        .filter(|l| l.is_active && query.location_id.is_none_or(|only| only == l.id))
        .collect();
    let doctors = local.reference::<Vec<DoctorSummary>>("doctors").await?.unwrap_or_default();
    let diagnostics = local.reference::<Vec<Diagnostic>>("diagnostics").await?.unwrap_or_default();
    let price_of = |subject: BookingSubject| match (subject, query.wanted) {
        (BookingSubject::Doctor { doctor_id }, Wanted::Specialty { specialty_id }) => {
            doctors.iter().find(|d| d.id == doctor_id && d.specialty_id == specialty_id && d.is_active).map(|d| d.price)
        }
        (BookingSubject::Doctor { doctor_id }, Wanted::Doctor { doctor_id: wanted }) if doctor_id == wanted => {
            doctors.iter().find(|d| d.id == doctor_id && d.is_active).map(|d| d.price)
        }
        (BookingSubject::Diagnostic { diagnostic_id }, Wanted::Diagnostic { diagnostic_id: wanted })
            if diagnostic_id == wanted =>
        {
            diagnostics.iter().find(|d| d.id == diagnostic_id && d.is_active).map(|d| d.price)
        }
        _ => None,
    };
    let mut candidates = Vec::new();
    let mut searched_to = None;
    for date in query.from.iter_days().take_while(|d| *d <= query.to()) {
        let mut kept_any = false;
        for location in &locations {
            let Some(board) = local.day_board(location.id, date).await? else { continue };
            kept_any = true;
            for column in &board.columns {
                let (Some(price), Some(calendar)) = (price_of(column.subject), board.column_calendar(column.subject)?)
                else {
                    continue;
                };
                candidates.push(Candidate {
                    location_id: location.id,
                    location_name: location.name.clone(),
                    subject: column.subject,
                    name: column.name.clone(),
                    detail: column.detail.clone(),
                    price,
                    calendar,
                    from: date,
                    to: date,
                });
            }
        }
        if !kept_any {
            break; // past the kept window
        }
        searched_to = Some(date);
    }
    let searched_to = searched_to.ok_or_else(|| not_kept(&format!("the schedule of {}", query.from)))?;
    Ok(Openings { openings: find_openings(&candidates, query, now), searched_to, from_kept_copy: true })
}

pub(crate) async fn patient(local: &LocalStore, id: PatientId) -> AppResult<Patient> {
    local.get_patient(id).await?.ok_or_else(|| not_kept("this patient"))
}
