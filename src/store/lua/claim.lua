--! KEYS queue items bcounts
--! ARGV now lease max
-- Claims up to max entries of a queue (a zset scored by lease expiry or
-- ready time) that are due, leases them for `lease` ms and returns their
-- records: kind, hash, kind, hash ... (kind 'c' claimed, 'x' expired:
-- its `expires` passed, it is marked and dropped).
-- K.items is a shard-local key prefix ending in ':' (the records of the
-- queue's entries, K.items .. id): same hash tag, same slot as K.queue;
-- so is K.bcounts, the counters of broadcasts (an expired MT of a
-- broadcast is counted there).
local now = tonumber(A.now)
local ids = redis.call('ZRANGEBYSCORE', K.queue, '-inf', now,
                       'LIMIT', 0, tonumber(A.max))
local out = {}
for _, id in ipairs(ids) do
  local k = K.items .. id
  local h = redis.call('HGETALL', k)
  if #h == 0 then
    redis.call('ZREM', K.queue, id)
  else
    local exp = tonumber(redis.call('HGET', k, 'expires') or '0')
    if exp > 0 and exp <= now then
      local cur = redis.call('HGET', k, 'state')
      local bc = redis.call('HGET', k, 'bc')
      redis.call('ZREM', K.queue, id)
      redis.call('HSET', k, 'state', 'expired')
      if bc and bc ~= '' and cur and cur ~= 'expired' then
        redis.call('HINCRBY', K.bcounts .. bc, cur, -1)
        redis.call('HINCRBY', K.bcounts .. bc, 'expired', 1)
      end
      table.insert(out, 'x')
    else
      redis.call('ZADD', K.queue, now + tonumber(A.lease), id)
      redis.call('HINCRBY', k, 'claims', 1)
      table.insert(out, 'c')
    end
    table.insert(out, h)
  end
end
return out
