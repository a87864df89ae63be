#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The daemon binds to the SMS centre only once Redis answers: started
# while Redis is down, it stays away from the SMS centre (an MO it could
# not record would only be refused); once Redis is up it binds, and the
# first MO is accepted at once, never refused with ESME_RX_T_APPN.
. "$(dirname "$0")/lib.sh"

cat >"$T/late.sim" <<'SIM'
wait-bind timeout=30
mo name=m from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-resp mo=m status=0x00 timeout=15
expect-submit to=84912345678 text="Ho so 000.00.19.H56-250806-0001 (Cap ban sao trich luc khai sinh): Dang xu ly. Hen tra 20/08/2025."
expect-quiet ms=500
SIM

# the import needs Redis: fill it, stop it, start the daemon without it
start_redis
start_sim "$T/late.sim" --redeliver-ms 0
write_config
import_samples
redis save >/dev/null || fail "redis SAVE failed"
stop_redis
start_gw
wait_for 10 grep -q "cannot connect to Redis" "$T/gw.log" ||
	fail "the daemon did not try Redis"
# two seconds without Redis (the hold-back is 5 s): no bind
sleep 2
grep -q "BOUND" "$T/sim.log" && fail "bound to the SMS centre before Redis answered"
"$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" \
	--appendonly no --dir "$T" --dbfilename dump.rdb >>"$T/redis.log" 2>&1 &
REDIS_PID=$!
PIDS="$PIDS $REDIS_PID"
wait_for 10 grep -q "Redis ready" "$T/gw.log" || fail "daemon never saw Redis"
wait_sim 40
grep -q "status=0x00000064" "$T/sim.log" && fail "an MO was refused for want of Redis"
grep -q "binding anyway" "$T/gw.log" && fail "the bind did not wait for Redis"
stop_gw || fail "citizengw exited with an error"
pass
