/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Store, the MO path (see store/store.h): round trip 1 (record an MO,
 * read its session, profile and dossier), dossier reads, round trip 2
 * (the atomic commit of a step), and the recovery of open MOs.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "store/store_int.h"

/* --- round trip 1 ------------------------------------------------------------ */

/* Element i of an array reply into out when it is a string ("" if not). */
static void reply_str(const redisReply *r, size_t i, char *out, size_t len)
{
	out[0] = '\0';
	if (r->elements > i && r->element[i]->type == REDIS_REPLY_STRING)
		util_strlcpy(out, r->element[i]->str, len);
}

/* The key of the session an MO of mo's channel steps. */
static void mo_sess_key(const struct store_keys *k, const struct store_mo *mo,
			char *out, size_t len)
{
	store_key_phone(k, mo->ch == STORE_CH_USSD ? SK_SESS_USSD
						   : SK_SESS_SMS,
			mo->msisdn, out, len);
}

/* The commands of round trip 1, in the order sent. */
enum { MO_IN_SCRIPT, MO_IN_DOSSIER, MO_IN_WAIT, MO_IN_CMDS };

static void mo_in_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct store_mo_in_result *res = rq->ctx;

	if (idx == MO_IN_DOSSIER) {
		res->dossier_found = reply_dossier(r, &res->dossier);
		return;
	}
	if (idx == MO_IN_WAIT) {
		const struct cgw_conf *c = store_conf(rq->st);

		if (r->type != REDIS_REPLY_INTEGER) {
			rq->rc = -EIO;
			return;
		}
		res->replicas = (int)r->integer;
		res->unreplicated = r->integer < c->redis.wait_replicas;
		return;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING) {
		rq->rc = -EIO;
		return;
	}
	if (strcmp(r->element[0]->str, "dup") == 0) {
		res->verdict = STORE_MO_DUP;
		reply_str(r, 1, res->dup_of, sizeof(res->dup_of));
		reply_str(r, 2, res->why, sizeof(res->why));
		reply_str(r, 3, res->fp_prev, sizeof(res->fp_prev));
		return;
	}
	res->verdict = STORE_MO_NEW;
	if (r->elements >= 4) {
		reply_session(r->element[2], &res->session);
		reply_profile(r->element[3], &res->profile);
	}
	reply_str(r, 4, res->dup_of, sizeof(res->dup_of));
	reply_str(r, 5, res->why, sizeof(res->why));
}

/* Round trip 1's result before its replies: all but the session's
 * variables (reply_session writes them, up to nvars) and the dossier
 * (reply_dossier writes it; read only when found), 18 KB of 18.8. */
static void mo_in_result_clear(struct store_mo_in_result *res)
{
	memset(res, 0, offsetof(struct store_mo_in_result, session.vars));
	memset(&res->profile, 0,
	       offsetof(struct store_mo_in_result, dossier) -
		       offsetof(struct store_mo_in_result, profile));
	res->unreplicated = false;
	res->replicas = 0;
	res->fp_read = false;
	res->fp_held[0] = '\0';
}

static void mo_in_done(struct sreq *rq, int rc)
{
	store_mo_in_fn *cb = (store_mo_in_fn *)rq->cb;

	cb(rq->arg, rc, rc == 0 ? rq->ctx : NULL);
}

/* A request of ncmds commands whose result is round trip 1's, cleared,
 * with whether dossier_key was asked for. */
static int mo_in_open(struct store *st, int ncmds, sreq_reply_fn *reply,
		      store_mo_in_fn *cb, void *arg, const char *dossier_key,
		      struct sreq **rq)
{
	struct store_mo_in_result *res;
	int rc = sreq_open_raw(st, ncmds, reply, mo_in_done, (void *)cb, arg,
			       sizeof(*res), rq);

	if (rc < 0)
		return rc;
	res = (*rq)->ctx;
	mo_in_result_clear(res);
	res->dossier_asked = dossier_key != NULL;
	return 0;
}

/* new (SMS) | input (a USSD answer: new input where a menu waits) | begin
 * (a USSD dial, or SMS MENU: a re-delivery only while the first is open)
 * | reread */
static const char *mo_in_mode(const struct store_mo *mo, bool reread)
{
	if (reread)
		return "reread";
	if (mo->restart || (mo->ch == STORE_CH_USSD && mo->ussd_ev == 0))
		return "begin";
	return mo->ch == STORE_CH_USSD ? "input" : "new";
}

static void build_mo_in(struct argv *a, struct store *st,
			const struct store_mo *mo, bool reread,
			const char *live, const struct store_fp_ack *ack)
{
	const struct store_keys *k = store_keyctx(st);
	const struct cgw_conf *c = store_conf(st);
	unsigned shard = store_shard(st, mo->msisdn);
	char k_fp[STORE_KEY_MAX], k_mo[STORE_KEY_MAX], k_inq[STORE_KEY_MAX];
	char k_sess[STORE_KEY_MAX], k_ph[STORE_KEY_MAX], k_up[STORE_KEY_MAX];
	const char *keys[LUA_MO_IN_NKEYS];

	store_key_shard(k, shard, SK_FP, mo->fp, k_fp, sizeof(k_fp));
	store_key_shard(k, shard, SK_MO, mo->id, k_mo, sizeof(k_mo));
	store_key_shard(k, shard, SK_INQ, NULL, k_inq, sizeof(k_inq));
	mo_sess_key(k, mo, k_sess, sizeof(k_sess));
	store_key_phone(k, SK_PROFILE, mo->msisdn, k_ph, sizeof(k_ph));
	store_key_shard(k, shard, SK_UP, "", k_up, sizeof(k_up));
	keys[LUA_MO_IN_FP] = k_fp;
	keys[LUA_MO_IN_MO] = k_mo;
	keys[LUA_MO_IN_INQ] = k_inq;
	keys[LUA_MO_IN_SESS] = k_sess;
	keys[LUA_MO_IN_PH] = k_ph;
	keys[LUA_MO_IN_UP] = k_up;
	arg_reset(a);
	arg_script(a, LUA_MO_IN, keys);
	arg_kv(a, "id", mo->id);
	arg_ki(a, "now", ack ? ack->at : util_now_ms());
	arg_ki(a, "lease", c->gateway.mo_lease);
	arg_ki(a, "dedup_ms", c->gateway.mo_dedup_window);
	arg_ki(a, "ttl_s", rec_mo.ttl_s);
	arg_kv(a, "mode", mo_in_mode(mo, reread));
	arg_kv(a, "live", live ? live : "");
	arg_kv(a, "owner", store_owner(st));
	arg_kv(a, "ack_conn", ack ? ack->conn : "");
	if (!reread)
		arg_record(a, &rec_mo, "mo", mo);
}

