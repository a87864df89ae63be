#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The staff HTTP API at its door (docs/api.md), with curl against the
# real daemon: the token (none, wrong, one character off, no "Bearer":
# 401 in JSON with WWW-Authenticate; the page without one; every /api/
# path with one); the start-up token policy (citizengw -t, and HTTP off
# with an empty token); bad input, each with its status and a JSON error
# naming the field; hostile bytes on the socket never crash the daemon.
# Dossiers and notices: t29b; messages and requests: t29c; broadcasts'
# timing: t30-t32.
. "$(dirname "$0")/lib.sh"

TOKEN=test-token-0123456789

# req METHOD PATH [curl options...]: prints the HTTP status; the body goes
# to $T/out, the headers to $T/hdr
req() {
	_m=$1
	_p=$2
	shift 2
	curl -sS -o "$T/out" -D "$T/hdr" -w '%{http_code}' -X "$_m" \
		-H "Authorization: Bearer $TOKEN" "$@" \
		"http://127.0.0.1:$HTTP_PORT$_p" || echo "curl-failed"
}
# jreq METHOD PATH JSON: with a JSON body
jreq() {
	req "$1" "$2" -H "Content-Type: application/json" --data-binary "$3"
}
# is_error CODE TEXT: the last answer is {"error": "...TEXT...",
# "status": CODE}, in JSON
is_error() {
	grep -q "^{\"error\":\".*\",\"status\":$1}\$" "$T/out" &&
		grep -qF -- "$2" "$T/out" &&
		grep -qi '^content-type: application/json' "$T/hdr"
}
# expect_error WHAT CODE GOT TEXT: fails unless the answer (status GOT)
# is the JSON error CODE naming TEXT
expect_error() {
	[ "$3" = "$2" ] || fail "$1: HTTP $3, expected $2: $(cat "$T/out")"
	is_error "$2" "$4" ||
		fail "$1: the error does not say '$4' in JSON: $(cat "$T/hdr" "$T/out")"
}
field() {	# field NAME FILE: a string or number field of a JSON answer
	sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$2" | head -1
}
sanitizer_clean() {
	! grep -q "AddressSanitizer\|LeakSanitizer\|runtime error" "$@"
}
alive() {
	kill -0 "$GW_PID" 2>/dev/null
}
# raw FILE: the bytes of FILE on a new connection to the HTTP port; what
# comes back within 2 s goes to FILE.out
raw() {
	bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		cat "$2" >&3
		timeout 2 cat <&3' raw "$HTTP_PORT" "$1" >"$1.out" 2>/dev/null ||
		true
}

command -v bash >/dev/null || { echo "SKIP: bash (for /dev/tcp) not installed"; exit 77; }

start_redis
start_sim "" --receipts both --receipt-delay 20
write_config "broadcast = { quiet_hours = \"\"; };"
# a small http.max_body, for the 413
sed -i "s/token = \"change-me\"/token = \"$TOKEN\"; max_body = 2048/" "$T/gw.cfg"
import_samples

# --- the start-up token policy: -t refuses a short token beyond loopback
policy() {	# policy LISTEN TOKEN: a copy of the configuration, in $T/p.cfg
	# plain HTTP beyond loopback, knowingly (http.insecure: t48b)
	sed "s|listen = \"127.0.0.1:$HTTP_PORT\"; token = \"$TOKEN\"|listen = \"$1\"; token = \"$2\"; insecure = true|" \
		"$T/gw.cfg" >"$T/p.cfg"
	grep -qF "listen = \"$1\"; token = \"$2\"" "$T/p.cfg" ||
		fail "policy: cannot set http in $(cat "$T/p.cfg")"
}
FREE=$("$CGW_BUILDDIR"/tests/freeport)
policy "0.0.0.0:$FREE" "short-token"
"$GW" -t -c "$T/p.cfg" >"$T/p.out" 2>&1 &&
	fail "-t accepted an 11-character token on 0.0.0.0: $(cat "$T/p.out")"
