-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS queue mt lease counts
--! ARGV id msisdn score ttl_s owner
-- Queues the MT (group A.mt) of one taken recipient, leased to this
-- process (`owner`, see claim.lua) until `score`, and ends the recipient's lease. An MT of that id
-- exists already when another process queued it first (its lease ran out
-- here): nothing is queued twice. Returns 1 queued, 0 existed.
redis.call('ZREM', K.lease, A.msisdn)
if redis.call('EXISTS', K.mt) == 1 then return 0 end
redis.call('HSET', K.mt, 'state', 'queued', 'owner', A.owner, unpack(A.mt))
redis.call('EXPIRE', K.mt, A.ttl_s)
redis.call('ZADD', K.queue, A.score, A.id)
redis.call('HINCRBY', K.counts, 'pending', -1)
redis.call('HINCRBY', K.counts, 'queued', 1)
return 1
