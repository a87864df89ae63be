#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Nothing grows for ever (docs/security.md "What Redis keeps"): after a
# run that uses every kind of key — SMS lookups (a failed one), a USSD
# walk, a callback request, an application, a multipart MO and a lone
# fragment, a multipart reply, an opt-out and a language change, a
# broadcast with receipts, a status notice — every key in Redis either
# has a time to live or is of a kind whose owner keeps it bounded, as
# `citizengw-ctl keys` checks (and it names a key that breaks the rule).
# A phone profile lives 400 days from its last write, one that holds an
# opt-out is kept. The request stream is trimmed to
# services.requests_max and services.requests_keep_days. A burst of lone
# fragments from one phone (a new reference each time) gets at most
# protect.replies_per_minute replies, on by default. The same callback
# request made twice in a day has one number and one record. Quiet hours
# are off: the broadcast must go whatever the hour of the run.
. "$(dirname "$0")/lib.sh"

TOKEN=test-token-0123456789
A=84912345678		# lookups, USSD, a callback, an application
B=84966000222		# opts out
E=84977000333		# English
F=84988000444		# lone fragments
DAY=$(date -u -d '+7 hours' +%y%m%d)

# callback PHONE COMMUNE: script lines of a callback request by SMS
callback() {
	cat <<SIM
mo from=$1 to=8088 text="MENU"
expect-submit to=$1 contains="1. Tra cuu ho so"
mo from=$1 to=8088 text="2"
expect-submit to=$1 contains="1. Nop ho so truc tuyen"
mo from=$1 to=8088 text="1"
expect-submit to=$1 text="Ban o xa/phuong nao? (0: quay lai)"
mo from=$1 to=8088 text="$2"
expect-submit to=$1 contains="1. Dong y"
mo from=$1 to=8088 text="1"
expect-submit to=$1 contains="Da ghi nhan yeu cau goi lai, ma GL"
SIM
}
G=84933000555		# a callback request after each wait-file

start_redis
redis config set stream-node-max-entries 10 >/dev/null
cat >"$T/run.sim" <<SIM
wait-bind timeout=15
mo from=$A to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-submit to=$A contains="Dang xu ly"
mo from=$A to=8088 text="TRACUU 000.00.19.H56-250806-9999"
expect-submit to=$A contains="000.00.19.H56-250806-9999"
ussd from=$A to=8088 text="*8088#" op=1 its=0x0100
expect-submit to=$A ussd_op=2 contains="1. Tra cuu ho so"
ussd from=$A to=8088 text="1" op=18 its=0x0100
expect-submit to=$A ussd_op=2 contains="Nhap ma ho so"
ussd from=$A to=8088 text="000.00.19.H56-250806-0001" op=18 its=0x0100
expect-submit to=$A contains="Dang xu ly"
$(callback $A "Phuc Xuan")
$(callback $A "Phuc Xuan")
mo from=$A to=8088 text="BANSAO 001203012345"
expect-message to=$A contains="Da nhan ho so Ban sao khai sinh, ma 000.00.19.H56-$DAY-0001."
mo from=$A to=8088 text="TRACUU 000.00.19.H56-250806-0001" parts=3
expect-submit to=$A contains="Dang xu ly"
mo from=$B to=8088 text="TUCHOI"
expect-submit to=$B contains="DANG KY"
mo from=$E to=8088 text="MENU"
expect-submit to=$E contains="9. English"
mo from=$E to=8088 text="9"
expect-submit to=$E contains="9. Tieng Viet"
SIM
# a burst of lone fragments: part 1 of 2, a new reference each time
for i in $(seq 40); do
	echo "mo from=$F to=8088 text=\"xin chao ban oi, day la tin $i\" parts=2 order=1 ref=$((i + 100))"
