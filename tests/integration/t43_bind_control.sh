#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runtime control of binds (docs/ctl.md "bind"): `ctl bind stop b` unbinds
# SMS centre B only, both connections of its transmitter+receiver pair
# (B sees the unbinds and no reconnect; A is not touched,
# its MOs are answered and B's traffic leaves on A); `ctl bind start b`
# binds again; unknown and repeated requests get 404 and 409. Then
# SIGTERM: exit 0, unbind seen, messages queued while every bind was
# stopped are sent by the next process, and the stop is bounded even when
# the SMS centre never answers the unbind.
. "$(dirname "$0")/lib.sh"

cat >"$T/a.sim" <<SIM
wait-bind timeout=15
wait-file path=$T/go-mo timeout=60
mo from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-submit to=84912345678 contains="Dang xu ly"
SIM

start_redis
SIM_NAME=b start_sim ""
B_PID=$SIM_PID
B_PORT=$SIM_PORT
SIM_NAME=a start_sim "$T/a.sim" --linger 120000 --timeout 180
A_PID=$SIM_PID
A_PORT=$SIM_PORT

SIM_PORT=$A_PORT
write_config
sed -i "s|^smsc = ( {|smsc = ( { id = \"b\"; host = \"127.0.0.1\"; port = $B_PORT; system_id = \"citizengw\"; password = \"secret\"; source_addr = \"8088\"; bind = \"transmitter+receiver\"; reconnect_delay = \"200ms\"; }, {|" "$T/gw.cfg"
sed -i 's/id = "main";/id = "a";/' "$T/gw.cfg"
import_samples
start_gw

binds() {
	curl -sS -H "Authorization: Bearer change-me" \
		"http://127.0.0.1:$HTTP_PORT/api/binds"
}
# state ID: the state of bind ID in GET /api/binds
state() {
	binds | jq -r ".binds[] | select(.id == \"$1\") | .state"
}
bound_count() { grep -c " BOUND " "$T/$1.log" || true; }
unbound_count() { grep -c " UNBOUND" "$T/$1.log" || true; }

wait_for 15 sh -c "[ \"\$(curl -sS -H 'Authorization: Bearer change-me' http://127.0.0.1:$HTTP_PORT/api/binds | jq -r '[.binds[] | select(.bound)] | length')\" = 3 ]" ||
	fail "both binds not bound: $(binds)"
[ "$(bound_count a)" = 1 ] && [ "$(bound_count b)" = 2 ] ||
	fail "binds: a $(bound_count a), b $(bound_count b)"

# --- --help, usage
"$CTL" bind --help >"$T/help.out" || fail "bind --help: exit $?"
grep -q "stop|start ID" "$T/help.out" || fail "bind --help: $(cat "$T/help.out")"
rc=0; "$CTL" -c "$T/gw.cfg" bind stop >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "bind stop without ID: exit $rc"

# --- stop b: B sees both halves unbind, A is untouched
"$CTL" -c "$T/gw.cfg" bind stop b >"$T/stop.out" 2>&1 ||
	fail "bind stop b: exit $?: $(cat "$T/stop.out")"
grep -q "bind b: IDLE" "$T/stop.out" || fail "bind stop b said: $(cat "$T/stop.out")"
[ "$(unbound_count b)" = 2 ] || fail "sim B saw $(unbound_count b) unbinds for the pair"
[ "$(state b/tx)" = IDLE ] && [ "$(state b/rx)" = IDLE ] ||
	fail "b is $(state b/tx)/$(state b/rx) after the stop"
[ "$(binds | jq -r '[.binds[] | select(.smsc == "b") | .stopped] | all')" = true ] ||
	fail "b not shown stopped: $(binds)"
[ "$(state a)" = BOUND ] || fail "a is $(state a)"
[ "$(unbound_count a)" = 0 ] || fail "A was unbound too"

# the same again: 409 (exit 1); an unknown bind: 404 (exit 1)
rc=0; "$CTL" -c "$T/gw.cfg" bind stop b >"$T/again.out" 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q "already stopped" "$T/again.out" ||
	fail "second stop: exit $rc: $(cat "$T/again.out")"
rc=0; "$CTL" -c "$T/gw.cfg" bind stop nosuch >"$T/nosuch.out" 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q "no bind 'nosuch'" "$T/nosuch.out" ||
	fail "unknown bind: exit $rc: $(cat "$T/nosuch.out")"
code=$(curl -sS -o "$T/out" -w '%{http_code}' -X POST \
	-H "Authorization: Bearer change-me" \
	"http://127.0.0.1:$HTTP_PORT/api/binds/nosuch/start")
