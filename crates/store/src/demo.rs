//! The demo clinic: a deterministic generator (fixed seed, `scale`) that fills
//! an empty, migrated database with a realistic clinic around `today`.
//!
//! Scale 1: 3 locations, 10 specialties, 30 doctors, 12 diagnostics, 500
//! patients, bookings over the past 4 weeks and the next 2, ratings, a few
//! result files. Larger scales add locations and doctors with the square root
//! of the scale and extend the booking history so bookings grow linearly:
//! scale 100 gives about 200k patients and 2 million bookings. Rows go in by
//! UNNEST in large batches.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use clinic_domain::availability::ResourceCalendar;
use clinic_domain::schedule::WeeklyInterval;
use clinic_domain::values::{IsoWeekday, WallTime};
use clinic_domain::AppResult;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::DbResultExt;

const ZONE: Tz = chrono_tz::Europe::Kyiv;
const BATCH: usize = 20_000;

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub scale: u32,
    pub seed: u64,
    /// The clinic's "now": bookings are laid out around it (past ones
    /// completed or missed, future ones booked). Same seed and `now`, same clinic.
    pub now: DateTime<Utc>,
}

impl DemoOptions {
    pub fn new(now: DateTime<Utc>) -> Self {
        DemoOptions { scale: 1, seed: 20261126, now }
    }

