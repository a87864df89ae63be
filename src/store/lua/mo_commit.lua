-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS sess inq mo outq mt ph fp up ?mt2 ?requests ?rq
--! ARGV mo_id expect_v flags sess_until mt_id mt_score set_lang optout now mt2_id mo_state ack_at ack_conn owner live
--! CONF mt_ttl_s lookup_window_ms lookup_limit block_ms replies_per_minute ph_ttl_s dedup_ms reply_window_ms
--! USE fp_mark
-- Round trip 2 of an MO, atomic: if the MO is still open and the session
-- version is still expect_v, replaces the session (group A.sess), queues
-- the reply (A.mt) and an SMS copy (A.mt2), records the request (A.req,
-- with A.reqopt: 'max', req_max, 'minid', req_minid, 'until', req_until),
-- applies the profile effects and closes the MO. K.mt2 is given with an
-- SMS copy, K.requests and K.rq with a request: an MO with neither
-- leaves out those keys, and the request's three values, each an
-- argument Redis makes into a Lua string (about 0.7 K instructions,
-- bench/script-cost.sh --instr). For the same reason the configuration's
-- values (C.*: protect.*, gateway.mo_dedup_window, the records' TTLs)
-- are written into the text the process loads (store/script.c), not
-- sent with each call.
-- flags: five characters in one argument, not six arguments (3.6 K
-- instructions of Redis fewer per call, bench/script-cost.sh --instr):
-- the session's op, 's' set, 'k' keep (neither checked nor touched) or
-- 'e' end; '1' if the lookup failed (it counts towards the lookup
-- limit); '1' if the reply counts towards the reply limit; the MO's
-- mode, 'b' begin, 'i' input or 'n' new (below); '1' in record mode
-- (below).
-- The replies are queued leased to this process (until mt_score), their
-- `owner` (claim.lua) A.owner.
-- mt_id, mt2_id, set_lang, optout: '' for none; mo_state '' for an MO
-- whose record goes once it is closed (see close below).
-- ack_conn (not ''): mo_in.lua wrote the MO's fingerprint in the
-- up-0 form of fp_ack.lua for ack_at (the MO's received time) and
-- that connection, and the acknowledgement did not go out in time after
-- all (late, refused, its connection gone); '*': the MO was recovered,
-- whether the acknowledgement its first process marked went out in time
-- is not known. The fingerprint, if it still holds that mark (for '*',
-- on any connection: not a re-delivery's, fp_ack.lua's, whose <at> is
-- another), names the MO plainly (a copy of it is a re-delivery),
-- whatever becomes of the commit. An MO acknowledged in time leaves it
-- as mo_in wrote it.
-- mode 'b', begin: the MO began a session (a USSD dial, SMS MENU): a
-- copy of it is a re-delivery only while it is open (mo_in.lua), so its
-- fingerprint, if it still names it, goes when it is closed (not
-- marked).
--
-- Record mode (flags' fifth '1'): an SMS or a USSD answer that mo_in.lua
-- never recorded, stored once, closed, in the same transaction that
-- answers it (gw.c, the one-call MO; its acknowledgement goes out after
-- the transaction's EXEC). The MO's record (mo_state, mt_id and the MO,
-- living mo_ttl_s; none for mo_state '', a USSD answer) and the reply's
-- (queued, owner, living mt_ttl_s) are written by plain HSETs and
-- PEXPIREATs before this script in that MULTI (store_mo.c, store_commit):
-- passed through Lua, as a group each, their fields were a tenth of
-- this script's instructions (bench/script-cost.sh --instr). The script
-- decides, and what it decides against it takes back (unwrite) before
-- anyone sees it. The session version is checked first (a conflict
-- writes nothing); then the fingerprint is judged as mo_in.lua judges
-- one (dedup_ms, live and K.up as there; mode 'i', input: a USSD
-- answer, new input where a menu waits), and marked with the
-- acknowledgement about to go out: the up-0 mark for ack_at and
-- ack_conn, or the plain id for ack_conn ''. A re-delivery writes
-- nothing.
--
-- Returns {'ok', now_blocked, limited, mt2_queued, repeated id or '',
-- why a copy of it would have been a re-delivery or ''} |
-- {'gone'} | {'conflict', session} | {'dup', original id, why, what K.fp
-- held} (record mode). Over the reply limit the MO is closed with no
-- reply, no session change and no request; an opt-out still applies.
-- A profile written here lives ph_ttl_s from its last write (from the
-- first of the last ~28 hours, below), unless it holds an opt-out (the
-- citizen's choice, kept). The request stream is
-- trimmed to about req_max entries and to ids from req_minid on. A
-- request whose number K.rq names already (made before today) is not
-- recorded again; K.rq names it until req_until (ms).
-- the flags' characters as numbers, in one call ('k' 107, 's' 115, 'b' 98,
-- 'i' 105, '1' 49): no string made, nothing to collect (a string.find a
-- flag cost more than the arguments it saved)
local f_op, f_failed, f_counts, f_mode, f_record =
  string.byte(A.flags, 1, 5)
local op = f_op == 107 and 'keep' or f_op == 115 and 'set' or 'end'
local begin, lookup_failed = f_mode == 98, f_failed == 49
-- v: the session's version as stored (a decimal string, as expect_v):
-- compared as strings. Values written here are strings where they can
-- be: a Lua number in a command is formatted with printf, and strtod
-- reads one (together 4% of this script's instructions, callgrind).
local v, again, again_why
local record = f_record == 49
-- record mode: what the transaction wrote before this script, taken back
local function unwrite()
  redis.call('DEL', K.mo, K.mt)
end
if record then
  v = redis.call('HGET', K.sess, 'v') or '0'
  if op ~= 'keep' and v ~= A.expect_v then
    unwrite()
    return {'conflict', redis.call('HGETALL', K.sess)}
  end
  -- judged as mo_in.lua judges it (an SMS, a USSD answer)
  if C.dedup_ms ~= '0' then
    local id, why, prev = fp_take(K.fp, K.inq, A.mo_id, A.ack_at,
                                  A.ack_conn, C.dedup_ms, A.live, K.up)
    local dup = fp_redelivery(why, f_mode == 105 and 'input' or 'new',
                              K.sess)
    if dup then
      fp_put_back(K.fp, prev, C.dedup_ms)
      unwrite()
      return {'dup', id, dup, prev}
    end
    again, again_why = id, why
  end
else
  if A.ack_conn ~= '' and not begin then
    fp_unmark(K.fp, A.mo_id, A.ack_at, A.ack_conn)
  end
  -- The MO leaves the inbound queue first, its ZREM telling whether it
  -- was still open (one command, not ZSCORE and ZREM); a conflict, rare,
  -- puts it back leased as its reply would have been.
  if redis.call('ZREM', K.inq, A.mo_id) == 0 then
    return {'gone'}
  end
  v = redis.call('HGET', K.sess, 'v') or '0'
  if op ~= 'keep' and v ~= A.expect_v then
    redis.call('ZADD', K.inq, A.mt_score, A.mo_id)
    return {'conflict', redis.call('HGETALL', K.sess)}
  end
end
again, again_why = again or '', again_why or ''
local now = tonumber(A.now)
-- The profile: what this script reads of it comes in one HMGET, only if
-- it may write it; what it writes goes in one HSET at the end. Plain
-- locals, no table of fields and no helper functions: those were a
-- fifth of this script's time (bench/script-cost.sh).
local counts = A.mt_id ~= '' and f_counts == 49
local lim = tonumber(C.replies_per_minute)
local r = {}
if (lim ~= 0 and (counts or A.mt2_id ~= '')) or lookup_failed or
   A.set_lang ~= '' then
  r = redis.call('HMGET', K.ph, 'rlw', 'rln', 'lfw', 'lf', 'optout', 'xd')
end
-- the reply limit: one window of a minute in the profile (rlw, rln),
-- `taken` replies counted in it here
local rlw, rln, taken = r[1] or '0', tonumber(r[2] or '0'), 0
if now - tonumber(rlw) >= tonumber(C.reply_window_ms) then
  rlw, rln = A.now, 0
end
-- the profile's fields this script writes, in one HSET; it then lives
-- ph_ttl_s from this write, unless it holds an opt-out. The expiry is
-- written again only in a new period of 10^8 ms (about 28 hours; xd, the
-- period of the last, `now` without its last 8 digits: no arithmetic;
-- a lean commit, store_mo.c, divides by 10^8) or
-- when the opt-out changes: an EXPIRE per reply was a tenth of this
-- script's commands, for a TTL of 400 days.
local function ph_write(f)
  if #f == 0 then return end
  local optout, xd = A.optout, string.sub(A.now, 1, -9)
  if optout == '' then optout = r[5] end
  local renew = optout ~= '1' and (A.optout ~= '' or r[6] ~= xd)
  if renew then
    f[#f + 1] = 'xd'
    f[#f + 1] = xd
  end
  redis.call('HSET', K.ph, unpack(f))
  if optout == '1' then
    redis.call('PERSIST', K.ph)
  elseif renew then
    redis.call('EXPIRE', K.ph, C.ph_ttl_s)
  end
end
local ph = {}
if A.optout ~= '' then
  ph = {'optout', A.optout, 'optout_at', A.now}
end
local function queue(key, id, fields)
  redis.call('HSET', key, 'state', 'queued', 'owner', A.owner,
             unpack(fields))
  redis.call('EXPIRE', key, C.mt_ttl_s)
  redis.call('ZADD', K.outq, A.mt_score, id)
end
-- A closed MO keeps no holder and no fingerprint: `owner` served
-- claim.lua while it was open, `fp` the commit of an MO recovered (the
-- retained record is smaller for it). mo_state '': no record
-- is kept at all (a USSD screen answered: nothing needs it once its
-- session moved on).
local function close(state, mt)
  if begin then
    local fp = redis.call('GET', K.fp) or ''
    if fp == A.mo_id or select(4, fp_parse(fp)) == A.mo_id then
      redis.call('DEL', K.fp)
    end
  end
  if record then
    -- written before (unless mo_state is ''), closed (no holder, no
    -- fingerprint), as mo_state with its reply; only an MO over the
    -- reply limit is otherwise
    if A.mo_state ~= '' and (state ~= A.mo_state or mt ~= A.mt_id) then
      redis.call('HSET', K.mo, 'state', state, 'mt', mt)
    end
    return
  end
  if state == '' then
    redis.call('DEL', K.mo)
    return
  end
  redis.call('HSET', K.mo, 'state', state, 'mt', mt)
  redis.call('HDEL', K.mo, 'owner', 'fp')
end
if counts and lim ~= 0 then
  if rln >= lim then
    if record then redis.call('DEL', K.mt) end
    close('limited', '')
    ph_write(ph)
    return {'ok', 0, 1, 0, again, again_why}
  end
  taken = 1
end
-- Ending a session that is not there (v 0: an SMS lookup with no menu)
-- writes none: no session and one with no node mean the same to mo_in
-- and the menus, and an MO that read "none" meanwhile still finds none.
-- A session that is there is replaced, its version stepped, so that an
-- MO that read it before conflicts.
if op == 'set' or (op == 'end' and v ~= '0') then
  redis.call('DEL', K.sess)
  if op == 'set' then
    redis.call('HSET', K.sess, 'v', v + 1, unpack(A.sess or {}))
  else
    redis.call('HSET', K.sess, 'v', v + 1, 'node', '')
  end
  -- an absolute time (ms), as the daemon's records' expiries: Redis
  -- rewrites a PEXPIRE into a PEXPIREAT for replicas and the AOF, with
  -- or without them (store_mo.c, put_record)
  redis.call('PEXPIREAT', K.sess, A.sess_until)
end
if record then
  -- its record written before this script, in the transaction
  if A.mt_id ~= '' then redis.call('ZADD', K.outq, A.mt_score, A.mt_id) end
elseif A.mt_id ~= '' then
  queue(K.mt, A.mt_id, A.mt)
end
local mt2 = 0
if A.mt2_id ~= '' and (lim == 0 or rln + taken < lim) then
  queue(K.mt2, A.mt2_id, A.mt2)
  mt2 = 1
  if lim ~= 0 then taken = taken + 1 end
end
-- the window's start only when it is a new one: a citizen's replies
-- mostly fall in the minute of the one before, and a field given to
-- HSET is a walk of the listpack even when its value is the same
if taken > 0 then
  if rlw ~= r[1] then
    ph[#ph + 1] = 'rlw'
    ph[#ph + 1] = rlw
  end
  ph[#ph + 1] = 'rln'
  ph[#ph + 1] = rln + taken
end
if A.req and redis.call('SET', K.rq, A.mo_id, 'NX', 'PXAT',
                        A.reqopt[6]) then
  redis.call('XADD', K.requests, 'MAXLEN', '~', A.reqopt[2], '*',
             unpack(A.req))
  redis.call('XTRIM', K.requests, 'MINID', '~', A.reqopt[4])
end
local blocked = 0
if lookup_failed then
  local n = 1
  if now - tonumber(r[3] or '0') > tonumber(C.lookup_window_ms) then
    ph[#ph + 1] = 'lfw'
    ph[#ph + 1] = A.now
  else
    n = tonumber(r[4] or '0') + 1
  end
  ph[#ph + 1] = 'lf'
  ph[#ph + 1] = n
  if n >= tonumber(C.lookup_limit) then
    ph[#ph + 1] = 'lb'
    ph[#ph + 1] = now + tonumber(C.block_ms)
    blocked = 1
  end
end
if A.set_lang ~= '' then
  ph[#ph + 1] = 'lang'
  ph[#ph + 1] = A.set_lang
end
ph_write(ph)
close(A.mo_state, A.mt_id)
return {'ok', blocked, 0, mt2, again, again_why}
