//! The database as the security boundary (issue 12), tried as each kind of
//! staff login would: every desk connects straight to PostgreSQL, so what a
//! login may do is what the grants, row-level security and triggers allow,
//! whatever the client sends. Refusals reach the caller as the typed
//! `unauthorized` error naming what is not permitted.

use crate::common::*;
use chrono::{DateTime, Utc};
use clinic_admin::staff;
use clinic_domain::bookings::{Booking, RatingInput, RescheduleRequest, StatusAction, StatusRequest};
use clinic_domain::bookings::{BookingSubject, ClinicPolicy};
use clinic_domain::catalogue::{DoctorInput, LocationInput};
use clinic_domain::ids::{BookingId, LocationId, PatientId, RatingId, ResultId};
use clinic_domain::patients::PatientInput;
use clinic_domain::schedule::{ExceptionKind, ScheduleExceptionInput};
use clinic_domain::{AppError, AppResult, ConflictCode};
use clinic_store::{db_error, Clinic, ResultUpload};
use sqlx::{ConnectOptions, PgPool};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Reception,
    Manager,
    Auditor,
    /// Reception limited to the Centre location.
    Limited,
}

impl Who {
    const ALL: [Who; 4] = [Who::Reception, Who::Manager, Who::Auditor, Who::Limited];

    fn login(self) -> &'static str {
        match self {
            Who::Reception => "matrix.reception",
            Who::Manager => "matrix.manager",
            Who::Auditor => "matrix.auditor",
            Who::Limited => "matrix.limited",
        }
    }

    fn groups(self) -> &'static [&'static str] {
        match self {
            Who::Reception | Who::Limited => &["reception"],
            Who::Manager => &["manager"],
            Who::Auditor => &["auditor"],
        }
    }

    /// Each login works on its own day of the week starting 2027-01-04, so
    /// their attempts never collide.
    fn at(self, hour: u32, minute: u32) -> DateTime<Utc> {
        let index = Who::ALL.iter().position(|w| *w == self).unwrap_or(0) as u32;
        at(&format!("2027-01-{:02}T{hour:02}:{minute:02}:00Z", 4 + index))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    CreatePatient,
    Book,
    CheckIn,
    Reschedule,
    Rate,
    UploadResult,
    CreateLocation,
    ChangeDoctorPrice,
    SetHours,
    AddException,
    SetPolicy,
    AddStaff,
    BookAtOtherLocation,
    RawChangePrice,
    RawDeleteResult,
    RawUpdateHistory,
    RawDeleteHistory,
    RawUpdateAudit,
    RawTruncateAudit,
    RawDropExclusion,
    RawCreateTable,
    RawSetRoleOwner,
    RawForgedAuthor,
    RawReadAudit,
}

impl Op {
    const ALL: [Op; 24] = [
        Op::CreatePatient,
        Op::Book,
        Op::CheckIn,
        Op::Reschedule,
        Op::Rate,
        Op::UploadResult,
        Op::CreateLocation,
        Op::ChangeDoctorPrice,
        Op::SetHours,
        Op::AddException,
        Op::SetPolicy,
        Op::AddStaff,
        Op::BookAtOtherLocation,
        Op::RawChangePrice,
        Op::RawDeleteResult,
        Op::RawUpdateHistory,
        Op::RawDeleteHistory,
        Op::RawUpdateAudit,
        Op::RawTruncateAudit,
        Op::RawDropExclusion,
        Op::RawCreateTable,
        Op::RawSetRoleOwner,
        Op::RawForgedAuthor,
        Op::RawReadAudit,
    ];

    /// The design: who may do what.
    fn allowed_for(self, who: Who) -> bool {
        use Op::*;
        match self {
            CreatePatient | Book | CheckIn | Reschedule | Rate | UploadResult => who != Who::Auditor,
            CreateLocation | ChangeDoctorPrice | SetHours | AddException | SetPolicy | AddStaff | RawChangePrice => {
                who == Who::Manager
            }
            BookAtOtherLocation => matches!(who, Who::Reception | Who::Manager),
            RawReadAudit => matches!(who, Who::Manager | Who::Auditor),
            RawDeleteResult | RawUpdateHistory | RawDeleteHistory | RawUpdateAudit | RawTruncateAudit
            | RawDropExclusion | RawCreateTable | RawSetRoleOwner | RawForgedAuthor => false,
        }
    }
}

