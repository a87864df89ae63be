#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Logs as systemd and syslog want them, and what they must not hold:
# with stderr connected to the journal ($JOURNAL_STREAM = its dev:inode)
# every line starts with the priority of its level (<3>..<7>) and has no
# timestamp; otherwise it has a timestamp and no priority; log.target =
# "syslog" takes the lines off stderr. A citizen's text is not logged at
# info. At start-up the daemon warns when Redis may evict queued messages
# (maxmemory with a policy other than noeviction), is quiet when it may not,
# and says it could not check when CONFIG is renamed away; it gives a
# notice when hash-max-listpack-value is below 256.
. "$(dirname "$0")/lib.sh"

SECRET="toi ten la Nguyen Van Bi mat"
cat >"$T/j.sim" <<SIM
wait-bind timeout=15
mo from=84912345678 to=8088 text="$SECRET"
expect-submit to=84912345678 contains="TRACUU <ma ho so>"
expect-quiet ms=300
SIM

# run_gw LOGFILE [JOURNAL_STREAM]: the daemon with stderr on LOGFILE
# (emptied, not replaced: the same inode)
run_gw() {
	: >"$1"
	if [ -n "${2:-}" ]; then
		JOURNAL_STREAM=$2 "$GW" -c "$T/gw.cfg" 2>>"$1" &
	else
		env -u JOURNAL_STREAM "$GW" -c "$T/gw.cfg" 2>>"$1" &
	fi
	GW_PID=$!
	PIDS="$PIDS $GW_PID"
}

start_redis
start_sim "$T/j.sim"
write_config
sed -i 's/level = "info,smpp=debug";/level = "info";/' "$T/gw.cfg"

# 1. stderr is the journal
: >"$T/journal.err"
run_gw "$T/journal.err" "$(stat -c %d:%i "$T/journal.err")"
wait_sim 30
wait_for 10 grep -q "Redis evicts nothing" "$T/journal.err" ||
	fail "no word on Redis eviction (default Redis)"
stop_gw || fail "citizengw exited $? on SIGTERM"
grep -q '^<5>NOTICE MAIN citizengw .* starting with' "$T/journal.err" ||
	fail "no <5> start line"
grep -q '^<6>INFO REDIS Redis evicts nothing (maxmemory 0, maxmemory-policy noeviction)$' \
	"$T/journal.err" || fail "no <6> line"
# every line: the priority its level has
bad=$(awk '
	/^<3>ERROR / || /^<4>WARN / || /^<5>NOTICE / || /^<6>INFO / ||
	/^<7>DEBUG / { next }
	{ print }' "$T/journal.err")
[ -z "$bad" ] || fail "lines without their priority: $bad"
grep -Eq '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}' "$T/journal.err" &&
	fail "timestamps under the journal: $(head -3 "$T/journal.err")"
grep -q "may evict\|could not check" "$T/journal.err" &&
	fail "eviction warning with a Redis that evicts nothing"
# the citizen's text: its length at info, never the words
grep -q 'INFO SMPP .*84912\*\*\*78.* MO .* sms ([0-9]* bytes)' "$T/journal.err" ||
	fail "no MO line with the masked sender and the length"
grep -q "Nguyen\|84912345678" "$T/journal.err" &&
	fail "a citizen's text or number in the log at info"

# 2. stderr is a file (JOURNAL_STREAM names another one): timestamps, no
# priorities; a Redis that may evict is warned about
: >"$T/other"
redis CONFIG SET maxmemory 100mb >/dev/null
redis CONFIG SET maxmemory-policy allkeys-lru >/dev/null
run_gw "$T/plain.err" "$(stat -c %d:%i "$T/other")"
wait_for 10 grep -q "may evict" "$T/plain.err" ||
	fail "no warning with maxmemory 100mb and allkeys-lru"
stop_gw || fail "citizengw exited $? on SIGTERM"
grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z WARN REDIS Redis may evict queued messages: maxmemory is 104857600 bytes and maxmemory-policy is allkeys-lru ' \
	"$T/plain.err" || fail "warning not as wanted: $(grep evict "$T/plain.err")"
grep -q '^<[0-9]>' "$T/plain.err" && fail "priorities on a plain stderr"
bad=$(grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$T/plain.err" || true)
[ -z "$bad" ] || fail "lines without a timestamp: $bad"

# volatile-* policies evict queued messages too (they have TTLs)
redis CONFIG SET maxmemory-policy volatile-lru >/dev/null
run_gw "$T/volatile.err"
wait_for 10 grep -q "maxmemory-policy is volatile-lru" "$T/volatile.err" ||
	fail "no warning with volatile-lru"
stop_gw || fail "citizengw exited $? on SIGTERM"
# noeviction with a limit: no warning
redis CONFIG SET maxmemory-policy noeviction >/dev/null
run_gw "$T/noevict.err"
wait_for 10 grep -q "Redis evicts nothing (maxmemory 104857600, maxmemory-policy noeviction)" \
	"$T/noevict.err" || fail "noeviction not recognised"
stop_gw || fail "citizengw exited $? on SIGTERM"
grep -q "may evict" "$T/noevict.err" && fail "warning with noeviction"
# Redis's default hash-max-listpack-value (64): a notice naming the
# setting; at 256 none
grep -q "NOTICE REDIS Redis keeps a record with a value longer than 64 bytes as a hash table: .* set hash-max-listpack-value 256 (docs/operations.md)$" \
	"$T/noevict.err" || fail "no notice on hash-max-listpack-value 64"
redis CONFIG SET hash-max-listpack-value 256 >/dev/null
run_gw "$T/listpack.err"
wait_for 10 grep -q "Redis evicts nothing" "$T/listpack.err" ||
	fail "no start with hash-max-listpack-value 256"
sleep 0.5	# the second answer
stop_gw || fail "citizengw exited $? on SIGTERM"
grep -q "listpack" "$T/listpack.err" &&
	fail "a notice with hash-max-listpack-value 256: $(grep listpack "$T/listpack.err")"

# 3. CONFIG renamed away: the daemon says it could not check, and runs
stop_redis
"$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" \
	--appendonly no --dir "$T" --rename-command CONFIG "" \
	>>"$T/redis.log" 2>&1 &
REDIS_PID=$!
PIDS="$PIDS $REDIS_PID"
wait_for 10 redis ping || fail "redis-server did not start again"
run_gw "$T/noconfig.err"
wait_for 10 grep -q "could not check whether Redis may evict" "$T/noconfig.err" ||
	fail "nothing said when CONFIG is refused: $(cat "$T/noconfig.err")"
grep -q "NOTICE REDIS could not check .*unknown command" "$T/noconfig.err" ||
	fail "the refusal not named: $(grep 'could not' "$T/noconfig.err")"
kill -0 "$GW_PID" || fail "citizengw stopped when CONFIG was refused"
stop_gw || fail "citizengw exited $? on SIGTERM"

# 4. log.target = "syslog": nothing on stderr once started
sed -i 's/level = "info";/level = "info"; target = "syslog"; facility = "local0";/' \
	"$T/gw.cfg"
"$GW" -t -c "$T/gw.cfg" >/dev/null 2>&1 || fail "syslog settings refused"
run_gw "$T/syslog.err"
sleep 1.5
kill -0 "$GW_PID" || fail "citizengw with syslog died: $(cat "$T/syslog.err")"
stop_gw || fail "citizengw exited $? on SIGTERM"
[ -s "$T/syslog.err" ] && fail "log lines on stderr with log.target = syslog: $(head -3 "$T/syslog.err")"
pass
