//! Openings: the first free time for a specialty, a doctor or a diagnostic,
//! at one location or any, answered at once by the availability engine over
//! every candidate calendar. The server feeds it calendars loaded from the
//! database; a station out of reach feeds it the same engine's calendars
//! rebuilt from its kept boards. Either way the rule is here, once.

use chrono::{DateTime, Days, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::availability::ResourceCalendar;
use crate::bookings::BookingSubject;
use crate::error::{AppError, AppResult, ValidationCode};
use crate::ids::{DiagnosticId, DoctorId, LocationId, SpecialtyId};
use crate::values::{IsoWeekday, Money};

/// What the caller asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Wanted {
    /// Any active doctor of the specialty.
    #[serde(rename_all = "camelCase")]
    Specialty { specialty_id: SpecialtyId },
    #[serde(rename_all = "camelCase")]
    Doctor { doctor_id: DoctorId },
    #[serde(rename_all = "camelCase")]
    Diagnostic { diagnostic_id: DiagnosticId },
}

impl From<BookingSubject> for Wanted {
    fn from(subject: BookingSubject) -> Wanted {
        match subject {
            BookingSubject::Doctor { doctor_id } => Wanted::Doctor { doctor_id },
            BookingSubject::Diagnostic { diagnostic_id } => Wanted::Diagnostic { diagnostic_id },
        }
    }
}

/// Part of the day a slot starts in, in the location's own time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum DayPart {
    /// Before 12:00.
    Morning,
    /// 12:00 to 17:00.
    Afternoon,
    /// From 17:00.
    Evening,
}

impl DayPart {
    pub const ALL: [DayPart; 3] = [DayPart::Morning, DayPart::Afternoon, DayPart::Evening];

