/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Store, multipart MOs (see store/store.h): parts kept until their
 * siblings arrive from any bind or process, claimed after their deadline,
 * forgotten once the joined message is recorded.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/store_int.h"

struct cc_keys {
	char parts[STORE_KEY_MAX], queue[STORE_KEY_MAX], done[STORE_KEY_MAX];
	const char *v[3];
};

/* The three keys part_in and cc_consume share, in their order. */
static void cc_keys(struct store *st, const char *msisdn, const char *key,
		    struct cc_keys *ck)
{
	const struct store_keys *k = store_keyctx(st);
	unsigned shard = store_shard(st, msisdn);

	store_key_shard(k, shard, SK_CC, key, ck->parts, sizeof(ck->parts));
	store_key_shard(k, shard, SK_CCQ, NULL, ck->queue, sizeof(ck->queue));
	store_key_shard(k, shard, SK_CCDONE, key, ck->done, sizeof(ck->done));
	ck->v[LUA_PART_IN_PARTS] = ck->parts;
	ck->v[LUA_PART_IN_QUEUE] = ck->queue;
	ck->v[LUA_PART_IN_DONE] = ck->done;
}

struct part_ctx {
	enum store_part_verdict v;
	const char **fields;
	int nfields;
	char *buf;
};

/* Copies the fields out: a reply lives only during its callback. */
static int copy_fields(struct part_ctx *q, const redisReply *h)
{
	size_t need = 0, off = 0;

	if (h->type != REDIS_REPLY_ARRAY)
		return 0;
	for (size_t i = 0; i < h->elements; i++)
		need += h->element[i]->len + 1;
	q->buf = malloc(need ? need : 1);
	q->fields = calloc(h->elements ? h->elements : 1, sizeof(char *));
	if (!q->buf || !q->fields)
		return -ENOMEM;
	for (size_t i = 0; i < h->elements; i++) {
		memcpy(q->buf + off, h->element[i]->str, h->element[i]->len);
		q->buf[off + h->element[i]->len] = '\0';
		q->fields[i] = q->buf + off;
		off += h->element[i]->len + 1;
	}
	q->nfields = (int)h->elements;
	return 0;
}

static void part_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct part_ctx *q = rq->ctx;
	const char *verdict;

	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
	    r->element[0]->type != REDIS_REPLY_STRING) {
		rq->rc = -EIO;
		return;
	}
	verdict = r->element[0]->str;
	if (strcmp(verdict, "dup") == 0)
		q->v = STORE_PART_DUP;
	else if (strcmp(verdict, "conflict") == 0)
		q->v = STORE_PART_CONFLICT;
	else if (strcmp(verdict, "complete") != 0 || r->elements < 2)
		q->v = STORE_PART_STORED;
	else {
		q->v = STORE_PART_COMPLETE;
		if (copy_fields(q, r->element[1]) < 0)
			rq->rc = -ENOMEM;
	}
}

static void part_done(struct sreq *rq, int rc)
{
	struct part_ctx *q = rq->ctx;
	store_part_fn *cb = (store_part_fn *)rq->cb;

	cb(rq->arg, rc, q->v, q->fields, q->nfields);
	free(q->fields);
	free(q->buf);
	q->fields = NULL;
	q->buf = NULL;
}

int store_part_in(struct store *st, const char *msisdn, const char *key,
		  int seq, int total, const char *part,
		  const char *const *meta, int nmeta, int64_t deadline_ms,
		  store_part_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	struct cc_keys ck;
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, part_reply, part_done, (void *)cb, arg,
		       sizeof(struct part_ctx), &rq);
	if (rc < 0)
		return rc;
	cc_keys(st, msisdn, key, &ck);
	arg_reset(a);
	arg_script(a, LUA_PART_IN, ck.v);
	arg_ki(a, "seq", seq);
	arg_kv(a, "part", part);
	arg_ki(a, "deadline", deadline_ms);
	/* the parts outlive their deadline long enough to be claimed */
	arg_ki(a, "ttl_s", (deadline_ms - util_now_ms()) / 1000 + 3600);
	arg_kv(a, "member", key);
	arg_ki(a, "total", total);
	for (int i = 0; i + 1 < nmeta; i += 2)
		arg_group(a, "meta", meta[i], meta[i + 1]);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

static void cc_claim_reply(struct sreq *rq, int idx, const redisReply *r)
{
	store_cc_claim_fn *each = (store_cc_claim_fn *)rq->each;

	if (r->type != REDIS_REPLY_ARRAY)
		return;
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		const redisReply *h = r->element[i + 1];
		const redisReply *key = reply_field(h, "key");
		const redisReply *msisdn = reply_field(h, "msisdn");
		const char **fields;

		if (h->type != REDIS_REPLY_ARRAY || !key || !msisdn)
			continue;
		fields = calloc(h->elements + 1, sizeof(char *));
		if (!fields)
			continue;
		for (size_t k = 0; k < h->elements; k++)
			fields[k] = h->element[k]->str;
		each(rq->arg, msisdn->str, key->str, fields,
		     (int)h->elements);
		free(fields);
	}
}

int store_cc_claim(struct store *st, int max, store_cc_claim_fn *each,
		   store_claim_end_fn *end, void *arg)
{
	/* a claimed message gets its lease: the process that claimed it has
	 * that long to record it before another one tries */
	return store_claim(st, SK_CCQ, SK_CC, store_conf(st)->gateway.mo_lease,
			   max, cc_claim_reply, (void *)each, end, arg);
}

int store_cc_consume(struct store *st, const char *msisdn, const char *key,
		     store_done_fn *cb, void *arg)
{
	long long window = store_conf(st)->gateway.mo_dedup_window;
	struct argv *a = store_argv(st);
	struct cc_keys ck;
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, NULL, sreq_simple_done, (void *)cb, arg, 0, &rq);
	if (rc < 0)
		return rc;
	cc_keys(st, msisdn, key, &ck);
	arg_reset(a);
	arg_script(a, LUA_CC_CONSUME, ck.v);
	arg_kv(a, "member", key);
	arg_ki(a, "window_ms", window > 0 ? window : 1000);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}
