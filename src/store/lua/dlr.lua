-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS mt bcounts
--! ARGV part state stat err now
-- A receipt for one part of an MT; the message is delivered when every
-- part is, failed as soon as one part failed.
-- Returns {'ok', overall state} | {'gone', ''}.
if redis.call('EXISTS', K.mt) == 0 then return {'gone', ''} end
redis.call('HSET', K.mt, 'p' .. A.part, A.state, 'dlr_stat', A.stat,
           'dlr_err', A.err, 'dlr_at', A.now)
local parts = tonumber(redis.call('HGET', K.mt, 'parts') or '1')
local delivered, failed = 0, 0
for i = 1, parts do
  local s = redis.call('HGET', K.mt, 'p' .. i)
  if s == 'delivered' then delivered = delivered + 1
  elseif s == 'failed' then failed = failed + 1 end
end
local cur = redis.call('HGET', K.mt, 'state') or 'sent'
local state = cur
if failed > 0 then state = 'failed'
elseif delivered == parts then state = 'delivered' end
redis.call('HSET', K.mt, 'state', state)
-- an MT of a broadcast moves its counters (K.bcounts: shard-local prefix)
local bc = redis.call('HGET', K.mt, 'bc')
if bc and bc ~= '' and cur ~= state then
  redis.call('HINCRBY', K.bcounts .. bc, cur, -1)
  redis.call('HINCRBY', K.bcounts .. bc, state, 1)
end
return {'ok', state}