    fn today(&self) -> NaiveDate {
        self.now.with_timezone(&ZONE).date_naive()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub locations: usize,
    pub specialties: usize,
    pub doctors: usize,
    pub diagnostics: usize,
    pub patients: usize,
    pub bookings: usize,
    pub ratings: usize,
    pub results: usize,
}

const SPECIALTIES: [&str; 10] = [
    "Cardiology",
    "Dermatology",
    "Endocrinology",
    "Gastroenterology",
    "Neurology",
    "Ophthalmology",
    "Otolaryngology",
    "Paediatrics",
    "Therapy",
    "Urology",
];

/// Name, description, preparation printed on the slip, price, minutes.
const DIAGNOSTICS: [(&str, &str, &str, u32, u16); 12] = [
    (
        "MRI",
        "Magnetic resonance imaging of soft tissue, joints and brain",
        "Leave jewellery, watches and cards at home. Tell us about a pacemaker, implants or metal fragments.",
        2400,
        60,
    ),
    ("CT", "Computed tomography with or without contrast", "With contrast: nothing to eat for 4 hours.", 1800, 30),
    ("X-Ray", "Plain radiography of chest, limbs and spine", "", 450, 15),
    (
        "Ultrasound",
        "Abdominal, pelvic, thyroid and vascular ultrasound",
        "Abdomen: nothing to eat for 6 hours. Pelvis: drink 1 litre of water an hour before.",
        700,
        30,
    ),
    (
        "PET",
        "Positron emission tomography",
        "Nothing to eat for 6 hours; water only. No exercise the day before.",
        9500,
        90,
    ),
    ("Blood test", "Complete blood count and biochemistry panel", "Come fasting, before 11:00.", 350, 10),
    ("Urine test", "General urinalysis", "The first morning sample, in a sterile container.", 150, 10),
    ("Biopsy", "Tissue sampling with histology", "Bring your referral and earlier scans.", 2100, 45),
    ("ECG", "Resting 12-lead electrocardiogram", "", 300, 15),
    ("Bone density", "DEXA densitometry", "No calcium tablets for 24 hours before.", 900, 30),
    ("Endoscopy", "Upper gastrointestinal endoscopy", "Nothing to eat or drink for 8 hours.", 2600, 45),
    (
        "Colonoscopy",
        "Lower gastrointestinal endoscopy",
        "A clear-liquid diet the day before and the bowel preparation as prescribed. Someone should take you home.",
        3200,
        60,
    ),
];

const FIRST_NAMES: [&str; 32] = [
    "Olena",
    "Iryna",
    "Oksana",
    "Nataliia",
    "Tetiana",
    "Yuliia",
    "Kateryna",
    "Mariia",
    "Anna",
    "Sofiia",
    "Viktoriia",
    "Halyna",
    "Liudmyla",
    "Daryna",
    "Khrystyna",
    "Svitlana",
    "Andrii",
    "Oleksandr",
    "Dmytro",
    "Serhii",
    "Mykola",
    "Taras",
    "Ivan",
    "Petro",
    "Bohdan",
    "Yurii",
    "Vasyl",
    "Oleh",
    "Maksym",
    "Roman",
    "Volodymyr",
    "Artem",
];

const LAST_NAMES: [&str; 40] = [
    "Kovalenko",
    "Bondarenko",
    "Tkachenko",
    "Kravchenko",
    "Shevchenko",
    "Boiko",
    "Kovalchuk",
    "Oliinyk",
    "Shevchuk",
    "Polishchuk",
    "Melnyk",
    "Moroz",
    "Marchenko",
    "Lysenko",
    "Rudenko",
    "Savchenko",
    "Petrenko",
    "Klymenko",
    "Pavlenko",
    "Levchenko",
    "Kharchenko",
    "Symonenko",
    "Hnatiuk",
    "Ponomarenko",
    "Tkachuk",
    "Romanenko",
    "Kozak",
    "Fedorenko",
    "Karpenko",
    "Vlasenko",
    "Demchenko",
    "Ivanenko",
    "Zinchenko",
    "Mazur",
    "Honchar",
    "Sydorenko",
    "Prykhodko",
    "Yakovenko",
    "Hrytsenko",
    "Nazarenko",
];

const STREETS: [&str; 8] = [
    "Khreshchatyk St",
    "Velyka Vasylkivska St",
    "Peremohy Ave",
    "Saksahanskoho St",
    "Lesi Ukrainky Blvd",
    "Obolonskyi Ave",
    "Kharkivske Hwy",
    "Bohdana Khmelnytskoho St",
];

const AREAS: [&str; 10] = [
    "Centre",
    "Podil",
    "Obolon",
    "Pechersk",
    "Livyi Bereh",
    "Sviatoshyn",
    "Holosiiv",
    "Darnytsia",
    "Troieshchyna",
    "Vynohradar",
];

/// Fills an empty, migrated database. Refuses a database that already holds
/// locations, so it never mixes with real data. Runs as the server's
/// superuser (the demo clinic's own cluster, the tests', the benchmarks'):
/// it writes a back-dated history by "demo" itself, so the database's
/// author, history and audit triggers are off while it loads.
pub async fn generate(pool: &PgPool, options: &DemoOptions) -> AppResult<DemoSummary> {
    let scale = options.scale.max(1);
    let root = (f64::from(scale)).sqrt().ceil() as usize;
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut summary = DemoSummary::default();

    let existing: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM locations"#).fetch_one(pool).await.db()?;
    if existing > 0 {
        return Err(clinic_domain::AppError::validation(
            "database",
            clinic_domain::ValidationCode::NotAllowed,
            "the demo clinic goes into an empty database only",
        ));
    }
    let mut tx = pool.begin().await.db()?;
    sqlx::query("SET LOCAL session_replication_role = replica").execute(&mut *tx).await.map_err(|_| {
        clinic_domain::AppError::validation(
            "database",
            clinic_domain::ValidationCode::NotAllowed,
            "the demo clinic is loaded by the server's superuser only",
        )
    })?;

    // Locations: open Monday–Saturday 08:00–20:00.
    let location_count = 3 * root;
    let mut locations = Vec::new();
    for i in 0..location_count {
        let area = AREAS[i % AREAS.len()];
        let name = if i < AREAS.len() {
            format!("Clinic Desk {area}")
        } else {
            format!("Clinic Desk {area} {}", i / AREAS.len() + 1)
        };
        let address = format!("{} {}, Kyiv", rng.gen_range(1..120), STREETS[i % STREETS.len()]);
        let id: i32 = sqlx::query_scalar!(
            "INSERT INTO locations (name, address, phone, time_zone, grid_minutes) VALUES ($1, $2, $3, $4, 15)
             RETURNING location_id",
            name,
            address,
            format!("+38044{:07}", rng.gen_range(0..10_000_000)),
            ZONE.name()
        )
        .fetch_one(&mut *tx)
        .await
        .db()?;
        sqlx::query!(
            "INSERT INTO location_hours (location_id, iso_weekday, start_minute, end_minute)
             SELECT $1, d, 480, 1200 FROM generate_series(1, 6) d",
            id
        )
        .execute(&mut *tx)
        .await
        .db()?;
        locations.push(id);
    }
    summary.locations = locations.len();
    let location_week: Vec<WeeklyInterval> = (1..=6).map(|d| interval(d, 8 * 60, 20 * 60)).collect();

    let mut specialties = Vec::new();
    for name in SPECIALTIES {
        let id: i32 =
            sqlx::query_scalar!("INSERT INTO specialties (specialty_name) VALUES ($1) RETURNING specialty_id", name)
                .fetch_one(&mut *tx)
                .await
                .db()?;
        specialties.push((id, name));
    }
    summary.specialties = specialties.len();

    // Doctors: each at a home location (weekday shifts), some also at a
    // second location on Saturdays.
    let shifts = [(8 * 60, 14 * 60), (14 * 60, 20 * 60), (9 * 60, 17 * 60), (10 * 60, 18 * 60)];
    let mut doctors: Vec<DemoDoctor> = Vec::new();
    for i in 0..30 * root {
        let (specialty_id, specialty) = specialties[i % specialties.len()];
        let full_name =
            format!("Dr {} {}", FIRST_NAMES.choose(&mut rng).unwrap(), LAST_NAMES.choose(&mut rng).unwrap());
        let price = Decimal::new(rng.gen_range(40..=160) * 500, 2); // 200.00 .. 800.00 in steps of 5
        let slot_minutes: i16 = *[20, 30, 30, 30, 40].choose(&mut rng).unwrap();
        let years = rng.gen_range(3..35);
        let services: Vec<String> =
            ["Consultation", "Follow-up visit", "Second opinion", "Home visit", "Online consultation"]
                .choose_multiple(&mut rng, 3)
                .map(|s| s.to_string())
                .collect();
        let id: i32 = sqlx::query_scalar!(
            "INSERT INTO doctors (full_name, specialty_id, price, experience, certificates, services, slot_minutes)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING doctor_id",
            full_name,
            specialty_id,
            price,
            format!(
                "{years} years in {}; member of the Ukrainian association of {}",
                specialty.to_lowercase(),
                specialty.to_lowercase()
            ),
            format!("Board certification in {specialty} ({})", 2026 - years + 2),
            &services,
            slot_minutes
        )
        .fetch_one(&mut *tx)
        .await
        .db()?;
        let home = locations[i % locations.len()];
        let (start, end) = shifts[i % shifts.len()];
        let mut weeks = vec![(home, (1..=5).map(|d| interval(d, start, end)).collect::<Vec<_>>())];
        if locations.len() > 1 && i % 3 == 0 {
            let second = locations[(i + 1) % locations.len()];
            weeks.push((second, vec![interval(6, 9 * 60, 15 * 60)]));
        }
        for (location, week) in &weeks {
            sqlx::query!("INSERT INTO doctor_locations (doctor_id, location_id) VALUES ($1, $2)", id, location)
                .execute(&mut *tx)
                .await
                .db()?;
            let (days, starts, ends) = week_columns(week);
            sqlx::query!(
                "INSERT INTO doctor_hours (doctor_id, location_id, iso_weekday, start_minute, end_minute)
                 SELECT $1, $2, * FROM unnest($3::int2[], $4::int2[], $5::int2[])",
                id,
                location,
                &days,
                &starts,
                &ends
            )
            .execute(&mut *tx)
            .await
            .db()?;
        }
        doctors.push(DemoDoctor { id, price, slot_minutes: slot_minutes as u16, weeks });
    }
    summary.doctors = doctors.len();

    // Diagnostics: offered at every location, the common ones with two lanes.
    let mut diagnostics = Vec::new();
    for (name, description, preparation, price, slot) in DIAGNOSTICS {
        let id: i32 = sqlx::query_scalar!(
            "INSERT INTO diagnostics (type_name, description, preparation, price, slot_minutes)
             VALUES ($1, $2, $3, $4, $5) RETURNING diagnostic_id",
            name,
            description,
            preparation,
            Decimal::from(price),
            slot as i16
        )
        .fetch_one(&mut *tx)
        .await
        .db()?;
        let lanes: i16 = if matches!(name, "Blood test" | "Urine test" | "Ultrasound") { 2 } else { 1 };
        for location in &locations {
            sqlx::query!(
                "INSERT INTO diagnostic_locations (diagnostic_id, location_id, capacity) VALUES ($1, $2, $3)",
                id,
                location,
                lanes
            )
            .execute(&mut *tx)
            .await
            .db()?;
        }
        diagnostics.push(DemoDiagnostic { id, price: Decimal::from(price), slot_minutes: slot, lanes: lanes as u16 });
    }
    summary.diagnostics = diagnostics.len();

    // Patients.
    let patient_count = 500 + (scale as usize - 1) * 1995;
    let created = day_start(options.today()) - Duration::days(400);
    let mut patient_ids = Vec::with_capacity(patient_count);
    for chunk_start in (0..patient_count).step_by(BATCH) {
        let n = BATCH.min(patient_count - chunk_start);
        let mut cols = PatientColumns::default();
        for _ in 0..n {
            let id = demo_uuid(&mut rng, created);
            patient_ids.push(id);
            cols.ids.push(id);
            let first = FIRST_NAMES.choose(&mut rng).unwrap();
            let last = LAST_NAMES.choose(&mut rng).unwrap();
            cols.names.push(format!("{first} {last}"));
            cols.phones.push(rng.gen_bool(0.95).then(|| {
                format!(
                    "+380{}{:07}",
                    [50, 63, 66, 67, 68, 73, 93, 95, 96, 97, 98, 99].choose(&mut rng).unwrap(),
                    rng.gen_range(0..10_000_000)
                )
            }));
            cols.emails.push(rng.gen_bool(0.6).then(|| {
                format!("{}.{}{}@example.com", first.to_lowercase(), last.to_lowercase(), rng.gen_range(1..1000))
            }));
            cols.births.push(
                rng.gen_bool(0.9).then(|| {
                    NaiveDate::from_ymd_opt(1940, 1, 1).unwrap() + Duration::days(rng.gen_range(0..(80 * 365)))
                }),
            );
        }
        sqlx::query!(
            "INSERT INTO patients (patient_id, full_name, phone, email, date_of_birth, created_by)
             SELECT *, 'demo' FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[])",
            &cols.ids,
            &cols.names,
            &cols.phones as &[Option<String>],
            &cols.emails as &[Option<String>],
            &cols.births as &[Option<NaiveDate>]
        )
        .execute(&mut *tx)
        .await
        .db()?;
    }
    summary.patients = patient_ids.len();

