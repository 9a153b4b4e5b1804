//! Pages as lists of what is drawn where, laid out before anything is
//! written: the layout (rows, line breaks, page breaks) is plain data the
//! tests can read, and one renderer turns it into PDF.

use std::sync::{Arc, OnceLock};

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};
use krilla::Document;
use serde::Serialize;
use specta::Type;

pub use clinic_domain::documents::{Orientation, Paper};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// DejaVu Sans Condensed: free to embed, covers Latin and Cyrillic, narrow
/// enough for a day's table on one line per booking.
pub static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed.ttf");
pub static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed-Bold.ttf");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Weight {
    Regular,
    Bold,
}

impl Weight {
    fn data(self) -> &'static [u8] {
        match self {
            Weight::Regular => REGULAR,
            Weight::Bold => BOLD,
        }
    }
}

/// A page's size and the margin kept clear on every side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    pub width: f32,
    pub height: f32,
    pub margin: f32,
}

impl PageSize {
    pub fn new(paper: Paper, orientation: Orientation) -> PageSize {
        let (short, long) = match paper {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        };
        let (width, height) = match orientation {
            Orientation::Portrait => (short, long),
            Orientation::Landscape => (long, short),
        };
        PageSize { width, height, margin: 36.0 }
    }

    /// The width between the margins.
    pub fn body_width(&self) -> f32 {
        self.width - 2.0 * self.margin
    }
}

/// Something drawn on a page, in points; `y` is the text's baseline (or a
/// rule's top), from the page's top edge. The window's preview draws the
/// same items with the same font.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Item {
    Text {
        x: f32,
        y: f32,
        size: f32,
        weight: Weight,
        text: String,
    },
    /// A filled rectangle: rules under headings, shading behind header rows.
    Rule {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        gray: u8,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Type)]
pub struct Page {
    pub items: Vec<Item>,
}

impl Page {
    pub fn text(&mut self, x: f32, y: f32, size: f32, weight: Weight, text: impl Into<String>) {
        let text = text.into();
        if !text.is_empty() {
            self.items.push(Item::Text { x, y, size, weight, text });
        }
    }

    /// Text ending at `right` (numbers, prices).
    pub fn text_right(&mut self, right: f32, y: f32, size: f32, weight: Weight, text: impl Into<String>) {
        let text = text.into();
        let x = right - width_of(&text, size, weight);
        self.text(x, y, size, weight, text);
    }

    pub fn rule(&mut self, x: f32, y: f32, width: f32, height: f32, gray: u8) {
        self.items.push(Item::Rule { x, y, width, height, gray });
    }

    /// Every text on the page, in drawing order (for tests).
    pub fn texts(&self) -> Vec<&str> {
        self.items
            .iter()
            .filter_map(|item| match item {
                Item::Text { text, .. } => Some(text.as_str()),
                Item::Rule { .. } => None,
            })
            .collect()
    }
}

/// How wide `text` is at `size` points.
pub fn width_of(text: &str, size: f32, weight: Weight) -> f32 {
    let font = FontRef::new(weight.data()).expect("the embedded font parses");
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars().map(|c| charmap.map(c).and_then(|glyph| metrics.advance_width(glyph)).unwrap_or(size * 0.5)).sum()
}

/// `text` cut to fit `width`, with an ellipsis when anything was cut.
pub fn fit(text: &str, width: f32, size: f32, weight: Weight) -> String {
    if width_of(text, size, weight) <= width {
        return text.to_string();
    }
    let room = width - width_of("…", size, weight);
    let mut kept = String::new();
    for c in text.chars() {
        kept.push(c);
        if width_of(&kept, size, weight) > room {
            kept.pop();
            break;
        }
    }
    format!("{}…", kept.trim_end())
}

/// `text` broken into lines no wider than `width`, at spaces where it can,
/// at most `max_lines` (the last cut with an ellipsis when more was left).
pub fn wrap(text: &str, width: f32, size: f32, weight: Weight, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        if width_of(&candidate, size, weight) <= width {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if lines.len() == max_lines {
            break;
        }
        current = word.to_string();
        if lines.len() + 1 == max_lines && i + 1 < words.len() {
            // The last line takes the rest, cut.
            current = words[i..].join(" ");
            break;
        }
    }
    if !current.is_empty() && lines.len() < max_lines {
        lines.push(current);
    }
    let overflow = lines.len() == max_lines && words.join(" ").len() > lines.join(" ").len();
    if let Some(last) = lines.last_mut() {
        if overflow || width_of(last, size, weight) > width {
            *last = fit(&format!("{last}…"), width, size, weight);
        }
    }
    lines
}

