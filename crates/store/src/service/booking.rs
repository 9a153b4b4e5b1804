//! Booking: free slots, the booking commit, status changes, rescheduling,
//! ratings and the day board. Slot search and booking commit share one
//! engine (`ResourceCalendar`) fed by one loader, so they cannot disagree; the
//! database's exclusion constraints are the last word under concurrency.

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use clinic_domain::availability::{
    local_day, slot_refusal_all, taken_refusal, FreeSlot, ResourceCalendar, SlotProblem,
};
use clinic_domain::bookings::{
    BoardColumn, Booking, BookingRequest, BookingStatus, BookingSubject, ChangeNote, ClinicPolicy, DayBoard,
    DayPreview, HoldRequest, HoursPreviewQuery, OpenSpan, Rating, RatingInput, RescheduleRequest, SlotCheck,
    SlotCheckQuery, SlotHold, SlotQuery, StatusChange, StatusRequest,
};
use clinic_domain::catalogue::Location;
use clinic_domain::documents::BookingExport;
use clinic_domain::ids::{BookingId, DoctorId, LocationId};
use clinic_domain::schedule::{DateException, WeeklyInterval};
use clinic_domain::values::{optional_text, parse_time_zone, Money, Stars};
use clinic_domain::{Actor, AppError, AppResult, ConflictCode, Entity, ValidationCode};
use sqlx::{Connection, PgConnection};

use super::catalogue::{inactive, unknown};
use crate::repo::bookings::ExportedBooking;
use crate::repo::{board, bookings, calendar, holds, hours, locations, ratings};
use crate::{commit, db_error, internal, Clinic};

/// A resource's calendar at a location plus what a booking with it costs.
struct Terms {
    calendar: ResourceCalendar,
    name: String,
    price: Money,
    location: Location,
}

impl Clinic {
    /// Bookings for the accountant's export, narrowed as asked.
    #[tracing::instrument(skip_all, fields(from = %export.from, to = %export.to))]
    pub async fn export_bookings(&self, export: &BookingExport) -> AppResult<Vec<ExportedBooking>> {
        export.validate()?;
        let mut rows =
            bookings::export(&mut *self.conn().await?, export.from, export.to, export.location_id, export.subject)
                .await?;
        if !export.statuses.is_empty() {
            rows.retain(|row| export.statuses.contains(&row.status));
        }
        Ok(rows)
    }

    /// Free slots of a doctor or diagnostic at a location over local dates.
    #[tracing::instrument(skip_all, fields(location = %query.location_id))]
    pub async fn free_slots(&self, query: &SlotQuery) -> AppResult<Vec<FreeSlot>> {
        query.validate()?;
        let mut tx = self.begin_generic().await?;
        let terms = load_terms(&mut tx, query.location_id, query.subject, query.from, query.to, None).await?;
        commit(tx).await?;
        Ok(terms.calendar.free_slots(query.from, query.to, self.now()))
    }

    /// Shows a weekly template on real dates before it is saved, through the
    /// same engine and loader as slot search: the location's hours with its
    /// closures, or a doctor's hours there with leave and bookings.
    #[tracing::instrument(skip_all)]
    pub async fn preview_hours(&self, query: &HoursPreviewQuery) -> AppResult<Vec<DayPreview>> {
        query.validate()?;
        let week = WeeklyInterval::validate_week("week", &query.week)?;
        let mut conn = self.conn().await?;
        let calendar = match query.doctor_id {
            Some(doctor_id) => {
                let subject = BookingSubject::Doctor { doctor_id };
                let mut terms = load_terms(&mut conn, query.location_id, subject, query.from, query.to, None).await?;
                terms.calendar.resource_week = Some(week);
                terms.calendar
            }
            None => {
                let location = active_location(&mut conn, query.location_id).await?;
                ResourceCalendar {
                    time_zone: tz(&location)?,
                    slot_minutes: u16::try_from(location.grid_minutes).map_err(|e| internal(&e))?,
                    location_week: week,
                    location_exceptions: location_exceptions(&mut conn, &location, query.from, query.to).await?,
                    resource_week: None,
                    resource_exceptions: vec![],
                    lanes: 1,
                    busy: vec![],
                }
            }
        };
        let now = self.now();
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(query
            .from
            .iter_days()
            .take_while(|d| *d <= query.to)
            .map(|date| DayPreview {
                date,
                open: calendar.open_spans(date).into_iter().map(|(start, end)| OpenSpan { start, end }).collect(),
                slots: count(calendar.grid(date).len()),
                free_slots: count(calendar.free_slots(date, date, now).len()),
            })
            .collect())
    }

