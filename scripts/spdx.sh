#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Puts "SPDX-License-Identifier: GPL-3.0-or-later" at the top of every
# source file that lacks it (.c .h .sh .lua .am .ac .js .mjs .css .html),
# in the file's comment syntax, after a "#!" line or an HTML doctype.
# Running it again changes nothing.
#
#   scripts/spdx.sh           add the line where missing; lists what it changed
#   scripts/spdx.sh --check   list the files without it; exit 1 if any
#
# Files are those git tracks (or, outside git, found under the tree minus
# build directories and node_modules); generated files are never touched.
set -eu
cd "$(dirname "$0")/.."
ID="SPDX-License-Identifier: GPL-3.0-or-later"
mode=add
case ${1:-} in
--check) mode=check ;;
"") ;;
-h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
*) echo "usage: scripts/spdx.sh [--check]" >&2; exit 2 ;;
esac

files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files
	else
		find . -path ./.git -prune -o -path './build*' -prune \
			-o -name node_modules -prune -o -type f -print |
			sed 's|^\./||'
	fi | grep -E '\.(c|h|sh|lua|am|ac|js|mjs|css|html)$' |
		grep -v -E '^(fuzz/corpus/|build)' || :
}

# comment FILE: the line to insert, in FILE's syntax
comment() {
	case $1 in
	*.c|*.h|*.css) echo "/* $ID */" ;;
	*.js|*.mjs) echo "// $ID" ;;
	*.lua) echo "-- $ID" ;;
	*.ac) echo "dnl $ID" ;;
	*.html) echo "<!-- $ID -->" ;;
	*) echo "# $ID" ;;
	esac
}

missing=0
for f in $(files); do
	[ -f "$f" ] || continue
	# the identifier counts in the first lines only, where tools look
	if head -n 5 "$f" | grep -q 'SPDX-License-Identifier:'; then
		continue
	fi
	missing=$((missing + 1))
	if [ "$mode" = check ]; then
		echo "$f"
		continue
	fi
	line=$(comment "$f")
	tmp=$f.spdx.$$
	# after a shebang or a doctype, which must stay first
	awk -v line="$line" '
		NR == 1 && (/^#!/ || tolower($0) ~ /^<!doctype/) {
			print; print line; next }
		NR == 1 { print line }
		{ print }
		END { if (NR == 0) print line }
	' "$f" >"$tmp"
	# keep the file's mode (scripts stay executable)
	chmod "$(stat -c %a "$f")" "$tmp"
	mv "$tmp" "$f"
	echo "$f"
done
if [ "$mode" = check ] && [ "$missing" -gt 0 ]; then
	echo "$missing file(s) without \"$ID\"" >&2
	exit 1
fi
exit 0
