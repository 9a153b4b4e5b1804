//! Validated values: parse at the edge, then trust the type. Each parser names
//! the input field it was given, so its error lands next to that field.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use specta::Type;

use crate::error::{AppError, AppResult, ValidationCode};

/// Trimmed, non-empty text of at most `max` characters on one line (names).
pub fn required_text(field: &str, value: &str, max: usize) -> AppResult<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(AppError::validation(field, ValidationCode::Required, "is required"));
    }
    if trimmed.chars().any(|c| c.is_control()) {
        return Err(AppError::validation(field, ValidationCode::InvalidFormat, "must be one line of visible text"));
    }
    optional_text(field, trimmed, max)
}

/// Trimmed text (possibly empty, line breaks allowed) of at most `max` characters.
pub fn optional_text(field: &str, value: &str, max: usize) -> AppResult<String> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max {
        return Err(AppError::validation_within(
            field,
            ValidationCode::TooLong,
            Bounds::new(0, i32::try_from(max).unwrap_or(i32::MAX)),
            format!("must be at most {max} characters"),
        ));
    }
    if trimmed.chars().any(|c| is_invisible(c) || (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))) {
        return Err(AppError::validation(
            field,
            ValidationCode::InvalidFormat,
            "contains control or invisible characters",
        ));
    }
    Ok(trimmed.to_string())
}

/// Zero-width and direction-override characters: they hide or reorder what
/// staff read (the database refuses the same set).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// An amount of money: exact decimal, two places at most, never negative.
/// Travels as a string ("120.50") so no float ever touches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Type)]
#[specta(transparent)]
pub struct Money(#[specta(type = String)] Decimal);

impl Money {
    /// The largest amount `numeric(10, 2)` holds.
    const MAX: Decimal = Decimal::from_parts(999_999_999, 0, 0, false, 2);

    pub fn parse(field: &str, value: &str) -> AppResult<Money> {
        let amount = Decimal::from_str(value.trim())
            .map_err(|_| AppError::validation(field, ValidationCode::InvalidFormat, "must be an amount like 120.50"))?;
        Money::from_decimal(field, amount)
    }

    pub fn from_decimal(field: &str, amount: Decimal) -> AppResult<Money> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(AppError::validation(field, ValidationCode::OutOfRange, "must not be negative"));
        }
        if amount.normalize().scale() > 2 {
            return Err(AppError::validation(
                field,
                ValidationCode::InvalidFormat,
                "must have at most two decimal places",
            ));
        }
        if amount > Money::MAX {
            return Err(AppError::validation(field, ValidationCode::OutOfRange, "is too large"));
        }
        Ok(Money(amount.round_dp(2)))
    }

    /// An amount read back from the database, whose CHECK constraints and
    /// numeric(10, 2) type already guarantee the rules above.
    pub fn from_stored(amount: Decimal) -> Money {
        Money(amount)
    }

    pub fn amount(&self) -> Decimal {
        self.0
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Money::parse("amount", &text).map_err(serde::de::Error::custom)
    }
}

