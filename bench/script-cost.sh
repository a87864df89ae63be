#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Where Redis's CPU per MO goes (issue 13): each call the daemon makes
# for one MO, replayed as COPIES distinct MOs, and what each costs Redis.
#
#   CGW_BUILDDIR=build CGW_SRCDIR=. bench/script-cost.sh [COPIES]
#
# A fresh redis-server, citizengw-sim and one daemon (bench/lib.sh), as
# redis-cost.sh: one dossier lookup goes through under MONITOR. The
# daemon stops; bench/replay.py makes of each call it made for that MO
# (the MO in, the dossier read, the commit, a transaction, the MT's
# outcome, the receipt's mapping) COPIES (default 20000) copies, each a different MO
# (its id, fingerprint, phone and message id replaced), and they are
# sent phase by phase, as a daemon in lockstep would, through
# `redis-cli --pipe` (pipelined, as the daemon sends them). Per call, from
# INFO: Redis's CPU (used_cpu_user + used_cpu_sys), the commands a script
# ran and their time (commandstats; below each script, command by
# command), and what is left of the script's
# time beyond its commands (the call, the arguments made into Lua
# strings, the prelude, Lua's overhead per redis.call; in a transaction
# the commands beside the script count among its commands). Repeat it for
# noise: a machine shared with other work shows in every figure.
#
#   bench/script-cost.sh --instr [COPIES]
#
# counts instead what each call costs Redis in instructions
# (bench/redis_instr.py: redis-server under callgrind, default 3000
# copies), a figure that does not move with the machine's load: a
# change to a script is measured with one run.
#
#   bench/script-cost.sh [--instr] --failed [COPIES]
#
# replays instead a lookup of a dossier that is not there (refused,
# counted towards the citizen's lock-out: protect.lookup_failures). The
# lookup is otherwise the citizen's own dossier, as most are (sample
# dossier -0001 from its phone; each copy is then another phone, and
# Redis does not know whose the dossier is: the daemon decided).
#
#   bench/script-cost.sh [--instr] --ussd [COPIES]
#
# replays instead a USSD dial and its first answer ("1": the main menu's
# dossier lookup asks for the code), each copy another phone: the dial's
# two calls, then the answer's, its step of the session the dial made.
set -eu
INSTR=0
FAILED=0
USSD=0
while :; do
	case ${1:-} in
	--instr) INSTR=1 ;;
	--failed) FAILED=1 ;;
	--ussd) USSD=1 ;;
	*) break ;;
	esac
	shift
done
COPIES=${1:-$([ $INSTR = 1 ] && echo 3000 || echo 20000)}
WHAT=$([ $USSD = 1 ] && echo "a USSD dial and answer" || echo "one SMS lookup")
CGW_BUILDDIR=$(cd "${CGW_BUILDDIR:?}" && pwd)
CGW_SRCDIR=$(cd "${CGW_SRCDIR:?}" && pwd)
export CGW_BUILDDIR CGW_SRCDIR
. "$CGW_SRCDIR/bench/lib.sh"

{
	echo "wait-file path=$T/go1 timeout=60"
	if [ $FAILED = 1 ]; then
		bench_lookups 0 1 1 missing	# refused
	elif [ $USSD = 1 ]; then
		echo 'ussd from=84912345678 to=8088 text="*8088#" op=1 its=0x0a00'
		echo 'expect-submit to=84912345678 ussd_op=2'
		echo 'ussd from=84912345678 to=8088 text="1" op=18 its=0x0a00'
	else
		echo 'mo from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"'
	fi
	echo "wait-file path=$T/finish timeout=600"
} >"$T/bench.sim"
bench_one_gw "$T/bench.sim"
bench_monitor "$T/mon.log"
: >"$T/go1"
bench_wait_submits $((1 + USSD)) 30 || fail "the MO was not answered"
bench_monitor_stop
stop_gw || fail "citizengw exited with an error"

python3 "$CGW_SRCDIR/bench/replay.py" "$T/mon.log" "$COPIES" "$T/replay" ||
	fail "replay.py"

