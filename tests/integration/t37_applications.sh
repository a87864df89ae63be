#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Applications that become dossiers (menus/procedures/): each shipped
# procedure by SMS and by USSD, as a citizen sends them to the simulator;
# every kind of wrong input with the message that says what was expected;
# the same phone applying twice on one day gets its first code back; the
# codes follow AGENCY-YYMMDD-NNNN with one sequence per day and agency;
# TRACUU finds each dossier at once; Redis holds the dossier (status
# "received", the full citizen ID for the back office), the request for
# the back office (ID masked), and no log line holds a full ID.
. "$(dirname "$0")/lib.sh"

# the local day (Asia/Ho_Chi_Minh, UTC+7, no daylight saving) of the codes
DAY=$(date -u -d '+7 hours' +%y%m%d)
C="000.00.19.H56-$DAY"
A=84912345678		# applies for everything
B=84977000111		# a second applicant
ID=001203012345		# Hà Nội, male, born 2003

cat >"$T/apps.sim" <<SIM
wait-bind timeout=15
# BANSAO <CCCD> [copies]: one copy when left out
mo from=$A to=8088 text="BANSAO $ID"
expect-message to=$A contains="Da nhan ho so Ban sao khai sinh, ma $C-0001. Phi 8.000d/ban. Nhan KQ tu "
mo from=$A to=8088 text="TRACUU $C-0001"
expect-submit to=$A contains="Ho so $C-0001 (Cap ban sao Trich luc khai sinh): Duoc tiep nhan. Hen tra "
# the same phone, the same day, any spelling of the keyword: the first code
mo from=$A to=8088 dc=8 text="bản sao  001 203 012 345   2"
expect-message to=$A contains="ma $C-0001."
# another phone: the next number of the day
mo from=$B to=8088 text="Ban Sao 001203012345 3"
expect-message to=$B contains="ma $C-0002."
# CUTRU <CCCD> <commune>, the commune written any way
mo from=$A to=8088 text="cutru $ID phuong phan dinh phung"
expect-message to=$A contains="Da nhan ho so Xac nhan cu tru, ma $C-0003. Phi mien phi."
# HONNHAN <CCCD> <birth date> <full name>
mo from=$A to=8088 dc=8 text="HONNHAN $ID 5/3/2003 Nguyễn Văn An"
expect-message to=$A contains="Da nhan ho so Xac nhan hon nhan, ma $C-0004. Phi 15.000d."
mo from=$A to=8088 text="TRACUU $C-0004"
expect-submit to=$A contains="(Cap Giay xac nhan tinh trang hon nhan): Duoc tiep nhan."
# wrong inputs, each from its own phone (the per-phone reply limit)
mo from=84977000201 to=8088 text="BANSAO"
expect-submit to=84977000201 text="Soan: BANSAO <so CCCD> [so ban]"
mo from=84977000202 to=8088 text="BANSAO 12345"
expect-submit to=84977000202 text="So CCCD gom 12 chu so. Soan: BANSAO <so CCCD> [so ban]"
mo from=84977000203 to=8088 text="BANSAO 003203012345"
expect-submit to=84977000203 text="So CCCD khong dung: 3 so dau phai la ma tinh. Soan: BANSAO <so CCCD> [so ban]"
mo from=84977000204 to=8088 text="BANSAO 001903012345"
expect-submit to=84977000204 contains="So CCCD khong dung: so thu 4 va nam sinh (so thu 5-6) khong khop."
mo from=84977000205 to=8088 text="BANSAO 001299012345"
expect-submit to=84977000205 contains="khong khop."
mo from=84977000206 to=8088 text="BANSAO $ID 11"
expect-submit to=84977000206 text="Nhap mot so tu 1 den 10. Soan: BANSAO <so CCCD> [so ban]"
mo from=84977000207 to=8088 text="BANSAO $ID 2 3"
expect-submit to=84977000207 text="Soan: BANSAO <so CCCD> [so ban]"
mo from=84977000208 to=8088 text="HONNHAN $ID 31/02/2003 Nguyen Van An"
expect-submit to=84977000208 contains="Ngay theo dang ngay/thang/nam, vi du 05/03/1990. Soan: HONNHAN <so CCCD> <ngay sinh> <ho ten>"
mo from=84977000209 to=8088 text="HONNHAN $ID 01/01/2999 Nguyen Van An"
expect-submit to=84977000209 contains="Ngay nay chua toi."
mo from=84977000210 to=8088 text="HONNHAN $ID 01/01/2003 An"
expect-submit to=84977000210 contains="Ho ten gom 5-32 chu cai, it nhat 2 tu."
mo from=84977000211 to=8088 text="CUTRU $ID Ha Noi"
expect-submit to=84977000211 contains="Khong co xa/phuong nay trong danh sach."
# USSD: main menu 6, one question a screen, a summary, then the filing
ussd from=$B to=8088 text="*8088#" op=1 its=0x0100
expect-submit to=$B ussd_op=2 contains="6. Nop ho so\n9. English"
ussd from=$B to=8088 text="6" op=18 its=0x0100
expect-submit to=$B ussd_op=2 text="Chon thu tuc can nop:\n1. Ban sao khai sinh\n2. Xac nhan cu tru\n3. Xac nhan hon nhan\n0. Quay lai"
ussd from=$B to=8088 text="3" op=18 its=0x0100
expect-submit to=$B ussd_op=2 text="Nhap so CCCD (12 so) cua ban (0: quay lai):"
ussd from=$B to=8088 text="096 1990 1234" op=18 its=0x0100
expect-submit to=$B ussd_op=2 text="So CCCD gom 12 chu so.\nNhap so CCCD (12 so) cua ban (0: quay lai):"
ussd from=$B to=8088 text="0961 9001 2345" op=18 its=0x0100
expect-submit to=$B ussd_op=2 text="Ngay sinh cua ban (vi du 05/03/1990), 0: quay lai:"
ussd from=$B to=8088 text="1990-01-07" op=18 its=0x0100
expect-submit to=$B ussd_op=2 contains="Ngay theo dang ngay/thang/nam"
ussd from=$B to=8088 text="7.1.1990" op=18 its=0x0100
expect-submit to=$B ussd_op=2 text="Ho va ten cua ban (co dau cang tot), 0: quay lai:"
ussd from=$B to=8088 dc=8 text="trần   thị bình" op=18 its=0x0100
expect-submit to=$B ussd_op=2 contains="Xac nhan hon nhan\nNgay sinh: 07/01/1990\nHo ten: TRAN THI BINH\nLe phi: 15.000d\nHen tra: "
ussd from=$B to=8088 text="1" op=18 its=0x0100
expect-submit to=$B ussd_op=17 contains="ma $C-0005. Phi 15.000d. Nhan KQ tu "
expect-message to=$B parts=2 contains="Da nhan ho so Xac nhan hon nhan, ma $C-0005."
# the USSD lookup finds it at once
ussd from=$B to=8088 text="*8088#" op=1 its=0x0200
expect-submit to=$B ussd_op=2
ussd from=$B to=8088 text="1" op=18 its=0x0200
expect-submit to=$B ussd_op=2
ussd from=$B to=8088 text="$C-0005" op=18 its=0x0200
expect-submit to=$B ussd_op=17 contains="Cap Giay xac nhan tinh trang hon nhan\nTrang thai: Duoc tiep nhan"
# USSD: CUTRU after a wrong commune
ussd from=84977000300 to=8088 text="*8088#" op=1 its=0x0300
expect-submit ussd_op=2
ussd from=84977000300 to=8088 text="6" op=18 its=0x0300
expect-submit ussd_op=2
ussd from=84977000300 to=8088 text="2" op=18 its=0x0300
expect-submit ussd_op=2 contains="CCCD"
ussd from=84977000300 to=8088 text="$ID" op=18 its=0x0300
expect-submit ussd_op=2 text="Ban cu tru o xa/phuong nao? (0: quay lai)"
ussd from=84977000300 to=8088 text="Hai Ba Trung" op=18 its=0x0300
expect-submit ussd_op=2 contains="Khong co xa/phuong nay trong danh sach."
ussd from=84977000300 to=8088 text="xa tan cuong" op=18 its=0x0300
expect-submit ussd_op=2 contains="Xac nhan cu tru\nCCCD: ********2345\nNoi cu tru: Tan Cuong\nLe phi: mien phi\nHen tra: "
ussd from=84977000300 to=8088 text="1" op=18 its=0x0300
expect-submit to=84977000300 ussd_op=17 contains="Da nhan ho so Xac nhan cu tru, ma $C-0006. Phi mien phi."
expect-message to=84977000300 parts=2 contains="ma $C-0006."
# USSD: cancel on the summary files nothing
ussd from=84977000301 to=8088 text="*8088#" op=1 its=0x0310
expect-submit ussd_op=2
ussd from=84977000301 to=8088 text="6" op=18 its=0x0310
expect-submit ussd_op=2
ussd from=84977000301 to=8088 text="1" op=18 its=0x0310
expect-submit ussd_op=2
ussd from=84977000301 to=8088 text="$ID" op=18 its=0x0310
expect-submit ussd_op=2
ussd from=84977000301 to=8088 text="1" op=18 its=0x0310
expect-submit ussd_op=2 contains="So ban: 1"
ussd from=84977000301 to=8088 text="2" op=18 its=0x0310
expect-submit ussd_op=17 text="Da huy. Cam on ban."
# English
ussd from=84966000222 to=8088 text="*8088#" op=1 its=0x0400
expect-submit ussd_op=2
ussd from=84966000222 to=8088 text="9" op=18 its=0x0400
expect-submit ussd_op=2 contains="6. Apply\n9. Tieng Viet"
ussd from=84966000222 to=8088 text="6" op=18 its=0x0400
expect-submit ussd_op=2 text="What do you apply for?\n1. Birth extract copy\n2. Residence confirmation\n3. Marital status\n0. Back"
ussd from=84966000222 to=8088 text="1" op=18 its=0x0400
expect-submit ussd_op=2 contains="Enter the 12-digit ID card number"
ussd from=84966000222 to=8088 text="$ID" op=18 its=0x0400
expect-submit ussd_op=2 text="How many copies (1-10)? 0: back"
ussd from=84966000222 to=8088 text="0" op=18 its=0x0400
expect-submit ussd_op=2 contains="Enter the 12-digit ID card number"
ussd from=84966000222 to=8088 text="$ID" op=18 its=0x0400
expect-submit ussd_op=2
ussd from=84966000222 to=8088 text="12" op=18 its=0x0400
expect-submit ussd_op=2 text="Enter a number from 1 to 10.\nHow many copies (1-10)? 0: back"
ussd from=84966000222 to=8088 text="1" op=18 its=0x0400
expect-submit ussd_op=2 contains="Birth extract copy\nID: ********2345\nCopies: 1\nFee: VND 8,000/copy\nResult from: "
ussd from=84966000222 to=8088 text="1" op=18 its=0x0400
expect-submit ussd_op=17 contains="Received: Birth extract copy, code $C-0007. Fee VND 8,000/copy. Result from "
expect-message to=84966000222 parts=2 contains="code $C-0007"
expect-quiet ms=800
SIM

