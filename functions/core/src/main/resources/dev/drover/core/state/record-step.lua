-- Writes one step's state for a run and, optionally, moves the candidate to a new status, atomically.
-- Ignored (returns 0) when the run is no longer the candidate's current run: a late write from an
-- old attempt must never overwrite the state of a newer one.
-- KEYS[1] the migration's hash; KEYS[2] the history outbox (a stream).
-- ARGV[1] candidate id, ARGV[2] run id, ARGV[3] step name, ARGV[4] step state JSON,
-- ARGV[5] new candidate status or '' to leave it, ARGV[6] now,
-- ARGV[7] the history entry to append when written ('' for none), ARGV[8] the migration's event channel
-- (PUBLISHed to when written, see Keys#events), ARGV[9] the migration id.
local m = KEYS[1]
local id = ARGV[1]
local c = m .. ':c:' .. id
if redis.call('HGET', c, 'run') ~= ARGV[2] then
  return 0
end
redis.call('HSET', c .. ':steps', ARGV[3], ARGV[4])
local status = redis.call('HGET', c, 'status')
if ARGV[5] ~= '' and status ~= ARGV[5] then
  redis.call('ZREM', m .. ':s:' .. status, id)
  redis.call('ZADD', m .. ':s:' .. ARGV[5], 0, id)
  redis.call('HSET', c, 'status', ARGV[5])
end
redis.call('HSET', c, 'updatedAt', ARGV[6])
-- Kept responses are served while the migration's version is unchanged (MigrationStamp): every change a read
-- shows bumps it.
redis.call('HINCRBY', m, 'version', 1)
if ARGV[7] ~= '' then
  redis.call('XADD', KEYS[2], '*', 'e', ARGV[7])
end
redis.call('PUBLISH', ARGV[8], cjson.encode({type = 'candidate', migrationId = ARGV[9], candidateId = id,
  status = redis.call('HGET', c, 'status')}))
return 1
