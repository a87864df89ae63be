/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * HTTP server (see http/http.h): listening, limits, the bearer token,
 * routing by a table, JSON answers and errors, the embedded page.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include "common/log.h"
#include "common/tls.h"
#include "common/util.h"
#include "gw/gw.h"
#include "http/http.h"
#include "http/http_int.h"
#include "http/www_assets.h"
#include "services/services.h"
#include "text/text.h"

#define MAX_HEADERS 16384	/* bytes of request line and headers */
#define REQUEST_TIMEOUT_S 60
#define TOKEN_MIN_REMOTE 16	/* characters, beyond loopback */

struct http_server {
	struct event_base *base;
	const struct cgw_conf *conf;
	struct gw *gw;
	struct evhttp *http;
	struct evhttp_bound_socket *sock;
	int port;
	SSL_CTX *tls;		/* HTTPS; NULL: plain HTTP */
};

struct gw *http_gw(const struct http_req *r)
{
	return r->h->gw;
}

struct store *http_store(const struct http_req *r)
{
	return gw_store(r->h->gw);
}

const struct cgw_conf *http_conf(const struct http_req *r)
{
	return r->h->conf;
}

/* --- settings ----------------------------------------------------------------------- */

/* Parses http.listen; *loopback tells whether only this machine reaches
 * it. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss,
			int *sslen, bool *loopback)
{
	*sslen = (int)sizeof(*ss);
	memset(ss, 0, sizeof(*ss));
	if (evutil_parse_sockaddr_port(spec, (struct sockaddr *)ss, sslen) < 0)
		return -EINVAL;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		*loopback = (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	} else {
		const struct sockaddr_in6 *s6 =
			(const struct sockaddr_in6 *)ss;

		*loopback = IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
	}
	return 0;
}

static bool listen_loopback(const struct cgw_conf *conf)
{
	struct sockaddr_storage ss;
	bool loopback = false;
	int sslen;

	return parse_listen(conf->http.listen, &ss, &sslen, &loopback) == 0 &&
	       loopback;
}

int http_check_conf(const struct cgw_conf *conf, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	bool loopback;
	int sslen;

	if (!conf->http.listen[0])
		return 0;
	if (parse_listen(conf->http.listen, &ss, &sslen, &loopback) < 0)
		return util_err(err, errlen, -EINVAL,
				"%s: http.listen: '%s' is not host:port (an IP "
				"address and a port: 127.0.0.1:8088, "
				"[::1]:8088)", conf->path, conf->http.listen);
	if (!loopback && strlen(conf->http.token) < TOKEN_MIN_REMOTE)
		return util_err(err, errlen, -EINVAL,
				"%s: http.token: %s, while http.listen (%s) "
				"is reachable from other machines: give it at "
				"least %d characters", conf->path,
				conf->http.token[0] ? "too short" : "empty",
				conf->http.listen, TOKEN_MIN_REMOTE);
	if (!conf->http.tls_cert_file[0] != !conf->http.tls_key_file[0])
		return util_err(err, errlen, -EINVAL,
				"%s: http.tls_cert_file and http.tls_key_file "
				"go together (the certificate and its key)",
				conf->path);
	if (conf->http.tls_cert_file[0]) {
		char why[512];
		SSL_CTX *ctx = tls_server_ctx(conf->http.tls_cert_file,
					      conf->http.tls_key_file, "", why,
					      sizeof(why));

		if (!ctx)
			return util_err(err, errlen, -EINVAL,
					"%s: http.tls_cert_file: %s",
					conf->path, why);
		SSL_CTX_free(ctx);
	} else if (!loopback && !conf->http.insecure) {
		return util_err(err, errlen, -EINVAL,
				"%s: http.listen (%s) is reachable from other "
				"machines without TLS: set http.tls_cert_file "
				"and http.tls_key_file, or http.insecure = "
				"true to send the token and citizens' data "
				"unencrypted", conf->path, conf->http.listen);
	}
	return 0;
}

/* --- answers ------------------------------------------------------------------------ */

