--! KEYS dossier outbox
--! ARGV key notify now
-- Replaces a dossier (group A.dossier) in one step: a lookup never sees
-- it missing or half written. A new status of a dossier that existed
-- bumps its revision (field rev) and, when notify is '1', puts it in its
-- shard's notice outbox (zset: dossier key, score = ready), from which a
-- gateway process sends the notice (notice_claim, notice_queue,
-- notice_done): written in the same step, never lost.
-- Returns {status it had ('' when new), changed (0|1), revision}.
local old = redis.call('HGET', K.dossier, 'status')
local rev = tonumber(redis.call('HGET', K.dossier, 'rev') or '0')
local new
local d = A.dossier
for i = 1, #d - 1, 2 do
  if d[i] == 'status' then new = d[i + 1] end
end
local changed = old ~= false and old ~= nil and old ~= new
if changed then rev = rev + 1 end
redis.call('DEL', K.dossier)
redis.call('HSET', K.dossier, 'rev', rev, unpack(d))
if changed and A.notify == '1' then
  redis.call('ZADD', K.outbox, A.now, A.key)
end
return {old or '', changed and 1 or 0, rev}
