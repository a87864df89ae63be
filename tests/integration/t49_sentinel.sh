#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Redis Sentinel: a master, two replicas and three sentinels on loopback;
# the daemon finds the master through the sentinels and acknowledges an
# MO only once a replica has it (redis.wait_replicas = 1). With the
# replicas paused, an MO is refused but answered, once. The master is then
# killed (SIGKILL) under a steady MO load (20 a second from distinct
# phones); the sentinels promote a replica and the daemon follows without
# a restart. Counted on the SMS centre's side: every MO acknowledged
# (MO-RESP status 0) got exactly one reply, none twice, and every MO was
# acknowledged in the end (the refused ones delivered again). The outage,
# from the kill to the first MO sent after it and acknowledged, is
# printed (docs/scaling.md "Redis Sentinel").
#
# Two replicas, not one: with wait_replicas = 1 the promoted master needs
# a replica of its own to confirm anything, and the killed master is
# gone.
. "$(dirname "$0")/lib.sh"

if command -v redis-sentinel >/dev/null 2>&1; then
	SENTINEL="redis-sentinel"
else
	# the same program: redis-server in sentinel mode
	SENTINEL="$REDIS_SERVER --sentinel"
fi

N=300			# MOs, one per phone, 50 ms apart
KILL_AFTER=100		# acknowledged MOs before the master is killed
NAME=citizengw

port() { "$CGW_BUILDDIR"/tests/freeport; }

# start_node NAME PORT [options]: a Redis of its own directory and log
start_node() {
	_n=$1 _p=$2
	shift 2
	mkdir -p "$T/$_n"
	"$REDIS_SERVER" --port "$_p" --bind 127.0.0.1 --save "" \
		--appendonly no --repl-diskless-sync-delay 0 \
		--dir "$T/$_n" "$@" >>"$T/$_n.log" 2>&1 &
	eval "${_n}_PID=$!"
	PIDS="$PIDS $!"
	wait_for 10 "$REDIS_CLI" -h 127.0.0.1 -p "$_p" ping ||
		fail "redis $_n did not start"
}

cli() {
	_p=$1
	shift
	"$REDIS_CLI" -h 127.0.0.1 -p "$_p" "$@"
}

M_PORT=$(port)
R1_PORT=$(port)
R2_PORT=$(port)
start_node master "$M_PORT"
start_node replica1 "$R1_PORT" --replicaof 127.0.0.1 "$M_PORT"
start_node replica2 "$R2_PORT" --replicaof 127.0.0.1 "$M_PORT"

S_PORTS=""
for i in 1 2 3; do
	_p=$(port)
	S_PORTS="$S_PORTS $_p"
	mkdir -p "$T/s$i"
	# sentinels rewrite their file: it must be writable
	cat >"$T/s$i/sentinel.conf" <<CONF
port $_p
bind 127.0.0.1
daemonize no
dir $T/s$i
sentinel monitor $NAME 127.0.0.1 $M_PORT 2
sentinel down-after-milliseconds $NAME 1000
sentinel failover-timeout $NAME 5000
sentinel parallel-syncs $NAME 2
CONF
	$SENTINEL "$T/s$i/sentinel.conf" >>"$T/sentinel$i.log" 2>&1 &
	PIDS="$PIDS $!"
	if ! wait_for 10 cli "$_p" ping; then
		echo "SKIP: no Redis Sentinel ($SENTINEL did not start:" \
		     "$(tail -n 3 "$T/sentinel$i.log"))"
		TEST_OK=1
		exit 77
	fi
done

# every sentinel knows both replicas and the two other sentinels
sentinels_agree() {
	for _p in $S_PORTS; do
		_m=$(cli "$_p" SENTINEL master "$NAME" | tr '\n' ' ')
		echo " $_m" | grep -q " num-slaves 2 " || return 1
		echo " $_m" | grep -q " num-other-sentinels 2 " || return 1
	done
}
wait_for 30 sentinels_agree || fail "the sentinels never found each other"