grep -qF "$T/p.cfg: http.token: too short" "$T/p.out" ||
	fail "-t does not say 'FILE: http.token: too short': $(cat "$T/p.out")"
grep -q "configuration and menus OK" "$T/p.out" && fail "-t said OK and failed"
# ... and so does the daemon itself, at once
rc=0
timeout 20 "$GW" -c "$T/p.cfg" >"$T/p.out" 2>&1 || rc=$?
[ "$rc" != 0 ] && [ "$rc" != 124 ] ||
	fail "the daemon started (or hung: $rc) with a short token on 0.0.0.0: $(cat "$T/p.out")"
grep -qF "$T/p.cfg: http.token: too short" "$T/p.out" ||
	fail "the daemon does not say why it refuses: $(cat "$T/p.out")"
policy "0.0.0.0:$FREE" "0123456789abcde"	# 15: one short
"$GW" -t -c "$T/p.cfg" >"$T/p.out" 2>&1 &&
	fail "-t accepted a 15-character token on 0.0.0.0"
grep -qF "$T/p.cfg: http.token: too short" "$T/p.out" ||
	fail "15 characters: $(cat "$T/p.out")"
policy "0.0.0.0:$FREE" ""
"$GW" -t -c "$T/p.cfg" >"$T/p.out" 2>&1 &&
	fail "-t accepted an empty token on 0.0.0.0"
grep -qF "$T/p.cfg: http.token: empty" "$T/p.out" ||
	fail "empty token on 0.0.0.0: $(cat "$T/p.out")"
policy "0.0.0.0:$FREE" "0123456789abcdef"	# 16: enough
"$GW" -t -c "$T/p.cfg" >"$T/p.out" 2>&1 ||
	fail "-t refused a 16-character token on 0.0.0.0: $(cat "$T/p.out")"
grep -q "configuration and menus OK" "$T/p.out" || fail "no OK: $(cat "$T/p.out")"
policy "0.0.0.0:$FREE" "a-long-token-for-the-office-lan-2026"
"$GW" -t -c "$T/p.cfg" >"$T/p.out" 2>&1 ||
	fail "-t refused a long token on 0.0.0.0: $(cat "$T/p.out")"
# loopback: a short token is the operator's business
policy "127.0.0.1:$FREE" "short"
"$GW" -t -c "$T/p.cfg" >"$T/p.out" 2>&1 ||
	fail "-t refused a short token on loopback: $(cat "$T/p.out")"

# an empty token on loopback: the daemon runs, with HTTP off, and says so
policy "127.0.0.1:$FREE" ""
"$GW" -c "$T/p.cfg" 2>"$T/gw0.log" &
GW_PID=$!
PIDS="$PIDS $GW_PID"
wait_for 15 grep -q "BOUND transceiver" "$T/sim.log" ||
	fail "the daemon with an empty token did not bind"
grep -q "http.token is empty: the HTTP API and the staff page are off" "$T/gw0.log" ||
	fail "the log does not say HTTP is off: $(cat "$T/gw0.log")"
curl -sS -o /dev/null --max-time 5 "http://127.0.0.1:$FREE/" 2>/dev/null &&
	fail "HTTP answers on $FREE with an empty token"
alive || fail "the daemon with an empty token stopped"
stop_gw || fail "the daemon with an empty token exited with an error"
sanitizer_clean "$T/gw0.log" || fail "sanitizer report: $(cat "$T/gw0.log")"

# --- the daemon of the rest of the test
start_gw
wait_for 15 sh -c "[ \$(grep -c 'BOUND transceiver' '$T/sim.log') -ge 2 ]" ||
	fail "no bind"
wait_for 10 curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/" ||
	fail "HTTP not up"
B=http://127.0.0.1:$HTTP_PORT

