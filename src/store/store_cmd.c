/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Commands and replies the async store (daemon) and the sync store
 * (citizengw-ctl) share: the argument builder, the writes both make, and
 * the reading of records from replies (see store/store_int.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/store_int.h"

/* --- arguments --------------------------------------------------------------- */

void arg_reset(struct argv *a)
{
	a->n = 0;
	a->used = ARGV_HEAD;
	a->overflow = false;
	a->why = NULL;
	a->script = NULL;
	a->finished = false;
}

/* A programming error in a script's arguments: the command is not sent. */
static void arg_wrong(struct argv *a, const char *why)
{
	a->overflow = true;
	if (!a->why)
		a->why = why;
}

/* Writes c, the decimal digits of v and CRLF at out; returns the bytes
 * written (at most 23). */
static size_t resp_len(char *out, char c, size_t v)
{
	size_t k;

	out[0] = c;
	k = 1 + util_udec(out + 1, v);
	out[k++] = '\r';
	out[k++] = '\n';
	return k;
}

/* s as a RESP bulk string at out (room for len + 26 bytes); returns the
 * bytes written, the header's in *h. */
static size_t resp_bulk(char *out, const char *s, size_t len, size_t *h)
{
	*h = resp_len(out, '$', len);
	memcpy(out + *h, s, len);
	out[*h + len] = '\r';
	out[*h + len + 1] = '\n';
	return *h + len + 2;
}

void arg_put(struct argv *a, const char *s, size_t len)
{
	char *p = a->arena + a->used;
	size_t h;

	if (a->n >= (int)ARRAY_SIZE(a->v) ||
	    a->used + 24 + len + 2 > sizeof(a->arena)) {
		a->overflow = true;
		return;
	}
	a->used += resp_bulk(p, s, len, &h);
	a->v[a->n] = p + h;
	a->l[a->n] = len;
	a->n++;
}

const char *arg_why(const struct argv *a, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", a->why ? a->why : "command too large",
		 a->script ? ": " : "", a->script ? a->script->name : "");
	return buf;
}

/* Ends the group being written: its name and number of entries. */
static void group_close(struct argv *a)
{
	if (!a->grp[0])
		return;
	arg_s(a, a->grp);
	arg_i(a, a->grp_n);
	if (a->ngrp_done < (int)ARRAY_SIZE(a->grp_done))
		memcpy(a->grp_done[a->ngrp_done++], a->grp, sizeof(a->grp));
	else
		arg_wrong(a, "too many argument groups");
	a->grp[0] = '\0';
}

void arg_finish(struct argv *a)
{
	const struct lua_script *s = a->script;
	size_t fixed_end, bytes = 0;
	char *p;
	int i;

	if (!s || a->finished)
		return;
	a->finished = true;
	group_close(a);
	for (i = 0; i < s->nargs; i++) {
		if (!a->named[i].set) {
			arg_wrong(a, "a script argument missing");
			return;
		}
		bytes += a->named[i].len;
	}
	if (a->overflow)
		return;
	if (a->n + s->nargs > (int)ARRAY_SIZE(a->v) ||
	    a->used + bytes > sizeof(a->arena)) {
		a->overflow = true;
		return;
	}
	/* the named values go between the keys and the groups */
	fixed_end = a->nfixed ? (size_t)(a->v[a->nfixed - 1] - a->arena) +
					a->l[a->nfixed - 1] + 2
			      : ARGV_HEAD;
	p = a->arena + fixed_end;
	memmove(p + bytes, p, a->used - fixed_end);
	memmove(&a->v[a->nfixed + s->nargs], &a->v[a->nfixed],
		(size_t)(a->n - a->nfixed) * sizeof(a->v[0]));
	memmove(&a->l[a->nfixed + s->nargs], &a->l[a->nfixed],
		(size_t)(a->n - a->nfixed) * sizeof(a->l[0]));
	for (i = a->nfixed + s->nargs; i < a->n + s->nargs; i++)
		a->v[i] += bytes;
	for (i = 0; i < s->nargs; i++) {
		memcpy(p, a->named_bytes + a->named[i].off, a->named[i].len);
		a->v[a->nfixed + i] = p + a->named[i].head;
		a->l[a->nfixed + i] = a->named[i].len - a->named[i].head - 2;
		p += a->named[i].len;
	}
	a->n += s->nargs;
	a->used += bytes;
}

