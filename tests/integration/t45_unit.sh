#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The systemd unit as `make` generates it: its paths are the configured
# ones, and `systemd-analyze security` rates it 2.0 or lower (the unit
# without its hardening is rated higher, so the check can fail).
set -eu
: "${CGW_BUILDDIR:?run through make check}"
: "${CGW_SRCDIR:?run through make check}"

SA=$(command -v systemd-analyze 2>/dev/null || true)
[ -n "$SA" ] || { echo "SKIP: systemd-analyze not installed"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/cgw-t45.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
UNIT=$CGW_BUILDDIR/conf/citizengw.service
[ -f "$UNIT" ] || fail "$UNIT not built"

# exposure UNITFILE: the overall exposure level, e.g. 1.2 (as 12)
exposure() {
	out=$("$SA" security --offline=true "$1" 2>&1) ||
		case $out in *"Overall exposure"*) ;; *)
			fail "systemd-analyze security $1: $out" ;; esac
	lvl=$(printf '%s\n' "$out" |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9]*\)\.\([0-9]\).*/\1\2/p')
	[ -n "$lvl" ] || fail "no exposure level in: $out"
	echo "$lvl"
}

eval "$(MAKEFLAGS= MFLAGS= make -s -C "$CGW_BUILDDIR" cgw-print-dirs)"
if grep -q '@[a-zA-Z_]*@' "$UNIT"; then fail "unexpanded @...@ in $UNIT"; fi
grep -qx "ExecStart=$sbindir/citizengw -c $sysconfdir/citizengw/citizengw.cfg" \
	"$UNIT" || fail "ExecStart is not the configured path: $(grep Exec "$UNIT")"
grep -qx "ExecStartPre=$sbindir/citizengw -t -c $sysconfdir/citizengw/citizengw.cfg" \
	"$UNIT" || fail "ExecStartPre does not check the configuration first"
# the daemon talks TCP (SMS centres, Redis, HTTP) and maybe a unix socket
# (Redis): the hardening must leave it those
grep -qx 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' "$UNIT" ||
	fail "the unit does not allow the daemon's address families"

cp "$UNIT" "$T/citizengw.service"
lvl=$(exposure "$T/citizengw.service")
echo "exposure of the unit: $((lvl / 10)).$((lvl % 10))"
[ "$lvl" -le 20 ] || {
	"$SA" security --offline=true "$T/citizengw.service" | grep '✗' >&2 || :
	fail "the unit is rated $((lvl / 10)).$((lvl % 10)), above 2.0"
}

# the same unit with only User= and its Exec lines: the check tells
mkdir "$T/bare"
sed -n '/^\[Unit\]/,/^\[Service\]/p; /^Exec/p; /^User=/p; /^\[Install\]/,$p' \
	"$UNIT" >"$T/bare/citizengw.service"
bare=$(exposure "$T/bare/citizengw.service")
[ "$bare" -gt 20 ] || fail "an unhardened unit is rated $bare/10: the check cannot fail"
echo "PASS: $(basename "$0")"
