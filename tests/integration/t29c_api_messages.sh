#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Single messages and procedure requests through the staff API
# (docs/api.md): POST /api/messages answers 201 with an id; GET follows it
# to "delivered" with its receipt; a phone that sent TU CHOI gets a 409
# and nothing; a message the SMS centre keeps refusing (throttled) ends
# "expired" after its expires_at and is never sent. A callback and a
# feedback made by USSD are in GET /api/requests with their fields;
# kind= filters, kind=bogus is a 400, since= in the future is empty.
. "$(dirname "$0")/lib.sh"

TOKEN=test-token-0123456789
# req METHOD PATH [curl options]: prints the HTTP status, body in $T/out
req() {
	_m=$1
	_p=$2
	shift 2
	curl -sS -o "$T/out" -w '%{http_code}' -X "$_m" \
		-H "Authorization: Bearer $TOKEN" "$@" \
		"http://127.0.0.1:$HTTP_PORT$_p" || echo "curl-failed"
}
send() {	# send JSON: POST /api/messages
	req POST /api/messages -H "Content-Type: application/json" --data-binary "$1"
}
field() {	# field NAME FILE: a string or number field of a JSON answer
	sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$2" | head -1
}
get_msg() {	# get_msg ID: GET /api/messages/ID into $T/msg
	[ "$(req GET "/api/messages/$1")" = 200 ] || fail "GET $1: $(cat "$T/out")"
	cp "$T/out" "$T/msg"
}
msg_state() {	# msg_state ID STATE: the message is in STATE
	get_msg "$1"
	[ "$(field state "$T/msg")" = "$2" ]
}
# requests QUERY: GET /api/requests?QUERY, one request a line in $T/rq
requests() {
	code=$(req GET "/api/requests?$1")
	[ "$code" = 200 ] || fail "GET /api/requests?$1: $code $(cat "$T/out")"
	grep -q '^{"requests":\[.*\]}$' "$T/out" || fail "requests?$1: $(cat "$T/out")"
	# (\u escapes in lower case: JSON allows either)
	sed 's/^{"requests":\[//; s/\]}$//; s/},{"time"/}\n{"time"/g
	     s/\\u\([0-9A-Fa-f]\{4\}\)/\\u\L\1/g' "$T/out" | grep . >"$T/rq" || true
}
n_requests() {	# n_requests QUERY N
	requests "$1"
	[ "$(wc -l <"$T/rq")" = "$2" ]
}
epoch() {	# epoch ISO-TIME
	date -d "$1" +%s
}
sanitizer_clean() {
	! grep -q "AddressSanitizer\|LeakSanitizer\|runtime error" "$@"
}

A=84912345678	# asks for a callback
F=84977000111	# sends feedback
O=84912000001	# sends TU CHOI
cat >"$T/walk.sim" <<SIM
wait-bind timeout=15
mo from=$O to=8088 text="TU CHOI"
expect-submit to=$O contains="tu choi"
# a callback, as t18 walks it
ussd from=$A to=8088 text="*8088#" op=1 its=0x0200
expect-submit to=$A ussd_op=2 its=0x0200 contains="2. Yeu cau goi lai"
ussd from=$A to=8088 text="2" op=18 its=0x0200
expect-submit to=$A ussd_op=2 contains="4. Viec khac"
ussd from=$A to=8088 text="2" op=18 its=0x0200
expect-submit to=$A ussd_op=2 text="Ban o xa/phuong nao? (0: quay lai)"
ussd from=$A to=8088 dc=8 text="Phúc Xuân" op=18 its=0x0200
expect-submit to=$A ussd_op=2 text="To cong nghe so se goi so may nay ve: Tai khoan VNeID, tai Phuc Xuan.\n1. Dong y\n2. Huy"
ussd from=$A to=8088 text="1" op=18 its=0x0200
expect-submit to=$A ussd_op=17 its=0x0200 contains="Da ghi nhan yeu cau goi lai, ma GL"
expect-submit to=$A ussd_op=-1 contains="Da ghi nhan yeu cau goi lai, ma GL"
# a feedback
ussd from=$F to=8088 text="*8088#" op=1 its=0x0300
expect-submit to=$F ussd_op=2 its=0x0300 contains="5. Gop y"
ussd from=$F to=8088 text="5" op=18 its=0x0300
expect-submit to=$F ussd_op=2 contains="Nhap gop y"
ussd from=$F to=8088 dc=8 text="Cán bộ xã rất nhiệt tình" op=18 its=0x0300
expect-submit to=$F ussd_op=17 contains="Cam on gop y cua ban. Ma GY"
expect-submit to=$F ussd_op=-1 contains="Cam on gop y cua ban. Ma GY"
# the SMS centre refuses every submit (throttled) while the test says so
wait-file path=$T/throttle timeout=100
set throttle-every=1
wait-file path=$T/unthrottle timeout=100
set throttle-every=0
SIM
start_redis
start_sim "$T/walk.sim" --receipts both --receipt-delay 20 --timeout 150
write_config
sed -i "s/token = \"change-me\"/token = \"$TOKEN\"/" "$T/gw.cfg"
import_samples
TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)	# (before the first request)
start_gw
wait_for 10 curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/" || fail "HTTP not up"