done >>"$T/run.sim"
{
	echo 'sleep 4000'
	echo 'print "citizens done"'
	echo "wait-file path=$T/old timeout=120"
	callback $G "Phuc Xuan"
	echo 'print "request 1 done"'
	echo "wait-file path=$T/many timeout=120"
	callback $G "Quyet Thang"
} >>"$T/run.sim"
start_sim "$T/run.sim" --receipts both --receipt-delay 20
write_config "gateway = { concat_timeout = \"1s\"; };
services = { requests_max = 1000; requests_keep_days = 30; };
broadcast = { quiet_hours = \"\"; };"
sed -i "s/token = \"change-me\"/token = \"$TOKEN\"/" "$T/gw.cfg"
# one shard, so that the trimming below is of one stream
sed -i 's/port = \([0-9]*\); };/port = \1; shards = 1; };/' "$T/gw.cfg"
grep -q "shards = 1;" "$T/gw.cfg" || fail "no shards setting in $(cat "$T/gw.cfg")"
import_samples
start_gw
wait_for 60 sh -c "grep -q 'citizens done' '$T/sim.out' || ! kill -0 $SIM_PID" ||
	fail "the citizens' run did not end"
grep -q 'citizens done' "$T/sim.out" ||
	fail "the citizens' run failed: $(cat "$T/sim.err")"

# the same callback request twice in a day: one number, one record
refs=$(grep " SUBMIT #.* to=$A .*yeu cau goi lai, ma GL" "$T/sim.log" |
	sed 's/.*ma \(GL[0-9A-Z]*\).*/\1/' | sort | uniq -c)
[ "$(echo "$refs" | wc -l)" = 1 ] && [ "$(echo "$refs" | awk '{print $1}')" = 2 ] ||
	fail "the same request twice got: $refs"
n=$(redis xrange 'cgw:{s0}:requests' - + | grep -c "^GL" || true)
[ "$n" = 1 ] || fail "$n records of the same request: $(redis xrange 'cgw:{s0}:requests' - +)"

# lone fragments: at most protect.replies_per_minute (20) replies
n=$(grep -c " SUBMIT #.* to=$F " "$T/sim.log" || true)
[ "$n" -ge 1 ] && [ "$n" -le 20 ] ||
	fail "$n replies to 40 lone fragments from one phone"
echo "40 lone fragments from one phone: $n replies"

# a multipart broadcast (the phones' reference counters), receipts, a
# status notice
LONG=$(printf 'Thong bao lich tiep dan %.0s' $(seq 12))
curl -sS -o "$T/bc.json" -H "Authorization: Bearer $TOKEN" \
	-H "Content-Type: application/json" -X POST \
	-d "{\"name\": \"K\", \"template\": \"$LONG\",
	     \"recipients\": [{\"phone\": \"0912345678\"},
	                      {\"phone\": \"0977000333\"}]}" \
	"http://127.0.0.1:$HTTP_PORT/api/broadcasts" ||
	fail "broadcast not created"
grep -q '"id"' "$T/bc.json" || fail "broadcast refused: $(cat "$T/bc.json")"
"$CTL" -c "$T/gw.cfg" dossier status 000.00.19.H56-250806-0001 5 \
	>"$T/ctl.out" 2>&1 || fail "status not set: $(cat "$T/ctl.out")"
wait_for 30 sh -c "[ \$(grep -c ' MESSAGE #.*to=84977000333 .*parts=.*Thong bao lich tiep dan' '$T/sim.log') -ge 1 ]" ||
	fail "the broadcast's multipart MT did not arrive"
wait_for 30 sh -c "[ -z \"\$(redis zrange 'cgw:{s0}:outq' 0 -1)\$(redis zrange 'cgw:{s0}:bcq' 0 -1)\$(redis zrange 'cgw:{s0}:notices' 0 -1)\" ]" ||
	fail "queues not empty"
sleep 1		# the last receipts

# every key has a time to live or an owner
"$CTL" -c "$T/gw.cfg" keys >"$T/keys.out" 2>&1 ||
	fail "keys that grow for ever: $(cat "$T/keys.out")"
cat "$T/keys.out"
for kind in '{s*}:sess:*' '{s*}:ph:*' '{s*}:ref:*' '{s*}:mo:*' '{s*}:mt:*' \
	'{s*}:requests' '{s*}:app:*' '{s*}:bc[pvlcx]:*' 'msgid:*' 'bc:*' \
	'bcindex' 'seq:*' '{s*}:dossier:*' '{s*}:apps'; do
	grep -qF "$kind " "$T/keys.out" || fail "no key of kind $kind in the run"
done
"$CTL" -c "$T/gw.cfg" keys --json >"$T/keys.json" ||
	fail "keys --json: $(cat "$T/keys.json")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["offending"] == 0 and d["keys"] > 20, d' "$T/keys.json" ||
	fail "keys --json: $(cat "$T/keys.json")"

# the profiles: 400 days from the last write; an opt-out is kept
ttl=$(redis ttl "cgw:{s0}:ph:$A")
[ "$ttl" -gt $((399 * 86400)) ] && [ "$ttl" -le $((400 * 86400)) ] ||
	fail "A's profile lives $ttl s"
[ "$(redis ttl "cgw:{s0}:ph:$E")" -gt $((399 * 86400)) ] ||
	fail "E's profile (English) lives $(redis ttl "cgw:{s0}:ph:$E") s"
[ "$(redis hget "cgw:{s0}:ph:$B" optout)" = 1 ] || fail "B not opted out"
[ "$(redis ttl "cgw:{s0}:ph:$B")" = -1 ] ||
	fail "B's opt-out expires in $(redis ttl "cgw:{s0}:ph:$B") s"
ttl=$(redis ttl "cgw:{s0}:ref:$E")
[ "$ttl" -gt 86000 ] && [ "$ttl" -le 86400 ] ||
	fail "E's reference counter lives $ttl s"

# a key without a time to live that should have one is named
redis set "cgw:{s0}:mo:forgotten" x >/dev/null
redis set "cgw:stray" x >/dev/null
rc=0
"$CTL" -c "$T/gw.cfg" keys >"$T/keys2.out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "keys with offenders: exit $rc: $(cat "$T/keys2.out")"
grep -q "^OFFENDING cgw:{s0}:mo:forgotten: no time to live$" "$T/keys2.out" &&
	grep -q "^OFFENDING cgw:stray: no kind of key citizengw writes$" "$T/keys2.out" ||
	fail "offenders not named: $(cat "$T/keys2.out")"
redis del "cgw:{s0}:mo:forgotten" "cgw:stray" >/dev/null

# the request stream: 300 requests from 40 days ago and 100 of today;
# the next request drops the old ones (services.requests_keep_days 30;
# whole stream nodes, of 10 entries here)
now=$(date +%s%3N)
redis del 'cgw:{s0}:requests' >/dev/null
for i in $(seq 300); do
	echo "XADD cgw:{s0}:requests $((now - 40 * 86400000 + i))-0 kind old"
done | redis >/dev/null
for i in $(seq 100); do
	echo "XADD cgw:{s0}:requests * kind recent"
done | redis >/dev/null
n=$(redis xlen 'cgw:{s0}:requests')
[ "$n" -ge 400 ] || fail "$n requests in the stream before"
touch "$T/old"
wait_for 20 grep -q "request 1 done" "$T/sim.out" || fail "request 1"
n=$(redis xlen 'cgw:{s0}:requests')
first=$(redis --no-raw xrange 'cgw:{s0}:requests' - + COUNT 1 | sed -n 's/.*"\([0-9]*\)-[0-9]*".*/\1/p' | head -1)
[ "$n" -ge 101 ] && [ "$n" -le 115 ] || fail "$n requests kept after the trim by age"
[ "$first" -ge $((now - 30 * 86400000 - 60000)) ] ||
	fail "a request from $first kept (now $now)"
# 1200 more of today: the next request trims to about requests_max (1000)
for i in $(seq 1200); do
	echo "XADD cgw:{s0}:requests * kind recent"
done | redis >/dev/null
touch "$T/many"
wait_sim 30
n=$(redis xlen 'cgw:{s0}:requests')
[ "$n" -ge 1000 ] && [ "$n" -le 1010 ] || fail "$n requests kept, cap 1000"
echo "request stream: $n entries kept (cap 1000)"
pass
