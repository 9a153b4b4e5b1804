-- Foundation shared by every table: extensions and the row-versioning trigger.
-- Migrations are only ever added, never edited once they are on main.

CREATE EXTENSION IF NOT EXISTS btree_gist; -- exclusion constraints mixing = and &&
CREATE EXTENSION IF NOT EXISTS pg_trgm;    -- patient search by name/phone fragments

-- Every mutable row carries row_version (optimistic concurrency: an edit names
-- the version it was based on) and updated_at. One trigger keeps both honest so
-- no code path can forget to bump them.
CREATE FUNCTION touch_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.row_version := OLD.row_version + 1;
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

-- A location's IANA zone must be one PostgreSQL knows, or every slot computed
-- for it would be wrong. `now() AT TIME ZONE` raises for an unknown name.
CREATE FUNCTION is_valid_time_zone(zone text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM now() AT TIME ZONE zone;
    RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN false;
END
$$;

-- Images (doctor and diagnostic photos) live in the database: stations talk to
-- PostgreSQL only, there is no file server.
CREATE TABLE photos (
    photo_id    uuid PRIMARY KEY,
    media_type  text NOT NULL CONSTRAINT photos_media_type_check
                CHECK (media_type IN ('image/jpeg', 'image/png', 'image/webp')),
    content     bytea NOT NULL CONSTRAINT photos_size_check
                CHECK (octet_length(content) BETWEEN 1 AND 2097152),
    created_at  timestamptz NOT NULL DEFAULT now()
);
