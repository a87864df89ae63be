/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Small helpers every module uses: bounded string copies, clocks, error
 * messages in caller-given buffers.
 */
#ifndef CGW_UTIL_H
#define CGW_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Copies at most dstlen-1 bytes and NUL-terminates. Returns the length of
 * src, so that a result >= dstlen tells the caller the copy was truncated.
 */
size_t util_strlcpy(char *dst, const char *src, size_t dstlen);
/* Appends src to the string in dst (dstlen bytes in all), cut and
 * NUL-terminated as util_strlcpy(); returns strlen(dst) before plus
 * strlen(src) (a result >= dstlen: cut). util_strlcpy() then
 * util_strlcat() is snprintf's "%s%s", cut the same way, at a tenth of
 * the cost. */
size_t util_strlcat(char *dst, const char *src, size_t dstlen);

/* Writes the decimal digits of v at out, no NUL; returns how many (at
 * most 20). For hot paths: snprintf's "%llu" costs about 800
 * instructions a number. */
size_t util_udec(char *out, unsigned long long v);
/* util_udec() for a signed v: a '-' first when negative (at most 20
 * bytes, no NUL). */
size_t util_sdec(char *out, long long v);

/* Writes a formatted message into err (if not NULL) and returns `rc`. */
int util_err(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Every @include of libconfig file `file` (and of what it includes) names
 * a regular file, or nothing at all (libconfig reports that one): 0, or
 * -EINVAL with "file:line: @include \"NAME\": not a file" in err.
 * libconfig 1.5 opens a directory named by @include ("" is its include
 * directory itself) and its scanner, failing to read it, calls exit(): a
 * config, menu or notices file would end the process that reads it.
 * Lines as libconfig's scanner takes them: @include "NAME" at a line's
 * start, NAME relative to `dir` (its include directory; NULL: none set,
 * NAME as written). Nested as deep as libconfig allows (10), which also
 * bounds the walk of a file that includes itself.
 */
int util_cfg_includes(const char *dir, const char *file, char *err,
		      size_t errlen);

/* Milliseconds: wall clock (UTC epoch) and monotonic. */
int64_t util_now_ms(void);
/*
 * For tests of what depends on the time of day (quiet hours, schedules,
 * expiry): when CITIZENGW_NOW_MS holds epoch milliseconds, the wall clock
 * starts there and runs on in real time. Returns 1 when set, 0 when not,
 * -EINVAL when malformed. Only the programs' mains call it.
 */
int util_clock_from_env(void);
int64_t util_mono_ms(void);

/*
 * Parses a whole decimal integer in [min, max]. Returns 0 or -EINVAL
 * (empty, junk, or out of range).
 */
int util_parse_int(const char *s, long long min, long long max, long long *out);

/* True when s is non-empty and all ASCII digits. */
bool util_all_digits(const char *s);

/* Lower-case hex of len bytes into out (2*len+1 bytes). */
void util_hex(const uint8_t *in, size_t len, char *out);
/* v as 16 lower-case hex digits and a NUL (17 bytes), as "%016llx" writes
 * it: for hashes formatted per message, where snprintf costs about 1,000
 * instructions. */
void util_hex64(uint64_t v, char *out);
/* v in lower-case hex without leading zeros ("%llx"), no NUL; returns how
 * many digits (1 to 16). */
size_t util_xhex(char *out, uint64_t v);

/* 64-bit FNV-1a, for shard selection and fingerprints that need no crypto. */
uint64_t util_fnv1a64(const void *data, size_t len, uint64_t seed);

#endif
