//! Staff: each member is a PostgreSQL login in one or more of the clinic's
//! groups. The database enforces what a group may do; these types carry
//! what the staff functions take and return.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{AppError, AppResult, ValidationCode};
use crate::ids::LocationId;
use crate::values::required_text;

/// What a group of staff may do (the database's grants say it exactly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum StaffGroup {
    /// Patients, bookings and their status, ratings, result uploads.
    Reception,
    /// Reception's work and the catalogue, prices, hours, staff accounts.
    Manager,
    /// Reads everything, the audit trail too; changes nothing.
    Auditor,
}

impl StaffGroup {
    pub const ALL: [StaffGroup; 3] = [StaffGroup::Reception, StaffGroup::Manager, StaffGroup::Auditor];

    /// The name the database's staff functions use.
    pub fn key(self) -> &'static str {
        match self {
            StaffGroup::Reception => "reception",
            StaffGroup::Manager => "manager",
            StaffGroup::Auditor => "auditor",
        }
    }

    pub fn parse(field: &str, value: &str) -> AppResult<StaffGroup> {
        StaffGroup::ALL.into_iter().find(|g| g.key() == value).ok_or_else(|| {
            AppError::validation(field, ValidationCode::Unknown, "is one of reception, manager, auditor")
        })
    }
}

/// A staff member's login: lower-case ASCII letters, digits, `.`, `_`, `-`,
/// starting with a letter, 2 to 63 characters. The same in every client and
/// keyboard layout, and nothing for the driver to SASLprep.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(transparent)]
pub struct StaffLogin(String);

impl StaffLogin {
    pub fn parse(field: &str, value: &str) -> AppResult<StaffLogin> {
        let value = value.trim();
        let well_formed = (2..=63).contains(&value.len())
            && value.starts_with(|c: char| c.is_ascii_lowercase())
            && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if !well_formed {
            return Err(AppError::validation(
                field,
                ValidationCode::InvalidFormat,
                "is 2 to 63 lower-case Latin letters, digits, '.', '_' or '-', starting with a letter",
            ));
        }
        Ok(StaffLogin(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for StaffLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The shortest password a staff account may have.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A new password: long enough, and not the login itself.
pub fn check_password(field: &str, login: &StaffLogin, password: &str) -> AppResult<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::validation(
            field,
            ValidationCode::OutOfRange,
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if password.eq_ignore_ascii_case(login.as_str()) {
        return Err(AppError::validation(field, ValidationCode::NotAllowed, "must not be the login"));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NewStaffMember {
    pub login: String,
    pub full_name: String,
    pub groups: Vec<StaffGroup>,
    /// Locations where this member may write bookings (empty: all).
    pub location_ids: Vec<LocationId>,
}

/// A checked [`NewStaffMember`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidStaffMember {
    pub login: StaffLogin,
    pub full_name: String,
    pub groups: Vec<StaffGroup>,
    pub location_ids: Vec<LocationId>,
}

impl NewStaffMember {
    pub fn validate(&self) -> AppResult<ValidStaffMember> {
        let login = StaffLogin::parse("login", &self.login)?;
        let full_name = required_text("fullName", &self.full_name, 128)?;
        if self.groups.is_empty() {
            return Err(AppError::validation("groups", ValidationCode::Required, "choose at least one group"));
        }
        let mut groups = self.groups.clone();
        groups.sort_by_key(|g| g.key());
        groups.dedup();
        let mut location_ids = self.location_ids.clone();
        location_ids.sort();
        location_ids.dedup();
        Ok(ValidStaffMember { login, full_name, groups, location_ids })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StaffMember {
    pub login: String,
    pub full_name: String,
    pub groups: Vec<StaffGroup>,
    pub location_ids: Vec<LocationId>,
    pub active: bool,
}

/// A member just added or given a new password: the password, shown once
/// to the manager (the server keeps only its SCRAM verifier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct IssuedPassword {
    pub member: StaffMember,
    pub password: String,
}

/// What the signed-in login may do, read from the database's grants at
/// sign-in (`staff.my_access()`). The station shows or hides screens and
/// actions by it; the database enforces it regardless.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Permissions {
    /// Book, change a booking's status, reschedule, rate, attach results.
    pub book: bool,
    pub edit_patients: bool,
    /// Locations, doctors, diagnostics, prices, hours, exceptions, policies.
    pub manage_clinic: bool,
    pub manage_staff: bool,
    pub read_audit: bool,
    /// Book a time the rules refuse, with a reason (managers).
    #[serde(default)]
    pub book_anyway: bool,
}

/// Who is signed in at a station, and what they may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct StaffAccess {
    pub login: String,
    pub full_name: String,
    pub groups: Vec<StaffGroup>,
    /// Where this member may write bookings (empty: every location).
    pub location_ids: Vec<LocationId>,
    pub may: Permissions,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_plain_lower_case_ascii() {
        assert!(StaffLogin::parse("login", "anna.k").is_ok());
        assert!(StaffLogin::parse("login", "desk-2_b").is_ok());
        for bad in ["", "a", "Anna", "анна", "1desk", "desk one", "desk\u{200b}", &"x".repeat(64)] {
            let error = StaffLogin::parse("login", bad).unwrap_err();
            assert!(matches!(error, AppError::Validation { ref field, .. } if field == "login"), "{bad:?}");
        }
    }

    #[test]
    fn passwords_are_long_and_not_the_login() {
        let login = StaffLogin::parse("login", "anna.k").unwrap();
        assert!(check_password("password", &login, "correct horse").is_ok());
        assert!(check_password("password", &login, "short").is_err());
        assert!(check_password("password", &StaffLogin::parse("login", "reception1").unwrap(), "Reception1").is_err());
    }

    #[test]
    fn a_member_needs_a_group_and_a_name() {
        let member = NewStaffMember {
            login: "anna.k".into(),
            full_name: "Anna Koval".into(),
            groups: vec![StaffGroup::Manager, StaffGroup::Reception, StaffGroup::Manager],
            location_ids: vec![],
        };
        assert_eq!(member.validate().unwrap().groups, [StaffGroup::Manager, StaffGroup::Reception]);
        let no_group = NewStaffMember { groups: vec![], ..member.clone() };
        assert!(matches!(no_group.validate(), Err(AppError::Validation { field, .. }) if field == "groups"));
        let no_name = NewStaffMember { full_name: " ".into(), ..member };
        assert!(matches!(no_name.validate(), Err(AppError::Validation { field, .. }) if field == "fullName"));
    }
}
