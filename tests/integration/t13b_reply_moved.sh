#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A reply leaves on another bind than its MO's when that one cannot take
# it (its TPS cap reached): its record names the bind it went out on, and
# one that went out on its MO's names that one (store_mt.c,
# send_lean_sent writes the bind again only when it moved).
. "$(dirname "$0")/lib.sh"

cat >"$T/a.sim" <<'SIM'
wait-bind timeout=15
mo from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
mo from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0002"
SIM

start_redis
# SMS centre A, capped at one submit a second, gets both MOs; B serves
# whatever comes (its message ids "sim-N", not A's)
SIM_NAME=b start_sim "" --msgid-format string
B_PORT=$SIM_PORT
SIM_NAME=a start_sim "$T/a.sim" --linger 60000
A_PORT=$SIM_PORT

SIM_PORT=$A_PORT
write_config
sed -i "s|^smsc = ( {|smsc = ( { id = \"b\"; host = \"127.0.0.1\"; port = $B_PORT; system_id = \"citizengw\"; password = \"secret\"; source_addr = \"8088\"; reconnect_delay = \"200ms\"; }, {|" "$T/gw.cfg"
sed -i 's/id = "main";/id = "a"; tps = 1;/' "$T/gw.cfg"
import_samples
start_gw
submits() { cat "$T/a.log" "$T/b.log" | grep -c " SUBMIT #" || true; }
wait_for 15 sh -c "[ \$(cat '$T/a.log' '$T/b.log' | grep -c ' SUBMIT #') -ge 2 ]" ||
	fail "not both replies sent: $(submits)"
[ "$(grep -c " SUBMIT #" "$T/a.log")" = 1 ] && [ "$(grep -c " SUBMIT #" "$T/b.log")" = 1 ] ||
	fail "not one reply on each bind: A $(grep -c " SUBMIT #" "$T/a.log"), B $(grep -c " SUBMIT #" "$T/b.log")"

# each reply's record, as staff see it: sent, on the bind it left on
for sc in a b; do
	msgid=$(sed -n 's/.*SUBMIT #1 .*message_id=\([^ ]*\) .*/\1/p' "$T/$sc.log")
	[ -n "$msgid" ] || fail "no message id from $sc"
	wait_for 10 sh -c "'$CTL' -c '$T/gw.cfg' message '$msgid' 2>/dev/null | grep -q '^State: *sent'" ||
		fail "the reply sent on $sc not recorded as sent: $("$CTL" -c "$T/gw.cfg" message "$msgid" 2>&1)"
	"$CTL" -c "$T/gw.cfg" message "$msgid" >"$T/msg-$sc.out"
	grep -q "^Bind: *$sc\$" "$T/msg-$sc.out" ||
		fail "the reply sent on $sc names another bind: $(cat "$T/msg-$sc.out")"
	grep -q "^SMSC message ids: *$msgid\$" "$T/msg-$sc.out" ||
		fail "the reply sent on $sc without its message id: $(cat "$T/msg-$sc.out")"
done
stop_gw || fail "citizengw exited with an error"
pass
