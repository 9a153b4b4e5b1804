//! Weekly templates and date exceptions.

use chrono::NaiveDate;
use clinic_domain::ids::{DoctorId, LocationId, ScheduleExceptionId};
use clinic_domain::schedule::{ExceptionKind, ScheduleException, ScheduleExceptionInput, WeeklyInterval};
use clinic_domain::values::{IsoWeekday, WallTime};
use clinic_domain::AppResult;
use sqlx::PgConnection;

use crate::error::DbResultExt;

pub(crate) fn interval(weekday: i16, start: i16, end: i16) -> WeeklyInterval {
    WeeklyInterval {
        weekday: IsoWeekday::new(weekday as u8).expect("CHECKed weekday"),
        start: WallTime::from_minutes(start.into()).expect("CHECKed minute"),
        end: WallTime::from_minutes(end.into()).expect("CHECKed minute"),
    }
}

pub async fn location_week(conn: &mut PgConnection, location: LocationId) -> AppResult<Vec<WeeklyInterval>> {
    Ok(location_weeks(conn, &[location]).await?.into_iter().map(|(_, interval)| interval).collect())
}

/// Replaces the location's whole week (call inside a transaction).
pub async fn replace_location_week(
    conn: &mut PgConnection,
    location: LocationId,
    week: &[WeeklyInterval],
) -> AppResult<()> {
    sqlx::query!("DELETE FROM location_hours WHERE location_id = $1", location as LocationId)
        .execute(&mut *conn)
        .await
        .db()?;
    let (days, starts, ends) = columns(week);
    sqlx::query!(
        "INSERT INTO location_hours (location_id, iso_weekday, start_minute, end_minute)
         SELECT $1, * FROM unnest($2::int2[], $3::int2[], $4::int2[])",
        location as LocationId,
        &days,
        &starts,
        &ends
    )
    .execute(conn)
    .await
    .db()?;
    Ok(())
}

pub async fn doctor_week(
    conn: &mut PgConnection,
    doctor: DoctorId,
    location: LocationId,
) -> AppResult<Vec<WeeklyInterval>> {
    Ok(doctor_weeks(conn, &[doctor])
        .await?
        .into_iter()
        .filter(|(_, at, _)| *at == location)
        .map(|(_, _, interval)| interval)
        .collect())
}

pub async fn replace_doctor_week(
    conn: &mut PgConnection,
    doctor: DoctorId,
    location: LocationId,
    week: &[WeeklyInterval],
) -> AppResult<()> {
    sqlx::query!(
        "DELETE FROM doctor_hours WHERE doctor_id = $1 AND location_id = $2",
        doctor as DoctorId,
        location as LocationId
    )
    .execute(&mut *conn)
    .await
    .db()?;
    let (days, starts, ends) = columns(week);
    sqlx::query!(
        "INSERT INTO doctor_hours (doctor_id, location_id, iso_weekday, start_minute, end_minute)
         SELECT $1, $2, * FROM unnest($3::int2[], $4::int2[], $5::int2[])",
        doctor as DoctorId,
        location as LocationId,
        &days,
        &starts,
        &ends
    )
    .execute(conn)
    .await
    .db()?;
    Ok(())
}

fn columns(week: &[WeeklyInterval]) -> (Vec<i16>, Vec<i16>, Vec<i16>) {
    (
        week.iter().map(|i| i16::from(i.weekday.get())).collect(),
        week.iter().map(|i| i.start.minutes() as i16).collect(),
        week.iter().map(|i| i.end.minutes() as i16).collect(),
    )
}

struct ExceptionRow {
    id: ScheduleExceptionId,
    kind: ExceptionKind,
    location_id: Option<LocationId>,
    doctor_id: Option<DoctorId>,
    on_date: NaiveDate,
    start_minute: Option<i16>,
    end_minute: Option<i16>,
    note: String,
    created_by: String,
}

impl From<ExceptionRow> for ScheduleException {
    fn from(r: ExceptionRow) -> Self {
        let minute = |m: Option<i16>| m.and_then(|m| WallTime::from_minutes(m.into()));
        ScheduleException {
            id: r.id,
            kind: r.kind,
            location_id: r.location_id,
            doctor_id: r.doctor_id,
            date: r.on_date,
            start: minute(r.start_minute),
            end: minute(r.end_minute),
            note: r.note,
            created_by: r.created_by,
        }
    }
}

