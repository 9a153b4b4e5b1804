-- Which local rows each queued intent changed, so an acknowledgement can tell
-- whether a later pending intent still changes the same row (then the row
-- stays provisional) without scanning every queued intent's JSON.
CREATE TABLE outbox_touches (
    intent_id   TEXT NOT NULL REFERENCES outbox (intent_id) ON DELETE CASCADE,
    row_id      TEXT NOT NULL,
    PRIMARY KEY (row_id, intent_id)
);
CREATE INDEX outbox_touches_by_intent ON outbox_touches (intent_id);
