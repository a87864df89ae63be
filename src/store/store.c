/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Store: Redis behind an async API (see store/store.h).
 *
 * One hiredis async context on the process's libevent loop. The context
 * goes CONNECTING -> LOADING (AUTH, SELECT, SCRIPT LOAD) -> READY; requests
 * are refused with -ENOTCONN unless READY, so an MO is answered with a
 * temporary error at once while Redis is away. A request that outlives
 * redis.timeout fails with -ETIMEDOUT and the connection is recycled:
 * a Redis that does not answer is treated as a Redis that is down.
 *
 * With redis.sentinels, each connection starts by asking the sentinels
 * in turn for the master (sentinel_master, blocking a short while: only
 * while Redis is away, when every MO is refused anyway), and LOADING
 * checks with ROLE that it is one. The failover is followed from three
 * signs: a -READONLY answer (the master was demoted), a lost link, and
 * +switch-master on a second connection, subscribed to a sentinel. Each
 * drops the connection and asks again; requests in flight fail like any
 * Redis error (an MO gets the temporary status and is delivered again).
 * A new master gets the scripts loaded on connecting, like any Redis.
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <time.h>

#include "common/log.h"
#include "common/metrics.h"
#include "common/pool.h"
#include "common/util.h"
#include "store/reply_pool.h"
#include "store/store_int.h"

enum conn_state { CS_DOWN, CS_CONNECTING, CS_LOADING, CS_READY };

/*
 * Request contexts (sreq_open) come from pools by size class: class k
 * holds objects of CTX_MIN << k bytes, larger ones come from malloc.
 * An MO takes three (round trip 1's result is 18.8 KB, the commit's
 * 16 KB): calloc and free of each was a tenth of the daemon's CPU. A
 * class keeps CTX_KEPT spare objects, about the requests of a window of
 * MOs in flight; the largest class (32 KB) then holds 2 MB at most.
 */
#define CTX_MIN 64
#define CTX_CLASSES 10
#define CTX_KEPT 64
/* Requests themselves (struct sreq, a few hundred bytes with their timer
 * and slots) are kept as many. */
#define SREQS_KEPT 64

struct store {
	struct event_base *base;
	const struct cgw_conf *conf;
	struct store_keys keys;
	char instance[64];
	char owner[96];		/* store_owner() */
	uint64_t counter;
	redisAsyncContext *ac;
	enum conn_state state;
	int loading;		/* replies still expected while LOADING */
	struct event *reconnect_ev;
	struct event *connect_timer;
	struct event *recycle_ev;	/* drop the connection (deferred) */
	int64_t backoff_ms;
	store_state_fn *state_cb;
	void *state_arg;
	LIST_HEAD(, sreq) live;	/* requests not yet freed */
	struct store_stats stats;
	char down_why[512];	/* the last connection error ("" none) */
	/* Sentinel: the master connected to, the sentinel that named it,
	 * and the subscription to +switch-master */
	char master_host[256];
	int master_port;
	int sentinel;
	redisAsyncContext *sub;
	struct event *sub_ev;	/* (re)subscribes */
	bool freeing;
	/* every command is built here and copied out by hiredis before the
	 * call that builds it returns */
	struct argv argv;
	struct script_set scripts;	/* the texts loaded, their SHA1s */
	struct pool ctx_pools[CTX_CLASSES];	/* see CTX_MIN */
	struct pool sreqs;			/* struct sreq */
};

static void store_connect(struct store *st);
static void set_state(struct store *st, enum conn_state s);
static void schedule_reconnect(struct store *st);
static void rediscover_now(struct store *st);

/* --- request lifecycle ------------------------------------------------------- */

/* The class of a context of size bytes, or -1: too large for any. */
static int ctx_class(size_t size)
{
	for (int k = 0; k < CTX_CLASSES; k++)
		if (size <= (size_t)CTX_MIN << k)
			return k;
	return -1;
}

static void sreq_free(struct sreq *rq)
{
	LIST_REMOVE(rq, entry);
	event_del(&rq->timer);
	if (rq->slots != rq->slots_inline)
		free(rq->slots);
	if (rq->ctx_class >= 0)
		pool_put(&rq->st->ctx_pools[rq->ctx_class], rq->ctx);
	else
		free(rq->ctx);
	pool_put(&rq->st->sreqs, rq);
}

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sreq_finish(struct sreq *rq, int rc)
{
	if (rq->finished)
		return;
	rq->finished = true;
	if (rc < 0) {
		rq->st->stats.errors++;
		if (rc == -ETIMEDOUT)
			rq->st->stats.timeouts++;
		if (rc != -ECANCELED)	/* not shutting down */
			metric_inc(CGW_M_REDIS_ERRORS,
				   METRIC_LV(rc == -ETIMEDOUT ? "timeout"
							  : "error"));
	} else {
		metric_observe(CGW_M_REDIS_SECONDS, NULL,
			       (double)(mono_us() - rq->start_us) / 1e6);
	}
	event_del(&rq->timer);
	rq->on_done(rq, rc);
}

