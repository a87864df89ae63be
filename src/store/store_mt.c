/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Store, outbound messages (see store/store.h): queueing, the outcome of
 * a submit, leases, concatenation references, receipts, and the claims
 * that recover work whose process died.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "store/store_int.h"

static void mt_key(struct store *st, const struct store_mt *mt, char *out,
		   size_t outlen)
{
	store_key_shard(store_keyctx(st), store_shard(st, mt->msisdn), SK_MT,
			mt->id, out, outlen);
}

static void mt_queue_key(struct store *st, const struct store_mt *mt,
			 char *out, size_t outlen)
{
	store_key_shard(store_keyctx(st), store_shard(st, mt->msisdn),
			store_queue_of(mt->prio), NULL, out, outlen);
}

/* A request of ncmds commands answered by a store_done_fn. */
static int simple_open(struct store *st, int ncmds, store_done_fn *cb,
		       void *arg, struct sreq **rq)
{
	return sreq_open(st, ncmds, NULL, sreq_simple_done, (void *)cb, arg,
			 0, rq);
}

void store_mt_to_phone(struct store_mt *mt, const struct cgw_conf *c,
		       int prio, int64_t now)
{
	util_strlcpy(mt->dst, mt->msisdn, sizeof(mt->dst));
	mt->dst_ton = c->smsc[0].dest_ton;
	mt->dst_npi = c->smsc[0].dest_npi;
	mt->ch = STORE_CH_SMS;
	mt->prio = prio;
	mt->created_ms = now;
}

int store_mt_queue(struct store *st, const struct store_mt *mt,
		   store_done_fn *cb, void *arg)
{
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	if ((rc = simple_open(st, 1, cb, arg, &rq)) < 0)
		return rc;
	cmd_mt_queue(a, store_keyctx(st), mt, util_now_ms());
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

/* A receipt that came before its message id was known waits this long
 * for the id's submit_sm_resp. */
#define DLR_WAIT_S 600
/* A phone's concatenation reference counter lives this long after its
 * last multipart MT: references need only differ from recent ones. */
#define REF_TTL_S (24 * 3600)

static void late_receipt(struct store *st, const char *k_mt, int part,
			 const char *kept);

/* The msgid mappings a request writes: which reply is which part's
 * waiting receipt. */
struct map_ctx {
	char k_mt[STORE_KEY_MAX];
	int part_at[1 + 255];	/* by command index: 255 parts */
};

static void map_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct map_ctx *x = rq->ctx;

	/* what the id's key held before the mapping: a receipt waiting
	 * for it (dlr_wait.lua), or nil */
	if (idx < (int)ARRAY_SIZE(x->part_at) && x->part_at[idx] > 0 &&
	    r->type == REDIS_REPLY_STRING && r->str[0] == STORE_BC_SEP)
		late_receipt(rq->st, x->k_mt, x->part_at[idx], r->str + 1);
}

/*
 * SMS centre id (canonical) -> "<MT key>#<part>", for receipts, command
 * idx; a receipt that came for that id before this mapping did waits in
 * the same key (dlr_wait.lua): SET ... GET takes it, and it is applied
 * now. One key and one command per part, not a mapping and a waiting
 * key (GETDEL): 5 K of Redis's instructions a reply
 * (bench/script-cost.sh --instr).
 */
static void send_msgid(struct sreq *rq, int idx, struct argv *a,
		       struct store *st, const char *bind, const char *key,
		       int part)
{
	struct map_ctx *x = rq->ctx;
	char k[STORE_KEY_MAX], val[STORE_KEY_MAX + 24];
	size_t n;

	store_key_msgid(store_keyctx(st), bind, key, k, sizeof(k));
	/* "%s#%d" by hand: one per part sent (k_mt: a STORE_KEY_MAX array) */
	n = util_strlcpy(val, x->k_mt, STORE_KEY_MAX);
	if (n >= STORE_KEY_MAX)
		n = STORE_KEY_MAX - 1;
	val[n++] = '#';
	val[n + util_sdec(val + n, part)] = '\0';
	arg_reset(a);
	arg_s(a, "SET");
	arg_s(a, k);
	arg_s(a, val);
	arg_s(a, "EX");
	arg_i(a, rec_mt.ttl_s);
	arg_s(a, "GET");
	if (idx < (int)ARRAY_SIZE(x->part_at))
		x->part_at[idx] = part;
	sreq_send(rq, idx, a);
}

