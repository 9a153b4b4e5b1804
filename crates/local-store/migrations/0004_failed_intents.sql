-- An intent the server would not decide on (neither applied nor refused:
-- an internal error, say) is retried a bounded number of times, then set
-- aside for a person ('failed') so the changes queued behind it move on.
-- SQLite cannot alter a CHECK: the state column's rule is rebuilt here.
CREATE TABLE outbox_new (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    intent_id   TEXT NOT NULL UNIQUE,
    body        TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected', 'failed')),
    rejection   TEXT,
    attempted   TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    -- When the first push of it failed without an answer (the header's "stuck since").
    failing_since TEXT
);
INSERT INTO outbox_new (seq, intent_id, body, state, rejection, attempted, attempts, last_error)
    SELECT seq, intent_id, body, state, rejection, attempted, attempts, last_error FROM outbox;
-- The tables that refer to the outbox are rebuilt around the new one.
CREATE TABLE outbox_files_new (
    intent_id   TEXT PRIMARY KEY REFERENCES outbox_new (intent_id) ON DELETE CASCADE,
    bytes       BLOB NOT NULL
);
INSERT INTO outbox_files_new SELECT intent_id, bytes FROM outbox_files;
CREATE TABLE outbox_touches_new (
    intent_id   TEXT NOT NULL REFERENCES outbox_new (intent_id) ON DELETE CASCADE,
    row_id      TEXT NOT NULL,
    PRIMARY KEY (row_id, intent_id)
);
INSERT INTO outbox_touches_new SELECT intent_id, row_id FROM outbox_touches;
DROP TABLE outbox_touches;
DROP TABLE outbox_files;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
ALTER TABLE outbox_files_new RENAME TO outbox_files;
ALTER TABLE outbox_touches_new RENAME TO outbox_touches;
CREATE INDEX outbox_touches_by_intent ON outbox_touches (intent_id);