/* Drops the context: down first, so that a callback run by the free sees
 * the store down and sends nothing on a context being freed. */
static void drop_context(struct store *st)
{
	redisAsyncContext *ac = st->ac;

	if (!ac)
		return;
	st->ac = NULL;
	set_state(st, CS_DOWN);
	/* runs every pending callback with a NULL reply; the disconnect
	 * callback (when hiredis calls it) finds st->ac changed */
	redisAsyncFree(ac);
	schedule_reconnect(st);
}

static void recycle_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store *st = arg;

	if (!st->ac)
		return;
	LOGP(LOG_REDIS, LOG_WARN, NULL,
	     "dropping the Redis connection to connect again");
	drop_context(st);
}

/* Drops the connection to make it again (the scripts loaded anew, the
 * master asked for), from the event loop, after the callbacks. */
static void store_recycle(struct store *st)
{
	if (st->ac && st->recycle_ev)
		event_active(st->recycle_ev, 0, 0);
}

static void sreq_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct sreq *rq = arg;
	struct store *st = rq->st;

	LOGP(LOG_REDIS, LOG_WARN, NULL, "request unanswered after %dms",
	     st->conf->redis.timeout);
	sreq_finish(rq, -ETIMEDOUT);
	/* never free a hiredis context from inside its own machinery */
	store_recycle(st);
}

void sreq_error(struct sreq *rq, const redisReply *reply)
{
	LOGP(LOG_REDIS, LOG_ERROR, NULL, "Redis error: %s", reply->str);
	/* scripts flushed under us: reload them; the master demoted: ask
	 * for the new */
	if (strncmp(reply->str, "NOSCRIPT", 8) == 0 ||
	    (strncmp(reply->str, "READONLY", 8) == 0 &&
	     rq->st->conf->redis.sentinels.n))
		store_recycle(rq->st);
	rq->rc = rq->rc ? rq->rc : -EIO;
}

static void reply_cb(redisAsyncContext *ac, void *r, void *privdata)
{
	struct sreq_slot *sl = privdata;
	struct sreq *rq = sl->rq;
	const redisReply *reply = r;

	if (!rq->finished) {
		if (!reply) {
			rq->rc = rq->rc ? rq->rc : -ECONNRESET;
		} else if (reply->type == REDIS_REPLY_ERROR) {
			sreq_error(rq, reply);
		} else if (!rq->rc && rq->on_reply) {
			rq->on_reply(rq, sl->idx, reply);
		}
	}
	if (--rq->pending == 0) {
		sreq_finish(rq, rq->rc);
		sreq_free(rq);
	}
}

struct sreq *sreq_new(struct store *st, int ncmds, sreq_reply_fn *on_reply,
		      sreq_done_fn *on_done, void *cb, void *arg, void *ctx)
{
	struct sreq *rq = pool_get(&st->sreqs);
	struct timeval tv;

	if (!rq)
		return NULL;
	memset(rq, 0, sizeof(*rq));
	rq->slots = ncmds <= SREQ_SLOTS_INLINE
			    ? rq->slots_inline
			    : calloc((size_t)ncmds, sizeof(*rq->slots));
	if (!rq->slots) {
		pool_put(&st->sreqs, rq);
		return NULL;
	}
	for (int i = 0; i < ncmds; i++) {
		rq->slots[i].rq = rq;
		rq->slots[i].idx = i;
	}
	rq->st = st;
	rq->on_reply = on_reply;
	rq->on_done = on_done;
	rq->cb = cb;
	rq->arg = arg;
	rq->ctx = ctx;
	rq->ctx_class = -1;
	evtimer_assign(&rq->timer, st->base, sreq_timeout, rq);
	tv.tv_sec = st->conf->redis.timeout / 1000;
	tv.tv_usec = (st->conf->redis.timeout % 1000) * 1000;
	evtimer_add(&rq->timer, &tv);
	LIST_INSERT_HEAD(&st->live, rq, entry);
	st->stats.requests++;
	rq->start_us = mono_us();
	return rq;
}

