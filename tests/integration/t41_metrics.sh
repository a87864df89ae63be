#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# GET /metrics and GET /healthz against a real Redis, simulator and daemon
# (docs/metrics.md). The scrape is parsed with the Prometheus client's own
# text parser (Debian's python3-prometheus-client): six SMS lookups show
# as six MOs, six submit_sm answered 0, six replies sent, six MO->reply
# latencies, five receipts delivered and one undeliverable, one submit
# throttled; the bind is up; a paused broadcast's
# recipients match GET /api/broadcasts/{id}. The health check says ok,
# then 503 with the reason when the SMS centre goes away, then when Redis
# does. Without the token: 401 by default; with
# http.metrics_without_token, /metrics and /healthz answer a loopback
# client, while /api/ and a client from another address still need it.
# Every metric name the example alert rules and dashboard use is in a
# real scrape.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
"$PY" -c 'import prometheus_client.parser' 2>/dev/null || {
	echo "SKIP: python3-prometheus-client not installed (scripts/setup-deps.sh --tests)"
	exit 77
}

TOKEN=test-token-0123456789

# get PATH [curl options...]: prints the status; body in $T/out, headers
# in $T/hdr (with the token unless NOAUTH=1)
get() {
	_p=$1
	shift
	if [ "${NOAUTH:-0}" = 1 ]; then
		set -- "$@"
	else
		set -- -H "Authorization: Bearer $TOKEN" "$@"
	fi
	curl -sS -o "$T/out" -D "$T/hdr" -w '%{http_code}' "$@" \
		"${BASE:-http://127.0.0.1:$HTTP_PORT}$_p" || echo "curl-failed"
}

# Six SMS lookups: the first five are delivered, the sixth undeliverable;
# the SMS centre throttles every fourth submit_sm.
# The parser: `prom FILE value NAME [label=value...]` prints the sum of
# the matching samples ("missing" when none); `prom FILE names` prints
# every family and sample name. A scrape the parser refuses fails here.
cat >"$T/prom.py" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
fams = list(text_string_to_metric_families(open(sys.argv[1]).read()))
if sys.argv[2] == "names":
    for f in fams:
        print(f.name)
        for s in f.samples:
            print(s.name)
    sys.exit(0)
name = sys.argv[3]
want = dict(a.split("=", 1) for a in sys.argv[4:])
vals = [s.value for f in fams for s in f.samples
        if s.name == name and all(s.labels.get(k) == v for k, v in want.items())]
if not vals:
    print("missing")
else:
    v = sum(vals)
    print(int(v) if v == int(v) else v)
PY
prom() {
	"$PY" "$T/prom.py" "$@" || fail "the Prometheus parser refused $1: $(head -c 2000 "$1")"
}
scrape() {	# scrape FILE: a scrape with the token, checked for type
	_c=$(get /metrics)
	[ "$_c" = 200 ] || fail "GET /metrics: $_c $(cat "$T/out")"
	grep -qi '^content-type: text/plain; version=0.0.4' "$T/hdr" ||
		fail "/metrics content type: $(cat "$T/hdr")"
	cp "$T/out" "$1"
}
expect_val() {	# expect_val WANT NAME [label=value...]
	_w=$1
	shift
	_v=$(prom "$T/m.txt" value "$@")
	[ "$_v" = "$_w" ] || fail "$*: $_v, expected $_w"
}

cat >"$T/mo.sim" <<SIM
wait-bind timeout=15
$(many_lookups 5 0)
expect-quiet ms=300
set receipt-stat=UNDELIV
$(many_lookups 1 5)
expect-quiet ms=300
SIM

start_redis
start_sim "$T/mo.sim" --receipts both --receipt-delay 20 --linger 300000 \
	--throttle-every 4
write_config "broadcast = { quiet_hours = \"\"; };"
sed -i "s/token = \"change-me\"/token = \"$TOKEN\"/; s/reconnect_delay = \"200ms\";/reconnect_delay = \"200ms\"; tps = 0;/" "$T/gw.cfg"
import_samples
start_gw
wait_for 30 grep -q "SCRIPT PASSED" "$T/sim.log" ||
	fail "the six lookups were not answered"

# --- what was sent shows in the counters (receipts come 20 ms later)
receipts_in() {	# the six receipts counted
	scrape "$T/r.txt"
	[ "$(prom "$T/r.txt" value citizengw_receipts_total bind=main)" = 6 ]
}
wait_for 10 receipts_in ||
	fail "six receipts never counted: $(grep receipts "$T/r.txt")"
