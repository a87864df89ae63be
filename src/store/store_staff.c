/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Store, what staff and operators read and do (see store/store.h): queue
 * depths and the procedure requests, over every shard in one round trip;
 * a dossier as staff see it, a new status for it (with its reason), and
 * the applications citizens filed, newest first over every shard.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/store_int.h"

static const enum store_skey depth_keys[] = { SK_OUTQ, SK_BCQ, SK_INQ,
					      SK_NOTICES };

static void depths_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct store_depths *d = rq->ctx;
	long *slot[] = { &d->replies, &d->broadcast, &d->open_mos,
			 &d->notices };

	if (r->type == REDIS_REPLY_INTEGER)
		*slot[idx % ARRAY_SIZE(depth_keys)] += (long)r->integer;
}

static void depths_done(struct sreq *rq, int rc)
{
	store_depths_fn *cb = (store_depths_fn *)rq->cb;

	cb(rq->arg, rc, rq->ctx);
}

int store_depths(struct store *st, store_depths_fn *cb, void *arg)
{
	const struct store_keys *k = store_keyctx(st);
	struct argv *a = store_argv(st);
	int n = 0, rc;
	struct sreq *rq;

	rc = sreq_open(st, k->shards * (int)ARRAY_SIZE(depth_keys),
		       depths_reply, depths_done, (void *)cb, arg,
		       sizeof(struct store_depths), &rq);
	if (rc < 0)
		return rc;
	for (int s = 0; s < k->shards; s++)
		for (size_t i = 0; i < ARRAY_SIZE(depth_keys); i++) {
			char key[STORE_KEY_MAX];

			store_key_shard(k, (unsigned)s, depth_keys[i], NULL,
					key, sizeof(key));
			arg_reset(a);
			arg_s(a, "ZCARD");
			arg_s(a, key);
			sreq_send(rq, n++, a);
		}
	return sreq_commit(rq);
}

static void ping_reply(struct sreq *rq, int idx, const redisReply *r)
{
	if (r->type != REDIS_REPLY_STATUS || strcmp(r->str, "PONG") != 0)
		rq->rc = -EIO;
}

int store_ping(struct store *st, store_done_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, ping_reply, sreq_simple_done, (void *)cb, arg,
		       0, &rq);
	if (rc < 0)
		return rc;
	arg_reset(a);
	arg_s(a, "PING");
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

/* --- requests ------------------------------------------------------------------- */

struct entries_ctx {
	int n, cap;
	struct store_entry *e;
	char ***owned;		/* per entry, its copied pairs */
};

static int add_entry(struct entries_ctx *x, const redisReply *e)
{
	const redisReply *kv;
	char **pairs;
	uint64_t ms;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
	    e->element[0]->type != REDIS_REPLY_STRING ||
	    e->element[1]->type != REDIS_REPLY_ARRAY ||
	    sscanf(e->element[0]->str, "%" SCNu64, &ms) != 1)
		return -EIO;
	if (x->n == x->cap) {
		int cap = x->cap ? x->cap * 2 : 64;
		struct store_entry *ne = realloc(x->e, (size_t)cap *
							   sizeof(*ne));
		char ***no;

		if (!ne)
			return -ENOMEM;
		x->e = ne;
		no = realloc(x->owned, (size_t)cap * sizeof(*no));
		if (!no)
			return -ENOMEM;
		x->owned = no;
		x->cap = cap;
	}
	kv = e->element[1];
	if (reply_strings(kv, &pairs, &x->e[x->n].npairs) < 0)
		return -ENOMEM;
	x->owned[x->n] = pairs;
	x->e[x->n].ms = (int64_t)ms;
	x->e[x->n].pairs = (const char *const *)pairs;
	x->n++;
	return 0;
}

static void entries_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct entries_ctx *x = rq->ctx;

	if (r->type != REDIS_REPLY_ARRAY) {
		rq->rc = -EIO;
		return;
	}
	for (size_t i = 0; i < r->elements && rq->rc == 0; i++)
		rq->rc = add_entry(x, r->element[i]);
}

static void entries_done(struct sreq *rq, int rc)
{
	struct entries_ctx *x = rq->ctx;
	store_entries_fn *cb = (store_entries_fn *)rq->cb;

	cb(rq->arg, rc, x->e, rc == 0 ? x->n : 0);
	for (int i = 0; i < x->n; i++)
		strings_free(x->owned[i], x->e[i].npairs);
	free(x->owned);
	free(x->e);
}

