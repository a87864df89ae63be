#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# SMPP over TLS (docs/carrier-integration.md "TLS"), with certificates made
# here by the openssl CLI:
#  (a) the daemon binds to the simulator's own TLS and an MO goes round;
#      a wrong name, a self-signed certificate and an unknown CA are
#      refused with OpenSSL's verify message in the log, never bind, and
#      are retried with back-off;
#  (b) the same round trip through stunnel4 (an independent TLS
#      implementation) in front of the plain simulator;
#  (e) stunnel that requires a client certificate binds the entry that
#      presents one and refuses the one that does not, until SIGHUP gives
#      it one (a TLS setting rebinds); tls_verify_name = false accepts
#      another name but still checks the chain;
#  and a missing certificate file is named with its line by citizengw -t.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/certs.sh"

STUNNEL=$(command -v stunnel4 || command -v stunnel || true)
[ -n "$STUNNEL" ] || { echo "SKIP: stunnel4 not installed"; exit 77; }

make_certs
cat >"$T/mo.sim" <<'SIM'
wait-bind timeout=20
mo from=84912345678 to=8088 text="TRACUU 000.00.19.H56-250806-0001"
expect-acked
expect-submit to=84912345678 text="Ho so 000.00.19.H56-250806-0001 (Cap ban sao trich luc khai sinh): Dang xu ly. Hen tra 20/08/2025."
SIM

start_redis
# entry ID PORT [settings]
entry() {
	echo "{ id = \"$1\"; host = \"127.0.0.1\"; port = $2; system_id = \"citizengw\"; password = \"secret\"; source_addr = \"8088\"; reconnect_delay = \"200ms\"; reconnect_max_delay = \"1s\"; ${3:-} }"
}
# config ENTRIES...
config() {
	HTTP_PORT=${HTTP_PORT:-$("$CGW_BUILDDIR"/tests/freeport)}
	cat >"$T/gw.cfg" <<CFG
redis = { host = "127.0.0.1"; port = $REDIS_PORT; };
smsc = ( $1 );
ussd = { service_code = "*8088#"; };
menus = { dir = "$CGW_SRCDIR/menus"; language = "vi"; };
http = { listen = "127.0.0.1:$HTTP_PORT"; token = "change-me"; };
log = { level = "info"; };
CFG
}
state() {
	curl -sS -H "Authorization: Bearer change-me" \
		"http://127.0.0.1:$HTTP_PORT/api/binds" |
		jq -r ".binds[] | select(.id == \"$1\") | .state"
}
# wait_state ID STATE SECONDS
wait_state() {
	for _ in $(seq $(( $3 * 10 ))); do
		[ "$(state "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
bound() { grep -c " BOUND " "$T/$1.log" || true; }

# --- a missing file is named at start-up, with its line ------------------
SIM_PORT=1
config "$(entry a 1 "tls = true; tls_ca_file = \"$PKI/nothere.pem\";")"
"$GW" -t -c "$T/gw.cfg" >"$T/t.out" 2>&1 && fail "-t accepted a missing tls_ca_file"
grep -q "gw.cfg:2: smsc.\[0\]: tls_ca_file: cannot read '$PKI/nothere.pem': No such file or directory" "$T/t.out" ||
	fail "-t did not name the missing file: $(cat "$T/t.out")"
config "$(entry a 1 "tls = true; tls_cert_file = \"$PKI/client.pem\";")"
"$GW" -t -c "$T/gw.cfg" >"$T/t.out" 2>&1 && fail "-t accepted a certificate without its key"
grep -q "tls_cert_file and tls_key_file go together" "$T/t.out" || fail "$(cat "$T/t.out")"
config "$(entry a 1 "tls_ca_file = \"$PKI/ca.pem\";")"
"$GW" -t -c "$T/gw.cfg" >"$T/t.out" 2>&1 && fail "-t accepted tls_ca_file without tls"
grep -q "tls_ca_file is set but tls is false" "$T/t.out" || fail "$(cat "$T/t.out")"

