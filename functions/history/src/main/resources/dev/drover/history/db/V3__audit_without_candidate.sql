-- Drover history, version 3. Some audited actions concern a whole migration, not one candidate (an admin's
-- ownership transfer, a refused announcement or submission): their candidate_id is null. Same statement on
-- PostgreSQL and H2.
ALTER TABLE history_actions ALTER COLUMN candidate_id DROP NOT NULL;
