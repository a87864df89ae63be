#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A link that goes silent (TCP open, no answers) is declared dead after
# response_retries unanswered enquire_links and re-established, within
# enquire_link_interval + retries x response_timeout + reconnect_delay.
. "$(dirname "$0")/lib.sh"

start_redis
start_sim "" --silent-after 1
write_config
sed -i 's/bind = "transceiver";/bind = "transceiver"; enquire_link_interval = 1; response_timeout = 1; response_retries = 2;/' "$T/gw.cfg"
start_gw
wait_for 15 grep -q "conn#2 BOUND" "$T/sim.log" || fail "no second bind"
t1=$(grep "conn#1 BOUND" "$T/sim.log" | awk '{print $1+0}')
t2=$(grep "conn#2 BOUND" "$T/sim.log" | awk '{print $1+0}')
# interval 1 s, then 2 timeouts of 1 s each, reconnect 200 ms: ~3.2 s
[ $(( t2 - t1 )) -le 6000 ] || fail "dead link took $(( t2 - t1 ))ms to replace"
[ $(( t2 - t1 )) -ge 2000 ] || fail "declared dead too early: $(( t2 - t1 ))ms"
grep -q "enquire_link seq=.* unanswered after 1000ms (2 in a row)" "$T/gw.log" ||
	fail "no enquire_link timeouts logged"
grep -q "requests in a row unanswered: the link is dead" "$T/gw.log" ||
	fail "dead link not logged"
stop_gw || fail "citizengw exited with an error"
pass
