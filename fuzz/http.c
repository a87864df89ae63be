/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: what the staff API reads from a request (src/http/), without
 * sockets: the values a body or a query string turns into.
 *
 * Input: one byte for the request, a query string (or a path parameter)
 * up to '\n', then the body. What runs per request:
 *
 *   PUT  /api/dossiers/{code}   the code as evhttp_uridecode() gives it
 *                               to the router; the JSON body as
 *                               http_body_json() reads it; notify and the
 *                               dossier: api_notify_flag(),
 *                               api_dossier_from_json() (the handler's
 *                               own functions)
 *   POST /api/dossiers          {"dossiers": [...]}: each item as above
 *   POST /api/messages          to, text, expires_at (phone, UTF-8, time)
 *   POST /api/broadcasts        JSON: name, template, times, rate,
 *                               recipients (items) or recipients_csv;
 *                               CSV body: the same fields in the query
 *                               (evhttp_parse_query_str, as the server)
 *   GET  /api/requests          since, until, kind
 *
 * For broadcasts the template is parsed and checked against the
 * recipients' names, and every recipient is read (a JSON one through the
 * handler's api_feed_item()), rendered and priced as the handler does
 * (services/bcast.h: the reader, bcast_render, bcast_price). The rest of
 * the handlers' glue (api_bcast.c read_fields and the
 * rest take a struct http_req bound to a server, a gateway and Redis) is
 * mirrored here, not called: docs/fuzzing.md says what is and is not
 * covered. Properties (abort when broken):
 *
 *  - an accepted dossier has a code that parses back to its key, a phone
 *    84 + 9 digits, a status 1..10;
 *  - an accepted recipient has a normalised number; its text renders in
 *    BCAST_TEXT_MAX bytes of valid UTF-8 (or is refused as too long),
 *    and is priced at one segment or more;
 *  - a time the API accepts, formatted, reads back to the same second.
 */
#include "config.h"

#include <errno.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "common/log.h"
#include "common/util.h"
#include "fuzz/fuzz.h"
#include "http/api.h"
#include "services/bcast.h"
#include "services/dossier.h"
#include "services/phone.h"
#include "services/services.h"
#include "text/segment.h"
#include "text/text.h"

#define MAX_RECIPIENTS 200

static struct bcast_tz *tz;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	log_set_all(LOG_ERROR);
	/* broadcast.timezone's default; built in when tzdata is missing */
	if (bcast_tz_load("Asia/Ho_Chi_Minh", NULL, &tz, err, sizeof(err)) < 0)
		abort();
	return 0;
}

/* A time as api_time_str() reads it; one accepted reads back. */
static int read_time(const char *s)
{
	char err[256], buf[BCAST_TIME_MAX];
	int64_t ms, back;

	if (bcast_time_parse(s, tz, &ms, err, sizeof(err)) < 0)
		return -EINVAL;
	bcast_time_format(ms, tz, buf, sizeof(buf));
	if (bcast_time_parse(buf, tz, &back, err, sizeof(err)) < 0 ||
	    back / 1000 != ms / 1000)
		fz_fail("time \"%s\" -> \"%s\" does not read back", s, buf);
	return 0;
}

