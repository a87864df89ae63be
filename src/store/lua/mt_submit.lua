-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS mt
--! ARGV now
-- A process is about to submit an MT: counts the try and remembers when
-- the first one was. A second try by another process (the first died)
-- marks the MT a possible duplicate: the first may have gone out before
-- its answer was lost. Returns the tries.
if redis.call('EXISTS', K.mt) == 0 then return 0 end
local n = redis.call('HINCRBY', K.mt, 'tries', 1)
if n == 1 then
  redis.call('HSET', K.mt, 'sub_at', A.now)
else
  redis.call('HSET', K.mt, 'dup', 1)
end
return n
