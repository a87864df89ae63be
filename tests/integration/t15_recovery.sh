#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# What a crashed process leaves in Redis is finished by the next one: an
# MO acknowledged but never answered is answered once; a reply never
# accepted is sent once; a reply past its expiry is never sent. Replies
# overtake broadcast traffic waiting in the same process.
. "$(dirname "$0")/lib.sh"

now=$(( $(date +%s) * 1000 ))
cat >"$T/rec.sim" <<SIM
wait-bind timeout=15
expect-submit to=84912345678 contains="Dang xu ly" timeout=10
expect-submit to=84977000111 text="Ban tin con dang cho" timeout=10
expect-submit to=84988000444 timeout=10
expect-quiet ms=1000
wait-file path=$T/broadcasts-queued timeout=20
mo from=84966000222 to=8088 text="TRACUU 000.00.19.H56-250806-0002 5678"
expect-submit to=84966000222 contains="Da xu ly xong" timeout=10
SIM

start_redis
# shards = 1 so that the test can write the crashed process's keys
SIM_NAME=sim start_sim "$T/rec.sim" --linger 15000
write_config 'redis = { host = "127.0.0.1"; port = '"$REDIS_PORT"'; shards = 1; };'
sed -i '1d' "$T/gw.cfg"	# the redis line of write_config, replaced above
sed -i 's/bind = "transceiver";/bind = "transceiver"; tps = 1;/' "$T/gw.cfg"
import_samples

# an MO a crashed process acknowledged but never answered (its record
# field by field, as versions before the packed records wrote it)
redis HSET "cgw:{s0}:mo:crash-1" id crash-1 msisdn 84912345678 \
	src 84912345678 ston 1 snpi 1 dst 8088 dton 3 dnpi 0 bind main \
	ch sms uev 0 uref "" text "TRACUU 000.00.19.H56-250806-0001" \
	fp f00 recv "$now" state acked >/dev/null
redis ZADD "cgw:{s0}:inq" $(( now - 60000 )) crash-1 >/dev/null
# its fingerprint as mo_in.lua wrote it for the acknowledgement about to
# go out on the crashed process's connection: whether it did is not
# known, so the recovering commit names the MO plainly (a copy of it is
# a re-delivery), keeping the 2-minute window
redis SET "cgw:{s0}:fp:f00" "a $now 00c0ffee00c0ffee 0 crash-1" \
	PX 120000 >/dev/null
# and an SMS MENU: a copy of it is a re-delivery only while it is open, so
# its fingerprint goes when it is answered. Its record as mo_in.lua
# writes one: addresses, channel and time packed (REC_PACK, "m")
redis HSET "cgw:{s0}:mo:crash-2" \
	m "84988000444,84988000444,1,1,8088,3,0,main,sms,0,,$now" \
	text "MENU" fp f01 state acked >/dev/null
redis ZADD "cgw:{s0}:inq" $(( now - 60000 )) crash-2 >/dev/null
redis SET "cgw:{s0}:fp:f01" "a $now 00c0ffee00c0ffee 0 crash-2" \
	PX 120000 >/dev/null
# a reply it queued and never got accepted (its record as the scripts
# write one: phone, source, TON and created time packed, "a"), and one
# already stale (field by field, as older versions wrote them)
redis HSET "cgw:{s0}:mt:crash-live" a "84977000111,8088,3,$now" \
	bind main fin 1 text "Ban tin con dang cho" \
	expires $(( now + 3600000 )) state queued >/dev/null
redis HSET "cgw:{s0}:mt:crash-stale" id "crash-stale" msisdn 84955000333 \
	dst 84955000333 dton 1 dnpi 1 src 8088 ston 3 snpi 0 bind main \
	ch sms fin 1 uref "" text "Ban tin con dang cho" prio 0 \
	created "$now" expires $(( now - 1000 )) attempts 0 state queued >/dev/null
for id in live stale; do
	redis ZADD "cgw:{s0}:outq" $(( now - 60000 )) "crash-$id" >/dev/null
done

start_gw
wait_for 20 sh -c "grep -q 'recovering MO crash-1' '$T/gw.log'" ||
	fail "the MO was not recovered"
wait_for 20 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge 3 ]" ||
	fail "recovered traffic not sent"
[ "$(redis ZCARD "cgw:{s0}:inq")" = 0 ] || fail "MO still open"
[ "$(redis GET "cgw:{s0}:fp:f00")" = crash-1 ] ||
	fail "recovered MO's fingerprint: $(redis GET "cgw:{s0}:fp:f00")"
[ "$(redis PTTL "cgw:{s0}:fp:f00")" -gt 0 ] ||
	fail "recovered MO's fingerprint lost its window"
wait_for 10 sh -c "[ \$(grep -c ' SUBMIT #.*to=84988000444' '$T/sim.log') = 1 ]" ||
	fail "the recovered MENU not answered once"
[ "$(redis EXISTS "cgw:{s0}:fp:f01")" = 0 ] ||
	fail "recovered MENU's fingerprint kept: $(redis GET "cgw:{s0}:fp:f01")"
[ "$(redis HGET "cgw:{s0}:mt:crash-stale" state)" = expired ] ||
	fail "stale reply not marked expired"
grep -q "to=84955000333" "$T/sim.log" && fail "a stale reply was sent"

# priorities: with tps = 1, a reply overtakes queued broadcasts (after
# the script's quiet second: nothing else must come before)
sleep 2
for i in 1 2 3 4 5; do
	"$CTL" -c "$T/gw.cfg" send "0900000$(printf %03d $i)" "Thong bao $i" \
		>/dev/null || fail "ctl send"
done
wait_for 10 grep -q "SUBMIT #.*Thong bao" "$T/sim.log" ||
	fail "broadcasts not started"
touch "$T/broadcasts-queued"
wait_for 30 grep -q "SCRIPT" "$T/sim.log" || fail "script did not finish"
grep -q "SCRIPT PASSED" "$T/sim.log" || fail "script: $(cat "$T/sim.err")"
wait_for 15 sh -c "[ \$(grep -c 'SUBMIT #.*Thong bao' '$T/sim.log') = 5 ]" ||
	fail "not every broadcast went out"
reply=$(grep -n "SUBMIT #.*to=84966000222" "$T/sim.log" | cut -d: -f1)
lastb=$(grep -n "SUBMIT #.*Thong bao" "$T/sim.log" | tail -1 | cut -d: -f1)
[ "$reply" -lt "$lastb" ] || fail "the reply waited behind every broadcast"
stop_gw || fail "citizengw exited with an error"
pass
