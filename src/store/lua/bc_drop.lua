-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS pending lease counts
--! ARGV as
-- The recipients of a broadcast not yet sent in one shard will never be:
-- counted as `as` ('cancelled' or 'expired') and forgotten.
local n = redis.call('LLEN', K.pending) + redis.call('ZCARD', K.lease)
redis.call('DEL', K.pending, K.lease)
if n > 0 then
  redis.call('HINCRBY', K.counts, 'pending', -n)
  redis.call('HINCRBY', K.counts, A.as, n)
end
return n
