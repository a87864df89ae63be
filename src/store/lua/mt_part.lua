-- SPDX-License-Identifier: GPL-3.0-or-later
--! KEYS mt
--! ARGV parts field msgid
-- One part of a multipart MT was accepted: its SMS centre id (field
-- m<part>) and the number of parts, so that its receipt finds the MT
-- before the other parts are accepted.
if redis.call('EXISTS', K.mt) == 1 then
  redis.call('HSET', K.mt, 'parts', A.parts, A.field, A.msgid)
end
return 1
