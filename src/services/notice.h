/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Status-change notices: the SMS a citizen gets when staff change the
 * status of their dossier. The texts live in a libconfig file beside the
 * menus (menus/notices.cfg, docs/notices.md): per national status code
 * 1..10 and per language (vi, en) a template with the variables
 *
 *   {code}       the dossier code (000.00.19.H56-250806-0001)
 *   {procedure}  the procedure's name, cut to 48 characters with "..."
 *   {status}     the status label in the citizen's language
 *   {due}        the due date, DD/MM/YYYY
 *   {agency}     the agency that handles it, cut to 40 characters
 *   {reason}     staff's reason for the status, at most 120 characters
 *
 * A status without a template sends no notice. A dossier without a due
 * date, agency or reason gets the file's `missing` texts in their place.
 *
 * The loader reads the file (the only I/O here) and checks everything it
 * can; the renderer is pure.
 */
#ifndef CGW_NOTICE_H
#define CGW_NOTICE_H

#include <stdbool.h>
#include <stddef.h>

#include "services/dossier.h"

#define NOTICE_FILE "notices.cfg"	/* in the menus directory */
#define NOTICE_PROCEDURE_WIDTH 48	/* characters of {procedure} */
#define NOTICE_AGENCY_WIDTH 40		/* characters of {agency} */
#define NOTICE_REASON_WIDTH DOSSIER_REASON_CHARS	/* of {reason} */
#define NOTICE_CODE_WIDTH 25		/* {code} as the length check
					 * assumes it (the usual code) */

struct notice_set;

/* Called once per problem with "file:line: setting.path: what". */
typedef void (*notice_report_fn)(void *ctx, const char *problem);

/*
 * Loads and checks a notices file. Every problem is reported (not only the
 * first): syntax errors, unknown settings, status keys other than
 * status_1..status_10, languages other than vi and en, a status with one
 * language and not the other, broken templates, unknown variables, a
 * {due}, {agency} or {reason} without its `missing` text, and a text
 * longer than one SMS (160 GSM-7 characters) once folded, with its
 * variables at their widest (the widths above, the status label of that
 * status). Each goes to report (when not NULL); err gets the first, with
 * the count when there are more.
 *
 * Returns 0 with *out the caller's (notice_set_free()), -ENOENT when the
 * file does not exist (no notices: a valid setup), -EINVAL (problems),
 * -ENOMEM.
 */
int notice_load(const char *path, struct notice_set **out,
		notice_report_fn report, void *ctx, char *err, size_t errlen);
void notice_set_free(struct notice_set *s);

/* True when status (1..10) has a notice. */
bool notice_has(const struct notice_set *s, int status);

/*
 * The notice for a dossier's current status in lang ("vi", "en"; NULL or
 * "" = "vi"), folded (no diacritics) when fold is set, into out (cap:
 * BCAST_TEXT_MAX is always enough for a text the loader accepted).
 * Returns 0; -ENOENT when the status has no notice ("no notice for
 * status 1"); -EINVAL for a status outside 1..10 or another language;
 * -EMSGSIZE when cap is too small.
 */
int notice_render(const struct notice_set *s, const struct dossier *d,
		  const char *lang, bool fold, char *out, size_t cap,
		  char *err, size_t errlen);

#endif