    // Bookings: walk each resource's real slot grid day by day (the same
    // engine as the app), filling a share of the slots; the past is mostly
    // completed, the future booked or confirmed.
    let target = 20_000 * scale as usize;
    let per_day_estimate = (doctors.len() * 10 + diagnostics.len() * locations.len() * 6).max(1);
    let past_days = if scale == 1 { 28 } else { (target / per_day_estimate).max(28) as i64 };
    let from = options.today() - Duration::days(past_days);
    let to = options.today() + Duration::days(14);
    let now = options.now;
    let mut rows = BookingColumns::default();
    let mut completed_with_doctor = Vec::new();
    let mut completed_diagnostics = Vec::new();

    for doctor in &doctors {
        for (location, week) in &doctor.weeks {
            let calendar = ResourceCalendar {
                time_zone: ZONE,
                slot_minutes: doctor.slot_minutes,
                location_week: location_week.clone(),
                location_exceptions: vec![],
                resource_week: Some(week.clone()),
                resource_exceptions: vec![],
                lanes: 1,
                busy: vec![],
            };
            for date in from.iter_days().take_while(|d| *d <= to) {
                for (start, end) in calendar.grid(date) {
                    let fill = if start < now { 0.72 } else { 0.45 - 0.02 * (start - now).num_days() as f64 };
                    if !rng.gen_bool(fill.clamp(0.05, 0.95)) {
                        continue;
                    }
                    let patient = *patient_ids.choose(&mut rng).unwrap();
                    let status = pick_status(&mut rng, start, end, now);
                    let booked_days_before = rng.gen_range(1..20);
                    let id = demo_uuid(&mut rng, start - Duration::days(booked_days_before));
                    if status == "completed" {
                        completed_with_doctor.push((id, doctor.id, patient));
                    }
                    rows.push(id, patient, *location, Some(doctor.id), None, None, start, end, doctor.price, status);
                }
            }
            if rows.len() >= BATCH {
                summary.bookings += rows.flush(&mut tx).await?;
            }
        }
    }
    for diagnostic in &diagnostics {
        for location in &locations {
            let calendar = ResourceCalendar {
                time_zone: ZONE,
                slot_minutes: diagnostic.slot_minutes,
                location_week: location_week.clone(),
                location_exceptions: vec![],
                resource_week: None,
                resource_exceptions: vec![],
                lanes: diagnostic.lanes,
                busy: vec![],
            };
            for date in from.iter_days().take_while(|d| *d <= to) {
                for (start, end) in calendar.grid(date) {
                    for lane in 1..=diagnostic.lanes {
                        let fill = if start < now { 0.35 } else { 0.2 };
                        if !rng.gen_bool(fill) {
                            continue;
                        }
                        let patient = *patient_ids.choose(&mut rng).unwrap();
                        let status = pick_status(&mut rng, start, end, now);
                        let booked_days_before = rng.gen_range(1..20);
                        let id = demo_uuid(&mut rng, start - Duration::days(booked_days_before));
                        if status == "completed" && start > now - Duration::days(7) {
                            completed_diagnostics.push((id, patient, diagnostic.id));
                        }
                        rows.push(
                            id,
                            patient,
                            *location,
                            None,
                            Some(diagnostic.id),
                            Some(lane as i16),
                            start,
                            end,
                            diagnostic.price,
                            status,
                        );
                    }
                }
            }
            if rows.len() >= BATCH {
                summary.bookings += rows.flush(&mut tx).await?;
            }
        }
    }
    summary.bookings += rows.flush(&mut tx).await?;

