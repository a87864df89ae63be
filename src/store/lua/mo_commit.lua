-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS sess inq mo outq mt ph mt2 requests fp rq
--! ARGV mo_id expect_v op sess_ttl_ms mt_id mt_score mt_ttl_s lookup_failed set_lang optout now lookup_window_ms lookup_limit block_ms replies_per_minute mt_counts mt2_id mo_state ack_at ack_conn ph_ttl_s req_max req_minid req_until owner begin
-- Round trip 2 of an MO, atomic: if the MO is still open and the session
-- version is still expect_v, replaces the session (group A.sess), queues
-- the reply (A.mt) and an SMS copy (A.mt2), records the request (A.req),
-- applies the profile effects and closes the MO.
-- op: set | end | keep (the session is neither checked nor touched).
-- The replies are queued leased to this process (until mt_score), their
-- `owner` (claim.lua) A.owner.
-- mt_id, mt2_id, set_lang, optout: '' for none; mo_state '' for an MO
-- whose record goes once it is closed (see close below).
-- ack_conn (not ''): the MO was acknowledged in time at ack_at on that
-- connection: its fingerprint, if it still names it, says so (the up-0
-- form of fp_ack.lua), whatever becomes of the commit.
-- begin '1': the MO began a session (a USSD dial, SMS MENU): a copy of it
-- is a re-delivery only while it is open (mo_in.lua), so its fingerprint,
-- if it still names it, goes when it is closed (not marked).
-- Returns {'ok', now_blocked, limited, mt2_queued} | {'gone'} |
-- {'conflict', session}. Over the reply limit the MO is closed with no
-- reply, no session change and no request; an opt-out still applies.
-- A profile written here lives ph_ttl_s from its last write, unless it
-- holds an opt-out (the citizen's choice, kept). The request stream is
-- trimmed to about req_max entries and to ids from req_minid on. A
-- request whose number K.rq names already (made before today) is not
-- recorded again; K.rq names it until req_until (ms).
-- The fingerprint is marked with one SET ... GET, put back as it was in
-- the rare case that it no longer names this MO (Redis 7.0 has no
-- conditional SET): a GET and a SET each time cost more.
if A.ack_conn ~= '' and A.begin ~= '1' then
  local prev = redis.call('SET', K.fp, 'a ' .. A.ack_at .. ' ' ..
                          A.ack_conn .. ' 0 ' .. A.mo_id, 'KEEPTTL', 'GET')
  if prev ~= A.mo_id then
    if prev then
      redis.call('SET', K.fp, prev, 'KEEPTTL')
    else
      redis.call('DEL', K.fp)
    end
  end
end
-- The MO leaves the inbound queue first, its ZREM telling whether it was
-- still open (one command, not ZSCORE and ZREM); a conflict, rare, puts
-- it back leased as its reply would have been.
if redis.call('ZREM', K.inq, A.mo_id) == 0 then
  return {'gone'}
end
local op = A.op
local v = tonumber(redis.call('HGET', K.sess, 'v') or '0')
if op ~= 'keep' and v ~= tonumber(A.expect_v) then
  redis.call('ZADD', K.inq, A.mt_score, A.mo_id)
  return {'conflict', redis.call('HGETALL', K.sess)}
end
local now = tonumber(A.now)
-- The profile: the fields this script reads come in one HMGET, at the
-- first read; what it writes is kept (ph_new, in ph_order) and written
-- with one HSET at the end (ph_flush), later reads seeing it.
local ph, ph_new, ph_order = nil, {}, {}
local function ph_get(f)
  if ph_new[f] ~= nil then return ph_new[f] end
  if not ph then
    local r = redis.call('HMGET', K.ph, 'rlw', 'rln', 'lfw', 'lf', 'optout')
    ph = {rlw = r[1], rln = r[2], lfw = r[3], lf = r[4], optout = r[5]}
  end
  return ph[f]
end
local function ph_set(f, val)
  if ph_new[f] == nil then ph_order[#ph_order + 1] = f end
  ph_new[f] = val
end
local function ph_flush()
  if #ph_order == 0 then return end
  local args = {}
  for _, f in ipairs(ph_order) do
    args[#args + 1] = f
    args[#args + 1] = ph_new[f]
  end
  redis.call('HSET', K.ph, unpack(args))
  if ph_get('optout') == '1' then
    redis.call('PERSIST', K.ph)
  else
    redis.call('EXPIRE', K.ph, A.ph_ttl_s)
  end
end
-- the reply limit: one window of a minute in the profile
local function take()
  local lim = tonumber(A.replies_per_minute)
  if lim == 0 then return true end
  local ws = tonumber(ph_get('rlw') or '0')
  local n = tonumber(ph_get('rln') or '0')
  if now - ws >= 60000 then ws = now; n = 0 end
  if n >= lim then return false end
  ph_set('rlw', ws)
  ph_set('rln', n + 1)
  return true
end
local function queue(key, id, fields)
  redis.call('HSET', key, 'state', 'queued', 'owner', A.owner,
             unpack(fields))
  redis.call('EXPIRE', key, A.mt_ttl_s)
  redis.call('ZADD', K.outq, A.mt_score, id)
end
if A.optout ~= '' then
  ph_set('optout', A.optout)
  ph_set('optout_at', now)
end
-- A closed MO keeps no holder: `owner` served claim.lua while it was
-- open (the retained record is smaller for it). mo_state '': no record
-- is kept at all (a USSD screen answered: nothing needs it once its
-- session moved on).
local function close(state, mt)
  if A.begin == '1' then
    local fp = redis.call('GET', K.fp)
    if fp == A.mo_id or
       (fp and string.sub(fp, -#A.mo_id - 1) == ' ' .. A.mo_id) then
      redis.call('DEL', K.fp)
    end
  end
  if state == '' then
    redis.call('DEL', K.mo)
    return
  end
  redis.call('HSET', K.mo, 'state', state, 'mt', mt)
  redis.call('HDEL', K.mo, 'owner')
end
if A.mt_id ~= '' and A.mt_counts == '1' and not take() then
  close('limited', '')
  ph_flush()
  return {'ok', 0, 1, 0}
end
-- Ending a session that is not there (v 0: an SMS lookup with no menu)
-- writes none: no session and one with no node mean the same to mo_in
-- and the menus, and an MO that read "none" meanwhile still finds none.
-- A session that is there is replaced, its version stepped, so that an
-- MO that read it before conflicts.
if op == 'set' or (op == 'end' and v ~= 0) then
  redis.call('DEL', K.sess)
  if op == 'set' then
    redis.call('HSET', K.sess, 'v', v + 1, unpack(A.sess or {}))
  else
    redis.call('HSET', K.sess, 'v', v + 1, 'node', '')
  end
  redis.call('PEXPIRE', K.sess, A.sess_ttl_ms)
end
if A.mt_id ~= '' then queue(K.mt, A.mt_id, A.mt) end
local mt2 = 0
if A.mt2_id ~= '' and take() then
  queue(K.mt2, A.mt2_id, A.mt2)
  mt2 = 1
end
if A.req and redis.call('SET', K.rq, A.mo_id, 'NX', 'PXAT',
                        A.req_until) then
  redis.call('XADD', K.requests, 'MAXLEN', '~', A.req_max, '*',
             unpack(A.req))
  redis.call('XTRIM', K.requests, 'MINID', '~', A.req_minid)
end
local blocked = 0
if A.lookup_failed == '1' then
  local ws = tonumber(ph_get('lfw') or '0')
  local n = 1
  if now - ws > tonumber(A.lookup_window_ms) then
    ph_set('lfw', now)
  else
    n = tonumber(ph_get('lf') or '0') + 1
  end
  ph_set('lf', n)
  if n >= tonumber(A.lookup_limit) then
    ph_set('lb', now + tonumber(A.block_ms))
    blocked = 1
  end
end
if A.set_lang ~= '' then
  ph_set('lang', A.set_lang)
end
ph_flush()
close(A.mo_state, A.mt_id)
return {'ok', blocked, 0, mt2}
