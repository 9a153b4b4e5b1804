-- Every existing booking has no override (the column is new); checked
-- without blocking reads and writes.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '10min';

ALTER TABLE bookings VALIDATE CONSTRAINT bookings_override_reason_check;
