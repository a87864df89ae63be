# SPDX-License-Identifier: GPL-3.0-or-later
# Shared set-up for the integration tests: a private redis-server on a free
# loopback port, citizengw-sim, citizengw, all in a temporary directory that
# is removed afterwards (kept, with logs printed, when a test fails).
# Every wait is bounded.

set -eu

: "${CGW_BUILDDIR:?run through make check}"
: "${CGW_SRCDIR:?run through make check}"
REDIS_SERVER=${REDIS_SERVER:-redis-server}
REDIS_CLI=${REDIS_CLI:-redis-cli}
case $REDIS_SERVER in no|"") REDIS_SERVER=redis-server ;; esac
case $REDIS_CLI in no|"") REDIS_CLI=redis-cli ;; esac

if ! command -v "$REDIS_SERVER" >/dev/null 2>&1; then
	echo "SKIP: redis-server not installed"
	exit 77
fi

BIN=$CGW_BUILDDIR/src
GW=$BIN/citizengw
CTL=$BIN/citizengw-ctl
SIM=$BIN/citizengw-sim
# CGW_GW_WRAPPER: a command the daemon runs under (make
# check-valgrind-integration sets valgrind); CGW_SLOW: a factor for the
# bounded waits below, for a daemon that runs that much slower
GW_WRAPPER=${CGW_GW_WRAPPER:-}
SLOW=${CGW_SLOW:-1}
T=$(mktemp -d "${TMPDIR:-/tmp}/cgw-$(basename "$0" .sh).XXXXXX")
PIDS=""
TEST_OK=0

cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $PIDS; do
		# bounded: the processes get TERM above, KILL after 5 s
		for _ in $(seq $(( 50 * SLOW ))); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$p" 2>/dev/null || true
	done
	if [ "$TEST_OK" != 1 ]; then
		for f in "$T"/*.log "$T"/*.out "$T"/*.err; do
			[ -f "$f" ] || continue
			echo "==== $f"
			tail -n 60 "$f"
		done
		echo "(files kept in $T)"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

pass() {
	TEST_OK=1
	echo "PASS: $(basename "$0")"
}

# wait_for SECONDS CMD...: runs CMD until it succeeds
wait_for() {
	_limit=$(( $1 * 10 * SLOW ))
	shift
	for _ in $(seq "$_limit"); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

redis() {
	"$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" "$@"
}

# start_redis: REDIS_EXTRA adds settings (later ones win: "--appendonly
# yes --appendfsync always" for a Redis whose restart keeps everything)
start_redis() {
	REDIS_PORT=${REDIS_PORT:-$("$CGW_BUILDDIR"/tests/freeport)}
	"$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" \
		--appendonly no --dir "$T" ${REDIS_EXTRA:-} >>"$T/redis.log" 2>&1 &
	REDIS_PID=$!
	PIDS="$PIDS $REDIS_PID"
	wait_for 10 redis ping || fail "redis-server did not start"
}

stop_redis() {
	kill "$REDIS_PID"
	for _ in $(seq 50); do
		kill -0 "$REDIS_PID" 2>/dev/null || return 0
		sleep 0.1
	done
	fail "redis-server did not stop"
}

# start_sim SCRIPT [sim options...]: the sim listens on a free port and
# logs to $T/$SIM_NAME.log (SIM_NAME defaults to "sim")
start_sim() {
	_script=$1
	_n=${SIM_NAME:-sim}
	shift
	rm -f "$T/$_n.port"
	if [ "$SLOW" != 1 ] && [ -n "$_script" ]; then
		# a slower daemon: the script's own waits stretched alike
		SLOW=$SLOW perl -pe 's/\btimeout=(\d+)/"timeout=".($1 * $ENV{SLOW})/ge' \
			"$_script" >"$_script.slow"
		_script=$_script.slow
		set -- --timeout $(( 120 * SLOW )) "$@"
	fi
	"$SIM" --listen 127.0.0.1:0 --port-file "$T/$_n.port" \
		--pdu-log "$T/$_n.log" "$@" ${_script:+"$_script"} \
		>"$T/$_n.out" 2>"$T/$_n.err" &
	SIM_PID=$!
	PIDS="$PIDS $SIM_PID"
	wait_for 10 test -s "$T/$_n.port" || fail "citizengw-sim did not start"
	SIM_PORT=$(cat "$T/$_n.port")
}

# write_config [extra libconfig text]: the configuration of point 3 of
# the walking-skeleton issue, pointed at this test's servers
write_config() {
	HTTP_PORT=${HTTP_PORT:-$("$CGW_BUILDDIR"/tests/freeport)}
	cat >"$T/gw.cfg" <<CFG
redis = { host = "127.0.0.1"; port = $REDIS_PORT; };
smsc = ( { id = "main"; host = "127.0.0.1"; port = $SIM_PORT;
           system_id = "citizengw"; password = "secret";
           bind = "transceiver"; source_addr = "8088";
           reconnect_delay = "200ms"; reconnect_max_delay = "1s"; } );
ussd = { service_code = "*8088#"; };
menus = { dir = "$CGW_SRCDIR/menus"; language = "vi"; };
http = { listen = "127.0.0.1:$HTTP_PORT"; token = "change-me"; };
log = { level = "info,smpp=debug"; };
${1:-}
CFG
}

start_gw() {
	$GW_WRAPPER "$GW" -c "$T/gw.cfg" 2>>"$T/gw.log" &
	GW_PID=$!
	PIDS="$PIDS $GW_PID"
}

# start_gw_k K [SED]: daemon K of several on one Redis and sim, from
# $T/gw.cfg with an HTTP port of its own (and sed script SED applied) in
# $T/gwK.cfg, logging to $T/gwK.log, its pid in $GWK; started one after
# the other, so that each waits to be the sim's connection conn#K
start_gw_k() {
	sed "s/127.0.0.1:$HTTP_PORT/127.0.0.1:$("$CGW_BUILDDIR"/tests/freeport)/;${2:-}" \
		"$T/gw.cfg" >"$T/gw$1.cfg"
	"$GW" -c "$T/gw$1.cfg" 2>>"$T/gw$1.log" &
	eval "GW$1=\$!"
	PIDS="$PIDS $!"
	wait_for 15 sh -c "[ \$(grep -c ' BOUND transceiver' '$T/sim.log') -ge $1 ]" ||
		fail "daemon $1 did not bind"
	grep -q "conn#$1 BOUND" "$T/sim.log" || fail "daemon $1's bind is not conn#$1"
}

# stop_gw: SIGTERM, bounded wait; returns the daemon's exit status
stop_gw() {
	kill -TERM "$GW_PID" 2>/dev/null || true
	for _ in $(seq $(( 100 * SLOW ))); do
		kill -0 "$GW_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$GW_PID" 2>/dev/null && fail "citizengw ignored SIGTERM for 10 s"
	_rc=0
	wait "$GW_PID" || _rc=$?
	return $_rc
}

# pause_redis_bound MS WRITE|ALL: once the daemon is bound (and its first
# calls done), Redis holds every client's commands of that kind for MS
# ms (CLIENT PAUSE); then $T/paused tells the sim's script
# (`wait-file path=$T/paused`) to send what must meet the pause
pause_redis_bound() {
	wait_for 20 grep -q "bind state BINDING -> BOUND" "$T/gw.log" ||
		fail "no bind"
	sleep 0.5
	redis CLIENT PAUSE "$1" "$2" >/dev/null
	touch "$T/paused"
}

# wait_sim SECONDS: waits for the scripted sim to finish; fails on its
# failure
wait_sim() {
	for _ in $(seq $(( $1 * 10 * SLOW ))); do
		kill -0 "$SIM_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$SIM_PID" 2>/dev/null && fail "citizengw-sim still running after $1 s"
	_rc=0
	wait "$SIM_PID" || _rc=$?
	[ "$_rc" = 0 ] || fail "citizengw-sim script failed ($_rc): $(cat "$T/sim.err")"
}

# ctl NAME ARGS...: citizengw-ctl with $T/gw.cfg (at most CTL_TIMEOUT
# seconds, default 600), its output in $T/NAME.out, errors in .err;
# returns its exit code
ctl() {
	_name=$1
	shift
	_rc=0
	timeout "${CTL_TIMEOUT:-600}" "$CTL" -c "$T/gw.cfg" "$@" \
		>"$T/$_name.out" 2>"$T/$_name.err" || _rc=$?
	return $_rc
}
# expect_rc WANT NAME ARGS...: ctl NAME ARGS... exits WANT, or the test
# fails
expect_rc() {
	_want=$1
	shift
	_got=0
	ctl "$@" || _got=$?
	[ "$_got" = "$_want" ] ||
		fail "$*: exit $_got, not $_want: $(cat "$T/$1.out" "$T/$1.err")"
}
# has NAME TEXT: NAME's output (or errors) has TEXT in a line, or the test
# fails
has() {
	grep -qF -- "$2" "$T/$1.out" "$T/$1.err" ||
		fail "$1: no '$2' in: $(cat "$T/$1.out" "$T/$1.err")"
}

# a script's text as the daemon with $T/gw.cfg runs it (citizengw-ctl
# script: the configuration's values in it, store/script.h): script_src NAME
script_src() {
	"$CTL" -c "$T/gw.cfg" script "$1"
}

import_samples() {
	"$CTL" -c "$T/gw.cfg" import "$CGW_SRCDIR/samples/dossiers.csv" \
		>"$T/import.out" 2>&1 || fail "import failed: $(cat "$T/import.out")"
}

# start_monitor: everything Redis receives from now on into
# $T/monitor.out (redis-cli MONITOR), its pid in MON (stopped at the end)
start_monitor() {
	redis MONITOR >"$T/monitor.out" 2>&1 &
	MON=$!
	PIDS="$PIDS $MON"
}

# monitor_tx FILE: the transactions of a MONITOR output, one a line, each
# the names of its commands between MULTI and EXEC, a command its script
# ran as lua:NAME
monitor_tx() {
	python3 - "$1" <<'PY'
import re, sys
tx = None
for line in open(sys.argv[1], errors='replace'):
    c = re.findall(r'"((?:[^"\\]|\\.)*)"', line)
    if not c:
        continue
    if ' lua] ' in line:
        if tx is not None:
            tx.append('lua:' + c[0])
        continue
    if c[0] == 'MULTI':
        tx = []
    elif c[0] == 'EXEC' and tx is not None:
        print(' '.join(tx))
        tx = None
    elif tx is not None:
        tx.append(c[0])
PY
}

# keys_n PATTERN: how many of Redis's keys match PATTERN
keys_n() {
	redis --scan --pattern "$1" | grep -c . || true
}

# expect_keys N PATTERN WHAT: fails, saying WHAT and naming the keys,
# unless Redis holds exactly N keys matching PATTERN
expect_keys() {
	[ "$(keys_n "$2")" = "$1" ] ||
		fail "$3: $(keys_n "$2") keys, not $1: $(redis --scan --pattern "$2" | tr '\n' ' ')"
}

# count_in FILE PATTERN: lines matching (fixed string)
count_in() {
	grep -cF -- "$2" "$1" || true
}

# many_lookups N FIRST_PHONE: script lines sending N lookups from N phones
# (84900000000 + FIRST_PHONE + i) and expecting one reply each
many_lookups() {
	for i in $(seq "$1"); do
		echo "mo from=849$(printf %08d $(( $2 + i ))) to=8088 text=\"TRACUU 000.00.19.H56-250806-0099\""
	done
	for i in $(seq "$1"); do
		echo "expect-submit to=849$(printf %08d $(( $2 + i ))) contains=\"Khong tim thay\" timeout=60"
	done
}

# accepted_per_phone: "count phone" for each destination of an accepted
# submit in the sim log
accepted_per_phone() {
	grep " SUBMIT #" "$T/sim.log" | grep "status=0x00000000" |
		sed 's/.* to=\([0-9]*\) .*/\1/' | sort | uniq -c
}