/// "Page N of M" at the foot of every page, now that M is known.
pub fn number_pages(pages: &mut [Page], size: PageSize, page: &str, of: &str) {
    let count = pages.len();
    for (n, content) in pages.iter_mut().enumerate() {
        let footer = format!("{page} {} {of} {count}", n + 1);
        content.text_right(size.width - size.margin, size.height - size.margin + 4.0, 8.0, Weight::Regular, footer);
    }
}

fn font(weight: Weight) -> Font {
    static FONTS: OnceLock<(Font, Font)> = OnceLock::new();
    let (regular, bold) = FONTS.get_or_init(|| {
        let load = |data: &'static [u8]| Font::new(Arc::new(data.to_vec()).into(), 0).expect("the embedded font loads");
        (load(REGULAR), load(BOLD))
    });
    match weight {
        Weight::Regular => regular.clone(),
        Weight::Bold => bold.clone(),
    }
}

/// The pages as a PDF: fonts embedded (subset), text selectable.
pub fn render(size: PageSize, pages: &[Page], title: &str, language: &str) -> Result<Vec<u8>, String> {
    let mut document = Document::new();
    document.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_string())
            .language(language.to_string())
            .creator("Clinic Desk".to_string()),
    );
    for content in pages {
        let settings = PageSettings::from_wh(size.width, size.height).ok_or("a page size")?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for item in &content.items {
            match item {
                Item::Text { x, y, size, weight, text } => {
                    surface.set_fill(Some(Fill::default()));
                    surface.draw_text(Point::from_xy(*x, *y), font(*weight), *size, text, false, TextDirection::Auto);
                }
                Item::Rule { x, y, width, height, gray } => {
                    let mut path = PathBuilder::new();
                    path.push_rect(Rect::from_xywh(*x, *y, *width, *height).ok_or("a rule's size")?);
                    let Some(path) = path.finish() else { continue };
                    surface.set_fill(Some(Fill {
                        paint: rgb::Color::new(*gray, *gray, *gray).into(),
                        opacity: NormalizedF32::ONE,
                        rule: Default::default(),
                    }));
                    surface.draw_path(&path);
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| format!("{e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_cut_and_wrapped_to_its_column() {
        let narrow = width_of("iiii", 10.0, Weight::Regular);
        let wide = width_of("WWWW", 10.0, Weight::Regular);
        assert!(narrow > 0.0 && wide > 2.0 * narrow, "{narrow} {wide}");
        assert!(width_of("Шевченко", 10.0, Weight::Bold) > width_of("Шевченко", 10.0, Weight::Regular));

        let long = "Олександра Костянтинівна Шевченко-Кравчук";
        let cut = fit(long, 80.0, 9.0, Weight::Regular);
        assert!(cut.ends_with('…') && width_of(&cut, 9.0, Weight::Regular) <= 80.0, "{cut}");
        assert_eq!(fit("Olena", 80.0, 9.0, Weight::Regular), "Olena");

        let lines = wrap(
            "please bring the previous MRI and the referral from the family doctor",
            120.0,
            9.0,
            Weight::Regular,
            2,
        );
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.iter().all(|l| width_of(l, 9.0, Weight::Regular) <= 120.0), "{lines:?}");
        assert!(lines[1].ends_with('…'), "the rest is cut: {lines:?}");
        assert_eq!(wrap("short", 120.0, 9.0, Weight::Regular, 2), vec!["short"]);
        assert!(wrap("", 120.0, 9.0, Weight::Regular, 2).is_empty());
    }

    #[test]
    fn paper_sizes_turn_with_the_orientation() {
        let a4 = PageSize::new(Paper::A4, Orientation::Portrait);
        let letter = PageSize::new(Paper::Letter, Orientation::Landscape);
        assert!((a4.width - 595.28).abs() < 0.01 && (a4.height - 841.89).abs() < 0.01);
        assert_eq!((letter.width, letter.height), (792.0, 612.0));
        assert_eq!(letter.body_width(), 792.0 - 72.0);
    }
}
