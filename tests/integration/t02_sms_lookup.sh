#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# SMS commands through a real bind: a lookup by the dossier's own phone, an
# unknown code, another citizen's code (same answer: nothing revealed),
# MENU and a digit answer, free text -> help. Every MO gets exactly one
# reply, acknowledged only once recorded.
. "$(dirname "$0")/lib.sh"

cat >"$T/sms.sim" <<'SIM'
wait-bind timeout=15
mo name=lookup from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-acked
expect-submit to=84912345678 from=8088 dc=0 text="Ho so 000.00.19.H56-250806-0001 (Cap ban sao trich luc khai sinh): Dang xu ly. Hen tra 20/08/2025."
expect-quiet ms=300
# national form of the number, lower case keyword with a space, code without dots
mo from=0912345678 ton=2 npi=1 to=8088 text="tra cuu 0000019h56-250806-0001"
expect-submit to=0912345678 text="Ho so 000.00.19.H56-250806-0001 (Cap ban sao trich luc khai sinh): Dang xu ly. Hen tra 20/08/2025."
# Vietnamese with diacritics, in UCS-2
mo from=84912345678 to=8088 dc=8 text="Tra cứu 000.00.19.H56-250901-0003"
expect-submit to=84912345678 text="Ho so 000.00.19.H56-250901-0003 (Chung thuc ban sao tu ban chinh): Da tra ket qua."
# unknown code and another citizen's code: the same answer
mo from=84912345678 to=8088 text="HS 000.00.19.H56-250806-0099"
expect-submit to=84912345678 text="Khong tim thay ho so 000.00.19.H56-250806-0099 cho so dien thoai nay. Ho so cua nguoi khac: TRACUU 000.00.19.H56-250806-0099 <4 so cuoi CCCD>"
mo from=84912345678 to=8088 text="STATUS 000.00.19.H56-250806-0002"
expect-submit to=84912345678 text="Khong tim thay ho so 000.00.19.H56-250806-0002 cho so dien thoai nay. Ho so cua nguoi khac: TRACUU 000.00.19.H56-250806-0002 <4 so cuoi CCCD>"
# ... unless the last 4 digits of the citizen ID are given
mo from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0002 5678"
expect-submit to=84912345678 contains="(Dang ky ket hon): Da xu ly xong. Hen tra 13/08/2025."
# the keyword alone
mo from=84912345678 to=8088 text="tracuu"
expect-submit to=84912345678 contains="Sai cu phap"
# MENU by SMS, then a digit continues the SMS session
mo from=84977000111 to=8088 text="menu"
expect-submit to=84977000111 text="Dich vu cong Thai Nguyen\n1. Tra cuu ho so\n2. Yeu cau goi lai\n3. Dat lich den Trung tam\n4. Danh gia ho so\n5. Gop y\n6. Nop ho so\n9. English"
mo from=84977000111 to=8088 text="1"
expect-submit to=84977000111 contains="Nhap ma ho so"
# anything else: one line of help
mo from=84966000222 to=8088 text="xin chao"
expect-submit to=84966000222 contains="TRACUU <ma ho so>"
expect-quiet ms=1000
SIM

start_redis
start_sim "$T/sms.sim"
write_config
import_samples
start_gw
wait_sim 40

