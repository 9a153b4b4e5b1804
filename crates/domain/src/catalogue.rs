//! Locations, specialties, doctors and diagnostics: what the clinic offers.

use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{AppError, AppResult, ValidationCode};
use crate::ids::{DiagnosticId, DoctorId, LocationId, PhotoId, SpecialtyId};
use crate::values::{optional_text, parse_time_zone, required_text, Bounds, Money, SlotLength};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub id: LocationId,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub time_zone: String,
    pub grid_minutes: i32,
    pub is_active: bool,
    pub row_version: i32,
}

/// The steps a location's schedule may be cut into, in minutes.
pub const GRID_MINUTES: [i32; 6] = [5, 10, 15, 20, 30, 60];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LocationInput {
    pub name: String,
    pub address: String,
    #[serde(default)]
    pub phone: String,
    pub time_zone: String,
    pub grid_minutes: i32,
}

impl LocationInput {
    pub fn validate(&self) -> AppResult<LocationInput> {
        if !GRID_MINUTES.contains(&self.grid_minutes) {
            return Err(AppError::validation(
                "gridMinutes",
                ValidationCode::OutOfRange,
                "must be 5, 10, 15, 20, 30 or 60 minutes",
            ));
        }
        Ok(LocationInput {
            name: required_text("name", &self.name, 128)?,
            address: required_text("address", &self.address, 256)?,
            phone: optional_text("phone", &self.phone, 32)?,
            time_zone: parse_time_zone("timeZone", &self.time_zone)?.name().to_string(),
            grid_minutes: self.grid_minutes,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Specialty {
    pub id: SpecialtyId,
    pub name: String,
    pub is_active: bool,
    pub row_version: i32,
}

/// A location as other records mention it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LocationRef {
    pub id: LocationId,
    pub name: String,
}

/// A doctor as listed: MedSync's doctors query (average rating and review
/// count) with every location the doctor works at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DoctorSummary {
    pub id: DoctorId,
    pub full_name: String,
    pub specialty_id: SpecialtyId,
    pub specialty_name: String,
    pub price: Money,
    pub photo_id: Option<PhotoId>,
    pub locations: Vec<LocationRef>,
    /// Mean of the ratings, rounded to two places; `None` before the first one.
    pub average_rating: Option<f64>,
    pub review_count: i32,
    pub slot_minutes: i32,
    pub is_active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Doctor {
    #[serde(flatten)]
    pub summary: DoctorSummary,
    pub experience: String,
    pub certificates: String,
    pub services: Vec<String>,
    pub row_version: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DoctorFilter {
    pub specialty_id: Option<SpecialtyId>,
    pub location_id: Option<LocationId>,
    /// Name or specialty fragment.
    pub search: Option<String>,
    #[serde(default)]
    pub include_inactive: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DoctorInput {
    pub full_name: String,
    pub specialty_id: SpecialtyId,
    /// Exact decimal as text, e.g. "650.00".
    pub price: String,
    #[serde(default)]
    pub experience: String,
    #[serde(default)]
    pub certificates: String,
    #[serde(default)]
    pub services: Vec<String>,
    pub slot_minutes: i32,
    pub location_ids: Vec<LocationId>,
}

/// A doctor input that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidDoctor {
    pub full_name: String,
    pub specialty_id: SpecialtyId,
    pub price: Money,
    pub experience: String,
    pub certificates: String,
    pub services: Vec<String>,
    pub slot_length: SlotLength,
    pub location_ids: Vec<LocationId>,
}

impl DoctorInput {
    pub fn validate(&self) -> AppResult<ValidDoctor> {
        let mut services = Vec::with_capacity(self.services.len());
        for service in &self.services {
            let service = optional_text("services", service, 200)?;
            if !service.is_empty() && !services.contains(&service) {
                services.push(service);
            }
        }
        let mut location_ids = self.location_ids.clone();
        location_ids.sort();
        location_ids.dedup();
        if location_ids.is_empty() {
            return Err(AppError::validation("locationIds", ValidationCode::Required, "choose at least one location"));
        }
        Ok(ValidDoctor {
            full_name: required_text("fullName", &self.full_name, 128)?,
            specialty_id: self.specialty_id,
            price: Money::parse("price", &self.price)?,
            experience: optional_text("experience", &self.experience, 4000)?,
            certificates: optional_text("certificates", &self.certificates, 4000)?,
            services,
            slot_length: SlotLength::parse("slotMinutes", self.slot_minutes)?,
            location_ids,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    pub id: DiagnosticId,
    pub type_name: String,
    pub description: String,
    /// How a patient prepares; printed on the appointment slip.
    #[serde(default)]
    pub preparation: String,
    pub price: Money,
    pub photo_id: Option<PhotoId>,
    pub slot_minutes: i32,
    pub is_active: bool,
    /// How many locations offer it (MedSync's `clinics_count`).
    pub clinic_count: i32,
    pub row_version: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticInput {
    pub type_name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub preparation: String,
    pub price: String,
    pub slot_minutes: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidDiagnostic {
    pub type_name: String,
    pub description: String,
    pub preparation: String,
    pub price: Money,
    pub slot_length: SlotLength,
}

impl DiagnosticInput {
    pub fn validate(&self) -> AppResult<ValidDiagnostic> {
        Ok(ValidDiagnostic {
            type_name: required_text("typeName", &self.type_name, 128)?,
            description: optional_text("description", &self.description, 2000)?,
            preparation: optional_text("preparation", &self.preparation, 2000)?,
            price: Money::parse("price", &self.price)?,
            slot_length: SlotLength::parse("slotMinutes", self.slot_minutes)?,
        })
    }
}

/// Where a diagnostic is offered, and how many can run there at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticOffer {
    pub diagnostic_id: DiagnosticId,
    pub location_id: LocationId,
    pub location_name: String,
    pub address: String,
    pub capacity: i32,
    pub is_active: bool,
}

/// How many patients a diagnostic takes at once at one location.
pub const CAPACITY: Bounds = Bounds::new(1, 50);

pub fn validate_capacity(capacity: i32) -> AppResult<i16> {
    Ok(CAPACITY.check("capacity", capacity, "at once")? as i16)
}
