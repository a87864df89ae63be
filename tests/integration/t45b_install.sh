#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# `make install DESTDIR=...` into an empty root: the programs, the four man
# pages, the configuration, the unit, the sysusers.d and tmpfiles.d
# entries, the menus and the docs are where the configured paths say; the
# installed daemon accepts the installed configuration with the installed
# menus; a reinstall keeps a changed configuration.
set -eu
: "${CGW_BUILDDIR:?run through make check}"
: "${CGW_SRCDIR:?run through make check}"
T=$(mktemp -d "${TMPDIR:-/tmp}/cgw-t45b.XXXXXX")
ok=0
trap '[ $ok = 1 ] && rm -rf "$T" || echo "(files kept in $T)"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

eval "$(MAKEFLAGS= MFLAGS= make -s -C "$CGW_BUILDDIR" cgw-print-dirs)"
R=$T/root
MAKEFLAGS= MFLAGS= make -s -C "$CGW_BUILDDIR" install DESTDIR="$R" >"$T/install.log" 2>&1 ||
	fail "make install: $(tail -n 20 "$T/install.log")"

for f in \
	"$sbindir/citizengw" \
	"$bindir/citizengw-ctl" \
	"$bindir/citizengw-sim" \
	"$mandir/man8/citizengw.8" \
	"$mandir/man1/citizengw-ctl.1" \
	"$mandir/man1/citizengw-sim.1" \
	"$mandir/man5/citizengw.cfg.5" \
	"$sysconfdir/citizengw/citizengw.cfg" \
	"$systemdsystemunitdir/citizengw.service" \
	"$sysusersdir/citizengw.conf" \
	"$tmpfilesdir/citizengw.conf" \
	"$pkgdatadir/menus/main.cfg" \
	"$pkgdatadir/menus/notices.cfg" \
	"$pkgdatadir/menus/procedures/bansao.cfg" \
	"$pkgdatadir/monitoring/citizengw-alerts.yml" \
	"$docdir/README.md" \
	"$docdir/operations.md" \
	"$docdir/configuration.md" \
	"$docdir/examples/citizengw.cfg"; do
	[ -s "$R$f" ] || fail "not installed: $f"
done
for p in "$sbindir/citizengw" "$bindir/citizengw-ctl" "$bindir/citizengw-sim"; do
	[ -x "$R$p" ] || fail "not executable: $p"
done
[ ! -e "$R$bindir/citizengw" ] || fail "the daemon is also in bindir"

# the man pages render without a warning; citizengw.cfg(5) names every
# setting the daemon knows
for m in "$R$mandir"/man*/citizengw*; do
	# (a long installation path may not fit a line: layout, not an error)
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null |
		grep -v -e 'cannot adjust line' -e "can't break line") || :
	[ -z "$w" ] || fail "man $m warns: $w"
	if grep -q '@[a-zA-Z_]*@' "$m"; then fail "unexpanded @...@ in $m"; fi
done
LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$R$mandir/man5/citizengw.cfg.5" \
	>"$T/cfg.txt" 2>/dev/null
"$R$sbindir/citizengw" --config-reference |
	sed -n 's/^| `\([^`]*\)` |.*/\1/p' >"$T/settings"
[ "$(wc -l <"$T/settings")" -gt 40 ] || fail "too few settings listed"
while read -r s; do
	grep -qF -- "$s" "$T/cfg.txt" || fail "citizengw.cfg(5) lacks $s"
done <"$T/settings"
LC_ALL=C.UTF-8 man -l "$R$mandir/man1/citizengw-sim.1" 2>/dev/null |
	grep -q 'not the gateway' || fail "citizengw-sim(1) does not say it is no gateway"

# the unit and the tmpfiles entry name the installed paths
grep -qx "ExecStart=$sbindir/citizengw -c $sysconfdir/citizengw/citizengw.cfg" \
	"$R$systemdsystemunitdir/citizengw.service" || fail "unit ExecStart"
grep -q "^z $sysconfdir/citizengw/citizengw.cfg 0640 root citizengw" \
	"$R$tmpfilesdir/citizengw.conf" || fail "tmpfiles entry"
grep -q '^u citizengw ' "$R$sysusersdir/citizengw.conf" || fail "sysusers entry"

# the installed daemon, the installed configuration, the installed menus
# (their compiled-in directory is not under DESTDIR: named explicitly)
sed "s|^\([[:space:]]*dir = \)\"menus\"|\1\"$R$pkgdatadir/menus\"|" \
	"$R$sysconfdir/citizengw/citizengw.cfg" >"$T/installed.cfg"
grep -q "$R$pkgdatadir/menus" "$T/installed.cfg" || fail "menus.dir not found in the sample"
"$R$sbindir/citizengw" -t -c "$T/installed.cfg" >"$T/t.out" 2>&1 ||
	fail "installed daemon -t: $(cat "$T/t.out")"

# a reinstall keeps the operator's configuration
echo "# changed by the operator" >>"$R$sysconfdir/citizengw/citizengw.cfg"
MAKEFLAGS= MFLAGS= make -s -C "$CGW_BUILDDIR" install DESTDIR="$R" >"$T/install2.log" 2>&1 ||
	fail "second make install: $(tail -n 20 "$T/install2.log")"
tail -n 1 "$R$sysconfdir/citizengw/citizengw.cfg" | grep -q 'changed by the operator' ||
	fail "a reinstall overwrote the configuration"
ok=1
echo "PASS: $(basename "$0")"