# --- the token
[ "$(req GET /api/status)" = 200 ] || fail "status with the token: $(cat "$T/out")"
grep -q '"redis":"ready"' "$T/out" || fail "status: $(cat "$T/out")"
unauth() {	# unauth WHAT [curl options]: 401, JSON, WWW-Authenticate
	_what=$1
	shift
	_code=$(curl -sS -o "$T/out" -D "$T/hdr" -w '%{http_code}' "$@")
	expect_error "$_what" 401 "$_code" "token"
	grep -qi '^WWW-Authenticate: Bearer' "$T/hdr" ||
		fail "$_what: no WWW-Authenticate: $(cat "$T/hdr")"
}
unauth "no token" "$B/api/status"
unauth "a wrong token" -H "Authorization: Bearer wrong" "$B/api/status"
unauth "the last character differs" \
	-H "Authorization: Bearer test-token-012345678X" "$B/api/status"
unauth "the token without its last character" \
	-H "Authorization: Bearer test-token-012345678" "$B/api/status"
unauth "the token and one more character" \
	-H "Authorization: Bearer ${TOKEN}9" "$B/api/status"
unauth "no Bearer" -H "Authorization: $TOKEN" "$B/api/status"
unauth "Basic" -u "staff:$TOKEN" "$B/api/status"
unauth "an empty Bearer" -H "Authorization: Bearer " "$B/api/status"
# every /api/ path, known or not, whatever the method
for rt in "GET /api/status" "PUT /api/dossiers/000.00.19.H56-250806-0001" \
	"POST /api/dossiers" "POST /api/messages" "GET /api/messages/m-1" \
	"GET /api/requests" "POST /api/broadcasts" "GET /api/broadcasts" \
	"GET /api/broadcasts/b-1" "POST /api/broadcasts/b-1/recipients" \
	"POST /api/broadcasts/b-1/start" "POST /api/broadcasts/b-1/pause" \
	"POST /api/broadcasts/b-1/resume" "POST /api/broadcasts/b-1/cancel" \
	"GET /api/broadcasts/b-1/report.csv" "GET /api/nothing" \
	"DELETE /api/status" "GET /api/"; do
	unauth "$rt without a token" -X "${rt% *}" "$B${rt#* }"
done
# ... and nothing is done without one
code=$(curl -sS -o "$T/out" -w '%{http_code}' -X PUT -H "Content-Type: application/json" \
	-d '{"phone": "0912000500", "status": 2, "procedure": "Thu", "received_at": "2025-08-06"}' \
	"$B/api/dossiers/000.00.19.H56-251201-0500")
[ "$code" = 401 ] || fail "PUT without a token: $code"
"$CTL" -c "$T/gw.cfg" dossier 000.00.19.H56-251201-0500 >"$T/ctl.out" 2>&1 &&
	fail "a PUT without a token wrote the dossier: $(cat "$T/ctl.out")"
code=$(curl -sS -o "$T/out" -w '%{http_code}' -X POST -H "Content-Type: application/json" \
	-H "Authorization: Bearer test-token-012345678X" \
	-d '{"to": "0912000501", "text": "Khong duoc gui"}' "$B/api/messages")
[ "$code" = 401 ] || fail "POST /api/messages with a wrong token: $code"
# the page and its script need no token
code=$(curl -sS -o "$T/page" -D "$T/hdr" -w '%{http_code}' "$B/")
[ "$code" = 200 ] || fail "/ without a token: $code"
grep -qi '^content-type: text/html' "$T/hdr" || fail "/ is not HTML: $(cat "$T/hdr")"
grep -q '<script src="/app.js">' "$T/page" || fail "/ is not the staff page"
code=$(curl -sS -o "$T/app.js" -D "$T/hdr" -w '%{http_code}' "$B/app.js")
[ "$code" = 200 ] || fail "/app.js without a token: $code"
grep -qi '^content-type: text/javascript' "$T/hdr" || fail "/app.js: $(cat "$T/hdr")"
[ -s "$T/app.js" ] || fail "/app.js is empty"
# (a wrong token on the page changes nothing)
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer wrong" "$B/app.js")
[ "$code" = 200 ] || fail "/app.js with a wrong token: $code"

