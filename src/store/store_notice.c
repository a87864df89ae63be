/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Store, dossiers and their status-change notices (see store/store.h): a
 * dossier is replaced in one step, and a new status goes into its shard's
 * outbox in the same step; a gateway process leases it from there, queues
 * the notice in the phone's shard (one MT per dossier revision), and
 * takes it out. Also the lookups of MTs by id the API needs.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/store_int.h"

/* --- dossier put --------------------------------------------------------------- */

static void put_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct store_dossier_put_result *res = rq->ctx;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_INTEGER ||
	    r->element[2]->type != REDIS_REPLY_INTEGER) {
		rq->rc = -EIO;
		return;
	}
	res->created = r->element[0]->str[0] == '\0';
	res->old_status = atoi(r->element[0]->str);
	res->changed = r->element[1]->integer == 1;
	res->rev = (int)r->element[2]->integer;
}

static void put_done(struct sreq *rq, int rc)
{
	store_dossier_put_fn *cb = (store_dossier_put_fn *)rq->cb;

	cb(rq->arg, rc, rc == 0 ? rq->ctx : NULL);
}

int store_dossier_put(struct store *st, const struct dossier *d, bool notify,
		      store_dossier_put_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, put_reply, put_done, (void *)cb, arg,
		       sizeof(struct store_dossier_put_result), &rq);
	if (rc < 0)
		return rc;
	cmd_dossier_put(a, store_keyctx(st), d, notify, util_now_ms());
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

/* --- the outbox ------------------------------------------------------------------ */

static void notice_claim_reply(struct sreq *rq, int idx, const redisReply *r)
{
	store_notice_fn *each = (store_notice_fn *)rq->each;

	if (r->type != REDIS_REPLY_ARRAY)
		return;
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		const redisReply *h = r->element[i + 1];
		const redisReply *rev = reply_field(h, "notice_rev");
		const redisReply *status = reply_field(h, "notice_status");
		struct dossier d;

		if (!reply_dossier(h, &d) || !d.key[0])
			continue;
		if (status && status->type == REDIS_REPLY_STRING)
			d.status = atoi(status->str);
		each(rq->arg, &d,
		     rev && rev->type == REDIS_REPLY_STRING ? atoi(rev->str)
							    : 0);
	}
}

int store_notice_claim(struct store *st, int max, int64_t lease,
		       store_notice_fn *each, store_claim_end_fn *end,
		       void *arg)
{
	const struct store_keys *k = store_keyctx(st);
	struct argv *a = store_argv(st);
	int64_t now = util_now_ms();
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, k->shards, notice_claim_reply, sreq_claim_done,
		       (void *)end, arg, 0, &rq);
	if (rc < 0)
		return rc;
	rq->each = (void *)each;
	for (int s = 0; s < k->shards; s++) {
		char k_out[STORE_KEY_MAX], k_d[STORE_KEY_MAX];
		const char *keys[LUA_NOTICE_CLAIM_NKEYS] = { k_out, k_d };

		store_key_shard(k, (unsigned)s, SK_NOTICES, NULL, k_out,
				sizeof(k_out));
		store_key_shard(k, (unsigned)s, SK_DOSSIER, "", k_d,
				sizeof(k_d));
		arg_reset(a);
		arg_script(a, LUA_NOTICE_CLAIM, keys);
		arg_ki(a, "now", now);
		arg_ki(a, "lease", lease);
		arg_ki(a, "max", max);
		sreq_send(rq, s, a);
	}
	return sreq_commit(rq);
}

struct verdict_ctx {
	char verdict[16];
};

static void verdict_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct verdict_ctx *x = rq->ctx;

	if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
		util_strlcpy(x->verdict, r->str, sizeof(x->verdict));
	else
		rq->rc = -EIO;
}

static void verdict_done(struct sreq *rq, int rc)
{
	struct verdict_ctx *x = rq->ctx;
	store_verdict_fn *cb = (store_verdict_fn *)rq->cb;

	cb(rq->arg, rc, x->verdict);
}

int store_notice_queue(struct store *st, const struct store_mt *mt,
		       const char *text_en, const char *lang,
		       store_verdict_fn *cb, void *arg)
{
	const struct store_keys *k = store_keyctx(st);
	unsigned shard = store_shard(st, mt->msisdn);
	char k_q[STORE_KEY_MAX], k_mt[STORE_KEY_MAX], k_ph[STORE_KEY_MAX];
	const char *keys[LUA_NOTICE_QUEUE_NKEYS] = { k_q, k_mt, k_ph };
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, verdict_reply, verdict_done, (void *)cb, arg,
		       sizeof(struct verdict_ctx), &rq);
	if (rc < 0)
		return rc;
	store_key_shard(k, shard, store_queue_of(mt->prio), NULL, k_q,
			sizeof(k_q));
	store_key_shard(k, shard, SK_MT, mt->id, k_mt, sizeof(k_mt));
	store_key_phone(k, SK_PROFILE, mt->msisdn, k_ph, sizeof(k_ph));
	arg_reset(a);
	arg_script(a, LUA_NOTICE_QUEUE, keys);
	arg_kv(a, "id", mt->id);
	arg_ki(a, "ready_ms", util_now_ms());
	arg_ki(a, "ttl_s", rec_mt.ttl_s);
	arg_kv(a, "lang", lang);
	arg_kv(a, "text_en", text_en ? text_en : "");
	arg_record(a, &rec_mt, "mt", mt);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

