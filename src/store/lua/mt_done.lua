-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS queue mt ?bcounts
--! ARGV id state bind msgid status now parts
-- The outcome of an MT: leaves the queue; its record (a sent USSD
-- screen's is deleted) gets the state
-- ("sent", "failed", "expired"), the bind, the SMS centre's ids, the
-- status and, for receipts, the number of parts ('' unchanged).
-- "sent" never overwrites what receipts said already (a fast SMS centre
-- delivers a part before the last part's response). An MT of a broadcast
-- moves its broadcast's counters (K.bcounts is the shard-local prefix of
-- the counters, K.bcounts .. broadcast id; not given for a reply that is
-- no broadcast's).
-- A lean reply sent (a single-part reply that this process queued and
-- sent) and a USSD screen sent (no broadcast's) do not come here:
-- store_mt.c (send_lean_sent, send_screen_sent) writes their outcome
-- with plain commands.
redis.call('ZREM', K.queue, A.id)
-- one HMGET: every MT record holds a state (the scripts that make one
-- write it), so none means no record (expired)
local r = redis.call('HMGET', K.mt, 'state', 'bc', 'ch')
local cur, bc = r[1], r[2]
if cur then
  local state = A.state
  if state == 'sent' and (cur == 'delivered' or cur == 'failed') then
    state = cur
  end
  -- A USSD screen on the handset leaves no record: no receipt comes for
  -- it, and its session holds what the next step needs.
  if state == 'sent' and r[3] == 'ussd' then
    redis.call('DEL', K.mt)
    return 1
  end
  if bc and bc ~= '' and cur ~= state then
    redis.call('HINCRBY', K.bcounts .. bc, cur, -1)
    redis.call('HINCRBY', K.bcounts .. bc, state, 1)
  end
  local f = {'state', state, 'bind', A.bind, 'msgid', A.msgid,
             'status', A.status, 'done_at', A.now}
  if A.parts ~= '' then
    f[#f + 1] = 'parts'
    f[#f + 1] = A.parts
  end
  redis.call('HSET', K.mt, unpack(f))
  -- Sent, it keeps what its receipts and reports need: what was needed
  -- to send it goes (the text most of it: a retained record of about
  -- 280 bytes, not 500). One that never got there keeps its text, for
  -- staff to see what a citizen did not get.
  if state ~= 'failed' and state ~= 'expired' then
    redis.call('HDEL', K.mt, 'text', 'owner', 'fin', 'uref', 'enc',
               'prio', 'attempts', 'tries', 'ref', 'claims')
  end
end
return 1