# --- requests: the USSD walks above, as GET /api/requests shows them
wait_for 30 n_requests "" 2 || fail "the walks left no 2 requests: $(cat "$T/out")"
# the SMS copies are queued with the requests and sent a moment later
wait_for 10 sh -c "grep ' SUBMIT #.* ussd_service_op=-1 .*Ma GY' '$T/sim.log' >/dev/null" ||
	fail "no SMS copy of the feedback's reference"
GL=$(sed -n 's/.* SUBMIT #.* ussd_service_op=-1 .*ma \(GL[0-9A-Z]*\).*/\1/p' "$T/sim.log" | head -1)
GY=$(sed -n 's/.* SUBMIT #.* ussd_service_op=-1 .*Ma \(GY[0-9A-Z]*\).*/\1/p' "$T/sim.log" | head -1)
[ -n "$GL" ] && [ -n "$GY" ] || fail "no references in the SMS: $(grep ' SUBMIT #' "$T/sim.log")"
# newest first: the feedback, then the callback
sed -n 1p "$T/rq" | grep -q "\"ref\":\"$GY\",\"kind\":\"feedback\",\"phone\":\"$F\",\"channel\":\"ussd\",\"lang\":\"vi\",\"fields\":{\"text\":\"C\\\\u00e1n b\\\\u1ed9 x\\\\u00e3 r\\\\u1ea5t nhi\\\\u1ec7t t\\\\u00ecnh\"}}\$" ||
	fail "the feedback: $(cat "$T/rq")"
sed -n 2p "$T/rq" | grep -q "\"ref\":\"$GL\",\"kind\":\"callback\",\"phone\":\"$A\",\"channel\":\"ussd\",\"lang\":\"vi\",\"fields\":{" ||
	fail "the callback: $(cat "$T/rq")"
sed -n 2p "$T/rq" | grep -q '"topic":"vneid"' || fail "callback topic: $(cat "$T/rq")"
sed -n 2p "$T/rq" | grep -qF '"commune":"Ph\u00fac Xu\u00e2n"' ||
	fail "callback commune: $(cat "$T/rq")"
# its time: local, with its offset, a moment ago
t=$(sed -n '2s/^{"time":"\([0-9T:-]*+07:00\)",.*/\1/p' "$T/rq")
[ -n "$t" ] && [ "$(($(date +%s) - $(epoch "$t")))" -ge 0 ] &&
	[ "$(($(date +%s) - $(epoch "$t")))" -le 60 ] ||
	fail "callback time, local with its offset: $(cat "$T/rq")"
# kind= filters
requests "kind=callback"
[ "$(wc -l <"$T/rq")" = 1 ] && grep -q "\"ref\":\"$GL\",\"kind\":\"callback\"" "$T/rq" ||
	fail "kind=callback: $(cat "$T/out")"
requests "kind=feedback"
[ "$(wc -l <"$T/rq")" = 1 ] && grep -q "\"ref\":\"$GY\",\"kind\":\"feedback\"" "$T/rq" ||
	fail "kind=feedback: $(cat "$T/out")"
