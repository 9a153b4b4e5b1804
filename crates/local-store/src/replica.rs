//! The replica: what the pull stores and what offline reads return. Pulled
//! rows replace local ones only while no intent is pending (PowerSync's
//! rule), so a pull never erases a change the server has not seen yet.

use chrono::{NaiveDate, Utc};
use clinic_domain::availability::local_day;
use clinic_domain::bookings::{Booking, DayBoard};
use clinic_domain::ids::{BookingId, LocationId, PatientId};
use clinic_domain::patients::{Patient, PatientQuery};
use clinic_domain::values::parse_time_zone;
use clinic_domain::AppResult;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::SqliteConnection;

use crate::{from_json, instant, local_error, to_json, LocalStore};

const CHECKPOINT: &str = "checkpoint";

impl LocalStore {
    /// Stores a pulled day board and its bookings, replacing what the replica
    /// had for that date. `false` (nothing stored) while intents are pending.
    pub async fn store_board_if_idle(&self, board: &DayBoard) -> AppResult<bool> {
        let mut tx = self.pool.begin().await.map_err(|e| local_error(&e))?;
        if has_pending(&mut tx).await? {
            return Ok(false);
        }
        let (from, to) = day_bounds(board)?;
        sqlx::query("DELETE FROM bookings WHERE location_id = ?1 AND starts_at >= ?2 AND starts_at < ?3")
            .bind(board.location.id.0)
            .bind(&from)
            .bind(&to)
            .execute(&mut *tx)
            .await
            .map_err(|e| local_error(&e))?;
        for booking in &board.bookings {
            put_booking(&mut tx, booking).await?;
        }
        let shell = DayBoard { bookings: vec![], ..board.clone() };
        sqlx::query(
            "INSERT INTO boards (location_id, date, body, pulled_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (location_id, date) DO UPDATE SET body = excluded.body, pulled_at = excluded.pulled_at",
        )
        .bind(board.location.id.0)
        .bind(board.date.to_string())
        .bind(to_json(&shell)?)
        .bind(instant(Utc::now()))
        .execute(&mut *tx)
        .await
        .map_err(|e| local_error(&e))?;
        tx.commit().await.map_err(|e| local_error(&e))?;
        Ok(true)
    }

