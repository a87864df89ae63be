#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Dossiers through the staff API (docs/api.md, docs/notices.md), as the
# citizen and the back office see them: PUT creates (201) then replaces
# (200); a new status sends the citizen the notice of menus/notices.cfg,
# without diacritics, once (the same PUT again sends nothing), none with
# "notify": false, none to a phone that sent TU CHOI, none for a status
# without a text; the bulk POST writes the valid items and lists the
# others by index and reason; citizengw-ctl import sends the notice of a
# changed status, import --no-notify does not.
. "$(dirname "$0")/lib.sh"

TOKEN=test-token-0123456789
# jreq METHOD PATH JSON: prints the HTTP status; the body goes to $T/out
jreq() {
	curl -sS -o "$T/out" -w '%{http_code}' -X "$1" \
		-H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
		--data-binary "$3" "http://127.0.0.1:$HTTP_PORT$2" || echo "curl-failed"
}
# put CODE JSON-FIELDS: PUT /api/dossiers/CODE
put() {
	jreq PUT "/api/dossiers/$1" "{$2}"
}
# answer EXPECTED WHAT: the last answer is exactly EXPECTED
answer() {
	[ "$(cat "$T/out")" = "$1" ] || fail "$2: got $(cat "$T/out"), expected $1"
}
# sms PHONE TEXT: how many SMS with exactly TEXT the phone received
sms() {
	grep " SUBMIT #.* to=$1 " "$T/sim.log" | grep -cF "text=\"$2\"" || true
}
sms_to() {	# sms_to PHONE: every SMS the phone received
	grep -c " SUBMIT #.* to=$1 " "$T/sim.log" || true
}
has_sms() {	# has_sms PHONE TEXT: at least one
	[ "$(sms "$1" "$2")" -ge 1 ]
}
# dossier CODE FIELD: a field as citizengw-ctl dossier shows it under
# its label ("Field:"; a status without its name)
dossier() {
	"$CTL" -c "$T/gw.cfg" dossier "$1" >"$T/ctl.out" 2>&1 ||
		fail "ctl dossier $1: $(cat "$T/ctl.out")"
	sed -n "s/^$(printf %s "$2" | sed 's/^./\U&/'):  *//p" "$T/ctl.out" | sed "/^[0-9][0-9]* .*(.*)\$/s/ .*//"
}
sanitizer_clean() {
	! grep -q "AddressSanitizer\|LeakSanitizer\|runtime error" "$@"
}
# quiet SECONDS PHONE COUNT: the phone still has COUNT SMS after SECONDS
# (notices leave the outbox once a second)
quiet() {
	sleep "$1"
	[ "$(sms_to "$2")" = "$3" ]
}

A=84912345678	# owns -0001 (4, in progress) and -0003 (10, result returned)
B=84987654321	# owns -0002 (9, processed)
C=84388123456	# owns 000.00.20.H56-250810-0017 (5), and sends TU CHOI
P1='"procedure": "Cấp bản sao trích lục khai sinh", "agency": "UBND xã Phúc Xuân", "received_at": "2025-08-06", "due_at": "2025-08-20", "id_last4": "1234"'
P2='"procedure": "Đăng ký kết hôn", "agency": "UBND xã Phúc Xuân", "received_at": "2025-08-06", "due_at": "2025-08-13", "id_last4": "5678"'
P3='"procedure": "Chứng thực bản sao từ bản chính", "agency": "UBND xã Phúc Xuân", "received_at": "2025-09-01", "id_last4": "1234"'
P17='"procedure": "Cấp giấy phép xây dựng nhà ở riêng lẻ", "agency": "UBND huyện Đại Từ", "received_at": "2025-08-10", "due_at": "2025-09-09", "id_last4": "4321"'
D1=000.00.19.H56-250806-0001
D2=000.00.19.H56-250806-0002
D3=000.00.19.H56-250901-0003
D17=000.00.20.H56-250810-0017
# the notices of menus/notices.cfg, folded as the citizen reads them
N1_5="Ho so $D1 can bo sung: vui long lien he Bo phan Mot cua"
N1_6="Ho so $D1 can nop thue, phi, le phi. Vui long lien he UBND xa Phuc Xuan de duoc huong dan."
N1_7="Ho so $D1 (Cap ban sao trich luc khai sinh) da duoc rut theo yeu cau cua ban."
N1_8="Ho so $D1 da dung xu ly: vui long lien he Bo phan Mot cua"
N2_10="Ho so $D2 (Dang ky ket hon) da tra ket qua. Cam on ban! De danh gia, goi *8088# chon 4."
N2_8="Ho so $D2 da dung xu ly: vui long lien he Bo phan Mot cua"
N3_9="Ho so $D3 da xu ly xong. Moi ban den nhan ket qua tai UBND xa Phuc Xuan."
NEW1=000.00.19.H56-251201-0001
NEW2=000.00.19.H56-251201-0002
NEW3=000.00.19.H56-251201-0003

