#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The parts of the code use each other only as docs/architecture.dot draws
# it: every #include of a header of another part must be an arrow of the
# picture (common/ may be used by any part). A new upward include fails.
. "$(dirname "$0")/lib.sh"

DOT=$CGW_SRCDIR/docs/architecture.dot
grep -o '[a-z]* -> [a-z]*' "$DOT" | sed 's/ -> / /' | sort -u >"$T/allowed"
[ -s "$T/allowed" ] || fail "no arrows in $DOT"

cd "$CGW_SRCDIR/src"
for f in */*.c */*.h; do
	part=${f%%/*}
	grep -o '#include "[a-z]*/' "$f" | sed 's/#include "//; s/\///' |
		sort -u | while read -r used; do
		[ "$used" = "$part" ] && continue
		[ "$used" = common ] && continue
		echo "$part $used $f"
	done
done >"$T/used"
bad=0
while read -r part used f; do
	if ! grep -qx "$part $used" "$T/allowed"; then
		echo "$f: $part/ uses $used/, an arrow docs/architecture.dot does not have"
		bad=$((bad + 1))
	fi
done <"$T/used"
[ "$bad" = 0 ] || fail "$bad includes against the layering"
echo "$(cut -d' ' -f1,2 "$T/used" | sort -u | wc -l) uses between parts, all drawn"
pass
