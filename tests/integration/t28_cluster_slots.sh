#!/bin/sh
# Ready for Redis Cluster: every script call touches one hash slot. A
# representative run (import, SMS lookups, a USSD procedure with its SMS
# copy and request record, a multipart MO, long replies in parts with
# receipts, an incomplete multipart MO claimed after its timeout, a
# message queued by citizengw-ctl) is watched with MONITOR, and
# tests/slotcheck checks the keys each call declares and every key its
# commands touch against the cluster slot rule (CRC16 of the {hash tag}).
. "$(dirname "$0")/lib.sh"

A=84912345678
long="Thong bao [UBND xa Phuc Xuan]: le phi 50.000 dong nop tai quay so 3."
long="$long $long $long"
cat >"$T/run.sim" <<SIM
wait-bind timeout=15
mo from=$A to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-submit to=$A contains="Dang xu ly"
ussd from=$A to=8088 text="*8088#" op=1 its=0x0100
expect-submit to=$A ussd_op=2 contains="2. Yeu cau goi lai"
ussd from=$A to=8088 text="2" op=18 its=0x0100
expect-submit ussd_op=2 contains="1. Nop ho so truc tuyen"
ussd from=$A to=8088 text="1" op=18 its=0x0100
expect-submit ussd_op=2 text="Ban o xa/phuong nao? (0: quay lai)"
ussd from=$A to=8088 text="Phuc Xuan" op=18 its=0x0100
expect-submit ussd_op=2 contains="1. Dong y"
ussd from=$A to=8088 text="1" op=18 its=0x0100
expect-submit to=$A ussd_op=17 contains="ma GL"
expect-submit to=$A ussd_op=-1 contains="ma GL"
mo name=q from=84977000111 to=8088 dc=8 text="Tra cứu 000.00.19.H56-250806-0001" parts=3 order=3,1,2
expect-acked mo=q
expect-message to=84977000111 contains="Ho so"
mo name=i from=84966000222 to=8088 text="TRACUU 000.00.19.H56-250806-0001" parts=3 order=1,3 concat=udh16
expect-acked mo=i
expect-message to=84966000222 contains="TRACUU" timeout=15
wait-file path=$T/sent timeout=30
expect-message to=84955000333 parts=2 text="$long"
sleep 1500
SIM

start_redis
redis MONITOR >"$T/monitor.out" 2>&1 &
MON=$!
PIDS="$PIDS $MON"
start_sim "$T/run.sim" --receipts both --receipt-delay 100
write_config "gateway = { concat_timeout = \"2s\"; };"
import_samples
start_gw
wait_for 30 grep -q "MESSAGE .*to=84966000222" "$T/sim.log" ||
	fail "the incomplete multipart MO was not answered"
"$CTL" -c "$T/gw.cfg" send 0955000333 "$long" --no-fold >"$T/send.out" ||
	fail "ctl send failed"
touch "$T/sent"
wait_sim 60
sleep 1.5	# the recovery claims run once a second: watch a few
stop_gw || fail "citizengw exited with an error on SIGTERM"
kill "$MON" 2>/dev/null || true
sleep 0.2

"$CGW_BUILDDIR/tests/slotcheck" <"$T/monitor.out" >"$T/slotcheck.out" ||
	fail "slot check: $(tail -n 20 "$T/slotcheck.out")"
cat "$T/slotcheck.out"
# every script of the store ran at least once in this watch
for s in $(ls "$CGW_SRCDIR/src/store/lua/" | sed -n 's/\.lua$//p'); do
	sha=$(sed -n "s/^#define ${s}_sha \"\(.*\)\"/\1/p" \
		"$CGW_BUILDDIR/src/store/lua_scripts.c")
	[ -n "$sha" ] || fail "no SHA1 for script $s"
	case $s in
	mt_part) ;;	# only for parts answered before the last one
	*) grep -q "\"EVALSHA\" \"$sha\"" "$T/monitor.out" ||
		fail "script $s never ran in this watch" ;;
	esac
done
pass
