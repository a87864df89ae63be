-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS queue items bcounts live
--! ARGV now lease max owner live_ms forget_ms track
-- Claims up to max entries of a queue (a zset scored by lease expiry or
-- ready time) that are due, leases them for `lease` ms and returns their
-- records: kind, hash, kind, hash ... (kind 'c' claimed, 'x' expired:
-- its `expires` passed, it is marked and dropped; followed by the id,
-- which a record does not hold: its key does).
-- K.items is a shard-local key prefix ending in ':' (the records of the
-- queue's entries, K.items .. id): same hash tag, same slot as K.queue;
-- so is K.bcounts, the counters of broadcasts (an expired MT of a
-- broadcast is counted there).
--
-- Liveness (K.live, a hash of the shard: owner -> ms it is alive until):
-- each claim is also the heartbeat of the calling process (A.owner, one
-- token per process run), alive until now + live_ms. An entry leased to an
-- owner whose heartbeat stopped is taken at once, not when its lease runs
-- out; a live owner's leases are left alone however long they are. The
-- records of the queue name their holder in their `owner` field (written
-- where they are leased: mo_in, mo_commit, bc_queue, here when track is
-- 1). Finding a dead owner's entries scans the queue's leased entries
-- once: "<owner>|<queue>" records the heartbeat it was done for. A dead
-- owner is forgotten forget_ms (the longest lease) after its last
-- heartbeat: by then its leases ran out anyway. The hash expires
-- forget_ms after the last heartbeat of any process.
local now = tonumber(A.now)
local max = tonumber(A.max)
local forget = tonumber(A.forget_ms)
redis.call('HSET', K.live, A.owner, now + tonumber(A.live_ms))
redis.call('PEXPIRE', K.live, forget)
local lv = redis.call('HGETALL', K.live)
local beat = {}
for i = 1, #lv, 2 do beat[lv[i]] = lv[i + 1] end
local dead, ndead = {}, 0
for i = 1, #lv, 2 do
  local f, v = lv[i], lv[i + 1]
  local o = string.match(f, '^(.*)|')
  if o then
    if not beat[o] then redis.call('HDEL', K.live, f) end
  elseif tonumber(v) < now then
    if tonumber(v) + forget < now then
      redis.call('HDEL', K.live, f)
      beat[f] = nil
    elseif beat[f .. '|' .. K.queue] ~= v then
      dead[f] = v
      ndead = ndead + 1
    end
  end
end
local ids = redis.call('ZRANGEBYSCORE', K.queue, '-inf', now,
                       'LIMIT', 0, max)
if ndead > 0 and A.track == '1' then
  local swept = true
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', K.queue,
                                 '(' .. now, '+inf')) do
    if dead[redis.call('HGET', K.items .. id, 'owner') or ''] then
      if #ids >= max then swept = false; break end
      table.insert(ids, id)
    end
  end
  if swept then
    for i = 1, #lv, 2 do
      if dead[lv[i]] then
        redis.call('HSET', K.live, lv[i] .. '|' .. K.queue, lv[i + 1])
      end
    end
  end
end
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
      table.insert(out, 'x' .. id)
    else
      redis.call('ZADD', K.queue, now + tonumber(A.lease), id)
      redis.call('HINCRBY', k, 'claims', 1)
      if A.track == '1' then redis.call('HSET', k, 'owner', A.owner) end
      table.insert(out, 'c' .. id)
    end
    table.insert(out, h)
  end
end
return out
