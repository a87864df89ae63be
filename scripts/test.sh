#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds citizengw with AddressSanitizer and UndefinedBehaviorSanitizer and
# runs every test: unit tests (Check) and integration tests that start
# redis-server, citizengw-sim and citizengw on free loopback ports (one of
# them drives the staff page in headless Chromium: setup-deps.sh --tests
# installs chromium, Node.js and npm); the short fault injection run
# (docs/reliability.md); then the unit tests and a few integration tests
# under valgrind; the README's demo; make distcheck-short (the tarball,
# built out of tree, installs and passes the unit tests and the
# integration tests that read what it must carry; make distcheck runs
# them all); then every fuzz target for FUZZ_SECONDS (20) from its seeds,
# built with clang and libFuzzer (docs/fuzzing.md).
set -eu
cd "$(dirname "$0")/.."
scripts/setup-deps.sh --tests
# every source file carries its licence line (scripts/spdx.sh adds it)
scripts/spdx.sh --check
BUILDDIR=build-test scripts/build.sh --enable-sanitize
cd build-test
if ! make -s -j"$(nproc)" check; then
	cat test-suite.log 2>/dev/null | tail -n 200
	exit 1
fi
# the fault injection's short run (docs/reliability.md)
make -s faults-smoke
# the unit tests under valgrind, in a build without the sanitizers
cd ..
BUILDDIR=build-valgrind scripts/build.sh
if ! (cd build-valgrind && make -s check-valgrind >valgrind.log 2>&1); then
	tail -n 60 build-valgrind/valgrind.log
	exit 1
fi
# a few integration tests with the daemon under valgrind (the whole set:
# make check-valgrind-integration, docs/security.md)
if ! (cd build-valgrind && make -s check-valgrind-integration-short \
	>valgrind-integration.log 2>&1); then
	tail -n 100 build-valgrind/valgrind-integration.log
	exit 1
fi
# the README's demo, on the same build: it must keep working
if ! BUILDDIR=build-valgrind scripts/demo.sh >build-valgrind/demo.log 2>&1; then
	tail -n 60 build-valgrind/demo.log
	exit 1
fi
cd build-test
# the release tarball builds, installs and passes the unit tests and the
# tests of what it carries out of tree (the whole set: make distcheck)
if ! make -s -j"$(nproc)" distcheck-short >distcheck.log 2>&1; then
	tail -n 100 distcheck.log
	exit 1
fi
cd ..
# the fuzz smoke: a crash fails CI and names its input (docs/fuzzing.md)
BUILDDIR=build-fuzz CC=clang scripts/build.sh --enable-fuzz
(cd build-fuzz && make -s fuzz-smoke)
echo "All tests passed (fault injection smoke; unit tests and a few" \
	"integration tests also under valgrind; the demo; make distcheck-short;" \
	"fuzz smoke)."