/// What the desk prepared for one login to act on.
struct Stage {
    who: Who,
    clinic: Clinic,
    /// The same login, later that day (visits started: completion, results).
    later: Clinic,
    pool: PgPool,
    patient: PatientId,
    to_check_in: Booking,
    to_move: Booking,
    to_rate: Booking,
    scan: Booking,
    location: LocationId,
    other_location: LocationId,
    doctor_subject: BookingSubject,
    doctor: clinic_domain::ids::DoctorId,
}

#[tokio::test]
async fn each_group_may_do_exactly_its_work() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let podil = f.location("Podil", "Europe/Kyiv").await;
    // The doctor also works evenings at Podil.
    f.clinic
        .update_doctor(
            b.doctor,
            1,
            &DoctorInput {
                full_name: "Dr Iryna Bondar".into(),
                specialty_id: b.specialty,
                price: "500.00".into(),
                experience: "10 years".into(),
                certificates: String::new(),
                services: vec!["Consultation".into()],
                slot_minutes: 30,
                location_ids: vec![b.location.id, podil.id],
            },
        )
        .await
        .unwrap();
    f.clinic.set_doctor_week(b.doctor, podil.id, &every_day(17, 20)).await.unwrap();
    let mri = f.diagnostic("MRI", "900.00", 30, b.location.id, 4).await;

    let mut admin = f.db.pool.acquire().await.unwrap();
    for who in Who::ALL {
        staff::ensure(&mut admin, who.login(), who.login(), who.groups()).await.unwrap();
    }
    staff::limit_locations(&mut admin, Who::Limited.login(), &[b.location.id.0]).await.unwrap();
    drop(admin);

    let mut refusals = Vec::new();
    let mut tried = 0;
    for who in Who::ALL {
        let pool = f.db.pool_as(who.login()).await;
        // The login's day: its morning, and later that day (visits started).
        let (now, later) = (who.at(6, 0), who.at(16, 0));
        let slot = |hour, minute| who.at(hour, minute).to_rfc3339();
        let to_check_in = f.book(b.patient.id, b.location.id, b.with_doctor(), &slot(7, 0)).await.unwrap();
        let to_move = f.book(b.patient.id, b.location.id, b.with_doctor(), &slot(7, 30)).await.unwrap();
        let to_rate = f.book(b.patient.id, b.location.id, b.with_doctor(), &slot(8, 0)).await.unwrap();
        let desk_later = f.clinic_at(&later.to_rfc3339());
        for (action, version) in [(StatusAction::CheckIn, 1), (StatusAction::Complete, 2)] {
            desk_later.change_status(&status(&to_rate, action, version), &actor()).await.unwrap();
        }
        let scan = f
            .book(b.patient.id, b.location.id, BookingSubject::Diagnostic { diagnostic_id: mri.id }, &slot(7, 0))
            .await
            .unwrap();
        let stage = Stage {
            who,
            clinic: Clinic::with_clock(pool.clone(), move || now),
            later: Clinic::with_clock(pool.clone(), move || later),
            pool,
            patient: b.patient.id,
            to_check_in,
            to_move,
            to_rate,
            scan,
            location: b.location.id,
            other_location: podil.id,
            doctor_subject: b.with_doctor(),
            doctor: b.doctor,
        };
        // What the station will show this login: the grants, as the database reads them.
        let access = stage.clinic.my_access().await.unwrap();
        assert_eq!(access.login, who.login());
        let may = access.may;
        assert_eq!(
            (may.book, may.edit_patients, may.manage_clinic, may.manage_staff, may.read_audit),
            match who {
                Who::Reception | Who::Limited => (true, true, false, false, false),
                Who::Manager => (true, true, true, true, true),
                Who::Auditor => (false, false, false, false, true),
            },
            "{who:?}"
        );
        assert_eq!(access.location_ids.is_empty(), who != Who::Limited);
        for op in Op::ALL {
            tried += 1;
            let outcome = attempt(&stage, op, b.specialty).await;
            match (op.allowed_for(who), outcome) {
                (true, Ok(())) => {}
                (false, Err(AppError::Unauthorized { message })) => {
                    assert!(message.starts_with("You are not allowed to"), "{who:?} {op:?}: {message}");
                    refusals.push(format!("{who:?} {op:?}: {message}"));
                }
                (true, Err(error)) => panic!("{who:?} may {op:?}, but: {error:?}"),
                (false, Ok(())) => panic!("{who:?} must not {op:?}, yet it worked"),
                (false, Err(other)) => panic!("{who:?} {op:?} was refused, but not as unauthorized: {other:?}"),
            }
        }
    }

    // A login in no clinic group may not even connect.
    sqlx::query("CREATE ROLE matrix_nobody LOGIN").execute(&f.db.pool).await.unwrap();
    let nobody = f.db.connect_options().username("matrix_nobody").connect().await;
    let refused = nobody.err().and_then(|e| e.as_database_error().and_then(|d| d.code().map(|c| c.into_owned())));
    assert_eq!(refused.as_deref(), Some("42501"), "no CONNECT for a login outside the clinic's groups");
    tried += 1;

    println!(
        "permission matrix: {tried} attempts ({} logins × {} operations + a login in no group), {} refusals",
        Who::ALL.len(),
        Op::ALL.len(),
        refusals.len() + 1
    );
    for refusal in &refusals {
        println!("  {refusal}");
    }
}

