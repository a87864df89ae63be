-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS parts queue done
--! ARGV seq part deadline ttl_s member total
-- A part of a multipart MO (group A.meta: the MO's addressing, kept from
-- the first part), kept until its siblings arrive.
-- Returns {'dup'} | {'conflict'} | {'stored'} | {'complete', all fields}.
if redis.call('EXISTS', K.done) == 1 then return {'dup'} end
local f = 'p' .. A.seq
if redis.call('HSETNX', K.parts, f, A.part) == 0 then
  if redis.call('HGET', K.parts, f) ~= A.part then
    return {'conflict'}
  end
  return {'dup'}
end
local meta = A.meta or {}
for i = 1, #meta - 1, 2 do
  redis.call('HSETNX', K.parts, meta[i], meta[i + 1])
end
redis.call('EXPIRE', K.parts, A.ttl_s)
redis.call('ZADD', K.queue, 'NX', A.deadline, A.member)
local n = 0
for _, k in ipairs(redis.call('HKEYS', K.parts)) do
  if string.sub(k, 1, 1) == 'p' then n = n + 1 end
end
if n >= tonumber(A.total) then
  return {'complete', redis.call('HGETALL', K.parts)}
end
return {'stored'}