start_redis
start_sim "$T/apps.sim"
write_config
# the default log level: what citizens write is not in the log
sed -i 's/level = "info,smpp=debug"/level = "info"/' "$T/gw.cfg"
import_samples
start_gw
wait_sim 120

# the dossiers in Redis: status received, the phone, the ID in full for
# the back office, its last 4 digits, the facts, a TTL
key=$(redis --scan --pattern "cgw:*:dossier:*H56-$DAY-0004")
[ -n "$key" ] || fail "no dossier $C-0004"
[ "$(redis HGET "$key" status)" = 2 ] || fail "status: $(redis HGETALL "$key")"
[ "$(redis HGET "$key" phone)" = $A ] || fail "phone"
[ "$(redis HGET "$key" app)" = honnhan ] || fail "app"
[ "$(redis HGET "$key" f:cccd)" = $ID ] || fail "the full ID"
[ "$(redis HGET "$key" id_last4)" = 2345 ] || fail "last 4"
[ "$(redis HGET "$key" f:dob)" = 05/03/2003 ] || fail "dob: $(redis HGET "$key" f:dob)"
[ "$(redis HGET "$key" f:name)" = "NGUYỄN VĂN AN" ] || fail "name: $(redis HGET "$key" f:name)"
[ "$(redis HGET "$key" received_at)" = "20$(echo $DAY | cut -c1-2)-$(echo $DAY | cut -c3-4)-$(echo $DAY | cut -c5-6)" ] ||
	fail "received_at $(redis HGET "$key" received_at)"
