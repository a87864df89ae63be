/* SPDX-License-Identifier: GPL-3.0-or-later */
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

/* A request that creates: a whole broadcast, the start of one sent in
 * parts, or one part of its recipients. */
enum create_mode { CREATE_ALL, CREATE_BEGIN, CREATE_PART };

struct create_op {
	enum create_mode mode;
	long line_offset;	/* a part's lines in the whole list */
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
	if (op->b.expires_at - now > STORE_BC_MAX_LIFE_MS)
		return util_err(err, errlen, -EINVAL, "expires_at: more than "
				"%lld days from now",
				STORE_BC_MAX_LIFE_MS / 86400000);
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
				api_feed_item(op->rd, item, &rc);
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

/* A recipient that will not be sent (a duplicate, or a phone that opted
 * out) costs nothing and is no sample. */
static void uncount(struct create_op *op, const struct batch *b,
		    const char *msisdn, bool sample_too)
{
	struct bcast_totals *t = &op->totals;

	for (int i = 0; i < b->n; i++) {
		if (strcmp(b->msisdn[i], msisdn) != 0)
			continue;
		t->messages--;
		t->segments -= b->segs[i];
		t->enc_messages[b->enc[i]]--;
		t->enc_segments[b->enc[i]] -= b->segs[i];
		break;
	}
	for (unsigned i = 0; sample_too && i < t->nsamples; i++)
		if (strcmp(t->samples[i].msisdn, msisdn) == 0) {
			memmove(&t->samples[i], &t->samples[i + 1],
				(t->nsamples - i - 1) * sizeof(t->samples[0]));
			t->nsamples--;
			i--;
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
		/* a duplicate's first line stays the sample */
		for (long i = 0; i < res->duplicates; i++)
			uncount(op, &ar->b, res->dups[i], false);
		for (long i = 0; i < res->opted_out; i++)
			uncount(op, &ar->b, res->optouts[i], true);
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
			"{s:I, s:s, s:s}", "line",
			(json_int_t)(line ? line + op->line_offset : 0),
			"phone", phone, "error", why));
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
			return api_feed_item(op->rd, item, rc);
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

static void enc_json(json_t *by, const char *name, int msgs, int segs)
{
	if (msgs)
		json_object_set_new(by, name, json_pack("{s:i, s:i}",
							"messages", msgs,
							"segments", segs));
}

static json_t *cost_json(const struct store_bcast *b)
{
	json_t *by = json_object();

	enc_json(by, "gsm7", b->gsm7_msgs, b->gsm7_segs);
	enc_json(by, "ucs2", b->ucs2_msgs, b->ucs2_segs);
	enc_json(by, "other", b->other_msgs, b->other_segs);
	return json_pack("{s:i, s:i, s:o}", "messages", b->msgs, "segments",
			 b->segs, "by_encoding", by);
}

/* The first recipients' texts, each phone once (a duplicate among the
 * first lines is not a sample). */
static json_t *samples_json(const struct bcast_totals *t)
{
	json_t *list = json_array();

	for (unsigned i = 0; i < t->nsamples; i++) {
		bool seen = false;

		for (unsigned k = 0; k < i; k++)
			seen = seen || strcmp(t->samples[k].msisdn,
					      t->samples[i].msisdn) == 0;
		if (!seen)
			json_array_append_new(list, json_pack(
				"{s:s, s:s, s:s, s:i}", "phone",
				t->samples[i].msisdn, "text",
				t->samples[i].text, "encoding",
				text_enc_name(t->samples[i].enc), "segments",
				(int)t->samples[i].segments));
	}
	return list;
}

/* What this request found, as a record's tally (store_bc_tally). */
static void tally_from(struct create_op *op, struct store_bcast *t)
{
	const struct bcast_totals *tt = &op->totals;
	json_t *samples = samples_json(tt);
	char *text = json_dumps(samples, JSON_COMPACT);

	*t = op->b;
	t->total = (int)op->added;
	t->duplicates = (int)op->duplicates;
	t->invalid = (int)op->rejected;
	t->opted_out = (int)op->opted_out;
	t->msgs = (int)tt->messages;
	t->segs = (int)tt->segments;
	t->gsm7_msgs = (int)tt->enc_messages[TEXT_ENC_GSM7];
	t->gsm7_segs = (int)tt->enc_segments[TEXT_ENC_GSM7];
	t->ucs2_msgs = (int)tt->enc_messages[TEXT_ENC_UCS2];
	t->ucs2_segs = (int)tt->enc_segments[TEXT_ENC_UCS2];
	t->other_msgs = (int)(tt->messages - tt->enc_messages[TEXT_ENC_GSM7] -
			      tt->enc_messages[TEXT_ENC_UCS2]);
	t->other_segs = (int)(tt->segments - tt->enc_segments[TEXT_ENC_GSM7] -
			      tt->enc_segments[TEXT_ENC_UCS2]);
	util_strlcpy(t->samples, text && strlen(text) < sizeof(t->samples)
					 ? text : "[]", sizeof(t->samples));
	free(text);
	json_decref(samples);
}

/* The preview of a broadcast from its record (what every part brought);
 * invalid: the lines rejected by this request (taken over), or NULL. */
static json_t *preview_json(struct http_req *r, const struct store_bcast *b,
			    bool dry_run, json_t *invalid)
{
	json_t *samples = json_loads(b->samples, 0, NULL);

	return json_pack(
		"{s:s, s:b, s:s, s:{s:i, s:i, s:i, s:o, s:i}, s:o, s:o, "
		"s:o, s:o, s:i}",
		"id", b->id, "dry_run", dry_run, "state",
		dry_run ? "dry_run" : "running", "recipients", "accepted",
		b->total, "duplicates", b->duplicates, "opted_out",
		b->opted_out, "invalid", invalid ? invalid : json_array(),
		"invalid_count", b->invalid, "cost", cost_json(b), "samples",
		samples ? samples : json_array(), "schedule_at",
		http_time(r, b->schedule_at), "expires_at",
		http_time(r, b->expires_at), "rate", b->rate);
}

static void started(void *arg, int rc)
{
	struct http_req *r = arg;
	struct create_op *op = r->op;
	json_t *invalid;

	if (rc < 0) {
		store_bc_discard(http_store(r), op->b.id, NULL, NULL);
		create_op_free(op);
		http_reply_store_error(r, rc);
		return;
	}
	LOGP(LOG_BCAST, LOG_NOTICE, NULL, "broadcast %s \"%s\": %d "
	     "recipients, %d segments, %d/s", op->b.id, op->b.name,
	     op->b.total, op->b.segs, op->b.rate);
	invalid = op->invalid;
	op->invalid = NULL;
	create_reply(r, 201, preview_json(r, &op->b, false, invalid));
}

/* The end of a creation: op->b holds the whole broadcast's record. */
static void conclude(struct http_req *r, json_t *invalid)
{
	struct create_op *op = r->op;
	int rc;

	if (op->dry_run || op->b.total == 0)
		store_bc_discard(http_store(r), op->b.id, NULL, NULL);
	if (op->dry_run) {
		create_reply(r, 200, preview_json(r, &op->b, true, invalid));
	} else if (op->b.total == 0) {
		json_t *j = preview_json(r, &op->b, false, invalid);

		/* the preview says why; nothing was created */
		json_object_del(j, "id");
		json_object_del(j, "state");
		json_object_set_new(j, "error", json_string(
			"recipients: no valid recipient: nothing to send"));
		json_object_set_new(j, "status", json_integer(400));
		create_reply(r, 400, j);
	} else {
		op->invalid = invalid;	/* for the answer, in started() */
		rc = store_bc_start(http_store(r), &op->b, started, r);
		if (rc < 0)
			started(r, rc);
	}
}

/* A part's own numbers. */
static json_t *part_json(struct create_op *op)
{
	json_t *invalid = op->invalid;

	op->invalid = NULL;
	return json_pack("{s:I, s:I, s:I, s:o, s:I}", "accepted",
			 (json_int_t)op->added, "duplicates",
			 (json_int_t)op->duplicates, "opted_out",
			 (json_int_t)op->opted_out, "invalid", invalid,
			 "invalid_count", (json_int_t)op->rejected);
}

static void tallied(void *arg, int rc)
{
	struct http_req *r = arg;
	struct create_op *op = r->op;
	json_t *invalid;

	if (rc < 0) {
		if (op->mode == CREATE_ALL)
			store_bc_discard(http_store(r), op->b.id, NULL, NULL);
		create_op_free(op);
		http_reply_store_error(r, rc);
		return;
	}
	if (op->mode == CREATE_PART) {
		create_reply(r, 200, part_json(op));
		return;
	}
	invalid = op->invalid;
	op->invalid = NULL;
	tally_from(op, &op->b);
	conclude(r, invalid);
}

/* Every recipient of this request is in (or a failure stopped it). */
static void finish(struct http_req *r)
{
	struct create_op *op = r->op;
	struct store_bcast t;
	int rc;

	if (op->failed) {
		int frc = op->fail_rc;

		if (op->mode == CREATE_ALL)
			store_bc_discard(http_store(r), op->b.id, NULL, NULL);
		create_op_free(op);
		http_reply_store_error(r, frc);
		return;
	}
	tally_from(op, &t);
	rc = store_bc_tally(http_store(r), &t, tallied, r);
	if (rc < 0)
		tallied(r, rc);
}

static void begun(void *arg, int rc)
{
	struct http_req *r = arg;
	struct create_op *op = r->op;

	if (rc < 0) {
		create_op_free(op);
		http_reply_store_error(r, rc);
	} else if (op->mode == CREATE_BEGIN) {
		create_reply(r, 201, json_pack("{s:s, s:s}", "id", op->b.id,
					       "state", "loading"));
	} else {
		pump(r);
	}
}

/* --- creation ----------------------------------------------------------------------- */

/* What every creating request needs besides its fields. */
static int prepare(struct http_req *r, struct create_op *op)
{
	const struct cgw_conf *c = http_conf(r);

	/* priced as the first bind cuts */
	seg_opts_for_bind(&op->seg, &c->smsc[0]);
	op->fold = c->menus.fold_vi;
	op->shards = c->redis.shards;
	bcast_totals_init(&op->totals);
	op->invalid = json_array();
	op->batch = calloc((size_t)op->shards, sizeof(*op->batch));
	return op->invalid && op->batch ? 0 : -ENOMEM;
}

/* The recipients of this request, checked against the template; cols
 * when the broadcast has none yet, else they must be the same. */
static int open_recipients(struct http_req *r, struct create_op *op,
			   char *err, size_t errlen)
{
	char had[sizeof(op->b.cols)];
	int rc;

	if (!op->body)	/* a CSV body: the reader refuses a NUL in it */
		op->csv = http_body(r, &op->csvlen);
	if ((rc = open_reader(op, err, errlen)) < 0 ||
	    (rc = bcast_tpl_check(op->tpl, bcast_reader_names(op->rd), err,
				  errlen)) < 0)
		return rc;
	util_strlcpy(had, op->b.cols, sizeof(had));
	fill_cols(op, bcast_reader_names(op->rd));
	if (op->mode == CREATE_PART && had[0] && strcmp(had, op->b.cols)) {
		for (char *p = had; *p; p++)
			*p = *p == STORE_BC_SEP ? ',' : *p;
		return util_err(err, errlen, -EINVAL, "recipients: the columns "
				"of this part differ from the first part's "
				"(phone,%s)", had);
	}
	if ((rc = rewind_items(op)) < 0)
		return util_err(err, errlen, rc, "out of memory");
	return 0;
}

/* A new broadcast: its fields, and its recipients unless they follow. */
static int create_setup(struct http_req *r, struct create_op *op, char *err,
			size_t errlen)
{
	bool follow = false;
	int rc;

	if ((rc = read_fields(r, op, err, errlen)) < 0 ||
	    (rc = read_bool(r, op, "recipients_follow", &follow, err,
			    errlen)) < 0)
		return rc;
	op->mode = follow ? CREATE_BEGIN : CREATE_ALL;
	if (follow && op->dry_run)
		return util_err(err, errlen, -EINVAL, "dry_run: goes with "
				"/start when the recipients follow");
	if (!follow && (rc = open_recipients(r, op, err, errlen)) < 0)
		return rc;
	snprintf(op->b.id, sizeof(op->b.id), "b-%llx%04x",
		 (unsigned long long)util_now_ms(),
		 (unsigned)(rand() & 0xffff));
	op->b.created = util_now_ms();
	if (prepare(r, op) < 0)
		return util_err(err, errlen, -ENOMEM, "out of memory");
	return 0;
}

/* The body as JSON, or NULL for a CSV body; false when answered. */
static bool read_body(struct http_req *r, json_t **body)
{
	char ct[64];

	*body = NULL;
	/* a CSV body, or JSON (anything else is answered 415 here) */
	return strcmp(http_content_type(r, ct, sizeof(ct)), "text/csv") == 0 ||
	       (*body = http_body_json(r)) != NULL;
}

static struct create_op *new_op(struct http_req *r, json_t *body)
{
	struct create_op *op = calloc(1, sizeof(*op));