/* The context is not cleared whole (2.4 KB: the largest memset per MO,
 * 2% of the daemon's instructions), part_at only as far as the commands
 * go. */
static int map_open(struct store *st, const struct store_mt *mt, int ncmds,
		    store_done_fn *cb, void *arg, struct sreq **rq)
{
	int rc = sreq_open_raw(st, ncmds, map_reply, sreq_simple_done,
			       (void *)cb, arg, sizeof(struct map_ctx), rq);
	struct map_ctx *x;
	size_t n = (size_t)ncmds;

	if (rc < 0)
		return rc;
	x = (*rq)->ctx;
	if (n > ARRAY_SIZE(x->part_at))
		n = ARRAY_SIZE(x->part_at);
	memset(x->part_at, 0, n * sizeof(x->part_at[0]));
	mt_key(st, mt, x->k_mt, STORE_KEY_MAX);
	return 0;
}

/*
 * Whether an MT's record holds, of what only sending needed, nothing but
 * its text and owner (send_lean_sent): a single-part SMS reply
 * queued by this process (mo_recv_ms is not stored, so an MT claimed
 * from Redis has 0), none of the fields of USSD, of broadcasts, of an
 * encoding chosen by hand, of several parts (ref: mt_ref.lua gives one
 * only to those) or of several tries.
 * If a record held more (another process claimed it meanwhile: claims),
 * it keeps a field or two: memory, not meaning.
 */
static bool mt_lean(const struct store_mt *mt, int nparts)
{
	return nparts <= 1 && mt->mo_recv_ms != 0 && mt->ch == STORE_CH_SMS &&
	       !mt->ussd_final && !mt->ussd_ref[0] && !mt->bc[0] &&
	       mt->prio == 0 && mt->enc == 0 && mt->attempts == 0 &&
	       mt->tries == 0;
}

void store_send_unqueue(struct sreq *rq, struct argv *a, const char *k_q,
			const char *id)
{
	arg_reset(a);
	arg_s(a, "ZREM");
	arg_s(a, k_q);
	arg_s(a, id);
	sreq_send(rq, 0, a);
}

/*
 * A lean reply sent (mt_lean): its outcome in plain commands, not
 * mt_done.lua, whose call and arguments cost Redis more than the
 * commands (bench/script-cost.sh --instr: the script 56 K instructions,
 * these 25 K). The script read nothing for it but its queue entry: this
 * process queued the reply, leased it and sent it, so it is still queued
 * and its record there (it lives days; its lease, a minute). Only a
 * process stalled past its lease can find otherwise: another took the
 * reply and sent it too, and this writes "sent" and its own message id
 * over that one's outcome; its own receipt then applies as any does.
 * The ZREM goes first: commands cut short (the process killed while
 * writing them) leave the reply out of the queue, not sent again, its
 * record still "queued"; an error reply, and the whole is written again
 * (sender.c, record), each command alike the second time.
 * What sending needed, its text and owner, is emptied in the same HSET,
 * not deleted (an HDEL walks and shrinks the listpack again: 9 K
 * instructions more), and what a reader takes as it is without the
 * field is left out: its one part (dlr.lua and the API read no parts as
 * 1), and its bind unless it went out on another than its record names
 * (mt->bind_moved: an HSET of a field it holds walks the listpack to it,
 * 2.5 K instructions, bench/script-cost.sh --instr).
 * Returns its number of commands, 2.
 */
static int send_lean_sent(struct sreq *rq, struct argv *a, const char *k_q,
			  const struct store_mt *mt, const char *bind,
			  const char *ids, uint32_t status)
{
	store_send_unqueue(rq, a, k_q, mt->id);
	arg_reset(a);
	arg_s(a, "HSET");
	arg_s(a, ((struct map_ctx *)rq->ctx)->k_mt);
	arg_s(a, "state");
	arg_s(a, "sent");
	if (mt->bind_moved) {
		arg_s(a, "bind");
		arg_s(a, bind ? bind : "");
	}
	arg_s(a, "msgid");
	arg_s(a, ids);
	arg_s(a, "status");
	arg_i(a, status);
	arg_s(a, "done_at");
	arg_i(a, util_now_ms());
	arg_s(a, "text");
	arg_s(a, "");
	arg_s(a, "owner");
	arg_s(a, "");
	sreq_send(rq, 1, a);
	return 2;
}

