/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The staff API (docs/api.md) except broadcasts (api_bcast.c) and
 * applications (api_apps.c): status, dossiers, single messages,
 * procedure requests; and the table of every route.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "gw/gw.h"
#include "http/api.h"
#include "http/http_int.h"
#include "services/dossier.h"
#include "services/phone.h"
#include "services/services.h"
#include "store/record.h"
#include "store/store.h"
#include "text/text.h"

#define BULK_MAX 10000		/* dossiers in one POST */
#define REQUESTS_MAX 500	/* requests in one answer, per shard */

/* --- status ---------------------------------------------------------------------- */

static json_t *binds_json(struct http_req *r)
{
	struct gw_bind b[32];
	int n = gw_binds(http_gw(r), b, 32);
	json_t *list = json_array();

	for (int i = 0; i < n && i < 32; i++)
		json_array_append_new(list, json_pack(
			"{s:s, s:s, s:s, s:b, s:o, s:i, s:i, s:i}",
			"id", b[i].name, "role", b[i].role, "state",
			b[i].state, "bound", b[i].bound, "since",
			http_time(r, b[i].since), "window", b[i].window,
			"in_flight", b[i].in_flight, "tps", b[i].tps));
	return list;
}

/*
 * GET /api/status in three steps, each answered even when Redis is away
 * (its parts are then null): the queue depths, the active broadcasts'
 * ids, each of them.
 */
struct status_op {
	json_t *out;		/* the answer being built */
	json_t *bcasts;		/* ids, replaced by each broadcast */
	int pending;
	int rc;			/* the first store failure */
};

static void status_reply(struct http_req *r)
{
	struct status_op *op = r->op;
	json_t *out = op->out;

	op->out = NULL;
	if (op->rc < 0) {
		json_decref(op->bcasts);
		json_object_set_new(out, "broadcasts", json_null());
	} else {
		/* ids whose record is gone (ended meanwhile) stay strings */
		for (size_t i = json_array_size(op->bcasts); i-- > 0;)
			if (json_is_string(json_array_get(op->bcasts, i)))
				json_array_remove(op->bcasts, i);
		json_object_set_new(out, "broadcasts", op->bcasts);
	}
	op->bcasts = NULL;
	http_reply_json(r, 200, out);
}

static void status_bcast(void *arg, int rc, bool found,
			 const struct store_bcast *b,
			 const struct store_bc_counts *c)
{
	struct http_req *r = arg;
	struct status_op *op = r->op;
	size_t i;
	json_t *slot;

	if (rc < 0 && op->rc == 0)
		op->rc = rc;
	else if (rc == 0 && found && strcmp(b->state, "loading") != 0)
		json_array_foreach(op->bcasts, i, slot)
			if (json_is_string(slot) &&
			    strcmp(json_string_value(slot), b->id) == 0) {
				json_array_set_new(op->bcasts, i,
						   api_bcast_json(r, b, c));
				break;
			}
	if (--op->pending == 0)
		status_reply(r);
}

static void status_active(void *arg, int rc, const char *const *ids, int n)
{
	struct http_req *r = arg;
	struct status_op *op = r->op;

	op->bcasts = json_array();
	if (rc < 0 || n == 0) {
		op->rc = rc;
		status_reply(r);
		return;
	}
	for (int i = 0; i < n; i++)
		json_array_append_new(op->bcasts, json_string(ids[i]));
	/* one more than the requests: a request failing at once must not
	 * answer (and free r) while this loop still runs */
	op->pending = n + 1;
	for (int i = 0; i < n; i++)
		if ((rc = store_bc_get(http_store(r), ids[i], status_bcast,
				       r)) < 0)
			status_bcast(r, rc, false, NULL, NULL);
	if (--op->pending == 0)
		status_reply(r);
}

static void status_depths(void *arg, int rc, const struct store_depths *d)
{
	struct http_req *r = arg;
	struct status_op *op = r->op;
	int64_t now = util_now_ms(), started = gw_started(http_gw(r));
	json_t *queues = rc == 0
		? json_pack("{s:I, s:I, s:I, s:I}", "replies",
			    (json_int_t)d->replies, "broadcast",
			    (json_int_t)d->broadcast, "open_mos",
			    (json_int_t)d->open_mos, "notices",
			    (json_int_t)d->notices)
		: json_null();

	op->out = json_pack(
		"{s:s, s:s, s:o, s:I, s:s, s:o, s:o, s:{s:i}}",
		"version", PACKAGE_VERSION, "instance",
		gw_instance(http_gw(r)), "started", http_time(r, started),
		"uptime_s", (json_int_t)((now - started) / 1000), "redis",
		rc == 0 ? "ready" : "down", "binds", binds_json(r), "queues",
		queues, "sessions", "ussd", gw_sessions(http_gw(r)));
	op->rc = rc;
	if (rc < 0 || (rc = store_bc_active(http_store(r), status_active,
					    r)) < 0)
		status_active(r, rc < 0 ? rc : -EIO, NULL, 0);
}

