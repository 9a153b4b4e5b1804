-- Book anyway (issue 17): a manager may book a time the rules refuse
-- (outside working hours, off the slot grid, over a doctor's booking or a
-- diagnostic's capacity), giving a reason. The reason is the override: the
-- two overlap constraints skip a row that has one, and only managers may
-- write one (a column grant, so the database refuses reception whatever the
-- client sends; `has_column_privilege` tells a desk whether it may). The
-- audit trail records the row, reason and all.
--
-- Rebuilding the overlap constraints builds their GiST indexes again while
-- bookings is locked: about 20 s per million bookings on a 2-core server
-- (see README, "New app versions"); run it out of hours.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

ALTER TABLE bookings ADD COLUMN override_reason text;
ALTER TABLE bookings ADD CONSTRAINT bookings_override_reason_check
    CHECK (override_reason IS NULL
           OR (btrim(override_reason) <> '' AND length(override_reason) <= 512 AND is_clean_text(override_reason)))
    NOT VALID;

-- An exclusion constraint cannot be added NOT VALID: each is replaced in
-- one statement, so no moment goes without it.
ALTER TABLE bookings
    -- squawk-ignore ban-drop-constraint
    DROP CONSTRAINT bookings_doctor_no_overlap,
    -- squawk-ignore constraint-missing-not-valid
    ADD CONSTRAINT bookings_doctor_no_overlap EXCLUDE USING gist (
        doctor_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
        WHERE (doctor_id IS NOT NULL AND status IN ('booked', 'confirmed', 'arrived', 'completed')
               AND override_reason IS NULL),
    -- squawk-ignore ban-drop-constraint
    DROP CONSTRAINT bookings_diagnostic_lane_no_overlap,
    -- squawk-ignore constraint-missing-not-valid
    ADD CONSTRAINT bookings_diagnostic_lane_no_overlap EXCLUDE USING gist (
        diagnostic_id WITH =, location_id WITH =, diagnostic_lane WITH =,
        tstzrange(starts_at, ends_at) WITH &&)
        WHERE (diagnostic_id IS NOT NULL AND status IN ('booked', 'confirmed', 'arrived', 'completed')
               AND override_reason IS NULL);

DO $$
BEGIN
    EXECUTE format('GRANT INSERT (override_reason) ON public.bookings TO %I', staff.role_name('manager'));
END
$$;
