/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Services: the domain rules behind the citizen procedures, as pure
 * functions the menu engine, the gateway and citizengw-ctl share.
 *
 *  - the calendar of the Public Administration Service Center: local days
 *    in Asia/Ho_Chi_Minh (UTC+7, no daylight saving), working days Monday
 *    to Friday minus configured holidays;
 *  - the kinds of procedure request and their reference numbers, derived
 *    from the MO id so that a recomputed or recovered step gets the same
 *    number;
 *  - who gets replies at all (short codes and alphanumeric senders do not).
 *
 * No I/O, no clock: the caller passes "now".
 */
#ifndef CGW_SERVICES_H
#define CGW_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SVC_TZ_OFFSET_MS (7LL * 3600 * 1000)	/* Asia/Ho_Chi_Minh */
#define SVC_REF_MAX 16		/* "GL" + 8 characters + NUL, with room */
#define SVC_DAY_LABEL_MAX 32

/* --- calendar ------------------------------------------------------------ */

/* The local day (days since 1970-01-01 in UTC+7) of a UTC time in ms. */
int svc_local_day(int64_t utc_ms);
/* Weekday of a day: 0 Monday .. 6 Sunday. */
int svc_weekday(int day);
/* Days <-> "YYYY-MM-DD": common/days.h (day_parse, day_iso). */
/* UTC ms of local midnight starting `day`. */
int64_t svc_day_start_ms(int day);

/*
 * Writes the next `n` working days after the local day of `now_ms` (today
 * is never offered: the visit needs a day's notice) into out. Working
 * days are Monday..Friday that are not in `holidays` (any order). Looks
 * at most 60 days ahead. Returns how many were written.
 */
int svc_working_days(int64_t now_ms, const int *holidays, int nholidays,
		     int n, int *out);

/* "Thứ Năm 04/12" (lang 0, vi) or "Thu 04/12" (lang 1, en). */
void svc_day_label(int day, int lang, char *out, size_t outlen);

/* "2026-11-01 08:15:03" in local time, for staff tools. */
void svc_format_local(int64_t utc_ms, char *out, size_t outlen);

/* --- procedure requests ---------------------------------------------------- */

struct svc_kind {
	const char *name;	/* as in menus and records: "callback" */
	const char *prefix;	/* two letters of its reference numbers */
	const char *what;	/* for staff tools */
};

/* The kind of a name, or NULL. */
const struct svc_kind *svc_kind_find(const char *name);
/* Every kind, NULL-terminated by name == NULL. */
extern const struct svc_kind svc_kinds[];

/*
 * The reference number of a request: prefix + 8 characters of Crockford
 * base32 (no I, L, O, U) of a 40-bit hash of what the request is (`what`:
 * the phone, its kind, its fields and the local day), so that the same
 * request made twice in a day has the same number and is recorded once.
 * Deterministic; writes at most SVC_REF_MAX bytes.
 */
void svc_request_ref(const char *prefix, const char *what, char *out,
		     size_t outlen);

/* --- who gets replies ------------------------------------------------------- */

/*
 * True when a sender may be answered: at least `min_digits` digits and no
 * letters (TON 5 is alphanumeric). min_digits 0 answers every sender.
 */
bool svc_sender_answerable(const char *addr, unsigned ton, int min_digits);

#endif