fn status(booking: &Booking, action: StatusAction, version: i32) -> StatusRequest {
    StatusRequest {
        booking_id: booking.id,
        action,
        reason: String::new(),
        cancel_kind: None,
        expected_version: version,
    }
}

async fn attempt(s: &Stage, op: Op, specialty: clinic_domain::ids::SpecialtyId) -> AppResult<()> {
    let me = actor();
    let slot = |hour, minute| s.who.at(hour, minute);
    match op {
        Op::CreatePatient => s
            .clinic
            .create_patient(PatientId::generate(), &PatientInput { full_name: format!("New {:?}", s.who), ..Default::default() }, &me)
            .await
            .map(drop),
        Op::Book => s
            .clinic
            .book(&request(s.patient, s.location, s.doctor_subject, &slot(8, 30).to_rfc3339()), &me)
            .await
            .map(drop),
        Op::CheckIn => s.clinic.change_status(&status(&s.to_check_in, StatusAction::CheckIn, 1), &me).await.map(drop),
        Op::Reschedule => s
            .clinic
            .reschedule(
                &RescheduleRequest {
                    booking_id: s.to_move.id,
                    new_booking_id: BookingId::generate(),
                    starts_at: slot(9, 0),
                    location_id: None,
                    subject: None,
                    expected_version: 1,
                    reason: String::new(),
                },
                &me,
            )
            .await
            .map(drop),
        Op::Rate => s
            .clinic
            .record_rating(
                &RatingInput { rating_id: RatingId::generate(), booking_id: s.to_rate.id, rating: 5, comment: "Kind".into() },
                &me,
            )
            .await
            .map(drop),
        Op::UploadResult => s
            .later
            .store_result(
                &ResultUpload {
                    result_id: ResultId::generate(),
                    booking_id: s.scan.id,
                    file_name: "scan.pdf",
                    bytes: b"%PDF-1.4 result",
                },
                &me,
            )
            .await
            .map(drop),
        Op::CreateLocation => s
            .clinic
            .create_location(&LocationInput {
                name: format!("Branch {:?}", s.who),
                address: "Street 1".into(),
                phone: String::new(),
                time_zone: "Europe/Kyiv".into(),
                grid_minutes: 15,
            })
            .await
            .map(drop),
        Op::ChangeDoctorPrice => {
            let doctor = s.clinic.get_doctor(s.doctor).await?;
            let input = DoctorInput {
                full_name: doctor.summary.full_name.clone(),
                specialty_id: specialty,
                price: "501.00".into(),
                experience: doctor.experience.clone(),
                certificates: doctor.certificates.clone(),
                services: doctor.services.clone(),
                slot_minutes: doctor.summary.slot_minutes,
                location_ids: doctor.summary.locations.iter().map(|l| l.id).collect(),
            };
            s.clinic.update_doctor(s.doctor, doctor.row_version, &input).await.map(drop)
        }
        Op::SetHours => s.clinic.set_location_week(s.location, &every_day(8, 20)).await.map(drop),
        Op::AddException => s
            .clinic
            .add_exception(
                &ScheduleExceptionInput {
                    kind: ExceptionKind::Closure,
                    location_id: Some(s.other_location),
                    doctor_id: None,
                    date: day("2027-02-01"),
                    start: None,
                    end: None,
                    note: format!("{:?}", s.who),
                },
                &me,
            )
            .await
            .map(drop),
        Op::SetPolicy => {
            let policy =
                ClinicPolicy { late_cancel_notice_minutes: 720, lock_after_minutes: 10, offline_sign_in_days: 7, hold_minutes: 3 };
            s.clinic.set_clinic_policy(&policy).await.map(drop)
        }
        Op::AddStaff => raw(
            s,
            &format!(
                "SELECT staff.add_member('added.by.{}', 'Added', ARRAY['reception'], '{}')",
                s.who.login().replace("matrix.", ""),
                clinic_admin::scram::verifier("a long enough password")
            ),
        )
        .await,
        Op::BookAtOtherLocation => s
            .clinic
            .book(&request(s.patient, s.other_location, s.doctor_subject, &slot(15, 0).to_rfc3339()), &me)
            .await
            .map(drop),
        Op::RawChangePrice => raw(s, "UPDATE doctors SET price = price + 1").await,
        Op::RawDeleteResult => raw(s, "DELETE FROM diagnostic_results").await,
        Op::RawUpdateHistory => raw(s, "UPDATE booking_status_changes SET changed_by = 'nobody'").await,
        Op::RawDeleteHistory => raw(s, "DELETE FROM booking_status_changes").await,
        Op::RawUpdateAudit => raw(s, "UPDATE audit.events SET login = 'nobody'").await,
        Op::RawTruncateAudit => raw(s, "TRUNCATE audit.events").await,
        Op::RawDropExclusion => raw(s, "ALTER TABLE bookings DROP CONSTRAINT bookings_doctor_no_overlap").await,
        Op::RawCreateTable => raw(s, "CREATE TABLE public.stash (x text)").await,
        Op::RawSetRoleOwner => raw(s, "SET ROLE clinic_owner").await,
        Op::RawForgedAuthor => {
            raw(
                s,
                &format!(
                    "INSERT INTO bookings (booking_id, patient_id, location_id, doctor_id, starts_at, ends_at, price, created_by)
                     VALUES (gen_random_uuid(), '{}', {}, {}, '{}', '{}', 1, 'someone else')",
                    s.patient.0,
                    s.location.0,
                    s.doctor.0,
                    slot(10, 0).to_rfc3339(),
                    slot(10, 30).to_rfc3339()
                ),
            )
            .await
        }
        Op::RawReadAudit => raw(s, "SELECT count(*) FROM audit.events").await,
    }
}