/*
 * A USSD screen on the handset (no broadcast's) leaves no record, as in
 * mt_done.lua: no receipt comes for it, and its session holds what the
 * next step needs. Its queue entry and record go by plain commands, not
 * the script (whose call, arguments and HMGET were most of it: a USSD
 * step's reply, a third of the MOs in bench/run's closed loop). What the
 * script read changes nothing here: a record gone already, and DEL does
 * nothing. Returns its number of commands, 2.
 */
static int send_screen_sent(struct sreq *rq, struct argv *a,
			    const char *k_q, const char *id)
{
	store_send_unqueue(rq, a, k_q, id);
	arg_reset(a);
	arg_s(a, "DEL");
	arg_s(a, ((struct map_ctx *)rq->ctx)->k_mt);
	sreq_send(rq, 1, a);
	return 2;
}

int store_mt_done(struct store *st, const struct store_mt *mt,
		  const char *state, const char *bind,
		  const char *const *msgids, const char *const *keys,
		  int nparts, uint32_t status, store_done_fn *cb, void *arg)
{
	char k_q[STORE_KEY_MAX], ids[1024] = "";
	char k_bcc[STORE_KEY_MAX];
	const char *skeys[LUA_MT_DONE_NKEYS];
	bool sent = strcmp(state, "sent") == 0, lean = mt_lean(mt, nparts);
	bool screen = sent && mt->ch == STORE_CH_USSD && !mt->bc[0];
	struct argv *a = store_argv(st);
	int nmap = 0, n = 0, rc;
	struct sreq *rq;

	for (int i = 0; sent && i < nparts; i++)
		nmap += keys[i] && keys[i][0];
	if ((rc = map_open(st, mt, (screen || (sent && lean) ? 2 : 1) + nmap,
			   cb, arg, &rq)) < 0)
		return rc;
	mt_queue_key(st, mt, k_q, sizeof(k_q));
	/* the SMS centre's ids, for the record: a screen keeps none */
	for (int i = 0; !screen && i < nparts; i++)
		if (strlen(ids) + strlen(msgids[i]) + 2 < sizeof(ids)) {
			if (i)
				util_strlcat(ids, ",", sizeof(ids));
			util_strlcat(ids, msgids[i], sizeof(ids));
		}
	if (screen) {
		n = send_screen_sent(rq, a, k_q, mt->id);
	} else if (sent && lean) {
		n = send_lean_sent(rq, a, k_q, mt, bind, ids, status);
	} else {
		if (!lean)
			store_key_shard(store_keyctx(st),
					store_shard(st, mt->msisdn),
					SK_BC_COUNTS, "", k_bcc, sizeof(k_bcc));
		skeys[LUA_MT_DONE_QUEUE] = k_q;
		skeys[LUA_MT_DONE_MT] = ((struct map_ctx *)rq->ctx)->k_mt;
		/* optional (mt_done.lua): a lean reply is no broadcast's */
		skeys[LUA_MT_DONE_BCOUNTS] = lean ? NULL : k_bcc;
		arg_reset(a);
		arg_script(a, LUA_MT_DONE, skeys);
		arg_kv(a, "id", mt->id);
		arg_kv(a, "state", state);
		arg_kv(a, "bind", bind ? bind : "");
		arg_kv(a, "msgid", ids);
		arg_ki(a, "status", status);
		arg_ki(a, "now", util_now_ms());
		/* receipts count parts: delivered when all are */
		arg_ki(a, "parts", nparts > 0 ? nparts : 1);
		sreq_send(rq, n++, a);
	}
	for (int i = 0; sent && i < nparts; i++)
		if (keys[i] && keys[i][0])
			send_msgid(rq, n++, a, st, bind, keys[i], i + 1);
	return sreq_commit(rq);
}