/// A phone number normalised to `+` and digits (spaces, dashes, dots and
/// brackets dropped), 5 to 15 digits as E.164 allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(field: &str, value: &str) -> AppResult<PhoneNumber> {
        let trimmed = value.trim();
        let (plus, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => ("+", rest),
            None => ("", trimmed),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => {
                    return Err(AppError::validation(
                        field,
                        ValidationCode::InvalidFormat,
                        "may contain only digits, spaces, dashes, brackets and a leading +",
                    ))
                }
            }
        }
        if !(5..=15).contains(&digits.len()) {
            return Err(AppError::validation(field, ValidationCode::InvalidFormat, "must have 5 to 15 digits"));
        }
        Ok(PhoneNumber(format!("{plus}{digits}")))
    }

    /// Digits only, for searching regardless of how the number was typed.
    pub fn digits(value: &str) -> String {
        value.chars().filter(char::is_ascii_digit).collect()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &str, value: &str) -> AppResult<Email> {
        let trimmed = value.trim();
        let valid = trimmed.len() <= 254
            && !trimmed.chars().any(char::is_whitespace)
            && match trimmed.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.split('.').count() >= 2
                        && domain.split('.').all(|part| !part.is_empty())
                }
                None => false,
            };
        if !valid {
            return Err(AppError::validation(
                field,
                ValidationCode::InvalidFormat,
                "must be an email address like name@example.com",
            ));
        }
        Ok(Email(trimmed.to_string()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A patient's rating of a visit: 1 to 5 stars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stars(i16);

impl Stars {
    pub fn parse(field: &str, value: i32) -> AppResult<Stars> {
        if !(1..=5).contains(&value) {
            return Err(AppError::validation(field, ValidationCode::OutOfRange, "must be from 1 to 5"));
        }
        Ok(Stars(value as i16))
    }

    pub fn get(self) -> i16 {
        self.0
    }
}

/// The whole numbers a field accepts, both ends included. Exported to the UI
/// (tauri-specta constants) so its inputs offer the limits checked here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct Bounds {
    pub min: i32,
    pub max: i32,
}

impl Bounds {
    pub const fn new(min: i32, max: i32) -> Bounds {
        Bounds { min, max }
    }

    pub fn contains(self, value: i32) -> bool {
        (self.min..=self.max).contains(&value)
    }

    /// `value`, or an out-of-range error naming `field` and the limits in `unit`.
    pub fn check(self, field: &str, value: i32, unit: &str) -> AppResult<i32> {
        if self.contains(value) {
            Ok(value)
        } else {
            Err(AppError::validation_within(
                field,
                ValidationCode::OutOfRange,
                self,
                format!("must be from {} to {} {unit}", self.min, self.max),
            ))
        }
    }
}

/// Length of one bookable slot, 5 minutes to 8 hours.
pub const SLOT_MINUTES: Bounds = Bounds::new(5, 480);

/// Length of one bookable slot ([`SLOT_MINUTES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotLength(u16);

impl SlotLength {
    pub fn parse(field: &str, minutes: i32) -> AppResult<SlotLength> {
        Ok(SlotLength(SLOT_MINUTES.check(field, minutes, "minutes")? as u16))
    }

    pub fn minutes(self) -> u16 {
        self.0
    }
}

/// An IANA time zone name known to the tz database (e.g. "Europe/Kyiv").
pub fn parse_time_zone(field: &str, value: &str) -> AppResult<chrono_tz::Tz> {
    value.trim().parse::<chrono_tz::Tz>().map_err(|_| {
        AppError::validation(field, ValidationCode::InvalidFormat, "must be an IANA time zone such as Europe/Kyiv")
    })
}

/// A wall-clock time of day with minute precision, as minutes since local
/// midnight; 24:00 is allowed as the end of an interval. Travels as "HH:MM".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Type)]
#[specta(transparent)]
pub struct WallTime(#[specta(type = String)] u16);

impl WallTime {
    pub const MIDNIGHT: WallTime = WallTime(0);
    pub const END_OF_DAY: WallTime = WallTime(1440);

    pub fn from_minutes(minutes: i32) -> Option<WallTime> {
        (0..=1440).contains(&minutes).then_some(WallTime(minutes as u16))
    }

    pub fn hm(hour: u16, minute: u16) -> WallTime {
        assert!(hour * 60 + minute <= 1440 && minute < 60, "wall time out of range");
        WallTime(hour * 60 + minute)
    }

    pub fn parse(field: &str, value: &str) -> AppResult<WallTime> {
        let bad = || AppError::validation(field, ValidationCode::InvalidFormat, "must be a time like 09:30");
        let (h, m) = value.trim().split_once(':').ok_or_else(bad)?;
        let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        // Hours checked before multiplying: "1093:00" must not wrap round to 00:44.
        if h > 24 || m > 59 || h * 60 + m > 1440 {
            return Err(bad());
        }
        Ok(WallTime(h * 60 + m))
    }

    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for WallTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for WallTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WallTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        WallTime::parse("time", &text).map_err(serde::de::Error::custom)
    }
}

/// ISO weekday: 1 = Monday .. 7 = Sunday (MedSync mixed 0 = Monday and 0 = Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Type)]
#[serde(try_from = "u8", into = "u8")]
#[specta(transparent)]
pub struct IsoWeekday(#[specta(type = u8)] u8);

impl IsoWeekday {
    pub fn new(day: u8) -> Option<IsoWeekday> {
        (1..=7).contains(&day).then_some(IsoWeekday(day))
    }

    pub fn of(date: chrono::NaiveDate) -> IsoWeekday {
        use chrono::Datelike;
        IsoWeekday(date.weekday().number_from_monday() as u8)
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for IsoWeekday {
    type Error = String;
    fn try_from(day: u8) -> Result<Self, String> {
        IsoWeekday::new(day).ok_or_else(|| format!("weekday {day} is not 1 (Monday) to 7 (Sunday)"))
    }
}

impl From<IsoWeekday> for u8 {
    fn from(day: IsoWeekday) -> u8 {
        day.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_exact_and_never_negative() {
        assert_eq!(Money::parse("price", "120.5").unwrap().to_string(), "120.50");
        assert_eq!(Money::parse("price", " 0 ").unwrap().to_string(), "0.00");
        assert_eq!(Money::parse("price", "-1").unwrap_err().field(), Some("price"));
        assert!(matches!(
            Money::parse("price", "1.005"),
            Err(AppError::Validation { code: ValidationCode::InvalidFormat, .. })
        ));
        assert!(Money::parse("price", "abc").is_err());
        assert!(Money::parse("price", "10000000000").is_err());
        assert_eq!(serde_json::to_string(&Money::parse("p", "7.1").unwrap()).unwrap(), "\"7.10\"");
    }

    #[test]
    fn phone_numbers_are_normalised() {
        assert_eq!(PhoneNumber::parse("phone", "+380 (67) 123-45-67").unwrap().as_str(), "+380671234567");
        assert_eq!(PhoneNumber::parse("phone", "067.123.45.67").unwrap().as_str(), "0671234567");
        assert!(PhoneNumber::parse("phone", "12ab").is_err());
        assert!(PhoneNumber::parse("phone", "123").is_err());
        assert!(PhoneNumber::parse("phone", "1234567890123456").is_err());
    }

    #[test]
    fn emails_need_a_domain() {
        assert!(Email::parse("email", "a@b.ua").is_ok());
        for bad in ["", "a", "a@b", "a@@b.ua", "a b@c.ua", "@b.ua", "a@.ua"] {
            assert!(Email::parse("email", bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(required_text("name", "  Ann  ", 10).unwrap(), "Ann");
        for hidden in ["An\u{200b}n", "Ann\u{202e}", "A\u{0007}nn", "A\nnn"] {
            assert!(
                matches!(
                    required_text("name", hidden, 10),
                    Err(AppError::Validation { code: ValidationCode::InvalidFormat, .. })
                ),
                "{hidden:?}"
            );
        }
        assert_eq!(optional_text("notes", "line one\nline two", 40).unwrap(), "line one\nline two");
        assert!(optional_text("notes", "zero\u{200b}width", 40).is_err());
        assert!(matches!(
            required_text("name", "   ", 10),
            Err(AppError::Validation { code: ValidationCode::Required, .. })
        ));
        assert!(matches!(
            required_text("name", "Анна-Марія", 9),
            Err(AppError::Validation { code: ValidationCode::TooLong, .. })
        ));
    }

    #[test]
    fn wall_times_round_trip() {
        let t = WallTime::parse("start", "09:05").unwrap();
        assert_eq!(t.minutes(), 545);
        assert_eq!(t.to_string(), "09:05");
        assert_eq!(WallTime::parse("end", "24:00").unwrap(), WallTime::END_OF_DAY);
        for bad in ["24:01", "9", "09:60", "x:00", "-1:00", "1093:00", "65535:59", "25:00"] {
            let refused = WallTime::parse("start", bad).unwrap_err();
            assert_eq!(refused.field(), Some("start"), "{bad}");
        }
    }

    #[test]
    fn stars_and_slots_are_bounded() {
        assert!(Stars::parse("rating", 5).is_ok());
        assert_eq!(Stars::parse("rating", 6).unwrap_err().field(), Some("rating"));
        assert!(Stars::parse("rating", 0).is_err());
        assert!(SlotLength::parse("slotMinutes", 4).is_err());
        assert!(parse_time_zone("timeZone", "Europe/Kyiv").is_ok());
        assert!(parse_time_zone("timeZone", "Mars/Olympus").is_err());
    }
}
