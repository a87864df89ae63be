#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fault injection at scale (docs/reliability.md): one scenario per run,
#
#   faults.sh kill-mo | kill-bcast | smsc-drop | smsc-silent | redis
#
# against a real redis-server (AOF, appendfsync always), citizengw-sim and
# the daemon:
#   kill-mo      the daemon killed with SIGKILL at FAULT_KILLS random
#                moments during a burst of FAULT_MOS MOs from distinct
#                phones (TPS capped, so replies queue), restarted each time
#   kill-bcast   the same during a broadcast to FAULT_MOS phones
#   smsc-drop    the SMS centre closes the link every 150 PDUs, throttles
#                every 9th submit and answers each after 20 ms
#   smsc-silent  the SMS centre goes silent after 200 PDUs of a link
#   redis        Redis stopped mid-burst and started again 2 s later
# Afterwards every phone whose MO the SMS centre had acknowledged got its
# reply (every broadcast recipient its message), at least once; a message
# sent twice is one that was in flight at the fault: their number is
# reported and must stay within the window times the faults.
#
# Run by `make faults` (FAULT_KILLS=20, FAULT_MOS=1500) and, shorter, by
# `make faults-smoke` in CI; CGW_BUILDDIR and CGW_SRCDIR as for the tests.
. "$CGW_SRCDIR/tests/integration/lib.sh"

SCENARIO=${1:?usage: faults.sh kill-mo|kill-bcast|smsc-drop|smsc-silent|redis}
KILLS=${FAULT_KILLS:-3}
N=${FAULT_MOS:-300}
WINDOW=10
TOKEN=fault-token-0123456789

phone() {	# phone I: the I-th citizen
	echo "849$(printf %08d $((10000000 + $1)))"
}

# rand_ms LO HI: a random number of milliseconds in [LO, HI)
rand_ms() {
	_r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	echo $(($1 + _r % ($2 - $1)))
}

# accepted PHONE: SUBMITs to PHONE the SMS centre accepted
accepted() {
	grep -c " SUBMIT #[0-9]* status=0x00000000 to=$1 " "$T/sim.log" || true
}

# served: how many of the N phones got at least one accepted SUBMIT
served() {
	grep " SUBMIT #[0-9]* status=0x00000000 to=849" "$T/sim.log" |
		sed 's/.* to=\([0-9]*\) .*/\1/' | sort -u | wc -l
}

# check_all FAULTS: every phone served, duplicates within WINDOW * FAULTS
check_all() {
	_missing=0
	_dups=0
	for i in $(seq "$N"); do
		_n=$(accepted "$(phone "$i")")
		if [ "$_n" = 0 ]; then
			_missing=$((_missing + 1))
			echo "never answered: $(phone "$i")" >&2
		elif [ "$_n" -gt 1 ]; then
			_dups=$((_dups + _n - 1))
		fi
	done
	echo "$SCENARIO: $N phones, $1 fault(s): $_missing unanswered," \
		"$_dups sent twice (bound $((WINDOW * $1)))"
	[ "$_missing" = 0 ] || fail "$_missing phone(s) never answered"
	[ "$_dups" -le $((WINDOW * $1)) ] ||
		fail "$_dups duplicates for $1 fault(s) of a window of $WINDOW"
}

# wait_served SECONDS: until every phone got its message
wait_served() {
	wait_for "$1" sh -c "[ \$(grep ' SUBMIT #[0-9]* status=0x00000000 to=849' '$T/sim.log' | sed 's/.* to=\([0-9]*\) .*/\1/' | sort -u | wc -l) -ge $N ]" ||
		fail "after $1 s only $(served) of $N phones served"
}

# the SMS centre's script: N lookups from N phones, then serve until done
burst_script() {
	echo "wait-bind timeout=30"
	for i in $(seq "$N"); do
		echo "mo name=m$i from=$(phone "$i") to=8088 text=\"TRACUU 000.00.19.H56-250806-0099\""
	done
	echo "wait-file path=$T/done timeout=900"
}

REDIS_EXTRA="--appendonly yes --appendfsync always"
start_redis
case $SCENARIO in
kill-bcast) echo "wait-file path=$T/done timeout=900" >"$T/run.sim" ;;
*) burst_script >"$T/run.sim" ;;
esac
case $SCENARIO in
smsc-drop)
	start_sim "$T/run.sim" --timeout 900 --redeliver-ms 300 \
		--redeliver-max 1000 --drop-after 150 --throttle-every 9 \
		--resp-delay 20 ;;
smsc-silent)
	start_sim "$T/run.sim" --timeout 900 --redeliver-ms 300 \
		--redeliver-max 1000 --silent-after 200 ;;
*)
	start_sim "$T/run.sim" --timeout 900 --redeliver-ms 300 \
		--redeliver-max 1000 ;;
esac
# leases short enough that a killed process's work comes back within the
# run (what the test measures is that it comes back once); quiet hours
# off, so that the broadcast goes whatever the hour of the run
write_config "gateway = { mo_lease = \"3s\"; mt_lease = \"5s\"; };
protect = { replies_per_minute = 0; };
broadcast = { quiet_hours = \"\"; };"
sed -i "s/token = \"change-me\"/token = \"$TOKEN\"/" "$T/gw.cfg"
sed -i "s/bind = \"transceiver\";/bind = \"transceiver\"; tps = 100; response_timeout = \"2s\"; enquire_link_interval = \"2s\";/" \
	"$T/gw.cfg"
import_samples

# kill_now: SIGKILL the daemon and reap it
kill_now() {
	kill -KILL "$GW_PID" 2>/dev/null || true
	wait "$GW_PID" 2>/dev/null || true
	echo "$(date +%T.%N | cut -c1-12) SIGKILL" >>"$T/faults.log"
}

case $SCENARIO in
kill-mo)
	for k in $(seq "$KILLS"); do
		start_gw
		sleep "$(awk "BEGIN { print $(rand_ms 300 2500) / 1000 }")"
		kill_now
	done
	start_gw
	wait_served 180
	check_all "$KILLS"
	;;
kill-bcast)
	start_gw
	wait_for 30 grep -q "BOUND transceiver" "$T/sim.log" || fail "no bind"
	recips=""
	for i in $(seq "$N"); do
		recips="$recips$(phone "$i")
"
	done
	printf 'phone\n%s' "$recips" >"$T/recips.csv"
	curl -sS -o "$T/bc.json" -H "Authorization: Bearer $TOKEN" \
		-H "Content-Type: text/csv" -X POST --data-binary @"$T/recips.csv" \
		"http://127.0.0.1:$HTTP_PORT/api/broadcasts?name=F&template=Nhac+lich&rate=300" ||
		fail "broadcast not created"
	grep -q '"id"' "$T/bc.json" || fail "broadcast: $(cat "$T/bc.json")"
	for k in $(seq "$KILLS"); do
		sleep "$(awk "BEGIN { print $(rand_ms 200 1500) / 1000 }")"
		kill_now
		start_gw
	done
	wait_served 180
	check_all "$KILLS"
	;;
smsc-drop|smsc-silent)
	start_gw
	wait_served 180
	links=$(grep -c "BOUND transceiver" "$T/sim.log")
	check_all "$links"
	;;
redis)
	start_gw
	sleep 1
	stop_redis
	echo "$(date +%T.%N | cut -c1-12) redis stopped" >>"$T/faults.log"
	sleep 2
	start_redis
	wait_served 180
	check_all 1
	;;
*)
	fail "unknown scenario $SCENARIO"
	;;
esac
touch "$T/done"
cat "$T/faults.log" 2>/dev/null || true
pass
