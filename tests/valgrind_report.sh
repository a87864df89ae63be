#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Reads the valgrind logs of make check-valgrind-integration (one per
# daemon process, DIR/PID.log) and fails on any error: an invalid read or
# write, a use of uninitialised memory, a bad free, a definite or indirect
# leak. A daemon the test killed with SIGKILL leaves a log without a leak
# summary: its errors still count, its leaks could not be checked, and it
# is named so.
set -u
dir=${1:?usage: valgrind_report.sh DIR}
n=0 bad=0 killed=0
for f in "$dir"/*.log; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	if grep -qE '== (Invalid (read|write|free)|Conditional jump|Use of uninitialised|Syscall param|Mismatched free|Source and destination overlap|Argument .* of function)' "$f" ||
	   grep -qE 'ERROR SUMMARY: [1-9]' "$f" ||
	   grep -qE '(definitely|indirectly) lost in' "$f"; then
		bad=$((bad + 1))
		echo "==== $f"
		cat "$f"
	elif ! grep -q 'ERROR SUMMARY' "$f"; then
		killed=$((killed + 1))
		echo "(killed before exit, leaks not checked: $f)"
	fi
done
echo "valgrind: $n daemon runs, $bad with errors or leaks, $killed killed before exit"
[ "$n" -gt 0 ] || { echo "no valgrind log in $dir"; exit 1; }
[ "$bad" = 0 ]
