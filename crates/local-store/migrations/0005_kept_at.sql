-- When a patient was last stored here (pulled or entered): patients with no
-- booking in the kept window are pruned once they have not been touched for
-- a while. Rows from before this column read as long untouched.
ALTER TABLE patients ADD COLUMN kept_at TEXT NOT NULL DEFAULT '';