int store_requests(struct store *st, int64_t since, int64_t until, int max,
		   store_entries_fn *cb, void *arg)
{
	const struct store_keys *k = store_keyctx(st);
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, k->shards, entries_reply, entries_done, (void *)cb,
		       arg, sizeof(struct entries_ctx), &rq);
	if (rc < 0)
		return rc;
	for (int s = 0; s < k->shards; s++) {
		char key[STORE_KEY_MAX];

		store_key_shard(k, (unsigned)s, SK_REQUESTS, NULL, key,
				sizeof(key));
		arg_reset(a);
		arg_s(a, "XREVRANGE");
		arg_s(a, key);
		arg_i(a, until);
		arg_i(a, since);
		arg_s(a, "COUNT");
		arg_i(a, max);
		sreq_send(rq, s, a);
	}
	return sreq_commit(rq);
}

/* --- a dossier as staff see it ---------------------------------------------------- */

/*
 * The view's three commands, after any before them (first: the index of
 * the HGETALL): the dossier, when it was filed, its time to live. All in
 * the dossier's slot, read after what came before in the pipeline.
 */
#define VIEW_CMDS 3

static int view_send(struct sreq *rq, int first, const char *dossier_key)
{
	const struct store_keys *k = store_keyctx(rq->st);
	struct argv *a = store_argv(rq->st);

	cmd_dossier_get(a, k, dossier_key);
	sreq_send(rq, first, a);
	cmd_app_filed(a, k, dossier_key);
	sreq_send(rq, first + 1, a);
	cmd_dossier_pttl(a, k, dossier_key);
	sreq_send(rq, first + 2, a);
	return sreq_commit(rq);
}

/* Reply idx (counted from the view's first command) into v; found is
 * set by the HGETALL. */
static void view_part(int idx, const redisReply *r, bool *found,
		      struct store_dossier_view *v)
{
	if (idx == 0)
		*found = reply_view_hash(r, v);
	else if (idx == 1)
		reply_view_filed(r, v);
	else
		reply_view_ttl(r, util_now_ms(), v);
}

struct view_ctx {
	bool found;
	struct store_dossier_view v;
};

static void view_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct view_ctx *x = rq->ctx;

	view_part(idx, r, &x->found, &x->v);
}

static void view_done(struct sreq *rq, int rc)
{
	struct view_ctx *x = rq->ctx;
	store_view_fn *cb = (store_view_fn *)rq->cb;

	cb(rq->arg, rc, rc == 0 && x->found, &x->v);
}

int store_dossier_view(struct store *st, const char *dossier_key,
		       store_view_fn *cb, void *arg)
{
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, VIEW_CMDS, view_reply, view_done, (void *)cb, arg,
		       sizeof(struct view_ctx), &rq);
	if (rc < 0)
		return rc;
	return view_send(rq, 0, dossier_key);
}

/* --- a new status ------------------------------------------------------------------- */

static void status_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct store_status_result *res = rq->ctx;
	bool found;

	if (idx == 0) {
		if (reply_status(r, res) < 0)
			rq->rc = -EIO;
		return;
	}
	view_part(idx - 1, r, &found, &res->view);
}

static void status_done(struct sreq *rq, int rc)
{
	store_status_fn *cb = (store_status_fn *)rq->cb;

	cb(rq->arg, rc, rc == 0 ? rq->ctx : NULL);
}

int store_dossier_status(struct store *st, const struct store_status_set *s,
			 store_status_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1 + VIEW_CMDS, status_reply, status_done,
		       (void *)cb, arg, sizeof(struct store_status_result),
		       &rq);
	if (rc < 0)
		return rc;
	cmd_dossier_status(a, store_keyctx(st), s, util_now_ms());
	sreq_send(rq, 0, a);
	return view_send(rq, 1, s->dossier_key);
}

/* --- applications --------------------------------------------------------------------- */

static void apps_reply(struct sreq *rq, int idx, const redisReply *r)
{
	int rc = app_gather_add(rq->ctx, r);

	if (rc < 0)
		rq->rc = rc;
}

static void apps_done(struct sreq *rq, int rc)
{
	struct app_gather *g = rq->ctx;
	store_apps_fn *cb = (store_apps_fn *)rq->cb;
	struct store_app_list none = { NULL, 0, false };

	app_gather_end(g);
	cb(rq->arg, rc, rc == 0 ? &g->l : &none);
	app_gather_free(g);
}

int store_apps_list(struct store *st, const struct store_app_filter *f,
		    store_apps_fn *cb, void *arg)
{
	const struct store_keys *k = store_keyctx(st);
	struct argv *a = store_argv(st);
	struct app_gather *g;
	struct sreq *rq;
	int rc;

	if (f->limit < 1 || f->limit > STORE_APPS_MAX)
		return -EINVAL;
	rc = sreq_open(st, k->shards, apps_reply, apps_done, (void *)cb, arg,
		       sizeof(struct app_gather), &rq);
	if (rc < 0)
		return rc;
	g = rq->ctx;
	g->limit = f->limit;
	for (int s = 0; s < k->shards; s++) {
		cmd_apps_list(a, k, (unsigned)s, f);
		sreq_send(rq, s, a);
	}
	return sreq_commit(rq);
}
