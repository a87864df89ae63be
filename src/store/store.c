/*
 * Store: Redis behind an async API (see store/store.h).
 *
 * One hiredis async context on the process's libevent loop. The context
 * goes CONNECTING -> LOADING (AUTH, SELECT, SCRIPT LOAD) -> READY; requests
 * are refused with -ENOTCONN unless READY, so an MO is answered with a
 * temporary error at once while Redis is away. A request that outlives
 * redis.timeout fails with -ETIMEDOUT and the connection is recycled:
 * a Redis that does not answer is treated as a Redis that is down.
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

#include "common/log.h"
#include "store/store.h"
#include "common/util.h"
#include "store/store_lua.h"

enum script_id { SC_MO_IN, SC_MO_COMMIT, SC_CLAIM, SC_MT_DONE, SC_DLR,
		 SC_PART_IN, SC_COUNT };

static const char *const script_src[SC_COUNT] = {
	[SC_MO_IN] = lua_mo_in,
	[SC_MO_COMMIT] = lua_mo_commit,
	[SC_CLAIM] = lua_claim,
	[SC_MT_DONE] = lua_mt_done,
	[SC_DLR] = lua_dlr,
	[SC_PART_IN] = lua_part_in,
};

enum conn_state { CS_DOWN, CS_CONNECTING, CS_LOADING, CS_READY };

#define MAX_BATCH 1040	/* commands in one pipelined request (shards) */
#define MO_TTL_S (7 * 24 * 3600)
#define MT_TTL_S (7 * 24 * 3600)

struct sreq;

struct store {
	struct event_base *base;
	const struct cgw_conf *conf;
	char instance[64];
	uint64_t counter;
	redisAsyncContext *ac;
	enum conn_state state;
	char sha[SC_COUNT][41];
	int loading;		/* replies still expected while LOADING */
	struct event *reconnect_ev;
	struct event *connect_timer;
	struct event *recycle_ev;	/* drop the connection (deferred) */
	int64_t backoff_ms;
	store_state_fn *state_cb;
	void *state_arg;
	LIST_HEAD(, sreq) live;	/* requests not yet freed */
	struct store_stats stats;
	bool freeing;
};

struct slot {
	struct sreq *rq;
	int idx;
};

typedef void sreq_reply_fn(struct sreq *rq, int idx, const redisReply *r);
typedef void sreq_done_fn(struct sreq *rq, int rc);

/* A request: one or more pipelined commands, one callback. */
struct sreq {
	struct store *st;
	struct event *timer;
	int pending;		/* replies not yet received */
	bool finished;		/* user callback ran */
	int rc;
	sreq_reply_fn *on_reply;
	sreq_done_fn *on_done;
	void *cb;		/* the user's callback, typed by op */
	void *arg;
	LIST_ENTRY(sreq) entry;
	struct slot *slots;
	int nslots;
	/* op payloads */
	struct store_mo_in_result *mo_in;
	bool dossier_found;
	struct dossier dossier;
	enum store_commit_verdict verdict;
	struct menu_session session;
	unsigned flags;
	void *each;		/* per-item callback of claims */
};

static void store_connect(struct store *st);
static void set_state(struct store *st, enum conn_state s);
static void schedule_reconnect(struct store *st);

/* --- keys ------------------------------------------------------------------ */

unsigned store_shard_of(const char *msisdn, int shards)
{
	if (shards <= 1)
		return 0;
	return (unsigned)(util_fnv1a64(msisdn, strlen(msisdn), 0) %
			  (uint64_t)shards);
}

unsigned store_shard(const struct store *st, const char *msisdn)
{
	return store_shard_of(msisdn, st->conf->redis.shards);
}

static void key_phone(const struct store *st, const char *msisdn,
		      const char *kind, const char *suffix, char *out,
		      size_t outlen)
{
	snprintf(out, outlen, "%s:{s%u}:%s:%s%s", st->conf->redis.prefix,
		 store_shard(st, msisdn), kind, msisdn, suffix ? suffix : "");
}

static void key_shard(const struct store *st, unsigned shard,
		      const char *kind, const char *id, char *out,
		      size_t outlen)
{
	if (id)
		snprintf(out, outlen, "%s:{s%u}:%s:%s",
			 st->conf->redis.prefix, shard, kind, id);
	else
		snprintf(out, outlen, "%s:{s%u}:%s", st->conf->redis.prefix,
			 shard, kind);
}

/* Replies (priority 0) and broadcast traffic (1) queue apart, so that a
 * claim always drains replies first. */
static const char *queue_name(int prio)
{
	return prio > 0 ? "bcq" : "outq";
}

void store_key_queue(const char *prefix, unsigned shard, int prio,
		     char *out, size_t outlen)
{
	snprintf(out, outlen, "%s:{s%u}:%s", prefix, shard, queue_name(prio));
}

void store_key_dossier(const char *prefix, const char *dossier_key,
		       char *out, size_t outlen)
{
	snprintf(out, outlen, "%s:dossier:%s", prefix, dossier_key);
}

void store_key_mt(const char *prefix, unsigned shard, const char *mt_id,
		  char *out, size_t outlen)
{
	snprintf(out, outlen, "%s:{s%u}:mt:%s", prefix, shard, mt_id);
}

void store_key_msgid(const char *prefix, const char *bind,
		     const char *msgid, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s:msgid:%s:%s", prefix, bind, msgid);
}

void store_key_requests(const char *prefix, unsigned shard, char *out,
			size_t outlen)
{
	snprintf(out, outlen, "%s:{s%u}:requests", prefix, shard);
}

void store_key_profile(const char *prefix, int shards, const char *msisdn,
		       char *out, size_t outlen)
{
	snprintf(out, outlen, "%s:{s%u}:ph:%s", prefix,
		 store_shard_of(msisdn, shards), msisdn);
}

/* --- argv builder ------------------------------------------------------------ */

/* Arguments of one command; strings are copied into an arena. */
struct argv {
	int n;
	const char *v[320];
	size_t l[320];
	char arena[32768];
	size_t used;
	bool overflow;
};

static void arg_reset(struct argv *a)
{
	a->n = 0;
	a->used = 0;
	a->overflow = false;
}

static void arg_put(struct argv *a, const char *s, size_t len)
{
	if (a->n >= (int)ARRAY_SIZE(a->v) ||
	    a->used + len + 1 > sizeof(a->arena)) {
		a->overflow = true;
		return;
	}
	memcpy(a->arena + a->used, s, len);
	a->arena[a->used + len] = '\0';
	a->v[a->n] = a->arena + a->used;
	a->l[a->n] = len;
	a->used += len + 1;
	a->n++;
}

static void arg_s(struct argv *a, const char *s)
{
	arg_put(a, s, strlen(s));
}

static void arg_i(struct argv *a, long long v)
{
	char b[24];

	snprintf(b, sizeof(b), "%lld", v);
	arg_s(a, b);
}

/* Replaces argument k (written earlier) with the number v. */
static void arg_set_i(struct argv *a, int k, long long v)
{
	int n = a->n;

	if (k >= n)
		return;
	arg_i(a, v);		/* appended at n ... */
	if (a->n == n + 1) {
		a->v[k] = a->v[n];	/* ... and moved to k */
		a->l[k] = a->l[n];
		a->n = n;
	}
}

