-- Offline stations (issue 6).
--
-- applied_intents: every change a station queued while offline carries a
-- station-made id; the server records the id in the same transaction as the
-- change, so an intent pushed twice (its acknowledgement lost) is applied
-- once. A rejected intent (slot taken meanwhile, stale version) is recorded
-- too, with the error the station showed its user, so a replay gets the same
-- answer instead of a different one.
CREATE TABLE applied_intents (
    intent_id   uuid PRIMARY KEY,
    station     text NOT NULL CHECK (length(station) BETWEEN 1 AND 128),
    kind        text NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
    outcome     text NOT NULL CHECK (outcome IN ('applied', 'rejected')),
    rejection   jsonb,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((outcome = 'rejected') = (rejection IS NOT NULL))
);

-- Pull checkpoints. changed_xid is the transaction that last wrote the row; a
-- station remembers pg_snapshot_xmin of the snapshot it pulled with and next
-- time asks for rows whose changed_xid is at or above it. Unlike timestamps
-- or sequence values, this cannot miss a transaction that began before the
-- pull and committed after it (it re-reads a few rows at worst).
ALTER TABLE bookings ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE patients ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE FUNCTION stamp_changed_xid() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_xid := pg_current_xact_id();
    RETURN NEW;
END
$$;

CREATE TRIGGER bookings_changed_xid BEFORE UPDATE ON bookings
    FOR EACH ROW EXECUTE FUNCTION stamp_changed_xid();
CREATE TRIGGER patients_changed_xid BEFORE UPDATE ON patients
    FOR EACH ROW EXECUTE FUNCTION stamp_changed_xid();

CREATE INDEX bookings_changed_xid_idx ON bookings (changed_xid);
CREATE INDEX patients_changed_xid_idx ON patients (changed_xid);
