--! KEYS outbox dossier
--! ARGV key rev
-- The notice of revision `rev` of a dossier is queued: it leaves the
-- outbox, unless the status changed again meanwhile (a newer revision
-- waits for its own notice).
if redis.call('HGET', K.dossier, 'rev') == A.rev then
  redis.call('ZREM', K.outbox, A.key)
end
return 1
