-- Staff who signed in online on this station recently: what lets them sign
-- in (or unlock) while the clinic database is out of reach. `verifier` is an
-- argon2id PHC string of their password, never the password; `access` is
-- what the database said they may do at that sign-in (JSON).
CREATE TABLE offline_sign_ins (
    login           TEXT PRIMARY KEY,
    verifier        TEXT NOT NULL,
    access          TEXT NOT NULL,
    signed_in_at    TEXT NOT NULL,
    valid_days      INTEGER NOT NULL,
    lock_after_minutes INTEGER NOT NULL
);
