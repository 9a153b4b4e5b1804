-- no-transaction
-- Each booking on a board shows since when it has its status and what it
-- had before: the latest history row, read per booking. This index hands it
-- over from the index alone, newest first, without sorting the booking's
-- history (issue 16). Concurrently, alone in its file (see 20261130000008).
-- squawk-ignore require-lock-timeout, require-statement-timeout
CREATE INDEX CONCURRENTLY IF NOT EXISTS booking_status_changes_latest_idx
    ON booking_status_changes (booking_id, changed_at DESC, booking_status_change_id DESC) INCLUDE (from_status);
