-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS dossier outbox
--! ARGV key status reason notify now
-- Staff set a dossier's status and the reason for it without replacing
-- the dossier: its other fields, an application's (app, filed_by, its
-- "f:" fields) and its time to live stay as they are (HSET and HDEL keep
-- a TTL). A status other than the one it had bumps the revision (rev)
-- and, when notify is '1', records that revision's notice as due
-- (notice_rev, notice_status) and puts the dossier in its shard's notice
-- outbox, as dossier_put does: the notice relay sends it, with the
-- reason. The same status again changes only the reason; an empty
-- reason clears it.
-- Returns {status it had, changed (0|1), revision}, or {} when there is
-- no such dossier (nothing is written).
if redis.call('EXISTS', K.dossier) == 0 then return {} end
local old = redis.call('HGET', K.dossier, 'status') or ''
local rev = tonumber(redis.call('HGET', K.dossier, 'rev') or '0') or 0
local changed = old ~= A.status
if changed then rev = rev + 1 end
redis.call('HSET', K.dossier, 'status', A.status, 'rev', rev)
if A.reason == '' then
  redis.call('HDEL', K.dossier, 'reason')
else
  redis.call('HSET', K.dossier, 'reason', A.reason)
end
if changed and A.notify == '1' then
  redis.call('HSET', K.dossier, 'notice_rev', rev, 'notice_status',
             A.status)
  redis.call('ZADD', K.outbox, A.now, A.key)
end
return {old, changed and 1 or 0, rev}
