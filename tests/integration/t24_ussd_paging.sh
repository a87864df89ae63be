#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# A USSD screen longer than the handset shows is paged with a "more"
# choice, never cut: with diacritics kept (menus.fold_vi = false) the
# screens are UCS-2, 80 characters each; "99" brings the next page, any
# option works on any page, and a long final screen closes the session
# only with its last page.
. "$(dirname "$0")/lib.sh"

cat >"$T/page.sim" <<'SIM'
wait-bind timeout=15
ussd from=84912345678 to=8088 text="*8088#" op=1 its=0x0a00
expect-submit ussd_op=2 dc=8 text="Dịch vụ công Thái Nguyên\n1. Tra cứu hồ sơ\n2. Yêu cầu gọi lại\n99. Xem tiếp"
ussd from=84912345678 to=8088 text="99" op=18 its=0x0a00
expect-submit ussd_op=2 dc=8 text="3. Đặt lịch đến Trung tâm\n4. Đánh giá hồ sơ\n5. Góp ý\n6. Nộp hồ sơ\n9. English"
ussd from=84912345678 to=8088 text="1" op=18 its=0x0a00
expect-submit ussd_op=2 contains="Nhập mã hồ sơ"
ussd from=84912345678 to=8088 text="000.00.19.H56-250806-0001" op=18 its=0x0a00
expect-submit ussd_op=2 contains="99. Xem tiếp"
ussd from=84912345678 to=8088 text="99" op=18 its=0x0a00
expect-submit ussd_op=17 contains="20/08/2025"
expect-quiet ms=500
SIM

start_redis
start_sim "$T/page.sim"
write_config
sed -i 's/language = "vi"; };/language = "vi"; fold_vi = false; };/' "$T/gw.cfg"
import_samples
start_gw
wait_sim 40
# no USSD screen over 80 UCS-2 characters
grep " SUBMIT #" "$T/sim.log" | while IFS= read -r line; do
	printf '%s' "$line" | sed 's/.* text="\(.*\)"$/\1/; s/\\n/\n/g' | LC_ALL=C.UTF-8 wc -m
done >"$T/lengths"
[ -s "$T/lengths" ] || fail "no screens measured"
awk '$1 > 80 { bad = 1 } END { exit bad }' "$T/lengths" ||
	fail "a USSD screen over 80 characters: $(tr '\n' ' ' <"$T/lengths")"
stop_gw || fail "citizengw exited with an error"
pass
