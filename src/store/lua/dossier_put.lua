--! KEYS dossier outbox
--! ARGV key notify now
-- Replaces a dossier (group A.dossier) in one step: a lookup never sees
-- it missing or half written. A new status of a dossier that existed
-- bumps its revision (field rev) and, when notify is '1', records that
-- revision's notice as due (notice_rev, notice_status) and puts the
-- dossier in its shard's notice outbox (zset: dossier key, score =
-- ready), from which a gateway process sends it (notice_claim,
-- notice_queue, notice_done): written in the same step, never lost. A
-- change without notify leaves a notice still due as it is.
-- Returns {status it had ('' when new), changed (0|1), revision}.
local old = redis.call('HGET', K.dossier, 'status')
local rev = tonumber(redis.call('HGET', K.dossier, 'rev') or '0')
local due = redis.call('HMGET', K.dossier, 'notice_rev', 'notice_status')
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
  redis.call('HSET', K.dossier, 'notice_rev', rev, 'notice_status', new)
  redis.call('ZADD', K.outbox, A.now, A.key)
elseif due[1] then
  redis.call('HSET', K.dossier, 'notice_rev', due[1], 'notice_status',
             due[2])
end
return {old or '', changed and 1 or 0, rev}
