#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Senders that are not phone numbers never become one. An alphanumeric
# sender (TON 5) whose text spells the phone of a dossier's owner asks for
# the owner's dossier, opens the menu, answers it, opts out and fails
# lookups again and again:
#  - protect.odd_senders "ignore" (the default): every MO is acknowledged,
#    recorded under a key of its own ("x:..."), logged with the address
#    masked, never answered; nothing of the owner's (profile, SMS and USSD
#    sessions) changes, nothing of its own is created.
#  - "namespace": it is answered, as a stranger in a namespace of its own:
#    it never sees the owner's dossier; its opt-out and its lock-out are
#    its own; the owner's profile and sessions stay as they were.
. "$(dirname "$0")/lib.sh"

B=84912345678	# owns -0001 (samples/dossiers.csv)
CODE=000.00.19.H56-250806-0001
NF1="Khong tim thay ho so $CODE cho so dien thoai nay. Ho so cua nguoi khac: TRACUU $CODE <4 so cuoi CCCD>"
LIMITED='Ban da tra cuu sai qua nhieu lan. Vui long thu lai sau.'

# what Redis holds of the owner: every key named after the phone, its
# type and its fields (not the TTLs, which run)
owner_state() {
	for k in $(redis --scan --pattern "cgw:*$B*" | sort); do
		echo "$k $(redis TYPE "$k")"
		redis HGETALL "$k" | paste - - | sort
	done
}

# the odd sender's MOs: the owner's dossier, the menu and an answer to
# it, an opt-out, and more failed lookups than the lock-out allows
odd_mos() {
	echo "mo name=o1 from=$B ton=5 npi=0 to=8088 text=\"TRACUU $CODE\""
	echo "mo from=$B ton=5 npi=0 to=8088 text=\"MENU\""
	echo "mo from=$B ton=5 npi=0 to=8088 text=\"1\""
	echo "mo from=$B ton=5 npi=0 to=8088 text=\"TU CHOI\""
	for d in 0000 0001 0002 0003 0004 0005 0006; do
		echo "mo from=$B ton=5 npi=0 to=8088 text=\"TRACUU $CODE $d\""
	done
}

# --- ignored -----------------------------------------------------------
{
	cat <<SIM
wait-bind timeout=15
# the owner: a failed lookup (a profile), an SMS menu, a USSD menu
mo from=$B to=8088 text="TRACUU 000.00.19.H56-250806-0099"
expect-submit to=$B contains="Khong tim thay"
mo from=$B to=8088 text="MENU"
expect-submit to=$B contains="1. Tra cuu ho so"
ussd from=$B to=8088 text="*8088#" op=1 its=0x0100
expect-submit to=$B ussd_op=2 contains="1. Tra cuu ho so"
wait-file path=$T/before timeout=20
SIM
	odd_mos
	cat <<SIM
expect-acked mo=o1
expect-quiet ms=1500
wait-file path=$T/after timeout=30
# the owner is neither opted out nor locked out
mo from=$B to=8088 text="TRACUU $CODE"
expect-submit to=$B contains="Dang xu ly"
expect-quiet ms=500
SIM
} >"$T/ignore.sim"

start_redis
start_sim "$T/ignore.sim"
write_config
import_samples
start_gw
wait_for 20 sh -c "grep ' SUBMIT ' '$T/sim.log' | grep -q ussd_service_op=2" ||
	fail "the owner's USSD menu did not open"
sleep 0.5
owner_state >"$T/owner.before"
grep -q ":sess:$B:s hash" "$T/owner.before" || fail "no SMS session"
grep -q ":sess:$B:u hash" "$T/owner.before" || fail "no USSD session"
grep -q ":ph:$B hash" "$T/owner.before" || fail "no profile"
touch "$T/before"
wait_for 20 sh -c "[ \$(grep -c 'is not from a phone number (alphanumeric (TON 5)): recorded, not answered' '$T/gw.log') = 11 ]" ||
	fail "not every MO of the odd sender was logged as ignored"
for s in $(seq 0 15); do
	wait_for 10 sh -c "[ \"\$($REDIS_CLI -p $REDIS_PORT ZCARD 'cgw:{s$s}:inq')\" = 0 ]" ||
		fail "MO left open in shard $s"
done
owner_state >"$T/owner.after"
cmp -s "$T/owner.before" "$T/owner.after" ||
	fail "the owner's state changed: $(diff "$T/owner.before" "$T/owner.after")"