int store_mo_in(struct store *st, const struct store_mo *mo, bool reread,
		const char *dossier_key, const char *live,
		const struct store_fp_ack *ack, store_mo_in_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	const struct cgw_conf *c = store_conf(st);
	/* a reread records nothing: nothing to wait for */
	bool wait = c->redis.wait_replicas > 0 && !reread;

	rc = mo_in_open(st, MO_IN_CMDS, mo_in_reply, cb, arg, dossier_key,
			&rq);
	if (rc < 0)
		return rc;
	build_mo_in(a, st, mo, reread, live, ack);
	sreq_send(rq, MO_IN_SCRIPT, a);
	if (dossier_key) {
		cmd_dossier_get(a, store_keyctx(st), dossier_key);
		sreq_send(rq, MO_IN_DOSSIER, a);
	}
	if (wait) {
		/* after the script: it waits for everything this connection
		 * wrote so far, the record included */
		arg_reset(a);
		arg_s(a, "WAIT");
		arg_i(a, c->redis.wait_replicas);
		arg_i(a, c->redis.wait_timeout);
		sreq_send(rq, MO_IN_WAIT, a);
	}
	return sreq_commit(rq);
}

/* The commands of store_mo_read, in the order sent. */
enum { MO_READ_SESS, MO_READ_PH, MO_READ_DOSSIER, MO_READ_FP, MO_READ_CMDS };

static void mo_read_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct store_mo_in_result *res = rq->ctx;

	if (idx == MO_READ_FP) {
		/* a value longer than a mark is not one: not read */
		res->fp_read = r->type == REDIS_REPLY_NIL ||
			       (r->type == REDIS_REPLY_STRING &&
				r->len < sizeof(res->fp_held));
		if (r->type == REDIS_REPLY_STRING && res->fp_read)
			memcpy(res->fp_held, r->str, r->len + 1);
		return;
	}
	if (r->type != REDIS_REPLY_ARRAY) {
		rq->rc = -EIO;
		return;
	}
	if (idx == MO_READ_SESS)
		reply_session(r, &res->session);
	else if (idx == MO_READ_PH)
		reply_profile(r, &res->profile);
	else
		res->dossier_found = reply_dossier(r, &res->dossier);
}

int store_mo_read(struct store *st, const struct store_mo *mo,
		  const char *dossier_key, store_mo_in_fn *cb, void *arg)
{
	const struct store_keys *k = store_keyctx(st);
	const struct cgw_conf *conf = store_conf(st);
	struct store_mo_in_result *res;
	struct argv *a = store_argv(st);
	char key[STORE_KEY_MAX];
	struct sreq *rq;
	int rc;

	rc = mo_in_open(st, MO_READ_CMDS, mo_read_reply, cb, arg, dossier_key,
			&rq);
	if (rc < 0)
		return rc;
	res = rq->ctx;
	res->verdict = STORE_MO_NEW;
	mo_sess_key(k, mo, key, sizeof(key));
	cmd_hgetall(a, key);
	sreq_send(rq, MO_READ_SESS, a);
	store_key_phone(k, SK_PROFILE, mo->msisdn, key, sizeof(key));
	cmd_hgetall(a, key);
	sreq_send(rq, MO_READ_PH, a);
	if (dossier_key) {
		cmd_dossier_get(a, k, dossier_key);
		sreq_send(rq, MO_READ_DOSSIER, a);
	}
	/* what its fingerprint holds, for a lean commit (GET: about 2.8 K
	 * of Redis's instructions, against the script's 100 K); none is
	 * kept with no window. Not where every commit is the script's: an
	 * SMS with protect.replies_exact, a USSD answer with
	 * ussd.sessions_exact (commit_lean) */
	res->fp_read = conf->gateway.mo_dedup_window <= 0;
	if (mo->fp[0] && !res->fp_read &&
	    !(mo->ch == STORE_CH_SMS ? conf->protect.replies_exact
				     : conf->ussd.sessions_exact)) {
		store_key_shard(k, store_shard(st, mo->msisdn), SK_FP, mo->fp,
				key, sizeof(key));
		arg_reset(a);
		arg_s(a, "GET");
		arg_s(a, key);
		sreq_send(rq, MO_READ_FP, a);
	}
	return sreq_commit(rq);
}

/* One call of a script on an acknowledgement's fingerprint (fp_ack.lua
 * with `expect`, fp_unmark.lua without): its key first, then id, at,
 * conn. */
static int fp_call(struct store *st, enum lua_script_id script,
		   const struct store_fp_ack *ack, const char *expect,
		   store_done_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	char k_fp[STORE_KEY_MAX];
	const char *keys[1] = { k_fp };
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, NULL, sreq_simple_done, (void *)cb, arg, 0, &rq);
	if (rc < 0)
		return rc;
	store_key_shard(store_keyctx(st), store_shard(st, ack->msisdn), SK_FP,
			ack->fp, k_fp, sizeof(k_fp));
	arg_reset(a);
	arg_script(a, script, keys);
	arg_kv(a, "id", ack->mo_id);
	arg_ki(a, "at", ack->at);
	arg_kv(a, "conn", ack->conn);
	if (expect)
		arg_kv(a, "expect", expect);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

int store_fp_unmark(struct store *st, const struct store_fp_ack *ack,
		    store_done_fn *cb, void *arg)
{
	_Static_assert(LUA_FP_UNMARK_FP == 0 && LUA_FP_UNMARK_NKEYS == 1,
		       "fp_call: one key");
	return fp_call(st, LUA_FP_UNMARK, ack, NULL, cb, arg);
}