# --- bad input: the status, and a JSON error that names the field
D='"phone": "0912345678", "procedure": "Cấp bản sao trích lục khai sinh", "agency": "UBND xã Phúc Xuân", "received_at": "2025-08-06", "due_at": "2025-08-20", "id_last4": "1234"'
DOSSIER=/api/dossiers/000.00.19.H56-250806-0001
code=$(jreq PUT $DOSSIER "{\"status\": 5, $D")
expect_error "truncated JSON" 400 "$code" "malformed JSON at line 1, column"
code=$(jreq POST /api/messages '{
  "to": "0912345678",
  "text": ,
  "expires_at": "2099-01-01T00:00:00+07:00"
}')
expect_error "malformed JSON on line 3" 400 "$code" "malformed JSON at line 3, column 11"
code=$(jreq POST /api/messages '{"to": "0912345678", "to": "0912345679", "text": "x"}')
expect_error "a key twice" 400 "$code" "duplicate object key"
code=$(jreq POST /api/messages '["0912345678", "x"]')
expect_error "not an object" 400 "$code" "JSON object"
code=$(jreq POST /api/messages '')
expect_error "an empty body" 400 "$code" "malformed JSON"
code=$(req PUT $DOSSIER -H "Content-Type: text/plain" --data-binary "{\"status\": 5, $D}")
expect_error "text/plain" 415 "$code" "application/json (Content-Type: text/plain)"
code=$(req POST /api/messages --data-binary '{"to": "0912345678", "text": "x"}')
expect_error "curl's form type" 415 "$code" "application/x-www-form-urlencoded"
code=$(req POST /api/messages -H "Content-Type:" --data-binary '{"to": "0912345678", "text": "x"}')
expect_error "no Content-Type" 415 "$code" "application/json"
code=$(jreq PUT $DOSSIER "{\"status\": \"five\", $D}")
expect_error '"status": "five"' 400 "$code" "status 'five' is not a national status code"
code=$(jreq PUT $DOSSIER "{\"status\": true, $D}")
expect_error '"status": true' 400 "$code" "status"
code=$(jreq PUT $DOSSIER "{\"status\": 11, $D}")
expect_error '"status": 11' 400 "$code" "status '11'"
code=$(jreq PUT $DOSSIER "{\"status\": 5, \"notify\": \"yes\", $D}")
expect_error '"notify": "yes"' 400 "$code" "notify: expects true or false"
code=$(jreq PUT $DOSSIER "{\"status\": 5, $D, \"received_at\": \"06/08/2025\"}")
[ "$code" = 400 ] || fail "a duplicate received_at: $code"
code=$(jreq PUT $DOSSIER '{"status": 5, "phone": "0912345678", "procedure": "P", "received_at": "06/08/2025"}')
expect_error "received_at 06/08/2025" 400 "$code" "received_at '06/08/2025' is not a date"
code=$(jreq PUT $DOSSIER '{"status": 5, "phone": "12345", "procedure": "P", "received_at": "2025-08-06"}')
expect_error "a dossier's bad phone" 400 "$code" "phone '12345' is not a Vietnamese mobile number"
code=$(jreq PUT /api/dossiers/not-a-code "{\"status\": 5, $D}")
expect_error "a bad code in the path" 400 "$code" "code 'not-a-code' is not AGENCY-YYMMDD-NNNN"
# bytes that are not UTF-8 in the path: quoted as '?', still JSON
code=$(req POST /api/dossiers/%FF%C3x-250806-0001/notify)
expect_error "a path that is not UTF-8" 400 "$code" "'??x-250806-0001' is not a dossier code"
"$CTL" -c "$T/gw.cfg" dossier 000.00.19.H56-250806-0001 >"$T/ctl.out" ||
	fail "ctl dossier: $(cat "$T/ctl.out")"
