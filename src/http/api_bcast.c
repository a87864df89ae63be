/*
 * The broadcast API (docs/api.md): creating one (recipients as JSON, as a
 * CSV in JSON, or as a CSV body) streamed into Redis shard by shard with
 * its preview and cost, listing, state changes, and the report.
 *
 * Creation never leaves half a broadcast: it stays "loading" (never
 * dispatched, gone in a day) until every recipient is in, and a dry run
 * or a failure removes it.
 */
#include "config.h"

#include <errno.h>
#include <event2/buffer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "gw/gw.h"
#include "http/api.h"
#include "http/http_int.h"
#include "services/bcast.h"
#include "store/store.h"
#include "store/store_keys.h"
#include "text/segment.h"

#define BATCH 100		/* recipients per shard in one bc_add */
#define BATCH_BYTES 24576	/* ... or this many bytes of variables */
#define MAX_OUT 8		/* bc_add requests in flight */
#define INVALID_SHOWN 100	/* rejected lines listed in the answer */
#define LIST_MAX 100		/* broadcasts in a list */
#define MAX_SHARDS 1024

/* One shard's recipients waiting to be added. */
struct batch {
	int n;
	size_t bytes;
	char msisdn[BATCH][PHONE_MAX];
	char *vals[BATCH];
	enum text_enc enc[BATCH];
	unsigned segs[BATCH];
};

struct create_op {
	struct store_bcast b;
	struct bcast_tpl *tpl;
	struct bcast_reader *rd;
	bool dry_run;
	json_t *body;		/* JSON request: the items live in it */
	const json_t *items;	/* the recipients array, or NULL (CSV) */
	size_t next_item;
	const char *csv;	/* CSV text (in body or the request) */
	size_t csvlen;
	struct seg_opts seg;
	bool fold;
	int shards;
	struct batch *batch;	/* one per shard */
	int outstanding;
	bool read_all, failed;
	int fail_rc;
	struct bcast_totals totals;
	long added, duplicates, opted_out, rejected;
	json_t *invalid;
};

static void create_op_free(struct create_op *op)
{
	for (int s = 0; op->batch && s < op->shards; s++)
		for (int i = 0; i < op->batch[s].n; i++)
			free(op->batch[s].vals[i]);
	free(op->batch);
	bcast_tpl_free(op->tpl);
	bcast_reader_free(op->rd);
	json_decref(op->body);
	json_decref(op->invalid);
}

/* The request is freed with its op: free what the op holds first. */
static void create_reply(struct http_req *r, int status, json_t *body)
{
	create_op_free(r->op);
	http_reply_json(r, status, body);
}

static void create_error(struct http_req *r, int status, const char *msg)
{
	create_op_free(r->op);
	http_reply_error(r, status, "%s", msg);
}

/* --- reading the request --------------------------------------------------------- */

/* A string field from the JSON body, or the query of a CSV post. */
static const char *field(struct http_req *r, struct create_op *op,
			 const char *name)
{
	if (op->body)
		return json_string_value(json_object_get(op->body, name));
	return http_query(r, name);
}

static const json_t *jfield(struct create_op *op, const char *name)
{
	return op->body ? json_object_get(op->body, name) : NULL;
}

static int read_rate(struct http_req *r, struct create_op *op, char *err,
		     size_t errlen)
{
	const json_t *v = jfield(op, "rate");
	const char *q = op->body ? NULL : http_query(r, "rate");
	long long rate = http_conf(r)->broadcast.rate;

	if (v && !json_is_null(v)) {
		if (!json_is_integer(v))
			return util_err(err, errlen, -EINVAL, "rate: expects "
					"a whole number of messages per "
					"second");
		rate = json_integer_value(v);
	} else if (q && util_parse_int(q, 1, 10000, &rate) < 0) {
		return util_err(err, errlen, -EINVAL, "rate: '%s' is not 1.."
				"10000", q);
	}
	if (rate < 1 || rate > 10000)
		return util_err(err, errlen, -EINVAL, "rate: %lld is not 1.."
				"10000 messages per second", rate);
	op->b.rate = (int)rate;
	return 0;
}

static int read_bool(struct http_req *r, struct create_op *op,
		     const char *name, bool *out, char *err, size_t errlen)
{
	const json_t *v = jfield(op, name);
	const char *q = op->body ? NULL : http_query(r, name);

	*out = false;
	if (v && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return util_err(err, errlen, -EINVAL, "%s: expects "
					"true or false", name);
		*out = json_is_true(v);
	} else if (q) {
		if (strcmp(q, "true") && strcmp(q, "false") && strcmp(q, "1") &&
		    strcmp(q, "0"))
			return util_err(err, errlen, -EINVAL, "%s: expects "
					"true or false", name);
		*out = strcmp(q, "true") == 0 || strcmp(q, "1") == 0;
	}
	return 0;
}

