#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Staff broadcast with citizengw-ctl, through the daemon's HTTP API (http
# listening on 0.0.0.0: the ctl goes to 127.0.0.1): a small CSV checked
# (dry run: nothing sent) then sent, its summary as printed; a large CSV
# (60,000 recipients, quoted fields with line breaks, rejected lines) in
# parts, every recipient at the simulator exactly once, the rejected lines
# with their line in the file; status --follow to the end (plain lines,
# not a terminal); pause, resume, cancel and the 409s; the report, one row
# per recipient; notify re-sends a dossier's notice; and what staff see
# with a wrong token or no daemon.
. "$(dirname "$0")/lib.sh"

TOKEN=test-token-0123456789
submits_to() {	# accepted submits to a phone
	grep -c " SUBMIT #.*status=0x00000000 to=$1 " "$T/sim.log" || true
}
created_id() {	# the id on the "created" line of a summary
	sed -n 's/^created *\(b-[0-9a-f]*\), .*/\1/p' "$T/$1.out"
}

cat >"$T/optout.sim" <<'SIM'
wait-bind timeout=15
mo from=84912000009 to=8088 text="TU CHOI"
expect-submit to=84912000009
SIM
start_redis
start_sim "$T/optout.sim" --receipts both --receipt-delay 20 --linger 900000
write_config "broadcast = { quiet_hours = \"\"; };"
sed -i "s/token = \"change-me\"/token = \"$TOKEN\"; insecure = true/; s/listen = \"127.0.0.1:/listen = \"0.0.0.0:/; s/reconnect_delay = \"200ms\";/reconnect_delay = \"200ms\"; tps = 0;/" "$T/gw.cfg"
start_gw
wait_for 15 grep -q "SCRIPT PASSED" "$T/sim.log" || fail "TU CHOI not answered"

# --- every command explains itself, without a configuration
for cmd in "broadcast create" "broadcast list" "broadcast status" \
	   "broadcast pause" "broadcast report" "notify"; do
	# shellcheck disable=SC2086
	"$CTL" $cmd --help >"$T/help.out" 2>&1 || fail "$cmd --help failed"
	grep -q "^usage: citizengw-ctl -c FILE $cmd" "$T/help.out" ||
		fail "$cmd --help: $(cat "$T/help.out")"
done

# --- a small list: checked, then sent
printf '%s\n' 'phone,name,note' '0912000001,An,"hai' 'dong"' \
	'0912000002,Bình,"co ""ngoac"""' '12345,Sai,y' '0912000002,Bình,lap' \
	'0912000009,Tu Choi,z' ',Khong,w' >"$T/small.csv"
make_small() {	# make_small NAME [ARGS...]
	_n=$1
	shift
	expect_rc 1 "$_n" broadcast create --name "Nhắc lịch" \
		--template 'Xin chao {name}, {note}' --csv "$T/small.csv" \
		--rate 100 "$@"
}
make_small dry --dry-run
has dry "recipients  3 accepted, 1 duplicate, 1 opted out, 2 rejected"
has dry 'rejected    line 5: "12345": not a Vietnamese mobile number'
has dry 'rejected    line 8: "": no phone number'
# the phone that opted out costs nothing: 2 messages for 3 accepted
has dry "cost        2 messages, 2 segments; gsm7: 2 messages, 2 segments"
has dry "sample      84912000001 (gsm7, 1 segment): Xin chao An, hai"
has dry 'sample      84912000002 (gsm7, 1 segment): Xin chao Binh, co "ngoac"'
has dry "created     nothing (dry run)"
make_small dryjson --dry-run --json-output
grep -q '^{"id":"b-[0-9a-f]*","dry_run":true,.*"invalid_count":2' "$T/dryjson.out" ||
	fail "--json-output: $(cat "$T/dryjson.out")"
sleep 1
[ "$(submits_to 84912000001)" = 0 ] || fail "a dry run was sent"

