#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Loop and abuse protection, opt-out and session lifetimes.
#  - protect.replies_per_minute: over it, an MO is acknowledged, recorded
#    and closed without a reply (logged); USSD screens do not count; an
#    opt-out still applies.
#  - protect.min_sender_digits: short codes get no reply (acknowledged,
#    recorded, closed, logged); an alphanumeric sender gets none either,
#    as a sender that is not a phone number (protect.odd_senders, t38).
#  - TU CHOI / DANG KY: a confirmation, the profile flag (citizengw-ctl
#    phone), and answers to what an opted-out citizen asks.
#  - ussd.session_ttl and menus.sms_session_ttl set the sessions' TTL.
#  - 0, the default, turns both protections off (a carrier's test SMS
#    centre "456").
. "$(dirname "$0")/lib.sh"

A=84977000111
B=84912345678	# owns -0001
D=84966000222

cat >"$T/p1.sim" <<SIM
wait-bind timeout=15
mo from=$A to=8088 text="hello 1"
expect-submit to=$A contains="TRACUU <ma ho so>"
mo from=$A to=8088 text="hello 2"
expect-submit to=$A contains="TRACUU <ma ho so>"
mo from=$A to=8088 text="hello 3"
expect-submit to=$A contains="TRACUU <ma ho so>"
mo name=over1 from=$A to=8088 text="hello 4"
expect-acked mo=over1
mo name=over2 from=$A to=8088 text="TU CHOI"
expect-acked mo=over2
expect-quiet ms=800
# USSD screens are not limited
ussd from=$A to=8088 text="*8088#" op=1 its=0x0100
expect-submit to=$A ussd_op=2 contains="1. Tra cuu ho so"
# a short code and an alphanumeric sender: acknowledged, never answered
mo name=short from=456 ton=0 npi=0 to=8088 text="MENU"
expect-acked mo=short
mo name=alpha from=MobiFone ton=5 npi=0 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-acked mo=alpha
expect-quiet ms=800
# opt-out and back in; answers still go to an opted-out citizen
mo from=$B to=8088 dc=8 text="Tu chối"
expect-submit to=$B text="Ban da tu choi nhan tin nhan thong bao. Soan DANG KY de nhan lai."
wait-file path=$T/checked-out timeout=20
mo from=$B to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-submit to=$B contains="Dang xu ly"
mo from=$B to=8088 text="DANG KY"
expect-submit to=$B text="Ban da dang ky nhan tin nhan thong bao. Soan TU CHOI de dung."
mo from=$D to=8088 text="MENU"
expect-submit to=$D contains="1. Tra cuu ho so"
ussd from=$B to=8088 text="*8088#" op=1 its=0x0200
expect-submit to=$B ussd_op=2 contains="1. Tra cuu ho so"
expect-quiet ms=500
SIM

start_redis
start_sim "$T/p1.sim"
write_config 'protect = { replies_per_minute = 3; min_sender_digits = 8; };
ussd = { service_code = "*8088#"; session_ttl = "20s"; };' 
# write_config has its own ussd group: keep one
sed -i '0,/^ussd = { service_code = "\*8088#"; };$/{//d}' "$T/gw.cfg"
sed -i 's|language = "vi"; };|language = "vi"; sms_session_ttl = "30s"; };|' "$T/gw.cfg"
import_samples
start_gw
wait_for 30 sh -c "grep ' SUBMIT ' '$T/sim.log' | grep -q 'to=$B'" ||
	fail "B's opt-out was not answered"
"$CTL" -c "$T/gw.cfg" phone 0912345678 >"$T/b.out"
grep -q "^opted out *yes" "$T/b.out" || fail "B not opted out: $(cat "$T/b.out")"
"$CTL" -c "$T/gw.cfg" phone 0977000111 >"$T/a.out"
grep -q "^opted out *yes" "$T/a.out" ||
	fail "an opt-out over the reply limit was lost: $(cat "$T/a.out")"
touch "$T/checked-out"
wait_sim 40
"$CTL" -c "$T/gw.cfg" phone 0912345678 >"$T/b.out"
grep -q "^opted out *no" "$T/b.out" || fail "B not opted in again: $(cat "$T/b.out")"

[ "$(count_in "$T/gw.log" "reply limit of 3 SMS a minute reached")" = 2 ] ||
	fail "the reply limit was not logged twice"
[ "$(count_in "$T/gw.log" "fewer than 8 digits, or letters): recorded, not answered")" = 1 ] ||
	fail "the short code not logged"