grep -q "^Status:  *4 Đang xử lý (In progress)$" "$T/ctl.out" || fail "a refused PUT changed the dossier: $(cat "$T/ctl.out")"
code=$(jreq POST /api/dossiers '{"dossiers": {}}')
expect_error '"dossiers": {}' 400 "$code" '\"dossiers\": ['
code=$(jreq POST /api/dossiers '{"dossiers": [], "notify": "yes"}')
expect_error 'bulk "notify": "yes"' 400 "$code" 'notify'
NOW=$(date +%s)
LATER=$(TZ=Asia/Ho_Chi_Minh date -d "@$((NOW + 7200))" +%FT%T+07:00)
PAST=$(TZ=Asia/Ho_Chi_Minh date -d "@$((NOW - 60))" +%FT%T+07:00)
code=$(jreq POST /api/broadcasts '{"name": "R", "template": "Hi", "rate": "fast", "recipients": [{"phone": "0912000003"}]}')
expect_error '"rate": "fast"' 400 "$code" "rate: expects a whole number"
code=$(jreq POST /api/broadcasts '{"name": "R", "template": "Hi", "rate": 0, "recipients": [{"phone": "0912000003"}]}')
expect_error '"rate": 0' 400 "$code" "rate: 0 is not 1..10000"
code=$(jreq POST /api/broadcasts '{"name": "R", "template": "Hi", "dry_run": "yes", "recipients": [{"phone": "0912000003"}]}')
expect_error '"dry_run": "yes"' 400 "$code" "dry_run: expects true or false"
code=$(jreq POST /api/broadcasts '{"name": 7, "template": "Hi", "recipients": [{"phone": "0912000003"}]}')
expect_error '"name": 7' 400 "$code" "name: expects a name"
code=$(jreq POST /api/broadcasts '{"name": "R", "template": "Hi", "recipients": "0912000003"}')
expect_error '"recipients": "..."' 400 "$code" "recipients: expects a list"
code=$(jreq POST /api/messages '{"to": "0912345678", "text": 5}')
expect_error '"text": 5' 400 "$code" "text: expects UTF-8 text"
code=$(jreq POST /api/messages '{"to": "0912345678", "text": "x", "expires_at": 1767225600}')
expect_error '"expires_at": 1767225600' 400 "$code" "expires_at: expects a time string"
# a body over http.max_body (2048 here)
printf '{"to": "0912345678", "text": "%s"}' "$(head -c 3000 /dev/zero | tr '\0' a)" >"$T/big.json"
code=$(req POST /api/messages -H "Content-Type: application/json" --data-binary @"$T/big.json")
expect_error "3 KB body" 413 "$code" "larger than 2048 bytes (http.max_body)"
printf '{"to": "0912345678", "text": "%s"}' "$(head -c 200000 /dev/zero | tr '\0' a)" >"$T/big.json"
code=$(req POST /api/messages -H "Content-Type: application/json" --data-binary @"$T/big.json")
[ "$code" = 413 ] || fail "200 KB body: $code"
is_error 413 "max_body" || fail "200 KB body over http.max_body: 413 without the JSON error: $(head -c 200 "$T/out")"
# unknown paths and ids
code=$(req GET /api/nothing)
expect_error "unknown API path" 404 "$code" "no such API path: /api/nothing"
code=$(req GET /api/broadcasts/b-1/report.csv/x)
expect_error "unknown API path below a known one" 404 "$code" "/api/broadcasts/b-1/report.csv/x"
code=$(req GET /nothing.html)
expect_error "unknown page" 404 "$code" "no such page: /nothing.html"
code=$(req GET /api/broadcasts/b-0000000000)
expect_error "unknown broadcast" 404 "$code" "no broadcast b-0000000000"
code=$(req POST /api/broadcasts/b-0000000000/pause)
expect_error "pause an unknown broadcast" 404 "$code" "no broadcast b-0000000000"
code=$(req GET /api/broadcasts/b-0000000000/report.csv)
expect_error "report of an unknown broadcast" 404 "$code" "no broadcast b-0000000000"
code=$(req GET /api/messages/m-0000000000-0000)
expect_error "unknown message" 404 "$code" "no message m-0000000000-0000"
# a method the path does not take
code=$(req DELETE /api/status)
expect_error "DELETE /api/status" 405 "$code" "/api/status does not take this method"
code=$(req POST /api/status)
expect_error "POST /api/status" 405 "$code" "does not take this method"
code=$(req DELETE $DOSSIER)
expect_error "DELETE a dossier" 405 "$code" "does not take this method"
code=$(req GET $DOSSIER/status)
expect_error "GET a dossier's status" 405 "$code" "does not take this method"
code=$(req PUT /api/messages -H "Content-Type: application/json" -d '{}')
expect_error "PUT /api/messages" 405 "$code" "does not take this method"
code=$(req GET /api/broadcasts/b-1/cancel)
expect_error "GET .../cancel" 405 "$code" "does not take this method"
code=$(req PATCH /api/status)
[ "$code" = 405 ] && is_error 405 "does not take this method" ||
	fail "PATCH /api/status: $code $(head -c 120 "$T/out"), expected a JSON 405"