# --- (a) the simulator's own TLS; wrong name, self-signed, unknown CA ------
SIM_NAME=good start_sim "$T/mo.sim" --tls-cert "$PKI/server.pem" --tls-key "$PKI/server.key" --linger 3000
GOOD_PID=$SIM_PID GOOD=$SIM_PORT
SIM_NAME=wrong start_sim "" --tls-cert "$PKI/wrong.pem" --tls-key "$PKI/wrong.key"
WRONG=$SIM_PORT
SIM_NAME=self start_sim "" --tls-cert "$PKI/self.pem" --tls-key "$PKI/self.key"
SELF=$SIM_PORT
config "$(entry good "$GOOD" "tls = true; tls_ca_file = \"$PKI/ca.pem\";"),
	$(entry wrong "$WRONG" "tls = true; tls_ca_file = \"$PKI/ca.pem\";"),
	$(entry self "$SELF" "tls = true; tls_ca_file = \"$PKI/ca.pem\";"),
	$(entry otherca "$GOOD" "tls = true; tls_ca_file = \"$PKI/other-ca.pem\";")"
"$GW" -t -c "$T/gw.cfg" >/dev/null || fail "-t refused a good TLS configuration"
import_samples
start_gw
SIM_PID=$GOOD_PID
wait_sim 40
grep -q "\[good\] connected to 127.0.0.1:$GOOD over TLSv1.[23], .*certificate verified" "$T/gw.log" ||
	fail "no TLS connection logged for good"
[ "$(bound good)" -ge 1 ] || fail "good never bound"
wait_for 10 sh -c "[ \$(grep -c '\[wrong\] TLS with 127.0.0.1:$WRONG failed in state CONNECTING: certificate verify failed: IP address mismatch' '$T/gw.log') -ge 3 ]" ||
	fail "wrong name: no repeated verify failure in the log"
grep -q "\[wrong\] reconnecting in" "$T/gw.log" || fail "wrong: no back-off"
grep -q "\[self\] TLS with 127.0.0.1:$SELF failed in state CONNECTING: certificate verify failed: self-signed certificate" "$T/gw.log" ||
	fail "self-signed: no verify message"
grep -q "\[otherca\] TLS with 127.0.0.1:$GOOD failed in state CONNECTING: certificate verify failed: unable to get local issuer certificate" "$T/gw.log" ||
	fail "unknown CA: no verify message"
[ "$(bound wrong)" = 0 ] && [ "$(bound self)" = 0 ] || fail "a refused certificate bound"
[ "$(state wrong)" != BOUND ] && [ "$(state self)" != BOUND ] && [ "$(state otherca)" != BOUND ] ||
	fail "a refused bind reported BOUND"
# the back-off grows: attempts on wrong are spaced, not a busy loop
n1=$(grep -c "\[wrong\] TLS with" "$T/gw.log")
sleep 2
n2=$(grep -c "\[wrong\] TLS with" "$T/gw.log")
[ $((n2 - n1)) -le 4 ] || fail "wrong retried $((n2 - n1)) times in 2 s: no back-off"
# the simulator saw the refusal from its side
grep -q "TLS failed: .*\(unknown ca\|bad certificate\|certificate unknown\)" "$T/wrong.log" ||
	fail "the sim logged no refused handshake"
stop_gw || fail "the daemon did not stop cleanly"

# --- (b) through stunnel4 in front of the plain simulator; (e) a client
# certificate required by stunnel ----------------------------------------
SIM_NAME=plain start_sim "$T/mo.sim" --linger 3000
PLAIN_PID=$SIM_PID PLAIN=$SIM_PORT
SIM_NAME=certsim start_sim ""
CERTSIM=$SIM_PORT
S1=$("$CGW_BUILDDIR"/tests/freeport)
S2=$("$CGW_BUILDDIR"/tests/freeport)
cat >"$T/stunnel.conf" <<CONF
foreground = yes
pid =
output = $T/stunnel.log
debug = 5
[smpp]
accept = 127.0.0.1:$S1
connect = 127.0.0.1:$PLAIN
cert = $PKI/server.pem
key = $PKI/server.key
[smpp-client-cert]
accept = 127.0.0.1:$S2
connect = 127.0.0.1:$CERTSIM
cert = $PKI/server.pem
key = $PKI/server.key
CAfile = $PKI/ca.pem
verifyChain = yes
requireCert = yes
CONF
"$STUNNEL" "$T/stunnel.conf" >"$T/stunnel.out" 2>&1 &
PIDS="$PIDS $!"
wait_for 10 sh -c "grep -q 'Configuration successful' '$T/stunnel.log'" ||
	fail "stunnel did not start"
