# SPDX-License-Identifier: GPL-3.0-or-later
# Throwaway certificates for the TLS tests, made with the openssl CLI in
# $T/pki (sourced after lib.sh):
#   ca.pem            a test CA
#   server.pem/.key   signed by it, for 127.0.0.1 and localhost (SAN)
#   wrong.pem/.key    signed by it, for wrong.example only
#   self.pem/.key     self-signed, for 127.0.0.1 and localhost
#   other-ca.pem      another CA, which signed nothing here
#   client.pem/.key   a client certificate signed by the test CA
#   server2.pem       a second server certificate (another serial) with
#                     server.key's key, for reload tests
command -v openssl >/dev/null 2>&1 || { echo "SKIP: openssl CLI not installed"; exit 77; }

make_certs() {
	_p=$T/pki
	mkdir -p "$_p"
	_ossl() { openssl "$@" >>"$_p/openssl.log" 2>&1 || fail "openssl $1 failed: $(tail -3 "$_p/openssl.log")"; }
	_ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=citizengw test CA" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
		-keyout "$_p/ca.key" -out "$_p/ca.pem"
	_ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=other CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-keyout "$_p/other-ca.key" -out "$_p/other-ca.pem"
	# sign NAME SUBJECT SAN [SERIAL] [KEY]
	_sign() {
		[ -n "${5:-}" ] || _ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$_p/$1.key"
		_ossl req -new -key "$_p/${5:-$1}.key" -subj "$2" -out "$_p/$1.csr"
		printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\n' "$3" >"$_p/$1.ext"
		_ossl x509 -req -in "$_p/$1.csr" -CA "$_p/ca.pem" -CAkey "$_p/ca.key" \
			-set_serial "${4:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}" \
			-days 2 -extfile "$_p/$1.ext" -out "$_p/$1.pem"
	}
	_sign server "/CN=localhost" "IP:127.0.0.1,DNS:localhost" 1001
	_sign server2 "/CN=localhost" "IP:127.0.0.1,DNS:localhost" 2002 server
	_sign wrong "/CN=wrong.example" "DNS:wrong.example" 1003
	_sign client "/CN=citizengw-client" "DNS:citizengw-client" 1004
	_ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
		-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		-keyout "$_p/self.key" -out "$_p/self.pem"
	PKI=$_p
}
