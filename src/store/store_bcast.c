/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Store, broadcasts (see store/store.h). A broadcast's record P:bc:<id>
 * holds what staff gave (name, template, times, rate) and its state; its
 * recipients live in the shard of their phone (pending list, variables,
 * leases, counters), so that taking a recipient, checking its opt-out and
 * queueing its MT are each one script in one slot. Counters per shard
 * move with every MT of the broadcast (bc_queue, mt_done, dlr, claim);
 * a broadcast's counts are their sum.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/store_int.h"

const char *const store_bc_count_names[STORE_BC_NCOUNTS] = {
	[STORE_BC_PENDING] = "pending",
	[STORE_BC_QUEUED] = "queued",
	[STORE_BC_SENT] = "sent",
	[STORE_BC_DELIVERED] = "delivered",
	[STORE_BC_FAILED] = "failed",
	[STORE_BC_EXPIRED] = "expired",
	[STORE_BC_OPTED_OUT] = "opted_out",
	[STORE_BC_CANCELLED] = "cancelled",
};

/* The per-shard keys of a broadcast, for the scripts that want them. */
static void bc_key(struct store *st, unsigned shard, enum store_skey kind,
		   const char *id, char *out)
{
	store_key_shard(store_keyctx(st), shard, kind, id, out,
			STORE_KEY_MAX);
}

static void meta_key(struct store *st, const char *id, char *out)
{
	store_key_bcast(store_keyctx(st), id, out, STORE_KEY_MAX);
}

/* --- creation ------------------------------------------------------------------- */

/* A broadcast's keys while it is being created: one whose creation died
 * (it never starts) goes in a day. */
#define BC_LOADING_TTL_S (24 * 3600)

/* Once it runs, a broadcast's keys and its MTs are kept until it expires
 * and then rec_bcast's time, for its report. */
static long bc_keep_s(int64_t expires_at)
{
	return (long)((expires_at - util_now_ms()) / 1000) + rec_bcast.ttl_s;
}

int store_bc_begin(struct store *st, const struct store_bcast *b,
		   store_done_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	char k[STORE_KEY_MAX];
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 2, NULL, sreq_simple_done, (void *)cb, arg, 0, &rq);
	if (rc < 0)
		return rc;
	meta_key(st, b->id, k);
	arg_reset(a);
	arg_s(a, "HSET");
	arg_s(a, k);
	arg_kv(a, "state", "loading");
	/* the record's fields, without their group name */
	for (size_t i = 0; i < rec_bcast.nfields; i++) {
		const struct rec_field *f = &rec_bcast.fields[i];
		char buf[32];

		const char *v;

		if (f->off == REC_NOWHERE || (f->flags & REC_SCRIPT))
			continue;
		v = rec_format(f, b, buf, sizeof(buf));
		/* what parts bring (cols, samples) comes with the first */
		if (f->type == REC_STR && !v[0])
			continue;
		arg_kv(a, f->name, v);
	}
	sreq_send(rq, 0, a);
	arg_reset(a);
	arg_s(a, "EXPIRE");
	arg_s(a, k);
	arg_i(a, BC_LOADING_TTL_S);
	sreq_send(rq, 1, a);
	return sreq_commit(rq);
}

#define ADD_MAX 500		/* recipients in one bc_add */

struct added_ctx {
	struct store_bc_added res;
	char dup[ADD_MAX][24], optout[ADD_MAX][24];
	const char *dups[ADD_MAX], *optouts[ADD_MAX];
};

/* The phones of a list reply into names (kept in the context). */
static long phones(const redisReply *l, char (*buf)[24], const char **list)
{
	long n = 0;

	for (size_t i = 0; i < l->elements && i < ADD_MAX; i++) {
		util_strlcpy(buf[n], l->element[i]->str, sizeof(buf[n]));
		list[n] = buf[n];
		n++;
	}
	return n;
}

static void added_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct added_ctx *x = rq->ctx;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3 ||
	    r->element[1]->type != REDIS_REPLY_ARRAY ||
	    r->element[2]->type != REDIS_REPLY_ARRAY) {
		rq->rc = -EIO;
		return;
	}
	x->res.added = (long)r->element[0]->integer;
	x->res.opted_out = phones(r->element[1], x->optout, x->optouts);
	x->res.duplicates = phones(r->element[2], x->dup, x->dups);
	x->res.dups = x->dups;
	x->res.optouts = x->optouts;
}

