/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The metrics registry and its Prometheus text renderer (common/metrics.h):
 * whole renders compared byte for byte (HELP and TYPE, label escaping,
 * histogram buckets cumulative with +Inf, _sum and _count, float forms),
 * the "_other" series when label sets run out, refused definitions, and
 * the gateway's own table accepted and rendered.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/metrics.h"

Suite *suite_metrics(void);

static const double small_buckets[] = { 0.1, 1, 2.5 };

enum { T_REQS, T_TEMP, T_LAT, T_N };

static const struct metric_def tdefs[T_N] = {
	[T_REQS] = { .name = "t_requests_total", .type = METRIC_COUNTER,
		     .help = "Requests, by \"path\" \\ and\nmethod.",
		     .labels = { "path", "method", NULL }, .max_series = 3 },
	[T_TEMP] = { .name = "t_temperature", .type = METRIC_GAUGE,
		     .help = "A gauge.", .labels = { NULL } },
	[T_LAT] = { .name = "t_latency_seconds", .type = METRIC_HISTOGRAM,
		    .help = "Latency.", .labels = { "op", NULL },
		    .buckets = small_buckets, .nbuckets = 3 },
};

static struct metrics *make(void)
{
	char err[200];
	struct metrics *m = metrics_new(tdefs, T_N, err, sizeof(err));

	ck_assert_msg(m != NULL, "%s", err);
	return m;
}

START_TEST(empty_registry_renders_families_and_unlabelled_zero)
{
	struct metrics *m = make();
	size_t len;
	char *s = metrics_render(m, &len);

	ck_assert_str_eq(s,
		"# HELP t_requests_total Requests, by \"path\" \\\\ and\\n"
		"method.\n"
		"# TYPE t_requests_total counter\n"
		"# HELP t_temperature A gauge.\n"
		"# TYPE t_temperature gauge\n"
		"t_temperature 0\n"
		"# HELP t_latency_seconds Latency.\n"
		"# TYPE t_latency_seconds histogram\n");
	ck_assert_uint_eq(len, strlen(s));
	free(s);
	metrics_free(m);
}
END_TEST

START_TEST(counters_gauges_and_label_escaping)
{
	struct metrics *m = make();
	char *s;

	metrics_add(m, T_REQS, METRIC_LV("/a", "GET"), 1);
	metrics_add(m, T_REQS, METRIC_LV("/a", "GET"), 2);
	metrics_add(m, T_REQS, METRIC_LV("q\"u\\o\nte", "POST"), 1);
	metrics_set(m, T_TEMP, NULL, -3.5);
	ck_assert(metrics_value(m, T_REQS, METRIC_LV("/a", "GET")) == 3);
	ck_assert(metrics_value(m, T_REQS, METRIC_LV("/b", "GET")) == 0);
	s = metrics_render(m, NULL);
	ck_assert_ptr_nonnull(strstr(s,
		"t_requests_total{path=\"/a\",method=\"GET\"} 3\n"
		"t_requests_total{path=\"q\\\"u\\\\o\\nte\",method=\"POST\"} "
		"1\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nt_temperature -3.5\n"));
	free(s);
	/* a counter is not set, a gauge is */
	metrics_set(m, T_REQS, METRIC_LV("/a", "GET"), 100);
	ck_assert(metrics_value(m, T_REQS, METRIC_LV("/a", "GET")) == 3);
	metrics_add(m, T_TEMP, NULL, 1);
	ck_assert(metrics_value(m, T_TEMP, NULL) == -2.5);
	metrics_free(m);
}
END_TEST

