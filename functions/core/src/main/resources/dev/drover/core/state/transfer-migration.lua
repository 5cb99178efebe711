-- Gives a migration to another app. KEYS[1] the migration's hash; KEYS[2] the history outbox (a stream).
-- ARGV[1] the new owner; ARGV[2] the transfer's audit entry ('' for none), appended with the previous owner
-- (field d.previousOwner, which the writer puts in the action's detail) when there was one.
-- Returns 0 when the migration does not exist, else the previous owner ('' when none).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local previous = redis.call('HGET', KEYS[1], 'owner') or ''
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
-- No version bump: the owner is part of the migration's stamp itself (MigrationStamp).
if ARGV[2] ~= '' then
  if previous ~= '' then
    redis.call('XADD', KEYS[2], '*', 'e', ARGV[2], 'd.previousOwner', previous)
  else
    redis.call('XADD', KEYS[2], '*', 'e', ARGV[2])
  end
end
return previous
