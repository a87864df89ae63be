#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian 12 packages citizengw needs to build, run and test,
# when they are missing. Runs apt-get as root (or through sudo).
#
#   scripts/setup-deps.sh            to build and run (the demo)
#   scripts/setup-deps.sh --tests    also what the tests need beyond that:
#                                    the browser test of the staff page
#                                    (chromium, its fonts, Node.js and npm)
#                                    and the fuzz targets (clang, with
#                                    libFuzzer: docs/fuzzing.md), and
#                                    Debian's Prometheus text parser
#                                    for the metrics test (t41), and
#                                    openssl and stunnel4 for the TLS
#                                    tests (t48, t48b)
#   scripts/setup-deps.sh --bench    also Debian's kannel (bearerbox and
#                                    smsbox), the benchmark's comparison
#                                    (bench/run); not needed by the tests
set -eu

TESTS=0
BENCH=0
for a in "$@"; do
	case $a in
	--tests) TESTS=1 ;;
	--bench) BENCH=1 ;;
	*) echo "usage: $0 [--tests] [--bench]" >&2; exit 2 ;;
	esac
done

PKGS="gcc make autoconf automake pkg-config libc6-dev
      libsmpp34-dev libhiredis-dev libconfig-dev libevent-dev libjansson-dev
      libssl-dev
      redis-server redis-tools check valgrind curl"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

# The browser test (tests/integration/t33_staff_page.sh): Debian's
# chromium, run by puppeteer-core, which never downloads a browser; the
# fonts Chromium recommends (Arial's metrics, as on office PCs); Node.js
# 18.19 or later and npm. A node that is already there (another
# packaging of Node.js, which brings its own npm) is kept.
if [ "$TESTS" = 1 ]; then
	if [ ! -x /usr/bin/chromium ]; then
		missing="$missing chromium"
	fi
	if ! dpkg-query -W -f='${Status}' fonts-liberation 2>/dev/null |
		grep -q "install ok installed"; then
		missing="$missing fonts-liberation"
	fi
	if ! command -v node >/dev/null 2>&1; then
		missing="$missing nodejs"
	fi
	if ! command -v npm >/dev/null 2>&1; then
		missing="$missing npm"
	fi
	# the metrics test parses /metrics with the Prometheus client's
	# own parser (Debian's, for /usr/bin/python3)
	if ! dpkg-query -W -f='${Status}' python3-prometheus-client \
		2>/dev/null | grep -q "install ok installed"; then
		missing="$missing python3-prometheus-client"
	fi
	# the Sentinel failover test (t49) runs Debian's redis-sentinel
	if ! dpkg-query -W -f='${Status}' redis-sentinel 2>/dev/null |
		grep -q "install ok installed"; then
		missing="$missing redis-sentinel"
	fi
	# the TLS tests (t48, t48b) make their certificates with the openssl
	# CLI and put stunnel4 in front of the plain simulator
	for p in openssl stunnel4; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed"; then
			missing="$missing $p"
		fi
	done
	# Debian's clang brings libFuzzer (its libclang-rt-dev)
	if ! dpkg-query -W -f='${Status}' clang 2>/dev/null |
		grep -q "install ok installed"; then
		missing="$missing clang"
	fi
fi
# bench/run runs Kannel on the same load generator as citizengw, side by
# side; Debian's package also installs (and enables) a kannel service,
# which bench/run does not use: it starts its own boxes
if [ "$BENCH" = 1 ] &&
	! dpkg-query -W -f='${Status}' kannel 2>/dev/null |
	grep -q "install ok installed"; then
	missing="$missing kannel"
fi
[ -z "$missing" ] && exit 0

echo "Installing:$missing"
if [ "$(id -u)" = 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "Please install as root: apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
