#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The staff web page against the real daemon, in headless Chromium:
# tests/browser/staff.mjs logs in (a wrong token first), reads the
# overview, uploads a recipients' CSV (with rejected lines, a duplicate
# and a citizen who sent TU CHOI), checks the preview against the values
# this test computes from the CSV it wrote, sends, waits for 100% with
# delivery receipts, downloads the report, pauses/resumes/cancels a
# scheduled broadcast, reads the procedure requests two citizens made by
# SMS, sets "not accepted" with a reason on an application a citizen
# filed by phone (refused first without one), looks at it 360 px wide,
# switches to English and logs out; the citizen gets the notice with the
# reason.
#
# Needs node (18.19 or later), npm and chromium (scripts/setup-deps.sh
# --tests installs them): without them this test fails, it does not skip.
# The Node packages (puppeteer-core, acorn; never a browser) are installed
# with `npm ci` into a copy of tests/browser in the test's directory, so
# that the source tree may be read-only (make distcheck). The npm cache is
# $npm_config_cache when set, else one in the test's directory.
#
# STAFF_HTTPS=1 (t33b_staff_page_https.sh) runs the same over HTTPS: a
# certificate from a throwaway CA (certs.sh), which Chromium is told to
# accept by its public key's hash and Node by NODE_EXTRA_CA_CERTS.
. "$(dirname "$0")/lib.sh"
SCHEME=http
if [ "${STAFF_HTTPS:-0}" = 1 ]; then
	. "$(dirname "$0")/certs.sh"
	make_certs
	SCHEME=https
	NODE_EXTRA_CA_CERTS=$PKI/ca.pem
	export NODE_EXTRA_CA_CERTS
	CHROMIUM_SPKI=$(openssl x509 -in "$PKI/server.pem" -pubkey -noout |
		openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
	export CHROMIUM_SPKI
fi

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
command -v node >/dev/null 2>&1 ||
	fail "node is not installed (scripts/setup-deps.sh --tests, or apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 ||
	fail "npm is not installed (scripts/setup-deps.sh --tests, or apt-get install npm)"
[ -x "$CHROMIUM" ] ||
	fail "no browser at $CHROMIUM (scripts/setup-deps.sh --tests, or apt-get install chromium; or set CHROMIUM)"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 18 || (a === 18 && b >= 19) ? 0 : 1)' ||
	fail "node $(node --version) is too old: the browser test needs 18.19 or later"

TOKEN=staff-page-token-0123456789

# --- the Node packages, in a copy of tests/browser
mkdir "$T/browser"
for f in package.json package-lock.json staff.mjs; do
	cp "$CGW_SRCDIR/tests/browser/$f" "$T/browser/" || fail "tests/browser/$f missing"