static void req_free(struct http_req *r)
{
	evhttp_clear_headers(&r->query);
	free(r->op);
	free(r);
}

static void send_buffer(struct http_req *r, int status, const char *ctype,
			struct evbuffer *body)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(r->req);

	evhttp_add_header(out, "Content-Type", ctype);
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	evhttp_send_reply(r->req, status, NULL, body);
	LOGP(LOG_HTTP, status >= 500 ? LOG_WARN : LOG_INFO, NULL,
	     "%s %s -> %d",
	     r->method == EVHTTP_REQ_GET ? "GET"
	     : r->method == EVHTTP_REQ_POST ? "POST"
	     : r->method == EVHTTP_REQ_PUT ? "PUT" : "other",
	     r->path, status);
}

void http_reply_buffer(struct http_req *r, int status, const char *ctype,
		       const char *disposition, struct evbuffer *body)
{
	if (disposition)
		evhttp_add_header(evhttp_request_get_output_headers(r->req),
				  "Content-Disposition", disposition);
	send_buffer(r, status, ctype, body);
	evbuffer_free(body);
	req_free(r);
}

void http_reply_json(struct http_req *r, int status, json_t *body)
{
	struct evbuffer *b = evbuffer_new();
	char *text = body ? json_dumps(body, JSON_COMPACT | JSON_ENSURE_ASCII)
			  : NULL;

	json_decref(body);
	if (!b || !text) {
		free(text);
		if (b)
			evbuffer_free(b);
		evhttp_send_error(r->req, 500, "out of memory");
		req_free(r);
		return;
	}
	evbuffer_add(b, text, strlen(text));
	evbuffer_add(b, "\n", 1);
	free(text);
	http_reply_buffer(r, status, "application/json; charset=utf-8", NULL,
			  b);
}

void http_reply_error(struct http_req *r, int status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* it may quote what the client sent (a path segment, a field) or
	 * be cut in the middle of a character; JSON takes UTF-8 only */
	utf8_scrub(msg);
	http_reply_json(r, status, json_pack("{s:s, s:i}", "error", msg,
					     "status", status));
}

void http_reply_store_error(struct http_req *r, int rc)
{
	if (rc == -ENOTCONN || rc == -ETIMEDOUT || rc == -ECONNRESET ||
	    rc == -ECANCELED)
		http_reply_error(r, 503, "the gateway's database (Redis) is "
				 "not reachable: nothing was done, try again");
	else
		http_reply_error(r, 500, "database error: %s", strerror(-rc));
}

/* --- reading ------------------------------------------------------------------------ */

const char *http_query(const struct http_req *r, const char *name)
{
	return evhttp_find_header(&r->query, name);
}

const char *http_content_type(const struct http_req *r, char *buf,
			      size_t len)
{
	const char *ct = evhttp_find_header(
		evhttp_request_get_input_headers(r->req), "Content-Type");
	size_t n = 0;

	for (; ct && *ct && *ct != ';' && n + 1 < len; ct++)
		if (*ct != ' ')
			buf[n++] = (char)(*ct >= 'A' && *ct <= 'Z' ? *ct + 32
								   : *ct);
	buf[n] = '\0';
	return buf;
}

const char *http_body(const struct http_req *r, size_t *len)
{
	struct evbuffer *b = evhttp_request_get_input_buffer(r->req);

	*len = evbuffer_get_length(b);
	return *len ? (const char *)evbuffer_pullup(b, -1) : "";
}

json_t *http_body_json(struct http_req *r)
{
	char ct[64];
	json_error_t e;
	const char *body;
	size_t len;
	json_t *j;

	http_content_type(r, ct, sizeof(ct));
	if (strcmp(ct, "application/json") != 0) {
		http_reply_error(r, 415, "the body must be application/json "
				 "(Content-Type: %s)", ct[0] ? ct : "none");
		return NULL;
	}
	body = http_body(r, &len);
	j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		http_reply_error(r, 400, "malformed JSON at line %d, column "
				 "%d: %s", e.line, e.column, e.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		http_reply_error(r, 400, "the body must be a JSON object "
				 "{...}");
		return NULL;
	}
	return j;
}