static int read_times(struct http_req *r, struct create_op *op, char *err,
		      size_t errlen)
{
	int64_t now = util_now_ms();
	const char *q;

	op->b.schedule_at = now;
	if (op->body) {
		const json_t *s = jfield(op, "schedule_at");
		const json_t *e = jfield(op, "expires_at");

		if (s && !json_is_null(s) &&
		    api_time(r, s, "schedule_at", &op->b.schedule_at, err,
			     errlen) < 0)
			return -EINVAL;
		op->b.expires_at = op->b.schedule_at +
				   http_conf(r)->broadcast.expiry;
		if (e && !json_is_null(e) &&
		    api_time(r, e, "expires_at", &op->b.expires_at, err,
			     errlen) < 0)
			return -EINVAL;
	} else {
		if ((q = http_query(r, "schedule_at")) &&
		    api_time_str(r, q, "schedule_at", &op->b.schedule_at, err,
				 errlen) < 0)
			return -EINVAL;
		op->b.expires_at = op->b.schedule_at +
				   http_conf(r)->broadcast.expiry;
		if ((q = http_query(r, "expires_at")) &&
		    api_time_str(r, q, "expires_at", &op->b.expires_at, err,
				 errlen) < 0)
			return -EINVAL;
	}
	if (op->b.expires_at <= now)
		return util_err(err, errlen, -EINVAL, "expires_at: already "
				"past: nothing could be sent");
	if (op->b.expires_at <= op->b.schedule_at)
		return util_err(err, errlen, -EINVAL, "expires_at: not after "
				"schedule_at");
	return 0;
}

/* name, template, times, rate, dry_run. */
static int read_fields(struct http_req *r, struct create_op *op, char *err,
		       size_t errlen)
{
	const char *name = field(r, op, "name");
	const char *tmpl = field(r, op, "template");

	if (!name || !name[0] || !utf8_valid(name) ||
	    strlen(name) >= sizeof(op->b.name))
		return util_err(err, errlen, -EINVAL, "name: expects a name of "
				"1 to %zu bytes", sizeof(op->b.name) - 1);
	util_strlcpy(op->b.name, name, sizeof(op->b.name));
	if (!tmpl)
		return util_err(err, errlen, -EINVAL, "template: missing (the "
				"text, with {variables})");
	if (bcast_tpl_parse(tmpl, &op->tpl, err, errlen) < 0)
		return -EINVAL;
	if (strlen(tmpl) >= sizeof(op->b.tmpl))
		return util_err(err, errlen, -EINVAL, "template: longer than "
				"%zu bytes", sizeof(op->b.tmpl) - 1);
	util_strlcpy(op->b.tmpl, tmpl, sizeof(op->b.tmpl));
	if (read_times(r, op, err, errlen) < 0 ||
	    read_rate(r, op, err, errlen) < 0 ||
	    read_bool(r, op, "dry_run", &op->dry_run, err, errlen) < 0)
		return -EINVAL;
	return 0;
}

/* Feeds one JSON recipient to the reader. */
static int feed_item(struct bcast_reader *rd, const json_t *item,
		     const struct bcast_rcpt **out)
{
	const char *k;
	json_t *v;

	bcast_item_begin(rd);
	json_object_foreach((json_t *)item, k, v) {
		char num[32];

		if (json_is_string(v))
			bcast_item_add(rd, k, json_string_value(v));
		else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%lld",
				 (long long)json_integer_value(v));
			bcast_item_add(rd, k, num);
		} else if (json_is_null(v))
			bcast_item_add(rd, k, NULL);
		else
			bcast_item_add(rd, k, json_is_true(v) ? "true"
				       : json_is_false(v) ? "false" : "");
	}
	return bcast_item_end(rd, out);
}

/*
 * The recipients' reader. JSON items are read twice: once for the names
 * the template may use, once to send them.
 */