/// Exceptions touching a location and/or doctor on `from..=to`: the
/// location's closures and extra hours, the doctor's leave anywhere and
/// extra hours there.
pub async fn exceptions(
    conn: &mut PgConnection,
    location: Option<LocationId>,
    doctor: Option<DoctorId>,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<ScheduleException>> {
    let rows = sqlx::query_as!(
        ExceptionRow,
        r#"SELECT schedule_exception_id AS "id: ScheduleExceptionId", kind AS "kind: ExceptionKind",
                  location_id AS "location_id: LocationId", doctor_id AS "doctor_id: DoctorId",
                  on_date, start_minute, end_minute, note, created_by
             FROM schedule_exceptions
            WHERE on_date BETWEEN $3 AND $4
              AND (($1::int4 IS NOT NULL AND location_id = $1 AND ($2::int4 IS NULL OR doctor_id IS NULL OR doctor_id = $2))
                OR ($2::int4 IS NOT NULL AND doctor_id = $2 AND (location_id IS NULL OR $1::int4 IS NULL)))
            ORDER BY on_date, start_minute NULLS FIRST"#,
        location.map(|l| l.0),
        doctor.map(|d| d.0),
        from,
        to
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows.into_iter().map(ScheduleException::from).collect())
}

pub async fn insert_exception(conn: &mut PgConnection, e: &ScheduleExceptionInput) -> AppResult<ScheduleExceptionId> {
    sqlx::query_scalar!(
        r#"INSERT INTO schedule_exceptions (kind, location_id, doctor_id, on_date, start_minute, end_minute, note)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           RETURNING schedule_exception_id AS "id: ScheduleExceptionId""#,
        e.kind as ExceptionKind,
        e.location_id.map(|l| l.0),
        e.doctor_id.map(|d| d.0),
        e.date,
        e.start.map(|t| t.minutes() as i16),
        e.end.map(|t| t.minutes() as i16),
        e.note
    )
    .fetch_one(conn)
    .await
    .db()
}

pub async fn delete_exception(conn: &mut PgConnection, id: ScheduleExceptionId) -> AppResult<bool> {
    let done =
        sqlx::query!("DELETE FROM schedule_exceptions WHERE schedule_exception_id = $1", id as ScheduleExceptionId)
            .execute(conn)
            .await
            .db()?;
    Ok(done.rows_affected() == 1)
}

/// The weeks of several locations at once (the openings search).
pub async fn location_weeks(
    conn: &mut PgConnection,
    locations: &[LocationId],
) -> AppResult<Vec<(LocationId, WeeklyInterval)>> {
    let ids: Vec<i32> = locations.iter().map(|l| l.0).collect();
    let rows = sqlx::query!(
        r#"SELECT location_id AS "location_id: LocationId", iso_weekday, start_minute, end_minute FROM location_hours
            WHERE location_id = ANY($1) ORDER BY location_id, iso_weekday, start_minute"#,
        &ids
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows.into_iter().map(|r| (r.location_id, interval(r.iso_weekday, r.start_minute, r.end_minute))).collect())
}

/// The weeks of several doctors at every location they work at.
pub async fn doctor_weeks(
    conn: &mut PgConnection,
    doctors: &[DoctorId],
) -> AppResult<Vec<(DoctorId, LocationId, WeeklyInterval)>> {
    let ids: Vec<i32> = doctors.iter().map(|d| d.0).collect();
    let rows = sqlx::query!(
        r#"SELECT doctor_id AS "doctor_id: DoctorId", location_id AS "location_id: LocationId",
                  iso_weekday, start_minute, end_minute FROM doctor_hours
            WHERE doctor_id = ANY($1) ORDER BY doctor_id, location_id, iso_weekday, start_minute"#,
        &ids
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .map(|r| (r.doctor_id, r.location_id, interval(r.iso_weekday, r.start_minute, r.end_minute)))
        .collect())
}

/// Every exception on `from..=to` of these locations or these doctors; the
/// caller picks each calendar's own as [`exceptions`] would.
pub async fn exceptions_of(
    conn: &mut PgConnection,
    locations: &[LocationId],
    doctors: &[DoctorId],
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<ScheduleException>> {
    let location_ids: Vec<i32> = locations.iter().map(|l| l.0).collect();
    let doctor_ids: Vec<i32> = doctors.iter().map(|d| d.0).collect();
    let rows = sqlx::query_as!(
        ExceptionRow,
        r#"SELECT schedule_exception_id AS "id: ScheduleExceptionId", kind AS "kind: ExceptionKind",
                  location_id AS "location_id: LocationId", doctor_id AS "doctor_id: DoctorId",
                  on_date, start_minute, end_minute, note, created_by
             FROM schedule_exceptions
            WHERE on_date BETWEEN $3 AND $4 AND (location_id = ANY($1) OR doctor_id = ANY($2))
            ORDER BY on_date, start_minute NULLS FIRST"#,
        &location_ids,
        &doctor_ids,
        from,
        to
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows.into_iter().map(ScheduleException::from).collect())
}