# the load: N phones, one lookup each, 50 ms apart; then every MO must
# be acknowledged in the end (the simulator delivers a refused one again
# after 500 ms, like an SMS centre)
W=84917099999	# the phone of the replicas' pause
{
	echo "wait-bind timeout=15"
	# first, the replicas paused: WAIT finds none, the MO is refused
	# but recorded and answered; its copies are refused until the
	# replicas are back, then one is acknowledged, not answered again
	echo "wait-file path=$T/replicas-stopped timeout=20"
	echo "mo name=w from=$W to=8088 text=\"TRACUU 000.00.19.H56-250806-0099\""
	echo "expect-resp mo=w status=0x64 timeout=10"
	echo "expect-submit to=$W contains=\"Khong tim thay\" timeout=15"
	echo "wait-file path=$T/replicas-back timeout=20"
	echo "expect-acked mo=w timeout=20"
	for i in $(seq "$N"); do
		echo "mo name=m$i from=849170$(printf %05d "$i") to=8088 text=\"TRACUU 000.00.19.H56-250806-0099\""
		echo "sleep 50"
	done
	for i in $(seq "$N"); do
		echo "expect-acked mo=m$i timeout=40"
	done
	# the last replies, and any reply twice, have time to come
	echo "sleep 4000"
} >"$T/load.sim"

SENT_LIST=$(for _p in $S_PORTS; do printf '"127.0.0.1:%s", ' "$_p"; done)
start_sim "$T/load.sim" --redeliver-ms 500 --redeliver-max 100 --timeout 110
REDIS_PORT=$M_PORT	# write_config's redis line, replaced below
write_config 'gateway = { mo_lease = "2s"; };'
sed -i "s|^redis = .*|redis = { sentinels = ( ${SENT_LIST%, } ); master_name = \"$NAME\"; wait_replicas = 1; wait_timeout = \"500ms\"; };|" \
	"$T/gw.cfg"
grep -q "sentinels = ( \"127.0.0.1" "$T/gw.cfg" || fail "config not written"
start_gw
wait_for 15 grep -q "Redis ready" "$T/gw.log" || fail "daemon never saw Redis"
grep -q "Redis master '$NAME' is 127.0.0.1:$M_PORT" "$T/gw.log" ||
	fail "the daemon did not take the master from the sentinels"

wait_for 15 grep -q "BOUND transceiver" "$T/sim.log" || fail "no bind"
kill -STOP "$replica1_PID" "$replica2_PID"
touch "$T/replicas-stopped"
wait_for 15 grep -q "to=$W .*Khong tim thay" "$T/sim.log" ||
	fail "the MO refused for want of a replica was not answered"
grep -q "confirmed by 0 of redis.wait_replicas 1 replicas: refused" "$T/gw.log" ||
	fail "no log of the refusal for want of a replica"
kill -CONT "$replica1_PID" "$replica2_PID"
touch "$T/replicas-back"
wait_for 15 grep -q "MO-RESP w status=0x00000000" "$T/sim.log" ||
	fail "the MO was never acknowledged once the replicas were back"
grep -q "re-delivery of MO .*: acknowledged, not answered again" "$T/gw.log" ||
	fail "the acknowledged copy was not taken for a re-delivery"
