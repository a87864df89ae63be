/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The free-list pool (common/pool.h): objects given back are handed out
 * again, at most `keep` are kept, and the rest is freed (the leak check
 * of the sanitized build sees the remainder). And Redis's replies built
 * from it (store/reply_pool.h) by hiredis's own reader: the same trees
 * hiredis builds, strings and arrays beyond a block included, and a tree
 * cut short by a protocol error freed whole.
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "common/pool.h"
#include "store/reply_pool.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

Suite *suite_pool(void);

START_TEST(test_reuse)
{
	struct pool p;
	void *a, *b, *c;

	pool_init(&p, 100, 2);
	a = pool_get(&p);
	b = pool_get(&p);
	c = pool_get(&p);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(c);
	memset(a, 0xaa, 100);
	pool_put(&p, a);
	pool_put(&p, b);
	pool_put(&p, c);	/* beyond keep: freed */
	pool_put(&p, NULL);
	ck_assert_uint_eq(p.nfree, 2);
	/* last in, first out */
	ck_assert_ptr_eq(pool_get(&p), b);
	ck_assert_ptr_eq(pool_get(&p), a);
	ck_assert_uint_eq(p.nfree, 0);
	pool_put(&p, a);
	pool_put(&p, b);
	pool_free(&p);
	ck_assert_uint_eq(p.nfree, 0);
	ck_assert_ptr_null(p.free);
}
END_TEST

START_TEST(test_small_objects)
{
	struct pool p;
	void *a;

	pool_init(&p, 1, 4);	/* rounded up to hold the link */
	ck_assert_uint_ge(p.size, sizeof(void *));
	a = pool_get(&p);
	pool_put(&p, a);
	ck_assert_ptr_eq(pool_get(&p), a);
	pool_put(&p, a);
	pool_free(&p);
}
END_TEST

/* The one reply in resp, read by a reader with the pool's functions. */
static redisReply *read_reply(redisReader *rd, const char *resp)
{
	void *reply = NULL;

	ck_assert_int_eq(redisReaderFeed(rd, resp, strlen(resp)), REDIS_OK);
	ck_assert_int_eq(redisReaderGetReply(rd, &reply), REDIS_OK);
	ck_assert_ptr_nonnull(reply);
	return reply;
}

START_TEST(test_reply_tree)
{
	redisReader *rd = redisReaderCreateWithFunctions(&reply_pool_fns);
	char big[200], resp[512];
	redisReply *r, *again;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(resp, sizeof(resp),
		 "*6\r\n$5\r\nhello\r\n:-42\r\n*2\r\n$-1\r\n+OK\r\n"
		 "-ERR no\r\n$%zu\r\n%s\r\n*0\r\n", strlen(big), big);
	r = read_reply(rd, resp);
	ck_assert_int_eq(r->type, REDIS_REPLY_ARRAY);
	ck_assert_uint_eq(r->elements, 6);
	ck_assert_int_eq(r->element[0]->type, REDIS_REPLY_STRING);
	ck_assert_str_eq(r->element[0]->str, "hello");
	ck_assert_uint_eq(r->element[0]->len, 5);
	ck_assert_int_eq(r->element[1]->type, REDIS_REPLY_INTEGER);
	ck_assert_int_eq(r->element[1]->integer, -42);
	ck_assert_int_eq(r->element[2]->type, REDIS_REPLY_ARRAY);
	ck_assert_uint_eq(r->element[2]->elements, 2);
	ck_assert_int_eq(r->element[2]->element[0]->type, REDIS_REPLY_NIL);
	ck_assert_int_eq(r->element[2]->element[1]->type,
			 REDIS_REPLY_STATUS);
	ck_assert_str_eq(r->element[2]->element[1]->str, "OK");
	ck_assert_int_eq(r->element[3]->type, REDIS_REPLY_ERROR);
	ck_assert_str_eq(r->element[3]->str, "ERR no");
	/* a string beyond a block's room */
	ck_assert_str_eq(r->element[4]->str, big);
	ck_assert_uint_eq(r->element[4]->len, strlen(big));
	ck_assert_int_eq(r->element[5]->type, REDIS_REPLY_ARRAY);
	ck_assert_uint_eq(r->element[5]->elements, 0);
	reply_pool_fns.freeObject(r);

	/* an array with more elements than a block holds pointers */
	r = read_reply(rd, "*12\r\n:0\r\n:1\r\n:2\r\n:3\r\n:4\r\n:5\r\n"
			   ":6\r\n:7\r\n:8\r\n:9\r\n:10\r\n:11\r\n");
	ck_assert_uint_eq(r->elements, 12);
	for (int i = 0; i < 12; i++)
		ck_assert_int_eq(r->element[i]->integer, i);
	reply_pool_fns.freeObject(r);

	/* a block given back is handed out again (and, under ASan,
	 * poisoned while it waits) */
	r = read_reply(rd, ":7\r\n");
	reply_pool_fns.freeObject(r);
#if defined(__SANITIZE_ADDRESS__)
	ck_assert(__asan_address_is_poisoned(&r->integer));
#endif
	again = read_reply(rd, "$2\r\nab\r\n");
	ck_assert_ptr_eq(again, r);
	ck_assert_str_eq(again->str, "ab");
	reply_pool_fns.freeObject(again);

	/* a protocol error in the middle of an array: the reader frees
	 * what it built through the pool's functions (the leak check) */
	{
		void *reply = NULL;
		const char *bad = "*3\r\n$1\r\na\r\n*2\r\n:1\r\n!x\r\n";

		redisReaderFeed(rd, bad, strlen(bad));
		ck_assert_int_eq(redisReaderGetReply(rd, &reply), REDIS_ERR);
		ck_assert_ptr_null(reply);
	}
	redisReaderFree(rd);
	reply_pool_drain();
}
END_TEST

Suite *suite_pool(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_reuse);
	tcase_add_test(tc, test_small_objects);
	tcase_add_test(tc, test_reply_tree);
	suite_add_tcase(s, tc);
	return s;
}