static int open_reader(struct create_op *op, char *err, size_t errlen)
{
	const json_t *list = jfield(op, "recipients");

	if (list && json_is_array(list)) {
		const struct bcast_rcpt *rc;
		size_t i;
		json_t *item;

		op->items = list;
		if (!(op->rd = bcast_reader_items()))
			return util_err(err, errlen, -ENOMEM, "out of memory");
		json_array_foreach(list, i, item)
			if (json_is_object(item))
				feed_item(op->rd, item, &rc);
		return 0;
	}
	if (op->body) {
		op->csv = json_string_value(jfield(op, "recipients_csv"));
		op->csvlen = op->csv ? strlen(op->csv) : 0;
	}
	if (!op->csv)
		return util_err(err, errlen, -EINVAL, "recipients: expects a "
				"list [{\"phone\": ...}], or recipients_csv, "
				"or a text/csv body");
	return bcast_reader_csv(op->csv, op->csvlen, &op->rd, err, errlen);
}

/* The second reading of JSON items starts afresh. */
static int rewind_items(struct create_op *op)
{
	if (!op->items)
		return 0;
	bcast_reader_free(op->rd);
	op->rd = bcast_reader_items();
	op->next_item = 0;
	return op->rd ? 0 : -ENOMEM;
}

/* The recipients' variables, in the order of the reader's names. */
static void fill_cols(struct create_op *op, const struct bcast_names *nm)
{
	size_t used = 0;

	op->b.cols[0] = '\0';
	for (unsigned i = 1; i < nm->n; i++) {
		size_t n = strlen(nm->name[i]);

		if (used + n + 2 > sizeof(op->b.cols))
			break;
		if (used)
			op->b.cols[used++] = STORE_BC_SEP;
		memcpy(op->b.cols + used, nm->name[i], n);
		used += n;
		op->b.cols[used] = '\0';
	}
}

/* --- streaming into Redis ---------------------------------------------------------- */

static void pump(struct http_req *r);
static void finish(struct http_req *r);

struct add_req {
	struct http_req *r;
	struct batch b;		/* the entries sent, for the duplicates */
};

static void uncount(struct create_op *op, const struct batch *b,
		    const char *msisdn)
{
	for (int i = 0; i < b->n; i++) {
		if (strcmp(b->msisdn[i], msisdn) != 0)
			continue;
		op->totals.messages--;
		op->totals.segments -= b->segs[i];
		op->totals.enc_messages[b->enc[i]]--;
		op->totals.enc_segments[b->enc[i]] -= b->segs[i];
		return;
	}
}

static void added(void *arg, int rc, const struct store_bc_added *res)
{
	struct add_req *ar = arg;
	struct http_req *r = ar->r;
	struct create_op *op = r->op;

	op->outstanding--;
	if (rc < 0) {
		op->failed = true;
		op->fail_rc = rc;
	} else {
		op->added += res->added;
		op->opted_out += res->opted_out;
		op->duplicates += res->duplicates;
		for (long i = 0; i < res->duplicates; i++)
			uncount(op, &ar->b, res->dups[i]);
	}
	for (int i = 0; i < ar->b.n; i++)
		free(ar->b.vals[i]);
	free(ar);
	if (op->failed && op->outstanding == 0)
		finish(r);
	else if (!op->failed)
		pump(r);
}

static int send_batch(struct http_req *r, unsigned shard)
{
	struct create_op *op = r->op;
	struct batch *b = &op->batch[shard];
	const char *pairs[2 * BATCH];
	struct add_req *ar;
	int rc;

	if (b->n == 0)
		return 0;
	if (!(ar = malloc(sizeof(*ar))))
		return -ENOMEM;
	ar->r = r;
	ar->b = *b;	/* the values move to the request */
	b->n = 0;
	b->bytes = 0;
	for (int i = 0; i < ar->b.n; i++) {
		pairs[2 * i] = ar->b.msisdn[i];
		pairs[2 * i + 1] = ar->b.vals[i];
	}
	op->outstanding++;
	rc = store_bc_add(http_store(r), op->b.id, shard, pairs, 2 * ar->b.n,
			  added, ar);
	if (rc < 0) {
		op->outstanding--;
		for (int i = 0; i < ar->b.n; i++)
			free(ar->b.vals[i]);
		free(ar);
	}
	return rc;
}

/* The variables of a recipient joined in the order of cols. */
static char *join_vals(const struct create_op *op, const struct bcast_rcpt *rc)
{
	const struct bcast_names *nm = bcast_reader_names(op->rd);
	size_t len = 1;
	char *out, *p;

	for (unsigned i = 1; i < nm->n; i++) {
		const char *v = bcast_vars_get(&rc->vars, nm->name[i]);

		len += (v ? strlen(v) : 0) + 1;
	}
	if (!(p = out = malloc(len)))
		return NULL;
	for (unsigned i = 1; i < nm->n; i++) {
		const char *v = bcast_vars_get(&rc->vars, nm->name[i]);
		size_t n = v ? strlen(v) : 0;

		if (i > 1)
			*p++ = STORE_BC_SEP;
		memcpy(p, v ? v : "", n);
		p += n;
	}
	*p = '\0';
	return out;
}