int store_mt_part(struct store *st, const struct store_mt *mt,
		  const char *bind, int part, int nparts, const char *msgid,
		  const char *key, store_done_fn *cb, void *arg)
{
	bool map = key && *key;
	char k_mt[STORE_KEY_MAX], field[16];
	const char *keys[LUA_MT_PART_NKEYS];
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	if ((rc = map_open(st, mt, map ? 2 : 1, cb, arg, &rq)) < 0)
		return rc;
	mt_key(st, mt, k_mt, sizeof(k_mt));
	snprintf(field, sizeof(field), "m%d", part);
	keys[LUA_MT_PART_MT] = k_mt;
	arg_reset(a);
	arg_script(a, LUA_MT_PART, keys);
	arg_ki(a, "parts", nparts);
	arg_kv(a, "field", field);
	arg_kv(a, "msgid", msgid ? msgid : "");
	sreq_send(rq, 0, a);
	if (map)
		send_msgid(rq, 1, a, st, bind, key, part);
	return sreq_commit(rq);
}

/* ZADD XX of an MT's queue entry: a new lease or ready time. */
static void send_rescore(struct sreq *rq, int idx, struct argv *a,
			 struct store *st, const struct store_mt *mt,
			 int64_t score)
{
	char k_q[STORE_KEY_MAX];

	mt_queue_key(st, mt, k_q, sizeof(k_q));
	arg_reset(a);
	arg_s(a, "ZADD");
	arg_s(a, k_q);
	arg_s(a, "XX");
	arg_i(a, score);
	arg_s(a, mt->id);
	sreq_send(rq, idx, a);
}

int store_mt_release(struct store *st, const struct store_mt *mt,
		     int64_t ready_ms, store_done_fn *cb, void *arg)
{
	struct sreq *rq;
	int rc;

	if ((rc = simple_open(st, 1, cb, arg, &rq)) < 0)
		return rc;
	send_rescore(rq, 0, store_argv(st), st, mt,
		     ready_ms ? ready_ms : util_now_ms());
	return sreq_commit(rq);
}

int store_mt_renew(struct store *st, const struct store_mt *const *mts,
		   int n, store_done_fn *cb, void *arg)
{
	int64_t score = util_now_ms() + store_conf(st)->gateway.mt_lease;
	struct sreq *rq;
	int rc;

	if (n <= 0)
		return store_ready(st) ? 0 : -ENOTCONN;
	if ((rc = simple_open(st, n, cb, arg, &rq)) < 0)
		return rc;
	for (int i = 0; i < n; i++)
		send_rescore(rq, i, store_argv(st), st, mts[i], score);
	return sreq_commit(rq);
}

/* --- concatenation references ---------------------------------------------- */

struct ref_ctx {
	int ref;
};

static void ref_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct ref_ctx *x = rq->ctx;

	if (r->type == REDIS_REPLY_INTEGER)
		x->ref = (int)(r->integer & 0xFFFF);
}

static void ref_done(struct sreq *rq, int rc)
{
	struct ref_ctx *x = rq->ctx;
	store_ref_fn *cb = (store_ref_fn *)rq->cb;

	cb(rq->arg, rc, x->ref);
}

int store_mt_ref(struct store *st, const struct store_mt *mt,
		 store_ref_fn *cb, void *arg)
{
	char k_ref[STORE_KEY_MAX], k_mt[STORE_KEY_MAX];
	const char *keys[LUA_MT_REF_NKEYS];
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, 1, ref_reply, ref_done, (void *)cb, arg,
		       sizeof(struct ref_ctx), &rq);
	if (rc < 0)
		return rc;
	((struct ref_ctx *)rq->ctx)->ref = -1;
	store_key_phone(store_keyctx(st), SK_REF, mt->msisdn, k_ref,
			sizeof(k_ref));
	mt_key(st, mt, k_mt, sizeof(k_mt));
	keys[LUA_MT_REF_REF] = k_ref;
	keys[LUA_MT_REF_MT] = k_mt;
	arg_reset(a);
	arg_script(a, LUA_MT_REF, keys);
	arg_ki(a, "ttl_s", REF_TTL_S);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

/* --- receipts --------------------------------------------------------------- */

