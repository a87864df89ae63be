-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS fp
--! ARGV id at conn expect
-- Marks a fingerprint with how a copy of MO `id` was acknowledged, for
-- mo_in.lua to tell a citizen's repeat from an SMS centre's re-delivery:
--   "a <at> <conn> <up> <id>"
-- status 0 sent at <at> (UTC ms), within gateway.mo_ack_timeout of the
-- deliver_sm, on connection <conn> (a token of the process's run, the
-- bind and the connection); <up> 1 once that connection stayed up
-- mo_ack_timeout after it (fp_up.lua). mo_in.lua writes the up-0 form
-- of a new MO (before its acknowledgement goes out: <at> is when it was
-- recorded; mo_commit.lua puts back the plain id if it did not go out
-- in time); this script that of a re-delivery acknowledged in time,
-- when the fingerprint still holds `expect` (what mo_in found). A
-- fingerprint that holds anything else (a newer MO, a newer mark) is left
-- alone; the TTL is kept. Returns 1 when marked, 0 not.
if redis.call('GET', K.fp) ~= A.expect then return 0 end
redis.call('SET', K.fp, 'a ' .. A.at .. ' ' .. A.conn .. ' 0 ' .. A.id,
           'KEEPTTL')
return 1
