/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of dossiers (services/dossier.h) and the CSV reader
 * (common/csv.h): codes as citizens type them, the national status
 * labels, calendar dates, the reason staff give for a status (as the
 * notice's SMS will carry it), import-row validation with a reason that
 * names the field, and the sample import file shipped in samples/.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "services/dossier.h"
#include "suites.h"

#define CODE "000.00.19.H56-250806-0001"
#define KEY "0000019H56-250806-0001"

/* --- codes ------------------------------------------------------------------- */

static void code_is(const char *in, const char *display, const char *key,
		    const char *rest)
{
	char d[DOSSIER_CODE_MAX], k[DOSSIER_CODE_MAX];
	const char *end = NULL;

	ck_assert_msg(dossier_code_parse(in, d, sizeof(d), k, sizeof(k),
					 &end) == 0, "'%s' refused", in);
	ck_assert_str_eq(d, display);
	ck_assert_str_eq(k, key);
	ck_assert_str_eq(end, rest);
}

static void code_refused(const char *in)
{
	char d[DOSSIER_CODE_MAX], k[DOSSIER_CODE_MAX];
	const char *end = NULL;

	ck_assert_msg(dossier_code_parse(in, d, sizeof(d), k, sizeof(k),
					 &end) == -EINVAL,
		      "'%s' accepted as %s", in, d);
}

START_TEST(test_code_variants)
{
	code_is(CODE, CODE, KEY, "");
	code_is("  " CODE, CODE, KEY, "");
	code_is("000.00.19.h56-250806-0001", CODE, KEY, "");
	code_is("0000019H56-250806-0001", KEY, KEY, "");
	code_is("000.00.19.H56 - 250806 - 0001", CODE, KEY, "");
	code_is("000.00.19.H56\u2013250806\u20140001", CODE, KEY, "");
	code_is("H56-251231-9999", "H56-251231-9999", "H56-251231-9999", "");
	/* the parser stops after the code: the caller judges the rest */
	code_is(CODE " 1234", CODE, KEY, " 1234");
	code_is(CODE "xyz", CODE, KEY, "xyz");
	/* a fifth sequence digit is left over, so no caller accepts it */
	code_is("000.00.19.H56-250806-00011", CODE, KEY, "1");
}
END_TEST

START_TEST(test_code_refusals)
{
	code_refused("");
	code_refused("   ");
	code_refused("000.00.19.H56-251306-0001");	/* month 13 */
	code_refused("000.00.19.H56-250006-0001");	/* month 00 */
	code_refused("000.00.19.H56-250800-0001");	/* day 00 */
	code_refused("000.00.19.H56-250832-0001");	/* day 32 */
	code_refused("000.00.19.H56250806-0001");	/* missing dash */
	code_refused("000.00.19.H56-2508060001");	/* missing dash */
	code_refused("000.00.19.H56-25080-0001");	/* 5-digit date */
	code_refused("000.00.19.H56-250806-001");	/* 3-digit sequence */
	code_refused("-250806-0001");			/* no agency */
	code_refused("...-250806-0001");		/* dots only */
	code_refused("TRACUU");
	/* an agency longer than 40 characters */
	code_refused("0123456789012345678901234567890123456789A-250806-0001");
}
END_TEST

START_TEST(test_code_output_too_small)
{
	char d[10], k[DOSSIER_CODE_MAX];

	char full[DOSSIER_CODE_MAX], cut[DOSSIER_CODE_MAX];
	size_t n;

	ck_assert_int_eq(dossier_code_parse(CODE, d, sizeof(d), k, sizeof(k),
					    NULL), -EINVAL);
	/* every size: refused below the whole code, which is then written
	 * cut as snprintf cut it; accepted from its length + 1 */
	ck_assert_int_eq(dossier_code_parse(CODE, full, sizeof(full), k,
					    sizeof(k), NULL), 0);
	n = strlen(full);
	for (size_t cap = 1; cap <= n + 1; cap++) {
		char want[DOSSIER_CODE_MAX];

		snprintf(want, cap, "%s", full);
		ck_assert_int_eq(dossier_code_parse(CODE, cut, cap, k,
						    sizeof(k), NULL),
				 cap <= n ? -EINVAL : 0);
		ck_assert_str_eq(cut, want);
	}
}
END_TEST

/* --- statuses -------------------------------------------------------------------- */

static const char *const labels_ascii[11] = {
	NULL,
	"Moi dang ky",
	"Duoc tiep nhan",
	"Khong duoc tiep nhan",
	"Dang xu ly",
	"Yeu cau bo sung giay to",
	"Yeu cau thuc hien nghia vu tai chinh",
	"Cong dan yeu cau rut ho so",
	"Dung xu ly",
	"Da xu ly xong",
	"Da tra ket qua",
};

static const char *const labels_vi[11] = {
	NULL,
	"Mới đăng ký",
	"Được tiếp nhận",
	"Không được tiếp nhận",
	"Đang xử lý",
	"Yêu cầu bổ sung giấy tờ",
	"Yêu cầu thực hiện nghĩa vụ tài chính",
	"Công dân yêu cầu rút hồ sơ",
	"Dừng xử lý",
	"Đã xử lý xong",
	"Đã trả kết quả",
};

START_TEST(test_status_labels)
{
	int st = _i;

	ck_assert_str_eq(dossier_status_label(st, "vi-ascii"),
			 labels_ascii[st]);
	ck_assert_str_eq(dossier_status_label(st, "vi"), labels_vi[st]);
	ck_assert_str_eq(dossier_status_label(st, NULL), labels_vi[st]);
	ck_assert_ptr_nonnull(dossier_status_label(st, "en"));
	ck_assert_uint_gt(strlen(dossier_status_label(st, "en")), 0);
}
END_TEST

START_TEST(test_status_labels_en)
{
	ck_assert_str_eq(dossier_status_label(1, "en"), "Newly registered");
	ck_assert_str_eq(dossier_status_label(4, "en"), "In progress");
	ck_assert_str_eq(dossier_status_label(10, "en"), "Result returned");
}
END_TEST

START_TEST(test_status_outside_range)
{
	ck_assert_ptr_null(dossier_status_label(0, "vi"));
	ck_assert_ptr_null(dossier_status_label(11, "vi"));
	ck_assert_ptr_null(dossier_status_label(-1, "en"));
	ck_assert_ptr_null(dossier_status_label(11, "vi-ascii"));
}
END_TEST

/* --- dates ---------------------------------------------------------------------- */

START_TEST(test_date_valid)
{
	ck_assert(dossier_date_valid("2025-08-20"));
	ck_assert(dossier_date_valid("2024-02-29"));
	ck_assert(dossier_date_valid("2000-02-29"));
	ck_assert(dossier_date_valid("2025-12-31"));
	ck_assert(!dossier_date_valid("2025-02-29"));
	ck_assert(!dossier_date_valid("2100-02-29"));
	ck_assert(!dossier_date_valid("2025-13-01"));
	ck_assert(!dossier_date_valid("2025-00-10"));
	ck_assert(!dossier_date_valid("2025-04-31"));
	ck_assert(!dossier_date_valid("2025-1-01"));
	ck_assert(!dossier_date_valid("2025-01-1"));
	ck_assert(!dossier_date_valid("2025/01/01"));
	ck_assert(!dossier_date_valid("20-08-2025"));
	ck_assert(!dossier_date_valid("2025-08-2x"));
	ck_assert(!dossier_date_valid(""));
	ck_assert(!dossier_date_valid("2025-08-20 "));
}
END_TEST

START_TEST(test_date_display)
{
	char out[16];

	dossier_date_display("2025-08-20", out, sizeof(out));
	ck_assert_str_eq(out, "20/08/2025");
	dossier_date_display("", out, sizeof(out));
	ck_assert_str_eq(out, "");
	dossier_date_display("soon", out, sizeof(out));
	ck_assert_str_eq(out, "soon");
}
END_TEST

/* --- import rows ---------------------------------------------------------------- */

static const char *const good_row[DCOL_COUNT] = {
	CODE, "0912345678", "4", "Cấp bản sao trích lục khai sinh",
	"UBND xã Phúc Xuân", "2025-08-06", "2025-08-20", "1234",
};

START_TEST(test_row_good)
{
	struct dossier d;
	char err[256] = "";

	ck_assert_int_eq(dossier_from_row(good_row, &d, err, sizeof(err)), 0);
	ck_assert_str_eq(d.code, CODE);
	ck_assert_str_eq(d.key, KEY);
	ck_assert_str_eq(d.phone, "84912345678");
	ck_assert_int_eq(d.status, 4);
	ck_assert_str_eq(d.procedure, "Cấp bản sao trích lục khai sinh");
	ck_assert_str_eq(d.agency, "UBND xã Phúc Xuân");
	ck_assert_str_eq(d.received_at, "2025-08-06");
	ck_assert_str_eq(d.due_at, "2025-08-20");
	ck_assert_str_eq(d.id_last4, "1234");
}
END_TEST

START_TEST(test_row_trims_and_optional_fields)
{
	const char *row[DCOL_COUNT];
	struct dossier d;
	char err[256] = "";

	memcpy(row, good_row, sizeof(row));
	row[DCOL_CODE] = "  " CODE " ";
	row[DCOL_PROCEDURE] = "  Đăng ký kết hôn  ";
	row[DCOL_DUE_AT] = "";
	row[DCOL_ID_LAST4] = "";
	row[DCOL_AGENCY] = "";
	ck_assert_int_eq(dossier_from_row(row, &d, err, sizeof(err)), 0);
	ck_assert_str_eq(d.code, CODE);
	ck_assert_str_eq(d.procedure, "Đăng ký kết hôn");
	ck_assert_str_eq(d.due_at, "");
	ck_assert_str_eq(d.id_last4, "");
	ck_assert_str_eq(d.agency, "");
}
END_TEST

/* Replaces one field of the good row and expects a refusal naming field. */
static void row_refused(enum dossier_col col, const char *value,
			const char *field)
{
	const char *row[DCOL_COUNT];
	struct dossier d;
	char err[256] = "";

	memcpy(row, good_row, sizeof(row));
	row[col] = value;
	ck_assert_int_eq(dossier_from_row(row, &d, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, field) != NULL,
		      "'%s' for %s: message '%s' does not name %s", value,
		      dossier_col_names[col], err, field);
}

START_TEST(test_row_refusals_name_the_field)
{
	char long_text[300];

	row_refused(DCOL_CODE, "000.00.19.H56-251306-0001", "code");
	row_refused(DCOL_CODE, CODE " x", "code");
	row_refused(DCOL_CODE, "", "code");
	row_refused(DCOL_PHONE, "0212345678", "phone");
	row_refused(DCOL_PHONE, "", "phone");
	row_refused(DCOL_STATUS, "0", "status");
	row_refused(DCOL_STATUS, "11", "status");
	row_refused(DCOL_STATUS, "4.5", "status");
	row_refused(DCOL_STATUS, "", "status");
	row_refused(DCOL_PROCEDURE, "   ", "procedure");
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	row_refused(DCOL_PROCEDURE, long_text, "procedure");
	row_refused(DCOL_AGENCY, long_text, "agency");
	row_refused(DCOL_RECEIVED_AT, "2025-02-29", "received_at");
	row_refused(DCOL_RECEIVED_AT, "", "received_at");
	row_refused(DCOL_DUE_AT, "2025-8-20", "due_at");
	row_refused(DCOL_DUE_AT, "2025-08-01", "due_at");	/* before */
	row_refused(DCOL_ID_LAST4, "123", "id_last4");
	row_refused(DCOL_ID_LAST4, "12345", "id_last4");
	row_refused(DCOL_ID_LAST4, "12a4", "id_last4");
}
END_TEST

START_TEST(test_column_names)
{
	static const char *const want[DCOL_COUNT] = {
		"code", "phone", "status", "procedure", "agency",
		"received_at", "due_at", "id_last4",
	};

	for (int i = 0; i < DCOL_COUNT; i++)
		ck_assert_str_eq(dossier_col_names[i], want[i]);
}
END_TEST

/* --- CSV -------------------------------------------------------------------------- */

struct csv_all {
	int n;
	int line[16];
	size_t nfields[16];
	char field[16][8][64];
};

/* Reads every record of text; returns csv_next's last result. */
static int csv_read_all(const char *text, size_t len, char sep,
			struct csv_all *out, char *err, size_t errlen)
{
	struct csv_parser p;
	struct csv_record rec;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&rec, 0, sizeof(rec));
	csv_init(&p, text, len, sep);
	while ((rc = csv_next(&p, &rec, err, errlen)) == 1) {
		ck_assert_int_lt(out->n, 16);
		out->line[out->n] = rec.line;
		out->nfields[out->n] = rec.nfields;
		for (size_t i = 0; i < rec.nfields && i < 8; i++) {
			ck_assert_uint_lt(strlen(rec.fields[i]), 64);
			strcpy(out->field[out->n][i], rec.fields[i]);
		}
		out->n++;
	}
	csv_record_free(&rec);
	return rc;
}