static void reject(struct create_op *op, long line, const char *phone,
		   const char *why)
{
	op->rejected++;
	if (json_array_size(op->invalid) < INVALID_SHOWN)
		json_array_append_new(op->invalid, json_pack(
			"{s:I, s:s, s:s}", "line", (json_int_t)line, "phone",
			phone, "error", why));
}

/* A recipient read: priced, into its shard's batch (sent when full). */
static int take_recipient(struct http_req *r, const struct bcast_rcpt *rc)
{
	struct create_op *op = r->op;
	unsigned shard = store_shard_of(rc->msisdn, op->shards);
	struct batch *b = &op->batch[shard];
	char text[BCAST_TEXT_MAX], err[256];
	struct bcast_price pr;

	if (bcast_render(op->tpl, rc, text, sizeof(text), err,
			 sizeof(err)) < 0 ||
	    bcast_price(text, op->fold, &op->seg, &pr, NULL, 0, err,
			sizeof(err)) < 0) {
		reject(op, rc->line, rc->phone, err);
		return 0;
	}
	bcast_totals_add(&op->totals, rc->msisdn, text, op->fold, &op->seg,
			 NULL, 0);
	util_strlcpy(b->msisdn[b->n], rc->msisdn, sizeof(b->msisdn[0]));
	b->enc[b->n] = pr.enc;
	b->segs[b->n] = pr.segments;
	if (!(b->vals[b->n] = join_vals(op, rc)))
		return -ENOMEM;
	b->bytes += strlen(b->vals[b->n]) + 32;
	b->n++;
	return b->n == BATCH || b->bytes >= BATCH_BYTES ? send_batch(r, shard)
							: 0;
}

/* The next record: BCAST_END, ACCEPTED, REJECTED or < 0. */
static int next_record(struct create_op *op, const struct bcast_rcpt **rc,
		       char *err, size_t errlen)
{
	if (!op->items)
		return bcast_reader_next(op->rd, rc, err, errlen);
	while (op->next_item < json_array_size(op->items)) {
		const json_t *item = json_array_get(op->items,
						    op->next_item++);

		if (json_is_object(item))
			return feed_item(op->rd, item, rc);
		reject(op, (long)op->next_item, "", "not an object");
	}
	return BCAST_END;
}

/* Reads until MAX_OUT additions are in flight or the end. */
static void pump(struct http_req *r)
{
	struct create_op *op = r->op;
	char err[256];
	int rc = 0;

	while (!op->read_all && op->outstanding < MAX_OUT && rc >= 0) {
		const struct bcast_rcpt *rcpt;

		rc = next_record(op, &rcpt, err, sizeof(err));
		if (rc == BCAST_ACCEPTED)
			rc = take_recipient(r, rcpt);
		else if (rc == BCAST_REJECTED)
			reject(op, rcpt->line, rcpt->phone, rcpt->error);
		else if (rc == BCAST_END || rc < 0) {
			if (rc < 0)
				reject(op, 0, "", err);
			op->read_all = true;
			rc = 0;
			for (int s = 0; s < op->shards && rc == 0; s++)
				rc = send_batch(r, (unsigned)s);
		}
	}
	if (rc < 0) {
		op->failed = true;
		op->fail_rc = rc;
	}
	if (op->outstanding == 0 && (op->read_all || op->failed))
		finish(r);
}

/* --- the answer ---------------------------------------------------------------------- */

static json_t *cost_json(const struct bcast_totals *t)
{
	json_t *by = json_object();

	for (int e = 0; e <= TEXT_ENC_LATIN1; e++)
		if (t->enc_messages[e])
			json_object_set_new(by, text_enc_name((enum text_enc)e),
					    json_pack("{s:I, s:I}", "messages",
					    (json_int_t)t->enc_messages[e],
					    "segments",
					    (json_int_t)t->enc_segments[e]));
	return json_pack("{s:I, s:I, s:o}", "messages",
			 (json_int_t)t->messages, "segments",
			 (json_int_t)t->segments, "by_encoding", by);
}

static json_t *samples_json(const struct bcast_totals *t)
{
	json_t *list = json_array();

	for (unsigned i = 0; i < t->nsamples; i++)
		json_array_append_new(list, json_pack(
			"{s:s, s:s, s:s, s:i}", "phone", t->samples[i].msisdn,
			"text", t->samples[i].text, "encoding",
			text_enc_name(t->samples[i].enc), "segments",
			(int)t->samples[i].segments));
	return list;
}

