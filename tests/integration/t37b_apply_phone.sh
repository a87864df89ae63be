#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# An application on the phone emulator, keyed as a citizen would: *8088#,
# 6 (Nộp hồ sơ), 1 (copy of a birth extract), the ID with the spaces a
# keypad leaves, 2 copies, the summary, 1 to file; then by SMS a HONNHAN
# application and TRACUU of the USSD one's code.
. "$(dirname "$0")/lib.sh"

DAY=$(date -u -d '+7 hours' +%y%m%d)
C="000.00.19.H56-$DAY"
cat >"$T/keys.txt" <<KEYS
*8088#
6
1
001 203 012 345
2
1
:sms
HONNHAN 001203012345 05/03/2003 Nguyễn Văn An
TRACUU $C-0001
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
start_gw
wait_sim 60

out=$T/phone.out
expect_line() {
	grep -qF -- "$1" "$out" || fail "no line '$1' in: $(cat "$out")"
}
expect_line "  | 6. Nop ho so                       |"
expect_line "  | Chon thu tuc can nop:              |"
expect_line "  | 1. Ban sao khai sinh               |"
expect_line "  | CCCD: ********2345                 |"
expect_line "  | So ban: 2                          |"
expect_line "  | Le phi: 8.000d/ban                 |"
expect_line "  +- USSD, session ends ---------------+"
expect_line "84912345678 sends an SMS: HONNHAN 001203012345 05/03/2003 Nguyễn Văn An"
# the screens' text without the boxes (the emulator wraps at 34)
flat=$(sed -n 's/^  | \(.*\) *|$/\1/p' "$out" | tr -d ' \n')
has() {
	case $flat in *"$1"*) ;; *) fail "no '$1' in: $(cat "$out")" ;; esac
}
# the end screen, and the SMS that keeps the code
has "DanhanhosoBansaokhaisinh,ma$C-0001.Phi8.000d/ban.NhanKQtu"
has "Tracuu:TRACUU000.00.19.H56-"
# the SMS application, and the lookup of the USSD one's code
has "DanhanhosoXacnhanhonnhan,ma$C-0002.Phi15.000d."
has "Hoso$C-0001(CapbansaoTrichluckhaisinh):Duoctiepnhan."
stop_gw || fail "citizengw exited with an error"
pass
