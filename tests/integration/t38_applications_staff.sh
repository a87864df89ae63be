#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The back office acts on the applications citizens filed (docs/api.md
# "Applications", docs/ctl.md, docs/notices.md): three application
# dossiers are written into Redis with redis-cli as the citizen side
# writes them (HSET with app, filed_by and the f: fields, a time to live,
# ZADD to the shard's applications index; their shards computed with
# FNV-1a as the gateway does, lib.sh), then listed through the API and
# citizengw-ctl with every filter, newest first over the shards. Staff
# set "not accepted" with a reason through the API: the record keeps its
# other fields, its application's and its time to live, the revision
# goes up, and the citizen gets the notice with the reason, folded to
# GSM-7. Every bad input is a 400 naming what is wrong and changes
# nothing; an unknown dossier is a 404, no token a 401. citizengw-ctl
# dossier status does the same (with --no-notify sending nothing). The
# full citizen ID is shown to staff and never logged.
. "$(dirname "$0")/lib.sh"

TOKEN=test-token-0123456789
SHARDS=16
B=http://127.0.0.1

# req METHOD PATH [curl options...]: prints the HTTP status; the body goes
# to $T/out, the headers to $T/hdr
req() {
	_m=$1
	_p=$2
	shift 2
	curl -sS -o "$T/out" -D "$T/hdr" -w '%{http_code}' -X "$_m" \
		-H "Authorization: Bearer $TOKEN" "$@" \
		"$B:$HTTP_PORT$_p" || echo "curl-failed"
}
jreq() {	# jreq METHOD PATH JSON
	req "$1" "$2" -H "Content-Type: application/json" --data-binary "$3"
}
# expect_error WHAT CODE GOT TEXT: the answer (status GOT) is the JSON
# error CODE saying TEXT
expect_error() {
	[ "$3" = "$2" ] || fail "$1: HTTP $3, expected $2: $(cat "$T/out")"
	grep -q "^{\"error\":\".*\",\"status\":$2}\$" "$T/out" &&
		grep -qF -- "$4" "$T/out" ||
		fail "$1: the error does not say '$4' in JSON: $(cat "$T/out")"
}
# codes FILE: the dossier codes of a JSON answer, in order, one line
codes() {
	grep -o '"code":"[^"]*"' "$1" | sed 's/"code":"\(.*\)"/\1/' | tr '\n' ' '
}
sanitizer_clean() {
	! grep -q "AddressSanitizer\|LeakSanitizer\|runtime error" "$@"
}
sms() {		# sms PHONE TEXT: how many SMS with exactly TEXT the phone got
	grep " SUBMIT #.* to=$1 " "$T/sim.log" | grep -cF "text=\"$2\"" || true
}
sms_to() {	# sms_to PHONE: every SMS the phone got
	grep -c " SUBMIT #.* to=$1 " "$T/sim.log" || true
}
has_sms() {
	[ "$(sms "$1" "$2")" -ge 1 ]
}
ctl() {		# ctl ARGS...: citizengw-ctl, its output in $T/ctl.out; its exit code
	_rc=0
	"$CTL" -c "$T/gw.cfg" "$@" >"$T/ctl.out" 2>&1 || _rc=$?
	return $_rc
}
# shown FIELD: a line of `citizengw-ctl dossier` (after ctl), under its
# label ("Field:")
shown() {
	sed -n "s/^$(printf %s "$1" | sed 's/^./\U&/'):  *//p" "$T/ctl.out"
}

shard_of() {	# shard_of KEY: its shard (lib.sh)
	dossier_shard "$1" "$SHARDS"
}
app() {		# app CODE PHONE STATUS PROCEDURE FILED_MS CCCD (lib.sh)
	write_application "$@"
}
NOW_MS=$(($(date +%s) * 1000))

A1=000.00.19.H56-261204-0001	# bansao, received; set "not accepted" by API
A2=000.00.19.H56-261204-0002	# bansao, in progress; stopped by ctl
A3=000.00.19.H56-261203-0007	# khaisinh, received, the oldest
K1=0000019H56-261204-0001
P1=84912000301
P2=84912000302
P3=84912000303
CCCD1=001203012345
T1=$((NOW_MS - 3600000))
T2=$((NOW_MS - 60000))
T3=$((NOW_MS - 86400000))

start_redis
start_sim ""
write_config
sed -i "s/token = \"change-me\"/token = \"$TOKEN\"/" "$T/gw.cfg"
import_samples		# dossiers that are no applications: never listed
start_gw
wait_for 15 grep -q "BOUND transceiver" "$T/sim.log" || fail "no bind"
wait_for 10 curl -sf -o /dev/null "$B:$HTTP_PORT/" || fail "HTTP not up"
HTTP=$B:$HTTP_PORT

