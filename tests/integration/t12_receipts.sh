#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Delivery receipts: an SMS centre that writes message ids in hex in
# submit_sm_resp and the TLV, but in decimal in the text form, still has
# every receipt matched (message_id_format = "hex"); delivered and failed
# states land on the MT, readable with citizengw-ctl message; a receipt
# for an unknown id is acknowledged and logged; receipts are never
# answered like MOs.
. "$(dirname "$0")/lib.sh"

cat >"$T/dlr.sim" <<'SIM'
wait-bind timeout=15
mo from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-submit to=84912345678 contains="Dang xu ly"
set receipts=text
mo from=84977000111 to=8088 text="xin chao"
expect-submit to=84977000111
set receipts=tlv receipt-stat=UNDELIV
mo from=84966000222 to=8088 text="xin chao"
expect-submit to=84966000222
# a receipt nobody asked for: acknowledged, not answered
mo name=stray from=84955000333 to=8088 esm_class=4 text="id:123456789 sub:001 dlvrd:001 submit date:2511280000 done date:2511280001 stat:DELIVRD err:000 text:x"
expect-acked mo=stray
sleep 1500
expect-quiet ms=500
SIM

start_redis
start_sim "$T/dlr.sim" --msgid-format hex --receipts both \
	--receipt-id-format decimal --receipt-delay 200
write_config
sed -i 's/bind = "transceiver";/bind = "transceiver"; message_id_format = "hex";/' "$T/gw.cfg"
import_samples
start_gw
wait_sim 40

[ "$(count_in "$T/sim.log" "DLR-RESP dlr")" = 3 ] || fail "receipts not acknowledged"
[ "$(count_in "$T/sim.log" "DLR-RESP dlr1 status=0x00000000")" = 1 ] || fail "dlr1 status"
ids=$(grep " SUBMIT #" "$T/sim.log" | sed 's/.*message_id=\([0-9A-F]*\) .*/\1/')
set -- $ids
[ $# = 3 ] || fail "expected 3 accepted submits, got $#"
"$CTL" -c "$T/gw.cfg" message "$1" >"$T/m1.out" || fail "ctl message $1"
grep -q "^State: *delivered" "$T/m1.out" || fail "first MT not delivered: $(cat "$T/m1.out")"
grep -q "^Receipt stat: *DELIVRD" "$T/m1.out" || fail "no DELIVRD recorded"
"$CTL" -c "$T/gw.cfg" message "$2" >"$T/m2.out" || fail "ctl message $2"
grep -q "^State: *delivered" "$T/m2.out" || fail "text-only receipt not matched"
"$CTL" -c "$T/gw.cfg" message "$3" >"$T/m3.out" || fail "ctl message $3"
grep -q "^State: *failed" "$T/m3.out" || fail "UNDELIV not recorded as failed"
grep -q "^Receipt stat: *UNDELIV" "$T/m3.out" || fail "UNDELIV reason"
grep -q "receipt for unknown message id 123456789" "$T/gw.log" ||
	fail "unknown receipt not logged"
grep -q "receipt: MT .* delivered, message delivered" "$T/gw.log" ||
	fail "receipt not logged"
stop_gw || fail "citizengw exited with an error"
pass
