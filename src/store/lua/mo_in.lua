--! KEYS fp mo inq sess ph
--! ARGV id now lease dedup_ms ttl_s mode
-- Round trip 1 of an MO: records it (group A.mo) unless it is a
-- re-delivery, and reads the sender's session and profile.
-- mode: new | begin (a USSD dial: never a re-delivery once answered)
--       | reread (recorded already: just read)
-- Returns {'dup', original id} | {'new', id, session, profile}.
if A.mode ~= 'reread' then
  if A.dedup_ms ~= '0' then
    local prev = redis.call('GET', K.fp)
    if prev then
      -- the original is still being processed: surely a re-delivery
      if redis.call('ZSCORE', K.inq, prev) then
        return {'dup', prev}
      end
      -- answered: a repeat is new input only where a menu waits for it
      if A.mode ~= 'begin' then
        local node = redis.call('HGET', K.sess, 'node')
        if (not node) or node == '' then return {'dup', prev} end
      end
    end
    redis.call('SET', K.fp, A.id, 'PX', A.dedup_ms)
  end
  redis.call('HSET', K.mo, 'state', 'acked', unpack(A.mo))
  redis.call('EXPIRE', K.mo, A.ttl_s)
  redis.call('ZADD', K.inq, tonumber(A.now) + tonumber(A.lease), A.id)
end
return {'new', A.id, redis.call('HGETALL', K.sess),
        redis.call('HGETALL', K.ph)}