# a bad phone for a message
code=$(jreq POST /api/messages '{"to": "12345", "text": "Xin chao"}')
expect_error "to: 12345" 400 "$code" "to: expects a Vietnamese mobile number"
code=$(jreq POST /api/messages '{"to": "0212345678", "text": "Xin chao"}')
expect_error "to: a landline" 400 "$code" "to: expects a Vietnamese mobile number"
code=$(jreq POST /api/messages '{"text": "Xin chao"}')
expect_error "no to" 400 "$code" "to: "
# a template with an unknown variable, named
code=$(jreq POST /api/broadcasts '{"name": "T", "template": "Xin chao {nmae}", "recipients": [{"phone": "0912000003", "name": "An"}]}')
expect_error "{nmae}" 400 "$code" "template: unknown variable {nmae}"
code=$(req POST "/api/broadcasts?name=T&template=Xin+chao+%7Bten%7D&dry_run=true" \
	-H "Content-Type: text/csv" --data-binary "$(printf 'phone,name\n0912000003,An\n')")
expect_error "{ten} in a CSV post" 400 "$code" "template: unknown variable {ten}"
# no valid recipient: 400, and nothing left behind
code=$(jreq POST /api/broadcasts '{"name": "N", "template": "Hi", "recipients": [{"phone": "123"}, {"phone": "0212345678"}]}')
# (the answer is the preview, with the lines refused, and the error)
[ "$code" = 400 ] || fail "no valid recipient: $code $(cat "$T/out")"
grep -qF '"error":"recipients: no valid recipient' "$T/out" && grep -q '"status":400}$' "$T/out" ||
	fail "no valid recipient: no JSON error: $(cat "$T/out")"
grep -qF '"invalid":[{"line":1,"phone":"123","error":"not a Vietnamese mobile number"},{"line":2,"phone":"0212345678"' "$T/out" ||
	fail "no valid recipient: the lines refused are not listed: $(cat "$T/out")"
bid=$(field id "$T/out")
# the refused creation's answer names no broadcast id, in state
# "running", that does not exist
if [ -n "$bid" ] || grep -q '"state":"running"' "$T/out"; then
	fail "no valid recipient: the 400 answer says id \"$bid\", state running: $(cat "$T/out")"
fi
if [ -n "$bid" ]; then
	code=$(req GET "/api/broadcasts/$bid")
	[ "$code" = 404 ] || fail "the refused broadcast $bid is there: $code $(cat "$T/out")"
