#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Nothing acknowledged is lost: while Redis is down an MO is refused with
# ESME_RX_T_APPN (0x64), so the SMS centre delivers it again; once Redis
# is back the next attempt is recorded, acknowledged and answered once.
. "$(dirname "$0")/lib.sh"

cat >"$T/down.sim" <<SIM
wait-bind timeout=15
wait-file path=$T/redis-stopped timeout=20
mo name=m from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-resp mo=m status=0x64 timeout=10
expect-acked mo=m timeout=30
expect-submit to=84912345678 text="Ho so 000.00.19.H56-250806-0001 (Cap ban sao trich luc khai sinh): Dang xu ly. Hen tra 20/08/2025."
expect-quiet ms=1500
SIM

start_redis_persistent() {
	REDIS_PORT=${REDIS_PORT:-$("$CGW_BUILDDIR"/tests/freeport)}
	"$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" \
		--appendonly yes --appendfsync always --dir "$T" \
		>>"$T/redis.log" 2>&1 &
	REDIS_PID=$!
	PIDS="$PIDS $REDIS_PID"
	wait_for 10 redis ping || fail "redis-server did not start"
}

start_redis_persistent
start_sim "$T/down.sim" --redeliver-ms 500
write_config
import_samples
start_gw
wait_for 15 grep -q "Redis ready" "$T/gw.log" || fail "daemon never saw Redis"
wait_for 15 grep -q "BOUND transceiver" "$T/sim.log" || fail "no bind"

stop_redis
wait_for 10 grep -q "Redis READY -> DOWN" "$T/gw.log" ||
	fail "daemon did not notice Redis going away"
touch "$T/redis-stopped"
wait_for 15 grep -q "status=0x00000064" "$T/sim.log" ||
	fail "the MO was not refused with ESME_RX_T_APPN"
grep -q "refused with ESME_RX_T_APPN" "$T/gw.log" || fail "no log of the refusal"
sleep 1
start_redis_persistent
wait_sim 40

# the MO was refused at least once, then accepted once and answered once
[ "$(count_in "$T/sim.log" "MO-RESP m status=0x00000000")" = 1 ] ||
	fail "MO acknowledged more or less than once"
[ "$(count_in "$T/sim.log" " SUBMIT #")" = 1 ] || fail "expected one reply"
stop_gw || fail "citizengw exited with an error"
pass