static void arg_kv(struct argv *a, const char *k, const char *v)
{
	arg_s(a, k);
	arg_s(a, v);
}

static void arg_ki(struct argv *a, const char *k, long long v)
{
	arg_s(a, k);
	arg_i(a, v);
}

/* --- request lifecycle ------------------------------------------------------- */

static void sreq_free(struct sreq *rq)
{
	LIST_REMOVE(rq, entry);
	if (rq->timer)
		event_free(rq->timer);
	free(rq->slots);
	free(rq->mo_in);
	free(rq);
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
	}
	if (rq->timer)
		event_del(rq->timer);
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
	     "dropping the Redis connection after a timeout");
	drop_context(st);
}

static void sreq_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct sreq *rq = arg;
	struct store *st = rq->st;

	LOGP(LOG_REDIS, LOG_WARN, NULL, "request unanswered after %dms",
	     st->conf->redis.timeout);
	sreq_finish(rq, -ETIMEDOUT);
	/* never free a hiredis context from inside its own machinery */
	if (st->ac && st->recycle_ev)
		event_active(st->recycle_ev, 0, 0);
}

static void reply_cb(redisAsyncContext *ac, void *r, void *privdata)
{
	struct slot *sl = privdata;
	struct sreq *rq = sl->rq;
	const redisReply *reply = r;

	if (!rq->finished) {
		if (!reply) {
			rq->rc = rq->rc ? rq->rc : -ECONNRESET;
		} else if (reply->type == REDIS_REPLY_ERROR) {
			LOGP(LOG_REDIS, LOG_ERROR, NULL, "Redis error: %s",
			     reply->str);
			if (strncmp(reply->str, "NOSCRIPT", 8) == 0 &&
			    rq->st->recycle_ev)
				/* scripts flushed under us: reload them */
				event_active(rq->st->recycle_ev, 0, 0);
			rq->rc = rq->rc ? rq->rc : -EIO;
		} else if (!rq->rc && rq->on_reply) {
			rq->on_reply(rq, sl->idx, reply);
		}
	}
	if (--rq->pending == 0) {
		sreq_finish(rq, rq->rc);
		sreq_free(rq);
	}
}

static struct sreq *sreq_new(struct store *st, int ncmds,
			     sreq_reply_fn *on_reply, sreq_done_fn *on_done,
			     void *cb, void *arg)
{
	struct sreq *rq = calloc(1, sizeof(*rq));
	struct timeval tv;

	if (!rq)
		return NULL;
	rq->slots = calloc((size_t)ncmds, sizeof(*rq->slots));
	if (!rq->slots) {
		free(rq);
		return NULL;
	}
	rq->nslots = ncmds;
	for (int i = 0; i < ncmds; i++) {
		rq->slots[i].rq = rq;
		rq->slots[i].idx = i;
	}
	rq->st = st;
	rq->on_reply = on_reply;
	rq->on_done = on_done;
	rq->cb = cb;
	rq->arg = arg;
	rq->timer = evtimer_new(st->base, sreq_timeout, rq);
	if (!rq->timer) {
		free(rq->slots);
		free(rq);
		return NULL;
	}
	tv.tv_sec = st->conf->redis.timeout / 1000;
	tv.tv_usec = (st->conf->redis.timeout % 1000) * 1000;
	evtimer_add(rq->timer, &tv);
	LIST_INSERT_HEAD(&st->live, rq, entry);
	st->stats.requests++;
	return rq;
}

/* Sends command idx of rq. On failure the slot is accounted as failed. */
static void sreq_send(struct sreq *rq, int idx, const struct argv *a)
{
	struct store *st = rq->st;

	rq->pending++;
	if (a->overflow || !st->ac ||
	    redisAsyncCommandArgv(st->ac, reply_cb, &rq->slots[idx], a->n,
				  (const char **)a->v, a->l) != REDIS_OK) {
		if (a->overflow)
			LOGP(LOG_REDIS, LOG_ERROR, NULL,
			     "command too large; not sent");
		rq->rc = rq->rc ? rq->rc : -EIO;
		rq->pending--;
	}
}

/*
 * After all sreq_send calls. When nothing was sent, the request is dropped
 * without its callback and the error returned: a callback never runs
 * inside the call that asked for it.
 */
static int sreq_commit(struct sreq *rq)
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

/* --- reply parsing ---------------------------------------------------------- */

