#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A USSD session in the standard dialect: *8088# (ussd_service_op 1) opens
# the main menu (2), "1" asks for the code (2), the code shows the dossier
# and ends the session (17); its_session_info is carried back each time.
# Then a wrong choice, a new dial that restarts, a network abort, and a
# citizen checking someone else's dossier with the last 4 ID digits.
. "$(dirname "$0")/lib.sh"

cat >"$T/ussd.sim" <<'SIM'
wait-bind timeout=15
ussd from=84912345678 to=8088 text="*8088#" op=1 its=0x0a00
expect-submit to=84912345678 ussd_op=2 its=0x0a00 service_type=USSD text="Dich vu cong Thai Nguyen\n1. Tra cuu ho so\n2. Yeu cau goi lai\n3. Dat lich den Trung tam\n4. Danh gia ho so\n5. Gop y\n6. Nop ho so\n9. English"
ussd from=84912345678 to=8088 text="1" op=18 its=0x0a00
expect-submit to=84912345678 ussd_op=2 its=0x0a00 text="Nhap ma ho so (vi du 000.00.19.H56-250806-0001):"
ussd from=84912345678 to=8088 text="000.00.19.H56-250806-0001" op=18 its=0x0a00
expect-submit to=84912345678 ussd_op=17 its=0x0a00 text="Ho so 000.00.19.H56-250806-0001\nCap ban sao trich luc khai sinh\nTrang thai: Dang xu ly\nHen tra: 20/08/2025"
expect-quiet ms=300
# a wrong choice keeps the menu; a new dial starts over
ussd from=84912345678 to=8088 text="*8088#" op=1 its=0x0b00
expect-submit ussd_op=2 its=0x0b00 contains="1. Tra cuu ho so"
ussd from=84912345678 to=8088 text="7" op=18 its=0x0b00
expect-submit ussd_op=2 its=0x0b00 text="Lua chon khong hop le.\nDich vu cong Thai Nguyen\n1. Tra cuu ho so\n2. Yeu cau goi lai\n3. Dat lich den Trung tam\n4. Danh gia ho so\n5. Gop y\n6. Nop ho so\n9. English"
ussd from=84912345678 to=8088 text="*8088#" op=1 its=0x0c00
expect-submit ussd_op=2 its=0x0c00 contains="1. Tra cuu ho so"
# the network ends the session: no answer
ussd from=84912345678 to=8088 text="" op=17 its=0x0c00
expect-quiet ms=500
# someone else's dossier: the menu asks for the last 4 ID digits
ussd from=84977000111 to=8088 text="*8088#" op=1 its=0x0d00
expect-submit to=84977000111 ussd_op=2
ussd from=84977000111 to=8088 text="1" op=18 its=0x0d00
expect-submit to=84977000111 ussd_op=2
ussd from=84977000111 to=8088 text="000.00.19.H56-250806-0001" op=18 its=0x0d00
expect-submit to=84977000111 ussd_op=2 text="Nhap 4 so cuoi CCCD cua nguoi nop ho so:"
ussd from=84977000111 to=8088 text="1234" op=18 its=0x0d00
expect-submit to=84977000111 ussd_op=17 contains="Trang thai: Dang xu ly"
# English, remembered for the next session
ussd from=84966000222 to=8088 text="*8088#" op=1 its=0x0e00
expect-submit to=84966000222 ussd_op=2
ussd from=84966000222 to=8088 text="9" op=18 its=0x0e00
expect-submit to=84966000222 ussd_op=2 text="Thai Nguyen public services\n1. Check a dossier\n2. Request a callback\n3. Book a visit\n4. Rate a dossier\n5. Send feedback\n6. Apply\n9. Tieng Viet"
ussd from=84966000222 to=8088 text="*8088#" op=1 its=0x0f00
expect-submit to=84966000222 ussd_op=2 contains="1. Check a dossier"
expect-quiet ms=500
SIM

start_redis
start_sim "$T/ussd.sim"
write_config
import_samples
start_gw
wait_sim 40

# the first session's screens carried USSD ops 2, 2, 17 in that order
ops=$(grep " SUBMIT #" "$T/sim.log" | head -3 |
	sed 's/.*ussd_service_op=\([0-9-]*\) .*/\1/' | tr '\n' ' ')
[ "$ops" = "2 2 17 " ] || fail "ussd_service_op sequence was '$ops'"
# USSD screens ask for no delivery receipt
grep " SUBMIT #" "$T/sim.log" | grep -qv "registered_delivery=0" &&
	fail "a USSD screen asked for a delivery receipt"
# so no SMS centre id of theirs is kept for receipts
[ -z "$(redis --scan --pattern 'cgw:msgid:*' | head -1)" ] ||
	fail "a USSD screen's id mapped for receipts"
# and once answered and on the handset, a screen leaves no record: no MO
# (its session holds what the next step needs) and no MT
[ -z "$(redis --scan --pattern 'cgw:*:mo:*' | head -3)" ] ||
	fail "USSD MOs kept: $(redis --scan --pattern 'cgw:*:mo:*' | head -3)"
[ -z "$(redis --scan --pattern 'cgw:*:mt:*' | head -3)" ] ||
	fail "USSD screens kept: $(redis --scan --pattern 'cgw:*:mt:*' | head -3)"
# a dial's fingerprint goes once it is answered (a copy of a dial is a
# re-delivery only while it is open); an answer's stays for the window
fps=$(for k in $(redis --scan --pattern 'cgw:*:fp:*'); do redis GET "$k"; done)
dials=$(sed -n 's/.* MO \([^ ]*\) ussd begin .*/\1/p' "$T/gw.log")
[ -n "$dials" ] || fail "no dial in the log"
for id in $dials; do
	echo "$fps" | grep -Eq "(^| )$id\$" && fail "dial $id's fingerprint kept"
done
id=$(sed -n 's/.* MO \([^ ]*\) ussd answer .*/\1/p' "$T/gw.log" | head -1)
echo "$fps" | grep -Eq "(^| )$id\$" || fail "answer $id's fingerprint gone: $fps"
# the aborted session is closed in Redis (no node to answer from)
sess=$(redis --scan --pattern 'cgw:*:sess:84912345678:u' | head -1)
[ -n "$sess" ] || fail "no USSD session record"
[ "$(redis HGET "$sess" node)" = "" ] || fail "aborted session still open"
# the language choice stays
lang=$(redis --scan --pattern 'cgw:*:ph:84966000222' | head -1)
[ -n "$lang" ] || fail "no profile for the English speaker"
[ "$(redis HGET "$lang" lang)" = en ] || fail "language not remembered"

stop_gw || fail "citizengw exited with an error"
pass
