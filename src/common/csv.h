/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * CSV reader (RFC 4180 as spreadsheets write it): quoted fields with ""
 * escapes and embedded newlines, CRLF or LF, an optional UTF-8 byte order
 * mark, ',' or ';' as separator. Works on a buffer in memory; reports the
 * line number where each record starts. csv_cut finds the same records in
 * a file read in pieces.
 */
#ifndef CGW_CSV_H
#define CGW_CSV_H

#include <stdbool.h>
#include <stddef.h>

struct csv_parser {
	const char *data;
	size_t len;
	size_t pos;
	int line;		/* line of the next byte, from 1 */
	char sep;
};

struct csv_record {
	int line;		/* line where the record starts */
	size_t nfields;
	char **fields;		/* point into buf; owned by the record */
	size_t fcap;
	char *buf;
	size_t bufcap;
};

/* data must stay alive while the parser is used. sep 0 = detect from the
 * first line (';' when it has ';' and no ','). */
void csv_init(struct csv_parser *p, const char *data, size_t len, char sep);

/*
 * Reads the next non-empty record into rec (reusing its memory).
 * Returns 1, 0 at the end, -EINVAL for an unterminated quote (message in
 * err), -ENOMEM.
 */
int csv_next(struct csv_parser *p, struct csv_record *rec, char *err,
	     size_t errlen);

void csv_record_free(struct csv_record *rec);

/* The separator csv_init() takes when given 0: ';' when the first line
 * of data[0..len) has ';' and no ',', else ','. */
char csv_sep_guess(const char *data, size_t len);

/*
 * Record boundaries of a CSV read in pieces, the ones csv_next() finds (a
 * quoted field may hold line breaks), without keeping the fields: for
 * cutting a file too large to hold into parts made of whole records.
 */
struct csv_cut {
	char sep;
	bool in_quotes;		/* inside a quoted field */
	bool quoted;		/* this field was quoted: a '"' is text now */
	bool quote_seen;	/* a '"' in quotes: closing, or "" */
	bool cr_seen;		/* a '\r' ended the record: a '\n' may follow */
	bool open;		/* bytes of the current record were taken */
	long line;		/* the line of the next byte, from 1 */
};

/* sep: the file's separator (csv_sep_guess()). */
void csv_cut_init(struct csv_cut *c, char sep);

/*
 * Takes data[0..len) up to the end of the current record: returns how
 * many bytes belong to it, and sets *end when they end it (the next byte
 * starts a record, on line c->line). Bytes may come in pieces of any
 * size; the result does not depend on where they are split.
 */
size_t csv_cut_feed(struct csv_cut *c, const char *data, size_t len,
		    bool *end);

/* At the end of the input: true when a record without a line break at
 * its end was open (it ends there). */
bool csv_cut_finish(struct csv_cut *c);

#endif
