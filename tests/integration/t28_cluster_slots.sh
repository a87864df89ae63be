#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Ready for Redis Cluster: every script call touches one hash slot. A
# representative run (import, SMS lookups, an application filed by SMS, a
# USSD procedure with its SMS copy and request record, a multipart MO,
# long replies in parts with receipts, an incomplete multipart MO claimed
# after its timeout, a message queued by citizengw-ctl, a dossier's status
# changed through the API with its notice, another's set with a reason,
# the applications listed, a broadcast sent and another cancelled, a
# re-delivery after the link dropped, a response late, a receipt before
# its submit_sm_resp) is
# watched with MONITOR, and tests/slotcheck checks the keys each call
# declares and every key its commands touch (a transaction's, MULTI to EXEC,
# all in one slot) against the cluster slot rule
# (CRC16 of the {hash tag}).
. "$(dirname "$0")/lib.sh"

A=84912345678
long="Thong bao [UBND xa Phuc Xuan]: le phi 50.000 dong nop tai quay so 3."
long="$long $long $long"
cat >"$T/run.sim" <<SIM
wait-bind timeout=15
wait-file path=$T/paused timeout=20
mo name=l from=84944000666 to=8088 text="xin chao"
expect-acked mo=l timeout=10
expect-submit to=84944000666 contains="TRACUU"
mo from=$A to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-submit to=$A contains="Dang xu ly"
mo from=84933000444 to=8088 text="BANSAO 001203012345"
expect-message to=84933000444 contains="Da nhan ho so"
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
expect-message to=84912345678 contains="can bo sung: vui long lien he"
expect-message contains="000.00.19.H56-250806-0002"
expect-message to=84911000001 text="Nhac lich"
expect-message to=84911000002 text="Nhac lich"
mo name=r from=84988000555 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-acked mo=r
expect-message to=84988000555
sleep 300
drop
wait-bind timeout=15
redeliver mo=r
expect-acked mo=r
set resp-delay=400
mo name=e from=84999000777 to=8088 text="xin chao"
expect-acked mo=e
expect-message to=84999000777
set resp-delay=0
sleep 1500
SIM

start_redis
start_monitor
start_sim "$T/run.sim" --receipts both --receipt-delay 100
# mo_ack_timeout 1 s: the connections' keys (gw/acks.c's beat) fall within
# the watch however fast the run goes (at 5 s they did only when the part
# before the drop took longer than that); the drop 300 ms after r's
# response still makes its copy a re-delivery
write_config "gateway = { concat_timeout = \"2s\"; mo_ack_timeout = \"1s\"; };
broadcast = { quiet_hours = \"\"; };"
import_samples
start_gw
# every client waits 1.5 s, longer than mo_ack_timeout: the first MO's
# response goes out late, so its commit's mark is taken back (fp_unmark)
pause_redis_bound 1500 ALL
wait_for 30 grep -q "MESSAGE .*to=84966000222" "$T/sim.log" ||
	fail "the incomplete multipart MO was not answered"
"$CTL" -c "$T/gw.cfg" send 0955000333 "$long" --no-fold >"$T/send.out" ||
	fail "ctl send failed"
# the staff side: a new status (its notice), a broadcast, one cancelled
api() {
	curl -sS -o "$T/api.out" -w '%{http_code}' -H "Authorization: Bearer change-me" \
		-H "Content-Type: application/json" "$@"
}
[ "$(api -X PUT -d '{"phone": "0912345678", "status": 5, "procedure": "Cap ban sao", "agency": "UBND xa Phuc Xuan", "received_at": "2025-08-06", "due_at": "2025-08-20", "id_last4": "1234"}' \
	"http://127.0.0.1:$HTTP_PORT/api/dossiers/000.00.19.H56-250806-0001")" = 200 ] ||
	fail "dossier PUT: $(cat "$T/api.out")"
[ "$(api -X POST "http://127.0.0.1:$HTTP_PORT/api/dossiers/000.00.19.H56-250806-0002/notify")" = 200 ] ||
	fail "notify: $(cat "$T/api.out")"
# a status set with its reason (no second notice), the applications
[ "$(api -X POST -d '{"status": 8, "reason": "Theo yeu cau", "notify": false}' \
	"http://127.0.0.1:$HTTP_PORT/api/dossiers/000.00.19.H56-250901-0003/status")" = 200 ] ||
	fail "dossier status: $(cat "$T/api.out")"
[ "$(api "http://127.0.0.1:$HTTP_PORT/api/applications?status=2")" = 200 ] ||
	fail "applications: $(cat "$T/api.out")"
recips='[{"phone": "0911000001"}, {"phone": "0911000002"}]'
[ "$(api -X POST -d "{\"name\": \"s\", \"template\": \"Nhac lich\", \"recipients\": $recips}" \
	"http://127.0.0.1:$HTTP_PORT/api/broadcasts")" = 201 ] ||
	fail "broadcast: $(cat "$T/api.out")"
[ "$(api -X POST -d "{\"name\": \"c\", \"template\": \"Hen\", \"rate\": 1, \"schedule_at\": \"$(date -d '+30 days' +%F)T00:00:00+07:00\", \"expires_at\": \"$(date -d '+31 days' +%F)T00:00:00+07:00\", \"recipients\": $recips}" \
	"http://127.0.0.1:$HTTP_PORT/api/broadcasts")" = 201 ] ||
	fail "scheduled broadcast: $(cat "$T/api.out")"
c=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$T/api.out")
[ "$(api -X POST "http://127.0.0.1:$HTTP_PORT/api/broadcasts/$c/cancel")" = 200 ] ||
	fail "cancel: $(cat "$T/api.out")"
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
	sha=$("$CTL" -c "$T/gw.cfg" script --sha "$s")
	[ -n "$sha" ] || fail "no SHA1 for script $s"
	case $s in
	mt_part) ;;	# only for parts answered before the last one
	fp_forget) ;;	# only after a commit that failed (t21c, t21d); one key
	sess_restore) ;;	# only after a lean step that raced (t21e); one key
	*) grep -q "\"EVALSHA\" \"$sha\"" "$T/monitor.out" ||
		fail "script $s never ran in this watch" ;;
	esac
done
pass
