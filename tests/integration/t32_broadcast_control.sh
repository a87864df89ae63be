#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Staff control a broadcast, and citizens their own phone: a phone that
# sent TU CHOI gets nothing (counted and reported opted out, already in
# the preview); pause holds what is not sent, resume goes on, cancel ends
# it for good (409 on a resume after it); and the rate holds across two
# gateway processes sharing one Redis.
. "$(dirname "$0")/lib.sh"

TOKEN=test-token-0123456789
api() {
	curl -sS -H "Authorization: Bearer $TOKEN" "$@"
}
post() {	# post PATH JSON: prints the status line's code, body to $T/out
	api -o "$T/out" -w '%{http_code}' -X POST \
		-H "Content-Type: application/json" -d "$2" \
		"http://127.0.0.1:$HTTP_PORT$1"
}
field() {
	sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$2" | head -1
}
count() {	# count NAME ID
	api "http://127.0.0.1:$HTTP_PORT/api/broadcasts/$2" >"$T/st"
	field "$1" "$T/st"
}
sent_to_range() {	# accepted submits to 8491200xxxx
	grep " SUBMIT #.*status=0x00000000 to=$1" "$T/sim.log" | wc -l
}
recips() {	# recips FIRST N: JSON recipients 09120xxxxx
	r=""
	for i in $(seq "$1" $(($1 + $2 - 1))); do
		r="$r{\"phone\": \"$(printf '0912%06d' "$i")\"},"
	done
	echo "[${r%,}]"
}

cat >"$T/optout.sim" <<'SIM'
wait-bind timeout=15
mo from=84912000001 to=8088 text="TU CHOI"
expect-submit to=84912000001
SIM
start_redis
start_sim "$T/optout.sim" --receipts both --receipt-delay 20 --linger 120000
write_config "broadcast = { quiet_hours = \"\"; };"
sed -i "s/token = \"change-me\"/token = \"$TOKEN\"/; s/reconnect_delay = \"200ms\";/reconnect_delay = \"200ms\"; tps = 0;/" "$T/gw.cfg"
start_gw
wait_for 15 grep -q "SCRIPT PASSED" "$T/sim.log" || fail "TU CHOI not answered"

# --- opt-out: in the preview, at send time, in the counts and the report
code=$(post /api/broadcasts "{\"name\": \"O\", \"template\": \"Tin {phone}\", \"rate\": 100, \"dry_run\": true, \"recipients\": $(recips 1 3)}")
[ "$code" = 200 ] || fail "dry run: $code $(cat "$T/out")"
grep -q '"opted_out":1' "$T/out" || fail "preview without the opt-out: $(cat "$T/out")"
code=$(post /api/broadcasts "{\"name\": \"O\", \"template\": \"Tin {phone}\", \"rate\": 100, \"recipients\": $(recips 1 3)}")
[ "$code" = 201 ] || fail "create: $code $(cat "$T/out")"
O=$(field id "$T/out")
wait_for 10 sh -c "curl -sS -H 'Authorization: Bearer $TOKEN' http://127.0.0.1:$HTTP_PORT/api/broadcasts/$O | grep -q '\"state\":\"done\"'" ||
	fail "O not done"
[ "$(grep -c ' SUBMIT #.*to=84912000001 ' "$T/sim.log")" = 1 ] ||
	fail "the phone that opted out got the broadcast"
[ "$(count opted_out "$O")" = 1 ] || fail "opted_out count: $(cat "$T/st")"
api "http://127.0.0.1:$HTTP_PORT/api/broadcasts/$O/report.csv" | grep -q '^84912000001,opted_out,' ||
	fail "report does not show the opt-out"

# --- pause, resume, cancel: 2 a second
code=$(post /api/broadcasts "{\"name\": \"P\", \"template\": \"Tin\", \"rate\": 2, \"recipients\": $(recips 100 40)}")
[ "$code" = 201 ] || fail "create P: $code $(cat "$T/out")"
P=$(field id "$T/out")
wait_for 10 sh -c "[ \$(grep -c ' SUBMIT #.*to=849120001' '$T/sim.log') -ge 2 ]" ||
	fail "P did not start"
