#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The menu checker: citizengw-ctl menu check passes the shipped menus and
# reports every problem of broken ones as file:line; citizengw -t refuses
# them; a running daemon refuses them on SIGHUP and keeps its menus; a
# reload that removes the node a live session stands on restarts that
# session at the start node instead of stranding it.
. "$(dirname "$0")/lib.sh"

# --- the shipped menus pass ----------------------------------------------
"$CTL" menu check "$CGW_SRCDIR/menus" >"$T/check.out" 2>&1 ||
	fail "shipped menus refused: $(cat "$T/check.out")"
grep -q "menus OK" "$T/check.out" || fail "no OK line"

# --- broken menus: each problem with file:line -----------------------------
cp -r "$CGW_SRCDIR/menus" "$T/broken"
# a missing target, a missing translation, a screen too long, an
# unreachable node, an unknown variable (all in included files)
sed -i 's/next = "cb_confirm";/next = "cb_confirmm";/' "$T/broken/callback.cfg"
sed -i 's/en = "Which commune or ward do you live in? (0: back)";//' \
	"$T/broken/callback.cfg"
sed -i 's/vi = "Cảm ơn góp ý của bạn. Mã {ref}.";/vi = "Cảm ơn góp ý của bạn. Mã {ref}. {ref} {ref} {ref} {ref} {ref} {ref} {ref} {ref} {ref} {ref} {ref} {ref} {ref}.";/' \
	"$T/broken/feedback.cfg"
sed -i 's/{ key = "5"; label = { vi = "Góp ý"; en = "Send feedback"; }; next = "fb_text"; },//' \
	"$T/broken/main.cfg"
sed -i 's/Hẹn trả: {due}/Hẹn trả: {duedate}/' "$T/broken/lookup.cfg"
if "$CTL" menu check "$T/broken" >"$T/check.out" 2>"$T/check.err"; then
	fail "broken menus accepted"
fi
B=$T/broken
line_of() { grep -n -- "$2" "$B/$1" | head -1 | cut -d: -f1; }
for want in \
	"$B/callback.cfg:$(line_of callback.cfg cb_confirmm): node 'cb_commune': next points to 'cb_confirmm', which does not exist" \
	"$B/callback.cfg:$(line_of callback.cfg 'Bạn ở xã'): node 'cb_commune' has no 'en' text" \
	"$B/feedback.cfg:$(line_of feedback.cfg 'id = "fb_done"'): node 'fb_done' (vi): the screen is" \
	"$B/feedback.cfg:$(line_of feedback.cfg 'id = "fb_text"'): node 'fb_text' cannot be reached from the start node 'main'" \
	"$B/lookup.cfg:$(line_of lookup.cfg 'duedate'): node 'show_status': {duedate} is not a variable"
do
	grep -qF -- "$want" "$T/check.out" ||
		fail "missing '$want' in: $(cat "$T/check.out")"
done
grep -q "problems" "$T/check.err" || fail "no summary"

# an @include of a directory ("" is the menus directory itself): libconfig
# 1.5 would open it and its scanner exit the process; the checker names it
mkdir "$T/incdir"
cp "$CGW_SRCDIR/menus/"*.cfg "$T/incdir/"
sed -i '0,/^menu = {/s//@include ""\nmenu = {/' "$T/incdir/main.cfg"
rc=0
"$CTL" menu check "$T/incdir" >"$T/inc.out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "menu check of an @include of a directory: exit $rc: $(cat "$T/inc.out")"
grep -qF "$T/incdir/main.cfg:14: @include \"\": not a file" "$T/inc.out" ||
	fail "the @include of a directory not named: $(cat "$T/inc.out")"
# -c with the configuration's menus.dir works as well
start_redis
start_sim ""
write_config
sed -i "s|dir = \"$CGW_SRCDIR/menus\"|dir = \"$T/broken\"|" "$T/gw.cfg"
"$CTL" -c "$T/gw.cfg" menu check >"$T/check2.out" 2>/dev/null &&
	fail "menu check -c accepted broken menus"
