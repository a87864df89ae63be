-- SPDX-License-Identifier: GPL-3.0-or-later
-- The fingerprint's acknowledgement mark, "a <at> <conn> <up> <id>"
-- (fp_ack.lua says what each part means), made and read only here: the
-- scripts that name `--! USE fp_mark` get these two functions.
local function fp_mark(at, conn, up, id)
  return 'a ' .. at .. ' ' .. conn .. ' ' .. up .. ' ' .. id
end
-- A mark's parts (at, conn, up, id, as strings); nil for anything else
-- (a plain MO id).
local function fp_parse(s)
  return string.match(s, '^a (%d+) (%x+) ([01]) (.+)$')
end
