-- A booking lasts at most as long as the longest slot (values::SLOT_MINUTES,
-- 480 minutes). With that bound, "what overlaps [from, to)" has an indexable
-- lower bound, starts_at > from - 480 minutes, so reading a doctor's or a
-- diagnostic's busy time costs the window asked for, never the years of
-- history before it (issue 16). Checked for new rows at once; the existing
-- ones are validated by the next migration, without blocking reads.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

ALTER TABLE bookings ADD CONSTRAINT bookings_length_check
    CHECK (ends_at - starts_at <= interval '480 minutes') NOT VALID;
