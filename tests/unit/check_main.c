/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The unit test runner: one SRunner over every suite in suites.h, and the
 * small helpers the suites share (temporary directories, files, UTF-8
 * validity). Exit status: EXIT_FAILURE when any test failed or the
 * temporary directory of the run could not be removed.
 *
 * Run with CK_FORK=yes (the default) so that each test runs in its own
 * process and LeakSanitizer checks it alone; CK_FORK=no for valgrind.
 */
#define _GNU_SOURCE	/* nftw */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text/text.h"
#include "suites.h"

/*
 * Every test's temporary directory lives under one directory made for the
 * run before any test forks: a test that fails stops before its own
 * tu_rmtree() (with CK_FORK=yes neither teardown nor atexit runs in the
 * child), and main() sweeps what is left.
 */
static char *run_dir;

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

char *tu_tmpdir(void)
{
	char *dir;

	ck_assert_ptr_nonnull(run_dir);
	ck_assert_int_ne(asprintf(&dir, "%s/t-XXXXXX", run_dir), -1);
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp(%s): %s", dir,
		      strerror(errno));
	return dir;
}

void tu_rmtree(char *dir)
{
	if (!dir)
		return;
	ck_assert_msg(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0,
		      "cannot remove %s: %s", dir, strerror(errno));
	free(dir);
}

const char *tu_write(const char *dir, const char *name, const char *text)
{
	static char path[PATH_MAX];
	const char *slash = strrchr(name, '/');
	FILE *f;

	if (slash) {
		snprintf(path, sizeof(path), "%s/%.*s", dir,
			 (int)(slash - name), name);
		if (mkdir(path, 0700) < 0)
			ck_assert_int_eq(errno, EEXIST);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "fopen(%s): %s", path, strerror(errno));
	ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

char *tu_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;

	ck_assert_msg(f != NULL, "fopen(%s): %s", path, strerror(errno));
	do {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	ck_assert_int_eq(ferror(f), 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

bool tu_utf8_valid(const char *s, size_t len)
{
	size_t pos = 0;
	uint32_t cp;

	while (pos < len)
		if (utf8_decode(s, len, &pos, &cp) < 0)
			return false;
	return true;
}

/* True when dir holds anything. */
static bool left_behind(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool any = false;

	if (!d)
		return true;
	while (!any && (e = readdir(d)))
		any = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return any;
}

int main(void)
{
	Suite *(*const suites[])(void) = {
		suite_pdu,   suite_text,    suite_cmd,  suite_phone,
		suite_dossier, suite_conf,  suite_menu, suite_ussd,
		suite_codec, suite_segment, suite_reasm, suite_paging,
		suite_services, suite_civil, suite_bcast, suite_notice,
		suite_csv, suite_apps, suite_log, suite_metrics, suite_live,
		suite_lghist, suite_hmap, suite_pool, suite_store_cmd,
	};
	SRunner *sr = srunner_create(NULL);
	const char *base = getenv("TMPDIR");
	int failed;

	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&run_dir, "%s/cgw-unit-XXXXXX", base) < 0 ||
	    !mkdtemp(run_dir)) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	/* passing tests clean up after themselves */
	if (!failed && left_behind(run_dir)) {
		fprintf(stderr, "tests left files in %s\n", run_dir);
		failed++;
	}
	if (nftw(run_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0) {
		perror(run_dir);
		failed++;
	}
	free(run_dir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