# the sentinels see the replicas answer again before the master dies
replicas_up() {
	for _p in $S_PORTS; do
		[ "$(cli "$_p" SENTINEL replicas "$NAME" |
		     awk 'p == "flags" && $0 == "slave" { n++ } { p = $0 }
			  END { print n + 0 }')" = 2 ] ||
			return 1
	done
}
wait_for 30 replicas_up || fail "the sentinels lost the replicas"

acked() { count_in "$T/sim.log" "status=0x00000000 attempt="; }
at_least() { [ "$(acked)" -ge "$1" ]; }
wait_for 30 at_least "$KILL_AFTER" || fail "the load never got going"

KILL_MS=$(date +%s%3N)
kill -9 "$master_PID"
echo "killed the master (port $M_PORT) after $(acked) MOs acknowledged"

# the daemon follows the failover without a restart
wait_for 30 grep -q "switched the master" "$T/gw.log" ||
	fail "the daemon never heard of the failover"
wait_for 15 sh -c "grep -q \"Redis master '$NAME' is 127.0.0.1:\\($R1_PORT\\|$R2_PORT\\)\" '$T/gw.log'" ||
	fail "the daemon did not connect to the new master"
kill -0 "$GW_PID" || fail "citizengw died"
NEW_PORT=$(sed -n "s/.*Redis master '$NAME' is 127.0.0.1:\([0-9]*\) .*/\1/p" \
	"$T/gw.log" | tail -n 1)
[ "$(cli "$NEW_PORT" ROLE | head -n 1)" = master ] ||
	fail "the daemon's new Redis ($NEW_PORT) is not the master"

# the ctl asks the sentinels too: a write lands on the new master
"$CTL" -c "$T/gw.cfg" import --no-notify "$CGW_SRCDIR/samples/dossiers.csv" \
	>"$T/import.out" 2>&1 || fail "ctl import after the failover: $(cat "$T/import.out")"
[ "$(cli "$NEW_PORT" --scan --pattern 'cgw:*dossier:*' | wc -l)" -gt 0 ] ||
	fail "the import is not on the new master"

# scripts gone from the master (a promoted replica that never saw SCRIPT
# LOAD, a SCRIPT FLUSH): EVALSHA answers NOSCRIPT, the daemon loads them
# again, the MOs meanwhile are refused and delivered again
at_least $((KILL_AFTER + 60)) || wait_for 30 at_least $((KILL_AFTER + 60)) ||
	fail "no MO acknowledged after the failover"
cli "$NEW_PORT" SCRIPT FLUSH >/dev/null

wait_sim 100

# --- counting, on the SMS centre's side ----------------------------------
grep " SUBMIT #" "$T/sim.log" | grep "status=0x00000000" |
	sed 's/.* to=\([0-9]*\) .*/\1/' | sort | uniq -c >"$T/replies.txt"
twice=$(awk '$1 > 1' "$T/replies.txt" | wc -l)
[ "$twice" = 0 ] || fail "$twice phones got more than one reply: $(awk '$1 > 1' "$T/replies.txt" | head -5)"
# every MO was acknowledged (expect-acked) once it got through, and each
# acknowledged one was answered
for i in $(seq "$N"); do
	ph=849170$(printf %05d "$i")
	grep -q " $ph\$" "$T/replies.txt" || fail "MO m$i ($ph) acknowledged, never answered"
done
grep -q "^ *1 $W\$" "$T/replies.txt" || fail "the refused MO was not answered once"
[ "$(wc -l <"$T/replies.txt")" = $((N + 1)) ] || fail "replies to phones that sent nothing"
refused=$(count_in "$T/sim.log" "status=0x00000064")
grep -q "Khong tim thay" "$T/sim.log" || fail "no lookup answer text"

# the outage: from the kill to the acknowledgement of the first MO
# received (first or again) after it, both on the daemon's clock (its log
# of every PDU, UTC, ms) and this shell's (date: the same clock)
KILL_SOD=$((KILL_MS % 86400000))
OUTAGE=$(awk -v k="$KILL_SOD" '
	function ms(ts) {	# 2026-12-05T06:34:27.001Z: ms of the day
		return substr(ts, 12, 2) * 3600000 + substr(ts, 15, 2) * 60000 + substr(ts, 18, 6) * 1000
	}
	$5 == "RX" && $6 == "deliver_sm" { rx[$7] = ms($1) }
	$5 == "TX" && $6 == "deliver_sm_resp" && $8 == "status=0x00000000" {
		if (($7 in rx) && rx[$7] > k) { print ms($1) - k; exit }
	}' "$T/gw.log")
[ -n "$OUTAGE" ] || fail "no MO sent after the kill was acknowledged"
echo "outage: ${OUTAGE} ms from the SIGKILL of the master to the first MO acknowledged after it ($refused deliveries refused meanwhile, redelivered)"
grep -c "confirmed by 0 of redis.wait_replicas" "$T/gw.log" |
	sed 's/^/deliveries refused for want of a replica (the pause included): /'
grep -q "NOSCRIPT" "$T/gw.log" ||
	echo "(no MO came between the SCRIPT FLUSH and the end)"
stop_gw || fail "citizengw exited with an error"
pass
