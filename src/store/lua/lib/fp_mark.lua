-- SPDX-License-Identifier: GPL-3.0-or-later
-- The fingerprint's acknowledgement mark, "a <at> <conn> <up> <id>"
-- (fp_ack.lua says what each part means), made, read, judged and taken
-- back only here: the scripts that name `--! USE fp_mark` get these
-- functions.
local function fp_mark(at, conn, up, id)
  return 'a ' .. at .. ' ' .. conn .. ' ' .. up .. ' ' .. id
end
-- A mark's parts (at, conn, up, id, as strings); nil for anything else
-- (a plain MO id).
local function fp_parse(s)
  return string.match(s, '^a (%d+) (%x+) ([01]) (.+)$')
end
-- What a fingerprint's earlier value `prev` says of a copy of its MO
-- (mo_in.lua tells the cases): the MO's id, and nil when a copy of it
-- was acknowledged in time on a connection that is still up (`live`:
-- this process's, separated by spaces) or known to have stayed up
-- mo_ack_timeout after it (`up` .. conn, written by its process while
-- the connection is bound: the marks of MOs received at or before that
-- time kept their connection that long after their response; an up-1
-- mark: the same, from a process of before those keys), or why it may
-- be a re-delivery: 'unacked' (no such copy), 'link' (on a connection
-- neither).
local function fp_judge(prev, live, up)
  local at, conn, u, id = fp_parse(prev)
  if not at then return prev, 'unacked' end
  if u == '1' or
     string.find(' ' .. live .. ' ', ' ' .. conn .. ' ', 1, true) then
    return id, nil
  end
  local kept = redis.call('GET', up .. conn)
  if kept and tonumber(kept) >= tonumber(at) then return id, nil end
  return id, 'link'
end
-- Marks fingerprint `key` for MO `id` for dedup_ms: with the up-0 mark
-- of its acknowledgement about to go out at `at` on `conn` (conn '': the
-- plain id), in one SET ... GET (the common case, no earlier MO, one
-- command instead of GET and SET). Returns nil when it held nothing;
-- else the earlier MO's id, why a copy of it may be a re-delivery
-- ('open' while it is in the inbound queue `inq`, fp_judge's otherwise)
-- and what the fingerprint held, for fp_put_back.
local function fp_take(key, inq, id, at, conn, dedup_ms, live, up)
  local mark = id
  if conn ~= '' then mark = fp_mark(at, conn, '0', id) end
  local prev = redis.call('SET', key, mark, 'PX', dedup_ms, 'GET')
  if not prev then return nil end
  local pid, why = fp_judge(prev, live, up)
  if redis.call('ZSCORE', inq, pid) then why = 'open' end
  return pid, why, prev
end
-- Whether a copy that fp_take judged `why` is a re-delivery, for an MO
-- of `mode` (mo_in.lua's: new, an SMS | input, a USSD answer | begin, a
-- USSD dial or SMS MENU): the reason, or nil for a new MO. While its
-- original is open, always; a dial or MENU, only then; a USSD answer
-- where a menu waits (session `sess` holds a node) is new input.
local function fp_redelivery(why, mode, sess)
  if why == 'open' then return why end
  if not why or mode == 'begin' then return nil end
  if mode == 'input' then
    local node = redis.call('HGET', sess, 'node')
    if node and node ~= '' then return nil end
  end
  return why
end
-- A re-delivery: fingerprint `key` holds `prev` again, its window
-- starting again.
local function fp_put_back(key, prev, dedup_ms)
  redis.call('SET', key, prev, 'PX', dedup_ms)
end
-- Puts back the plain id of MO `id` in fingerprint `key` if it still
-- holds the up-0 mark of its acknowledgement for `at` on `conn` ('*':
-- any connection), its TTL kept: that acknowledgement did not go out in
-- time, so a copy of the MO is a re-delivery.
local function fp_unmark(key, id, at, conn)
  local a, c, up, i = fp_parse(redis.call('GET', key) or '')
  if a == at and up == '0' and i == id and (conn == '*' or c == conn) then
    redis.call('SET', key, id, 'KEEPTTL')
  end
end