void sreq_send(struct sreq *rq, int idx, struct argv *a)
{
	struct store *st = rq->st;
	const char *cmd;
	size_t len;

	rq->pending++;
	cmd = arg_resp(a, &len);
	if (a->overflow || !st->ac ||
	    redisAsyncFormattedCommand(st->ac, reply_cb, &rq->slots[idx], cmd,
				       len) != REDIS_OK) {
		char why[128];

		if (a->overflow)
			LOGP(LOG_REDIS, LOG_ERROR, NULL, "%s; not sent",
			     arg_why(a, why, sizeof(why)));
		rq->rc = rq->rc ? rq->rc : -EIO;
		rq->pending--;
	}
}

int sreq_commit(struct sreq *rq)
{
	int rc = rq->rc ? rq->rc : -EIO;

	if (rq->pending == 0) {
		rq->finished = true;
		rq->st->stats.errors++;
		sreq_free(rq);
		return rc;
	}
	return 0;
}

/* --- connection ------------------------------------------------------------ */

static const char *const state_names[] = { "DOWN", "CONNECTING", "LOADING",
					   "READY" };

static void set_state(struct store *st, enum conn_state s)
{
	bool was_ready = st->state == CS_READY;

	if (st->state == s)
		return;
	LOGP(LOG_REDIS, s == CS_READY || s == CS_DOWN ? LOG_NOTICE : LOG_INFO,
	     NULL, "Redis %s -> %s", state_names[st->state], state_names[s]);
	st->state = s;
	if (s == CS_READY)
		st->backoff_ms = 0;
	if (st->state_cb && was_ready != (s == CS_READY) && !st->freeing)
		st->state_cb(st->state_arg, s == CS_READY);
}

static void schedule_reconnect(struct store *st)
{
	struct timeval tv;

	if (st->freeing)
		return;
	st->backoff_ms = st->backoff_ms ? st->backoff_ms * 2 : 100;
	if (st->backoff_ms > 2000)
		st->backoff_ms = 2000;
	tv.tv_sec = st->backoff_ms / 1000;
	tv.tv_usec = (st->backoff_ms % 1000) * 1000;
	evtimer_add(st->reconnect_ev, &tv);
}

static void reconnect_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store *st = arg;

	st->stats.reconnects++;
	store_connect(st);
}

static void connect_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct store *st = arg;

	if (st->state == CS_CONNECTING && st->ac) {
		LOGP(LOG_REDIS, LOG_WARN, NULL,
		     "connection to Redis timed out");
		/* hiredis calls no callback for a context that never
		 * connected: we clean up and retry ourselves */
		st->ac->data = NULL;
		drop_context(st);
	}
}

static void disconnect_cb(const redisAsyncContext *ac, int status)
{
	struct store *st = ac->data;

	if (!st)
		return;
	if (st->ac == ac)
		st->ac = NULL;
	evtimer_del(st->connect_timer);
	if (status != REDIS_OK && !st->freeing)
		LOGP(LOG_REDIS, LOG_WARN, NULL, "Redis connection lost: %s",
		     ac->errstr[0] ? ac->errstr : "closed");
	snprintf(st->down_why, sizeof(st->down_why), "connection lost: %s",
		 ac->errstr[0] ? ac->errstr : "closed");
	set_state(st, CS_DOWN);
	schedule_reconnect(st);
}

bool store_may_evict(const char *policy, long long maxmemory)
{
	return maxmemory > 0 && strcmp(policy, "noeviction") != 0;
}

/*
 * The answer to CONFIG GET maxmemory*: name, value, name, value... A
 * Redis that renamed or forbids CONFIG (managed services, ACLs) answers
 * with an error: the operator is told that nothing was checked.
 */
