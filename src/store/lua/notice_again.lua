-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS dossier outbox
--! ARGV key now
-- Staff ask for a dossier's notice again: a new revision (a notice sent
-- for the last one does not stop it) into the outbox. Returns the
-- revision, 0 when there is no such dossier.
if redis.call('EXISTS', K.dossier) == 0 then return 0 end
local rev = redis.call('HINCRBY', K.dossier, 'rev', 1)
redis.call('HSET', K.dossier, 'notice_rev', rev, 'notice_status',
           redis.call('HGET', K.dossier, 'status'))
redis.call('ZADD', K.outbox, A.now, A.key)
return rev
