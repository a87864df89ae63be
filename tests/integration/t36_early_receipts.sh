#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A receipt may come before the submit_sm_resp that tells us the SMS
# centre's message id (a busy SMS centre, a slow link). Such a receipt is
# acknowledged, kept for a while under its id, and applied as soon as the
# id is known: the message ends "delivered", nothing is lost.
. "$(dirname "$0")/lib.sh"

cat >"$T/early.sim" <<'SIM'
wait-bind timeout=15
mo from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-submit to=84912345678 contains="Dang xu ly" timeout=15
mo from=84977000111 to=8088 text="xin chao"
expect-submit to=84977000111 timeout=15
sleep 1500
SIM
start_redis
# every receipt goes out 20 ms after its submit, every response 400 ms
start_sim "$T/early.sim" --receipts both --receipt-delay 20 --resp-delay 400
write_config
import_samples
start_gw
wait_sim 40
for to in 84912345678 84977000111; do
	id=$(sed -n "s/.* SUBMIT #.* to=$to .*message_id=\([0-9]*\) .*/\1/p" "$T/sim.log" | head -1)
	[ -n "$id" ] || fail "no submit to $to"
	r=$(grep -n "DLR .* from=$to " "$T/sim.log" | head -1 | cut -d: -f1)
	s=$(grep -n "TX submit_sm_resp .*message_id=\"$id\"" "$T/sim.log" | head -1 | cut -d: -f1)
	[ -n "$r" ] && [ -n "$s" ] && [ "$r" -lt "$s" ] ||
		fail "the receipt for $id did not come before its response"
	wait_for 10 sh -c "'$CTL' -c '$T/gw.cfg' message $id | grep -q '^State: *delivered'" ||
		fail "message $id not delivered: $("$CTL" -c "$T/gw.cfg" message "$id")"
done
grep -q "receipt that came before its submit_sm_resp" "$T/gw.log" ||
	fail "the early receipts were not logged as such"

# dlr_wait.lua as the daemon runs it, on an id of its own: a receipt waits
# in the id's key, a later one replaces it, the mapping's SET ... GET
# takes the one waiting; a mapping that came first is returned and left
# alone (the race of a receipt with its response, however it falls)
script_src dlr_wait >"$T/dlr_wait.lua" || fail "no dlr_wait in the build"
K=cgw:msgid:main:t36
sep=$(printf '\037')
dlr_wait() {
	redis EVAL "$(cat "$T/dlr_wait.lua")" 1 "$K" "$1" 600
}
[ -z "$(dlr_wait "${sep}enroute${sep}ENROUTE${sep}000")" ] ||
	fail "a receipt with no mapping did not wait"
[ -z "$(dlr_wait "${sep}delivered${sep}DELIVRD${sep}000")" ] ||
	fail "a second receipt with no mapping did not wait"
[ "$(redis SET "$K" "cgw:{s1}:mt:x.r#1" EX 604800 GET)" = \
	"${sep}delivered${sep}DELIVRD${sep}000" ] ||
	fail "the mapping did not take the latest receipt waiting"
[ "$(dlr_wait "${sep}failed${sep}UNDELIV${sep}001")" = "cgw:{s1}:mt:x.r#1" ] ||
	fail "a receipt after its mapping was not given the mapping"
[ "$(redis GET "$K")" = "cgw:{s1}:mt:x.r#1" ] || fail "the mapping was replaced"
[ "$(redis TTL "$K")" -gt 600 ] || fail "the mapping's expiry changed"
stop_gw || fail "citizengw exited with an error on SIGTERM"
pass
