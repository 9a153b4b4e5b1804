//! Diagnostic result files stored in PostgreSQL.

use crate::common::*;
use clinic_domain::bookings::BookingSubject;
use clinic_domain::ids::{BookingId, ResultId};
use clinic_domain::{AppError, ValidationCode};
use clinic_store::ResultUpload;
use sha2::{Digest, Sha256};

#[tokio::test]
async fn results_round_trip_with_checksum() {
    let f = Fixture::new().await;
    let b = f.basic().await;
    let mri = f.diagnostic("MRI", "2000", 60, b.location.id, 1).await;
    let scan = f
        .book(b.patient.id, b.location.id, BookingSubject::Diagnostic { diagnostic_id: mri.id }, "2027-01-04T08:00:00Z")
        .await
        .unwrap();

    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.extend((0..100_000u32).map(|i| (i % 251) as u8));
    let upload = ResultUpload {
        result_id: ResultId::generate(),
        booking_id: scan.id,
        file_name: "C:\\scans\\mri report.pdf",
        bytes: &pdf,
    };
    // Not before the scan has started (10:00 Kyiv; the fixture's clock is 08:00).
    let early = f.clinic.store_result(&upload, &actor()).await.unwrap_err();
    assert_eq!(early.field(), Some("bookingId"), "{early:?}");
    assert_eq!(f.count("diagnostic_results").await, 0);
    let during = f.clinic_at("2027-01-04T08:20:00Z");
    let stored = during.store_result(&upload, &actor()).await.unwrap();
    assert_eq!(stored.file_name, "mri report.pdf");
    assert_eq!(stored.media_type, "application/pdf");
    assert_eq!(stored.byte_size as usize, pdf.len());
    let expected: String = Sha256::digest(&pdf).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(stored.sha256, expected);
    assert_eq!(stored.diagnostic_name, "MRI");

    // A retried upload stores nothing new.
    during.store_result(&upload, &actor()).await.unwrap();
    assert_eq!(f.count("diagnostic_results").await, 1);

    let (info, bytes) = f.clinic.result_file(stored.id).await.unwrap();
    assert_eq!(info, stored);
    assert_eq!(bytes, pdf);
    assert_eq!(f.clinic.patient_results(b.patient.id).await.unwrap(), vec![stored.clone()]);
    assert_eq!(f.clinic.booking_results(scan.id).await.unwrap().len(), 1);

    // A text file renamed .pdf, a doctor's booking, an unknown booking: refused, nothing written.
    let fake = ResultUpload {
        result_id: ResultId::generate(),
        booking_id: scan.id,
        file_name: "fake.pdf",
        bytes: b"just text",
    };
    let err = f.clinic.store_result(&fake, &actor()).await.unwrap_err();
    assert!(matches!(err, AppError::Validation { code: ValidationCode::UnsupportedType, .. }), "{err:?}");
    let visit = f.book(b.patient.id, b.location.id, b.with_doctor(), "2027-01-04T10:00:00Z").await.unwrap();
    let wrong = ResultUpload { result_id: ResultId::generate(), booking_id: visit.id, file_name: "x.pdf", bytes: &pdf };
    assert_eq!(f.clinic.store_result(&wrong, &actor()).await.unwrap_err().field(), Some("bookingId"));
    let unknown = ResultUpload {
        result_id: ResultId::generate(),
        booking_id: BookingId::generate(),
        file_name: "x.pdf",
        bytes: &pdf,
    };
    assert_eq!(f.clinic.store_result(&unknown, &actor()).await.unwrap_err().field(), Some("bookingId"));
    let huge = vec![b'%'; 26 * 1024 * 1024];
    let too_big =
        ResultUpload { result_id: ResultId::generate(), booking_id: scan.id, file_name: "big.pdf", bytes: &huge };
    assert!(matches!(
        f.clinic.store_result(&too_big, &actor()).await,
        Err(AppError::Validation { code: ValidationCode::TooLarge, .. })
    ));
    assert_eq!(f.count("diagnostic_results").await, 1);
}