static const redisReply *hash_get(const redisReply *h, const char *field)
{
	if (!h || h->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (size_t i = 0; i + 1 < h->elements; i += 2)
		if (h->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(h->element[i]->str, field) == 0)
			return h->element[i + 1];
	return NULL;
}

static void hash_str(const redisReply *h, const char *field, char *out,
		     size_t outlen)
{
	const redisReply *v = hash_get(h, field);

	if (v && v->type == REDIS_REPLY_STRING)
		util_strlcpy(out, v->str, outlen);
	else if (outlen)
		out[0] = '\0';
}

static long long hash_ll(const redisReply *h, const char *field,
			 long long def)
{
	const redisReply *v = hash_get(h, field);

	if (v && v->type == REDIS_REPLY_STRING)
		return strtoll(v->str, NULL, 10);
	if (v && v->type == REDIS_REPLY_INTEGER)
		return v->integer;
	return def;
}

static void parse_session(const redisReply *h, struct menu_session *s)
{
	memset(s, 0, sizeof(*s));
	s->lang = -1;
	if (!h || h->type != REDIS_REPLY_ARRAY || h->elements == 0)
		return;
	s->version = (uint64_t)hash_ll(h, "v", 0);
	hash_str(h, "node", s->node, sizeof(s->node));
	s->exists = s->node[0] != '\0';
	s->lang = menu_lang_index(hash_get(h, "lang") ?
					  hash_get(h, "lang")->str : NULL);
	for (size_t i = 0; i + 1 < h->elements; i += 2) {
		const char *f = h->element[i]->str;

		if (f && strncmp(f, "x:", 2) == 0 &&
		    h->element[i + 1]->type == REDIS_REPLY_STRING)
			menu_session_set(s, f + 2, h->element[i + 1]->str);
	}
}

static void parse_profile(const redisReply *h, struct store_profile *p,
			  int64_t now)
{
	char lang[8];

	memset(p, 0, sizeof(*p));
	hash_str(h, "lang", lang, sizeof(lang));
	p->lang = menu_lang_index(lang);
	p->optout = hash_ll(h, "optout", 0) == 1;
	p->lookup_fails = (int)hash_ll(h, "lf", 0);
	p->lookup_blocked = hash_ll(h, "lb", 0) > now;
}

static bool parse_dossier(const redisReply *h, struct dossier *d)
{
	memset(d, 0, sizeof(*d));
	if (!h || h->type != REDIS_REPLY_ARRAY || h->elements == 0)
		return false;
	hash_str(h, "code", d->code, sizeof(d->code));
	hash_str(h, "key", d->key, sizeof(d->key));
	hash_str(h, "phone", d->phone, sizeof(d->phone));
	d->status = (int)hash_ll(h, "status", 0);
	hash_str(h, "procedure", d->procedure, sizeof(d->procedure));
	hash_str(h, "agency", d->agency, sizeof(d->agency));
	hash_str(h, "received_at", d->received_at, sizeof(d->received_at));
	hash_str(h, "due_at", d->due_at, sizeof(d->due_at));
	hash_str(h, "id_last4", d->id_last4, sizeof(d->id_last4));
	return d->code[0] != '\0';
}

static void parse_mt(const redisReply *h, struct store_mt *m)
{
	char ch[8];

	memset(m, 0, sizeof(*m));
	hash_str(h, "id", m->id, sizeof(m->id));
	hash_str(h, "msisdn", m->msisdn, sizeof(m->msisdn));
	hash_str(h, "dst", m->dst, sizeof(m->dst));
	m->dst_ton = (int)hash_ll(h, "dton", 1);
	m->dst_npi = (int)hash_ll(h, "dnpi", 1);
	hash_str(h, "src", m->src, sizeof(m->src));
	m->src_ton = (int)hash_ll(h, "ston", 0);
	m->src_npi = (int)hash_ll(h, "snpi", 0);
	hash_str(h, "bind", m->bind, sizeof(m->bind));
	hash_str(h, "ch", ch, sizeof(ch));
	m->ch = strcmp(ch, "ussd") == 0 ? STORE_CH_USSD : STORE_CH_SMS;
	m->ussd_final = hash_ll(h, "fin", 0) == 1;
	hash_str(h, "uref", m->ussd_ref, sizeof(m->ussd_ref));
	hash_str(h, "text", m->text, sizeof(m->text));
	m->prio = (int)hash_ll(h, "prio", 0);
	m->created_ms = hash_ll(h, "created", 0);
	m->expires_ms = hash_ll(h, "expires", 0);
	m->attempts = (int)hash_ll(h, "attempts", 0);
	m->ref = (int)hash_ll(h, "ref", -1);
	m->enc = (int)hash_ll(h, "enc", 0);
}

static void parse_mo(const redisReply *h, struct store_mo *m)
{
	char ch[8];

	memset(m, 0, sizeof(*m));
	hash_str(h, "id", m->id, sizeof(m->id));
	hash_str(h, "msisdn", m->msisdn, sizeof(m->msisdn));
	hash_str(h, "src", m->src, sizeof(m->src));
	m->src_ton = (int)hash_ll(h, "ston", 0);
	m->src_npi = (int)hash_ll(h, "snpi", 0);
	hash_str(h, "dst", m->dst, sizeof(m->dst));
	m->dst_ton = (int)hash_ll(h, "dton", 0);
	m->dst_npi = (int)hash_ll(h, "dnpi", 0);
	hash_str(h, "bind", m->bind, sizeof(m->bind));
	hash_str(h, "ch", ch, sizeof(ch));
	m->ch = strcmp(ch, "ussd") == 0 ? STORE_CH_USSD : STORE_CH_SMS;
	m->ussd_ev = (int)hash_ll(h, "uev", 0);
	hash_str(h, "uref", m->ussd_ref, sizeof(m->ussd_ref));
	hash_str(h, "text", m->text, sizeof(m->text));
	hash_str(h, "fp", m->fp, sizeof(m->fp));
	m->recv_ms = hash_ll(h, "recv", 0);
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
	set_state(st, CS_DOWN);
	schedule_reconnect(st);
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
		if (st->recycle_ev)
			event_active(st->recycle_ev, 0, 0);
		return;
	}
	if (which >= 0 && which < SC_COUNT && reply->type == REDIS_REPLY_STRING)
		util_strlcpy(st->sha[which], reply->str, sizeof(st->sha[0]));
	if (--st->loading == 0)
		set_state(st, CS_READY);
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
		/* hiredis frees the context after this callback */
		if (st->ac == ac)
			st->ac = NULL;
		set_state(st, CS_DOWN);
		schedule_reconnect(st);
		return;
	}
	set_state(st, CS_LOADING);
	st->loading = 0;
	if (st->conf->redis.password[0]) {
		st->loading++;
		redisAsyncCommand(ac, load_reply_cb, (void *)(intptr_t)-1,
				  "AUTH %s", st->conf->redis.password);
	}
	if (st->conf->redis.db) {
		st->loading++;
		redisAsyncCommand(ac, load_reply_cb, (void *)(intptr_t)-1,
				  "SELECT %d", st->conf->redis.db);
	}
	for (int i = 0; i < SC_COUNT; i++) {
		st->loading++;
		redisAsyncCommand(ac, load_reply_cb, (void *)(intptr_t)i,
				  "SCRIPT LOAD %s", script_src[i]);
	}
}

static void store_connect(struct store *st)
{
	const struct cgw_conf *c = st->conf;
	redisAsyncContext *ac;
	struct timeval tv = { 2, 0 };

	if (c->redis.socket[0])
		ac = redisAsyncConnectUnix(c->redis.socket);
	else
		ac = redisAsyncConnect(c->redis.host, c->redis.port);
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
	LIST_INIT(&st->live);
	st->state_cb = state_cb;
	st->state_arg = arg;
	util_strlcpy(st->instance, instance, sizeof(st->instance));
	st->reconnect_ev = evtimer_new(base, reconnect_cb, st);
	st->connect_timer = evtimer_new(base, connect_timeout_cb, st);
	st->recycle_ev = event_new(base, -1, 0, recycle_cb, st);
	if (!st->reconnect_ev || !st->connect_timer || !st->recycle_ev) {
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
	free(st);
}

bool store_ready(const struct store *st)
{
	return st && st->state == CS_READY && st->ac;
}

const struct store_stats *store_stats(const struct store *st)
{
	return &st->stats;
}

void store_new_mo_id(struct store *st, char *out, size_t outlen)
{
	snprintf(out, outlen, "%" PRIx64 "-%s-%" PRIu64,
		 (uint64_t)util_now_ms(), st->instance, ++st->counter);
}

/* --- MO round trip 1 ------------------------------------------------------- */

static void mo_in_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct store_mo_in_result *res = rq->mo_in;

	if (idx == 1) {
		res->dossier_found = parse_dossier(r, &res->dossier);
		return;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING) {
		rq->rc = -EIO;
		return;
	}
	if (strcmp(r->element[0]->str, "dup") == 0) {
		res->verdict = STORE_MO_DUP;
		if (r->element[1]->type == REDIS_REPLY_STRING)
			util_strlcpy(res->dup_of, r->element[1]->str,
				    sizeof(res->dup_of));
		return;
	}
	res->verdict = STORE_MO_NEW;
	if (r->elements >= 4) {
		parse_session(r->element[2], &res->session);
		parse_profile(r->element[3], &res->profile, util_now_ms());
	}
}

static void mo_in_done(struct sreq *rq, int rc)
{
	store_mo_in_fn *cb = (store_mo_in_fn *)rq->cb;

	cb(rq->arg, rc, rc == 0 ? rq->mo_in : NULL);
}

static const char *ch_name(enum store_channel ch)
{
	return ch == STORE_CH_USSD ? "ussd" : "sms";
}