    // Ratings for about a third of completed visits, mostly 4–5 stars.
    let mut rating_cols = RatingColumns::default();
    for (booking, doctor, patient) in completed_with_doctor {
        if !rng.gen_bool(0.35) {
            continue;
        }
        let stars = match rng.gen_range(0..100) {
            0..=3 => rng.gen_range(1..=3),
            4..=30 => 4,
            _ => 5,
        };
        rating_cols.ids.push(demo_uuid(&mut rng, created));
        rating_cols.doctors.push(doctor);
        rating_cols.patients.push(patient);
        rating_cols.bookings.push(booking);
        rating_cols.stars.push(stars);
        if rating_cols.ids.len() >= BATCH {
            summary.ratings += insert_ratings(&mut tx, &mut rating_cols).await?;
        }
    }
    summary.ratings += insert_ratings(&mut tx, &mut rating_cols).await?;

    // A few small PDF results for last week's completed diagnostics.
    for (booking, patient, diagnostic) in completed_diagnostics.into_iter().take(40 * root) {
        let name =
            DIAGNOSTICS.iter().zip(&diagnostics).find(|(_, d)| d.id == diagnostic).map_or("Result", |(d, _)| d.0);
        let pdf = demo_pdf(&format!("{name} result"));
        let sha = Sha256::digest(&pdf);
        let file_name = format!("{}-result.pdf", name.to_lowercase().replace(' ', "-"));
        sqlx::query!(
            "INSERT INTO diagnostic_results (diagnostic_result_id, booking_id, patient_id, file_name, media_type,
                                             byte_size, sha256, content, uploaded_by)
             VALUES ($1, $2, $3, $4, 'application/pdf', $5, $6, $7, 'demo')",
            demo_uuid(&mut rng, created),
            booking,
            patient,
            file_name,
            pdf.len() as i32,
            sha.as_slice(),
            &pdf
        )
        .execute(&mut *tx)
        .await
        .db()?;
        summary.results += 1;
    }

    // The rating totals' trigger was off with the others: count them once.
    sqlx::query!(
        "INSERT INTO doctor_rating_totals (doctor_id, rating_count, rating_sum)
         SELECT doctor_id, count(*), sum(rating) FROM doctor_ratings GROUP BY doctor_id
         ON CONFLICT (doctor_id) DO UPDATE
            SET rating_count = EXCLUDED.rating_count, rating_sum = EXCLUDED.rating_sum"
    )
    .execute(&mut *tx)
    .await
    .db()?;
    tx.commit().await.db()?;
    sqlx::query("ANALYZE").execute(pool).await.db()?;
    Ok(summary)
}

