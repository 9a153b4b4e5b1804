//! Documents a desk prints or saves, built from what the desk reads: from
//! the server, or offline from the station's kept boards (the page then
//! says "printed offline, may be out of date"). Each print made online is
//! recorded in the audit trail.

use chrono::{NaiveDate, Utc};
use clinic_documents::day_sheet::{day_sheet_pdf, DaySheet, SheetOptions, SheetRow, SheetSection};
use clinic_domain::bookings::DayBoard;
use clinic_domain::ids::{LocationId, PatientId};
use clinic_domain::AppResult;

use crate::offline;
use crate::Station;

impl Station {
    /// A location's day sheet as PDF: a page per doctor or diagnostic with
    /// its bookings (cancelled ones left out), the patients' phones.
    pub async fn day_sheet(
        &self,
        location_id: LocationId,
        date: NaiveDate,
        options: SheetOptions,
    ) -> AppResult<Vec<u8>> {
        self.desk_open().await?;
        let (board, phones, offline) = self
            .read(
                async |clinic| {
                    let board = clinic.day_board(location_id, date).await?;
                    let phones = clinic.patient_phones(&patients_on(&board)).await?;
                    Ok((board, phones, false))
                },
                async |local| {
                    let board = offline::day_board(local, location_id, date, Utc::now()).await?;
                    let mut phones = Vec::new();
                    for id in patients_on(&board) {
                        if let Some(patient) = local.get_patient(id).await? {
                            phones.push((id, patient.phone));
                        }
                    }
                    Ok((board, phones, true))
                },
            )
            .await?;
        let printed_by = self.actor().await?.name().to_string();
        let sheet = sheet_of(&board, &phones, printed_by, offline)?;
        let pdf = day_sheet_pdf(&sheet, options).map_err(|e| clinic_store::internal(&e))?;
        if !offline {
            if let Some(clinic) = self.connected().await {
                let what = format!("day sheet {} {date}", board.location.name);
                clinic.record_printed("bookings", &what, None).await?;
            }
        }
        Ok(pdf)
    }
}

fn patients_on(board: &DayBoard) -> Vec<PatientId> {
    let mut ids: Vec<PatientId> = board.bookings.iter().map(|b| b.patient_id).collect();
    ids.sort_by_key(|id| id.0);
    ids.dedup();
    ids
}

/// The board as the sheet shows it: the board's columns in order, each with
/// the bookings that still hold their time, in time order.
fn sheet_of(
    board: &DayBoard,
    phones: &[(PatientId, Option<String>)],
    printed_by: String,
    offline: bool,
) -> AppResult<DaySheet> {
    let zone = clinic_domain::values::parse_time_zone("timeZone", &board.location.time_zone)?;
    let phone_of = |id: PatientId| phones.iter().find(|(p, _)| *p == id).and_then(|(_, phone)| phone.clone());
    let sections = board
        .columns
        .iter()
        .map(|column| {
            let mut bookings: Vec<_> =
                board.bookings.iter().filter(|b| b.subject == column.subject && b.holds_slot).collect();
            bookings.sort_by_key(|b| b.starts_at);
            SheetSection {
                title: column.name.clone(),
                detail: column.detail.clone(),
                rows: bookings
                    .into_iter()
                    .map(|b| SheetRow {
                        starts_at: b.starts_at,
                        ends_at: b.ends_at,
                        patient: b.patient_name.clone(),
                        patient_number: b.patient_number,
                        phone: phone_of(b.patient_id),
                        status: b.status,
                        message: b.patient_message.clone(),
                        price: b.price.to_string(),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(DaySheet {
        location: board.location.name.clone(),
        address: board.location.address.clone(),
        zone,
        date: board.date,
        printed_by,
        printed_at: Utc::now(),
        offline,
        sections,
    })
}
