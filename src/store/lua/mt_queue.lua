-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS queue mt
--! ARGV id ready_ms ttl_s
-- Queues an MT (group A.mt) ready at ready_ms for any gateway process to
-- claim; an MT of that id queued before is left alone. Returns 1 when
-- queued, 0 when it existed.
if redis.call('EXISTS', K.mt) == 1 then return 0 end
redis.call('HSET', K.mt, 'state', 'queued', unpack(A.mt))
redis.call('EXPIRE', K.mt, A.ttl_s)
redis.call('ZADD', K.queue, A.ready_ms, A.id)
return 1
