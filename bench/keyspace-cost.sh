#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What the keyspace's shape costs Redis (docs/performance.md, the plan):
# the commands of N SMS lookups' records (bench/keyspace.py: the MO's and
# the reply's records and outcome, the phone's profile read and counted,
# the fingerprint, the receipt's mapping), each FORM piped into a fresh
# redis-server (configured as bench/lib.sh does), ROUNDS times, the forms
# alternated.
#
#   CGW_BUILDDIR=build CGW_SRCDIR=. bench/keyspace-cost.sh [N [ROUNDS [FORM...]]]
#
# N defaults to 2,000,000 (about a minute of the closed loop's MOs: the
# tables grow through the doublings a run meets), ROUNDS to 2, the forms
# to all of keyspace.py's (key: today's; fphash, hash: the fingerprint,
# then the mapping too, fields of per-shard buckets; nomap: without the
# mapping; fpph: the fingerprint a field of the phone's profile). Prints per form and round Redis's CPU per MO
# (used_cpu_user + used_cpu_sys, from INFO), its keys and the bytes it
# grew by per MO. The streams are generated once, under $T.
set -eu
N=${1:-2000000}
ROUNDS=${2:-2}
[ $# -gt 2 ] && shift 2 || set --
FORMS=${*:-key fphash hash nomap fpph}
CGW_BUILDDIR=$(cd "${CGW_BUILDDIR:?}" && pwd)
CGW_SRCDIR=$(cd "${CGW_SRCDIR:?}" && pwd)
export CGW_BUILDDIR CGW_SRCDIR
. "$CGW_SRCDIR/bench/lib.sh"

for f in $FORMS; do
	python3 "$CGW_SRCDIR/bench/keyspace.py" "$f" "$N" >"$T/$f.resp" ||
		fail "keyspace.py $f"
done

printf '%-7s %5s %10s %10s %10s\n' form round "µs/MO" keys "bytes/MO"
for r in $(seq "$ROUNDS"); do
	for f in $FORMS; do
		start_redis
		c0=$(bench_cpu_us)
		m0=$(bench_info memory used_memory)
		"$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" --pipe <"$T/$f.resp" \
			>"$T/pipe.out" || fail "redis-cli --pipe: $(tail -n 2 "$T/pipe.out")"
		grep -q 'errors: 0,' "$T/pipe.out" ||
			fail "$f: Redis refused commands: $(tail -n 1 "$T/pipe.out")"
		c1=$(bench_cpu_us)
		m1=$(bench_info memory used_memory)
		keys=$(redis DBSIZE)
		awk -v f="$f" -v r="$r" -v n="$N" -v c0="$c0" -v c1="$c1" \
			-v m0="$m0" -v m1="$m1" -v k="$keys" 'BEGIN {
			printf "%-7s %5d %10.2f %10d %10.0f\n", f, r,
				(c1 - c0) / n, k, (m1 - m0) / n }'
		stop_redis
	done
done
TEST_OK=1
