#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Two gateway processes bound to one SMSC account, named by an explicit
# `account`, that disagree on its TPS (50 and 20): the smallest holds for
# both together, and the account's schedule is the key of that name.
. "$(dirname "$0")/lib.sh"

N=240
{
	echo "wait-file path=$T/all-bound timeout=40"
	# the process with the smaller cap leases first: the schedule holds
	# the smallest rate any process asked for within 2 s
	echo "mo from=84900399999 to=8088 text=\"TRACUU 000.00.19.H56-250806-0099\" conn=2"
	echo "expect-submit to=84900399999 contains=\"Khong tim thay\" timeout=20"
	# two thirds to the process with the smaller cap: it asks until the end
	for i in $(seq "$N"); do
		echo "mo from=849$(printf %08d $(( 400000 + i ))) to=8088 text=\"TRACUU 000.00.19.H56-250806-0099\" conn=$(( i % 3 == 0 ? 1 : 2 ))"
	done
	echo "wait-file path=$T/finish timeout=120"
} >"$T/acct.sim"

start_redis
start_sim "$T/acct.sim" --timeout 200
renice -n -10 -p "$SIM_PID" >/dev/null 2>&1 || true
write_config
sed -i 's/level = "info,smpp=debug"/level = "info"/' "$T/gw.cfg"
import_samples
for k in 1 2; do
	tps=$([ "$k" = 1 ] && echo 50 || echo 20)
	start_gw_k "$k" "s/bind = \"transceiver\";/bind = \"transceiver\"; tps = $tps; account = \"thainguyen-8088\";/"
done
: >"$T/all-bound"
wait_for 60 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge $(( N + 1 )) ]" ||
	fail "$(grep -c ' SUBMIT #' "$T/sim.log") of $(( N + 1 )) answered"
# the schedule has the account's name, not host:port:system_id
[ "$(redis EXISTS 'cgw:tps:{thainguyen-8088}')" = 1 ] ||
	fail "no schedule for the account: $(redis --scan --pattern 'cgw:tps:*')"
[ -z "$(redis --scan --pattern 'cgw:tps:{127.0.0.1*')" ] ||
	fail "a schedule under the default account name"
: >"$T/finish"
wait_sim 20

max1=$(max_per_second "$T/sim.log")
first=$(grep -m1 " SUBMIT #" "$T/sim.log" | awk '{ print $1 + 0 }')
last=$(grep " SUBMIT #" "$T/sim.log" | tail -n 1 | awk '{ print $1 + 0 }')
echo "rate: max $max1 in 1 s; $(( N + 1 )) in $(( last - first )) ms"
# 20/s and one slice (2 slots) in any second, though one process says 50
[ "$max1" -le 22 ] || fail "$max1 submits in one second; the smallest cap is 20/s"
# and not each process at 20/s: about N / 20 s together
[ $(( last - first )) -ge $(( (N - 22) * 1000 / 22 )) ] ||
	fail "$N submits in $(( last - first )) ms: more than 22/s"
for k in 1 2; do
	eval "GW_PID=\$GW$k"
	stop_gw || fail "daemon $k exited with an error"
done
pass