cmp -s "$T/check.out" "$T/check2.out" ||
	fail "menu check -c differs: $(cat "$T/check2.out")"

# --- the daemon refuses them at start and with -t ----------------------------
"$GW" -t -c "$T/gw.cfg" >"$T/t.out" 2>&1 && fail "citizengw -t accepted broken menus"
grep -qF "node 'cb_commune': next points to 'cb_confirmm'" "$T/t.out" ||
	fail "-t does not name the problem: $(cat "$T/t.out")"
"$GW" -c "$T/gw.cfg" >"$T/start.out" 2>&1 && fail "citizengw started with broken menus"
grep -qF "problems in the menus" "$T/start.out" || fail "no refusal at start"

# --- SIGHUP: refused menus keep the old tree; a vanished node restarts ---------
cp -r "$CGW_SRCDIR/menus" "$T/live"
sed -i "s|dir = \"$T/broken\"|dir = \"$T/live\"|" "$T/gw.cfg"
kill "$SIM_PID"
cat >"$T/hup.sim" <<SIM
wait-bind timeout=15
ussd from=84912345678 to=8088 text="*8088#" op=1 its=0x0100
expect-submit ussd_op=2 contains="2. Yeu cau goi lai"
ussd from=84912345678 to=8088 text="2" op=18 its=0x0100
expect-submit ussd_op=2 contains="4. Viec khac"
wait-file path=$T/broken-loaded timeout=20
# the reload was refused: the session goes on in the old menus
ussd from=84912345678 to=8088 text="4" op=18 its=0x0100
expect-submit ussd_op=2 text="Ban o xa/phuong nao? (0: quay lai)"
wait-file path=$T/renamed-loaded timeout=20
# cb_commune is gone: the answer restarts the session at the start node
ussd from=84912345678 to=8088 text="Phuc Xuan" op=18 its=0x0100
expect-submit ussd_op=2 contains="1. Tra cuu ho so"
ussd from=84912345678 to=8088 text="2" op=18 its=0x0100
expect-submit ussd_op=2 contains="4. Viec khac"
ussd from=84912345678 to=8088 text="4" op=18 its=0x0100
expect-submit ussd_op=2 text="Ban o xa/phuong nao? (0: quay lai)"
expect-quiet ms=500
SIM
start_sim "$T/hup.sim"
write_config
sed -i "s|dir = \"$CGW_SRCDIR/menus\"|dir = \"$T/live\"|" "$T/gw.cfg"
start_gw
wait_for 20 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge 2 ]" ||
	fail "the session did not start"
cp "$T/broken/"*.cfg "$T/live/"
kill -HUP "$GW_PID"
wait_for 10 grep -q "SIGHUP: menus not reloaded" "$T/gw.log" ||
	fail "broken menus not refused on SIGHUP"
grep -qF "node 'cb_commune': next points to 'cb_confirmm'" "$T/gw.log" ||
	fail "SIGHUP refusal does not name the problem"
touch "$T/broken-loaded"
wait_for 20 sh -c "[ \$(grep -c ' SUBMIT #' '$T/sim.log') -ge 3 ]" ||
	fail "no answer after the refused reload"
cp "$CGW_SRCDIR/menus/"*.cfg "$T/live/"
sed -i 's/cb_commune/cb_where/g' "$T/live/callback.cfg"
"$CTL" menu check "$T/live" >/dev/null || fail "renamed menus do not pass"
kill -HUP "$GW_PID"
wait_for 10 grep -q "SIGHUP: menus reloaded" "$T/gw.log" ||
	fail "menus not reloaded"
touch "$T/renamed-loaded"
wait_sim 40
kill -0 "$GW_PID" || fail "citizengw died"
stop_gw || fail "citizengw exited with an error"
pass
