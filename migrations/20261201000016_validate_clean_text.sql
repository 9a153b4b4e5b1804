-- Validates the clean-text checks added NOT VALID by the previous migration:
-- a scan that takes only a SHARE UPDATE EXCLUSIVE lock, so writes go on.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '600s';

ALTER TABLE patients VALIDATE CONSTRAINT patients_full_name_clean;
ALTER TABLE patients VALIDATE CONSTRAINT patients_notes_clean;
ALTER TABLE bookings VALIDATE CONSTRAINT bookings_patient_message_clean;
ALTER TABLE booking_status_changes VALIDATE CONSTRAINT booking_status_changes_reason_clean;
ALTER TABLE doctor_ratings VALIDATE CONSTRAINT doctor_ratings_comment_clean;
ALTER TABLE diagnostic_results VALIDATE CONSTRAINT diagnostic_results_file_name_clean;
ALTER TABLE locations VALIDATE CONSTRAINT locations_name_clean;
ALTER TABLE locations VALIDATE CONSTRAINT locations_address_clean;
ALTER TABLE specialties VALIDATE CONSTRAINT specialties_name_clean;
ALTER TABLE doctors VALIDATE CONSTRAINT doctors_full_name_clean;
ALTER TABLE doctors VALIDATE CONSTRAINT doctors_experience_clean;
ALTER TABLE doctors VALIDATE CONSTRAINT doctors_certificates_clean;
ALTER TABLE diagnostics VALIDATE CONSTRAINT diagnostics_type_name_clean;
ALTER TABLE diagnostics VALIDATE CONSTRAINT diagnostics_description_clean;
ALTER TABLE schedule_exceptions VALIDATE CONSTRAINT schedule_exceptions_note_clean;
