#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every path of the default menus by USSD, as a citizen walks them: the
# main menu, a wrong choice, the lookup (own phone, another phone with the
# ID digits), the four procedures with their back (0) and cancel options,
# English, a network abort and a new dial in the middle of a procedure.
# Each procedure ends on a screen with its reference number, the same
# number arrives by SMS, and the back office finds one record per
# procedure on the request stream (citizengw-ctl requests list/export).
# The USSD session lives ussd.session_ttl.
. "$(dirname "$0")/lib.sh"

# The next working days as the service center counts them (UTC+7,
# Monday..Friday), minus the holiday configured below: the first one.
vi_day() {
	case $1 in 1) echo "Thu Hai" ;; 2) echo "Thu Ba" ;; 3) echo "Thu Tu" ;;
	4) echo "Thu Nam" ;; 5) echo "Thu Sau" ;; esac
}
en_day() {
	case $1 in 1) echo Mon ;; 2) echo Tue ;; 3) echo Wed ;; 4) echo Thu ;;
	5) echo Fri ;; esac
}
n=0
i=1
while [ $n -lt 4 ]; do
	wd=$(TZ=UTC-7 date -d "today +$i day" +%u)
	if [ "$wd" -le 5 ]; then
		n=$((n + 1))
		eval "ISO$n=$(TZ=UTC-7 date -d "today +$i day" +%F)"
		eval "DM$n=$(TZ=UTC-7 date -d "today +$i day" +%d/%m)"
		eval "WD$n=$wd"
	fi
	i=$((i + 1))
done
HOLIDAY=$ISO1	# not offered: the days offered are 2, 3, 4
D1="$(vi_day "$WD2") $DM2"
D2="$(vi_day "$WD3") $DM3"
D3="$(vi_day "$WD4") $DM4"
E1="$(en_day "$WD2") $DM2"

MAIN='Dich vu cong Thai Nguyen\n1. Tra cuu ho so\n2. Yeu cau goi lai\n3. Dat lich den Trung tam\n4. Danh gia ho so\n5. Gop y\n6. Nop ho so\n9. English'
A=84912345678	# owns -0001 (in progress) and -0003 (result returned)
B=84977000111	# owns nothing