/* --- authentication ----------------------------------------------------------------- */

/* Equal strings, in a time that depends only on the length of a (the
 * token), never on where they differ. */
static bool same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = (unsigned char)(la != lb);

	for (size_t i = 0; i < la; i++)
		diff |= (unsigned char)(a[i] ^ (i < lb ? b[i] : 0));
	return diff == 0;
}

static bool authorized(const struct http_req *r)
{
	const char *auth = evhttp_find_header(
		evhttp_request_get_input_headers(r->req), "Authorization");

	if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
		return false;
	auth += 7;
	while (*auth == ' ')
		auth++;
	return same_secret(r->h->conf->http.token, auth);
}

/* The monitoring paths: routed like the API, and readable without the
 * token from loopback when http.metrics_without_token says so. */
static bool monitoring_path(const char *path)
{
	return strcmp(path, "/metrics") == 0 || strcmp(path, "/healthz") == 0;
}

/* The peer's address (not a header a proxy or client could write) is on
 * this machine: 127.0.0.0/8, ::1, or ::ffff:127.0.0.0/104. */
static bool from_loopback(const struct http_req *r)
{
	struct evhttp_connection *c = evhttp_request_get_connection(r->req);
	const struct sockaddr *sa = c ? evhttp_connection_get_addr(c) : NULL;

	if (!sa)
		return false;
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr)
			>> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a =
			&((const struct sockaddr_in6 *)sa)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(a) ||
		       (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
	}
	return false;
}

/* --- routing ------------------------------------------------------------------------ */

/* Matches a path against a pattern whose "{}" segments are parameters
 * (percent-decoded into r->param). */
static bool match(const char *pattern, const char *path, struct http_req *r)
{
	int np = 0;

	while (*pattern && *path) {
		if (pattern[0] == '{' && pattern[1] == '}') {
			const char *end = strchr(path, '/');
			size_t n = end ? (size_t)(end - path) : strlen(path);
			char raw[384], *dec;

			if (n == 0 || n >= sizeof(raw) || np >= HTTP_MAX_PARAMS)
				return false;
			memcpy(raw, path, n);
			raw[n] = '\0';
			dec = evhttp_uridecode(raw, 0, NULL);
			if (!dec || strlen(dec) >= sizeof(r->param[0])) {
				free(dec);
				return false;
			}
			util_strlcpy(r->param[np++], dec, sizeof(r->param[0]));
			free(dec);
			pattern += 2;
			path += n;
		} else if (*pattern++ != *path++) {
			return false;
		}
	}
	return *pattern == '\0' && *path == '\0';
}

/* Finds the handler; *path_known tells a 405 from a 404. */
static http_handler_fn *route(struct http_req *r, bool *path_known)
{
	*path_known = false;
	for (const struct http_route *rt = http_api_routes; rt->pattern;
	     rt++) {
		if (!match(rt->pattern, r->path, r))
			continue;
		*path_known = true;
		if (rt->method == r->method)
			return rt->fn;
	}
	return NULL;
}

/* The page and its assets: public, cacheable only by revalidation. */
static bool serve_asset(struct http_req *r)
{
	const char *name = strcmp(r->path, "/") == 0 ? "/index.html" : r->path;

	if (r->method != EVHTTP_REQ_GET && r->method != EVHTTP_REQ_HEAD)
		return false;
	for (const struct http_asset *a = http_assets; a->path; a++) {
		struct evbuffer *b;

		if (strcmp(a->path, name) != 0)
			continue;
		b = evbuffer_new();
		if (!b)
			return false;
		evbuffer_add_reference(b, a->data, a->len, NULL, NULL);
		evhttp_add_header(evhttp_request_get_output_headers(r->req),
				  "Content-Security-Policy",
				  "default-src 'self'; frame-ancestors "
				  "'none'");
		http_reply_buffer(r, 200, a->type, NULL, b);
		return true;
	}
	return false;
}

