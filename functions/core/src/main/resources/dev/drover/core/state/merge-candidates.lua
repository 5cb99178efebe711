-- Merges a batch of discovered candidates into a migration, atomically (merge, never replace):
--   new id                 -> added as not_started
--   stored, not_started    -> takes the new kind, files and steps; stored metadata values win,
--                             new metadata keys are added
--   stored, any other status -> untouched (a run owns it)
--   stored, not in batch   -> kept (absence is not deletion)
-- KEYS[1] the migration's hash. Every other key of the migration is KEYS[1] plus a suffix and
-- shares its {hash tag}. KEYS[2] the history outbox (a stream).
-- ARGV[1] now; ARGV[2] the submission's history entry ('' for none), appended with the counts (fields
-- m.added, m.updated, m.unchanged, m.untouched, which the writer puts in its metadata); ARGV[3] the migration's
-- event channel (each new candidate is PUBLISHed there, see Keys#events); ARGV[4] the migration id;
-- then per candidate: id, kind, files JSON, steps JSON, n, then n triples of
-- (metadata key, metadata value, metadata index key suffix).
-- Returns {added, updated, unchanged, untouched}, or {-1} when the migration does not exist.
local m = KEYS[1]
if redis.call('EXISTS', m) == 0 then
  return {-1}
end
local now = ARGV[1]
local added, updated, unchanged, untouched = 0, 0, 0, 0
local i = 5
while i <= #ARGV do
  local id, kind, files, steps = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local metaFirst = i + 5
  local metaEnd = metaFirst + 3 * tonumber(ARGV[i + 4]) - 1
  i = metaEnd + 1
  local c = m .. ':c:' .. id
  local status = redis.call('HGET', c, 'status')
  if not status then
    redis.call('HSET', c, 'kind', kind, 'files', files, 'steps', steps,
      'status', 'not_started', 'createdAt', now, 'updatedAt', now)
    redis.call('ZADD', m .. ':c', 0, id)
    redis.call('ZADD', m .. ':s:not_started', 0, id)
    for j = metaFirst, metaEnd, 3 do
      redis.call('HSET', c .. ':meta', ARGV[j], ARGV[j + 1])
      redis.call('ZADD', m .. ':x:' .. ARGV[j + 2], 0, id)
    end
    -- A new candidate has no run: the message is complete as it is.
    redis.call('PUBLISH', ARGV[3], cjson.encode({type = 'candidate', migrationId = ARGV[4], candidateId = id,
      status = 'not_started', run = cjson.null}))
    added = added + 1
  elseif status == 'not_started' then
    local stored = redis.call('HMGET', c, 'kind', 'files', 'steps')
    local changed = stored[1] ~= kind or stored[2] ~= files or stored[3] ~= steps
    for j = metaFirst, metaEnd, 3 do
      if redis.call('HSETNX', c .. ':meta', ARGV[j], ARGV[j + 1]) == 1 then
        redis.call('ZADD', m .. ':x:' .. ARGV[j + 2], 0, id)
        changed = true
      end
    end
    if changed then
      redis.call('HSET', c, 'kind', kind, 'files', files, 'steps', steps, 'updatedAt', now)
      updated = updated + 1
    else
      unchanged = unchanged + 1
    end
  else
    untouched = untouched + 1
  end
end
-- Kept responses are served while the migration's version is unchanged (MigrationStamp): every change a read
-- shows bumps it.
if added + updated > 0 then
  redis.call('HINCRBY', m, 'version', 1)
end
if ARGV[2] ~= '' then
  redis.call('XADD', KEYS[2], '*', 'e', ARGV[2], 'm.added', added, 'm.updated', updated,
    'm.unchanged', unchanged, 'm.untouched', untouched)
end
return {added, updated, unchanged, untouched}
