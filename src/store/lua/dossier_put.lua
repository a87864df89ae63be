--! KEYS dossier
--! ARGV
-- Replaces a dossier (group A.dossier) in one step: a lookup never sees
-- it missing or half written. Returns the status it had ('' when new).
local old = redis.call('HGET', K.dossier, 'status') or ''
redis.call('DEL', K.dossier)
redis.call('HSET', K.dossier, unpack(A.dossier))
return old
