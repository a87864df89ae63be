/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Civil: checks what a citizen types when applying for a procedure by SMS
 * or USSD (citizen ID, full name, a date, a small count, a commune) and
 * writes it back in one clean form for the dossier. Pure functions: no
 * I/O, no clock (the caller passes "today" as days since 1970-01-01, local
 * time), no allocation.
 *
 * Every input is untrusted: any bytes, any length (never NULL). On success
 * the output is written whole and NUL-terminated; on an error the output
 * is "" (when there is room for a NUL) unless a function says otherwise,
 * and the day / count outputs are left untouched.
 */
#ifndef CGW_CIVIL_H
#define CGW_CIVIL_H

#include <stddef.h>

#define CIVIL_ID_LEN 12
#define CIVIL_DATE_LEN 10	/* "DD/MM/YYYY" */

enum civil_err {
	CIVIL_OK = 0,
	CIVIL_ID_FORM,		/* not 12 digits (after removing spaces, dots, dashes) */
	CIVIL_ID_PROVINCE,	/* first 3 digits are no province code */
	CIVIL_ID_CENTURY,	/* 4th digit / birth year impossible */
	CIVIL_NAME,		/* not a person's full name */
	CIVIL_DATE_FORM,	/* not a real date DD/MM/YYYY */
	CIVIL_DATE_FUTURE,	/* after today */
	CIVIL_DATE_OLD,		/* before 1900-01-01 */
	CIVIL_COUNT,		/* not a whole number in min..max */
	CIVIL_COMMUNE,		/* not in the list */
};

/*
 * Stable names for messages and logs (menus pick their reply by them):
 * "ok", "id_form", "id_province", "id_century", "name", "date_form",
 * "date_future", "date_old", "count", "commune"; "?" for a value outside
 * the enum.
 */
const char *civil_err_name(enum civil_err e);

/* --- citizen ID (CCCD) ----------------------------------------------------- */

/*
 * Citizen ID (CCCD, Circular 59/2021/TT-BCA): 12 digits; digits 1-3 the
 * province code of birth registration (the 63 codes of Circular
 * 07/2016/TT-BCA, which IDs issued before 2025 keep), digit 4 sex and
 * century (0/1 born 1900-1999, 2/3 2000-2099, 4/5 2100s, 6/7 2200s,
 * 8/9 1800s), digits 5-6 the last two digits of the birth year, then 6
 * random digits.
 *
 * Accepts the digits with spaces, dots or dashes between them
 * ("001 203 012 345", "001.203.012.345") and spaces around them. A valid
 * ID has a known province code and a century digit 0..3 whose birth year
 * (1900+yy or 2000+yy) is not after the year of `today` (no living
 * applicant was born in the 1800s, and the 2100s have not come).
 *
 * Writes the 12 digits to out: on CIVIL_OK, and also on CIVIL_ID_PROVINCE
 * and CIVIL_ID_CENTURY (so a reply can quote them); "" on CIVIL_ID_FORM.
 */
enum civil_err civil_id_check(const char *in, int today,
			      char out[CIVIL_ID_LEN + 1]);

/*
 * The province name (Vietnamese, UTF-8 with diacritics: "Hà Nội") of a
 * code of exactly 3 digits ("001"), or NULL. Static storage.
 */
const char *civil_province(const char *code3);

/*
 * Masks an ID for replies and logs: "********2345", eight '*' and the
 * last 4 digits. When id does not end in 4 digits (it is no ID) all
 * twelve are '*'. Cut at outlen (13 bytes hold it all), NUL-terminated
 * when outlen > 0.
 */
void civil_id_mask(const char *id, char *out, size_t outlen);

/* --- full name --------------------------------------------------------------- */

/*
 * A person's full name: Latin letters (ASCII, Latin-1, Latin Extended-A,
 * Latin Extended Additional, and Ơ Ư and the pinyin letters of Extended-B:
 * every Vietnamese letter), spaces, and ' or - inside a word (both
 * neighbours letters: "O'Neil", "Thị-Mai"); at least 2 words.
 *
 * Cleaned: runs of spaces collapsed, trimmed, every letter upper case with
 * its diacritics kept ("nguyễn văn ân" -> "NGUYỄN VĂN ÂN", "đặng" ->
 * "ĐẶNG"; input without diacritics stays without). Decomposed input
 * (a letter then combining marks U+0300..U+036F, as some keyboards send
 * it) is accepted: Vietnamese vowels are composed ("e" U+0302 U+0303 ->
 * "Ễ", in either mark order), other marks are kept after their letter (at
 * most 3 on one letter). The typographic apostrophe U+2019 (phones put it
 * for ') becomes ', a no-break space a space.
 *
 * min and max bound the characters of the cleaned name: letters, spaces,
 * ' and - (a combining mark is part of its letter). Digits, other
 * punctuation, symbols, emoji, control characters (tab too), other
 * scripts and invalid UTF-8 -> CIVIL_NAME, as is a name too long for
 * out (outlen bytes).
 */
enum civil_err civil_name_check(const char *in, int min, int max, char *out,
				size_t outlen);

/* --- date -------------------------------------------------------------------- */

/*
 * A date as a citizen types it: D/M/YYYY or DD/MM/YYYY, each separator
 * '/', '-' or '.' (one kind or mixed), spaces around allowed. A real
 * calendar date (29/02 only in leap years) -> CIVIL_DATE_FORM otherwise,
 * also for a two-digit year; before 1900-01-01 -> CIVIL_DATE_OLD; after
 * `today` -> CIVIL_DATE_FUTURE. On CIVIL_OK sets *day (days since
 * 1970-01-01, negative before) and writes "DD/MM/YYYY" to out.
 */
enum civil_err civil_date_check(const char *in, int today, int *day,
				char out[CIVIL_DATE_LEN + 1]);

/* --- count ------------------------------------------------------------------- */

/*
 * A small count: ASCII digits only (no sign, no "+"), spaces around
 * allowed, value in min..max (any number of digits is read without
 * overflow). Sets *n on CIVIL_OK only.
 */
enum civil_err civil_count_check(const char *in, int min, int max, int *n);

/* --- commune ----------------------------------------------------------------- */

/*
 * Finds a commune or ward in a list of names (UTF-8 with diacritics; a
 * NULL entry is skipped). Answer and name are compared by key: folded
 * (text_fold: no diacritics, đ -> d), upper case, every space (and
 * control character) removed, and a leading "XA", "PHUONG", "THI TRAN",
 * "X.", "P." or "TT." (with or without a following space) ignored on
 * both sides.
 *
 * Some names begin with such a word themselves ("Phường Phương Liệt",
 * "Xã Xà Phiên"), so an answer is tried in this order: the whole keys
 * equal; the answer's whole key equal to the name without its prefix
 * ("Phuong Liet"); both without prefix (the rule above). Returns the
 * index of the first name of the best rank, or -1 (CIVIL_COMMUNE for the
 * caller): no match, an empty key, invalid UTF-8, or a key longer than
 * 127 bytes.
 */
int civil_commune_find(const char *in, const char *const *names, int n);

#endif