# max_per_second FILE: the most submit_sm (accepted or not) the simulator
# received in any sliding window of 1000 ms
max_per_second() {
	grep " SUBMIT #" "$1" | awk '{ t[NR] = $1 + 0 }
		END { m = 0; j = 1
		      for (i = 1; i <= NR; i++) {
			while (t[i] - t[j] >= 1000) j++
			if (i - j + 1 > m) m = i - j + 1
		      }
		      print m }'
}

# dossier_shard KEY [SHARDS]: the shard of a dossier key (lookup form) as
# the gateway computes it (store_shard_of: util_fnv1a64, FNV-1a 64 with
# the prime 0x100000001b3 from the basis 1469598103934665603, that is
# 0x14650fb0739d0383) modulo SHARDS (default 16, redis.shards); in 16-bit
# limbs, so that shell arithmetic never overflows
dossier_shard() {
	_n=${2:-16}
	_h0=$((0x0383)) _h1=$((0x739d)) _h2=$((0x0fb0)) _h3=$((0x1465))
	for _b in $(printf '%s' "$1" | od -An -tu1); do
		_h0=$((_h0 ^ _b))
		_r0=$((_h0 * 0x1b3))
		_r1=$((_h1 * 0x1b3 + (_r0 >> 16)))
		_r2=$((_h2 * 0x1b3 + _h0 * 0x100 + (_r1 >> 16)))
		_r3=$((_h3 * 0x1b3 + _h1 * 0x100 + (_r2 >> 16)))
		_h0=$((_r0 & 0xffff)) _h1=$((_r1 & 0xffff))
		_h2=$((_r2 & 0xffff)) _h3=$((_r3 & 0xffff))
	done
	echo $(( ((((_h3 % _n) * 65536 + _h2) % _n * 65536 + _h1) % _n * 65536 + _h0) % _n ))
}

# write_application CODE PHONE STATUS PROCEDURE_ID FILED_MS CCCD: an
# application dossier written with redis-cli as the citizen side writes
# it (prefix cgw, 16 shards): the dossier's fields, the application's
# (app, filed_by, f:cccd f:copies f:name f:dob f:commune), a time to live
# of a year (STORE_APP_KEEP_S), and its entry in the shard's applications
# index
write_application() {
	_key=$(echo "$1" | tr -d .)
	_s=$(dossier_shard "$_key")
	redis HSET "cgw:{s$_s}:dossier:$_key" code "$1" key "$_key" phone "$2" \
		status "$3" procedure "Cấp bản sao trích lục khai sinh" \
		agency "UBND xã Phúc Xuân" received_at 2026-12-04 \
		due_at 2026-12-09 id_last4 "$(echo "$6" | cut -c9-12)" reason "" \
		app "$4" filed_by "$5-gw1.1-7" rev 0 f:cccd "$6" f:copies 2 \
		f:name "Nguyễn Văn An" f:dob 01/02/1990 f:commune "Phúc Xuân" \
		>/dev/null || fail "HSET of the application $1"
	redis PEXPIRE "cgw:{s$_s}:dossier:$_key" $((365 * 86400 * 1000)) >/dev/null
	redis ZADD "cgw:{s$_s}:apps" "$5" "$_key" >/dev/null ||
		fail "ZADD of the application $1"
}