static void eviction_reply_cb(redisAsyncContext *ac, void *r, void *privdata)
{
	const redisReply *reply = r;
	const char *policy = NULL;
	long long maxmemory = -1;

	if (!reply || !ac->data)
		return;		/* the connection went: the next one asks */
	for (size_t i = 0; reply->type == REDIS_REPLY_ARRAY &&
			   i + 1 < reply->elements; i += 2) {
		const redisReply *k = reply->element[i];
		const redisReply *v = reply->element[i + 1];

		if (k->type != REDIS_REPLY_STRING ||
		    v->type != REDIS_REPLY_STRING)
			continue;
		if (strcmp(k->str, "maxmemory") == 0)
			maxmemory = strtoll(v->str, NULL, 10);
		else if (strcmp(k->str, "maxmemory-policy") == 0)
			policy = v->str;
	}
	if (!policy || maxmemory < 0) {
		LOGP(LOG_REDIS, LOG_NOTICE, NULL, "could not check whether "
		     "Redis may evict queued messages (CONFIG GET maxmemory* "
		     "answered %s): make sure maxmemory-policy is noeviction "
		     "(docs/operations.md)",
		     reply->type == REDIS_REPLY_ERROR ? reply->str
						     : "without them");
		return;
	}
	if (store_may_evict(policy, maxmemory))
		LOGP(LOG_REDIS, LOG_WARN, NULL, "Redis may evict queued "
		     "messages: maxmemory is %lld bytes and maxmemory-policy is "
		     "%s (queued messages have TTLs, so volatile-* policies "
		     "evict them too); set maxmemory-policy noeviction "
		     "(docs/operations.md)", maxmemory, policy);
	else
		LOGP(LOG_REDIS, LOG_INFO, NULL, "Redis evicts nothing "
		     "(maxmemory %lld, maxmemory-policy %s)", maxmemory,
		     policy);
}

/* The answer to CONFIG GET hash-max-listpack-value (Redis 7; older
 * ones answer an empty list, and a refused CONFIG was told above). */
static void listpack_reply_cb(redisAsyncContext *ac, void *r, void *privdata)
{
	const redisReply *reply = r;
	long long v;

	if (!reply || !ac->data || reply->type != REDIS_REPLY_ARRAY ||
	    reply->elements != 2 ||
	    reply->element[1]->type != REDIS_REPLY_STRING)
		return;
	v = strtoll(reply->element[1]->str, NULL, 10);
	if (v < STORE_LISTPACK_VALUE_MIN)
		LOGP(LOG_REDIS, LOG_NOTICE, NULL, "Redis keeps a record with "
		     "a value longer than %lld bytes as a hash table: a "
		     "reply's record takes about twice the memory; set "
		     "hash-max-listpack-value %d (docs/operations.md)", v,
		     STORE_LISTPACK_VALUE_MIN);
}

#define LOAD_OTHER (-1)	/* AUTH, SELECT: an error is what counts */
#define LOAD_ROLE (-2)

/* EVALSHA names the SHA1 of a script as built (embed.sh's sha1sum): a
 * Redis that disagrees would answer every call with NOSCRIPT. A
 * template's was computed here from the very bytes sent. */
static void check_loaded(enum lua_script_id id, const redisReply *reply)
{
	const char *built = lua_scripts[id].sha;

	if (reply->type != REDIS_REPLY_STRING ||
	    (built && strcmp(reply->str, built) != 0))
		LOGP(LOG_REDIS, LOG_ERROR, NULL, "script %s loaded as %s, "
		     "built as %s", lua_scripts[id].name,
		     reply->type == REDIS_REPLY_STRING ? reply->str : "?",
		     built ? built : "a template");
}

static void load_reply_cb(redisAsyncContext *ac, void *r, void *privdata)
{
	struct store *st = ac->data;
	const redisReply *reply = r;
	intptr_t which = (intptr_t)privdata;

	if (!st || st->state != CS_LOADING)
		return;
	if (!reply || reply->type == REDIS_REPLY_ERROR) {
		LOGP(LOG_REDIS, LOG_ERROR, NULL, "Redis set-up failed: %s",
		     reply ? reply->str : "no reply");
		store_recycle(st);
		return;
	}
	if (which == LOAD_ROLE && !role_is_master(reply)) {
		/* the sentinels' answer is stale: a failover is under way */
		LOGP(LOG_REDIS, LOG_WARN, NULL, "Redis %s:%d is not a master: "
		     "asking the sentinels again", st->master_host,
		     st->master_port);
		snprintf(st->down_why, sizeof(st->down_why), "%s:%d is not "
			 "a master", st->master_host, st->master_port);
		store_recycle(st);
		return;
	}
	if (which >= 0 && which < LUA_COUNT)
		check_loaded((enum lua_script_id)which, reply);
	if (--st->loading == 0) {
		redisAsyncCommand(ac, eviction_reply_cb, NULL,
				  "CONFIG GET maxmemory*");
		redisAsyncCommand(ac, listpack_reply_cb, NULL,
				  "CONFIG GET hash-max-listpack-value");
		set_state(st, CS_READY);
	}
}

