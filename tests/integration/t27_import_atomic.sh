#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A dossier re-imported is replaced in one step: a citizen who looks it up
# meanwhile always finds it (never "not found", never a failed lookup
# counted against them), and a reader of Redis never sees it missing.
# (Without notices: each import changes the status 2000 times.)
# The CSV repeats one dossier 2000 times, so that every import replaces it
# 2000 times while the lookups run; it is imported 20 times.
. "$(dirname "$0")/lib.sh"

CODE=000.00.19.H56-250806-0001
KEY_NAME=0000019H56-250806-0001
OWNER=84912345678
{
	echo "code,phone,status,procedure,agency,received_at,due_at,id_last4"
	for i in $(seq 1000); do
		echo "$CODE,0912345678,4,Cap ban sao trich luc khai sinh,UBND xa Quyet Thang,2025-08-06,2025-08-20,1234"
		echo "$CODE,0912345678,9,Cap ban sao trich luc khai sinh,UBND xa Quyet Thang,2025-08-06,2025-08-20,1234"
	done
} >"$T/same.csv"

{
	echo "wait-bind timeout=15"
	echo "wait-file path=$T/importing timeout=20"
	for i in $(seq 40); do
		echo "mo from=$OWNER to=8088 text=\"TRACUU $CODE\""
		echo "expect-submit to=$OWNER contains=\"Ho so $CODE (Cap ban sao trich luc khai sinh): \" timeout=20"
	done
	echo "expect-quiet ms=500"
} >"$T/lookups.sim"

start_redis
start_sim "$T/lookups.sim"
write_config "gateway = { mo_dedup_window = 0; };
protect = { replies_per_minute = 0; };"
"$CTL" -c "$T/gw.cfg" import --no-notify "$T/same.csv" >"$T/import0.out" 2>&1 ||
	fail "first import failed"
start_gw
KEY=$(redis --scan --pattern "cgw:{s*}:dossier:$KEY_NAME")
[ -n "$KEY" ] || fail "the dossier is not in Redis"

# a reader of Redis, as fast as one connection goes
redis -r 2000000 -i 0 HEXISTS "$KEY" code >"$T/reader.out" 2>&1 &
READER=$!
PIDS="$PIDS $READER"
touch "$T/importing"
for i in $(seq 20); do
	"$CTL" -c "$T/gw.cfg" import --no-notify "$T/same.csv" >"$T/import.out" 2>&1 ||
		fail "import $i failed: $(cat "$T/import.out")"
done
kill "$READER" 2>/dev/null || true
wait_sim 60

seen=$(grep -c '^1$' "$T/reader.out" || true)
missed=$(grep -c '^0$' "$T/reader.out" || true)
echo "reader: $seen lookups found the dossier, $missed did not"
[ "$seen" -gt 1000 ] || fail "the reader hardly ran ($seen lookups)"
[ "$missed" = 0 ] || fail "the dossier was missing $missed times during re-imports"
grep -q "imported 2000 dossiers, rejected 0 rows" "$T/import.out" ||
	fail "import summary: $(cat "$T/import.out")"
"$CTL" -c "$T/gw.cfg" phone "$OWNER" >"$T/phone.out"
grep -q "failed lookups" "$T/phone.out" &&
	fail "a lookup during the import counted as failed"
[ "$(count_in "$T/sim.log" " SUBMIT #")" = 40 ] || fail "expected 40 replies"
stop_gw || fail "citizengw exited with an error on SIGTERM"
pass
