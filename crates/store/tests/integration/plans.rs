//! The plans of the hot reads at a clinic's size: what they read is bounded
//! by what they show, never by how many patients or bookings the clinic
//! has (issue 16). Each query is the very file the repository runs
//! (`queries/`), explained as the app prepares it (a generic plan, as a
//! reused prepared statement gets) on 20,000 patients and 60 days of a
//! busy doctor's history. Rows and plans, never durations.

use serde_json::Value;

use crate::common::*;

const PATIENTS: i64 = 20_000;

/// Every node of an `EXPLAIN (ANALYZE, FORMAT JSON)` plan.
fn nodes(plan: &Value) -> Vec<&Value> {
    let mut all = vec![plan];
    if let Some(children) = plan["Plans"].as_array() {
        for child in children {
            all.extend(nodes(child));
        }
    }
    all
}

/// Rows the plan's scans of `table` produced, and whether any read it whole.
fn reads_of(plan: &Value, table: &str) -> (u64, bool) {
    let scans: Vec<_> = nodes(plan).into_iter().filter(|n| n["Relation Name"] == table).collect();
    let rows = scans
        .iter()
        .map(|n| {
            let loops = n["Actual Loops"].as_u64().unwrap_or(0);
            (n["Actual Rows"].as_u64().unwrap_or(0) + n["Rows Removed by Filter"].as_u64().unwrap_or(0)) * loops
        })
        .sum();
    let whole = scans.iter().any(|n| n["Node Type"] == "Seq Scan" && n["Actual Loops"].as_u64().unwrap_or(0) > 0);
    (rows, whole)
}

/// A transaction explaining as a reused prepared statement plans: generically.
async fn generic_plans(f: &Fixture) -> sqlx::Transaction<'static, sqlx::Postgres> {
    let mut tx = f.db.pool.begin().await.unwrap();
    sqlx::query("SET LOCAL plan_cache_mode = force_generic_plan").execute(&mut *tx).await.unwrap();
    tx
}

