-- A booking knows the one a reschedule moved it to ("moved to …" and no undo
-- of a move): found by rescheduled_from, which nothing indexed.
CREATE INDEX bookings_rescheduled_from_idx ON bookings (rescheduled_from) WHERE rescheduled_from IS NOT NULL;