app $A1 $P1 2 bansao $T1 $CCCD1
app $A2 $P2 4 bansao $T2 001099000222
app $A3 $P3 2 khaisinh $T3 001099000333
S1=$(shard_of $K1)
[ "$(redis --scan --pattern "cgw:{s*}:apps" | wc -l)" -ge 2 ] ||
	fail "the three applications are in one shard: the test wants two at least"
TTL_BEFORE=$(redis PTTL "cgw:{s$S1}:dossier:$K1")

# --- the list, newest first over the shards, and its filters
list() {	# list QUERY EXPECTED-CODES
	code=$(req GET "/api/applications$1")
	[ "$code" = 200 ] || fail "GET /api/applications$1: $code $(cat "$T/out")"
	[ "$(codes "$T/out")" = "$2" ] ||
		fail "GET /api/applications$1: $(codes "$T/out"), expected $2: $(cat "$T/out")"
}
list "" "$A2 $A1 $A3 "
grep -q '"truncated":false' "$T/out" || fail "truncated: $(cat "$T/out")"
grep -qF "\"cccd\":\"$CCCD1\"" "$T/out" || fail "the full citizen ID is not shown to staff: $(cat "$T/out")"
grep -q '"filed_at":"[0-9-]*T[0-9:]*+07:00"' "$T/out" || fail "filed_at not local: $(cat "$T/out")"
grep -q '"app":"khaisinh"' "$T/out" || fail "procedure id: $(cat "$T/out")"
list "?status=2" "$A1 $A3 "
list "?status=4&procedure=bansao" "$A2 "
list "?procedure=khaisinh" "$A3 "
list "?limit=2" "$A2 $A1 "
list "?limit=1&status=2" "$A1 "
SINCE=$(TZ=Asia/Ho_Chi_Minh date -d "@$(((T1 - 1000) / 1000))" +%FT%T+07:00)
UNTIL=$(TZ=Asia/Ho_Chi_Minh date -d "@$(((T1 + 1000) / 1000))" +%FT%T+07:00)
list "?since=$(echo "$SINCE" | sed 's/+/%2B/')" "$A2 $A1 "
list "?since=$(echo "$SINCE" | sed 's/+/%2B/')&until=$(echo "$UNTIL" | sed 's/+/%2B/')" "$A1 "
list "?status=9" ""
code=$(req GET "/api/applications?status=11")
expect_error "status=11" 400 "$code" "status: '11' is not 1..10"
code=$(req GET "/api/applications?limit=0")
expect_error "limit=0" 400 "$code" "limit: '0' is not 1..500"
code=$(req GET "/api/applications?limit=501")
expect_error "limit=501" 400 "$code" "limit: '501' is not 1..500"
code=$(req GET "/api/applications?procedure=Ban%20sao")
expect_error "procedure with a space" 400 "$code" "procedure: 'Ban sao' is not a procedure id"
code=$(req GET "/api/applications?since=yesterday")
expect_error "since=yesterday" 400 "$code" "since: "
code=$(req GET "/api/applications?stauts=2")
expect_error "a misspelt parameter" 400 "$code" "unknown parameter 'stauts'"
code=$(req GET "/api/applications?status=%FF")
expect_error "bytes that are no UTF-8" 400 "$code" "status: '?' is not 1..10"

# ... and through citizengw-ctl: a table
ctl applications || fail "ctl applications: $(cat "$T/ctl.out")"
[ "$(grep -o '000\.00\.19\.H56-26120[34]-000[127]' "$T/ctl.out" | tr '\n' ' ')" = "$A2 $A1 $A3 " ] ||
	fail "ctl applications, newest first: $(cat "$T/ctl.out")"
grep -q "^filed  *code  *procedure  *phone  *status  *due" "$T/ctl.out" ||
	fail "ctl applications: no header: $(cat "$T/ctl.out")"
grep -q "$A1  *bansao  *$P1  *2 Được tiếp nhận  *09/12/2026" "$T/ctl.out" ||
	fail "ctl applications: the row of $A1: $(cat "$T/ctl.out")"
grep -q "^3 applications$" "$T/ctl.out" || fail "ctl applications: count: $(cat "$T/ctl.out")"
ctl applications --status 2 --procedure khaisinh ||
	fail "ctl applications --status 2 --procedure khaisinh: $(cat "$T/ctl.out")"
