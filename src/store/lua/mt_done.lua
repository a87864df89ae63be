-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS queue mt ?bcounts
--! ARGV id state bind msgid status now parts lean
-- The outcome of an MT: leaves the queue; its record (a sent USSD
-- screen's is deleted) gets the state
-- ("sent", "failed", "expired"), the bind, the SMS centre's ids, the
-- status and, for receipts, the number of parts ('' unchanged).
-- "sent" never overwrites what receipts said already (a fast SMS centre
-- delivers a part before the last part's response). An MT of a broadcast
-- moves its broadcast's counters (K.bcounts is the shard-local prefix of
-- the counters, K.bcounts .. broadcast id; not given with lean '1').
-- lean '1': a single-part reply that this process queued and sent, whose
-- record holds of what sending needed only its text and owner (no
-- broadcast's).
local queued = redis.call('ZREM', K.queue, A.id)
-- A lean reply sent and still queued (so its record is there: a queued
-- MT leaves the queue before its record can expire): nothing to read
-- first. No receipt can have reached it (its message id is mapped after
-- this script), it is no broadcast's and no USSD screen. Reading all
-- that was a fifth of this script (bench/script-cost.sh --instr:
-- 76 K instructions, 60 K without).
if A.lean == '1' and A.state == 'sent' and queued == 1 then
  redis.call('HSET', K.mt, 'state', 'sent', 'bind', A.bind, 'msgid', A.msgid,
             'status', A.status, 'done_at', A.now, 'parts', A.parts)
  redis.call('HDEL', K.mt, 'text', 'owner')
  return 1
end
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
    if A.lean == '1' then
      -- eight fields it does not hold, looked for one by one, were a
      -- sixth of this script (bench/script-cost.sh --instr)
      redis.call('HDEL', K.mt, 'text', 'owner')
    else
      redis.call('HDEL', K.mt, 'text', 'owner', 'fin', 'uref', 'enc',
                 'prio', 'attempts', 'tries', 'ref', 'claims')
    end
  end
end
return 1