int store_notice_done(struct store *st, const char *dossier_key, int rev,
		      store_done_fn *cb, void *arg)
{
	const struct store_keys *k = store_keyctx(st);
	char k_out[STORE_KEY_MAX], k_d[STORE_KEY_MAX];
	const char *keys[LUA_NOTICE_DONE_NKEYS] = { k_out, k_d };
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, NULL, sreq_simple_done, (void *)cb, arg, 0, &rq);
	if (rc < 0)
		return rc;
	store_key_shard(k, store_shard_of(dossier_key, k->shards), SK_NOTICES,
			NULL, k_out, sizeof(k_out));
	store_key_dossier(k, dossier_key, k_d, sizeof(k_d));
	arg_reset(a);
	arg_script(a, LUA_NOTICE_DONE, keys);
	arg_kv(a, "key", dossier_key);
	arg_ki(a, "rev", rev);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

/* --- MTs by id ------------------------------------------------------------------- */

struct find_ctx {
	bool found;
	struct store_mt mt;
	char id[sizeof(((struct store_mt *)0)->id)];	/* asked for */
	char **pairs;		/* owned copies */
	size_t npairs;
};

static void find_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct find_ctx *x = rq->ctx;

	/* a record is not empty: every MT's holds its state */
	if (x->found || !reply_record(r, &rec_mt, &x->mt))
		return;
	util_strlcpy(x->mt.id, x->id, sizeof(x->mt.id));
	rq->rc = reply_strings(r, &x->pairs, &x->npairs);
	x->found = rq->rc == 0;
}

static void find_done(struct sreq *rq, int rc)
{
	struct find_ctx *x = rq->ctx;
	store_mt_found_fn *cb = (store_mt_found_fn *)rq->cb;

	cb(rq->arg, rc, rc == 0 && x->found, &x->mt,
	   (const char *const *)x->pairs, x->npairs);
	strings_free(x->pairs, x->npairs);
	x->pairs = NULL;
}

int store_mt_find(struct store *st, const char *id, store_mt_found_fn *cb,
		  void *arg)
{
	const struct store_keys *k = store_keyctx(st);
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	/* an MT id names its shard only through the phone: ask every shard
	 * at once */
	rc = sreq_open(st, k->shards, find_reply, find_done, (void *)cb, arg,
		       sizeof(struct find_ctx), &rq);
	if (rc < 0)
		return rc;
	util_strlcpy(((struct find_ctx *)rq->ctx)->id, id,
		     sizeof(((struct find_ctx *)rq->ctx)->id));
	for (int s = 0; s < k->shards; s++) {
		char key[STORE_KEY_MAX];

		store_key_shard(k, (unsigned)s, SK_MT, id, key, sizeof(key));
		cmd_hgetall(a, key);
		sreq_send(rq, s, a);
	}
	return sreq_commit(rq);
}

struct count_ctx {
	long n;
};

static void count_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct count_ctx *x = rq->ctx;

	if (r->type == REDIS_REPLY_INTEGER)
		x->n = (long)r->integer;
	else
		rq->rc = -EIO;
}

static void count_done(struct sreq *rq, int rc)
{
	struct count_ctx *x = rq->ctx;
	store_count_fn *cb = (store_count_fn *)rq->cb;

	if (cb)
		cb(rq->arg, rc, x->n);
}

int store_open_count(struct store *st, store_count_fn *cb, void *arg,
		     struct sreq **rq)
{
	return sreq_open(st, 1, count_reply, count_done, (void *)cb, arg,
			 sizeof(struct count_ctx), rq);
}

int store_mt_submitting(struct store *st, const struct store_mt *mt,
			store_count_fn *cb, void *arg)
{
	char k_mt[STORE_KEY_MAX];
	const char *keys[LUA_MT_SUBMIT_NKEYS] = { k_mt };
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	if ((rc = store_open_count(st, cb, arg, &rq)) < 0)
		return rc;
	store_key_shard(store_keyctx(st), store_shard(st, mt->msisdn), SK_MT,
			mt->id, k_mt, sizeof(k_mt));
	arg_reset(a);
	arg_script(a, LUA_MT_SUBMIT, keys);
	arg_ki(a, "now", util_now_ms());
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

int store_notice_again(struct store *st, const char *dossier_key,
		       store_count_fn *cb, void *arg)
{
	const struct store_keys *k = store_keyctx(st);
	char k_d[STORE_KEY_MAX], k_out[STORE_KEY_MAX];
	const char *keys[LUA_NOTICE_AGAIN_NKEYS] = { k_d, k_out };
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	if ((rc = store_open_count(st, cb, arg, &rq)) < 0)
		return rc;
	store_key_dossier(k, dossier_key, k_d, sizeof(k_d));
	store_key_shard(k, store_shard_of(dossier_key, k->shards), SK_NOTICES,
			NULL, k_out, sizeof(k_out));
	arg_reset(a);
	arg_script(a, LUA_NOTICE_AGAIN, keys);
	arg_kv(a, "key", dossier_key);
	arg_ki(a, "now", util_now_ms());
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

static void profile_reply(struct sreq *rq, int idx, const redisReply *r)
{
	reply_profile(r, rq->ctx);
}

static void profile_done(struct sreq *rq, int rc)
{
	store_profile_fn *cb = (store_profile_fn *)rq->cb;

	cb(rq->arg, rc, rq->ctx);
}

int store_profile_get(struct store *st, const char *msisdn,
		      store_profile_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	char k[STORE_KEY_MAX];
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, profile_reply, profile_done, (void *)cb, arg,
		       sizeof(struct store_profile), &rq);
	if (rc < 0)
		return rc;
	store_key_phone(store_keyctx(st), SK_PROFILE, msisdn, k, sizeof(k));
	cmd_hgetall(a, k);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}
