#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Two gateway processes on one Redis and one SMS centre; the one the MOs
# come to is killed with SIGKILL during a burst, while its replies queue
# (tps 20). The other notices within seconds (P:{sN}:live, claim.lua), not
# when the leases run out (gateway.mt_lease 60 s, gateway.mo_lease 15 s):
# every MO the killed process recorded is answered, once (twice only for
# a submit in flight at the kill), the first of its held replies leaves
# the survivor within a few seconds of the kill, and so do the answers to
# the MOs it had acknowledged and not answered.
# Before that the process is stopped (SIGSTOP) for two heartbeats: a slow
# process that is alive keeps its leases.
. "$(dirname "$0")/lib.sh"

N1=100		# first burst: one MO per phone
N2=100		# second, during which A is killed: 10 phones, 10 MOs each
N=$(( N1 + N2 ))
TPS=20
WINDOW=10
TAKEOVER_MS=8000	# kill -> first taken-over reply (STORE_LIVE_TTL_MS 4 s
			# + a claim tick + a submit; the old code: 15 s / 60 s)
# MO i: its phone and the dossier code it asks for (unknown: the answer
# names it, so that each MO's answer is told apart)
phone() {
	if [ "$1" -le $N1 ]; then
		printf '849%08d' $(( 100000 + $1 ))
	else
		printf '849%08d' $(( 200000 + $1 % 10 ))
	fi
}
code() { printf '000.00.19.H56-250806-%04d' "$1"; }
burst() {
	for i in $(seq "$1" "$2"); do
		echo "mo name=m$i from=$(phone "$i") to=8088 text=\"TRACUU $(code "$i")\""
	done
}
# "phone code" of each accepted submit
answers() {
	grep " SUBMIT #" "$T/sim.log" |
		sed -n 's/.* to=\([0-9]*\) .*250806-\([0-9]*\) .*/\1 \2/p'
}
answered_ms() {	# first answer to MO phone code, sim ms
	grep " SUBMIT #.* to=$1 .*250806-$2 " "$T/sim.log" | head -n 1 |
		sed 's/^0*\([0-9][0-9]*\) .*/\1/'
}

{
	echo "wait-bind timeout=15"
	echo "wait-file path=$T/go timeout=30"
	burst 1 $N1
	echo "wait-file path=$T/go2 timeout=30"
	burst $(( N1 + 1 )) $N
	echo "wait-file path=$T/end timeout=90"
} >"$T/burst.sim"

start_redis
start_sim "$T/burst.sim" --timeout 100
SIM_PID_KEEP=$SIM_PID

# one configuration per process: its own instance and HTTP port; a phone
# may ask ten times in a burst here
gw_config() {
	HTTP_PORT=$("$CGW_BUILDDIR"/tests/freeport)
	write_config "gateway = { instance = \"$1\"; };
protect = { replies_per_minute = 0; lookup_failures = 1000; };"
	sed -i "s/reconnect_delay = \"200ms\";/reconnect_delay = \"200ms\"; tps = $TPS; window = $WINDOW;/" \
		"$T/gw.cfg"
	mv "$T/gw.cfg" "$T/$1.cfg"
}
gw_config gw-b
gw_config gw-a
cp "$T/gw-a.cfg" "$T/gw.cfg"	# for import_samples
import_samples

# B binds first; the simulator sends MOs on the newest bind: A's
"$GW" -c "$T/gw-b.cfg" 2>>"$T/gw-b.log" &
B_PID=$!
PIDS="$PIDS $B_PID"
wait_for 15 sh -c "[ \$(grep -c ' BOUND ' '$T/sim.log') -ge 1 ]" || fail "B did not bind"
"$GW" -c "$T/gw-a.cfg" 2>>"$T/gw-a.log" &
A_PID=$!
PIDS="$PIDS $A_PID"
wait_for 15 sh -c "[ \$(grep -c ' BOUND ' '$T/sim.log') -ge 2 ]" || fail "A did not bind"
CONN_A=$(grep ' BOUND ' "$T/sim.log" | tail -n 1 | sed 's/^[0-9]* conn#\([0-9]*\) .*/\1/')
touch "$T/go"

