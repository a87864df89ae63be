/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Dossiers ("ho so"): the code format of Circular 01/2018/TT-VPCP
 * (AGENCY-YYMMDD-NNNN), the national status codes 1..10 and their labels,
 * and the validation of one imported row.
 */
#ifndef CGW_DOSSIER_H
#define CGW_DOSSIER_H

#include <stdbool.h>
#include <stddef.h>

#define DOSSIER_CODE_MAX 64
#define DOSSIER_TEXT_MAX 256
#define DOSSIER_FORM_MAX 8	/* fields of an application */
#define DOSSIER_FORM_NAME 16
#define DOSSIER_FORM_VALUE 160
#define DOSSIER_APP_MAX 16	/* a procedure id */
#define DOSSIER_REASON_CHARS 100	/* characters of a reason, at most */
#define DOSSIER_REASON_MAX (4 * DOSSIER_REASON_CHARS + 1)	/* bytes */

/* One fact a citizen gave in an application ("cccd", "001203012345"). */
struct dossier_form_field {
	char name[DOSSIER_FORM_NAME];
	char value[DOSSIER_FORM_VALUE];
};

struct dossier {
	char code[DOSSIER_CODE_MAX];	/* display form, e.g. 000.00.19.H56-250806-0001 */
	char key[DOSSIER_CODE_MAX];	/* lookup form: no dots, upper case */
	char phone[16];			/* 84xxxxxxxxx */
	int status;			/* 1..10 */
	char procedure[DOSSIER_TEXT_MAX];
	char agency[DOSSIER_TEXT_MAX];
	char received_at[11];		/* YYYY-MM-DD */
	char due_at[11];		/* YYYY-MM-DD, may be empty */
	char id_last4[5];		/* last 4 digits of the citizen ID */
	/* staff's reason for a status (not accepted, more needed, stopped):
	 * at most DOSSIER_REASON_CHARS characters (dossier_reason_check) */
	char reason[DOSSIER_REASON_MAX];
	/* an application a citizen filed by SMS or USSD: the procedure
	 * ("" for a dossier the back office imported), the MO that filed it,
	 * and the facts given (the full citizen ID among them: for the back
	 * office only, never shown to a phone) */
	char app[DOSSIER_APP_MAX];
	char filed_by[64];
	int nform;
	struct dossier_form_field form[DOSSIER_FORM_MAX];
};

/* The value of an application field, or NULL. */
const char *dossier_form_get(const struct dossier *d, const char *name);
/* Adds or replaces an application field: 0, or -ENOSPC. */
int dossier_form_set(struct dossier *d, const char *name, const char *value);

/*
 * Finds a dossier code at the start of `in` (after leading spaces), as a
 * citizen types it: any case, with or without dots, spaces anywhere.
 * On success writes the display form (upper case, as typed without spaces)
 * and the lookup key, sets *end to the first byte after the code, and
 * returns 0. Returns -EINVAL when `in` does not start with a code.
 */
int dossier_code_parse(const char *in, char *display, size_t displen,
		       char *key, size_t keylen, const char **end);

/* Status label: lang "vi" (with diacritics), "vi-ascii" (folded), "en".
 * NULL when status is outside 1..10. */
const char *dossier_status_label(int status, const char *lang);

/* True for the statuses staff must give a reason for: 3 (not accepted)
 * and 8 (processing stopped). */
bool dossier_status_needs_reason(int status);

/*
 * Checks the reason staff give for a new status (1..10), as the citizen
 * will read it in the status's notice, and copies it into out (cap:
 * DOSSIER_REASON_MAX) without leading and trailing spaces. Required for
 * dossier_status_needs_reason(), else optional (""); UTF-8 without
 * control characters (line breaks, tabs); at most DOSSIER_REASON_CHARS
 * characters; and once folded as notices are sent (no diacritics), every
 * character has a GSM-7 form and the whole takes at most
 * DOSSIER_REASON_CHARS characters of an SMS (those GSM-7 escapes,
 * [ ] { } ~ ^ | and the euro sign, count twice). Returns 0, or -EINVAL
 * with "reason: why" in err (out is then "").
 */
int dossier_reason_check(int status, const char *in, char *out, size_t cap,
			 char *err, size_t errlen);

/* Validates an ISO date YYYY-MM-DD (a real calendar date). */
bool dossier_date_valid(const char *iso);

/* "2025-08-20" -> "20/08/2025" into out (11 bytes). */
void dossier_date_display(const char *iso, char *out, size_t outlen);

/* Column names of the import CSV, in the documented order. */
enum dossier_col {
	DCOL_CODE,
	DCOL_PHONE,
	DCOL_STATUS,
	DCOL_PROCEDURE,
	DCOL_AGENCY,
	DCOL_RECEIVED_AT,
	DCOL_DUE_AT,
	DCOL_ID_LAST4,
	DCOL_COUNT
};
extern const char *const dossier_col_names[DCOL_COUNT];

/*
 * Validates one CSV row (fields already mapped to dossier_col order) into
 * d. Returns 0, or -EINVAL with the reason in err.
 */
int dossier_from_row(const char *const fields[DCOL_COUNT], struct dossier *d,
		     char *err, size_t errlen);

#endif