int store_mo_in(struct store *st, const struct store_mo *mo, bool reread,
		const char *dossier_key, store_mo_in_fn *cb, void *arg)
{
	struct argv *a;
	struct sreq *rq;
	char k_fp[160], k_mo[160], k_inq[96], k_sess[128], k_ph[128];
	unsigned shard = store_shard(st, mo->msisdn);

	if (!store_ready(st))
		return -ENOTCONN;
	a = malloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	rq = sreq_new(st, dossier_key ? 2 : 1, mo_in_reply, mo_in_done,
		      (void *)cb, arg);
	if (!rq || !(rq->mo_in = calloc(1, sizeof(*rq->mo_in)))) {
		if (rq) {
			rq->finished = true;
			sreq_free(rq);
		}
		free(a);
		return -ENOMEM;
	}
	rq->mo_in->dossier_asked = dossier_key != NULL;

	key_shard(st, shard, "fp", mo->fp, k_fp, sizeof(k_fp));
	key_shard(st, shard, "mo", mo->id, k_mo, sizeof(k_mo));
	key_shard(st, shard, "inq", NULL, k_inq, sizeof(k_inq));
	key_phone(st, mo->msisdn, "sess",
		  mo->ch == STORE_CH_USSD ? ":u" : ":s", k_sess,
		  sizeof(k_sess));
	key_phone(st, mo->msisdn, "ph", NULL, k_ph, sizeof(k_ph));

	arg_reset(a);
	arg_s(a, "EVALSHA");
	arg_s(a, st->sha[SC_MO_IN]);
	arg_s(a, "5");
	arg_s(a, k_fp);
	arg_s(a, k_mo);
	arg_s(a, k_inq);
	arg_s(a, k_sess);
	arg_s(a, k_ph);
	arg_s(a, mo->id);
	arg_i(a, util_now_ms());
	arg_i(a, st->conf->gateway.mo_lease);
	arg_i(a, st->conf->gateway.mo_dedup_window);
	arg_i(a, MO_TTL_S);
	arg_s(a, reread ? "reread"
			: (mo->restart || (mo->ch == STORE_CH_USSD &&
					   mo->ussd_ev == 0))
				  ? "begin" : "new");
	arg_kv(a, "id", mo->id);
	arg_kv(a, "msisdn", mo->msisdn);
	arg_kv(a, "src", mo->src);
	arg_ki(a, "ston", mo->src_ton);
	arg_ki(a, "snpi", mo->src_npi);
	arg_kv(a, "dst", mo->dst);
	arg_ki(a, "dton", mo->dst_ton);
	arg_ki(a, "dnpi", mo->dst_npi);
	arg_kv(a, "bind", mo->bind);
	arg_kv(a, "ch", ch_name(mo->ch));
	arg_ki(a, "uev", mo->ussd_ev);
	arg_kv(a, "uref", mo->ussd_ref);
	arg_kv(a, "text", mo->text);
	arg_kv(a, "fp", mo->fp);
	arg_ki(a, "recv", mo->recv_ms);
	arg_kv(a, "state", "acked");
	sreq_send(rq, 0, a);
	if (dossier_key) {
		char k_d[160];

		store_key_dossier(st->conf->redis.prefix, dossier_key, k_d,
				  sizeof(k_d));
		arg_reset(a);
		arg_s(a, "HGETALL");
		arg_s(a, k_d);
		sreq_send(rq, 1, a);
	}
	free(a);
	return sreq_commit(rq);
}

/* --- dossier ---------------------------------------------------------------- */

static void dossier_reply(struct sreq *rq, int idx, const redisReply *r)
{
	rq->dossier_found = parse_dossier(r, &rq->dossier);
}

static void dossier_done(struct sreq *rq, int rc)
{
	store_dossier_fn *cb = (store_dossier_fn *)rq->cb;

	cb(rq->arg, rc, rc == 0 && rq->dossier_found,
	   rc == 0 && rq->dossier_found ? &rq->dossier : NULL);
}

int store_dossier_get(struct store *st, const char *key, store_dossier_fn *cb,
		      void *arg)
{
	struct argv a;
	struct sreq *rq;
	char k[160];

	if (!store_ready(st))
		return -ENOTCONN;
	rq = sreq_new(st, 1, dossier_reply, dossier_done, (void *)cb, arg);
	if (!rq)
		return -ENOMEM;
	store_key_dossier(st->conf->redis.prefix, key, k, sizeof(k));
	arg_reset(&a);
	arg_s(&a, "HGETALL");
	arg_s(&a, k);
	sreq_send(rq, 0, &a);
	return sreq_commit(rq);
}

int store_dossier_fields(const struct dossier *d, const char **argv,
			 size_t *argvlen, char *scratch, size_t scratchlen)
{
	int n = 0;
	char *status = scratch;

	if (scratchlen < 4)
		return -ENOSPC;
	snprintf(status, scratchlen, "%d", d->status);
#define F(name, val)                                                         \
	do {                                                                 \
		argv[n] = name;                                              \
		argvlen[n++] = strlen(name);                                 \
		argv[n] = val;                                               \
		argvlen[n++] = strlen(val);                                  \
	} while (0)
	F("code", d->code);
	F("key", d->key);
	F("phone", d->phone);
	F("status", status);
	F("procedure", d->procedure);
	F("agency", d->agency);
	F("received_at", d->received_at);
	F("due_at", d->due_at);
	F("id_last4", d->id_last4);
#undef F
	return n;
}

/* --- MO round trip 2 ------------------------------------------------------- */

static void commit_reply(struct sreq *rq, int idx, const redisReply *r)
{
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
	    r->element[0]->type != REDIS_REPLY_STRING) {
		rq->rc = -EIO;
		return;
	}
	if (strcmp(r->element[0]->str, "ok") == 0) {
		static const unsigned bits[] = { STORE_COMMIT_BLOCKED,
						 STORE_COMMIT_LIMITED,
						 STORE_COMMIT_MT2 };

		rq->verdict = STORE_COMMIT_OK;
		rq->flags = 0;
		for (size_t i = 0; i < ARRAY_SIZE(bits); i++)
			if (r->elements > i + 1 &&
			    r->element[i + 1]->type == REDIS_REPLY_INTEGER &&
			    r->element[i + 1]->integer == 1)
				rq->flags |= bits[i];
	} else if (strcmp(r->element[0]->str, "gone") == 0) {
		rq->verdict = STORE_COMMIT_GONE;
	} else {
		rq->verdict = STORE_COMMIT_CONFLICT;
		parse_session(r->elements >= 2 ? r->element[1] : NULL,
			      &rq->session);
	}
}

static void commit_done(struct sreq *rq, int rc)
{
	store_commit_fn *cb = (store_commit_fn *)rq->cb;

	cb(rq->arg, rc, rq->verdict, &rq->session, rq->flags);
}

