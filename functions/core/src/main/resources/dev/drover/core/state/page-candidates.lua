-- Reads one page of candidate ids in id order from the intersection of one or more index sets
-- (all candidates, one status, metadata key=value), walking the smallest set and probing the others.
-- KEYS: the index sorted sets (all members scored 0, so ordered by id).
-- ARGV[1] cursor: the last id of the previous page, '' for the first page; ARGV[2] limit;
-- ARGV[3] scan budget: the most ids to look at, so one call stays cheap however sparse a filter is;
-- ARGV[4] id prefix: only ids that start with it ('' for all). Ids are ASCII slugs, so every id with the
-- prefix sorts in the lexicographic range [prefix, prefix .. '\255'): the walk reads that range alone.
-- Returns {ids, next cursor}; the next cursor is '' when the walk reached the end.
local prefix = ARGV[4] or ''
local min, max = '-', '+'
if prefix ~= '' then
  min, max = '[' .. prefix, '(' .. prefix .. '\255'
end
local smallest = 1
local smallestSize = redis.call('ZLEXCOUNT', KEYS[1], min, max)
for k = 2, #KEYS do
  local size = redis.call('ZLEXCOUNT', KEYS[k], min, max)
  if size < smallestSize then
    smallest, smallestSize = k, size
  end
end
local walk = KEYS[smallest]
local cursor = ARGV[1]
local limit = tonumber(ARGV[2])
local budget = tonumber(ARGV[3])
local ids = {}
local scanned = 0
while true do
  local from = min
  if cursor ~= '' and (prefix == '' or cursor >= prefix) then
    from = '(' .. cursor
  end
  -- With one index every id it holds matches: read what the page still needs and one more, which says whether a
  -- next page exists. Reading 200 for a page of 50 was most of the script's time (issue 16).
  local size = 200
  if #KEYS == 1 then
    size = math.min(size, limit - #ids + 1)
  end
  local batch = redis.call('ZRANGEBYLEX', walk, from, max, 'LIMIT', 0, size)
  if #batch == 0 then
    return {ids, ''}
  end
  for i, id in ipairs(batch) do
    scanned = scanned + 1
    cursor = id
    local match = true
    for k = 1, #KEYS do
      if k ~= smallest and not redis.call('ZSCORE', KEYS[k], id) then
        match = false
        break
      end
    end
    if match then
      ids[#ids + 1] = id
    end
    if #ids == limit or scanned >= budget then
      if i < #batch then
        return {ids, id}
      end
      if #redis.call('ZRANGEBYLEX', walk, '(' .. id, max, 'LIMIT', 0, 1) == 0 then
        return {ids, ''}
      end
      return {ids, id}
    end
  end
end
