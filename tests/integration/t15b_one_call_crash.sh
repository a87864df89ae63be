#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# An SMS lookup is a one-call MO: read with plain commands, then stored,
# answered and judged in one script call, and acknowledged only after
# it. A process killed between the reads and that call leaves nothing in
# Redis and the MO unacknowledged: the SMS centre delivers it again to
# the next process, which answers it once.
. "$(dirname "$0")/lib.sh"

A=84912345678
cat >"$T/crash.sim" <<SIM
wait-bind timeout=15
wait-file path=$T/paused timeout=20
mo name=a from=$A to=8088 text="TRACUU 000.00.19.H56-250806-0001"
wait-file path=$T/restarted timeout=30
wait-bind timeout=15
redeliver mo=a
expect-acked mo=a timeout=10
expect-submit to=$A contains="Dang xu ly" timeout=10
expect-quiet ms=1500
SIM

start_redis
start_sim "$T/crash.sim"
write_config
import_samples
start_gw
# reads go on, writes (every script call) wait: the MO is read and its
# step computed, its commit held in Redis
pause_redis_bound 20000 WRITE
wait_for 15 grep -q "MO .* (no session) -> end" "$T/gw.log" ||
	fail "the MO was not read and stepped"
sleep 0.3
kill -KILL "$GW_PID"
wait "$GW_PID" 2>/dev/null || true
redis CLIENT UNPAUSE >/dev/null
sleep 0.3
grep -q "MO-RESP" "$T/sim.log" &&
	fail "the MO was acknowledged before it was stored"
[ -z "$(redis --scan --pattern 'cgw:*:mo:*')" ] ||
	fail "the killed process stored the MO: $(redis --scan --pattern 'cgw:*:mo:*')"
[ -z "$(redis --scan --pattern 'cgw:*:fp:*')" ] ||
	fail "the killed process marked a fingerprint"
[ "$(grep -c ' SUBMIT ' "$T/sim.log")" = 0 ] || fail "answered before the crash"

mv "$T/gw.log" "$T/gw1.log"
start_gw
touch "$T/restarted"
wait_sim 60
[ "$(grep ' SUBMIT ' "$T/sim.log" | grep -c "to=$A")" = 1 ] ||
	fail "not answered once: $(grep -c ' SUBMIT ' "$T/sim.log")"
mo=$(redis --scan --pattern 'cgw:*:mo:*')
[ "$(printf '%s\n' "$mo" | grep -c .)" = 1 ] || fail "MO records: $mo"
[ "$(redis HGET "$mo" state)" = answered ] ||
	fail "the MO's record: $(redis HGETALL "$mo")"
stop_gw || fail "citizengw exited with an error"
pass