static void added_done(struct sreq *rq, int rc)
{
	struct added_ctx *x = rq->ctx;
	store_bc_added_fn *cb = (store_bc_added_fn *)rq->cb;

	cb(rq->arg, rc, &x->res);
}

int store_bc_add(struct store *st, const char *id, unsigned shard,
		 const char *const *pairs, int npairs, store_bc_added_fn *cb,
		 void *arg)
{
	char k_v[STORE_KEY_MAX], k_p[STORE_KEY_MAX], k_c[STORE_KEY_MAX];
	char k_ph[STORE_KEY_MAX];
	const char *keys[LUA_BC_ADD_NKEYS] = { k_v, k_p, k_c, k_ph };
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	if (npairs / 2 > ADD_MAX)
		return -E2BIG;
	rc = sreq_open(st, 1, added_reply, added_done, (void *)cb, arg,
		       sizeof(struct added_ctx), &rq);
	if (rc < 0)
		return rc;
	bc_key(st, shard, SK_BC_VARS, id, k_v);
	bc_key(st, shard, SK_BC_PENDING, id, k_p);
	bc_key(st, shard, SK_BC_COUNTS, id, k_c);
	store_key_shard(store_keyctx(st), shard, SK_PROFILES, "", k_ph,
			sizeof(k_ph));
	arg_reset(a);
	arg_script(a, LUA_BC_ADD, keys);
	arg_ki(a, "ttl_s", BC_LOADING_TTL_S);
	for (int i = 0; i + 1 < npairs; i += 2)
		arg_group(a, "r", pairs[i], pairs[i + 1]);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

/* Every key of a broadcast in every shard, for an EXPIRE or a DEL. */
static void send_each_key(struct sreq *rq, int *n, struct store *st,
			  const char *cmd, const char *id, long ttl)
{
	static const enum store_skey kinds[] = {
		SK_BC_PENDING, SK_BC_VARS, SK_BC_LEASE, SK_BC_COUNTS,
		SK_BC_RESULTS,
	};
	struct argv *a = store_argv(st);

	for (int s = 0; s < store_keyctx(st)->shards; s++)
		for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
			char k[STORE_KEY_MAX];

			bc_key(st, (unsigned)s, kinds[i], id, k);
			arg_reset(a);
			arg_s(a, cmd);
			arg_s(a, k);
			if (ttl)
				arg_i(a, ttl);
			sreq_send(rq, (*n)++, a);
		}
}

static int bc_nkeys(struct store *st)
{
	return store_keyctx(st)->shards * 5;
}

/* The fields of a tally: numbers added, strings set once. */
static const char *const tally_sums[] = {
	"total", "duplicates", "invalid", "opted_out", "msgs", "segs",
	"gsm7_msgs", "gsm7_segs", "ucs2_msgs", "ucs2_segs", "other_msgs",
	"other_segs",
};
static const char *const tally_once[] = { "samples", "cols" };

int store_bc_tally(struct store *st, const struct store_bcast *t,
		   store_done_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	char k[STORE_KEY_MAX], buf[32];
	int n = 0, rc;
	struct sreq *rq;

	rc = sreq_open(st, (int)(ARRAY_SIZE(tally_sums) + ARRAY_SIZE(tally_once)),
		       NULL, sreq_simple_done, (void *)cb, arg, 0, &rq);
	if (rc < 0)
		return rc;
	meta_key(st, t->id, k);
	for (size_t i = 0; i < ARRAY_SIZE(tally_sums); i++) {
		const struct rec_field *f = rec_field_find(&rec_bcast,
							   tally_sums[i]);

		arg_reset(a);
		arg_s(a, "HINCRBY");
		arg_s(a, k);
		arg_s(a, f->name);
		arg_s(a, rec_format(f, t, buf, sizeof(buf)));
		sreq_send(rq, n++, a);
	}
	for (size_t i = 0; i < ARRAY_SIZE(tally_once); i++) {
		const struct rec_field *f = rec_field_find(&rec_bcast,
							   tally_once[i]);

		arg_reset(a);
		arg_s(a, "HSETNX");
		arg_s(a, k);
		arg_s(a, f->name);
		arg_s(a, rec_format(f, t, buf, sizeof(buf)));
		sreq_send(rq, n++, a);
	}
	return sreq_commit(rq);
}