ttl=$(redis TTL "$key")
[ "$ttl" -gt 31000000 ] || fail "dossier TTL $ttl"
# the reply's collection date is the dossier's due date
due=$(redis HGET "$key" due_at)
dd=$(echo "$due" | awk -F- '{ print $3 "/" $2 "/" $1 }')
grep "MESSAGE.*ma $C-0004" "$T/sim.log" | grep -q "Nhan KQ tu $dd " ||
	fail "reply without the due date $dd"
key1=$(redis --scan --pattern "cgw:*:dossier:*H56-$DAY-0001")
[ "$(redis HGET "$key1" f:copies)" = 1 ] || fail "copies default"
key3=$(redis --scan --pattern "cgw:*:dossier:*H56-$DAY-0003")
[ "$(redis HGET "$key3" f:residence)" = "Phan Đình Phùng" ] || fail "commune as the list spells it"
# exactly seven dossiers, seven applications listed, no eighth code
[ "$(redis --scan --pattern "cgw:*:dossier:*H56-$DAY-*" | wc -l)" = 7 ] ||
	fail "dossiers: $(redis --scan --pattern "cgw:*:dossier:*H56-$DAY-*")"
n=0
for k in $(redis --scan --pattern 'cgw:*:apps'); do
	n=$(( n + $(redis ZCARD "$k") ))
done
[ "$n" = 7 ] || fail "$n applications listed"
# the back office's requests: one per application (the repeat is none),
# the ID masked
"$CTL" -c "$T/gw.cfg" requests export >"$T/export.csv" || fail "export"
[ "$(grep -c ',application,' "$T/export.csv")" = 7 ] ||
	fail "requests: $(cat "$T/export.csv")"
grep -q "$C-0005,application,$B,ussd,vi," "$T/export.csv" || fail "USSD request"
grep -q '\*\*\*\*\*\*\*\*2345' "$T/export.csv" || fail "masked ID in the request"
grep -q "$ID" "$T/export.csv" && fail "a full ID in the requests"
# no full ID in the daemon's log at the default level
grep -q "$ID" "$T/gw.log" && fail "a full ID was logged"
grep -q "MO .* sms (19 bytes)" "$T/gw.log" || fail "MOs are not logged"
grep -q "application bansao filed before as $C-0001" "$T/gw.log" ||
	fail "the repeat is not logged"
pass