START_TEST(histogram_buckets_cumulative_with_inf)
{
	struct metrics *m = make();
	char *s;

	metrics_observe(m, T_LAT, METRIC_LV("get"), 0.05);
	metrics_observe(m, T_LAT, METRIC_LV("get"), 0.1);	/* le is <= */
	metrics_observe(m, T_LAT, METRIC_LV("get"), 2);
	metrics_observe(m, T_LAT, METRIC_LV("get"), 7);
	metrics_observe(m, T_LAT, METRIC_LV("get"), NAN);	/* ignored */
	s = metrics_render(m, NULL);
	ck_assert_ptr_nonnull(strstr(s,
		"# TYPE t_latency_seconds histogram\n"
		"t_latency_seconds_bucket{op=\"get\",le=\"0.1\"} 2\n"
		"t_latency_seconds_bucket{op=\"get\",le=\"1\"} 2\n"
		"t_latency_seconds_bucket{op=\"get\",le=\"2.5\"} 3\n"
		"t_latency_seconds_bucket{op=\"get\",le=\"+Inf\"} 4\n"
		"t_latency_seconds_sum{op=\"get\"} 9.15\n"
		"t_latency_seconds_count{op=\"get\"} 4\n"));
	free(s);
	metrics_free(m);
}
END_TEST

START_TEST(full_series_fold_into_other)
{
	struct metrics *m = make();	/* T_REQS holds 3 label sets */
	char *s;

	metrics_add(m, T_REQS, METRIC_LV("/1", "GET"), 1);
	metrics_add(m, T_REQS, METRIC_LV("/2", "GET"), 1);
	metrics_add(m, T_REQS, METRIC_LV("/3", "GET"), 1);
	metrics_add(m, T_REQS, METRIC_LV("/4", "GET"), 1);
	metrics_add(m, T_REQS, METRIC_LV("/1", "GET"), 1);
	s = metrics_render(m, NULL);
	ck_assert_ptr_nonnull(strstr(s,
		"t_requests_total{path=\"/1\",method=\"GET\"} 2\n"
		"t_requests_total{path=\"/2\",method=\"GET\"} 1\n"
		"t_requests_total{path=\"_other\",method=\"_other\"} 2\n"));
	ck_assert_ptr_null(strstr(s, "/3"));
	free(s);
	/* clear forgets them all */
	metrics_clear(m, T_REQS);
	s = metrics_render(m, NULL);
	ck_assert_ptr_null(strstr(s, "t_requests_total{"));
	free(s);
	metrics_free(m);
}
END_TEST

START_TEST(long_label_values_are_cut_and_still_match)
{
	struct metrics *m = make();
	char v[200];

	memset(v, 'x', sizeof(v) - 1);
	v[sizeof(v) - 1] = '\0';
	metrics_add(m, T_REQS, METRIC_LV(v, "GET"), 1);
	metrics_add(m, T_REQS, METRIC_LV(v, "GET"), 1);
	ck_assert(metrics_value(m, T_REQS, METRIC_LV(v, "GET")) == 2);
	metrics_free(m);
}
END_TEST

START_TEST(missing_label_values_are_empty)
{
	struct metrics *m = make();
	char *s;

	metrics_add(m, T_REQS, METRIC_LV("/a"), 1);
	metrics_add(m, T_REQS, METRIC_LV("/a", ""), 1);
	metrics_add(m, T_REQS, NULL, 1);
	s = metrics_render(m, NULL);
	ck_assert_ptr_nonnull(strstr(s,
		"t_requests_total{path=\"/a\",method=\"\"} 2\n"
		"t_requests_total{path=\"\",method=\"\"} 1\n"));
	free(s);
	metrics_free(m);
}
END_TEST

