#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What one MO costs Redis (issue 13): commands, round trips, script calls
# and memory, through the real daemon.
#
#   CGW_BUILDDIR=build CGW_SRCDIR=. bench/redis-cost.sh [MOS]
#
# A fresh redis-server, citizengw-sim and one daemon (bench/lib.sh). One
# MO (a dossier lookup) goes first, alone, under MONITOR: its commands are
# listed (arguments cut), those a script ran indented. Then MOS more
# (default 200, distinct phones) with the statistics reset: per MO, the
# commands the daemon sent (MONITOR lines not from a script), the
# commands Redis ran (INFO commandstats, scripts' included), EVALSHA and
# full EVAL calls, keys and used_memory added, and the size of each kind
# of key (MEMORY USAGE, averaged). The daemon's own timers (claims,
# heartbeats) run meanwhile: "idle" says what they sent in one second
# without MOs.
set -eu
MOS=${1:-200}
CGW_BUILDDIR=$(cd "${CGW_BUILDDIR:?}" && pwd)
CGW_SRCDIR=$(cd "${CGW_SRCDIR:?}" && pwd)
export CGW_BUILDDIR CGW_SRCDIR
. "$CGW_SRCDIR/bench/lib.sh"

{
	echo "wait-file path=$T/go1 timeout=60"
	bench_lookups 0 1 1
	echo "wait-file path=$T/go2 timeout=60"
	bench_lookups 1 "$MOS" 1
	echo "wait-file path=$T/finish timeout=600"
} >"$T/bench.sim"
bench_one_gw "$T/bench.sim"
bench_import_own 0 $(( MOS + 1 ))

# sent FILE: the commands a client sent (not a script's, not MONITOR's)
sent() {
	grep -v ' lua\] ' "$1" | grep -vc '^OK$' || true
}
echo "== one MO, the commands Redis received (script commands indented)"
bench_monitor "$T/mon1.log"
: >"$T/go1"
bench_wait_submits 1 30 || fail "the first MO was not answered"
bench_monitor_stop
grep -v '^OK$' "$T/mon1.log" | sed 's/^[0-9.]* \[[0-9]* \([a-z]*\)[^]]*\] /\1 /' |
	awk '{ i = ($1 == "lua") ? "      " : "  "; sub(/^[a-z]* /, "");
	       print i substr($0, 1, 110) (length($0) > 110 ? " ..." : "") }'
echo "  -- $(sent "$T/mon1.log") sent, $(grep -c ' lua\] ' "$T/mon1.log" || true) by scripts"

bench_monitor "$T/idle.log"
sleep 0.5
bench_monitor_stop
idle=$(sent "$T/idle.log")

mem0=$(bench_info memory used_memory)
keys0=$(redis DBSIZE)
redis CONFIG RESETSTAT >/dev/null
bench_monitor "$T/mon2.log"
: >"$T/go2"
bench_wait_submits $(( MOS + 1 )) 300 || fail "not every MO answered"
bench_monitor_stop
redis INFO commandstats | tr -d '\r' >"$T/cmdstats"
mem1=$(bench_info memory used_memory)
keys1=$(redis DBSIZE)

echo "== $MOS MOs, per MO (idle: $idle commands in a second without MOs)"
awk -F'[:=,]' -v n="$MOS" -v sent="$(sent "$T/mon2.log")" \
	-v mem=$(( mem1 - mem0 )) -v keys=$(( keys1 - keys0 )) '
	/^cmdstat_/ { c = substr($1, 9); calls[c] = $3; all += $3 }
	END {
		printf "  commands sent       %6.1f\n", sent / n
		printf "  commands run        %6.1f\n", all / n
		printf "  EVALSHA             %6.1f\n", calls["evalsha"] / n
		printf "  EVAL (full script)  %6.1f\n", calls["eval"] / n
		printf "  keys added          %6.1f\n", keys / n
		printf "  used_memory added   %6.0f bytes\n", mem / n
		for (c in calls) if (c != "evalsha" && c != "eval")
			printf "    %-10s %6.2f\n", c, calls[c] / n | "sort -k2 -nr"
	}' "$T/cmdstats"

echo "== bytes per key (MEMORY USAGE), by kind"
bench_key_kinds | awk '{ printf "  %-34s %6d keys %6d bytes\n", $1, $2, $3 }'
: >"$T/finish"
TEST_OK=1