[ "$code" = 404 ] && [ "$(jq -r .status "$T/out")" = 404 ] ||
	fail "POST /api/binds/nosuch/start: $code $(cat "$T/out")"
code=$(curl -sS -o "$T/out" -w '%{http_code}' -X POST \
	"http://127.0.0.1:$HTTP_PORT/api/binds/b/start")
[ "$code" = 401 ] || fail "start without the token: $code"

# while b is stopped: MOs through A are answered, B's traffic leaves on A
touch "$T/go-mo"
wait_for 20 grep -q "SCRIPT" "$T/a.log" || fail "A's script did not finish"
grep -q "SCRIPT PASSED" "$T/a.log" || fail "the MO through A was not answered"
for i in 1 2 3 4 5; do
	"$CTL" -c "$T/gw.cfg" send "090000000$i" "Trong khi B dung $i" --bind b \
		>>"$T/send.out" || fail "ctl send"
done
wait_for 15 sh -c "[ \$(grep -c 'SUBMIT #.*Trong khi B dung' '$T/a.log') -ge 5 ]" ||
	fail "B's messages did not leave on A"
grep -q "SUBMIT #.*Trong khi B dung" "$T/b.log" && fail "a message left on the stopped B"
sleep 1	# reconnect_delay is 200ms: B stays unbound
[ "$(bound_count b)" = 2 ] || fail "B was bound again while stopped"

# --- start b: bound again; A still on its first bind
"$CTL" -c "$T/gw.cfg" bind start b >"$T/start.out" 2>&1 ||
	fail "bind start b: exit $?: $(cat "$T/start.out")"
grep -q "bind b: BOUND" "$T/start.out" || fail "bind start said: $(cat "$T/start.out")"
[ "$(bound_count b)" = 4 ] || fail "sim B saw $(bound_count b) binds"
rc=0; "$CTL" -c "$T/gw.cfg" bind start b >"$T/again.out" 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q "already started" "$T/again.out" ||
	fail "second start: exit $rc: $(cat "$T/again.out")"
"$CTL" -c "$T/gw.cfg" bind list >"$T/list.out" || fail "bind list"
grep -Eq "^b/tx +b +transmitter +BOUND +no" "$T/list.out" || fail "list: $(cat "$T/list.out")"
grep -Eq "^b/rx +b +receiver +BOUND +no" "$T/list.out" || fail "list: $(cat "$T/list.out")"
grep -Eq "^a +a +transceiver +BOUND +no" "$T/list.out" || fail "list: $(cat "$T/list.out")"
[ "$(bound_count a)" = 1 ] && [ "$(unbound_count a)" = 0 ] ||
	fail "A was touched: $(bound_count a) binds, $(unbound_count a) unbinds"

# --- SIGTERM with messages waiting: both binds stopped, 3 messages queued
"$CTL" -c "$T/gw.cfg" bind stop a >/dev/null || fail "bind stop a"
"$CTL" -c "$T/gw.cfg" bind stop b >/dev/null || fail "bind stop b"
for i in 1 2 3; do
	"$CTL" -c "$T/gw.cfg" send "091111111$i" "Cho lan sau $i" \
		>>"$T/send.out" || fail "ctl send"
done
sleep 1
grep -q "SUBMIT #.*Cho lan sau" "$T/a.log" "$T/b.log" && fail "sent with every bind stopped"
stop_gw || fail "citizengw exited with $? on SIGTERM"
grep -q "stopped" "$T/gw.log" || fail "no 'stopped' in the log"

# the next process binds everything (the stop was not saved) and sends them
start_gw
wait_for 20 sh -c "[ \$(cat '$T/a.log' '$T/b.log' | grep -c 'SUBMIT #.*Cho lan sau') -ge 3 ]" ||
	fail "the queued messages were not sent by the next process"
[ "$(bound_count a)" = 2 ] && [ "$(bound_count b)" = 6 ] ||
	fail "after restart: a $(bound_count a) binds, b $(bound_count b)"

# --- SIGTERM while B never answers (frozen): bounded, exit 0, A unbound
ua=$(unbound_count a)
kill -STOP "$B_PID"
t0=$(date +%s)
stop_gw || { kill -CONT "$B_PID"; fail "citizengw exited with an error with B frozen"; }
t1=$(date +%s)
kill -CONT "$B_PID"
[ $(( t1 - t0 )) -le 8 ] || fail "the stop took $(( t1 - t0 ))s with B frozen"
[ "$(unbound_count a)" = $(( ua + 1 )) ] || fail "A saw no unbind on SIGTERM"
pass
