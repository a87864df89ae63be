#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The benchmark's load generator (bench/cgw-loadgen) against the real
# daemon and Redis: a short closed-loop and a short open-loop run of SMS
# lookups and USSD sessions (70% SMS, 2,000 citizens: with 200, a daemon
# past 2,700 MO/s sent each more than protect.replies_per_minute (20) in
# the run's 2.5 s, and MOs over it are closed unanswered by design; 2,000
# keep each under it to 27,000 MO/s). Every MO answered
# exactly once, the MTs counted match the MOs answered, the latencies are
# ordered, Redis did work for them, and the USSD sessions were ended by
# the daemon with ussd_service_op 17.
. "$(dirname "$0")/lib.sh"

LOADGEN=$CGW_BUILDDIR/bench/cgw-loadgen
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq not installed"; exit 77; }

start_redis
# the daemon binds to the generator: it is this test's SMS centre
SIM_PORT=$("$CGW_BUILDDIR"/tests/freeport)
write_config
# uncapped, a full window, quiet logs: the benchmark's settings
sed -i -e 's/reconnect_max_delay = "1s";/& tps = 0; window = 100;/' \
	-e 's/level = "info,smpp=debug"/level = "notice"/' "$T/gw.cfg"
grep -q 'tps = 0; window = 100;' "$T/gw.cfg" || fail "config not tuned"
import_samples
start_gw

# run NAME [options]: one generator run, its JSON in $T/NAME.json. The
# USSD answers end the session for the dossier's code whose last 4 ID
# digits are 1234 (samples/dossiers.csv): a session that does not end
# leaves its citizen's next MO to an open session.
run() {
	_n=$1
	shift
	"$LOADGEN" --listen "127.0.0.1:$SIM_PORT" --system-id citizengw \
		--password secret --citizens 2000 --sms-pct 70 \
		--ussd-steps '1,{code},1234' --duration 2 --warmup 0.5 \
		--drain 5 --redis "127.0.0.1:$REDIS_PORT" \
		--watch "citizengw=$GW_PID" --label "$_n" --json "$T/$_n.json" \
		"$@" >"$T/$_n.out" 2>"$T/$_n.err" ||
		fail "cgw-loadgen $_n failed: $(cat "$T/$_n.err")"
}

# j NAME FILTER: a value of run NAME's JSON
j() {
	jq -r "$2" "$T/$1.json"
}

check_run() {
	_n=$1
	[ "$(j "$_n" .mo_sent)" -gt 50 ] || fail "$_n: too few MOs sent"
	[ "$(j "$_n" .unanswered)" = 0 ] || fail "$_n: MOs unanswered"
	[ "$(j "$_n" .duplicates)" = 0 ] || fail "$_n: duplicate MTs"
	[ "$(j "$_n" .mo_refused)" = 0 ] || fail "$_n: MOs refused"
	# every MO acknowledged and answered by exactly one MT
	[ "$(j "$_n" '.mt_received == .mo_acked and .mo_acked == .mo_sent')" = true ] ||
		fail "$_n: MTs $(j "$_n" .mt_received) for $(j "$_n" .mo_acked) MOs answered"
	[ "$(j "$_n" '.latency_ms | .p50 > 0 and .p50 <= .p99 and .p99 <= .max')" = true ] ||
		fail "$_n: latencies $(j "$_n" -c .latency_ms)"
	[ "$(j "$_n" '.redis.commands_per_mo > 0')" = true ] ||
		fail "$_n: no Redis commands per MO"
	# the window second by second (bench/plot.py's loop figure): one
	# entry a second, the last at the window's end, Redis's keys in each
	[ "$(j "$_n" '(.redis.series | length) >= (.duration_s | floor) and
		((.redis.series[-1].t_s - .duration_s) | fabs) < 0.01 and
		all(.redis.series[]; .redis_keys > 0 and .mo_per_s >= 0) and
		([.redis.series[].mo_per_s] | add) > 0')" = true ] ||
		fail "$_n: series $(j "$_n" -c .redis.series)"
	[ "$(j "$_n" '.procs.citizengw.cpu_us_per_mo > 0')" = true ] ||
		fail "$_n: no daemon CPU per MO"
	# 30% of the new MOs are USSD sessions of 3 MOs each, ended by op 17
	[ "$(j "$_n" .ussd_sessions_ended)" -gt 5 ] ||
		fail "$_n: no USSD session ended with op 17"
	[ "$(j "$_n" .ussd_sessions_cut)" = 0 ] ||
		fail "$_n: USSD sessions not ended by the daemon"
	grep -q "MO->MT/s" "$T/$_n.out" || fail "$_n: no table on stdout"
}

run closed --window 20
check_run closed
[ "$(j closed .mode)" = closed ] && [ "$(j closed .window)" = 20 ] ||
	fail "closed: mode or window"

# other phones: the first run's MOs, acknowledged just before its
# connection closed, would be taken for re-deliveries (mo_dedup_window)
# 50/s: the sanitized daemon answers about 90/s when distcheck's second
# test run shares the 2 cores; at a rate above that every citizen waits
# for an MT and the due MOs count as not offered, rightly
run open --rate 50 --duration 4 --phone-base 84910000000
check_run open
[ "$(j open .mode)" = open ] && [ "$(j open .rate)" = 50 ] ||
	fail "open: mode or rate"
# open loop: the offered rate is the rate asked for, all of it offered
[ "$(j open '.offered_mo_per_s > 47 and .offered_mo_per_s < 53')" = true ] ||
	fail "open: offered $(j open .offered_mo_per_s)/s"
[ "$(j open .not_offered)" = 0 ] || fail "open: MOs not offered"

pass
