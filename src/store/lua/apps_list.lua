-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS apps dossiers
--! ARGV since upto status app limit scan
-- The applications of one shard, newest first: walks the index (zset:
-- dossier key, score = filed, ms) from upto down to since (inclusive),
-- reads each dossier (K.dossiers is the shard-local prefix of dossier
-- records) and keeps those of status (0: any) and procedure app ('':
-- any), until limit are kept or scan entries were looked at. An entry
-- whose dossier is gone (its time to live ran out) is skipped.
-- Returns {more, key, filed, dossier hash, key, filed, hash ...}; more is
-- 1 when the walk stopped at scan with entries left in the range.
local limit, scan = tonumber(A.limit), tonumber(A.scan)
local out, kept, seen, off = {0}, 0, 0, 0
local function wanted(h)
  if A.status == '0' and A.app == '' then return true end
  local st, app = '', ''
  for i = 1, #h - 1, 2 do
    if h[i] == 'status' then st = h[i + 1] end
    if h[i] == 'app' then app = h[i + 1] end
  end
  return (A.status == '0' or st == A.status) and (A.app == '' or app == A.app)
end
while kept < limit and seen < scan do
  local want = math.min(100, scan - seen)
  local page = redis.call('ZREVRANGEBYSCORE', K.apps, A.upto, A.since,
                          'WITHSCORES', 'LIMIT', off, want)
  local n = #page / 2
  for i = 1, #page - 1, 2 do
    seen = seen + 1
    if kept < limit then
      local h = redis.call('HGETALL', K.dossiers .. page[i])
      if #h > 0 and wanted(h) then
        kept = kept + 1
        out[#out + 1] = page[i]
        out[#out + 1] = page[i + 1]
        out[#out + 1] = h
      end
    end
  end
  off = off + n
  if n < want then return out end
end
if kept < limit and #redis.call('ZREVRANGEBYSCORE', K.apps, A.upto,
                                A.since, 'LIMIT', off, 1) > 0 then
  out[1] = 1
end
return out