static int parse_target(struct http_req *r)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(r->req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	const char *query = uri ? evhttp_uri_get_query(uri) : NULL;

	TAILQ_INIT(&r->query);
	if (!path || !path[0])
		path = "/";
	if (strlen(path) >= sizeof(r->path))
		return -EINVAL;
	util_strlcpy(r->path, path, sizeof(r->path));
	if (query && evhttp_parse_query_str(query, &r->query) < 0)
		return -EINVAL;
	return 0;
}

static void on_request(struct evhttp_request *req, void *arg)
{
	struct http_server *h = arg;
	struct http_req *r = calloc(1, sizeof(*r));
	http_handler_fn *fn;
	bool known;

	if (!r) {
		evhttp_send_error(req, 503, "out of memory");
		return;
	}
	r->h = h;
	r->req = req;
	r->method = evhttp_request_get_command(req);
	if (parse_target(r) < 0) {
		http_reply_error(r, 400, "malformed request target");
		return;
	}
	if (strncmp(r->path, "/api/", 5) != 0 && !monitoring_path(r->path)) {
		if (!serve_asset(r))
			http_reply_error(r, 404, "no such page: %s", r->path);
		return;
	}
	if (!authorized(r) &&
	    !(monitoring_path(r->path) &&
	      h->conf->http.metrics_without_token && from_loopback(r))) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
				  "WWW-Authenticate", "Bearer");
		http_reply_error(r, 401, "a valid token is required "
				 "(Authorization: Bearer <token>)");
		return;
	}
	if (evbuffer_get_length(evhttp_request_get_input_buffer(req)) >
	    (size_t)h->conf->http.max_body) {
		http_reply_error(r, 413, "the body is larger than %d bytes "
				 "(http.max_body): send the recipients in "
				 "several requests", h->conf->http.max_body);
		return;
	}
	fn = route(r, &known);
	if (fn)
		fn(r);
	else if (known)
		http_reply_error(r, 405, "%s does not take this method",
				 r->path);
	else
		http_reply_error(r, 404, "no such API path: %s", r->path);
}

/* --- lifecycle --------------------------------------------------------------------- */

/* evhttp's connection factory with HTTPS: each connection an OpenSSL
 * bufferevent of the current context (a reload replaces it; connections
 * already open keep theirs). */
static struct bufferevent *tls_bev(struct event_base *base, void *arg)
{
	struct http_server *h = arg;
	SSL *ssl = SSL_new(h->tls);
	struct bufferevent *bev;

	if (!ssl)
		return NULL;
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
					     BUFFEREVENT_SSL_ACCEPTING,
					     BEV_OPT_CLOSE_ON_FREE);
	if (!bev)
		SSL_free(ssl);
	return bev;
}

int http_reload_tls(struct http_server *h, char *err, size_t errlen)
{
	const struct cgw_conf *c;
	SSL_CTX *ctx;

	if (errlen)
		err[0] = '\0';
	if (!h)
		return 0;
	c = h->conf;
	if (!h->tls != !c->http.tls_cert_file[0]) {
		LOGP(LOG_HTTP, LOG_WARN, NULL, "SIGHUP: HTTPS %s: takes effect "
		     "after a restart", h->tls ? "turned off" : "turned on");
		return 0;
	}
	if (!h->tls)
		return 0;
	ctx = tls_server_ctx(c->http.tls_cert_file, c->http.tls_key_file, "",
			     err, errlen);
	if (!ctx)
		return -EINVAL;
	SSL_CTX_free(h->tls);
	h->tls = ctx;
	LOGP(LOG_HTTP, LOG_NOTICE, NULL, "SIGHUP: HTTPS certificate read "
	     "again from %s", c->http.tls_cert_file);
	return 0;
}

