/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store for tools (see store/store_sync.h): one blocking hiredis
 * connection. Scripts are called by their build-time SHA1 and loaded on a
 * NOSCRIPT answer.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/store_int.h"
#include "store/store_sync.h"

#define PIPELINE 500		/* commands in flight, at most */
#define PAGE 1000		/* stream entries per XRANGE */

struct store_sync {
	redisContext *rc;
	struct store_keys keys;
	char prefix[32];
	int pending;		/* pipelined commands not yet answered */
	int failed;		/* of those, errors */
	char err[256];
	struct argv a;
	struct script_set scripts;	/* as the daemon renders them */
};

static int sync_err(struct store_sync *ss, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int sync_err(struct store_sync *ss, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ss->err, sizeof(ss->err), fmt, ap);
	va_end(ap);
	return rc;
}

const char *store_sync_error(const struct store_sync *ss)
{
	return ss->err;
}

void store_pairs_free(struct store_pairs *p)
{
	strings_free(p->v, p->n);
	p->v = NULL;
	p->n = 0;
}

const char *store_pairs_get(const struct store_pairs *p, const char *field)
{
	for (size_t i = 0; i + 1 < p->n; i += 2)
		if (strcmp(p->v[i], field) == 0)
			return p->v[i + 1];
	return NULL;
}

static int pairs_from(const redisReply *r, struct store_pairs *out)
{
	return reply_strings(r, &out->v, &out->n);
}

/* --- connection ----------------------------------------------------------------- */

static int sync_setup(struct store_sync *ss, const struct cgw_conf *c)
{
	redisReply *r;

	if (c->redis.password[0]) {
		r = c->redis.user[0]
			    ? redisCommand(ss->rc, "AUTH %s %s", c->redis.user,
					   c->redis.password)
			    : redisCommand(ss->rc, "AUTH %s",
					   c->redis.password);
		if (!r || r->type == REDIS_REPLY_ERROR) {
			sync_err(ss, -EACCES, "Redis AUTH failed: %s",
				 r ? r->str : ss->rc->errstr);
			freeReplyObject(r);
			return -EACCES;
		}
		freeReplyObject(r);
	}
	if (c->redis.db) {
		r = redisCommand(ss->rc, "SELECT %d", c->redis.db);
		if (!r || r->type == REDIS_REPLY_ERROR) {
			sync_err(ss, -EIO, "Redis SELECT %d failed: %s",
				 c->redis.db, r ? r->str : ss->rc->errstr);
			freeReplyObject(r);
			return -EIO;
		}
		freeReplyObject(r);
	}
	if (c->redis.sentinels.n) {
		/* the sentinels' answer may be stale in a failover */
		r = redisCommand(ss->rc, "ROLE");
		if (!role_is_master(r)) {
			sync_err(ss, -EAGAIN, "the Redis the sentinels name "
				 "is not a master (%s): a failover is under "
				 "way, try again", r && r->type ==
				 REDIS_REPLY_ERROR ? r->str : "a replica");
			freeReplyObject(r);
			return -EAGAIN;
		}
		freeReplyObject(r);
	}
	return 0;
}