make_small small
has small "recipients  3 accepted, 1 duplicate, 1 opted out, 2 rejected"
has small 'rejected    line 8: "": no phone number'
S=$(created_id small)
[ -n "$S" ] || fail "no id in: $(cat "$T/small.out")"
expect_rc 0 follow_s broadcast status "$S" --follow
[ "$(submits_to 84912000001)" = 1 ] && [ "$(submits_to 84912000002)" = 1 ] ||
	fail "small: $(submits_to 84912000001) and $(submits_to 84912000002) sent"
[ "$(grep -c ' SUBMIT #.*to=84912000009 ' "$T/sim.log")" = 1 ] ||
	fail "the phone that opted out got the broadcast"
grep -q 'MESSAGE .* to=84912000001 .*text="Xin chao An, hai\\ndong"' "$T/sim.log" ||
	fail "the quoted line break is not in the text"

# nothing valid, and a template that names what the list lacks
printf 'phone,name\n123,X\n' >"$T/none.csv"
expect_rc 1 none broadcast create --name N --template 'Chao {name}' \
	--csv "$T/none.csv"
has none "created     nothing: no valid recipient"
has none "no valid recipient: nothing to send"
has none 'rejected    line 2: "123"'
expect_rc 2 tpl broadcast create --name N --template 'Chao {ten}' \
	--csv "$T/small.csv"
has tpl "citizengw-ctl: template: unknown variable {ten}"
printf '[{"phone": "0912000003", "name": "Chi"}, {"phone": "1"}]\n' >"$T/r.json"
expect_rc 1 json broadcast create --name J --template 'Chao {name}' \
	--json "$T/r.json" --dry-run
has json "recipients  1 accepted, 0 duplicates, 0 opted out, 1 rejected"
has json 'rejected    item 2: "1": not a Vietnamese mobile number'

# --- pause, resume, cancel: 2 a second
i=100
printf 'phone\n' >"$T/slow.csv"
while [ $i -lt 140 ]; do
	printf '0912000%03d\n' $i >>"$T/slow.csv"
	i=$((i + 1))
done
expect_rc 0 slow broadcast create --name Cham --template 'Tin cham' \
	--csv "$T/slow.csv" --rate 2
P=$(created_id slow)
wait_for 10 sh -c "grep -q ' SUBMIT #.*to=849120001' '$T/sim.log'" ||
	fail "$P did not start"
expect_rc 0 pause broadcast pause "$P"
has pause "$P: paused"
expect_rc 1 pause2 broadcast pause "$P"
has pause2 "citizengw-ctl: broadcast $P is paused: it cannot be paused"
expect_rc 0 resume broadcast resume "$P"
has resume "$P: running"
expect_rc 0 cancel broadcast cancel "$P"
has cancel "$P: cancelled"
expect_rc 1 resume2 broadcast resume "$P"
has resume2 "citizengw-ctl: broadcast $P is cancelled: it cannot be resumed"
expect_rc 1 nosuch broadcast status b-00000000
has nosuch "citizengw-ctl: no broadcast b-00000000"
expect_rc 0 list broadcast list
grep -q "^$P  *Cham  *cancelled  " "$T/list.out" ||
	fail "list: $(cat "$T/list.out")"
grep -q "^$S  *Nhắc lịch  *done  *100%  0/2/0 " "$T/list.out" ||
	fail "list: $(cat "$T/list.out")"

# --- a large list in parts: 60,000 recipients, a quoted line break in
# every thousandth, three rejected lines, one phone twice
awk -v expfile="$T/expected" 'BEGIN {
	print "phone,name,note"; line = 2
	for (i = 1; i <= 60000; i++) {
		if (i % 1000 == 0) {
			printf "0915%06d,N%d,\"dong \"\"mot\"\"\nDong hai\"\n", i, i
			line += 2
		} else {
			printf "0915%06d,N%d,x\n", i, i
			line++
		}
		if (i == 20000) { print "0123,Sai,x"; print line > expfile; line++ }
		if (i == 30000) { print "0915000001,Lap,x"; line++ }
		if (i == 45500) {
			print "0915abc,Sai,\"x\nY\""; print line > expfile; line += 2
		}
	}
	print "99,Cuoi,z"; print line > expfile
}' >"$T/large.csv"
expect_rc 1 large broadcast create --name Lon --template 'Chao {name}' \
	--csv "$T/large.csv" --rate 10000 --part-size 65536
