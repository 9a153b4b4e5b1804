//! Patients (MedSync's `users`, which were Telegram accounts).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{AppError, AppResult, ValidationCode};
use crate::ids::PatientId;
use crate::values::{optional_text, required_text, Email, PhoneNumber};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    pub id: PatientId,
    pub patient_number: i32,
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub notes: String,
    pub row_version: i32,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PatientInput {
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    #[serde(default)]
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidPatient {
    pub full_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub notes: String,
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl PatientInput {
    pub fn validate(&self, today: NaiveDate) -> AppResult<ValidPatient> {
        let date_of_birth = match self.date_of_birth {
            Some(dob) if dob > today => {
                return Err(AppError::validation("dateOfBirth", ValidationCode::OutOfRange, "cannot be in the future"))
            }
            Some(dob) if dob < NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date") => {
                return Err(AppError::validation("dateOfBirth", ValidationCode::OutOfRange, "must be after 1900"))
            }
            other => other,
        };
        Ok(ValidPatient {
            full_name: required_text("fullName", &self.full_name, 128)?,
            phone: present(&self.phone)
                .map(|p| PhoneNumber::parse("phone", p))
                .transpose()?
                .map(PhoneNumber::into_inner),
            email: present(&self.email).map(|e| Email::parse("email", e)).transpose()?.map(Email::into_inner),
            date_of_birth,
            notes: optional_text("notes", &self.notes, 4000)?,
        })
    }
}

/// One box searches name, phone, patient number and date of birth: digits
/// search the patient number and phones, a date (YYYY-MM-DD or DD.MM.YYYY)
/// birth dates, anything else names.
/// Shorter searches would match half the clinic; the UI waits for this many.
pub const MIN_SEARCH_CHARS: usize = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatientQuery {
    Name(String),
    /// A patient number or part of a phone.
    PhoneDigits(String),
    BirthDate(NaiveDate),
}

impl PatientQuery {
    pub fn parse(text: &str) -> AppResult<PatientQuery> {
        let text = text.trim();
        if text.chars().count() < MIN_SEARCH_CHARS {
            return Err(AppError::validation(
                "query",
                ValidationCode::Required,
                format!("type at least {MIN_SEARCH_CHARS} characters"),
            ));
        }
        if text.chars().count() > 128 {
            return Err(AppError::validation("query", ValidationCode::TooLong, "must be at most 128 characters"));
        }
        if let Some(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .or_else(|| NaiveDate::parse_from_str(text, "%d.%m.%Y").ok())
        {
            return Ok(PatientQuery::BirthDate(date));
        }
        let phone_like = text.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
        let digits = PhoneNumber::digits(text);
        if phone_like && digits.len() >= MIN_SEARCH_CHARS {
            return Ok(PatientQuery::PhoneDigits(digits));
        }
        Ok(PatientQuery::Name(text.to_string()))
    }
}

/// A likely duplicate of a patient about to be created, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PossibleDuplicate {
    pub patient: Patient,
    pub same_phone: bool,
    pub same_name_and_birth_date: bool,
    /// Trigram similarity of the names, 0..1.
    pub name_similarity: f32,
    /// The names are alike enough to say so (the server's trigram
    /// threshold; offline: the same name).
    pub similar_name: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_classified() {
        assert_eq!(PatientQuery::parse("+380 67").unwrap(), PatientQuery::PhoneDigits("38067".into()));
        assert_eq!(PatientQuery::parse("Шевч").unwrap(), PatientQuery::Name("Шевч".into()));
        assert_eq!(
            PatientQuery::parse("01.02.1990").unwrap(),
            PatientQuery::BirthDate(NaiveDate::from_ymd_opt(1990, 2, 1).unwrap())
        );
        assert_eq!(PatientQuery::parse("42").unwrap(), PatientQuery::PhoneDigits("42".into()));
        assert!(PatientQuery::parse("a").is_err());
    }

    #[test]
    fn patient_input_is_normalised() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let input = PatientInput {
            full_name: "  Olena Kovalenko ".into(),
            phone: Some("+380 (50) 111-22-33".into()),
            email: Some("  ".into()),
            date_of_birth: None,
            notes: String::new(),
        };
        let valid = input.validate(today).unwrap();
        assert_eq!(valid.full_name, "Olena Kovalenko");
        assert_eq!(valid.phone.as_deref(), Some("+380501112233"));
        assert_eq!(valid.email, None);
        let future = PatientInput { date_of_birth: Some(today.succ_opt().unwrap()), ..input };
        assert_eq!(future.validate(today).unwrap_err().field(), Some("dateOfBirth"));
    }
}
