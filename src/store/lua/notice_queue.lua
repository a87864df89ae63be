-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS queue mt profile
--! ARGV id ready_ms ttl_s lang text_en
-- Queues a notice (group A.mt, its text in Vietnamese) to a phone in the
-- phone's language (its profile's, else `lang`): text_en when English.
-- Returns 'queued', 'exists' (queued before: never twice) or 'opted_out'.
if redis.call('EXISTS', K.mt) == 1 then return 'exists' end
if redis.call('HGET', K.profile, 'optout') == '1' then return 'opted_out' end
redis.call('HSET', K.mt, 'state', 'queued', unpack(A.mt))
local lang = redis.call('HGET', K.profile, 'lang') or A.lang
if lang == 'en' and A.text_en ~= '' then
  redis.call('HSET', K.mt, 'text', A.text_en)
end
redis.call('EXPIRE', K.mt, A.ttl_s)
redis.call('ZADD', K.queue, A.ready_ms, A.id)
return 'queued'
