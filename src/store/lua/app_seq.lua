-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS seq
--! ARGV ttl
-- The next sequence number of an agency's dossier codes of one day: one
-- INCR for every process, so that no two applications share a code.
-- The counter outlives its day by ttl (ms), then goes.
local n = redis.call('INCR', K.seq)
redis.call('PEXPIRE', K.seq, A.ttl)
return n
