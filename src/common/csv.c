/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * CSV reader (see common/csv.h).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/util.h"

char csv_sep_guess(const char *data, size_t len)
{
	const char *nl = memchr(data, '\n', len);
	size_t l = nl ? (size_t)(nl - data) : len;

	return memchr(data, ';', l) && !memchr(data, ',', l) ? ';' : ',';
}

void csv_init(struct csv_parser *p, const char *data, size_t len, char sep)
{
	memset(p, 0, sizeof(*p));
	p->data = data;
	p->len = len;
	p->line = 1;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		p->pos = 3;
	p->sep = sep ? sep : csv_sep_guess(data, len);
}

static int buf_put(struct csv_record *r, size_t *n, char c)
{
	if (*n + 1 >= r->bufcap) {
		size_t cap = r->bufcap ? r->bufcap * 2 : 256;
		char *nb = realloc(r->buf, cap);

		if (!nb)
			return -ENOMEM;
		r->buf = nb;
		r->bufcap = cap;
	}
	r->buf[(*n)++] = c;
	return 0;
}

/* Field starts are kept as offsets while buf may move, then fixed up. */
static int field_start(struct csv_record *r, size_t off)
{
	if (r->nfields == r->fcap) {
		size_t cap = r->fcap ? r->fcap * 2 : 16;
		char **nf = realloc(r->fields, cap * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		r->fields = nf;
		r->fcap = cap;
	}
	r->fields[r->nfields++] = (char *)(uintptr_t)off;
	return 0;
}

int csv_next(struct csv_parser *p, struct csv_record *rec, char *err,
	     size_t errlen)
{
	size_t n;

	for (;;) {
		bool quoted = false, in_field_quotes = false;

		if (p->pos >= p->len)
			return 0;
		rec->nfields = 0;
		rec->line = p->line;
		n = 0;
		if (field_start(rec, 0) < 0)
			return -ENOMEM;
		while (p->pos < p->len) {
			char c = p->data[p->pos++];

			if (in_field_quotes) {
				if (c == '"') {
					if (p->pos < p->len &&
					    p->data[p->pos] == '"') {
						p->pos++;
						if (buf_put(rec, &n, '"') < 0)
							return -ENOMEM;
					} else {
						in_field_quotes = false;
					}
					continue;
				}
				if (c == '\n')
					p->line++;
				if (buf_put(rec, &n, c) < 0)
					return -ENOMEM;
				continue;
			}
			if (c == '"' && !quoted) {
				quoted = in_field_quotes = true;
				continue;
			}
			if (c == p->sep) {
				if (buf_put(rec, &n, '\0') < 0 ||
				    field_start(rec, n) < 0)
					return -ENOMEM;
				quoted = false;
				continue;
			}
			if (c == '\r' && p->pos < p->len &&
			    p->data[p->pos] == '\n')
				continue;
			if (c == '\n' || c == '\r') {
				p->line++;
				break;
			}
			if (buf_put(rec, &n, c) < 0)
				return -ENOMEM;
		}
		if (in_field_quotes)
			return util_err(err, errlen, -EINVAL,
				       "quoted field opened on line %d is "
				       "never closed", rec->line);
		if (buf_put(rec, &n, '\0') < 0)
			return -ENOMEM;
		for (size_t i = 0; i < rec->nfields; i++)
			rec->fields[i] =
				rec->buf + (size_t)(uintptr_t)rec->fields[i];
		/* skip empty lines (a record of one empty field) */
		if (rec->nfields == 1 && rec->fields[0][0] == '\0')
			continue;
		return 1;
	}
}

void csv_record_free(struct csv_record *rec)
{
	free(rec->fields);
	free(rec->buf);
	memset(rec, 0, sizeof(*rec));
}

/* --- cutting a file into records ------------------------------------------------- */

/* What one byte does to the record being cut. */
enum cut_step {
	CUT_TAKEN,		/* the byte belongs to the record */
	CUT_END_TAKEN,		/* ... and ends it */
	CUT_END_BEFORE,		/* the record ended before the byte */
};

void csv_cut_init(struct csv_cut *c, char sep)
{
	memset(c, 0, sizeof(*c));
	c->sep = sep;
	c->line = 1;
}

/* The steps of csv_next(), one byte at a time: what it learns by looking
 * at the next byte ("" in quotes, \r\n) waits here for that byte. */
static enum cut_step cut_byte(struct csv_cut *c, char ch)
{
	if (c->cr_seen) {
		c->cr_seen = false;
		return ch == '\n' ? CUT_END_TAKEN : CUT_END_BEFORE;
	}
	if (c->quote_seen) {
		c->quote_seen = false;
		if (ch == '"')
			return CUT_TAKEN;	/* "" is a quote in the text */
		c->in_quotes = false;	/* ch is after the closing quote */
	} else if (c->in_quotes) {
		if (ch == '"')
			c->quote_seen = true;
		else if (ch == '\n')
			c->line++;
		return CUT_TAKEN;
	}
	if (ch == '"' && !c->quoted) {
		c->quoted = c->in_quotes = true;
	} else if (ch == c->sep) {
		c->quoted = false;
	} else if (ch == '\n' || ch == '\r') {
		c->line++;
		c->quoted = false;
		c->cr_seen = ch == '\r';
		return ch == '\n' ? CUT_END_TAKEN : CUT_TAKEN;
	}
	return CUT_TAKEN;
}

size_t csv_cut_feed(struct csv_cut *c, const char *data, size_t len,
		    bool *end)
{
	*end = false;
	for (size_t i = 0; i < len; i++) {
		enum cut_step s = cut_byte(c, data[i]);

		if (s == CUT_TAKEN) {
			c->open = true;
			continue;
		}
		*end = true;
		c->open = false;
		return s == CUT_END_TAKEN ? i + 1 : i;
	}
	return len;
}

bool csv_cut_finish(struct csv_cut *c)
{
	bool was_open = c->open;

	c->open = false;
	c->cr_seen = false;
	return was_open;
}
