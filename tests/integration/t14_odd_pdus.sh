#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What real SMS centres send: sequence number 0, unknown and vendor TLVs,
# an unknown command (generic_nack), a malformed deliver_sm (its own
# response with an error status), enquire_link and unbind from the SMS
# centre, an empty message_id, permanent and temporary submit errors, and
# error responses without a body.
. "$(dirname "$0")/lib.sh"

cat >"$T/odd.sim" <<'SIM'
wait-bind timeout=15
# sequence number 0 and TLVs nobody defined
mo name=z from=84912345678 to=8088 seq=0 text="xin chao" tlv=0x0099:0102 tlv=0x1400:abcdef
expect-acked mo=z
expect-submit to=84912345678 contains="TRACUU"
# an unknown command id (0x00000099), seq 77: generic_nack
send-raw hex=0000001000000099000000000000004d
# a deliver_sm whose sm_length (0x20) runs past the PDU: refused, seq 78
send-raw hex=0000003300000005000000000000004e0001013834393030303030303031000300383038380000000000000000000020414243
sleep 300
# empty message id accepted: logged, no receipt matching possible
set empty-msgid=1
mo from=84977000111 to=8088 text="xin chao"
expect-submit to=84977000111
set empty-msgid=0
# a permanent error (invalid destination, no body): failed, not retried
set fail-every=1 fail-status=0x0B
mo from=84966000222 to=8088 text="xin chao"
sleep 800
set fail-every=0
# a temporary error (system error): retried until accepted
set fail-every=2 fail-status=0x08
mo from=84955000333 to=8088 text="xin chao"
expect-submit to=84955000333 timeout=10
set fail-every=0
# the SMS centre unbinds: the gateway answers, reconnects, rebinds
unbind
sleep 1500
wait-bind timeout=10
mo from=84944000444 to=8088 text="xin chao"
expect-submit to=84944000444
expect-quiet ms=500
SIM

start_redis
start_sim "$T/odd.sim" --enquire-every 400
write_config
start_gw
wait_sim 60

grep -q "MO-RESP z status=0x00000000" "$T/sim.log" || fail "seq 0 MO not acknowledged"
grep -q "RX deliver_sm_resp seq=0 status=0x00000000" "$T/sim.log" ||
	fail "seq 0 not echoed"
grep -q "RX generic_nack seq=77 status=0x00000003" "$T/sim.log" ||
	fail "no generic_nack ESME_RINVCMDID for an unknown command"
grep -q "RX deliver_sm_resp seq=78 status=0x00000001" "$T/sim.log" ||
	fail "malformed deliver_sm not refused with ESME_RINVMSGLEN"
grep -q "RX enquire_link_resp" "$T/sim.log" || fail "enquire_link not answered"
grep -q "accepted with an empty message_id" "$T/gw.log" || fail "empty message_id not logged"
grep -q "MT .* to 84966\*\*\*22 failed (status 0x0000000b)" "$T/gw.log" ||
	fail "permanent error not recorded as failed"
[ "$(grep -c "SUBMIT #.* to=84966000222 " "$T/sim.log")" = 1 ] ||
	fail "a permanent error was retried"
# its record says so and keeps the text the citizen did not get (a reply
# like the others, which drop theirs once sent: store_mt.c's send_lean_sent)
for k in $(redis --scan --pattern 'cgw:*:mt:*'); do
	[ "$(redis HGET "$k" a | cut -d, -f1)" = 84966000222 ] && mt=$k
done
[ -n "${mt:-}" ] || fail "no record of the reply to 84966000222"
[ "$(redis HGET "$mt" state)" = failed ] || fail "$mt: $(redis HGETALL "$mt" | tr '\n' ' ')"
[ -n "$(redis HGET "$mt" text)" ] || fail "$mt dropped its text"
grep -q "SUBMIT #.*status=0x00000008 to=84955000333" "$T/sim.log" ||
	fail "no temporary error injected"
grep -q "RX unbind_resp" "$T/sim.log" || fail "unbind from the SMS centre not answered"
grep -q "the SMS centre unbinds" "$T/gw.log" || fail "peer unbind not logged"
[ "$(count_in "$T/sim.log" "BOUND transceiver")" -ge 2 ] || fail "no rebind"
stop_gw || fail "citizengw exited with an error"
pass