    /// A day board from the replica, with this station's provisional changes.
    pub async fn day_board(&self, location: LocationId, date: NaiveDate) -> AppResult<Option<DayBoard>> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM boards WHERE location_id = ?1 AND date = ?2")
            .bind(location.0)
            .bind(date.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| local_error(&e))?;
        let Some(body) = body else {
            return Ok(None);
        };
        let mut board: DayBoard = from_json(&body)?;
        let (from, to) = day_bounds(&board)?;
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM bookings WHERE location_id = ?1 AND starts_at >= ?2 AND starts_at < ?3
              ORDER BY starts_at, booking_id",
        )
        .bind(location.0)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| local_error(&e))?;
        board.bookings = rows.iter().map(|b| from_json(b)).collect::<AppResult<_>>()?;
        Ok(Some(board))
    }

    pub async fn get_booking(&self, id: BookingId) -> AppResult<Option<Booking>> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM bookings WHERE booking_id = ?1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| local_error(&e))?;
        body.map(|b| from_json(&b)).transpose()
    }

    /// Drops what offline work no longer needs: boards outside `from..=to`
    /// (local dates), their bookings, and patients with no kept booking who
    /// were last stored before `patients_since`. Rows this station changed
    /// and has not synced (provisional, or touched by a queued intent) stay.
    /// Returns how many rows went.
    pub async fn prune(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        patients_since: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<u64> {
        let mut tx = self.pool.begin().await.map_err(|e| local_error(&e))?;
        let mut gone = 0;
        let boards = sqlx::query("DELETE FROM boards WHERE date < ?1 OR date > ?2")
            .bind(from.to_string())
            .bind(to.to_string())
            .execute(&mut *tx)
            .await
            .map_err(|e| local_error(&e))?;
        gone += boards.rows_affected();
        // UTC instants a day wider than the local dates: no zone is further off.
        let (earliest, latest) = (
            crate::instant(from.and_hms_opt(0, 0, 0).expect("midnight").and_utc() - chrono::Duration::days(1)),
            crate::instant(to.and_hms_opt(0, 0, 0).expect("midnight").and_utc() + chrono::Duration::days(2)),
        );
        let bookings = sqlx::query(
            "DELETE FROM bookings WHERE (starts_at < ?1 OR starts_at >= ?2) AND provisional = 0
               AND booking_id NOT IN (SELECT row_id FROM outbox_touches)",
        )
        .bind(earliest)
        .bind(latest)
        .execute(&mut *tx)
        .await
        .map_err(|e| local_error(&e))?;
        gone += bookings.rows_affected();
        let patients = sqlx::query(
            "DELETE FROM patients WHERE provisional = 0 AND kept_at < ?1
               AND patient_id NOT IN (SELECT json_extract(body, '$.patientId') FROM bookings)
               AND patient_id NOT IN (SELECT row_id FROM outbox_touches)",
        )
        .bind(crate::instant(patients_since))
        .execute(&mut *tx)
        .await
        .map_err(|e| local_error(&e))?;
        gone += patients.rows_affected();
        tx.commit().await.map_err(|e| local_error(&e))?;
        Ok(gone)
    }

    /// Stores pulled patients. `false` (nothing stored) while intents are pending.
    /// Bookings and patients the server changed (a pull between full ones:
    /// the rows themselves, not whole boards), in one transaction; `false`
    /// (nothing stored) when changes made here wait to be pushed.
    pub async fn store_changes_if_idle(&self, bookings: &[Booking], patients: &[Patient]) -> AppResult<bool> {
        let mut tx = self.pool.begin().await.map_err(|e| local_error(&e))?;
        if has_pending(&mut tx).await? {
            return Ok(false);
        }
        for booking in bookings {
            put_booking(&mut tx, booking).await?;
        }
        for patient in patients {
            put_patient(&mut tx, patient, false).await?;
        }
        tx.commit().await.map_err(|e| local_error(&e))?;
        Ok(true)
    }

    pub async fn get_patient(&self, id: PatientId) -> AppResult<Option<Patient>> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM patients WHERE patient_id = ?1")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| local_error(&e))?;
        body.map(|b| from_json(&b)).transpose()
    }

    /// The patient as this station made or changed it, while the server
    /// has not applied that change yet (`None` otherwise).
    pub async fn provisional_patient(&self, id: PatientId) -> AppResult<Option<Patient>> {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body FROM patients WHERE patient_id = ?1 AND provisional = 1")
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| local_error(&e))?;
        body.map(|b| from_json(&b)).transpose()
    }

    /// The same search as the server's (`repo::patients::search`) over the
    /// patients this station holds: names starting with the text, then a
    /// word starting with it, then containing it; digits the patient number,
    /// then phones; or a date of birth.
    pub async fn search_patients(&self, query: &PatientQuery, limit: i64) -> AppResult<Vec<Patient>> {
        let (sql, value) = match query {
            PatientQuery::Name(name) => (
                "instr(search_name, ?1) > 0
                 ORDER BY CASE WHEN substr(search_name, 1, length(?1)) = ?1 THEN 1
                               WHEN instr(' ' || search_name, ' ' || ?1) > 0 THEN 2 ELSE 3 END",
                name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase(),
            ),
            PatientQuery::PhoneDigits(digits) => (
                "instr(phone_digits, ?1) > 0 OR json_extract(body, '$.patientNumber') = CAST(?1 AS INTEGER)
                 ORDER BY json_extract(body, '$.patientNumber') = CAST(?1 AS INTEGER) DESC",
                digits.clone(),
            ),
            PatientQuery::BirthDate(date) => ("date_of_birth = ?1 ORDER BY date_of_birth", date.to_string()),
        };
        let rows: Vec<String> =
            sqlx::query_scalar(&format!("SELECT body FROM patients WHERE {sql}, search_name LIMIT ?2"))
                .bind(value)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| local_error(&e))?;
        rows.iter().map(|b| from_json(b)).collect()
    }

    /// Stores a pulled catalogue list under `kind`.
    pub async fn store_reference<T: Serialize>(&self, kind: &str, value: &T) -> AppResult<()> {
        sqlx::query(
            "INSERT INTO reference (kind, body) VALUES (?1, ?2) ON CONFLICT (kind) DO UPDATE SET body = excluded.body",
        )
        .bind(kind)
        .bind(to_json(value)?)
        .execute(&self.pool)
        .await
        .map_err(|e| local_error(&e))?;
        Ok(())
    }

    pub async fn reference<T: DeserializeOwned>(&self, kind: &str) -> AppResult<Option<T>> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM reference WHERE kind = ?1")
            .bind(kind)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| local_error(&e))?;
        body.map(|b| from_json(&b)).transpose()
    }

    /// Which clinic server this station database belongs to (as the
    /// station's settings name it, JSON): Settings lists every server whose
    /// queue still holds changes.
    pub async fn set_server(&self, description: &str) -> AppResult<()> {
        sqlx::query(
            "INSERT INTO sync_state (key, value) VALUES ('server', ?1) ON CONFLICT (key) DO UPDATE SET value = ?1",
        )
        .bind(description)
        .execute(&self.pool)
        .await
        .map_err(|e| local_error(&e))?;
        Ok(())
    }

    pub async fn server(&self) -> AppResult<Option<String>> {
        sqlx::query_scalar("SELECT value FROM sync_state WHERE key = 'server'")
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| local_error(&e))
    }

    /// This station's name in the server's intent log, made once.
    pub async fn station_id(&self) -> AppResult<String> {
        let made = format!("station-{}", &uuid::Uuid::now_v7().simple().to_string()[20..]);
        sqlx::query("INSERT INTO sync_state (key, value) VALUES ('station', ?1) ON CONFLICT (key) DO NOTHING")
            .bind(made)
            .execute(&self.pool)
            .await
            .map_err(|e| local_error(&e))?;
        sqlx::query_scalar("SELECT value FROM sync_state WHERE key = 'station'")
            .fetch_one(&self.pool)
            .await
            .map_err(|e| local_error(&e))
    }

    pub async fn checkpoint(&self) -> AppResult<Option<i64>> {
        let value: Option<String> = sqlx::query_scalar("SELECT value FROM sync_state WHERE key = ?1")
            .bind(CHECKPOINT)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| local_error(&e))?;
        value.map(|v| v.parse().map_err(|e| local_error(&e))).transpose()
    }

    pub async fn set_checkpoint(&self, checkpoint: i64) -> AppResult<()> {
        sqlx::query("INSERT INTO sync_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(CHECKPOINT)
            .bind(checkpoint.to_string())
            .execute(&self.pool)
            .await
            .map_err(|e| local_error(&e))?;
        Ok(())
    }
}