static void api_status(struct http_req *r)
{
	int rc;

	if (!(r->op = calloc(1, sizeof(struct status_op)))) {
		http_reply_error(r, 503, "out of memory");
		return;
	}
	if ((rc = store_depths(http_store(r), status_depths, r)) < 0)
		status_depths(r, rc, NULL);
}

/* --- dossiers ---------------------------------------------------------------------- */

struct again_op {
	char code[DOSSIER_CODE_MAX];
};

static void notified(void *arg, int rc, long rev)
{
	struct http_req *r = arg;
	struct again_op *op = r->op;

	if (rc < 0)
		http_reply_store_error(r, rc);
	else if (rev == 0)
		http_reply_error(r, 404, "no dossier %s", op->code);
	else
		http_reply_json(r, 200, json_pack("{s:s, s:s}", "code",
						  op->code, "notice",
						  "queued"));
}

static void api_dossier_notify(struct http_req *r)
{
	char key[DOSSIER_CODE_MAX];
	struct again_op *op = calloc(1, sizeof(*op));
	const char *end;
	int rc;

	r->op = op;
	if (!op) {
		http_reply_error(r, 503, "out of memory");
		return;
	}
	if (dossier_code_parse(r->param[0], op->code, sizeof(op->code), key,
			       sizeof(key), &end) < 0 || *end) {
		http_reply_error(r, 400, "'%s' is not a dossier code "
				 "(AGENCY-YYMMDD-NNNN)", r->param[0]);
		return;
	}
	if (!http_conf(r)->notices.enabled) {
		http_reply_error(r, 409, "notices are off (notices.enabled)");
		return;
	}
	rc = store_notice_again(http_store(r), key, notified, r);
	if (rc < 0)
		http_reply_store_error(r, rc);
}

struct put_op {
	bool notify;
	struct dossier d;
	struct store_dossier_put_result res;
};

static void put_reply(struct http_req *r, const char *notice)
{
	struct put_op *op = r->op;

	http_reply_json(r, op->res.created ? 201 : 200, json_pack(
		"{s:s, s:b, s:b, s:s}", "code", op->d.code, "created",
		op->res.created, "status_changed", op->res.changed, "notice",
		notice));
}

/* The notice goes unless the phone opted out (its profile is in another
 * slot: read after the write, for the answer only). */
static void put_profile(void *arg, int rc, const struct store_profile *p)
{
	struct http_req *r = arg;

	put_reply(r, rc == 0 && p->optout ? "opted_out" : "queued");
}

static void put_done(void *arg, int rc,
		     const struct store_dossier_put_result *res)
{
	struct http_req *r = arg;
	struct put_op *op = r->op;

	if (rc < 0) {
		http_reply_store_error(r, rc);
		return;
	}
	op->res = *res;
	if (!res->changed)
		put_reply(r, "none");
	else if (!op->notify)
		put_reply(r, "off");
	else if (!gw_notice_has(http_gw(r), op->d.status))
		put_reply(r, "none");
	else if (store_profile_get(http_store(r), op->d.phone, put_profile,
				   r) < 0)
		put_reply(r, "queued");
}

static void api_dossier_put(struct http_req *r)
{
	json_t *body = http_body_json(r);
	struct put_op *op;
	char err[256];
	int rc;

	if (!body)
		return;
	op = calloc(1, sizeof(*op));
	if (!op || api_notify_flag(body, &op->notify) < 0) {
		json_decref(body);
		free(op);
		http_reply_error(r, 400, "notify: expects true or false");
		return;
	}
	r->op = op;
	rc = api_dossier_from_json(body, r->param[0], &op->d, err, sizeof(err));
	json_decref(body);
	if (rc < 0) {
		http_reply_error(r, 400, "%s", err);
		return;
	}
	op->notify = op->notify && http_conf(r)->notices.enabled;
	rc = store_dossier_put(http_store(r), &op->d, op->notify, put_done,
			       r);
	if (rc < 0)
		http_reply_store_error(r, rc);
}

