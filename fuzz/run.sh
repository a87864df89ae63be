#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the libFuzzer targets (docs/fuzzing.md); called by make from the
# build directory, where the targets are fuzz/NAME.
#
#   run.sh smoke SRCDIR NAME...   each target FUZZ_SECONDS (default 20)
#                                 from a scratch copy of its committed
#                                 corpus (fuzz-smoke/NAME/): the committed
#                                 one is never written to
#   run.sh long SRCDIR NAME...    each FUZZ_SECONDS (default 600), the
#                                 corpus growing in fuzz-corpus/NAME/
#
# Up to FUZZ_JOBS (default: the cores) targets run at once. A crash, a
# leak, a timeout or a broken property fails the run; the input is kept in
# fuzz-artifacts/NAME/ and its path printed, with the end of the log.
set -eu

mode=$1 srcdir=$2
shift 2

case $mode in
smoke) secs=${FUZZ_SECONDS:-20} ;;
long) secs=${FUZZ_SECONDS:-600} ;;
one)
	# run.sh one SRCDIR MODE SECONDS NAME: one target (run by xargs)
	mode=$1 secs=$2 name=$3
	corpus=fuzz-corpus/$name
	if [ "$mode" = smoke ]; then
		corpus=fuzz-smoke/$name
		rm -rf "$corpus"
	fi
	mkdir -p "$corpus" "fuzz-artifacts/$name"
	# a copy, so that what the run adds or reduces stays out of git
	cp "$srcdir/fuzz/corpus/$name"/* "$corpus/" 2>/dev/null || :
	dict=
	[ -f "$srcdir/fuzz/dict/$name.dict" ] &&
		dict="-dict=$srcdir/fuzz/dict/$name.dict"
	log=fuzz-artifacts/$name.log
	start=$(date +%s)
	# -timeout: one input taking 10 s is a hang; the rss limit leaves
	# room for the other builds on the machine
	if CGW_SRCDIR=$srcdir \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		LSAN_OPTIONS=suppressions=$srcdir/fuzz/lsan.supp \
		"fuzz/$name" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=1536 -print_final_stats=1 \
		-artifact_prefix="fuzz-artifacts/$name/" $dict \
		"$corpus" >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "fuzz $name: ok, ${execs:-?} inputs in" \
			"$(($(date +%s) - start)) s, corpus $(ls "$corpus" |
			wc -l) files"
		exit 0
	fi
	echo "fuzz $name: FAILED; the end of $log:"
	tail -n 40 "$log" | sed 's/^/    /'
	crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	echo "fuzz $name: the input that fails: ${crash:-(none written)}"
	echo "fuzz $name: run it again with: fuzz/$name ${crash:-INPUT}"
	exit 1
	;;
*)
	echo "usage: $0 smoke|long SRCDIR NAME..." >&2
	exit 2
	;;
esac

jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
for name in "$@"; do
	[ -x "fuzz/$name" ] || {
		echo "fuzz/$name is not built (make first)" >&2
		exit 2
	}
done
echo "fuzzing $# targets, $secs s each, $jobs at a time ($mode)"
# xargs exits non-zero when any run failed
printf '%s\n' "$@" |
	xargs -P "$jobs" -I{} sh "$0" one "$srcdir" "$mode" "$secs" {}
