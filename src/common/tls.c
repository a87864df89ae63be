/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * TLS contexts and error text (see common/tls.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "common/tls.h"
#include "common/util.h"

/* OpenSSL's first queued error as text, the queue emptied. */
static const char *queued_error(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	if (reason)
		snprintf(buf, len, "%s", reason);
	else if (e)
		ERR_error_string_n(e, buf, len);
	else
		snprintf(buf, len, "unknown error");
	ERR_clear_error();
	return buf;
}

static SSL_CTX *fail(SSL_CTX *ctx, char *err, size_t errlen,
		     const char *file, const char *what)
{
	char why[256];

	queued_error(why, sizeof(why));
	util_err(err, errlen, -EINVAL, "%s: %s: %s", file, what, why);
	SSL_CTX_free(ctx);
	return NULL;
}

/* Both or neither; each one readable and the pair matching. */
static SSL_CTX *use_pair(SSL_CTX *ctx, const char *cert_file,
			 const char *key_file, char *err, size_t errlen)
{
	if (!cert_file[0] && !key_file[0])
		return ctx;
	if (!cert_file[0] || !key_file[0]) {
		util_err(err, errlen, -EINVAL, "a certificate needs both its "
			 "file and its key's file");
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1)
		return fail(ctx, err, errlen, cert_file,
			    "cannot use the certificate");
	if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1)
		return fail(ctx, err, errlen, key_file, "cannot use the key");
	if (SSL_CTX_check_private_key(ctx) != 1)
		return fail(ctx, err, errlen, key_file,
			    "not the key of the certificate");
	return ctx;
}

SSL_CTX *tls_client_ctx(const char *ca_file, const char *cert_file,
			const char *key_file, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	ERR_clear_error();
	if (!ctx) {
		util_err(err, errlen, -ENOMEM, "cannot make a TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (ca_file[0]) {
		if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1)
			return fail(ctx, err, errlen, ca_file,
				    "cannot load the CA certificates");
	} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		return fail(ctx, err, errlen, "the system's CA store",
			    "cannot load it");
	}
	return use_pair(ctx, cert_file, key_file, err, errlen);
}

SSL_CTX *tls_server_ctx(const char *cert_file, const char *key_file,
			const char *client_ca, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	ERR_clear_error();
	if (!ctx) {
		util_err(err, errlen, -ENOMEM, "cannot make a TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (!cert_file[0] || !key_file[0]) {
		util_err(err, errlen, -EINVAL, "a TLS server needs a "
			 "certificate and its key");
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (!use_pair(ctx, cert_file, key_file, err, errlen))
		return NULL;
	if (client_ca[0]) {
		if (SSL_CTX_load_verify_locations(ctx, client_ca, NULL) != 1)
			return fail(ctx, err, errlen, client_ca,
				    "cannot load the CA certificates");
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
				   SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	}
	return ctx;
}

SSL *tls_client_ssl(SSL_CTX *ctx, const char *host, bool verify_name,
		    char *err, size_t errlen)
{
	SSL *ssl = SSL_new(ctx);
	unsigned char addr[sizeof(struct in6_addr)];
	bool is_ip = inet_pton(AF_INET, host, addr) == 1 ||
		     inet_pton(AF_INET6, host, addr) == 1;
	char why[256];
	int ok = 1;

	if (!ssl) {
		util_err(err, errlen, -ENOMEM, "cannot make a TLS connection");
		return NULL;
	}
	/* SNI carries names only (RFC 6066) */
	if (!is_ip)
		ok = SSL_set_tlsext_host_name(ssl, host);
	if (ok == 1 && verify_name) {
		X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);

		ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(vp, host)
			   : SSL_set1_host(ssl, host);
	}
	if (ok != 1) {
		util_err(err, errlen, -EINVAL, "TLS name %s: %s", host,
			 queued_error(why, sizeof(why)));
		SSL_free(ssl);
		return NULL;
	}
	return ssl;
}

const char *tls_describe(unsigned long e, const SSL *ssl, char *buf,
			 size_t len)
{
	long v = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	buf[0] = '\0';
	if (reason)
		snprintf(buf, len, "%s", reason);
	else if (e)
		ERR_error_string_n(e, buf, len);
	if (v != X509_V_OK) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, "%s%s", n ? ": " : "",
			 X509_verify_cert_error_string(v));
	}
	return buf;
}
