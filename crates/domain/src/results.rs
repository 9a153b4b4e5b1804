//! Rules for diagnostic result files: which types, how large, what name.

use crate::error::{AppError, AppResult, ValidationCode};
use crate::values::{required_text, Bounds};

/// 25 MiB: a multi-page scan fits; a 50 MB file is refused with a clear message.
pub const MAX_RESULT_BYTES: usize = 25 * 1024 * 1024;
// The UI receives the limit as a JavaScript number.
const _: () = assert!(MAX_RESULT_BYTES <= u32::MAX as usize);

/// A file over its limit of `limit` bytes (the limits fit an `i32`).
pub fn file_too_large(field: &str, size: u64, limit: usize) -> AppError {
    AppError::validation_within(
        field,
        ValidationCode::TooLarge,
        Bounds::new(0, i32::try_from(limit).unwrap_or(i32::MAX)),
        format!("the file is {:.1} MB; the limit is {:.0} MB", size as f64 / 1_048_576.0, limit as f64 / 1_048_576.0),
    )
}

/// A kind of file a result may be: what the UI's file chooser offers and
/// what [`sniff_media_type`] recognises.
#[derive(Debug, Clone, Copy, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ResultFileType {
    pub media_type: &'static str,
    /// Names the chooser offers; only a hint, the contents decide.
    pub extensions: &'static [&'static str],
    /// How the file starts.
    #[serde(skip)]
    pub magic: &'static [u8],
}

/// The kinds of result files accepted, in the order they are named to staff.
pub const RESULT_FILE_TYPES: &[ResultFileType] = &[
    ResultFileType { media_type: "application/pdf", extensions: &[".pdf"], magic: b"%PDF-" },
    ResultFileType { media_type: "image/jpeg", extensions: &[".jpg", ".jpeg"], magic: &[0xFF, 0xD8, 0xFF] },
    ResultFileType {
        media_type: "image/png",
        extensions: &[".png"],
        magic: &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
    },
];

/// Media types accepted for results, recognised by the file's first bytes
/// (the name's extension is only a hint and is not trusted).
pub fn sniff_media_type(bytes: &[u8]) -> AppResult<&'static str> {
    if bytes.is_empty() {
        return Err(AppError::validation("file", ValidationCode::Required, "the file is empty"));
    }
    if bytes.len() > MAX_RESULT_BYTES {
        return Err(file_too_large("file", bytes.len() as u64, MAX_RESULT_BYTES));
    }
    RESULT_FILE_TYPES.iter().find(|kind| bytes.starts_with(kind.magic)).map(|kind| kind.media_type).ok_or_else(|| {
        AppError::validation(
            "file",
            ValidationCode::UnsupportedType,
            "only PDF, JPEG and PNG files can be attached (this file's contents are none of these)",
        )
    })
}

/// The file's own name, without any folder, at most 255 characters.
pub fn clean_file_name(name: &str) -> AppResult<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    required_text("fileName", base, 255)
}

/// 2 MiB is plenty for a portrait on a card.
pub const MAX_PHOTO_BYTES: usize = 2 * 1024 * 1024;

/// A doctor's or diagnostic's photo: JPEG, PNG or WebP, by content.
pub fn sniff_image_type(bytes: &[u8]) -> AppResult<&'static str> {
    if bytes.is_empty() {
        return Err(AppError::validation("photo", ValidationCode::Required, "the file is empty"));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(file_too_large("photo", bytes.len() as u64, MAX_PHOTO_BYTES));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
        Ok("image/png")
    } else if bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Ok("image/webp")
    } else {
        Err(AppError::validation("photo", ValidationCode::UnsupportedType, "a photo must be a JPEG, PNG or WebP image"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contents_decide_the_type() {
        assert_eq!(sniff_media_type(b"%PDF-1.7 ...").unwrap(), "application/pdf");
        assert_eq!(sniff_media_type(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(), "image/jpeg");
        let renamed_text = sniff_media_type(b"hello, I am not a PDF");
        assert!(matches!(renamed_text, Err(AppError::Validation { code: ValidationCode::UnsupportedType, .. })));
        let huge = vec![b'%'; MAX_RESULT_BYTES + 1];
        assert!(matches!(sniff_media_type(&huge), Err(AppError::Validation { code: ValidationCode::TooLarge, .. })));
    }

    #[test]
    fn folders_are_dropped_from_names() {
        assert_eq!(clean_file_name("C:\\scans\\mri.pdf").unwrap(), "mri.pdf");
        assert_eq!(clean_file_name("/home/x/ct.png").unwrap(), "ct.png");
        assert!(clean_file_name("/home/x/").is_err());
    }
}