    /// The part of the day a local hour falls in.
    pub fn of_hour(hour: u32) -> DayPart {
        match hour {
            0..12 => DayPart::Morning,
            12..17 => DayPart::Afternoon,
            _ => DayPart::Evening,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OpeningsQuery {
    pub wanted: Wanted,
    /// One location, or every location (`None`).
    pub location_id: Option<LocationId>,
    /// The first local date searched.
    pub from: NaiveDate,
    /// How many days from `from` (`OpeningsQuery::DEFAULT_DAYS` unless asked).
    pub days: u16,
    /// Parts of the day a slot may start in; empty: any time.
    #[serde(default)]
    pub day_parts: Vec<DayPart>,
    /// Weekdays a slot may fall on; empty: any day.
    #[serde(default)]
    pub weekdays: Vec<IsoWeekday>,
    /// The highest price the caller accepts, as typed ("500", "450.50");
    /// empty or none: any price.
    #[serde(default)]
    pub max_price: Option<String>,
}

impl OpeningsQuery {
    pub const DEFAULT_DAYS: u16 = 14;
    pub const MAX_DAYS: u16 = 62;
    /// Free slots listed per doctor or diagnostic and location: enough to
    /// offer a choice without one busy doctor hiding every other.
    pub const PER_CALENDAR: usize = 3;
    /// The longest answer, earliest first.
    pub const MAX_OPENINGS: usize = 60;

    pub fn validate(&self) -> AppResult<()> {
        if !(1..=Self::MAX_DAYS).contains(&self.days) {
            return Err(AppError::validation(
                "days",
                ValidationCode::OutOfRange,
                format!("search 1 to {} days at a time", Self::MAX_DAYS),
            ));
        }
        self.price_limit().map(|_| ())
    }

    /// The highest price asked for, checked like every price.
    pub fn price_limit(&self) -> AppResult<Option<Money>> {
        match self.max_price.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(typed) => Money::parse("maxPrice", typed).map(Some),
        }
    }

    /// The last local date searched.
    pub fn to(&self) -> NaiveDate {
        self.from.checked_add_days(Days::new(u64::from(self.days) - 1)).unwrap_or(NaiveDate::MAX)
    }

    /// Whether a price is within the limit (a query that failed
    /// [`OpeningsQuery::validate`] accepts nothing).
    pub fn accepts_price(&self, price: Money) -> bool {
        self.price_limit().is_ok_and(|limit| limit.is_none_or(|max| price <= max))
    }

    /// Whether a slot starting at `start` is, in the location's `zone`, on a
    /// wanted weekday and in a wanted part of the day.
    pub fn accepts_start(&self, zone: Tz, start: DateTime<Utc>) -> bool {
        let local = start.with_timezone(&zone);
        (self.weekdays.is_empty() || self.weekdays.contains(&IsoWeekday::of(local.date_naive())))
            && (self.day_parts.is_empty() || self.day_parts.contains(&DayPart::of_hour(local.hour())))
    }
}

/// One free slot found: everything the booking drawer needs to open with it chosen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Opening {
    pub location_id: LocationId,
    pub location_name: String,
    pub time_zone: String,
    pub subject: BookingSubject,
    /// The doctor's or diagnostic's name.
    pub name: String,
    /// The doctor's specialty; empty for a diagnostic.
    pub detail: String,
    pub price: Money,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Openings {
    /// Earliest first; at most `OpeningsQuery::PER_CALENDAR` per doctor or
    /// diagnostic and location, `OpeningsQuery::MAX_OPENINGS` in all.
    pub openings: Vec<Opening>,
    /// The last date actually searched: the query's, or where a station's
    /// kept copy ends.
    pub searched_to: NaiveDate,
    /// Found in this station's kept boards while the clinic database was out
    /// of reach: other desks' latest bookings may be missing.
    pub from_kept_copy: bool,
}

/// A doctor or diagnostic at a location, with its calendar over some of the
/// searched dates (all of them from the server, one kept board offline).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub location_id: LocationId,
    pub location_name: String,
    pub subject: BookingSubject,
    pub name: String,
    pub detail: String,
    pub price: Money,
    pub calendar: ResourceCalendar,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The first free slots of every candidate that `query` accepts, earliest
/// first, at most `PER_CALENDAR` per doctor or diagnostic and location.
/// Candidates of one subject and location may come as several calendars (a
/// station's one board per day); give them in date order.
pub fn find_openings(candidates: &[Candidate], query: &OpeningsQuery, now: DateTime<Utc>) -> Vec<Opening> {
    let mut found: Vec<Opening> = Vec::new();
    let mut counted: Vec<((LocationId, BookingSubject), usize)> = Vec::new();
    for candidate in candidates.iter().filter(|c| query.accepts_price(c.price)) {
        let key = (candidate.location_id, candidate.subject);
        let index = match counted.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                counted.push((key, 0));
                counted.len() - 1
            }
        };
        let room = OpeningsQuery::PER_CALENDAR - counted[index].1;
        if room == 0 {
            continue;
        }
        let calendar = &candidate.calendar;
        let slots = calendar.first_free_slots(candidate.from, candidate.to, now, room, |start| {
            query.accepts_start(calendar.time_zone, start)
        });
        counted[index].1 += slots.len();
        found.extend(slots.into_iter().map(|slot| Opening {
            location_id: candidate.location_id,
            location_name: candidate.location_name.clone(),
            time_zone: calendar.time_zone.name().to_string(),
            subject: candidate.subject,
            name: candidate.name.clone(),
            detail: candidate.detail.clone(),
            price: candidate.price,
            starts_at: slot.starts_at,
            ends_at: slot.ends_at,
        }));
    }
    found.sort_by(|a, b| {
        (a.starts_at, &a.name, &a.location_name, a.location_id).cmp(&(
            b.starts_at,
            &b.name,
            &b.location_name,
            b.location_id,
        ))
    });
    found.truncate(OpeningsQuery::MAX_OPENINGS);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::availability::Busy;
    use crate::ids::BookingId;
    use crate::schedule::WeeklyInterval;
    use crate::values::WallTime;
    use chrono::{NaiveDate, TimeZone};

    fn week(start: u16, end: u16) -> Vec<WeeklyInterval> {
        (1..=7)
            .map(|d| WeeklyInterval {
                weekday: IsoWeekday::new(d).unwrap(),
                start: WallTime::hm(start, 0),
                end: WallTime::hm(end, 0),
            })
            .collect()
    }