scrape "$T/m.txt"
cp "$T/m.txt" "$T/first.txt"
expect_val 6 citizengw_mo_total bind=main channel=sms
# the fourth submit_sm is throttled, and sent again after a pause
expect_val 7 citizengw_pdus_total bind=main command=submit_sm direction=out
expect_val 6 citizengw_pdus_total bind=main command=submit_sm_resp direction=in status=0x00000000
expect_val 1 citizengw_pdus_total bind=main command=submit_sm_resp direction=in status=0x00000058
expect_val 1 citizengw_bind_throttled_total bind=main
# six MOs and six receipts, each acknowledged with status 0
expect_val 12 citizengw_pdus_total bind=main command=deliver_sm direction=in status=0x00000000
expect_val 12 citizengw_pdus_total bind=main command=deliver_sm_resp direction=out status=0x00000000
expect_val 1 citizengw_pdus_total bind=main command=bind_transceiver direction=out
expect_val 1 citizengw_pdus_total bind=main command=bind_transceiver_resp direction=in status=0x00000000
expect_val 6 citizengw_mt_total kind=reply result=sent
expect_val missing citizengw_mt_total kind=reply result=failed
expect_val 5 citizengw_receipts_total bind=main state=delivered
expect_val 1 citizengw_receipts_total bind=main state=undeliverable
expect_val 6 citizengw_mo_reply_seconds_count channel=sms
expect_val 6 citizengw_mo_reply_seconds_bucket channel=sms le=+Inf
expect_val missing citizengw_mo_redelivered_total bind=main
expect_val 0 citizengw_mo_in_progress
expect_val 1 citizengw_bind_up bind=main role=transceiver
expect_val 1 citizengw_bind_state bind=main state=BOUND
expect_val 0 citizengw_bind_in_flight bind=main
expect_val 1 citizengw_redis_up
expect_val 0 citizengw_queue_depth queue=replies
expect_val 0 citizengw_queue_depth queue=open_mos
[ "$(prom "$T/m.txt" value citizengw_redis_request_seconds_count)" -ge 10 ] ||
	fail "Redis round trips not measured: $(grep redis_request "$T/m.txt")"
# cumulative buckets: the one at +Inf holds every round trip
[ "$(prom "$T/m.txt" value citizengw_redis_request_seconds_bucket le=+Inf)" = \
  "$(prom "$T/m.txt" value citizengw_redis_request_seconds_count)" ] ||
	fail "Redis histogram: +Inf bucket is not the count"
grep -q '^# HELP citizengw_mo_total ' "$T/m.txt" &&
	grep -q '^# TYPE citizengw_mo_reply_seconds histogram$' "$T/m.txt" ||
	fail "HELP/TYPE lines missing"

# --- the token: by default /metrics and /healthz need it like /api/
[ "$(NOAUTH=1 get /metrics)" = 401 ] || fail "/metrics without the token: $(cat "$T/out")"
[ "$(NOAUTH=1 get /healthz)" = 401 ] || fail "/healthz without the token: $(cat "$T/out")"
[ "$(NOAUTH=1 get /metrics -H 'Authorization: Bearer wrong-token-0123456789')" = 401 ] ||
	fail "/metrics with a wrong token"
[ "$(get /healthz)" = 200 ] || fail "healthz: $(cat "$T/out")"
[ "$(cat "$T/out")" = ok ] || fail "healthz body: $(cat "$T/out")"

# --- a paused broadcast's progress: the figures the API shows
recips=""
for i in $(seq 1 10); do
	recips="$recips{\"phone\": \"$(printf '0912%06d' "$i")\"},"
done
code=$(get /api/broadcasts -X POST -H "Content-Type: application/json" \
	-d "{\"name\": \"M\", \"template\": \"Tin {phone}\", \"rate\": 2, \"recipients\": [${recips%,}]}")
[ "$code" = 201 ] || fail "create broadcast: $code $(cat "$T/out")"
B=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$T/out" | head -1)
wait_for 10 sh -c "[ \$(grep -c ' SUBMIT #.*to=849120000' '$T/sim.log') -ge 2 ]" ||
	fail "the broadcast did not start"
[ "$(get "/api/broadcasts/$B/pause" -X POST)" = 200 ] || fail "pause: $(cat "$T/out")"
sleep 2	# what was taken goes out, its receipts come back
# the API's counts and the scrape read at one moment: a scrape between
# two reads of the broadcast that agree (a recipient still going out
# after the pause, slow under the sanitizers, moved from queued to sent
# between a read and the scrape once: 2026-12-08 05:51)
counts() {
	[ "$(get "/api/broadcasts/$B")" = 200 ] || fail "GET broadcast: $(cat "$T/out")"
	cp "$T/out" "$1"
	"$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"])' "$1"
}
for _ in $(seq 20); do
	c1=$(counts "$T/bc1.json")
	scrape "$T/m.txt"
	[ "$(counts "$T/bc.json")" = "$c1" ] && break
	sleep 0.5
done
expect_val 10 citizengw_broadcast_recipients broadcast="$B" state=total
for st in pending queued sent delivered failed expired opted_out cancelled; do
	want=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"][sys.argv[2]])' "$T/bc.json" "$st") ||
		fail "no count $st in $(cat "$T/bc.json")"
	expect_val "$want" citizengw_broadcast_recipients broadcast="$B" state="$st"
done
[ "$(prom "$T/m.txt" value citizengw_mt_total kind=broadcast result=sent)" -ge 1 ] ||
	fail "broadcast MTs not counted"
