/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GET /metrics and GET /healthz (docs/metrics.md): the process's metrics
 * (common/metrics.h) with the gauges read at scrape time — binds, Redis,
 * queue depths, running broadcasts — and the health check that asks Redis
 * now. Who may read them without the token is decided in http.c.
 */
#include "config.h"

#include <errno.h>
#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/metrics.h"
#include "common/util.h"
#include "gw/gw.h"
#include "http/api.h"
#include "http/http_int.h"
#include "store/store.h"

#define BINDS_MAX 64
#define BCAST_MAX 32		/* broadcasts read at one scrape */

/* --- /metrics ---------------------------------------------------------------- */

struct bc_fig {
	char id[STORE_ID_MAX];
	bool got;		/* read, and loading, running or paused */
	long total;
	struct store_bc_counts c;
};

struct scrape_op {
	int pending;		/* store_bc_get answers awaited */
	bool bc_ok;		/* the active broadcasts were read */
	int nbc;
	struct bc_fig bc[BCAST_MAX];
};

static void set_binds(struct http_req *r)
{
	struct gw_bind b[BINDS_MAX];
	int n = gw_binds(http_gw(r), b, BINDS_MAX);
	static const int gauges[] = { CGW_M_BIND_UP, CGW_M_BIND_STATE,
				      CGW_M_BIND_WINDOW, CGW_M_BIND_IN_FLIGHT,
				      CGW_M_BIND_TPS };

	/* afresh: a bind removed by a reload leaves no stale series */
	for (size_t i = 0; i < ARRAY_SIZE(gauges); i++)
		metric_clear(gauges[i]);
	for (int i = 0; i < n && i < BINDS_MAX; i++) {
		metric_set(CGW_M_BIND_UP, METRIC_LV(b[i].name, b[i].role),
			   b[i].bound);
		metric_set(CGW_M_BIND_STATE, METRIC_LV(b[i].name, b[i].state),
			   1);
		metric_set(CGW_M_BIND_WINDOW, METRIC_LV(b[i].name),
			   b[i].window);
		metric_set(CGW_M_BIND_IN_FLIGHT, METRIC_LV(b[i].name),
			   b[i].in_flight);
		metric_set(CGW_M_BIND_TPS, METRIC_LV(b[i].name), b[i].tps);
	}
	metric_set(CGW_M_REDIS_UP, NULL, store_ready(http_store(r)));
}

static void scrape_reply(struct http_req *r)
{
	struct scrape_op *op = r->op;
	struct evbuffer *b;
	size_t len;
	char *text;

	metric_clear(CGW_M_BCAST_RECIPIENTS);
	for (int i = 0; op->bc_ok && i < op->nbc; i++) {
		const struct bc_fig *f = &op->bc[i];

		if (!f->got)
			continue;	/* not read, or not in progress */
		metric_set(CGW_M_BCAST_RECIPIENTS, METRIC_LV(f->id, "total"),
			   (double)f->total);
		for (int k = 0; k < STORE_BC_NCOUNTS; k++)
			metric_set(CGW_M_BCAST_RECIPIENTS,
				   METRIC_LV(f->id, store_bc_count_names[k]),
				   (double)f->c.n[k]);
	}
	text = metrics_render(metrics_process(), &len);
	b = evbuffer_new();
	if (!text || !b) {
		free(text);
		if (b)
			evbuffer_free(b);
		http_reply_error(r, 503, "out of memory");
		return;
	}
	evbuffer_add(b, text, len);
	free(text);
	http_reply_buffer(r, 200, "text/plain; version=0.0.4; charset=utf-8",
			  NULL, b);
}

static void bc_read(void *arg, int rc, bool found, const struct store_bcast *b,
		    const struct store_bc_counts *c)
{
	struct http_req *r = arg;
	struct scrape_op *op = r->op;
	struct bc_fig *f = NULL;

	for (int i = 0; b && i < op->nbc; i++)
		if (strcmp(op->bc[i].id, b->id) == 0)
			f = &op->bc[i];
	if (rc < 0)
		metric_inc(CGW_M_SCRAPE_ERRORS, METRIC_LV("broadcasts"));
	/* an error names no broadcast: the one it was for stays unread */
	if (f && rc == 0 && found && (strcmp(b->state, "loading") == 0 ||
				      strcmp(b->state, "running") == 0 ||
				      strcmp(b->state, "paused") == 0)) {
		f->got = true;
		f->total = b->total;
		f->c = *c;
	}
	if (--op->pending == 0)
		scrape_reply(r);
}

