/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The staff API for the applications citizens file by SMS and USSD
 * (docs/api.md, "Applications"): a dossier with its application's
 * fields, a new status for it with the reason the citizen reads in the
 * notice, and the list of applications, newest first. What comes from
 * Redis is shown as it is, except bytes that are not UTF-8 ('?').
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "common/util.h"
#include "gw/gw.h"
#include "http/api.h"
#include "http/http_int.h"
#include "services/dossier.h"
#include "store/store.h"
#include "text/text.h"

#define APPS_DEFAULT 50		/* applications in one answer */
#define ECHO_CHARS 64		/* of a bad value, in a message */

/* --- values --------------------------------------------------------------------- */

/*
 * s as valid UTF-8 into out (invalid bytes become '?'), at most `chars`
 * characters (0: all that fit cap). Returns out.
 */
static const char *clean(const char *s, size_t chars, char *out, size_t cap)
{
	size_t len = strlen(s), pos = 0, n = 0, k = 0;

	while (pos < len && (!chars || k < chars)) {
		char tmp[4];
		uint32_t cp;
		size_t w;

		if (utf8_decode(s, len, &pos, &cp) < 0)
			cp = '?';
		w = utf8_encode(cp, tmp);
		if (n + w + 1 > cap)
			break;
		memcpy(out + n, tmp, w);
		n += w;
		k++;
	}
	out[n] = '\0';
	return out;
}

/* A string from Redis as JSON: null when empty. */
static json_t *text_json(const char *s)
{
	char buf[DOSSIER_REASON_MAX + DOSSIER_TEXT_MAX];

	if (!s[0])
		return json_null();
	return json_string(clean(s, 0, buf, sizeof(buf)));
}

static void set(json_t *o, const char *name, json_t *v)
{
	json_object_set_new(o, name, v ? v : json_null());
}

static json_t *status_json(int status)
{
	const char *vi = dossier_status_label(status, "vi");

	if (!vi)
		return json_null();
	return json_pack("{s:s, s:s}", "vi", vi, "en",
			 dossier_status_label(status, "en"));
}

/* The dossier as the API shows it (docs/api.md). */
static json_t *view_json(struct http_req *r, const struct store_dossier_view *v)
{
	const struct dossier *d = &v->d;
	json_t *o = json_object(), *form = json_object();

	set(o, "code", text_json(d->code));
	set(o, "key", text_json(d->key));
	set(o, "phone", text_json(d->phone));
	set(o, "status", json_integer(d->status));
	set(o, "status_label", status_json(d->status));
	set(o, "reason", text_json(d->reason));
	set(o, "procedure", text_json(d->procedure));
	set(o, "agency", text_json(d->agency));
	set(o, "received_at", text_json(d->received_at));
	set(o, "due_at", text_json(d->due_at));
	set(o, "id_last4", text_json(d->id_last4));
	set(o, "rev", json_integer(v->rev));
	set(o, "app", text_json(d->app));
	set(o, "filed_by", text_json(d->filed_by));
	set(o, "filed_at", http_time(r, v->filed_ms));
	set(o, "expires_at", http_time(r, v->expires_ms));
	for (int i = 0; form && i < d->nform; i++) {
		char name[DOSSIER_FORM_NAME];

		set(form, clean(d->form[i].name, 0, name, sizeof(name)),
		    text_json(d->form[i].value));
	}
	set(o, "form", form);
	return o;
}

/* The code in the path: its lookup key, or a 400 answered. */
static int path_code(struct http_req *r, char *display, char *key)
{
	char shown[4 * ECHO_CHARS + 1];
	const char *end;

	if (dossier_code_parse(r->param[0], display, DOSSIER_CODE_MAX, key,
			       DOSSIER_CODE_MAX, &end) == 0 && !*end)
		return 0;
	http_reply_error(r, 400, "'%s' is not a dossier code "
			 "(AGENCY-YYMMDD-NNNN)",
			 clean(r->param[0], ECHO_CHARS, shown, sizeof(shown)));
	return -EINVAL;
}

/* --- GET /api/dossiers/{code} ------------------------------------------------------ */

