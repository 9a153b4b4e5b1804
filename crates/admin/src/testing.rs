//! Test databases as a clinic server has them: the roles and schema set up
//! the way `clinic-admin` does, and one staff login for the tests' desk.
//! Every crate's tests make their databases with [`SETUP`].

use std::future::Future;
use std::pin::Pin;

use sqlx::PgConnection;

use crate::provision::{init, set_up, RolePrefix};

/// The tests' desk: a staff member in reception and manager.
pub const DESK_LOGIN: &str = "desk";

type Step<'c> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'c>>;

fn prefix() -> RolePrefix {
    RolePrefix::parse("clinic").expect("a valid prefix")
}

/// The template: roles, every migration, the desk's login.
pub fn template(conn: &mut PgConnection) -> Step<'_> {
    Box::pin(async move {
        set_up(conn, &prefix()).await.map_err(|e| e.to_string())?;
        crate::staff::ensure(conn, DESK_LOGIN, "Front Desk", &["reception", "manager"]).await.map_err(|e| e.to_string())
    })
}

/// Each clone: its owner and connect grants (a clone copies neither).
pub fn each(conn: &mut PgConnection) -> Step<'_> {
    Box::pin(async move { init(conn, &prefix()).await.map(drop).map_err(|e| e.to_string()) })
}

/// The setup the test harness (`clinic_local_pg::testing`) takes.
pub static SETUP: clinic_local_pg::testing::DatabaseSetup = clinic_local_pg::testing::DatabaseSetup { template, each };