const char *arg_resp(struct argv *a, size_t *len)
{
	char head[24];
	size_t h;

	arg_finish(a);
	h = resp_len(head, '*', (size_t)a->n);

	/* ARGV_MAX has at most 4 digits: h <= 7 <= ARGV_HEAD */
	memcpy(a->arena + ARGV_HEAD - h, head, h);
	*len = a->used - (ARGV_HEAD - h);
	return a->arena + ARGV_HEAD - h;
}

void arg_s(struct argv *a, const char *s)
{
	arg_put(a, s, strlen(s));
}

void arg_i(struct argv *a, long long v)
{
	char b[24];

	arg_put(a, b, util_sdec(b, v));
}

/* Named argument k of the script being written, its value's RESP into
 * named_bytes. */
static void arg_named(struct argv *a, const char *k, const char *v,
		      size_t len)
{
	const struct lua_script *s = a->script;
	char *p = a->named_bytes + a->named_used;
	size_t h;
	int i;

	/* call sites mostly give them in declared order: the one after
	 * the last is tried first (the search was 4% of the daemon) */
	i = a->named_next;
	/* the same literal, merged by the linker, mostly: no strcmp */
	if (i >= s->nargs || (s->args[i] != k && strcmp(s->args[i], k) != 0))
		for (i = 0; i < s->nargs; i++)
			if (s->args[i][0] == k[0] && strcmp(s->args[i], k) == 0)
				break;
	a->named_next = i + 1;
	if (i == s->nargs || a->named[i].set) {
		arg_wrong(a, i == s->nargs ? "an argument the script lacks"
					   : "a script argument given twice");
		return;
	}
	if (a->named_used + 24 + len + 2 > sizeof(a->named_bytes)) {
		a->overflow = true;
		return;
	}
	a->named[i].off = a->named_used;
	a->named[i].len = resp_bulk(p, v, len, &h);
	a->named[i].head = h;
	a->named[i].set = true;
	a->named_used += a->named[i].len;
}

void arg_kv(struct argv *a, const char *k, const char *v)
{
	if (a->script) {
		arg_named(a, k, v, strlen(v));
		return;
	}
	arg_s(a, k);
	arg_s(a, v);
}

void arg_ki(struct argv *a, const char *k, long long v)
{
	char b[24];

	if (a->script) {
		arg_named(a, k, b, util_sdec(b, v));
		return;
	}
	arg_s(a, k);
	arg_i(a, v);
}

void arg_script(struct argv *a, enum lua_script_id id,
		const char *const *keys)
{
	const struct lua_script *s = &lua_scripts[id];
	const char *sha = script_sha(a->scripts, id);
	int n = s->nkeys;

	/* the optional keys after the last one given are left out: each
	 * key is an argument Redis makes into a Lua string */
	while (n > s->nkeys_min && !keys[n - 1])
		n--;
	if (!sha) {
		/* a template the process did not render: a programming error */
		arg_wrong(a, "script not rendered (store/script.h)");
		return;
	}
	arg_s(a, "EVALSHA");
	arg_s(a, sha);
	arg_i(a, n);
	for (int i = 0; i < n; i++) {
		if (!keys[i]) {
			/* a programming error: never send half a call */
			a->overflow = true;
			return;
		}
		arg_s(a, keys[i]);
	}
	if (s->nargs > (int)ARRAY_SIZE(a->named)) {
		arg_wrong(a, "a script with too many arguments");
		return;
	}
	a->script = s;
	a->nfixed = a->n;
	for (int i = 0; i < s->nargs; i++)
		a->named[i].set = false;
	a->named_used = 0;
	a->named_next = 0;
	a->grp[0] = '\0';
	a->grp_n = 0;
	a->ngrp_done = 0;
}