int store_bc_start(struct store *st, const struct store_bcast *b,
		   store_done_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	char k[STORE_KEY_MAX], k_x[STORE_KEY_MAX];
	const char *keys[LUA_BC_STATE_NKEYS] = { k };
	long ttl = bc_keep_s(b->expires_at);
	struct sreq *rq;
	int n = 0, rc;

	rc = sreq_open(st, 5 + bc_nkeys(st), NULL, sreq_simple_done,
		       (void *)cb, arg, 0, &rq);
	if (rc < 0)
		return rc;
	meta_key(st, b->id, k);
	arg_reset(a);
	arg_s(a, "EXPIRE");
	arg_s(a, k);
	arg_i(a, ttl);
	sreq_send(rq, n++, a);
	send_each_key(rq, &n, st, "EXPIRE", b->id, ttl);
	/* listed before it runs: a dispatcher that sees it finds its
	 * record complete */
	store_key_bcindex(store_keyctx(st), k_x, sizeof(k_x));
	arg_reset(a);
	arg_s(a, "ZADD");
	arg_s(a, k_x);
	arg_i(a, b->created);
	arg_s(a, b->id);
	sreq_send(rq, n++, a);
	/* entries whose broadcast Redis has dropped: created before the
	 * longest life plus the time a record is kept after it */
	arg_reset(a);
	arg_s(a, "ZREMRANGEBYSCORE");
	arg_s(a, k_x);
	arg_s(a, "-inf");
	arg_i(a, util_now_ms() - STORE_BC_MAX_LIFE_MS -
			 rec_bcast.ttl_s * 1000LL);
	sreq_send(rq, n++, a);
	arg_reset(a);
	arg_script(a, LUA_BC_STATE, keys);
	arg_kv(a, "action", "start");
	arg_ki(a, "now", util_now_ms());
	sreq_send(rq, n++, a);
	store_key_bcactive(store_keyctx(st), k_x, sizeof(k_x));
	arg_reset(a);
	arg_s(a, "SADD");
	arg_s(a, k_x);
	arg_s(a, b->id);
	sreq_send(rq, n++, a);
	return sreq_commit(rq);
}

int store_bc_discard(struct store *st, const char *id, store_done_fn *cb,
		     void *arg)
{
	struct argv *a = store_argv(st);
	char k[STORE_KEY_MAX];
	struct sreq *rq;
	int n = 0, rc;

	rc = sreq_open(st, 1 + bc_nkeys(st), NULL, sreq_simple_done,
		       (void *)cb, arg, 0, &rq);
	if (rc < 0)
		return rc;
	send_each_key(rq, &n, st, "DEL", id, 0);
	meta_key(st, id, k);
	arg_reset(a);
	arg_s(a, "DEL");
	arg_s(a, k);
	sreq_send(rq, n++, a);
	return sreq_commit(rq);
}

/* --- reading ---------------------------------------------------------------------- */

struct get_ctx {
	bool found;
	struct store_bcast b;
	struct store_bc_counts c;
};

static void get_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct get_ctx *x = rq->ctx;

	if (idx == 0) {
		x->found = reply_record(r, &rec_bcast, &x->b) && x->b.id[0];
		return;
	}
	for (int i = 0; i < STORE_BC_NCOUNTS; i++) {
		const redisReply *v = reply_field(r, store_bc_count_names[i]);

		if (v && v->type == REDIS_REPLY_STRING)
			x->c.n[i] += strtol(v->str, NULL, 10);
	}
}

static void get_done(struct sreq *rq, int rc)
{
	struct get_ctx *x = rq->ctx;
	store_bc_fn *cb = (store_bc_fn *)rq->cb;
	bool found = rc == 0 && x->found;

	cb(rq->arg, rc, found, found ? &x->b : NULL, found ? &x->c : NULL);
}