struct bulk_op {
	int pending;		/* puts not yet answered, and the loop */
	bool notify;
	int accepted, notices, failed;
	int first_rc;
	json_t *rejected;
	bool sent_all;
};

static void bulk_reply(struct http_req *r)
{
	struct bulk_op *op = r->op;

	if (op->failed) {
		json_decref(op->rejected);
		http_reply_store_error(r, op->first_rc);
		return;
	}
	http_reply_json(r, 200, json_pack("{s:i, s:o, s:i}", "accepted",
					  op->accepted, "rejected",
					  op->rejected, "notices",
					  op->notices));
}

/* One put fewer to wait for (or the loop that sends them ended). */
static void bulk_one_less(struct http_req *r)
{
	struct bulk_op *op = r->op;

	if (--op->pending == 0 && op->sent_all)
		bulk_reply(r);
}

static void bulk_done(void *arg, int rc,
		      const struct store_dossier_put_result *res)
{
	struct http_req *r = arg;
	struct bulk_op *op = r->op;

	if (rc < 0) {
		op->failed++;
		op->first_rc = op->first_rc ? op->first_rc : rc;
	} else {
		op->accepted++;
		op->notices += res->changed && op->notify;
	}
	bulk_one_less(r);
}

static void bulk_reject(struct bulk_op *op, size_t i, const char *why)
{
	json_array_append_new(op->rejected,
			      json_pack("{s:I, s:s}", "index", (json_int_t)i,
					"error", why));
}

/* Writes every valid item; the answer goes when the last is written. */
static void bulk_put(struct http_req *r, const json_t *list, bool notify)
{
	struct bulk_op *op = r->op;
	size_t i;
	json_t *item;

	op->pending = 1;	/* this loop */
	op->notify = notify;
	json_array_foreach(list, i, item) {
		struct dossier d;
		char err[256];
		int rc;

		if (api_dossier_from_json(item, NULL, &d, err, sizeof(err)) < 0) {
			bulk_reject(op, i, err);
			continue;
		}
		op->pending++;
		rc = store_dossier_put(http_store(r), &d, notify, bulk_done,
				       r);
		if (rc < 0)
			bulk_done(r, rc, NULL);
	}
	op->sent_all = true;
	bulk_one_less(r);
}

static void api_dossiers_post(struct http_req *r)
{
	json_t *body = http_body_json(r), *list;
	struct bulk_op *op;
	bool notify;

	if (!body)
		return;
	list = json_object_get(body, "dossiers");
	if (!json_is_array(list) || api_notify_flag(body, &notify) < 0) {
		json_decref(body);
		http_reply_error(r, 400, "expects {\"dossiers\": [ {...}, ... "
				 "], \"notify\": true|false}");
		return;
	}
	if (json_array_size(list) > BULK_MAX) {
		size_t n = json_array_size(list);

		json_decref(body);	/* list was in it */
		http_reply_error(r, 413, "%zu dossiers: at most %d in one "
				 "request", n, BULK_MAX);
		return;
	}
	op = calloc(1, sizeof(*op));
	if (!op || !(op->rejected = json_array())) {
		free(op);
		json_decref(body);
		http_reply_error(r, 503, "out of memory");
		return;
	}
	r->op = op;
	bulk_put(r, list, notify && http_conf(r)->notices.enabled);
	json_decref(body);
}

/* --- messages ---------------------------------------------------------------------- */

static void message_queued(void *arg, int rc, const char *verdict)
{
	struct http_req *r = arg;
	struct store_mt *mt = r->op;

	if (rc < 0)
		http_reply_store_error(r, rc);
	else if (strcmp(verdict, "opted_out") == 0)
		http_reply_error(r, 409, "%s opted out of messages (TU CHOI): "
				 "nothing was sent", mt->msisdn);
	else
		http_reply_json(r, 201, json_pack("{s:s}", "id", mt->id));
}

/* The MT of a message from staff: after replies, never after expiry. */
static int message_mt(struct http_req *r, const json_t *body,
		      struct store_mt *mt, char *err, size_t errlen)
{
	const struct cgw_conf *c = http_conf(r);
	const char *to = json_string_value(json_object_get(body, "to"));
	const char *text = json_string_value(json_object_get(body, "text"));
	const json_t *exp = json_object_get(body, "expires_at");
	int64_t now = util_now_ms();