grep -q "$A3" "$T/ctl.out" && ! grep -q "$A1\|$A2" "$T/ctl.out" ||
	fail "ctl applications --status 2 --procedure khaisinh: $(cat "$T/ctl.out")"
ctl applications --since 2h --limit 1 || fail "ctl --since 2h: $(cat "$T/ctl.out")"
grep -q "$A2" "$T/ctl.out" && grep -q "^1 application$" "$T/ctl.out" ||
	fail "ctl applications --since 2h --limit 1: $(cat "$T/ctl.out")"
ctl applications --status 0 && fail "ctl --status 0 accepted"
grep -q "status '0' is not 1..10" "$T/ctl.out" || fail "ctl --status 0: $(cat "$T/ctl.out")"

# --- one dossier, with its application
code=$(req GET "/api/dossiers/$A1")
[ "$code" = 200 ] || fail "GET /api/dossiers/$A1: $code $(cat "$T/out")"
for f in "\"code\":\"$A1\"" "\"phone\":\"$P1\"" '"status":2' '"app":"bansao"' \
	"\"cccd\":\"$CCCD1\"" '"copies":"2"' '"dob":"01/02/1990"' '"rev":0' \
	'"reason":null' '"expires_at":"20' '"due_at":"2026-12-09"'; do
	grep -qF "$f" "$T/out" || fail "GET /api/dossiers/$A1 has no $f: $(cat "$T/out")"
done
# a dossier the back office imported: no application's fields
code=$(req GET "/api/dossiers/000.00.19.h56-250806-0001")
[ "$code" = 200 ] && grep -qF '"code":"000.00.19.H56-250806-0001"' "$T/out" &&
	grep -qF '"app":null,"filed_by":null,"filed_at":null,"expires_at":null,"form":{}' "$T/out" ||
	fail "GET an imported dossier: $code $(cat "$T/out")"
code=$(req GET "/api/dossiers/000.00.19.H56-261204-0099")
expect_error "an unknown dossier" 404 "$code" "no dossier 000.00.19.H56-261204-0099"
code=$(req GET "/api/dossiers/not-a-code")
expect_error "a bad code" 400 "$code" "'not-a-code' is not a dossier code"

# --- a new status: every bad input is a 400 and changes nothing
status() {	# status CODE JSON: POST /api/dossiers/CODE/status
	jreq POST "/api/dossiers/$1/status" "$2"
}
LONG="$(printf 'Thiếu giấy tờ %.0s' $(seq 9))x"	# 127 characters
code=$(status $A1 '{"status": 3}')
expect_error "not accepted without a reason" 400 "$code" "reason: required for status 3"
code=$(status $A1 '{"status": 3, "reason": "   "}')
expect_error "a reason of spaces" 400 "$code" "reason: required for status 3"
code=$(status $A1 "{\"status\": 3, \"reason\": \"$LONG\"}")
expect_error "a reason of 127 characters" 400 "$code" "reason: 127 characters, at most 100"
code=$(status $A1 '{"status": 3, "reason": "Thiếu\ngiấy tờ"}')
expect_error "a reason on two lines" 400 "$code" "control character (U+000A)"
code=$(status $A1 '{"status": 3, "reason": 12}')
expect_error "a reason that is a number" 400 "$code" "reason: expects a text"
code=$(status $A1 '{"status": 11, "reason": "x"}')
expect_error "status 11" 400 "$code" "status: expects a national status code, a whole number 1..10"
code=$(status $A1 '{"status": "4"}')
expect_error "status as a string" 400 "$code" "status: expects"
code=$(status $A1 '{"reason": "x"}')
expect_error "no status" 400 "$code" "status: expects"
code=$(status $A1 '{"status": 4, "notify": "yes"}')
expect_error "notify yes" 400 "$code" "notify: expects true or false"
code=$(status $A1 '{"status": 4, "reson": "x"}')
expect_error "a misspelt field" 400 "$code" "unknown field 'reson' (status, reason, notify)"
code=$(status $A1 '{"status": 4')
expect_error "malformed JSON" 400 "$code" "malformed JSON"
code=$(status $A1 '[4]')
expect_error "not an object" 400 "$code" "must be a JSON object"
code=$(req POST "/api/dossiers/$A1/status" -H "Content-Type: text/plain" --data-binary '{"status": 4}')
expect_error "text/plain" 415 "$code" "application/json"
code=$(status 000.00.19.H56-261204-0099 '{"status": 4}')
expect_error "an unknown dossier" 404 "$code" "no dossier 000.00.19.H56-261204-0099"
code=$(status not-a-code '{"status": 4}')
expect_error "a bad code" 400 "$code" "is not a dossier code"
code=$(curl -sS -o "$T/out" -w '%{http_code}' -X POST -H "Content-Type: application/json" \
	--data-binary '{"status": 9}' "$HTTP/api/dossiers/$A1/status")