void arg_group(struct argv *a, const char *grp, const char *field,
	       const char *value)
{
	if (!a->script) {
		arg_wrong(a, "a group outside a script");
		return;
	}
	if (strcmp(a->grp, grp) != 0) {
		size_t g = strlen(grp);

		group_close(a);
		for (int i = 0; i < a->ngrp_done; i++)
			if (strcmp(a->grp_done[i], grp) == 0)
				arg_wrong(a, "a group given in two pieces");
		if (g == 0 || g >= sizeof(a->grp)) {
			arg_wrong(a, "a group name too long");
			return;
		}
		memcpy(a->grp, grp, g + 1);
		a->grp_n = 0;
	}
	arg_s(a, field);
	arg_s(a, value);
	a->grp_n += 2;
}

struct group_emit {
	struct argv *a;
	const char *grp;
};

static void emit_group(void *arg, const char *name, const char *value)
{
	struct group_emit *g = arg;

	arg_group(g->a, g->grp, name, value);
}

void arg_record(struct argv *a, const struct rec_def *def, const char *grp,
		const void *obj)
{
	struct group_emit g = { a, grp };

	rec_each(def, obj, emit_group, &g);
}

static void emit_field(void *arg, const char *name, const char *value)
{
	arg_s(arg, name);
	arg_s(arg, value);
}

void arg_fields(struct argv *a, const struct rec_def *def, const void *obj)
{
	rec_each(def, obj, emit_field, a);
}

/* --- shared commands ------------------------------------------------------------ */

void arg_dossier(struct argv *a, const struct dossier *d)
{
	arg_record(a, &rec_dossier, "dossier", d);
	for (int i = 0; i < d->nform; i++) {
		char name[DOSSIER_FORM_NAME + 4];

		snprintf(name, sizeof(name), "%s%s", rec_dossier.extra_prefix,
			 d->form[i].name);
		arg_group(a, "dossier", name, d->form[i].value);
	}
}

void cmd_dossier_put(struct argv *a, const struct store_keys *k,
		     const struct dossier *d, bool notify, int64_t now)
{
	char key[STORE_KEY_MAX], outbox[STORE_KEY_MAX];
	const char *keys[LUA_DOSSIER_PUT_NKEYS];

	store_key_dossier(k, d->key, key, sizeof(key));
	store_key_shard(k, store_shard_of(d->key, k->shards), SK_NOTICES, NULL,
			outbox, sizeof(outbox));
	keys[LUA_DOSSIER_PUT_DOSSIER] = key;
	keys[LUA_DOSSIER_PUT_OUTBOX] = outbox;
	arg_reset(a);
	arg_script(a, LUA_DOSSIER_PUT, keys);
	arg_kv(a, "key", d->key);
	arg_kv(a, "notify", notify ? "1" : "0");
	arg_ki(a, "now", now);
	arg_dossier(a, d);
}

void cmd_mt_queue(struct argv *a, const struct store_keys *k,
		  const struct store_mt *mt, int64_t ready_ms)
{
	unsigned shard = store_shard_of(mt->msisdn, k->shards);
	char k_q[STORE_KEY_MAX], k_mt[STORE_KEY_MAX];
	const char *keys[LUA_MT_QUEUE_NKEYS];

	store_key_shard(k, shard, store_queue_of(mt->prio), NULL, k_q,
			sizeof(k_q));
	store_key_shard(k, shard, SK_MT, mt->id, k_mt, sizeof(k_mt));
	keys[LUA_MT_QUEUE_QUEUE] = k_q;
	keys[LUA_MT_QUEUE_MT] = k_mt;
	arg_reset(a);
	arg_script(a, LUA_MT_QUEUE, keys);
	arg_kv(a, "id", mt->id);
	arg_ki(a, "ready_ms", ready_ms);
	arg_ki(a, "ttl_s", rec_mt.ttl_s);
	arg_record(a, &rec_mt, "mt", mt);
}

