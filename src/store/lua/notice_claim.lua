-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS outbox dossiers
--! ARGV now lease max
-- Status-change notices waiting in one shard's outbox (zset: dossier key,
-- score = ready or lease expiry): up to max due ones are leased and
-- returned with their dossier (K.dossiers is the shard-local prefix of
-- dossier records). Returns key, dossier hash, key, dossier hash ...
local now = tonumber(A.now)
local keys = redis.call('ZRANGEBYSCORE', K.outbox, '-inf', now, 'LIMIT', 0,
                        tonumber(A.max))
local out = {}
for _, k in ipairs(keys) do
  local h = redis.call('HGETALL', K.dossiers .. k)
  if #h == 0 then
    redis.call('ZREM', K.outbox, k)
  else
    redis.call('ZADD', K.outbox, now + tonumber(A.lease), k)
    out[#out + 1] = k
    out[#out + 1] = h
  end
end
return out
