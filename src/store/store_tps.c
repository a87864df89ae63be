/*
 * Store, the TPS cap of an SMSC account shared by every process bound to
 * it (see store/store.h, store_tps_lease; the bucket is tps_lease.lua).
 */
#include "config.h"

#include <errno.h>

#include "store/store_int.h"

int store_tps_lease(struct store *st, const char *account, int rate,
		    int want, int slice_ms, store_count_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	char k[STORE_KEY_MAX];
	const char *keys[LUA_TPS_LEASE_NKEYS] = { k };
	struct sreq *rq;
	int rc;

	if (rate <= 0 || want <= 0 || slice_ms <= 0)
		return -EINVAL;
	if ((rc = store_open_count(st, cb, arg, &rq)) < 0)
		return rc;
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
