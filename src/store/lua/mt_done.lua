--! KEYS queue mt
--! ARGV id state bind msgid status now parts
-- The outcome of an MT: leaves the queue; its record gets the state
-- ("sent", "failed", "expired"), the bind, the SMS centre's ids, the
-- status and, for receipts, the number of parts ('' unchanged).
-- "sent" never overwrites what receipts said already (a fast SMS centre
-- delivers a part before the last part's response).
redis.call('ZREM', K.queue, A.id)
if redis.call('EXISTS', K.mt) == 1 then
  local state = A.state
  local cur = redis.call('HGET', K.mt, 'state')
  if state == 'sent' and (cur == 'delivered' or cur == 'failed') then
    state = cur
  end
  redis.call('HSET', K.mt, 'state', state, 'bind', A.bind,
             'msgid', A.msgid, 'status', A.status, 'done_at', A.now)
  if A.parts ~= '' then redis.call('HSET', K.mt, 'parts', A.parts) end
end
return 1
