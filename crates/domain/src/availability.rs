//! The availability engine: which slots of a doctor or a diagnostic are free at
//! a location. Pure Rust over plain data, so the same rules serve the slot
//! picker and the check made inside the booking transaction: search and commit
//! can never disagree.
//!
//! Time: templates are wall-clock minutes in the location's IANA zone. Each
//! open interval of a day is turned into real instants (an interval start in a
//! DST gap moves to the end of the gap; an ambiguous start takes the earlier
//! instant and an ambiguous end the later one), and slots are laid from the
//! interval's start every `slot_minutes` of real time. So a day that loses an
//! hour offers an hour fewer and a day that gains one offers an hour more,
//! and no slot is ever invented or doubled.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{AppError, ConflictCode, ValidationCode};
use crate::ids::BookingId;
use crate::schedule::{DateException, ExceptionKind, WeeklyInterval};
use crate::values::{IsoWeekday, WallTime};

/// Everything the engine needs to know about one bookable resource (a doctor,
/// or a diagnostic) at one location.
#[derive(Debug, Clone)]
pub struct ResourceCalendar {
    pub time_zone: Tz,
    pub slot_minutes: u16,
    /// The location's opening hours.
    pub location_week: Vec<WeeklyInterval>,
    /// The location's closures and extra hours.
    pub location_exceptions: Vec<DateException>,
    /// The doctor's week at this location; `None` for a diagnostic, which runs
    /// whenever the location is open.
    pub resource_week: Option<Vec<WeeklyInterval>>,
    /// The doctor's leave (everywhere) and extra hours at this location.
    pub resource_exceptions: Vec<DateException>,
    /// How many bookings may overlap: 1 for a doctor, the capacity for a diagnostic.
    pub lanes: u16,
    /// Active bookings of the resource (for a doctor: at every location).
    pub busy: Vec<Busy>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy {
    pub booking_id: BookingId,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub lane: u16,
    /// Holds no lane of its own but takes one place of the capacity while
    /// it stands (a doctor's only place): a booking made anyway, or a hold.
    pub laneless: bool,
    /// A desk's hold, not a booking (a refusal says "held at another desk").
    pub held: bool,
}

/// A free slot, with the lowest lane still free in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FreeSlot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[serde(skip)]
    pub lane: u16,
}

/// Why a requested start cannot be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotProblem {
    InThePast,
    OutsideWorkingHours,
    /// Inside working hours but not on the slot grid.
    OffGrid,
    /// On the grid, but every lane is taken; names one booking that holds it.
    Taken {
        by: BookingId,
    },
}

/// Minutes of a local day, as sorted non-overlapping half-open intervals.
type DaySpans = Vec<(u16, u16)>;

impl ResourceCalendar {
    /// Free slots on the local dates `from..=to`, starting after `now`.
    pub fn free_slots(&self, from: NaiveDate, to: NaiveDate, now: DateTime<Utc>) -> Vec<FreeSlot> {
        self.first_free_slots(from, to, now, usize::MAX, |_| true)
    }

    /// The first `limit` free slots on `from..=to` after `now` whose start
    /// `wanted` accepts (the openings search's time-of-day and weekday
    /// filters); stops at the limit instead of laying out every day.
    pub fn first_free_slots(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
        limit: usize,
        wanted: impl Fn(DateTime<Utc>) -> bool,
    ) -> Vec<FreeSlot> {
        let mut busy = self.busy.clone();
        busy.sort_by_key(|b| b.start);
        let longest = busy.iter().map(|b| b.end - b.start).max().unwrap_or_default();
        let mut out = Vec::new();
        for date in from.iter_days().take_while(|d| *d <= to) {
            for (start, end) in self.grid(date) {
                if out.len() >= limit {
                    return out;
                }
                if start <= now || !wanted(start) {
                    continue;
                }
                if let Ok(lane) = free_lane(&busy, longest, self.lanes, start, end) {
                    out.push(FreeSlot { starts_at: start, ends_at: end, lane });
                }
            }
        }
        out
    }

