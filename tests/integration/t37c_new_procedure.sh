#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A new procedure is a new file and a SIGHUP: before it, its keyword is
# unknown (the help text); a broken file is refused with its file:line
# and the running procedures stay; once valid, the keyword files
# applications and the USSD list shows it, without a restart.
. "$(dirname "$0")/lib.sh"

DAY=$(date -u -d '+7 hours' +%y%m%d)
cp -r "$CGW_SRCDIR/menus" "$T/menus"
chmod -R u+w "$T/menus"
cat >"$T/new.sim" <<SIM
wait-bind timeout=15
mo from=84977000401 to=8088 text="KHAISINH 001203012345"
expect-submit to=84977000401 contains="Tra cuu ho so: TRACUU <ma ho so>"
wait-file path=$T/reloaded timeout=30
mo from=84977000402 to=8088 text="Khai sinh 001203012345"
expect-message to=84977000402 contains="Da nhan ho so Trich luc khai sinh, ma 000.00.20.H56-$DAY-0001. Phi 5.000d."
ussd from=84977000403 to=8088 text="*8088#" op=1 its=0x0100
expect-submit ussd_op=2
ussd from=84977000403 to=8088 text="6" op=18 its=0x0100
expect-submit ussd_op=2 text="Chon thu tuc can nop:\n1. Ban sao khai sinh\n2. Xac nhan cu tru\n3. Xac nhan hon nhan\n4. Trich luc khai sinh\n0. Quay lai"
expect-quiet ms=500
SIM

start_redis
start_sim "$T/new.sim"
write_config
sed -i "s|dir = \"$CGW_SRCDIR/menus\"|dir = \"$T/menus\"|" "$T/gw.cfg"
start_gw
wait_for 15 grep -q "MO .* -> end" "$T/gw.log" || fail "no first reply"

# a broken file first: refused, with its line
cat >"$T/menus/procedures/trichluc.cfg" <<'CFG'
procedure = {
  id = "trichluc";
  keyword = "KHAI SINH";
  name = { vi = "Cấp bản sao Trích lục khai sinh (cấp lại)"; en = "Birth extract, reissued"; };
  short = { vi = "Trích lục khai sinh"; en = "Birth extract"; };
  usage = { vi = "KHAISINH <số CCCD>"; en = "KHAISINH <ID number>"; };
  agency = "000.00.20.H56";
  agency_name = { vi = "UBND xã/phường"; en = "commune office"; };
  days = 2;
  fee = { vi = "5.000đ"; en = "VND 5,000"; };
  bring = { vi = "CCCD"; en = "ID card"; };
  fields = (
    { name = "cccd"; input = "citizen_number";
      prompt = { vi = "Nhập số CCCD (12 số):"; en = "Your ID number (12 digits):"; }; }
  );
};
CFG
kill -HUP "$GW_PID"
wait_for 10 grep -q "SIGHUP: menus not reloaded" "$T/gw.log" ||
	fail "a broken procedure was not refused: $(tail -5 "$T/gw.log")"
grep -q "procedures/trichluc.cfg:13: a field's input is citizen_id" "$T/gw.log" ||
	fail "no file:line for the broken procedure: $(tail -5 "$T/gw.log")"
# fixed: reloaded
sed -i 's/citizen_number/citizen_id/' "$T/menus/procedures/trichluc.cfg"
"$CTL" menu check "$T/menus" >"$T/check.out" 2>&1 || fail "check: $(cat "$T/check.out")"
kill -HUP "$GW_PID"
wait_for 10 grep -q "SIGHUP: menus reloaded" "$T/gw.log" || fail "not reloaded"
touch "$T/reloaded"
wait_sim 60
key=$(redis --scan --pattern "cgw:*:dossier:*H56-$DAY-0001")
[ "$(redis HGET "$key" app)" = trichluc ] || fail "dossier: $(redis HGETALL "$key")"
pass