fi
code=$(req GET /api/broadcasts)
[ "$code" = 200 ] && grep -q '^{"broadcasts":\[\]}' "$T/out" ||
	fail "a refused broadcast is listed: $(cat "$T/out")"
# expires_at in the past
code=$(jreq POST /api/messages "{\"to\": \"0912345678\", \"text\": \"x\", \"expires_at\": \"$PAST\"}")
expect_error "a message expiring in the past" 400 "$code" "expires_at: "
code=$(jreq POST /api/broadcasts "{\"name\": \"E\", \"template\": \"Hi\", \"expires_at\": \"$PAST\", \"recipients\": [{\"phone\": \"0912000003\"}]}")
expect_error "a broadcast expiring in the past" 400 "$code" "expires_at: "
code=$(jreq POST /api/broadcasts "{\"name\": \"E\", \"template\": \"Hi\", \"schedule_at\": \"$LATER\", \"expires_at\": \"$LATER\", \"recipients\": [{\"phone\": \"0912000003\"}]}")
expect_error "expires_at = schedule_at" 400 "$code" "expires_at: not after schedule_at"
# a time that is not a time
code=$(jreq POST /api/messages '{"to": "0912345678", "text": "x", "expires_at": "tomorrow"}')
expect_error "expires_at: tomorrow" 400 "$code" 'expires_at: \"tomorrow\" is not a time'
code=$(jreq POST /api/broadcasts '{"name": "E", "template": "Hi", "expires_at": "2026-13-01", "recipients": [{"phone": "0912000003"}]}')
expect_error "expires_at: 2026-13-01" 400 "$code" 'expires_at: \"2026-13-01\" is not a time'
code=$(jreq POST /api/broadcasts '{"name": "E", "template": "Hi", "schedule_at": "soon", "recipients": [{"phone": "0912000003"}]}')
expect_error "schedule_at: soon" 400 "$code" 'schedule_at: \"soon\" is not a time'
code=$(req GET "/api/requests?since=yesterday")
expect_error "since=yesterday" 400 "$code" 'since: \"yesterday\" is not a time'
code=$(req GET "/api/requests?until=2026-02-30")
expect_error "until=2026-02-30" 400 "$code" 'until: \"2026-02-30\" is not a time'
code=$(req GET "/api/requests?kind=bogus")
expect_error "kind=bogus" 400 "$code" "kind: 'bogus' is not one of"
# none of these sent anything
[ "$(grep -c ' SUBMIT #' "$T/sim.log")" = 0 ] ||
	fail "refused requests sent SMS: $(grep ' SUBMIT #' "$T/sim.log")"
# resume of a cancelled broadcast: 409 (scheduled far ahead: sends nothing)
code=$(jreq POST /api/broadcasts "{\"name\": \"C\", \"template\": \"Hi\", \"schedule_at\": \"$LATER\", \"recipients\": [{\"phone\": \"0912000003\"}]}")
[ "$code" = 201 ] || fail "create C: $code $(cat "$T/out")"
C=$(field id "$T/out")
code=$(req POST "/api/broadcasts/$C/cancel")
[ "$code" = 200 ] && [ "$(field state "$T/out")" = cancelled ] ||
	fail "cancel C: $code $(cat "$T/out")"
code=$(req POST "/api/broadcasts/$C/resume")
expect_error "resume a cancelled broadcast" 409 "$code" "is cancelled"
code=$(req POST "/api/broadcasts/$C/pause")
expect_error "pause a cancelled broadcast" 409 "$code" "is cancelled"
code=$(req POST "/api/broadcasts/$C/explode")
expect_error "an unknown action" 404 "$code" "no such action 'explode'"
alive || fail "the daemon died on bad input"