static void bc_active(void *arg, int rc, const char *const *ids, int n)
{
	struct http_req *r = arg;
	struct scrape_op *op = r->op;

	if (rc < 0) {
		metric_inc(CGW_M_SCRAPE_ERRORS, METRIC_LV("broadcasts"));
		scrape_reply(r);
		return;
	}
	op->bc_ok = true;
	for (int i = 0; i < n && op->nbc < BCAST_MAX; i++)
		util_strlcpy(op->bc[op->nbc++].id, ids[i], STORE_ID_MAX);
	/* every answer counted before any runs (they never run inside
	 * store_bc_get), so that the last one replies */
	op->pending = 1;
	for (int i = 0; i < op->nbc; i++) {
		op->pending++;
		if (store_bc_get(http_store(r), op->bc[i].id, bc_read, r) < 0) {
			op->pending--;
			metric_inc(CGW_M_SCRAPE_ERRORS,
				   METRIC_LV("broadcasts"));
		}
	}
	if (--op->pending == 0)
		scrape_reply(r);
}

static void depths_read(void *arg, int rc, const struct store_depths *d)
{
	struct http_req *r = arg;

	if (rc < 0) {
		/* left out rather than shown as 0: an empty queue and an
		 * unknown one are not the same to an alert */
		metric_clear(CGW_M_QUEUE_DEPTH);
		metric_inc(CGW_M_SCRAPE_ERRORS, METRIC_LV("queues"));
	} else {
		metric_set(CGW_M_QUEUE_DEPTH, METRIC_LV("replies"),
			   (double)d->replies);
		metric_set(CGW_M_QUEUE_DEPTH, METRIC_LV("broadcast"),
			   (double)d->broadcast);
		metric_set(CGW_M_QUEUE_DEPTH, METRIC_LV("open_mos"),
			   (double)d->open_mos);
		metric_set(CGW_M_QUEUE_DEPTH, METRIC_LV("notices"),
			   (double)d->notices);
	}
	rc = store_bc_active(http_store(r), bc_active, r);
	if (rc < 0)
		bc_active(r, rc, NULL, 0);
}

void api_metrics(struct http_req *r)
{
	int rc;

	if (!metrics_process()) {
		http_reply_error(r, 503, "metrics are not kept by this "
				 "process");
		return;
	}
	r->op = calloc(1, sizeof(struct scrape_op));
	if (!r->op) {
		http_reply_error(r, 503, "out of memory");
		return;
	}
	set_binds(r);
	rc = store_depths(http_store(r), depths_read, r);
	if (rc < 0)
		depths_read(r, rc, NULL);
}

/* --- /healthz ---------------------------------------------------------------- */

static void reply_text(struct http_req *r, int status, const char *text)
{
	struct evbuffer *b = evbuffer_new();

	if (!b) {
		http_reply_error(r, 503, "out of memory");
		return;
	}
	evbuffer_add(b, text, strlen(text));
	evbuffer_add(b, "\n", 1);
	http_reply_buffer(r, status, "text/plain; charset=utf-8", NULL, b);
}

/* "" when a bind is bound; otherwise why not, every bind named. */
static void binds_reason(struct http_req *r, char *out, size_t len)
{
	struct gw_bind b[BINDS_MAX];
	int n = gw_binds(http_gw(r), b, BINDS_MAX);
	size_t used;

	out[0] = '\0';
	for (int i = 0; i < n && i < BINDS_MAX; i++)
		if (b[i].bound)
			return;
	used = (size_t)snprintf(out, len, n ? "no bind is bound ("
					    : "no bind is configured");
	for (int i = 0; i < n && i < BINDS_MAX && used < len; i++) {
		char when[32] = "start-up";
		time_t t = (time_t)(b[i].since / 1000);
		struct tm tm;

		if (b[i].since > 0 && gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ",
				 &tm);
		used += (size_t)snprintf(out + used, len - used,
					 "%s%s: %s since %s", i ? ", " : "",
					 b[i].name, b[i].state, when);
	}
	if (n && used < len)
		snprintf(out + used, len - used, ")");
}

static void health_answer(struct http_req *r, const char *redis_why)
{
	char binds[1024], body[1400];

	binds_reason(r, binds, sizeof(binds));
	if (!redis_why[0] && !binds[0]) {
		reply_text(r, 200, "ok");
		return;
	}
	/* one line per condition that fails */
	snprintf(body, sizeof(body), "%s%s%s%s",
		 redis_why[0] ? "redis: " : "", redis_why,
		 redis_why[0] && binds[0] ? "\n" : "", binds);
	reply_text(r, 503, body);
}

static void pinged(void *arg, int rc)
{
	struct http_req *r = arg;
	char why[200] = "";

	if (rc == -ETIMEDOUT)
		snprintf(why, sizeof(why), "no answer to PING within %dms "
			 "(redis.timeout)", http_conf(r)->redis.timeout);
	else if (rc < 0)
		snprintf(why, sizeof(why), "PING failed: %s",
			 store_ready(http_store(r))
				 ? strerror(-rc)
				 : store_down_reason(http_store(r)));
	health_answer(r, why);
}

void api_healthz(struct http_req *r)
{
	int rc = store_ping(http_store(r), pinged, r);

	if (rc == -ENOTCONN)
		health_answer(r, store_down_reason(http_store(r)));
	else if (rc < 0)
		pinged(r, rc);
}
