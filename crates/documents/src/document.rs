//! A document laid out once: the same pages become the window's preview,
//! what the printer gets, and the PDF saved through the dialog.

use serde::Serialize;
use specta::Type;

use crate::labels::Language;
use crate::layout::{render, Page, PageSize};

#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub title: String,
    /// What the save dialog offers, e.g. `day-sheet-centre-2026-12-01.pdf`.
    pub file_name: String,
    /// The page's size in points (1/72 inch), as `@page` and the PDF use it.
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    /// The BCP 47 tag of the words on it.
    pub language: String,
    /// How many bookings (or rows) it shows, for the audit trail.
    pub rows: u32,
}

impl Document {
    pub fn new(title: String, file_stem: &str, size: PageSize, pages: Vec<Page>, language: Language) -> Document {
        Document {
            file_name: format!("{}.pdf", file_name_part(file_stem)),
            title,
            width: size.width,
            height: size.height,
            pages,
            language: language.tag().to_string(),
            rows: 0,
        }
    }

    pub fn with_rows(self, rows: usize) -> Document {
        Document { rows: u32::try_from(rows).unwrap_or(u32::MAX), ..self }
    }

    /// The pages as a PDF: fonts embedded (subset), text selectable.
    pub fn pdf(&self) -> Result<Vec<u8>, String> {
        let size = PageSize { width: self.width, height: self.height, margin: 0.0 };
        render(size, &self.pages, &self.title, &self.language)
    }
}

/// A name every file system takes: letters (any script) and digits kept,
/// lower case, anything else one dash.
pub fn file_name_part(text: &str) -> String {
    let mut name = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            name.push(c);
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let name: String = name.trim_end_matches('-').chars().take(80).collect();
    if name.is_empty() {
        "document".to_string()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_letters_of_any_script_and_nothing_a_file_system_refuses() {
        assert_eq!(file_name_part("Day sheet · Центр / 2026-12-01"), "day-sheet-центр-2026-12-01");
        assert_eq!(file_name_part("..\\..//:*?\"<>|"), "document");
        assert_eq!(file_name_part(&"Дуже довга назва ".repeat(20)).chars().count(), 80);
    }
}
