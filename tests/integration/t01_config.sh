#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# citizengw -t: 0 for a valid file, 1 with "file:line: setting: message"
# for each kind of mistake an operator makes, every mistake of a file at
# once; relative paths are relative to the file, not to the working
# directory; the reference in docs/ is the one the binary prints.
. "$(dirname "$0")/lib.sh"

good() {
	cat >"$T/c.cfg" <<CFG
redis = { host = "127.0.0.1"; port = 6379; };
smsc = ( { id = "main"; host = "127.0.0.1"; port = 2775;
           system_id = "citizengw"; password = "secret";
           bind = "transceiver"; source_addr = "8088"; } );
ussd = { service_code = "*8088#"; };
menus = { dir = "menus"; language = "vi"; };
http = { listen = "127.0.0.1:8088"; token = "change-me"; };
CFG
}

# expect_error "LINE: TEXT" : -t must fail and print file:LINE: ...TEXT
expect_error() {
	if "$GW" -t -c "$T/c.cfg" >"$T/t.out" 2>&1; then
		fail "accepted a bad file: $(cat "$T/c.cfg")"
	fi
	grep -qF "$T/c.cfg:$1" "$T/t.out" ||
		fail "wanted '$T/c.cfg:$1', got: $(cat "$T/t.out")"
}

# the configuration of the issue, with menus = "menus" found next to the
# file, whatever the working directory (here /, and a relative -c)
good
ln -s "$CGW_SRCDIR/menus" "$T/menus"
(cd / && "$GW" -t -c "$T/c.cfg") >"$T/t.out" 2>&1 ||
	fail "valid file refused: $(cat "$T/t.out")"
grep -q "configuration and menus OK" "$T/t.out" || fail "no OK line"
(cd "$T" && "$GW" -t -c c.cfg) >"$T/t.out" 2>&1 ||
	fail "valid file refused by a relative name: $(cat "$T/t.out")"
# citizengw-ctl reads the same directory, from anywhere
(cd / && "$CTL" -c "$T/c.cfg" menu check) >"$T/t.out" 2>&1 ||
	fail "ctl menu check refused: $(cat "$T/t.out")"
grep -qF "$T/menus: menus OK" "$T/t.out" ||
	fail "ctl did not check the menus next to the file: $(cat "$T/t.out")"
# a menus/ in the working directory is not the one of the file
mkdir "$T/elsewhere"
cp "$T/c.cfg" "$T/elsewhere/c.cfg"
sed -i 's|dir = "menus"|dir = "menus-of-t01"|' "$T/elsewhere/c.cfg"
ln -s "$CGW_SRCDIR/menus" "$T/menus-of-t01"
(cd "$T" && "$GW" -t -c elsewhere/c.cfg) >"$T/t.out" 2>&1 &&
	fail "menus taken from the working directory: $(cat "$T/t.out")"
grep -qF "$T/elsewhere/menus-of-t01/main.cfg" "$T/t.out" ||
	fail "the menus next to the file not named: $(cat "$T/t.out")"
# the shipped sample, installed in a directory of its own with the menus
# beside it
mkdir "$T/etc"
cp "$CGW_SRCDIR/conf/citizengw.cfg" "$T/etc/"
ln -s "$CGW_SRCDIR/menus" "$T/etc/menus"
(cd / && "$GW" -t -c "$T/etc/citizengw.cfg") >"$T/t.out" 2>&1 ||
	fail "conf/citizengw.cfg refused: $(cat "$T/t.out")"

good; sed -i 's/host = "127.0.0.1"; port = 6379;/hots = "x";/' "$T/c.cfg"
expect_error "1: redis.hots: unknown setting, did you mean 'host'?"
good; sed -i 's/port = 2775;/port = 70000;/' "$T/c.cfg"
expect_error "2: smsc.[0].port: 70000 is out of range 1..65535"
good; sed -i 's/bind = "transceiver";/bind = "both";/' "$T/c.cfg"
expect_error "4: smsc.[0].bind: 'both' is not one of: transceiver, transmitter+receiver"
good; sed -i 's/port = 6379;/port = "6379";/' "$T/c.cfg"
expect_error "1: redis.port: expects a number without quotes"
good; sed -i 's/system_id = "citizengw";//' "$T/c.cfg"
expect_error "2: smsc.[0]: 'system_id' is required"
good; sed -i 's/token = "change-me";/token = ;/' "$T/c.cfg"
expect_error "7: syntax error (the file is read no further"
good; printf 'log = { level = "loud"; };\n' >>"$T/c.cfg"
"$GW" -t -c "$T/c.cfg" >"$T/t.out" 2>&1 && fail "bad log level accepted"
grep -q "log.level" "$T/t.out" || fail "log.level error not named"
good; sed -i 's|dir = "menus"|dir = "/nonexistent"|' "$T/c.cfg"
"$GW" -t -c "$T/c.cfg" >"$T/t.out" 2>&1 && fail "missing menus accepted"
grep -q "/nonexistent/main.cfg" "$T/t.out" || fail "missing menu file not named"
"$GW" -t -c "$T/missing.cfg" >"$T/t.out" 2>&1 && fail "missing file accepted"
grep -q "missing.cfg: cannot read" "$T/t.out" || fail "missing file not reported"

