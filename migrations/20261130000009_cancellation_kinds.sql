-- Who cancelled, and whether the patient cancelled inside the clinic's
-- notice ("late"): recorded with the change. Rows from before say neither.
CREATE TYPE cancel_kind AS ENUM ('by_patient', 'by_clinic');

ALTER TABLE booking_status_changes
    ADD COLUMN cancel_kind cancel_kind,
    ADD COLUMN late boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT booking_status_changes_late_check CHECK (NOT late OR cancel_kind = 'by_patient');

-- The clinic's policies: one row.
CREATE TABLE clinic_policy (
    only_row                    boolean PRIMARY KEY DEFAULT true CONSTRAINT clinic_policy_only_row_check CHECK (only_row),
    late_cancel_notice_minutes  integer NOT NULL DEFAULT 1440
                                CONSTRAINT clinic_policy_late_cancel_notice_minutes_check
                                CHECK (late_cancel_notice_minutes BETWEEN 0 AND 20160)
);
INSERT INTO clinic_policy DEFAULT VALUES;