static void mt_fields(struct argv *a, const struct store_mt *mt)
{
	arg_kv(a, "id", mt->id);
	arg_kv(a, "msisdn", mt->msisdn);
	arg_kv(a, "dst", mt->dst);
	arg_ki(a, "dton", mt->dst_ton);
	arg_ki(a, "dnpi", mt->dst_npi);
	arg_kv(a, "src", mt->src);
	arg_ki(a, "ston", mt->src_ton);
	arg_ki(a, "snpi", mt->src_npi);
	arg_kv(a, "bind", mt->bind);
	arg_kv(a, "ch", ch_name(mt->ch));
	arg_ki(a, "fin", mt->ussd_final);
	arg_kv(a, "uref", mt->ussd_ref);
	arg_kv(a, "text", mt->text);
	arg_ki(a, "prio", mt->prio);
	arg_ki(a, "created", mt->created_ms);
	arg_ki(a, "expires", mt->expires_ms);
	arg_ki(a, "attempts", mt->attempts);
	arg_ki(a, "enc", mt->enc);
	arg_kv(a, "state", "queued");
}

/* Field/value pairs of a procedure request as the stream records it. */
static void request_fields(struct argv *a, const struct store_commit *c,
			   int64_t now)
{
	const struct menu_request *r = c->req;

	arg_kv(a, "ref", r->ref);
	arg_kv(a, "kind", r->kind);
	arg_kv(a, "phone", c->mo->msisdn);
	arg_kv(a, "ch", ch_name(c->mo->ch));
	arg_kv(a, "lang", r->lang >= 0 && r->lang < MENU_LANGS
				  ? menu_lang_names[r->lang] : "vi");
	arg_kv(a, "mo", c->mo->id);
	arg_ki(a, "at", now);
	for (int i = 0; i < r->nfields; i++)
		arg_kv(a, r->fields[i].name, r->fields[i].value);
}

int store_commit(struct store *st, const struct store_commit *c,
		 store_commit_fn *cb, void *arg)
{
	const struct store_mo *mo = c->mo;
	unsigned shard = store_shard(st, mo->msisdn);
	char k_sess[128], k_inq[96], k_mo[160], k_outq[96], k_mt[160];
	char k_ph[128], k_mt2[160], k_req[96];
	struct argv *a;
	struct sreq *rq;
	int64_t now = util_now_ms();
	int counts[4], at;

	if (!store_ready(st))
		return -ENOTCONN;
	a = malloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	rq = sreq_new(st, 1, commit_reply, commit_done, (void *)cb, arg);
	if (!rq) {
		free(a);
		return -ENOMEM;
	}
	key_phone(st, mo->msisdn, "sess",
		  mo->ch == STORE_CH_USSD ? ":u" : ":s", k_sess,
		  sizeof(k_sess));
	key_shard(st, shard, "inq", NULL, k_inq, sizeof(k_inq));
	key_shard(st, shard, "mo", mo->id, k_mo, sizeof(k_mo));
	key_shard(st, shard, "outq", NULL, k_outq, sizeof(k_outq));
	key_shard(st, shard, "mt", c->mt ? c->mt->id : "-", k_mt,
		  sizeof(k_mt));
	key_phone(st, mo->msisdn, "ph", NULL, k_ph, sizeof(k_ph));
	key_shard(st, shard, "mt", c->mt2 ? c->mt2->id : "-", k_mt2,
		  sizeof(k_mt2));
	store_key_requests(st->conf->redis.prefix, shard, k_req,
			   sizeof(k_req));

	arg_reset(a);
	arg_s(a, "EVALSHA");
	arg_s(a, st->sha[SC_MO_COMMIT]);
	arg_s(a, "8");
	arg_s(a, k_sess);
	arg_s(a, k_inq);
	arg_s(a, k_mo);
	arg_s(a, k_outq);
	arg_s(a, k_mt);
	arg_s(a, k_ph);
	arg_s(a, k_mt2);
	arg_s(a, k_req);
	arg_s(a, mo->id);					/* 1 */
	arg_i(a, (long long)c->expect_version);			/* 2 */
	arg_s(a, c->keep_session ? "keep" : c->next ? "set" : "end");
	arg_i(a, c->ttl_ms);					/* 4 */
	arg_s(a, c->mt ? c->mt->id : "");			/* 5 */
	arg_i(a, now + st->conf->gateway.mt_lease);		/* 6 */
	arg_i(a, MT_TTL_S);					/* 7 */
	arg_s(a, c->lookup_failed ? "1" : "0");			/* 8 */
	arg_s(a, c->set_lang >= 0 && c->set_lang < MENU_LANGS
			 ? menu_lang_names[c->set_lang] : "");	/* 9 */
	arg_s(a, c->optout < 0 ? "" : c->optout ? "1" : "0");	/* 10 */
	arg_i(a, now);						/* 11 */
	arg_i(a, st->conf->protect.lookup_window);		/* 12 */
	arg_i(a, st->conf->protect.lookup_failures);		/* 13 */
	arg_i(a, st->conf->protect.lookup_block);		/* 14 */
	/* 15, 19, 20, 21: how many arguments each group has; filled in
	 * once the groups are written */
	at = a->n;
	arg_s(a, "0");						/* 15 */
	arg_i(a, st->conf->protect.replies_per_minute);		/* 16 */
	arg_s(a, c->mt && c->mt->ch == STORE_CH_SMS && !c->reply_uncounted
			 ? "1" : "0");				/* 17 */
	arg_s(a, c->mt2 ? c->mt2->id : "");			/* 18 */
	arg_s(a, "0");						/* 19 */
	arg_s(a, "0");						/* 20 */
	arg_s(a, "0");						/* 21 */
	arg_s(a, c->mo_state ? c->mo_state : "answered");	/* 22 */
	counts[0] = a->n;
	if (c->next && !c->keep_session) {
		arg_kv(a, "node", c->next->node);
		arg_kv(a, "lang", c->next->lang >= 0 &&
				  c->next->lang < MENU_LANGS
				  ? menu_lang_names[c->next->lang] : "vi");
		for (int i = 0; i < c->next->nvars; i++) {
			char f[MENU_VAR_NAME + 4];

			snprintf(f, sizeof(f), "x:%s", c->next->vars[i].name);
			arg_kv(a, f, c->next->vars[i].value);
		}
	}
	counts[1] = a->n;
	if (c->mt)
		mt_fields(a, c->mt);
	counts[2] = a->n;
	if (c->mt2)
		mt_fields(a, c->mt2);
	counts[3] = a->n;
	if (c->req)
		request_fields(a, c, now);
	arg_set_i(a, at, counts[1] - counts[0]);		/* 15 */
	arg_set_i(a, at + 4, counts[2] - counts[1]);		/* 19 */
	arg_set_i(a, at + 5, counts[3] - counts[2]);		/* 20 */
	arg_set_i(a, at + 6, a->n - counts[3]);			/* 21 */
	sreq_send(rq, 0, a);
	free(a);
	return sreq_commit(rq);
}

/* --- MT bookkeeping -------------------------------------------------------- */

static void simple_done(struct sreq *rq, int rc)
{
	store_done_fn *cb = (store_done_fn *)rq->cb;

	if (cb)
		cb(rq->arg, rc);
}

