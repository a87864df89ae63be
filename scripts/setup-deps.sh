#!/bin/sh
# Installs the Debian 12 packages citizengw needs to build, run and test,
# when they are missing. Runs apt-get as root (or through sudo).
set -eu

PKGS="gcc make autoconf automake pkg-config libc6-dev
      libsmpp34-dev libhiredis-dev libconfig-dev libevent-dev libjansson-dev
      redis-server redis-tools check valgrind curl"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
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
