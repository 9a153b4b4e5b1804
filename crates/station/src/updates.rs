//! Whether an application update may be installed on this station: the
//! schema gate applied before the fact. An update's manifest says which
//! database schema (migration version) it was built for; installing it must
//! not leave the station unable to work with the clinic's database.

use clinic_domain::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::{schema, Station};

/// What the gate says about one offered update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase", tag = "verdict")]
pub enum UpdateVerdict {
    /// The database is what the update expects.
    Allowed,
    /// Installing would leave the station unable to write; `reason` says why
    /// and what to do.
    Refused { reason: String },
}

/// The gate. `required`: the newest migration the update was built with (its
/// manifest's `schema`); `database`: the newest applied in the clinic's
/// database (`None`: no Clinic Desk tables yet). Desks never migrate: an
/// update that needs a newer schema waits for the administrator.
pub fn update_verdict(required: Option<i64>, database: Option<i64>) -> UpdateVerdict {
    let Some(required) = required else {
        return UpdateVerdict::Refused {
            reason: "the update does not say which database schema it needs; ask your administrator".into(),
        };
    };
    match database {
        Some(database) if database == required => UpdateVerdict::Allowed,
        Some(database) if database > required => UpdateVerdict::Refused {
            reason: format!(
                "the clinic's database (schema {database}) is newer than this update (schema {required}): \
                 it would only be able to read; wait for a newer update"
            ),
        },
        _ => UpdateVerdict::Refused {
            reason: format!(
                "this update needs database schema {required}; the clinic's administrator updates the database \
                 first (clinic-admin migrate), then this station can install it"
            ),
        },
    }
}

impl Station {
    /// The gate for an update built for migration `required`, against the
    /// database this station is connected to now.
    pub async fn update_verdict(&self, required: Option<i64>) -> AppResult<UpdateVerdict> {
        let Some(clinic) = self.connected().await else {
            return Err(AppError::Offline { message: "connect to the clinic database before updating".into() });
        };
        let database = schema::database_version(clinic.pool()).await?;
        Ok(update_verdict(required, database))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gate_follows_the_database() {
        assert_eq!(update_verdict(Some(6), Some(6)), UpdateVerdict::Allowed);
        let refused = |v: UpdateVerdict| matches!(v, UpdateVerdict::Refused { .. });
        assert!(refused(update_verdict(Some(7), Some(6))), "the administrator migrates first");
        assert!(refused(update_verdict(Some(7), None)), "not set up yet");
        assert!(refused(update_verdict(Some(5), Some(6))), "older than the database");
        assert!(refused(update_verdict(None, Some(6))), "a manifest without a schema");
    }
}
