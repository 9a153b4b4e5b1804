//! PostgreSQL shipped inside an installer: the release workflow copies the
//! platform's server binaries into the bundle's `postgresql/` resources, and
//! the demo clinic's cluster starts from there before looking at the system.
//! Here the Linux binaries are copied into such a folder (Debian's layout,
//! which keeps `share/` and `lib/` where the server looks for them relative
//! to itself) and a cluster starts from it with `PATH` emptied. Linux only:
//! the copy follows Debian's layout (this project's machines); the Windows
//! and macOS bundles are EnterpriseDB's zips, staged by the release workflow.
#![cfg(target_os = "linux")]

use std::path::Path;

use clinic_local_pg::{bundled_bin_dir, find_bin_dir, ClusterOptions, LocalCluster};
use sqlx::{ConnectOptions, Connection};

fn copy_folder(from: &Path, to: &Path) -> u64 {
    std::fs::create_dir_all(to).unwrap();
    let mut bytes = 0;
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            bytes += copy_folder(&entry.path(), &target);
        } else {
            // Links are followed: the bundle holds the files themselves.
            bytes += std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    bytes
}

#[test]
fn a_cluster_starts_from_the_bundled_binaries_with_path_hidden() {
    // Where this machine's server is (to copy from), before PATH goes.
    let system_bin = find_bin_dir(None).expect("PostgreSQL server binaries on this machine");
    let version = system_bin.parent().unwrap();
    let major = version.file_name().unwrap().to_owned();
    let system_share = Path::new("/usr/share/postgresql").join(&major);
    assert!(system_share.is_dir(), "Debian's share folder for {major:?}");

    let scratch = clinic_local_pg::testing::scratch("bundled");
    let resources = scratch.path().join("resources");
    let bundle = resources.join("postgresql");
    let server = bundle.join("lib").join("postgresql").join(&major);
    let bytes = copy_folder(&system_bin, &server.join("bin"))
        + copy_folder(&version.join("lib"), &server.join("lib"))
        + copy_folder(&system_share, &bundle.join("share").join("postgresql").join(&major));
    println!("bundled PostgreSQL {major:?}: {:.1} MB uncompressed", bytes as f64 / 1_048_576.0);
    assert_eq!(bundled_bin_dir(&bundle), Some(server.join("bin")));
    assert_eq!(bundled_bin_dir(&resources), None, "only the postgresql/ folder is looked in");

    // Nothing else to find: no PATH, no override (this test binary runs
    // only this test, so no other test's processes see it).
    std::env::set_var("PATH", "");
    std::env::remove_var(clinic_local_pg::BIN_DIR_ENV);
    let options = ClusterOptions {
        root: scratch.path().join("cluster"),
        superuser: "clinic".into(),
        settings: vec![("fsync".into(), "off".into())],
        bundled_binaries: Some(bundle.clone()),
        ..ClusterOptions::default()
    };
    let cluster = LocalCluster::start(&options).expect("the cluster starts from the bundle");
    assert!(cluster.bin_dir().starts_with(&bundle), "{} is not in the bundle", cluster.bin_dir().display());

    // The bundled server answers, with its own library folder (PL/pgSQL).
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let mut conn = cluster.connect_options("postgres").connect().await.unwrap();
        let version: String = sqlx::query_scalar("SHOW server_version").fetch_one(&mut conn).await.unwrap();
        assert!(version.starts_with(&*major.to_string_lossy()), "{version}");
        sqlx::raw_sql("DO $$ BEGIN RAISE NOTICE 'plpgsql from the bundle'; END $$").execute(&mut conn).await.unwrap();
        conn.close().await.unwrap();
    });
    cluster.stop();
}