cat >"$T/optout.sim" <<SIM
wait-bind timeout=15
mo from=$C to=8088 text="TU CHOI"
expect-submit to=$C contains="tu choi"
SIM
start_redis
start_sim "$T/optout.sim" --linger 120000
write_config
sed -i "s/token = \"change-me\"/token = \"$TOKEN\"/" "$T/gw.cfg"
import_samples
start_gw
wait_for 15 grep -q "SCRIPT PASSED" "$T/sim.log" || fail "TU CHOI not answered"
wait_for 10 curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/" || fail "HTTP not up"

# --- PUT creates (201), then replaces (200); a new dossier sends nothing
code=$(put $NEW1 "\"phone\": \"0912000201\", \"status\": 2, $P1")
[ "$code" = 201 ] || fail "PUT a new dossier: $code $(cat "$T/out")"
answer "{\"code\":\"$NEW1\",\"created\":true,\"status_changed\":false,\"notice\":\"none\"}" "PUT new"
[ "$(dossier $NEW1 phone)" = 84912000201 ] || fail "new dossier: $(cat "$T/ctl.out")"
[ "$(dossier $NEW1 status)" = 2 ] || fail "new dossier: $(cat "$T/ctl.out")"
[ "$(dossier $NEW1 procedure)" = "Cấp bản sao trích lục khai sinh" ] ||
	fail "new dossier: $(cat "$T/ctl.out")"
# the code as a citizen's phone writes it: the same dossier
code=$(put "000.00.19.h56-251201-0001" "\"phone\": \"+84912000201\", \"status\": 2, \"procedure\": \"Cấp bản sao trích lục khai sinh\", \"agency\": \"UBND xã Tân Cương\", \"received_at\": \"2025-08-06\"")
[ "$code" = 200 ] || fail "PUT it again: $code $(cat "$T/out")"
answer "{\"code\":\"$NEW1\",\"created\":false,\"status_changed\":false,\"notice\":\"none\"}" "PUT again"
[ "$(dossier $NEW1 agency)" = "UBND xã Tân Cương" ] || fail "not replaced: $(cat "$T/ctl.out")"

# --- a new status: the notice of notices.cfg, once
code=$(put $D1 "\"phone\": \"0912345678\", \"status\": 5, $P1")
[ "$code" = 200 ] || fail "PUT status 5: $code $(cat "$T/out")"
answer "{\"code\":\"$D1\",\"created\":false,\"status_changed\":true,\"notice\":\"queued\"}" "PUT status 5"
wait_for 10 has_sms $A "$N1_5" || fail "no notice for status 5: $(grep ' SUBMIT #' "$T/sim.log")"
code=$(put $D1 "\"phone\": \"0912345678\", \"status\": 5, $P1")
[ "$code" = 200 ] || fail "PUT status 5 again: $code $(cat "$T/out")"
answer "{\"code\":\"$D1\",\"created\":false,\"status_changed\":false,\"notice\":\"none\"}" "PUT status 5 again"
quiet 2.5 $A 1 || fail "the same status again: $(grep " SUBMIT #.* to=$A " "$T/sim.log")"
[ "$(dossier $D1 status)" = 5 ] || fail "status 5 not written: $(cat "$T/ctl.out")"

# --- "notify": false: written, no notice
code=$(put $D1 "\"phone\": \"0912345678\", \"status\": 6, \"notify\": false, $P1")
[ "$code" = 200 ] || fail "PUT notify false: $code $(cat "$T/out")"
answer "{\"code\":\"$D1\",\"created\":false,\"status_changed\":true,\"notice\":\"off\"}" "PUT notify false"
quiet 2.5 $A 1 || fail "notify false sent: $(grep " SUBMIT #.* to=$A " "$T/sim.log")"
[ "$(sms $A "$N1_6")" = 0 ] || fail "notify false sent the notice"
[ "$(dossier $D1 status)" = 6 ] || fail "status 6 not written: $(cat "$T/ctl.out")"

