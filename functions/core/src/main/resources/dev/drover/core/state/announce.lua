-- Upserts a migration definition for the app that owns it: the definition is replaced, createdAt, the owner and
-- candidates are kept. The first app to announce a migration id owns it; only an admin's transfer changes that.
-- KEYS[1] the migration's hash, KEYS[2] the index of migration ids.
-- ARGV[1] migration id, ARGV[2] definition JSON, ARGV[3] now (ISO-8601), ARGV[4] the announcing app.
-- Returns {'stored', 1|0} (1 when the definition is new or changed) or {'refused', owner}.
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= ARGV[4] then
  return {'refused', owner}
end
if not owner then
  redis.call('HSET', KEYS[1], 'owner', ARGV[4])
end
redis.call('HSETNX', KEYS[1], 'createdAt', ARGV[3])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
if redis.call('HGET', KEYS[1], 'definition') == ARGV[2] then
  return {'stored', 0}
end
-- Kept responses are served while the migration's version is unchanged (MigrationStamp): every change a read
-- shows bumps it (the owner is part of the stamp itself).
redis.call('HSET', KEYS[1], 'definition', ARGV[2], 'updatedAt', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'version', 1)
return {'stored', 1}
