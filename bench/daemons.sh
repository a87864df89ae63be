#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Throughput of 1, 2, 3... gateway processes on one Redis (docs/scaling.md).
#
#   CGW_BUILDDIR=build CGW_SRCDIR=. bench/daemons.sh [MOS] [DAEMONS...]
#
# For each count D: a fresh redis-server, citizengw-sim, D daemons each
# with its own bind (tps = 0: no cap), the MOs (distinct phones, one
# dossier lookup each, spread over the binds) sent at once; the time is
# from the first MO the simulator sent to the last reply it received,
# both read from its PDU log (ms). Prints "D daemons: N MOs in T ms (R/s)"
# and the daemons' CPU (user + system, from /proc/PID/stat) per MO.
# CGW_PERF=1 also records the daemons with `perf record -g` during the
# run and prints the head of `perf report`. CGW_GW_WRAPPER runs each
# daemon under a command, as in the integration tests: with
# 'valgrind --tool=callgrind --callgrind-out-file=F' (and CGW_SLOW=4),
# F's total at 3000 MOs minus that at 1000, over 2000, is the daemon's
# instructions per MO, a figure other processes on the machine do not
# move (docs/performance.md).
# Uses bench/lib.sh, so the same servers as the integration tests.
set -eu
MOS=${1:-3000}
shift || true
COUNTS=${*:-1 2 3}
CGW_PERF=${CGW_PERF:-0}
CGW_BUILDDIR=$(cd "${CGW_BUILDDIR:?}" && pwd)
CGW_SRCDIR=$(cd "${CGW_SRCDIR:?}" && pwd)
export CGW_BUILDDIR CGW_SRCDIR

# Clock ticks of user and system time of the processes named.
cpu_ticks() {
	for p; do
		# the fields after the command name, which may hold spaces
		sed 's/^.*) //' "/proc/$p/stat"
	done | awk '{ t += $12 + $13 } END { print t + 0 }'
}

for D in $COUNTS; do
	(
	. "$CGW_SRCDIR/bench/lib.sh"
	{
		echo "wait-file path=$T/go timeout=60"
		bench_lookups 1 "$MOS" "$D"
		echo "wait-file path=$T/finish timeout=600"
	} >"$T/bench.sim"
	bench_start "$T/bench.sim"
	bench_import_own 1 "$MOS"
	for k in $(seq "$D"); do
		sed "s/127.0.0.1:$HTTP_PORT/127.0.0.1:$("$CGW_BUILDDIR"/tests/freeport)/" \
			"$T/gw.cfg" >"$T/gw$k.cfg"
		$GW_WRAPPER "$GW" -c "$T/gw$k.cfg" 2>>"$T/gw$k.log" &
		PIDS="$PIDS $!"
		GWPIDS="${GWPIDS:-} $!"
		wait_for 15 sh -c "[ \$(grep -c ' BOUND transceiver' '$T/sim.log') -ge $k ]" ||
			fail "daemon $k did not bind"
	done
	cpu0=$(cpu_ticks $GWPIDS)
	if [ "$CGW_PERF" = 1 ]; then
		perf record -q -g -o "$T/perf.data" \
			-p "$(echo $GWPIDS | tr ' ' ,)" 2>"$T/perf.log" &
		PERFPID=$!
		sleep 1
	fi
	: >"$T/go"
	bench_wait_submits "$MOS" 600 || fail "not every MO answered"
	cpu1=$(cpu_ticks $GWPIDS)
	t0=$(grep -m1 " MO mo1 " "$T/sim.log" | awk '{ print $1 + 0 }')
	t1=$(grep " SUBMIT #" "$T/sim.log" | tail -n 1 | awk '{ print $1 + 0 }')
	awk -v d="$D" -v n="$MOS" -v ms=$(( t1 - t0 )) \
		-v ticks=$(( cpu1 - cpu0 )) -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%d daemons: %d MOs in %d ms (%.0f/s), daemon CPU %.0f us/MO\n",
			d, n, ms, n * 1000 / ms, ticks * 1e6 / hz / n }'
	if [ "$CGW_PERF" = 1 ]; then
		kill -INT "$PERFPID"
		wait "$PERFPID" || true
		perf report -i "$T/perf.data" --stdio --no-children \
			--percent-limit 1 -g none 2>/dev/null |
			grep -v '^#' | grep -v '^$' | head -n 40
	fi
	: >"$T/finish"
	TEST_OK=1
	)
done