# --- a status without a text (status_1): nothing to send
code=$(put $NEW1 "\"phone\": \"0912000201\", \"status\": 1, $P1")
[ "$code" = 200 ] || fail "PUT status 1: $code $(cat "$T/out")"
grep -q '"status_changed":true' "$T/out" || fail "PUT status 1: $(cat "$T/out")"
grep -q '"notice":"none"' "$T/out" ||
	fail "PUT status 1 (no text in notices.cfg) answers $(cat "$T/out"), expected \"notice\":\"none\""
quiet 2.5 84912000201 0 || fail "status 1 sent a notice"

# --- a phone that sent TU CHOI: no notice
c_before=$(sms_to $C)
code=$(put $D17 "\"phone\": \"0388123456\", \"status\": 6, $P17")
[ "$code" = 200 ] || fail "PUT for an opted-out phone: $code $(cat "$T/out")"
grep -q '"status_changed":true' "$T/out" || fail "PUT for an opted-out phone: $(cat "$T/out")"
grep -q '"notice":"opted_out"' "$T/out" ||
	fail "PUT for a phone that sent TU CHOI answers $(cat "$T/out"), expected \"notice\":\"opted_out\""
quiet 2.5 $C "$c_before" || fail "a phone that opted out got the notice: $(grep " SUBMIT #.* to=$C " "$T/sim.log")"
[ "$(dossier $D17 status)" = 6 ] || fail "status 6 not written for -0017"

# --- two changes in a row: the first one's notice, not the second's
code=$(put $D2 "\"phone\": \"0987654321\", \"status\": 10, $P2")
[ "$code" = 200 ] && grep -q '"notice":"queued"' "$T/out" ||
	fail "PUT -0002 status 10: $code $(cat "$T/out")"
code=$(put $D2 "\"phone\": \"0987654321\", \"status\": 8, \"notify\": false, $P2")
[ "$code" = 200 ] && grep -q '"notice":"off"' "$T/out" ||
	fail "PUT -0002 status 8 without notice: $code $(cat "$T/out")"
sleep 3
# dossier has when a notice tick reads it: the "queued" notice of
# status 10 is replaced by one of status 8, which "notify": false refused
[ "$(sms $B "$N2_10")" = 1 ] && [ "$(sms_to $B)" = 1 ] ||
	fail "status 10 (queued) then 8 (\"notify\": false) at once: -0002's phone got $(grep " SUBMIT #.* to=$B " "$T/sim.log" | sed 's/.*text=//'), expected only \"$N2_10\""