struct DemoDoctor {
    id: i32,
    price: Decimal,
    slot_minutes: u16,
    weeks: Vec<(i32, Vec<WeeklyInterval>)>,
}

struct DemoDiagnostic {
    id: i32,
    price: Decimal,
    slot_minutes: u16,
    lanes: u16,
}

#[derive(Default)]
struct PatientColumns {
    ids: Vec<Uuid>,
    names: Vec<String>,
    phones: Vec<Option<String>>,
    emails: Vec<Option<String>>,
    births: Vec<Option<NaiveDate>>,
}

#[derive(Default)]
struct BookingColumns {
    ids: Vec<Uuid>,
    patients: Vec<Uuid>,
    locations: Vec<i32>,
    doctors: Vec<Option<i32>>,
    diagnostics: Vec<Option<i32>>,
    lanes: Vec<Option<i16>>,
    starts: Vec<DateTime<Utc>>,
    ends: Vec<DateTime<Utc>>,
    prices: Vec<Decimal>,
    statuses: Vec<String>,
}

impl BookingColumns {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        id: Uuid,
        patient: Uuid,
        location: i32,
        doctor: Option<i32>,
        diagnostic: Option<i32>,
        lane: Option<i16>,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        price: Decimal,
        status: &str,
    ) {
        self.ids.push(id);
        self.patients.push(patient);
        self.locations.push(location);
        self.doctors.push(doctor);
        self.diagnostics.push(diagnostic);
        self.lanes.push(lane);
        self.starts.push(start);
        self.ends.push(end);
        self.prices.push(price);
        self.statuses.push(status.to_string());
    }

    fn len(&self) -> usize {
        self.ids.len()
    }

    /// Inserts the batch with its status history (booked, then the final
    /// status when it moved on) and empties it.
    async fn flush(&mut self, tx: &mut sqlx::PgConnection) -> AppResult<usize> {
        if self.ids.is_empty() {
            return Ok(0);
        }
        sqlx::query!(
            "INSERT INTO bookings (booking_id, patient_id, location_id, doctor_id, diagnostic_id, diagnostic_lane,
                                   starts_at, ends_at, price, status, created_by, created_at)
             SELECT b.id, b.patient, b.location, b.doctor, b.diagnostic, b.lane, b.starts, b.ends, b.price,
                    b.status::booking_status, 'demo', b.starts - interval '3 days'
               FROM unnest($1::uuid[], $2::uuid[], $3::int4[], $4::int4[], $5::int4[], $6::int2[],
                           $7::timestamptz[], $8::timestamptz[], $9::numeric[], $10::text[])
                    AS b(id, patient, location, doctor, diagnostic, lane, starts, ends, price, status)",
            &self.ids,
            &self.patients,
            &self.locations,
            &self.doctors as &[Option<i32>],
            &self.diagnostics as &[Option<i32>],
            &self.lanes as &[Option<i16>],
            &self.starts,
            &self.ends,
            &self.prices,
            &self.statuses
        )
        .execute(&mut *tx)
        .await
        .db()?;
        sqlx::query!(
            "INSERT INTO booking_status_changes (booking_id, from_status, to_status, reason, changed_by, changed_at)
             SELECT b.id, NULL::booking_status, 'booked'::booking_status, '', 'demo', b.starts - interval '3 days'
               FROM unnest($1::uuid[], $2::timestamptz[]) AS b(id, starts)
             UNION ALL
             SELECT b.id, 'booked'::booking_status, b.status::booking_status,
                    CASE WHEN b.status = 'cancelled' THEN 'Patient asked to cancel' ELSE '' END,
                    'demo', LEAST(b.starts + interval '20 minutes', now())
               FROM unnest($1::uuid[], $2::timestamptz[], $3::text[]) AS b(id, starts, status)
              WHERE b.status <> 'booked'",
            &self.ids,
            &self.starts,
            &self.statuses
        )
        .execute(&mut *tx)
        .await
        .db()?;
        let n = self.ids.len();
        *self = BookingColumns::default();
        Ok(n)
    }
}

