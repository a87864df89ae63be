/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Services (see services/services.h): the service center's calendar,
 * request kinds and reference numbers, and the sender policy. Pure.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/days.h"
#include "services/services.h"
#include "common/util.h"

#define DAY_MS (24LL * 3600 * 1000)
#define LOOKAHEAD_DAYS 60

/* --- calendar --------------------------------------------------------------- */

int svc_local_day(int64_t utc_ms)
{
	int64_t t = utc_ms + SVC_TZ_OFFSET_MS;

	return (int)(t >= 0 ? t / DAY_MS : (t - DAY_MS + 1) / DAY_MS);
}

int svc_weekday(int day)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0) */
	return ((day + 3) % 7 + 7) % 7;
}

int64_t svc_day_start_ms(int day)
{
	return (int64_t)day * DAY_MS - SVC_TZ_OFFSET_MS;
}

static bool is_holiday(int day, const int *holidays, int n)
{
	for (int i = 0; i < n; i++)
		if (holidays[i] == day)
			return true;
	return false;
}

int svc_working_days(int64_t now_ms, const int *holidays, int nholidays,
		     int n, int *out)
{
	int today = svc_local_day(now_ms), k = 0;

	for (int day = today + 1; day <= today + LOOKAHEAD_DAYS && k < n;
	     day++) {
		if (svc_weekday(day) >= 5 || is_holiday(day, holidays,
							nholidays))
			continue;
		out[k++] = day;
	}
	return k;
}

void svc_day_label(int day, int lang, char *out, size_t outlen)
{
	static const char *const vi[7] = { "Thứ Hai", "Thứ Ba",	 "Thứ Tư",
					   "Thứ Năm", "Thứ Sáu", "Thứ Bảy",
					   "Chủ Nhật" };
	static const char *const en[7] = { "Mon", "Tue", "Wed", "Thu",
					   "Fri", "Sat", "Sun" };
	int m, d, wd = svc_weekday(day);
	int64_t y;

	day_to_civil(day, &y, &m, &d);
	snprintf(out, outlen, "%s %02d/%02d", lang == 1 ? en[wd] : vi[wd], d,
		 m);
}

void svc_format_local(int64_t utc_ms, char *out, size_t outlen)
{
	int day = svc_local_day(utc_ms), m, d;
	int64_t in_day = utc_ms - svc_day_start_ms(day), y;
	int secs = (int)(in_day / 1000);

	day_to_civil(day, &y, &m, &d);
	snprintf(out, outlen, "%04lld-%02d-%02d %02d:%02d:%02d", (long long)y,
		 m, d, secs / 3600, secs / 60 % 60, secs % 60);
}

/* --- requests ------------------------------------------------------------- */

const struct svc_kind svc_kinds[] = {
	{ "callback", "GL", "callback from the community digital team" },
	{ "visit", "LH", "visit to the Public Administration Service Center" },
	{ "rating", "DG", "rating of a finished dossier" },
	{ "feedback", "GY", "feedback" },
	/* its reference is the dossier's code (menus: a procedure file) */
	{ "application", "HS", "application that became a dossier" },
	{ NULL, NULL, NULL },
};

const struct svc_kind *svc_kind_find(const char *name)
{
	for (const struct svc_kind *k = svc_kinds; name && k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

/* splitmix64's finaliser: spreads FNV's weak high bits */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

void svc_request_ref(const char *prefix, const char *what, char *out,
		     size_t outlen)
{
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	const char *id = what ? what : "";
	uint64_t h = mix64(util_fnv1a64(id, strlen(id), 0x5ef1ce));
	char buf[SVC_REF_MAX];
	size_t n = util_strlcpy(buf, prefix ? prefix : "", 3);

	if (n > 2)
		n = 2;
	for (int i = 0; i < 8; i++)
		buf[n++] = b32[(h >> (5 * (7 - i))) & 31];
	buf[n] = '\0';
	util_strlcpy(out, buf, outlen);
}

/* --- senders ---------------------------------------------------------------- */

bool svc_sender_answerable(const char *addr, unsigned ton, int min_digits)
{
	int digits = 0;

	if (min_digits <= 0)
		return true;
	if (ton == 5)
		return false;	/* alphanumeric */
	for (const char *p = addr; *p; p++) {
		if (isalpha((unsigned char)*p))
			return false;
		if (isdigit((unsigned char)*p))
			digits++;
	}
	return digits >= min_digits;
}