[ "$(count_in "$T/gw.log" "is not from a phone number (alphanumeric (TON 5)): recorded, not answered")" = 1 ] ||
	fail "the alphanumeric sender not logged"
limited=0
refused=0
for k in $(redis --scan --pattern 'cgw:*:mo:*'); do
	case $(redis HGET "$k" state) in
	limited) limited=$((limited + 1)) ;;
	refused) refused=$((refused + 1)) ;;
	esac
done
[ "$limited" = 2 ] || fail "$limited MOs recorded as limited"
[ "$refused" = 2 ] || fail "$refused MOs recorded as refused"
for s in $(seq 0 15); do
	[ "$(redis ZCARD "cgw:{s$s}:inq")" = 0 ] || fail "MO left open in shard $s"
done
# the configured session lifetimes
u=$(redis --scan --pattern "cgw:*:sess:$B:u")
[ "$(redis PTTL "$u")" -le 20000 ] && [ "$(redis PTTL "$u")" -gt 15000 ] ||
	fail "USSD session TTL $(redis PTTL "$u")"
s=$(redis --scan --pattern "cgw:*:sess:$D:s")
[ "$(redis PTTL "$s")" -le 30000 ] && [ "$(redis PTTL "$s")" -gt 25000 ] ||
	fail "SMS session TTL $(redis PTTL "$s")"
stop_gw || fail "citizengw exited with an error"

# --- the defaults: protections off, a carrier's test SMS centre sends
# from "456" and a test phone sends more than 10 a minute ---
cat >"$T/p2.sim" <<SIM
wait-bind timeout=15
mo from=456 ton=0 npi=0 to=8088 text="MENU"
expect-submit to=456 contains="1. Tra cuu ho so"
SIM
for i in 5 6 7 8 9 10 11 12 13 14 15 16; do
	printf 'mo from=%s to=8088 text="hello %s"\nexpect-submit to=%s contains="TRACUU"\n' \
		"$A" "$i" "$A" >>"$T/p2.sim"
done
echo "expect-quiet ms=300" >>"$T/p2.sim"
start_sim "$T/p2.sim"
write_config
start_gw
wait_sim 40
stop_gw || fail "citizengw exited with an error"

# --- a reload changes the limit: mo_commit.lua holds it in its text
# (store/script.h), loaded again on the live connection before any MO
# uses it ---
E=84955000333
cat >"$T/p3.sim" <<SIM
wait-bind timeout=15
mo from=$E to=8088 text="hello 1"
expect-submit to=$E contains="TRACUU"
mo name=over from=$E to=8088 text="hello 2"
expect-acked mo=over
expect-quiet ms=500
wait-file path=$T/reloaded timeout=20
mo from=$E to=8088 text="hello 3"
expect-submit to=$E contains="TRACUU"
expect-quiet ms=300
SIM
start_sim "$T/p3.sim"
write_config 'protect = { replies_per_minute = 1; };'
old_sha=$("$CTL" -c "$T/gw.cfg" script --sha mo_commit)
ready0=$(count_in "$T/gw.log" "Redis LOADING -> READY")	# gw.log goes on
start_gw
wait_for 20 grep -q "reply limit of 1 SMS a minute reached" "$T/gw.log" ||
	fail "the limit of 1 did not apply"
sed -i 's/replies_per_minute = 1;/replies_per_minute = 5;/' "$T/gw.cfg"
new_sha=$("$CTL" -c "$T/gw.cfg" script --sha mo_commit)
[ "$new_sha" != "$old_sha" ] || fail "mo_commit's text does not hold the limit"
rc=0
"$CTL" -c "$T/gw.cfg" script --sha nope 2>"$T/nope.err" || rc=$?
[ $rc = 1 ] && grep -q "no script 'nope'" "$T/nope.err" ||
	fail "an unknown script: $(cat "$T/nope.err")"
kill -HUP "$GW_PID"
wait_for 10 grep -q "SIGHUP: configuration reloaded" "$T/gw.log" ||
	fail "no reload"
[ "$(redis SCRIPT EXISTS "$new_sha")" = 1 ] ||
	fail "mo_commit with the new limit not loaded after the reload"
touch "$T/reloaded"
wait_sim 30
grep -q NOSCRIPT "$T/gw.log" && fail "a call named a script Redis did not have"
[ "$(count_in "$T/gw.log" "Redis LOADING -> READY")" = $((ready0 + 1)) ] ||
	fail "the reload made the connection again"
stop_gw || fail "citizengw exited with an error"
pass