int store_fp_ack(struct store *st, const struct store_fp_ack *ack,
		 const char *expect, store_done_fn *cb, void *arg)
{
	_Static_assert(LUA_FP_ACK_FP == 0 && LUA_FP_ACK_NKEYS == 1,
		       "fp_call: one key");
	return fp_call(st, LUA_FP_ACK, ack, expect ? expect : "", cb, arg);
}

int store_conn_up(struct store *st, const char *conn, int64_t upto,
		  int64_t ttl_ms)
{
	const struct store_keys *k = store_keyctx(st);
	struct argv *a = store_argv(st);
	int shards = k->shards > 0 ? k->shards : 1;
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, shards, NULL, sreq_simple_done, NULL, NULL, 0, &rq);
	if (rc < 0)
		return rc;
	for (int s = 0; s < shards; s++) {
		char key[STORE_KEY_MAX];

		store_key_shard(k, (unsigned)s, SK_UP, conn, key, sizeof(key));
		arg_reset(a);
		arg_s(a, "SET");
		arg_s(a, key);
		arg_i(a, upto);
		arg_s(a, "PX");
		arg_i(a, ttl_ms);
		sreq_send(rq, s, a);
	}
	return sreq_commit(rq);
}

/* --- dossiers ------------------------------------------------------------------ */

struct dossier_ctx {
	bool found;
	struct dossier d;
};

static void dossier_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct dossier_ctx *x = rq->ctx;

	x->found = reply_dossier(r, &x->d);
}

static void dossier_done(struct sreq *rq, int rc)
{
	struct dossier_ctx *x = rq->ctx;
	store_dossier_fn *cb = (store_dossier_fn *)rq->cb;
	bool found = rc == 0 && x->found;

	cb(rq->arg, rc, found, found ? &x->d : NULL);
}

int store_dossier_get(struct store *st, const char *key, store_dossier_fn *cb,
		      void *arg)
{
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, dossier_reply, dossier_done, (void *)cb, arg,
		       sizeof(struct dossier_ctx), &rq);
	if (rc < 0)
		return rc;
	cmd_dossier_get(a, store_keyctx(st), key);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

/* --- round trip 2 --------------------------------------------------------------- */

/*
 * A commit's state. Record mode is a transaction (store_commit): the
 * script's reply is the last of EXEC's, and EXEC's is command 0 (the
 * others answer OK and QUEUED).
 */
struct commit_ctx {
	struct store_commit_result res;	/* first: what the callback gets */
	bool record;
	/* a lean commit (commit_lean): the index in EXEC's reply of its
	 * fingerprint's SET ... GET (-1: none) and what it must answer (as
	 * store_mo_read found it); the index of the ZSCORE telling whether
	 * the MO it repeats is open (-1: none) and that MO; the flags of its
	 * STORE_COMMIT_RACED */
	bool lean;
	int fp_at, open_at;
	char fp_expect[STORE_FP_VALUE_MAX];
	char again[STORE_ID_MAX];
	unsigned lean_flags;
	/* a lean step of the session: the index in EXEC's reply of the
	 * HGETALL that found what it replaced (-1: none), and the version
	 * that must have had (the step wrote the next) */
	int sess_at;
	uint64_t sess_expect;
};

/* Element i of EXEC's reply r as a string, "" for nil; NULL for another
 * type or none. */
static const char *exec_str(const redisReply *r, int i)
{
	if (i < 0 || (size_t)i >= r->elements)
		return NULL;
	r = r->element[i];
	return r->type == REDIS_REPLY_NIL ? ""
	       : r->type == REDIS_REPLY_STRING ? r->str : NULL;
}

/* A lean commit raced (or failed with its session stepped): what it
 * wrote is taken back, the fingerprint to `was` (what its SET ... GET
 * found; NULL: not read), the session to what it replaced. */
static void lean_raced(struct commit_ctx *cx, const redisReply *r,
		       const char *was)
{
	struct store_commit_result *x = &cx->res;

	x->verdict = STORE_COMMIT_RACED;
	x->flags = cx->lean_flags;
	util_strlcpy(x->fp_prev, was ? was : "", sizeof(x->fp_prev));
	if (cx->sess_at < 0)
		return;
	/* what the step replaced (a session, or an error: none) */
	r = r->element[cx->sess_at];
	if (r->type == REDIS_REPLY_ARRAY)
		reply_session(r, &x->session);
	else
		memset(&x->session, 0, offsetof(struct store_session, vars));
	x->stepped = cx->sess_expect + 1;
	x->flags |= STORE_COMMIT_SESSION;
}

/* Whether a lean step found the session at the version it read: HGETALL's
 * reply r (none: version 0). */
static bool lean_sess_ok(const struct commit_ctx *cx, const redisReply *r)
{
	if (r->type != REDIS_REPLY_ARRAY)
		return false;
	for (size_t i = 0; i + 1 < r->elements; i += 2)
		if (r->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(r->element[i]->str, "v") == 0)
			return r->element[i + 1]->type == REDIS_REPLY_STRING &&
			       strtoull(r->element[i + 1]->str, NULL, 10) ==
				       cx->sess_expect;
	return cx->sess_expect == 0;
}

/*
 * A lean commit's EXEC reply. OK when the fingerprint held what
 * store_mo_read read (a repeat: dup_of the MO it repeats, not open), or
 * nothing (gone meanwhile: as the script, a new MO), and a stepped
 * session the version read. Otherwise RACED, fp_prev what the
 * fingerprint held, the session what the step replaced, to be put back.
 * An error in it (a command of the transaction refused): -EPROTO, what
 * it wrote to take back, as for the script's; RACED when it stepped the
 * session (put back, then the script commits it and meets the error).
 */
