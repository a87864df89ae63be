#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# An SMS centre that throttles every 7th submit_sm: the gateway backs off,
# retries the refused reply, and every MO still gets exactly one accepted
# reply.
. "$(dirname "$0")/lib.sh"

{
	echo "wait-bind timeout=15"
	many_lookups 30 100
	echo "expect-quiet ms=1500"
} >"$T/throttle.sim"

start_redis
start_sim "$T/throttle.sim" --throttle-every 7 --timeout 90
write_config
start_gw
wait_sim 90

n=$(accepted_per_phone | wc -l)
[ "$n" = 30 ] || fail "$n phones got an accepted reply, want 30"
accepted_per_phone | awk '$1 != 1 { exit 1 }' || fail "a phone got two replies"
throttled=$(count_in "$T/sim.log" "status=0x00000058")
[ "$throttled" -ge 4 ] || fail "only $throttled submits throttled"
grep -q "throttled by the SMS centre: pausing submits for 1000ms" "$T/gw.log" ||
	fail "no throttling back-off logged"
[ "$(count_in "$T/sim.log" "MO-RESP")" = 30 ] || fail "MO responses"
stop_gw || fail "citizengw exited with an error"
pass
