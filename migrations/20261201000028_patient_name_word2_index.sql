-- no-transaction
-- Patient search by name reads the start of a name's second word from an
-- ordered index and stops at the results it shows, so its cost does not grow
-- with the clinic (issue 16; repo::patients::search). "C": byte order, in
-- which a prefix is one index range whatever the database's collation.
-- Concurrently, alone in its file (see 20261130000008): patients stay
-- writable while it builds.
-- squawk-ignore require-lock-timeout, require-statement-timeout
CREATE INDEX CONCURRENTLY IF NOT EXISTS patients_name_word2_idx
    ON patients ((split_part(lower(full_name), ' ', 2) COLLATE "C"));
