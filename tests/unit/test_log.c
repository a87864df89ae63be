/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of the log line formatter and of where lines go (common/log.h):
 * the plain line with its timestamp, the journal's "<N>" line without
 * one, the priorities, control characters and cuts, the $JOURNAL_STREAM
 * match against a file descriptor, and log specs checked without effect.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "suites.h"

/* log_format() with its arguments as for printf */
static size_t fmt(char *buf, size_t len, bool ts, bool prio,
		  enum log_cat cat, enum log_level lvl, const char *prefix,
		  const char *f, ...) __attribute__((format(printf, 8, 9)));

static size_t fmt(char *buf, size_t len, bool ts, bool prio,
		  enum log_cat cat, enum log_level lvl, const char *prefix,
		  const char *f, ...)
{
	/* 2026-12-05T05:25:00.123Z */
	const struct timeval now = { 1796448300, 123456 };
	struct log_style st = { ts, prio };
	va_list ap;
	size_t n;

	va_start(ap, f);
	n = log_format(buf, len, &st, &now, cat, lvl, prefix, f, ap);
	va_end(ap);
	return n;
}

START_TEST(test_plain_line)
{
	char buf[256];
	size_t n = fmt(buf, sizeof(buf), true, false, LOG_SMPP, LOG_WARN,
		       "main", "window full (%d)", 10);

	ck_assert_str_eq(buf, "2026-12-05T05:25:00.123Z WARN SMPP [main] "
			      "window full (10)");
	ck_assert_uint_eq(n, strlen(buf));
	fmt(buf, sizeof(buf), false, false, LOG_MAIN, LOG_NOTICE, NULL,
	    "started");
	ck_assert_str_eq(buf, "NOTICE MAIN started");
}
END_TEST

START_TEST(test_journal_line)
{
	static const struct {
		enum log_level lvl;
		const char *want;
	} cases[] = {
		{ LOG_ERROR, "<3>ERROR REDIS x" },
		{ LOG_WARN, "<4>WARN REDIS x" },
		{ LOG_NOTICE, "<5>NOTICE REDIS x" },
		{ LOG_INFO, "<6>INFO REDIS x" },
		{ LOG_DEBUG, "<7>DEBUG REDIS x" },
	};
	char buf[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fmt(buf, sizeof(buf), false, true, LOG_REDIS, cases[i].lvl,
		    "", "x");
		ck_assert_str_eq(buf, cases[i].want);
		ck_assert_int_eq(log_priority(cases[i].lvl), 3 + (int)i);
	}
	/* both asked: the priority comes first, the journal ignores none */
	fmt(buf, sizeof(buf), true, true, LOG_USSD, LOG_INFO, "849***12",
	    "y");
	ck_assert_str_eq(buf, "<6>2026-12-05T05:25:00.123Z INFO USSD "
			      "[849***12] y");
}
END_TEST

START_TEST(test_control_characters_and_cut)
{
	char buf[32];
	size_t n;

	fmt(buf, sizeof(buf), false, true, LOG_MENU, LOG_ERROR, NULL,
	    "a\nb\rc\x1b[2Jd\x7f");
	ck_assert_str_eq(buf, "<3>ERROR MENU a?b?c?[2Jd?");
	n = fmt(buf, sizeof(buf), true, true, LOG_MENU, LOG_ERROR, NULL,
		"%s", "a long message that does not fit");
	ck_assert_uint_eq(n, sizeof(buf) - 1);
	ck_assert_uint_eq(strlen(buf), sizeof(buf) - 1);
	ck_assert(strncmp(buf, "<3>2026-12-05T05:25:00.123Z ", 28) == 0);
	/* the smallest buffer still ends in a NUL */
	n = fmt(buf, 2, true, true, LOG_MENU, LOG_ERROR, NULL, "x");
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(buf, "<");
}
END_TEST

START_TEST(test_journal_stream_match)
{
	char path[] = "/tmp/cgw-log-XXXXXX", js[64];
	int fd = mkstemp(path);
	struct stat st;

	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(fstat(fd, &st), 0);
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	ck_assert(log_fd_is_journal(fd, js));
	/* another inode, another device, or not "DEV:INODE" at all */
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino + 1);
	ck_assert(!log_fd_is_journal(fd, js));
	snprintf(js, sizeof(js), "%llu:%llu",
		 (unsigned long long)st.st_dev + 1,
		 (unsigned long long)st.st_ino);
	ck_assert(!log_fd_is_journal(fd, js));
	snprintf(js, sizeof(js), "%llu:%llux", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	ck_assert(!log_fd_is_journal(fd, js));
	ck_assert(!log_fd_is_journal(fd, NULL));
	ck_assert(!log_fd_is_journal(fd, ""));
	ck_assert(!log_fd_is_journal(fd, "journal"));
	close(fd);
	/* a closed descriptor is no journal */
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	ck_assert(!log_fd_is_journal(fd, js));
}
END_TEST

/* log_mask_msisdn() writes what snprintf's "%.5s***%s" wrote, also cut in
 * a small buffer. */
START_TEST(test_mask_msisdn_as_snprintf)
{
	static const char *const in[] = { "", "8", "8491234", "84912345",
					  "84912345678", "849123456789012" };
	char want[32], got[32];

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		size_t n = strlen(in[i]);

		for (size_t cap = 1; cap <= sizeof(got); cap++) {
			if (n < 8)
				snprintf(want, cap, "%s", n ? "***" : "-");
			else
				snprintf(want, cap, "%.5s***%s", in[i],
					 in[i] + n - 2);
			ck_assert_str_eq(log_mask_msisdn(in[i], got, cap),
					 want);
		}
	}
	ck_assert_str_eq(log_mask_msisdn(NULL, got, sizeof(got)), "-");
}
END_TEST

START_TEST(test_spec_checked_without_effect)
{
	char err[256] = "";

	ck_assert_int_eq(log_apply_spec("notice", err, sizeof(err)), 0);
	ck_assert_int_eq(log_check_spec("debug,smpp=error", err, sizeof(err)),
			 0);
	ck_assert(!log_enabled(LOG_MAIN, LOG_DEBUG));
	ck_assert(log_enabled(LOG_SMPP, LOG_NOTICE));
	ck_assert_int_eq(log_check_spec("loud", err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "bad log spec 'loud'"));
	/* a bad spec changes nothing, not even its good first part */
	ck_assert_int_eq(log_apply_spec("debug,smpp=loud", err, sizeof(err)),
			 -EINVAL);
	ck_assert(!log_enabled(LOG_MAIN, LOG_DEBUG));
	ck_assert_int_eq(log_apply_spec("info,redis=debug", err, sizeof(err)),
			 0);
	ck_assert(log_enabled(LOG_MAIN, LOG_INFO));
	ck_assert(log_enabled(LOG_REDIS, LOG_DEBUG));
	ck_assert(!log_enabled(LOG_SMPP, LOG_DEBUG));
	ck_assert_int_eq(log_apply_spec("notice", err, sizeof(err)), 0);
}
END_TEST

Suite *suite_log(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_plain_line);
	tcase_add_test(tc, test_journal_line);
	tcase_add_test(tc, test_control_characters_and_cut);
	tcase_add_test(tc, test_journal_stream_match);
	tcase_add_test(tc, test_spec_checked_without_effect);
	tcase_add_test(tc, test_mask_msisdn_as_snprintf);
	suite_add_tcase(s, tc);
	return s;
}
