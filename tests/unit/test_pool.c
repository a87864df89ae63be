/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The free-list pool (common/pool.h): objects given back are handed out
 * again, at most `keep` are kept, and the rest is freed (the leak check
 * of the sanitized build sees the remainder).
 */
#include "config.h"

#include <check.h>
#include <string.h>

#include "common/pool.h"

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

Suite *suite_pool(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_reuse);
	tcase_add_test(tc, test_small_objects);
	suite_add_tcase(s, tc);
	return s;
}