static void lean_reply(struct sreq *rq, const redisReply *r)
{
	struct commit_ctx *cx = rq->ctx;
	struct store_commit_result *x = &cx->res;
	const char *was = NULL, *open;

	if (r->type != REDIS_REPLY_ARRAY ||
	    (cx->sess_at >= 0 && (size_t)cx->sess_at >= r->elements)) {
		rq->rc = -EIO;	/* EXEC aborted */
		return;
	}
	if (cx->fp_at >= 0)
		was = exec_str(r, cx->fp_at);
	for (size_t i = 0; i < r->elements; i++)
		if (r->element[i]->type == REDIS_REPLY_ERROR) {
			sreq_error(rq, r->element[i]);	/* logs; -EIO */
			if (cx->sess_at >= 0) {
				/* no failure: what it wrote, the session too,
				 * is taken back as for a race */
				rq->rc = 0;
				lean_raced(cx, r, was);
			} else {
				rq->rc = -EPROTO;
			}
			return;
		}
	x->verdict = STORE_COMMIT_OK;
	if (cx->fp_at >= 0 && !was) {
		rq->rc = -EIO;
		return;
	}
	if (cx->sess_at >= 0 && !lean_sess_ok(cx, r->element[cx->sess_at])) {
		lean_raced(cx, r, was);
		return;
	}
	if (!was || !*was)
		return;
	open = cx->open_at >= 0 ? exec_str(r, cx->open_at) : "";
	if (strcmp(was, cx->fp_expect) == 0 && open && !*open) {
		util_strlcpy(x->dup_of, cx->again, sizeof(x->dup_of));
		return;
	}
	lean_raced(cx, r, was);
}

static void commit_reply(struct sreq *rq, int idx, const redisReply *r)
{
	static const unsigned bits[] = { STORE_COMMIT_BLOCKED,
					 STORE_COMMIT_LIMITED,
					 STORE_COMMIT_MT2 };
	struct commit_ctx *cx = rq->ctx;
	struct store_commit_result *x = &cx->res;

	if (idx != 0)
		return;		/* MULTI's OK, a QUEUED */
	if (cx->lean) {
		lean_reply(rq, r);
		return;
	}
	if (cx->record) {
		if (r->type != REDIS_REPLY_ARRAY || r->elements < 1) {
			rq->rc = -EIO;	/* EXEC aborted */
			return;
		}
		r = r->element[r->elements - 1];
		if (r->type == REDIS_REPLY_ERROR) {
			/* the records written, the script not run (or not
			 * to its end): the caller takes them back
			 * (store_commit_unwrite) */
			sreq_error(rq, r);
			rq->rc = -EPROTO;
			return;
		}
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
	    r->element[0]->type != REDIS_REPLY_STRING) {
		rq->rc = -EIO;
		return;
	}
	if (strcmp(r->element[0]->str, "gone") == 0) {
		x->verdict = STORE_COMMIT_GONE;
	} else if (strcmp(r->element[0]->str, "conflict") == 0) {
		x->verdict = STORE_COMMIT_CONFLICT;
		reply_session(r->elements >= 2 ? r->element[1] : NULL,
			      &x->session);
	} else if (strcmp(r->element[0]->str, "dup") == 0) {
		x->verdict = STORE_COMMIT_DUP;
		reply_str(r, 1, x->dup_of, sizeof(x->dup_of));
		reply_str(r, 2, x->why, sizeof(x->why));
		reply_str(r, 3, x->fp_prev, sizeof(x->fp_prev));
	} else {
		x->verdict = STORE_COMMIT_OK;
		for (size_t i = 0; i < ARRAY_SIZE(bits); i++)
			if (r->elements > i + 1 &&
			    r->element[i + 1]->type == REDIS_REPLY_INTEGER &&
			    r->element[i + 1]->integer == 1)
				x->flags |= bits[i];
		reply_str(r, 4, x->dup_of, sizeof(x->dup_of));
		reply_str(r, 5, x->why, sizeof(x->why));
	}
}

static void commit_done(struct sreq *rq, int rc)
{
	store_commit_fn *cb = (store_commit_fn *)rq->cb;

	cb(rq->arg, rc, rc == 0 ? rq->ctx : NULL);
}

/* The keys of a commit, in the script's order. */
struct commit_keys {
	char sess[STORE_KEY_MAX], inq[STORE_KEY_MAX], mo[STORE_KEY_MAX];
	char outq[STORE_KEY_MAX], mt[STORE_KEY_MAX], ph[STORE_KEY_MAX];
	char mt2[STORE_KEY_MAX], requests[STORE_KEY_MAX], fp[STORE_KEY_MAX];
	char rq[STORE_KEY_MAX], up[STORE_KEY_MAX];
	const char *v[LUA_MO_COMMIT_NKEYS];
};

/* The keys of an MO's record and of its reply's in shard (mt_id NULL:
 * none, a key that still names the shard's slot). */
static void record_keys(const struct store_keys *k, unsigned shard,
			const char *mo_id, const char *mt_id,
			char k_mo[STORE_KEY_MAX], char k_mt[STORE_KEY_MAX])
{
	store_key_shard(k, shard, SK_MO, mo_id, k_mo, STORE_KEY_MAX);
	store_key_shard(k, shard, SK_MT, mt_id ? mt_id : "-", k_mt,
			STORE_KEY_MAX);
}

static void commit_keys(struct store *st, const struct store_commit *c,
			struct commit_keys *ck)
{
	const struct store_keys *k = store_keyctx(st);
	const struct store_mo *mo = c->mo;
	unsigned shard = store_shard(st, mo->msisdn);

