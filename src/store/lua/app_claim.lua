-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS claim
--! ARGV code mo old expire_at
-- The code of a phone's application for one procedure on one day: the
-- one given already, or `code` when there is none yet (or when the one
-- given is still `old`: a code that an imported dossier turned out to
-- use). The value is "<code> <MO id>", kept until expire_at (ms, after
-- the day's end). code '' only reads.
-- Returns the value, or '' when there is none.
local v = redis.call('GET', K.claim)
if v and (A.old == '' or string.sub(v, 1, #A.old + 1) ~= A.old .. ' ') then
  return v
end
if A.code == '' then return v or '' end
local nv = A.code .. ' ' .. A.mo
redis.call('SET', K.claim, nv, 'PXAT', A.expire_at)
return nv
