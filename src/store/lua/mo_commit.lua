-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS sess inq mo outq mt ph mt2 requests fp rq
--! ARGV mo_id expect_v op sess_ttl_ms mt_id mt_score mt_ttl_s lookup_failed set_lang optout now lookup_window_ms lookup_limit block_ms replies_per_minute mt_counts mt2_id mo_state ack_at ack_conn ph_ttl_s req_max req_minid req_until owner
-- Round trip 2 of an MO, atomic: if the MO is still open and the session
-- version is still expect_v, replaces the session (group A.sess), queues
-- the reply (A.mt) and an SMS copy (A.mt2), records the request (A.req),
-- applies the profile effects and closes the MO.
-- op: set | end | keep (the session is neither checked nor touched).
-- The replies are queued leased to this process (until mt_score), their
-- `owner` (claim.lua) A.owner.
-- mt_id, mt2_id, set_lang, optout: '' for none.
-- ack_conn (not ''): the MO was acknowledged in time at ack_at on that
-- connection: its fingerprint, if it still names it, says so (the up-0
-- form of fp_ack.lua), whatever becomes of the commit.
-- Returns {'ok', now_blocked, limited, mt2_queued} | {'gone'} |
-- {'conflict', session}. Over the reply limit the MO is closed with no
-- reply, no session change and no request; an opt-out still applies.
-- A profile written here lives ph_ttl_s from its last write, unless it
-- holds an opt-out (the citizen's choice, kept). The request stream is
-- trimmed to about req_max entries and to ids from req_minid on. A
-- request whose number K.rq names already (made before today) is not
-- recorded again; K.rq names it until req_until (ms).
if A.ack_conn ~= '' and redis.call('GET', K.fp) == A.mo_id then
  redis.call('SET', K.fp, 'a ' .. A.ack_at .. ' ' .. A.ack_conn .. ' 0 ' ..
             A.mo_id, 'KEEPTTL')
end
if not redis.call('ZSCORE', K.inq, A.mo_id) then
  return {'gone'}
end
local op = A.op
local v = tonumber(redis.call('HGET', K.sess, 'v') or '0')
if op ~= 'keep' and v ~= tonumber(A.expect_v) then
  return {'conflict', redis.call('HGETALL', K.sess)}
end
local now = tonumber(A.now)
local ph_written = false
local function keep_ph()
  if not ph_written then return end
  if redis.call('HGET', K.ph, 'optout') == '1' then
    redis.call('PERSIST', K.ph)
  else
    redis.call('EXPIRE', K.ph, A.ph_ttl_s)
  end
end
-- the reply limit: one window of a minute in the profile
local function take()
  local lim = tonumber(A.replies_per_minute)
  if lim == 0 then return true end
  local w = redis.call('HMGET', K.ph, 'rlw', 'rln')
  local ws, n = tonumber(w[1] or '0'), tonumber(w[2] or '0')
  if now - ws >= 60000 then ws = now; n = 0 end
  if n >= lim then return false end
  redis.call('HSET', K.ph, 'rlw', ws, 'rln', n + 1)
  ph_written = true
  return true
end
local function queue(key, id, fields)
  redis.call('HSET', key, 'state', 'queued', 'owner', A.owner,
             unpack(fields))
  redis.call('EXPIRE', key, A.mt_ttl_s)
  redis.call('ZADD', K.outq, A.mt_score, id)
end
if A.optout ~= '' then
  redis.call('HSET', K.ph, 'optout', A.optout, 'optout_at', now)
  ph_written = true
end
if A.mt_id ~= '' and A.mt_counts == '1' and not take() then
  redis.call('ZREM', K.inq, A.mo_id)
  redis.call('HSET', K.mo, 'state', 'limited', 'mt', '')
  keep_ph()
  return {'ok', 0, 1, 0}
end
if op ~= 'keep' then
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
  local ws = tonumber(redis.call('HGET', K.ph, 'lfw') or '0')
  local n = 1
  ph_written = true
  if now - ws > tonumber(A.lookup_window_ms) then
    redis.call('HSET', K.ph, 'lfw', now, 'lf', 1)
  else
    n = redis.call('HINCRBY', K.ph, 'lf', 1)
  end
  if n >= tonumber(A.lookup_limit) then
    redis.call('HSET', K.ph, 'lb', now + tonumber(A.block_ms))
    blocked = 1
  end
end
if A.set_lang ~= '' then
  redis.call('HSET', K.ph, 'lang', A.set_lang)
  ph_written = true
end
keep_ph()
redis.call('ZREM', K.inq, A.mo_id)
redis.call('HSET', K.mo, 'state', A.mo_state, 'mt', A.mt_id)
return {'ok', blocked, 0, mt2}