START_TEST(test_csv_quotes_and_escapes)
{
	static const char text[] =
		"a,\"b,c\",\"say \"\"hi\"\"\"\n"
		"\"\",x,\"\"\"\"\n";
	struct csv_all r;

	ck_assert_int_eq(csv_read_all(text, strlen(text), 0, &r, NULL, 0), 0);
	ck_assert_int_eq(r.n, 2);
	ck_assert_uint_eq(r.nfields[0], 3);
	ck_assert_str_eq(r.field[0][0], "a");
	ck_assert_str_eq(r.field[0][1], "b,c");
	ck_assert_str_eq(r.field[0][2], "say \"hi\"");
	ck_assert_uint_eq(r.nfields[1], 3);
	ck_assert_str_eq(r.field[1][0], "");
	ck_assert_str_eq(r.field[1][1], "x");
	ck_assert_str_eq(r.field[1][2], "\"");
}
END_TEST

START_TEST(test_csv_embedded_newline_keeps_line_numbers)
{
	static const char text[] =
		"h1,h2\n"
		"1,\"two\nlines\"\n"
		"2,\"three\nmore\nlines\"\n"
		"3,last\n";
	struct csv_all r;

	ck_assert_int_eq(csv_read_all(text, strlen(text), 0, &r, NULL, 0), 0);
	ck_assert_int_eq(r.n, 4);
	ck_assert_int_eq(r.line[0], 1);
	ck_assert_int_eq(r.line[1], 2);
	ck_assert_str_eq(r.field[1][1], "two\nlines");
	ck_assert_int_eq(r.line[2], 4);
	ck_assert_str_eq(r.field[2][1], "three\nmore\nlines");
	ck_assert_int_eq(r.line[3], 7);
	ck_assert_str_eq(r.field[3][1], "last");
}
END_TEST