	rec_defaults(&rec_mt, mt);
	if (!to || phone_normalize(to, mt->msisdn, sizeof(mt->msisdn)) < 0)
		return util_err(err, errlen, -EINVAL, "to: expects a "
				"Vietnamese mobile number (0912345678)");
	if (!text || !text[0] || !utf8_valid(text) ||
	    strlen(text) >= sizeof(mt->text))
		return util_err(err, errlen, -EINVAL, "text: expects UTF-8 "
				"text of 1 to %zu bytes", sizeof(mt->text) - 1);
	mt->expires_ms = now + c->broadcast.expiry;
	if (exp && api_time(r, exp, "expires_at", &mt->expires_ms, err,
			    errlen) < 0)
		return -EINVAL;
	if (mt->expires_ms <= now)
		return util_err(err, errlen, -EINVAL, "expires_at: in the "
				"past");
	text_fold_if(c->menus.fold_vi, text, mt->text, sizeof(mt->text));
	snprintf(mt->id, sizeof(mt->id), "m-%llx-%04x",
		 (unsigned long long)now, (unsigned)(rand() & 0xffff));
	store_mt_to_phone(mt, c, 1, now);
	return 0;
}

static void api_message_post(struct http_req *r)
{
	json_t *body = http_body_json(r);
	struct store_mt *mt;
	char err[256];
	int rc;

	if (!body)
		return;
	mt = calloc(1, sizeof(*mt));
	r->op = mt;
	rc = mt ? message_mt(r, body, mt, err, sizeof(err)) : -ENOMEM;
	json_decref(body);
	if (rc < 0) {
		http_reply_error(r, rc == -ENOMEM ? 503 : 400, "%s",
				 rc == -ENOMEM ? "out of memory" : err);
		return;
	}
	rc = store_notice_queue(http_store(r), mt, "", "vi", message_queued, r);
	if (rc < 0)
		http_reply_store_error(r, rc);
}

static const char *pair(const char *const *p, size_t n, const char *name)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		if (strcmp(p[i], name) == 0)
			return p[i + 1];
	return "";
}

static json_t *ms_json(struct http_req *r, const char *v)
{
	return http_time(r, strtoll(v, NULL, 10));
}

static void message_found(void *arg, int rc, bool found,
			  const struct store_mt *mt, const char *const *p,
			  size_t n)
{
	struct http_req *r = arg;
	const char *stat = pair(p, n, "dlr_stat");

	if (rc < 0) {
		http_reply_store_error(r, rc);
		return;
	}
	if (!found) {
		http_reply_error(r, 404, "no message %s", r->param[0]);
		return;
	}
	/* a sent MT's record keeps no text nor expiry (mt_done.lua) */
	http_reply_json(r, 200, json_pack(
		"{s:s, s:s, s:o, s:s, s:i, s:o, s:o, s:o, s:o}", "id", mt->id,
		"to", mt->msisdn, "text",
		mt->text[0] ? json_string(mt->text) : json_null(), "state",
		pair(p, n, "state"), "parts",
		atoi(pair(p, n, "parts")) ? atoi(pair(p, n, "parts")) : 1,
		"created_at", http_time(r, mt->created_ms), "expires_at",
		http_time(r, mt->expires_ms), "submitted_at",
		ms_json(r, pair(p, n, "done_at")), "receipt",
		stat[0] ? json_pack("{s:s, s:s, s:o}", "stat", stat, "err",
				    pair(p, n, "dlr_err"), "at",
				    ms_json(r, pair(p, n, "dlr_at")))
			: json_null()));
}

static void api_message_get(struct http_req *r)
{
	int rc = store_mt_find(http_store(r), r->param[0], message_found, r);

	if (rc < 0)
		http_reply_store_error(r, rc);
}

/* --- requests ---------------------------------------------------------------------- */

static int by_time_desc(const void *a, const void *b)
{
	const struct store_entry *x = a, *y = b;

	return x->ms < y->ms ? 1 : x->ms > y->ms ? -1 : 0;
}

