--! KEYS bucket
--! ARGV rate want slice ttl_ms
-- The TPS cap of one SMSC account across every gateway process bound to
-- it: a token bucket (fields tok, at) refilled at `rate` per second and
-- holding one slice's worth at most, so that what all processes are
-- granted over any time T is at most rate * T plus one slice. A process
-- spends what it is granted within `slice` ms and drops the rest.
--
-- The clock is Redis's own (TIME), not the callers': processes on several
-- machines share one bucket and their clocks may differ. (Scripts are
-- replicated by their effects since Redis 5, so TIME is allowed.)
--
-- The rate is the smallest any process asked for within two seconds
-- (fields low, low_at): daemons bound to one account that disagree on its
-- tps hold the smallest.
--
-- Returns n > 0 tokens granted, or -ms (<= 0) until the next one.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(A.rate)
local h = redis.call('HMGET', K.bucket, 'tok', 'at', 'low', 'low_at')
local low, low_at = tonumber(h[3] or ''), tonumber(h[4] or '')
if low and low_at and low < rate and now - low_at < 2000 then
	rate = low
else
	redis.call('HSET', K.bucket, 'low', rate, 'low_at', now)
end
if rate <= 0 then return 0 end
local cap = math.max(1, math.floor(rate * tonumber(A.slice) / 1000))
local tok, at = tonumber(h[1] or ''), tonumber(h[2] or '')
if tok and at then
	if now > at then tok = math.min(cap, tok + (now - at) * rate / 1000) end
else
	tok = cap
end
local grant = math.min(tonumber(A.want), math.floor(tok))
if grant < 0 then grant = 0 end
tok = tok - grant
redis.call('HSET', K.bucket, 'tok', tostring(tok), 'at', now)
redis.call('PEXPIRE', K.bucket, tonumber(A.ttl_ms))
if grant > 0 then return grant end
return -math.ceil((1 - tok) * 1000 / rate)
