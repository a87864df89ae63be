/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The binds as operators see and control them (docs/api.md, "Binds"):
 * GET /api/binds, POST /api/binds/{id}/stop and /start. {id} is an smsc
 * entry's id; a transmitter+receiver pair ("main/tx", "main/rx") stops
 * and starts as one. What is stopped stays stopped until started or the
 * daemon restarts (gw_bind_stop()).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "gw/gw.h"
#include "http/api.h"
#include "http/http_int.h"

#define BINDS_MAX 32	/* links of CONF_MAX_SMSC entries, two each */

json_t *api_binds_json(struct http_req *r)
{
	struct gw_bind b[BINDS_MAX];
	int n = gw_binds(http_gw(r), b, BINDS_MAX);
	json_t *list = json_array();

	for (int i = 0; i < n && i < BINDS_MAX; i++)
		json_array_append_new(list, json_pack(
			"{s:s, s:s, s:s, s:s, s:b, s:b, s:o, s:i, s:i, s:i}",
			"id", b[i].name, "smsc", b[i].smsc, "role", b[i].role,
			"state", b[i].state, "bound", b[i].bound, "stopped",
			b[i].held, "since", http_time(r, b[i].since),
			"window", b[i].window, "in_flight", b[i].in_flight,
			"tps", b[i].tps));
	return list;
}

void api_binds(struct http_req *r)
{
	http_reply_json(r, 200, json_pack("{s:o}", "binds",
					  api_binds_json(r)));
}

/* POST /api/binds/{id}/stop and /start. */
static void bind_control(struct http_req *r, bool stop)
{
	const char *id = r->param[0];
	int rc = stop ? gw_bind_stop(http_gw(r), id)
		      : gw_bind_start(http_gw(r), id);

	switch (rc) {
	case 0:
		http_reply_json(r, 202, json_pack(
			"{s:s, s:s, s:o}", "smsc", id, "state",
			stop ? "stopping" : "starting", "binds",
			api_binds_json(r)));
		break;
	case -ENOENT:
		http_reply_error(r, 404, "no bind '%s' (an smsc id of the "
				 "configuration)", id);
		break;
	case -EALREADY:
		http_reply_error(r, 409, "bind '%s' is already %s", id,
				 stop ? "stopped" : "started");
		break;
	default:
		http_reply_error(r, 503, "the gateway is stopping");
		break;
	}
}

void api_bind_stop(struct http_req *r)
{
	bind_control(r, true);
}

void api_bind_start(struct http_req *r)
{
	bind_control(r, false);
}