/* http_body_json(): an object, duplicates refused. */
static json_t *body_json(const uint8_t *body, size_t len)
{
	json_error_t e;
	json_t *j = json_loadb((const char *)body, len,
			       JSON_REJECT_DUPLICATES, &e);

	if (j && !json_is_object(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static void dossier_put(const char *param, const uint8_t *body, size_t len)
{
	char *code = evhttp_uridecode(param, 0, NULL);
	json_t *j = body_json(body, len);
	struct dossier d;
	char err[256];
	bool notify;

	if (j && code && strlen(code) < 128 &&
	    api_notify_flag(j, &notify) == 0 &&
	    api_dossier_from_json(j, code, &d, err, sizeof(err)) == 0)
		fz_check_dossier(&d);
	json_decref(j);
	free(code);
}

static void dossiers_post(const uint8_t *body, size_t len)
{
	json_t *j = body_json(body, len), *list, *item;
	struct dossier d;
	char err[256];
	bool notify;
	size_t i;

	list = j ? json_object_get(j, "dossiers") : NULL;
	if (json_is_array(list) && api_notify_flag(j, &notify) == 0)
		json_array_foreach(list, i, item)
			if (api_dossier_from_json(item, NULL, &d, err,
						  sizeof(err)) == 0)
				fz_check_dossier(&d);
	json_decref(j);
}

static void message_post(const uint8_t *body, size_t len)
{
	json_t *j = body_json(body, len);
	char msisdn[24], text[1024];
	const char *to, *t;
	const json_t *exp;

	if (!j)
		return;
	/* api.c message_mt */
	to = json_string_value(json_object_get(j, "to"));
	t = json_string_value(json_object_get(j, "text"));
	exp = json_object_get(j, "expires_at");
	if (to && phone_normalize(to, msisdn, sizeof(msisdn)) == 0 &&
	    strlen(msisdn) != 11)
		fz_fail("phone_normalize gave \"%s\"", msisdn);
	if (json_is_string(exp))
		read_time(json_string_value(exp));
	if (t && utf8_valid(t) && strlen(t) < sizeof(text)) {
		text_fold_if(true, t, text, sizeof(text));
		if (!utf8_valid(text))
			fz_fail("folded text not UTF-8");
	}
	json_decref(j);
}

/* take_recipient(): rendered and priced as the first bind cuts. */
static void take(const struct bcast_tpl *tpl, const struct bcast_rcpt *rc,
		 const struct seg_opts *seg, struct bcast_totals *totals)
{
	char text[BCAST_TEXT_MAX], err[256];
	struct bcast_price pr;
	int r;

	if (strlen(rc->msisdn) != 11 || strncmp(rc->msisdn, "84", 2) != 0)
		fz_fail("recipient \"%s\"", rc->msisdn);
	r = bcast_render(tpl, rc, text, sizeof(text), err, sizeof(err));
	if (r == -EMSGSIZE)
		return;
	if (r != 0 || !utf8_valid(text))
		fz_fail("render: %d, or not UTF-8", r);
	r = bcast_price(text, true, seg, &pr, NULL, 0, err, sizeof(err));
	if (r == 0 && pr.segments < 1)
		fz_fail("priced at %u segments", pr.segments);
	if (r == 0)
		bcast_totals_add(totals, rc->msisdn, text, true, seg, NULL, 0);
}

/* The recipients of a broadcast: items, recipients_csv or a CSV body. */
static void recipients(const struct bcast_tpl *tpl, const json_t *items,
		       const char *csv, size_t csvlen, uint8_t opt)
{
	struct bcast_reader *rd = NULL;
	struct bcast_totals totals;
	struct seg_opts seg;
	const struct bcast_rcpt *rc;
	char err[256];
	int n = 0, r;

	seg_opts_init(&seg);
	seg.concat = (enum seg_concat)(opt & 3);
	seg.max_segments = (opt >> 2) & 7;
	bcast_totals_init(&totals);
	if (items) {
		const json_t *item;
		size_t i;

		/* the first reading, for the names the template may use */
		if (!(rd = bcast_reader_items()))
			abort();
		json_array_foreach(items, i, item)
			if (json_is_object(item))
				api_feed_item(rd, item, &rc);
	} else if (bcast_reader_csv(csv, csvlen, &rd, err, sizeof(err)) < 0) {
		return;
	}
	if (bcast_tpl_check(tpl, bcast_reader_names(rd), err,
			    sizeof(err)) < 0) {
		bcast_reader_free(rd);
		return;
	}
	if (items) {
		const json_t *item;
		size_t i;

		bcast_reader_free(rd);
		if (!(rd = bcast_reader_items()))
			abort();
		json_array_foreach(items, i, item)
			if (json_is_object(item) && n++ < MAX_RECIPIENTS &&
			    api_feed_item(rd, item, &rc) == BCAST_ACCEPTED)
				take(tpl, rc, &seg, &totals);
	} else {
		while (n++ < MAX_RECIPIENTS &&
		       (r = bcast_reader_next(rd, &rc, err, sizeof(err))) > 0)
			if (r == BCAST_ACCEPTED)
				take(tpl, rc, &seg, &totals);
	}
	bcast_reader_free(rd);
}

/* api_bcast.c read_fields, from JSON or from the query of a CSV post (the
 * name is only checked for UTF-8 and length there: nothing to fuzz). */
static void broadcast(const json_t *j, const struct evkeyvalq *q,
		      const uint8_t *body, size_t len, uint8_t opt)
{
	const char *tmpl, *s;
	const json_t *v;
	struct bcast_tpl *tpl = NULL;
	char err[512];
	long long rate;

	tmpl = j ? json_string_value(json_object_get(j, "template"))
		 : evhttp_find_header(q, "template");
	if (!tmpl || bcast_tpl_parse(tmpl, &tpl, err, sizeof(err)) < 0)
		return;
	for (unsigned i = 0; i < bcast_tpl_nvars(tpl); i++)
		if (!utf8_valid(bcast_tpl_var(tpl, i)))
			fz_fail("template variable not UTF-8");
	if (j) {
		v = json_object_get(j, "schedule_at");
		if (json_is_string(v))
			read_time(json_string_value(v));
		v = json_object_get(j, "expires_at");
		if (json_is_string(v))
			read_time(json_string_value(v));
		v = json_object_get(j, "recipients");
		if (json_is_array(v))
			recipients(tpl, v, NULL, 0, opt);
		else if ((s = json_string_value(json_object_get(
				  j, "recipients_csv"))))
			recipients(tpl, NULL, s, strlen(s), opt);
	} else {
		if ((s = evhttp_find_header(q, "schedule_at")))
			read_time(s);
		if ((s = evhttp_find_header(q, "expires_at")))
			read_time(s);
		if ((s = evhttp_find_header(q, "rate")))
			util_parse_int(s, 1, 10000, &rate);
		/* a CSV body: the reader refuses a NUL in it */
		recipients(tpl, NULL, (const char *)body, len, opt);
	}
	bcast_tpl_free(tpl);
}

static void requests(const struct evkeyvalq *q)
{
	const char *s;

	if ((s = evhttp_find_header(q, "since")))
		read_time(s);
	if ((s = evhttp_find_header(q, "until")))
		read_time(s);
	if ((s = evhttp_find_header(q, "kind")))
		svc_kind_find(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint8_t what = fz_u8(&f);
	size_t qlen, blen;
	const uint8_t *qp = fz_until(&f, '\n', &qlen);
	const uint8_t *body = fz_rest(&f, &blen);
	char *query = fz_strndup(qp, qlen);
	struct evkeyvalq q;
	json_t *j;

	TAILQ_INIT(&q);
	switch (what % 6) {
	case 0:
		dossier_put(query, body, blen);
		break;
	case 1:
		dossiers_post(body, blen);
		break;
	case 2:
		message_post(body, blen);
		break;
	case 3:
		if ((j = body_json(body, blen))) {
			broadcast(j, NULL, NULL, 0, what >> 3);
			json_decref(j);
		}
		break;
	case 4:
		if (evhttp_parse_query_str(query, &q) == 0)
			broadcast(NULL, &q, body, blen, what >> 3);
		break;
	case 5:
		if (evhttp_parse_query_str(query, &q) == 0)
			requests(&q);
		break;
	}
	evhttp_clear_headers(&q);
	free(query);
	return 0;
}
