/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-ctl's client of the daemon's staff API (see ctl_http.h): the
 * evhttp client made synchronous. Each request runs the client's own
 * event_base until its answer (or the failure) comes; the connection is
 * kept between requests and made again when the daemon closed it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>

#include "common/tls.h"
#include "common/util.h"
#include "ctl/ctl.h"
#include "ctl/ctl_http.h"

struct ctl_http {
	const struct cgw_conf *conf;
	struct event_base *base;
	struct evhttp_connection *conn;
	char host[INET6_ADDRSTRLEN];		/* to connect to */
	char address[INET6_ADDRSTRLEN + 8];	/* host:port, [v6]:port */
	int timeout;				/* seconds */
	int port;
	SSL_CTX *tls;	/* the daemon serves HTTPS: trusts its certificate */
};

/* One request waiting for its answer. */
struct call {
	bool done;
	bool answered;		/* a status came with the whole body */
	int status;
	bool failed;		/* the error callback said why */
	enum evhttp_request_error why;
	bool is_json;
	struct evbuffer *body;	/* the answer's body, taken as it comes */
	ctl_sink_fn sink;
	void *sink_arg;
	int sink_rc;
};

/* --- the address -------------------------------------------------------------------- */

/* http.listen as an address to connect to: a wildcard means loopback. */
static int resolve(struct ctl_http *h, char *err, size_t errlen)
{
	const char *listen = h->conf->http.listen;
	struct sockaddr_storage ss;
	int len = (int)sizeof(ss), port;
	void *ip;

	memset(&ss, 0, sizeof(ss));
	if (evutil_parse_sockaddr_port(listen, (struct sockaddr *)&ss,
				       &len) < 0)
		return util_err(err, errlen, -EINVAL, "%s: http.listen: '%s' "
				"is not host:port", h->conf->path, listen);
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		if (IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr))
			s6->sin6_addr = in6addr_loopback;
		ip = &s6->sin6_addr;
		port = ntohs(s6->sin6_port);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		if (s4->sin_addr.s_addr == htonl(INADDR_ANY))
			s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ip = &s4->sin_addr;
		port = ntohs(s4->sin_port);
	}
	if (!evutil_inet_ntop(ss.ss_family, ip, h->host, sizeof(h->host)))
		return util_err(err, errlen, -EINVAL, "%s: http.listen: '%s' "
				"is not host:port", h->conf->path, listen);
	snprintf(h->address, sizeof(h->address),
		 ss.ss_family == AF_INET6 ? "[%s]:%d" : "%s:%d", h->host,
		 port);
	return port;
}

/*
 * HTTPS to the daemon of this configuration: its own certificate (the
 * file it serves, chain and all) is the trust anchor, so the ctl needs no
 * CA and no name to match the address it connects to; any other
 * certificate is refused.
 */
static SSL_CTX *trust_daemon(const struct cgw_conf *c, char *err,
			     size_t errlen)
{
	char why[512];
	SSL_CTX *ctx = tls_client_ctx(c->http.tls_cert_file, "", "", why,
				      sizeof(why));

	if (!ctx) {
		util_err(err, errlen, -EINVAL, "%s: http.tls_cert_file: %s",
			 c->path, why);
		return NULL;
	}
	X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx),
				    X509_V_FLAG_PARTIAL_CHAIN);
	return ctx;
}

/*
 * (Re)makes h->conn. With TLS a new connection per request: an SSL is
 * not reused after the daemon closed it. 0 or -ENOMEM.
 */
