-- Upserts a migration definition: the definition is replaced, createdAt and candidates are kept.
-- KEYS[1] the migration's hash, KEYS[2] the index of migration ids.
-- ARGV[1] migration id, ARGV[2] definition JSON, ARGV[3] now (ISO-8601).
-- Returns 1 when the definition is new or changed, 0 when it is the same as stored.
redis.call('HSETNX', KEYS[1], 'createdAt', ARGV[3])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
if redis.call('HGET', KEYS[1], 'definition') == ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], 'definition', ARGV[2], 'updatedAt', ARGV[3])
return 1
