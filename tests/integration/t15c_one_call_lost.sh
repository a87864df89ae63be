#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A one-call MO whose commit gets no answer (Redis stops answering writes
# longer than redis.timeout): whether the call ran or not is unknown, so
# the mark it may have written is taken back first (retried while Redis
# is away), then the MO is refused with ESME_RX_T_APPN. The copy the SMS
# centre delivers again is a re-delivery if the first call ran (its
# reply then goes out by recovery, after gateway.mt_lease) or new if it
# did not: either way the citizen is answered once.
. "$(dirname "$0")/lib.sh"

A=84912345678
cat >"$T/lost.sim" <<SIM
wait-bind timeout=15
wait-file path=$T/paused timeout=20
mo name=a from=$A to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-submit to=$A contains="Dang xu ly" timeout=40
expect-quiet ms=3000
SIM

start_redis
start_sim "$T/lost.sim"
write_config 'redis = { host = "127.0.0.1"; port = '"$REDIS_PORT"'; timeout = "500ms"; };
gateway = { mt_lease = "5s"; };'
sed -i '1d' "$T/gw.cfg"	# the redis line of write_config, replaced above
import_samples
start_gw
# reads go on, writes (every script call, the scripts' loading on a new
# connection) wait 4 s: the commit times out, the connection is dropped
pause_redis_bound 4000 WRITE
wait_sim 60
grep -q "MO .*: commit failed" "$T/gw.log" || fail "the commit did not fail"
grep -q "the mark of its acknowledgement not taken back .* trying again" "$T/gw.log" ||
	fail "the mark was not retried while Redis was away"
grep -q "MO-RESP a status=0x00000064" "$T/sim.log" ||
	fail "the MO was not refused: $(grep MO-RESP "$T/sim.log")"
grep -q "MO-RESP a status=0x00000000" "$T/sim.log" ||
	fail "its copy was not acknowledged: $(grep MO-RESP "$T/sim.log")"
[ "$(grep ' SUBMIT ' "$T/sim.log" | grep -c "to=$A")" = 1 ] ||
	fail "not answered once: $(grep ' SUBMIT ' "$T/sim.log")"
mo=$(redis --scan --pattern 'cgw:*:mo:*')
[ "$(printf '%s\n' "$mo" | grep -c .)" = 1 ] || fail "MO records: $mo"
stop_gw || fail "citizengw exited with an error"
pass
