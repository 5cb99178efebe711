-- Drover history, version 2. The audit log filtered by migration alone (or with an action or actor)
-- pages newest first: (migration_id, candidate_id, id) cannot give that order without sorting every
-- action of the migration, which HistoryBench showed growing with the log.
CREATE INDEX history_actions_migration_id ON history_actions (migration_id, id);
