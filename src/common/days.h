/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Calendar days: dates as days since 1970-01-01 (proleptic Gregorian, H.
 * Hinnant's civil algorithms), and the ISO form "YYYY-MM-DD". Pure
 * arithmetic, no time zone: callers decide what a day is local to.
 */
#ifndef CGW_DAYS_H
#define CGW_DAYS_H

#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of a civil date (month 1..12, day 1..31). */
int64_t day_from_civil(int64_t y, int m, int d);
/* The civil date of a day. */
void day_to_civil(int64_t day, int64_t *y, int *m, int *d);
/* "YYYY-MM-DD" (a real date, 1970 or later) -> day. 0 or -EINVAL. */
int day_parse(const char *iso, int *day);
/* day -> "YYYY-MM-DD" into out (11 bytes). */
void day_iso(int day, char *out, size_t outlen);

#endif
