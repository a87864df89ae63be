/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cgw-loadgen's latency histogram (bench/loadgen_hist.h): every value
 * falls in a bucket that holds it and is at most 0.1% wide, percentiles
 * take the ceil(p% * n)-th smallest sample to within a bucket, the maximum
 * is exact, and no bucket overflows the table for any 64-bit value.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "bench/loadgen_hist.h"
#include "suites.h"

/* lowest(index(v)) <= v < lowest(index(v) + 1), width <= v / 1024 */
static void check_bucket(uint64_t v)
{
	unsigned i = lg_hist_index(v);
	uint64_t lo = lg_hist_lowest(i), hi = lg_hist_lowest(i + 1);

	ck_assert_uint_lt(i, LG_HIST_BUCKETS - 1);
	ck_assert_msg(lo <= v && v < hi, "%llu in [%llu, %llu)",
		      (unsigned long long)v, (unsigned long long)lo,
		      (unsigned long long)hi);
	ck_assert_msg((hi - lo) * 1024 <= (v > 1024 ? v : 1024),
		      "bucket of %llu is %llu wide", (unsigned long long)v,
		      (unsigned long long)(hi - lo));
}

START_TEST(buckets_hold_their_values)
{
	for (uint64_t v = 0; v < 70000; v++)
		check_bucket(v);
	for (uint64_t v = 70000; v < (1ull << 40); v = v * 3 / 2 + 7) {
		check_bucket(v);
		check_bucket(v - 1);
	}
	srand(13);
	for (int k = 0; k < 100000; k++)
		check_bucket(((uint64_t)rand() << 16 ^ (uint64_t)rand()) %
			     (1ull << 40));
}
END_TEST

START_TEST(huge_values_stay_in_the_table)
{
	struct lg_hist *h = calloc(1, sizeof(*h));

	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(lg_hist_index(UINT64_MAX), LG_HIST_BUCKETS - 1);
	lg_hist_record(h, UINT64_MAX);
	lg_hist_record(h, 5);
	ck_assert_uint_eq(lg_hist_percentile(h, 50), 5);
	ck_assert_uint_le(lg_hist_percentile(h, 100), UINT64_MAX);
	ck_assert_uint_eq(h->max, UINT64_MAX);
	free(h);
}
END_TEST

/* |got - want| within one part in 1024 of want */
static void near(uint64_t got, uint64_t want)
{
	uint64_t d = got > want ? got - want : want - got;

	ck_assert_msg(d * 1024 <= want, "got %llu, want %llu",
		      (unsigned long long)got, (unsigned long long)want);
}

START_TEST(percentiles_of_a_uniform_run)
{
	struct lg_hist *h = calloc(1, sizeof(*h));

	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(lg_hist_percentile(h, 50), 0);	/* empty */
	/* 1000, 2000, ..., 10,000,000 µs in a shuffled order */
	for (uint64_t k = 0; k < 10000; k++)
		lg_hist_record(h, ((k * 7919) % 10000 + 1) * 1000);
	ck_assert_uint_eq(h->total, 10000);
	near(lg_hist_percentile(h, 50), 5000000);
	near(lg_hist_percentile(h, 90), 9000000);
	near(lg_hist_percentile(h, 99), 9900000);
	near(lg_hist_percentile(h, 99.9), 9990000);
	ck_assert_uint_eq(lg_hist_percentile(h, 100), 10000000);
	ck_assert_uint_eq(h->max, 10000000);
	free(h);
}
END_TEST

START_TEST(rank_is_the_ceiling)
{
	struct lg_hist *h = calloc(1, sizeof(*h));

	ck_assert_ptr_nonnull(h);
	lg_hist_record(h, 10);
	lg_hist_record(h, 1000);
	/* 2 samples: p50 is the 1st, anything above the 2nd */
	ck_assert_uint_eq(lg_hist_percentile(h, 50), 10);
	ck_assert_uint_eq(lg_hist_percentile(h, 50.1), 1000);
	ck_assert_uint_eq(lg_hist_percentile(h, 0.001), 10);
	lg_hist_reset(h);
	ck_assert_uint_eq(h->total, 0);
	/* a lone sample is its own every percentile, however large */
	lg_hist_record(h, 123456789);
	ck_assert_uint_eq(lg_hist_percentile(h, 1), 123456789);
	ck_assert_uint_eq(lg_hist_percentile(h, 99.9), 123456789);
	free(h);
}
END_TEST

Suite *suite_lghist(void)
{
	Suite *s = suite_create("lghist");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, buckets_hold_their_values);
	tcase_add_test(tc, huge_values_stay_in_the_table);
	tcase_add_test(tc, percentiles_of_a_uniform_run);
	tcase_add_test(tc, rank_is_the_ceiling);
	suite_add_tcase(s, tc);
	return s;
}