static void connect_cb(const redisAsyncContext *cac, int status)
{
	redisAsyncContext *ac = (redisAsyncContext *)cac;
	struct store *st = ac->data;

	if (!st)
		return;
	evtimer_del(st->connect_timer);
	if (status != REDIS_OK) {
		LOGP(LOG_REDIS, LOG_WARN, NULL, "cannot connect to Redis: %s",
		     ac->errstr);
		util_strlcpy(st->down_why, ac->errstr, sizeof(st->down_why));
		/* hiredis frees the context after this callback */
		if (st->ac == ac)
			st->ac = NULL;
		set_state(st, CS_DOWN);
		schedule_reconnect(st);
		return;
	}
	set_state(st, CS_LOADING);
	st->loading = 0;
	if (st->conf->redis.user[0]) {
		st->loading++;
		redisAsyncCommand(ac, load_reply_cb,
				  (void *)(intptr_t)LOAD_OTHER, "AUTH %s %s",
				  st->conf->redis.user,
				  st->conf->redis.password);
	} else if (st->conf->redis.password[0]) {
		st->loading++;
		redisAsyncCommand(ac, load_reply_cb,
				  (void *)(intptr_t)LOAD_OTHER, "AUTH %s",
				  st->conf->redis.password);
	}
	if (st->conf->redis.sentinels.n) {
		st->loading++;
		redisAsyncCommand(ac, load_reply_cb,
				  (void *)(intptr_t)LOAD_ROLE, "ROLE");
	}
	if (st->conf->redis.db) {
		st->loading++;
		redisAsyncCommand(ac, load_reply_cb,
				  (void *)(intptr_t)LOAD_OTHER, "SELECT %d",
				  st->conf->redis.db);
	}
	for (int i = 0; i < LUA_COUNT; i++) {
		st->loading++;
		redisAsyncCommand(ac, load_reply_cb, (void *)(intptr_t)i,
				  "SCRIPT LOAD %s", script_src(&st->scripts, i));
	}
}

/* --- Sentinel ---------------------------------------------------------------- */

/* Drops the connection (if any) and connects again at once: the master
 * moved. */
static void rediscover_now(struct store *st)
{
	struct timeval now = { 0, 0 };

	if (st->freeing)
		return;
	st->backoff_ms = 0;
	/* a connection being made belongs to the old master: its timer
	 * must not time out the next one */
	evtimer_del(st->connect_timer);
	if (st->ac) {
		drop_context(st);	/* schedules the reconnection */
		st->backoff_ms = 0;
	}
	evtimer_del(st->reconnect_ev);
	evtimer_add(st->reconnect_ev, &now);
}

static void sub_schedule(struct store *st)
{
	struct timeval tv = { 1, 0 };

	if (!st->freeing && st->sub_ev)
		evtimer_add(st->sub_ev, &tv);
}

/*
 * A message of the subscription: ["subscribe", ...] first, then
 * ["message", "+switch-master", "<name> <old ip> <old port> <new ip>
 * <new port>"]. Another master's switch is none of ours.
 */
static void sub_msg_cb(redisAsyncContext *ac, void *r, void *privdata)
{
	struct store *st = ac->data;
	const redisReply *reply = r;
	const char *name, *sp;
	char oldh[256], newh[256];
	int oldp, newp;
	size_t nl;

	if (!st || !reply)
		return;
	if (reply->type == REDIS_REPLY_ERROR) {
		LOGP(LOG_REDIS, LOG_WARN, NULL, "sentinel %s:%d refused the "
		     "subscription: %s",
		     st->conf->redis.sentinels.a[st->sentinel].host,
		     st->conf->redis.sentinels.a[st->sentinel].port,
		     reply->str);
		return;
	}
	if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
	    reply->element[0]->type != REDIS_REPLY_STRING ||
	    strcmp(reply->element[0]->str, "message") != 0 ||
	    reply->element[2]->type != REDIS_REPLY_STRING)
		return;
	name = st->conf->redis.master_name;
	nl = strlen(name);
	sp = reply->element[2]->str;
	if (strncmp(sp, name, nl) != 0 || sp[nl] != ' ')
		return;
	/* already there (found by asking while the switch was announced) */
	if (sscanf(sp + nl, " %255s %d %255s %d", oldh, &oldp, newh,
		   &newp) == 4 && st->ac && st->state != CS_CONNECTING &&
	    strcmp(newh, st->master_host) == 0 && newp == st->master_port) {
		LOGP(LOG_REDIS, LOG_INFO, NULL, "the sentinels switched the "
		     "master (%s): connected to it already", sp);
		return;
	}
	LOGP(LOG_REDIS, LOG_NOTICE, NULL, "the sentinels switched the master "
	     "(%s): reconnecting", sp);
	rediscover_now(st);
}