    fn candidate(doctor: i32, location: i32, zone: chrono_tz::Tz, hours: (u16, u16), price: &str) -> Candidate {
        Candidate {
            location_id: LocationId(location),
            location_name: format!("Location {location}"),
            subject: BookingSubject::Doctor { doctor_id: DoctorId(doctor) },
            name: format!("Doctor {doctor}"),
            detail: "Cardiology".into(),
            price: Money::parse("price", price).unwrap(),
            calendar: ResourceCalendar {
                time_zone: zone,
                slot_minutes: 30,
                location_week: week(8, 20),
                location_exceptions: vec![],
                resource_week: Some(week(hours.0, hours.1)),
                resource_exceptions: vec![],
                lanes: 1,
                busy: vec![],
            },
            from: date(2026, 12, 7),
            to: date(2026, 12, 20),
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn query() -> OpeningsQuery {
        OpeningsQuery {
            wanted: Wanted::Specialty { specialty_id: SpecialtyId(1) },
            location_id: None,
            from: date(2026, 12, 7),
            days: 14,
            day_parts: vec![],
            weekdays: vec![],
            max_price: None,
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
    }

    #[test]
    fn earliest_first_across_zones_and_at_most_three_per_calendar() {
        let kyiv = candidate(1, 1, chrono_tz::Europe::Kyiv, (9, 12), "500");
        // 09:00 in London is 11:00 in Kyiv: later, although the wall time is the same.
        let london = candidate(2, 2, chrono_tz::Europe::London, (9, 12), "400");
        let found = find_openings(&[london, kyiv], &query(), now());
        assert_eq!(found.len(), 6);
        assert!(found.windows(2).all(|w| w[0].starts_at <= w[1].starts_at));
        assert_eq!(found[0].name, "Doctor 1");
        assert_eq!(found[0].starts_at, Utc.with_ymd_and_hms(2026, 12, 7, 7, 0, 0).unwrap());
        assert_eq!(found[0].time_zone, "Europe/Kyiv");
        assert_eq!(found.iter().filter(|o| o.name == "Doctor 2").count(), 3);
        assert_eq!(
            found.iter().find(|o| o.name == "Doctor 2").unwrap().starts_at.to_rfc3339(),
            "2026-12-07T09:00:00+00:00"
        );
    }

    #[test]
    fn filters_by_weekday_part_of_day_and_price() {
        let cheap = candidate(1, 1, chrono_tz::Europe::Kyiv, (9, 19), "300");
        let dear = candidate(2, 1, chrono_tz::Europe::Kyiv, (9, 19), "900");
        let q = OpeningsQuery {
            day_parts: vec![DayPart::Evening],
            weekdays: vec![IsoWeekday::new(3).unwrap()],
            max_price: Some("500".into()),
            ..query()
        };
        let found = find_openings(&[cheap, dear], &q, now());
        assert_eq!(found.len(), 3);
        for opening in &found {
            let local = opening.starts_at.with_timezone(&chrono_tz::Europe::Kyiv);
            assert_eq!(local.date_naive(), date(2026, 12, 9), "the first Wednesday");
            assert!(local.hour() >= 17);
            assert_eq!(opening.name, "Doctor 1");
        }
    }

    #[test]
    fn taken_slots_and_the_past_are_skipped_and_days_are_counted_per_calendar() {
        let mut busy = candidate(1, 1, chrono_tz::UTC, (9, 10), "100");
        let first = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
        busy.calendar.busy = vec![Busy {
            booking_id: BookingId(uuid::Uuid::nil()),
            start: first,
            end: first + chrono::Duration::minutes(30),
            lane: 1,
            laneless: false,
            held: false,
        }];
        // Offline: one calendar per kept day; the limit spans them.
        let next_day = Candidate { from: date(2026, 12, 8), to: date(2026, 12, 8), ..busy.clone() };
        busy.to = busy.from;
        let found = find_openings(&[busy, next_day], &query(), now());
        let starts: Vec<_> = found.iter().map(|o| o.starts_at.format("%d %H:%M").to_string()).collect();
        assert_eq!(starts, ["07 09:30", "08 09:00", "08 09:30"]);
        let late = Utc.with_ymd_and_hms(2026, 12, 20, 23, 0, 0).unwrap();
        assert!(find_openings(&[candidate(1, 1, chrono_tz::UTC, (9, 10), "1")], &query(), late).is_empty());
    }

    #[test]
    fn day_parts_split_at_noon_and_five() {
        assert_eq!(DayPart::of_hour(11), DayPart::Morning);
        assert_eq!(DayPart::of_hour(12), DayPart::Afternoon);
        assert_eq!(DayPart::of_hour(16), DayPart::Afternoon);
        assert_eq!(DayPart::of_hour(17), DayPart::Evening);
    }

    #[test]
    fn the_search_is_bounded() {
        assert!(OpeningsQuery { days: 0, ..query() }.validate().is_err());
        let long = OpeningsQuery { days: OpeningsQuery::MAX_DAYS + 1, ..query() }.validate().unwrap_err();
        assert!(matches!(long, AppError::Validation { ref field, .. } if field == "days"));
        assert_eq!(query().to(), date(2026, 12, 20));
        let price = OpeningsQuery { max_price: Some("a lot".into()), ..query() }.validate().unwrap_err();
        assert!(matches!(price, AppError::Validation { ref field, .. } if field == "maxPrice"));
        assert!(OpeningsQuery { max_price: Some(" ".into()), ..query() }.validate().is_ok());
    }
}