/// Hand-written SQL on the login's own connection, as a tool would send it.
async fn raw(s: &Stage, sql: &str) -> AppResult<()> {
    let mut conn = s.pool.acquire().await.map_err(db_error)?;
    let outcome = sqlx::raw_sql(sql).execute(&mut *conn).await.map(drop).map_err(db_error);
    // A refused SET ROLE changed nothing; a granted one would leak into the pool.
    let _ = sqlx::raw_sql("RESET ROLE").execute(&mut *conn).await;
    outcome
}

#[tokio::test]
async fn the_audit_trail_records_who_did_what_and_notices_tampering() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let booking = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T08:00:00Z").await.unwrap();
    f.clinic.change_status(&status(&booking, StatusAction::Confirm, 1), &actor()).await.unwrap();
    let viewed: i64 = sqlx::query_scalar("SELECT audit.record_view('view', 'patients', $1, $2)")
        .bind(b.patient.id.0.to_string())
        .bind(b.patient.id.0)
        .fetch_one(f.clinic.pool())
        .await
        .unwrap();
    assert!(viewed > 0);

    let events: Vec<(String, String, String, Option<String>, serde_json::Value)> = sqlx::query_as(
        "SELECT login, action, table_name, row_id, changes FROM audit.events
          WHERE patient_id = $1 ORDER BY event_id",
    )
    .bind(b.patient.id.0)
    .fetch_all(&f.db.pool)
    .await
    .unwrap();
    let actions: Vec<(&str, &str)> = events.iter().map(|e| (e.1.as_str(), e.2.as_str())).collect();
    assert_eq!(
        actions,
        [("insert", "patients"), ("insert", "bookings"), ("status change", "bookings"), ("view", "patients")],
        "{events:#?}"
    );
    assert!(events.iter().all(|e| e.0 == DESK_LOGIN), "the session's login, whatever the client says");
    let change = &events[2].4;
    assert_eq!(change["status"], serde_json::json!({"old": "booked", "new": "confirmed"}));
    assert_eq!(events[1].3.as_deref(), Some(booking.id.0.to_string().as_str()));

    let verify =
        || async { sqlx::query_scalar::<_, Option<i64>>("SELECT audit.verify()").fetch_one(&f.db.pool).await.unwrap() };
    assert_eq!(verify().await, None, "an untouched trail verifies");

    // Someone with the server's keys edits an event behind the triggers.
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT event_id FROM audit.events ORDER BY event_id").fetch_all(&f.db.pool).await.unwrap();
    let edited = ids[ids.len() / 2];
    f.behind_the_triggers("UPDATE audit.events SET login = 'someone else' WHERE event_id = $1", edited).await;
    assert_eq!(verify().await, Some(edited), "an edited event is named");
    // The audit screen shows it as not verified, the others as verified.
    use clinic_domain::audit::{AuditAction, AuditFilter};
    let listed = f.clinic.audit_events(&AuditFilter::default()).await.unwrap();
    assert_eq!(listed.len(), ids.len());
    assert!(listed.iter().all(|e| e.verified == (e.event_id != edited)), "{listed:#?}");
    let status_changes = AuditFilter { action: Some(AuditAction::StatusChange), ..AuditFilter::default() };
    let changes = f.clinic.audit_events(&status_changes).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].changes.iter().find(|c| c.column == "status").and_then(|c| c.new.as_deref()),
        Some("confirmed")
    );
    let (count, csv) = f.clinic.export_audit_csv(&AuditFilter::default()).await.unwrap();
    assert!(count == ids.len() && csv.contains("\"NO\""), "{csv}");
    // Reception reads a booking's and a patient's own trail, not the whole one.
    let mut admin = f.db.pool.acquire().await.unwrap();
    clinic_admin::staff::ensure(&mut admin, "trail.reception", "Trail", &["reception"]).await.unwrap();
    drop(admin);
    let reception = Clinic::new(f.db.pool_as("trail.reception").await);
    let trail = reception.booking_trail(booking.id).await.unwrap();
    assert_eq!(trail.iter().map(|e| e.action).collect::<Vec<_>>(), [AuditAction::Insert, AuditAction::StatusChange]);
    assert!(reception.patient_trail(b.patient.id).await.unwrap().len() >= 4);
    assert!(matches!(reception.audit_events(&AuditFilter::default()).await, Err(AppError::Unauthorized { .. })));
    // Undo the edit, then remove an event instead: the next one is named.
    f.behind_the_triggers(&format!("UPDATE audit.events SET login = '{DESK_LOGIN}' WHERE event_id = $1"), edited).await;
    assert_eq!(verify().await, None);
    f.behind_the_triggers("DELETE FROM audit.events WHERE event_id = $1", edited).await;
    let next = ids[ids.len() / 2 + 1];
    assert_eq!(verify().await, Some(next), "a removed event breaks the link of the one after it");
    // Verifying a range before the damage still passes.
    let before: Option<i64> =
        sqlx::query_scalar("SELECT audit.verify(NULL, $1)").bind(edited - 1).fetch_one(&f.db.pool).await.unwrap();
    assert_eq!(before, None);

    // And nobody, the owner included, rewrites the trail through the triggers.
    let rewrite = sqlx::query("DELETE FROM audit.events").execute(&f.db.pool).await.unwrap_err();
    assert!(matches!(db_error(rewrite), AppError::Unauthorized { .. }));
}