int store_bc_get(struct store *st, const char *id, store_bc_fn *cb,
		 void *arg)
{
	int shards = store_keyctx(st)->shards;
	struct argv *a = store_argv(st);
	char k[STORE_KEY_MAX];
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1 + shards, get_reply, get_done, (void *)cb, arg,
		       sizeof(struct get_ctx), &rq);
	if (rc < 0)
		return rc;
	meta_key(st, id, k);
	cmd_hgetall(a, k);
	sreq_send(rq, 0, a);
	for (int s = 0; s < shards; s++) {
		bc_key(st, (unsigned)s, SK_BC_COUNTS, id, k);
		cmd_hgetall(a, k);
		sreq_send(rq, 1 + s, a);
	}
	return sreq_commit(rq);
}

#define MAX_IDS 1000

struct ids_ctx {
	int n;
	char ids[MAX_IDS][STORE_ID_MAX];
};

static void ids_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct ids_ctx *x = rq->ctx;

	if (r->type != REDIS_REPLY_ARRAY) {
		rq->rc = -EIO;
		return;
	}
	for (size_t i = 0; i < r->elements && x->n < MAX_IDS; i++)
		if (r->element[i]->type == REDIS_REPLY_STRING)
			util_strlcpy(x->ids[x->n++], r->element[i]->str,
				     STORE_ID_MAX);
}

static void ids_done(struct sreq *rq, int rc)
{
	struct ids_ctx *x = rq->ctx;
	store_ids_fn *cb = (store_ids_fn *)rq->cb;
	const char *list[MAX_IDS];

	for (int i = 0; i < x->n; i++)
		list[i] = x->ids[i];
	cb(rq->arg, rc, list, rc == 0 ? x->n : 0);
}

static int ids_cmd(struct store *st, store_ids_fn *cb, void *arg)
{
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, ids_reply, ids_done, (void *)cb, arg,
		       sizeof(struct ids_ctx), &rq);
	if (rc < 0)
		return rc;
	sreq_send(rq, 0, store_argv(st));
	return sreq_commit(rq);
}

int store_bc_list(struct store *st, int max, store_ids_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	char k[STORE_KEY_MAX];

	store_key_bcindex(store_keyctx(st), k, sizeof(k));
	arg_reset(a);
	arg_s(a, "ZREVRANGE");
	arg_s(a, k);
	arg_i(a, 0);
	arg_i(a, (max > 0 && max <= MAX_IDS ? max : MAX_IDS) - 1);
	return ids_cmd(st, cb, arg);
}

int store_bc_active(struct store *st, store_ids_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	char k[STORE_KEY_MAX];

	store_key_bcactive(store_keyctx(st), k, sizeof(k));
	arg_reset(a);
	arg_s(a, "SMEMBERS");
	arg_s(a, k);
	return ids_cmd(st, cb, arg);
}

int store_bc_retire(struct store *st, const char *id, store_done_fn *cb,
		    void *arg)
{
	struct argv *a = store_argv(st);
	char k[STORE_KEY_MAX];
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, NULL, sreq_simple_done, (void *)cb, arg, 0, &rq);
	if (rc < 0)
		return rc;
	store_key_bcactive(store_keyctx(st), k, sizeof(k));
	arg_reset(a);
	arg_s(a, "SREM");
	arg_s(a, k);
	arg_s(a, id);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

/* --- state ------------------------------------------------------------------------ */

struct state_ctx {
	store_bc_state_fn *cb;
	void *arg;
	char id[STORE_ID_MAX];
	char verdict[16], state[16];
};

static void state_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct state_ctx *x = rq->ctx;

	if (idx > 0)
		return;	/* the drops and the retirement */
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
	    r->element[0]->type != REDIS_REPLY_STRING) {
		rq->rc = -EIO;
		return;
	}
	util_strlcpy(x->verdict, r->element[0]->str, sizeof(x->verdict));
	if (r->elements > 1 && r->element[1]->type == REDIS_REPLY_STRING)
		util_strlcpy(x->state, r->element[1]->str, sizeof(x->state));
}

static bool final_state(const char *s)
{
	return strcmp(s, "cancelled") == 0 || strcmp(s, "expired") == 0 ||
	       strcmp(s, "done") == 0;
}

/* After a state change to a final state: the recipients not yet sent
 * are dropped, and the broadcast leaves the active set. */
