#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A broadcast to 10,000 citizens through the simulator, with receipts; the
# daemon is killed with SIGKILL halfway and started again. Every recipient
# gets the message, none is lost; a recipient gets it twice only where the
# report marks a possible duplicate (a submit in flight at the kill); the
# report has one row per recipient with its final state and receipt.
# The simulator answers each submit 200 ms late, so that some are in flight
# at the kill.
. "$(dirname "$0")/lib.sh"

N=10000
TOKEN=test-token-0123456789
api() {
	curl -sS -H "Authorization: Bearer $TOKEN" "$@"
}

{
	echo "phone,name,code"
	i=0
	while [ $i -lt $N ]; do
		printf '09%08d,Cong dan %d,000.00.19.H56-251201-%04d\n' $i $i $((i % 10000))
		i=$((i + 1))
	done
} >"$T/recipients.csv"

start_redis
start_sim "" --receipts both --receipt-delay 300 --resp-delay 200
write_config "broadcast = { quiet_hours = \"\"; };
gateway = { mt_lease = \"5s\"; };"
sed -i "s/token = \"change-me\"/token = \"$TOKEN\"/; s/reconnect_delay = \"200ms\";/reconnect_delay = \"200ms\"; tps = 0; window = 50;/" "$T/gw.cfg"
start_gw
wait_for 15 grep -q "BOUND transceiver" "$T/sim.log" || fail "no bind"

api -X POST -H "Content-Type: text/csv" --data-binary @"$T/recipients.csv" \
	"http://127.0.0.1:$HTTP_PORT/api/broadcasts?name=Crash+test&template=Xin+chao+%7Bname%7D%2C+ho+so+%7Bcode%7D.&rate=400" \
	>"$T/create.json" || fail "create failed"
id=$(sed -n 's/.*"id":"\(b-[0-9a-f]*\)".*/\1/p' "$T/create.json")
[ -n "$id" ] || fail "no id: $(cat "$T/create.json")"
grep -q "\"accepted\":$N," "$T/create.json" || fail "not all accepted: $(cat "$T/create.json")"

submits() {
	grep -c " SUBMIT #.*status=0x00000000" "$T/sim.log" || true
}
wait_for 60 sh -c "[ \$(grep -c ' SUBMIT #.*status=0x00000000' '$T/sim.log') -ge $((N / 2)) ]" ||
	fail "the broadcast did not get halfway ($(submits) submits)"
kill -9 "$GW_PID"
wait "$GW_PID" 2>/dev/null || true
echo "killed at $(submits) submits"
start_gw
for _ in $(seq 180); do
	api "http://127.0.0.1:$HTTP_PORT/api/broadcasts/$id" >"$T/state.json" 2>/dev/null || true
	grep -q '"state":"done"' "$T/state.json" && break
	sleep 1
done
grep -q '"state":"done"' "$T/state.json" || fail "not done: $(cat "$T/state.json")"
# the last receipts: "sent" is already final (done), "delivered" comes
# with the receipt, 300 ms later or more on a busy machine
wait_for 30 sh -c "curl -sS -H 'Authorization: Bearer $TOKEN' \
	http://127.0.0.1:$HTTP_PORT/api/broadcasts/$id >'$T/state.json' &&
	grep -q '\"delivered\":$N,' '$T/state.json'" || true

# the SMS centre's view: every recipient, and who got it twice
grep " SUBMIT #.*status=0x00000000" "$T/sim.log" |
	sed 's/.* to=\([0-9]*\) .*/\1/' | sort | uniq -c >"$T/per_phone"
got=$(wc -l <"$T/per_phone")
[ "$got" = $N ] || fail "$got recipients got the message, not $N"
awk '$1 > 1 { print $2 }' "$T/per_phone" >"$T/twice"
twice=$(wc -l <"$T/twice")
awk '$1 > 2' "$T/per_phone" | grep -q . && fail "a recipient got it three times"

api "http://127.0.0.1:$HTTP_PORT/api/broadcasts/$id/report.csv" >"$T/report.csv" ||
	fail "no report"
rows=$(($(wc -l <"$T/report.csv") - 1))
[ "$rows" = $N ] || fail "report has $rows rows, not $N"
head -c 3 "$T/report.csv" | od -An -tx1 | grep -q "ef bb bf" || fail "report without BOM"
# every row final: sent or delivered (receipts were asked for)
bad=$(tail -n +2 "$T/report.csv" | awk -F, '$2 != "delivered" && $2 != "sent"' | wc -l)
[ "$bad" = 0 ] || fail "$bad rows not sent: $(tail -n +2 "$T/report.csv" | awk -F, '$2 != "delivered" && $2 != "sent"' | head -3)"
tail -n +2 "$T/report.csv" | awk -F, '$8 == "yes" { print $1 }' | sort >"$T/marked"
# a recipient who got it twice is marked; the marks stay few (in flight)
missing=$(sort "$T/twice" | comm -23 - "$T/marked" | wc -l)
[ "$missing" = 0 ] || fail "$missing recipients got it twice without the report saying so"
marked=$(wc -l <"$T/marked")
[ "$marked" -le 300 ] || fail "$marked marked as possible duplicates"
echo "$N recipients, $twice got it twice, $marked marked possible duplicates"
# every receipt came and was matched: all delivered
grep -q "\"delivered\":$N," "$T/state.json" ||
	fail "not all delivered: $(sed -n 's/.*"counts":\({[^}]*}\).*/\1/p' "$T/state.json")"
[ "$(tail -n +2 "$T/report.csv" | awk -F, '$2 == "delivered" && $3 == "DELIVRD"' | wc -l)" = $N ] ||
	fail "the report does not show every receipt"
stop_gw || fail "citizengw exited with an error on SIGTERM"
pass