static json_t *preview_json(struct http_req *r, struct create_op *op)
{
	return json_pack(
		"{s:s, s:b, s:s, s:{s:I, s:I, s:I, s:O, s:I}, s:o, s:o, "
		"s:o, s:o, s:i}",
		"id", op->b.id, "dry_run", op->dry_run, "state",
		op->dry_run ? "dry_run" : "running", "recipients", "accepted",
		(json_int_t)op->added, "duplicates",
		(json_int_t)op->duplicates, "opted_out",
		(json_int_t)op->opted_out, "invalid", op->invalid,
		"invalid_count", (json_int_t)op->rejected, "cost",
		cost_json(&op->totals), "samples", samples_json(&op->totals),
		"schedule_at", http_time(r, op->b.schedule_at), "expires_at",
		http_time(r, op->b.expires_at), "rate", op->b.rate);
}

static void started(void *arg, int rc)
{
	struct http_req *r = arg;
	struct create_op *op = r->op;

	if (rc < 0) {
		store_bc_discard(http_store(r), op->b.id, NULL, NULL);
		create_op_free(op);
		http_reply_store_error(r, rc);
		return;
	}
	LOGP(LOG_BCAST, LOG_NOTICE, NULL, "broadcast %s \"%s\": %ld "
	     "recipients, %llu segments, %d/s", op->b.id, op->b.name,
	     op->added, (unsigned long long)op->totals.segments, op->b.rate);
	create_reply(r, 201, preview_json(r, op));
}

/* Every recipient is in (or a failure stopped it). */
static void finish(struct http_req *r)
{
	struct create_op *op = r->op;
	int rc;

	if (op->failed || op->dry_run || op->added == 0)
		store_bc_discard(http_store(r), op->b.id, NULL, NULL);
	if (op->failed) {
		int frc = op->fail_rc;

		create_op_free(op);
		http_reply_store_error(r, frc);
		return;
	}
	if (op->dry_run) {
		create_reply(r, 200, preview_json(r, op));
		return;
	}
	if (op->added == 0) {
		json_t *j = preview_json(r, op);

		json_object_set_new(j, "error", json_string(
			"no valid recipient: nothing to send"));
		json_object_set_new(j, "status", json_integer(400));
		create_reply(r, 400, j);
		return;
	}
	op->b.total = (int)op->added;
	op->b.duplicates = (int)op->duplicates;
	op->b.invalid = (int)op->rejected;
	op->b.opted_out = (int)op->opted_out;
	rc = store_bc_start(http_store(r), &op->b, started, r);
	if (rc < 0)
		started(r, rc);
}

static void begun(void *arg, int rc)
{
	struct http_req *r = arg;

	if (rc < 0) {
		create_op_free(r->op);
		http_reply_store_error(r, rc);
		return;
	}
	pump(r);
}

/* --- creation ----------------------------------------------------------------------- */

static void bind_seg_opts(const struct cgw_conf *c, struct seg_opts *o)
{
	seg_opts_init(o);
	o->concat = (enum seg_concat)c->smsc[0].concat;
	o->packed = c->smsc[0].packed;
	o->max_segments = (unsigned)c->smsc[0].max_segments;
}

/* Reads the request, checks the template against the recipients. */
static int create_setup(struct http_req *r, struct create_op *op, char *err,
			size_t errlen)
{
	const struct cgw_conf *c = http_conf(r);
	int rc;

	if (!op->body)	/* a CSV body: the reader refuses a NUL in it */
		op->csv = http_body(r, &op->csvlen);
	if ((rc = read_fields(r, op, err, errlen)) < 0 ||
	    (rc = open_reader(op, err, errlen)) < 0 ||
	    (rc = bcast_tpl_check(op->tpl, bcast_reader_names(op->rd), err,
				  errlen)) < 0)
		return rc;
	fill_cols(op, bcast_reader_names(op->rd));
	if ((rc = rewind_items(op)) < 0)
		return util_err(err, errlen, rc, "out of memory");
	bind_seg_opts(c, &op->seg);
	op->fold = c->menus.fold_vi;
	op->shards = c->redis.shards;
	bcast_totals_init(&op->totals);
	snprintf(op->b.id, sizeof(op->b.id), "b-%llx%04x",
		 (unsigned long long)util_now_ms(),
		 (unsigned)(rand() & 0xffff));
	op->b.created = util_now_ms();
	op->invalid = json_array();
	op->batch = calloc((size_t)op->shards, sizeof(*op->batch));
	if (!op->invalid || !op->batch)
		return util_err(err, errlen, -ENOMEM, "out of memory");
	return 0;
}

