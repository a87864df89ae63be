/*
 * CSV reader (RFC 4180 as spreadsheets write it): quoted fields with ""
 * escapes and embedded newlines, CRLF or LF, an optional UTF-8 byte order
 * mark, ',' or ';' as separator. Works on a buffer in memory; reports the
 * line number where each record starts.
 */
#ifndef CGW_CSV_H
#define CGW_CSV_H

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

#endif
