#!/bin/sh
# citizengw -t: 0 for a valid file, non-zero with "file:line: message" for
# each kind of mistake an operator makes; the reference in docs/ is the
# one the binary prints.
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

# the configuration of the issue, with menus found in the working directory
good
(cd "$CGW_SRCDIR" && "$GW" -t -c "$T/c.cfg") >"$T/t.out" 2>&1 ||
	fail "valid file refused: $(cat "$T/t.out")"
grep -q "configuration and menus OK" "$T/t.out" || fail "no OK line"
# the shipped sample
(cd "$CGW_SRCDIR" && "$GW" -t -c conf/citizengw.cfg) >"$T/t.out" 2>&1 ||
	fail "conf/citizengw.cfg refused: $(cat "$T/t.out")"

good; sed -i 's/host = "127.0.0.1"; port = 6379;/hots = "x";/' "$T/c.cfg"
expect_error "1: unknown setting 'redis.hots'"
good; sed -i 's/port = 2775;/port = 70000;/' "$T/c.cfg"
expect_error "2: smsc.[0].port: 70000 is out of range 1..65535"
good; sed -i 's/bind = "transceiver";/bind = "both";/' "$T/c.cfg"
expect_error "4: smsc.[0].bind: 'both' is not one of: transceiver, transmitter+receiver"
good; sed -i 's/port = 6379;/port = "6379";/' "$T/c.cfg"
expect_error "1: redis.port: expects a number without quotes"
good; sed -i 's/system_id = "citizengw";//' "$T/c.cfg"
expect_error "2: smsc.[0]: 'system_id' is required"
good; sed -i 's/token = "change-me";/token = ;/' "$T/c.cfg"
expect_error "7: syntax error"
good; printf 'log = { level = "loud"; };\n' >>"$T/c.cfg"
"$GW" -t -c "$T/c.cfg" >"$T/t.out" 2>&1 && fail "bad log level accepted"
grep -q "log.level" "$T/t.out" || fail "log.level error not named"
good; sed -i 's|dir = "menus"|dir = "/nonexistent"|' "$T/c.cfg"
"$GW" -t -c "$T/c.cfg" >"$T/t.out" 2>&1 && fail "missing menus accepted"
grep -q "/nonexistent/main.cfg" "$T/t.out" || fail "missing menu file not named"
"$GW" -t -c "$T/missing.cfg" >"$T/t.out" 2>&1 && fail "missing file accepted"
grep -q "missing.cfg: cannot read" "$T/t.out" || fail "missing file not reported"

# the reference in docs/ is what the binary prints
"$GW" --config-reference >"$T/ref.md"
cmp -s "$T/ref.md" "$CGW_SRCDIR/docs/configuration.md" ||
	fail "docs/configuration.md is stale: regenerate with citizengw --config-reference"
pass