	mo_sess_key(k, mo, ck->sess, sizeof(ck->sess));
	store_key_shard(k, shard, SK_INQ, NULL, ck->inq, sizeof(ck->inq));
	record_keys(k, shard, mo->id, c->mt ? c->mt->id : NULL, ck->mo,
		    ck->mt);
	store_key_shard(k, shard, SK_OUTQ, NULL, ck->outq, sizeof(ck->outq));
	store_key_phone(k, SK_PROFILE, mo->msisdn, ck->ph, sizeof(ck->ph));
	store_key_shard(k, shard, SK_MT, c->mt2 ? c->mt2->id : "-", ck->mt2,
			sizeof(ck->mt2));
	store_key_shard(k, shard, SK_REQUESTS, NULL, ck->requests,
			sizeof(ck->requests));
	store_key_shard(k, shard, SK_FP, mo->fp[0] ? mo->fp : "-", ck->fp,
			sizeof(ck->fp));
	store_key_shard(k, shard, SK_REQ_SEEN, c->req ? c->req->ref : "-",
			ck->rq, sizeof(ck->rq));
	store_key_shard(k, shard, SK_UP, "", ck->up, sizeof(ck->up));
	ck->v[LUA_MO_COMMIT_SESS] = ck->sess;
	ck->v[LUA_MO_COMMIT_INQ] = ck->inq;
	ck->v[LUA_MO_COMMIT_MO] = ck->mo;
	ck->v[LUA_MO_COMMIT_OUTQ] = ck->outq;
	ck->v[LUA_MO_COMMIT_MT] = ck->mt;
	ck->v[LUA_MO_COMMIT_PH] = ck->ph;
	ck->v[LUA_MO_COMMIT_FP] = ck->fp;
	ck->v[LUA_MO_COMMIT_UP] = ck->up;
	/* optional (mo_commit.lua): K.mt2 with an SMS copy, or before the
	 * request's keys ("-", still the shard's slot); those with one */
	ck->v[LUA_MO_COMMIT_MT2] = c->mt2 || c->req ? ck->mt2 : NULL;
	ck->v[LUA_MO_COMMIT_REQUESTS] = c->req ? ck->requests : NULL;
	ck->v[LUA_MO_COMMIT_RQ] = c->req ? ck->rq : NULL;
}

/* A session's variables, each "x:<name>" and its value: as fields, or
 * entries of group grp (not NULL) */
static void session_vars(struct argv *a, const struct store_session *s,
			 const char *grp)
{
	for (int i = 0; i < s->nvars; i++) {
		char f[STORE_VAR_NAME + 4];

		snprintf(f, sizeof(f), "%s%s", rec_session.extra_prefix,
			 s->vars[i].name);
		if (grp) {
			arg_group(a, grp, f, s->vars[i].value);
		} else {
			arg_s(a, f);
			arg_s(a, s->vars[i].value);
		}
	}
}

static void commit_session(struct argv *a, const struct store_session *s)
{
	arg_record(a, &rec_session, "sess", s);
	session_vars(a, s, "sess");
}

/* The request as the stream records it: the MO's phone, channel and id,
 * the time of the commit, then the procedure's own fields. */
static void commit_request(struct argv *a, const struct store_commit *c,
			   int64_t now)
{
	struct store_request r = *c->req;

	util_strlcpy(r.phone, c->mo->msisdn, sizeof(r.phone));
	r.ch = c->mo->ch;
	util_strlcpy(r.mo, c->mo->id, sizeof(r.mo));
	r.at = now;
	if (!r.lang[0])
		util_strlcpy(r.lang, "vi", sizeof(r.lang));
	arg_record(a, &rec_request, "req", &r);
	for (int i = 0; i < r.nfields; i++)
		arg_group(a, "req", r.fields[i].name, r.fields[i].value);
}

static void group_int(struct argv *a, const char *grp, const char *field,
		      long long v)
{
	char b[24];

	b[util_sdec(b, v)] = '\0';
	arg_group(a, grp, field, b);
}

/* A request's options (A.reqopt): how far the shard's request stream is
 * trimmed (services.requests_max over the shards,
 * services.requests_keep_days) and until when its number is known
 * (K.rq). */
static void commit_reqopt(struct argv *a, const struct cgw_conf *conf,
			  const struct store_commit *c, int64_t now)
{
	int shards = conf->redis.shards > 0 ? conf->redis.shards : 1;
	char minid[32];
	size_t n;

	group_int(a, "reqopt", "max",
		  (conf->services.requests_max + shards - 1) / shards);
	n = util_sdec(minid, now - conf->services.requests_keep_days *
					   86400000LL);
	memcpy(minid + n, "-0", 3);	/* per MO: no snprintf */
	arg_group(a, "reqopt", "minid", minid);
	group_int(a, "reqopt", "until",
		  c->req_until > now ? c->req_until : now + 3600 * 1000LL);
}

/* A record written whole: HSET key, "state" state, f2 v2, then obj's
 * fields as def gives them; and its expiry (def's TTL from now, ms), as
 * PEXPIREAT: Redis rewrites an EXPIRE into one for its replicas and
 * its AOF, whether it has them or not (1 K instructions of its 6.5,
 * bench/script-cost.sh --instr). Commands n and n + 1 of rq; returns
 * the next. */
static int put_record(struct sreq *rq, int n, struct argv *a,
		      const char *key, const char *state, const char *f2,
		      const char *v2, const struct rec_def *def,
		      const void *obj, int64_t now)
{
	arg_reset(a);
	arg_s(a, "HSET");
	arg_s(a, key);
	arg_s(a, "state");
	arg_s(a, state);
	arg_s(a, f2);
	arg_s(a, v2);
	arg_fields(a, def, obj);
	sreq_send(rq, n++, a);
	arg_reset(a);
	arg_s(a, "PEXPIREAT");
	arg_s(a, key);
	arg_i(a, now + def->ttl_s * 1000LL);
	sreq_send(rq, n++, a);
	return n;
}

/* The state a commit closes its MO in (store_commit.mo_state). */
static const char *commit_mo_state(const struct store_commit *c)
{
	return c->mo_state ? c->mo_state : "answered";
}

/* What a commit in record mode writes before its script: the MO's
 * record closed as mo_state with its reply (none for mo_state ""), and
 * the reply's record queued, leased to this process. */
static int commit_records(struct sreq *rq, int n, struct argv *a,
			  struct store *st, const struct store_commit *c,
			  const struct commit_keys *ck, int64_t now)
{
	const char *mo_state = commit_mo_state(c);

	if (mo_state[0]) {
		/* no fingerprint kept in it (close() in mo_commit.lua drops
		 * it from a record mo_in wrote) */
		struct store_mo mo = *c->mo;

		mo.fp[0] = '\0';
		n = put_record(rq, n, a, ck->mo, mo_state, "mt",
			       c->mt ? c->mt->id : "", &rec_mo, &mo, now);
	}
	if (c->mt)
		n = put_record(rq, n, a, ck->mt, "queued", "owner",
			       store_owner(st), &rec_mt, c->mt, now);
	return n;
}

