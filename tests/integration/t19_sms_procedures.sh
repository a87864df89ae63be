#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every path of the default menus by SMS: MENU opens the same tree as
# *8088#, each answer is a new SMS, one reply per MO (no extra SMS: the
# reply itself keeps the reference number). The four procedures leave
# their records with channel "sms". English is remembered per phone and
# also applies to the SMS commands. The SMS session lives
# menus.sms_session_ttl; MENU twice in a row gets the menu twice.
. "$(dirname "$0")/lib.sh"

MAIN='Dich vu cong Thai Nguyen\n1. Tra cuu ho so\n2. Yeu cau goi lai\n3. Dat lich den Trung tam\n4. Danh gia ho so\n5. Gop y\n6. Nop ho so\n9. English'
A=84912345678
C=84966000222

cat >"$T/sms.sim" <<SIM
wait-bind timeout=15
mo from=$A to=8088 text="MENU"
expect-submit to=$A from=8088 text="$MAIN"
mo from=$A to=8088 text="menu"
expect-submit to=$A text="$MAIN"
mo from=$A to=8088 text="8"
expect-submit text="Lua chon khong hop le.\n$MAIN"
mo from=$A to=8088 text="2"
expect-submit contains="4. Viec khac\n0. Quay lai"
mo from=$A to=8088 text="0"
expect-submit text="$MAIN"
mo from=$A to=8088 text="3"
expect-submit contains="Chon ngay den Trung tam"
mo from=$A to=8088 text="0"
expect-submit text="$MAIN"
mo from=$A to=8088 text="4"
expect-submit text="Nhap ma ho so can danh gia (0: quay lai):"
mo from=$A to=8088 text="0"
expect-submit text="$MAIN"
mo from=$A to=8088 text="5"
expect-submit contains="Nhap gop y"
mo from=$A to=8088 text="0"
expect-submit text="$MAIN"
# 1. lookup through the menu
mo from=$A to=8088 text="1"
expect-submit text="Nhap ma ho so (vi du 000.00.19.H56-250806-0001):"
mo from=$A to=8088 text="0000019 h56 - 250806-0001"
expect-submit text="Ho so 000.00.19.H56-250806-0001\nCap ban sao trich luc khai sinh\nTrang thai: Dang xu ly\nHen tra: 20/08/2025"
# 2. callback
mo from=$A to=8088 text="MENU"
expect-submit text="$MAIN"
mo from=$A to=8088 text="2"
expect-submit contains="1. Nop ho so truc tuyen"
mo from=$A to=8088 text="1"
expect-submit text="Ban o xa/phuong nao? (0: quay lai)"
mo from=$A to=8088 dc=8 text="Phúc Xuân"
expect-submit text="To cong nghe so se goi so may nay ve: Nop ho so truc tuyen, tai Phuc Xuan.\n1. Dong y\n2. Huy"
mo from=$A to=8088 text="1"
expect-submit contains="Da ghi nhan yeu cau goi lai, ma GL"
# 3. visit
mo from=$A to=8088 text="MENU"
expect-submit text="$MAIN"
mo from=$A to=8088 text="3"
expect-submit contains="2. Thu"
mo from=$A to=8088 text="2"
expect-submit contains="Chon buoi, Thu"
mo from=$A to=8088 text="2"
expect-submit contains="Chieu (13:30-17:00).\n1. Dong y\n2. Huy"
mo from=$A to=8088 text="1"
expect-submit contains=", ma LH"
# 4. rating
mo from=$A to=8088 text="MENU"
expect-submit text="$MAIN"
mo from=$A to=8088 text="4"
expect-submit contains="can danh gia"
mo from=$A to=8088 text="000.00.19.H56-250901-0003"
expect-submit contains="the nao?"
mo from=$A to=8088 text="5"
expect-submit contains=": 5/5. Ma DG"
# 5. feedback
mo from=$A to=8088 text="MENU"
expect-submit text="$MAIN"
mo from=$A to=8088 text="5"
expect-submit contains="Nhap gop y"
mo from=$A to=8088 text="Tot lam, cam on"
expect-submit contains="Cam on gop y cua ban. Ma GY"
# English, remembered for commands too; back to Vietnamese (another
# phone: A has sent 7 commands this minute, C keeps under the limit)
mo from=$C to=8088 text="MENU"
expect-submit to=$C text="$MAIN"
mo from=$C to=8088 text="9"
expect-submit to=$C text="Thai Nguyen public services\n1. Check a dossier\n2. Request a callback\n3. Book a visit\n4. Rate a dossier\n5. Send feedback\n6. Apply\n9. Tieng Viet"
mo from=$C to=8088 text="TRACUU 000.00.19.H56-250806-0001 1234"
expect-submit to=$C text="Dossier 000.00.19.H56-250806-0001 (Cap ban sao trich luc khai sinh): In progress. Due 20/08/2025."
mo from=$C to=8088 text="xin chao"
expect-submit to=$C text="Thai Nguyen public services. Check a dossier: TRACUU <dossier code>. Menu: MENU. Or dial *8088#"
mo from=$C to=8088 text="Menu"
expect-submit to=$C contains="9. Tieng Viet"
mo from=$C to=8088 text="9"
expect-submit to=$C text="$MAIN"
expect-quiet ms=800
SIM

start_redis
start_sim "$T/sms.sim"
write_config
import_samples
start_gw
wait_sim 90

# one reply per MO, all acknowledged
mos=$(count_in "$T/sim.log" "MO-RESP")
subs=$(count_in "$T/sim.log" " SUBMIT #")
[ "$mos" = "$subs" ] || fail "$mos MOs but $subs replies"
grep " SUBMIT #" "$T/sim.log" | grep -qv "ussd_service_op=-1" &&
	fail "an SMS reply carried USSD TLVs"
# the SMS session lives menus.sms_session_ttl (15 min by default)
sess=$(redis --scan --pattern "cgw:*:sess:$A:s" | head -1)
ttl=$(redis PTTL "$sess")
[ "$ttl" -gt 890000 ] && [ "$ttl" -le 900000 ] ||
	fail "SMS session TTL is $ttl ms, not 15 min"
"$CTL" -c "$T/gw.cfg" requests export >"$T/export.csv" || fail "export"
[ "$(grep -c ',sms,vi,' "$T/export.csv")" = 4 ] ||
	fail "records: $(cat "$T/export.csv")"
grep -q ',callback,84912345678,sms,vi,' "$T/export.csv" || fail "callback record"
grep -q ',online_filing,Phúc Xuân,' "$T/export.csv" || fail "callback fields"
grep -q ',rating,' "$T/export.csv" || fail "rating record"
"$CTL" -c "$T/gw.cfg" phone 0912345678 >"$T/phone.out"
grep -q "^language" "$T/phone.out" && fail "A never chose a language"
"$CTL" -c "$T/gw.cfg" phone 0966000222 >"$T/phone.out"
grep -q "^language *vi" "$T/phone.out" || fail "language not remembered: $(cat "$T/phone.out")"
stop_gw || fail "citizengw exited with an error"
pass