static void sub_connect_cb(const redisAsyncContext *cac, int status)
{
	redisAsyncContext *ac = (redisAsyncContext *)cac;
	struct store *st = ac->data;

	if (!st)
		return;
	if (status != REDIS_OK) {
		/* hiredis frees the context after this callback */
		LOGP(LOG_REDIS, LOG_INFO, NULL, "cannot subscribe to sentinel "
		     "%s:%d: %s",
		     st->conf->redis.sentinels.a[st->sentinel].host,
		     st->conf->redis.sentinels.a[st->sentinel].port,
		     ac->errstr);
		if (st->sub == ac)
			st->sub = NULL;
		st->sentinel = (st->sentinel + 1) %
			       st->conf->redis.sentinels.n;
		sub_schedule(st);
	}
}

static void sub_disconnect_cb(const redisAsyncContext *ac, int status)
{
	struct store *st = ac->data;

	if (!st)
		return;
	if (st->sub == ac)
		st->sub = NULL;
	if (!st->freeing) {
		LOGP(LOG_REDIS, LOG_INFO, NULL, "subscription to sentinel "
		     "%s:%d lost: %s",
		     st->conf->redis.sentinels.a[st->sentinel].host,
		     st->conf->redis.sentinels.a[st->sentinel].port,
		     ac->errstr[0] ? ac->errstr : "closed");
		st->sentinel = (st->sentinel + 1) %
			       st->conf->redis.sentinels.n;
		sub_schedule(st);
	}
}

/* Subscribes to +switch-master on sentinel st->sentinel (AUTH first
 * when the sentinels ask for it; hiredis sends both in order). */
static void sub_open(struct store *st)
{
	const struct cgw_conf *c = st->conf;
	redisAsyncContext *ac;

	if (st->sub || st->freeing)
		return;
	ac = redisAsyncConnect(c->redis.sentinels.a[st->sentinel].host,
			       c->redis.sentinels.a[st->sentinel].port);
	if (!ac || ac->err) {
		if (ac)
			redisAsyncFree(ac);
		sub_schedule(st);
		return;
	}
	ac->data = st;
	if (redisLibeventAttach(ac, st->base) != REDIS_OK) {
		ac->data = NULL;
		redisAsyncFree(ac);
		sub_schedule(st);
		return;
	}
	st->sub = ac;
	redisAsyncSetConnectCallback(ac, sub_connect_cb);
	redisAsyncSetDisconnectCallback(ac, sub_disconnect_cb);
	if (c->redis.sentinel_password[0] && c->redis.sentinel_user[0])
		redisAsyncCommand(ac, sub_msg_cb, NULL, "AUTH %s %s",
				  c->redis.sentinel_user,
				  c->redis.sentinel_password);
	else if (c->redis.sentinel_password[0])
		redisAsyncCommand(ac, sub_msg_cb, NULL, "AUTH %s",
				  c->redis.sentinel_password);
	redisAsyncCommand(ac, sub_msg_cb, NULL, "SUBSCRIBE +switch-master");
}

static void sub_cb(evutil_socket_t fd, short what, void *arg)
{
	sub_open(arg);
}

/* The master's address into st->master_host/port: 0, or -errno with the
 * store down and the reason in down_why. */
static int discover(struct store *st)
{
	const struct cgw_conf *c = st->conf;
	char host[sizeof(st->master_host)];
	int port, which, rc;

	rc = sentinel_master(c, st->sentinel, SENTINEL_TIMEOUT_MS, host,
			     sizeof(host), &port, &which, st->down_why,
			     sizeof(st->down_why));
	if (rc < 0) {
		LOGP(LOG_REDIS, LOG_WARN, NULL, "no sentinel named the Redis "
		     "master '%s': %s", c->redis.master_name, st->down_why);
		return rc;
	}
	if (strcmp(host, st->master_host) != 0 || port != st->master_port)
		LOGP(LOG_REDIS, LOG_NOTICE, NULL, "Redis master '%s' is "
		     "%s:%d (sentinel %s:%d)", c->redis.master_name, host,
		     port, c->redis.sentinels.a[which].host,
		     c->redis.sentinels.a[which].port);
	util_strlcpy(st->master_host, host, sizeof(st->master_host));
	st->master_port = port;
	if (!st->sub) {
		st->sentinel = which;
		sub_open(st);
	}
	return 0;
}