: >"$T/gw.log"
# one daemon per case: a reply may leave by any bound transmitter; and
# a fresh Redis, where the same MO again is no repeat
config "$(entry st "$S1" "tls = true; tls_ca_file = \"$PKI/ca.pem\";")"
redis flushall >/dev/null
import_samples
start_gw
SIM_PID=$PLAIN_PID
wait_sim 40
[ "$(bound plain)" -ge 1 ] || fail "no bind through stunnel"
grep -q "\[st\] connected to 127.0.0.1:$S1 over TLS" "$T/gw.log" || fail "st: no TLS connection"
stop_gw || fail "the daemon did not stop cleanly"

: >"$T/gw.log"
config "$(entry withcert "$S2" "tls = true; tls_ca_file = \"$PKI/ca.pem\"; tls_cert_file = \"$PKI/client.pem\"; tls_key_file = \"$PKI/client.key\";"),
	$(entry nocert "$S2" "tls = true; tls_ca_file = \"$PKI/ca.pem\";"),
	$(entry noname "$WRONG" "tls = true; tls_ca_file = \"$PKI/ca.pem\"; tls_verify_name = false;")"
start_gw
wait_state withcert BOUND 15 || fail "withcert did not bind through stunnel"
grep -q "CN=citizengw-client" "$T/stunnel.log" || fail "stunnel saw no client certificate"
wait_for 10 sh -c "[ \$(grep -c '\[nocert\] TLS with 127.0.0.1:$S2 failed' '$T/gw.log') -ge 2 ]" ||
	fail "nocert: no refusal logged"
grep "\[nocert\] TLS with" "$T/gw.log" | head -1 | grep -q "certificate required\|handshake failure\|during the handshake" ||
	fail "nocert: the refusal does not say why: $(grep '\[nocert\]' "$T/gw.log" | head -3)"
[ "$(state nocert)" != BOUND ] || fail "nocert bound without a certificate"
[ "$(bound certsim)" = 1 ] || fail "certsim: $(bound certsim) binds, want 1 (withcert only)"
wait_state noname BOUND 10 || fail "tls_verify_name = false: no bind to a certificate of another name"
# the TLS settings are connection settings: on SIGHUP, nocert given a
# client certificate rebinds (alone) and binds; noname's chain is still
# checked: with another CA it is refused
config "$(entry withcert "$S2" "tls = true; tls_ca_file = \"$PKI/ca.pem\"; tls_cert_file = \"$PKI/client.pem\"; tls_key_file = \"$PKI/client.key\";"),
	$(entry nocert "$S2" "tls = true; tls_ca_file = \"$PKI/ca.pem\"; tls_cert_file = \"$PKI/client.pem\"; tls_key_file = \"$PKI/client.key\";"),
	$(entry noname "$WRONG" "tls = true; tls_ca_file = \"$PKI/other-ca.pem\"; tls_verify_name = false;")"
kill -HUP "$GW_PID"
wait_for 10 grep -q "SIGHUP: configuration reloaded" "$T/gw.log" || fail "no reload"
grep -q "\[nocert\] reload: connection settings changed: unbinding" "$T/gw.log" ||
	fail "nocert: a new client certificate did not rebind"
grep -q "\[withcert\] reload: connection settings changed" "$T/gw.log" && fail "withcert rebound unchanged"
wait_state nocert BOUND 15 || fail "nocert did not bind with its new client certificate"
wait_for 10 grep -q "\[noname\] TLS with 127.0.0.1:$WRONG failed in state CONNECTING: certificate verify failed: unable to get local issuer certificate" "$T/gw.log" ||
	fail "noname: the chain was not checked with tls_verify_name = false"
[ "$(bound certsim)" = 2 ] || fail "certsim: $(bound certsim) binds, want 2"
stop_gw || fail "the daemon did not stop cleanly"
pass