static int connect_new(struct ctl_http *h)
{
	struct bufferevent *bev = NULL;
	SSL *ssl;

	if (h->conn)
		evhttp_connection_free(h->conn);
	h->conn = NULL;
	if (h->tls) {
		if (!(ssl = SSL_new(h->tls)))
			return -ENOMEM;
		bev = bufferevent_openssl_socket_new(
			h->base, -1, ssl, BUFFEREVENT_SSL_CONNECTING,
			BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
		if (!bev) {
			SSL_free(ssl);
			return -ENOMEM;
		}
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	}
	h->conn = evhttp_connection_base_bufferevent_new(
		h->base, NULL, bev, h->host, (unsigned short)h->port);
	if (!h->conn) {
		if (bev)
			bufferevent_free(bev);
		return -ENOMEM;
	}
	evhttp_connection_set_retries(h->conn, 0);
	return 0;
}

struct ctl_http *ctl_http_open(const struct cgw_conf *c, char *err,
			       size_t errlen)
{
	struct ctl_http *h;
	int port;

	if (!c->http.listen[0] || !c->http.token[0]) {
		util_err(err, errlen, -EINVAL, "%s: http.%s is empty: the "
			 "daemon serves no API to talk to", c->path,
			 c->http.listen[0] ? "token" : "listen");
		return NULL;
	}
	if (!(h = calloc(1, sizeof(*h)))) {
		util_err(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	h->conf = c;
	h->timeout = CTL_HTTP_TIMEOUT;
	if ((port = resolve(h, err, errlen)) < 0) {
		free(h);
		return NULL;
	}
	h->port = port;
	if (c->http.tls_cert_file[0] && !(h->tls = trust_daemon(c, err,
							       errlen))) {
		free(h);
		return NULL;
	}
	h->base = event_base_new();
	if (!h->base || connect_new(h) < 0) {
		ctl_http_close(h);
		util_err(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	return h;
}

void ctl_http_close(struct ctl_http *h)
{
	if (!h)
		return;
	if (h->conn)
		evhttp_connection_free(h->conn);
	if (h->base)
		event_base_free(h->base);
	SSL_CTX_free(h->tls);
	free(h);
}

const char *ctl_http_address(const struct ctl_http *h)
{
	return h->address;
}

void ctl_http_set_timeout(struct ctl_http *h, int secs)
{
	h->timeout = secs < 1 ? 1 : secs;
}

/* --- one request ---------------------------------------------------------------------- */

/* Body bytes to the sink while it takes them, else into the call's body. */
static void take_body(struct call *k, struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n;

	if (!k->sink || k->status / 100 != 2) {
		evbuffer_add_buffer(k->body, in);
		return;
	}
	while ((n = evbuffer_get_contiguous_space(in)) > 0) {
		if (k->sink_rc == 0)
			k->sink_rc = k->sink(k->sink_arg, evbuffer_pullup(in, n),
					     n);
		evbuffer_drain(in, n);
	}
}

static void on_chunk(struct evhttp_request *req, void *arg)
{
	struct call *k = arg;

	k->status = evhttp_request_get_response_code(req);
	take_body(k, req);
}

static void on_error(enum evhttp_request_error why, void *arg)
{
	struct call *k = arg;

	k->failed = true;
	k->why = why;
}

/* The end of a request: req is NULL, or has no status, when it failed. */
static void on_done(struct evhttp_request *req, void *arg)
{
	struct call *k = arg;

	k->done = true;
	if (req && evhttp_request_get_response_code(req) > 0) {
		k->answered = true;
		const char *ct = evhttp_find_header(
			evhttp_request_get_input_headers(req), "Content-Type");

		k->status = evhttp_request_get_response_code(req);
		k->is_json = ct && strncmp(ct, "application/json", 16) == 0;
		take_body(k, req);
	}
}

/* The headers every request carries. 0 or -ENOMEM. */
static int add_headers(const struct ctl_http *h, struct evhttp_request *req,
		       const char *ctype)
{
	struct evkeyvalq *hdr = evhttp_request_get_output_headers(req);
	char bearer[sizeof(h->conf->http.token) + 8];

	snprintf(bearer, sizeof(bearer), "Bearer %s", h->conf->http.token);
	if (evhttp_add_header(hdr, "Host", h->address) < 0 ||
	    evhttp_add_header(hdr, "Authorization", bearer) < 0 ||
	    evhttp_add_header(hdr, "Accept", "application/json") < 0 ||
	    (ctype && evhttp_add_header(hdr, "Content-Type", ctype) < 0))
		return -ENOMEM;
	return 0;
}

/* Why no answer came, as -errno and a message. */
static int no_answer(const struct ctl_http *h, const struct call *k,
		     char *err, size_t errlen)
{
	if (!k->failed)
		return util_err(err, errlen, -ECONNREFUSED, "cannot reach "
				"citizengw at %s (http.listen in %s): is the "
				"daemon running?", h->address, h->conf->path);
	if (k->why == EVREQ_HTTP_TIMEOUT)
		return util_err(err, errlen, -ETIMEDOUT, "citizengw at %s did "
				"not answer within %d s", h->address,
				h->timeout);
	return util_err(err, errlen, -EPIPE, "citizengw at %s closed the "
			"connection without an answer (see its log)",
			h->address);
}

/* Runs the loop until the call is done; the answer into a. */
static int wait_answer(struct ctl_http *h, struct call *k,
		       struct ctl_answer *a, char *err, size_t errlen)
{
	while (!k->done)
		if (event_base_loop(h->base, EVLOOP_ONCE) != 0)
			return util_err(err, errlen, -EIO, "the event loop "
					"stopped before the answer");
	if (!k->answered)
		return no_answer(h, k, err, errlen);
	if (k->sink_rc < 0)
		return util_err(err, errlen, k->sink_rc, "%s",
				strerror(-k->sink_rc));
	a->status = k->status;
	a->body = k->body;
	k->body = NULL;
	if (k->is_json && evbuffer_get_length(a->body) > 0)
		a->json = json_loadb((const char *)evbuffer_pullup(a->body, -1),
				     evbuffer_get_length(a->body), 0, NULL);
	return 0;
}

int ctl_http_request(struct ctl_http *h, enum evhttp_cmd_type method,
		     const char *target, const char *ctype,
		     struct evbuffer *body, ctl_sink_fn sink, void *sink_arg,
		     struct ctl_answer *a, char *err, size_t errlen)
{
	struct call k = { .sink = sink, .sink_arg = sink_arg };
	struct evhttp_request *req;
	int rc;

	memset(a, 0, sizeof(*a));
	if (h->tls && connect_new(h) < 0)
		return util_err(err, errlen, -ENOMEM, "out of memory");
	if (!(k.body = evbuffer_new()) ||
	    !(req = evhttp_request_new(on_done, &k))) {
		if (k.body)
			evbuffer_free(k.body);
		return util_err(err, errlen, -ENOMEM, "out of memory");
	}
	evhttp_request_set_chunked_cb(req, on_chunk);
	evhttp_request_set_error_cb(req, on_error);
	if (add_headers(h, req, ctype) < 0 ||
	    (body && evbuffer_add_buffer(evhttp_request_get_output_buffer(req),
					 body) < 0)) {
		evhttp_request_free(req);
		evbuffer_free(k.body);
		return util_err(err, errlen, -ENOMEM, "out of memory");
	}
	evhttp_connection_set_timeout(h->conn, h->timeout);
	/* from here the connection owns req and frees it after on_done */
	if (evhttp_make_request(h->conn, req, method, target) < 0 && !k.done)
		rc = util_err(err, errlen, -EIO, "cannot send a request to "
			      "%s", h->address);
	else
		rc = wait_answer(h, &k, a, err, errlen);
	if (k.body)
		evbuffer_free(k.body);
	return rc;
}

int ctl_http_json(struct ctl_http *h, enum evhttp_cmd_type method,
		  const char *target, const json_t *body,
		  struct ctl_answer *a, char *err, size_t errlen)
{
	struct evbuffer *b = NULL;
	char *text = NULL;
	int rc;

	memset(a, 0, sizeof(*a));
	if (body && (!(text = json_dumps(body, JSON_COMPACT)) ||
		     !(b = evbuffer_new()) ||
		     evbuffer_add(b, text, strlen(text)) < 0)) {
		free(text);
		if (b)
			evbuffer_free(b);
		return util_err(err, errlen, -ENOMEM, "out of memory");
	}
	free(text);
	rc = ctl_http_request(h, method, target, b ? "application/json" : NULL,
			      b, NULL, NULL, a, err, errlen);
	if (b)
		evbuffer_free(b);
	return rc;
}

void ctl_answer_free(struct ctl_answer *a)
{
	if (a->body)
		evbuffer_free(a->body);
	json_decref(a->json);
	memset(a, 0, sizeof(*a));
}

void ctl_http_refusal(const struct ctl_http *h, const struct ctl_answer *a,
		      char *err, size_t errlen)
{
	const char *msg = json_string_value(json_object_get(a->json, "error"));
	size_t n = a->body ? evbuffer_get_length(a->body) : 0;

	if (a->status == 401)
		snprintf(err, errlen, "the token in %s is refused by citizengw "
			 "at %s (http.token)", h->conf->path, h->address);
	else if (msg)
		snprintf(err, errlen, "%s", msg);
	else
		snprintf(err, errlen, "HTTP %d from %s: %.*s", a->status,
			 h->address, n > 120 ? 120 : (int)n,
			 n ? (const char *)evbuffer_pullup(a->body, -1) : "");
}

struct ctl_http *ctl_http_open_or_say(const struct cgw_conf *c)
{
	struct ctl_http *h;
	char err[512];

	if (!c) {
		fprintf(stderr, "citizengw-ctl: -c FILE is required (the "
				"daemon's configuration)\n");
		return NULL;
	}
	if (!(h = ctl_http_open(c, err, sizeof(err))))
		fprintf(stderr, "citizengw-ctl: %s\n", err);
	return h;
}

int ctl_http_answered(struct ctl_http *h, int rc, const char *err,
		      struct ctl_answer *a, bool expects_json,
		      const char *what)
{
	char msg[1024];

	if (rc < 0) {
		fprintf(stderr, "citizengw-ctl: %s%s\n", what, err);
		return CTL_EXIT_UNREACHABLE;
	}
	if (a->status / 100 == 2 && (a->json || !expects_json))
		return 0;
	if (a->status / 100 == 2)
		snprintf(msg, sizeof(msg), "the answer of %s is not JSON",
			 ctl_http_address(h));
	else
		ctl_http_refusal(h, a, msg, sizeof(msg));
	fprintf(stderr, "citizengw-ctl: %s%s\n", what, msg);
	rc = a->status == 404 || a->status == 409 ? CTL_EXIT_PARTLY
	     : a->status == 503 ? CTL_EXIT_UNREACHABLE : CTL_EXIT_USAGE;
	ctl_answer_free(a);
	return rc;
}

int ctl_query_add(struct evbuffer *q, const char *name, const char *value)
{
	char *v = evhttp_uriencode(value, -1, 0);
	int rc;

	if (!v)
		return -ENOMEM;
	rc = evbuffer_add_printf(q, "%c%s=%s",
				 evbuffer_search(q, "?", 1, NULL).pos < 0 ? '?'
				 : '&', name, v);
	free(v);
	return rc < 0 ? -ENOMEM : 0;
}
