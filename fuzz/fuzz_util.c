/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Helpers of the fuzz targets (see fuzz/fuzz.h).
 */
#define _GNU_SOURCE	/* nftw */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "services/dossier.h"
#include "text/text.h"

uint8_t fz_u8(struct fz *f)
{
	uint8_t b;

	if (!f->n)
		return 0;
	b = *f->p++;
	f->n--;
	return b;
}

uint16_t fz_u16(struct fz *f)
{
	uint16_t hi = fz_u8(f);

	return (uint16_t)(hi << 8 | fz_u8(f));
}

bool fz_bool(struct fz *f)
{
	return fz_u8(f) & 1;
}

const uint8_t *fz_until(struct fz *f, uint8_t sep, size_t *len)
{
	const uint8_t *start = f->p;
	const uint8_t *end = f->n ? memchr(f->p, sep, f->n) : NULL;

	if (!end) {
		*len = f->n;
		f->p += f->n;
		f->n = 0;
		return start;
	}
	*len = (size_t)(end - start);
	f->n -= *len + 1;
	f->p = end + 1;
	return start;
}

const uint8_t *fz_rest(struct fz *f, size_t *len)
{
	const uint8_t *start = f->p;

	*len = f->n;
	f->p += f->n;
	f->n = 0;
	return start;
}

char *fz_strndup(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

bool fz_includes_outside(const uint8_t *p, size_t n)
{
	static const char kw[] = "@include";

	for (size_t i = 0; i + sizeof(kw) - 1 <= n; i++) {
		size_t j = i + sizeof(kw) - 1;

		if (memcmp(p + i, kw, sizeof(kw) - 1) != 0)
			continue;
		while (j < n && p[j] != '"' && p[j] != '\n')
			j++;
		if (j + 1 < n && p[j] == '"' && p[j + 1] == '/')
			return true;
		for (; j + 1 < n && p[j] != '\n'; j++)
			if (p[j] == '.' && p[j + 1] == '.')
				return true;
	}
	return false;
}

/* --- properties ----------------------------------------------------------- */

void fz_check_dossier(const struct dossier *d)
{
	char display[DOSSIER_CODE_MAX], key[DOSSIER_CODE_MAX];
	const char *end;

	if (dossier_code_parse(d->code, display, sizeof(display), key,
			       sizeof(key), &end) < 0 ||
	    strcmp(key, d->key) != 0)
		fz_fail("dossier code \"%s\" does not parse back to \"%s\"",
			d->code, d->key);
	if (strlen(d->phone) != 11 || strncmp(d->phone, "84", 2) != 0 ||
	    strspn(d->phone, "0123456789") != 11)
		fz_fail("phone \"%s\"", d->phone);
	if (d->status < 1 || d->status > 10)
		fz_fail("status %d", d->status);
	if (!dossier_date_valid(d->received_at) ||
	    (d->due_at[0] && !dossier_date_valid(d->due_at)))
		fz_fail("dates \"%s\" \"%s\"", d->received_at, d->due_at);
	if (!utf8_valid(d->procedure) || !utf8_valid(d->agency))
		fz_fail("procedure or agency not UTF-8");
}

/* --- files ---------------------------------------------------------------- */

static char tmpdir[PATH_MAX];

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tmpdir(void)
{
	if (tmpdir[0])
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fz_tmpdir(void)
{
	const char *base;

	if (tmpdir[0])
		return tmpdir;
	base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof(tmpdir), "%s/cgw-fuzz-XXXXXX",
		 base && base[0] ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror(tmpdir);
		abort();
	}
	atexit(rm_tmpdir);
	return tmpdir;
}

const char *fz_write(const char *name, const void *data, size_t n)
{
	static char path[PATH_MAX];
	const char *slash = strrchr(name, '/');
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fz_tmpdir(), name);
	/* every directory on the way (mkdir -p) */
	for (char *s = path + strlen(fz_tmpdir()) + 1; slash && *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			perror(path);
			abort();
		}
		*s = '/';
	}
	f = fopen(path, "w");
	if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0) {
		perror(path);
		abort();
	}
	return path;
}

void fz_unlink(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", fz_tmpdir(), name);
	unlink(path);
}

void fz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz property broken: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

const char *fz_srcdir(void)
{
	const char *s = getenv("CGW_SRCDIR");

	return s && s[0] ? s : SRCDIR;
}
