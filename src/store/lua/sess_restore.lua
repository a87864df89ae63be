-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS sess
--! ARGV stepped found_v
-- A lean commit stepped a USSD session with plain commands (store_mo.c,
-- lean_step: HGETALL, DEL, HSET in its transaction) and then found
-- that it raced: the session it replaced was not the version it had read
-- (another MO of the phone stepped it meanwhile, a second process), or
-- its fingerprint changed. Its step is taken back: if the session still
-- holds the version it wrote (`stepped`), the one it found goes back
-- (found_v, '0' for none, and group A.sess, its fields but v), its
-- version made newer than both, so that an MO that read the step taken
-- back conflicts; its TTL is the step's. A session written since is
-- left alone. Returns 1 when put back, else 0.
if redis.call('HGET', K.sess, 'v') ~= A.stepped then
  return 0
end
local ttl = redis.call('PTTL', K.sess)
redis.call('DEL', K.sess)
if A.found_v ~= '0' then
  local v = math.max(tonumber(A.found_v), tonumber(A.stepped)) + 1
  redis.call('HSET', K.sess, 'v', string.format('%d', v),
             unpack(A.sess or {}))
  if ttl > 0 then
    redis.call('PEXPIRE', K.sess, ttl)
  end
end
return 1
