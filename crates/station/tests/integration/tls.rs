//! Connecting to a clinic server over the network: a cluster with `ssl=on`
//! and a test CA made here, listening on 127.0.0.1 with SCRAM (and, for one
//! login each, clear-text and MD5 passwords, as a misconfigured pg_hba.conf
//! would ask). verify-full connects; a wrong host name, an unknown CA and a
//! server asking for the password in clear text are refused, each saying
//! which.

use std::path::PathBuf;

use clinic_admin::provision::{set_up, RolePrefix};
use clinic_domain::AppError;
use clinic_local_pg::{ClusterOptions, LocalCluster};
use clinic_station::connection::{self, ConnectionProblem};
use clinic_station::preflight::{auth_request, AuthRequest};
use clinic_station::session::SignInOutcome;
use clinic_station::session::SignInRefusal::{self, Disabled, WrongPassword};
use clinic_station::settings::{ServerSettings, TlsMode};
use clinic_station::Phase;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use sqlx::ConnectOptions;

use crate::support::{free_port, station_for, Scratch};

const PASSWORD: &str = "a long test password";

struct Ca {
    cert: rcgen::Certificate,
    key: KeyPair,
}

fn ca(name: &str) -> Ca {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    Ca { cert: params.self_signed(&key).unwrap(), key }
}