/* mo_commit.lua's flags, five characters in one argument (as the
 * script says: six arguments cost Redis more) */
static const char *commit_flags(const struct store_commit *c, char *f)
{
	const char *mode = mo_in_mode(c->mo, false);

	f[0] = c->keep_session ? 'k' : c->next ? 's' : 'e';
	f[1] = c->lookup_failed ? '1' : '0';
	f[2] = c->mt && c->mt->ch == STORE_CH_SMS && !c->reply_uncounted
		       ? '1' : '0';
	f[3] = strcmp(mode, "begin") == 0 ? 'b'
	       : strcmp(mode, "input") == 0 ? 'i' : 'n';
	f[4] = c->record ? '1' : '0';
	f[5] = '\0';
	return f;
}

static void build_commit(struct argv *a, struct store *st,
			 const struct store_commit *c,
			 const struct commit_keys *ck, int64_t now)
{
	const struct cgw_conf *conf = store_conf(st);
	const struct store_mt *mt = c->mt;
	/* the acknowledgement's mark: written (record mode) or taken back */
	const struct store_fp_ack *ack = c->record ? c->mark : c->unmark;
	char flags[8];

	arg_reset(a);
	/* the configuration's values are in the script's text (C.*) */
	arg_script(a, LUA_MO_COMMIT, ck->v);
	arg_kv(a, "mo_id", c->mo->id);
	arg_ki(a, "expect_v", (long long)c->expect_version);
	arg_kv(a, "flags", commit_flags(c, flags));
	arg_ki(a, "sess_until", now + c->ttl_ms);
	arg_kv(a, "mt_id", mt ? mt->id : "");
	arg_ki(a, "mt_score", now + conf->gateway.mt_lease);
	arg_kv(a, "set_lang", c->set_lang ? c->set_lang : "");
	arg_kv(a, "optout", c->optout < 0 ? "" : c->optout ? "1" : "0");
	arg_ki(a, "now", now);
	arg_kv(a, "mt2_id", c->mt2 ? c->mt2->id : "");
	arg_kv(a, "mo_state", commit_mo_state(c));
	arg_ki(a, "ack_at", ack ? ack->at : 0);
	arg_kv(a, "ack_conn", ack ? ack->conn : "");
	arg_kv(a, "owner", store_owner(st));
	arg_kv(a, "live", c->live ? c->live : "");
	if (c->next && !c->keep_session)
		commit_session(a, c->next);
	if (mt && !c->record)	/* record mode: written before the script */
		arg_record(a, &rec_mt, "mt", mt);
	if (c->mt2)
		arg_record(a, &rec_mt, "mt2", c->mt2);
	if (c->req) {
		commit_request(a, c, now);
		commit_reqopt(a, conf, c, now);
	}
}

/* --- the lean commit -------------------------------------------------- */

/* The period of the profile's expiry renewal as mo_commit.lua keeps it
 * (xd: `now` without its last 8 digits, about 28 hours). */
#define RENEW_PERIOD_MS 100000000LL

/* What a lean commit writes besides the records. */
struct lean {
	bool fp;		/* its fingerprint, SET ... GET */
	const char *again;	/* the MO it repeats (its fingerprint's
				 * mark as read), or NULL */
	size_t again_len;
	bool count;		/* its reply counted in the profile (rln) */
	bool new_window;	/* in a new minute: rlw now, rln 1 */
	bool renew;		/* the profile's expiry renewed (xd) */
	bool sess;		/* a USSD answer's step of its session */
};

/*
 * Whether record-mode commit c needs nothing judged by Redis, so that
 * plain commands do what mo_commit.lua would (and *l what they write):
 * - its fingerprint as read (c->fp_held): free, or the mark of a copy
 *   acknowledged in time on a connection still up (store_fp_mark_live: a
 *   repeat, answered). SET ... GET marks it as the script would; the
 *   transaction's reply tells whether it still held that (and whether
 *   the repeated MO is open: ZSCORE), or the commit raced;
 * - no session checked: kept, or none read and none written (an SMS
 *   lookup with no menu open). The script's compare-and-swap would
 *   write nothing either; a session made since by another MO of the
 *   phone is that MO's, this one ordered before it. Or a USSD answer
 *   stepping its session (not with ussd.sessions_exact): HGETALL, DEL,
 *   HSET, the first telling whether the step replaced the version read
 *   (else RACED: it is put back, sess_restore.lua). One process steps a
 *   phone's session one MO at a time (gw.c parks the next), so only
 *   another process's MO, or a copy of this one, races it;
 * - under the reply limit as read (c->profile): counted by HINCRBY, so
 *   two MOs of a phone in flight at once (two processes, SMS and USSD)
 *   each count; they may both pass the limit's last reply (the script,
 *   atomic, lets one: protect.replies_exact);
 * - none of the rest: an SMS copy, a request, a failed lookup (the
 *   lock-out), a language, an opt-out (either way), a profile opted out
 *   (kept without expiry).
 */
static bool commit_lean(struct store *st, const struct store_commit *c,
			int64_t now, struct lean *l)
{
	const struct cgw_conf *conf = store_conf(st);
	const struct store_profile *p = c->profile;
	int lim = conf->protect.replies_per_minute;

	memset(l, 0, sizeof(*l));
	l->sess = !c->keep_session && (c->next || c->expect_version != 0);
	if (!c->record || !c->fp_held || !p || c->mt2 || c->req ||
	    c->lookup_failed || c->set_lang || c->optout >= 0 ||
	    conf->protect.replies_exact ||
	    (l->sess && (c->mo->ch != STORE_CH_USSD ||
			 conf->ussd.sessions_exact)) ||
	    strcmp(mo_in_mode(c->mo, false), "begin") == 0)
		return false;
	l->fp = conf->gateway.mo_dedup_window > 0 && c->mo->fp[0];
	if (l->fp && c->fp_held[0] &&
	    !store_fp_mark_live(c->fp_held, c->live, &l->again,
				&l->again_len))
		return false;
	l->count = lim > 0 && c->mt && c->mt->ch == STORE_CH_SMS &&
		   !c->reply_uncounted;
	if (!l->count)
		return true;
	if (l->sess)
		return false;	/* a USSD screen is not counted */
	if (p->optout)
		return false;
	l->new_window = now - p->replies_since >= STORE_REPLY_WINDOW_MS;
	if (!l->new_window && p->replies >= lim)
		return false;	/* the script closes it, limited */
	l->renew = p->renewed_period != now / RENEW_PERIOD_MS;
	return true;
}

