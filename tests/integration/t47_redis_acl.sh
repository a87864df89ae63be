#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Redis ACL users: with redis.user set, the daemon and citizengw-ctl log in
# with AUTH user password. The Redis here has the default user switched
# off, so nothing works without the ACL login, and the gateway's user may
# touch only keys under its prefix and no @dangerous command (FLUSHALL,
# CONFIG, KEYS...), as docs/security.md advises. A wrong password keeps
# the daemon away from the SMS centre; a user without a password is
# refused by -t.
. "$(dirname "$0")/lib.sh"

cat >"$T/acl.sim" <<'SIM'
wait-bind timeout=20
mo name=m from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-acked mo=m timeout=20
expect-submit to=84912345678 text="Ho so 000.00.19.H56-250806-0001 (Cap ban sao trich luc khai sinh): Dang xu ly. Hen tra 20/08/2025."
expect-quiet ms=500
SIM

start_redis
redis ACL SETUSER cgw on '>acl-pass-4711' '~cgw:*' '&*' '+@all' \
	'-@dangerous' >/dev/null ||
	fail "cannot create the ACL user"
redis ACL SETUSER default off >/dev/null || fail "cannot switch off default"
acl() {
	"$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" --user cgw \
		--pass acl-pass-4711 --no-auth-warning "$@"
}
# the default user really is off: an unauthenticated command is refused
redis dbsize 2>&1 | grep -q NOAUTH || fail "default user still usable"

start_sim "$T/acl.sim"
# acl_config SETTINGS: the test's configuration with these redis settings
acl_config() {
	write_config
	sed -i "s|^redis = {.*|redis = { host = \"127.0.0.1\"; port = $REDIS_PORT; $1 };|" \
		"$T/gw.cfg"
	grep -qF "$1" "$T/gw.cfg" || fail "cannot set $1"
}

# a user without a password is a configuration mistake
acl_config 'user = "cgw";'
"$GW" -t -c "$T/gw.cfg" >"$T/t.out" 2>&1 && fail "redis.user without password accepted"
grep -q "redis.user 'cgw' needs redis.password" "$T/t.out" ||
	fail "no clear message: $(cat "$T/t.out")"

# the wrong password: ctl says so, the daemon never binds
acl_config 'user = "cgw"; password = "wrong";'
"$CTL" -c "$T/gw.cfg" import "$CGW_SRCDIR/samples/dossiers.csv" \
	>"$T/bad.out" 2>&1 && fail "import with a wrong password succeeded"
grep -q "Redis AUTH failed" "$T/bad.out" || fail "ctl: $(cat "$T/bad.out")"
start_gw
wait_for 15 grep -q "Redis set-up failed" "$T/gw.log" ||
	fail "the daemon did not report the failed AUTH"
grep -q "BOUND" "$T/sim.log" && fail "bound to the SMS centre without Redis"
stop_gw || fail "citizengw exited with an error"

# the right one: ctl imports, the daemon answers a lookup
acl_config 'user = "cgw"; password = "acl-pass-4711";'
import_samples
[ "$(acl --scan --pattern '*dossier:*' | wc -l)" -gt 0 ] ||
	fail "no dossier in Redis after the import"
start_gw
wait_for 15 grep -q "Redis ready" "$T/gw.log" || fail "daemon never saw Redis"
wait_sim 40
# without @dangerous, CONFIG GET is refused: the daemon says so and works
grep -q "could not check whether Redis may evict" "$T/gw.log" ||
	fail "no notice of the eviction policy left unchecked"
[ "$(count_in "$T/sim.log" " SUBMIT #")" = 1 ] || fail "expected one reply"
# the password never reaches the log
grep -q "acl-pass-4711" "$T/gw.log" && fail "the Redis password is in the log"
stop_gw || fail "citizengw exited with an error"
pass
