#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The TPS cap: with tps = 4, never more than 4 submit_sm in any one-second
# window, measured by the SMS centre on its side; everything still goes out.
. "$(dirname "$0")/lib.sh"

{
	echo "wait-bind timeout=15"
	many_lookups 24 200
	echo "expect-quiet ms=500"
} >"$T/tps.sim"

start_redis
start_sim "$T/tps.sim" --timeout 90
write_config
sed -i 's/bind = "transceiver";/bind = "transceiver"; tps = 4;/' "$T/gw.cfg"
start_gw
wait_sim 90

[ "$(accepted_per_phone | wc -l)" = 24 ] || fail "not every MO answered"
m=$(max_per_second "$T/sim.log")
[ "$m" -le 4 ] || fail "$m submits in one second with tps = 4"
[ "$m" -ge 3 ] || fail "only $m submits per second: the cap is not reached"
first=$(grep " SUBMIT #" "$T/sim.log" | head -1 | awk '{print $1+0}')
last=$(grep " SUBMIT #" "$T/sim.log" | tail -1 | awk '{print $1+0}')
[ $(( last - first )) -ge 5000 ] || fail "24 submits in $(( last - first ))ms"
stop_gw || fail "citizengw exited with an error"
pass