    /// Books a slot, checked by the availability engine inside the same
    /// transaction that inserts it. Repeating a request with the same
    /// `booking_id` returns the booking it made.
    ///
    /// Five round trips: begin; who, the resource's turn and whether booked
    /// before; everything the engine needs (`calendar::slot_context`); the
    /// insert returning the booking; commit.
    #[tracing::instrument(skip_all, fields(booking = %request.booking_id, location = %request.location_id))]
    pub async fn book(&self, request: &BookingRequest, actor: &Actor) -> AppResult<Booking> {
        let message = request.validated_message()?;
        let booked = crate::retrying_busy!(
            async {
                let mut tx = self.begin_generic().await?;
                let id = request.booking_id;
                if bookings::open_booking(&mut tx, actor.name(), request.subject, request.location_id, id).await? {
                    return AppResult::Ok(None);
                }
                let booking = self.book_in(&mut tx, request, &message, None).await?;
                commit(tx).await?;
                Ok(Some(booking))
            }
            .await
        );
        match booked {
            Ok(Some(booking)) => Ok(booking),
            Ok(None) => self.get_booking(request.booking_id).await,
            Err(AppError::Conflict { code: ConflictCode::SlotTaken, conflicting_booking_id: None, .. }) => {
                Err(self.explain_taken(&mut *self.conn().await?, request).await)
            }
            Err(other) => Err(other),
        }
    }

    /// [`Clinic::book`] inside a station's queued intent's transaction (who
    /// entered it already recorded). A refusal by the database leaves that
    /// transaction to be rolled back; [`Clinic::explain_taken`] says why.
    pub(crate) async fn book_tx(&self, tx: &mut PgConnection, request: &BookingRequest) -> AppResult<Booking> {
        let message = request.validated_message()?;
        bookings::take_turn(tx, request.subject, request.location_id).await?;
        self.book_in(tx, request, &message, None).await
    }

    /// Checks and inserts a booking, the resource's turn taken. Every
    /// station takes the turn before reading what is busy, so the engine's
    /// check sees every committed booking and hold of the resource; the
    /// database's exclusion constraints and holds trigger still refuse
    /// whatever got past it (raw SQL).
    async fn book_in(
        &self,
        conn: &mut PgConnection,
        request: &BookingRequest,
        message: &str,
        rescheduled_from: Option<BookingId>,
    ) -> AppResult<Booking> {
        let override_reason = request.validated_override()?;
        let day = request.starts_at.date_naive();
        // The UTC date's neighbours cover the local date wherever the location is.
        let (from, to) = (day - Duration::days(1), day + Duration::days(1));
        let terms = load_terms(conn, request.location_id, request.subject, from, to, Some(request.booking_id)).await?;
        let location = &terms.location;
        let calendar = &terms.calendar;
        let problems = calendar.problems(request.starts_at, self.now());
        let (slot, override_reason) = if problems.is_empty() {
            let slot = calendar.check(request.starts_at, self.now()).map_err(|p| slot_error(&[p], &terms, location))?;
            // Nothing to override: an ordinary booking.
            (slot, None)
        } else {
            match override_reason {
                Some(reason) if SlotCheck::of(calendar, &problems).overridable => {
                    // Booked anyway: one slot from the asked start, on a free
                    // lane if there is one (it holds none either way).
                    let ends_at = request.starts_at + Duration::minutes(i64::from(calendar.slot_minutes));
                    let lane = calendar.lane_at(request.starts_at, ends_at).unwrap_or(1);
                    (FreeSlot { starts_at: request.starts_at, ends_at, lane }, Some(reason))
                }
                _ => return Err(slot_error(&problems, &terms, location)),
            }
        };
        let lane = match request.subject {
            BookingSubject::Doctor { .. } => None,
            BookingSubject::Diagnostic { .. } => Some(slot.lane as i16),
        };
        let booking = bookings::insert(
            conn,
            &bookings::NewBooking {
                id: request.booking_id,
                patient_id: request.patient_id,
                location_id: request.location_id,
                subject: request.subject,
                diagnostic_lane: lane,
                starts_at: slot.starts_at,
                ends_at: slot.ends_at,
                price: terms.price,
                patient_message: message,
                rescheduled_from,
                override_reason: override_reason.as_deref(),
                location,
                zone: calendar.time_zone,
                subject_name: &terms.name,
            },
            self.now(),
        )
        .await?;
        if let Some(entry) = request.waitlist_entry_id {
            self.close_waitlist_entry(conn, entry, request.patient_id, request.booking_id).await?;
        }
        Ok(booking)
    }

