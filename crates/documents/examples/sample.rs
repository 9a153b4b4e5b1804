//! Writes the sample day sheet and slip as PDF, to look at or to render:
//! `cargo run -p clinic-documents --example sample -- <folder> [en|uk] [rows]`
use clinic_documents::day_sheet::{day_sheet, SheetOptions};
use clinic_documents::slip::slip_document;
use clinic_documents::{sample, Language, Orientation, Paper};

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let folder = std::path::PathBuf::from(args.next().ok_or("the folder to write the PDFs in")?);
    let language = Language::from_tag(&args.next().unwrap_or_else(|| "uk".into()));
    let rows: usize = args.next().map_or(Ok(24), |n| n.parse()).map_err(|e| format!("rows: {e}"))?;
    let options = SheetOptions { paper: Paper::A4, orientation: Orientation::Portrait, language };
    let preparation = match language {
        Language::Ukrainian => "Не їсти за 4 години до обстеження. Зняти металеві прикраси; взяти попередні знімки.",
        Language::English => {
            "Do not eat for 4 hours before the scan. Leave metal jewellery at home; bring earlier scans."
        }
    };
    for (name, pdf) in [
        ("day-sheet.pdf", day_sheet(&sample::day_sheet(rows), options).pdf()?),
        ("slip.pdf", slip_document(&sample::slip(preparation), Paper::A4, language).pdf()?),
    ] {
        let path = folder.join(name);
        std::fs::write(&path, &pdf).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}: {} bytes", path.display(), pdf.len());
    }
    Ok(())
}