int store_mt_done(struct store *st, const struct store_mt *mt,
		  const char *state, const char *bind,
		  const char *const *msgids, const char *const *keys,
		  int nparts, uint32_t status, store_done_fn *cb, void *arg)
{
	unsigned shard = store_shard(st, mt->msisdn);
	char k_outq[96], k_mt[160], ids[1024] = "";
	bool sent = strcmp(state, "sent") == 0;
	int nmap = 0, n = 0;
	struct argv *a;
	struct sreq *rq;

	if (!store_ready(st))
		return -ENOTCONN;
	for (int i = 0; sent && i < nparts; i++)
		nmap += keys[i] && keys[i][0];
	a = malloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	rq = sreq_new(st, 2 + nmap, NULL, simple_done, (void *)cb, arg);
	if (!rq) {
		free(a);
		return -ENOMEM;
	}
	key_shard(st, shard, queue_name(mt->prio), NULL, k_outq,
		  sizeof(k_outq));
	key_shard(st, shard, "mt", mt->id, k_mt, sizeof(k_mt));
	for (int i = 0; i < nparts; i++)
		if (strlen(ids) + strlen(msgids[i]) + 2 < sizeof(ids))
			snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids),
				 "%s%s", i ? "," : "", msgids[i]);
	arg_reset(a);
	arg_s(a, "EVALSHA");
	arg_s(a, st->sha[SC_MT_DONE]);
	arg_s(a, "2");
	arg_s(a, k_outq);
	arg_s(a, k_mt);
	arg_s(a, mt->id);
	arg_s(a, state);
	arg_s(a, bind ? bind : "");
	arg_s(a, ids);
	arg_i(a, status);
	arg_i(a, util_now_ms());
	sreq_send(rq, n++, a);
	/* receipts count parts: a message is delivered when all are */
	arg_reset(a);
	arg_s(a, "EVAL");
	arg_s(a, "if redis.call('EXISTS', KEYS[1]) == 1 then "
		 "redis.call('HSET', KEYS[1], 'parts', ARGV[1]) end return 1");
	arg_s(a, "1");
	arg_s(a, k_mt);
	arg_i(a, nparts > 0 ? nparts : 1);
	sreq_send(rq, n++, a);
	for (int i = 0; sent && i < nparts; i++) {
		char k_msgid[256], val[176];

		if (!keys[i] || !keys[i][0])
			continue;
		/* the SMS centre's id names a part of an MT */
		store_key_msgid(st->conf->redis.prefix, bind, keys[i], k_msgid,
				sizeof(k_msgid));
		snprintf(val, sizeof(val), "%s#%d", k_mt, i + 1);
		arg_reset(a);
		arg_s(a, "SET");
		arg_s(a, k_msgid);
		arg_s(a, val);
		arg_s(a, "EX");
		arg_i(a, MT_TTL_S);
		sreq_send(rq, n++, a);
	}
	free(a);
	return sreq_commit(rq);
}

int store_mt_part(struct store *st, const struct store_mt *mt,
		  const char *bind, int part, int nparts, const char *msgid,
		  const char *key, store_done_fn *cb, void *arg)
{
	unsigned shard = store_shard(st, mt->msisdn);
	bool map = key && *key;
	char k_mt[160], field[16];
	struct sreq *rq;
	struct argv a;

	if (!store_ready(st))
		return -ENOTCONN;
	rq = sreq_new(st, map ? 2 : 1, NULL, simple_done, (void *)cb, arg);
	if (!rq)
		return -ENOMEM;
	key_shard(st, shard, "mt", mt->id, k_mt, sizeof(k_mt));
	snprintf(field, sizeof(field), "m%d", part);
	arg_reset(&a);
	arg_s(&a, "EVAL");
	arg_s(&a, "if redis.call('EXISTS', KEYS[1]) == 1 then "
		  "redis.call('HSET', KEYS[1], 'parts', ARGV[1], ARGV[2], "
		  "ARGV[3]) end return 1");
	arg_s(&a, "1");
	arg_s(&a, k_mt);
	arg_i(&a, nparts);
	arg_s(&a, field);
	arg_s(&a, msgid ? msgid : "");
	sreq_send(rq, 0, &a);
	if (map) {
		char k_msgid[256], val[176];

		store_key_msgid(st->conf->redis.prefix, bind, key, k_msgid,
				sizeof(k_msgid));
		snprintf(val, sizeof(val), "%s#%d", k_mt, part);
		arg_reset(&a);
		arg_s(&a, "SET");
		arg_s(&a, k_msgid);
		arg_s(&a, val);
		arg_s(&a, "EX");
		arg_i(&a, MT_TTL_S);
		sreq_send(rq, 1, &a);
	}
	return sreq_commit(rq);
}

int store_mt_release(struct store *st, const struct store_mt *mt,
		     int64_t ready_ms, store_done_fn *cb, void *arg)
{
	char k_outq[96];
	struct argv a;
	struct sreq *rq;

	if (!store_ready(st))
		return -ENOTCONN;
	rq = sreq_new(st, 1, NULL, simple_done, (void *)cb, arg);
	if (!rq)
		return -ENOMEM;
	key_shard(st, store_shard(st, mt->msisdn), queue_name(mt->prio), NULL,
		  k_outq, sizeof(k_outq));
	arg_reset(&a);
	arg_s(&a, "ZADD");
	arg_s(&a, k_outq);
	arg_s(&a, "XX");
	arg_i(&a, ready_ms ? ready_ms : util_now_ms());
	arg_s(&a, mt->id);
	sreq_send(rq, 0, &a);
	return sreq_commit(rq);
}

int store_mt_renew(struct store *st, const struct store_mt *const *mts,
		   int n, store_done_fn *cb, void *arg)
{
	struct sreq *rq;
	struct argv *a;
	int64_t score = util_now_ms() + st->conf->gateway.mt_lease;

	if (!store_ready(st))
		return -ENOTCONN;
	if (n <= 0)
		return 0;
	a = malloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	rq = sreq_new(st, n, NULL, simple_done, (void *)cb, arg);
	if (!rq) {
		free(a);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		char k_outq[96];

		key_shard(st, store_shard(st, mts[i]->msisdn),
			  queue_name(mts[i]->prio), NULL, k_outq,
			  sizeof(k_outq));
		arg_reset(a);
		arg_s(a, "ZADD");
		arg_s(a, k_outq);
		arg_s(a, "XX");
		arg_i(a, score);
		arg_s(a, mts[i]->id);
		sreq_send(rq, i, a);
	}
	free(a);
	return sreq_commit(rq);
}

/* --- receipts ----------------------------------------------------------------- */

struct dlr_req {
	struct store *st;
	store_dlr_fn *cb;
	void *arg;
	char part[8];
	char state[16], stat[16], err[16];
	char mt_key[160];
	char result[16];
	bool found;
	int found_idx;
};

static void dlr_apply_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct dlr_req *d = rq->arg;

	if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	    r->element[0]->type == REDIS_REPLY_STRING &&
	    strcmp(r->element[0]->str, "ok") == 0 &&
	    r->element[1]->type == REDIS_REPLY_STRING)
		util_strlcpy(d->result, r->element[1]->str, sizeof(d->result));
	else
		d->found = false;	/* the MT record expired meanwhile */
}

