-- Ends a run: the run's record gets its final status, the candidate its final status (completed, or
-- not_started after a cancel so it can be started again). Ignored (returns 0) when the run is not the
-- candidate's current run or has already ended, so a retried activity changes nothing twice.
-- KEYS[1] the migration's hash; KEYS[2] the run's hash; KEYS[3] the history outbox (a stream).
-- ARGV[1] candidate id, ARGV[2] run id, ARGV[3] run status, ARGV[4] candidate status, ARGV[5] now,
-- ARGV[6] the history entry to append when the run ends here ('' for none): appended as soon as the run's
-- record ends, even when the candidate has moved on to a newer run, so history never counts it active.
-- ARGV[7] the migration's event channel (PUBLISHed to when the candidate changes here, see Keys#events),
-- ARGV[8] the migration id.
local m = KEYS[1]
local id = ARGV[1]
local c = m .. ':c:' .. id
if redis.call('HGET', KEYS[2], 'status') ~= 'running' then
  return 0
end
redis.call('HSET', KEYS[2], 'status', ARGV[3], 'finishedAt', ARGV[5])
if ARGV[6] ~= '' then
  redis.call('XADD', KEYS[3], '*', 'e', ARGV[6])
end
if redis.call('HGET', c, 'run') ~= ARGV[2] then
  return 0
end
local status = redis.call('HGET', c, 'status')
if status ~= ARGV[4] then
  redis.call('ZREM', m .. ':s:' .. status, id)
  redis.call('ZADD', m .. ':s:' .. ARGV[4], 0, id)
  redis.call('HSET', c, 'status', ARGV[4])
end
redis.call('HSET', c, 'updatedAt', ARGV[5])
-- Kept responses are served while the migration's version is unchanged (MigrationStamp): every change a read
-- shows bumps it.
redis.call('HINCRBY', m, 'version', 1)
redis.call('PUBLISH', ARGV[7], cjson.encode({type = 'candidate', migrationId = ARGV[8], candidateId = id, status = ARGV[4]}))
return 1
