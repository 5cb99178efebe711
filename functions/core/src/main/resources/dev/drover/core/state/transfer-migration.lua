-- Gives a migration to another app. KEYS[1] the migration's hash; ARGV[1] the new owner.
-- Returns 0 when the migration does not exist, else the previous owner ('' when none).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local previous = redis.call('HGET', KEYS[1], 'owner') or ''
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
return previous