static void dlr_apply_done(struct sreq *rq, int rc)
{
	struct dlr_req *d = rq->arg;
	const char *mt = strstr(d->mt_key, ":mt:");

	d->cb(d->arg, rc, d->found, mt ? mt + 4 : d->mt_key, d->result);
	free(d);
}

/* One GET per candidate id (not MGET: the keys may live on different
 * cluster slots); the first candidate that is known wins. */
static void dlr_lookup_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct dlr_req *d = rq->arg;
	const char *hash;

	if (r->type != REDIS_REPLY_STRING || (d->found && idx >= d->found_idx))
		return;
	hash = strrchr(r->str, '#');
	if (!hash || (size_t)(hash - r->str) >= sizeof(d->mt_key))
		return;
	memcpy(d->mt_key, r->str, (size_t)(hash - r->str));
	d->mt_key[hash - r->str] = '\0';
	util_strlcpy(d->part, hash + 1, sizeof(d->part));
	d->found = true;
	d->found_idx = idx;
}

static void dlr_lookup_done(struct sreq *rq, int rc)
{
	struct dlr_req *d = rq->arg;
	struct store *st = d->st;
	struct sreq *ap;
	struct argv a;

	if (rc < 0 || !d->found) {
		d->cb(d->arg, rc, false, "", "");
		free(d);
		return;
	}
	/* second round trip: the MT lives in its phone's shard */
	ap = store_ready(st) ? sreq_new(st, 1, dlr_apply_reply,
					dlr_apply_done, NULL, d)
			     : NULL;
	if (!ap) {
		d->cb(d->arg, -ENOTCONN, false, "", "");
		free(d);
		return;
	}
	arg_reset(&a);
	arg_s(&a, "EVALSHA");
	arg_s(&a, st->sha[SC_DLR]);
	arg_s(&a, "1");
	arg_s(&a, d->mt_key);
	arg_s(&a, d->part);
	arg_s(&a, d->state);
	arg_s(&a, d->stat);
	arg_s(&a, d->err);
	arg_i(&a, util_now_ms());
	sreq_send(ap, 0, &a);
	if (sreq_commit(ap) < 0) {
		d->cb(d->arg, -ENOTCONN, false, "", "");
		free(d);
	}
}

int store_dlr(struct store *st, const char *bind, const char *const *ids,
	      int nids, const char *state, const char *stat, const char *err,
	      store_dlr_fn *cb, void *arg)
{
	struct dlr_req *d;
	struct sreq *rq;
	struct argv a;

	if (!store_ready(st))
		return -ENOTCONN;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->st = st;
	d->cb = cb;
	d->arg = arg;
	util_strlcpy(d->state, state, sizeof(d->state));
	util_strlcpy(d->stat, stat, sizeof(d->stat));
	util_strlcpy(d->err, err, sizeof(d->err));
	rq = sreq_new(st, nids, dlr_lookup_reply, dlr_lookup_done, NULL, d);
	if (!rq) {
		free(d);
		return -ENOMEM;
	}
	for (int i = 0; i < nids; i++) {
		char k[256];

		store_key_msgid(st->conf->redis.prefix, bind, ids[i], k,
				sizeof(k));
		arg_reset(&a);
		arg_s(&a, "GET");
		arg_s(&a, k);
		sreq_send(rq, i, &a);
	}
	{
		int rc = sreq_commit(rq);

		if (rc < 0)
			free(d);
		return rc;
	}
}

static int claim(struct store *st, const char *queue, const char *item,
		 int64_t lease, int max, sreq_reply_fn *on_reply, void *each,
		 store_claim_end_fn *end, void *arg);

/* --- multipart: references and reassembly --------------------------------- */

struct ref_req {
	store_ref_fn *cb;
	void *arg;
	int ref;
};

static void ref_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct ref_req *q = rq->arg;

	if (idx == 0 && r->type == REDIS_REPLY_INTEGER)
		q->ref = (int)(r->integer & 0xFFFF);
}

static void ref_done(struct sreq *rq, int rc)
{
	struct ref_req *q = rq->arg;

	q->cb(q->arg, rc, q->ref);
	free(q);
}

int store_mt_ref(struct store *st, const struct store_mt *mt,
		 store_ref_fn *cb, void *arg)
{
	unsigned shard = store_shard(st, mt->msisdn);
	struct ref_req *q;
	struct sreq *rq;
	struct argv a;
	char k_ref[128], k_mt[160];
	int rc;

	if (!store_ready(st))
		return -ENOTCONN;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->cb = cb;
	q->arg = arg;
	q->ref = -1;
	rq = sreq_new(st, 1, ref_reply, ref_done, NULL, q);
	if (!rq) {
		free(q);
		return -ENOMEM;
	}
	key_phone(st, mt->msisdn, "ref", NULL, k_ref, sizeof(k_ref));
	key_shard(st, shard, "mt", mt->id, k_mt, sizeof(k_mt));
	/* one script, so that the reference recorded on the MT is the one
	 * returned, and one another process recorded first wins */
	arg_reset(&a);
	arg_s(&a, "EVAL");
	arg_s(&a, "local old = redis.call('HGET', KEYS[2], 'ref') "
		  "if old then return tonumber(old) end "
		  "local r = redis.call('INCR', KEYS[1]) % 65536 "
		  "if redis.call('EXISTS', KEYS[2]) == 1 then "
		  "redis.call('HSET', KEYS[2], 'ref', r) end return r");
	arg_s(&a, "2");
	arg_s(&a, k_ref);
	arg_s(&a, k_mt);
	sreq_send(rq, 0, &a);
	rc = sreq_commit(rq);
	if (rc < 0)
		free(q);
	return rc;
}

struct part_req {
	store_part_fn *cb;
	void *arg;
	enum store_part_verdict v;
	const char **fields;
	int nfields;
	char *buf;
};

static void part_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct part_req *q = rq->arg;
	const redisReply *h;
	size_t need = 0, off = 0;

	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
	    r->element[0]->type != REDIS_REPLY_STRING) {
		rq->rc = -EIO;
		return;
	}
	if (strcmp(r->element[0]->str, "dup") == 0) {
		q->v = STORE_PART_DUP;
		return;
	}
	if (strcmp(r->element[0]->str, "conflict") == 0) {
		q->v = STORE_PART_CONFLICT;
		return;
	}
	if (strcmp(r->element[0]->str, "complete") != 0 || r->elements < 2) {
		q->v = STORE_PART_STORED;
		return;
	}
	q->v = STORE_PART_COMPLETE;
	/* copy the fields out: a reply lives only during its callback */
	h = r->element[1];
	if (h->type != REDIS_REPLY_ARRAY)
		return;
	for (size_t i = 0; i < h->elements; i++)
		need += h->element[i]->len + 1;
	q->buf = malloc(need ? need : 1);
	q->fields = calloc(h->elements ? h->elements : 1, sizeof(char *));
	if (!q->buf || !q->fields) {
		rq->rc = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < h->elements; i++) {
		memcpy(q->buf + off, h->element[i]->str, h->element[i]->len);
		q->buf[off + h->element[i]->len] = '\0';
		q->fields[i] = q->buf + off;
		off += h->element[i]->len + 1;
	}
	q->nfields = (int)h->elements;
}

