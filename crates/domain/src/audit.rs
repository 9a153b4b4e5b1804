//! The audit trail as the app shows it: events the database recorded (who,
//! when, from which station, what changed), each saying whether its hash
//! still verifies, and the filter an auditor narrows them with.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{AppError, AppResult, ValidationCode};
use crate::ids::PatientId;

/// What an event records (the database's `audit.events.action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum AuditAction {
    Insert,
    Update,
    Delete,
    StatusChange,
    View,
    Download,
    Export,
    Print,
    SignIn,
}

impl AuditAction {
    pub const ALL: [AuditAction; 9] = [
        AuditAction::Insert,
        AuditAction::Update,
        AuditAction::Delete,
        AuditAction::StatusChange,
        AuditAction::View,
        AuditAction::Download,
        AuditAction::Export,
        AuditAction::Print,
        AuditAction::SignIn,
    ];

    /// As the database spells it.
    pub fn key(self) -> &'static str {
        match self {
            AuditAction::Insert => "insert",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::StatusChange => "status change",
            AuditAction::View => "view",
            AuditAction::Download => "download",
            AuditAction::Export => "export",
            AuditAction::Print => "print",
            AuditAction::SignIn => "sign-in",
        }
    }

    pub fn from_key(key: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.key() == key)
    }
}

/// One column's change: values as the database rendered them (JSON text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ColumnChange {
    pub column: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    #[specta(type = f64)]
    pub event_id: i64,
    pub at: DateTime<Utc>,
    pub login: String,
    pub station: String,
    pub action: AuditAction,
    pub table_name: String,
    pub row_id: Option<String>,
    pub patient_id: Option<PatientId>,
    pub changes: Vec<ColumnChange>,
    /// Its hash matches its content and its link the event before it.
    pub verified: bool,
}

/// Which events to list, newest first. Empty fields do not narrow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AuditFilter {
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    #[serde(default)]
    pub login: String,
    pub patient_id: Option<PatientId>,
    #[serde(default)]
    pub station: String,
    pub action: Option<AuditAction>,
}

impl AuditFilter {
    /// The most events one listing returns (narrow the filter for older ones).
    pub const MAX_EVENTS: i64 = 500;

    pub fn validate(&self) -> AppResult<AuditFilter> {
        if let (Some(since), Some(until)) = (self.since, self.until) {
            if until < since {
                return Err(AppError::validation("until", ValidationCode::OutOfRange, "must not be before the start"));
            }
        }
        Ok(AuditFilter {
            login: self.login.trim().to_string(),
            station: self.station.trim().to_string(),
            ..self.clone()
        })
    }
}

/// The events as CSV (RFC 4180: every field quoted, quotes doubled), with a
/// header row; a leading `=`, `+`, `-` or `@` is prefixed with `'` so a
/// spreadsheet never runs a value as a formula.
pub fn events_csv(events: &[AuditEvent]) -> String {
    let field = |value: &str| {
        let safe = if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_string() };
        format!("\"{}\"", safe.replace('"', "\"\""))
    };
    let mut csv = String::from(
        "\"event\",\"at\",\"login\",\"station\",\"action\",\"table\",\"row\",\"patient\",\"changes\",\"verified\"\r\n",
    );
    for e in events {
        let changes: Vec<String> = e
            .changes
            .iter()
            .map(|c| format!("{}: {} → {}", c.column, c.old.as_deref().unwrap_or("—"), c.new.as_deref().unwrap_or("—")))
            .collect();
        let row = [
            e.event_id.to_string(),
            e.at.to_rfc3339(),
            e.login.clone(),
            e.station.clone(),
            e.action.key().to_string(),
            e.table_name.clone(),
            e.row_id.clone().unwrap_or_default(),
            e.patient_id.map(|p| p.0.to_string()).unwrap_or_default(),
            changes.join("; "),
            if e.verified { "yes" } else { "NO" }.to_string(),
        ];
        csv.push_str(&row.iter().map(|v| field(v)).collect::<Vec<_>>().join(","));
        csv.push_str("\r\n");
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_through_the_databases_spelling() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_key(action.key()), Some(action));
        }
        assert_eq!(AuditAction::from_key("drop"), None);
    }

    #[test]
    fn csv_quotes_everything_and_defuses_formulas() {
        let event = AuditEvent {
            event_id: 7,
            at: "2027-01-04T08:00:00Z".parse().unwrap(),
            login: "anna.k".into(),
            station: "clinic-desk 01 desk-2".into(),
            action: AuditAction::Update,
            table_name: "patients".into(),
            row_id: Some("p1".into()),
            patient_id: None,
            changes: vec![ColumnChange {
                column: "notes".into(),
                old: Some("\"a\"".into()),
                new: Some("=HYPERLINK(1)".into()),
            }],
            verified: false,
        };
        let csv = events_csv(std::slice::from_ref(&event));
        let row = csv.lines().nth(1).unwrap();
        assert!(row.starts_with("\"7\",\"2027-01-04T08:00:00+00:00\",\"anna.k\""), "{row}");
        assert!(row.contains("notes: \"\"a\"\" → =HYPERLINK(1)"), "quotes doubled: {row}");
        assert!(row.ends_with("\"NO\""), "{row}");
        let formula = events_csv(&[AuditEvent { login: "=cmd".into(), ..event }]);
        assert!(formula.contains("\"'=cmd\""), "{formula}");
    }

    #[test]
    fn a_range_ends_after_it_starts() {
        let filter = AuditFilter {
            since: Some("2027-01-05T00:00:00Z".parse().unwrap()),
            until: Some("2027-01-04T00:00:00Z".parse().unwrap()),
            ..AuditFilter::default()
        };
        assert_eq!(filter.validate().unwrap_err().field(), Some("until"));
    }
}
