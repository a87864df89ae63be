-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS fp
--! ARGV id at conn expect
--! USE fp_mark
-- Marks a fingerprint with how a copy of MO `id` was acknowledged, for
-- mo_in.lua to tell a citizen's repeat from an SMS centre's re-delivery:
--   "a <at> <conn> <up> <id>"
-- status 0 sent within gateway.mo_ack_timeout of the deliver_sm, on
-- connection <conn> (a token of the process's run, the bind and the
-- connection). <up> is 0 (1, "that connection stayed up mo_ack_timeout
-- after it", came from processes of before the connection keys that
-- fp_judge in lib/fp_mark.lua reads now). <at> (UTC ms) tells marks
-- apart: a new MO's received time, written by mo_in.lua before its
-- acknowledgement goes out (mo_commit.lua puts back the plain id if it
-- did not go out in time); a copy's received time, here, for a
-- re-delivery acknowledged in time, when the fingerprint still holds
-- `expect` (what mo_in found) or the plain id of the MO (the first
-- copy's commit put it back meanwhile: its acknowledgement was late). A
-- fingerprint that holds anything else (a newer MO, a newer mark) is
-- left alone; the TTL is kept. Returns 1 when marked, 0 not.
local cur = redis.call('GET', K.fp)
if cur ~= A.expect and cur ~= A.id then return 0 end
redis.call('SET', K.fp, fp_mark(A.at, A.conn, '0', A.id), 'KEEPTTL')
return 1