/* The number of lean_commands'. */
static int lean_ncmds(const struct store_commit *c, const struct lean *l)
{
	return l->fp + !!l->again + 4 * l->sess + !!c->mt +
	       (l->count ? 1 + (!l->new_window && l->renew) + l->renew : 0);
}

/* A USSD answer's step of its session (commit_lean), as mo_commit.lua
 * writes it: what was there (HGETALL: lean_reply checks its version),
 * DEL, HSET of the next version (the node ended: node ""), its expiry;
 * commands n to n + 3, returns the next. */
static int lean_step(struct sreq *rq, int n, struct argv *a,
		     const struct store_commit *c,
		     const struct commit_keys *ck, int64_t now)
{
	struct commit_ctx *cx = rq->ctx;
	const struct store_session *s = c->next;

	cx->sess_at = n - 2;	/* EXEC's reply: those after MULTI */
	cx->sess_expect = c->expect_version;
	cmd_hgetall(a, ck->sess);
	sreq_send(rq, n++, a);
	arg_reset(a);
	arg_s(a, "DEL");
	arg_s(a, ck->sess);
	sreq_send(rq, n++, a);
	arg_reset(a);
	arg_s(a, "HSET");
	arg_s(a, ck->sess);
	arg_s(a, "v");
	arg_i(a, (long long)(c->expect_version + 1));
	if (s) {
		arg_fields(a, &rec_session, s);
		session_vars(a, s, NULL);
	} else {
		arg_s(a, "node");
		arg_s(a, "");
	}
	sreq_send(rq, n++, a);
	arg_reset(a);
	arg_s(a, "PEXPIREAT");
	arg_s(a, ck->sess);
	arg_i(a, now + c->ttl_ms);
	sreq_send(rq, n++, a);
	return n;
}

/* After the records (n: the next command), what commit_lean decided in
 * plain commands; returns the next command. */
static int lean_commands(struct sreq *rq, int n, struct argv *a,
			 struct store *st, const struct store_commit *c,
			 const struct commit_keys *ck, const struct lean *l,
			 int64_t now)
{
	const struct cgw_conf *conf = store_conf(st);
	struct commit_ctx *cx = rq->ctx;
	char v[STORE_FP_VALUE_MAX];

	cx->fp_at = cx->open_at = cx->sess_at = -1;
	if (l->fp) {
		/* EXEC's reply holds those of the commands after MULTI */
		cx->fp_at = n - 2;
		util_strlcpy(cx->fp_expect, c->fp_held, sizeof(cx->fp_expect));
		store_fp_mark(c->mark, c->mo->id, v, sizeof(v));
		arg_reset(a);
		arg_s(a, "SET");
		arg_s(a, ck->fp);
		arg_s(a, v);
		/* an absolute time: Redis rewrites PX into PXAT anyway */
		arg_s(a, "PXAT");
		arg_i(a, now + conf->gateway.mo_dedup_window);
		arg_s(a, "GET");
		sreq_send(rq, n++, a);
	}
	if (l->again) {
		/* the MO it repeats, open (in the inbound queue: a two-call
		 * MO not answered yet), makes it a re-delivery */
		cx->open_at = n - 2;
		memcpy(cx->again, l->again, l->again_len);
		cx->again[l->again_len] = '\0';
		arg_reset(a);
		arg_s(a, "ZSCORE");
		arg_s(a, ck->inq);
		arg_s(a, cx->again);
		sreq_send(rq, n++, a);
	}
	if (l->sess)
		n = lean_step(rq, n, a, c, ck, now);
	if (c->mt) {
		arg_reset(a);
		arg_s(a, "ZADD");
		arg_s(a, ck->outq);
		arg_i(a, now + conf->gateway.mt_lease);
		arg_s(a, c->mt->id);
		sreq_send(rq, n++, a);
	}
	if (!l->count)
		return n;
	cx->lean_flags = STORE_COMMIT_COUNTED;
	arg_reset(a);
	if (l->new_window) {
		arg_s(a, "HSET");
		arg_s(a, ck->ph);
		arg_s(a, "rlw");
		arg_i(a, now);
		arg_s(a, "rln");
		arg_s(a, "1");
	} else {
		arg_s(a, "HINCRBY");
		arg_s(a, ck->ph);
		arg_s(a, "rln");
		arg_s(a, "1");
		if (l->renew) {
			sreq_send(rq, n++, a);
			arg_reset(a);
			arg_s(a, "HSET");
			arg_s(a, ck->ph);
		}
	}
	if (l->renew) {
		arg_s(a, "xd");
		arg_i(a, now / RENEW_PERIOD_MS);
	}
	sreq_send(rq, n++, a);
	if (l->renew) {
		arg_reset(a);
		arg_s(a, "PEXPIREAT");
		arg_s(a, ck->ph);
		arg_i(a, now + rec_profile.ttl_s * 1000LL);
		sreq_send(rq, n++, a);
	}
	return n;
}

/*
 * Record mode is one transaction, MULTI, the records (commit_records),
 * the script, EXEC: what only Redis decides (a re-delivery, a conflict,
 * the reply limit) the script decides, and takes the records back
 * against, inside it. Otherwise the script alone.
 */