static void part_done(struct sreq *rq, int rc)
{
	struct part_req *q = rq->arg;

	q->cb(q->arg, rc, q->v, q->fields, q->nfields);
	free(q->fields);
	free(q->buf);
	free(q);
}

int store_part_in(struct store *st, const char *msisdn, const char *key,
		  int seq, int total, const char *part,
		  const char *const *meta, int nmeta, int64_t deadline_ms,
		  store_part_fn *cb, void *arg)
{
	unsigned shard = store_shard(st, msisdn);
	struct part_req *q;
	struct sreq *rq;
	struct argv *a;
	char k_cc[320], k_q[96], k_done[320];

	if (!store_ready(st))
		return -ENOTCONN;
	q = calloc(1, sizeof(*q));
	a = malloc(sizeof(*a));
	if (!q || !a) {
		free(q);
		free(a);
		return -ENOMEM;
	}
	q->cb = cb;
	q->arg = arg;
	rq = sreq_new(st, 1, part_reply, part_done, NULL, q);
	if (!rq) {
		free(q);
		free(a);
		return -ENOMEM;
	}
	key_shard(st, shard, "cc", key, k_cc, sizeof(k_cc));
	key_shard(st, shard, "ccq", NULL, k_q, sizeof(k_q));
	key_shard(st, shard, "ccdone", key, k_done, sizeof(k_done));
	arg_reset(a);
	arg_s(a, "EVALSHA");
	arg_s(a, st->sha[SC_PART_IN]);
	arg_s(a, "3");
	arg_s(a, k_cc);
	arg_s(a, k_q);
	arg_s(a, k_done);
	arg_i(a, seq);
	arg_s(a, part);
	arg_i(a, deadline_ms);
	/* the parts outlive their deadline long enough to be claimed */
	arg_i(a, (deadline_ms - util_now_ms()) / 1000 + 3600);
	arg_s(a, key);
	arg_i(a, total);
	for (int i = 0; i + 1 < nmeta; i += 2)
		arg_kv(a, meta[i], meta[i + 1]);
	sreq_send(rq, 0, a);
	free(a);
	{
		int rc = sreq_commit(rq);

		if (rc < 0)
			free(q);
		return rc;
	}
}

static void cc_claim_reply(struct sreq *rq, int idx, const redisReply *r)
{
	store_cc_claim_fn *each = (store_cc_claim_fn *)rq->each;

	if (r->type != REDIS_REPLY_ARRAY)
		return;
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		const redisReply *h = r->element[i + 1];
		const char **fields;
		const redisReply *key = hash_get(h, "key");
		const redisReply *msisdn = hash_get(h, "msisdn");

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
	return claim(st, "ccq", "cc", st->conf->gateway.mo_lease, max,
		     cc_claim_reply, (void *)each, end, arg);
}

int store_cc_consume(struct store *st, const char *msisdn, const char *key,
		     store_done_fn *cb, void *arg)
{
	unsigned shard = store_shard(st, msisdn);
	struct sreq *rq;
	struct argv a;
	char k_cc[320], k_q[96], k_done[320];
	long long window = st->conf->gateway.mo_dedup_window;

	if (!store_ready(st))
		return -ENOTCONN;
	rq = sreq_new(st, 3, NULL, simple_done, (void *)cb, arg);
	if (!rq)
		return -ENOMEM;
	key_shard(st, shard, "cc", key, k_cc, sizeof(k_cc));
	key_shard(st, shard, "ccq", NULL, k_q, sizeof(k_q));
	key_shard(st, shard, "ccdone", key, k_done, sizeof(k_done));
	arg_reset(&a);
	arg_s(&a, "SET");
	arg_s(&a, k_done);
	arg_s(&a, "1");
	arg_s(&a, "PX");
	arg_i(&a, window > 0 ? window : 1000);
	sreq_send(rq, 0, &a);
	arg_reset(&a);
	arg_s(&a, "ZREM");
	arg_s(&a, k_q);
	arg_s(&a, key);
	sreq_send(rq, 1, &a);
	arg_reset(&a);
	arg_s(&a, "DEL");
	arg_s(&a, k_cc);
	sreq_send(rq, 2, &a);
	return sreq_commit(rq);
}

/* --- claims ---------------------------------------------------------------- */

static void mt_claim_reply(struct sreq *rq, int idx, const redisReply *r)
{
	store_mt_claim_fn *each = (store_mt_claim_fn *)rq->each;

	if (r->type != REDIS_REPLY_ARRAY)
		return;
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		struct store_mt mt;
		bool expired = r->element[i]->type == REDIS_REPLY_STRING &&
			       strcmp(r->element[i]->str, "x") == 0;

		parse_mt(r->element[i + 1], &mt);
		if (mt.id[0])
			each(rq->arg, 0, &mt, expired);
	}
}

static void mo_claim_reply(struct sreq *rq, int idx, const redisReply *r)
{
	store_mo_claim_fn *each = (store_mo_claim_fn *)rq->each;

	if (r->type != REDIS_REPLY_ARRAY)
		return;
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		struct store_mo mo;

		parse_mo(r->element[i + 1], &mo);
		if (mo.id[0])
			each(rq->arg, &mo);
	}
}

static void claim_done(struct sreq *rq, int rc)
{
	store_claim_end_fn *end = (store_claim_end_fn *)rq->cb;

	if (end)
		end(rq->arg, rc);
}

static int claim(struct store *st, const char *queue, const char *item,
		 int64_t lease, int max, sreq_reply_fn *on_reply, void *each,
		 store_claim_end_fn *end, void *arg)
{
	int shards = st->conf->redis.shards;
	struct sreq *rq;
	struct argv *a;
	int64_t now = util_now_ms();

	if (!store_ready(st))
		return -ENOTCONN;
	a = malloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	rq = sreq_new(st, shards, on_reply, claim_done, (void *)end, arg);
	if (!rq) {
		free(a);
		return -ENOMEM;
	}
	rq->each = each;
	for (int s = 0; s < shards; s++) {
		char k_q[96], prefix[96];

		key_shard(st, (unsigned)s, queue, NULL, k_q, sizeof(k_q));
		key_shard(st, (unsigned)s, item, "", prefix, sizeof(prefix));
		arg_reset(a);
		arg_s(a, "EVALSHA");
		arg_s(a, st->sha[SC_CLAIM]);
		arg_s(a, "1");
		arg_s(a, k_q);
		arg_i(a, now);
		arg_i(a, lease);
		arg_i(a, max);
		arg_s(a, prefix);
		sreq_send(rq, s, a);
	}
	free(a);
	return sreq_commit(rq);
}

int store_mt_claim(struct store *st, int prio, int max,
		   store_mt_claim_fn *each, store_claim_end_fn *end, void *arg)
{
	return claim(st, queue_name(prio), "mt", st->conf->gateway.mt_lease,
		     max, mt_claim_reply, (void *)each, end, arg);
}

int store_mo_claim(struct store *st, int max, store_mo_claim_fn *each,
		   store_claim_end_fn *end, void *arg)
{
	return claim(st, "inq", "mo", st->conf->gateway.mo_lease, max,
		     mo_claim_reply, (void *)each, end, arg);
}