START_TEST(test_csv_crlf)
{
	static const char text[] = "a,b\r\nc,\"d\r\ne\"\r\nf,g";
	struct csv_all r;

	ck_assert_int_eq(csv_read_all(text, strlen(text), 0, &r, NULL, 0), 0);
	ck_assert_int_eq(r.n, 3);
	ck_assert_str_eq(r.field[0][1], "b");
	ck_assert_str_eq(r.field[1][1], "d\r\ne");
	ck_assert_int_eq(r.line[2], 4);
	ck_assert_str_eq(r.field[2][0], "f");
	ck_assert_str_eq(r.field[2][1], "g");
}
END_TEST

START_TEST(test_csv_bom_and_semicolon)
{
	static const char text[] = "\xEF\xBB\xBF" "code;phone\n"
				   "X;\"0912,345\"\n";
	struct csv_all r;

	ck_assert_int_eq(csv_read_all(text, strlen(text), 0, &r, NULL, 0), 0);
	ck_assert_int_eq(r.n, 2);
	ck_assert_uint_eq(r.nfields[0], 2);
	ck_assert_str_eq(r.field[0][0], "code");
	ck_assert_str_eq(r.field[1][1], "0912,345");

	/* a first line with both: ',' wins */
	ck_assert_int_eq(csv_read_all("a;b,c\n", 6, 0, &r, NULL, 0), 0);
	ck_assert_uint_eq(r.nfields[0], 2);
	ck_assert_str_eq(r.field[0][0], "a;b");
	/* an explicit separator */
	ck_assert_int_eq(csv_read_all("a;b,c\n", 6, ';', &r, NULL, 0), 0);
	ck_assert_str_eq(r.field[0][1], "b,c");
}
END_TEST