    /// Checks one requested start the way a booking commit must: in the
    /// future, inside working hours, on the slot grid, with a lane free.
    pub fn check(&self, start: DateTime<Utc>, now: DateTime<Utc>) -> Result<FreeSlot, SlotProblem> {
        if start <= now {
            return Err(SlotProblem::InThePast);
        }
        let date = start.with_timezone(&self.time_zone).date_naive();
        let grid = self.grid(date);
        let Some(&(slot_start, slot_end)) = grid.iter().find(|(s, _)| *s == start) else {
            let inside = self.open_instants(date).iter().any(|(open, close)| *open <= start && start < *close);
            return Err(if inside { SlotProblem::OffGrid } else { SlotProblem::OutsideWorkingHours });
        };
        let mut busy = self.busy.clone();
        busy.sort_by_key(|b| b.start);
        let longest = busy.iter().map(|b| b.end - b.start).max().unwrap_or_default();
        free_lane(&busy, longest, self.lanes, slot_start, slot_end)
            .map(|lane| FreeSlot { starts_at: slot_start, ends_at: slot_end, lane })
            .map_err(|by| SlotProblem::Taken { by })
    }

    /// Every rule a requested start breaks (none: [`ResourceCalendar::check`]
    /// accepts it): what a refusal lists, and what a manager's "book anyway"
    /// overrides. Off the grid, the booking would last one slot from `start`.
    pub fn problems(&self, start: DateTime<Utc>, now: DateTime<Utc>) -> Vec<SlotProblem> {
        let mut problems = Vec::new();
        if start <= now {
            problems.push(SlotProblem::InThePast);
        }
        let date = start.with_timezone(&self.time_zone).date_naive();
        let end = match self.grid(date).into_iter().find(|(s, _)| *s == start) {
            Some((_, end)) => end,
            None => {
                let inside = self.open_instants(date).iter().any(|(open, close)| *open <= start && start < *close);
                problems.push(if inside { SlotProblem::OffGrid } else { SlotProblem::OutsideWorkingHours });
                start + Duration::minutes(i64::from(self.slot_minutes))
            }
        };
        if let Err(by) = self.lane_at(start, end) {
            problems.push(SlotProblem::Taken { by });
        }
        problems
    }