submits() { grep -c " SUBMIT #" "$T/sim.log" || true; }
wait_for 20 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge 10 ]" ||
	fail "A sent no replies ($(submits))"
grep -q "conn#$CONN_A MO m1 " "$T/sim.log" || fail "the MOs did not go to A"

# alive but slow: two heartbeats without a word (SIGSTOP), then on again:
# B takes none of its leases (checked below: B sends nothing before the
# kill) and A goes on
kill -STOP "$A_PID"
sleep 2
kill -CONT "$A_PID"
s=$(submits)
wait_for 10 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge $(( s + 20 )) ]" ||
	fail "A did not go on after its pause"

# the second burst: A records (and acknowledges) the MOs of a phone at
# once and answers them one after the other; it dies as soon as one is
# open in Redis, or (a fast build closes MOs within a millisecond) as
# soon as replies it holds wait for the TPS cap
touch "$T/go2"
SUM="local n = 0 for s = 0, 15 do n = n + redis.call('ZCARD', 'cgw:{s' .. s .. '}:' .. ARGV[1]) end return n"
# (counted by its progress, not by polls: the first burst's replies may
# still be held when the second begins, and a loaded machine polls
# slowly; late in the burst any reply held will do, as the replies of ten
# phones answered one after the other need not pile up to five)
for i in $(seq 3000); do
	[ "$(redis EVAL "$SUM" 0 inq)" -ge 1 ] && break
	sent=$(submits)
	[ "$sent" -ge $(( N1 + 10 )) ] || continue
	held=$(redis EVAL "$SUM" 0 outq)
	[ "$held" -ge 5 ] && break
	[ "$sent" -ge $(( N - 30 )) ] && [ "$held" -ge 1 ] && break
done
kill -9 "$A_PID"
wait "$A_PID" 2>/dev/null || true
wait_for 5 grep -q "conn#$CONN_A closed" "$T/sim.log" || fail "A's bind not closed"
KILL_MS=$(grep "conn#$CONN_A closed" "$T/sim.log" | head -n 1 | sed 's/^0*\([0-9][0-9]*\) .*/\1/')
open=0 held=0
: >"$T/open.out"
for s in $(seq 0 15); do
	open=$(( open + $(redis ZCARD "cgw:{s$s}:inq") ))
	held=$(( held + $(redis ZCARD "cgw:{s$s}:outq") ))
	for id in $(redis ZRANGE "cgw:{s$s}:inq" 0 -1); do
		# the phone and the text: the first and the last value of
		# the record's pack (REC_PACK; these texts hold no ',')
		redis HGET "cgw:{s$s}:mo:$id" m |
			sed 's/,.*250806-/ /' >>"$T/open.out"
	done
done
echo "killed A at ${KILL_MS} ms: $(submits) replies sent, $open MOs open, $held replies queued or in flight"
[ $(( open + held )) -gt 0 ] || fail "no MO open and no reply held at the kill: nothing to recover"

# every MO A acknowledged, and every one it recorded, gets its answer
grep "conn#$CONN_A MO-RESP m[0-9]* status=0x00000000" "$T/sim.log" |
	sed 's/.* MO-RESP m\([0-9]*\) .*/\1/' | sort -un |
	while read -r i; do echo "$(phone "$i") $(printf %04d "$i")"; done >"$T/acked.out"
nacked=$(grep -c . "$T/acked.out" || true)
[ "$nacked" -ge $N1 ] || fail "only $nacked MOs acknowledged"
unanswered() {
	answers | sort -u >"$T/answers.out"
	sort -u "$T/acked.out" "$T/open.out" | comm -23 - "$T/answers.out"
}
deadline=$(( $(date +%s) + 30 ))
while [ -n "$(unanswered)" ] && [ "$(date +%s)" -lt "$deadline" ]; do
	sleep 0.2