# --- bulk: the valid items are written, the others listed by index
code=$(jreq POST /api/dossiers "{\"dossiers\": [
	{\"code\": \"$NEW2\", \"phone\": \"0912000202\", \"status\": 2, $P1},
	{\"code\": \"000.00.19.H56-2512-0002\", \"phone\": \"0912000203\", \"status\": 2, $P1},
	{\"code\": \"$NEW3\", \"phone\": \"0912000203\", \"status\": 11, $P1},
	\"$NEW3\",
	{\"code\": \"$D3\", \"phone\": \"0912345678\", \"status\": 9, $P3},
	{\"code\": \"$NEW3\", \"phone\": \"12345\", \"status\": 2, $P1},
	{\"code\": \"$NEW3\", \"phone\": \"0912000203\", \"status\": 2, \"procedure\": \"Thu tuc\", \"received_at\": \"2025-08-06\", \"due_at\": \"2025-01-01\"}]}")
[ "$code" = 200 ] || fail "bulk: $code $(cat "$T/out")"
expect_rej='"rejected":[{"index":1,"error":"code '"'"'000.00.19.H56-2512-0002'"'"' is not AGENCY-YYMMDD-NNNN"},{"index":2,"error":"status '"'"'11'"'"' is not a national status code 1..10"},{"index":3,"error":"not an object"},{"index":5,"error":"phone '"'"'12345'"'"' is not a Vietnamese mobile number"},{"index":6,"error":"due_at 2025-01-01 is before received_at 2025-08-06"}]'
grep -qF "$expect_rej" "$T/out" || fail "bulk rejected: $(cat "$T/out"), expected $expect_rej"
grep -q '"notices":1' "$T/out" || fail "bulk notices: $(cat "$T/out")"
grep -q '"accepted":2,' "$T/out" ||
	fail "bulk with 2 valid items of 7 answers $(cat "$T/out"), expected \"accepted\":2"
[ "$(dossier $NEW2 status)" = 2 ] || fail "bulk: $NEW2 not written"
[ "$(dossier $NEW2 phone)" = 84912000202 ] || fail "bulk: $NEW2 phone"
[ "$(dossier $D3 status)" = 9 ] || fail "bulk: -0003 not written"
"$CTL" -c "$T/gw.cfg" dossier $NEW3 >"$T/ctl.out" 2>&1 &&
	fail "bulk: a rejected item was written: $(cat "$T/ctl.out")"
grep -q "no dossier $NEW3" "$T/ctl.out" || fail "ctl dossier: $(cat "$T/ctl.out")"
wait_for 10 has_sms $A "$N3_9" || fail "bulk: no notice for -0003's status 9"
[ "$(sms_to 84912000202)" = 0 ] || fail "bulk: a new dossier got a notice"
# "notify": false for the whole request
a_before=$(sms_to $A)
code=$(jreq POST /api/dossiers "{\"notify\": false, \"dossiers\": [{\"code\": \"$D3\", \"phone\": \"0912345678\", \"status\": 10, $P3}]}")
[ "$code" = 200 ] || fail "bulk notify false: $code $(cat "$T/out")"
grep -q '"rejected":\[\]' "$T/out" || fail "bulk notify false: $(cat "$T/out")"
grep -q '"notices":0' "$T/out" ||
	fail "bulk with \"notify\": false answers $(cat "$T/out"), expected \"notices\":0"
quiet 2.5 $A "$a_before" || fail "bulk notify false sent a notice"
[ "$(dossier $D3 status)" = 10 ] || fail "bulk notify false: not written"
# too many items: 413
i=0
{ printf '{"dossiers": ['; while [ $i -lt 10000 ]; do printf '{},'; i=$((i + 1)); done; printf '{}]}'; } >"$T/many.json"
code=$(curl -sS -o "$T/out" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
	-H "Content-Type: application/json" --data-binary @"$T/many.json" \
	"http://127.0.0.1:$HTTP_PORT/api/dossiers")
[ "$code" = 413 ] || fail "10001 dossiers: $code $(head -c 300 "$T/out")"
grep -q '^{"error":".*at most 10000 in one request","status":413}$' "$T/out" ||
	fail "10001 dossiers: $(cat "$T/out")"
# (a use after free that ASan does not see: the read is inside libjansson)
grep -q '"10001 dossiers: at most 10000' "$T/out" ||
	fail "10001 dossiers: $(cat "$T/out"), expected \"10001 dossiers: ...\""

# --- citizengw-ctl import: a changed status sends the notice, unless
# --no-notify
printf 'code,phone,status,procedure,agency,received_at,due_at,id_last4\n%s,0912345678,7,Cấp bản sao trích lục khai sinh,UBND xã Phúc Xuân,2025-08-06,2025-08-20,1234\n' \
	$D1 >"$T/s7.csv"
"$CTL" -c "$T/gw.cfg" import "$T/s7.csv" >"$T/imp.out" 2>&1 ||
	fail "import: $(cat "$T/imp.out")"
wait_for 10 has_sms $A "$N1_7" || fail "import: no notice for status 7"
a_before=$(sms_to $A)
sed 's/,7,/,8,/' "$T/s7.csv" >"$T/s8.csv"
"$CTL" -c "$T/gw.cfg" import --no-notify "$T/s8.csv" >"$T/imp.out" 2>&1 ||
	fail "import --no-notify: $(cat "$T/imp.out")"
[ "$(dossier $D1 status)" = 8 ] || fail "import --no-notify: not written"
quiet 2.5 $A "$a_before" || fail "import --no-notify sent a notice"
[ "$(sms $A "$N1_8")" = 0 ] || fail "import --no-notify sent the notice"
# the same file again: no change, no notice
"$CTL" -c "$T/gw.cfg" import "$T/s8.csv" >"$T/imp.out" 2>&1 ||
	fail "import again: $(cat "$T/imp.out")"
quiet 2.5 $A "$a_before" || fail "an import without a change sent a notice"

# every notice once, and nothing the test did not expect
for t in "$N1_5" "$N1_7" "$N3_9"; do
	[ "$(sms $A "$t")" = 1 ] || fail "not once: $t"
done
grep ' SUBMIT #' "$T/sim.log" | grep -v " to=$A \| to=$B \| to=$C " &&
	fail "SMS to phones no notice was for"
sanitizer_clean "$T/gw.log" || fail "sanitizer report in the daemon's log"
stop_gw || fail "citizengw exited with an error on SIGTERM"
sanitizer_clean "$T/gw.log" || fail "sanitizer report in the daemon's log"
pass
