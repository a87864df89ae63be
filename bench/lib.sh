# SPDX-License-Identifier: GPL-3.0-or-later
# Shared set-up of the bench scripts (bench/run's parts; daemons.sh and
# redis-cost.sh, which drive the real daemon through citizengw-sim): the
# servers of the integration tests (tests/integration/lib.sh, sourced
# here, so its cleanup and waits apply), Redis configured for production,
# dossier-lookup MOs from distinct phones, and a daemon configuration with
# no TPS cap. Source with CGW_BUILDDIR and CGW_SRCDIR set (absolute).

. "$CGW_SRCDIR/tests/integration/lib.sh"

# Redis as docs/operations.md configures it for production: records whose
# values fit in 256 bytes (STORE_LISTPACK_VALUE_MIN) stay listpacks
REDIS_EXTRA="${REDIS_EXTRA:-} --hash-max-listpack-value 256"

# Citizen i's dossier code (awk function bench_code), the same in every
# run: a citizen looks up its own dossier, as a province's citizens do
# (a lookup of another's is refused and counts towards a lock-out).
BENCH_CODE_AWK='function bench_code(i) {
	return sprintf("000.00.19.H56-2508%02d-%04d", 1 + int(i / 10000), i % 10000) }'
BENCH_DOSSIER_HEADER="code,phone,status,procedure,agency,received_at,due_at,id_last4"

# bench_dossier_rows BASE FIRST COUNT: CSV rows (no header) of the
# dossiers of citizens FIRST .. FIRST + COUNT - 1, citizen i's phone
# BASE + i
bench_dossier_rows() {
	awk -v b="$1" -v f="$2" -v n="$3" "$BENCH_CODE_AWK"'
	BEGIN { for (i = f; i < f + n; i++)
		printf "%s,%.0f,4,Cap ban sao trich luc khai sinh,UBND xa Phuc Xuan,2025-08-06,2025-08-20,1234\n",
			bench_code(i), b + i }'
}

# bench_import_own FIRST COUNT: imports the dossiers of bench_lookups'
# citizens FIRST .. FIRST + COUNT - 1 (phones 849(300000 + i)), after
# bench_start
bench_import_own() {
	{
		echo "$BENCH_DOSSIER_HEADER"
		bench_dossier_rows 84900300000 "$1" "$2"
	} >"$T/own.csv"
	"$CTL" -c "$T/gw.cfg" import --no-notify "$T/own.csv" >"$T/own.out" 2>&1 ||
		fail "importing the citizens' dossiers: $(tail -n 3 "$T/own.out")"
}

# bench_lookups FIRST COUNT CONNS [missing]: sim script lines sending COUNT
# dossier lookups from phones 849(300000 + FIRST + i), round robin over
# CONNS binds, each of the citizen's own dossier (bench_import_own), or
# with "missing" of one that is not there (refused, counted towards the
# lock-out: what these scripts looked up until 2026-12-07)
bench_lookups() {
	# awk: a shell loop takes minutes for 20000 MOs
	awk -v f="$1" -v n="$2" -v d="$3" -v m="${4:-}" "$BENCH_CODE_AWK"'
	BEGIN { for (i = f; i < f + n; i++)
		printf "mo from=849%08d to=8088 text=\"TRACUU %s\" conn=%d\n",
			300000 + i,
			m == "missing" ? "000.00.19.H56-250806-0099" : bench_code(i),
			i % d + 1 }'
}

# bench_key_kinds [MAX]: the bytes of Redis's keys by kind (MEMORY USAGE,
# averaged over MAX keys at most, as SCAN meets them; all by default):
# lines "KIND KEYS BYTES", what follows a name's third part, or a last
# part with a digit, as <id>
bench_key_kinds() {
	redis --scan | head -n "${1:-100000000}" >"$T/kinds.keys"
	sed 's/^/MEMORY USAGE "/; s/$/" SAMPLES 0/' "$T/kinds.keys" |
		redis >"$T/kinds.bytes"
	sed 's/{s[0-9]*}/{s*}/; s/^\([^:]*:[^:]*:[^:]*\):.*$/\1:<id>/
		s/:[^:]*[0-9][^:]*$/:<id>/' "$T/kinds.keys" |
		paste -d ' ' - "$T/kinds.bytes" |
		awk '{ n[$1]++; b[$1] += $2 }
		END { for (k in n) printf "%s %d %.0f\n", k, n[k], b[k] / n[k] }' |
		sort
}

# bench_info SECTION FIELD: a field of Redis's INFO, as INFO writes it
bench_info() {
	redis INFO "$1" | tr -d '\r' | sed -n "s/^$2:\\(.*\\)/\\1/p"
}

# bench_cpu_us: Redis's CPU so far (used_cpu_user + used_cpu_sys), µs
bench_cpu_us() {
	redis INFO cpu | tr -d '\r' | awk -F: '
		/^used_cpu_(user|sys):/ { t += $2 } END { printf "%.0f", t * 1e6 }'
}

# bench_start SIM_SCRIPT: a fresh redis-server, the sim running the
# script, $T/gw.cfg with an uncapped transceiver bind and notice-level
# logs, the sample dossiers imported
bench_start() {
	start_redis
	start_sim "$1" --timeout 700
	write_config
	sed -i 's/bind = "transceiver";/bind = "transceiver"; tps = 0; window = 50;/;
		s/level = "info,smpp=debug"/level = "notice"/' "$T/gw.cfg"
	import_samples
}

# bench_one_gw SIM_SCRIPT: bench_start, then one daemon started and bound
bench_one_gw() {
	bench_start "$1"
	start_gw
	wait_for 15 grep -q ' BOUND transceiver' "$T/sim.log" ||
		fail "daemon did not bind"
	sleep 1
}

# bench_monitor FILE: Redis's MONITOR into FILE until bench_monitor_stop
bench_monitor() {
	# redis-cli itself, not through the redis function: its pid is
	# the one killed
	"$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" MONITOR >"$1" &
	MON_PID=$!
	PIDS="$PIDS $MON_PID"
	sleep 0.2
}
bench_monitor_stop() {
	sleep 0.5	# the submit_sm_resp's MT outcome (mt_done)
	kill "$MON_PID"
	wait "$MON_PID" 2>/dev/null || true
}

# bench_submits: the submit_sm the sim received so far
bench_submits() {
	grep -c ' SUBMIT #' "$T/sim.log" || true
}

# bench_wait_submits N SECONDS: until the sim received N submit_sm
bench_wait_submits() {
	wait_for "$2" sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge $1 ]"
}