static void store_connect(struct store *st)
{
	const struct cgw_conf *c = st->conf;
	redisAsyncContext *ac;
	struct timeval tv = { 2, 0 };

	if (c->redis.sentinels.n) {
		if (discover(st) < 0) {
			set_state(st, CS_DOWN);
			schedule_reconnect(st);
			return;
		}
		ac = redisAsyncConnect(st->master_host, st->master_port);
	} else if (c->redis.socket[0]) {
		ac = redisAsyncConnectUnix(c->redis.socket);
	} else {
		ac = redisAsyncConnect(c->redis.host, c->redis.port);
	}
	if (!ac || ac->err) {
		LOGP(LOG_REDIS, LOG_WARN, NULL, "cannot connect to Redis: %s",
		     ac ? ac->errstr : "out of memory");
		if (ac)
			redisAsyncFree(ac);
		schedule_reconnect(st);
		return;
	}
	ac->data = st;
	st->ac = ac;
	/* the replies' nodes from a pool, before any is read */
	ac->c.reader->fn = &reply_pool_fns;
	if (redisLibeventAttach(ac, st->base) != REDIS_OK) {
		st->ac = NULL;
		ac->data = NULL;
		redisAsyncFree(ac);
		schedule_reconnect(st);
		return;
	}
	redisAsyncSetConnectCallback(ac, connect_cb);
	redisAsyncSetDisconnectCallback(ac, disconnect_cb);
	set_state(st, CS_CONNECTING);
	evtimer_add(st->connect_timer, &tv);
}