# exactly one reply per MO, every MO acknowledged with status 0
[ "$(count_in "$T/sim.log" " SUBMIT #")" = 10 ] || fail "expected 10 replies"
[ "$(count_in "$T/sim.log" "MO-RESP")" = 10 ] || fail "expected 10 MO responses"
[ "$(count_in "$T/sim.log" "status=0x00000000 attempt=1")" = 10 ] ||
	fail "an MO was not acknowledged with status 0 at once"
# SMS replies ask for a delivery receipt
grep -q "SUBMIT #1 .*registered_delivery=1" "$T/sim.log" ||
	fail "no registered_delivery on an SMS reply"

# Redis: nothing left unanswered, the replies recorded as sent with the
# SMS centre's message id
for s in $(seq 0 15); do
	[ "$(redis ZCARD "cgw:{s$s}:inq")" = 0 ] || fail "MO left in inq of shard $s"
	[ "$(redis ZCARD "cgw:{s$s}:outq")" = 0 ] || fail "MT left in outq of shard $s"
done
msgid=$(sed -n 's/.*SUBMIT #1 .*message_id=\([0-9]*\) .*/\1/p' "$T/sim.log")
"$CTL" -c "$T/gw.cfg" message "$msgid" >"$T/msg.out" ||
	fail "citizengw-ctl message $msgid found nothing"
grep -q "^State: *sent" "$T/msg.out" || fail "MT not recorded as sent"
grep -q "^SMSC message ids: *$msgid" "$T/msg.out" || fail "MT without the SMS centre id"
grep -q "^MT id: *[0-9a-f]*-.*\.r$" "$T/msg.out" || fail "ctl shows no MT id: $(cat "$T/msg.out")"
grep -q "^Destination_addr: *84912345678$" "$T/msg.out" ||
	fail "ctl shows no destination_addr: $(cat "$T/msg.out")"

# the retained records hold what their receipts and reports need: no
# id (the key has it), no holder once closed, no fingerprint, no copy of
# the phone; the sent reply no text (the SMS centre has it)
fields() { redis HKEYS "$1" | sort | tr '\n' ' '; }
[ "$(redis --scan --pattern 'cgw:*:mo:*' | wc -l)" = 10 ] || fail "not 10 MO records"
for mo in $(redis --scan --pattern 'cgw:*:mo:*'); do
	[ "$(redis HGET "$mo" state)" = answered ] || fail "$mo: $(fields "$mo")"
	for f in id owner fp; do
		[ "$(redis HEXISTS "$mo" $f)" = 0 ] || fail "$mo holds $f: $(fields "$mo")"
	done
done
mt=$(redis GET "cgw:msgid:main:$msgid" | sed 's/#.*//')
for f in id fin parts; do
	[ "$(redis HEXISTS "$mt" $f)" = 0 ] || fail "$mt holds $f: $(fields "$mt")"
done
# its text and holder emptied where it was sent (store_mt.c,
# send_lean_sent: cheaper for Redis than deleting them)
for f in owner text; do
	[ -z "$(redis HGET "$mt" $f)" ] || fail "$mt holds $f: $(redis HGET "$mt" $f)"
done
# the phone, source, TON and created time in one field (REC_PACK "a")
[ "$(redis HGET "$mt" a | cut -d, -f1-3)" = 84912345678,8088,3 ] ||
	fail "$mt: $(fields "$mt")"
for f in msisdn src ston created; do
	[ "$(redis HEXISTS "$mt" $f)" = 0 ] || fail "$mt holds $f: $(fields "$mt")"
done
# its outcome written by plain commands (store_mt.c, send_lean_sent):
# the record and its mapping keep their expiries
[ "$(redis TTL "$mt")" -gt 0 ] || fail "$mt: TTL $(redis TTL "$mt")"
[ "$(redis TTL "cgw:msgid:main:$msgid")" -gt 0 ] || fail "the mapping lives for ever"
[ "$(redis HEXISTS "$mt" dst)" = 0 ] || fail "$mt: dst equal to msisdn stored"
# the national form: the destination as written, besides the phone
mt2=$(redis GET "cgw:msgid:main:$(sed -n 's/.*SUBMIT #2 .*message_id=\([0-9]*\) .*/\1/p' "$T/sim.log")" | sed 's/#.*//')
[ "$(redis HGET "$mt2" dst)" = 0912345678 ] || fail "$mt2: $(fields "$mt2")"

# a lookup or help with no menu behind it ends no session and writes
# none; MENU starts one
[ -z "$(redis --scan --pattern 'cgw:*:sess:84912345678:*')" ] ||
	fail "lookups left a session record"
[ -z "$(redis --scan --pattern 'cgw:*:sess:84966000222:*')" ] ||
	fail "the help reply left a session record"
[ "$(redis HGET "$(redis --scan --pattern 'cgw:*:sess:84977000111:s')" v)" = 2 ] ||
	fail "MENU and a digit: not one SMS session at version 2"

stop_gw || fail "citizengw exited with an error on SIGTERM"
pass
