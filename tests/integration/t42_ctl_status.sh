#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# citizengw-ctl status and what every command prints: the daemon's status
# (its bind BOUND with window and TPS, queues, the USSD dialog left open,
# a scheduled broadcast) as a table and as JSON with the configured
# values; --help (and -h) of every command and subcommand on stdout, exit
# 0, without a configuration; --json of every command that prints data,
# parsed; `message` and `dossier` with labels and local times; the
# documented exit codes when the daemon, then Redis, cannot be reached.
. "$(dirname "$0")/lib.sh"

TOKEN=test-token-0123456789
CTL_TIMEOUT=60
# json NAME PYTHON-EXPRESSION: NAME's output is JSON (j) for which the
# expression is true
json() {
	python3 - "$T/$1.out" "$2" <<'PY' || fail "$1: $2 is not true of: $(cat "$T/$1.out" "$T/$1.err")"
import json, sys
with open(sys.argv[1]) as f:
    j = json.load(f)
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

# --- every command explains itself: stdout, exit 0, no configuration
for cmd in import dossier "dossier status" applications message send \
	   menu "menu check" requests "requests list" "requests export" phone \
	   status broadcast "broadcast create" "broadcast list" \
	   "broadcast status" "broadcast pause" "broadcast resume" \
	   "broadcast cancel" "broadcast report" notify; do
	for h in --help -h; do
		_rc=0
		# shellcheck disable=SC2086
		"$CTL" $cmd $h >"$T/help.out" 2>"$T/help.err" || _rc=$?
		[ "$_rc" = 0 ] || fail "$cmd $h: exit $_rc: $(cat "$T/help.err")"
		[ -s "$T/help.err" ] && fail "$cmd $h wrote errors: $(cat "$T/help.err")"
		grep -q "^usage: citizengw-ctl .*${cmd%% *}" "$T/help.out" ||
			fail "$cmd $h: $(cat "$T/help.out")"
	done
done
"$CTL" --help >"$T/help.out" || fail "ctl --help"
grep -q "^  3  Redis or the daemon cannot be reached" "$T/help.out" ||
	fail "the exit codes are not in the usage: $(cat "$T/help.out")"
_rc=0
"$CTL" nosuch >/dev/null 2>&1 || _rc=$?
[ "$_rc" = 2 ] || fail "an unknown command: exit $_rc"

# --- the daemon: two USSD dialogs, one left open, one aborted
cat >"$T/ussd.sim" <<'SIM'
wait-bind timeout=15
ussd from=84912345678 to=8088 text="*8088#" op=1 its=0x0a00
expect-submit to=84912345678 ussd_op=2 its=0x0a00 contains="1. Tra cuu ho so"
ussd from=84977000111 to=8088 text="*8088#" op=1 its=0x0b00
expect-submit to=84977000111 ussd_op=2 its=0x0b00 contains="1. Tra cuu ho so"
ussd from=84977000111 to=8088 text="" op=17 its=0x0b00
expect-quiet ms=500
SIM
start_redis
start_sim "$T/ussd.sim" --linger 900000
write_config "gateway = { instance = \"gw-status\"; };
broadcast = { quiet_hours = \"\"; timezone = \"Asia/Ho_Chi_Minh\"; };"
sed -i "s/token = \"change-me\"/token = \"$TOKEN\"/; s/reconnect_delay = \"200ms\";/reconnect_delay = \"200ms\"; window = 7; tps = 25;/" "$T/gw.cfg"
import_samples
start_gw
wait_for 15 grep -q "SCRIPT PASSED" "$T/sim.log" || fail "the USSD dialogs: $(cat "$T/sim.err")"

# a broadcast scheduled tomorrow: listed, nothing sent
LATER=$(TZ=Asia/Ho_Chi_Minh date -d "@$(( $(date +%s) + 86400 ))" +%FT%T)
printf 'phone,name\n0912000001,An\n0912000002,Binh\n' >"$T/r.csv"
expect_rc 0 create broadcast create --name "Nhắc lịch" --template 'Chao {name}' \
	--csv "$T/r.csv" --schedule-at "$LATER"
B=$(sed -n 's/^created *\(b-[0-9a-f]*\), .*/\1/p' "$T/create.out")
[ -n "$B" ] || fail "no broadcast id: $(cat "$T/create.out")"

# --- status as a table
expect_rc 0 st status
has st "citizengw "
has st ", instance gw-status"
has st "Redis:    ready"
grep -q "^  main  *transceiver  *BOUND  *20[0-9-]* [0-9:]* (+07), for [0-9]*m[0-9][0-9]s  *0/7  *25$" "$T/st.out" ||
	fail "the bind's line: $(cat "$T/st.out")"
grep -q "^Started:  20[0-9-]* [0-9:]* (+07), for [0-9]*m[0-9][0-9]s$" "$T/st.out" ||
	fail "no start time: $(cat "$T/st.out")"
has st "  replies 0, broadcast 0, notices 0; MOs open 0"
has st "  USSD dialogs open at this instance: 1"
grep -q "^  $B  *Nhắc lịch  *scheduled  *0/2 (0%) *${LATER%T*} ${LATER#*T} (+07)$" "$T/st.out" ||
	fail "the scheduled broadcast: $(cat "$T/st.out")"

# --- status as JSON, with the configured values
expect_rc 0 stj status --json
json stj 'j["instance"] == "gw-status" and j["redis"] == "ready"'
json stj 'len(j["binds"]) == 1 and j["binds"][0]["id"] == "main"'
json stj 'j["binds"][0]["state"] == "BOUND" and j["binds"][0]["bound"] is True'
json stj 'j["binds"][0]["window"] == 7 and j["binds"][0]["tps"] == 25 and j["binds"][0]["in_flight"] == 0'
json stj 'j["binds"][0]["role"] == "transceiver" and j["binds"][0]["since"].endswith("+07:00")'
json stj 'j["started"].endswith("+07:00") and 0 <= j["uptime_s"] < 120'
json stj 'j["queues"] == {"replies": 0, "broadcast": 0, "open_mos": 0, "notices": 0}'
json stj 'j["sessions"] == {"ussd": 1}'
json stj '[b["id"] for b in j["broadcasts"]] == ["'"$B"'"]'
json stj 'j["broadcasts"][0]["state"] == "scheduled" and j["broadcasts"][0]["total"] == 2 and j["broadcasts"][0]["name"] == "Nhắc lịch"'

# --- --json of the other commands
expect_rc 0 dj dossier 000.00.19.H56-250806-0001 --json
json dj 'j["code"] == "000.00.19.H56-250806-0001" and j["status"] == "4" and j["id_last4"] == "1234"'
expect_rc 0 aj applications --json
json aj 'j["applications"] == [] and j["more"] is False'
expect_rc 0 rj requests list --json
json rj 'j["requests"] == []'
expect_rc 2 rx requests export --json
expect_rc 0 pj phone 0912345678 --json
json pj 'j["phone"] == "84912345678"'
expect_rc 0 blj broadcast list --json
json blj '[b["id"] for b in j["broadcasts"]] == ["'"$B"'"]'
expect_rc 0 blo broadcast list --json-output
json blo '[b["id"] for b in j["broadcasts"]] == ["'"$B"'"]'
expect_rc 0 bsj broadcast status "$B" --json
json bsj 'j["id"] == "'"$B"'" and j["counts"]["pending"] == 2'
expect_rc 0 mj menu check --json
json mj 'j["ok"] is True and j["problems"] == []'
mkdir "$T/broken"
printf 'menu main {\n  text = "x";\n  option 1 -> nowhere;\n}\n' >"$T/broken/main.menu"
expect_rc 1 mbj menu check "$T/broken" --json
json mbj 'j["ok"] is False and len(j["problems"]) >= 1 and all("message" in p for p in j["problems"])'

# --- message: labels and local times; the stored values with --json
ID=$("$CTL" -c "$T/gw.cfg" send 0912000500 "Xin chao") || fail "ctl send"
wait_for 15 sh -c "'$CTL' -c '$T/gw.cfg' message '$ID' | grep -q '^State: *delivered\|^State: *sent'" ||
	fail "not sent: $("$CTL" -c "$T/gw.cfg" message "$ID")"
expect_rc 0 msg message "$ID"
grep -q "^MT id: *$ID$" "$T/msg.out" || fail "message id: $(cat "$T/msg.out")"
grep -q "^Phone: *84912000500$" "$T/msg.out" || fail "message phone: $(cat "$T/msg.out")"
grep -q "^Created: *20[0-9-]* [0-9:]* (+07)$" "$T/msg.out" || fail "message created: $(cat "$T/msg.out")"
grep -q "^Expires: *20[0-9-]* [0-9:]* (+07)$" "$T/msg.out" || fail "message expires: $(cat "$T/msg.out")"
grep -q "[0-9]\{13\}" "$T/msg.out" && fail "epoch ms shown: $(cat "$T/msg.out")"
expect_rc 0 msgj message "$ID" --json
json msgj 'j["id"] == "'"$ID"'" and j["msisdn"] == "84912000500" and j["created"].isdigit() and len(j["created"]) == 13'
expect_rc 1 nomsg message no-such-id

# --- dossier: labels, status names
expect_rc 0 dos dossier 000.00.19.H56-250806-0001
grep -q "^Status: *4 Đang xử lý (In progress)$" "$T/dos.out" || fail "dossier status: $(cat "$T/dos.out")"
grep -q "^Received: *06/08/2025$" "$T/dos.out" || fail "dossier received: $(cat "$T/dos.out")"
grep -q "^Citizen ID, last 4: *1234$" "$T/dos.out" || fail "dossier id: $(cat "$T/dos.out")"
expect_rc 1 nodos dossier 000.00.19.H56-250806-0999
expect_rc 2 baddos dossier not-a-code

# --- Redis stopped: the daemon says so; the commands that read Redis
# exit 3
stop_redis
expect_rc 0 rdown status
has rdown "Redis:    down"
has rdown "  (unknown: Redis is not reachable)"
grep -q "^  main  *transceiver  *BOUND  " "$T/rdown.out" || fail "the bind: $(cat "$T/rdown.out")"
expect_rc 0 rdownj status --json
json rdownj 'j["redis"] == "down" and j["queues"] is None and j["broadcasts"] is None and j["binds"][0]["state"] == "BOUND"'
expect_rc 3 noredis message "$ID"
has_err() { grep -qF -- "$2" "$T/$1.err" || fail "$1: no '$2' in: $(cat "$T/$1.err")"; }
has_err noredis "citizengw-ctl: cannot connect to Redis at 127.0.0.1:$REDIS_PORT"
expect_rc 3 noredis2 dossier 000.00.19.H56-250806-0001 --json
[ -s "$T/noredis2.out" ] && fail "dossier --json printed without Redis: $(cat "$T/noredis2.out")"

# --- the daemon stopped: exit 3 and why
kill -TERM "$GW_PID"
wait_for 15 sh -c "! kill -0 $GW_PID" || fail "citizengw ignored SIGTERM"
expect_rc 3 down status
has_err down "citizengw-ctl: cannot reach citizengw at 127.0.0.1:$HTTP_PORT (http.listen in $T/gw.cfg): is the daemon running?"
expect_rc 3 downj status --json
[ -s "$T/downj.out" ] && fail "status --json printed without a daemon: $(cat "$T/downj.out")"
pass