struct store_sync *store_sync_open(const struct cgw_conf *c, char *err,
				   size_t errlen)
{
	struct timeval tv = { 5, 0 };
	struct store_sync *ss = calloc(1, sizeof(*ss));
	char host[256], why[512];
	int port = c->redis.port, which;

	if (!ss) {
		util_err(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	util_strlcpy(ss->prefix, c->redis.prefix, sizeof(ss->prefix));
	ss->a.scripts = &ss->scripts;
	if (script_set_render(&ss->scripts, c, NULL, err, errlen) < 0) {
		store_sync_close(ss);
		return NULL;
	}
	ss->keys.prefix = ss->prefix;
	ss->keys.shards = c->redis.shards;
	util_strlcpy(host, c->redis.host, sizeof(host));
	if (c->redis.sentinels.n &&
	    sentinel_master(c, 0, SENTINEL_TIMEOUT_MS * 3, host, sizeof(host),
			    &port, &which, why, sizeof(why)) < 0) {
		util_err(err, errlen, -EHOSTUNREACH, "no sentinel named the "
			 "Redis master '%s': %s", c->redis.master_name, why);
		store_sync_close(ss);
		return NULL;
	}
	if (c->redis.socket[0] && !c->redis.sentinels.n)
		ss->rc = redisConnectUnixWithTimeout(c->redis.socket, tv);
	else
		ss->rc = redisConnectWithTimeout(host, port, tv);
	if (!ss->rc || ss->rc->err) {
		util_err(err, errlen, -ECONNREFUSED,
			 "cannot connect to Redis at %s:%d: %s",
			 c->redis.socket[0] ? c->redis.socket : host,
			 c->redis.socket[0] ? 0 : port,
			 ss->rc ? ss->rc->errstr : "out of memory");
		store_sync_close(ss);
		return NULL;
	}
	redisSetTimeout(ss->rc, tv);
	if (sync_setup(ss, c) < 0) {
		util_err(err, errlen, -EIO, "%s", ss->err);
		store_sync_close(ss);
		return NULL;
	}
	return ss;
}

void store_sync_close(struct store_sync *ss)
{
	if (!ss)
		return;
	if (ss->rc)
		redisFree(ss->rc);
	script_set_free(&ss->scripts);
	free(ss);
}

/* --- commands --------------------------------------------------------------------- */

/* Runs the command in ss->a and returns its reply (the caller frees it), or
 * NULL with the reason in ss->err. A script Redis does not know yet is
 * loaded and called again. */
static redisReply *sync_call(struct store_sync *ss, enum lua_script_id script)
{
	redisReply *r;
	char why[128];

	arg_finish(&ss->a);
	if (ss->a.overflow) {
		sync_err(ss, -E2BIG, "%s", arg_why(&ss->a, why, sizeof(why)));
		return NULL;
	}
	r = redisCommandArgv(ss->rc, ss->a.n, ss->a.v, ss->a.l);
	if (r && r->type == REDIS_REPLY_ERROR && script < LUA_COUNT &&
	    strncmp(r->str, "NOSCRIPT", 8) == 0) {
		freeReplyObject(r);
		r = redisCommand(ss->rc, "SCRIPT LOAD %s",
				 script_src(&ss->scripts, script));
		freeReplyObject(r);
		r = redisCommandArgv(ss->rc, ss->a.n, ss->a.v, ss->a.l);
	}
	if (!r) {
		sync_err(ss, -EIO, "Redis: %s", ss->rc->errstr);
		return NULL;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		sync_err(ss, -EIO, "Redis: %s", r->str);
		freeReplyObject(r);
		return NULL;
	}
	return r;
}

static int sync_hash(struct store_sync *ss, const char *key,
		     struct store_pairs *out)
{
	redisReply *r;
	int rc;

	cmd_hgetall(&ss->a, key);
	if (!(r = sync_call(ss, LUA_COUNT)))
		return -EIO;
	rc = pairs_from(r, out);
	freeReplyObject(r);
	return rc < 0 ? rc : out->n > 0;
}

/* Makes sure Redis knows a script before it is pipelined (a NOSCRIPT in
 * the middle of a pipeline could not be retried). */
static int sync_load(struct store_sync *ss, enum lua_script_id script)
{
	redisReply *r = redisCommand(ss->rc, "SCRIPT LOAD %s",
				     script_src(&ss->scripts, script));
	int rc = r && r->type == REDIS_REPLY_STRING ? 0 : -EIO;

	if (rc < 0)
		sync_err(ss, rc, "Redis: %s",
			 r && r->type == REDIS_REPLY_ERROR ? r->str
							   : ss->rc->errstr);
	freeReplyObject(r);
	return rc;
}

static int drain(struct store_sync *ss, int keep)
{
	while (ss->pending > keep) {
		redisReply *r = NULL;

		if (redisGetReply(ss->rc, (void **)&r) != REDIS_OK) {
			sync_err(ss, -EIO, "Redis: %s", ss->rc->errstr);
			ss->failed += ss->pending;
			ss->pending = 0;
			return -EIO;
		}
		if (r->type == REDIS_REPLY_ERROR) {
			sync_err(ss, -EIO, "Redis: %s", r->str);
			ss->failed++;
		}
		freeReplyObject(r);
		ss->pending--;
	}
	return 0;
}

int store_sync_dossier_put(struct store_sync *ss, const struct dossier *d,
			   bool notify)
{
	if (ss->pending == 0 && sync_load(ss, LUA_DOSSIER_PUT) < 0)
		return -EIO;
	cmd_dossier_put(&ss->a, &ss->keys, d, notify, util_now_ms());
	arg_finish(&ss->a);
	if (ss->a.overflow)
		return sync_err(ss, -E2BIG, "dossier %s too large", d->code);
	if (redisAppendCommandArgv(ss->rc, ss->a.n, ss->a.v, ss->a.l) !=
	    REDIS_OK)
		return sync_err(ss, -ENOMEM, "out of memory");
	ss->pending++;
	return ss->pending >= PIPELINE ? drain(ss, 0) : 0;
}

int store_sync_wait(struct store_sync *ss)
{
	int rc = drain(ss, 0), failed = ss->failed;

	ss->failed = 0;
	return rc < 0 && !failed ? rc : failed;
}

int store_sync_dossier(struct store_sync *ss, const char *key,
		       struct store_pairs *out)
{
	char k[STORE_KEY_MAX];

	store_key_dossier(&ss->keys, key, k, sizeof(k));
	return sync_hash(ss, k, out);
}

/* pairs built one by one (sync_mt) */
struct pairs_out {
	char **v;
	size_t n, cap;
	bool oom;
};

static void pairs_add(void *arg, const char *name, const char *value)
{
	struct pairs_out *o = arg;
	char **v;

	if (o->oom)
		return;
	if (o->n + 2 > o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 32;

		if (!(v = realloc(o->v, cap * sizeof(*v)))) {
			o->oom = true;
			return;
		}
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n] = strdup(name);
	o->v[o->n + 1] = strdup(value);
	if (!o->v[o->n] || !o->v[o->n + 1]) {
		free(o->v[o->n]);
		free(o->v[o->n + 1]);
		o->oom = true;
		return;
	}
	o->n += 2;
}

/* An MT's record at key k as its fields: its id first (the record does
 * not hold it, its key does: rec_mt), its pack (REC_PACK) as the fields
 * it holds, so that what is shown is the same for every record, packed
 * or written before packing. */
static int sync_mt(struct store_sync *ss, const char *k, const char *id,
		   struct store_pairs *out)
{
	struct pairs_out o = { NULL, 0, 0, false };
	int rc = sync_hash(ss, k, out);

	if (rc <= 0)
		return rc;
	pairs_add(&o, "id", id);
	for (size_t i = 0; i + 1 < out->n; i += 2)
		if (rec_mt.pack && strcmp(out->v[i], rec_mt.pack) == 0)
			rec_unpack_each(&rec_mt, out->v[i + 1], pairs_add, &o);
		else
			pairs_add(&o, out->v[i], out->v[i + 1]);
	store_pairs_free(out);
	if (o.oom) {
		strings_free(o.v, o.n);
		return -ENOMEM;
	}
	out->v = o.v;
	out->n = o.n;
	return 1;
}

int store_sync_mt(struct store_sync *ss, const char *id,
		  struct store_pairs *out)
{
	/* an MT id names its shard only through the phone: try each */
	for (int s = 0; s < ss->keys.shards; s++) {
		char k[STORE_KEY_MAX];
		int rc;

		store_key_shard(&ss->keys, (unsigned)s, SK_MT, id, k,
				sizeof(k));
		rc = sync_mt(ss, k, id, out);
		if (rc != 0)
			return rc;
		store_pairs_free(out);
	}
	return 0;
}

int store_sync_mt_by_msgid(struct store_sync *ss, const char *bind,
			   const char *msgid, struct store_pairs *out)
{
	char k[STORE_KEY_MAX], *hash;
	redisReply *r;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	store_key_msgid(&ss->keys, bind, msgid, k, sizeof(k));
	arg_reset(&ss->a);
	arg_s(&ss->a, "GET");
	arg_s(&ss->a, k);
	if (!(r = sync_call(ss, LUA_COUNT)))
		return -EIO;
	/* "<MT key>#<part>"; not a receipt waiting for the id (its first
	 * byte STORE_BC_SEP, dlr_wait.lua), whose text may hold a '#' */
	if (r->type == REDIS_REPLY_STRING && r->str[0] != STORE_BC_SEP &&
	    (hash = strrchr(r->str, '#'))) {
		char k0[STORE_KEY_MAX];
		const char *tail, *id;

		*hash = '\0';
		/* the id follows "}:mt:", the end of any shard's MT prefix */
		store_key_shard(&ss->keys, 0, SK_MT, "", k0, sizeof(k0));
		tail = strchr(k0, '}');
		id = tail ? strstr(r->str, tail) : NULL;
		rc = sync_mt(ss, r->str, id ? id + strlen(tail) : r->str, out);
	}
	freeReplyObject(r);
	return rc;
}

int store_sync_profile(struct store_sync *ss, const char *msisdn,
		       struct store_pairs *out)
{
	char k[STORE_KEY_MAX];
	int rc;

	store_key_phone(&ss->keys, SK_PROFILE, msisdn, k, sizeof(k));
	rc = sync_hash(ss, k, out);
	return rc < 0 ? rc : 0;
}

int store_sync_mt_queue(struct store_sync *ss, const struct store_mt *mt)
{
	redisReply *r;
	int rc;

	cmd_mt_queue(&ss->a, &ss->keys, mt, util_now_ms());
	if (!(r = sync_call(ss, LUA_MT_QUEUE)))
		return -EIO;
	rc = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	freeReplyObject(r);
	return rc;
}

/* --- dossiers and applications for staff ------------------------------------------------ */

int store_sync_dossier_times(struct store_sync *ss, const char *key,
			     int64_t *filed_ms, int64_t *expires_ms)
{
	struct store_dossier_view v;
	redisReply *r;

	cmd_app_filed(&ss->a, &ss->keys, key);
	if (!(r = sync_call(ss, LUA_COUNT)))
		return -EIO;
	reply_view_filed(r, &v);
	freeReplyObject(r);
	cmd_dossier_pttl(&ss->a, &ss->keys, key);
	if (!(r = sync_call(ss, LUA_COUNT)))
		return -EIO;
	reply_view_ttl(r, util_now_ms(), &v);
	freeReplyObject(r);
	*filed_ms = v.filed_ms;
	*expires_ms = v.expires_ms;
	return 0;
}

int store_sync_dossier_status(struct store_sync *ss,
			      const struct store_status_set *s,
			      struct store_status_result *res)
{
	struct store_dossier_view *v = &res->view;
	redisReply *r;
	int rc;

	memset(res, 0, sizeof(*res));
	cmd_dossier_status(&ss->a, &ss->keys, s, util_now_ms());
	if (!(r = sync_call(ss, LUA_DOSSIER_STATUS)))
		return -EIO;
	rc = reply_status(r, res);
	freeReplyObject(r);
	if (rc < 0)
		return sync_err(ss, rc, "Redis: an answer of dossier_status "
				"that is not one");
	if (!res->found)
		return 0;
	cmd_dossier_get(&ss->a, &ss->keys, s->dossier_key);
	if (!(r = sync_call(ss, LUA_COUNT)))
		return -EIO;
	reply_view_hash(r, v);
	freeReplyObject(r);
	rc = store_sync_dossier_times(ss, s->dossier_key, &v->filed_ms,
				      &v->expires_ms);
	return rc < 0 ? rc : 1;
}

void store_app_list_free(struct store_app_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int store_sync_apps(struct store_sync *ss, const struct store_app_filter *f,
		    struct store_app_list *out)
{
	struct app_gather g;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (f->limit < 1 || f->limit > STORE_APPS_MAX)
		return sync_err(ss, -EINVAL, "limit %d is not 1..%d",
				f->limit, STORE_APPS_MAX);
	memset(&g, 0, sizeof(g));
	g.limit = f->limit;
	for (int s = 0; s < ss->keys.shards && rc == 0; s++) {
		redisReply *r;

		cmd_apps_list(&ss->a, &ss->keys, (unsigned)s, f);
		if (!(r = sync_call(ss, LUA_APPS_LIST)))
			rc = -EIO;
		else if ((rc = app_gather_add(&g, r)) < 0)
			sync_err(ss, rc, "Redis: an answer of apps_list that "
				 "is not one");
		freeReplyObject(r);
	}
	if (rc < 0) {
		app_gather_free(&g);
		return rc;
	}
	app_gather_end(&g);
	*out = g.l;	/* taken over: g is not freed */
	return 0;
}

/* --- requests ------------------------------------------------------------------- */

static int each_entry(const redisReply *e, unsigned shard,
		      store_sync_request_fn *each, void *arg)
{
	struct store_pairs p;
	uint64_t ms, seq;
	int rc;

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
	    e->element[0]->type != REDIS_REPLY_STRING ||
	    sscanf(e->element[0]->str, "%" SCNu64 "-%" SCNu64, &ms, &seq) != 2)
		return -EIO;
	rc = pairs_from(e->element[1], &p);
	if (rc < 0)
		return rc;
	rc = each(arg, shard, ms, seq, &p);
	store_pairs_free(&p);
	return rc;
}

/* One shard's stream, a page at a time. */
static int shard_requests(struct store_sync *ss, unsigned shard,
			  int64_t since, int64_t until,
			  store_sync_request_fn *each, void *arg)
{
	char key[STORE_KEY_MAX], start[48], end[48];
	size_t got;

	store_key_shard(&ss->keys, shard, SK_REQUESTS, NULL, key, sizeof(key));
	snprintf(start, sizeof(start), "%" PRId64, since);
	snprintf(end, sizeof(end), "%" PRId64, until);
	do {
		redisReply *r;
		int rc = 0;

		arg_reset(&ss->a);
		arg_s(&ss->a, "XRANGE");
		arg_s(&ss->a, key);
		arg_s(&ss->a, start);
		arg_s(&ss->a, end);
		arg_s(&ss->a, "COUNT");
		arg_i(&ss->a, PAGE);
		if (!(r = sync_call(ss, LUA_COUNT)) ||
		    r->type != REDIS_REPLY_ARRAY) {
			freeReplyObject(r);
			return -EIO;
		}
		got = r->elements;
		for (size_t i = 0; i < got && rc == 0; i++)
			rc = each_entry(r->element[i], shard, each, arg);
		if (got && rc == 0)	/* next page: after the last id */
			snprintf(start, sizeof(start), "(%s",
				 r->element[got - 1]->element[0]->str);
		freeReplyObject(r);
		if (rc)
			return rc < 0 ? sync_err(ss, rc, "bad stream entry in "
						 "%s", key) : 0;
	} while (got == PAGE);
	return 0;
}

int store_sync_requests(struct store_sync *ss, int64_t since, int64_t until,
			store_sync_request_fn *each, void *arg)
{
	for (int s = 0; s < ss->keys.shards; s++) {
		int rc = shard_requests(ss, (unsigned)s, since, until, each,
					arg);

		if (rc < 0)
			return rc;
	}
	return 0;
}

/* --- keys ----------------------------------------------------------------------- */

const struct store_keys *store_sync_keyctx(const struct store_sync *ss)
{
	return &ss->keys;
}

/* The time to live of each key of one SCAN batch (pipelined, every
 * answer read before anything else is asked), then the opt-out of those
 * without one. */
static int keys_batch(struct store_sync *ss, const redisReply *keys,
		      store_sync_key_fn *each, void *arg)
{
	long long *ttl = calloc(keys->elements + 1, sizeof(*ttl));
	int rc = 0;

	if (!ttl)
		return sync_err(ss, -ENOMEM, "out of memory");
	for (size_t i = 0; i < keys->elements; i++)
		redisAppendCommand(ss->rc, "PTTL %b", keys->element[i]->str,
				   keys->element[i]->len);
	for (size_t i = 0; i < keys->elements; i++) {
		redisReply *r = NULL;

		if (redisGetReply(ss->rc, (void **)&r) != REDIS_OK || !r) {
			free(ttl);
			return sync_err(ss, -EIO, "Redis: %s",
					ss->rc->errstr);
		}
		ttl[i] = r->type == REDIS_REPLY_INTEGER ? r->integer : -2;
		freeReplyObject(r);
	}
	for (size_t i = 0; i < keys->elements && !rc; i++) {
		const redisReply *k = keys->element[i];
		bool optout = false;

		if (ttl[i] == -2)	/* gone since the SCAN */
			continue;
		if (ttl[i] == -1) {
			redisReply *o = redisCommand(ss->rc, "HGET %b optout",
						     k->str, k->len);

			optout = o && o->type == REDIS_REPLY_STRING &&
				 strcmp(o->str, "1") == 0;
			freeReplyObject(o);
		}
		rc = each(arg, k->str, ttl[i], optout) ? 1 : 0;
	}
	free(ttl);
	return rc;
}

int store_sync_keys(struct store_sync *ss, store_sync_key_fn *each,
		    void *arg)
{
	char cursor[32] = "0";
	int seen = 0;

	do {
		redisReply *r = redisCommand(ss->rc, "SCAN %s MATCH %s:* "
					     "COUNT 1000", cursor,
					     ss->keys.prefix);
		int rc;

		if (!r)
			return sync_err(ss, -EIO, "Redis: %s",
					ss->rc->errstr);
		if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
		    r->element[0]->type != REDIS_REPLY_STRING ||
		    r->element[1]->type != REDIS_REPLY_ARRAY) {
			rc = sync_err(ss, -EPROTO, "Redis: SCAN: %s",
				      r->type == REDIS_REPLY_ERROR ? r->str
								   : "odd "
								     "reply");
			freeReplyObject(r);
			return rc;
		}
		util_strlcpy(cursor, r->element[0]->str, sizeof(cursor));
		seen += (int)r->element[1]->elements;
		rc = keys_batch(ss, r->element[1], each, arg);
		freeReplyObject(r);
		if (rc < 0)
			return rc;
		if (rc > 0)
			break;
	} while (strcmp(cursor, "0") != 0);
	return seen;
}
