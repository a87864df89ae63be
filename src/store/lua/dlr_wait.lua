-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS id
--! ARGV wait ttl_s
-- A receipt whose message id is not known yet (an SMS centre may send it
-- before the submit_sm_resp) waits in the id's own key, A.wait for
-- ttl_s, for the mapping to take it: the mapping's SET ... GET
-- (store_mt.c, send_msgid) returns it. A waiting value begins with
-- STORE_BC_SEP, which no mapping ("<MT key>#<part>") does. If the mapping
-- came first, it is left alone and returned; a receipt waiting already
-- is replaced by this later one.
-- Returns the mapping | false (the receipt waits).
local v = redis.call('GET', K.id)
if v and string.byte(v, 1) ~= string.byte(A.wait, 1) then return v end
redis.call('SET', K.id, A.wait, 'EX', A.ttl_s)
return false