# the scripts as the daemon loaded them (citizengw-ctl script: some hold
# the configuration's values), NAME.lua and NAME.sha each
mkdir "$T/scripts"
for f in "$CGW_SRCDIR"/src/store/lua/*.lua; do
	n=$(basename "$f" .lua)
	"$CTL" -c "$T/gw.cfg" script "$n" >"$T/scripts/$n.lua" &&
		"$CTL" -c "$T/gw.cfg" script --sha "$n" >"$T/scripts/$n.sha" ||
		fail "citizengw-ctl script $n"
done
# name SHA1: the script's name
script_name() {
	grep -l "^$1" "$T"/scripts/*.sha | sed 's|.*/||; s|\.sha$||'
}
# call_name WHAT: a phase's call as shown (a script by its name; a
# transaction calling one "MULTI+" and its name)
call_name() {
	case $1 in
	EVALSHA:*) script_name "${1#EVALSHA:}" ;;
	MULTI+EVALSHA:*) echo "MULTI+$(script_name "${1#MULTI+EVALSHA:}")" ;;
	*) echo "$1" ;;
	esac
}

if [ $INSTR = 1 ]; then
	echo "== $WHAT's calls, each replayed $COPIES times (instructions of Redis per call)"
	printf '  %-22s %5s %12s\n' call argc instructions
	python3 "$CGW_SRCDIR/bench/redis_instr.py" "$T/replay" \
		"$T/scripts" "$REDIS_SERVER" \
		"$("$CGW_BUILDDIR"/tests/freeport)" >"$T/instr.out" ||
		fail "redis_instr.py"
	total=0
	while read -r n what argc instr; do
		name=$(call_name "$what")
		printf '  %-22s %5s %12s\n' "$name" "$argc" "$instr"
		total=$(( total + instr ))
	done <"$T/instr.out"
	echo "  -- $total instructions of Redis per $([ $USSD = 1 ] && echo "two MOs" || echo MO) (the daemon's timers not included)"
	: >"$T/finish"
	TEST_OK=1
	exit 0
fi
echo "== $WHAT's calls, each replayed $COPIES times (µs of Redis CPU per call)"
printf '  %-22s %5s %9s %9s %9s %9s\n' call argc "Redis µs" commands "their µs" "rest µs"
total=0
while read -r n what argc _; do
	name=$(call_name "$what")
	redis CONFIG RESETSTAT >/dev/null
	c0=$(bench_cpu_us)
	"$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" --pipe <"$T/replay/$n.resp" \
		>"$T/pipe.out" 2>&1 || fail "redis-cli --pipe: $(cat "$T/pipe.out")"
	grep -q "errors: 0," "$T/pipe.out" || fail "replaying $name: $(cat "$T/pipe.out")"
	c1=$(bench_cpu_us)
	redis INFO commandstats | tr -d '\r' >"$T/stats"
	# commands a script ran: every command but the call itself (and
	# those of redis-cli and RESETSTAT)
	line=$(awk -F'[:=,]' -v n="$COPIES" -v cpu=$(( c1 - c0 )) '
		/^cmdstat_/ {
			c = substr($1, 9)
			if (c == "evalsha" || c == "eval") { call += $5; next }
			if (c ~ /^(config|info|ping|echo|multi|exec)/) next
			calls += $3; us += $5
		}
		END {
			if (call == 0) { calls = 0; us = 0 }	# a plain command
			printf "%.1f %.1f %.1f %.1f", cpu / n, calls / n, us / n,
			       call ? (call - us) / n : 0
		}' "$T/stats")
	set -- $line
	printf '  %-22s %5s %9s %9s %9s %9s\n' "$name" "$argc" "$1" \
		"$( [ "$2" = 0.0 ] && echo - || echo "$2")" \
		"$( [ "$2" = 0.0 ] && echo - || echo "$3")" \
		"$( [ "$2" = 0.0 ] && echo - || echo "$4")"
	# a script's commands, each: calls and µs per call of the script
	[ "$2" = 0.0 ] || awk -F'[:=,]' -v n="$COPIES" '
		/^cmdstat_/ {
			c = substr($1, 9)
			if (c ~ /^(evalsha|eval|config|info|ping|echo|multi|exec)/) next
			printf "      %-18s %5.1f x %9.2f µs\n", c, $3 / n, $5 / n
		}' "$T/stats" | sort -k4 -nr
	total=$(awk -v a="$total" -v b="$1" 'BEGIN { printf "%.1f", a + b }')
done <"$T/replay/phases"
echo "  -- $total µs of Redis CPU per $([ $USSD = 1 ] && echo "two MOs" || echo MO) (the daemon's timers not included)"
: >"$T/finish"
TEST_OK=1
