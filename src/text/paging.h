/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * USSD paging: a screen text longer than one USSD screen cut into pages,
 * every page but the last ending with a "more" choice. Pure, no I/O.
 *
 * Limits. A USSD string is at most 160 octets (3GPP TS 24.080 Annex A,
 * maxUSSD-StringLength = 160; MAP TS 29.002 USSD-String). Packed GSM-7
 * puts 160 * 8 / 7 = 182 characters in it (TS 23.038 6.1.2.3, "USSD
 * packing of 7 bit characters"); UCS-2 takes 2 octets per UTF-16 unit, so
 * 160 / 2 = 80. An extension character (€ [ ] { } ~ ^ \ |) costs two
 * septets, a character outside the BMP two UTF-16 units.
 *
 * Breaks: at line ends where possible (a menu option stays whole on one
 * page), else, for a line longer than a page, at the last space that fits,
 * else between two characters. Nothing is ever dropped: the pages, joined
 * with their breaks, are the whole text. The text should be folded first
 * where the language folds (so that more of it fits GSM-7).
 */
#ifndef CGW_PAGING_H
#define CGW_PAGING_H

#include <stddef.h>

#include "text/text.h"

#define PAGE_USSD_GSM7 182	/* septets per screen */
#define PAGE_USSD_UCS2 80	/* UTF-16 units per screen */

struct page_opts {
	size_t gsm7_limit;	/* septets per page; 0 = PAGE_USSD_GSM7 */
	size_t ucs2_limit;	/* UTF-16 units per page; 0 = PAGE_USSD_UCS2 */
	const char *more;	/* the "more" line, e.g. "0. Xem tiep" or
				 * "0. More": appended on its own line to
				 * every page but the last (required) */
	enum text_enc enc;	/* AUTO: a page fits when it fits GSM-7 within
				 * gsm7_limit, or else UCS-2 within
				 * ucs2_limit (each page is then sent in its
				 * own best encoding); GSM7 / UCS2: that
				 * encoding for every page */
};

struct pages {
	unsigned count;
	char **page;		/* count NUL-terminated strings, owned */
};

/*
 * Splits text into pages. Returns 0 and fills *out (free with
 * pages_free()), -EINVAL when o->more is missing or the limit cannot hold
 * the more line and one character, -ENOMEM.
 */
int page_split(const char *text, const struct page_opts *o,
	       struct pages *out);
void pages_free(struct pages *p);

/* Number of pages the text takes (>= 1), or a negative error. */
int page_count(const char *text, const struct page_opts *o);
/*
 * Copies page i (0-based) into out. Returns the page count, -ERANGE when
 * i is past the last page, -ENOSPC when out is too small, or an error of
 * page_split().
 */
int page_get(const char *text, const struct page_opts *o, unsigned i,
	     char *out, size_t cap);

/* True when text fits one page under o (no more line added). */
int page_fits(const char *text, const struct page_opts *o);

#endif