START_TEST(float_forms)
{
	static const struct metric_def d[] = {
		{ .name = "g", .type = METRIC_GAUGE, .help = "",
		  .labels = { "k", NULL } },
	};
	char err[100];
	struct metrics *m = metrics_new(d, 1, err, sizeof(err));
	char *s;

	metrics_set(m, 0, METRIC_LV("a"), INFINITY);
	metrics_set(m, 0, METRIC_LV("b"), -INFINITY);
	metrics_set(m, 0, METRIC_LV("c"), NAN);
	metrics_set(m, 0, METRIC_LV("d"), 1e21);
	metrics_set(m, 0, METRIC_LV("e"), 0.1 + 0.2);
	metrics_set(m, 0, METRIC_LV("f"), 123456789);
	s = metrics_render(m, NULL);
	ck_assert_str_eq(s, "# HELP g \n# TYPE g gauge\n"
			 "g{k=\"a\"} +Inf\n"
			 "g{k=\"b\"} -Inf\n"
			 "g{k=\"c\"} NaN\n"
			 "g{k=\"d\"} 1e+21\n"
			 "g{k=\"e\"} 0.30000000000000004\n"
			 "g{k=\"f\"} 123456789\n");
	free(s);
	metrics_free(m);
}
END_TEST

START_TEST(bad_definitions_refused)
{
	static const double down[] = { 1, 0.5 };
	static const struct metric_def bad[][1] = {
		{ { .name = "1abc", .type = METRIC_COUNTER, .help = "",
		  .labels = { NULL } } },
		{ { .name = "a-b", .type = METRIC_COUNTER, .help = "",
		  .labels = { NULL } } },
		{ { .name = "ok", .type = METRIC_COUNTER, .help = "",
		  .labels = { "bad-label", NULL } } },
		{ { .name = "ok", .type = METRIC_COUNTER, .help = "",
		  .labels = { "__reserved", NULL } } },
		{ { .name = "h", .type = METRIC_HISTOGRAM, .help = "",
		  .labels = { "le", NULL },
		    .buckets = down, .nbuckets = 1 } },
		{ { .name = "h", .type = METRIC_HISTOGRAM, .help = "",
		  .labels = { NULL } } },
		{ { .name = "h", .type = METRIC_HISTOGRAM, .help = "",
		  .labels = { NULL }, .buckets = down,
		    .nbuckets = 2 } },
	};
	char err[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(metrics_new(bad[i], 1, err, sizeof(err)) == NULL,
			      "definition %zu accepted", i);
		ck_assert_msg(err[0], "no reason for %zu", i);
	}
}
END_TEST

START_TEST(process_registry_and_gateway_table)
{
	char err[200];
	struct metrics *m = metrics_new(cgw_metrics, CGW_M_COUNT, err,
					sizeof(err));
	char *s;

	ck_assert_msg(m != NULL, "%s", err);
	/* nothing installed: the hot path does nothing */
	metric_inc(CGW_M_MO, METRIC_LV("main", "sms"));
	ck_assert(metrics_value(m, CGW_M_MO, METRIC_LV("main", "sms")) == 0);
	metrics_process_set(m);
	metric_inc(CGW_M_MO, METRIC_LV("main", "sms"));
	metric_observe(CGW_M_REDIS_SECONDS, NULL, 0.002);
	ck_assert(metrics_value(m, CGW_M_MO, METRIC_LV("main", "sms")) == 1);
	s = metrics_render(m, NULL);
	ck_assert_ptr_nonnull(strstr(s,
		"citizengw_mo_total{bind=\"main\",channel=\"sms\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s,
		"citizengw_redis_request_seconds_bucket{le=\"0.0025\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s,
		"citizengw_redis_request_seconds_count 1\n"));
	free(s);
	metrics_free(m);
	ck_assert_ptr_null(metrics_process());
}
END_TEST

Suite *suite_metrics(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("render");

	tcase_add_test(tc, empty_registry_renders_families_and_unlabelled_zero);
	tcase_add_test(tc, counters_gauges_and_label_escaping);
	tcase_add_test(tc, histogram_buckets_cumulative_with_inf);
	tcase_add_test(tc, full_series_fold_into_other);
	tcase_add_test(tc, long_label_values_are_cut_and_still_match);
	tcase_add_test(tc, missing_label_values_are_empty);
	tcase_add_test(tc, float_forms);
	tcase_add_test(tc, bad_definitions_refused);
	tcase_add_test(tc, process_registry_and_gateway_table);
	suite_add_tcase(s, tc);
	return s;
}