cat >"$T/walk.sim" <<SIM
wait-bind timeout=15
# --- main menu, a wrong choice, back from each procedure ---
ussd from=$A to=8088 text="*8088#" op=1 its=0x0100
expect-submit to=$A ussd_op=2 its=0x0100 text="$MAIN"
ussd from=$A to=8088 text="8" op=18 its=0x0100
expect-submit ussd_op=2 text="Lua chon khong hop le.\n$MAIN"
ussd from=$A to=8088 text="2" op=18 its=0x0100
expect-submit ussd_op=2 text="To cong nghe so goi lai ho tro ban ve:\n1. Nop ho so truc tuyen\n2. Tai khoan VNeID\n3. Thanh toan truc tuyen\n4. Viec khac\n0. Quay lai"
ussd from=$A to=8088 text="0" op=18 its=0x0100
expect-submit ussd_op=2 text="$MAIN"
ussd from=$A to=8088 text="3" op=18 its=0x0100
expect-submit ussd_op=2 text="Chon ngay den Trung tam Phuc vu hanh chinh cong:\n1. $D1\n2. $D2\n3. $D3\n0. Quay lai"
ussd from=$A to=8088 text="0" op=18 its=0x0100
expect-submit ussd_op=2 text="$MAIN"
ussd from=$A to=8088 text="4" op=18 its=0x0100
expect-submit ussd_op=2 text="Nhap ma ho so can danh gia (0: quay lai):"
ussd from=$A to=8088 text="0" op=18 its=0x0100
expect-submit ussd_op=2 text="$MAIN"
ussd from=$A to=8088 text="5" op=18 its=0x0100
expect-submit ussd_op=2 text="Nhap gop y cua ban, toi da 160 ky tu (0: quay lai):"
ussd from=$A to=8088 text="0" op=18 its=0x0100
expect-submit ussd_op=2 text="$MAIN"
# --- 1. lookup, own phone ---
ussd from=$A to=8088 text="1" op=18 its=0x0100
expect-submit ussd_op=2 text="Nhap ma ho so (vi du 000.00.19.H56-250806-0001):"
ussd from=$A to=8088 text="000.00.19.H56-250806-0001" op=18 its=0x0100
expect-submit ussd_op=17 its=0x0100 text="Ho so 000.00.19.H56-250806-0001\nCap ban sao trich luc khai sinh\nTrang thai: Dang xu ly\nHen tra: 20/08/2025"
expect-quiet ms=300
# --- 2. callback: back from the commune, then confirm ---
ussd from=$A to=8088 text="*8088#" op=1 its=0x0200
expect-submit ussd_op=2 its=0x0200 text="$MAIN"
ussd from=$A to=8088 text="2" op=18 its=0x0200
expect-submit ussd_op=2 contains="4. Viec khac"
ussd from=$A to=8088 text="1" op=18 its=0x0200
expect-submit ussd_op=2 text="Ban o xa/phuong nao? (0: quay lai)"
ussd from=$A to=8088 text="0" op=18 its=0x0200
expect-submit ussd_op=2 contains="1. Nop ho so truc tuyen"
ussd from=$A to=8088 text="2" op=18 its=0x0200
expect-submit ussd_op=2 text="Ban o xa/phuong nao? (0: quay lai)"
ussd from=$A to=8088 text="P" op=18 its=0x0200
expect-submit ussd_op=2 text="Du lieu khong hop le.\nBan o xa/phuong nao? (0: quay lai)"
ussd from=$A to=8088 dc=8 text="Phúc Xuân" op=18 its=0x0200
expect-submit ussd_op=2 text="To cong nghe so se goi so may nay ve: Tai khoan VNeID, tai Phuc Xuan.\n1. Dong y\n2. Huy"
ussd from=$A to=8088 text="1" op=18 its=0x0200
expect-submit ussd_op=17 its=0x0200 contains="Da ghi nhan yeu cau goi lai, ma GL"
expect-submit to=$A from=8088 ussd_op=-1 service_type="" contains="Da ghi nhan yeu cau goi lai, ma GL"
expect-quiet ms=300
# --- callback cancelled: no record ---
ussd from=$A to=8088 text="*8088#" op=1 its=0x0300
expect-submit ussd_op=2 its=0x0300 text="$MAIN"
ussd from=$A to=8088 text="2" op=18 its=0x0300
expect-submit ussd_op=2 contains="4. Viec khac"
ussd from=$A to=8088 text="4" op=18 its=0x0300
expect-submit ussd_op=2 contains="xa/phuong"
ussd from=$A to=8088 text="Dai Tu" op=18 its=0x0300
expect-submit ussd_op=2 contains="Viec khac, tai Dai Tu."
ussd from=$A to=8088 text="2" op=18 its=0x0300
expect-submit ussd_op=17 text="Da huy. Cam on ban."
expect-quiet ms=300
# --- 3. visit: back from the slot, then book; then cancel one ---
ussd from=$A to=8088 text="*8088#" op=1 its=0x0400
expect-submit ussd_op=2 text="$MAIN"
ussd from=$A to=8088 text="3" op=18 its=0x0400
expect-submit ussd_op=2 contains="1. $D1"
ussd from=$A to=8088 text="1" op=18 its=0x0400
expect-submit ussd_op=2 text="Chon buoi, $D1:\n1. Sang (7:30-11:30)\n2. Chieu (13:30-17:00)\n0. Quay lai"
ussd from=$A to=8088 text="0" op=18 its=0x0400
expect-submit ussd_op=2 contains="3. $D3"
ussd from=$A to=8088 text="2" op=18 its=0x0400
expect-submit ussd_op=2 contains="Chon buoi, $D2:"
ussd from=$A to=8088 text="1" op=18 its=0x0400
expect-submit ussd_op=2 text="Xac nhan lich hen: $D2, Sang (7:30-11:30).\n1. Dong y\n2. Huy"
ussd from=$A to=8088 text="1" op=18 its=0x0400
expect-submit ussd_op=17 contains="Da dat lich $D2, Sang (7:30-11:30), ma LH"
expect-submit to=$A ussd_op=-1 contains="Da dat lich $D2, Sang (7:30-11:30), ma LH"
ussd from=$A to=8088 text="*8088#" op=1 its=0x0500
expect-submit ussd_op=2 text="$MAIN"
ussd from=$A to=8088 text="3" op=18 its=0x0500
expect-submit ussd_op=2 contains="1. $D1"
ussd from=$A to=8088 text="3" op=18 its=0x0500
expect-submit ussd_op=2 contains="Chon buoi, $D3:"
ussd from=$A to=8088 text="2" op=18 its=0x0500
expect-submit ussd_op=2 contains="Chieu (13:30-17:00)."
ussd from=$A to=8088 text="2" op=18 its=0x0500
expect-submit ussd_op=17 text="Da huy. Cam on ban."
expect-quiet ms=300
# --- 4. rating: own finished dossier; own unfinished one; a bad score ---
ussd from=$A to=8088 text="*8088#" op=1 its=0x0600
expect-submit ussd_op=2 text="$MAIN"
ussd from=$A to=8088 text="4" op=18 its=0x0600
expect-submit ussd_op=2 contains="can danh gia"
ussd from=$A to=8088 text="000.00.19.H56-250901-0003" op=18 its=0x0600
expect-submit ussd_op=2 text="Ban hai long voi viec giai quyet ho so 000.00.19.H56-250901-0003 the nao? Nhap tu 1 (rat khong hai long) den 5 (rat hai long):"
ussd from=$A to=8088 text="9" op=18 its=0x0600
expect-submit ussd_op=2 contains="Du lieu khong hop le.\nBan hai long"
ussd from=$A to=8088 text="4" op=18 its=0x0600
expect-submit ussd_op=17 contains="Cam on ban da danh gia ho so 000.00.19.H56-250901-0003: 4/5. Ma DG"
expect-submit to=$A ussd_op=-1 contains=": 4/5. Ma DG"
ussd from=$A to=8088 text="*8088#" op=1 its=0x0700
expect-submit ussd_op=2 text="$MAIN"
ussd from=$A to=8088 text="4" op=18 its=0x0700
expect-submit ussd_op=2 contains="can danh gia"
ussd from=$A to=8088 text="000.00.19.H56-250806-0001" op=18 its=0x0700
expect-submit ussd_op=17 text="Ho so 000.00.19.H56-250806-0001 chua giai quyet xong (Dang xu ly). Chi danh gia duoc ho so da xu ly xong."
expect-quiet ms=300
# --- rating someone else's dossier: the ID digits ---
ussd from=$B to=8088 text="*8088#" op=1 its=0x0800
expect-submit to=$B ussd_op=2 text="$MAIN"
ussd from=$B to=8088 text="4" op=18 its=0x0800
expect-submit to=$B ussd_op=2 contains="can danh gia"
ussd from=$B to=8088 text="000.00.19.H56-250806-0002" op=18 its=0x0800
expect-submit to=$B ussd_op=2 text="Nhap 4 so cuoi CCCD cua nguoi nop ho so:"
ussd from=$B to=8088 text="5678" op=18 its=0x0800
expect-submit to=$B ussd_op=2 contains="ho so 000.00.19.H56-250806-0002 the nao?"
ussd from=$B to=8088 text="2" op=18 its=0x0800
expect-submit to=$B ussd_op=17 contains=": 2/5. Ma DG"
expect-submit to=$B ussd_op=-1 contains=": 2/5. Ma DG"
# --- lookup of someone else's dossier: the ID digits ---
ussd from=$B to=8088 text="*8088#" op=1 its=0x0900
expect-submit to=$B ussd_op=2 text="$MAIN"
ussd from=$B to=8088 text="1" op=18 its=0x0900
expect-submit to=$B ussd_op=2 contains="Nhap ma ho so"
ussd from=$B to=8088 text="000.00.19.H56-250806-0001" op=18 its=0x0900
expect-submit to=$B ussd_op=2 text="Nhap 4 so cuoi CCCD cua nguoi nop ho so:"
ussd from=$B to=8088 text="1234" op=18 its=0x0900
expect-submit to=$B ussd_op=17 contains="Trang thai: Dang xu ly"
expect-quiet ms=300
# --- 5. feedback, too short then kept as written ---
ussd from=$A to=8088 text="*8088#" op=1 its=0x0a00
expect-submit ussd_op=2 text="$MAIN"
ussd from=$A to=8088 text="5" op=18 its=0x0a00
expect-submit ussd_op=2 contains="Nhap gop y"
ussd from=$A to=8088 text="x" op=18 its=0x0a00
expect-submit ussd_op=2 contains="Du lieu khong hop le.\nNhap gop y"
ussd from=$A to=8088 dc=8 text="Cán bộ xã rất nhiệt tình, cảm ơn!" op=18 its=0x0a00
expect-submit ussd_op=17 contains="Cam on gop y cua ban. Ma GY"
expect-submit to=$A ussd_op=-1 contains="Cam on gop y cua ban. Ma GY"
expect-quiet ms=300
# --- English, remembered; a visit in English; back to Vietnamese ---
ussd from=$A to=8088 text="*8088#" op=1 its=0x0b00
expect-submit ussd_op=2 text="$MAIN"
ussd from=$A to=8088 text="9" op=18 its=0x0b00
expect-submit ussd_op=2 text="Thai Nguyen public services\n1. Check a dossier\n2. Request a callback\n3. Book a visit\n4. Rate a dossier\n5. Send feedback\n6. Apply\n9. Tieng Viet"
ussd from=$A to=8088 text="*8088#" op=1 its=0x0c00
expect-submit ussd_op=2 contains="3. Book a visit"
ussd from=$A to=8088 text="3" op=18 its=0x0c00
expect-submit ussd_op=2 contains="1. $E1"
ussd from=$A to=8088 text="1" op=18 its=0x0c00
expect-submit ussd_op=2 text="Choose a time, $E1:\n1. Morning (7:30-11:30)\n2. Afternoon (13:30-17:00)\n0. Back"
ussd from=$A to=8088 text="2" op=18 its=0x0c00
expect-submit ussd_op=2 text="Confirm your visit: $E1, Afternoon (13:30-17:00).\n1. Confirm\n2. Cancel"
ussd from=$A to=8088 text="1" op=18 its=0x0c00
expect-submit ussd_op=17 contains="Visit booked: $E1, Afternoon (13:30-17:00), reference LH"
expect-submit to=$A ussd_op=-1 contains="Visit booked: $E1"
ussd from=$A to=8088 text="*8088#" op=1 its=0x0d00
expect-submit ussd_op=2 contains="9. Tieng Viet"
ussd from=$A to=8088 text="9" op=18 its=0x0d00
expect-submit ussd_op=2 text="$MAIN"
# --- a network abort in the middle; a new dial in the middle restarts ---
ussd from=$A to=8088 text="2" op=18 its=0x0d00
expect-submit ussd_op=2 contains="4. Viec khac"
ussd from=$A to=8088 text="" op=17 its=0x0d00
expect-quiet ms=500
ussd from=$A to=8088 text="1" op=18 its=0x0e00
expect-submit ussd_op=2 its=0x0e00 text="$MAIN"
ussd from=$A to=8088 text="5" op=18 its=0x0e00
expect-submit ussd_op=2 contains="Nhap gop y"
ussd from=$A to=8088 text="*8088#" op=1 its=0x0f00
expect-submit ussd_op=2 its=0x0f00 text="$MAIN"
expect-quiet ms=500
SIM

