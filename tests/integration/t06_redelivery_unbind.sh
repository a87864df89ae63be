#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# An SMS centre that may have missed our deliver_sm_resp delivers the MO
# again: here the link drops right after the response (within
# gateway.mo_ack_timeout). The copy is acknowledged again but neither
# processed nor answered again. A USSD answer that repeats the previous one
# is new input, not a re-delivery. SIGTERM unbinds cleanly. (A citizen who
# asks again after a response in time on a link that stayed up is
# answered: t39.)
. "$(dirname "$0")/lib.sh"

cat >"$T/dedup.sim" <<'SIM'
wait-bind timeout=15
mo name=a from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-acked mo=a
expect-submit to=84912345678 contains="Dang xu ly"
# the reply's submit_sm_resp reaches the gateway first (else the reply is
# in flight at the drop and rightly sent again)
sleep 300
drop
wait-bind timeout=15
redeliver mo=a
expect-acked mo=a
expect-quiet ms=1000
# two different MOs with the same text from two phones: both answered
mo from=84977000111 to=8088 text="xin chao"
mo from=84966000222 to=8088 text="xin chao"
expect-submit to=84977000111 contains="TRACUU"
expect-submit to=84966000222 contains="TRACUU"
# in a menu, the same digit twice is two answers
ussd from=84911111111 to=8088 text="*8088#" op=1 its=0x0100
expect-submit ussd_op=2 contains="9. English"
ussd from=84911111111 to=8088 text="9" op=18 its=0x0100
expect-submit ussd_op=2 contains="9. Tieng Viet"
ussd from=84911111111 to=8088 text="9" op=18 its=0x0100
expect-submit ussd_op=2 contains="9. English"
expect-quiet ms=800
SIM

start_redis
start_sim "$T/dedup.sim"
write_config
import_samples
start_gw
wait_sim 40
[ "$(count_in "$T/sim.log" "MO-RESP a status=0x00000000")" = 2 ] ||
	fail "the re-delivery was not acknowledged"
grep -q "re-delivery of MO .* (acknowledged on a connection that may have dropped): acknowledged, not answered again" "$T/gw.log" ||
	fail "re-delivery not logged"

# graceful stop: unbind, answer the unbind_resp, exit 0
stop_gw || fail "first daemon exited with an error"
start_sim ""
write_config
start_gw
wait_for 15 grep -q "BOUND transceiver" "$T/sim.log" || fail "no second bind"
stop_gw || fail "citizengw exited with an error on SIGTERM"
grep -q "RX unbind seq=" "$T/sim.log" || fail "no unbind on SIGTERM"
grep -q "UNBOUND" "$T/sim.log" || fail "unbind not answered"
grep -q "bind state UNBINDING -> IDLE" "$T/gw.log" || fail "no clean unbind"
pass
