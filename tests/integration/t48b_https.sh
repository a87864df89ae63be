#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# HTTPS for the staff side (docs/api.md "HTTPS"): the API, /healthz and
# /metrics over TLS, checked by curl against the test CA; plain HTTP to
# the TLS port gets no answer; the certificate is read again on SIGHUP (a
# new serial seen by openssl s_client), a pair that does not match is
# refused and the running one kept; citizengw-ctl talks HTTPS to it; beyond loopback, plain HTTP needs
# http.insecure (refused by -t without it, a warning with it).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/certs.sh"

make_certs
start_redis
start_sim ""
mkdir -p "$T/tls"
cp "$PKI/server.pem" "$T/tls/cert.pem"
cp "$PKI/server.key" "$T/tls/key.pem"
HTTP_PORT=$("$CGW_BUILDDIR"/tests/freeport)
write_config 'http = { listen = "127.0.0.1:'"$HTTP_PORT"'"; token = "change-me"; tls_cert_file = "tls/cert.pem"; tls_key_file = "tls/key.pem"; metrics_without_token = true; };'
# write_config's own http group comes first: the second one is ours
sed -i '/^http = { listen = "127.0.0.1:[0-9]*"; token = "change-me"; };$/d' "$T/gw.cfg"
"$GW" -t -c "$T/gw.cfg" >"$T/t.out" 2>&1 || fail "-t refused HTTPS: $(cat "$T/t.out")"
import_samples
start_gw
URL=https://127.0.0.1:$HTTP_PORT
get() { curl -sS --max-time 5 --cacert "$PKI/ca.pem" -H "Authorization: Bearer change-me" "$@"; }
wait_for 15 sh -c "curl -sf --max-time 2 --cacert '$PKI/ca.pem' '$URL/healthz'" || fail "no /healthz over HTTPS"
code=$(get -o "$T/status.json" -w '%{http_code}' "$URL/api/status")
[ "$code" = 200 ] || fail "/api/status over HTTPS: $code"
jq -e 'type == "object"' "$T/status.json" >/dev/null || fail "/api/status: not JSON: $(cat "$T/status.json")"
[ "$(get -o /dev/null -w '%{http_code}' "$URL/healthz")" = 200 ] || fail "/healthz over HTTPS"
get "$URL/metrics" | grep -q "^# TYPE " || fail "/metrics over HTTPS"
[ "$(get -o /dev/null -w '%{http_code}' "$URL/")" = 200 ] || fail "the staff page over HTTPS"
# localhost is in the certificate too; another CA is refused
get -o /dev/null "https://localhost:$HTTP_PORT/healthz" || fail "https://localhost: refused"
curl -sS --max-time 5 --cacert "$PKI/other-ca.pem" "$URL/healthz" >/dev/null 2>"$T/curl.err" &&
	fail "curl trusted the server with another CA"
grep -qi "certificate" "$T/curl.err" || fail "curl with another CA: $(cat "$T/curl.err")"
# plain HTTP to the TLS port: no HTTP answer
code=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/healthz" || true)
[ "$code" = 000 ] || fail "plain HTTP to the HTTPS port answered $code"
grep -q "HTTP listening on 127.0.0.1:$HTTP_PORT (port $HTTP_PORT, HTTPS)" "$T/gw.log" || fail "no HTTPS in the start-up log"

# citizengw-ctl talks HTTPS to its daemon, trusting the configured
# certificate; two requests (a new TLS connection each)
"$CTL" -c "$T/gw.cfg" bind stop main >"$T/ctl.out" 2>&1 || fail "ctl bind stop over HTTPS: $(cat "$T/ctl.out")"
"$CTL" -c "$T/gw.cfg" bind list >"$T/ctl.list" 2>&1 || fail "ctl bind list over HTTPS: $(cat "$T/ctl.list")"
grep "main" "$T/ctl.list" | grep -q "IDLE" || fail "ctl bind list: $(cat "$T/ctl.list")"
"$CTL" -c "$T/gw.cfg" bind start main >"$T/ctl.out" 2>&1 || fail "ctl bind start over HTTPS: $(cat "$T/ctl.out")"

serial() {
	openssl s_client -connect "127.0.0.1:$HTTP_PORT" -CAfile "$PKI/ca.pem" </dev/null 2>/dev/null |
		openssl x509 -noout -serial
}
[ "$(serial)" = "serial=03E9" ] || fail "serial before reload: $(serial)"
# --- a new certificate, same files, SIGHUP
cp "$PKI/server2.pem" "$T/tls/cert.pem"
kill -HUP "$GW_PID"
wait_for 10 grep -q "SIGHUP: HTTPS certificate read again from $T/tls/cert.pem" "$T/gw.log" ||
	fail "no certificate reload logged"