struct view_op {
	char code[DOSSIER_CODE_MAX];
};

static void viewed(void *arg, int rc, bool found,
		   const struct store_dossier_view *v)
{
	struct http_req *r = arg;
	struct view_op *op = r->op;

	if (rc < 0)
		http_reply_store_error(r, rc);
	else if (!found)
		http_reply_error(r, 404, "no dossier %s", op->code);
	else
		http_reply_json(r, 200, view_json(r, v));
}

void api_dossier_get(struct http_req *r)
{
	char key[DOSSIER_CODE_MAX];
	struct view_op *op = calloc(1, sizeof(*op));
	int rc;

	r->op = op;
	if (!op) {
		http_reply_error(r, 503, "out of memory");
		return;
	}
	if (path_code(r, op->code, key) < 0)
		return;
	rc = store_dossier_view(http_store(r), key, viewed, r);
	if (rc < 0)
		http_reply_store_error(r, rc);
}

/* --- POST /api/dossiers/{code}/status --------------------------------------------- */

struct status_op {
	char code[DOSSIER_CODE_MAX];
	char key[DOSSIER_CODE_MAX];
	char reason[DOSSIER_REASON_MAX];
	struct store_status_set set;
	struct store_status_result res;
};

/*
 * The body: {"status": 1..10, "reason": "...", "notify": true}. Fills
 * op->set; 0, or -EINVAL with the message in err.
 */
static int status_body(struct http_req *r, const json_t *body,
		       struct status_op *op, char *err, size_t errlen)
{
	const json_t *st = json_object_get(body, "status");
	const json_t *reason = json_object_get(body, "reason");
	const json_t *notify = json_object_get(body, "notify");
	const char *name;
	json_t *v;

	json_object_foreach((json_t *)body, name, v)
		if (strcmp(name, "status") && strcmp(name, "reason") &&
		    strcmp(name, "notify"))
			return util_err(err, errlen, -EINVAL, "unknown field "
					"'%.32s' (status, reason, notify)",
					name);
	if (!json_is_integer(st) || json_integer_value(st) < 1 ||
	    json_integer_value(st) > 10)
		return util_err(err, errlen, -EINVAL, "status: expects a "
				"national status code, a whole number 1..10");
	op->set.status = (int)json_integer_value(st);
	if (reason && !json_is_null(reason) && !json_is_string(reason))
		return util_err(err, errlen, -EINVAL, "reason: expects a text");
	if (dossier_reason_check(op->set.status,
				 json_is_string(reason)
					 ? json_string_value(reason) : "",
				 op->reason, sizeof(op->reason), err,
				 errlen) < 0)
		return -EINVAL;
	if (notify && !json_is_boolean(notify))
		return util_err(err, errlen, -EINVAL, "notify: expects true "
				"or false");
	op->set.notify = (!notify || json_is_true(notify)) &&
			 http_conf(r)->notices.enabled;
	op->set.dossier_key = op->key;
	op->set.reason = op->reason;
	return 0;
}

static void status_reply(struct http_req *r, const char *notice)
{
	struct status_op *op = r->op;

	http_reply_json(r, 200, json_pack("{s:o, s:b, s:i, s:s}", "dossier",
					  view_json(r, &op->res.view),
					  "status_changed", op->res.changed,
					  "old_status", op->res.old_status,
					  "notice", notice));
}

/* The notice goes unless the phone opted out (its profile is in another
 * slot: read after the write, for the answer only). */
static void status_profile(void *arg, int rc, const struct store_profile *p)
{
	struct http_req *r = arg;

	status_reply(r, rc == 0 && p->optout ? "opted_out" : "queued");
}

static void status_set(void *arg, int rc, const struct store_status_result *res)
{
	struct http_req *r = arg;
	struct status_op *op = r->op;

	if (rc < 0) {
		http_reply_store_error(r, rc);
		return;
	}
	if (!res->found) {
		http_reply_error(r, 404, "no dossier %s", op->code);
		return;
	}
	op->res = *res;
	if (!res->changed)
		status_reply(r, "none");
	else if (!op->set.notify)
		status_reply(r, "off");
	else if (!gw_notice_has(http_gw(r), op->set.status))
		status_reply(r, "none");
	else if (store_profile_get(http_store(r), res->view.d.phone,
				   status_profile, r) < 0)
		status_reply(r, "queued");
}