	if (!op) {
		json_decref(body);
		http_reply_error(r, 503, "out of memory");
		return NULL;
	}
	r->op = op;
	op->body = body;
	return op;
}

void api_bcast_create(struct http_req *r)
{
	struct create_op *op;
	json_t *body;
	char err[512];
	int rc;

	if (!read_body(r, &body) || !(op = new_op(r, body)))
		return;
	rc = create_setup(r, op, err, sizeof(err));
	if (rc < 0) {
		create_error(r, rc == -ENOMEM ? 503 : 400, err);
		return;
	}
	rc = store_bc_begin(http_store(r), &op->b, begun, r);
	if (rc < 0)
		begun(r, rc);
}

/* --- parts -------------------------------------------------------------------------- */

/* The broadcast a part or a start names: it must be loading. */
static bool loading(struct http_req *r, int rc, bool found,
		    const struct store_bcast *b)
{
	if (rc < 0) {
		if (r->op)
			create_op_free(r->op);
		http_reply_store_error(r, rc);
		return false;
	}
	if (!found || strcmp(b->state, "loading") != 0) {
		if (r->op)
			create_op_free(r->op);
		http_reply_error(r, found ? 409 : 404, found
				 ? "broadcast %s is %s: it takes no more "
				   "recipients" : "no broadcast %s",
				 r->param[0], found ? b->state : "");
		return false;
	}
	return true;
}

static void part_of(void *arg, int rc, bool found, const struct store_bcast *b,
		    const struct store_bc_counts *c)
{
	struct http_req *r = arg;
	struct create_op *op = r->op;
	const char *first = http_query(r, "first_line");
	long long line = op->body ? 1 : 2;
	char err[512];

	if (!loading(r, rc, found, b))
		return;
	op->b = *b;
	if (first && util_parse_int(first, 1, 1LL << 40, &line) < 0) {
		create_error(r, 400, "first_line: expects a line number");
		return;
	}
	if (bcast_tpl_parse(b->tmpl, &op->tpl, err, sizeof(err)) < 0) {
		create_error(r, 500, err);	/* it was checked at creation */
		return;
	}
	op->line_offset = (long)line - (op->body ? 1 : 2);
	op->mode = CREATE_PART;
	if ((rc = open_recipients(r, op, err, sizeof(err))) < 0 ||
	    prepare(r, op) < 0) {
		create_error(r, rc == -ENOMEM ? 503 : 400, rc < 0 ? err
						: "out of memory");
		return;
	}
	pump(r);
}

void api_bcast_recipients(struct http_req *r)
{
	json_t *body;
	int rc;

	if (!read_body(r, &body) || !new_op(r, body))
		return;
	rc = store_bc_get(http_store(r), r->param[0], part_of, r);
	if (rc < 0)
		part_of(r, rc, false, NULL, NULL);
}

static void start_of(void *arg, int rc, bool found, const struct store_bcast *b,
		     const struct store_bc_counts *c)
{
	struct http_req *r = arg;
	struct create_op *op = r->op;
	char err[256];

	if (!loading(r, rc, found, b))
		return;
	op->b = *b;
	if (read_bool(r, op, "dry_run", &op->dry_run, err, sizeof(err)) < 0) {
		create_error(r, 400, err);
		return;
	}
	conclude(r, NULL);
}

void api_bcast_start(struct http_req *r)
{
	size_t len;
	json_t *body = NULL;
	int rc;

	/* the body is optional: {"dry_run": true} */
	if (http_body(r, &len) && len > 0 && !(body = http_body_json(r)))
		return;
	if (!new_op(r, body))
		return;
	rc = store_bc_get(http_store(r), r->param[0], start_of, r);
	if (rc < 0)
		start_of(r, rc, false, NULL, NULL);
}

/* --- reading ---------------------------------------------------------------------- */

json_t *api_bcast_json(struct http_req *r, const struct store_bcast *b,
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
		http_reply_json(r, 200, api_bcast_json(r, b, c));
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
						   api_bcast_json(r, b, c));
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
