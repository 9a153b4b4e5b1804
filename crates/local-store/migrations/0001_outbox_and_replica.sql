-- A station's own database (SQLite, WAL). Rows are the domain types as JSON
-- documents: this is a cache of what the server said plus what this station
-- did since, never a second source of truth, so it mirrors the domain's
-- serde shapes instead of the server's tables. Only the columns a query
-- filters or sorts on are pulled out of the JSON.

-- Changes made here, in the order made, until the server has applied or
-- rejected them. A rejected intent stays (state 'rejected') until a person
-- resolves it on the conflicts screen.
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    intent_id   TEXT NOT NULL UNIQUE,
    body        TEXT NOT NULL,               -- QueuedIntent
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected')),
    rejection   TEXT,                        -- AppError, when rejected
    attempted   TEXT,                        -- Booking it made or changed here, shown with a conflict
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT                         -- why the last push did not get an answer
);

-- A result file queued with its intent, kept until the server acknowledges.
CREATE TABLE outbox_files (
    intent_id   TEXT PRIMARY KEY REFERENCES outbox (intent_id) ON DELETE CASCADE,
    bytes       BLOB NOT NULL
);

-- Day boards of the station's window, without their bookings (those live in
-- `bookings`, where this station's provisional changes overlay them).
CREATE TABLE boards (
    location_id INTEGER NOT NULL,
    date        TEXT NOT NULL,               -- YYYY-MM-DD, the location's local date
    body        TEXT NOT NULL,               -- DayBoard with an empty booking list
    pulled_at   TEXT NOT NULL,
    PRIMARY KEY (location_id, date)
);

CREATE TABLE bookings (
    booking_id  TEXT PRIMARY KEY,
    location_id INTEGER NOT NULL,
    starts_at   TEXT NOT NULL,               -- RFC 3339 UTC, seconds, 'Z': sorts as text
    provisional INTEGER NOT NULL DEFAULT 0,
    body        TEXT NOT NULL                -- Booking
);
CREATE INDEX bookings_by_location_time ON bookings (location_id, starts_at);

CREATE TABLE patients (
    patient_id    TEXT PRIMARY KEY,
    search_name   TEXT NOT NULL,             -- lower-cased full name
    phone_digits  TEXT NOT NULL,
    date_of_birth TEXT,
    provisional   INTEGER NOT NULL DEFAULT 0,
    body          TEXT NOT NULL              -- Patient
);

-- Catalogue lists (locations, specialties, doctors, diagnostics) as pulled.
CREATE TABLE reference (
    kind        TEXT PRIMARY KEY,
    body        TEXT NOT NULL
);

-- The pull checkpoint and other small facts.
CREATE TABLE sync_state (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL
);
