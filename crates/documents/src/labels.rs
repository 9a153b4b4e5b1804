//! The words on paper, in the language of the desk that prints. The UI's
//! words live in its locale files; these are the documents' own.

use chrono::{Datelike, NaiveDate};
use clinic_domain::bookings::BookingStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    Ukrainian,
}

impl Language {
    /// From a BCP 47 tag as the UI keeps it ("uk", "en-GB"); English otherwise.
    pub fn from_tag(tag: &str) -> Language {
        if tag.split(['-', '_']).next().is_some_and(|primary| primary.eq_ignore_ascii_case("uk")) {
            Language::Ukrainian
        } else {
            Language::English
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Ukrainian => "uk",
        }
    }
}

pub struct Labels {
    pub day_sheet: &'static str,
    pub time: &'static str,
    pub patient: &'static str,
    pub number: &'static str,
    pub phone: &'static str,
    pub status: &'static str,
    pub message: &'static str,
    pub price: &'static str,
    pub printed_by: &'static str,
    pub offline: &'static str,
    pub no_bookings: &'static str,
    pub page: &'static str,
    pub of: &'static str,
    pub continued: &'static str,
    pub slip: &'static str,
    pub with: &'static str,
    pub at: &'static str,
    pub when: &'static str,
    pub preparation: &'static str,
    pub booking_number: &'static str,
    pub bring: &'static str,
    pub visits: &'static str,
    pub working_hours: &'static str,
    pub times_in: &'static str,
}

const ENGLISH: Labels = Labels {
    day_sheet: "Day sheet",
    time: "Time",
    patient: "Patient",
    number: "No.",
    phone: "Phone",
    status: "Status",
    message: "Patient's message",
    price: "Price",
    printed_by: "Printed by",
    offline: "Printed offline: may be out of date",
    no_bookings: "No bookings",
    page: "Page",
    of: "of",
    continued: "continued",
    slip: "Appointment",
    with: "With",
    at: "Where",
    when: "When",
    preparation: "How to prepare",
    booking_number: "Booking",
    bring: "Please come 10 minutes early and bring an identity document.",
    visits: "Patient's visits",
    working_hours: "Working hours",
    times_in: "times in",
};

const UKRAINIAN: Labels = Labels {
    day_sheet: "Розклад на день",
    time: "Час",
    patient: "Пацієнт",
    number: "№",
    phone: "Телефон",
    status: "Стан",
    message: "Повідомлення пацієнта",
    price: "Ціна",
    printed_by: "Надруковано",
    offline: "Надруковано без зв'язку: може бути застарілим",
    no_bookings: "Записів немає",
    page: "Сторінка",
    of: "з",
    continued: "продовження",
    slip: "Запис на прийом",
    with: "До кого",
    at: "Де",
    when: "Коли",
    preparation: "Як підготуватися",
    booking_number: "Запис",
    bring: "Будь ласка, прийдіть за 10 хвилин і візьміть документ, що посвідчує особу.",
    visits: "Візити пацієнта",
    working_hours: "Графік роботи",
    times_in: "час за",
};

impl Language {
    pub fn labels(self) -> &'static Labels {
        match self {
            Language::English => &ENGLISH,
            Language::Ukrainian => &UKRAINIAN,
        }
    }

    pub fn status(self, status: BookingStatus) -> &'static str {
        use BookingStatus::*;
        match (self, status) {
            (Language::English, Booked) => "Booked",
            (Language::English, Confirmed) => "Confirmed",
            (Language::English, Arrived) => "Arrived",
            (Language::English, Completed) => "Completed",
            (Language::English, Cancelled) => "Cancelled",
            (Language::English, NoShow) => "No-show",
            (Language::Ukrainian, Booked) => "Записано",
            (Language::Ukrainian, Confirmed) => "Підтверджено",
            (Language::Ukrainian, Arrived) => "Прийшов",
            (Language::Ukrainian, Completed) => "Завершено",
            (Language::Ukrainian, Cancelled) => "Скасовано",
            (Language::Ukrainian, NoShow) => "Не прийшов",
        }
    }

    /// "Tuesday, 1 December 2026" / "вівторок, 1 грудня 2026".
    pub fn long_date(self, date: NaiveDate) -> String {
        const EN_DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
        const EN_MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        const UK_DAYS: [&str; 7] = ["понеділок", "вівторок", "середа", "четвер", "пʼятниця", "субота", "неділя"];
        // The genitive: "1 грудня".
        const UK_MONTHS: [&str; 12] = [
            "січня",
            "лютого",
            "березня",
            "квітня",
            "травня",
            "червня",
            "липня",
            "серпня",
            "вересня",
            "жовтня",
            "листопада",
            "грудня",
        ];
        let day = date.weekday().num_days_from_monday() as usize;
        let month = date.month0() as usize;
        match self {
            Language::English => format!("{}, {} {} {}", EN_DAYS[day], date.day(), EN_MONTHS[month], date.year()),
            Language::Ukrainian => format!("{}, {} {} {}", UK_DAYS[day], date.day(), UK_MONTHS[month], date.year()),
        }
    }

    /// Monday first, short.
    pub fn weekdays(self) -> [&'static str; 7] {
        match self {
            Language::English => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            Language::Ukrainian => ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Нд"],
        }
    }

    /// Money as the language writes it: "650.00 UAH" / "650,00 грн".
    pub fn money(self, amount: &str) -> String {
        match self {
            Language::English => format!("{amount} UAH"),
            Language::Ukrainian => format!("{} грн", amount.replace('.', ",")),
        }
    }
}