async fn has_pending(conn: &mut SqliteConnection) -> AppResult<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM outbox WHERE state = 'pending')")
        .fetch_one(conn)
        .await
        .map_err(|e| local_error(&e))
}

fn day_bounds(board: &DayBoard) -> AppResult<(String, String)> {
    let zone = parse_time_zone("timeZone", &board.location.time_zone)?;
    let (from, to) = local_day(zone, board.date);
    Ok((instant(from), instant(to)))
}

pub(crate) async fn put_booking(conn: &mut SqliteConnection, booking: &Booking) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO bookings (booking_id, location_id, starts_at, provisional, body) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (booking_id) DO UPDATE SET location_id = excluded.location_id, starts_at = excluded.starts_at,
                                                provisional = excluded.provisional, body = excluded.body",
    )
    .bind(booking.id.to_string())
    .bind(booking.location_id.0)
    .bind(instant(booking.starts_at))
    .bind(booking.provisional)
    .bind(to_json(booking)?)
    .execute(conn)
    .await
    .map_err(|e| local_error(&e))?;
    Ok(())
}

pub(crate) async fn put_patient(conn: &mut SqliteConnection, patient: &Patient, provisional: bool) -> AppResult<()> {
    let digits: String = patient.phone.as_deref().unwrap_or("").chars().filter(char::is_ascii_digit).collect();
    sqlx::query(
        "INSERT INTO patients (patient_id, search_name, phone_digits, date_of_birth, provisional, body, kept_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (patient_id) DO UPDATE SET search_name = excluded.search_name, phone_digits = excluded.phone_digits,
                date_of_birth = excluded.date_of_birth, provisional = excluded.provisional, body = excluded.body,
                kept_at = excluded.kept_at",
    )
    .bind(patient.id.to_string())
    .bind(patient.full_name.to_lowercase())
    .bind(digits)
    .bind(patient.date_of_birth.map(|d| d.to_string()))
    .bind(provisional)
    .bind(to_json(patient)?)
    .bind(crate::instant(chrono::Utc::now()))
    .execute(conn)
    .await
    .map_err(|e| local_error(&e))?;
    Ok(())
}

/// The server applied the change: the row is no longer provisional.
pub(crate) async fn settle(conn: &mut SqliteConnection, id: &str) -> AppResult<()> {
    sqlx::query("UPDATE bookings SET provisional = 0, body = json_set(body, '$.provisional', json('false')) WHERE booking_id = ?1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(|e| local_error(&e))?;
    sqlx::query("UPDATE patients SET provisional = 0 WHERE patient_id = ?1")
        .bind(id)
        .execute(conn)
        .await
        .map_err(|e| local_error(&e))?;
    Ok(())
}

/// The server refused the change: drop the optimistic row (the next pull
/// brings back the server's version, if there is one).
pub(crate) async fn forget_provisional(conn: &mut SqliteConnection, id: &str) -> AppResult<()> {
    for table in ["bookings WHERE booking_id", "patients WHERE patient_id"] {
        sqlx::query(&format!("DELETE FROM {table} = ?1 AND provisional = 1"))
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(|e| local_error(&e))?;
    }
    Ok(())
}
