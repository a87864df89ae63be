#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Long text both ways: a 3-part MO in UCS-2, out of order and with a
# repeated part, is understood as one command; a part that never comes is
# waited for until gateway.concat_timeout and what arrived is answered; a
# long SMS leaves in parts (UDH or SAR TLVs, as the bind says) that the
# receiving side joins, with the escape pairs of € [ ] intact; a message
# counts as delivered when every part is.
. "$(dirname "$0")/lib.sh"

# 3 GSM-7 segments: 153 + 153 + a few, with € [ ] (two septets each)
long="Thong bao [UBND xa Phuc Xuan]: le phi 50.000 dong (khoang 2 €) nop tai quay so 3."
long="$long $long $long $long $long"
cat >"$T/long.sim" <<SIM
wait-bind timeout=15
# UCS-2, three parts sent 3, 1, 2, part 2 twice
mo name=q from=84912345678 to=8088 dc=8 text="Tra cứu 000.00.19.H56-250806-0001" parts=3 order=3,1,2 dup=2
expect-acked mo=q
expect-message to=84912345678 text="Ho so 000.00.19.H56-250806-0001 (Cap ban sao trich luc khai sinh): Dang xu ly. Hen tra 20/08/2025."
expect-quiet ms=500
# two parts of three: answered after the timeout with what arrived
mo name=i from=84977000111 to=8088 text="TRACUU 000.00.19.H56-250806-0001" parts=3 order=1,3 concat=udh16
expect-acked mo=i
expect-message to=84977000111 contains="TRACUU" timeout=15
wait-file path=$T/sent-long timeout=30
expect-message to=84966000222 parts=3 concat=udh8 text="$long"
expect-message to=84955000333 parts=3 concat=sar text="$long"
expect-quiet ms=1500
SIM

start_redis
start_sim "$T/long.sim" --receipts tlv --receipt-delay 100
write_config 'gateway = { concat_timeout = "3s"; };'
import_samples
start_gw
wait_for 20 grep -q "MO-RESP i/3 status=0x00000000" "$T/sim.log" ||
	fail "the incomplete MO's parts were not acknowledged"
"$CTL" -c "$T/gw.cfg" send 0966000222 "$long" >"$T/id1" || fail "ctl send"
touch "$T/sent-long"
# the same text on a bind that ties parts with SAR TLVs
wait_for 20 grep -q "MESSAGE .*to=84966000222" "$T/sim.log" ||
	fail "the long SMS was not joined by the receiver"
sed -i 's/bind = "transceiver";/bind = "transceiver"; concat = "sar";/' "$T/gw.cfg"
stop_gw || fail "citizengw exited with an error"
start_gw
"$CTL" -c "$T/gw.cfg" send 0955000333 "$long" >"$T/id2" || fail "ctl send"
wait_sim 60

grep -q "MO .* sms in 3 parts \"Tra cứu 000.00.19.H56-250806-0001\"" "$T/gw.log" ||
	fail "the 3-part MO was not joined"
grep -q "part 2/3 from .* again: acknowledged, ignored" "$T/gw.log" ||
	fail "the repeated part was not recognised"
grep -q "incomplete after 3s: part(s) 2 of 3 never came" "$T/gw.log" ||
	fail "the incomplete MO was not logged"
# each long SMS cost 3 segments, every part with a UDH or SAR TLVs
[ "$(grep -c "SUBMIT #.*to=84966000222 .*part=[123]/3" "$T/sim.log")" = 3 ] ||
	fail "the UDH long SMS was not 3 parts"
[ "$(grep -c "SUBMIT #.*to=84955000333 .*part=[123]/3 .*concat=sar" "$T/sim.log")" = 3 ] ||
	fail "the SAR long SMS was not 3 parts"
# delivered once every part's receipt came
sleep 1
"$CTL" -c "$T/gw.cfg" message "$(cat "$T/id1")" >"$T/m1.out" ||
	fail "ctl message"
grep -q "^Parts: *3" "$T/m1.out" || fail "parts not recorded"
grep -q "^State: *delivered" "$T/m1.out" || fail "not delivered: $(cat "$T/m1.out")"
# sent, its record keeps what receipts need: not its text, nor what
# sending several parts needed (its concatenation reference)
k=$(redis --scan --pattern "cgw:*:mt:$(cat "$T/id1")")
[ -n "$k" ] || fail "no record of $(cat "$T/id1")"
for f in text owner ref; do
	[ "$(redis HEXISTS "$k" $f)" = 0 ] || fail "$k holds $f: $(redis HKEYS "$k" | tr '\n' ' ')"
done
stop_gw || fail "citizengw exited with an error"
pass
