#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A citizen who sends the same text again is answered again; a copy the
# SMS centre delivers again because it may have missed our response is
# not (gateway.mo_dedup_window, gateway.mo_ack_timeout):
#  A. TRACUU asked again 3 s after an answer acknowledged in time on a
#     link still up: answered twice.
#  D. asked again after the gateway restarted, the link having stayed up
#     mo_ack_timeout after the response (its connection's key in Redis,
#     gw/acks.c's beat, vouches for the response): answered.
#  E. the same, but the gateway restarted right after the response: the
#     copy is a re-delivery.
#  B. a response that went out late (Redis paused longer than
#     mo_ack_timeout): the SMS centre's copy is a re-delivery; its own
#     response went out in time, so the citizen asking after that is
#     answered.
. "$(dirname "$0")/lib.sh"

O=84912345678		# owns -0001
CODE=000.00.19.H56-250806-0001
D=84977000111
E=84966000222
B=84955000333

# the fingerprint values that name MO $1 (Redis)
fp_of() {
	for k in $(redis --scan --pattern 'cgw:*:fp:*'); do
		redis GET "$k"
	done | grep " $1\$" || true
}

# whether connection $1's key (every shard's) vouches for the
# acknowledgement of an MO received at $2: its value, the time up to
# which MOs received and acknowledged in time kept their connection
# mo_ack_timeout after their response, is $2 or later
vouched() {
	for k in $(redis --scan --pattern "cgw:*:up:$1"); do
		redis GET "$k"
	done | awk -v at="$2" '$1 < at { bad = 1 } END { exit NR == 0 || bad }'
}

# the id of the first MO from masked phone $1 with text $2 (gw.log)
mo_id() {
	grep "\[main $1\] MO .* sms \"$2\"" "$T/gw.log" | head -1 |
		sed 's/.* MO \([^ ]*\) sms .*/\1/'
}

cat >"$T/r1.sim" <<SIM
wait-bind timeout=15
mo name=a from=$O to=8088 text="TRACUU $CODE"
expect-acked mo=a
expect-submit to=$O contains="Dang xu ly"
sleep 3000
mo from=$O to=8088 text="TRACUU $CODE"
expect-submit to=$O contains="Dang xu ly"
mo name=d from=$D to=8088 text="xin chao"
expect-submit to=$D contains="TRACUU"
wait-file path=$T/d-up timeout=20
mo name=e from=$E to=8088 text="xin chao"
expect-submit to=$E contains="TRACUU"
wait-file path=$T/restarted timeout=30
wait-bind timeout=15
mo from=$D to=8088 text="xin chao"
expect-submit to=$D contains="TRACUU"
mo name=e2 from=$E to=8088 text="xin chao"
expect-acked mo=e2
expect-quiet ms=1500
SIM

start_redis
start_sim "$T/r1.sim" --timeout 90
write_config
import_samples
start_gw
wait_for 20 grep -q "repeats MO .* (acknowledged in time on a connection that stayed up): a new request" "$T/gw.log" ||
	fail "A: the repeat was not answered as a new request"
wait_for 20 sh -c "grep ' SUBMIT ' '$T/sim.log' | grep -q 'to=$D'" ||
	fail "D not answered"
id_d=$(mo_id '84977\*\*\*11' "xin chao")
[ -n "$id_d" ] || fail "no MO id for D"
# in time on the connection it came on; mo_ack_timeout later that
# connection's key vouches for it
mark=$(fp_of "$id_d")
echo "$mark" | grep -Eq "^a [0-9]+ [0-9a-f]{16} 0 $id_d\$" ||
	fail "D's acknowledgement not marked: $mark"
set -- $mark
# (twice mo_ack_timeout, 5 s, after D's receipt)
wait_for 20 vouched "$3" "$2" || fail "D's connection not vouched for: $mark"
# in each of the 16 shards, for a while (not for ever)
[ "$(redis --scan --pattern "cgw:*:up:$3" | wc -l)" = 16 ] ||
	fail "D's connection's key not in every shard"
# a response may go out up to mo_ack_timeout (5 s) after its MO's
# receipt, the time its mark holds: the key vouches for MOs received
# twice that long before it was written
for k in $(redis --scan --pattern "cgw:*:up:$3"); do
	[ "$(redis PTTL "$k")" -gt 120000 ] || fail "$k: PTTL $(redis PTTL "$k")"
	# read before the clock: a beat may write it again meanwhile
	v=$(redis GET "$k")
	[ $(( $(date +%s%3N) - v )) -ge 10000 ] ||
		fail "$k vouches for MOs received $(( $(date +%s%3N) - v )) ms ago"
done
touch "$T/d-up"
wait_for 20 sh -c "grep ' SUBMIT ' '$T/sim.log' | grep -q 'to=$E'" ||
	fail "E not answered"
id_e=$(mo_id '84966\*\*\*22' "xin chao")
wait_for 5 sh -c "$(command -v "$REDIS_CLI") -p $REDIS_PORT --scan --pattern 'cgw:*:fp:*' |
	xargs -n1 $(command -v "$REDIS_CLI") -p $REDIS_PORT GET | grep -Eq ' 0 $id_e\$'" ||
	fail "E's acknowledgement not marked: $(fp_of "$id_e")"
# the gateway restarts within mo_ack_timeout of E's response
stop_gw || fail "citizengw exited with an error"
set -- $(fp_of "$id_e")
[ "$5" = "$id_e" ] || fail "E's acknowledgement not marked: $*"
! vouched "$3" "$2" || fail "E vouched for: $*"
start_gw
touch "$T/restarted"
wait_sim 60
grep -q "re-delivery of MO $id_e (acknowledged on a connection that may have dropped)" "$T/gw.log" ||
	fail "E's copy not taken for a re-delivery"
[ "$(grep ' SUBMIT ' "$T/sim.log" | grep -c "to=$O")" = 2 ] || fail "A: not two answers"
[ "$(grep ' SUBMIT ' "$T/sim.log" | grep -c "to=$D")" = 2 ] || fail "D: not two answers"
[ "$(grep ' SUBMIT ' "$T/sim.log" | grep -c "to=$E")" = 1 ] || fail "E: answered twice"
stop_gw || fail "citizengw exited with an error"

# --- B: a response later than mo_ack_timeout ---------------------------
cat >"$T/r2.sim" <<SIM
wait-bind timeout=15
wait-file path=$T/paused timeout=20
mo name=b from=$B to=8088 text="xin chao"
expect-acked mo=b timeout=10
expect-submit to=$B contains="TRACUU"
redeliver mo=b
expect-acked mo=b
expect-quiet ms=1500
mo from=$B to=8088 text="xin chao"
expect-submit to=$B contains="TRACUU"
expect-quiet ms=500
SIM
SIM_NAME=sim2 start_sim "$T/r2.sim"
write_config 'gateway = { mo_ack_timeout = "1s"; };'
start_gw
# every client waits 1.5 s: round trip 1 of B, and so its response
pause_redis_bound 1500 ALL
SIM_NAME=sim2 wait_sim 40
grep -q "acknowledged after [0-9]*ms, later than gateway.mo_ack_timeout" "$T/gw.log" ||
	fail "B's late response not logged"
grep -q "re-delivery of MO .* (no copy was acknowledged in time): acknowledged, not answered again" "$T/gw.log" ||
	fail "B's copy not taken for a re-delivery"
[ "$(grep ' SUBMIT ' "$T/sim2.log" | grep -c "to=$B")" = 2 ] ||
	fail "B: not answered once for the first and once for the repeat"
stop_gw || fail "citizengw exited with an error"
pass
