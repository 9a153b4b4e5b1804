-- no-transaction
-- A booking knows the one a reschedule moved it to ("moved to …" and no undo
-- of a move): found by rescheduled_from, which nothing indexed. Built
-- concurrently, so a clinic's bookings stay writable while it builds. sqlx
-- sends a no-transaction migration as one query, and PostgreSQL runs several
-- statements of one query as one transaction, where CONCURRENTLY is refused:
-- this file holds that statement alone (no SET of timeouts before it; it
-- takes no lock that blocks bookings).
-- squawk-ignore require-lock-timeout, require-statement-timeout
CREATE INDEX CONCURRENTLY IF NOT EXISTS bookings_rescheduled_from_idx
    ON bookings (rescheduled_from) WHERE rescheduled_from IS NOT NULL;
