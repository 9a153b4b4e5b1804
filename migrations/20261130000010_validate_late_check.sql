-- Validates the check added NOT VALID by the previous migration: a scan under
-- a lock that lets bookings be changed meanwhile.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';
ALTER TABLE booking_status_changes VALIDATE CONSTRAINT booking_status_changes_late_check;