START_TEST(test_csv_empty_lines_skipped)
{
	static const char text[] = "\n\na,b\n\n\r\nc,d\n\n";
	struct csv_all r;

	ck_assert_int_eq(csv_read_all(text, strlen(text), 0, &r, NULL, 0), 0);
	ck_assert_int_eq(r.n, 2);
	ck_assert_int_eq(r.line[0], 3);
	ck_assert_int_eq(r.line[1], 6);
	ck_assert_str_eq(r.field[1][0], "c");
	ck_assert_int_eq(csv_read_all("", 0, 0, &r, NULL, 0), 0);
	ck_assert_int_eq(r.n, 0);
	/* empty fields are kept */
	ck_assert_int_eq(csv_read_all(",,\n", 3, 0, &r, NULL, 0), 0);
	ck_assert_uint_eq(r.nfields[0], 3);
}
END_TEST

START_TEST(test_csv_unterminated_quote)
{
	static const char text[] = "a,b\nc,d\ne,\"never\nclosed\n";
	struct csv_all r;
	char err[256] = "";

	ck_assert_int_eq(csv_read_all(text, strlen(text), 0, &r, err,
				      sizeof(err)), -EINVAL);
	ck_assert_int_eq(r.n, 2);
	ck_assert_msg(strstr(err, "line 3") != NULL, "message: %s", err);
}
END_TEST