static int state_finish(struct store *st, struct state_ctx *x)
{
	const char *as = strcmp(x->state, "expired") == 0 ? "expired"
							  : "cancelled";
	int shards = store_keyctx(st)->shards, n = 0, rc;
	struct argv *a = store_argv(st);
	char k[STORE_KEY_MAX];
	struct sreq *rq;

	rc = sreq_open(st, shards + 1, NULL, sreq_simple_done, NULL, NULL, 0,
		       &rq);
	if (rc < 0)
		return rc;
	for (int s = 0; s < shards; s++) {
		char k_p[STORE_KEY_MAX], k_l[STORE_KEY_MAX];
		char k_c[STORE_KEY_MAX];
		const char *keys[LUA_BC_DROP_NKEYS] = { k_p, k_l, k_c };

		bc_key(st, (unsigned)s, SK_BC_PENDING, x->id, k_p);
		bc_key(st, (unsigned)s, SK_BC_LEASE, x->id, k_l);
		bc_key(st, (unsigned)s, SK_BC_COUNTS, x->id, k_c);
		arg_reset(a);
		arg_script(a, LUA_BC_DROP, keys);
		arg_kv(a, "as", as);
		sreq_send(rq, n++, a);
	}
	store_key_bcactive(store_keyctx(st), k, sizeof(k));
	arg_reset(a);
	arg_s(a, "SREM");
	arg_s(a, k);
	arg_s(a, x->id);
	sreq_send(rq, n++, a);
	return sreq_commit(rq);
}

static void state_done(struct sreq *rq, int rc)
{
	struct state_ctx *x = rq->ctx;

	if (rc == 0 && strcmp(x->verdict, "ok") == 0 &&
	    final_state(x->state) && strcmp(x->state, "done") != 0) {
		int rc2 = state_finish(rq->st, x);

		if (rc2 < 0)
			rc = rc2;
	}
	x->cb(x->arg, rc, x->verdict, x->state);
}

int store_bc_action(struct store *st, const char *id, const char *action,
		    store_bc_state_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	char k[STORE_KEY_MAX];
	const char *keys[LUA_BC_STATE_NKEYS] = { k };
	struct state_ctx *x;
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, state_reply, state_done, NULL, NULL,
		       sizeof(*x), &rq);
	if (rc < 0)
		return rc;
	x = rq->ctx;
	x->cb = cb;
	x->arg = arg;
	util_strlcpy(x->id, id, sizeof(x->id));
	meta_key(st, id, k);
	arg_reset(a);
	arg_script(a, LUA_BC_STATE, keys);
	arg_kv(a, "action", action);
	arg_ki(a, "now", util_now_ms());
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

/* --- dispatch --------------------------------------------------------------------- */

int store_bc_tokens(struct store *st, const char *id, long want,
		    store_count_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	char k[STORE_KEY_MAX];
	const char *keys[LUA_BC_TOKENS_NKEYS] = { k };
	struct sreq *rq;
	int rc;

	if ((rc = store_open_count(st, cb, arg, &rq)) < 0)
		return rc;
	meta_key(st, id, k);
	arg_reset(a);
	arg_script(a, LUA_BC_TOKENS, keys);
	arg_ki(a, "now", util_now_ms());
	arg_ki(a, "want", want);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

struct take_ctx {
	char **pairs;
	size_t npairs;
};

static void take_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct take_ctx *x = rq->ctx;

	rq->rc = reply_strings(r, &x->pairs, &x->npairs);
}

static void take_done(struct sreq *rq, int rc)
{
	struct take_ctx *x = rq->ctx;
	store_pairs_fn *cb = (store_pairs_fn *)rq->cb;

	cb(rq->arg, rc, (const char *const *)x->pairs,
	   rc == 0 ? (int)x->npairs : 0);
	strings_free(x->pairs, x->npairs);
	x->pairs = NULL;
}

