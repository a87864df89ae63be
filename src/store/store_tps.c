/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Store, the TPS cap of an SMSC account shared by every process bound to
 * it (see store/store.h, store_tps_lease; the schedule is tps_lease.lua).
 */
#include "config.h"

#include <errno.h>

#include "store/store_int.h"

struct lease_ctx {
	long n, first_us, every_us;
};

static void lease_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct lease_ctx *x = rq->ctx;

	if (r->type != REDIS_REPLY_ARRAY || r->elements != 3) {
		rq->rc = -EPROTO;
		return;
	}
	for (size_t i = 0; i < 3; i++)
		if (r->element[i]->type != REDIS_REPLY_INTEGER ||
		    r->element[i]->integer < 0) {
			rq->rc = -EPROTO;
			return;
		}
	x->n = (long)r->element[0]->integer;
	x->first_us = (long)r->element[1]->integer;
	x->every_us = (long)r->element[2]->integer;
}

static void lease_done(struct sreq *rq, int rc)
{
	struct lease_ctx *x = rq->ctx;
	store_tps_fn *cb = (store_tps_fn *)rq->cb;

	if (cb)
		cb(rq->arg, rc, rc < 0 ? 0 : x->n, rc < 0 ? 0 : x->first_us,
		   rc < 0 ? 0 : x->every_us);
}

int store_tps_lease(struct store *st, const char *account, int rate,
		    int want, int slice_ms, store_tps_fn *cb, void *arg)
{
	struct argv *a;
	char k[STORE_KEY_MAX];
	const char *keys[LUA_TPS_LEASE_NKEYS] = { k };
	struct sreq *rq;
	int rc;

	if (rate <= 0 || want <= 0 || slice_ms <= 0)
		return -EINVAL;
	if ((rc = sreq_open(st, 1, lease_reply, lease_done, (void *)cb, arg,
			    sizeof(struct lease_ctx), &rq)) < 0)
		return rc;
	a = store_argv(st);
	store_key_tps(store_keyctx(st), account, k, sizeof(k));
	arg_reset(a);
	arg_script(a, LUA_TPS_LEASE, keys);
	arg_ki(a, "rate", rate);
	arg_ki(a, "want", want);
	arg_ki(a, "slice", slice_ms);
	arg_ki(a, "ttl_ms", STORE_TPS_KEEP_MS);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}
