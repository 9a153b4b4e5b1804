-- Stations learn about each other's booking changes through LISTEN/NOTIFY on
-- the channel `clinic_changes`: one notification per location per statement,
-- naming the time range touched, so a bulk load sends a handful, not millions.
-- Payload: {"kind": "bookings", "locationId": 3, "from": "...", "to": "..."}.

CREATE FUNCTION notify_booking_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    change record;
BEGIN
    FOR change IN
        SELECT location_id, min(starts_at) AS first_start, max(ends_at) AS last_end
          FROM changed_rows GROUP BY location_id
    LOOP
        PERFORM pg_notify('clinic_changes', json_build_object(
            'kind', 'bookings',
            'locationId', change.location_id,
            'from', change.first_start,
            'to', change.last_end)::text);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER bookings_notify_insert
    AFTER INSERT ON bookings REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION notify_booking_changes();

CREATE TRIGGER bookings_notify_update
    AFTER UPDATE ON bookings REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION notify_booking_changes();