static int listen_on(struct http_server *h, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	evutil_socket_t fd;
	bool loopback;
	int sslen;

	parse_listen(h->conf->http.listen, &ss, &sslen, &loopback);
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0)
		return util_err(err, errlen, -errno, "http.listen %s: %s",
				h->conf->http.listen, strerror(errno));
	evutil_make_listen_socket_reuseable(fd);
	evutil_make_socket_nonblocking(fd);
	evutil_make_socket_closeonexec(fd);
	if (bind(fd, (struct sockaddr *)&ss, (socklen_t)sslen) < 0 ||
	    listen(fd, 128) < 0) {
		int e = errno;

		evutil_closesocket(fd);
		return util_err(err, errlen, -e, "http.listen %s: %s",
				h->conf->http.listen, strerror(e));
	}
	h->sock = evhttp_accept_socket_with_handle(h->http, fd);
	if (!h->sock) {
		evutil_closesocket(fd);
		return util_err(err, errlen, -ENOMEM, "out of memory");
	}
	ss.ss_family = 0;
	sslen = (int)sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, (socklen_t *)&sslen) == 0)
		h->port = ntohs(ss.ss_family == AF_INET6
				? ((struct sockaddr_in6 *)&ss)->sin6_port
				: ((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

struct http_server *http_new(struct event_base *base,
			     const struct cgw_conf *conf, struct gw *gw,
			     char *err, size_t errlen)
{
	struct http_server *h;

	if (errlen)
		err[0] = '\0';
	if (!conf->http.listen[0] || http_check_conf(conf, err, errlen) < 0)
		return NULL;
	if (!conf->http.token[0]) {
		LOGP(LOG_HTTP, LOG_WARN, NULL, "http.token is empty: the HTTP "
		     "API and the staff page are off");
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h || !(h->http = evhttp_new(base))) {
		free(h);
		util_err(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	h->base = base;
	h->conf = conf;
	h->gw = gw;
	/* beyond the limit (by the limit again, at least 1 MiB), so that
	 * the handler answers 413 in JSON; evhttp cuts off what is larger
	 * still with a plain 413, never reading it all */
	evhttp_set_max_body_size(h->http, (ev_ssize_t)conf->http.max_body +
		(conf->http.max_body > (1 << 20) ? conf->http.max_body
						 : (1 << 20)));
	evhttp_set_max_headers_size(h->http, MAX_HEADERS);
	evhttp_set_timeout(h->http, REQUEST_TIMEOUT_S);
	/* every method reaches the router, which answers 405 in JSON */
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
					    EVHTTP_REQ_PUT | EVHTTP_REQ_HEAD |
					    EVHTTP_REQ_DELETE |
					    EVHTTP_REQ_OPTIONS |
					    EVHTTP_REQ_TRACE |
					    EVHTTP_REQ_CONNECT |
					    EVHTTP_REQ_PATCH);
	evhttp_set_gencb(h->http, on_request, h);
	if (conf->http.tls_cert_file[0]) {
		h->tls = tls_server_ctx(conf->http.tls_cert_file,
					conf->http.tls_key_file, "", err,
					errlen);
		if (!h->tls) {
			http_free(h);
			return NULL;
		}
		evhttp_set_bevcb(h->http, tls_bev, h);
	}
	if (listen_on(h, err, errlen) < 0) {
		http_free(h);
		return NULL;
	}
	LOGP(LOG_HTTP, LOG_NOTICE, NULL, "listening on %s (port %d, %s)",
	     conf->http.listen, h->port, h->tls ? "HTTPS" : "plain HTTP");
	if (!h->tls && !listen_loopback(conf))
		LOGP(LOG_HTTP, LOG_WARN, NULL, "http.insecure: plain HTTP on "
		     "%s, reachable from other machines: the token and "
		     "citizens' data cross the network unencrypted; set "
		     "http.tls_cert_file and http.tls_key_file",
		     conf->http.listen);
	return h;
}

void http_free(struct http_server *h)
{
	if (!h)
		return;
	if (h->http)
		evhttp_free(h->http);
	SSL_CTX_free(h->tls);
	free(h);
}

int http_port(const struct http_server *h)
{
	return h ? h->port : 0;
}
