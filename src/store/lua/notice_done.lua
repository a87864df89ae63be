-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS outbox dossier
--! ARGV key rev
-- The notice of revision `rev` of a dossier is queued: it leaves the
-- outbox, unless a newer revision's notice became due meanwhile.
if redis.call('HGET', K.dossier, 'notice_rev') == A.rev then
  redis.call('ZREM', K.outbox, A.key)
end
return 1
