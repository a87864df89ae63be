/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internal to src/http: the API handlers of api.c, api_bcast.c and
 * api_apps.c, and the value readers they share (api_values.c).
 */
#ifndef CGW_HTTP_API_H
#define CGW_HTTP_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http_int.h"
#include "services/bcast.h"
#include "services/dossier.h"

struct store_bcast;
struct store_bc_counts;

/* Broadcasts (api_bcast.c). */
void api_bcast_create(struct http_req *r);
void api_bcast_recipients(struct http_req *r);
void api_bcast_start(struct http_req *r);
void api_bcast_list(struct http_req *r);
void api_bcast_get(struct http_req *r);
void api_bcast_action(struct http_req *r);
void api_bcast_report(struct http_req *r);
/* A broadcast for staff (GET /api/broadcasts/{id}): its state "quiet"
 * while quiet hours hold it, "scheduled" before its time. */
json_t *api_bcast_json(struct http_req *r, const struct store_bcast *b,
		       const struct store_bc_counts *c);

/* Binds (api_binds.c): the list as JSON (an array of objects: id, smsc,
 * role, state, bound, stopped, since, window, in_flight, tps), the list,
 * stop and start. */
json_t *api_binds_json(struct http_req *r);
void api_binds(struct http_req *r);
void api_bind_stop(struct http_req *r);
void api_bind_start(struct http_req *r);
/* GET /metrics and GET /healthz (api_metrics.c). */
void api_metrics(struct http_req *r);
void api_healthz(struct http_req *r);

/* Dossiers for staff and the applications citizens filed (api_apps.c). */
void api_dossier_get(struct http_req *r);
void api_dossier_status(struct http_req *r);
void api_applications(struct http_req *r);

/*
 * A time from a JSON value or a query string (ISO 8601; without an offset
 * local in broadcast.timezone): 0, or -EINVAL with "field: why" in err.
 */
int api_time(struct http_req *r, const json_t *v, const char *field,
	     int64_t *ms, char *err, size_t errlen);
int api_time_str(struct http_req *r, const char *s, const char *field,
		 int64_t *ms, char *err, size_t errlen);

/*
 * A dossier from a JSON object with the import's columns (the code from
 * `code` when it is not NULL: the path of PUT /api/dossiers/{code}).
 * 0, or -EINVAL with the reason in err. Reads nothing but o: the fuzz
 * target (fuzz/http.c) runs it on bodies as the handlers do.
 */
int api_dossier_from_json(const json_t *o, const char *code,
			  struct dossier *d, char *err, size_t errlen);
/* `notify`: an optional boolean, default true. 0, or -EINVAL when it is
 * not a boolean. */
int api_notify_flag(const json_t *o, bool *notify);

/* Feeds one JSON recipient (an object: name -> string, number, boolean
 * or null) to a reader of items: bcast_item_end()'s result. */
int api_feed_item(struct bcast_reader *rd, const json_t *item,
		  const struct bcast_rcpt **out);

#endif