/// Lowering a diagnostic's capacity while another session books its last
/// lane: in either order, never more concurrent bookings than capacity.
#[tokio::test]
async fn a_capacity_change_and_a_booking_take_turns() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let ct = f.diagnostic("CT", "700.00", 30, b.location.id, 2).await;
    let (loc, diag, pat) = (b.location.id.0, ct.id.0, b.patient.id.0);
    let insert = |lane: i32, minute: u32| {
        format!(
            "INSERT INTO bookings (booking_id, patient_id, location_id, diagnostic_id, diagnostic_lane, starts_at, ends_at, price)
             VALUES (gen_random_uuid(), '{pat}', {loc}, {diag}, {lane}, '2027-01-05T08:{minute:02}:00Z', '2027-01-05T08:{:02}:00Z', 700)",
            minute + 30
        )
    };
    let lower =
        format!("UPDATE diagnostic_locations SET capacity = 1 WHERE diagnostic_id = {diag} AND location_id = {loc}");
    let restore =
        format!("UPDATE diagnostic_locations SET capacity = 2 WHERE diagnostic_id = {diag} AND location_id = {loc}");
    let desk = f.clinic.pool().clone();
    sqlx::raw_sql(&insert(1, 0)).execute(&desk).await.unwrap();

    // The booking first: the capacity change waits for it, then sees lane 2 in use.
    let mut booking = desk.begin().await.unwrap();
    sqlx::raw_sql(&insert(2, 0)).execute(&mut *booking).await.unwrap();
    let manager = {
        let desk = desk.clone();
        let lower = lower.clone();
        tokio::spawn(async move { sqlx::raw_sql(&lower).execute(&desk).await.map_err(db_error) })
    };
    wait_until_blocked(&f.db.pool, "UPDATE diagnostic_locations").await;
    booking.commit().await.unwrap();
    let refused = manager.await.unwrap().unwrap_err();
    assert!(matches!(refused, AppError::Conflict { code: ConflictCode::InUse, .. }), "{refused:?}");

    // The capacity change first: the booking waits, then reads capacity 1.
    sqlx::raw_sql("UPDATE bookings SET status = 'cancelled' WHERE diagnostic_lane = 2").execute(&desk).await.unwrap();
    let mut change = desk.begin().await.unwrap();
    sqlx::raw_sql(&lower).execute(&mut *change).await.unwrap();
    let booker = {
        let desk = desk.clone();
        let second = insert(2, 0);
        tokio::spawn(async move { sqlx::raw_sql(&second).execute(&desk).await.map_err(db_error) })
    };
    wait_until_blocked(&f.db.pool, "INSERT INTO bookings").await;
    change.commit().await.unwrap();
    let refused = booker.await.unwrap().unwrap_err();
    assert!(matches!(refused, AppError::Conflict { code: ConflictCode::SlotTaken, .. }), "{refused:?}");
    let overlapping: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM bookings WHERE diagnostic_id = $1 AND status <> 'cancelled'
            AND tstzrange(starts_at, ends_at) && tstzrange('2027-01-05T08:00:00Z', '2027-01-05T08:30:00Z')",
    )
    .bind(diag)
    .fetch_one(&f.db.pool)
    .await
    .unwrap();
    assert_eq!(overlapping, 1, "capacity 1, one booking");
    sqlx::raw_sql(&restore).execute(&desk).await.unwrap();
}

