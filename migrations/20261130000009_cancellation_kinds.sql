-- Who cancelled, and whether the patient cancelled inside the clinic's
-- notice ("late"): recorded with the change. Rows from before say neither.
-- Nullable and constant-default columns rewrite nothing; the timeouts keep
-- the migration from waiting long behind a busy table's lock.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

CREATE TYPE cancel_kind AS ENUM ('by_patient', 'by_clinic');

ALTER TABLE booking_status_changes
    ADD COLUMN cancel_kind cancel_kind,
    ADD COLUMN late boolean NOT NULL DEFAULT false;
-- Only a patient's cancellation can be late. Added without a scan while the
-- table is locked; the next migration validates it without blocking writes.
ALTER TABLE booking_status_changes
    ADD CONSTRAINT booking_status_changes_late_check CHECK (NOT late OR cancel_kind = 'by_patient') NOT VALID;

-- The clinic's policies: one row.
CREATE TABLE clinic_policy (
    only_row                    boolean PRIMARY KEY DEFAULT true CONSTRAINT clinic_policy_only_row_check CHECK (only_row),
    late_cancel_notice_minutes  integer NOT NULL DEFAULT 1440
                                CONSTRAINT clinic_policy_late_cancel_notice_minutes_check
                                CHECK (late_cancel_notice_minutes BETWEEN 0 AND 20160)
);
INSERT INTO clinic_policy DEFAULT VALUES;
