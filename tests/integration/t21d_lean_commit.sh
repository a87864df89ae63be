#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The lean commit (store_mo.c, commit_lean): an SMS lookup with no menu
# open, its fingerprint free when read and its phone under the reply
# limit, is committed by plain commands in one transaction, no script:
#  (a) what Redis receives: MULTI, the MO's and the reply's records, the
#      fingerprint (SET ... GET), the reply queued, the reply counted in
#      the profile (a new minute: HSET rlw rln xd and the profile's
#      expiry; the next: HINCRBY), EXEC; no EVALSHA; the same text again
#      (a citizen asking again, the first acknowledged in time on a
#      connection still up) the same, with a ZSCORE whether the first is
#      open, and answered;
#  (b) what it leaves is what mo_commit.lua leaves: the fingerprint's mark
#      of the acknowledgement in the form fp_mark.lua reads (fp_unmark.lua
#      takes it back), the records answered and sent, the count;
#  (c) two gateway processes, Redis's writes paused, the same MO on both
#      binds at once: both read the fingerprint free, the second EXEC
#      finds it taken (RACED), takes back what it wrote (records, queue
#      entry, count; the fingerprint back to the first's mark) and
#      commits by the script, which judges the copy a re-delivery: one
#      reply, both acknowledged, one record, the count one more;
#  (d) a lean commit a command of which fails (the profile's count not
#      an integer: HINCRBY refused) leaves nothing behind: its records go
#      before the MO is refused (ESME_RX_T_APPN), and the copy delivered
#      again is answered once (as t21c for the script).
. "$(dirname "$0")/lib.sh"

A=84912345678
B=84987654321
cat >"$T/run.sim" <<SIM
wait-file path=$T/all-bound timeout=40
mo name=a from=$A to=8088 text="TRACUU 000.00.19.H56-250806-0001" conn=1
expect-submit to=$A contains="Dang xu ly"
mo name=b from=$A to=8088 text="tracuu 000.00.19.H56-250806-0001" conn=1
expect-submit to=$A contains="Dang xu ly"
mo name=a2 from=$A to=8088 text="TRACUU 000.00.19.H56-250806-0001" conn=1
expect-submit to=$A contains="Dang xu ly"
wait-file path=$T/paused timeout=30
mo name=c1 from=$A to=8088 text="Tracuu 000.00.19.H56-250806-0001" conn=1
mo name=c2 from=$A to=8088 text="Tracuu 000.00.19.H56-250806-0001" conn=2
expect-resp mo=c1 status=0x00 timeout=20
expect-resp mo=c2 status=0x00 timeout=20
expect-submit to=$A contains="Dang xu ly"
expect-quiet ms=1500
wait-file path=$T/poisoned timeout=30
mo name=d from=$B to=8088 text="TRACUU 000.00.19.H56-250806-0002" conn=1
expect-resp mo=d status=0x64 timeout=20
expect-acked mo=d timeout=30
expect-submit to=$B
expect-quiet ms=1500
SIM

start_redis
start_monitor
start_sim "$T/run.sim" --redeliver-ms 500 --timeout 120
write_config
import_samples
start_gw_k 1
start_gw_k 2
# every reply sent: no outbound queue holds one (nor one taken back)
queues_empty() {
	for q in $(redis --scan --pattern 'cgw:*:outq'); do
		[ "$(redis ZCARD "$q")" = 0 ] ||
			fail "$q: $(redis ZRANGE "$q" 0 -1 | tr '\n' ' ')"
	done
}
: >"$T/all-bound"
wait_for 20 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge 3 ]" ||
	fail "lookups a, b and a2 not answered"
sleep 0.5	# their outcomes

# (a) the commits of a and b as MONITOR saw them: each transaction's
# commands, a script's marked
monitor_tx "$T/monitor.out" >"$T/tx.out" || fail "reading MONITOR's output"
head -3 "$T/tx.out" >"$T/tx2.out"
cat >"$T/tx2.want" <<EOF
HSET PEXPIREAT HSET PEXPIREAT SET ZADD HSET PEXPIREAT
HSET PEXPIREAT HSET PEXPIREAT SET ZADD HINCRBY
HSET PEXPIREAT HSET PEXPIREAT SET ZSCORE ZADD HINCRBY
EOF
cmp -s "$T/tx2.out" "$T/tx2.want" ||
	fail "the lookups' commits: $(cat "$T/tx2.out") (want $(cat "$T/tx2.want"))"
grep -q '"SET" "cgw:{s[0-9]*}:fp:[0-9a-f]*" "a [0-9]* [0-9a-f]* 0 [^"]*" "PXAT" "[0-9]*" "GET"' \
	"$T/monitor.out" || fail "no fingerprint SET ... GET with a mark"
