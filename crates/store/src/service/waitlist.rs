//! The waitlist: entries added (online or replayed from a station's queue),
//! listed, removed, closed by the booking made from them, and matched
//! against the free time of a board by the openings engine.

use std::collections::HashMap;

use chrono::NaiveDate;
use clinic_domain::ids::{BookingId, LocationId, PatientId, WaitlistEntryId};
use clinic_domain::waitlist::{WaitlistEntry, WaitlistFilter, WaitlistInput, WaitlistMatch};
use clinic_domain::{Actor, AppError, AppResult, Entity, ValidationCode};
use sqlx::PgConnection;

use crate::repo::waitlist::{self, Select};
use crate::service::missing_or_stale;
use crate::{commit, Clinic};

impl Clinic {
    /// The clinic's "today" for waitlist dates (an entry ends with its date).
    fn waitlist_today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    #[tracing::instrument(skip_all, fields(entry = %id))]
    pub async fn add_to_waitlist(
        &self,
        id: WaitlistEntryId,
        patient: PatientId,
        input: &WaitlistInput,
        actor: &Actor,
    ) -> AppResult<WaitlistEntry> {
        let mut tx = self.begin_as(actor).await?;
        let entry = self.add_to_waitlist_tx(&mut tx, id, patient, input).await?;
        commit(tx).await?;
        Ok(entry)
    }

    pub(crate) async fn add_to_waitlist_tx(
        &self,
        tx: &mut PgConnection,
        id: WaitlistEntryId,
        patient: PatientId,
        input: &WaitlistInput,
    ) -> AppResult<WaitlistEntry> {
        let input = input.validate(self.waitlist_today())?;
        waitlist::insert(tx, id, patient, &input).await?;
        self.waitlist_entry_in(tx, id).await
    }

    async fn waitlist_entry_in(&self, conn: &mut PgConnection, id: WaitlistEntryId) -> AppResult<WaitlistEntry> {
        waitlist::select(conn, Select::One(id), self.waitlist_today())
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::not_found(Entity::Patient, id))
    }

    #[tracing::instrument(skip_all)]
    pub async fn waitlist(&self, filter: &WaitlistFilter) -> AppResult<Vec<WaitlistEntry>> {
        let which = Select::List {
            location: filter.location_id,
            priority: filter.priority,
            include_closed: filter.include_closed,
        };
        waitlist::select(&mut *self.conn().await?, which, self.waitlist_today()).await
    }

    #[tracing::instrument(skip_all, fields(entry = %id))]
    pub async fn remove_from_waitlist(
        &self,
        id: WaitlistEntryId,
        expected_version: i32,
        actor: &Actor,
    ) -> AppResult<()> {
        let mut tx = self.begin_as(actor).await?;
        if !waitlist::remove(&mut tx, id, expected_version).await? {
            let exists = !waitlist::select(&mut tx, Select::One(id), self.waitlist_today()).await?.is_empty();
            return Err(missing_or_stale(Entity::Patient, id, exists));
        }
        commit(tx).await
    }

    /// Closes the entry a booking was made from, in the booking's transaction.
    pub(crate) async fn close_waitlist_entry(
        &self,
        tx: &mut PgConnection,
        id: WaitlistEntryId,
        patient: PatientId,
        booking: BookingId,
    ) -> AppResult<()> {
        if waitlist::close_booked(tx, id, patient, booking).await? {
            return Ok(());
        }
        Err(AppError::validation(
            "waitlistEntryId",
            ValidationCode::NotAllowed,
            "this waitlist entry is closed, or another patient's; book without it",
        ))
    }

    /// The open entries a free time at `location` on `date` matches, each
    /// with the first such time: one openings search per distinct wish.
    #[tracing::instrument(skip_all, fields(%location, %date))]
    pub async fn waitlist_matches(&self, location: LocationId, date: NaiveDate) -> AppResult<Vec<WaitlistMatch>> {
        let waiting =
            waitlist::select(&mut *self.conn().await?, Select::WaitingAt { location, date }, self.waitlist_today())
                .await?;
        let mut first_free: HashMap<String, Option<clinic_domain::openings::Opening>> = HashMap::new();
        let mut matches = Vec::new();
        for entry in waiting.into_iter().filter(|e| e.waits_at(location, date)) {
            let query = entry.openings_on(location, date);
            let key = format!("{:?}/{:?}", query.wanted, query.day_parts);
            let opening = match first_free.get(&key) {
                Some(found) => found.clone(),
                None => {
                    let found = self.openings(&query).await?.openings.into_iter().next();
                    first_free.insert(key, found.clone());
                    found
                }
            };
            if let Some(opening) = opening {
                matches.push(WaitlistMatch { entry, opening });
            }
        }
        Ok(matches)
    }
}