struct dlr_ctx {
	store_dlr_fn *cb;
	void *arg;
	char part[12];
	char state[16], stat[16], err[16];
	char mt_key[STORE_KEY_MAX];
	char bcc_key[STORE_KEY_MAX];	/* the MT's shard's counters prefix */
	char result[16];
	bool found;
	int found_idx;
	/* the receipt's candidate ids, kept while none is known */
	char bind[32];
	int nids;
	char ids[4][80];
	bool kept;
};

static void dlr_apply_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct dlr_ctx *d = rq->ctx;

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
	struct dlr_ctx *d = rq->ctx;
	const char *mt = strstr(d->mt_key, ":mt:");

	d->cb(d->arg, rc, d->found, mt ? mt + 4 : d->mt_key, d->result);
}

/* "P:{sN}:mt:<id>" (len bytes of s) into the MT's key and its shard's
 * counters. False when s is no such key. */
static bool dlr_target(const struct store_keys *k, const char *s, size_t len,
		       struct dlr_ctx *d)
{
	const char *tag = strstr(s, ":{s"), *end = s + len;
	char id[STORE_ID_MAX];
	unsigned shard;
	int off = 0;

	if (!tag || tag >= end ||
	    sscanf(tag, ":{s%u}:mt:%n", &shard, &off) != 1 || off == 0 ||
	    tag + off >= end || (size_t)(end - tag - off) >= sizeof(id))
		return false;
	memcpy(id, tag + off, (size_t)(end - tag - off));
	id[end - tag - off] = '\0';
	store_key_shard(k, shard, SK_MT, id, d->mt_key, sizeof(d->mt_key));
	store_key_shard(k, shard, SK_BC_COUNTS, "", d->bcc_key,
			sizeof(d->bcc_key));
	return true;
}

/* One GET per candidate id (not MGET: the keys may live on different
 * cluster slots); the first candidate that is known wins. */
static void dlr_lookup_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct dlr_ctx *d = rq->ctx;
	const char *hash;

	/* a receipt waiting for the id (dlr_wait.lua) is no mapping */
	if (r->type != REDIS_REPLY_STRING || r->str[0] == STORE_BC_SEP ||
	    (d->found && idx >= d->found_idx))
		return;
	/* "P:{sN}:mt:<id>#<part>" */
	hash = strrchr(r->str, '#');
	if (!hash || !dlr_target(store_keyctx(rq->st), r->str,
				 (size_t)(hash - r->str), d))
		return;
	util_strlcpy(d->part, hash + 1, sizeof(d->part));
	d->found = true;
	d->found_idx = idx;
}

/* Second round trip: the receipt applied to the MT, in its own shard. The
 * request takes d over; d's callback runs in any case. */
static void dlr_apply(struct store *st, struct dlr_ctx *d)
{
	const char *keys[LUA_DLR_NKEYS] = { d->mt_key, d->bcc_key };
	store_dlr_fn *cb = d->cb;
	void *arg = d->arg;
	struct argv *a = store_argv(st);
	struct sreq *rq;
	int rc;

	rq = store_ready(st) ? sreq_new(st, 1, dlr_apply_reply, dlr_apply_done,
					NULL, NULL, d)
			     : NULL;
	if (!rq) {
		free(d);
		cb(arg, store_ready(st) ? -ENOMEM : -ENOTCONN, false, "", "");
		return;
	}
	arg_reset(a);
	arg_script(a, LUA_DLR, keys);
	arg_kv(a, "part", d->part);
	arg_kv(a, "state", d->state);
	arg_kv(a, "stat", d->stat);
	arg_kv(a, "err", d->err);
	arg_ki(a, "now", util_now_ms());
	sreq_send(rq, 0, a);
	rc = sreq_commit(rq);	/* on failure d went with the request */
	if (rc < 0)
		cb(arg, rc, false, "", "");
}

static void dlr_keep(struct store *st, struct dlr_ctx *d);

static void dlr_lookup_done(struct sreq *rq, int rc)
{
	struct dlr_ctx *d = rq->ctx;

	/* the context moves on to the next request (or dies here) */
	rq->ctx = NULL;
	if (rc == 0 && !d->found && !d->kept) {
		dlr_keep(rq->st, d);
		return;
	}
	if (rc < 0 || !d->found) {
		d->cb(d->arg, rc, false, "", "");
		free(d);
		return;
	}
	dlr_apply(rq->st, d);
}

