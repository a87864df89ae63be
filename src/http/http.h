/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * HTTP: the staff API (docs/api.md), the staff web page and the metrics
 * and health check (/metrics, /healthz: docs/metrics.md), on libevent's
 * evhttp at http.listen, in the daemon's event loop. JSON goes through
 * jansson. Every /api/ request, /metrics and /healthz need the bearer
 * token of http.token (compared in constant time), except /metrics and
 * /healthz from a loopback peer when http.metrics_without_token is set;
 * the page and its assets are public (the page asks for the token and
 * keeps it in the browser's session).
 *
 * The server uses the gateway (its store, binds and menus) and never the
 * other way round.
 */
#ifndef CGW_HTTP_H
#define CGW_HTTP_H

#include <stddef.h>

#include "common/conf.h"

struct event_base;
struct gw;
struct http_server;

/*
 * Checks the HTTP settings without listening: an address evutil can
 * parse; the HTTPS certificate and key, when given, loaded and matching;
 * beyond loopback, TLS or http.insecure, and a token of at least 16
 * characters. Returns 0 or -EINVAL with "file: http.X: why" in err.
 */
int http_check_conf(const struct cgw_conf *conf, char *err, size_t errlen);

/*
 * Listens on conf->http.listen. NULL and no error (err "") when it is ""
 * or when the token is empty on a loopback address (HTTP off); NULL with
 * the reason in err when the settings are refused or the address cannot
 * be bound. conf and gw must outlive the server.
 */
struct http_server *http_new(struct event_base *base,
			     const struct cgw_conf *conf, struct gw *gw,
			     char *err, size_t errlen);
/*
 * SIGHUP, after the configuration was taken: reads the HTTPS certificate
 * and key again (their files may be new, or new files). 0, or -EINVAL
 * with the reason in err and the running pair kept. Turning HTTPS on or
 * off is logged as needing a restart. h may be NULL (HTTP off).
 */
int http_reload_tls(struct http_server *h, char *err, size_t errlen);

/* Stops listening; requests in progress are dropped. */
void http_free(struct http_server *h);

/* The port it listens on (the one chosen for port 0), or 0. */
int http_port(const struct http_server *h);

#endif
