-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS pending lease vars counts results profiles
--! ARGV now lease max
-- Takes up to max recipients of a broadcast in one shard for this process
-- to send: each is leased (K.lease, score = lease expiry) until its MT is
-- queued (bc_queue); a lease that ran out (the process died) puts the
-- recipient back first. A phone that opted out is not taken: it is
-- counted and recorded in K.results. K.profiles is the shard-local prefix
-- of phone profiles.
-- Returns msisdn, variables, msisdn, variables ...
local now = tonumber(A.now)
local lost = redis.call('ZRANGEBYSCORE', K.lease, '-inf', now)
for i = #lost, 1, -1 do
  redis.call('LPUSH', K.pending, lost[i])
  redis.call('ZREM', K.lease, lost[i])
end
local out = {}
local max = tonumber(A.max)
while #out < 2 * max do
  local m = redis.call('LPOP', K.pending)
  if not m then break end
  if redis.call('HGET', K.profiles .. m, 'optout') == '1' then
    redis.call('HSET', K.results, m, 'opted_out')
    redis.call('HINCRBY', K.counts, 'pending', -1)
    redis.call('HINCRBY', K.counts, 'opted_out', 1)
  else
    redis.call('ZADD', K.lease, now + tonumber(A.lease), m)
    out[#out + 1] = m
    out[#out + 1] = redis.call('HGET', K.vars, m) or ''
  end
end
return out
