//! Writes the sample day sheet as PDF, to look at or to render:
//! `cargo run -p clinic-documents --example sample -- /tmp/day-sheet.pdf [en|uk] [rows]`
use clinic_documents::day_sheet::{day_sheet_pdf, SheetOptions};
use clinic_documents::{sample, Language, Orientation, Paper};

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("where to write the PDF")?;
    let language = Language::from_tag(&args.next().unwrap_or_else(|| "uk".into()));
    let rows: usize = args.next().map_or(Ok(24), |n| n.parse()).map_err(|e| format!("rows: {e}"))?;
    let options = SheetOptions { paper: Paper::A4, orientation: Orientation::Portrait, language };
    let pdf = day_sheet_pdf(&sample::day_sheet(rows), options)?;
    std::fs::write(&path, &pdf).map_err(|e| e.to_string())?;
    println!("{path}: {} bytes", pdf.len());
    Ok(())
}