void api_bcast_create(struct http_req *r)
{
	struct create_op *op;
	json_t *body = NULL;
	char err[512], ct[64];
	int rc;

	/* a CSV body, or JSON (anything else is answered 415 here) */
	if (strcmp(http_content_type(r, ct, sizeof(ct)), "text/csv") != 0 &&
	    !(body = http_body_json(r)))
		return;
	op = calloc(1, sizeof(*op));
	if (!op) {
		json_decref(body);
		http_reply_error(r, 503, "out of memory");
		return;
	}
	r->op = op;
	op->body = body;
	rc = create_setup(r, op, err, sizeof(err));
	if (rc < 0) {
		create_error(r, rc == -ENOMEM ? 503 : 400, err);
		return;
	}
	rc = store_bc_begin(http_store(r), &op->b, begun, r);
	if (rc < 0)
		begun(r, rc);
}

void api_bcast_recipients(struct http_req *r)
{
	http_reply_error(r, 404, "not yet: send the recipients with the "
			 "broadcast (POST /api/broadcasts)");
}

void api_bcast_start(struct http_req *r)
{
	http_reply_error(r, 404, "not yet: send the recipients with the "
			 "broadcast (POST /api/broadcasts)");
}

/* --- reading ---------------------------------------------------------------------- */

/* A broadcast for staff; its state "quiet" while quiet hours hold it. */
static json_t *bcast_json(struct http_req *r, const struct store_bcast *b,
			  const struct store_bc_counts *c)
{
	json_t *counts = json_object();
	long final = 0;
	const char *state = b->state;

	for (int i = 0; i < STORE_BC_NCOUNTS; i++) {
		json_object_set_new(counts, store_bc_count_names[i],
				    json_integer(c->n[i]));
		if (i != STORE_BC_PENDING && i != STORE_BC_QUEUED)
			final += c->n[i];
	}
	if (strcmp(state, "running") == 0 &&
	    !gw_bcast_allowed(http_gw(r), util_now_ms()))
		state = "quiet";
	else if (strcmp(state, "running") == 0 &&
		 b->schedule_at > util_now_ms())
		state = "scheduled";
	return json_pack(
		"{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:i, s:i, s:i, s:i, "
		"s:i, s:o, s:f}",
		"id", b->id, "name", b->name, "template", b->tmpl, "state",
		state, "created_at", http_time(r, b->created), "schedule_at",
		http_time(r, b->schedule_at), "expires_at",
		http_time(r, b->expires_at), "ended_at",
		http_time(r, b->ended_at), "rate", b->rate, "total", b->total,
		"duplicates", b->duplicates, "invalid", b->invalid,
		"opted_out_at_creation", b->opted_out, "counts", counts,
		"progress", b->total ? (double)final / b->total : 1.0);
}

static void got_one(void *arg, int rc, bool found, const struct store_bcast *b,
		    const struct store_bc_counts *c)
{
	struct http_req *r = arg;

	if (rc < 0)
		http_reply_store_error(r, rc);
	else if (!found || strcmp(b->state, "loading") == 0)
		http_reply_error(r, 404, "no broadcast %s", r->param[0]);
	else
		http_reply_json(r, 200, bcast_json(r, b, c));
}

void api_bcast_get(struct http_req *r)
{
	int rc = store_bc_get(http_store(r), r->param[0], got_one, r);

	if (rc < 0)
		http_reply_store_error(r, rc);
}

/* The list: ids first, then each broadcast (one request each). */
struct list_op {
	int pending;
	bool failed;
	int rc;
	json_t *list;		/* in the order of the ids */
};

static void got_item(void *arg, int rc, bool found, const struct store_bcast *b,
		     const struct store_bc_counts *c)
{
	struct http_req *r = arg;
	struct list_op *op = r->op;

	if (rc < 0) {
		op->failed = true;
		op->rc = rc;
	} else if (found && strcmp(b->state, "loading") != 0) {
		size_t i;
		json_t *slot;

		json_array_foreach(op->list, i, slot)
			if (json_is_string(slot) &&
			    strcmp(json_string_value(slot), b->id) == 0) {
				json_array_set_new(op->list, i,
						   bcast_json(r, b, c));
				break;
			}
	}
	if (--op->pending > 0)
		return;
	if (op->failed) {
		json_decref(op->list);
		http_reply_store_error(r, op->rc);
		return;
	}
	/* ids whose record is gone (expired) stay strings: drop them */
	for (size_t i = json_array_size(op->list); i-- > 0;)
		if (json_is_string(json_array_get(op->list, i)))
			json_array_remove(op->list, i);
	http_reply_json(r, 200, json_pack("{s:o}", "broadcasts", op->list));
}

