#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A long SMS under stress: with tps = 1 the receipts of the first parts
# come before the last part is even sent, and still count; when the link
# drops with every part in flight, the parts are sent again on the next
# link and the message is not given up.
. "$(dirname "$0")/lib.sh"

long="Thong bao cua UBND xa Phuc Xuan ve viec nop le phi tai quay so 3 cua Trung tam Phuc vu hanh chinh cong."
long="$long $long $long $long $long $long $long $long"

cat >"$T/mp.sim" <<SIM
wait-bind timeout=15
wait-file path=$T/go timeout=20
expect-message to=84966000222 text="$long" timeout=30
SIM

start_redis
start_sim "$T/mp.sim" --receipts tlv --receipt-delay 100 --linger 5000
write_config
sed -i 's/bind = "transceiver";/bind = "transceiver"; tps = 1;/' "$T/gw.cfg"
start_gw
id=$("$CTL" -c "$T/gw.cfg" send 0966000222 "$long") || fail "ctl send"
touch "$T/go"
wait_for 40 grep -q "SCRIPT" "$T/sim.log" || fail "no message"
grep -q "SCRIPT PASSED" "$T/sim.log" || fail "script: $(cat "$T/sim.err")"
parts=$(grep -c "SUBMIT #.*status=0x00000000 to=84966000222 " "$T/sim.log" || true)
[ "$parts" = 6 ] || fail "$parts parts, want 6"
wait_for 10 sh -c "'$CTL' -c '$T/gw.cfg' message '$id' | grep -q '^State: *delivered'" ||
	fail "not delivered: $("$CTL" -c "$T/gw.cfg" message "$id")"
if grep -q "receipt for unknown message id" "$T/gw.log"; then
	fail "a part's receipt came before its id was known"
fi

# every part in flight when the link drops: sent again, not failed
cat >"$T/drop.sim" <<SIM
wait-bind timeout=15
wait-file path=$T/go2 timeout=20
drop
set resp-delay=0
wait-bind timeout=15
expect-message to=84955000333 text="$long" timeout=30
SIM
stop_gw || true
SIM_NAME=sim2 start_sim "$T/drop.sim" --resp-delay 5000 --linger 10000
write_config
start_gw
wait_for 15 grep -q "BOUND" "$T/sim2.log" || fail "no bind"
id2=$("$CTL" -c "$T/gw.cfg" send 0955000333 "$long") || fail "ctl send"
# every part submitted, no response yet (delayed): now the link dies
wait_for 15 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim2.log') -ge 6 ]" ||
	fail "the parts were not all submitted"
touch "$T/go2"
wait_for 40 sh -c "'$CTL' -c '$T/gw.cfg' message '$id2' | grep -q '^State: *sent'" ||
	fail "the long SMS was not sent after the drop: $("$CTL" -c "$T/gw.cfg" message "$id2")"
wait_for 20 grep -q "SCRIPT" "$T/sim2.log" || fail "sim2 did not finish"
grep -q "SCRIPT PASSED" "$T/sim2.log" || fail "sim2: $(cat "$T/sim2.err")"
grep -q "no submit_sm_resp (connection lost); sending again" "$T/gw.log" ||
	fail "the parts in flight were not sent again"
stop_gw || fail "citizengw exited with an error"
pass