    /// Every rule a time breaks for a doctor or diagnostic at a location, and
    /// whether a manager may book it anyway.
    #[tracing::instrument(skip_all, fields(location = %query.location_id))]
    pub async fn slot_check(&self, query: &SlotCheckQuery) -> AppResult<SlotCheck> {
        let day = query.starts_at.date_naive();
        let (from, to) = (day - Duration::days(1), day + Duration::days(1));
        let mut tx = self.begin_generic().await?;
        let terms = load_terms(&mut tx, query.location_id, query.subject, from, to, None).await?;
        commit(tx).await?;
        Ok(SlotCheck::of(&terms.calendar, &terms.calendar.problems(query.starts_at, self.now())))
    }

    /// After the database refused a booking as overlapping: name what holds
    /// the slot (read committed: the winner's row is visible now).
    pub(crate) async fn explain_taken(&self, conn: &mut PgConnection, request: &BookingRequest) -> AppError {
        let explained = async {
            let day = request.starts_at.date_naive();
            let (from, to) = (day - Duration::days(1), day + Duration::days(1));
            let terms =
                load_terms(conn, request.location_id, request.subject, from, to, Some(request.booking_id)).await?;
            Ok::<_, AppError>(match terms.calendar.check(request.starts_at, self.now()) {
                Err(problem) => slot_error(&[problem], &terms, &terms.location),
                Ok(_) => taken(&terms, &terms.location, None),
            })
        };
        match explained.await {
            Ok(error) | Err(error) => error,
        }
    }

