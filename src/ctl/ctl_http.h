/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-ctl as a client of the daemon's staff API (docs/api.md): one
 * keep-alive connection to http.listen with the token of http.token, and
 * requests made one at a time, each waiting for its answer (the client's
 * own event_base runs until it comes, bounded by a timeout).
 */
#ifndef CGW_CTL_HTTP_H
#define CGW_CTL_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>

#include "common/conf.h"

struct ctl_http;

/* An answer of the daemon. ctl_answer_free() frees what it holds. */
struct ctl_answer {
	int status;		/* HTTP status */
	struct evbuffer *body;	/* the body (empty when a sink took it) */
	json_t *json;		/* the body as JSON, or NULL */
};

/* Takes one piece of a 2xx answer's body; 0, or -errno to fail the
 * request (the rest of the body is then dropped). */
typedef int (*ctl_sink_fn)(void *arg, const void *data, size_t len);

/* Seconds a request may wait for its answer unless set otherwise. */
#define CTL_HTTP_TIMEOUT 120

/*
 * A client of the API of the daemon configured by c: http.listen (a
 * wildcard listen means the loopback address of its family) and
 * http.token. No connection is made yet. NULL with the reason in err when
 * the configuration has no API (http.listen or http.token empty). The
 * caller frees it with ctl_http_close(); c must outlive it.
 */
struct ctl_http *ctl_http_open(const struct cgw_conf *c, char *err,
			       size_t errlen);
void ctl_http_close(struct ctl_http *h);

/* The address requests go to, "127.0.0.1:8088" or "[::1]:8088". */
const char *ctl_http_address(const struct ctl_http *h);

/* The timeout of the next requests, in seconds (at least 1). */
void ctl_http_set_timeout(struct ctl_http *h, int secs);

/*
 * Makes a request and waits for the answer. target is the path with its
 * query; ctype and body (taken and emptied; may be NULL) the content.
 * With sink set, the body of a 2xx answer goes to sink piece by piece as
 * it arrives, not into a->body.
 *
 * Returns 0 when an answer came (any status: a->status; the caller frees
 * a with ctl_answer_free()), or -errno with the reason in err when none
 * did: the daemon is not listening (-ECONNREFUSED), no answer in time
 * (-ETIMEDOUT), the connection broke (-EPIPE), or the sink's error.
 */
int ctl_http_request(struct ctl_http *h, enum evhttp_cmd_type method,
		     const char *target, const char *ctype,
		     struct evbuffer *body, ctl_sink_fn sink, void *sink_arg,
		     struct ctl_answer *a, char *err, size_t errlen);

/* The same with a JSON body (NULL: none); the body stays the caller's. */
int ctl_http_json(struct ctl_http *h, enum evhttp_cmd_type method,
		  const char *target, const json_t *body,
		  struct ctl_answer *a, char *err, size_t errlen);

void ctl_answer_free(struct ctl_answer *a);

/*
 * Why the daemon refused a request (a status other than 2xx), for staff:
 * 401 names the configuration file whose token is refused; otherwise the
 * API's "error" text, or the status and the start of the body.
 */
void ctl_http_refusal(const struct ctl_http *h, const struct ctl_answer *a,
		      char *err, size_t errlen);

/*
 * For the commands, which say why on stderr and exit with enum ctl_exit
 * (ctl.h):
 *
 * ctl_http_open_or_say(): the client of c's API (ctl_http_open()), or
 * NULL after saying why: c is NULL (-c FILE is required) or has no API.
 *
 * ctl_http_answered(): after a request (rc and err from ctl_http_*): 0
 * when the daemon answered 2xx with JSON (or expects_json is false).
 * Otherwise says why, prefixed by what (may be ""), frees a and returns
 * the exit code: 1 when the thing is not there or not in a state for it
 * (404, 409), 3 when no answer came or Redis is away (503), 2 for
 * anything else.
 */
struct ctl_http *ctl_http_open_or_say(const struct cgw_conf *c);
int ctl_http_answered(struct ctl_http *h, int rc, const char *err,
		      struct ctl_answer *a, bool expects_json,
		      const char *what);

/* Appends "?name=value" (or "&..." after the first) to q, the value
 * URL-encoded. 0 or -ENOMEM. */
int ctl_query_add(struct evbuffer *q, const char *name, const char *value);

#endif