start_redis
start_sim "$T/walk.sim"
write_config "services = { holidays = [ \"$HOLIDAY\" ]; };"
import_samples
start_gw
wait_sim 90

# the USSD session lives ussd.session_ttl (180 s by default)
sess=$(redis --scan --pattern "cgw:*:sess:$A:u" | head -1)
ttl=$(redis PTTL "$sess")
[ "$ttl" -gt 170000 ] && [ "$ttl" -le 180000 ] ||
	fail "USSD session TTL is $ttl ms, not 180 s"
# the abort closed the session: no node to answer from; the last dial
# opened a new one at the main menu
[ "$(redis HGET "$sess" node)" = main ] || fail "session not at main"

# the records: 1 callback, 2 visits, 2 ratings, 1 feedback (cancelled
# procedures leave none)
"$CTL" -c "$T/gw.cfg" requests list >"$T/list.out" || fail "requests list failed"
[ "$(grep -c ' callback ' "$T/list.out")" = 1 ] || fail "callbacks: $(cat "$T/list.out")"
[ "$(grep -c ' visit ' "$T/list.out")" = 2 ] || fail "visits: $(cat "$T/list.out")"
[ "$(grep -c ' rating ' "$T/list.out")" = 2 ] || fail "ratings: $(cat "$T/list.out")"
[ "$(grep -c ' feedback ' "$T/list.out")" = 1 ] || fail "feedback: $(cat "$T/list.out")"
grep -q "^6 requests" "$T/list.out" || fail "not 6 requests"
grep -q "topic=vneid commune=Phúc Xuân" "$T/list.out" || fail "callback fields"
grep -q "day=$ISO3 slot=am" "$T/list.out" || fail "visit fields"
grep -q "day=$ISO2 slot=pm" "$T/list.out" || fail "English visit fields"
grep -q "code=000.00.19.H56-250901-0003 rating=4" "$T/list.out" || fail "rating fields"
grep -q "text=Cán bộ xã rất nhiệt tình, cảm ơn!" "$T/list.out" || fail "feedback text"
"$CTL" -c "$T/gw.cfg" requests list --kind visit >"$T/visits.out"
grep -q "^2 requests" "$T/visits.out" || fail "--kind visit"
"$CTL" -c "$T/gw.cfg" requests export --since "$(TZ=UTC-7 date +%F)" >"$T/export.csv" ||
	fail "export failed"