#[derive(Default)]
struct RatingColumns {
    ids: Vec<Uuid>,
    doctors: Vec<i32>,
    patients: Vec<Uuid>,
    bookings: Vec<Uuid>,
    stars: Vec<i16>,
}

async fn insert_ratings(tx: &mut sqlx::PgConnection, cols: &mut RatingColumns) -> AppResult<usize> {
    if cols.ids.is_empty() {
        return Ok(0);
    }
    sqlx::query!(
        "INSERT INTO doctor_ratings (rating_id, doctor_id, patient_id, booking_id, rating, created_by)
         SELECT *, 'demo' FROM unnest($1::uuid[], $2::int4[], $3::uuid[], $4::uuid[], $5::int2[])",
        &cols.ids,
        &cols.doctors,
        &cols.patients,
        &cols.bookings,
        &cols.stars
    )
    .execute(tx)
    .await
    .db()?;
    let n = cols.ids.len();
    *cols = RatingColumns::default();
    Ok(n)
}

/// A status that fits when the visit is relative to `now`.
fn pick_status(rng: &mut ChaCha8Rng, start: DateTime<Utc>, end: DateTime<Utc>, now: DateTime<Utc>) -> &'static str {
    let roll = rng.gen_range(0..100);
    if end <= now {
        match roll {
            0..=79 => "completed",
            80..=91 => "cancelled",
            _ => "no_show",
        }
    } else if start <= now {
        "arrived"
    } else if start - now < Duration::hours(12) {
        match roll {
            0..=54 => "confirmed",
            55..=94 => "booked",
            _ => "cancelled",
        }
    } else {
        match roll {
            0..=24 => "confirmed",
            25..=94 => "booked",
            _ => "cancelled",
        }
    }
}

