/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store for tools (citizengw-ctl): the same keys, records and scripts
 * as the daemon's store, over a synchronous connection. A short-lived
 * tool waits for each answer; the daemon never uses this.
 *
 * Functions return 0 (or a count) or a negative errno, with the reason in
 * store_sync_error().
 */
#ifndef CGW_STORE_SYNC_H
#define CGW_STORE_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/conf.h"
#include "services/dossier.h"
#include "store/store.h"

struct store_sync;

/* field, value, field, value ... as Redis holds them (owned copies). */
struct store_pairs {
	size_t n;
	char **v;
};
void store_pairs_free(struct store_pairs *p);
const char *store_pairs_get(const struct store_pairs *p, const char *field);

/* Connects (AUTH, SELECT). NULL with the reason in err. */
struct store_sync *store_sync_open(const struct cgw_conf *c, char *err,
				   size_t errlen);
void store_sync_close(struct store_sync *ss);
const char *store_sync_error(const struct store_sync *ss);

/*
 * Replaces a dossier in one atomic step; when its status changes and
 * notify is set, a gateway process sends the citizen a notice. Pipelined:
 * the answer is read later, by a later call or store_sync_wait(), which
 * return how many commands failed.
 */
int store_sync_dossier_put(struct store_sync *ss, const struct dossier *d,
			   bool notify);
/* Reads every pending answer: returns the failures since the last wait
 * (0 when all went through), or a negative errno. */
int store_sync_wait(struct store_sync *ss);

/* A dossier's hash by lookup key: 1 found, 0 not, or -errno. */
int store_sync_dossier(struct store_sync *ss, const char *key,
		       struct store_pairs *out);
/* When an application was filed (0: the dossier is in no applications
 * index) and when Redis drops the dossier (0: never), UTC ms: 0 or
 * -errno. */
int store_sync_dossier_times(struct store_sync *ss, const char *key,
			     int64_t *filed_ms, int64_t *expires_ms);
/*
 * A new status (and reason) for a dossier without replacing it, as
 * store_dossier_status(): 1 done (res filled, its view read after the
 * change), 0 no such dossier (nothing written), or -errno.
 */
int store_sync_dossier_status(struct store_sync *ss,
			      const struct store_status_set *s,
			      struct store_status_result *res);
/*
 * The applications that pass f, newest first over every shard, as
 * store_apps_list(): 0 with out filled (the caller frees it with
 * store_app_list_free()), or -errno.
 */
int store_sync_apps(struct store_sync *ss, const struct store_app_filter *f,
		    struct store_app_list *out);
void store_app_list_free(struct store_app_list *l);
/* An MT's hash by our id: 1 found, 0 not, or -errno. */
int store_sync_mt(struct store_sync *ss, const char *id,
		  struct store_pairs *out);
/* An MT's hash by the SMS centre's id (canonical form) on a bind. */
int store_sync_mt_by_msgid(struct store_sync *ss, const char *bind,
			   const char *msgid, struct store_pairs *out);
/* A phone's profile hash (empty when it has none): 0 or -errno. */
int store_sync_profile(struct store_sync *ss, const char *msisdn,
		       struct store_pairs *out);

/* Queues an MT for the gateway processes to send: 1 queued, 0 an MT of
 * that id exists already, -errno. */
int store_sync_mt_queue(struct store_sync *ss, const struct store_mt *mt);

/*
 * The procedure requests recorded between since and until (UTC ms,
 * inclusive), shard by shard in time order within a shard: each(arg,
 * shard, ms, seq, pairs) per entry; a non-zero return stops. Returns 0 or
 * -errno.
 */
typedef int store_sync_request_fn(void *arg, unsigned shard, uint64_t ms,
				  uint64_t seq, const struct store_pairs *p);
int store_sync_requests(struct store_sync *ss, int64_t since, int64_t until,
			store_sync_request_fn *each, void *arg);

/*
 * Every key under the prefix, as SCAN finds them: each(arg, key, ttl_ms,
 * optout) with ttl_ms -1 for a key without a time to live (then optout
 * tells whether a phone profile holds an opt-out); a non-zero return
 * stops. Returns how many keys were seen, or -errno.
 */
typedef int store_sync_key_fn(void *arg, const char *key, long long ttl_ms,
			      bool optout);
int store_sync_keys(struct store_sync *ss, store_sync_key_fn *each,
		    void *arg);
/* The key names of ss (prefix, shards). */
const struct store_keys *store_sync_keyctx(const struct store_sync *ss);

#endif