# a file with many mistakes: every one, with its line, exit status 1
cat >"$T/many.cfg" <<'CFG'
redis = { hots = "127.0.0.1"; port = 70000; };
smsc = ( { id = "main"; host = "127.0.0.1"; system_id = "citizengw";
           windw = 5; bind = "both"; },
         { id = "main"; host = "b"; system_id = "x"; tsp = 10; } );
ussd = { servce_code = "*8088#"; };
menu = { dir = "menus"; };
log = { level = "loud"; target = "syslog"; facility = "local9"; };
CFG
rc=0
"$GW" -t -c "$T/many.cfg" >"$T/t.out" 2>"$T/t.err" || rc=$?
[ "$rc" = 1 ] || fail "-t exit status $rc for a bad file, want 1"
[ -s "$T/t.out" ] && fail "mistakes on stdout: $(cat "$T/t.out")"
M="$T/many.cfg"
cat >"$T/want" <<WANT
$M:1: redis.hots: unknown setting, did you mean 'host'?
$M:1: redis.port: 70000 is out of range 1..65535
$M:3: smsc.[0].windw: unknown setting, did you mean 'window'?
$M:3: smsc.[0].bind: 'both' is not one of: transceiver, transmitter+receiver
$M:4: smsc.[1].tsp: unknown setting, did you mean 'tps'?
$M:5: ussd.servce_code: unknown setting, did you mean 'service_code'?
$M:6: menu: unknown group, did you mean 'menus'?
$M:7: log.level: bad log spec 'loud' (want LEVEL or CAT=LEVEL; levels error,warn,notice,info,debug; categories main,smpp,ussd,menu,redis,http,bcast)
$M:7: log.facility: 'local9' is not one of: daemon, user, local0, local1, local2, local3, local4, local5, local6, local7
$M:4: smsc id 'main' is already used on line 2
WANT
diff "$T/want" "$T/t.err" >"$T/diff" ||
	fail "not every mistake reported as wanted: $(cat "$T/diff")"
# the same file read by citizengw-ctl: the same mistakes
"$CTL" -c "$T/many.cfg" menu check >"$T/t.out" 2>"$T/ctl.err" &&
	fail "citizengw-ctl accepted the bad file"
head -n 3 "$T/want" >"$T/want3"
head -n 3 "$T/ctl.err" | diff "$T/want3" - >/dev/null ||
	fail "citizengw-ctl reports otherwise: $(cat "$T/ctl.err")"
# --help documents the exit status of -t
"$GW" --help | grep -q "0 when valid; 1 after printing every mistake" ||
	fail "--help does not document -t's exit status"

# an @include of a directory ("" is the file's own directory), in the
# configuration and in menus.dir's notices.cfg: libconfig 1.5 would open
# it and its scanner exit the process ("input in flex scanner failed",
# exit 2); the file and line are named, exit 1
good
{ echo '@include ""'; cat "$T/c.cfg"; } >"$T/c2.cfg" && mv "$T/c2.cfg" "$T/c.cfg"
expect_error '1: @include "": not a file'
rc=0
"$GW" -t -c "$T/c.cfg" >/dev/null 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "-t of a configuration's @include of a directory: exit $rc"
good
mkdir "$T/nmenus"
cp -r "$CGW_SRCDIR/menus/." "$T/nmenus/"
{ echo '@include ""'; cat "$CGW_SRCDIR/menus/notices.cfg"; } >"$T/nmenus/notices.cfg"
sed -i 's|dir = "menus"|dir = "nmenus"|' "$T/c.cfg"
rc=0
"$GW" -t -c "$T/c.cfg" >"$T/t.out" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "-t of notices.cfg's @include of a directory: exit $rc: $(cat "$T/t.out")"
grep -qF "$T/nmenus/notices.cfg:1: @include \"\": not a file" "$T/t.out" ||
	fail "notices.cfg's @include of a directory not named: $(cat "$T/t.out")"

# the reference in docs/ is what the binary prints
"$GW" --config-reference >"$T/ref.md"
cmp -s "$T/ref.md" "$CGW_SRCDIR/docs/configuration.md" ||
	fail "docs/configuration.md is stale: regenerate with citizengw --config-reference"
pass
