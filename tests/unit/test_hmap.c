/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The hash map (common/hmap.h): what goes in comes out, deletion keeps
 * every other key findable (backward shift across wrapped runs), the
 * table grows under many keys, and byte keys with NULs work.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hmap.h"

Suite *suite_hmap(void);

START_TEST(test_put_get_del)
{
	struct hmap *m = hmap_new(0);
	int a = 1, b = 2;

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_null(hmap_sget(m, "x"));
	ck_assert_int_eq(hmap_sput(m, "x", &a), 0);
	ck_assert_int_eq(hmap_sput(m, "y", &b), 0);
	ck_assert_int_eq(hmap_sput(m, "x", &b), -EEXIST);
	ck_assert_ptr_eq(hmap_sget(m, "x"), &a);
	ck_assert_ptr_eq(hmap_sget(m, "y"), &b);
	ck_assert_uint_eq(hmap_count(m), 2);
	/* a key that is a prefix of another is another key */
	ck_assert_ptr_null(hmap_get(m, "x", 0));
	ck_assert_ptr_eq(hmap_sdel(m, "x"), &a);
	ck_assert_ptr_null(hmap_sdel(m, "x"));
	ck_assert_ptr_null(hmap_sget(m, "x"));
	ck_assert_ptr_eq(hmap_sget(m, "y"), &b);
	ck_assert_uint_eq(hmap_count(m), 1);
	hmap_free(m);
	hmap_free(NULL);
}
END_TEST

START_TEST(test_bytes)
{
	struct hmap *m = hmap_new(4);
	const char k1[] = { 'a', 0, 'b' }, k2[] = { 'a', 0, 'c' };
	int v1, v2;

	ck_assert_int_eq(hmap_put(m, k1, 3, &v1), 0);
	ck_assert_int_eq(hmap_put(m, k2, 3, &v2), 0);
	ck_assert_ptr_eq(hmap_get(m, k1, 3), &v1);
	ck_assert_ptr_eq(hmap_get(m, k2, 3), &v2);
	ck_assert_ptr_null(hmap_get(m, k1, 1));
	hmap_free(m);
}
END_TEST

/* Many keys in, every other one out, in and out again: each lookup
 * agrees with a plain array of what should be there. */
START_TEST(test_many)
{
	enum { N = 5000 };
	static char keys[N][16];
	static bool in[N];
	struct hmap *m = hmap_new(0);

	for (int i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "849%08d", i * 7919);
		ck_assert_int_eq(hmap_sput(m, keys[i], keys[i]), 0);
		in[i] = true;
	}
	for (int i = 0; i < N; i += 2) {
		ck_assert_ptr_eq(hmap_sdel(m, keys[i]), keys[i]);
		in[i] = false;
	}
	for (int i = 0; i < N; i += 6) {
		ck_assert_int_eq(hmap_sput(m, keys[i], keys[i]), 0);
		in[i] = true;
	}
	for (int i = 0; i < N; i++)
		ck_assert_ptr_eq(hmap_sget(m, keys[i]), in[i] ? keys[i] : NULL);
	for (int i = 0; i < N; i++)
		if (in[i])
			ck_assert_ptr_eq(hmap_sdel(m, keys[i]), keys[i]);
	ck_assert_uint_eq(hmap_count(m), 0);
	hmap_free(m);
}
END_TEST

Suite *suite_hmap(void)
{
	Suite *s = suite_create("hmap");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_put_get_del);
	tcase_add_test(tc, test_bytes);
	tcase_add_test(tc, test_many);
	suite_add_tcase(s, tc);
	return s;
}
