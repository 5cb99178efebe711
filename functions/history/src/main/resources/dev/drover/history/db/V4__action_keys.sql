-- Drover history, version 4. Operator actions now reach the database through the Redis outbox, which
-- may deliver an entry twice (a writer that crashed between the commit and its XACK): the outbox entry's
-- id keys the action, so the second delivery inserts nothing. Actions written before stay without a key
-- (NULLs never conflict under a unique constraint, on PostgreSQL and on H2).
ALTER TABLE history_actions ADD COLUMN idem_key VARCHAR(200);
CREATE UNIQUE INDEX history_actions_idem ON history_actions (idem_key);
