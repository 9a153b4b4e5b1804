//! The openings search: every candidate calendar loaded in five queries
//! (candidates, location weeks, doctor weeks, exceptions, busy intervals),
//! then the same engine as slot search and booking, so an opening offered is
//! a slot the booking commit accepts.

use std::collections::HashMap;

use chrono::Duration;
use clinic_domain::availability::{local_day, ResourceCalendar};
use clinic_domain::bookings::BookingSubject;
use clinic_domain::ids::{DiagnosticId, DoctorId, LocationId};
use clinic_domain::openings::{find_openings, Candidate, Openings, OpeningsQuery, Wanted};
use clinic_domain::values::parse_time_zone;
use clinic_domain::{AppError, AppResult, Entity};

use crate::repo::openings::CandidateRow;
use crate::repo::{bookings, hours, openings};
use crate::Clinic;

impl Clinic {
    /// The first free slots for a specialty, a doctor or a diagnostic, at
    /// one location or every one, earliest first.
    #[tracing::instrument(skip_all, fields(wanted = ?query.wanted))]
    pub async fn openings(&self, query: &OpeningsQuery) -> AppResult<Openings> {
        query.validate()?;
        let (from, to) = (query.from, query.to());
        let mut conn = self.conn().await?;
        let (specialty, doctor, diagnostic) = match query.wanted {
            Wanted::Specialty { specialty_id } => (Some(specialty_id), None, None),
            Wanted::Doctor { doctor_id } => (None, Some(doctor_id), None),
            Wanted::Diagnostic { diagnostic_id } => (None, None, Some(diagnostic_id)),
        };
        let rows = match diagnostic {
            Some(diagnostic) => openings::diagnostic(&mut conn, diagnostic, query.location_id).await?,
            None => openings::doctors(&mut conn, specialty, doctor, query.location_id).await?,
        };
        if rows.is_empty() && !openings::wanted_exists(&mut conn, specialty, doctor, diagnostic).await? {
            return Err(match query.wanted {
                Wanted::Specialty { specialty_id } => AppError::not_found(Entity::Specialty, specialty_id),
                Wanted::Doctor { doctor_id } => AppError::not_found(Entity::Doctor, doctor_id),
                Wanted::Diagnostic { diagnostic_id } => AppError::not_found(Entity::Diagnostic, diagnostic_id),
            });
        }
        // A location whose zone this app cannot read is left out, not the search.
        let rows: Vec<_> = rows
            .into_iter()
            .filter_map(|row| match parse_time_zone("timeZone", &row.time_zone) {
                Ok(zone) => Some((row, zone)),
                Err(_) => {
                    tracing::warn!(location = %row.location_id, "openings skip a location with an unreadable zone");
                    None
                }
            })
            .collect();
        let Some(busy_from) = rows.iter().map(|(_, zone)| local_day(*zone, from).0).min() else {
            return Ok(Openings { openings: vec![], searched_to: to, from_kept_copy: false });
        };
        let busy_to = rows.iter().map(|(_, zone)| local_day(*zone, to).1).max().unwrap_or(busy_from);
        let (busy_from, busy_to) = (busy_from - Duration::days(1), busy_to + Duration::days(1));

        let mut locations: Vec<LocationId> = rows.iter().map(|(r, _)| r.location_id).collect();
        locations.sort_unstable();
        locations.dedup();
        let mut doctors: Vec<DoctorId> =
            if diagnostic.is_some() { vec![] } else { rows.iter().map(|(r, _)| DoctorId(r.subject_id)).collect() };
        doctors.sort_unstable();
        doctors.dedup();

        let location_weeks = group(hours::location_weeks(&mut conn, &locations).await?);
        let exceptions = hours::exceptions_of(&mut conn, &locations, &doctors, from, to).await?;
        let (doctor_weeks, busy) = match diagnostic {
            Some(diagnostic) => {
                let busy =
                    bookings::busy_for_diagnostic_at(&mut conn, diagnostic, &locations, busy_from, busy_to, None)
                        .await?
                        .into_iter()
                        .map(|(location, b)| ((location.0, None), b));
                (HashMap::new(), group(busy))
            }
            None => {
                let weeks = hours::doctor_weeks(&mut conn, &doctors)
                    .await?
                    .into_iter()
                    .map(|(doctor, location, interval)| ((doctor, location), interval));
                let busy = bookings::busy_for_doctors(&mut conn, &doctors, busy_from, busy_to, None)
                    .await?
                    .into_iter()
                    .map(|(doctor, b)| ((0, Some(doctor)), b));
                (group(weeks), group(busy))
            }
        };

        let candidates: Vec<Candidate> = rows
            .into_iter()
            .map(|(row, zone)| {
                let location = row.location_id;
                let doctor = diagnostic.is_none().then_some(DoctorId(row.subject_id));
                let location_exceptions = exceptions
                    .iter()
                    .filter(|e| e.location_id == Some(location) && e.doctor_id.is_none())
                    .map(|e| e.as_date_exception())
                    .collect();
                let resource_exceptions = exceptions
                    .iter()
                    .filter(|e| {
                        doctor.is_some()
                            && e.doctor_id == doctor
                            && (e.location_id.is_none() || e.location_id == Some(location))
                    })
                    .map(|e| e.as_date_exception())
                    .collect();
                let busy_key = match doctor {
                    Some(doctor) => (0, Some(doctor)),
                    None => (location.0, None),
                };
                let calendar = ResourceCalendar {
                    time_zone: zone,
                    slot_minutes: row.slot_minutes,
                    location_week: location_weeks.get(&location).cloned().unwrap_or_default(),
                    location_exceptions,
                    resource_week: doctor
                        .map(|doctor| doctor_weeks.get(&(doctor, location)).cloned().unwrap_or_default()),
                    resource_exceptions,
                    lanes: row.lanes,
                    busy: busy.get(&busy_key).cloned().unwrap_or_default(),
                };
                candidate(row, doctor, calendar, from, to)
            })
            .collect();
        Ok(Openings { openings: find_openings(&candidates, query, self.now()), searched_to: to, from_kept_copy: false })
    }
}

fn candidate(
    row: CandidateRow,
    doctor: Option<DoctorId>,
    calendar: ResourceCalendar,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Candidate {
    let subject = match doctor {
        Some(doctor_id) => BookingSubject::Doctor { doctor_id },
        None => BookingSubject::Diagnostic { diagnostic_id: DiagnosticId(row.subject_id) },
    };
    Candidate {
        location_id: row.location_id,
        location_name: row.location_name,
        subject,
        name: row.name,
        detail: row.detail,
        price: row.price,
        calendar,
        from,
        to,
    }
}

fn group<K: std::hash::Hash + Eq, V>(pairs: impl IntoIterator<Item = (K, V)>) -> HashMap<K, Vec<V>> {
    let mut grouped: HashMap<K, Vec<V>> = HashMap::new();
    for (key, value) in pairs {
        grouped.entry(key).or_default().push(value);
    }
    grouped
}