has large "recipients  60000 accepted, 1 duplicate, 0 opted out, 3 rejected"
set -- 0123 0915abc 99
for line in $(cat "$T/expected"); do
	has large "rejected    line $line: \"$1\": not a Vietnamese mobile number"
	shift
done
L=$(created_id large)
parts=$(grep -c "POST /api/broadcasts/$L/recipients -> 200" "$T/gw.log" || true)
[ "$parts" -ge 15 ] || fail "the large list went in $parts parts"
expect_rc 0 follow broadcast status "$L" --follow
grep -q "$(printf '\r')" "$T/follow.out" && fail "--follow drew on a file"
grep -q '^100% done: pending 0, queued 0, sent 0, delivered 60000, failed 0' "$T/follow.out" ||
	fail "follow: $(tail -3 "$T/follow.out")"
[ -z "$(grep '% ' "$T/follow.out" | uniq -d)" ] ||
	fail "follow printed a line twice in a row"
has follow "state       done"
has follow "progress    100% (recipients with a final state)"
accepted_per_phone | grep ' 84915' >"$T/large.sent"
[ "$(wc -l <"$T/large.sent")" = 60000 ] ||
	fail "$(wc -l <"$T/large.sent") of 60000 phones got the broadcast"
[ -z "$(awk '$1 != 1' "$T/large.sent")" ] ||
	fail "sent twice: $(awk '$1 != 1' "$T/large.sent" | head -3)"

# --- the report: one row per recipient, for Excel (BOM)
expect_rc 0 report broadcast report "$L" -o "$T/report.csv"
[ "$(head -c 3 "$T/report.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] ||
	fail "the report has no BOM"
[ "$(grep -c '^84915[0-9]*,delivered,DELIVRD,' "$T/report.csv")" = 60000 ] ||
	fail "report: $(grep -c '^84915' "$T/report.csv") rows"
ctl report_out broadcast report "$S" || fail "report to stdout"
cmp -s "$T/report_out.out" "$T/report.csv" && fail "two reports alike"
grep -q '^84912000009,opted_out,' "$T/report_out.out" ||
	fail "small report: $(cat "$T/report_out.out")"
expect_rc 1 noreport broadcast report b-00000000 -o "$T/none.csv.out"
[ -e "$T/none.csv.out" ] && fail "a report file for no broadcast"

# --- a dossier's notice again
import_samples
D=000.00.19.H56-250806-0001
sleep 1
before=$(grep -c "MESSAGE .* to=84912345678 .*$D" "$T/sim.log" || true)
expect_rc 0 notify notify "$D"
has notify "$D: notice queued"
wait_for 10 sh -c "[ \$(grep -c 'MESSAGE .* to=84912345678 .*$D' '$T/sim.log') -gt $before ]" ||
	fail "notify sent nothing"
expect_rc 1 notify404 notify 000.00.19.H56-250806-0999
has notify404 "citizengw-ctl: no dossier 000.00.19.H56-250806-0999"

# --- a wrong token; no daemon
sed "s/$TOKEN/wrong-token-0123456789/" "$T/gw.cfg" >"$T/bad.cfg"
_rc=0
"$CTL" -c "$T/bad.cfg" broadcast list >"$T/bad.out" 2>&1 || _rc=$?
[ "$_rc" = 2 ] || fail "wrong token: exit $_rc"
grep -qF "citizengw-ctl: the token in $T/bad.cfg is refused" "$T/bad.out" ||
	fail "wrong token: $(cat "$T/bad.out")"
stop_gw || fail "citizengw exited with an error on SIGTERM"
expect_rc 3 down broadcast status "$S"
has down "citizengw-ctl: cannot reach citizengw at 127.0.0.1:$HTTP_PORT (http.listen in $T/gw.cfg): is the daemon running?"
pass
