#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A Redis that never answers the connection (SYNs dropped): the daemon
# times the attempt out, keeps retrying, refuses MOs with a temporary
# error meanwhile, and stops cleanly.
. "$(dirname "$0")/lib.sh"

"$CGW_BUILDDIR/tests/freeport" --blackhole >"$T/bh.port" &
PIDS="$PIDS $!"
wait_for 10 test -s "$T/bh.port" || fail "blackhole did not start"
REDIS_PORT=$(cat "$T/bh.port")

cat >"$T/u.sim" <<'SIM'
wait-bind timeout=15
mo name=m from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-resp mo=m status=0x64 timeout=10
SIM
start_sim "$T/u.sim" --redeliver-ms 0 --linger 20000
write_config
start_gw
wait_for 20 grep -q "SCRIPT PASSED" "$T/sim.log" ||
	fail "the MO was not refused with ESME_RX_T_APPN"
wait_for 20 sh -c "[ \$(grep -c 'connection to Redis timed out' '$T/gw.log') -ge 2 ]" ||
	fail "the daemon stopped retrying Redis"
stop_gw || fail "citizengw did not stop cleanly"
pass