static json_t *request_json(struct http_req *r, const struct store_entry *e,
			    const char *kind)
{
	json_t *fields = json_object();

	if (kind && strcmp(pair(e->pairs, e->npairs, "kind"), kind) != 0) {
		json_decref(fields);
		return NULL;
	}
	for (size_t i = 0; i + 1 < e->npairs; i += 2)
		if (!rec_field_find(&rec_request, e->pairs[i]))
			json_object_set_new(fields, e->pairs[i],
					    json_string(e->pairs[i + 1]));
	return json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:o}", "time",
			 http_time(r, e->ms), "ref",
			 pair(e->pairs, e->npairs, "ref"), "kind",
			 pair(e->pairs, e->npairs, "kind"), "phone",
			 pair(e->pairs, e->npairs, "phone"), "channel",
			 pair(e->pairs, e->npairs, "ch"), "lang",
			 pair(e->pairs, e->npairs, "lang"), "fields", fields);
}

static void requests_read(void *arg, int rc, const struct store_entry *e,
			  int n)
{
	struct http_req *r = arg;
	const char *kind = http_query(r, "kind");
	struct store_entry *sorted;
	json_t *list = json_array();

	if (rc < 0) {
		json_decref(list);
		http_reply_store_error(r, rc);
		return;
	}
	sorted = n ? malloc((size_t)n * sizeof(*sorted)) : NULL;
	if (sorted) {
		memcpy(sorted, e, (size_t)n * sizeof(*sorted));
		qsort(sorted, (size_t)n, sizeof(*sorted), by_time_desc);
	}
	for (int i = 0; sorted && i < n && i < REQUESTS_MAX; i++) {
		json_t *one = request_json(r, &sorted[i], kind);

		if (one)
			json_array_append_new(list, one);
	}
	free(sorted);
	http_reply_json(r, 200, json_pack("{s:o}", "requests", list));
}

static void api_requests(struct http_req *r)
{
	const char *since = http_query(r, "since");
	const char *until = http_query(r, "until");
	const char *kind = http_query(r, "kind");
	int64_t from = 0, to = INT64_MAX / 2;
	char err[256];
	int rc;

	if ((since && api_time_str(r, since, "since", &from, err,
				   sizeof(err)) < 0) ||
	    (until && api_time_str(r, until, "until", &to, err,
				   sizeof(err)) < 0)) {
		http_reply_error(r, 400, "%s", err);
		return;
	}
	if (kind && !svc_kind_find(kind)) {
		http_reply_error(r, 400, "kind: '%s' is not one of callback, "
				 "visit, rating, feedback", kind);
		return;
	}
	rc = store_requests(http_store(r), from, to, REQUESTS_MAX,
			    requests_read, r);
	if (rc < 0)
		http_reply_store_error(r, rc);
}

const struct http_route http_api_routes[] = {
	{ EVHTTP_REQ_GET, "/api/status", api_status },
	{ EVHTTP_REQ_PUT, "/api/dossiers/{}", api_dossier_put },
	{ EVHTTP_REQ_GET, "/api/dossiers/{}", api_dossier_get },
	{ EVHTTP_REQ_POST, "/api/dossiers/{}/notify", api_dossier_notify },
	{ EVHTTP_REQ_POST, "/api/dossiers/{}/status", api_dossier_status },
	{ EVHTTP_REQ_POST, "/api/dossiers", api_dossiers_post },
	{ EVHTTP_REQ_POST, "/api/messages", api_message_post },
	{ EVHTTP_REQ_GET, "/api/messages/{}", api_message_get },
	{ EVHTTP_REQ_GET, "/api/requests", api_requests },
	{ EVHTTP_REQ_GET, "/api/applications", api_applications },
	{ EVHTTP_REQ_POST, "/api/broadcasts", api_bcast_create },
	{ EVHTTP_REQ_GET, "/api/broadcasts", api_bcast_list },
	{ EVHTTP_REQ_GET, "/api/broadcasts/{}", api_bcast_get },
	{ EVHTTP_REQ_POST, "/api/broadcasts/{}/recipients",
	  api_bcast_recipients },
	{ EVHTTP_REQ_POST, "/api/broadcasts/{}/start", api_bcast_start },
	{ EVHTTP_REQ_POST, "/api/broadcasts/{}/{}", api_bcast_action },
	{ EVHTTP_REQ_GET, "/api/broadcasts/{}/report.csv", api_bcast_report },
	{ EVHTTP_REQ_GET, "/api/binds", api_binds },
	{ EVHTTP_REQ_POST, "/api/binds/{}/stop", api_bind_stop },
	{ EVHTTP_REQ_POST, "/api/binds/{}/start", api_bind_start },
	{ EVHTTP_REQ_GET, "/metrics", api_metrics },
	{ EVHTTP_REQ_GET, "/healthz", api_healthz },
	{ 0, NULL, NULL },
};