done
chmod u+w "$T"/browser/*
(
	cd "$T/browser"
	export PUPPETEER_SKIP_DOWNLOAD=1
	export npm_config_cache="${npm_config_cache:-$T/npm-cache}"
	npm ci --no-audit --no-fund --prefer-offline --loglevel=error
) >"$T/npm.out" 2>&1 || fail "npm ci in tests/browser failed: $(tail -n 20 "$T/npm.out")"

# --- an application a citizen filed by phone (written below, once Redis
# runs, as the citizen side writes it): staff refuse it with a reason
APP_CODE=000.00.19.H56-261204-0001
APP_KEY=0000019H56-261204-0001
APP_PHONE=84944000301
APP_REASON="Thiếu bản sao Căn cước công dân"
APP_NOTICE="Ho so $APP_CODE khong duoc tiep nhan: Thieu ban sao Can cuoc cong dan"

# --- the recipients: rows written one by one, so that the expected values
# are counted from what was written. Line 1 is the header.
CSV=$T/recipients.csv
printf 'phone,name,code\n' >"$CSV"
line=1
accepted=0
duplicates=0
invalid_lines=""
add() {		# add KIND PHONE NAME CODE
	line=$((line + 1))
	printf '%s,%s,%s\n' "$2" "$3" "$4" >>"$CSV"
	case $1 in
	ok) accepted=$((accepted + 1)) ;;
	dup) duplicates=$((duplicates + 1)) ;;
	bad) invalid_lines="$invalid_lines${invalid_lines:+, }$line" ;;
	esac
}
OPTOUT=84912000105	# sends TU CHOI before the broadcast (below)
add ok 0912000101 "Trần Thị Bình" 000.00.19.H56-250802-0001
add ok 0912000102 "Nguyễn Văn An" 000.00.19.H56-250802-0002
add ok +84912000103 "Lê Thị Hoa" 000.00.19.H56-250803-0001
add ok 84912000104 "Phạm Đức Minh" 000.00.19.H56-250803-0002
add ok 0912000105 "Hoàng Văn Đông" 000.00.19.H56-250804-0001
add bad 12345 "Số sai" 000.00.19.H56-250804-0002
add ok 0352000106 "Vũ Thị Lan" 000.00.19.H56-250805-0001
add ok 0772000107 "Đỗ Văn Hùng" 000.00.19.H56-250805-0002
add dup +84912000102 "Nguyễn Văn An" 000.00.19.H56-250802-0002
add ok 0862000108 "Bùi Thị Mai" 000.00.19.H56-250806-0001
add bad 0212000109 "Máy bàn" 000.00.19.H56-250806-0002
add ok 0982000110 "Đặng Văn Tú" 000.00.19.H56-250807-0001
add ok 0912000111 "Ngô Thị Thu" 000.00.19.H56-250807-0002
add ok 0912000112 "Dương Văn Nam" 000.00.19.H56-250808-0001
opted_out=1
invalid_count=$(echo "$invalid_lines" | tr ',' '\n' | grep -c .)
# what is sent and billed: the accepted recipients but the one who opted
# out (docs/api.md: 9998 accepted, 3 opted out, 9995 messages); the
# template of staff.mjs, folded to GSM-7 (menus.fold_vi), is one SMS each
messages=$((accepted - opted_out))
SAMPLE="Xin chao Tran Thi Binh, ho so 000.00.19.H56-250802-0001 can bo sung giay to."
# The cost (messages, segments, by_encoding) is checked below, against
# the API, after the browser test: staff.mjs checks that the page shows
# the API's own numbers.
cat >"$T/expect.json" <<JSON
{"accepted": $accepted, "duplicates": $duplicates, "opted_out": $opted_out,
 "invalid_count": $invalid_count, "invalid_lines": [$invalid_lines],
 "sample": "$SAMPLE", "report_rows": $accepted, "bind": "main",
 "requests_min": 2, "app_code": "$APP_CODE", "app_reason": "$APP_REASON"}
JSON

# --- a citizen opts out, two make procedure requests by SMS
cat >"$T/citizens.sim" <<SIM
wait-bind timeout=15
mo from=$OPTOUT to=8088 text="TU CHOI"
expect-submit to=$OPTOUT
mo from=84966000222 to=8088 text="MENU"
expect-submit to=84966000222 contains="2. Yeu cau goi lai"
mo from=84966000222 to=8088 text="2"
expect-submit to=84966000222 contains="1. Nop ho so truc tuyen"
mo from=84966000222 to=8088 text="1"
expect-submit to=84966000222 contains="xa/phuong nao"
mo from=84966000222 to=8088 dc=8 text="Phúc Xuân"
expect-submit to=84966000222 contains="1. Dong y"
mo from=84966000222 to=8088 text="1"
expect-submit to=84966000222 contains="ma GL"
mo from=84977000333 to=8088 text="MENU"
expect-submit to=84977000333 contains="5. Gop y"
mo from=84977000333 to=8088 text="5"
expect-submit to=84977000333 contains="Nhap gop y"
mo from=84977000333 to=8088 text="Can bo xa ho tro rat nhiet tinh"
expect-submit to=84977000333 contains="Ma GY"
SIM

start_redis
write_application $APP_CODE $APP_PHONE 2 bansao $(($(date +%s) * 1000 - 600000)) 001203012345
start_sim "$T/citizens.sim" --receipts both --receipt-delay 20 --linger 1800000
write_config "broadcast = { quiet_hours = \"\"; };"
sed -i "s/token = \"change-me\"/token = \"$TOKEN\"/" "$T/gw.cfg"
[ "$SCHEME" = http ] ||
	sed -i "s|token = \"$TOKEN\";|& tls_cert_file = \"$PKI/server.pem\"; tls_key_file = \"$PKI/server.key\";|" "$T/gw.cfg"
start_gw
if [ "$SCHEME" = https ]; then
	wait_for 10 grep -q "HTTP listening on .*HTTPS" "$T/gw.log" || fail "the daemon does not serve HTTPS"
	code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/" || true)
	[ "$code" = 000 ] || fail "plain HTTP answered $code on the HTTPS port"
fi
wait_for 30 grep -q "SCRIPT PASSED" "$T/sim.log" ||
	fail "the citizens' SMS were not answered: $(tail -n 5 "$T/sim.err")"

# --- the browser test
mkdir -p "$T/shots"
rc=0
(
	cd "$T/browser"
	BASE_URL="$SCHEME://127.0.0.1:$HTTP_PORT" TOKEN="$TOKEN" CSV_PATH="$CSV" \
	SHOT_DIR="${SHOT_DIR:-$T/shots}" REPORT_PATH="$T/report.csv" \
	EXPECT="$T/expect.json" RATE=4 CHROMIUM="$CHROMIUM" \
		node staff.mjs
) >"$T/staff.out" 2>&1 || rc=$?
cat "$T/staff.out"
[ "$rc" = 0 ] || fail "the browser test failed ($rc): $(grep '^not ok' "$T/staff.out" | head -n 5)"
grep -q "^[1-9][0-9]* passed, 0 failed$" "$T/staff.out" ||
	fail "the browser test did not say it passed"

# --- what the page did, seen from the other side
APP_D="cgw:{s$(dossier_shard $APP_KEY)}:dossier:$APP_KEY"
[ "$(redis HGET "$APP_D" status)" = 3 ] && [ "$(redis HGET "$APP_D" reason)" = "$APP_REASON" ] &&
	[ "$(redis HGET "$APP_D" f:cccd)" = 001203012345 ] ||
	fail "the application after the page: $(redis HGETALL "$APP_D")"
wait_for 10 sh -c "grep ' SUBMIT #.* to=$APP_PHONE ' '$T/sim.log' | grep -qF 'text=\"$APP_NOTICE\"'" ||
	fail "no notice with the reason to $APP_PHONE: $(grep " SUBMIT #.* to=$APP_PHONE " "$T/sim.log")"
[ "$(grep -c " SUBMIT #.*status=0x00000000 to=$OPTOUT " "$T/sim.log")" = 1 ] ||
	fail "the phone that opted out got the broadcast"
sent=$(grep -cE " SUBMIT #.*status=0x00000000 to=84(912|352|772|862|982)000" "$T/sim.log" || true)
[ "$sent" = $((messages + 1)) ] ||
	fail "$sent submits to the recipients, expected $messages and the reply to TU CHOI"
[ "$(tail -n +2 "$T/report.csv" | grep -c .)" = "$accepted" ] ||
	fail "report rows: $(tail -n +2 "$T/report.csv" | grep -c .), expected $accepted"
grep -q "^$OPTOUT,opted_out," "$T/report.csv" || fail "the report does not show the opt-out"

# --- the cost of the preview: what will be sent, without the opt-out
BASE_URL="$SCHEME://127.0.0.1:$HTTP_PORT" node -e '
	const fs = require("fs");
	const csv = fs.readFileSync(process.argv[1], "utf8");
	fetch(process.env.BASE_URL + "/api/broadcasts", { method: "POST",
		headers: { Authorization: "Bearer " + process.argv[2], "Content-Type": "application/json" },
		body: JSON.stringify({ name: "cost", template: "Xin chao {name}, ho so {code} can bo sung giay to.",
			recipients_csv: csv, dry_run: true }) })
	.then(r => r.json()).then(j => {
		const c = j.cost, g = c.by_encoding.gsm7 || {};
		console.log([j.recipients.accepted, j.recipients.opted_out, c.messages, c.segments,
			g.messages, g.segments, Object.keys(c.by_encoding).join("+")].join(" "));
	});' "$CSV" "$TOKEN" >"$T/cost.out" 2>"$T/cost.err" || fail "dry run: $(cat "$T/cost.err")"
want="$accepted $opted_out $messages $messages $messages $messages gsm7"
[ "$(cat "$T/cost.out")" = "$want" ] ||
	fail "preview cost (accepted opted_out messages segments gsm7.messages gsm7.segments encodings): $(cat "$T/cost.out"), expected $want: an opted-out recipient is not sent, so not billed (docs/api.md)"
stop_gw || fail "citizengw exited with an error on SIGTERM"
pass