code=$(post "/api/broadcasts/$P/pause" '')
[ "$code" = 200 ] || fail "pause: $code $(cat "$T/out")"
[ "$(field state "$T/out")" = paused ] || fail "not paused: $(cat "$T/out")"
sleep 1	# what was taken before the pause goes out
held=$(sent_to_range 849120001)
sleep 2
[ "$(sent_to_range 849120001)" = "$held" ] || fail "sent while paused"
code=$(post "/api/broadcasts/$P/resume" '')
[ "$code" = 200 ] || fail "resume: $code $(cat "$T/out")"
wait_for 10 sh -c "[ \$(grep -c ' SUBMIT #.*to=849120001' '$T/sim.log') -gt $held ]" ||
	fail "not resumed"
code=$(post "/api/broadcasts/$P/cancel" '')
[ "$code" = 200 ] || fail "cancel: $code $(cat "$T/out")"
[ "$(field state "$T/out")" = cancelled ] || fail "not cancelled: $(cat "$T/out")"
sleep 1
final=$(sent_to_range 849120001)
sleep 2
[ "$(sent_to_range 849120001)" = "$final" ] || fail "sent after cancel"
code=$(post "/api/broadcasts/$P/resume" '')
[ "$code" = 409 ] || fail "resume after cancel: $code $(cat "$T/out")"
[ "$(count cancelled "$P")" = $((40 - final)) ] ||
	fail "cancelled count with $final sent: $(cat "$T/st")"

# --- the rate of one broadcast across two gateway processes
sed "s/127.0.0.1:$HTTP_PORT/127.0.0.1:$($CGW_BUILDDIR/tests/freeport)/" "$T/gw.cfg" >"$T/gw2.cfg"
"$GW" -c "$T/gw2.cfg" 2>>"$T/gw2.log" &
PIDS="$PIDS $!"
wait_for 15 sh -c "[ \$(grep -c 'BOUND transceiver' '$T/sim.log') -ge 2 ]" ||
	fail "the second daemon did not bind"
: >"$T/mark"
code=$(post /api/broadcasts "{\"name\": \"R\", \"template\": \"Tin\", \"rate\": 20, \"recipients\": $(recips 1000 120)}")
[ "$code" = 201 ] || fail "create R: $code $(cat "$T/out")"
R=$(field id "$T/out")
wait_for 30 sh -c "curl -sS -H 'Authorization: Bearer $TOKEN' http://127.0.0.1:$HTTP_PORT/api/broadcasts/$R | grep -q '\"state\":\"done\"'" ||
	fail "R not done"
grep -E " SUBMIT #.*to=84912001[01][0-9]{2} " "$T/sim.log" >"$T/r.log"
[ "$(wc -l <"$T/r.log")" = 120 ] || fail "R: $(wc -l <"$T/r.log") submits"
# both processes send a fair part (their ticks are jittered, so that one
# cannot take every token)
sed 's/.* conn#\([0-9]*\) .*/\1/' "$T/r.log" | sort | uniq -c >"$T/per_bind"
[ "$(wc -l <"$T/per_bind")" = 2 ] || fail "R went through one bind: $(cat "$T/per_bind")"
awk '$1 < 20 { exit 1 }' "$T/per_bind" || fail "R's share per process: $(cat "$T/per_bind")"
max=$(max_per_second "$T/r.log")
echo "R: 120 at 20/s over two processes ($(awk '{ printf "%s%d", (NR > 1 ? " + " : ""), $1 }' "$T/per_bind")), at most $max in one second"
[ "$max" -le 22 ] || fail "$max submits in one second at rate 20"
stop_gw || fail "citizengw exited with an error on SIGTERM"
pass
