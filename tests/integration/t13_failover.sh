#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Two SMS centres: traffic is shared between the binds, a reply leaves on
# the bind its MO came in on, and when a bind goes down its traffic moves
# to the other.
. "$(dirname "$0")/lib.sh"

cat >"$T/a.sim" <<'SIM'
wait-bind timeout=15
mo from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-submit to=84912345678 contains="Dang xu ly"
SIM

start_redis
# SMS centre A: scripted, lingers; SMS centre B: serves whatever comes
SIM_NAME=b start_sim ""
B_PORT=$SIM_PORT
SIM_NAME=a start_sim "$T/a.sim" --linger 60000
A_PID=$SIM_PID
A_PORT=$SIM_PORT

SIM_PORT=$A_PORT
write_config
sed -i "s|^smsc = ( {|smsc = ( { id = \"b\"; host = \"127.0.0.1\"; port = $B_PORT; system_id = \"citizengw\"; password = \"secret\"; source_addr = \"8088\"; reconnect_delay = \"200ms\"; }, {|" "$T/gw.cfg"
sed -i 's/id = "main";/id = "a";/' "$T/gw.cfg"
import_samples
start_gw
alog() { cat "$T/a.log"; }
wait_for 15 grep -q SCRIPT "$T/a.log" || fail "A's script did not finish"
alog | grep -q "SCRIPT PASSED" || fail "the reply did not leave on A, the MO's bind"
grep -q " SUBMIT #" "$T/b.log" && fail "the reply left on B"

# load sharing: 20 broadcast messages spread over both binds
for i in $(seq 20); do
	"$CTL" -c "$T/gw.cfg" send "0900000$(printf %03d "$i")" "Thong bao $i" \
		>>"$T/send.out" || fail "ctl send"
done
wait_for 20 sh -c "[ \$(cat '$T/a.log' '$T/b.log' | grep -c 'SUBMIT #.*Thong bao') -ge 20 ]" ||
	fail "broadcasts not all sent"
na=$(alog | grep -c "SUBMIT #.*Thong bao" || true)
nb=$(grep -c "SUBMIT #.*Thong bao" "$T/b.log" || true)
[ "$na" -ge 1 ] && [ "$nb" -ge 1 ] || fail "no load sharing: A $na, B $nb"
[ $(( na + nb )) = 20 ] || fail "$(( na + nb )) broadcasts for 20"

# A goes down: traffic for A moves to B
kill "$A_PID"
wait_for 10 grep -q "\[a\] bind state BOUND -> BACKOFF" "$T/gw.log" ||
	fail "A's loss not noticed"
for i in $(seq 5); do
	"$CTL" -c "$T/gw.cfg" send "0911111$(printf %03d "$i")" "Sau su co $i" --bind a \
		>>"$T/send.out" || fail "ctl send"
done
wait_for 20 sh -c "[ \$(grep -c 'SUBMIT #.*Sau su co' '$T/b.log') -ge 5 ]" ||
	fail "A's traffic did not move to B"
stop_gw || fail "citizengw exited with an error"
pass
