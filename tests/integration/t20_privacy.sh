#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Privacy of dossier lookups. From a phone that is not the dossier's, an
# unknown code, another citizen's code and wrong ID digits all get the
# same answer, by SMS and by USSD; nothing of the dossier shows. The 5th
# failed lookup within protect.lookup_window blocks lookups from that
# phone for protect.lookup_block (here 6 s), even with the right digits
# and by USSD; the block is logged and visible with citizengw-ctl phone;
# other phones are not affected; after the block the right digits work.
. "$(dirname "$0")/lib.sh"

X=84977000111	# a stranger
NF1='Khong tim thay ho so 000.00.19.H56-250806-0001 cho so dien thoai nay. Ho so cua nguoi khac: TRACUU 000.00.19.H56-250806-0001 <4 so cuoi CCCD>'
NF9='Khong tim thay ho so 000.00.19.H56-250806-0009 cho so dien thoai nay. Ho so cua nguoi khac: TRACUU 000.00.19.H56-250806-0009 <4 so cuoi CCCD>'
LIMITED='Ban da tra cuu sai qua nhieu lan. Vui long thu lai sau.'

cat >"$T/privacy.sim" <<SIM
wait-bind timeout=15
# 1-3: by SMS, another's code without digits, with wrong digits; an
# unknown code (the same text but for the code the stranger typed)
mo from=$X to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-submit to=$X text="$NF1"
mo from=$X to=8088 text="TRACUU 000.00.19.H56-250806-0001 4321"
expect-submit to=$X text="$NF1"
mo from=$X to=8088 text="TRACUU 000.00.19.H56-250806-0009 1234"
expect-submit to=$X text="$NF9"
# 4: by USSD, an unknown code is asked for the digits like a real one
ussd from=$X to=8088 text="*8088#" op=1 its=0x0100
expect-submit to=$X ussd_op=2 contains="1. Tra cuu ho so"
ussd from=$X to=8088 text="1" op=18 its=0x0100
expect-submit to=$X ussd_op=2 contains="Nhap ma ho so"
ussd from=$X to=8088 text="000.00.19.H56-250806-0009" op=18 its=0x0100
expect-submit to=$X ussd_op=2 text="Nhap 4 so cuoi CCCD cua nguoi nop ho so:"
ussd from=$X to=8088 text="1234" op=18 its=0x0100
expect-submit to=$X ussd_op=17 text="Khong tim thay ho so 000.00.19.H56-250806-0009 hoac thong tin khong khop."
# 5: a real code with wrong digits: the same answer; now blocked
ussd from=$X to=8088 text="*8088#" op=1 its=0x0200
expect-submit to=$X ussd_op=2 contains="1. Tra cuu ho so"
ussd from=$X to=8088 text="1" op=18 its=0x0200
expect-submit to=$X ussd_op=2 contains="Nhap ma ho so"
ussd from=$X to=8088 text="000.00.19.H56-250806-0001" op=18 its=0x0200
expect-submit to=$X ussd_op=2 text="Nhap 4 so cuoi CCCD cua nguoi nop ho so:"
ussd from=$X to=8088 text="9999" op=18 its=0x0200
expect-submit to=$X ussd_op=17 text="Khong tim thay ho so 000.00.19.H56-250806-0001 hoac thong tin khong khop."
# blocked: even the right digits, by SMS and by USSD (and rating too)
mo from=$X to=8088 text="TRACUU 000.00.19.H56-250806-0001 1234"
expect-submit to=$X text="$LIMITED"
ussd from=$X to=8088 text="*8088#" op=1 its=0x0300
expect-submit to=$X ussd_op=2 contains="1. Tra cuu ho so"
ussd from=$X to=8088 text="1" op=18 its=0x0300
expect-submit to=$X ussd_op=2 contains="Nhap ma ho so"
ussd from=$X to=8088 text="000.00.19.H56-250806-0001" op=18 its=0x0300
expect-submit to=$X ussd_op=17 text="$LIMITED"
ussd from=$X to=8088 text="*8088#" op=1 its=0x0400
expect-submit to=$X ussd_op=2 contains="4. Danh gia ho so"
ussd from=$X to=8088 text="4" op=18 its=0x0400
expect-submit to=$X ussd_op=2 contains="can danh gia"
ussd from=$X to=8088 text="000.00.19.H56-250806-0002" op=18 its=0x0400
expect-submit to=$X ussd_op=17 text="$LIMITED"
# the owner is not affected
mo from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-submit to=84912345678 contains="Dang xu ly"
wait-file path=$T/block-over timeout=30
mo from=$X to=8088 text="tra cuu 000.00.19.H56-250806-0001 1234"
expect-submit to=$X text="Ho so 000.00.19.H56-250806-0001 (Cap ban sao trich luc khai sinh): Dang xu ly. Hen tra 20/08/2025."
expect-quiet ms=500
SIM

start_redis
start_sim "$T/privacy.sim"
write_config 'protect = { lookup_block = "6s"; };'
import_samples
START_MS=$(($(date +%s) * 1000))
start_gw
wait_for 30 grep -q "too many failed dossier lookups" "$T/gw.log" ||
	fail "the block was not logged"
# the five failures were counted in one window, begun at the first
PH=$(redis --scan --pattern "cgw:*:ph:$X")
[ "$(redis hget "$PH" lf)" = 5 ] ||
	fail "failed lookups counted: $(redis hget "$PH" lf)"
[ "$(redis hget "$PH" lfw)" -ge "$START_MS" ] ||
	fail "no window of failed lookups began: lfw=$(redis hget "$PH" lfw)"
"$CTL" -c "$T/gw.cfg" phone 0977000111 >"$T/phone.out"
grep -q "^lookups *refused until" "$T/phone.out" ||
	fail "block not visible: $(cat "$T/phone.out")"
# nothing of the dossier went to the stranger before the block ended
wait_for 30 sh -c "grep ' SUBMIT ' '$T/sim.log' | grep -c 'to=$X' | grep -qx 18" ||
	fail "not all answers to the stranger arrived"
grep ' SUBMIT ' "$T/sim.log" | grep "to=$X" | grep -qi "trich luc\|Dang xu ly\|20/08" &&
	fail "a dossier detail reached another phone"
sleep 6
touch "$T/block-over"
wait_sim 40
grep -q "lookups from this phone refused for 6s" "$T/gw.log" || fail "log text"
stop_gw || fail "citizengw exited with an error"
pass
