-- Moves one candidate to a status, keeping the status sets (and so the counts) in step, atomically.
-- KEYS[1] the migration's hash; the candidate and status keys are built from it (same hash tag).
-- ARGV[1] candidate id, ARGV[2] new status, ARGV[3] now.
-- Returns the previous status, or false when the candidate does not exist.
local m = KEYS[1]
local id = ARGV[1]
local c = m .. ':c:' .. id
local previous = redis.call('HGET', c, 'status')
if not previous then
  return false
end
if previous ~= ARGV[2] then
  redis.call('ZREM', m .. ':s:' .. previous, id)
  redis.call('ZADD', m .. ':s:' .. ARGV[2], 0, id)
  redis.call('HSET', c, 'status', ARGV[2], 'updatedAt', ARGV[3])
end
return previous
