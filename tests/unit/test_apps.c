/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of what the store makes of the answers about applications and
 * staff's status changes (store/store_int.h, read by both stores): the
 * shards' apps_list answers gathered newest first and cut to the limit
 * (a thousand shards held to twice the limit), "more" kept, a dossier
 * gone meanwhile skipped, malformed answers refused; dossier_status's
 * answer; a view's filed time and time to live. The replies are built by
 * hand, as hiredis hands them over.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "suites.h"

/* --- replies by hand ------------------------------------------------------------ */

static redisReply *r_new(int type)
{
	redisReply *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	r->type = type;
	return r;
}

static redisReply *r_str(const char *s)
{
	redisReply *r = r_new(REDIS_REPLY_STRING);

	r->str = strdup(s);
	r->len = strlen(s);
	return r;
}

static redisReply *r_int(long long v)
{
	redisReply *r = r_new(REDIS_REPLY_INTEGER);

	r->integer = v;
	return r;
}

static redisReply *r_arr(size_t n)
{
	redisReply *r = r_new(REDIS_REPLY_ARRAY);

	r->element = calloc(n ? n : 1, sizeof(*r->element));
	r->elements = n;
	return r;
}

static void r_free(redisReply *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->elements; i++)
		r_free(r->element[i]);
	free(r->element);
	free(r->str);
	free(r);
}

/* A dossier's hash: code, key, status, app, f:cccd (code empty: a hash
 * that is gone, HGETALL's empty array). */
static redisReply *r_dossier(const char *key, int status)
{
	char code[64], st[8];
	redisReply *h;

	if (!key[0])
		return r_arr(0);
	snprintf(code, sizeof(code), "000.00.19.%s", key + 7);
	snprintf(st, sizeof(st), "%d", status);
	h = r_arr(10);
	h->element[0] = r_str("code");
	h->element[1] = r_str(code);
	h->element[2] = r_str("key");
	h->element[3] = r_str(key);
	h->element[4] = r_str("status");
	h->element[5] = r_str(st);
	h->element[6] = r_str("app");
	h->element[7] = r_str("bansao");
	h->element[8] = r_str("f:cccd");
	h->element[9] = r_str("001203012345");
	return h;
}

/* One shard's apps_list answer: more, then n entries of (key, filed,
 * hash); keys[i] "" for a dossier that is gone. */
static redisReply *r_shard(int more, int n, const char *const *keys,
			   const long long *filed)
{
	redisReply *r = r_arr(1 + 3 * (size_t)n);
	char ms[24];

	r->element[0] = r_int(more);
	for (int i = 0; i < n; i++) {
		snprintf(ms, sizeof(ms), "%lld", filed[i]);
		r->element[1 + 3 * i] = r_str(keys[i][0] ? keys[i]
							 : "0000019H56-X");
		r->element[2 + 3 * i] = r_str(ms);
		r->element[3 + 3 * i] = r_dossier(keys[i], 2);
	}
	return r;
}

/* --- gathering ------------------------------------------------------------------ */

START_TEST(test_gather_newest_first)
{
	static const char *const k1[] = { "0000019H56-261204-0003",
					  "0000019H56-261204-0001" };
	static const long long f1[] = { 3000, 1000 };
	static const char *const k2[] = { "0000019H56-261204-0004", "",
					  "0000019H56-261204-0002" };
	static const long long f2[] = { 4000, 3500, 2000 };
	struct app_gather g = { .limit = 3 };
	redisReply *a = r_shard(0, 2, k1, f1), *b = r_shard(1, 3, k2, f2);

	ck_assert_int_eq(app_gather_add(&g, a), 0);
	ck_assert_int_eq(app_gather_add(&g, b), 0);
	app_gather_end(&g);
	/* the dossier that is gone is not listed; the oldest is cut */
	ck_assert_int_eq(g.l.n, 3);
	ck_assert(g.l.more);
	ck_assert_str_eq(g.l.v[0].d.key, "0000019H56-261204-0004");
	ck_assert_str_eq(g.l.v[1].d.key, "0000019H56-261204-0003");
	ck_assert_str_eq(g.l.v[2].d.key, "0000019H56-261204-0002");
	ck_assert_int_eq(g.l.v[0].filed_ms, 4000);
	ck_assert_int_eq(g.l.v[2].filed_ms, 2000);
	ck_assert_str_eq(g.l.v[0].d.code, "000.00.19.H56-261204-0004");
	ck_assert_str_eq(g.l.v[0].d.app, "bansao");
	ck_assert_str_eq(dossier_form_get(&g.l.v[0].d, "cccd"),
			 "001203012345");
	app_gather_free(&g);
	ck_assert_ptr_null(g.l.v);
	r_free(a);
	r_free(b);
}
END_TEST