expect_error "no token" 401 "$code" "a valid token is required"
code=$(curl -sS -o "$T/out" -w '%{http_code}' -H "Authorization: Bearer wrong-token-0123456789" \
	"$HTTP/api/applications")
expect_error "a wrong token" 401 "$code" "a valid token is required"
[ "$(redis HGET "cgw:{s$S1}:dossier:$K1" status)" = 2 ] || fail "a refused request changed the status"
[ "$(redis HGET "cgw:{s$S1}:dossier:$K1" rev)" = 0 ] || fail "a refused request changed the revision"
[ "$(redis EXISTS "cgw:{s$(shard_of 0000019H56-261204-0099)}:dossier:0000019H56-261204-0099")" = 0 ] ||
	fail "a 404 created the dossier"
[ "$(sms_to $P1)" = 0 ] || fail "a refused request sent a notice"

# --- not accepted, with its reason: the record, the notice
REASON="Thiếu bản sao Căn cước công dân của người yêu cầu"
NOTICE="Ho so $A1 khong duoc tiep nhan: Thieu ban sao Can cuoc cong dan cua nguoi yeu cau"
code=$(status $A1 "{\"status\": 3, \"reason\": \"  $REASON \", \"notify\": true}")
[ "$code" = 200 ] || fail "status 3 with a reason: $code $(cat "$T/out")"
for f in '"status_changed":true' '"old_status":2' '"notice":"queued"' '"status":3' \
	'"rev":1' "\"cccd\":\"$CCCD1\"" '"app":"bansao"'; do
	grep -qF "$f" "$T/out" || fail "status 3: the answer has no $f: $(cat "$T/out")"
done
D1="cgw:{s$S1}:dossier:$K1"
[ "$(redis HGET "$D1" status)" = 3 ] || fail "status 3 not written"
[ "$(redis HGET "$D1" reason)" = "$REASON" ] || fail "reason: $(redis HGET "$D1" reason)"
[ "$(redis HGET "$D1" rev)" = 1 ] || fail "rev: $(redis HGET "$D1" rev)"
[ "$(redis HGET "$D1" notice_status)" = 3 ] && [ "$(redis HGET "$D1" notice_rev)" = 1 ] ||
	fail "the notice is not due: $(redis HGETALL "$D1")"
for kv in "f:cccd $CCCD1" "f:copies 2" "f:name Nguyễn Văn An" "f:dob 01/02/1990" \
	"f:commune Phúc Xuân" "app bansao" "filed_by $T1-gw1.1-7" "phone $P1" \
	"procedure Cấp bản sao trích lục khai sinh" "due_at 2026-12-09"; do
	[ "$(redis HGET "$D1" "${kv%% *}")" = "${kv#* }" ] ||
		fail "${kv%% *} not kept: $(redis HGET "$D1" "${kv%% *}")"
done
TTL_AFTER=$(redis PTTL "$D1")
[ "$TTL_AFTER" -gt 0 ] && [ "$TTL_AFTER" -le "$TTL_BEFORE" ] &&
	[ "$TTL_AFTER" -gt $((TTL_BEFORE - 600000)) ] ||
	fail "the time to live was not kept: $TTL_BEFORE, then $TTL_AFTER"
[ "$(redis ZSCORE "cgw:{s$S1}:apps" $K1)" = "$T1" ] || fail "the application left its index"
wait_for 10 has_sms $P1 "$NOTICE" ||
	fail "no notice with the reason: $(grep " SUBMIT #" "$T/sim.log")"
# the same status again: the reason changes, nothing is sent
code=$(status $A1 '{"status": 3, "reason": "Thiếu bản sao CCCD"}')
[ "$code" = 200 ] || fail "status 3 again: $code $(cat "$T/out")"
grep -q '"status_changed":false' "$T/out" && grep -q '"notice":"none"' "$T/out" ||
	fail "status 3 again: $(cat "$T/out")"
[ "$(redis HGET "$D1" reason)" = "Thiếu bản sao CCCD" ] && [ "$(redis HGET "$D1" rev)" = 1 ] ||
	fail "status 3 again: $(redis HGETALL "$D1")"
# in progress, no reason: the reason is cleared; "notify": false sends nothing
code=$(status $A1 '{"status": 4, "notify": false}')
[ "$code" = 200 ] && grep -q '"notice":"off"' "$T/out" && grep -q '"reason":null' "$T/out" ||
	fail "status 4 without a notice: $code $(cat "$T/out")"
