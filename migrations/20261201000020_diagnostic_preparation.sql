-- How a patient prepares for a diagnostic ("nothing to eat for 6 hours"),
-- printed on the appointment slip. Managers write it, like the description.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '60s';

ALTER TABLE diagnostics
    ADD COLUMN preparation text NOT NULL DEFAULT ''
        CONSTRAINT diagnostics_preparation_check CHECK (length(preparation) <= 2000)
        CONSTRAINT diagnostics_preparation_clean CHECK (is_clean_text(preparation));

DO $$
BEGIN
    EXECUTE format('GRANT INSERT (preparation), UPDATE (preparation) ON public.diagnostics TO %I',
                   staff.role_name('manager'));
END
$$;
