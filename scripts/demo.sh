#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The demo: builds citizengw, starts a private redis-server, the SMS centre
# simulator and the gateway, imports sample dossiers, plays a citizen's
# conversation (an SMS lookup and a USSD menu walk) and shows it as the
# phone would; then stops everything it started.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
scripts/setup-deps.sh
echo "Building..."
BUILDDIR=${BUILDDIR:-build} scripts/build.sh
B=$ROOT/${BUILDDIR:-build}

T=$(mktemp -d "${TMPDIR:-/tmp}/citizengw-demo.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

REDIS_PORT=$("$B/tests/freeport" 2>/dev/null || (cd "$B" && make -s tests/freeport >/dev/null && ./tests/freeport))
HTTP_PORT=$("$B/tests/freeport")
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
	--dir "$T" >"$T/redis.log" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

"$B/src/citizengw-sim" --listen 127.0.0.1:0 --port-file "$T/sim.port" \
	--pdu-log "$T/sim.log" --transcript --linger 3000 "$ROOT/samples/demo.sim" >"$T/phone.out" 2>"$T/sim.err" &
SIM_PID=$!
PIDS="$PIDS $SIM_PID"
for _ in $(seq 50); do [ -s "$T/sim.port" ] && break; sleep 0.1; done
SIM_PORT=$(cat "$T/sim.port")

cat >"$T/citizengw.cfg" <<CFG
redis = { host = "127.0.0.1"; port = $REDIS_PORT; };
smsc = ( { id = "main"; host = "127.0.0.1"; port = $SIM_PORT;
           system_id = "citizengw"; password = "secret";
           bind = "transceiver"; source_addr = "8088"; } );
ussd = { service_code = "*8088#"; };
menus = { dir = "$ROOT/menus"; language = "vi"; };
http = { listen = "127.0.0.1:$HTTP_PORT"; token = "change-me"; };
CFG

echo "Redis on 127.0.0.1:$REDIS_PORT, SMS centre simulator on 127.0.0.1:$SIM_PORT"
"$B/src/citizengw-ctl" -c "$T/citizengw.cfg" import "$ROOT/samples/dossiers.csv"
"$B/src/citizengw" -c "$T/citizengw.cfg" 2>"$T/citizengw.log" &
GW_PID=$!
PIDS="$PIDS $GW_PID"
echo

# wait for the conversation to end, then stop the gateway while the
# simulator still listens, so that it unbinds cleanly
for _ in $(seq 600); do
	grep -q "SCRIPT" "$T/sim.log" 2>/dev/null && break
	kill -0 "$SIM_PID" 2>/dev/null || break
	sleep 0.1
done
cat "$T/phone.out"
kill -TERM "$GW_PID" 2>/dev/null || true
for _ in $(seq 100); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.1; done
rc=0
wait "$SIM_PID" || rc=$?
if [ "$rc" != 0 ]; then
	echo "The demo conversation did not go as expected:" >&2
	cat "$T/sim.err" >&2
	tail -n 30 "$T/citizengw.log" >&2
	exit 1
fi
echo
echo "What the back office sees (citizengw-ctl requests list):"
"$B/src/citizengw-ctl" -c "$T/citizengw.cfg" requests list | sed 's/^/  /'
echo
echo "Gateway log (first and last lines; 'smpp=debug' in log.level traces PDUs):"
grep -v " INFO " "$T/citizengw.log" | sed 's/^/  /'
