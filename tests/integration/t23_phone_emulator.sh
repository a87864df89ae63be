#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# citizengw-sim phone: a feature phone on the terminal, here with its
# keypresses piped in. It is the SMS centre the daemon binds to; each line
# goes once the previous answer arrived; screens print as boxes; USSD and
# SMS mode switch with :ussd / :sms; it exits 0 at the end of the input.
. "$(dirname "$0")/lib.sh"

cat >"$T/keys.txt" <<'KEYS'
*8088#
1
000.00.19.H56-250806-0001
2
:sms
TRACUU 000.00.19.H56-250806-0001
MENU
5
Rất tốt
:ussd
*8088#
2
end
KEYS

start_redis
rm -f "$T/sim.port"
"$SIM" phone --msisdn 0912345678 --listen 127.0.0.1:0 \
	--port-file "$T/sim.port" --pdu-log "$T/sim.log" <"$T/keys.txt" \
	>"$T/phone.out" 2>"$T/phone.err" &
SIM_PID=$!
PIDS="$PIDS $SIM_PID"
wait_for 10 test -s "$T/sim.port" || fail "the phone did not start"
SIM_PORT=$(cat "$T/sim.port")
write_config
import_samples
start_gw
wait_sim 60

out=$T/phone.out
expect_line() {
	grep -qF -- "$1" "$out" || fail "no line '$1' in: $(cat "$out")"
}
expect_line "Phone 84912345678, USSD mode. Waiting for citizengw to bind..."
expect_line "84912345678 dials *8088#"
expect_line "  +- USSD, reply 1..9 -----------------+"
expect_line "  | Dich vu cong Thai Nguyen           |"
expect_line "  | 9. English                         |"
expect_line "84912345678 answers: 000.00.19.H56-250806-0001"
expect_line "  +- USSD, session ends ---------------+"
expect_line "  | Trang thai: Dang xu ly             |"
# after the session ended, "2" is not sent: there is nothing to answer
expect_line "(no USSD session: dial the service code"
expect_line "(SMS mode)"
expect_line "84912345678 sends an SMS: TRACUU 000.00.19.H56-250806-0001"
expect_line "  +- SMS from 8088 --------------------+"
expect_line "84912345678 sends an SMS: Rất tốt"
expect_line "  | Cam on gop y cua ban. Ma           |"
expect_line "(USSD mode)"
expect_line "84912345678 hangs up"
# the order: each screen right after what the citizen keyed
[ "$(grep -c -- "-+$" "$out")" -ge 10 ] || fail "too few screens"
awk '/dials/ {d++} /answers: 2$/ {a=1} END {exit !(d == 2 && a == 1)}' "$out" ||
	fail "dial/answer lines: $(cat "$out")"
# the feedback typed on the phone is recorded as typed
"$CTL" -c "$T/gw.cfg" requests list >"$T/list.out"
grep -q "text=Rất tốt" "$T/list.out" || fail "feedback: $(cat "$T/list.out")"
# the hang-up was an abort: the session is closed, nothing answered it
sess=$(redis --scan --pattern 'cgw:*:sess:84912345678:u' | head -1)
[ "$(redis HGET "$sess" node)" = "" ] || fail "USSD session still open"
stop_gw || fail "citizengw exited with an error"
pass
