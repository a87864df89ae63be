/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Store, applications (see store_app_file() in store/store.h): a citizen's
 * application becomes a dossier with a code of the province's format.
 *
 * Three scripts, in this order, so that a process may die between any two
 * and the MO's recovery finishes the job with the same code:
 *   app_claim (phone's shard)  the day's code of this phone and procedure,
 *                              if it has one;
 *   app_seq   (own key)        else the agency's next number of the day,
 *                              and app_claim again to make it the phone's
 *                              (a racing process may have won: its code);
 *   app_create (dossier shard) the dossier, once; when an imported
 *                              dossier has the code, the next number.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/days.h"
#include "common/util.h"
#include "store/store_int.h"

#define SEQ_MAX 9999		/* NNNN */
#define SEQ_TTL_MS (2LL * 24 * 3600 * 1000)	/* a day's counter, after it */
#define MAX_TAKEN 5		/* codes in a row that imported dossiers hold */

struct app_job {
	struct store *st;
	store_filing_fn *cb;
	void *arg;
	struct dossier d;		/* the template, then the result */
	char msisdn[24];
	char proc[DOSSIER_APP_MAX];
	char agency[DOSSIER_CODE_MAX];
	char yymmdd[16];
	char mo[STORE_ID_MAX];
	int64_t claim_until;
	/* the claim: its code and the MO that made it */
	char code[DOSSIER_CODE_MAX];
	char claim_mo[STORE_ID_MAX];
	char old[DOSSIER_CODE_MAX];	/* a code found taken */
	int taken;
	/* the last reply */
	long long seq;
	char verdict[8];
	char due[16];
};

static void finish(struct app_job *j, int rc)
{
	const char *end;
	bool again = strcmp(j->claim_mo, j->mo) != 0;

	if (rc == 0) {
		util_strlcpy(j->d.code, j->code, sizeof(j->d.code));
		dossier_code_parse(j->code, j->d.code, sizeof(j->d.code),
				   j->d.key, sizeof(j->d.key), &end);
		util_strlcpy(j->d.filed_by, j->claim_mo,
			     sizeof(j->d.filed_by));
		if (j->due[0])
			util_strlcpy(j->d.due_at, j->due, sizeof(j->d.due_at));
	}
	j->cb(j->arg, rc, rc == 0 ? &j->d : NULL, again);
	free(j);
}

/* --- app_claim ------------------------------------------------------------ */

static int seq_next(struct app_job *j);
static int create(struct app_job *j);

static void claim_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct app_job *j = rq->arg;
	const char *sp;

	(void)idx;
	j->code[0] = j->claim_mo[0] = '\0';
	if (r->type != REDIS_REPLY_STRING) {
		rq->rc = -EIO;
		return;
	}
	if (!r->str[0])
		return;	/* no claim yet */
	sp = strchr(r->str, ' ');
	if (!sp || (size_t)(sp - r->str) >= sizeof(j->code)) {
		rq->rc = -EIO;
		return;
	}
	memcpy(j->code, r->str, (size_t)(sp - r->str));
	j->code[sp - r->str] = '\0';
	util_strlcpy(j->claim_mo, sp + 1, sizeof(j->claim_mo));
}

static void claim_done(struct sreq *rq, int rc)
{
	struct app_job *j = rq->arg;

	if (rc == 0)
		rc = j->code[0] ? create(j) : seq_next(j);
	if (rc < 0)
		finish(j, rc);
}

/* Reads the phone's claim (code ""), or makes `code` its claim. */
static int claim(struct app_job *j, const char *code)
{
	const struct store_keys *k = store_keyctx(j->st);
	struct argv *a = store_argv(j->st);
	char key[STORE_KEY_MAX], id[STORE_KEY_MAX];
	const char *keys[LUA_APP_CLAIM_NKEYS] = { key };
	struct sreq *rq;
	int rc;

	rc = sreq_open(j->st, 1, claim_reply, claim_done, NULL, j, 0, &rq);
	if (rc < 0)
		return rc;
	snprintf(id, sizeof(id), "%s:%s:%s", j->msisdn, j->proc, j->yymmdd);
	store_key_shard(k, store_shard_of(j->msisdn, k->shards), SK_APP, id,
			key, sizeof(key));
	arg_reset(a);
	arg_script(a, LUA_APP_CLAIM, keys);
	arg_kv(a, "code", code);
	arg_kv(a, "mo", j->mo);
	arg_kv(a, "old", j->old);
	arg_ki(a, "expire_at", j->claim_until);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

/* --- app_seq --------------------------------------------------------------- */

static void seq_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct app_job *j = rq->arg;

	(void)idx;
	if (r->type != REDIS_REPLY_INTEGER)
		rq->rc = -EIO;
	else
		j->seq = r->integer;
}