START_TEST(test_csv_long_record_grows)
{
	char *text = malloc(20000);
	struct csv_parser p;
	struct csv_record rec;
	size_t n = 0;

	ck_assert_ptr_nonnull(text);
	for (int i = 0; i < 1000; i++)
		n += (size_t)sprintf(text + n, "%sf%d", i ? "," : "", i);
	text[n++] = '\n';
	memset(&rec, 0, sizeof(rec));
	csv_init(&p, text, n, 0);
	ck_assert_int_eq(csv_next(&p, &rec, NULL, 0), 1);
	ck_assert_uint_eq(rec.nfields, 1000);
	ck_assert_str_eq(rec.fields[0], "f0");
	ck_assert_str_eq(rec.fields[999], "f999");
	ck_assert_int_eq(csv_next(&p, &rec, NULL, 0), 0);
	csv_record_free(&rec);
	free(text);
}
END_TEST

START_TEST(test_sample_dossiers_all_valid)
{
	size_t len;
	char *text = tu_read(SRCDIR "/samples/dossiers.csv", &len);
	struct csv_parser p;
	struct csv_record rec;
	int map[DCOL_COUNT], rows = 0, rc;
	char err[256] = "";
	struct dossier first;

	memset(&rec, 0, sizeof(rec));
	csv_init(&p, text, len, 0);
	ck_assert_int_eq(csv_next(&p, &rec, err, sizeof(err)), 1);
	/* the header names every documented column */
	for (int c = 0; c < DCOL_COUNT; c++) {
		map[c] = -1;
		for (size_t i = 0; i < rec.nfields; i++)
			if (strcmp(rec.fields[i], dossier_col_names[c]) == 0)
				map[c] = (int)i;
		ck_assert_msg(map[c] >= 0, "column %s missing",
			      dossier_col_names[c]);
	}
	while ((rc = csv_next(&p, &rec, err, sizeof(err))) == 1) {
		const char *f[DCOL_COUNT];
		struct dossier d;

		ck_assert_uint_eq(rec.nfields, DCOL_COUNT);
		for (int c = 0; c < DCOL_COUNT; c++)
			f[c] = rec.fields[map[c]];
		ck_assert_msg(dossier_from_row(f, &d, err, sizeof(err)) == 0,
			      "line %d: %s", rec.line, err);
		ck_assert_int_eq(rec.line, rows + 2);
		if (rows == 0)
			first = d;
		rows++;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(rows, 4);
	ck_assert_str_eq(first.code, CODE);
	ck_assert_str_eq(first.key, KEY);
	ck_assert_str_eq(first.phone, "84912345678");
	ck_assert_int_eq(first.status, 4);
	ck_assert_str_eq(first.procedure, "Cấp bản sao trích lục khai sinh");
	ck_assert_str_eq(first.due_at, "2025-08-20");
	ck_assert_str_eq(first.id_last4, "1234");
	csv_record_free(&rec);
	free(text);
}
END_TEST

/* --- reasons -------------------------------------------------------------------- */

static void reason_ok(int status, const char *in, const char *want)
{
	char out[DOSSIER_REASON_MAX], err[256] = "";

	ck_assert_msg(dossier_reason_check(status, in, out, sizeof(out), err,
					   sizeof(err)) == 0,
		      "status %d, '%s' refused: %s", status, in, err);
	ck_assert_str_eq(out, want);
}

static void reason_refused(int status, const char *in, const char *why)
{
	char out[DOSSIER_REASON_MAX], err[256] = "";

	strcpy(out, "junk");
	ck_assert_msg(dossier_reason_check(status, in, out, sizeof(out), err,
					   sizeof(err)) == -EINVAL,
		      "status %d, '%s' accepted", status, in);
	ck_assert_msg(strstr(err, why), "'%s': %s (expected %s)", in, err,
		      why);
	ck_assert_msg(strncmp(err, "reason: ", 8) == 0, "%s", err);
	ck_assert_str_eq(out, "");
}

START_TEST(test_reason_required)
{
	for (int st = 1; st <= 10; st++)
		ck_assert(dossier_status_needs_reason(st) == (st == 3 ||
							      st == 8));
	reason_refused(3, "", "required for status 3 (Not accepted)");
	reason_refused(8, "   ", "required for status 8 (Processing "
		       "stopped)");
	reason_ok(4, "", "");
	reason_ok(9, "  ", "");
	reason_ok(3, "  Thiếu bản sao CCCD  ", "Thiếu bản sao CCCD");
	reason_ok(5, "Cần ảnh 4x6 [nền trắng] & giấy hẹn #2",
		  "Cần ảnh 4x6 [nền trắng] & giấy hẹn #2");
}
END_TEST

START_TEST(test_reason_length)
{
	char in[4 * DOSSIER_REASON_CHARS + 8], out[8];
	char err[256];

	/* 100 characters of Vietnamese (3 bytes each): 300 bytes, kept */
	in[0] = '\0';
	for (int i = 0; i < DOSSIER_REASON_CHARS; i++)
		strcat(in, "ệ");
	reason_ok(3, in, in);
	strcat(in, "a");
	reason_refused(3, in, "101 characters, at most 100");
	/* GSM-7 escapes count twice in the SMS */
	memset(in, '[', 51);
	memset(in + 51, 'a', 49);
	in[100] = '\0';
	reason_refused(3, in, "takes 151 characters of an SMS");
	memset(in, '[', 50);
	in[50] = '\0';
	reason_ok(3, in, in);
	/* a buffer too small is refused, never overrun */
	ck_assert_int_eq(dossier_reason_check(3, "Thiếu giấy tờ", out,
					      sizeof(out), err, sizeof(err)),
			 -EINVAL);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_reason_characters)
{
	reason_refused(3, "Thiếu\ngiấy tờ", "control character (U+000A)");
	reason_refused(3, "Thiếu\tgiấy tờ", "(U+0009)");
	reason_refused(3, "a\x7f", "(U+007F)");
	reason_refused(3, "a\xc2\x85", "(U+0085)");
	reason_refused(3, "Thi\xe1u", "not UTF-8");
	reason_refused(5, "Thiếu ảnh 😀", "'😀' cannot be sent in a plain "
		       "SMS");
	reason_refused(5, "Nộp tại 市", "'市'");
	/* typographic quotes and dashes fold to ASCII: fine */
	reason_ok(5, "Thiếu “giấy khai sinh” – bản sao",
		  "Thiếu “giấy khai sinh” – bản sao");
	reason_ok(5, "Lệ phí 5€", "Lệ phí 5€");
}
END_TEST

Suite *suite_dossier(void)
{
	Suite *s = suite_create("dossier");
	TCase *tc;

	tc = tcase_create("code");
	tcase_add_test(tc, test_code_variants);
	tcase_add_test(tc, test_code_refusals);
	tcase_add_test(tc, test_code_output_too_small);
	suite_add_tcase(s, tc);

	tc = tcase_create("status_date");
	tcase_add_loop_test(tc, test_status_labels, 1, 11);
	tcase_add_test(tc, test_status_labels_en);
	tcase_add_test(tc, test_status_outside_range);
	tcase_add_test(tc, test_date_valid);
	tcase_add_test(tc, test_date_display);
	suite_add_tcase(s, tc);

	tc = tcase_create("reason");
	tcase_add_test(tc, test_reason_required);
	tcase_add_test(tc, test_reason_length);
	tcase_add_test(tc, test_reason_characters);
	suite_add_tcase(s, tc);

	tc = tcase_create("row");
	tcase_add_test(tc, test_row_good);
	tcase_add_test(tc, test_row_trims_and_optional_fields);
	tcase_add_test(tc, test_row_refusals_name_the_field);
	tcase_add_test(tc, test_column_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("csv");
	tcase_add_test(tc, test_csv_quotes_and_escapes);
	tcase_add_test(tc, test_csv_embedded_newline_keeps_line_numbers);
	tcase_add_test(tc, test_csv_crlf);
	tcase_add_test(tc, test_csv_bom_and_semicolon);
	tcase_add_test(tc, test_csv_empty_lines_skipped);
	tcase_add_test(tc, test_csv_unterminated_quote);
	tcase_add_test(tc, test_csv_long_record_grows);
	tcase_add_test(tc, test_sample_dossiers_all_valid);
	suite_add_tcase(s, tc);
	return s;
}