int store_bc_take(struct store *st, const char *id, unsigned shard, int max,
		  int64_t lease, store_pairs_fn *cb, void *arg)
{
	char k_p[STORE_KEY_MAX], k_l[STORE_KEY_MAX], k_v[STORE_KEY_MAX];
	char k_c[STORE_KEY_MAX], k_x[STORE_KEY_MAX], k_ph[STORE_KEY_MAX];
	const char *keys[LUA_BC_TAKE_NKEYS] = { k_p, k_l, k_v, k_c, k_x,
						k_ph };
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, take_reply, take_done, (void *)cb, arg,
		       sizeof(struct take_ctx), &rq);
	if (rc < 0)
		return rc;
	bc_key(st, shard, SK_BC_PENDING, id, k_p);
	bc_key(st, shard, SK_BC_LEASE, id, k_l);
	bc_key(st, shard, SK_BC_VARS, id, k_v);
	bc_key(st, shard, SK_BC_COUNTS, id, k_c);
	bc_key(st, shard, SK_BC_RESULTS, id, k_x);
	store_key_shard(store_keyctx(st), shard, SK_PROFILES, "", k_ph,
			sizeof(k_ph));
	arg_reset(a);
	arg_script(a, LUA_BC_TAKE, keys);
	arg_ki(a, "now", util_now_ms());
	arg_ki(a, "lease", lease);
	arg_ki(a, "max", max);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

int store_bc_queue(struct store *st, const struct store_mt *mt,
		   store_count_fn *cb, void *arg)
{
	unsigned shard = store_shard(st, mt->msisdn);
	char k_q[STORE_KEY_MAX], k_mt[STORE_KEY_MAX], k_l[STORE_KEY_MAX];
	char k_c[STORE_KEY_MAX];
	const char *keys[LUA_BC_QUEUE_NKEYS] = { k_q, k_mt, k_l, k_c };
	const struct cgw_conf *c = store_conf(st);
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	if ((rc = store_open_count(st, cb, arg, &rq)) < 0)
		return rc;
	bc_key(st, shard, store_queue_of(mt->prio), NULL, k_q);
	bc_key(st, shard, SK_MT, mt->id, k_mt);
	bc_key(st, shard, SK_BC_LEASE, mt->bc, k_l);
	bc_key(st, shard, SK_BC_COUNTS, mt->bc, k_c);
	arg_reset(a);
	arg_script(a, LUA_BC_QUEUE, keys);
	arg_kv(a, "id", mt->id);
	arg_kv(a, "msisdn", mt->msisdn);
	arg_ki(a, "score", util_now_ms() + c->gateway.mt_lease);
	arg_kv(a, "owner", store_owner(st));
	/* kept with the broadcast (it expires when the broadcast does) */
	arg_ki(a, "ttl_s", bc_keep_s(mt->expires_ms));
	arg_record(a, &rec_mt, "mt", mt);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

/* --- report ------------------------------------------------------------------------ */

#define REPORT_MAX 200		/* recipients per page */

struct report_ctx {
	store_bc_rows_fn *cb;
	void *arg;
	unsigned shard;
	char id[STORE_ID_MAX];
	char next[32];
	int n;
	char *msisdn[REPORT_MAX], *vars[REPORT_MAX];
	struct store_bc_row rows[REPORT_MAX];
	char *state[REPORT_MAX], *stat[REPORT_MAX], *err[REPORT_MAX];
	char *result[REPORT_MAX];
};

static void report_free(struct report_ctx *x)
{
	for (int i = 0; i < x->n; i++) {
		free(x->msisdn[i]);
		free(x->vars[i]);
		free(x->state[i]);
		free(x->stat[i]);
		free(x->err[i]);
		free(x->result[i]);
	}
	free(x);
}

static char *dup_field(const redisReply *h, const char *name)
{
	const redisReply *v = reply_field(h, name);

	return strdup(v && v->type == REDIS_REPLY_STRING ? v->str : "");
}

static int64_t ms_field(const redisReply *h, const char *name)
{
	const redisReply *v = reply_field(h, name);

	return v && v->type == REDIS_REPLY_STRING ? strtoll(v->str, NULL, 10)
						  : 0;
}

/* Second round trip: per recipient its MT and why it has none. */
static void rows_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct report_ctx *x = rq->ctx;
	int i = idx / 2;
	struct store_bc_row *row = &x->rows[i];

	if (idx % 2) {
		x->result[i] = strdup(r->type == REDIS_REPLY_STRING ? r->str
								    : "");
		return;
	}
	row->has_mt = reply_record(r, &rec_mt, &row->mt);
	x->state[i] = dup_field(r, "state");
	x->stat[i] = dup_field(r, "dlr_stat");
	x->err[i] = dup_field(r, "dlr_err");
	row->done_at = ms_field(r, "done_at");
	row->sub_at = ms_field(r, "sub_at");
	row->dlr_at = ms_field(r, "dlr_at");
	row->dup = ms_field(r, "dup") == 1;
}