void api_dossier_status(struct http_req *r)
{
	struct status_op *op = calloc(1, sizeof(*op));
	json_t *body;
	char err[512];
	int rc;

	r->op = op;
	if (!op) {
		http_reply_error(r, 503, "out of memory");
		return;
	}
	if (path_code(r, op->code, op->key) < 0 ||
	    !(body = http_body_json(r)))
		return;
	rc = status_body(r, body, op, err, sizeof(err));
	json_decref(body);
	if (rc < 0) {
		http_reply_error(r, 400, "%s", err);
		return;
	}
	rc = store_dossier_status(http_store(r), &op->set, status_set, r);
	if (rc < 0)
		http_reply_store_error(r, rc);
}

/* --- GET /api/applications ---------------------------------------------------------- */

struct apps_op {
	char app[DOSSIER_APP_MAX];
	struct store_app_filter f;
};

static void apps_listed(void *arg, int rc, const struct store_app_list *l)
{
	struct http_req *r = arg;
	json_t *list;

	if (rc < 0) {
		http_reply_store_error(r, rc);
		return;
	}
	list = json_array();
	for (int i = 0; list && i < l->n; i++)
		json_array_append_new(list, view_json(r, &l->v[i]));
	http_reply_json(r, 200, json_pack("{s:o, s:b}", "applications", list,
					  "truncated", l->more));
}

/* A procedure id as the menus name it: a-z, 0-9, '_' and '-'. */
static bool app_id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= DOSSIER_APP_MAX)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* One query parameter into the filter: 0, or -EINVAL with err. */
static int apps_param(struct http_req *r, struct apps_op *op,
		      const char *name, const char *v, char *err,
		      size_t errlen)
{
	char shown[4 * ECHO_CHARS + 1];
	long long n;

	clean(v, ECHO_CHARS, shown, sizeof(shown));
	if (strcmp(name, "since") == 0 || strcmp(name, "until") == 0)
		return api_time_str(r, shown, name, name[0] == 's'
				    ? &op->f.since : &op->f.until, err,
				    errlen);
	if (strcmp(name, "status") == 0) {
		if (util_parse_int(v, 1, 10, &n) < 0)
			return util_err(err, errlen, -EINVAL, "status: '%s' "
					"is not 1..10", shown);
		op->f.status = (int)n;
	} else if (strcmp(name, "procedure") == 0) {
		if (!app_id_valid(v))
			return util_err(err, errlen, -EINVAL, "procedure: "
					"'%s' is not a procedure id (bansao)",
					shown);
		util_strlcpy(op->app, v, sizeof(op->app));
		op->f.app = op->app;
	} else if (strcmp(name, "limit") == 0) {
		if (util_parse_int(v, 1, STORE_APPS_MAX, &n) < 0)
			return util_err(err, errlen, -EINVAL, "limit: '%s' "
					"is not 1..%d", shown, STORE_APPS_MAX);
		op->f.limit = (int)n;
	} else {
		return util_err(err, errlen, -EINVAL, "unknown parameter "
				"'%s' (since, until, status, procedure, "
				"limit)", clean(name, ECHO_CHARS, shown,
						sizeof(shown)));
	}
	return 0;
}

void api_applications(struct http_req *r)
{
	struct apps_op *op = calloc(1, sizeof(*op));
	struct evkeyval *kv;
	char err[512];
	int rc;

	r->op = op;
	if (!op) {
		http_reply_error(r, 503, "out of memory");
		return;
	}
	op->f.until = INT64_MAX / 2;
	op->f.limit = APPS_DEFAULT;
	TAILQ_FOREACH(kv, &r->query, next)
		if (apps_param(r, op, kv->key, kv->value, err,
			       sizeof(err)) < 0) {
			http_reply_error(r, 400, "%s", err);
			return;
		}
	rc = store_apps_list(http_store(r), &op->f, apps_listed, r);
	if (rc < 0)
		http_reply_store_error(r, rc);
}
