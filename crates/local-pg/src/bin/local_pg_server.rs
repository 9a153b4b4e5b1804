//! Runs a private PostgreSQL cluster in the foreground for development and CI
//! (e.g. for `cargo sqlx prepare`): starts it, makes sure the database exists,
//! writes the connection URL to `--url-file`, and keeps it up until killed.
//!
//! usage: local-pg-server --root DIR [--database NAME] [--url-file FILE]

use std::path::PathBuf;

use clinic_local_pg::{ClusterOptions, LocalCluster};
use sqlx::{ConnectOptions, Connection};

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut root, mut database, mut url_file) = (None, "clinic".to_string(), None);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--root" => root = Some(PathBuf::from(value)),
            "--database" => database = value,
            "--url-file" => url_file = Some(PathBuf::from(value)),
            other => usage(&format!("unknown flag {other}")),
        }
    }
    let root = root.unwrap_or_else(|| usage("--root is required"));
    let root = std::path::absolute(&root).unwrap_or(root);
    let options = ClusterOptions { root, superuser: "clinic".into(), ..ClusterOptions::default() };
    let cluster = LocalCluster::start(&options).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    runtime.block_on(async {
        let mut admin = cluster.connect_options("postgres").connect().await.expect("connect to postgres");
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&database)
            .fetch_one(&mut admin)
            .await
            .expect("look up database");
        if !exists {
            sqlx::query(&format!(r#"CREATE DATABASE "{database}""#))
                .execute(&mut admin)
                .await
                .expect("create database");
        }
        let _ = admin.close().await;
    });

    let url = cluster.url(&database);
    println!("{url}");
    if let Some(file) = url_file {
        std::fs::write(&file, &url).expect("write --url-file");
    }
    // Killing this process stops the cluster too (it is our child; on Linux
    // it gets the parent-death signal).
    loop {
        std::thread::park();
    }
}

fn usage(problem: &str) -> ! {
    eprintln!("{problem}\nusage: local-pg-server --root DIR [--database NAME] [--url-file FILE]");
    std::process::exit(2)
}
