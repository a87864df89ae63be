/*
 * Services (see services/services.h): the service center's calendar,
 * request kinds and reference numbers, and the sender policy. Pure.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "services/services.h"
#include "common/util.h"

#define DAY_MS (24LL * 3600 * 1000)
#define LOOKAHEAD_DAYS 60

/* --- calendar (proleptic Gregorian, H. Hinnant's civil algorithms) -------- */

static int days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int z, int *y, int *m, int *d)
{
	int era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

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

int svc_day_parse(const char *s, int *day)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -EINVAL;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -EINVAL;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -EINVAL;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100) || y % 400 == 0))
		return -EINVAL;
	*day = days_from_civil(y, m, d);
	return 0;
}

void svc_day_iso(int day, char *out, size_t outlen)
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(out, outlen, "%04d-%02d-%02d", y, m, d);
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
	int y, m, d, wd = svc_weekday(day);

	civil_from_days(day, &y, &m, &d);
	snprintf(out, outlen, "%s %02d/%02d", lang == 1 ? en[wd] : vi[wd], d,
		 m);
}

void svc_format_local(int64_t utc_ms, char *out, size_t outlen)
{
	int day = svc_local_day(utc_ms), y, m, d;
	int64_t in_day = utc_ms - svc_day_start_ms(day);
	int secs = (int)(in_day / 1000);

	civil_from_days(day, &y, &m, &d);
	snprintf(out, outlen, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d,
		 secs / 3600, secs / 60 % 60, secs % 60);
}

/* --- requests ------------------------------------------------------------- */

const struct svc_kind svc_kinds[] = {
	{ "callback", "GL", "callback from the community digital team" },
	{ "visit", "LH", "visit to the Public Administration Service Center" },
	{ "rating", "DG", "rating of a finished dossier" },
	{ "feedback", "GY", "feedback" },
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

void svc_request_ref(const char *prefix, const char *event_id, char *out,
		     size_t outlen)
{
	static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	const char *id = event_id ? event_id : "";
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
