-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS dossier apps
--! ARGV key filed_by now keep
-- Creates the dossier of an application (group A.dossier, with its
-- "f:" fields) unless one has its code already, and lists it in the
-- shard's applications (zset, score = filed), dropping entries older
-- than keep ms. The dossier expires keep ms after it is filed.
-- Returns {verdict, due_at}: 'new'; 'ours' when the same MO filed it
-- before (a step computed again); 'taken' when another dossier has the
-- code (the caller takes the next number).
if redis.call('EXISTS', K.dossier) == 1 then
  local h = redis.call('HMGET', K.dossier, 'filed_by', 'due_at')
  if h[1] == A.filed_by then return {'ours', h[2] or ''} end
  return {'taken', ''}
end
redis.call('HSET', K.dossier, 'rev', 0, unpack(A.dossier))
redis.call('PEXPIRE', K.dossier, A.keep)
redis.call('ZADD', K.apps, A.now, A.key)
redis.call('ZREMRANGEBYSCORE', K.apps, '-inf', A.now - A.keep)
return {'new', redis.call('HGET', K.dossier, 'due_at') or ''}
