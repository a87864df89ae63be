#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# An SMS centre that drops the connection every 8 PDUs: the gateway
# reconnects, MOs the SMS centre delivers again are recognised, replies
# in flight are sent again, and every MO gets exactly one accepted reply.
. "$(dirname "$0")/lib.sh"

{
	echo "wait-bind timeout=15"
	many_lookups 20 300
	echo "expect-quiet ms=1500"
} >"$T/drop.sim"

start_redis
start_sim "$T/drop.sim" --drop-after 8 --redeliver-ms 300 --timeout 90
write_config
start_gw
wait_sim 90

[ "$(count_in "$T/sim.log" "DROP at PDU")" -ge 3 ] || fail "too few drops"
[ "$(accepted_per_phone | wc -l)" = 20 ] || fail "not every MO answered"
accepted_per_phone | awk '$1 != 1 { exit 1 }' || fail "a phone got two replies"
# every bind after a drop came back
binds=$(count_in "$T/sim.log" "BOUND transceiver")
drops=$(count_in "$T/sim.log" "DROP at PDU")
[ "$binds" -ge "$drops" ] || fail "$binds binds for $drops drops"
stop_gw || fail "citizengw exited with an error"
pass