struct store *store_new(struct event_base *base, const struct cgw_conf *conf,
			const char *instance, store_state_fn *state_cb,
			void *arg, char *err, size_t errlen)
{
	struct store *st = calloc(1, sizeof(*st));

	if (!st) {
		util_err(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	st->base = base;
	st->conf = conf;
	st->keys.prefix = conf->redis.prefix;
	st->keys.shards = conf->redis.shards;
	LIST_INIT(&st->live);
	for (int k = 0; k < CTX_CLASSES; k++)
		pool_init(&st->ctx_pools[k], (size_t)CTX_MIN << k, CTX_KEPT);
	pool_init(&st->sreqs, sizeof(struct sreq), SREQS_KEPT);
	st->state_cb = state_cb;
	st->state_arg = arg;
	util_strlcpy(st->instance, instance, sizeof(st->instance));
	snprintf(st->owner, sizeof(st->owner), "%s@%" PRIx64, instance,
		 (uint64_t)util_now_ms());
	/* '|' separates an owner from a queue in P:{sN}:live (claim.lua) */
	for (char *p = st->owner; *p; p++)
		if (*p == '|')
			*p = '_';
	st->argv.scripts = &st->scripts;
	if (script_set_render(&st->scripts, conf, NULL, err, errlen) < 0) {
		store_free(st);
		return NULL;
	}
	st->reconnect_ev = evtimer_new(base, reconnect_cb, st);
	st->connect_timer = evtimer_new(base, connect_timeout_cb, st);
	st->recycle_ev = event_new(base, -1, 0, recycle_cb, st);
	st->sub_ev = evtimer_new(base, sub_cb, st);
	if (!st->reconnect_ev || !st->connect_timer || !st->recycle_ev ||
	    !st->sub_ev) {
		util_err(err, errlen, -ENOMEM, "out of memory");
		store_free(st);
		return NULL;
	}
	store_connect(st);
	return st;
}

void store_free(struct store *st)
{
	if (!st)
		return;
	st->freeing = true;
	if (st->ac) {
		redisAsyncContext *ac = st->ac;

		st->ac = NULL;
		redisAsyncFree(ac);
	}
	if (st->sub) {
		redisAsyncContext *ac = st->sub;

		st->sub = NULL;
		redisAsyncFree(ac);
	}
	/* anything still live was finished by the NULL replies above */
	while (!LIST_EMPTY(&st->live)) {
		sreq_finish(LIST_FIRST(&st->live), -ECANCELED);
		sreq_free(LIST_FIRST(&st->live));
	}
	if (st->reconnect_ev)
		event_free(st->reconnect_ev);
	if (st->connect_timer)
		event_free(st->connect_timer);
	if (st->recycle_ev)
		event_free(st->recycle_ev);
	if (st->sub_ev)
		event_free(st->sub_ev);
	reply_pool_drain();
	for (int k = 0; k < CTX_CLASSES; k++)
		pool_free(&st->ctx_pools[k]);
	pool_free(&st->sreqs);
	script_set_free(&st->scripts);
	free(st);
}

/* A text a reload changed, loaded: an error (Redis refusing it), and the
 * connection is made again, which loads every script. */
static void reload_reply_cb(redisAsyncContext *ac, void *r, void *privdata)
{
	struct store *st = ac->data;
	const redisReply *reply = r;

	if (!st || !reply)
		return;
	if (reply->type == REDIS_REPLY_ERROR) {
		LOGP(LOG_REDIS, LOG_ERROR, NULL, "script %s not loaded: %s",
		     lua_scripts[(intptr_t)privdata].name, reply->str);
		store_recycle(st);
	}
}

int store_reload(struct store *st, char *err, size_t errlen)
{
	bool changed[LUA_COUNT];
	int rc;

	if ((rc = script_set_render(&st->scripts, st->conf, changed, err,
				    errlen)) < 0)
		return rc;
	/* CONNECTING and DOWN: the connection made next loads them all */
	if (!st->ac || (st->state != CS_LOADING && st->state != CS_READY))
		return 0;
	for (int i = 0; i < LUA_COUNT; i++)
		if (changed[i])
			redisAsyncCommand(st->ac, reload_reply_cb,
					  (void *)(intptr_t)i, "SCRIPT LOAD %s",
					  script_src(&st->scripts, i));
	return 0;
}

const char *store_down_reason(const struct store *st)
{
	if (st->state == CS_READY)
		return "";
	if (st->state != CS_DOWN)
		return st->state == CS_CONNECTING ? "connecting"
						  : "loading the scripts";
	return st->down_why[0] ? st->down_why : "not connected";
}

bool store_ready(const struct store *st)
{
	return st && st->state == CS_READY && st->ac;
}

const struct store_stats *store_stats(const struct store *st)
{
	return &st->stats;
}

const char *store_owner(const struct store *st)
{
	return st->owner;
}

/* What "%" PRIx64 "-%s-%" PRIu64 writes, by hand: snprintf here was most
 * of the 5.6% of the daemon's instructions per MO spent in snprintf. */
void store_new_mo_id(struct store *st, char *out, size_t outlen)
{
	char id[16 + 1 + sizeof(st->instance) + 1 + 20 + 1];
	size_t n = util_xhex(id, (uint64_t)util_now_ms());

	id[n++] = '-';
	/* instance: NUL-terminated in its array, so its length */
	n += util_strlcpy(id + n, st->instance, sizeof(st->instance));
	id[n++] = '-';
	id[n + util_udec(id + n, ++st->counter)] = '\0';
	util_strlcpy(out, id, outlen);
}


const struct store_keys *store_keyctx(const struct store *st)
{
	return &st->keys;
}

const struct cgw_conf *store_conf(const struct store *st)
{
	return st->conf;
}

unsigned store_shard(const struct store *st, const char *msisdn)
{
	return store_shard_of(msisdn, st->keys.shards);
}

struct argv *store_argv(struct store *st)
{
	return &st->argv;
}

int sreq_open_raw(struct store *st, int ncmds, sreq_reply_fn *on_reply,
		  sreq_done_fn *on_done, void *cb, void *arg, size_t ctx_size,
		  struct sreq **out)
{
	int k = ctx_size ? ctx_class(ctx_size) : -1;
	void *ctx = NULL;

	if (!store_ready(st))
		return -ENOTCONN;
	if (ctx_size &&
	    !(ctx = k >= 0 ? pool_get(&st->ctx_pools[k]) : malloc(ctx_size)))
		return -ENOMEM;
	*out = sreq_new(st, ncmds, on_reply, on_done, cb, arg, ctx);
	if (!*out) {
		if (k >= 0)
			pool_put(&st->ctx_pools[k], ctx);
		else
			free(ctx);
		return -ENOMEM;
	}
	(*out)->ctx_class = k;
	return 0;
}

int sreq_open(struct store *st, int ncmds, sreq_reply_fn *on_reply,
	      sreq_done_fn *on_done, void *cb, void *arg, size_t ctx_size,
	      struct sreq **out)
{
	int rc = sreq_open_raw(st, ncmds, on_reply, on_done, cb, arg,
			       ctx_size, out);

	if (rc == 0 && ctx_size)
		memset((*out)->ctx, 0, ctx_size);
	return rc;
}

void sreq_discard(struct sreq *rq)
{
	rq->finished = true;
	sreq_free(rq);
}

void sreq_simple_done(struct sreq *rq, int rc)
{
	store_done_fn *cb = (store_done_fn *)rq->cb;

	if (cb)
		cb(rq->arg, rc);
}

void sreq_claim_done(struct sreq *rq, int rc)
{
	store_claim_end_fn *end = (store_claim_end_fn *)rq->cb;

	if (end)
		end(rq->arg, rc);
}
