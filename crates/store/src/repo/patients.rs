use clinic_domain::ids::PatientId;
use clinic_domain::patients::{Patient, PatientQuery, PossibleDuplicate, ValidPatient};
use clinic_domain::AppResult;
use sqlx::{Connection, PgConnection};

use crate::error::DbResultExt;
use crate::repo::like_fragment;

/// Inserts the patient (the database records who); a retry with the same
/// id (lost acknowledgement) changes nothing and returns `None`.
pub async fn insert(conn: &mut PgConnection, id: PatientId, p: &ValidPatient) -> AppResult<Option<Patient>> {
    sqlx::query_as!(
        Patient,
        r#"INSERT INTO patients (patient_id, full_name, phone, email, date_of_birth, notes)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (patient_id) DO NOTHING
           RETURNING patient_id AS "id: PatientId", patient_number, full_name, phone, email, date_of_birth,
                     notes, row_version, created_at"#,
        id as PatientId,
        p.full_name,
        p.phone,
        p.email,
        p.date_of_birth,
        p.notes
    )
    .fetch_optional(conn)
    .await
    .db()
}

/// The phone numbers of these patients (a day sheet's), in one query.
pub async fn phones(conn: &mut PgConnection, ids: &[PatientId]) -> AppResult<Vec<(PatientId, Option<String>)>> {
    let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.0).collect();
    let rows =
        sqlx::query!(r#"SELECT patient_id AS "id: PatientId", phone FROM patients WHERE patient_id = ANY($1)"#, &ids)
            .fetch_all(conn)
            .await
            .db()?;
    Ok(rows.into_iter().map(|r| (r.id, r.phone)).collect())
}

pub async fn get(conn: &mut PgConnection, id: PatientId) -> AppResult<Option<Patient>> {
    sqlx::query_as!(
        Patient,
        r#"SELECT patient_id AS "id: PatientId", patient_number, full_name, phone, email, date_of_birth,
                  notes, row_version, created_at
             FROM patients WHERE patient_id = $1"#,
        id as PatientId
    )
    .fetch_optional(conn)
    .await
    .db()
}

pub async fn update(
    conn: &mut PgConnection,
    id: PatientId,
    expected_version: i32,
    p: &ValidPatient,
) -> AppResult<Option<Patient>> {
    sqlx::query_as!(
        Patient,
        r#"UPDATE patients SET full_name = $3, phone = $4, email = $5, date_of_birth = $6, notes = $7
            WHERE patient_id = $1 AND row_version = $2
        RETURNING patient_id AS "id: PatientId", patient_number, full_name, phone, email, date_of_birth,
                  notes, row_version, created_at"#,
        id as PatientId,
        expected_version,
        p.full_name,
        p.phone,
        p.email,
        p.date_of_birth,
        p.notes
    )
    .fetch_optional(conn)
    .await
    .db()
}

/// Search as you type. Names match anywhere (trigram index), names starting
/// with the text first; phones match on digits; a date matches birth dates.
/// Patients matching what was typed, the best 50 (or `limit`) first.
///
/// By name: those whose name starts with the text, then those with a later
/// word starting with it (the second or third word: a surname after a first
/// name, a first name after a surname), then any other name containing it.
/// The starts read ordered indexes (migrations 27–29) and stop at `limit`;
/// the containment search (trigram) runs only when they do not fill the
/// list. The cost follows the list shown, not the clinic's size.
/// Digits: the patient with that number first, then phones containing them.
pub async fn search(conn: &mut PgConnection, query: &PatientQuery, limit: i64) -> AppResult<Vec<Patient>> {
    match query {
        PatientQuery::Name(text) => {
            let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut found = sqlx::query_file_as!(Patient, "queries/patient_search_name.sql", words, limit)
                .fetch_all(&mut *conn)
                .await
                .db()?;
            let missing = limit - found.len() as i64;
            if missing > 0 {
                // Planned for the text typed each time: a plan made once for
                // any text (what a reused prepared statement settles on)
                // cannot know whether the trigram index or a scan suits it.
                let mut tx = Connection::begin(&mut *conn).await.db()?;
                sqlx::query!("SET LOCAL plan_cache_mode = force_custom_plan").execute(&mut *tx).await.db()?;
                let containing = sqlx::query_file_as!(
                    Patient,
                    "queries/patient_search_containing.sql",
                    words,
                    like_fragment(&words),
                    missing
                )
                .fetch_all(&mut *tx)
                .await
                .db()?;
                tx.commit().await.db()?;
                found.extend(containing);
            }
            Ok(found)
        }
        PatientQuery::PhoneDigits(digits) => sqlx::query_as!(
            Patient,
            r#"SELECT patient_id AS "id!: PatientId", patient_number AS "patient_number!", full_name AS "full_name!",
                      phone, email, date_of_birth, notes AS "notes!", row_version AS "row_version!",
                      created_at AS "created_at!"
                 FROM (
                   (SELECT *, 1 AS rank FROM patients WHERE patient_number = $3)
                   UNION ALL
                   (SELECT *, 2 FROM patients
                     WHERE phone LIKE $1 AND patient_number IS DISTINCT FROM $3
                     LIMIT $2)
                   LIMIT $2) hits
                ORDER BY rank, full_name, patient_number"#,
            format!("%{digits}%"),
            limit,
            digits.parse::<i32>().ok()
        )
        .fetch_all(conn)
        .await
        .db(),
        PatientQuery::BirthDate(date) => sqlx::query_as!(
            Patient,
            r#"SELECT patient_id AS "id: PatientId", patient_number, full_name, phone, email, date_of_birth,
                      notes, row_version, created_at
                 FROM patients
                WHERE date_of_birth = $1
                ORDER BY full_name, patient_number
                LIMIT $2"#,
            date,
            limit
        )
        .fetch_all(conn)
        .await
        .db(),
    }
}

/// Existing patients a new record probably duplicates: the same phone, or a
/// similar name with a compatible date of birth.
pub async fn possible_duplicates(conn: &mut PgConnection, p: &ValidPatient) -> AppResult<Vec<PossibleDuplicate>> {
    let rows = sqlx::query!(
        r#"SELECT patient_id AS "id: PatientId", patient_number, full_name, phone, email, date_of_birth,
                  notes, row_version, created_at,
                  COALESCE(phone = $2, false) AS "same_phone!",
                  COALESCE(lower(full_name) = lower($1) AND date_of_birth = $3, false) AS "same_name_and_birth_date!",
                  similarity(full_name, $1) AS "name_similarity!",
                  COALESCE(full_name % $1, false) AS "similar_name!"
             FROM patients
            WHERE phone = $2
               OR (full_name % $1 AND ($3::date IS NULL OR date_of_birth IS NULL OR date_of_birth = $3))
            ORDER BY 10 DESC, 12 DESC
            LIMIT 5"#,
        p.full_name,
        p.phone,
        p.date_of_birth
    )
    .fetch_all(conn)
    .await
    .db()?;
    Ok(rows
        .into_iter()
        .map(|r| PossibleDuplicate {
            patient: Patient {
                id: r.id,
                patient_number: r.patient_number,
                full_name: r.full_name,
                phone: r.phone,
                email: r.email,
                date_of_birth: r.date_of_birth,
                notes: r.notes,
                row_version: r.row_version,
                created_at: r.created_at,
            },
            same_phone: r.same_phone,
            same_name_and_birth_date: r.same_name_and_birth_date,
            name_similarity: r.name_similarity,
            similar_name: r.similar_name,
        })
        .collect())
}