# --- hostile input: the daemon answers the next request
i=0
while [ $i -lt 5 ]; do	# random bytes (kept in $T for a rerun)
	head -c 4096 /dev/urandom >"$T/garbage.$i"
	raw "$T/garbage.$i"
	i=$((i + 1))
done
printf 'GET / HTTP/1.1\r\nHost: x\r\n' >"$T/h1"	# headers never end
raw "$T/h1"
printf '\r\n\r\n\r\n' >"$T/h2"
raw "$T/h2"
printf 'POST /api/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n100\r\n{"to": "0912345678", "te' "$TOKEN" >"$T/chunk"
raw "$T/chunk"	# an unterminated chunked body
printf 'POST /api/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n{}\r\n0\r\n\r\n' "$TOKEN" >"$T/chunk2"
raw "$T/chunk2"	# a chunk size beyond reason
printf 'POST /api/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}' "$TOKEN" >"$T/neg"
raw "$T/neg"	# a negative length
printf 'POST /api/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"to": "0912345678"' "$TOKEN" >"$T/short"
raw "$T/short"	# a body shorter than its length
{ printf 'GET /api/status?'; head -c 102400 /dev/zero | tr '\0' a; printf ' HTTP/1.1\r\nHost: x\r\n\r\n'; } >"$T/longline"
raw "$T/longline"	# a request line of 100 KB
{ printf 'GET /api/status HTTP/1.1\r\nHost: x\r\nX-Big: '; head -c 102400 /dev/zero | tr '\0' b; printf '\r\n\r\n'; } >"$T/bighdr"
raw "$T/bighdr"	# a huge header
i=0
while [ $i -lt 2000 ]; do printf 'X-%d: y\r\n' $i; i=$((i + 1)); done >"$T/many"
{ printf 'GET /api/status HTTP/1.1\r\nHost: x\r\n'; cat "$T/many"; printf '\r\n'; } >"$T/manyhdr"
raw "$T/manyhdr"	# many headers
printf 'GET /api/dossiers/%%ff%%00%%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n' "$TOKEN" >"$T/pct"
raw "$T/pct"	# broken percent-encoding
# each refused with a status (no answer yet to the bodies that never end)
for f in h2 chunk2 neg longline bighdr manyhdr; do
	head -n 1 "$T/$f.out" | grep -q '^HTTP/1.1 4[0-9][0-9] ' ||
		fail "$f: no 4xx answer: $(head -c 300 "$T/$f.out")"
done
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 100000 /dev/zero | tr '\0' a)" "$B/api/status")
[ "$code" -ge 400 ] || fail "a 100 KB header was answered $code"
alive || fail "the daemon died on hostile input: $(tail -n 30 "$T/gw.log")"
# a connection left open in the middle of a body does not hold others up
bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; cat "$2" >&3; sleep 4' hold "$HTTP_PORT" "$T/chunk" &
HOLD=$!
sleep 0.3
code=$(curl -sS -o "$T/out" --max-time 2 -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$B/api/status") ||
	fail "a request waited for a half-sent one"
[ "$code" = 200 ] || fail "status after hostile input: $code $(cat "$T/out")"
wait "$HOLD" || true
code=$(jreq POST /api/messages '{"to": "0912345678", "text": "Van chay"}')
[ "$code" = 201 ] || fail "a message after hostile input: $code $(cat "$T/out")"
wait_for 10 grep -q ' SUBMIT #.*to=84912345678 .*text="Van chay"' "$T/sim.log" ||
	fail "the message after hostile input was not sent"
[ "$(grep -c ' SUBMIT #' "$T/sim.log")" = 1 ] ||
	fail "hostile input sent SMS: $(grep ' SUBMIT #' "$T/sim.log")"
sanitizer_clean "$T/gw.log" || fail "sanitizer report in the daemon's log"
stop_gw || fail "citizengw exited with an error on SIGTERM"
sanitizer_clean "$T/gw.log" || fail "sanitizer report in the daemon's log"
pass
