/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: a dossier import file (common/csv.h, services/dossier.h)
 * as citizengw-ctl import reads it (src/ctl/ctl_dossiers.c).
 *
 * Input: one byte for the separator (detected, ',' or ';') and one for
 * how the file is cut into pieces, then the file. Records are read with
 * csv_next(); the first is the header, mapped to the dossier columns as
 * the import maps it (any order, any case, blanks ignored); every other
 * record with the header's number of fields and valid UTF-8 goes through
 * dossier_from_row(). The same bytes are cut into records with csv_cut
 * in pieces. Properties (abort when broken):
 *
 *  - a record has at least one field, its line is not before the last;
 *  - csv_cut finds the same record boundaries whatever the pieces, and
 *    every record csv_next() reads starts on a line where csv_cut starts
 *    one (the broadcast CLI cuts a file into parts with it: a record
 *    split between parts would be lost);
 *  - an accepted dossier has a code that parses back to its key, a phone
 *    84 + 9 digits, a status 1..10 and real dates.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/csv.h"
#include "fuzz/fuzz.h"
#include "services/dossier.h"
#include "text/text.h"

#define MAX_LINES 4096

/* The header's columns (ctl_dossiers.c import_header): map[k] is the CSV
 * column of dossier column k, or -1. */
static bool map_header(const struct csv_record *rec, int map[DCOL_COUNT])
{
	for (int k = 0; k < DCOL_COUNT; k++) {
		map[k] = -1;
		for (size_t i = 0; i < rec->nfields; i++) {
			char name[64];
			size_t n = 0;

			for (const char *q = rec->fields[i]; *q && n < 63; q++)
				if (*q != ' ' && *q != '\t')
					name[n++] = *q;
			name[n] = '\0';
			if (strcasecmp(name, dossier_col_names[k]) == 0)
				map[k] = (int)i;
		}
		if (map[k] < 0)
			return false;
	}
	return true;
}

static bool all_utf8(const struct csv_record *rec)
{
	for (size_t i = 0; i < rec->nfields; i++)
		if (!utf8_valid(rec->fields[i]))
			return false;
	return true;
}

/* Record starts found by csv_cut, fed in pieces of 1..n (0: all at once).
 * Returns how many (offsets and lines into off/line). */
static size_t cut(const char *data, size_t len, char sep, size_t piece,
		  size_t *off, long *line)
{
	struct csv_cut c;
	size_t pos = 0, n = 0, chunk_end = 0;

	csv_cut_init(&c, sep);
	off[n] = 0;
	line[n++] = c.line;
	while (pos < len && n < MAX_LINES) {
		bool end;
		size_t take;

		if (pos >= chunk_end)
			chunk_end = piece ? pos + piece : len;
		if (chunk_end > len)
			chunk_end = len;
		take = csv_cut_feed(&c, data + pos, chunk_end - pos, &end);
		pos += take;
		if (end) {
			off[n] = pos;
			line[n++] = c.line;
		}
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static size_t off1[MAX_LINES], off2[MAX_LINES];
	static long line1[MAX_LINES], line2[MAX_LINES];
	struct fz f = fz_init(data, size);
	uint8_t s = fz_u8(&f), piece = fz_u8(&f);
	char sep = s % 3 == 0 ? 0 : s % 3 == 1 ? ',' : ';';
	struct csv_parser p;
	struct csv_record rec;
	int map[DCOL_COUNT], last = 0, rc;
	bool have_header = false, mapped = false;
	size_t len, n1, n2, skip, ncols = 0;
	const char *text = (const char *)fz_rest(&f, &len);
	char err[512];

	memset(&rec, 0, sizeof(rec));
	csv_init(&p, text, len, sep);
	/* csv_init skipped a byte order mark: csv_cut gets what follows */
	skip = p.pos;
	n1 = cut(text + skip, len - skip, p.sep, 0, off1, line1);
	n2 = cut(text + skip, len - skip, p.sep, 1 + piece % 7, off2, line2);
	if (n1 != n2 || memcmp(off1, off2, n1 * sizeof(off1[0])) != 0 ||
	    memcmp(line1, line2, n1 * sizeof(line1[0])) != 0)
		fz_fail("csv_cut depends on the pieces: %zu vs %zu records",
			n1, n2);
	while ((rc = csv_next(&p, &rec, err, sizeof(err))) == 1) {
		const char *fields[DCOL_COUNT];
		struct dossier d;
		bool found = false;

		if (rec.nfields < 1 || rec.line < last)
			fz_fail("record of %zu fields on line %d after %d",
				rec.nfields, rec.line, last);
		last = rec.line;
		for (size_t i = 0; i < n1 && !found; i++)
			found = line1[i] == rec.line;
		if (!found && n1 < MAX_LINES)
			fz_fail("csv_next has a record on line %d where "
				"csv_cut has none", rec.line);
		if (!have_header) {
			have_header = true;
			mapped = map_header(&rec, map);
			ncols = rec.nfields;
			continue;
		}
		if (!mapped)
			continue;
		/* ctl_dossiers.c import_row: the header's width, UTF-8 */
		if (rec.nfields != ncols)
			continue;
		if (!all_utf8(&rec))
			continue;
		for (int k = 0; k < DCOL_COUNT; k++)
			fields[k] = rec.fields[map[k]];
		if (dossier_from_row(fields, &d, err, sizeof(err)) == 0)
			fz_check_dossier(&d);
	}
	if (rc < 0 && rc != -EINVAL)
		fz_fail("csv_next: %d", rc);
	csv_record_free(&rec);
	return 0;
}
