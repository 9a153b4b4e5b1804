//! Working hours: weekly wall-clock templates and date exceptions.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::error::{AppError, AppResult, ValidationCode};
use crate::values::{IsoWeekday, WallTime};

/// One open interval of a weekday, in the location's wall-clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct WeeklyInterval {
    pub weekday: IsoWeekday,
    pub start: WallTime,
    pub end: WallTime,
}

impl WeeklyInterval {
    /// Checks a whole week: every interval non-empty, none overlapping another
    /// on the same weekday. `field` names the input list.
    pub fn validate_week(field: &str, week: &[WeeklyInterval]) -> AppResult<Vec<WeeklyInterval>> {
        let mut sorted = week.to_vec();
        sorted.sort();
        for (i, interval) in sorted.iter().enumerate() {
            if interval.start >= interval.end {
                return Err(AppError::validation(
                    field,
                    ValidationCode::OutOfRange,
                    format!("{} to {} ends before it starts", interval.start, interval.end),
                ));
            }
            if let Some(next) = sorted.get(i + 1) {
                if next.weekday == interval.weekday && next.start < interval.end {
                    return Err(AppError::validation(
                        field,
                        ValidationCode::OutOfRange,
                        format!(
                            "{}–{} overlaps {}–{} on weekday {}",
                            interval.start,
                            interval.end,
                            next.start,
                            next.end,
                            interval.weekday.get()
                        ),
                    ));
                }
            }
        }
        Ok(sorted)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type))]
#[cfg_attr(feature = "sqlx", sqlx(type_name = "schedule_exception_kind", rename_all = "snake_case"))]
#[serde(rename_all = "camelCase")]
pub enum ExceptionKind {
    /// The location is closed.
    Closure,
    /// The doctor is away (at every location).
    Leave,
    /// Additional open time at a location, for the location or one doctor there.
    ExtraHours,
}

/// A date exception as the availability engine sees it. `span: None` means the
/// whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateException {
    pub date: NaiveDate,
    pub kind: ExceptionKind,
    pub span: Option<(WallTime, WallTime)>,
}