[ "$(redis HEXISTS "$D1" reason)" = 0 ] && [ "$(redis HGET "$D1" rev)" = 2 ] ||
	fail "status 4: $(redis HGETALL "$D1")"

# --- citizengw-ctl dossier and dossier status
ctl dossier $A1 || fail "ctl dossier: $(cat "$T/ctl.out")"
[ "$(shown status)" = "4 Đang xử lý (In progress)" ] || fail "ctl dossier status: $(cat "$T/ctl.out")"
[ "$(shown "form cccd")" = "$CCCD1" ] || fail "ctl dossier form cccd: $(cat "$T/ctl.out")"
[ "$(shown "form name")" = "Nguyễn Văn An" ] || fail "ctl dossier form name: $(cat "$T/ctl.out")"
[ "$(shown "application for")" = bansao ] || fail "ctl dossier app: $(cat "$T/ctl.out")"
[ "$(shown due)" = 09/12/2026 ] || fail "ctl dossier due: $(cat "$T/ctl.out")"
shown filed | grep -q "^20[0-9-]* [0-9:]* (+07)$" || fail "ctl dossier filed: $(cat "$T/ctl.out")"
shown "kept until" | grep -q "^20[0-9-]* [0-9:]* (+07)$" || fail "ctl dossier kept until: $(cat "$T/ctl.out")"
ctl dossier status $A2 8 && fail "ctl: stopped without a reason was accepted"
grep -q "reason: required for status 8" "$T/ctl.out" || fail "ctl without a reason: $(cat "$T/ctl.out")"
ctl dossier status $A2 11 --reason x && fail "ctl: status 11 accepted"
rc=0
ctl dossier status 000.00.19.H56-261204-0099 4 || rc=$?
[ $rc = 1 ] && grep -q "no dossier 000.00.19.H56-261204-0099" "$T/ctl.out" ||
	fail "ctl: an unknown dossier: $(cat "$T/ctl.out")"
ctl dossier status $A2 8 --reason "Người yêu cầu đã rút hồ sơ [theo đơn]" ||
	fail "ctl dossier status 8: $(cat "$T/ctl.out")"
grep -q "^$A2: status 8 Dừng xử lý (Processing stopped), was 4 Đang xử lý (In progress)$" "$T/ctl.out" &&
	grep -q "^Notice:  *queued$" "$T/ctl.out" || fail "ctl dossier status 8: $(cat "$T/ctl.out")"
K2=0000019H56-261204-0002
D2="cgw:{s$(shard_of $K2)}:dossier:$K2"
[ "$(redis HGET "$D2" status)" = 8 ] && [ "$(redis HGET "$D2" rev)" = 1 ] &&
	[ "$(redis HGET "$D2" reason)" = "Người yêu cầu đã rút hồ sơ [theo đơn]" ] &&
	[ "$(redis HGET "$D2" f:cccd)" = 001099000222 ] && [ "$(redis PTTL "$D2")" -gt 0 ] ||
	fail "ctl dossier status 8: $(redis HGETALL "$D2")"
wait_for 10 has_sms $P2 "Ho so $A2 da dung xu ly: Nguoi yeu cau da rut ho so [theo don]" ||
	fail "no notice of ctl's status 8: $(grep " SUBMIT #" "$T/sim.log")"
ctl dossier status $A2 9 --no-notify || fail "ctl --no-notify: $(cat "$T/ctl.out")"
grep -q "^Notice:  *none" "$T/ctl.out" || fail "ctl --no-notify: $(cat "$T/ctl.out")"
[ "$(redis HGET "$D2" status)" = 9 ] && [ "$(redis HEXISTS "$D2" reason)" = 0 ] ||
	fail "ctl --no-notify: $(redis HGETALL "$D2")"
sleep 2.5
[ "$(sms_to $P2)" = 1 ] || fail "--no-notify sent a notice: $(grep " SUBMIT #.* to=$P2 " "$T/sim.log")"
[ "$(sms_to $P1)" = 1 ] || fail "$P1 got more than its one notice: $(grep " SUBMIT #.* to=$P1 " "$T/sim.log")"

# the full citizen ID is for staff: never in the daemon's log
grep -q "$CCCD1\|001099000222" "$T/gw.log" && fail "a citizen ID in the log"
sanitizer_clean "$T/gw.log" || fail "sanitizer report in the daemon's log"
stop_gw || fail "citizengw exited with an error on SIGTERM"
sanitizer_clean "$T/gw.log" || fail "sanitizer report in the daemon's log"
pass
