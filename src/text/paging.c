/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * USSD paging (see text/paging.h). Greedy: each page takes as many
 * whole lines as fit together with the "more" line; the rest goes on.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "text/paging.h"

static size_t gsm7_limit(const struct page_opts *o)
{
	return o->gsm7_limit ? o->gsm7_limit : PAGE_USSD_GSM7;
}

static size_t ucs2_limit(const struct page_opts *o)
{
	return o->ucs2_limit ? o->ucs2_limit : PAGE_USSD_UCS2;
}

int page_fits(const char *text, const struct page_opts *o)
{
	struct text_plan plan;

	switch (o->enc) {
	case TEXT_ENC_UCS2:
		return ucs2_units(text) <= ucs2_limit(o);
	case TEXT_ENC_GSM7:
		/* characters without a GSM-7 form are folded or become '?':
		 * count what will be sent */
		text_choose(text, false, TEXT_ENC_GSM7, &plan, NULL, 0);
		return plan.units <= gsm7_limit(o);
	default: {
		long s = gsm7_septets(text);

		if (s >= 0)
			return (size_t)s <= gsm7_limit(o);
		return ucs2_units(text) <= ucs2_limit(o);
	}
	}
}

/* A page: text[0..len) (trailing blanks dropped), then "\n" more when
 * more is not NULL. Returns a new string or NULL. */
static char *make_page(const char *text, size_t len, const char *more)
{
	size_t ml = more ? strlen(more) + 1 : 0;
	char *p;

	while (len && (text[len - 1] == ' ' || text[len - 1] == '\r'))
		len--;
	p = malloc(len + ml + 1);
	if (!p)
		return NULL;
	memcpy(p, text, len);
	if (more) {
		p[len] = '\n';
		memcpy(p + len + 1, more, ml - 1);
	}
	p[len + ml] = '\0';
	return p;
}

/* True when text[0..len) + "\n" + more fits a page; tmp holds the probe. */
static bool prefix_fits(const char *text, size_t len,
			const struct page_opts *o, char *tmp)
{
	size_t ml = strlen(o->more);

	memcpy(tmp, text, len);
	tmp[len] = '\n';
	memcpy(tmp + len + 1, o->more, ml + 1);
	return page_fits(tmp, o) > 0;
}

/*
 * Where the page that starts at text ends: the byte length of its content
 * (*skip: separator bytes to skip after it). 0 when not even one character
 * fits.
 */
static size_t page_end(const char *text, const struct page_opts *o,
		       char *tmp, size_t *skip)
{
	size_t len = strlen(text), best = 0, pos = 0;
	const char *nl;
	bool found = false;

	/* whole lines */
	*skip = 1;
	for (nl = strchr(text, '\n'); nl; nl = strchr(nl + 1, '\n')) {
		if (!prefix_fits(text, (size_t)(nl - text), o, tmp))
			break;
		best = (size_t)(nl - text);
		found = true;
	}
	if (found)
		return best;	/* > 0: page_split() skips leading blank lines */
	/* the first line is too long: break at the last space that fits */
	nl = strchr(text, '\n');
	len = nl ? (size_t)(nl - text) : len;
	for (size_t i = 1; i < len; i++) {
		if (text[i] != ' ')
			continue;
		if (!prefix_fits(text, i, o, tmp))
			break;
		best = i;
	}
	if (best) {
		while (text[best + *skip] == ' ')
			(*skip)++;
		return best;
	}
	/* one word longer than a page: between characters */
	*skip = 0;
	while (pos < len) {
		size_t next = pos;
		uint32_t cp;

		utf8_decode(text, len, &next, &cp);
		if (!prefix_fits(text, next, o, tmp))
			break;
		pos = next;
	}
	return pos;
}

void pages_free(struct pages *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->count; i++)
		free(p->page[i]);
	free(p->page);
	p->page = NULL;
	p->count = 0;
}

/* Appends a page (taking ownership); -ENOMEM frees it. */
static int push(struct pages *out, char *page)
{
	char **np;

	if (!page)
		return -ENOMEM;
	np = realloc(out->page, (out->count + 1) * sizeof(*np));
	if (!np) {
		free(page);
		return -ENOMEM;
	}
	out->page = np;
	out->page[out->count++] = page;
	return 0;
}

int page_split(const char *text, const struct page_opts *o,
	       struct pages *out)
{
	const char *rest = text;
	char *tmp;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!o->more || !o->more[0])
		return -EINVAL;
	tmp = malloc(strlen(text) + strlen(o->more) + 2);
	if (!tmp)
		return -ENOMEM;
	for (;;) {
		size_t end, skip;

		if (page_fits(rest, o)) {
			rc = push(out, make_page(rest, strlen(rest), NULL));
			break;
		}
		while (*rest == '\n')	/* a page break replaces blank lines */
			rest++;
		if (!*rest) {
			rc = push(out, make_page(rest, 0, NULL));
			break;
		}
		end = page_end(rest, o, tmp, &skip);
		if (!end) {
			rc = -EINVAL;	/* the more line leaves no room */
			break;
		}
		rc = push(out, make_page(rest, end, o->more));
		if (rc < 0)
			break;
		rest += end + skip;
	}
	free(tmp);
	if (rc < 0)
		pages_free(out);
	return rc;
}

int page_count(const char *text, const struct page_opts *o)
{
	struct pages p;
	int rc = page_split(text, o, &p);

	if (rc < 0)
		return rc;
	rc = (int)p.count;
	pages_free(&p);
	return rc;
}

int page_get(const char *text, const struct page_opts *o, unsigned i,
	     char *out, size_t cap)
{
	struct pages p;
	int rc = page_split(text, o, &p);

	if (rc < 0)
		return rc;
	if (i >= p.count)
		rc = -ERANGE;
	else if (strlen(p.page[i]) + 1 > cap)
		rc = -ENOSPC;
	else {
		memcpy(out, p.page[i], strlen(p.page[i]) + 1);
		rc = (int)p.count;
	}
	pages_free(&p);
	return rc;
}