static void got_ids(void *arg, int rc, const char *const *ids, int n)
{
	struct http_req *r = arg;
	struct list_op *op = r->op;

	if (rc < 0) {
		http_reply_store_error(r, rc);
		return;
	}
	if (n == 0) {
		http_reply_json(r, 200, json_pack("{s:[]}", "broadcasts"));
		return;
	}
	op->list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(op->list, json_string(ids[i]));
	op->pending = n;
	for (int i = 0; i < n; i++)
		if ((rc = store_bc_get(http_store(r), ids[i], got_item, r)) < 0)
			got_item(r, rc, false, NULL, NULL);
}

void api_bcast_list(struct http_req *r)
{
	int rc;

	if (!(r->op = calloc(1, sizeof(struct list_op)))) {
		http_reply_error(r, 503, "out of memory");
		return;
	}
	rc = store_bc_list(http_store(r), LIST_MAX, got_ids, r);
	if (rc < 0)
		http_reply_store_error(r, rc);
}

/* --- state changes ------------------------------------------------------------------ */

static void acted(void *arg, int rc, const char *verdict, const char *state)
{
	struct http_req *r = arg;

	if (rc < 0) {
		http_reply_store_error(r, rc);
	} else if (strcmp(verdict, "gone") == 0) {
		http_reply_error(r, 404, "no broadcast %s", r->param[0]);
	} else if (strcmp(verdict, "conflict") == 0) {
		http_reply_error(r, 409, "broadcast %s is %s: it cannot be "
				 "%s", r->param[0], state,
				 strcmp(r->param[1], "pause") == 0 ? "paused"
				 : strcmp(r->param[1], "resume") == 0
					 ? "resumed" : "cancelled");
	} else {
		LOGP(LOG_BCAST, LOG_NOTICE, NULL, "broadcast %s: %s by staff, "
		     "now %s", r->param[0], r->param[1], state);
		if ((rc = store_bc_get(http_store(r), r->param[0], got_one,
				       r)) < 0)
			http_reply_store_error(r, rc);
	}
}

void api_bcast_action(struct http_req *r)
{
	const char *a = r->param[1];
	int rc;

	if (strcmp(a, "pause") && strcmp(a, "resume") && strcmp(a, "cancel")) {
		http_reply_error(r, 404, "no such action '%s' (pause, resume, "
				 "cancel)", a);
		return;
	}
	rc = store_bc_action(http_store(r), r->param[0], a, acted, r);
	if (rc < 0)
		http_reply_store_error(r, rc);
}

/* --- the report ---------------------------------------------------------------------- */

struct report_op {
	struct store_bcast b;
	unsigned shard;
	char cursor[32];
	struct evbuffer *out;
};

static void report_free(struct http_req *r)
{
	struct report_op *op = r->op;

	if (op->out)
		evbuffer_free(op->out);
	op->out = NULL;
}

/* One CSV cell (RFC 4180); text that starts like a spreadsheet formula
 * gets a leading ' so that opening the file never runs it. */
static void cell(struct evbuffer *b, const char *v, bool last)
{
	bool quote = strpbrk(v, ",\"\r\n") != NULL;

	if (quote)
		evbuffer_add(b, "\"", 1);
	if (*v && strchr("=+-@\t\r", *v))
		evbuffer_add(b, "'", 1);
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			evbuffer_add(b, "\"", 1);
		evbuffer_add(b, p, 1);
	}
	if (quote)
		evbuffer_add(b, "\"", 1);
	evbuffer_add(b, last ? "\r\n" : ",", 1 + last);
}

static void time_cell(struct http_req *r, struct evbuffer *b, int64_t ms)
{
	json_t *t = http_time(r, ms);

	cell(b, json_is_string(t) ? json_string_value(t) : "", false);
	json_decref(t);
}

/* What became of a recipient without an MT. */
static const char *no_mt_state(const struct report_op *op,
			       const struct store_bc_row *row)
{
	if (row->result[0])
		return row->result;
	if (strcmp(op->b.state, "cancelled") == 0)
		return "cancelled";
	if (strcmp(op->b.state, "expired") == 0)
		return "expired";
	return "pending";
}