grep -q "MO .* repeats MO .* (acknowledged in time on a connection that stayed up)" \
	"$T/gw1.log" || fail "a2 not answered as a repeat of a"

# (b) what they left
ph=$(redis --scan --pattern "cgw:*:ph:$A")
[ "$(redis HGET "$ph" rln)" = 3 ] || fail "profile: $(redis HGETALL "$ph" | tr '\n' ' ')"
ttl=$(redis TTL "$ph")
[ "$ttl" -gt $(( 399 * 86400 )) ] || fail "the profile's TTL: $ttl"
[ "$(redis HGET "$ph" xd)" = "$(( $(date +%s) / 100000 ))" ] ||
	fail "xd: $(redis HGET "$ph" xd)"
n=0
for mo in $(redis --scan --pattern 'cgw:*:mo:*'); do
	n=$((n + 1))
	[ "$(redis HGET "$mo" state)" = answered ] ||
		fail "$mo: $(redis HGETALL "$mo" | tr '\n' ' ')"
	mt=$(redis --scan --pattern "cgw:*:mt:$(redis HGET "$mo" mt)")
	[ "$(redis HGET "$mt" state)" = sent ] ||
		fail "$mt: $(redis HGETALL "$mt" | tr '\n' ' ')"
done
[ "$n" = 3 ] || fail "$n MO records, not 3"
# a fingerprint as fp_mark.lua makes a mark (b's, acknowledged in time on a
# live connection), taken back by fp_unmark.lua
fp=""
for k in $(redis --scan --pattern 'cgw:*:fp:*'); do
	case $(redis GET "$k") in "a "*) fp=$k ;; esac
done
[ -n "$fp" ] || fail "no fingerprint holds a mark: $(for k in $(redis --scan --pattern 'cgw:*:fp:*'); do redis GET "$k"; done)"
set -- $(redis GET "$fp")
"$CTL" -c "$T/gw1.cfg" script fp_unmark >"$T/fp_unmark.lua" || fail "ctl script"
redis EVAL "$(cat "$T/fp_unmark.lua")" 1 "$fp" "$5" "$2" "$3" >/dev/null ||
	fail "fp_unmark.lua"
[ "$(redis GET "$fp")" = "$5" ] || fail "fp_unmark.lua did not read the lean mark: $(redis GET "$fp")"

# (c) the same MO on both processes, Redis's writes paused meanwhile
redis CLIENT PAUSE 1500 WRITE >/dev/null
: >"$T/paused"
wait_for 30 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge 4 ]" ||
	fail "c not answered"
wait_for 10 grep -q "MO-RESP c2 " "$T/sim.log" || fail "c2 not acknowledged"
sleep 1.6	# expect-quiet
[ "$(cat "$T/gw1.log" "$T/gw2.log" | grep -c "fingerprint changed meanwhile")" = 1 ] ||
	fail "not one commit raced: $(cat "$T/gw1.log" "$T/gw2.log" | grep "meanwhile\|re-deliver")"
cat "$T/gw1.log" "$T/gw2.log" | grep -q "re-delivery" ||
	fail "the raced copy not judged a re-delivery"
expect_keys 4 'cgw:*:mo:*' "MO records"
expect_keys 4 'cgw:*:mt:*' "MT records"
queues_empty
[ "$(redis HGET "$ph" rln)" = 4 ] || fail "the raced count not taken back: rln $(redis HGET "$ph" rln)"

# (d) a lean commit refused by Redis: B's count not an integer, in a
# minute that is still running
phb=$(echo "$ph" | sed "s/$A/$B/")
redis HSET "$phb" rlw "$(( $(date +%s) * 1000 + 3600000 ))" rln x >/dev/null
: >"$T/poisoned"
wait_for 20 grep -q "MO-RESP d status=0x00000064" "$T/sim.log" ||
	fail "d not refused"
sleep 0.3
expect_keys 4 'cgw:*:mo:*' "the failed commit left its MO record"
expect_keys 4 'cgw:*:mt:*' "the failed commit left its reply's record"
redis DEL "$phb" >/dev/null
wait_sim 60
[ "$(count_in "$T/sim.log" " SUBMIT #")" = 5 ] || fail "not one reply to each"
expect_keys 5 'cgw:*:mo:*' "not five MO records"
queues_empty
kill "$GW1" "$GW2"
wait "$GW1" || fail "daemon 1 exited with an error"
wait "$GW2" || fail "daemon 2 exited with an error"
pass