done
[ -z "$(unanswered)" ] ||
	fail "$(unanswered | wc -l) of $nacked acknowledged (or open) MOs unanswered 30 s after the kill"
LAST_MS=$(grep " SUBMIT #" "$T/sim.log" | tail -n 1 | sed 's/^0*\([0-9][0-9]*\) .*/\1/')

# nothing taken from A while it lived (paused or not); the first taken
# over reply soon after the kill
grep " SUBMIT #" "$T/sim.log" | grep -v "conn#$CONN_A " >"$T/b-submits.out" || true
FIRST_B=$(head -n 1 "$T/b-submits.out" | sed 's/^0*\([0-9][0-9]*\) .*/\1/')
[ -n "$FIRST_B" ] || fail "B sent nothing"
[ "$FIRST_B" -gt "$KILL_MS" ] ||
	fail "B sent a reply at $FIRST_B ms, before the kill ($KILL_MS): a live process lost its lease"
took=$(( FIRST_B - KILL_MS ))
echo "takeover: first reply from B $took ms after the kill, last reply $(( LAST_MS - KILL_MS )) ms after it"
[ "$took" -le "$TAKEOVER_MS" ] || fail "takeover took $took ms (limit $TAKEOVER_MS)"
grep -q "claimed MT .* (owner gone)" "$T/gw-b.log" || fail "B logged no claim"
[ "$open" = 0 ] || grep -q "recovering MO" "$T/gw-b.log" ||
	fail "B recovered no MO"

# the MOs open at the kill (acknowledged, not answered): answered by B,
# after the replies taken over that queue before them, at TPS
worst=0
while read -r p c; do
	t=$(answered_ms "$p" "$c")
	[ $(( t - KILL_MS )) -gt "$worst" ] && worst=$(( t - KILL_MS ))
done <"$T/open.out"
echo "MOs open at the kill: $open, the last answered $worst ms after it"
limit=$(( TAKEOVER_MS + (open + held) * 1000 / TPS + 2000 ))
[ "$worst" -le "$limit" ] || fail "an open MO waited $worst ms (limit $limit)"

# exactly once, but for a submit in flight at the kill
answers | sort | uniq -c >"$T/counts.out"
twice=$(awk '$1 == 2' "$T/counts.out" | wc -l)
more=$(awk '$1 > 2' "$T/counts.out" | wc -l)
echo "MOs answered twice: $twice (a submit in flight at the kill); $(submits) replies for $N MOs ($(grep -c ' MO m' "$T/sim.log") deliveries, re-deliveries included)"
[ "$more" = 0 ] || fail "$more MOs answered more than twice"
# in flight: submits not answered (the window) and those answered whose
# record had not reached Redis (A's requests queue behind the burst)
[ "$twice" -le $(( WINDOW + TPS )) ] || fail "$twice MOs answered twice (window $WINDOW, tps $TPS)"
# ... and each of those went first from A just before the kill (a reply
# is not marked before its submit, to spare a round trip per MO; a
# broadcast MT is, t30)
awk '$1 == 2 { print $2, $3 }' "$T/counts.out" | while read -r p c; do
	first=$(grep " SUBMIT #.* to=$p .*250806-$c " "$T/sim.log" | head -n 1)
	case $first in *" conn#$CONN_A "*) ;; *) fail "$p $c answered twice, not first by A" ;; esac
	t=$(echo "$first" | sed 's/^0*\([0-9][0-9]*\) .*/\1/')
	[ $(( KILL_MS - t )) -le 1000 ] ||
		fail "$p $c answered twice, first $(( KILL_MS - t )) ms before the kill: not in flight"
done

# nothing left open
for s in $(seq 0 15); do
	[ "$(redis ZCARD "cgw:{s$s}:inq")" = 0 ] || fail "MO left open in shard $s"
done
touch "$T/end"
GW_PID=$B_PID
stop_gw || fail "B exited with an error"
SIM_PID=$SIM_PID_KEEP
pass