[ "$(serial)" = "serial=07D2" ] || fail "serial after reload: $(serial)"
[ "$(get -o /dev/null -w '%{http_code}' "$URL/api/status")" = 200 ] || fail "API after reload"
# --- a certificate that does not match its key: refused, the old one kept
cp "$PKI/wrong.pem" "$T/tls/cert.pem"
kill -HUP "$GW_PID"
wait_for 10 grep -q "SIGHUP: nothing reloaded" "$T/gw.log" || fail "a mismatched pair was not refused"
grep -q "SIGHUP: configuration: .*http.tls_cert_file: .*not the key of the certificate\|key values mismatch" "$T/gw.log" ||
	fail "the refusal does not say why: $(grep SIGHUP "$T/gw.log" | tail -3)"
[ "$(serial)" = "serial=07D2" ] || fail "serial after a refused reload: $(serial)"
[ "$(get -o /dev/null -w '%{http_code}' "$URL/api/status")" = 200 ] || fail "API after a refused reload"
stop_gw || fail "the daemon did not stop cleanly"

# --- beyond loopback: plain HTTP refused without http.insecure ---------
P2=$("$CGW_BUILDDIR"/tests/freeport)
write_config 'http = { listen = "0.0.0.0:'"$P2"'"; token = "a-long-enough-token-1234"; };'
sed -i '/^http = { listen = "127.0.0.1:[0-9]*"; token = "change-me"; };$/d' "$T/gw.cfg"
"$GW" -t -c "$T/gw.cfg" >"$T/t.out" 2>&1 && fail "-t accepted plain HTTP on 0.0.0.0"
grep -q "http.listen (0.0.0.0:$P2) is reachable from other machines without TLS: set http.tls_cert_file and http.tls_key_file, or http.insecure = true" "$T/t.out" ||
	fail "-t: $(cat "$T/t.out")"
# the token rule beyond loopback still holds with TLS
write_config 'http = { listen = "0.0.0.0:'"$P2"'"; token = "short"; tls_cert_file = "tls/key.pem"; tls_key_file = "tls/key.pem"; };'
sed -i '/^http = { listen = "127.0.0.1:[0-9]*"; token = "change-me"; };$/d' "$T/gw.cfg"
cp "$PKI/server.pem" "$T/tls/cert.pem"
sed -i 's|tls_cert_file = "tls/key.pem"|tls_cert_file = "tls/cert.pem"|' "$T/gw.cfg"
"$GW" -t -c "$T/gw.cfg" >"$T/t.out" 2>&1 && fail "-t accepted a short token beyond loopback"
grep -q "http.token: too short" "$T/t.out" || fail "-t: $(cat "$T/t.out")"
# a missing certificate file is named
sed -i 's|token = "short"|token = "a-long-enough-token-1234"|; s|tls/cert.pem|tls/nothere.pem|' "$T/gw.cfg"
"$GW" -t -c "$T/gw.cfg" >"$T/t.out" 2>&1 && fail "-t accepted a missing certificate"
grep -q "http.tls_cert_file: $T/tls/nothere.pem: cannot use the certificate" "$T/t.out" || fail "-t: $(cat "$T/t.out")"
# with http.insecure: accepted, and a warning at start-up
write_config 'http = { listen = "0.0.0.0:'"$P2"'"; token = "a-long-enough-token-1234"; insecure = true; };'
sed -i '/^http = { listen = "127.0.0.1:[0-9]*"; token = "change-me"; };$/d' "$T/gw.cfg"
"$GW" -t -c "$T/gw.cfg" >"$T/t.out" 2>&1 || fail "-t refused http.insecure: $(cat "$T/t.out")"
: >"$T/gw.log"
start_gw
wait_for 10 grep -q "WARN HTTP http.insecure: plain HTTP on 0.0.0.0:$P2, reachable from other machines" "$T/gw.log" ||
	fail "no warning for plain HTTP beyond loopback"
[ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer a-long-enough-token-1234' "http://127.0.0.1:$P2/api/status")" = 200 ] ||
	fail "plain HTTP with http.insecure does not serve"
stop_gw || fail "the daemon did not stop cleanly"
pass
