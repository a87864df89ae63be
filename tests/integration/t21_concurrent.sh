#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# MOs from one phone arriving at once never corrupt its session: each is
# answered, in the order it arrived, and the session ends where the last
# one leads, with one version step per MO. SMS and USSD sessions of one
# phone are separate.
. "$(dirname "$0")/lib.sh"

A=84912345678
C=84966000222

# the sim sends consecutive mo/ussd steps without waiting for answers;
# the texts of one phone differ ("0", " 0"...): an identical MO while the
# first is still in progress is a re-delivery (t06)
cat >"$T/burst.sim" <<SIM
wait-bind timeout=15
mo from=$A to=8088 text="MENU"
mo from=$A to=8088 text="2"
mo from=$A to=8088 text="1"
ussd from=$A to=8088 text="*8088#" op=1 its=0x0100
ussd from=$A to=8088 text="1" op=18 its=0x0100
ussd from=$A to=8088 text="000.00.19.H56-250806-0001" op=18 its=0x0100
mo from=$C to=8088 text="MENU"
mo from=$C to=8088 text="2"
mo from=$C to=8088 text="0"
mo from=$C to=8088 text="3"
mo from=$C to=8088 text=" 0"
mo from=$C to=8088 text="4"
mo from=$C to=8088 text="0 "
mo from=$C to=8088 text="5"
mo from=$C to=8088 text=" 0 "
mo from=$C to=8088 text=" 2"
mo from=$C to=8088 text="  0"
expect-submit to=$A ussd_op=17 contains="Trang thai: Dang xu ly" timeout=20
expect-submit to=$A ussd_op=-1 contains="Ban o xa/phuong nao?" timeout=20
expect-submit to=$C contains="Nhap gop y" timeout=20
SIM

start_redis
start_sim "$T/burst.sim" --linger 3000
write_config
import_samples
start_gw
wait_for 30 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge 17 ]" ||
	fail "not every MO was answered"
wait_sim 40
[ "$(count_in "$T/sim.log" " SUBMIT #")" = 17 ] || fail "not one reply per MO"

# the answers, per phone and channel, in the order the MOs arrived
texts() {
	grep " SUBMIT #" "$T/sim.log" | grep "to=$1 " | grep "$2" |
		sed 's/.* text="//; s/\\n.*//; s/"$//'
}
[ "$(texts $A 'ussd_service_op=-1' | tr '\n' '|')" = \
	"Dich vu cong Thai Nguyen|To cong nghe so goi lai ho tro ban ve:|Ban o xa/phuong nao? (0: quay lai)|" ] ||
	fail "A's SMS answers out of order: $(texts $A 'ussd_service_op=-1')"
[ "$(texts $A 'service_type="USSD"' | tr '\n' '|')" = \
	"Dich vu cong Thai Nguyen|Nhap ma ho so (vi du 000.00.19.H56-250806-0001):|Ho so 000.00.19.H56-250806-0001|" ] ||
	fail "A's USSD answers out of order: $(texts $A 'service_type="USSD"')"
M="Dich vu cong Thai Nguyen"
T2="To cong nghe so goi lai ho tro ban ve:"
[ "$(texts $C . | tr '\n' '|')" = \
	"$M|$T2|$M|Chon ngay den Trung tam Phuc vu hanh chinh cong:|$M|Nhap ma ho so can danh gia (0: quay lai):|$M|Nhap gop y cua ban, toi da 160 ky tu (0: quay lai):|$M|$T2|$M|" ] ||
	fail "C's answers out of order: $(texts $C .)"

# the sessions: where the last MO led, one version step per MO
s=$(redis --scan --pattern "cgw:*:sess:$A:s")
[ "$(redis HGET "$s" node)" = cb_commune ] || fail "A's SMS session at $(redis HGET "$s" node)"
[ "$(redis HGET "$s" v)" = 3 ] || fail "A's SMS session version $(redis HGET "$s" v)"
[ "$(redis HGET "$s" x:topic)" = online_filing ] || fail "A's SMS session lost its topic"
u=$(redis --scan --pattern "cgw:*:sess:$A:u")
[ "$(redis HGET "$u" node)" = "" ] || fail "A's USSD session not ended"
[ "$(redis HGET "$u" v)" = 3 ] || fail "A's USSD session version $(redis HGET "$u" v)"
c=$(redis --scan --pattern "cgw:*:sess:$C:s")
[ "$(redis HGET "$c" node)" = main ] || fail "C's session at $(redis HGET "$c" node)"
[ "$(redis HGET "$c" v)" = 11 ] || fail "C's session version $(redis HGET "$c" v)"
# nothing left half done
for s in $(seq 0 15); do
	[ "$(redis ZCARD "cgw:{s$s}:inq")" = 0 ] || fail "MO left in inq of shard $s"
done
# one process steps one phone's MOs one after the other: no CAS retries
grep -q "session changed under us" "$T/gw.log" &&
	fail "MOs of one phone raced inside one process"
stop_gw || fail "citizengw exited with an error"
pass
