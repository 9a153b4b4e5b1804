//! A realistic day for the tests, the example and the bench: long names, a
//! long message, both languages' letters, bookings every 15 minutes.

use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use clinic_domain::bookings::BookingStatus;

use crate::day_sheet::{DaySheet, SheetRow, SheetSection};
use crate::slip::Slip;

/// Two sections (a doctor, a diagnostic) of `rows_per_section` bookings.
pub fn day_sheet(rows_per_section: usize) -> DaySheet {
    let zone: Tz = "Europe/Kyiv".parse().unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let at = |minutes: i64| {
        zone.from_local_datetime(&date.and_hms_opt(8, 0, 0).unwrap()).unwrap().to_utc()
            + chrono::Duration::minutes(minutes)
    };
    let section = |title: &str, detail: &str, first_name: &str| SheetSection {
        title: title.into(),
        detail: detail.into(),
        rows: (0..rows_per_section)
            .map(|i| SheetRow {
                starts_at: at(i as i64 * 15),
                ends_at: at(i as i64 * 15 + 15),
                patient: if i == 0 { first_name.into() } else { format!("Пацієнт {i}") },
                patient_number: 1000 + i as i32,
                phone: (i % 2 == 0).then(|| "+380 50 111 22 33".to_string()),
                status: if i == 1 { BookingStatus::Arrived } else { BookingStatus::Booked },
                message: if i == 0 {
                    "Прошу зателефонувати напередодні; принесу попередні знімки МРТ та направлення".into()
                } else {
                    String::new()
                },
                price: "650.00".into(),
            })
            .collect(),
    };
    DaySheet {
        location: "Центр".into(),
        address: "вул. Хрещатик, 1".into(),
        zone,
        date,
        printed_by: "rita.h".into(),
        printed_at: Utc.with_ymd_and_hms(2026, 12, 1, 5, 30, 0).unwrap(),
        offline: false,
        sections: vec![
            section("Др. Ірина Бондар", "Кардіологія", "Олександра Костянтинівна Шевченко-Кравчук"),
            section("МРТ", "2 одночасно", "Taras Melnyk"),
        ],
    }
}

/// An MRI booking's slip, with `preparation` notes.
pub fn slip(preparation: &str) -> Slip {
    Slip {
        patient: "Олена Коваленко".into(),
        patient_number: 17,
        subject: "МРТ".into(),
        detail: String::new(),
        location: "Центр".into(),
        address: "вул. Хрещатик, 1".into(),
        location_phone: "+380 44 000 00 00".into(),
        zone: "Europe/Kyiv".parse().unwrap(),
        starts_at: Utc.with_ymd_and_hms(2026, 12, 1, 7, 0, 0).unwrap(),
        ends_at: Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap(),
        price: "2400.00".into(),
        preparation: preparation.into(),
        booking_id: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into(),
        offline: false,
    }
}