fn explained(sql: &str) -> String {
    format!("EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
}

#[tokio::test]
async fn the_board_and_patient_search_read_what_they_show_not_the_clinic() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    // 20,000 patients from 30 first names and 30 surnames (so a surname's
    // first letters match about 700 of them), and a doctor booked every
    // five minutes from 07:00 to 19:00 for the 60 days up to the board's.
    let mut tx = f.db.pool.begin().await.unwrap();
    sqlx::query("SET LOCAL session_replication_role = replica").execute(&mut *tx).await.unwrap();
    sqlx::query(
        "INSERT INTO patients (patient_id, full_name, created_by)
         SELECT gen_random_uuid(),
                (ARRAY['Olena','Mykola','Iryna','Andrii','Oksana','Taras','Nadiia','Bohdan','Sofiia','Yurii',
                       'Kateryna','Petro','Mariia','Oleh','Daryna','Vasyl','Anna','Ivan','Yuliia','Serhii',
                       'Liudmyla','Roman','Halyna','Dmytro','Tetiana','Artem','Zoia','Maksym','Vira','Denys'])[1 + i % 30]
                || ' ' ||
                (ARRAY['Kovalenko','Shevchenko','Bondarenko','Tkachenko','Kravchenko','Oliinyk','Shevchuk',
                       'Polishchuk','Lysenko','Kovalchuk','Marchenko','Rudenko','Savchenko','Petrenko','Moroz',
                       'Melnyk','Boiko','Klymenko','Pavlenko','Kharchenko','Sydorenko','Hnatiuk','Demchenko',
                       'Prykhodko','Levchenko','Ivanenko','Karpenko','Zinchenko','Hrytsenko','Yakovenko'])[1 + (i / 30) % 30],
                'bench'
           FROM generate_series(1, $1) AS i",
    )
    .bind(PATIENTS)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO bookings (booking_id, patient_id, location_id, doctor_id, starts_at, ends_at, price, created_by)
         SELECT gen_random_uuid(), (SELECT patient_id FROM patients ORDER BY patient_number LIMIT 1 OFFSET n % 19000),
                $1, $2, t, t + interval '5 minutes', 500, 'bench'
           FROM generate_series(timestamptz '2026-11-05 05:00Z', timestamptz '2027-01-04 17:00Z', interval '5 minutes')
                WITH ORDINALITY AS s(t, n)
          WHERE t::time BETWEEN '05:00' AND '16:55'",
    )
    .bind(b.location.id.0)
    .bind(b.doctor.0)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    sqlx::query("ANALYZE").execute(&f.db.pool).await.unwrap();
    assert!(f.count("patients").await > PATIENTS);
    let history = f.count("bookings").await;
    assert!(history > 8_000, "{history} bookings of history");

    // The board's bookings of one day: that day's rows from the location's
    // index, each patient looked up by key.
    let (from, to) = (at("2027-01-03T22:00:00Z"), at("2027-01-04T22:00:00Z"));
    let mut tx = generic_plans(&f).await;
    let plan: serde_json::Value = sqlx::query_scalar(&explained(include_str!("../../queries/board_day.sql")))
        .bind(b.location.id.0)
        .bind(from)
        .bind(to)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let plan = &plan[0]["Plan"];
    let shown = plan["Actual Rows"].as_u64().unwrap();
    assert_eq!(shown, 144, "07:00–19:00 Kyiv every five minutes");
    let (patient_rows, whole) = reads_of(plan, "patients");
    assert!(!whole, "the board read the whole patients table: {plan:#}");
    assert_eq!(patient_rows, shown, "one patient row per booking shown");
    let (booking_rows, whole) = reads_of(plan, "bookings");
    assert!(!whole);
    assert!(booking_rows <= shown + 1, "{booking_rows} booking rows read for {shown} shown");
    drop(tx);

    // Patient search by a surname's first letters (about 700 match), a
    // first name and a surname's start, a rare name: what the starts of
    // names read is at most the list shown (the containment search, planned
    // for each text, runs only when they do not fill it).
    // (Olena Kovalenko and Olena Kovalchuk: 44 made here and the fixture's.)
    for (typed, expected) in [("Kova", 50), ("koval", 50), ("Olena Kov", 45), ("Sydor", 50), ("xyzzy", 0)] {
        let mut tx = generic_plans(&f).await;
        let plan: serde_json::Value =
            sqlx::query_scalar(&explained(include_str!("../../queries/patient_search_name.sql")))
                .bind(typed)
                .bind(50_i64)
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        let plan = &plan[0]["Plan"];
        let shown = plan["Actual Rows"].as_u64().unwrap();
        assert_eq!(shown, expected, "{typed}");
        let (rows, whole) = reads_of(plan, "patients");
        assert!(!whole, "{typed}: the search read the whole patients table: {plan:#}");
        assert!(rows <= 3 * 50, "{typed}: {rows} patient rows read for {shown} shown");
    }
    // And through the service: the best matches first, then names with the
    // text inside.
    let found = f.clinic.search_patients("chenko", 50).await.unwrap();
    assert_eq!(found.len(), 50);
    assert!(found.iter().all(|p| p.full_name.contains("chenko")));
    assert!(found.windows(2).all(|w| w[0].full_name <= w[1].full_name), "by name");
    let found = f.clinic.search_patients("oksana shev", 50).await.unwrap();
    assert!(found.iter().take(44).all(|p| p.full_name.starts_with("Oksana Shev")), "{found:?}");
    let found = f.clinic.search_patients("oleh kov", 50).await.unwrap();
    assert!(!found.is_empty() && found.iter().all(|p| p.full_name.starts_with("Oleh Kov")), "{found:?}");
    let found = f.clinic.search_patients("kovalch", 50).await.unwrap();
    assert_eq!(found.len(), 50);
    assert!(found.iter().all(|p| p.full_name.ends_with("Kovalchuk")));
    assert!(found.windows(2).all(|w| w[0].full_name <= w[1].full_name), "by name");
}
