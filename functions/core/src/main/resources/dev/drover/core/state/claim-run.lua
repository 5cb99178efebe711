-- Claims a not-started candidate for a new run (or, when asked to re-run, a completed one), atomically: the candidate moves to running, its
-- attempt counter grows, the run's record and its steps' initial states are written.
-- KEYS[1] the migration's hash; KEYS[2] the run's hash; KEYS[3] the history outbox (a stream).
-- ARGV[1] candidate id, ARGV[2] run id, ARGV[3] migration id, ARGV[4] the callback token's hash, ARGV[5] now,
-- ARGV[6] the run's steps (JSON), ARGV[7] the history entry to append when claimed ('' for none; stored with the attempt, which only this
-- script knows), ARGV[8] the migration's event channel (PUBLISHed to when claimed, see Keys#events),
-- then pairs of (step name, initial step state JSON).
-- Returns {'claimed', attempt}, {'missing'}, or {'busy', status, current run id}.
local m = KEYS[1]
local id = ARGV[1]
local c = m .. ':c:' .. id
local status = redis.call('HGET', c, 'status')
if not status then
  return {'missing'}
end
if status ~= 'not_started' and not (status == 'completed' and ARGV[9] == '1') then
  return {'busy', status, redis.call('HGET', c, 'run') or ''}
end
local attempt = redis.call('HINCRBY', c, 'attempts', 1)
redis.call('ZREM', m .. ':s:' .. status, id)
redis.call('ZADD', m .. ':s:running', 0, id)
redis.call('HSET', c, 'status', 'running', 'run', ARGV[2], 'updatedAt', ARGV[5])
redis.call('ZADD', c .. ':runs', attempt, ARGV[2])
-- Kept responses are served while the migration's version is unchanged (MigrationStamp): every change a read
-- shows bumps it.
redis.call('HINCRBY', m, 'version', 1)
redis.call('DEL', c .. ':steps')
for i = 10, #ARGV, 2 do
  redis.call('HSET', c .. ':steps', ARGV[i], ARGV[i + 1])
end
redis.call('HSET', KEYS[2], 'migrationId', ARGV[3], 'candidateId', id, 'attempt', attempt,
  'status', 'running', 'tokenHash', ARGV[4], 'steps', ARGV[6], 'startedAt', ARGV[5])
-- The run's start and its history event are one atomic change: neither is ever kept without the other.
-- The attempt is only known here: the writer applies it to the entry's events.
if ARGV[7] ~= '' then
  redis.call('XADD', KEYS[3], '*', 'e', ARGV[7], 'attempt', attempt)
end
redis.call('PUBLISH', ARGV[8], cjson.encode({type = 'candidate', migrationId = ARGV[3], candidateId = id, status = 'running'}))
return {'claimed', attempt}
