-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS ref mt
--! ARGV ttl_s
-- The concatenation reference of a multipart MT: the one recorded on it
-- (by an earlier attempt or another process), else the next of the
-- phone's counter, recorded. The counter lives ttl_s after its last
-- use: a reference needs to differ only from the phone's recent ones.
local old = redis.call('HGET', K.mt, 'ref')
if old then return tonumber(old) end
local r = redis.call('INCR', K.ref) % 65536
redis.call('EXPIRE', K.ref, A.ttl_s)
if redis.call('EXISTS', K.mt) == 1 then
  redis.call('HSET', K.mt, 'ref', r)
end
return r
