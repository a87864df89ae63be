--! KEYS mt
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
local state = redis.call('HGET', K.mt, 'state') or 'sent'
if failed > 0 then state = 'failed'
elseif delivered == parts then state = 'delivered' end
redis.call('HSET', K.mt, 'state', state)
return {'ok', state}
