-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS fps
--! USE fp_mark
-- Marks fingerprints of one shard "up" (fp_ack.lua's up-1 form), many in
-- one call: the acknowledgements whose connection stayed up
-- mo_ack_timeout after them. K.fps is the shard's fingerprint prefix;
-- group A.m holds per acknowledgement its fingerprint, MO id, time and
-- connection. A fingerprint that no longer holds that acknowledgement's
-- up-0 form (a newer MO, a newer mark, expired) is left alone; the TTL is
-- kept. One call per MO (fp_ack.lua) was about a quarter of the script
-- calls. Each mark is one SET ... XX GET (an existing key only), put back
-- as it was in the rare case that it held something else: a GET and a
-- SET each time cost more. Returns how many were marked.
local m, n = A.m or {}, 0
for i = 1, #m - 3, 4 do
  local k = K.fps .. m[i]
  local prev = redis.call('SET', k, fp_mark(m[i + 2], m[i + 3], 1, m[i + 1]),
                          'XX', 'KEEPTTL', 'GET')
  if prev == fp_mark(m[i + 2], m[i + 3], 0, m[i + 1]) then
    n = n + 1
  elseif prev then
    redis.call('SET', k, prev, 'KEEPTTL')
  end
end
return n