requests "kind=visit"
[ "$(cat "$T/out")" = '{"requests":[]}' ] || fail "kind=visit: $(cat "$T/out")"
code=$(req GET "/api/requests?kind=bogus")
[ "$code" = 400 ] && grep -q "^{\"error\":\"kind: 'bogus' is not one of callback, visit, rating, feedback\",\"status\":400}\$" "$T/out" ||
	fail "kind=bogus: $code $(cat "$T/out")"
# since= and until=
n_requests "since=$TODAY" 2 || fail "since=today: $(cat "$T/out")"
n_requests "since=$TODAY&kind=callback" 1 || fail "since=today&kind=callback: $(cat "$T/out")"
requests "since=$(TZ=Asia/Ho_Chi_Minh date -d "+1 hour" +%FT%T%%2B07:00)"	# + is %2B in a query
[ "$(cat "$T/out")" = '{"requests":[]}' ] || fail "since= in an hour: $(cat "$T/out")"
requests "since=$(date -d "$TODAY +2 days" +%F)"
[ "$(cat "$T/out")" = '{"requests":[]}' ] || fail "since= in two days: $(cat "$T/out")"
requests "since=2099-01-01T00:00:00Z"
[ "$(cat "$T/out")" = '{"requests":[]}' ] || fail "since=2099: $(cat "$T/out")"
requests "until=2000-01-01"
[ "$(cat "$T/out")" = '{"requests":[]}' ] || fail "until=2000-01-01: $(cat "$T/out")"
n_requests "since=$TODAY&until=$(date -d "$TODAY +2 days" +%F)" 2 ||
	fail "since=today&until= in two days: $(cat "$T/out")"

# --- a message: 201, then delivered with its receipt
code=$(send '{"to": "0912000009", "text": "Xin chào bà con, hồ sơ đã xong"}')
[ "$code" = 201 ] || fail "POST a message: $code $(cat "$T/out")"
grep -q '^{"id":"m-[0-9a-f-]*"}$' "$T/out" || fail "POST answer: $(cat "$T/out")"
M1=$(field id "$T/out")
wait_for 10 msg_state "$M1" delivered || fail "$M1 not delivered: $(cat "$T/msg")"
# (sent, its record keeps no text: what it said is the SMS centre's, below)
grep -q "^{\"id\":\"$M1\",\"to\":\"84912000009\",\"text\":null,\"state\":\"delivered\",\"parts\":1," "$T/msg" ||
	fail "the message: $(cat "$T/msg")"
grep -q '"receipt":{"stat":"DELIVRD","err":"000","at":"[0-9T:+-]*"}' "$T/msg" ||
	fail "the receipt: $(cat "$T/msg")"
[ "$(grep ' SUBMIT #.*status=0x00000000 to=84912000009 ' "$T/sim.log" | grep -c 'text="Xin chao ba con, ho so da xong"')" = 1 ] ||
	fail "the SMS centre did not get the text once: $(grep ' SUBMIT #' "$T/sim.log")"
created=$(epoch "$(field created_at "$T/msg")")
submitted=$(epoch "$(field submitted_at "$T/msg")")
expires=$(epoch "$(field expires_at "$T/msg")")
[ "$((expires - created))" = 86400 ] || fail "default expiry is not 24 h: $(cat "$T/msg")"
[ "$submitted" -ge "$created" ] && [ "$((submitted - created))" -le 5 ] ||
	fail "submitted_at: $(cat "$T/msg")"
# an expires_at in UTC is answered in local time, with its offset
NOW=$(date +%s)
code=$(send "{\"to\": \"+84912000010\", \"text\": \"Hen gap\", \"expires_at\": \"$(date -u -d "@$((NOW + 7200))" +%FT%TZ)\"}")
[ "$code" = 201 ] || fail "POST with expires_at in UTC: $code $(cat "$T/out")"
M2=$(field id "$T/out")
wait_for 10 msg_state "$M2" delivered || fail "$M2 not delivered: $(cat "$T/msg")"
[ "$(field expires_at "$T/msg")" = "$(TZ=Asia/Ho_Chi_Minh date -d "@$((NOW + 7200))" +%FT%T+07:00)" ] ||
	fail "expires_at: $(cat "$T/msg")"