void cmd_hgetall(struct argv *a, const char *key)
{
	arg_reset(a);
	arg_s(a, "HGETALL");
	arg_s(a, key);
}

void cmd_dossier_get(struct argv *a, const struct store_keys *k,
		     const char *dossier_key)
{
	char key[STORE_KEY_MAX];

	store_key_dossier(k, dossier_key, key, sizeof(key));
	cmd_hgetall(a, key);
}

void cmd_dossier_status(struct argv *a, const struct store_keys *k,
			const struct store_status_set *s, int64_t now)
{
	char key[STORE_KEY_MAX], outbox[STORE_KEY_MAX];
	const char *keys[LUA_DOSSIER_STATUS_NKEYS];

	store_key_dossier(k, s->dossier_key, key, sizeof(key));
	store_key_shard(k, store_shard_of(s->dossier_key, k->shards),
			SK_NOTICES, NULL, outbox, sizeof(outbox));
	keys[LUA_DOSSIER_STATUS_DOSSIER] = key;
	keys[LUA_DOSSIER_STATUS_OUTBOX] = outbox;
	arg_reset(a);
	arg_script(a, LUA_DOSSIER_STATUS, keys);
	arg_kv(a, "key", s->dossier_key);
	arg_ki(a, "status", s->status);
	arg_kv(a, "reason", s->reason ? s->reason : "");
	arg_kv(a, "notify", s->notify ? "1" : "0");
	arg_ki(a, "now", now);
}

void cmd_app_filed(struct argv *a, const struct store_keys *k,
		   const char *dossier_key)
{
	char key[STORE_KEY_MAX];

	store_key_shard(k, store_shard_of(dossier_key, k->shards), SK_APPS,
			NULL, key, sizeof(key));
	arg_reset(a);
	arg_s(a, "ZSCORE");
	arg_s(a, key);
	arg_s(a, dossier_key);
}

void cmd_dossier_pttl(struct argv *a, const struct store_keys *k,
		      const char *dossier_key)
{
	char key[STORE_KEY_MAX];

	store_key_dossier(k, dossier_key, key, sizeof(key));
	arg_reset(a);
	arg_s(a, "PTTL");
	arg_s(a, key);
}

void cmd_apps_list(struct argv *a, const struct store_keys *k, unsigned shard,
		   const struct store_app_filter *f)
{
	char k_apps[STORE_KEY_MAX], k_d[STORE_KEY_MAX];
	const char *keys[LUA_APPS_LIST_NKEYS];

	store_key_shard(k, shard, SK_APPS, NULL, k_apps, sizeof(k_apps));
	store_key_shard(k, shard, SK_DOSSIER, "", k_d, sizeof(k_d));
	keys[LUA_APPS_LIST_APPS] = k_apps;
	keys[LUA_APPS_LIST_DOSSIERS] = k_d;
	arg_reset(a);
	arg_script(a, LUA_APPS_LIST, keys);
	arg_ki(a, "since", f->since);
	arg_ki(a, "upto", f->until);
	arg_ki(a, "status", f->status);
	arg_kv(a, "app", f->app ? f->app : "");
	arg_ki(a, "limit", f->limit);
	arg_ki(a, "scan", STORE_APPS_SCAN);
}

/* --- replies ---------------------------------------------------------------------- */