    /// The lowest lane free over `[start, end)`, or a booking that blocks it.
    pub fn lane_at(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Result<u16, BookingId> {
        let mut busy = self.busy.clone();
        busy.sort_by_key(|b| b.start);
        let longest = busy.iter().map(|b| b.end - b.start).max().unwrap_or_default();
        free_lane(&busy, longest, self.lanes, start, end)
    }

    /// The slot grid of one local date, ignoring bookings and the clock.
    pub fn grid(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let step = Duration::minutes(i64::from(self.slot_minutes));
        let mut slots = Vec::new();
        for (open, close) in self.open_instants(date) {
            let mut start = open;
            while start + step <= close {
                slots.push((start, start + step));
                start += step;
            }
        }
        slots
    }

    /// The open wall-clock spans of a local date after every exception.
    pub fn open_spans(&self, date: NaiveDate) -> Vec<(WallTime, WallTime)> {
        self.open_minutes(date)
            .into_iter()
            .filter_map(|(s, e)| Some((WallTime::from_minutes(s.into())?, WallTime::from_minutes(e.into())?)))
            .collect()
    }

    fn open_minutes(&self, date: NaiveDate) -> DaySpans {
        let location = apply_exceptions(
            week_spans(&self.location_week, date),
            &self.location_exceptions,
            date,
            ExceptionKind::Closure,
        );
        match &self.resource_week {
            None => location,
            Some(week) => {
                let resource =
                    apply_exceptions(week_spans(week, date), &self.resource_exceptions, date, ExceptionKind::Leave);
                intersect(&location, &resource)
            }
        }
    }

    fn open_instants(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        self.open_minutes(date)
            .into_iter()
            .map(|(s, e)| {
                (
                    wall_to_instant(self.time_zone, date, s, Edge::Start),
                    wall_to_instant(self.time_zone, date, e, Edge::End),
                )
            })
            .filter(|(open, close)| open < close)
            .collect()
    }
}

/// `[start, end)` of a local date in UTC.
pub fn local_day(zone: Tz, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start_of = |d: NaiveDate| {
        let midnight = d.and_hms_opt(0, 0, 0).expect("midnight");
        zone.from_local_datetime(&midnight)
            .earliest()
            // A zone that skips midnight: the day starts an hour later at most.
            .unwrap_or_else(|| zone.from_utc_datetime(&(midnight - Duration::hours(zone_offset_hours(zone, d)))))
            .with_timezone(&Utc)
    };
    (start_of(date), start_of(date.succ_opt().expect("a next day")))
}

fn zone_offset_hours(zone: Tz, date: NaiveDate) -> i64 {
    use chrono::Offset;
    let noon = date.and_hms_opt(12, 0, 0).expect("noon");
    zone.offset_from_utc_datetime(&noon).fix().local_minus_utc() as i64 / 3600
}

/// The lowest lane free over `[start, end)`, or a booking that blocks it.
fn free_lane(
    busy_by_start: &[Busy],
    longest: Duration,
    lanes: u16,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<u16, BookingId> {
    let from = busy_by_start.partition_point(|b| b.start < start - longest);
    let to = busy_by_start.partition_point(|b| b.start < end);
    let mut taken = 0u64; // bit i = lane i+1; capacity is at most 50
    let mut laneless = 0u32; // places taken by holds and bookings made anyway
    let mut blocker = None;
    for b in &busy_by_start[from..to] {
        if b.end > start && b.start < end {
            if b.laneless {
                laneless += 1;
            } else if (1..=64).contains(&b.lane) {
                taken |= 1 << (b.lane - 1);
            } else {
                continue;
            }
            blocker.get_or_insert(b.booking_id);
        }
    }
    let lanes = lanes.min(64);
    if taken.count_ones() + laneless >= u32::from(lanes) {
        return Err(blocker.expect("a full slot has a booking in it"));
    }
    (1..=lanes).find(|lane| taken & (1 << (lane - 1)) == 0).ok_or_else(|| blocker.expect("a full slot is taken"))
}

fn week_spans(week: &[WeeklyInterval], date: NaiveDate) -> DaySpans {
    let weekday = IsoWeekday::of(date);
    normalize(week.iter().filter(|i| i.weekday == weekday).map(|i| (i.start.minutes(), i.end.minutes())).collect())
}

/// Adds the date's extra hours, then removes its `removal` exceptions
/// (closures for a location, leave for a doctor).
fn apply_exceptions(base: DaySpans, exceptions: &[DateException], date: NaiveDate, removal: ExceptionKind) -> DaySpans {
    let todays = || exceptions.iter().filter(move |e| e.date == date);
    let span = |e: &DateException| e.span.map_or((0, 1440), |(s, t)| (s.minutes(), t.minutes()));
    let mut open = base;
    open.extend(todays().filter(|e| e.kind == ExceptionKind::ExtraHours).map(span));
    let open = normalize(open);
    let removed = normalize(todays().filter(|e| e.kind == removal).map(span).collect());
    subtract(&open, &removed)
}

fn normalize(mut spans: DaySpans) -> DaySpans {
    spans.retain(|(s, e)| s < e);
    spans.sort_unstable();
    let mut merged: DaySpans = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

fn intersect(a: &DaySpans, b: &DaySpans) -> DaySpans {
    let mut out = Vec::new();
    for &(s1, e1) in a {
        for &(s2, e2) in b {
            let (s, e) = (s1.max(s2), e1.min(e2));
            if s < e {
                out.push((s, e));
            }
        }
    }
    normalize(out)
}

fn subtract(from: &DaySpans, remove: &DaySpans) -> DaySpans {
    let mut out = Vec::new();
    for &(mut s, e) in from {
        for &(rs, re) in remove {
            if re <= s || rs >= e {
                continue;
            }
            if rs > s {
                out.push((s, rs));
            }
            s = s.max(re);
            if s >= e {
                break;
            }
        }
        if s < e {
            out.push((s, e));
        }
    }
    out
}

#[derive(Clone, Copy)]
enum Edge {
    Start,
    End,
}

/// The instant at which local wall time `minute` of `date` happens in `tz`.
fn wall_to_instant(tz: Tz, date: NaiveDate, minute: u16, edge: Edge) -> DateTime<Utc> {
    let local = date.and_hms_opt(0, 0, 0).expect("midnight exists") + Duration::minutes(i64::from(minute));
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(earlier, later) => match edge {
            Edge::Start => earlier.with_timezone(&Utc),
            Edge::End => later.with_timezone(&Utc),
        },
        // In a DST gap: the wall time never happens. The first wall time after
        // the gap is the instant the clock jumped, where the interval really
        // starts or ends.
        LocalResult::None => (1..=24 * 60)
            .find_map(|m| tz.from_local_datetime(&(local + Duration::minutes(m))).earliest())
            .map(|after_gap| after_gap.with_timezone(&Utc))
            .expect("a DST gap is shorter than a day"),
    }
}

/// Why a start cannot be booked, in the words staff see, naming the field.
pub fn slot_refusal(problem: SlotProblem, calendar: &ResourceCalendar, resource: &str, location: &str) -> AppError {
    let field = "startsAt";
    match problem {
        SlotProblem::InThePast => {
            AppError::validation(field, ValidationCode::InThePast, "this time has already passed")
        }
        SlotProblem::OutsideWorkingHours => AppError::validation(
            field,
            ValidationCode::OutsideWorkingHours,
            format!("{} is not available at {} at this time", resource, location),
        ),
        SlotProblem::OffGrid => AppError::validation(
            field,
            ValidationCode::OffGrid,
            format!("bookings with {} start every {} minutes", resource, calendar.slot_minutes),
        ),
        SlotProblem::Taken { by } => taken_refusal(calendar, resource, location, Some(by)),
    }
}

/// The refusal of the first rule broken; its message names every rule (the
/// window lists them in the person's language from `SlotCheck`).
pub fn slot_refusal_all(
    problems: &[SlotProblem],
    calendar: &ResourceCalendar,
    resource: &str,
    location: &str,
) -> AppError {
    let mut refusals = problems.iter().map(|p| slot_refusal(*p, calendar, resource, location));
    let Some(mut first) = refusals.next() else {
        return taken_refusal(calendar, resource, location, None);
    };
    let others: Vec<String> = refusals.map(|r| r.message_text()).collect();
    if !others.is_empty() {
        let also = format!("; also: {}", others.join("; "));
        match &mut first {
            AppError::Validation { message, .. } | AppError::Conflict { message, .. } => message.push_str(&also),
            _ => {}
        }
    }
    first
}

/// The slot is full; names the booking holding it and its times when known.
pub fn taken_refusal(calendar: &ResourceCalendar, resource: &str, location: &str, by: Option<BookingId>) -> AppError {
    let holder = by.and_then(|id| calendar.busy.iter().find(|b| b.booking_id == id));
    let zone = calendar.time_zone;
    let span = |b: &Busy| {
        format!("{}–{}", b.start.with_timezone(&zone).format("%H:%M"), b.end.with_timezone(&zone).format("%H:%M"))
    };
    let message = match holder {
        Some(hold) if hold.held => format!(
            "{resource} is held at another desk at this time ({}) for a few minutes; at {location} choose another free slot",
            span(hold)
        ),
        Some(booking) => format!(
            "{resource} is already booked at this time (booked {}); at {location} choose another free slot",
            span(booking)
        ),
        None => format!("{resource} is already booked at this time; at {location} choose another free slot"),
    };
    AppError::Conflict {
        code: ConflictCode::SlotTaken,
        message,
        conflicting_booking_id: by.filter(|_| !holder.is_some_and(|h| h.held)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn every_day(start: WallTime, end: WallTime) -> Vec<WeeklyInterval> {
        (1..=7).map(|d| WeeklyInterval { weekday: IsoWeekday::new(d).unwrap(), start, end }).collect()
    }

    fn calendar(tz: Tz, slot: u16, week: Vec<WeeklyInterval>) -> ResourceCalendar {
        ResourceCalendar {
            time_zone: tz,
            slot_minutes: slot,
            location_week: week,
            location_exceptions: vec![],
            resource_week: None,
            resource_exceptions: vec![],
            lanes: 1,
            busy: vec![],
        }
    }

    fn busy(start: &str, end: &str, lane: u16) -> Busy {
        Busy {
            booking_id: BookingId(Uuid::now_v7()),
            start: utc(start),
            end: utc(end),
            lane,
            laneless: false,
            held: false,
        }
    }

    const LONG_AGO: &str = "2000-01-01T00:00:00Z";

    #[test]
    fn a_refusal_names_every_rule_the_time_breaks() {
        let mut cal = calendar(chrono_tz::UTC, 30, every_day(WallTime::hm(9, 0), WallTime::hm(11, 0)));
        // Booked anyway before opening time; a second booking there breaks both rules.
        let early = Busy { laneless: true, ..busy("2026-06-01T08:00:00Z", "2026-06-01T08:30:00Z", 1) };
        cal.busy = vec![early];
        let problems = cal.problems(utc("2026-06-01T08:00:00Z"), utc(LONG_AGO));
        assert_eq!(problems, [SlotProblem::OutsideWorkingHours, SlotProblem::Taken { by: early.booking_id }]);
        assert_eq!(
            cal.problems(utc("2026-06-01T09:10:00Z"), utc("2026-06-02T00:00:00Z")),
            [SlotProblem::InThePast, SlotProblem::OffGrid]
        );
        assert!(cal.problems(utc("2026-06-01T09:00:00Z"), utc(LONG_AGO)).is_empty());
        assert_eq!(cal.check(utc("2026-06-01T09:00:00Z"), utc(LONG_AGO)).map(|s| s.lane), Ok(1));
    }

    #[test]
    fn a_booking_made_anyway_takes_a_place_but_no_lane() {
        let mut cal = calendar(chrono_tz::UTC, 30, every_day(WallTime::hm(9, 0), WallTime::hm(11, 0)));
        cal.lanes = 2;
        let at = |s| utc(s);
        let over = Busy { laneless: true, ..busy("2026-06-01T09:00:00Z", "2026-06-01T09:30:00Z", 1) };
        cal.busy = vec![over];
        // One place left, on lane 1 (the laneless row holds none).
        assert_eq!(cal.lane_at(at("2026-06-01T09:00:00Z"), at("2026-06-01T09:30:00Z")), Ok(1));
        cal.busy.push(busy("2026-06-01T09:00:00Z", "2026-06-01T09:30:00Z", 2));
        assert_eq!(cal.lane_at(at("2026-06-01T09:00:00Z"), at("2026-06-01T09:30:00Z")), Err(over.booking_id));
        // Lanes 1 and 2 both taken plus one anyway: still full, three patients.
        cal.busy.push(busy("2026-06-01T09:00:00Z", "2026-06-01T09:30:00Z", 1));
        assert!(cal.lane_at(at("2026-06-01T09:00:00Z"), at("2026-06-01T09:30:00Z")).is_err());
        assert_eq!(cal.free_slots(date("2026-06-01"), date("2026-06-01"), utc(LONG_AGO)).len(), 3);
    }

    #[test]
    fn slots_follow_the_location_time_zone() {
        let cal = calendar(chrono_tz::Europe::Kyiv, 30, every_day(WallTime::hm(9, 0), WallTime::hm(11, 0)));
        let slots = cal.free_slots(date("2026-06-01"), date("2026-06-01"), utc(LONG_AGO));
        let starts: Vec<_> = slots.iter().map(|s| s.starts_at.to_rfc3339()).collect();
        // Kyiv is UTC+3 in summer.
        assert_eq!(
            starts,
            [
                "2026-06-01T06:00:00+00:00",
                "2026-06-01T06:30:00+00:00",
                "2026-06-01T07:00:00+00:00",
                "2026-06-01T07:30:00+00:00"
            ]
        );
    }

    #[test]
    fn spring_forward_night_loses_an_hour_of_slots() {
        // Kyiv: 2026-03-29 03:00 -> 04:00. New York: 2026-03-08 02:00 -> 03:00.
        for (tz, day) in [(chrono_tz::Europe::Kyiv, "2026-03-29"), (chrono_tz::America::New_York, "2026-03-08")] {
            let cal = calendar(tz, 60, every_day(WallTime::hm(0, 0), WallTime::hm(6, 0)));
            let slots = cal.free_slots(date(day), date(day), utc(LONG_AGO));
            assert_eq!(slots.len(), 5, "{tz}: six wall hours, five real ones");
            for pair in slots.windows(2) {
                assert_eq!(pair[0].ends_at, pair[1].starts_at, "{tz}: slots are contiguous");
            }
            assert!(slots.iter().all(|s| s.ends_at - s.starts_at == Duration::hours(1)));
        }
    }

    #[test]
    fn fall_back_night_gains_an_hour_of_slots() {
        // Kyiv: 2026-10-25 04:00 -> 03:00. New York: 2026-11-01 02:00 -> 01:00.
        for (tz, day) in [(chrono_tz::Europe::Kyiv, "2026-10-25"), (chrono_tz::America::New_York, "2026-11-01")] {
            let cal = calendar(tz, 60, every_day(WallTime::hm(0, 0), WallTime::hm(6, 0)));
            let slots = cal.free_slots(date(day), date(day), utc(LONG_AGO));
            assert_eq!(slots.len(), 7, "{tz}: six wall hours, seven real ones");
            let distinct: std::collections::BTreeSet<_> = slots.iter().map(|s| s.starts_at).collect();
            assert_eq!(distinct.len(), 7, "{tz}: no slot doubled");
        }
    }

    #[test]
    fn daytime_hours_keep_their_wall_clock_across_dst() {
        let cal = calendar(chrono_tz::America::New_York, 60, every_day(WallTime::hm(9, 0), WallTime::hm(10, 0)));
        let before = cal.free_slots(date("2026-03-07"), date("2026-03-07"), utc(LONG_AGO));
        let after = cal.free_slots(date("2026-03-09"), date("2026-03-09"), utc(LONG_AGO));
        assert_eq!(before[0].starts_at, utc("2026-03-07T14:00:00Z")); // EST, UTC-5
        assert_eq!(after[0].starts_at, utc("2026-03-09T13:00:00Z")); // EDT, UTC-4
    }

    #[test]
    fn interval_starting_inside_a_gap_starts_when_the_clock_jumps() {
        let cal = calendar(chrono_tz::Europe::Kyiv, 30, every_day(WallTime::hm(3, 30), WallTime::hm(5, 0)));
        let slots = cal.free_slots(date("2026-03-29"), date("2026-03-29"), utc(LONG_AGO));
        // 03:30 does not exist; the day really opens at 04:00 local = 01:00 UTC.
        assert_eq!(slots[0].starts_at, utc("2026-03-29T01:00:00Z"));
        assert_eq!(slots.len(), 2);
    }

    #[test]
    fn doctor_hours_intersect_location_hours_and_exceptions_apply() {
        let mut cal = calendar(chrono_tz::UTC, 60, every_day(WallTime::hm(8, 0), WallTime::hm(14, 0)));
        cal.resource_week = Some(every_day(WallTime::hm(10, 0), WallTime::hm(18, 0)));
        let day = date("2026-05-04");
        assert_eq!(cal.open_spans(day), vec![(WallTime::hm(10, 0), WallTime::hm(14, 0))]);

        cal.resource_exceptions.push(DateException {
            date: day,
            kind: ExceptionKind::Leave,
            span: Some((WallTime::hm(11, 0), WallTime::hm(12, 0))),
        });
        assert_eq!(
            cal.open_spans(day),
            vec![(WallTime::hm(10, 0), WallTime::hm(11, 0)), (WallTime::hm(12, 0), WallTime::hm(14, 0))]
        );

        cal.location_exceptions.push(DateException { date: day, kind: ExceptionKind::Closure, span: None });
        assert!(cal.open_spans(day).is_empty());
        assert!(!cal.open_spans(date("2026-05-05")).is_empty(), "a closure covers its own date only");
    }

    #[test]
    fn extra_hours_open_a_closed_day() {
        let week = vec![WeeklyInterval {
            weekday: IsoWeekday::new(1).unwrap(),
            start: WallTime::hm(9, 0),
            end: WallTime::hm(12, 0),
        }];
        let mut cal = calendar(chrono_tz::UTC, 60, week);
        let saturday = date("2026-05-09");
        assert!(cal.grid(saturday).is_empty());
        cal.location_exceptions.push(DateException {
            date: saturday,
            kind: ExceptionKind::ExtraHours,
            span: Some((WallTime::hm(10, 0), WallTime::hm(12, 0))),
        });
        assert_eq!(cal.grid(saturday).len(), 2);
    }

    #[test]
    fn booked_slots_are_not_free_and_lanes_fill_in_order() {
        let mut cal = calendar(chrono_tz::UTC, 30, every_day(WallTime::hm(9, 0), WallTime::hm(10, 0)));
        cal.lanes = 2;
        cal.busy = vec![busy("2026-05-04T09:00:00Z", "2026-05-04T09:30:00Z", 1)];
        let day = date("2026-05-04");
        let slots = cal.free_slots(day, day, utc(LONG_AGO));
        assert_eq!(slots.len(), 2);
        assert_eq!(slots[0].lane, 2, "lane 1 is taken at 09:00");
        assert_eq!(slots[1].lane, 1);

        cal.busy.push(busy("2026-05-04T09:15:00Z", "2026-05-04T09:45:00Z", 2));
        let slots = cal.free_slots(day, day, utc(LONG_AGO));
        assert_eq!(slots.len(), 1, "09:00 is full, 09:30 keeps lane 1");
        assert_eq!(slots[0].starts_at, utc("2026-05-04T09:30:00Z"));
    }

    #[test]
    fn check_names_the_problem() {
        let mut cal = calendar(chrono_tz::UTC, 30, every_day(WallTime::hm(9, 0), WallTime::hm(12, 0)));
        let taken = busy("2026-05-04T10:00:00Z", "2026-05-04T10:30:00Z", 1);
        cal.busy = vec![taken];
        let now = utc("2026-05-04T09:10:00Z");
        assert_eq!(cal.check(utc("2026-05-04T09:00:00Z"), now), Err(SlotProblem::InThePast));
        assert_eq!(cal.check(utc("2026-05-04T09:45:00Z"), now), Err(SlotProblem::OffGrid));
        assert_eq!(cal.check(utc("2026-05-04T13:00:00Z"), now), Err(SlotProblem::OutsideWorkingHours));
        assert_eq!(cal.check(utc("2026-05-04T11:45:00Z"), now), Err(SlotProblem::OffGrid));
        assert_eq!(cal.check(utc("2026-05-04T10:00:00Z"), now), Err(SlotProblem::Taken { by: taken.booking_id }));
        let ok = cal.check(utc("2026-05-04T11:30:00Z"), now).unwrap();
        assert_eq!(ok.ends_at, utc("2026-05-04T12:00:00Z"));
        assert_eq!(ok.lane, 1);
    }

    #[test]
    fn past_slots_are_never_offered() {
        let cal = calendar(chrono_tz::UTC, 60, every_day(WallTime::hm(9, 0), WallTime::hm(12, 0)));
        let day = date("2026-05-04");
        let slots = cal.free_slots(day, day, utc("2026-05-04T10:00:00Z"));
        assert_eq!(slots.len(), 1);
        assert_eq!(slots[0].starts_at, utc("2026-05-04T11:00:00Z"));
    }

    #[test]
    fn interval_arithmetic() {
        assert_eq!(normalize(vec![(5, 9), (1, 3), (3, 4), (8, 12)]), vec![(1, 4), (5, 12)]);
        assert_eq!(subtract(&vec![(0, 10)], &vec![(2, 3), (5, 6)]), vec![(0, 2), (3, 5), (6, 10)]);
        assert_eq!(subtract(&vec![(0, 10)], &vec![(0, 10)]), vec![]);
        assert_eq!(intersect(&vec![(0, 5), (8, 12)], &vec![(4, 9)]), vec![(4, 5), (8, 9)]);
    }
}