static void seq_done(struct sreq *rq, int rc)
{
	struct app_job *j = rq->arg;
	char code[128];	/* fits any agency, day and number */

	if (rc == 0 && j->seq > SEQ_MAX)
		rc = -ERANGE;
	if (rc == 0) {
		snprintf(code, sizeof(code), "%s-%s-%04lld", j->agency,
			 j->yymmdd, j->seq);
		rc = strlen(code) < sizeof(j->code) ? claim(j, code) : -ERANGE;
	}
	if (rc < 0)
		finish(j, rc);
}

static int seq_next(struct app_job *j)
{
	struct argv *a = store_argv(j->st);
	char key[STORE_KEY_MAX];
	const char *keys[LUA_APP_SEQ_NKEYS] = { key };
	struct sreq *rq;
	int rc;

	rc = sreq_open(j->st, 1, seq_reply, seq_done, NULL, j, 0, &rq);
	if (rc < 0)
		return rc;
	store_key_seq(store_keyctx(j->st), j->agency, j->yymmdd, key,
		      sizeof(key));
	arg_reset(a);
	arg_script(a, LUA_APP_SEQ, keys);
	arg_ki(a, "ttl", SEQ_TTL_MS);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

/* --- app_create ------------------------------------------------------------ */

static void create_reply(struct sreq *rq, int idx, const redisReply *r)
{
	struct app_job *j = rq->arg;

	(void)idx;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    r->element[1]->type != REDIS_REPLY_STRING) {
		rq->rc = -EIO;
		return;
	}
	util_strlcpy(j->verdict, r->element[0]->str, sizeof(j->verdict));
	util_strlcpy(j->due, r->element[1]->str, sizeof(j->due));
}

static void create_done(struct sreq *rq, int rc)
{
	struct app_job *j = rq->arg;

	if (rc == 0 && strcmp(j->verdict, "taken") == 0) {
		/* an imported dossier has this code: the next number */
		util_strlcpy(j->old, j->code, sizeof(j->old));
		rc = ++j->taken > MAX_TAKEN ? -ERANGE : seq_next(j);
		if (rc == 0)
			return;
	}
	finish(j, rc);
}

static int create(struct app_job *j)
{
	const struct store_keys *k = store_keyctx(j->st);
	struct argv *a = store_argv(j->st);
	char key[STORE_KEY_MAX], apps[STORE_KEY_MAX];
	const char *keys[LUA_APP_CREATE_NKEYS];
	const char *end;
	unsigned shard;
	struct sreq *rq;
	int rc;

	if (dossier_code_parse(j->code, j->d.code, sizeof(j->d.code), j->d.key,
			       sizeof(j->d.key), &end) < 0 || *end)
		return -EIO;	/* a claim that holds no code */
	util_strlcpy(j->d.filed_by, j->claim_mo, sizeof(j->d.filed_by));
	rc = sreq_open(j->st, 1, create_reply, create_done, NULL, j, 0, &rq);
	if (rc < 0)
		return rc;
	shard = store_shard_of(j->d.key, k->shards);
	store_key_dossier(k, j->d.key, key, sizeof(key));
	store_key_shard(k, shard, SK_APPS, NULL, apps, sizeof(apps));
	keys[LUA_APP_CREATE_DOSSIER] = key;
	keys[LUA_APP_CREATE_APPS] = apps;
	arg_reset(a);
	arg_script(a, LUA_APP_CREATE, keys);
	arg_kv(a, "key", j->d.key);
	arg_kv(a, "filed_by", j->d.filed_by);
	arg_ki(a, "now", util_now_ms());
	arg_ki(a, "keep", STORE_APP_KEEP_S * 1000LL);
	arg_dossier(a, &j->d);
	sreq_send(rq, 0, a);
	return sreq_commit(rq);
}

int store_app_file(struct store *st, const struct store_filing *f,
		   store_filing_fn *cb, void *arg)
{
	struct app_job *j = calloc(1, sizeof(*j));
	int64_t y;
	int m, d, rc;

	if (!j)
		return -ENOMEM;
	j->st = st;
	j->cb = cb;
	j->arg = arg;
	j->d = *f->d;
	util_strlcpy(j->d.app, f->proc, sizeof(j->d.app));
	util_strlcpy(j->msisdn, f->msisdn, sizeof(j->msisdn));
	util_strlcpy(j->proc, f->proc, sizeof(j->proc));
	util_strlcpy(j->agency, f->agency, sizeof(j->agency));
	util_strlcpy(j->mo, f->mo_id, sizeof(j->mo));
	j->claim_until = f->claim_until;
	day_to_civil(f->day, &y, &m, &d);
	snprintf(j->yymmdd, sizeof(j->yymmdd), "%02d%02d%02d",
		 (int)(y % 100), m % 100, d % 100);
	rc = claim(j, "");
	if (rc < 0)
		free(j);
	return rc;
}