[ "$(get "/api/broadcasts/$B/cancel" -X POST)" = 200 ] || fail "cancel: $(cat "$T/out")"
scrape "$T/m.txt"
expect_val missing citizengw_broadcast_recipients broadcast="$B" state=total

# --- the SMS centre goes away: unhealthy, saying which bind is in what
kill "$SIM_PID"
wait_for 10 sh -c "[ \"\$(curl -sS -o '$T/hz' -w '%{http_code}' -H 'Authorization: Bearer $TOKEN' http://127.0.0.1:$HTTP_PORT/healthz)\" = 503 ]" ||
	fail "healthz still 200 with the SMS centre gone"
grep -q '^no bind is bound (main: [A-Z]* since 20[0-9-]*T[0-9:]*Z)$' "$T/hz" ||
	fail "healthz reason: $(cat "$T/hz")"
scrape "$T/m.txt"
expect_val 0 citizengw_bind_up bind=main role=transceiver
[ "$(prom "$T/m.txt" value citizengw_bind_backoffs_total bind=main)" -ge 1 ] ||
	fail "back-off not counted"

# --- Redis goes away: unhealthy with Redis' reason; /metrics still
# answers, the queues it cannot read left out
stop_redis
wait_for 10 sh -c "curl -sS -H 'Authorization: Bearer $TOKEN' http://127.0.0.1:$HTTP_PORT/healthz | grep -q '^redis: '" ||
	fail "healthz does not name Redis: $(get /healthz; cat "$T/out")"
[ "$(get /healthz)" = 503 ] || fail "healthz without Redis: $(cat "$T/out")"
grep -qi 'refused\|lost\|connect' "$T/out" || fail "Redis reason: $(cat "$T/out")"
grep -q '^no bind is bound' "$T/out" || fail "bind reason dropped: $(cat "$T/out")"
scrape "$T/m.txt"
expect_val 0 citizengw_redis_up
expect_val missing citizengw_queue_depth queue=replies
[ "$(prom "$T/m.txt" value citizengw_scrape_errors_total part=queues)" -ge 1 ] ||
	fail "scrape error not counted"
stop_gw || fail "citizengw did not exit 0"

# --- http.metrics_without_token: only /metrics and /healthz, only from
# loopback (the peer's address, whatever the headers say)
LONG=test-token-0123456789-long
sed -i "s|listen = \"127.0.0.1:$HTTP_PORT\"; token = \"$TOKEN\"|listen = \"0.0.0.0:$HTTP_PORT\"; token = \"$LONG\"; metrics_without_token = true; insecure = true|" "$T/gw.cfg"
grep -q metrics_without_token "$T/gw.cfg" || fail "config not changed: $(cat "$T/gw.cfg")"
TOKEN=$LONG
start_gw
wait_for 10 curl -sS "http://127.0.0.1:$HTTP_PORT/healthz" || fail "daemon did not come back"
[ "$(NOAUTH=1 get /metrics)" = 200 ] || fail "loopback /metrics without token: $(cat "$T/out")"
grep -q '^citizengw_redis_up 0$' "$T/out" || fail "second scrape: $(head -c 500 "$T/out")"
[ "$(NOAUTH=1 get /healthz)" = 503 ] || fail "loopback /healthz without token: $(cat "$T/out")"
grep -q '^redis: ' "$T/out" || fail "healthz reason: $(cat "$T/out")"
[ "$(NOAUTH=1 get /api/status)" = 401 ] || fail "/api/status without token: $(cat "$T/out")"
[ "$(NOAUTH=1 get /metrics -H 'X-Forwarded-For: 10.1.2.3')" = 200 ] ||
	fail "a header changed who the peer is"
# another address of this machine is not loopback
ADDR=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -v '^127\.' | grep '\.' | head -1)
if [ -n "$ADDR" ]; then
	[ "$(BASE="http://$ADDR:$HTTP_PORT" NOAUTH=1 get /metrics)" = 401 ] ||
		fail "/metrics without token from $ADDR: $(cat "$T/out")"
	[ "$(BASE="http://$ADDR:$HTTP_PORT" get /metrics)" = 200 ] ||
		fail "/metrics with token from $ADDR: $(cat "$T/out")"
else
	echo "note: no non-loopback IPv4 address; the remote check is skipped"
fi
stop_gw || fail "citizengw did not exit 0"

# --- the example rules and dashboard use only names a scrape has
prom "$T/first.txt" names | sort -u >"$T/names"
for f in "$CGW_SRCDIR/conf/citizengw-alerts.yml" \
	 "$CGW_SRCDIR/conf/grafana-dashboard.json"; do
	used=$(grep -o 'citizengw_[a-z_]*' "$f" | sort -u)
	[ -n "$used" ] || fail "no metric names found in $f"
	for n in $used; do
		grep -qx "$n" "$T/names" ||
			grep -qx "${n%_total}" "$T/names" ||
			fail "$(basename "$f") uses $n, which no scrape has"
	done
done
grep -q "AddressSanitizer\|LeakSanitizer\|runtime error" "$T/gw.log" &&
	fail "sanitizer report in the daemon's log"
pass
