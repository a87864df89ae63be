/*
 * Internal to src/http: the API handlers of api.c, api_bcast.c and
 * api_apps.c, and the value readers they share (api_values.c).
 */
#ifndef CGW_HTTP_API_H
#define CGW_HTTP_API_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http_int.h"

/* Broadcasts (api_bcast.c). */
void api_bcast_create(struct http_req *r);
void api_bcast_recipients(struct http_req *r);
void api_bcast_start(struct http_req *r);
void api_bcast_list(struct http_req *r);
void api_bcast_get(struct http_req *r);
void api_bcast_action(struct http_req *r);
void api_bcast_report(struct http_req *r);

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

#endif
