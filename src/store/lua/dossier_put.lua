-- SPDX-License-Identifier: GPL-3.0-or-later
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
-- An application a citizen filed (field app, its "f:" fields, filed_by)
-- stays one when the back office replaces the dossier without them.
-- Returns {status it had ('' when new), changed (0|1), revision}.
local old = redis.call('HGET', K.dossier, 'status')
local rev = tonumber(redis.call('HGET', K.dossier, 'rev') or '0')
local due = redis.call('HMGET', K.dossier, 'notice_rev', 'notice_status')
local new, app
local d = A.dossier
for i = 1, #d - 1, 2 do
  if d[i] == 'status' then new = d[i + 1] end
  if d[i] == 'app' then app = d[i + 1] end
end
local keep = {}
if app == nil or app == '' then
  local h = redis.call('HGETALL', K.dossier)
  for i = 1, #h - 1, 2 do
    local f = h[i]
    if f == 'app' or f == 'filed_by' or string.sub(f, 1, 2) == 'f:' then
      keep[#keep + 1] = f
      keep[#keep + 1] = h[i + 1]
    end
  end
end
local changed = old ~= false and old ~= nil and old ~= new
if changed then rev = rev + 1 end
redis.call('DEL', K.dossier)
redis.call('HSET', K.dossier, 'rev', rev, unpack(d))
if #keep > 0 then redis.call('HSET', K.dossier, unpack(keep)) end
if changed and A.notify == '1' then
  redis.call('HSET', K.dossier, 'notice_rev', rev, 'notice_status', new)
  redis.call('ZADD', K.outbox, A.now, A.key)
elseif due[1] then
  redis.call('HSET', K.dossier, 'notice_rev', due[1], 'notice_status',
             due[2])
end
return {old or '', changed and 1 or 0, rev}