static void report_row(struct http_req *r, const struct store_bc_row *row)
{
	struct report_op *op = r->op;
	struct evbuffer *b = op->out;
	const char *v = row->vars;

	cell(b, row->msisdn, false);
	cell(b, row->has_mt ? row->state : no_mt_state(op, row), false);
	cell(b, row->dlr_stat, false);
	cell(b, row->dlr_err, false);
	time_cell(r, b, row->has_mt ? row->mt.created_ms : 0);
	time_cell(r, b, row->sub_at);
	time_cell(r, b, row->done_at);
	cell(b, row->dup ? "yes" : "", !op->b.cols[0]);
	/* the recipient's variables, in the order of the columns */
	for (const char *c = op->b.cols; c && *c;) {
		const char *cend = strchr(c, STORE_BC_SEP);
		const char *vend = v ? strchr(v, STORE_BC_SEP) : NULL;
		char val[BCAST_VALUE_MAX + 1] = "";

		if (v)
			snprintf(val, sizeof(val), "%.*s",
				 (int)(vend ? vend - v : (long)strlen(v)), v);
		cell(b, val, !cend);
		c = cend ? cend + 1 : NULL;
		v = vend ? vend + 1 : NULL;
	}
}

static void report_page(struct http_req *r);

static void got_rows(void *arg, int rc, const struct store_bc_row *rows, int n,
		     const char *next)
{
	struct http_req *r = arg;
	struct report_op *op = r->op;

	if (rc < 0) {
		report_free(r);
		http_reply_store_error(r, rc);
		return;
	}
	for (int i = 0; i < n; i++)
		report_row(r, &rows[i]);
	if (strcmp(next, "0") != 0)
		util_strlcpy(op->cursor, next, sizeof(op->cursor));
	else if (++op->shard < (unsigned)http_conf(r)->redis.shards)
		util_strlcpy(op->cursor, "0", sizeof(op->cursor));
	else {
		char disp[200];
		struct evbuffer *out = op->out;

		op->out = NULL;
		snprintf(disp, sizeof(disp),
			 "attachment; filename=\"broadcast-%s.csv\"", op->b.id);
		http_reply_buffer(r, 200, "text/csv; charset=utf-8", disp,
				  out);
		return;
	}
	report_page(r);
}

static void report_page(struct http_req *r)
{
	struct report_op *op = r->op;
	int rc = store_bc_report(http_store(r), op->b.id, op->shard,
				 op->cursor, 200, got_rows, r);

	if (rc < 0) {
		report_free(r);
		http_reply_store_error(r, rc);
	}
}

static void report_head(struct report_op *op)
{
	static const char *const head[] = {
		"phone", "state", "receipt", "error", "queued_at",
		"submitted_at", "done_at", "possible_duplicate",
	};

	/* UTF-8 with a BOM: Excel opens it as UTF-8 */
	evbuffer_add(op->out, "\xEF\xBB\xBF", 3);
	for (size_t i = 0; i < ARRAY_SIZE(head); i++)
		cell(op->out, head[i], i + 1 == ARRAY_SIZE(head) &&
				       !op->b.cols[0]);
	for (const char *c = op->b.cols; c && *c;) {
		const char *end = strchr(c, STORE_BC_SEP);
		char name[BCAST_NAME_MAX + 1];

		snprintf(name, sizeof(name), "%.*s",
			 (int)(end ? end - c : (long)strlen(c)), c);
		cell(op->out, name, !end);
		c = end ? end + 1 : NULL;
	}
}

static void report_start(void *arg, int rc, bool found,
			 const struct store_bcast *b,
			 const struct store_bc_counts *c)
{
	struct http_req *r = arg;
	struct report_op *op = r->op;

	if (rc < 0) {
		http_reply_store_error(r, rc);
		return;
	}
	if (!found || strcmp(b->state, "loading") == 0) {
		http_reply_error(r, 404, "no broadcast %s", r->param[0]);
		return;
	}
	op->b = *b;
	if (!(op->out = evbuffer_new())) {
		http_reply_error(r, 503, "out of memory");
		return;
	}
	report_head(op);
	util_strlcpy(op->cursor, "0", sizeof(op->cursor));
	report_page(r);
}

void api_bcast_report(struct http_req *r)
{
	int rc;

	if (!(r->op = calloc(1, sizeof(struct report_op)))) {
		http_reply_error(r, 503, "out of memory");
		return;
	}
	rc = store_bc_get(http_store(r), r->param[0], report_start, r);
	if (rc < 0)
		http_reply_store_error(r, rc);
}
