//! `clinic-admin` against a real server, as an IT administrator runs it:
//! set up an empty database, add staff, check what each login may do,
//! disable and enable, verify the audit trail; a second clinic on the same
//! server keeps its own roles.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use clinic_local_pg::testing::{empty_database, shared_cluster};
use sqlx::{ConnectOptions, Connection, PgConnection};

fn admin(url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clinic-admin"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("clinic-admin runs");
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn ok(url: &str, args: &[&str], stdin: Option<&str>) -> String {
    let output = admin(url, args, stdin);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "clinic-admin {args:?}: {text}{}", String::from_utf8_lossy(&output.stderr));
    text
}

async fn scalar_bool(conn: &mut PgConnection, sql: &str) -> bool {
    sqlx::query_scalar(sql).fetch_one(conn).await.unwrap()
}

#[tokio::test]
async fn an_administrator_sets_up_a_clinic_and_its_staff() {
    let db = empty_database().await;
    let url = shared_cluster().url(&db.name);

    let init = ok(&url, &["init", "--prefix", "northside"], None);
    for role in ["northside_owner", "northside_reception", "northside_manager", "northside_auditor"] {
        assert!(init.contains(&format!("created role {role}")), "{init}");
    }
    assert!(
        init.contains("hostssl") && init.contains("scram-sha-256") && init.contains("+northside_reception"),
        "{init}"
    );
    assert!(ok(&url, &["init"], None).contains("0 migration(s) applied"), "init again changes nothing");
    assert!(ok(&url, &["status"], None).lines().all(|l| l.contains("applied")));

    ok(
        &url,
        &["staff", "add", "anna.k", "--name", "Anna Koval", "--groups", "reception", "--password-stdin"],
        Some("correct horse battery\n"),
    );
    let added = ok(&url, &["staff", "add", "max.m", "--name", "Max Melnyk", "--groups", "manager"], None);
    assert!(added.contains("initial password (shown once): "), "{added}");
    let refused = admin(&url, &["staff", "add", "Bad Name", "--name", "X", "--groups", "reception"], None);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("lower-case"), "the login's rule is named");
    let list = ok(&url, &["staff", "list"], None);
    assert!(list.contains("anna.k") && list.contains("Anna Koval") && list.contains("reception"), "{list}");
    assert!(list.contains("max.m") && list.contains("manager"), "{list}");

    // Anna signs in with exactly reception's rights (the test cluster trusts
    // local connections; the TLS tests check passwords).
    let anna = db.connect_options().username("anna.k");
    let mut conn = anna.clone().connect().await.unwrap();
    assert!(scalar_bool(&mut conn, "SELECT has_any_column_privilege('patients', 'INSERT')").await);
    assert!(scalar_bool(&mut conn, "SELECT has_column_privilege('bookings', 'status', 'UPDATE')").await);
    assert!(!scalar_bool(&mut conn, "SELECT has_column_privilege('bookings', 'price', 'UPDATE')").await);
    assert!(!scalar_bool(&mut conn, "SELECT has_column_privilege('doctors', 'price', 'UPDATE')").await);
    assert!(!scalar_bool(&mut conn, "SELECT has_table_privilege('audit.events', 'SELECT')").await);
    assert!(!scalar_bool(&mut conn, "SELECT has_schema_privilege('public', 'CREATE')").await);
    assert!(!scalar_bool(&mut conn, "SELECT has_database_privilege(current_database(), 'CREATE, TEMPORARY')").await);
    let groups: Vec<String> =
        sqlx::query_scalar("SELECT unnest(staff.my_groups())").fetch_all(&mut conn).await.unwrap();
    assert_eq!(groups, ["reception"]);

    // No staff login can do more than its groups: no role attributes at all.
    let mut superuser = db.connect_options().connect().await.unwrap();
    let powerful: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_roles r JOIN staff.accounts a ON a.login = r.rolname
          WHERE r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolbypassrls OR r.rolreplication",
    )
    .fetch_one(&mut superuser)
    .await
    .unwrap();
    assert_eq!(powerful, 0);

    // Disabled: her open session ends, and she cannot sign in again.
    ok(&url, &["staff", "disable", "anna.k"], None);
    assert!(sqlx::query("SELECT 1").execute(&mut conn).await.is_err(), "the open session was ended");
    let again = anna.clone().connect().await.expect_err("a disabled login cannot connect");
    assert!(again.to_string().contains("not permitted to log in"), "{again}");
    ok(&url, &["staff", "enable", "anna.k"], None);
    anna.clone().connect().await.unwrap().close().await.unwrap();

    // Granted manager, she may change prices; limited, she books only there.
    ok(&url, &["staff", "grant", "anna.k", "manager"], None);
    let mut conn = anna.clone().connect().await.unwrap();
    assert!(scalar_bool(&mut conn, "SELECT has_column_privilege('doctors', 'price', 'UPDATE')").await);
    ok(&url, &["staff", "revoke", "anna.k", "manager"], None);
    let location: i32 = sqlx::query_scalar(
        "INSERT INTO locations (name, address, time_zone) VALUES ('Centre', 'Main st 1', 'Europe/Kyiv') RETURNING location_id",
    )
    .fetch_one(&mut superuser)
    .await
    .unwrap();
    ok(&url, &["staff", "limit-locations", "anna.k", &location.to_string()], None);
    assert!(ok(&url, &["staff", "list"], None).contains(&format!("locations {location}")));

    // The staff changes are in the audit trail, which verifies.
    let changes: i64 = sqlx::query_scalar("SELECT count(*) FROM audit.events WHERE table_name LIKE 'accounts'")
        .fetch_one(&mut superuser)
        .await
        .unwrap();
    assert!(changes >= 3, "{changes} account events");
    assert!(ok(&url, &["audit", "verify"], None).contains("verifies"));

    // A second clinic on the same server: its own roles, no collision.
    let other = empty_database().await;
    let other_url = shared_cluster().url(&other.name);
    ok(&other_url, &["init", "--prefix", "southside"], None);
    let mut conn = anna.clone().database(&other.name).connect().await.err();
    assert!(conn.take().is_some(), "northside's staff cannot connect to southside's clinic");
}
