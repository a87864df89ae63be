#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# bind = "transmitter+receiver": two connections; MOs arrive on the
# receiver, replies leave on the transmitter, and the conversation works
# as with a transceiver.
. "$(dirname "$0")/lib.sh"

cat >"$T/txrx.sim" <<'SIM'
wait-bind timeout=15
mo from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-submit to=84912345678 text="Ho so 000.00.19.H56-250806-0001 (Cap ban sao trich luc khai sinh): Dang xu ly. Hen tra 20/08/2025."
ussd from=84912345678 to=8088 text="*8088#" op=1 its=0x0a00
expect-submit ussd_op=2 its=0x0a00 contains="1. Tra cuu ho so"
ussd from=84912345678 to=8088 text="1" op=18 its=0x0a00
expect-submit ussd_op=2 its=0x0a00
ussd from=84912345678 to=8088 text="000.00.19.H56-250806-0001" op=18 its=0x0a00
expect-submit ussd_op=17 its=0x0a00 contains="Dang xu ly"
expect-quiet ms=500
SIM

start_redis
start_sim "$T/txrx.sim" --linger 10000
write_config
sed -i 's/bind = "transceiver";/bind = "transmitter+receiver";/' "$T/gw.cfg"
import_samples
start_gw
wait_for 40 grep -q "SCRIPT" "$T/sim.log" || fail "script did not finish"
grep -q "SCRIPT PASSED" "$T/sim.log" || fail "script failed: $(cat "$T/sim.err")"

tx=$(sed -n 's/.*conn#\([0-9]*\) BOUND transmitter.*/\1/p' "$T/sim.log" | head -1)
rx=$(sed -n 's/.*conn#\([0-9]*\) BOUND receiver.*/\1/p' "$T/sim.log" | head -1)
[ -n "$tx" ] && [ -n "$rx" ] || fail "no transmitter + receiver pair bound"
[ "$(grep -c "conn#$tx SUBMIT #" "$T/sim.log")" = 4 ] ||
	fail "replies did not all leave on the transmitter"
grep -q "conn#$rx SUBMIT #" "$T/sim.log" && fail "a reply left on the receiver"
grep -q "\[main/tx\] bind state BINDING -> BOUND" "$T/gw.log" || fail "tx log"
grep -q "\[main/rx\] bind state BINDING -> BOUND" "$T/gw.log" || fail "rx log"
stop_gw || fail "citizengw exited with an error"
grep -q "conn#$tx UNBOUND" "$T/sim.log" || fail "transmitter not unbound"
grep -q "conn#$rx UNBOUND" "$T/sim.log" || fail "receiver not unbound"
wait_sim 20
pass
