-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS vars pending counts profiles
--! ARGV ttl_s
-- Adds recipients of a broadcast to one shard (group A.r: msisdn,
-- variables, msisdn, variables ...). A phone listed before is a duplicate
-- and keeps its first variables. K.profiles is the shard-local prefix of
-- phone profiles (K.profiles .. msisdn), to count the phones that opted
-- out (they stay listed: the opt-out is checked again at send time, when
-- it may have been withdrawn).
-- Returns {added, {opted out msisdn ...}, {duplicate msisdn ...}}.
local added, optout, dups = 0, {}, {}
local r = A.r or {}
for i = 1, #r - 1, 2 do
  if redis.call('HSETNX', K.vars, r[i], r[i + 1]) == 1 then
    redis.call('RPUSH', K.pending, r[i])
    added = added + 1
    if redis.call('HGET', K.profiles .. r[i], 'optout') == '1' then
      optout[#optout + 1] = r[i]
    end
  else
    dups[#dups + 1] = r[i]
  end
end
if added > 0 then
  redis.call('HINCRBY', K.counts, 'pending', added)
  for _, k in ipairs({K.vars, K.pending, K.counts}) do
    redis.call('EXPIRE', k, A.ttl_s)
  end
end
return {added, optout, dups}
