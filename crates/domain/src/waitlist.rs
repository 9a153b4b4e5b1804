//! The waitlist (ASAP list): patients waiting for an earlier or any free
//! time with a doctor, a specialty or a diagnostic. A free time on a board
//! that an open entry wants is a match: the desk offers it and books from
//! the entry (which closes it); nothing is booked by itself.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{AppError, AppResult, ValidationCode};
use crate::ids::{BookingId, LocationId, PatientId, WaitlistEntryId};
use crate::openings::{DayPart, Opening, OpeningsQuery, Wanted};
use crate::values::optional_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum WaitlistPriority {
    Urgent,
    Normal,
    WhenConvenient,
}

impl WaitlistPriority {
    pub const ALL: [WaitlistPriority; 3] =
        [WaitlistPriority::Urgent, WaitlistPriority::Normal, WaitlistPriority::WhenConvenient];

    /// As stored (1 urgent .. 3 when convenient).
    pub fn rank(self) -> i32 {
        match self {
            WaitlistPriority::Urgent => 1,
            WaitlistPriority::Normal => 2,
            WaitlistPriority::WhenConvenient => 3,
        }
    }

    pub fn from_rank(rank: i32) -> WaitlistPriority {
        match rank {
            1 => WaitlistPriority::Urgent,
            3 => WaitlistPriority::WhenConvenient,
            _ => WaitlistPriority::Normal,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type))]
#[cfg_attr(feature = "sqlx", sqlx(type_name = "waitlist_status", rename_all = "snake_case"))]
#[serde(rename_all = "camelCase")]
pub enum WaitlistStatus {
    Open,
    /// A booking was made from it.
    Booked,
    Removed,
}

/// What a patient waits for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WaitlistInput {
    pub wanted: Wanted,
    /// Where the patient can come; empty: any location.
    #[serde(default)]
    pub location_ids: Vec<LocationId>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Parts of the day that suit; empty: any time.
    #[serde(default)]
    pub day_parts: Vec<DayPart>,
    #[serde(default)]
    pub note: String,
    pub priority: WaitlistPriority,
}

impl WaitlistInput {
    /// The longest wait one entry covers.
    pub const MAX_DAYS: i64 = 366;
    pub const NOTE_MAX: usize = 512;

    /// Checked the same at the station (offline) and on the server.
    pub fn validate(&self, today: NaiveDate) -> AppResult<WaitlistInput> {
        if self.to < self.from {
            return Err(AppError::validation("to", ValidationCode::OutOfRange, "must not be before the first date"));
        }
        if self.to < today {
            return Err(AppError::validation("to", ValidationCode::InThePast, "this wait would already be over"));
        }
        if (self.to - self.from).num_days() > Self::MAX_DAYS {
            return Err(AppError::validation(
                "to",
                ValidationCode::OutOfRange,
                format!("one entry waits at most {} days", Self::MAX_DAYS),
            ));
        }
        let note = optional_text("note", &self.note, Self::NOTE_MAX)?;
        let mut location_ids = self.location_ids.clone();
        location_ids.sort_unstable();
        location_ids.dedup();
        let mut day_parts = self.day_parts.clone();
        day_parts.dedup();
        Ok(WaitlistInput { note, location_ids, day_parts, ..self.clone() })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WaitlistEntry {
    pub id: WaitlistEntryId,
    pub patient_id: PatientId,
    pub patient_name: String,
    pub patient_phone: Option<String>,
    #[serde(flatten)]
    pub input: WaitlistInput,
    /// The doctor's or diagnostic's name, or the specialty's.
    pub wanted_name: String,
    pub status: WaitlistStatus,
    /// Open, but its last date has passed: it matches nothing.
    pub expired: bool,
    pub booking_id: Option<BookingId>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub row_version: i32,
}

impl WaitlistEntry {
    /// Whether the entry waits for a time at `location` on `date` (its
    /// wanted doctor or diagnostic and parts of the day are the engine's).
    pub fn waits_at(&self, location: LocationId, date: NaiveDate) -> bool {
        self.status == WaitlistStatus::Open
            && !self.expired
            && self.input.from <= date
            && date <= self.input.to
            && (self.input.location_ids.is_empty() || self.input.location_ids.contains(&location))
    }

    /// The openings question whose answer is this entry's match on `date`.
    pub fn openings_on(&self, location: LocationId, date: NaiveDate) -> OpeningsQuery {
        OpeningsQuery {
            wanted: self.input.wanted,
            location_id: Some(location),
            from: date,
            days: 1,
            day_parts: self.input.day_parts.clone(),
            weekdays: vec![],
            max_price: None,
        }
    }
}

/// An open entry and the first free time on the board that it wants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WaitlistMatch {
    pub entry: WaitlistEntry,
    pub opening: Opening,
}

/// Which entries to list; every open one by default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WaitlistFilter {
    /// Those that could be seen at this location (entries for any location too).
    #[serde(default)]
    pub location_id: Option<LocationId>,
    #[serde(default)]
    pub priority: Option<WaitlistPriority>,
    /// Booked, removed and expired ones as well.
    #[serde(default)]
    pub include_closed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SpecialtyId;

    fn input() -> WaitlistInput {
        WaitlistInput {
            wanted: Wanted::Specialty { specialty_id: SpecialtyId(1) },
            location_ids: vec![LocationId(2), LocationId(1), LocationId(2)],
            from: "2027-01-04".parse().unwrap(),
            to: "2027-01-15".parse().unwrap(),
            day_parts: vec![DayPart::Morning],
            note: " mornings only ".into(),
            priority: WaitlistPriority::Urgent,
        }
    }

    #[test]
    fn an_entry_is_checked_before_it_is_queued() {
        let today = "2027-01-04".parse().unwrap();
        let valid = input().validate(today).unwrap();
        assert_eq!(valid.location_ids, [LocationId(1), LocationId(2)]);
        assert_eq!(valid.note, "mornings only");
        let backwards = WaitlistInput { to: "2027-01-01".parse().unwrap(), ..input() }.validate(today);
        assert_eq!(backwards.unwrap_err().field(), Some("to"));
        let over = WaitlistInput { from: "2026-12-01".parse().unwrap(), to: "2027-01-03".parse().unwrap(), ..input() };
        assert!(matches!(over.validate(today), Err(AppError::Validation { code: ValidationCode::InThePast, .. })));
        let long = WaitlistInput { to: "2028-06-01".parse().unwrap(), ..input() }.validate(today);
        assert_eq!(long.unwrap_err().field(), Some("to"));
        assert_eq!(
            WaitlistPriority::from_rank(WaitlistPriority::WhenConvenient.rank()),
            WaitlistPriority::WhenConvenient
        );
    }
}