/* The GETs of a receipt's candidate ids, command i the i-th's. */
static void send_lookups(struct sreq *rq, struct store *st,
			 const struct dlr_ctx *d)
{
	struct argv *a = store_argv(st);

	for (int i = 0; i < d->nids; i++) {
		char k[STORE_KEY_MAX];

		store_key_msgid(store_keyctx(st), d->bind, d->ids[i], k,
				sizeof(k));
		arg_reset(a);
		arg_s(a, "GET");
		arg_s(a, k);
		sreq_send(rq, i, a);
	}
}

/*
 * No candidate is known: the submit_sm_resp of this message may be late
 * (an SMS centre may send the receipt first). The receipt waits in each
 * candidate id's key, for the mapping of the id to take it (send_msgid),
 * unless the mapping came since: dlr_wait.lua returns it, and it is
 * applied now. Either the mapping's SET ... GET or dlr_wait.lua comes
 * first, so one of the two applies it.
 */
static void dlr_keep(struct store *st, struct dlr_ctx *d)
{
	struct argv *a = store_argv(st);
	store_dlr_fn *cb = d->cb;
	void *arg = d->arg;
	char val[64];
	struct sreq *rq;

	rq = store_ready(st) ? sreq_new(st, d->nids, dlr_lookup_reply,
					dlr_lookup_done, NULL, NULL, d)
			     : NULL;
	if (!rq) {
		free(d);
		cb(arg, store_ready(st) ? -ENOMEM : -ENOTCONN, false, "", "");
		return;
	}
	d->kept = true;
	snprintf(val, sizeof(val), "%c%s%c%s%c%s", STORE_BC_SEP, d->state,
		 STORE_BC_SEP, d->stat, STORE_BC_SEP, d->err);
	for (int i = 0; i < d->nids; i++) {
		char k[STORE_KEY_MAX];
		const char *keys[LUA_DLR_WAIT_NKEYS] = { k };

		store_key_msgid(store_keyctx(st), d->bind, d->ids[i], k,
				sizeof(k));
		arg_reset(a);
		arg_script(a, LUA_DLR_WAIT, keys);
		arg_kv(a, "wait", val);
		arg_ki(a, "ttl_s", DLR_WAIT_S);
		sreq_send(rq, i, a);
	}
	if (sreq_commit(rq) < 0)	/* d went with the request */
		cb(arg, -EIO, false, "", "");
}

static void late_done(void *arg, int rc, bool found, const char *mt_id,
		      const char *overall)
{
	if (rc == 0 && found)
		LOGP(LOG_SMPP, LOG_INFO, NULL, "receipt that came before its "
		     "submit_sm_resp: MT %s, message %s", mt_id, overall);
}

/* A receipt kept for a message id that has just become known. */
static void late_receipt(struct store *st, const char *k_mt, int part,
			 const char *kept)
{
	struct dlr_ctx *d = calloc(1, sizeof(*d));
	const char *s1 = strchr(kept, STORE_BC_SEP);
	const char *s2 = s1 ? strchr(s1 + 1, STORE_BC_SEP) : NULL;

	if (!d || !s2 || !dlr_target(store_keyctx(st), k_mt, strlen(k_mt),
				     d)) {
		free(d);
		return;
	}
	d->cb = late_done;
	snprintf(d->part, sizeof(d->part), "%d", part);
	snprintf(d->state, sizeof(d->state), "%.*s", (int)(s1 - kept), kept);
	snprintf(d->stat, sizeof(d->stat), "%.*s", (int)(s2 - s1 - 1), s1 + 1);
	util_strlcpy(d->err, s2 + 1, sizeof(d->err));
	d->found = true;
	dlr_apply(st, d);
}

