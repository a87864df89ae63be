-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS parts queue done
--! ARGV member window_ms
-- The parts of a multipart MO were processed: forget them, and for
-- window_ms treat a late part of the message as a duplicate.
redis.call('SET', K.done, '1', 'PX', A.window_ms)
redis.call('ZREM', K.queue, A.member)
redis.call('DEL', K.parts)
return 1