[ "$(field to "$T/msg")" = 84912000010 ] || fail "to: $(cat "$T/msg")"
# a long text: two parts, delivered once both are
LONG="Thong bao: ho so cua ban da duoc giai quyet xong. Moi ban mang theo CCCD den Bo phan Mot cua UBND xa Phuc Xuan de nhan ket qua trong gio hanh chinh, tu thu Hai den thu Sau."
code=$(send "{\"to\": \"0912000011\", \"text\": \"$LONG\"}")
[ "$code" = 201 ] || fail "POST a long text: $code $(cat "$T/out")"
M3=$(field id "$T/out")
wait_for 10 msg_state "$M3" delivered || fail "$M3 not delivered: $(cat "$T/msg")"
grep -q '"parts":2,' "$T/msg" || fail "a ${#LONG}-character text: $(cat "$T/msg")"
wait_for 5 grep -q " MESSAGE #.* to=84912000011 .*parts=2 .*text=\"$LONG\"" "$T/sim.log" ||
	fail "the long text did not arrive whole"

# --- a phone that sent TU CHOI: 409, nothing sent
o_before=$(grep -c " SUBMIT #.* to=$O " "$T/sim.log")
for to in 0912000001 +84912000001 84912000001; do
	code=$(send "{\"to\": \"$to\", \"text\": \"Thong bao\"}")
	[ "$code" = 409 ] || fail "POST to $to who opted out: $code $(cat "$T/out")"
	grep -q '^{"error":"84912000001 opted out of messages (TU CHOI): nothing was sent","status":409}$' "$T/out" ||
		fail "opted out: $(cat "$T/out")"
done
sleep 1.5
[ "$(grep -c " SUBMIT #.* to=$O " "$T/sim.log")" = "$o_before" ] ||
	fail "a phone that opted out got a message: $(grep " SUBMIT #.* to=$O " "$T/sim.log")"

# --- expires_at honoured: the SMS centre throttles every submit; the
# message ends "expired" after its expires_at and is never sent
: >"$T/throttle"
sleep 0.5
NOW=$(date +%s)
EXP=$((NOW + 3))
code=$(send "{\"to\": \"0912000050\", \"text\": \"Het han\", \"expires_at\": \"$(TZ=Asia/Ho_Chi_Minh date -d "@$EXP" +%FT%T+07:00)\"}")
[ "$code" = 201 ] || fail "POST expiring: $code $(cat "$T/out")"
M4=$(field id "$T/out")
wait_for 5 grep -q ' SUBMIT #.*status=0x00000058 to=84912000050 ' "$T/sim.log" ||
	fail "the expiring message was never tried: $(grep ' SUBMIT #' "$T/sim.log" | tail -3)"
get_msg "$M4"
case $(field state "$T/msg") in
queued) ;;
*) fail "before its expires_at: $(cat "$T/msg")" ;;
esac
grep -q '"text":"Het han"' "$T/msg" || fail "a queued message without its text: $(cat "$T/msg")"
[ "$(date +%s)" -lt "$EXP" ] || echo "(slow machine: the state before expiry was read late)"
wait_for 15 msg_state "$M4" expired || fail "$M4 not expired: $(cat "$T/msg")"
[ "$(date +%s)" -ge "$EXP" ] || fail "$M4 expired before its expires_at: $(cat "$T/msg")"
: >"$T/unthrottle"
sleep 2
grep -q ' SUBMIT #.*status=0x00000000 to=84912000050 ' "$T/sim.log" &&
	fail "the message was sent after it expired"
msg_state "$M4" expired || fail "$M4 after the throttling: $(cat "$T/msg")"
grep -q '"receipt":null' "$T/msg" || fail "an expired message with a receipt: $(cat "$T/msg")"
# one that never got there keeps its text, for staff to see
grep -q '"text":"Het han"' "$T/msg" || fail "an expired message lost its text: $(cat "$T/msg")"

wait_sim 20
sanitizer_clean "$T/gw.log" || fail "sanitizer report in the daemon's log"
stop_gw || fail "citizengw exited with an error on SIGTERM"
sanitizer_clean "$T/gw.log" || fail "sanitizer report in the daemon's log"
pass