int store_commit(struct store *st, const struct store_commit *c,
		 store_commit_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	const char *mo_state = commit_mo_state(c);
	/* one clock for the records' expiries and the script's times */
	int64_t now = util_now_ms();
	struct lean l;
	bool lean = commit_lean(st, c, now, &l);
	/* MULTI, the records, the script or the lean commit's commands,
	 * EXEC */
	int ncmds = c->record ? 2 + (mo_state[0] ? 2 : 0) + (c->mt ? 2 : 0) +
					(lean ? lean_ncmds(c, &l) : 1)
			      : 1;
	struct commit_keys ck;
	struct commit_ctx *x;
	struct sreq *rq;
	int rc, n = 1;

	rc = sreq_open_raw(st, ncmds, commit_reply, commit_done, (void *)cb,
			   arg, sizeof(*x), &rq);
	if (rc < 0)
		return rc;
	/* the session's variables are written (reply_session) before they
	 * are read, and only on a conflict: 16 KB not cleared per MO */
	x = rq->ctx;
	memset(&x->res, 0, offsetof(struct store_commit_result, session.vars));
	x->res.stepped = 0;
	x->record = c->record;
	x->lean = lean;
	x->lean_flags = 0;
	commit_keys(st, c, &ck);
	if (c->record) {
		arg_reset(a);
		arg_s(a, "MULTI");
		sreq_send(rq, n++, a);
		n = commit_records(rq, n, a, st, c, &ck, now);
	}
	if (lean) {
		lean_commands(rq, n, a, st, c, &ck, &l, now);
	} else {
		build_commit(a, st, c, &ck, now);
		sreq_send(rq, c->record ? n : 0, a);
	}
	if (c->record) {
		/* a command not sent (too large): none of it runs */
		arg_reset(a);
		arg_s(a, rq->rc ? "DISCARD" : "EXEC");
		sreq_send(rq, 0, a);
	}
	return sreq_commit(rq);
}

/* sess_restore.lua's call: undo's session back in k_sess unless it was
 * written since the step */
static void sess_restore(struct argv *a, const char *k_sess,
			 const struct store_sess_undo *undo)
{
	const char *keys[LUA_SESS_RESTORE_NKEYS];
	const struct store_session *f = undo->found;

	keys[LUA_SESS_RESTORE_SESS] = k_sess;
	arg_reset(a);
	arg_script(a, LUA_SESS_RESTORE, keys);
	arg_ki(a, "stepped", (long long)undo->stepped);
	arg_ki(a, "found_v", (long long)f->version);
	if (f->version) {
		arg_record(a, &rec_session, "sess", f);
		session_vars(a, f, "sess");
	}
}

int store_commit_unwrite(struct store *st, const struct store_mo *mo,
			 const char *mt_id, unsigned flags,
			 const char *fp_prev,
			 const struct store_sess_undo *sess,
			 store_done_fn *cb, void *arg)
{
	const struct store_keys *k = store_keyctx(st);
	unsigned shard = store_shard(st, mo->msisdn);
	char k_mo[STORE_KEY_MAX], k_mt[STORE_KEY_MAX], key[STORE_KEY_MAX];
	const char *keys[LUA_FP_FORGET_NKEYS];
	struct argv *a = store_argv(st);
	bool mt = mt_id && *mt_id;
	struct sreq *rq;
	int rc, n = 0;

	rc = sreq_open(st, 5, NULL, sreq_simple_done, (void *)cb, arg, 0, &rq);
	if (rc < 0)
		return rc;
	/* the keys the commit gave them (commit_keys) */
	record_keys(k, shard, mo->id, mt ? mt_id : NULL, k_mo, k_mt);
	/* the queue entry first: cut short, the reply is not sent */
	if (mt) {
		store_key_shard(k, shard, SK_OUTQ, NULL, key, sizeof(key));
		store_send_unqueue(rq, a, key, mt_id);
		n++;
	}
	/* the session, put back before the MO's phone takes another MO
	 * (gw.c: once this is done) */
	if (sess && (flags & STORE_COMMIT_SESSION)) {
		mo_sess_key(k, mo, key, sizeof(key));
		sess_restore(a, key, sess);
		sreq_send(rq, n++, a);
	}
	arg_reset(a);
	arg_s(a, "DEL");
	arg_s(a, k_mo);
	arg_s(a, k_mt);
	sreq_send(rq, n++, a);
	if (mo->fp[0]) {
		store_key_shard(k, shard, SK_FP, mo->fp, key, sizeof(key));
		arg_reset(a);
		if (fp_prev && *fp_prev) {
			/* what a raced commit's SET ... GET found, back, its
			 * window again (as mo_commit.lua's fp_put_back) */
			arg_s(a, "SET");
			arg_s(a, key);
			arg_s(a, fp_prev);
			arg_s(a, "PXAT");
			arg_i(a, util_now_ms() +
					 store_conf(st)->gateway.mo_dedup_window);
		} else {
			keys[LUA_FP_FORGET_FP] = key;
			arg_script(a, LUA_FP_FORGET, keys);
			arg_kv(a, "id", mo->id);
		}
		sreq_send(rq, n++, a);
	}
	if (flags & STORE_COMMIT_COUNTED) {
		store_key_phone(k, SK_PROFILE, mo->msisdn, key, sizeof(key));
		arg_reset(a);
		arg_s(a, "HINCRBY");
		arg_s(a, key);
		arg_s(a, "rln");
		arg_s(a, "-1");
		sreq_send(rq, n++, a);
	}
	return sreq_commit(rq);
}

/* --- recovery ------------------------------------------------------------------- */

static void mo_claim_reply(struct sreq *rq, int idx, const redisReply *r)
{
	store_mo_claim_fn *each = (store_mo_claim_fn *)rq->each;

	if (r->type != REDIS_REPLY_ARRAY)
		return;
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		const redisReply *kind = r->element[i];
		struct store_mo mo;

		/* "c<id>": the record holds no id, its key does (claim.lua) */
		if (kind->type != REDIS_REPLY_STRING || kind->len < 2)
			continue;
		memset(&mo, 0, sizeof(mo));
		reply_record(r->element[i + 1], &rec_mo, &mo);
		util_strlcpy(mo.id, kind->str + 1, sizeof(mo.id));
		each(rq->arg, &mo);
	}
}

int store_mo_claim(struct store *st, int max, store_mo_claim_fn *each,
		   store_claim_end_fn *end, void *arg)
{
	return store_claim(st, SK_INQ, SK_MO, store_conf(st)->gateway.mo_lease,
			   max, mo_claim_reply, (void *)each, end, arg);
}
