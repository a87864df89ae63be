-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS fp mo inq sess ph up
--! ARGV id now lease dedup_ms ttl_s mode live owner ack_conn
--! USE fp_mark
-- Round trip 1 of an MO: records it (group A.mo) unless it is a
-- re-delivery, and reads the sender's session and profile.
-- mode: new (an SMS) | input (a USSD answer) | begin (a USSD dial or SMS
--       MENU: starts over, a re-delivery only while the first is open)
--       | reread (recorded already: just read)
-- owner: this process run (store_owner), the MO's holder (claim.lua).
-- live: tokens of the connections of this process that are up now,
--       separated by spaces.
-- K.up: the prefix of the shard's connection keys (K.up .. token: the
--       time up to which the MOs received on that connection and
--       acknowledged in time are known to have kept it mo_ack_timeout
--       after their response; acks.c).
-- ack_conn: the connection the MO's acknowledgement is to go out on
--       (not ''): its fingerprint is written in the up-0 form of
--       fp_ack.lua, <at> `now` (then the MO's received time), before the
--       acknowledgement goes out, so that the commit need not write it;
--       mo_commit.lua puts back the plain id if it did not go out in
--       time. '': the plain id.
-- K.fp names the last MO of this fingerprint: "<id>", or
-- "a <at> <conn> <up> <id>" when a copy of it was acknowledged in time
-- (fp_ack.lua; here, for the acknowledgement about to go out). A copy is
-- a re-delivery when that MO is still open
-- ('open'), when no copy of it is known to have been acknowledged in time
-- ('unacked': refused, acknowledged late, its response lost, recovered),
-- or when it was acknowledged on a connection neither still up here nor
-- known to have stayed up mo_ack_timeout after it (K.up; 'link'): the
-- SMS centre may have missed the response. Otherwise it is a citizen sending the same text again: new.
-- A USSD answer where a menu waits is new input whatever the fingerprint.
-- Returns {'dup', original id, why, what K.fp held}
--       | {'new', id, session, profile, repeated id or '', why or ''}.
-- A re-delivery leaves the fingerprint as it was, its window starting
-- again.
local again, why = '', nil
if A.mode ~= 'reread' then
  if A.dedup_ms ~= '0' then
    local id, prev
    id, why, prev = fp_take(K.fp, K.inq, A.id, A.now, A.ack_conn,
                            A.dedup_ms, A.live, K.up)
    if id then
      local dup = fp_redelivery(why, A.mode, K.sess)
      if dup then
        fp_put_back(K.fp, prev, A.dedup_ms)
        return {'dup', id, dup, prev}
      end
      again = id
    end
  end
  redis.call('HSET', K.mo, 'state', 'acked', 'owner', A.owner, unpack(A.mo))
  redis.call('EXPIRE', K.mo, A.ttl_s)
  redis.call('ZADD', K.inq, tonumber(A.now) + tonumber(A.lease), A.id)
end
return {'new', A.id, redis.call('HGETALL', K.sess),
        redis.call('HGETALL', K.ph), again, why or ''}
