-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS fp
--! ARGV id at conn
--! USE fp_mark
-- The acknowledgement of an MO stored in one call (mo_commit.lua's record
-- mode) did not go out in time after all (late, its connection gone, or
-- the call's reply lost): the fingerprint, if it still holds the up-0
-- mark that call wrote for <at> and <conn>, names the MO plainly, so
-- that a copy of it is a re-delivery. Returns nothing.
fp_unmark(K.fp, A.id, A.at, A.conn)