static void rows_done(struct sreq *rq, int rc)
{
	struct report_ctx *x = rq->ctx;

	for (int i = 0; i < x->n; i++) {
		struct store_bc_row *row = &x->rows[i];

		row->msisdn = x->msisdn[i];
		row->vars = x->vars[i];
		row->state = x->state[i] ? x->state[i] : "";
		row->dlr_stat = x->stat[i] ? x->stat[i] : "";
		row->dlr_err = x->err[i] ? x->err[i] : "";
		row->result = x->result[i] ? x->result[i] : "";
	}
	x->cb(x->arg, rc, x->rows, rc == 0 ? x->n : 0, x->next);
	rq->ctx = NULL;
	report_free(x);
}

static int report_rows(struct store *st, struct report_ctx *x)
{
	struct argv *a = store_argv(st);
	char k_x[STORE_KEY_MAX];
	struct sreq *rq;

	if (x->n == 0) {
		x->cb(x->arg, 0, x->rows, 0, x->next);
		report_free(x);
		return 0;
	}
	rq = store_ready(st) ? sreq_new(st, 2 * x->n, rows_reply, rows_done,
					NULL, NULL, x)
			     : NULL;
	if (!rq)
		return -ENOTCONN;
	bc_key(st, x->shard, SK_BC_RESULTS, x->id, k_x);
	for (int i = 0; i < x->n; i++) {
		char id[2 * STORE_ID_MAX], k[STORE_KEY_MAX];

		snprintf(id, sizeof(id), "%s.%s", x->id, x->msisdn[i]);
		bc_key(st, x->shard, SK_MT, id, k);
		cmd_hgetall(a, k);
		sreq_send(rq, 2 * i, a);
		arg_reset(a);
		arg_s(a, "HGET");
		arg_s(a, k_x);
		arg_s(a, x->msisdn[i]);
		sreq_send(rq, 2 * i + 1, a);
	}
	return sreq_commit(rq) < 0 ? -ENOTCONN : 0;
}

static void scan_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct report_ctx *x = rq->ctx;
	const redisReply *list;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_ARRAY) {
		rq->rc = -EIO;
		return;
	}
	util_strlcpy(x->next, r->element[0]->str, sizeof(x->next));
	list = r->element[1];
	for (size_t i = 0; i + 1 < list->elements && x->n < REPORT_MAX;
	     i += 2) {
		x->msisdn[x->n] = strdup(list->element[i]->str);
		x->vars[x->n] = strdup(list->element[i + 1]->str);
		x->n++;
	}
}

static void scan_done(struct sreq *rq, int rc)
{
	struct report_ctx *x = rq->ctx;

	/* the context moves on to the second request (or ends here) */
	rq->ctx = NULL;
	if (rc == 0)
		rc = report_rows(rq->st, x);
	else
		rc = rc < 0 ? rc : -EIO;
	if (rc < 0) {
		x->cb(x->arg, rc, NULL, 0, "0");
		report_free(x);
	}
}

int store_bc_report(struct store *st, const char *id, unsigned shard,
		    const char *cursor, int count, store_bc_rows_fn *cb,
		    void *arg)
{
	struct argv *a = store_argv(st);
	struct report_ctx *x;
	char k[STORE_KEY_MAX];
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, scan_reply, scan_done, NULL, NULL, sizeof(*x),
		       &rq);
	if (rc < 0)
		return rc;
	x = rq->ctx;
	x->cb = cb;
	x->arg = arg;
	x->shard = shard;
	util_strlcpy(x->id, id, sizeof(x->id));
	bc_key(st, shard, SK_BC_VARS, id, k);
	arg_reset(a);
	arg_s(a, "HSCAN");
	arg_s(a, k);
	arg_s(a, cursor);
	arg_s(a, "COUNT");
	arg_i(a, count > 0 && count < REPORT_MAX / 2 ? count : REPORT_MAX / 2);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}
