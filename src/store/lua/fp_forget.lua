-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS fp
--! ARGV id
--! USE fp_mark
-- The records a one-call MO's commit wrote were taken back (its script,
-- or a command of its lean transaction, failed: store_commit_unwrite)
-- and the MO is refused: the copy the SMS centre delivers again is a new
-- MO. The fingerprint, if the commit left it naming this MO (the mark of
-- its acknowledgement, or its plain id), goes, or that copy would be
-- taken for a re-delivery of an MO nothing holds. A key of another type
-- is left to its TTL (pcall): what fails the commit cannot name it.
-- Returns nothing.
local v = redis.pcall('GET', K.fp)
if type(v) == 'string' and
   (v == A.id or select(4, fp_parse(v)) == A.id) then
  redis.call('DEL', K.fp)
end
