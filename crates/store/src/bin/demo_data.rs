//! Fills an empty database with the deterministic demo clinic.
//!
//! usage: clinic-demo-data --database-url URL [--scale N] [--seed S]
//! The database is set up first as `clinic-admin init` does (roles named
//! after the database, migrations); the URL's login must be a superuser.
//! Prints what it made and how long it took.

use std::time::Instant;

use chrono::Utc;
use clinic_admin::provision::{set_up, RolePrefix};
use clinic_store::demo::{generate, DemoOptions};
use sqlx::postgres::PgPoolOptions;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mut url = std::env::var("DATABASE_URL").ok();
    let mut options = DemoOptions::new(Utc::now());
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| fail(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--database-url" => url = Some(value),
            "--scale" => options.scale = value.parse().unwrap_or_else(|_| fail("--scale takes a whole number")),
            "--seed" => options.seed = value.parse().unwrap_or_else(|_| fail("--seed takes a whole number")),
            other => fail(&format!("unknown flag {other}")),
        }
    }
    let url = url.unwrap_or_else(|| fail("give --database-url (or DATABASE_URL)"));
    let pool = PgPoolOptions::new().max_connections(2).connect(&url).await.unwrap_or_else(|e| fail(&e.to_string()));
    let mut conn = pool.acquire().await.unwrap_or_else(|e| fail(&e.to_string()));
    let database: String = sqlx::query_scalar("SELECT current_database()::text")
        .fetch_one(&mut *conn)
        .await
        .unwrap_or_else(|e| fail(&e.to_string()));
    set_up(&mut conn, &RolePrefix::for_database(&database)).await.unwrap_or_else(|e| fail(&e.to_string()));
    drop(conn);
    let started = Instant::now();
    let summary = generate(&pool, &options).await.unwrap_or_else(|e| fail(&e.to_string()));
    println!("{summary:#?}");
    println!("generated in {:.1} s", started.elapsed().as_secs_f64());
}

fn fail(message: &str) -> ! {
    eprintln!("clinic-demo-data: {message}\nusage: clinic-demo-data --database-url URL [--scale N] [--seed S]");
    std::process::exit(2)
}
