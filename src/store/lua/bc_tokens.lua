-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS meta
--! ARGV now want
-- The broadcast's rate across every gateway process: a token bucket in
-- its record (fields tok, tok_at) refilled at `rate` per second, holding
-- a tenth of a second's worth at most, so that no second sees much more
-- than `rate`. Returns how many of `want` messages may go now.
local rate = tonumber(redis.call('HGET', K.meta, 'rate') or '0')
if rate <= 0 then return 0 end
local now = tonumber(A.now)
local cap = math.max(1, rate / 10)
local tok = tonumber(redis.call('HGET', K.meta, 'tok') or '0')
local at = tonumber(redis.call('HGET', K.meta, 'tok_at') or '0')
if at > 0 then tok = math.min(cap, tok + (now - at) * rate / 1000)
else tok = cap end
local grant = math.min(tonumber(A.want), math.floor(tok))
if grant < 0 then grant = 0 end
redis.call('HSET', K.meta, 'tok', tostring(tok - grant), 'tok_at', now)
return grant
