/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internal to src/http: one request in progress and what a handler may do
 * with it. A handler answers exactly once, now or from a store callback
 * (http_reply_*), which also frees the request; a client that went away
 * meanwhile is handled by evhttp (the reply is dropped).
 */
#ifndef CGW_HTTP_INT_H
#define CGW_HTTP_INT_H

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/conf.h"

struct gw;
struct store;
struct http_server;

#define HTTP_MAX_PARAMS 2

struct http_req {
	struct http_server *h;
	struct evhttp_request *req;
	enum evhttp_cmd_type method;
	char path[256];
	/* the {parameters} of the route's pattern, decoded */
	char param[HTTP_MAX_PARAMS][128];
	struct evkeyvalq query;
	void *op;		/* the handler's state: freed with the request */
};

typedef void http_handler_fn(struct http_req *r);

struct http_route {
	enum evhttp_cmd_type method;
	const char *pattern;	/* "/api/broadcasts/{}/pause" */
	http_handler_fn *fn;
};

/* The routes of each file of handlers, NULL-terminated by pattern. */
extern const struct http_route http_api_routes[];

struct gw *http_gw(const struct http_req *r);
struct store *http_store(const struct http_req *r);
const struct cgw_conf *http_conf(const struct http_req *r);

/* --- answers (each frees the request) ------------------------------------------ */

/* A JSON answer; takes the reference to body. */
void http_reply_json(struct http_req *r, int status, json_t *body);
/* {"error": "...", "status": N} */
void http_reply_error(struct http_req *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An answer of another type; takes body (an evbuffer) over. */
void http_reply_buffer(struct http_req *r, int status, const char *ctype,
		       const char *disposition, struct evbuffer *body);
/* A store failure: 503 when Redis is away, 500 otherwise. */
void http_reply_store_error(struct http_req *r, int rc);

/* --- reading the request ------------------------------------------------------- */

/* The query parameter, or NULL. */
const char *http_query(const struct http_req *r, const char *name);
/* The content type without parameters, lower case, into buf ("" none). */
const char *http_content_type(const struct http_req *r, char *buf,
			      size_t len);
/* The body: its bytes (not NUL-terminated) and length. */
const char *http_body(const struct http_req *r, size_t *len);
/*
 * The body as a JSON object. On a wrong content type (415), malformed
 * JSON (400, with line and column) or a body that is not an object (400)
 * it answers the error itself and returns NULL.
 */
json_t *http_body_json(struct http_req *r);

/* --- values --------------------------------------------------------------------- */

/* ISO 8601 local time of broadcast.timezone ("2026-12-04T15:00:00+07:00"). */
json_t *http_time(const struct http_req *r, int64_t utc_ms);

#endif