fn interval(day: u8, start: u16, end: u16) -> WeeklyInterval {
    WeeklyInterval {
        weekday: IsoWeekday::new(day).expect("1..=7"),
        start: WallTime::from_minutes(start.into()).expect("minute of day"),
        end: WallTime::from_minutes(end.into()).expect("minute of day"),
    }
}

fn week_columns(week: &[WeeklyInterval]) -> (Vec<i16>, Vec<i16>, Vec<i16>) {
    (
        week.iter().map(|i| i16::from(i.weekday.get())).collect(),
        week.iter().map(|i| i.start.minutes() as i16).collect(),
        week.iter().map(|i| i.end.minutes() as i16).collect(),
    )
}

fn day_start(date: NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone;
    ZONE.from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight"))
        .earliest()
        .expect("Kyiv has midnight")
        .with_timezone(&Utc)
}

/// A UUIDv7 whose time part is `at` and whose random part comes from the
/// seeded generator, so the demo is the same on every run.
fn demo_uuid(rng: &mut ChaCha8Rng, at: DateTime<Utc>) -> Uuid {
    let random: [u8; 10] = rng.gen();
    uuid::Builder::from_unix_timestamp_millis(at.timestamp_millis().max(0) as u64, &random).into_uuid()
}

/// A minimal one-page PDF with a line of text.
fn demo_pdf(title: &str) -> Vec<u8> {
    let text = title.replace(['(', ')', '\\'], "");
    let stream = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    pdf
}
