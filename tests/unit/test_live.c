/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The live USSD dialogs of a gateway process (gw/live.h): counted while
 * their session runs, once per phone however many steps, gone at their
 * final reply or when their time runs out, and right across the table's
 * rebuilds (thousands of phones, most of them expired).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>

#include "gw/live.h"

Suite *suite_live(void);

static void phone(int i, char *out, size_t cap)
{
	snprintf(out, cap, "849%08d", i);
}

START_TEST(test_count_and_end)
{
	struct live *l = live_new();

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(live_count(l, 0), 0);
	live_note(l, "84912345678", 0, 1000);
	live_note(l, "84977000111", 0, 2000);
	/* a second step of the same dialog: still one */
	live_note(l, "84912345678", 500, 1500);
	ck_assert_int_eq(live_count(l, 600), 2);
	ck_assert_int_eq(live_count(l, 1500), 1);	/* its time is up */
	ck_assert_int_eq(live_count(l, 1999), 1);
	ck_assert_int_eq(live_count(l, 2000), 0);
	/* a final reply ends it at once; ending an unknown one is nothing */
	live_note(l, "84966000222", 3000, 9000);
	live_note(l, "84966000222", 3100, 0);
	live_note(l, "84900000000", 3100, 0);
	ck_assert_int_eq(live_count(l, 3200), 0);
	/* a new dialog after the end counts again */
	live_note(l, "84966000222", 3300, 9000);
	ck_assert_int_eq(live_count(l, 3400), 1);
	live_free(l);
	live_free(NULL);
}
END_TEST

START_TEST(test_many)
{
	struct live *l = live_new();
	char p[16];

	/* 5000 dialogs at t=0 until 1000, then 5000 others at t=2000:
	 * the table grows and drops the expired ones as it does */
	for (int i = 0; i < 5000; i++) {
		phone(i, p, sizeof(p));
		live_note(l, p, 0, 1000);
	}
	ck_assert_int_eq(live_count(l, 10), 5000);
	for (int i = 5000; i < 10000; i++) {
		phone(i, p, sizeof(p));
		live_note(l, p, 2000, 5000);
	}
	ck_assert_int_eq(live_count(l, 2000), 5000);
	/* every other one ends */
	for (int i = 5000; i < 10000; i += 2) {
		phone(i, p, sizeof(p));
		live_note(l, p, 2500, 0);
	}
	ck_assert_int_eq(live_count(l, 2600), 2500);
	/* the first ones come back: counted again, once each */
	for (int r = 0; r < 3; r++)
		for (int i = 0; i < 1000; i++) {
			phone(i, p, sizeof(p));
			live_note(l, p, 3000, 6000);
		}
	ck_assert_int_eq(live_count(l, 3000), 3500);
	ck_assert_int_eq(live_count(l, 5000), 1000);
	ck_assert_int_eq(live_count(l, 6000), 0);
	live_free(l);
}
END_TEST

Suite *suite_live(void)
{
	Suite *s = suite_create("live");
	TCase *tc = tcase_create("live");

	tcase_add_test(tc, test_count_and_end);
	tcase_add_test(tc, test_many);
	suite_add_tcase(s, tc);
	return s;
}