    #[tracing::instrument(skip_all, fields(booking = %id))]
    pub async fn get_booking(&self, id: BookingId) -> AppResult<Booking> {
        bookings::select(&mut *self.conn().await?, bookings::Select::One(id), self.now())
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::not_found(Entity::Booking, id))
    }

    #[tracing::instrument(skip_all)]
    pub async fn booking_history(&self, id: BookingId) -> AppResult<Vec<StatusChange>> {
        let history = bookings::history(&mut *self.conn().await?, id).await?;
        if history.is_empty() {
            return Err(AppError::not_found(Entity::Booking, id));
        }
        Ok(history)
    }

    #[tracing::instrument(skip_all)]
    pub async fn clinic_policy(&self) -> AppResult<ClinicPolicy> {
        bookings::policy(&mut *self.conn().await?).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn set_clinic_policy(&self, policy: &ClinicPolicy) -> AppResult<ClinicPolicy> {
        let policy = policy.validate()?;
        bookings::set_policy(&mut *self.conn().await?, &policy).await
    }

    /// Confirm, check in, complete, cancel (with a reason) or mark a no-show.
    #[tracing::instrument(skip_all, fields(booking = %request.booking_id, action = ?request.action))]
    pub async fn change_status(&self, request: &StatusRequest, actor: &Actor) -> AppResult<Booking> {
        crate::retrying_busy!(
            async {
                let mut tx = self.begin_as(actor).await?;
                self.change_status_tx(&mut tx, request).await?;
                commit(tx).await
            }
            .await
        )?;
        self.get_booking(request.booking_id).await
    }

    pub(crate) async fn change_status_tx(&self, tx: &mut PgConnection, request: &StatusRequest) -> AppResult<()> {
        let booking = bookings::lock(tx, request.booking_id)
            .await?
            .ok_or_else(|| AppError::not_found(Entity::Booking, request.booking_id))?;
        if booking.row_version != request.expected_version {
            return Err(AppError::stale(Entity::Booking));
        }
        let (target, reason) = request.action.validate(&booking.facts, self.now(), &request.reason)?;
        if target.holds_slot() && !booking.facts.status.holds_slot() {
            // An undo takes the time back: in turn with bookings of it.
            bookings::take_turn(tx, booking.subject, booking.location_id).await?;
        }
        let policy = bookings::policy(tx).await?;
        let note = request.note(reason, &policy, booking.starts_at, self.now())?;
        bookings::set_status(tx, request.booking_id, request.expected_version, target, &note).await?;
        Ok(())
    }

    /// Moves a booking to another free slot: the old one is cancelled and the
    /// new one points back at it, in one transaction.
    #[tracing::instrument(skip_all, fields(booking = %request.booking_id))]
    pub async fn reschedule(&self, request: &RescheduleRequest, actor: &Actor) -> AppResult<Booking> {
        crate::retrying_busy!(
            async {
                let mut tx = self.begin_as(actor).await?;
                let moved = self.reschedule_tx(&mut tx, request).await?;
                commit(tx).await?;
                Ok(moved)
            }
            .await
        )
    }

    /// The new booking, as the move left it.
    pub(crate) async fn reschedule_tx(&self, tx: &mut PgConnection, request: &RescheduleRequest) -> AppResult<Booking> {
        let reason = optional_text("reason", &request.reason, 512)?;
        let old = bookings::lock(tx, request.booking_id)
            .await?
            .ok_or_else(|| AppError::not_found(Entity::Booking, request.booking_id))?;
        if old.row_version != request.expected_version {
            return Err(AppError::stale(Entity::Booking));
        }
        let new_request = request.moved_booking(
            old.facts.status,
            old.patient_id,
            old.location_id,
            old.subject,
            &old.patient_message,
        )?;
        let reason = if reason.is_empty() { "rescheduled".to_string() } else { reason };
        bookings::set_status(
            tx,
            request.booking_id,
            old.row_version,
            BookingStatus::Cancelled,
            &ChangeNote { reason, ..ChangeNote::default() },
        )
        .await?;
        bookings::take_turn(tx, new_request.subject, new_request.location_id).await?;
        let mut savepoint = Connection::begin(&mut *tx).await.map_err(db_error)?;
        match self.book_in(&mut savepoint, &new_request, &old.patient_message, Some(request.booking_id)).await {
            Ok(booking) => {
                commit(savepoint).await?;
                Ok(booking)
            }
            Err(AppError::Conflict { code: ConflictCode::SlotTaken, conflicting_booking_id: None, .. }) => {
                savepoint.rollback().await.map_err(db_error)?;
                Err(self.explain_taken(tx, &new_request).await)
            }
            Err(other) => Err(other),
        }
    }

    /// Records the patient's rating of a completed visit with a doctor.
    #[tracing::instrument(skip_all, fields(booking = %input.booking_id))]
    pub async fn record_rating(&self, input: &RatingInput, actor: &Actor) -> AppResult<Rating> {
        let mut tx = self.begin_as(actor).await?;
        let rating = self.record_rating_tx(&mut tx, input).await?;
        commit(tx).await?;
        Ok(rating)
    }

    pub(crate) async fn record_rating_tx(&self, tx: &mut PgConnection, input: &RatingInput) -> AppResult<Rating> {
        let stars = Stars::parse("rating", input.rating)?;
        let comment = optional_text("comment", &input.comment, 2000)?;
        let booking = bookings::lock(tx, input.booking_id).await?.ok_or_else(|| unknown("bookingId", "booking"))?;
        let doctor_id = booking.subject.rateable(booking.facts.status)?;
        ratings::insert(
            tx,
            &ratings::NewRating {
                id: input.rating_id,
                doctor_id,
                patient_id: booking.patient_id,
                booking_id: input.booking_id,
                stars,
                comment: &comment,
            },
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    pub async fn doctor_ratings(&self, doctor: DoctorId, limit: i32) -> AppResult<Vec<Rating>> {
        ratings::for_doctor(&mut *self.conn().await?, doctor, i64::from(limit.clamp(1, 500))).await
    }

    #[tracing::instrument(skip_all)]
    pub async fn booking_rating(&self, booking: BookingId) -> AppResult<Option<Rating>> {
        ratings::for_booking(&mut *self.conn().await?, booking).await
    }

    /// One location's day: a column per doctor working there that day (or
    /// holding bookings there) and per diagnostic offered, and the bookings.
    /// Two statements: the frame (`board::frame`) and the day's bookings.
    #[tracing::instrument(skip_all, fields(location = %location_id, %date))]
    pub async fn day_board(&self, location_id: LocationId, date: NaiveDate) -> AppResult<DayBoard> {
        let mut conn = self.conn().await?;
        // Holds are kept to the location's day, which needs its zone: the
        // frame reads them over the widest local day (UTC+14 to UTC−12),
        // narrowed below.
        let midnight = date.and_time(chrono::NaiveTime::MIN).and_utc();
        let (wide_from, wide_to) = (midnight - Duration::hours(14), midnight + Duration::hours(36));
        let frame = board::frame(&mut conn, location_id, date, wide_from, wide_to)
            .await?
            .ok_or_else(|| AppError::not_found(Entity::Location, location_id))?;
        let zone = tz(&frame.location)?;
        let (from, to) = local_day(zone, date);
        let day_bookings = bookings::select(
            &mut conn,
            bookings::Select::LocationRange { location: location_id, from, to },
            self.now(),
        )
        .await?;
        let base = ResourceCalendar {
            time_zone: zone,
            slot_minutes: 60,
            location_week: frame.location_week,
            location_exceptions: frame.location_exceptions,
            resource_week: None,
            resource_exceptions: vec![],
            lanes: 1,
            busy: vec![],
        };
        let mut columns = Vec::new();
        for doctor in frame.doctors {
            let calendar = ResourceCalendar {
                resource_week: Some(doctor.week),
                resource_exceptions: doctor.exceptions,
                ..base.clone()
            };
            let open = spans(&calendar, date);
            let subject = BookingSubject::Doctor { doctor_id: doctor.id };
            if open.is_empty() && !day_bookings.iter().any(|b| b.subject == subject) {
                continue;
            }
            columns.push(BoardColumn {
                subject,
                name: doctor.full_name,
                detail: doctor.specialty_name,
                slot_minutes: doctor.slot_minutes,
                lanes: 1,
                open,
            });
        }
        for diagnostic in frame.diagnostics {
            columns.push(BoardColumn {
                subject: BookingSubject::Diagnostic { diagnostic_id: diagnostic.id },
                name: diagnostic.type_name,
                detail: String::new(),
                slot_minutes: diagnostic.slot_minutes,
                lanes: diagnostic.capacity,
                open: spans(&base, date),
            });
        }
        let holds = frame.holds.into_iter().filter(|h| h.starts_at >= from && h.starts_at < to).collect();
        Ok(DayBoard { location: frame.location, date, columns, bookings: day_bookings, holds })
    }

    /// Holds a free time while on the phone (until the clinic's
    /// `hold_minutes` pass): checked by the engine like a booking, then by
    /// the database's triggers against every booking and hold.
    #[tracing::instrument(skip_all, fields(hold = %request.hold_id, location = %request.location_id))]
    pub async fn hold(&self, request: &HoldRequest, actor: &Actor) -> AppResult<SlotHold> {
        let mut tx = self.begin_generic().await?;
        crate::enter_as(&mut tx, actor).await?;
        bookings::take_turn(&mut tx, request.subject, request.location_id).await?;
        let day = request.starts_at.date_naive();
        let (from, to) = (day - Duration::days(1), day + Duration::days(1));
        let terms = load_terms(&mut tx, request.location_id, request.subject, from, to, Some(request.hold_id)).await?;
        let slot = terms
            .calendar
            .check(request.starts_at, self.now())
            .map_err(|problem| slot_error(&[problem], &terms, &terms.location))?;
        let hold =
            holds::insert(&mut tx, request.hold_id, request.location_id, request.subject, slot.starts_at, slot.ends_at)
                .await?;
        commit(tx).await?;
        Ok(hold)
    }

    /// Lets a held time go (the drawer closed without booking). Releasing
    /// a hold already taken, expired or someone else's changes nothing.
    #[tracing::instrument(skip_all, fields(hold = %id))]
    pub async fn release_hold(&self, id: BookingId, actor: &Actor) -> AppResult<()> {
        let mut tx = self.begin_as(actor).await?;
        holds::release(&mut tx, id).await?;
        commit(tx).await
    }
}

fn spans(calendar: &ResourceCalendar, date: NaiveDate) -> Vec<OpenSpan> {
    calendar.open_spans(date).into_iter().map(|(start, end)| OpenSpan { start, end }).collect()
}

/// The location's zone. The database refuses names the app cannot read, but
/// a location stored before it did (or a tz database newer than ours) can
/// hold one: that location's times cannot be shown, and the error says why.
pub(super) fn tz(location: &Location) -> AppResult<Tz> {
    parse_time_zone("timeZone", &location.time_zone).map_err(|_| {
        AppError::validation(
            "timeZone",
            ValidationCode::InvalidFormat,
            format!(
                "{} has the time zone {:?}, which this app cannot read; a manager sets a zone such as Europe/Kyiv",
                location.name, location.time_zone
            ),
        )
    })
}

async fn active_location(conn: &mut PgConnection, id: LocationId) -> AppResult<Location> {
    let location = locations::get(conn, id).await?.ok_or_else(|| unknown("locationId", "location"))?;
    if !location.is_active {
        return Err(inactive("locationId", "location"));
    }
    Ok(location)
}

/// Everything the engine needs for `subject` at `location` around local
/// dates `from..=to`, the booking's price, and the location: one statement.
async fn load_terms(
    conn: &mut PgConnection,
    location: LocationId,
    subject: BookingSubject,
    from: NaiveDate,
    to: NaiveDate,
    own_hold: Option<BookingId>,
) -> AppResult<Terms> {
    let context = calendar::slot_context(conn, location, subject, from, to, own_hold)
        .await?
        .ok_or_else(|| unknown("locationId", "location"))?;
    let location = context.location;
    if !location.is_active {
        return Err(inactive("locationId", "location"));
    }
    let (kind, not_here) = match subject {
        BookingSubject::Doctor { .. } => ("doctor", "does not work at"),
        BookingSubject::Diagnostic { .. } => ("diagnostic", "is not offered at"),
    };
    let terms = context.subject.ok_or_else(|| unknown("subject", kind))?;
    if !terms.is_active {
        return Err(inactive("subject", kind));
    }
    let Some(lanes) = terms.places else {
        return Err(AppError::validation(
            "subject",
            ValidationCode::NotOffered,
            format!("{} {not_here} {}", terms.name, location.name),
        ));
    };
    let resource_week = match subject {
        BookingSubject::Doctor { .. } => Some(context.resource_week),
        BookingSubject::Diagnostic { .. } => None,
    };
    Ok(Terms {
        calendar: ResourceCalendar {
            time_zone: tz(&location)?,
            slot_minutes: terms.slot_minutes,
            location_week: context.location_week,
            location_exceptions: context.location_exceptions,
            resource_week,
            resource_exceptions: context.resource_exceptions,
            lanes,
            busy: context.busy,
        },
        name: terms.name,
        price: terms.price,
        location,
    })
}

/// The location's own closures and extra hours (not any doctor's) on `from..=to`.
async fn location_exceptions(
    conn: &mut PgConnection,
    location: &Location,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<DateException>> {
    let exceptions = hours::exceptions(conn, Some(location.id), None, from, to).await?;
    Ok(exceptions.iter().filter(|e| e.doctor_id.is_none()).map(|e| e.as_date_exception()).collect())
}

/// The refusal of the first rule broken, its message naming every one.
fn slot_error(problems: &[SlotProblem], terms: &Terms, location: &Location) -> AppError {
    slot_refusal_all(problems, &terms.calendar, &terms.name, &location.name)
}

fn taken(terms: &Terms, location: &Location, by: Option<BookingId>) -> AppError {
    taken_refusal(&terms.calendar, &terms.name, &location.name, by)
}
