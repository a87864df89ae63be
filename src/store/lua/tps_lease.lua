-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS bucket
--! ARGV rate want slice ttl_ms
-- The TPS cap of one SMSC account across every gateway process bound to
-- it, as a schedule of send slots 1/rate apart (GCRA): field `tat` is the
-- next free slot (ms). A lease takes up to `want` consecutive slots
-- starting at the later of `tat` and now, all within the next `slice` ms;
-- the process spends each one at its time and drops what it could not
-- spend a slice after it. Slots are never shared, so the submits of all
-- processes together are at most rate per second, plus what one slice of
-- late spending can move into the same second.
--
-- The clock is Redis's own (TIME), not the callers': processes on several
-- machines share one schedule and their clocks may differ. (Scripts are
-- replicated by their effects since Redis 5, so TIME is allowed.)
--
-- The rate is the smallest any process asked for within two seconds
-- (fields low, low_at): daemons bound to one account that disagree on its
-- tps hold the smallest.
--
-- Returns { n, first_us, every_us }: n slots, the first first_us from
-- now, the others every_us apart (1/rate); or { 0, wait_us, every_us }
-- when none is free before the slice ends: ask again in wait_us.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate = tonumber(A.rate)
local slice = tonumber(A.slice)
local h = redis.call('HMGET', K.bucket, 'tat', 'low', 'low_at')
local low, low_at = tonumber(h[2] or ''), tonumber(h[3] or '')
if low and low_at and low < rate and now - low_at < 2000 then
	rate = low
else
	redis.call('HSET', K.bucket, 'low', rate, 'low_at', now)
end
if rate <= 0 then return { 0, slice * 1000, 0 } end
local every = 1000 / rate
local start = math.max(tonumber(h[1] or '0') or 0, now)
local n = math.ceil((now + slice - start) / every)
n = math.min(tonumber(A.want), n)
redis.call('PEXPIRE', K.bucket, tonumber(A.ttl_ms))
if n <= 0 then
	return { 0, math.floor((start - now - slice + every) * 1000),
		 math.floor(every * 1000) }
end
redis.call('HSET', K.bucket, 'tat', tostring(start + n * every))
return { n, math.floor((start - now) * 1000), math.floor(every * 1000) }