# acknowledged, recorded as refused under a key of its own
[ "$(count_in "$T/sim.log" "MO-RESP")" -ge 14 ] || fail "MOs not acknowledged"
# (the record's addresses in its pack "m", record.c: msisdn, src, ston,
# snpi, dst ... joined by ',')
n=0
for k in $(redis --scan --pattern 'cgw:*:mo:*'); do
	m=$(redis HGET "$k" m)
	[ "$(echo "$m" | cut -d, -f3)" = 5 ] || continue
	case $(echo "$m" | cut -d, -f1) in
	x:????????????????) ;;
	*) fail "odd MO $k keyed $(echo "$m" | cut -d, -f1): $m" ;;
	esac
	[ "$(redis HGET "$k" state)" = refused ] || fail "odd MO $k not refused"
	n=$((n + 1))
done
[ "$n" = 11 ] || fail "$n odd MOs recorded"
# nothing of its own was created: no session, no profile
[ -z "$(redis --scan --pattern 'cgw:*:sess:x:*')" ] || fail "a session for it"
[ -z "$(redis --scan --pattern 'cgw:*:ph:x:*')" ] || fail "a profile for it"
# the log masks the address
grep -q 'from "84912\*\*\*78" (TON 5, NPI 0)' "$T/gw.log" || fail "not masked"
grep "not from a phone number" "$T/gw.log" | grep -q "$B" &&
	fail "the address in clear in the log"
touch "$T/after"
wait_sim 30
# no submit_sm went back to it: every one to $B answered the owner
[ "$(grep ' SUBMIT ' "$T/sim.log" | grep -c "to=$B")" = 4 ] ||
	fail "a reply went to the odd sender"
stop_gw || fail "citizengw exited with an error"

# --- its own namespace -------------------------------------------------
# (texts unlike the first part's: those are re-deliveries for two minutes)
{
	cat <<SIM
wait-bind timeout=15
mo from=$B ton=5 npi=0 to=8088 text="tra cuu $CODE"
expect-submit to=$B text="$NF1"
mo from=$B ton=5 npi=0 to=8088 text="Tu choi"
expect-submit to=$B contains="Ban da tu choi"
SIM
	for d in 1000 1001 1002 1003; do
		echo "mo from=$B ton=5 npi=0 to=8088 text=\"tra cuu $CODE $d\""
		echo "expect-submit to=$B text=\"$NF1\""
	done
	cat <<SIM
mo from=$B ton=5 npi=0 to=8088 text="tra cuu $CODE 1234"
expect-submit to=$B text="$LIMITED"
wait-file path=$T/checked timeout=20
mo from=$B to=8088 text="tra cuu $CODE"
expect-submit to=$B contains="Dang xu ly"
expect-quiet ms=500
SIM
} >"$T/ns.sim"
owner_state >"$T/owner.before"
SIM_NAME=sim2 start_sim "$T/ns.sim"
write_config 'protect = { odd_senders = "namespace"; };'
start_gw
wait_for 30 grep -q "too many failed dossier lookups" "$T/gw.log" ||
	fail "the odd sender was not locked out"
sleep 1
ph=$(redis --scan --pattern 'cgw:*:ph:x:*')
[ -n "$ph" ] || fail "no profile of its own"
[ "$(redis HGET "$ph" optout)" = 1 ] || fail "its opt-out is not its own"
[ -n "$(redis HGET "$ph" lb)" ] || fail "its lock-out is not its own"
owner_state >"$T/owner.after"
cmp -s "$T/owner.before" "$T/owner.after" ||
	fail "the owner's state changed: $(diff "$T/owner.before" "$T/owner.after")"
"$CTL" -c "$T/gw.cfg" phone 0912345678 >"$T/owner.out"
grep -q "^opted out *yes\|^lookups *refused" "$T/owner.out" &&
	fail "owner: $(cat "$T/owner.out")"
touch "$T/checked"
wait_sim 30
grep -q "(TON 5, NPI 0) is not from a phone number (alphanumeric (TON 5)): answered in a namespace of its own" "$T/gw.log" ||
	fail "namespace not logged"
# the dossier went out once: to the owner, at the end
[ "$(grep ' SUBMIT ' "$T/sim2.log" | grep -c "Dang xu ly")" = 1 ] ||
	fail "a dossier detail reached the odd sender"
stop_gw || fail "citizengw exited with an error"
pass