int store_dlr(struct store *st, const char *bind, const char *const *ids,
	      int nids, const char *state, const char *stat, const char *err,
	      store_dlr_fn *cb, void *arg)
{
	struct dlr_ctx *d;
	struct sreq *rq;
	int rc;

	if (nids > (int)ARRAY_SIZE(d->ids))
		nids = (int)ARRAY_SIZE(d->ids);
	rc = sreq_open(st, nids, dlr_lookup_reply, dlr_lookup_done, NULL,
		       NULL, sizeof(*d), &rq);
	if (rc < 0)
		return rc;
	d = rq->ctx;
	d->cb = cb;
	d->arg = arg;
	util_strlcpy(d->state, state, sizeof(d->state));
	util_strlcpy(d->stat, stat, sizeof(d->stat));
	util_strlcpy(d->err, err, sizeof(d->err));
	util_strlcpy(d->bind, bind, sizeof(d->bind));
	for (int i = 0; i < nids && i < (int)ARRAY_SIZE(d->ids); i++)
		util_strlcpy(d->ids[d->nids++], ids[i], sizeof(d->ids[0]));
	send_lookups(rq, st, d);
	return sreq_commit(rq);
}

/* --- claims ------------------------------------------------------------------ */

static void mt_claim_reply(struct sreq *rq, int idx, const redisReply *r)
{
	store_mt_claim_fn *each = (store_mt_claim_fn *)rq->each;

	if (r->type != REDIS_REPLY_ARRAY)
		return;
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		const redisReply *kind = r->element[i];
		struct store_mt mt;

		/* "c<id>" claimed, "x<id>" expired: the record holds no id,
		 * its key does (claim.lua) */
		if (kind->type != REDIS_REPLY_STRING || kind->len < 2)
			continue;
		memset(&mt, 0, sizeof(mt));
		reply_record(r->element[i + 1], &rec_mt, &mt);
		util_strlcpy(mt.id, kind->str + 1, sizeof(mt.id));
		each(rq->arg, 0, &mt, kind->str[0] == 'x');
	}
}

int store_mt_claim(struct store *st, int prio, int max,
		   store_mt_claim_fn *each, store_claim_end_fn *end, void *arg)
{
	return store_claim(st, store_queue_of(prio), SK_MT,
			   store_conf(st)->gateway.mt_lease, max,
			   mt_claim_reply, (void *)each, end, arg);
}

int store_claim(struct store *st, enum store_skey queue, enum store_skey items,
		int64_t lease, int max, sreq_reply_fn *on_reply, void *each,
		store_claim_end_fn *end, void *arg)
{
	int shards = store_keyctx(st)->shards;
	const struct cgw_conf *c = store_conf(st);
	struct argv *a = store_argv(st);
	int64_t now = util_now_ms();
	/* a gone owner is remembered until all its leases ran out anyway */
	int64_t forget = c->gateway.mt_lease > c->gateway.mo_lease ?
				 c->gateway.mt_lease : c->gateway.mo_lease;
	struct sreq *rq;
	int rc;

	rc = sreq_open(st, shards, on_reply, sreq_claim_done, (void *)end,
		       arg, 0, &rq);
	if (rc < 0)
		return rc;
	rq->each = each;
	for (int s = 0; s < shards; s++) {
		char k_q[STORE_KEY_MAX], prefix[STORE_KEY_MAX];
		char k_bcc[STORE_KEY_MAX], k_live[STORE_KEY_MAX];
		const char *keys[LUA_CLAIM_NKEYS] = { k_q, prefix, k_bcc,
						      k_live };

		store_key_shard(store_keyctx(st), (unsigned)s, queue, NULL,
				k_q, sizeof(k_q));
		store_key_shard(store_keyctx(st), (unsigned)s, items, "",
				prefix, sizeof(prefix));
		store_key_shard(store_keyctx(st), (unsigned)s, SK_BC_COUNTS,
				"", k_bcc, sizeof(k_bcc));
		store_key_shard(store_keyctx(st), (unsigned)s, SK_LIVE, NULL,
				k_live, sizeof(k_live));
		arg_reset(a);
		arg_script(a, LUA_CLAIM, keys);
		arg_ki(a, "now", now);
		arg_ki(a, "lease", lease);
		arg_ki(a, "max", max);
		arg_kv(a, "owner", store_owner(st));
		arg_ki(a, "live_ms", STORE_LIVE_TTL_MS);
		arg_ki(a, "forget_ms", forget);
		/* MOs and MTs name their holder; multipart parts do not */
		arg_kv(a, "track", items == SK_CC ? "0" : "1");
		sreq_send(rq, s, a);
	}
	return sreq_commit(rq);
}
