/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The CSV cutter (csv_cut) against the reader (csv_next): fed the same
 * bytes in pieces of every size, it cuts at the records the reader finds,
 * each record read alone gives the reader's fields, and the line where
 * each starts is the reader's; on written cases (quoted line breaks, ""
 * escapes, CRLF, lone CR, ';', a BOM, no final line break) and on random
 * soup of the characters that matter.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"

Suite *suite_csv(void);

#define MAX_RECS 64

/* The records of data cut in pieces of step bytes: their offsets and
 * start lines. Returns how many. */
static int cut_all(const char *data, size_t len, size_t step, size_t *off,
		   long *line)
{
	struct csv_cut c;
	size_t pos = 0;
	int n = 0;

	csv_cut_init(&c, csv_sep_guess(data, len));
	off[0] = 0;
	line[0] = 1;
	while (pos < len) {
		size_t piece = len - pos < step ? len - pos : step;
		bool end;
		size_t took = csv_cut_feed(&c, data + pos, piece, &end);

		pos += took;
		if (end) {
			ck_assert_int_lt(n + 1, MAX_RECS);
			off[++n] = pos;
			line[n] = c.line;
		}
	}
	if (csv_cut_finish(&c))
		off[++n] = len;
	return n;
}

/* Record i of the cut, read alone: its fields joined by '|', or "" when
 * the reader sees no record in it (an empty line). */
static void alone(const char *data, size_t len, const size_t *off, int i,
		  char *out, size_t outlen)
{
	struct csv_parser p;
	struct csv_record rec = { 0 };
	char err[128];
	size_t used = 0;

	out[0] = '\0';
	csv_init(&p, data + off[i], off[i + 1] - off[i],
		 csv_sep_guess(data, len));
	if (csv_next(&p, &rec, err, sizeof(err)) == 1)
		for (size_t f = 0; f < rec.nfields; f++)
			used += (size_t)snprintf(out + used, outlen - used,
						 "%s%s", f ? "|" : "",
						 rec.fields[f]);
	csv_record_free(&rec);
}

/* Cuts data in pieces of every size and checks each cut against the
 * reader of the whole. */
static void check_cuts(const char *data, size_t len)
{
	struct csv_parser p;
	struct csv_record rec = { 0 };
	char err[128], want[512], got[512];

	for (size_t step = 1; step <= len; step++) {
		size_t off[MAX_RECS + 1];
		long line[MAX_RECS + 1];
		int n = cut_all(data, len, step, off, line);
		int i = 0;

		ck_assert_uint_eq(off[n], len);
		csv_init(&p, data, len, 0);
		while (csv_next(&p, &rec, err, sizeof(err)) == 1) {
			size_t used = 0;

			/* empty lines are records of the cut, not the reader's */
			for (got[0] = '\0'; i < n && !got[0]; i++)
				alone(data, len, off, i, got, sizeof(got));
			want[0] = '\0';
			for (size_t f = 0; f < rec.nfields; f++)
				used += (size_t)snprintf(want + used,
							 sizeof(want) - used,
							 "%s%s", f ? "|" : "",
							 rec.fields[f]);
			ck_assert_msg(strcmp(got, want) == 0, "step %zu: cut "
				      "'%s', read '%s' in '%.*s'", step, got,
				      want, (int)len, data);
			ck_assert_int_eq(line[i - 1], rec.line);
		}
	}
	csv_record_free(&rec);
}

START_TEST(cut_written_cases)
{
	static const char *const cases[] = {
		"phone,name\n0912345678,An\n0912345679,Binh\n",
		"phone,note\n0912345678,\"two\nlines\"\n0912345679,x\n",
		"phone,note\r\n0912345678,\"a \"\"quoted\"\"\r\nword\"\r\n"
		"0912345679,y",
		"phone;name\n0912345678;\"a;b\"\n\n\n0912345679;c\n",
		"\xEF\xBB\xBFphone,name\r0912345678,An\r0912345679,B\r",
		"phone,n\n1,ab\"c\n2,\"ab\"c\"d\n3,\"\"\"\"\n",
		"phone,n\n1,\"x\"\"\n\"\"\",z\n\"2\n\",\"\n\"\n",
		"phone\n\r\n\r\r\n1\n",
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_cuts(cases[i], strlen(cases[i]));
}
END_TEST

/* Random soup: whatever the reader makes of it, the cutter agrees (as
 * far as the reader goes: an unclosed quote stops it). */
START_TEST(cut_random_soup)
{
	static const char alphabet[] = "ab,;\"\"\n\r ";
	unsigned seed = 20260101;
	char text[48];

	for (int round = 0; round < 500; round++) {
		size_t n = (size_t)(rand_r(&seed) % (sizeof(text) - 1));

		for (size_t k = 0; k < n; k++)
			text[k] = alphabet[rand_r(&seed) %
					   (sizeof(alphabet) - 1)];
		text[n] = '\0';
		check_cuts(text, n);
	}
}
END_TEST

/* The line where each record starts counts every line break, quoted or
 * not, \r\n once. */
START_TEST(cut_lines)
{
	static const char data[] = "h\n\"a\nb\"\r\nc\rd\n";
	size_t off[MAX_RECS + 1];
	long line[MAX_RECS + 1];
	int n = cut_all(data, sizeof(data) - 1, 3, off, line);

	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(line[1], 2);	/* "a\nb" starts on line 2 */
	ck_assert_int_eq(line[2], 4);	/* c */
	ck_assert_int_eq(line[3], 5);	/* d */
	ck_assert_int_eq(line[4], 6);
}
END_TEST

Suite *suite_csv(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("cut");

	tcase_add_test(tc, cut_written_cases);
	tcase_add_test(tc, cut_random_soup);
	tcase_add_test(tc, cut_lines);
	suite_add_tcase(s, tc);
	return s;
}
