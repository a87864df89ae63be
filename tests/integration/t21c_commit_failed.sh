#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The one-call MO's commit is one transaction (store_mo.c: MULTI, the
# MO's and the reply's records, mo_commit, EXEC). When its script fails
# inside it (NOSCRIPT after a SCRIPT FLUSH; here a fingerprint key of the
# wrong type, which fails it every time, where NOSCRIPT lasts until the
# next load), the records the transaction wrote are deleted before the
# MO is refused with ESME_RX_T_APPN (0x64): the copy the SMS centre
# delivers again is then stored, acknowledged and answered once, and no
# record of the failed attempt is left beside it.
. "$(dirname "$0")/lib.sh"

A=84912345678
cat >"$T/run.sim" <<SIM
wait-bind timeout=15
mo from=$A to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-submit to=$A contains="Dang xu ly"
wait-file path=$T/poisoned timeout=20
mo name=m from=$A to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-resp mo=m status=0x64 timeout=30
expect-acked mo=m timeout=30
expect-submit to=$A contains="Dang xu ly"
expect-quiet ms=1500
SIM

start_redis
start_sim "$T/run.sim" --redeliver-ms 500
# committed by the script, not lean (store_mo.c; t21d: a lean commit
# that fails)
write_config 'protect = { replies_exact = true; };'
import_samples
start_gw
wait_for 15 grep -q " SUBMIT #1 " "$T/sim.log" || fail "the first MO not answered"
sleep 0.3	# its reply's outcome (mt_done)
fp=$(redis --scan --pattern 'cgw:*:fp:*')
[ "$(echo "$fp" | grep -c .)" = 1 ] || fail "fingerprints: $fp"
redis DEL "$fp" >/dev/null
redis HSET "$fp" poisoned 1 >/dev/null
touch "$T/poisoned"
# the commit fails in its script; its records go, then its mark in the
# fingerprint is tried (and fails, the key being what it is)
wait_for 20 grep -q "the mark of its acknowledgement not taken back" "$T/gw.log" ||
	fail "no failed commit: $(grep -i "error\|failed" "$T/gw.log" | tail -5)"
grep -q "Redis error: WRONGTYPE" "$T/gw.log" || fail "the script did not fail"
grep -q "MO .*: commit failed (Protocol error)" "$T/gw.log" ||
	fail "the commit's failure not told apart: $(grep "commit failed" "$T/gw.log")"
expect_keys 1 'cgw:*:mo:*' "the failed commit left its MO record"
expect_keys 1 'cgw:*:mt:*' "the failed commit left its reply's record"
redis DEL "$fp" >/dev/null
wait_sim 60
[ "$(count_in "$T/sim.log" " SUBMIT #")" = 2 ] || fail "not one reply to each"
for mo in $(redis --scan --pattern 'cgw:*:mo:*'); do
	[ "$(redis HGET "$mo" state)" = answered ] ||
		fail "$mo: $(redis HGETALL "$mo" | tr '\n' ' ')"
done
expect_keys 2 'cgw:*:mo:*' "not two MO records"
expect_keys 2 'cgw:*:mt:*' "not two MT records"
stop_gw || fail "citizengw exited with an error"
pass
