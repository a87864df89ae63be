#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Configures (once) and builds citizengw in BUILDDIR (default build/).
# Extra arguments go to configure, e.g. --enable-sanitize.
set -eu
cd "$(dirname "$0")/.."
BUILDDIR=${BUILDDIR:-build}
[ -x configure ] || ./autogen.sh >/dev/null 2>&1
mkdir -p "$BUILDDIR"
cd "$BUILDDIR"
if [ ! -f Makefile ] || [ "$*" != "$(cat .configure-args 2>/dev/null)" ]; then
	../configure -q "$@"
	echo "$*" >.configure-args
fi
make -s -j"$(nproc)" >/dev/null