/* many shards, each with the limit: never more than twice it held */
START_TEST(test_gather_bounded)
{
	struct app_gather g = { .limit = 2 };

	for (int s = 0; s < 200; s++) {
		char k0[32], k1[32];
		const char *keys[] = { k0, k1 };
		long long filed[] = { 10000 + s, s };
		redisReply *r;

		snprintf(k0, sizeof(k0), "0000019H56-261204-%04d", s);
		snprintf(k1, sizeof(k1), "0000019H56-261203-%04d", s);
		r = r_shard(0, 2, keys, filed);
		ck_assert_int_eq(app_gather_add(&g, r), 0);
		ck_assert_int_le(g.l.n, 2 * g.limit + 1);
		r_free(r);
	}
	app_gather_end(&g);
	ck_assert_int_eq(g.l.n, 2);
	ck_assert(!g.l.more);
	ck_assert_int_eq(g.l.v[0].filed_ms, 10199);
	ck_assert_int_eq(g.l.v[1].filed_ms, 10198);
	app_gather_free(&g);
}
END_TEST

START_TEST(test_gather_refuses_bad_answers)
{
	struct app_gather g = { .limit = 5 };
	redisReply *r;

	ck_assert_int_eq(app_gather_add(&g, NULL), -EIO);
	r = r_str("OK");
	ck_assert_int_eq(app_gather_add(&g, r), -EIO);
	r_free(r);
	r = r_arr(0);
	ck_assert_int_eq(app_gather_add(&g, r), -EIO);
	r_free(r);
	r = r_arr(3);	/* more, then half an entry */
	r->element[0] = r_int(0);
	r->element[1] = r_str("0000019H56-261204-0001");
	r->element[2] = r_str("1000");
	ck_assert_int_eq(app_gather_add(&g, r), -EIO);
	r_free(r);
	r = r_arr(4);	/* a key that is not a string */
	r->element[0] = r_int(0);
	r->element[1] = r_int(7);
	r->element[2] = r_str("1000");
	r->element[3] = r_arr(0);
	ck_assert_int_eq(app_gather_add(&g, r), -EIO);
	r_free(r);
	app_gather_end(&g);
	ck_assert_int_eq(g.l.n, 0);
	app_gather_free(&g);
}
END_TEST

/* --- a status change, a view --------------------------------------------------------- */

START_TEST(test_status_answer)
{
	struct store_status_result res;
	redisReply *r = r_arr(0);

	memset(&res, 0, sizeof(res));
	ck_assert_int_eq(reply_status(r, &res), 0);
	ck_assert(!res.found);
	r_free(r);
	r = r_arr(3);
	r->element[0] = r_str("2");
	r->element[1] = r_int(1);
	r->element[2] = r_int(4);
	ck_assert_int_eq(reply_status(r, &res), 0);
	ck_assert(res.found && res.changed);
	ck_assert_int_eq(res.old_status, 2);
	r_free(r);
	r = r_arr(2);
	r->element[0] = r_str("2");
	r->element[1] = r_int(1);
	ck_assert_int_eq(reply_status(r, &res), -EIO);
	r_free(r);
	r = r_int(0);
	ck_assert_int_eq(reply_status(r, &res), -EIO);
	r_free(r);
}
END_TEST

START_TEST(test_view_parts)
{
	struct store_dossier_view v;
	redisReply *h = r_dossier("0000019H56-261204-0009", 3), *r;

	ck_assert(reply_view_hash(h, &v));
	ck_assert_int_eq(v.d.status, 3);
	r_free(h);
	h = r_arr(0);
	ck_assert(!reply_view_hash(h, &v));
	r_free(h);
	r = r_str("1733300000000");
	reply_view_filed(r, &v);
	ck_assert_int_eq(v.filed_ms, 1733300000000LL);
	r_free(r);
	r = r_new(REDIS_REPLY_NIL);
	reply_view_filed(r, &v);
	ck_assert_int_eq(v.filed_ms, 0);
	reply_view_ttl(r, 5000, &v);
	ck_assert_int_eq(v.expires_ms, 0);
	r_free(r);
	r = r_int(-1);		/* no time to live */
	reply_view_ttl(r, 5000, &v);
	ck_assert_int_eq(v.expires_ms, 0);
	r_free(r);
	r = r_int(2500);
	reply_view_ttl(r, 5000, &v);
	ck_assert_int_eq(v.expires_ms, 7500);
	r_free(r);
}
END_TEST

Suite *suite_apps(void)
{
	Suite *s = suite_create("apps");
	TCase *tc = tcase_create("apps");

	tcase_add_test(tc, test_gather_newest_first);
	tcase_add_test(tc, test_gather_bounded);
	tcase_add_test(tc, test_gather_refuses_bad_answers);
	tcase_add_test(tc, test_status_answer);
	tcase_add_test(tc, test_view_parts);
	suite_add_tcase(s, tc);
	return s;
}
