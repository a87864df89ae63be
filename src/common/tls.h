/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * TLS: OpenSSL contexts for the SMPP links (client side), the HTTP
 * server and the simulator (server side), and the one place that turns
 * OpenSSL's error queue and a certificate's verify result into a line a
 * person can act on. The connections themselves are libevent's OpenSSL
 * bufferevents, made by their owners.
 *
 * Contexts are reference counted by OpenSSL: an SSL made from a context
 * keeps it alive, so a caller may free (or replace) its context while
 * connections made from it are open.
 */
#ifndef CGW_TLS_H
#define CGW_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <openssl/ssl.h>

/*
 * A client context that verifies the peer's certificate: against the CAs
 * of ca_file, or the system's store when ca_file is "" (Debian's
 * /etc/ssl/certs). With cert_file and key_file (both or neither), that
 * certificate is presented when the server asks for one. TLS 1.2 or
 * later. Returns the context (the caller frees it with SSL_CTX_free), or
 * NULL with "file: why" in err.
 */
SSL_CTX *tls_client_ctx(const char *ca_file, const char *cert_file,
			const char *key_file, char *err, size_t errlen);

/*
 * A server context with the certificate (chain) of cert_file and its key
 * of key_file, checked to belong together. When client_ca is not "", a
 * client certificate signed by one of its CAs is required. Returns the
 * context or NULL with "file: why" in err.
 */
SSL_CTX *tls_server_ctx(const char *cert_file, const char *key_file,
			const char *client_ca, char *err, size_t errlen);

/*
 * A client connection's SSL for host: SNI (for a name, never an address)
 * and, with verify_name, the peer's certificate must name host (a DNS
 * name, or an IP address in its subjectAltName). NULL with the reason in
 * err. The caller owns the SSL (the bufferevent does, once given it).
 */
SSL *tls_client_ssl(SSL_CTX *ctx, const char *host, bool verify_name,
		    char *err, size_t errlen);

/*
 * Why a TLS connection failed, from OpenSSL's error code `e` (0: none;
 * bufferevent_get_openssl_error() gives them) and ssl's verify result
 * (ssl may be NULL): "certificate verify failed: self-signed
 * certificate", "certificate verify failed: hostname mismatch", "wrong
 * version number". "" when OpenSSL knows no reason (then the socket's
 * error or an EOF is the reason). Returns buf.
 */
const char *tls_describe(unsigned long e, const SSL *ssl, char *buf,
			 size_t len);

#endif