/// Waits until a session running `statement` waits for a lock.
async fn wait_until_blocked(superuser: &PgPool, statement: &str) {
    for _ in 0..500 {
        let waiting: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1 || '%')",
        )
        .bind(statement)
        .fetch_one(superuser)
        .await
        .unwrap();
        if waiting {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("no session ran into the lock: {statement}");
}

/// Two sessions that lock the same rows in opposite orders: PostgreSQL
/// breaks the deadlock, and the loser's error is a conflict to try again,
/// never "internal".
#[tokio::test]
async fn a_deadlock_reaches_the_desk_as_a_conflict_to_retry() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let first = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T08:00:00Z").await.unwrap();
    let second = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T09:00:00Z").await.unwrap();
    let lock = |id: BookingId| format!("UPDATE bookings SET status = 'confirmed' WHERE booking_id = '{}'", id.0);
    let desk = f.clinic.pool().clone();
    let mut one = desk.begin().await.unwrap();
    let mut two = desk.begin().await.unwrap();
    sqlx::raw_sql(&lock(first.id)).execute(&mut *one).await.unwrap();
    sqlx::raw_sql(&lock(second.id)).execute(&mut *two).await.unwrap();
    let (lock_second, lock_first) = (lock(second.id), lock(first.id));
    let (a, b) =
        tokio::join!(sqlx::raw_sql(&lock_second).execute(&mut *one), sqlx::raw_sql(&lock_first).execute(&mut *two));
    let loser = a.err().or(b.err()).expect("one of them is chosen as the deadlock's victim");
    assert!(matches!(db_error(loser), AppError::Conflict { code: ConflictCode::Busy, .. }));
}

