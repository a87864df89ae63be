-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS meta
--! ARGV action now
-- A change of a broadcast's state: pause, resume, cancel (staff), start
-- (its recipients are all in), done, expire (the dispatcher). Returns
-- {'ok', new state}, {'conflict', current state} or {'gone'}. (The set of
-- active broadcasts is another slot: the caller keeps it.)
local cur = redis.call('HGET', K.meta, 'state')
if not cur then return {'gone'} end
local to = {
  start = {loading = 'running'},
  pause = {running = 'paused'},
  resume = {paused = 'running'},
  cancel = {running = 'cancelled', paused = 'cancelled'},
  done = {running = 'done'},
  expire = {running = 'expired', paused = 'expired'},
}
local t = to[A.action] and to[A.action][cur]
if not t then return {'conflict', cur} end
redis.call('HSET', K.meta, 'state', t)
if t == 'cancelled' or t == 'done' or t == 'expired' then
  redis.call('HSET', K.meta, 'ended_at', A.now)
end
return {'ok', t}