const redisReply *reply_field(const redisReply *h, const char *field)
{
	if (!h || h->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (size_t i = 0; i + 1 < h->elements; i += 2)
		if (h->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(h->element[i]->str, field) == 0)
			return h->element[i + 1];
	return NULL;
}

bool reply_record(const redisReply *h, const struct rec_def *def, void *obj)
{
	size_t npacked = 0;

	rec_defaults(def, obj);
	if (!h || h->type != REDIS_REPLY_ARRAY || h->elements == 0)
		return false;
	for (size_t i = 0; i + 1 < h->elements; i += 2) {
		const redisReply *k = h->element[i], *v = h->element[i + 1];
		char b[24];

		if (k->type != REDIS_REPLY_STRING)
			continue;
		if (v->type == REDIS_REPLY_STRING) {
			rec_take(def, obj, k->str, v->str, &npacked);
		} else if (v->type == REDIS_REPLY_INTEGER) {
			snprintf(b, sizeof(b), "%lld", v->integer);
			rec_take(def, obj, k->str, b, &npacked);
		}
	}
	rec_fill(def, obj, npacked);
	return true;
}

void reply_session(const redisReply *h, struct store_session *s)
{
	/* the variables beyond nvars are never read: 16 KB not cleared */
	memset(s, 0, offsetof(struct store_session, vars));
	if (!reply_record(h, &rec_session, s))
		return;
	s->exists = s->node[0] != '\0';
	for (size_t i = 0; i + 1 < h->elements; i += 2) {
		const char *f = h->element[i]->str;
		struct store_var *v;

		if (!f || strncmp(f, "x:", 2) != 0 ||
		    h->element[i + 1]->type != REDIS_REPLY_STRING ||
		    s->nvars >= STORE_VARS)
			continue;
		v = &s->vars[s->nvars++];
		util_strlcpy(v->name, f + 2, sizeof(v->name));
		util_strlcpy(v->value, h->element[i + 1]->str,
			     sizeof(v->value));
	}
}

bool reply_dossier(const redisReply *h, struct dossier *d)
{
	size_t np = strlen(rec_dossier.extra_prefix);

	memset(d, 0, sizeof(*d));
	if (!reply_record(h, &rec_dossier, d) || !d->code[0])
		return false;
	for (size_t i = 0; i + 1 < h->elements; i += 2) {
		const char *f = h->element[i]->str;

		if (f && strncmp(f, rec_dossier.extra_prefix, np) == 0 &&
		    h->element[i + 1]->type == REDIS_REPLY_STRING)
			dossier_form_set(d, f + np, h->element[i + 1]->str);
	}
	return true;
}

void reply_profile(const redisReply *h, struct store_profile *p)
{
	memset(p, 0, sizeof(*p));
	reply_record(h, &rec_profile, p);
}

void strings_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

int reply_strings(const redisReply *r, char ***out, size_t *n)
{
	char **v;

	*out = NULL;
	*n = 0;
	if (!r || r->type != REDIS_REPLY_ARRAY)
		return -EIO;
	if (!(v = calloc(r->elements + 1, sizeof(char *))))
		return -ENOMEM;
	for (size_t i = 0; i < r->elements; i++) {
		const redisReply *e = r->element[i];

		if (!(v[i] = strdup(e->type == REDIS_REPLY_STRING ? e->str
								 : ""))) {
			strings_free(v, i);
			return -ENOMEM;
		}
	}
	*out = v;
	*n = r->elements;
	return 0;
}

/* --- dossiers for staff ------------------------------------------------------------ */

/* A number in a string or integer reply (a score, a field), or def. */
static int64_t reply_i64(const redisReply *r, int64_t def)
{
	if (r && r->type == REDIS_REPLY_INTEGER)
		return r->integer;
	if (r && r->type == REDIS_REPLY_STRING && r->str)
		return (int64_t)strtod(r->str, NULL);
	return def;
}

bool reply_view_hash(const redisReply *h, struct store_dossier_view *v)
{
	memset(v, 0, sizeof(*v));
	if (!reply_dossier(h, &v->d))
		return false;
	v->rev = (int)reply_i64(reply_field(h, "rev"), 0);
	return true;
}

void reply_view_filed(const redisReply *r, struct store_dossier_view *v)
{
	v->filed_ms = reply_i64(r, 0);
}

void reply_view_ttl(const redisReply *r, int64_t now,
		    struct store_dossier_view *v)
{
	int64_t ttl = reply_i64(r, -1);

	v->expires_ms = ttl > 0 ? now + ttl : 0;
}

int reply_status(const redisReply *r, struct store_status_result *res)
{
	if (!r || r->type != REDIS_REPLY_ARRAY)
		return -EIO;
	res->found = r->elements == 3;
	if (!res->found)
		return r->elements == 0 ? 0 : -EIO;
	if (r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_INTEGER)
		return -EIO;
	res->old_status = atoi(r->element[0]->str);
	res->changed = r->element[1]->integer == 1;
	return 0;
}

/* --- applications over shards --------------------------------------------------------- */

static int app_gather_one(struct app_gather *g, const redisReply *key,
			  const redisReply *filed, const redisReply *h)
{
	struct store_dossier_view *v;

	if (key->type != REDIS_REPLY_STRING)
		return -EIO;
	if (g->l.n == g->cap) {
		int cap = g->cap ? g->cap * 2 : 64;
		struct store_dossier_view *nv = realloc(g->l.v, (size_t)cap *
							sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		g->l.v = nv;
		g->cap = cap;
	}
	v = &g->l.v[g->l.n];
	if (!reply_view_hash(h, v))
		return 0;	/* gone meanwhile */
	if (!v->d.key[0])	/* the index names it: its lookup key */
		util_strlcpy(v->d.key, key->str, sizeof(v->d.key));
	reply_view_filed(filed, v);
	g->l.n++;
	return 0;
}

static int by_filed_desc(const void *a, const void *b)
{
	const struct store_dossier_view *x = a, *y = b;

	if (x->filed_ms != y->filed_ms)
		return x->filed_ms < y->filed_ms ? 1 : -1;
	return strcmp(x->d.key, y->d.key);
}

int app_gather_add(struct app_gather *g, const redisReply *r)
{
	int rc = 0;

	if (!r || r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
	    (r->elements - 1) % 3 != 0)
		return -EIO;
	if (r->element[0]->type == REDIS_REPLY_INTEGER &&
	    r->element[0]->integer == 1)
		g->l.more = true;
	for (size_t i = 1; i + 2 < r->elements && rc == 0; i += 3)
		rc = app_gather_one(g, r->element[i], r->element[i + 1],
				    r->element[i + 2]);
	/* keep no more than the newest limit of what came so far, once
	 * it is twice that: a thousand shards cost no more than two */
	if (rc == 0 && g->l.n >= 2 * g->limit)
		app_gather_end(g);
	return rc;
}

void app_gather_end(struct app_gather *g)
{
	if (g->l.n > 1)
		qsort(g->l.v, (size_t)g->l.n, sizeof(*g->l.v), by_filed_desc);
	if (g->l.n > g->limit)
		g->l.n = g->limit;
}

void app_gather_free(struct app_gather *g)
{
	free(g->l.v);
	memset(g, 0, sizeof(*g));
}

/* --- Redis Sentinel ------------------------------------------------------ */

/* AUTH [user] password on c, when a password is set: 0 or -EACCES. */
static int sentinel_auth(redisContext *rc, const char *user,
			 const char *password, char *err, size_t errlen)
{
	redisReply *r;
	int ret = 0;

	if (!password[0])
		return 0;
	r = user[0] ? redisCommand(rc, "AUTH %s %s", user, password)
		    : redisCommand(rc, "AUTH %s", password);
	if (!r || r->type == REDIS_REPLY_ERROR)
		ret = util_err(err, errlen, -EACCES, "AUTH refused: %s",
			       r ? r->str : rc->errstr);
	if (r)
		freeReplyObject(r);
	return ret;
}

/* One sentinel's answer to SENTINEL get-master-addr-by-name. */
static int sentinel_ask(const struct cgw_conf *c, int i, struct timeval tv,
			char *host, size_t hostlen, int *port, char *err,
			size_t errlen)
{
	redisContext *rc = redisConnectWithTimeout(c->redis.sentinels.a[i].host,
						   c->redis.sentinels.a[i].port,
						   tv);
	redisReply *r = NULL;
	char *end;
	long p;
	int ret;

	if (!rc || rc->err) {
		ret = util_err(err, errlen, -ECONNREFUSED, "%s",
			       rc ? rc->errstr : "out of memory");
		goto out;
	}
	redisSetTimeout(rc, tv);
	ret = sentinel_auth(rc, c->redis.sentinel_user,
			    c->redis.sentinel_password, err, errlen);
	if (ret < 0)
		goto out;
	r = redisCommand(rc, "SENTINEL get-master-addr-by-name %s",
			 c->redis.master_name);
	if (!r) {
		ret = util_err(err, errlen, -EIO, "%s", rc->errstr);
		goto out;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		ret = util_err(err, errlen, -EIO, "%s", r->str);
		goto out;
	}
	/* nil: it monitors no master of that name */
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_STRING) {
		ret = util_err(err, errlen, -ENOENT, "knows no master named "
			       "'%s'", c->redis.master_name);
		goto out;
	}
	errno = 0;
	p = strtol(r->element[1]->str, &end, 10);
	if (*end || errno || p < 1 || p > 65535 ||
	    r->element[0]->len >= hostlen) {
		ret = util_err(err, errlen, -EIO, "answered an odd address "
			       "'%s' '%s'", r->element[0]->str,
			       r->element[1]->str);
		goto out;
	}
	util_strlcpy(host, r->element[0]->str, hostlen);
	*port = (int)p;
	ret = 0;
out:
	if (r)
		freeReplyObject(r);
	if (rc)
		redisFree(rc);
	return ret;
}

int sentinel_master(const struct cgw_conf *c, int first, int timeout_ms,
		    char *host, size_t hostlen, int *port, int *which,
		    char *err, size_t errlen)
{
	const struct conf_addrs *s = &c->redis.sentinels;
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	size_t used = 0;

	if (errlen)
		err[0] = '\0';
	for (int k = 0; k < s->n; k++) {
		int i = (first + k) % s->n;
		char why[160];

		if (sentinel_ask(c, i, tv, host, hostlen, port, why,
				 sizeof(why)) == 0) {
			*which = i;
			return 0;
		}
		if (used < errlen)
			used += (size_t)snprintf(err + used, errlen - used,
						 "%ssentinel %s:%d: %s",
						 used ? "; " : "",
						 s->a[i].host, s->a[i].port,
						 why);
	}
	return -EHOSTUNREACH;
}

int role_is_master(const redisReply *r)
{
	return r && r->type == REDIS_REPLY_ARRAY && r->elements > 0 &&
	       r->element[0]->type == REDIS_REPLY_STRING &&
	       strcmp(r->element[0]->str, "master") == 0;
}

/* --- the fingerprint's mark (store_int.h) ------------------------------- */

void store_fp_mark(const struct store_fp_ack *mark, const char *id,
		   char *out, size_t len)
{
	size_t n;

	if (!mark || !mark->conn || !mark->conn[0]) {
		util_strlcpy(out, id, len);	/* the plain id */
		return;
	}
	n = util_strlcpy(out, "a ", len);
	if (n + 24 < len)
		out[n + util_sdec(out + n, mark->at)] = '\0';
	util_strlcat(out, " ", len);
	util_strlcat(out, mark->conn, len);
	util_strlcat(out, " 0 ", len);
	util_strlcat(out, id, len);
}

bool store_fp_mark_live(const char *v, const char *live, const char **id,
			size_t *idlen)
{
	const char *conn, *p = v;
	size_t clen;

	if (strncmp(p, "a ", 2) != 0)
		return false;
	p += 2;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p++ != ' ' || !isxdigit((unsigned char)*p))
		return false;
	conn = p;
	while (isxdigit((unsigned char)*p))
		p++;
	clen = (size_t)(p - conn);
	if (*p++ != ' ' || (*p != '0' && *p != '1') || p[1] != ' ' || !p[2])
		return false;
	*id = p + 2;
	*idlen = strlen(p + 2);
	if (*idlen >= STORE_ID_MAX)
		return false;
	if (*p == '1')
		return true;
	for (const char *t = live; t && *t;) {
		const char *e = strchr(t, ' ');
		size_t tl = e ? (size_t)(e - t) : strlen(t);

		if (tl == clen && memcmp(t, conn, clen) == 0)
			return true;
		t = e ? e + 1 : NULL;
	}
	return false;
}