/// A manager's desk adds, disables, enables and re-passwords staff through
/// the database's staff functions; reception may not.
#[tokio::test]
async fn a_manager_looks_after_staff_accounts() {
    use clinic_domain::staff::{NewStaffMember, StaffGroup};
    let f = Fixture::new().await;
    let b = f.basic().await;
    let input = NewStaffMember {
        login: "olha.p".into(),
        full_name: "Olha Petrenko".into(),
        groups: vec![StaffGroup::Reception],
        location_ids: vec![b.location.id],
    };
    let issued = f.clinic.add_staff_member(&input).await.unwrap();
    assert_eq!(issued.password.len(), 16);
    assert_eq!(issued.member.groups, [StaffGroup::Reception]);
    assert_eq!(issued.member.location_ids, [b.location.id]);
    assert!(issued.member.active);
    let stored = || async {
        sqlx::query_scalar::<_, String>("SELECT rolpassword FROM pg_authid WHERE rolname = 'olha.p'")
            .fetch_one(&f.db.pool)
            .await
            .unwrap()
    };
    let verifier = stored().await;
    assert!(verifier.starts_with("SCRAM-SHA-256$4096:"), "only a verifier reached the server");
    assert!(!verifier.contains(&issued.password));

    let olha = Clinic::new(f.db.pool_as("olha.p").await);
    let access = olha.my_access().await.unwrap();
    assert_eq!((access.full_name.as_str(), access.may.book, access.may.manage_staff), ("Olha Petrenko", true, false));
    let refused = olha.add_staff_member(&NewStaffMember { login: "by.olha".into(), ..input.clone() }).await;
    assert!(matches!(refused, Err(AppError::Unauthorized { .. })), "{refused:?}");

    let taken = f.clinic.add_staff_member(&input).await.unwrap_err();
    assert_eq!(
        (taken.field(), matches!(taken, AppError::Validation { code: clinic_domain::ValidationCode::Duplicate, .. })),
        (Some("login"), true)
    );
    let malformed = f.clinic.add_staff_member(&NewStaffMember { login: "Olha P".into(), ..input.clone() }).await;
    assert_eq!(malformed.unwrap_err().field(), Some("login"));

    let disabled = f.clinic.set_staff_active("olha.p", false).await.unwrap();
    assert!(!disabled.active);
    assert!(f.db.connect_options().username("olha.p").connect().await.is_err(), "a disabled login cannot sign in");
    assert!(f.clinic.set_staff_active("olha.p", true).await.unwrap().active);
    // A manager cannot lock themselves out (the clinic could lose its last manager).
    let own = f.clinic.set_staff_active(DESK_LOGIN, false).await.unwrap_err();
    assert!(
        matches!(&own, AppError::Validation { field, code: clinic_domain::ValidationCode::NotAllowed, .. } if field == "login"),
        "{own:?}"
    );
    assert!(f.clinic.my_access().await.is_ok(), "still signed in");
    // Which logins may still sign in (the station forgets offline sign-ins of the rest).
    f.clinic.set_staff_active("olha.p", false).await.unwrap();
    let may = f.clinic.logins_that_may_sign_in(&["olha.p".into(), DESK_LOGIN.into(), "nobody.here".into()]).await;
    assert_eq!(may.unwrap(), [DESK_LOGIN]);
    f.clinic.set_staff_active("olha.p", true).await.unwrap();

    let reset = f.clinic.reset_staff_password("olha.p").await.unwrap();
    assert_ne!(reset.password, issued.password);
    assert_ne!(stored().await, verifier);
    let unknown = f.clinic.reset_staff_password("nobody.here").await.unwrap_err();
    assert_eq!(unknown.field(), Some("login"));
}