head -1 "$T/export.csv" | grep -q "^time,ref,kind,phone,channel,lang," ||
	fail "CSV header: $(head -1 "$T/export.csv")"
[ "$(wc -l <"$T/export.csv")" = 7 ] || fail "CSV rows: $(cat "$T/export.csv")"
grep -q '"Cán bộ xã rất nhiệt tình, cảm ơn!"' "$T/export.csv" || fail "CSV quoting"
"$CTL" -c "$T/gw.cfg" requests export --since 1m --kind feedback >"$T/fb.csv"
[ "$(wc -l <"$T/fb.csv")" = 2 ] || fail "export --since 1m --kind"
"$CTL" -c "$T/gw.cfg" requests list --until 2000-01-01 | grep -q "^0 requests" ||
	fail "--until in the past"

# every reference the citizen got is the one recorded, on screen and SMS
for ref in $(sed -n 's/.*SUBMIT .*ussd_service_op=17 .*\(GL\|LH\|DG\|GY\)\([0-9A-Z]\{8\}\).*/\1\2/p' "$T/sim.log"); do
	grep -q "^[^,]*,$ref,"  "$T/export.csv" || fail "reference $ref not recorded"
	[ "$(grep ' SUBMIT ' "$T/sim.log" | grep -c "$ref")" = 2 ] ||
		fail "reference $ref not sent twice (screen and SMS)"
done
[ "$(grep -c ' SUBMIT .*ussd_service_op=-1 ' "$T/sim.log")" = 6 ] ||
	fail "not one SMS per procedure"
stop_gw || fail "citizengw exited with an error"
pass
