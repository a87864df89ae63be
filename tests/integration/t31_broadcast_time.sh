#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What time does to a broadcast, on a clock the test sets
# (CITIZENGW_NOW_MS): quiet hours hold it until the window ends; a
# schedule holds it until then; nothing is sent after expires_at, and the
# recipients not reached are counted and reported as expired.
. "$(dirname "$0")/lib.sh"

TOKEN=test-token-0123456789
api() {
	curl -sS -H "Authorization: Bearer $TOKEN" "$@"
}
post() {	# post JSON
	api -X POST -H "Content-Type: application/json" -d "$1" \
		"http://127.0.0.1:$HTTP_PORT/api/broadcasts"
}
field() {	# field NAME FILE: a string or number field of a JSON answer
	sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$2" | head -1
}
submits_to() {
	grep " SUBMIT #.*status=0x00000000 to=$1 " "$T/sim.log" | wc -l
}

DAY=$(TZ=Asia/Ho_Chi_Minh date +%F)
# the daemon's clock starts at 06:59:50 in Vietnam: quiet hours until 07:00
# (ten seconds, so that a slow start on a loaded machine still creates
# and checks A before then)
export CITIZENGW_NOW_MS=$(date -d "${DAY}T06:59:50+07:00" +%s%3N)

start_redis
start_sim "" --receipts both --receipt-delay 20
write_config "broadcast = { quiet_hours = \"21:00-07:00\"; timezone = \"Asia/Ho_Chi_Minh\"; };"
sed -i "s/token = \"change-me\"/token = \"$TOKEN\"/" "$T/gw.cfg"
start_gw
wait_for 15 grep -q "BOUND transceiver" "$T/sim.log" || fail "no bind"
unset CITIZENGW_NOW_MS

# A: created in quiet hours, sent at 07:00:00
post '{"name": "A", "template": "Nhac lich {name}", "rate": 50,
       "recipients": [{"phone": "0911000001", "name": "a1"},
                      {"phone": "0911000002", "name": "a2"}]}' >"$T/a.json"
A=$(field id "$T/a.json")
[ -n "$A" ] || fail "A not created: $(cat "$T/a.json")"
api "http://127.0.0.1:$HTTP_PORT/api/broadcasts/$A" >"$T/a1.json"
[ "$(field state "$T/a1.json")" = quiet ] || fail "A not quiet: $(cat "$T/a1.json")"
# B: scheduled at 07:00:06
post "{\"name\": \"B\", \"template\": \"Hen {name}\", \"rate\": 50,
       \"schedule_at\": \"${DAY}T07:00:06+07:00\",
       \"recipients\": [{\"phone\": \"0911000003\", \"name\": \"b1\"}]}" >"$T/b.json"
B=$(field id "$T/b.json")
[ -n "$B" ] || fail "B not created: $(cat "$T/b.json")"
# C: 1 a second, 30 recipients, expires at 07:00:05: about 4 go
recips=""
for i in $(seq 10 39); do recips="$recips{\"phone\": \"09110000$i\"},"; done
post "{\"name\": \"C\", \"template\": \"Thong bao\", \"rate\": 1,
       \"expires_at\": \"${DAY}T07:00:05+07:00\",
       \"recipients\": [${recips%,}]}" >"$T/c.json"
C=$(field id "$T/c.json")
[ -n "$C" ] || fail "C not created: $(cat "$T/c.json")"

[ "$(grep -c ' SUBMIT #' "$T/sim.log")" = 0 ] || fail "sent in quiet hours"

wait_for 20 sh -c "[ \$(grep -c ' SUBMIT #.*to=8491100000[12] ' '$T/sim.log') = 2 ]" ||
	fail "A not sent after quiet hours"
[ "$(submits_to 84911000003)" = 0 ] || fail "B sent before its schedule"
api "http://127.0.0.1:$HTTP_PORT/api/broadcasts/$B" >"$T/b1.json"
[ "$(field state "$T/b1.json")" = scheduled ] || fail "B not scheduled: $(cat "$T/b1.json")"
wait_for 10 sh -c "[ \$(grep -c ' SUBMIT #.*to=84911000003 ' '$T/sim.log') = 1 ]" ||
	fail "B not sent at its schedule"

# C expired: nothing more goes out, the rest is counted and reported
wait_for 10 sh -c "curl -sS -H 'Authorization: Bearer $TOKEN' http://127.0.0.1:$HTTP_PORT/api/broadcasts/$C | grep -q '\"state\":\"expired\"'" ||
	fail "C never expired"
sent_c=$(grep ' SUBMIT #.*to=849110000[1-3][0-9] ' "$T/sim.log" | wc -l)
sleep 2
[ "$(grep ' SUBMIT #.*to=849110000[1-3][0-9] ' "$T/sim.log" | wc -l)" = "$sent_c" ] ||
	fail "C sent after it expired"
[ "$sent_c" -ge 2 ] && [ "$sent_c" -le 8 ] || fail "C sent $sent_c at 1/s in ~5 s"
api "http://127.0.0.1:$HTTP_PORT/api/broadcasts/$C" >"$T/c1.json"
[ "$(field expired "$T/c1.json")" = $((30 - sent_c)) ] ||
	fail "C's expired count: $(cat "$T/c1.json") with $sent_c sent"
api "http://127.0.0.1:$HTTP_PORT/api/broadcasts/$C/report.csv" >"$T/c.csv"
[ "$(grep -c ',expired,' "$T/c.csv")" = $((30 - sent_c)) ] ||
	fail "C's report: $(cat "$T/c.csv")"
echo "C: $sent_c sent before it expired, $((30 - sent_c)) expired"
stop_gw || fail "citizengw exited with an error on SIGTERM"
pass