#[tokio::test]
async fn verified_tls_and_scram_only() {
    let clinic_ca = ca("Clinic test CA");
    let stranger_ca = ca("Somebody else's CA");
    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(vec!["localhost".into()])
        .unwrap()
        .signed_by(&server_key, &clinic_ca.cert, &clinic_ca.key)
        .unwrap();
    // Declared before the cluster, so dropped after it stopped.
    let scratch = Scratch::new("tls");
    let files = scratch.folder("ca");
    let (clinic_ca_file, stranger_ca_file) = (files.join("clinic-ca.crt"), files.join("stranger-ca.crt"));
    std::fs::write(&clinic_ca_file, clinic_ca.cert.pem()).unwrap();
    std::fs::write(&stranger_ca_file, stranger_ca.cert.pem()).unwrap();

    let port = free_port();
    let options = ClusterOptions {
        root: scratch.folder("cluster"),
        superuser: "clinic".into(),
        settings: vec![("ssl".into(), "on".into()), ("fsync".into(), "off".into())],
        tcp_port: Some(port),
        local_passwords: false,
        hba: vec![
            "hostssl all \"plain.text\" 127.0.0.1/32 password".into(),
            "hostssl all \"old.md5\" 127.0.0.1/32 md5".into(),
            "hostssl all all 127.0.0.1/32 scram-sha-256".into(),
        ],
        data_files: vec![
            ("server.crt".into(), server_cert.pem().into_bytes()),
            ("server.key".into(), server_key.serialize_pem().into_bytes()),
        ],
        bundled_binaries: None,
    };
    let cluster = tokio::task::spawn_blocking(move || LocalCluster::start(&options)).await.unwrap().unwrap();
    let mut admin = cluster.connect_options("postgres").connect().await.unwrap();
    sqlx::query("CREATE DATABASE clinic").execute(&mut admin).await.unwrap();
    let mut admin = cluster.connect_options("clinic").connect().await.unwrap();
    set_up(&mut admin, &RolePrefix::parse("clinic").unwrap()).await.unwrap();
    for login in ["tls.desk", "tls.nurse", "plain.text", "old.md5"] {
        clinic_admin::staff::add(&mut admin, login, login, &["reception".into()], PASSWORD).await.unwrap();
    }
    // An MD5 verifier, as an old server would have stored it.
    sqlx::raw_sql(&format!("SET password_encryption = 'md5'; ALTER ROLE \"old.md5\" PASSWORD '{PASSWORD}'"))
        .execute(&mut admin)
        .await
        .unwrap();

    let server = |host: &str, user: &str, tls: TlsMode, ca: &PathBuf| ServerSettings {
        host: host.into(),
        port,
        database: "clinic".into(),
        user: user.into(),
        tls,
        ca_file: Some(ca.display().to_string()),
    };
    let test = |settings: ServerSettings, password: &'static str| async move {
        connection::test(&settings.validate().unwrap(), Some(password)).await
    };

    let verified = test(server("localhost", "tls.desk", TlsMode::VerifyFull, &clinic_ca_file), PASSWORD).await;
    assert!(verified.ok, "{verified:?}");
    assert_eq!(verified.tls_warning, None);
    assert_eq!(
        auth_request(&server("localhost", "tls.desk", TlsMode::VerifyFull, &clinic_ca_file)).await,
        Some(AuthRequest::ScramSha256)
    );

    let wrong_name = test(server("127.0.0.1", "tls.desk", TlsMode::VerifyFull, &clinic_ca_file), PASSWORD).await;
    assert_eq!(wrong_name.problem, Some(ConnectionProblem::TlsFailure), "{wrong_name:?}");
    assert!(wrong_name.message.contains("not for 127.0.0.1"), "{}", wrong_name.message);
    // verify-ca: the station's own preflight checks the CA only, but the
    // driver (sqlx 0.8.6, launchbadge/sqlx#3793 with rustls >= 0.23.24) still
    // checks the name, so verify-ca is as strict as verify-full until the
    // driver is updated: never weaker than chosen.
    let by_address = server("127.0.0.1", "tls.desk", TlsMode::VerifyCa, &clinic_ca_file);
    assert_eq!(auth_request(&by_address).await, Some(AuthRequest::ScramSha256));
    assert_eq!(test(by_address, PASSWORD).await.problem, Some(ConnectionProblem::TlsFailure));
    let by_name = test(server("localhost", "tls.desk", TlsMode::VerifyCa, &clinic_ca_file), PASSWORD).await;
    assert!(by_name.ok, "{by_name:?}");

    let unknown_ca = test(server("localhost", "tls.desk", TlsMode::VerifyFull, &stranger_ca_file), PASSWORD).await;
    assert_eq!(unknown_ca.problem, Some(ConnectionProblem::TlsFailure), "{unknown_ca:?}");
    assert!(unknown_ca.message.contains("not signed by the clinic's CA"), "{}", unknown_ca.message);

    let wrong_password =
        test(server("localhost", "tls.desk", TlsMode::VerifyFull, &clinic_ca_file), "not the password").await;
    assert_eq!(wrong_password.problem, Some(ConnectionProblem::BadPassword), "{wrong_password:?}");

    for (login, how) in [("plain.text", "in clear text"), ("old.md5", "as MD5")] {
        let weak = test(server("localhost", login, TlsMode::VerifyFull, &clinic_ca_file), PASSWORD).await;
        assert_eq!(weak.problem, Some(ConnectionProblem::WeakAuthentication), "{weak:?}");
        assert!(weak.message.contains(how) && weak.message.contains("did not send it"), "{}", weak.message);
        // Signing in there is refused before the password leaves the station.
        let station = station_for(&server("localhost", login, TlsMode::VerifyFull, &clinic_ca_file));
        let refused = station.sign_in(login, PASSWORD, false).await.unwrap();
        assert!(
            matches!(&refused, SignInOutcome::Refused { reason: SignInRefusal::ConnectionFailed, message }
                if message.contains("did not send it")),
            "{refused:?}"
        );
    }
    // Even over plain TCP the preflight sees the request (and the desk warns).
    let require = server("localhost", "plain.text", TlsMode::Require, &clinic_ca_file);
    assert_eq!(auth_request(&require).await, Some(AuthRequest::Cleartext));
    assert!(require.tls_warning().is_none(), "localhost is this computer");

    // Staff sign in with their own passwords, checked by the server.
    let settings = server("localhost", "tls.desk", TlsMode::VerifyFull, &clinic_ca_file);
    let desk = station_for(&settings);
    let refused = |outcome: SignInOutcome| match outcome {
        SignInOutcome::Refused { reason, .. } => Some(reason),
        SignInOutcome::SignedIn { .. } => None,
    };
    assert_eq!(refused(desk.sign_in("tls.desk", "not the password", false).await.unwrap()), Some(WrongPassword));
    assert_eq!(refused(desk.sign_in("nobody.here", PASSWORD, false).await.unwrap()), Some(WrongPassword));
    let SignInOutcome::SignedIn { status } = desk.sign_in("tls.desk", PASSWORD, true).await.unwrap() else {
        panic!("tls.desk signs in")
    };
    assert_eq!(status.phase, Phase::Ready, "{status:?}");
    let session = status.session.unwrap();
    assert_eq!((session.login.as_str(), session.locked, session.signed_in_offline), ("tls.desk", false, false));
    assert_eq!(session.lock_after_seconds, 300, "the clinic's default: 5 minutes");
    assert_eq!(desk.actor().await.unwrap().name(), "tls.desk");
    // "Remember on this computer": the keyring, for this TLS mode or stricter.
    assert_eq!(desk.kept_password(&settings).unwrap().as_deref(), Some(PASSWORD));
    let weaker = ServerSettings { tls: TlsMode::Require, ..settings.clone() };
    assert_eq!(desk.kept_password(&weaker).unwrap(), None, "never offered to a weaker TLS mode");

    // Locked: nothing is shown or changed until the same password is typed.
    assert!(desk.lock().await.session.unwrap().locked);
    assert!(matches!(desk.list_locations(false).await, Err(AppError::Unauthorized { .. })));
    assert!(matches!(desk.reader().await, Err(AppError::Unauthorized { .. })));
    assert_eq!(refused(desk.unlock("not the password").await.unwrap()), Some(WrongPassword));
    assert!(desk.status().await.session.unwrap().locked);
    assert_eq!(refused(desk.unlock(PASSWORD).await.unwrap()), None);
    assert!(desk.list_locations(false).await.is_ok());

    // Switch user, then a new start: the remembered member is signed in again.
    assert_eq!(desk.sign_out().await.session, None);
    assert!(matches!(desk.list_locations(false).await, Err(AppError::Unauthorized { .. })));
    assert_eq!(desk.start().await.session.unwrap().login, "tls.desk");
    // Not remembered this time: the keyring forgets it.
    desk.sign_in("tls.desk", PASSWORD, false).await.unwrap();
    assert_eq!(desk.kept_password(&settings).unwrap(), None);

    // A member signs in online once: the station keeps an argon2id verifier.
    assert_eq!(refused(desk.sign_in("tls.nurse", PASSWORD, false).await.unwrap()), None);
    let local = desk.sync().await.unwrap();
    let kept = local.local_store().kept_sign_in("tls.nurse").await.unwrap().expect("kept for offline");
    assert!(kept.verifier.starts_with("$argon2id$") && !kept.verifier.contains(PASSWORD));
    assert_eq!(kept.valid_days, 14, "the clinic's default");
    // Disabled by the administrator: forgotten at the station's next contact.
    clinic_admin::staff::set_active(&mut admin, "tls.nurse", false).await.unwrap();
    assert_eq!(refused(desk.sign_in("tls.nurse", PASSWORD, false).await.unwrap()), Some(Disabled));
    assert!(local.local_store().kept_sign_in("tls.nurse").await.unwrap().is_none());
    clinic_admin::staff::set_active(&mut admin, "tls.nurse", true).await.unwrap();
    desk.sign_in("tls.nurse", PASSWORD, false).await.unwrap();
    clinic_admin::staff::set_active(&mut admin, "tls.nurse", false).await.unwrap();
    desk.sign_in("tls.desk", PASSWORD, false).await.unwrap();
    assert!(local.local_store().kept_sign_in("tls.nurse").await.unwrap().is_none(), "checked at contact");
    assert!(local.local_store().kept_sign_in("tls.desk").await.unwrap().is_some());

    // Disabled while the screen is locked: unlocking signs the member out.
    desk.lock().await;
    clinic_admin::staff::set_active(&mut admin, "tls.desk", false).await.unwrap();
    assert_eq!(refused(desk.unlock(PASSWORD).await.unwrap()), Some(Disabled));
    assert_eq!(desk.status().await.session, None);
    desk.shutdown().await;

    drop(admin);
    cluster.stop();
}
