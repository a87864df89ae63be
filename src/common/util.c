/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Small helpers: bounded copies, clocks, integer parsing, hashing.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/stat.h>

#include "common/util.h"

size_t util_strlcpy(char *dst, const char *src, size_t dstlen)
{
	size_t n = strlen(src);

	if (dstlen) {
		size_t c = n < dstlen - 1 ? n : dstlen - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

size_t util_strlcat(char *dst, const char *src, size_t dstlen)
{
	size_t d = strnlen(dst, dstlen);

	if (d == dstlen)
		return d + strlen(src);
	return d + util_strlcpy(dst + d, src, dstlen - d);
}

int util_err(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* util_clock_from_env(): wall clock = real + offset (tests only) */
static int64_t clock_offset_ms;

static int64_t real_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t util_now_ms(void)
{
	return real_now_ms() + clock_offset_ms;
}

int util_clock_from_env(void)
{
	const char *s = getenv("CITIZENGW_NOW_MS");
	long long start;

	if (!s || !*s)
		return 0;
	if (util_parse_int(s, 0, INT64_MAX / 2, &start) < 0)
		return -EINVAL;
	clock_offset_ms = (int64_t)start - real_now_ms();
	return 1;
}

int64_t util_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int util_parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

bool util_all_digits(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* "00" to "99": two digits per division */
static const char dec_pairs[201] =
	"00010203040506070809101112131415161718192021222324"
	"25262728293031323334353637383940414243444546474849"
	"50515253545556575859606162636465666768697071727374"
	"75767778798081828384858687888990919293949596979899";

size_t util_udec(char *out, unsigned long long v)
{
	/* 10^k, k = 0..19: v's digits counted first, so that they are
	 * written in place from the last, two per division, without a
	 * buffer copied after (a RESP length per argument: 80 a MO) */
	static const unsigned long long pow10[20] = {
		1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
		10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
		100000000000ULL, 1000000000000ULL, 10000000000000ULL,
		100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
		100000000000000000ULL, 1000000000000000000ULL,
		10000000000000000000ULL,
	};
	size_t n = 2, i;

	if (v < 10) {	/* most RESP lengths and counts */
		out[0] = (char)('0' + v);
		return 1;
	}
	while (n < 20 && v >= pow10[n])
		n++;
	i = n;
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);

		v /= 100;
		i -= 2;
		out[i] = dec_pairs[2 * r];
		out[i + 1] = dec_pairs[2 * r + 1];
	}
	if (v >= 10) {
		out[0] = dec_pairs[2 * v];
		out[1] = dec_pairs[2 * v + 1];
	} else {
		out[0] = (char)('0' + v);
	}
	return n;
}

size_t util_sdec(char *out, long long v)
{
	if (v >= 0)
		return util_udec(out, (unsigned long long)v);
	out[0] = '-';
	/* in unsigned arithmetic: -LLONG_MIN does not fit a long long */
	return 1 + util_udec(out + 1, 0ULL - (unsigned long long)v);
}

void util_hex(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

void util_hex64(uint64_t v, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 15; i >= 0; i--, v >>= 4)
		out[i] = digits[v & 15];
	out[16] = '\0';
}

size_t util_xhex(char *out, uint64_t v)
{
	char b[17];
	size_t n = 0;

	util_hex64(v, b);
	while (n < 15 && b[n] == '0')
		n++;
	memcpy(out, b + n, 16 - n);
	return 16 - n;
}

uint64_t util_fnv1a64(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	uint64_t h = 1469598103934665603ULL ^ seed;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static int cfg_includes(const char *dir, const char *file, int depth,
			char *err, size_t errlen)
{
	char line[4096], path[4096];
	bool at_start = true;
	int n = 0, rc = 0;
	FILE *f;

	if (depth > 10 || !(f = fopen(file, "r")))
		return 0;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " \t"), *q;
		bool start = at_start;
		struct stat st;

		at_start = strchr(line, '\n') != NULL;
		n += at_start;
		if (!start || strncmp(p, "@include", 8) != 0)
			continue;
		p += 8 + strspn(p + 8, " \t");
		if (*p != '"' || !(q = strchr(p + 1, '"')))
			continue;
		if (dir)
			snprintf(path, sizeof(path), "%s/%.*s", dir,
				 (int)(q - p - 1), p + 1);
		else
			snprintf(path, sizeof(path), "%.*s", (int)(q - p - 1),
				 p + 1);
		if (stat(path, &st) < 0)
			continue;
		if (!S_ISREG(st.st_mode))
			rc = util_err(err, errlen, -EINVAL,
				      "%s:%d: @include \"%.*s\": not a file",
				      file, n + !at_start, (int)(q - p - 1),
				      p + 1);
		else
			rc = cfg_includes(dir, path, depth + 1, err, errlen);
	}
	fclose(f);
	return rc;
}

int util_cfg_includes(const char *dir, const char *file, char *err,
		      size_t errlen)
{
	return cfg_includes(dir, file, 0, err, errlen);
}
