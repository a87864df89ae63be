/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of broadcasts (services/bcast.h): templates and their hostile
 * forms; recipients from CSV (BOM, CRLF, quotes, separators, non-UTF-8,
 * huge values, a million lines in constant memory) and from fed items;
 * the set of phones seen; cost and samples; time zones from tzdata, from
 * hand-made TZif files and built in; quiet hours around midnight and
 * daylight-saving changes; ISO 8601 times in and out.
 *
 * Cases that need the system's tzdata (Europe/Paris, America/New_York,
 * Australia/Sydney) skip themselves when /usr/share/zoneinfo lacks it; the
 * hand-made TZif files cover the same rules everywhere.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "services/bcast.h"
#include "store/store.h"
#include "text/text.h"
#include "suites.h"

_Static_assert(BCAST_TEXT_MAX == STORE_TEXT_MAX,
	       "a rendered broadcast must fit the MT's text buffer");

#define ZONEINFO "/usr/share/zoneinfo"

/* Under valgrind the big loops shrink (valgrind preloads its core). */
static bool under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p && strstr(p, "vgpreload");
}

static bool have_zone(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", ZONEINFO, name);
	return access(path, R_OK) == 0;
}

/* UTC ms of a UTC civil time (timegm is in glibc). */
static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = h, .tm_min = mi, .tm_sec = s };

	return (int64_t)timegm(&tm) * 1000;
}

static struct bcast_tz *tz_load(const char *name, const char *dir)
{
	struct bcast_tz *tz = NULL;
	char err[256] = "";

	ck_assert_msg(bcast_tz_load(name, dir, &tz, err, sizeof(err)) == 0,
		      "%s: %s", name, err);
	return tz;
}

/* --- templates --------------------------------------------------------------- */

static struct bcast_tpl *tpl(const char *text)
{
	struct bcast_tpl *t = NULL;
	char err[256] = "";

	ck_assert_msg(bcast_tpl_parse(text, &t, err, sizeof(err)) == 0,
		      "'%s': %s", text, err);
	return t;
}

static void tpl_refused(const char *text, const char *want)
{
	struct bcast_tpl *t = NULL;
	char err[256] = "";

	ck_assert_int_eq(bcast_tpl_parse(text, &t, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_null(t);
	ck_assert_msg(strstr(err, want), "'%s': '%s' lacks '%s'", text, err,
		      want);
	ck_assert(utf8_valid(err));
}

START_TEST(tpl_parse_render)
{
	struct bcast_tpl *t =
		tpl("Xin chào {name}, hồ sơ {code} {{ok}} {name}.");
	struct bcast_vars v = { 0 };
	char out[BCAST_TEXT_MAX], err[128];

	ck_assert_uint_eq(bcast_tpl_nvars(t), 2);
	ck_assert_str_eq(bcast_tpl_var(t, 0), "name");
	ck_assert_str_eq(bcast_tpl_var(t, 1), "code");
	ck_assert_ptr_null(bcast_tpl_var(t, 2));
	ck_assert_int_eq(bcast_vars_set(&v, "Name", "An"), 0);
	ck_assert_int_eq(bcast_vars_set(&v, "code", "000.00.19.H56-250806-0001"),
			 0);
	ck_assert_int_eq(bcast_tpl_render(t, &v, out, sizeof(out), err,
					  sizeof(err)), 0);
	ck_assert_str_eq(out, "Xin chào An, hồ sơ 000.00.19.H56-250806-0001 "
			      "{ok} An.");
	/* a missing value renders empty */
	v.n = 1;
	ck_assert_int_eq(bcast_tpl_render(t, &v, out, sizeof(out), NULL, 0),
			 0);
	ck_assert_str_eq(out, "Xin chào An, hồ sơ  {ok} An.");
	bcast_tpl_free(t);

	/* only braces, and a template without variables */
	t = tpl("{{}}{{{{");
	ck_assert_uint_eq(bcast_tpl_nvars(t), 0);
	ck_assert_int_eq(bcast_tpl_render(t, &v, out, sizeof(out), NULL, 0),
			 0);
	ck_assert_str_eq(out, "{}{{");
	bcast_tpl_free(t);
	/* a variable right after an escaped brace: "{{{x}}}" = "{" x "}" */
	t = tpl("{{{name}}}");
	ck_assert_int_eq(bcast_tpl_render(t, &v, out, sizeof(out), NULL, 0),
			 0);
	ck_assert_str_eq(out, "{An}");
	bcast_tpl_free(t);
}
END_TEST

START_TEST(tpl_vietnamese_names)
{
	/* {ho_ten}, {Họ_tên} and a column headed "Họ tên" are one */
	struct bcast_tpl *t = tpl("{Họ_tên}/{ho_ten}/{HO_TEN}/{ngày_hẹn}");
	struct bcast_vars v = { 0 };
	char out[64];

	ck_assert_uint_eq(bcast_tpl_nvars(t), 2);
	ck_assert_int_eq(bcast_vars_set(&v, "Họ tên", "Bình"), 0);
	ck_assert_int_eq(bcast_vars_set(&v, "ngày-hẹn", "01/12"), 0);
	ck_assert_int_eq(bcast_tpl_render(t, &v, out, sizeof(out), NULL, 0),
			 0);
	ck_assert_str_eq(out, "Bình/Bình/Bình/01/12");
	ck_assert(bcast_name_eq("Số điện thoại", "so_dien_thoai"));
	ck_assert(!bcast_name_eq("name", "names"));
	ck_assert_str_eq(bcast_vars_get(&v, "HO_TEN"), "Bình");
	ck_assert_ptr_null(bcast_vars_get(&v, "ten"));
	bcast_tpl_free(t);
}
END_TEST

START_TEST(tpl_broken)
{
	char big[BCAST_TPL_MAX + 2];

	tpl_refused("", "empty");
	tpl_refused("Xin chao {name", "'{' at character 10 is never closed");
	/* positions count characters, not bytes */
	tpl_refused("Xin chào bạn {tên", "character 14 is never closed");
	tpl_refused("{name} {", "character 8 is never closed");
	tpl_refused("{}", "'{}' at character 1");
	tpl_refused("a {na me} b", "character 3 has a character");
	tpl_refused("a {name!} b", "character 3 has a character");
	tpl_refused("a {name\n} b", "never closed");
	tpl_refused("a {x{y}} b", "never closed");
	tpl_refused("ok } no", "'}' at character 4 closes nothing");
	tpl_refused("{name}}", "'}' at character 7 closes nothing");
	tpl_refused("abc \xC3\x28 def", "not UTF-8 at byte 5");
	tpl_refused("\xED\xA0\x80", "not UTF-8");	/* a surrogate */
	tpl_refused("{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}",
		    "longer than 32 bytes");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tpl_refused(big, "at most 8192");
	big[BCAST_TEXT_MAX] = '\0';	/* 1024 literal bytes */
	tpl_refused(big, "its text alone is 1024 bytes");
	big[BCAST_TEXT_MAX - 1] = '\0';
	bcast_tpl_free(tpl(big));
	/* a 32-byte name is fine */
	bcast_tpl_free(tpl("{aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}"));
}
END_TEST

START_TEST(tpl_check_unknown)
{
	struct bcast_reader *r = NULL;
	struct bcast_tpl *t = tpl("Chao {nmae}, ho so {code}");
	const char *csv = "phone,name,code\n0912345678,An,X\n";
	char err[256];

	ck_assert_int_eq(bcast_reader_csv(csv, strlen(csv), &r, err,
					  sizeof(err)), 0);
	ck_assert_int_eq(bcast_tpl_check(t, bcast_reader_names(r), err,
					 sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "template: unknown variable {nmae}; the "
			      "recipients have: phone, name, code");
	ck_assert_str_eq(bcast_tpl_unknown(t, bcast_reader_names(r)), "nmae");
	bcast_tpl_free(t);
	t = tpl("Chao {Name} {phone} {CODE}");
	ck_assert_int_eq(bcast_tpl_check(t, bcast_reader_names(r), err,
					 sizeof(err)), 0);
	bcast_tpl_free(t);
	bcast_reader_free(r);
}
END_TEST

START_TEST(tpl_render_bounds)
{
	struct bcast_tpl *t = tpl("{a}{b}{c}{d}{a}");
	struct bcast_vars v = { 0 };
	char val[BCAST_VALUE_MAX + 2], out[BCAST_TEXT_MAX], err[128];

	memset(val, 'x', BCAST_VALUE_MAX);
	val[BCAST_VALUE_MAX] = '\0';
	ck_assert_int_eq(bcast_vars_set(&v, "a", val), 0);
	ck_assert_int_eq(bcast_vars_set(&v, "b", val), 0);
	ck_assert_int_eq(bcast_vars_set(&v, "c", val), 0);
	ck_assert_int_eq(bcast_vars_set(&v, "d", "y"), 0);
	/* 4 * 256 + 1 = 1025 bytes: refused, never cut */
	ck_assert_int_eq(bcast_tpl_render(t, &v, out, sizeof(out), err,
					  sizeof(err)), -EMSGSIZE);
	ck_assert_str_eq(err, "the text is 1025 bytes, at most 1023");
	/* 1024: one too many */
	ck_assert_int_eq(bcast_vars_set(&v, "d", ""), 0);
	ck_assert_int_eq(bcast_tpl_render(t, &v, out, sizeof(out), err,
					  sizeof(err)), -EMSGSIZE);
	ck_assert_str_eq(err, "the text is 1024 bytes, at most 1023");
	/* 1023 fits exactly */
	ck_assert_int_eq(bcast_vars_set(&v, "d", "y"), 0);
	v.v[0].value[BCAST_VALUE_MAX - 1] = '\0';	/* a = 255 bytes */
	ck_assert_int_eq(bcast_tpl_render(t, &v, out, sizeof(out), err,
					  sizeof(err)), 0);
	ck_assert_uint_eq(strlen(out), 255 * 2 + 256 * 2 + 1);
	/* a small buffer: refused, out stays a string */
	ck_assert_int_eq(bcast_tpl_render(t, &v, out, 8, NULL, 0), -EMSGSIZE);
	ck_assert_str_eq(out, "");
	bcast_tpl_free(t);

	/* the variables' own bounds */
	memset(&v, 0, sizeof(v));
	val[BCAST_VALUE_MAX] = 'x';
	val[BCAST_VALUE_MAX + 1] = '\0';
	ck_assert_int_eq(bcast_vars_set(&v, "a", val), -EMSGSIZE);
	ck_assert_int_eq(bcast_vars_set(&v, "", "x"), -EINVAL);
	ck_assert_int_eq(bcast_vars_set(&v,
					"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
					"x"), -ENAMETOOLONG);
	ck_assert_int_eq(bcast_vars_set(&v, "a", "\xFF"), -EILSEQ);
	for (int i = 0; i < BCAST_VARS_MAX; i++) {
		char name[8];

		snprintf(name, sizeof(name), "v%d", i);
		ck_assert_int_eq(bcast_vars_set(&v, name, "x"), 0);
	}
	ck_assert_int_eq(bcast_vars_set(&v, "one_more", "x"), -E2BIG);
	ck_assert_int_eq(bcast_vars_set(&v, "V3", "replaced"), 0);
	ck_assert_str_eq(bcast_vars_get(&v, "v3"), "replaced");
	ck_assert_uint_eq(v.n, BCAST_VARS_MAX);
}
END_TEST

/* Random bytes and random brace soup: a template parses or is refused
 * with a valid message, and a parsed one renders within bounds. */
START_TEST(tpl_fuzz)
{
	static const char alphabet[] = "{}{}ab_ \xC3\xA0\xFF\n1";
	struct bcast_vars v = { 0 };
	unsigned seed = 20261201;
	int rounds = under_valgrind() ? 2000 : 20000;

	bcast_vars_set(&v, "ab", "giá trị");
	for (int i = 0; i < rounds; i++) {
		char text[64], err[256], out[BCAST_TEXT_MAX];
		size_t n = (size_t)(rand_r(&seed) % 40);
		struct bcast_tpl *t = NULL;

		for (size_t k = 0; k < n; k++)
			text[k] = alphabet[rand_r(&seed) %
					   (sizeof(alphabet) - 1)];
		text[n] = '\0';
		err[0] = '\0';
		if (bcast_tpl_parse(text, &t, err, sizeof(err)) == 0) {
			ck_assert_int_eq(bcast_tpl_render(t, &v, out,
							  sizeof(out), NULL,
							  0), 0);
			ck_assert(utf8_valid(out));
			bcast_tpl_free(t);
		} else {
			ck_assert_ptr_null(t);
			ck_assert(err[0] && utf8_valid(err));
		}
	}
}
END_TEST

/* --- recipients: CSV ------------------------------------------------------------- */

struct got {
	int rc;
	long line;
	char msisdn[PHONE_MAX];
	char phone[BCAST_GIVEN_MAX];
	char error[BCAST_ERR_MAX];
	char vars[512];		/* "name=value;..." */
};

/* Reads every record of a CSV into got[] (at most n); returns count. */
static int read_csv(const char *csv, size_t len, struct got *got, int n,
		    struct bcast_stats *st)
{
	struct bcast_reader *r = NULL;
	const struct bcast_rcpt *rc;
	char err[256] = "";
	int k = 0, res;

	ck_assert_msg(bcast_reader_csv(csv, len, &r, err, sizeof(err)) == 0,
		      "%s", err);
	while ((res = bcast_reader_next(r, &rc, err, sizeof(err))) > 0) {
		size_t w = 0;

		ck_assert_int_lt(k, n);
		got[k].rc = res;
		got[k].line = rc->line;
		strcpy(got[k].msisdn, rc->msisdn);
		strcpy(got[k].phone, rc->phone);
		strcpy(got[k].error, rc->error);
		ck_assert(utf8_valid(rc->phone) && utf8_valid(rc->error));
		got[k].vars[0] = '\0';
		for (unsigned i = 0; i < rc->vars.n; i++)
			w += (size_t)snprintf(got[k].vars + w,
					      sizeof(got[k].vars) - w,
					      "%s=%s;", rc->vars.v[i].name,
					      rc->vars.v[i].value);
		k++;
	}
	ck_assert_msg(res == 0, "%d %s", res, err);
	if (st)
		bcast_reader_stats(r, st);
	bcast_reader_free(r);
	return k;
}

static void csv_refused(const char *csv, size_t len, const char *want)
{
	struct bcast_reader *r = NULL;
	char err[512] = "";

	ck_assert_int_eq(bcast_reader_csv(csv, len, &r, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(err, want), "'%s' lacks '%s'", err, want);
	ck_assert(utf8_valid(err));
}

START_TEST(csv_basic)
{
	/* BOM, CRLF, quoted fields with separators, quotes and a newline */
	static const char csv[] =
		"\xEF\xBB\xBFphone, Tên ,code\r\n"
		"0912345678,\"Nguyễn Văn An\",000.00.19.H56-250806-0001\r\n"
		"+84 977 000 111,\"Lê \"\"Bé\"\", Thị\",X\r\n"
		"\r\n"
		"84388000222,\"dòng\r\nhai\",Y\r\n"
		"0912345678,,\r\n";
	struct got g[8];
	struct bcast_stats st;
	int n = read_csv(csv, sizeof(csv) - 1, g, 8, &st);

	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(g[0].rc, BCAST_ACCEPTED);
	ck_assert_int_eq(g[0].line, 2);
	ck_assert_str_eq(g[0].msisdn, "84912345678");
	ck_assert_str_eq(g[0].vars, "Tên=Nguyễn Văn An;code=000.00.19.H56-"
				    "250806-0001;");
	ck_assert_str_eq(g[1].msisdn, "84977000111");
	ck_assert_str_eq(g[1].vars, "Tên=Lê \"Bé\", Thị;code=X;");
	ck_assert_int_eq(g[2].line, 5);	/* after the empty line */
	ck_assert_str_eq(g[2].vars, "Tên=dòng\r\nhai;code=Y;");
	ck_assert_int_eq(g[3].line, 7);	/* the quoted newline counts */
	ck_assert_str_eq(g[3].vars, "Tên=;code=;");
	/* the reader does not dedupe: the caller decides */
	ck_assert_int_eq(g[3].rc, BCAST_ACCEPTED);
	ck_assert_uint_eq(st.records, 4);
	ck_assert_uint_eq(st.accepted, 4);
	ck_assert_uint_eq(st.rejected, 0);
}
END_TEST

START_TEST(csv_semicolon_and_aliases)
{
	static const char *const headers[] = {
		"phone", "PHONE", " Phone ", "so_dien_thoai", "SDT", "sđt",
		"msisdn", "MSISDN", "số điện thoại", "Số Điện Thoại",
		"so dien thoai", "Số_điện_thoại", "phone_number",
	};
	struct got g[2];

	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		char csv[128];

		ck_assert(bcast_is_phone_column(headers[i]));
		snprintf(csv, sizeof(csv), "ten;%s\nAn;0912 345 678\n",
			 headers[i]);
		ck_assert_int_eq(read_csv(csv, strlen(csv), g, 2, NULL), 1);
		ck_assert_int_eq(g[0].rc, BCAST_ACCEPTED);
		ck_assert_str_eq(g[0].msisdn, "84912345678");
		ck_assert_str_eq(g[0].vars, "ten=An;");
	}
	ck_assert(!bcast_is_phone_column("phones"));
	ck_assert(!bcast_is_phone_column("name"));
	ck_assert(!bcast_is_phone_column(""));
}
END_TEST

START_TEST(csv_rejections)
{
	static const char csv[] =
		"phone,name,note\n"
		"12345,An,x\n"			/* not a mobile number */
		",Binh,x\n"			/* no phone */
		"0912345678,Chi\n"		/* too few fields */
		"0912345678,Dung,x,y\n"		/* too many */
		"0912345678,Em,x,,\n"		/* trailing empties: fine */
		"0912345678,\xC3\x28,x\n"	/* not UTF-8 */
		"0212345678,Giang,x\n"		/* a landline */
		"abc\x01\xFF,Ha,x\n";		/* junk shown safely */
	struct got g[10];
	struct bcast_stats st;
	int n = read_csv(csv, sizeof(csv) - 1, g, 10, &st);

	ck_assert_int_eq(n, 8);
	ck_assert_int_eq(g[0].rc, BCAST_REJECTED);
	ck_assert_int_eq(g[0].line, 2);
	ck_assert_str_eq(g[0].phone, "12345");
	ck_assert_str_eq(g[0].error, "not a Vietnamese mobile number");
	ck_assert_str_eq(g[0].msisdn, "");
	ck_assert_str_eq(g[0].vars, "");
	ck_assert_str_eq(g[1].error, "no phone number");
	ck_assert_str_eq(g[2].error, "2 fields, the header has 3");
	ck_assert_str_eq(g[2].phone, "0912345678");
	ck_assert_str_eq(g[3].error, "4 fields, the header has 3");
	ck_assert_int_eq(g[4].rc, BCAST_ACCEPTED);
	ck_assert_str_eq(g[4].vars, "name=Em;note=x;");
	ck_assert_int_eq(g[5].rc, BCAST_REJECTED);
	ck_assert_int_eq(g[5].line, 7);
	ck_assert_str_eq(g[5].error, "not UTF-8 (save the file as \"CSV "
				     "UTF-8\")");
	ck_assert_str_eq(g[6].error, "not a Vietnamese mobile number");
	ck_assert_str_eq(g[7].phone, "abc??");
	ck_assert_uint_eq(st.rejected, 7);
	ck_assert_uint_eq(st.accepted, 1);
}
END_TEST

START_TEST(csv_header_refused)
{
	char big[40 * 40], *p = big;

	csv_refused("", 0, "the CSV is empty");
	csv_refused("\xEF\xBB\xBF", 3, "the CSV is empty");
	csv_refused("\n\n", 2, "the CSV is empty");
	csv_refused("name,code\nAn,X\n", 15,
		    "no phone column (phone, so_dien_thoai, sdt, msisdn or "
		    "số điện thoại); the header has: name, code");
	csv_refused("sdt,phone\n", 10, "two phone columns (sdt and phone)");
	csv_refused("phone,name,Name\n", 16,
		    "two columns named \"name\" and \"Name\"");
	csv_refused("phone,ho ten,ho_ten\n", 20, "two columns named");
	csv_refused("phone,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 40,
		    "is longer than 32 bytes");
	csv_refused("phone,t\xEAn\n", 10, "CSV line 1: the header is not "
		    "UTF-8");
	csv_refused("phone,name\n0912345678,A\0n\n", 25,
		    "a NUL byte on line 2");
	csv_refused("\"phone,name\n", 12, "never closed");
	/* 33 variable columns */
	p += sprintf(p, "phone");
	for (int i = 0; i < BCAST_VARS_MAX + 1; i++)
		p += sprintf(p, ",c%d", i);
	csv_refused(big, strlen(big), "more than 32 columns besides the "
		    "phone");
}
END_TEST

START_TEST(csv_header_only_and_quotes)
{
	struct bcast_reader *r = NULL;
	const struct bcast_rcpt *rc;
	static const char bad[] = "phone,name\n0912345678,\"An\n0977000111,B\n";
	char err[256];
	struct got g[1];

	/* a header alone: no recipients */
	ck_assert_int_eq(read_csv("phone,name\r\n", 12, g, 1, NULL), 0);
	/* an empty header cell (spreadsheet leftovers) is ignored */
	ck_assert_int_eq(read_csv("phone,,name,\n0912345678,zz,An,\n", 31, g,
				  1, NULL), 1);
	ck_assert_str_eq(g[0].vars, "name=An;");
	/* a quote that never closes stops the reader with its line */
	ck_assert_int_eq(bcast_reader_csv(bad, sizeof(bad) - 1, &r, err,
					  sizeof(err)), 0);
	ck_assert_int_eq(bcast_reader_next(r, &rc, err, sizeof(err)),
			 -EINVAL);
	ck_assert_str_eq(err, "quoted field opened on line 2 is never "
			      "closed");
	bcast_reader_free(r);
}
END_TEST

START_TEST(csv_huge_value)
{
	size_t n = 100000;
	char *csv = malloc(n + 128), *p = csv;
	struct bcast_reader *r = NULL;
	const struct bcast_rcpt *rc;
	char err[256];
	size_t small;

	p += sprintf(p, "phone,note\n0912345678,short\n0912345679,");
	memset(p, 'x', n);
	p += n;
	p += sprintf(p, "\n0912345670,\"%s\"\n0912345671,ok\n", "again");
	ck_assert_int_eq(bcast_reader_csv(csv, (size_t)(p - csv), &r, err,
					  sizeof(err)), 0);
	ck_assert_int_eq(bcast_reader_next(r, &rc, err, sizeof(err)),
			 BCAST_ACCEPTED);
	small = bcast_reader_footprint(r);
	ck_assert_int_eq(bcast_reader_next(r, &rc, err, sizeof(err)),
			 BCAST_REJECTED);
	ck_assert_int_eq(rc->line, 3);
	ck_assert_str_eq(rc->error, "note: 100000 bytes, at most 256");
	ck_assert_str_eq(rc->phone, "0912345679");
	ck_assert_uint_gt(bcast_reader_footprint(r), n);
	/* the big buffer is dropped after use */
	ck_assert_int_eq(bcast_reader_next(r, &rc, err, sizeof(err)),
			 BCAST_ACCEPTED);
	ck_assert_str_eq(rc->vars.v[0].value, "again");
	ck_assert_uint_le(bcast_reader_footprint(r), small);
	ck_assert_int_eq(bcast_reader_next(r, &rc, err, sizeof(err)),
			 BCAST_ACCEPTED);
	ck_assert_int_eq(bcast_reader_next(r, &rc, err, sizeof(err)),
			 BCAST_END);
	ck_assert_uint_eq(bcast_reader_rejected(r), 1);
	bcast_reader_free(r);

	/* a 100,000-digit phone, and the same value fed as an item */
	p = csv;
	p += sprintf(p, "phone\n");
	memset(p, '9', n);
	p += n;
	*p++ = '\n';
	ck_assert_int_eq(bcast_reader_csv(csv, (size_t)(p - csv), &r, err,
					  sizeof(err)), 0);
	ck_assert_int_eq(bcast_reader_next(r, &rc, err, sizeof(err)),
			 BCAST_REJECTED);
	ck_assert_str_eq(rc->error, "not a Vietnamese mobile number");
	ck_assert_str_eq(rc->phone, "99999999999999999999...");
	bcast_reader_free(r);
	*p = '\0';
	r = bcast_reader_items();
	bcast_item_begin(r);
	bcast_item_add(r, "phone", "0912345678");
	bcast_item_add(r, "note", csv + 6);
	ck_assert_int_eq(bcast_item_end(r, &rc), BCAST_REJECTED);
	ck_assert_str_eq(rc->error, "note: 100000 bytes, at most 256");
	bcast_item_begin(r);
	bcast_item_add(r, "phone", csv + 6);
	ck_assert_int_eq(bcast_item_end(r, &rc), BCAST_REJECTED);
	ck_assert_str_eq(rc->phone, "99999999999999999999...");
	bcast_reader_free(r);
	free(csv);
}
END_TEST

/*
 * A million recipients streamed: the reader's memory after the last line
 * is what it was after the first thousand, every line is accepted, and
 * the phones dedupe in a bcast_seen.
 */
START_TEST(csv_million)
{
	long rows = under_valgrind() ? 100000 : 1000000;
	size_t cap = (size_t)rows * 48 + 64, len;
	char *csv = malloc(cap), *p = csv, err[256];
	struct bcast_reader *r = NULL;
	struct bcast_seen *seen = bcast_seen_new();
	const struct bcast_rcpt *rc;
	struct bcast_stats st;
	size_t fp = 0;
	long k = 0, odd = 0;
	int res;

	ck_assert_ptr_nonnull(csv);
	p += sprintf(p, "sdt,ho_ten,ma_ho_so\r\n");
	for (long i = 0; i < rows; i++)	/* every 10th phone repeats */
		p += sprintf(p, "09%08ld,Công dân %ld,H56-%06ld\r\n",
			     i % 10 == 9 ? i - 1 : i, i, i);
	len = (size_t)(p - csv);
	ck_assert_int_eq(bcast_reader_csv(csv, len, &r, err, sizeof(err)), 0);
	/* no ck_assert in the loop: each one writes to Check's pipe */
	while ((res = bcast_reader_next(r, &rc, err, sizeof(err))) > 0) {
		odd += res != BCAST_ACCEPTED;
		if (!bcast_seen_add(seen, rc->msisdn))
			odd += bcast_reader_duplicate(r) != 0;
		if (++k == 1000)
			fp = bcast_reader_footprint(r);
	}
	ck_assert_int_eq(res, 0);
	ck_assert_int_eq(odd, 0);
	ck_assert_int_eq(k, rows);
	ck_assert_uint_eq(bcast_reader_footprint(r), fp);
	ck_assert_uint_lt(fp, 64 * 1024);
	bcast_reader_stats(r, &st);
	ck_assert_uint_eq(st.records, (unsigned long)rows);
	ck_assert_uint_eq(st.duplicates, (unsigned long)rows / 10);
	ck_assert_uint_eq(st.accepted, (unsigned long)(rows - rows / 10));
	ck_assert_uint_eq(bcast_seen_count(seen), st.accepted);
	bcast_reader_free(r);
	bcast_seen_free(seen);
	free(csv);
}
END_TEST

/* Random CSV soup never crashes the reader; every answer is valid. */
START_TEST(csv_fuzz)
{
	static const char alphabet[] = ",;\"\r\n0912345678ab \xC3\xA0\xFF";
	unsigned seed = 7;
	int rounds = under_valgrind() ? 300 : 3000;

	for (int i = 0; i < rounds; i++) {
		char csv[256], err[256];
		size_t n = 6 + (size_t)(rand_r(&seed) % 200);
		struct bcast_reader *r = NULL;
		const struct bcast_rcpt *rc;
		int res;

		memcpy(csv, "phone,", 6);
		for (size_t k = 6; k < n; k++)
			csv[k] = alphabet[rand_r(&seed) %
					  (sizeof(alphabet) - 1)];
		if (bcast_reader_csv(csv, n, &r, err, sizeof(err)) < 0) {
			ck_assert(utf8_valid(err));
			continue;
		}
		while ((res = bcast_reader_next(r, &rc, err, sizeof(err))) >
		       0) {
			ck_assert(utf8_valid(rc->phone));
			ck_assert(utf8_valid(rc->error));
			if (res == BCAST_ACCEPTED)
				ck_assert_uint_eq(strlen(rc->msisdn), 11);
			for (unsigned v = 0; v < rc->vars.n; v++)
				ck_assert(utf8_valid(rc->vars.v[v].value));
		}
		bcast_reader_free(r);
	}
}
END_TEST

/* --- recipients: fed items ----------------------------------------------------- */

/* Seven items each refused for its own reason, with the reason's text. */
static void items_refused(struct bcast_reader *r)
{
	const struct bcast_rcpt *rc;
	char big[BCAST_VALUE_MAX + 2];

	bcast_item_begin(r);
	bcast_item_add(r, "phone", "12345");
	ck_assert_int_eq(bcast_item_end(r, &rc), BCAST_REJECTED);
	ck_assert_str_eq(rc->phone, "12345");
	ck_assert_str_eq(rc->error, "not a Vietnamese mobile number");

	bcast_item_begin(r);	/* the first problem wins */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	bcast_item_add(r, "phone", "0912345678");
	bcast_item_add(r, "note", big);
	bcast_item_add(r, "t\xFF", "x");
	ck_assert_int_eq(bcast_item_end(r, &rc), BCAST_REJECTED);
	ck_assert_str_eq(rc->error, "note: 257 bytes, at most 256");
	ck_assert_str_eq(rc->phone, "0912345678");
	ck_assert_uint_eq(rc->vars.n, 0);

	bcast_item_begin(r);
	bcast_item_add(r, "phone", "0912345678");
	bcast_item_add(r, "msisdn", "0912345679");
	ck_assert_int_eq(bcast_item_end(r, &rc), BCAST_REJECTED);
	ck_assert_str_eq(rc->error, "two phone numbers (msisdn)");

	bcast_item_begin(r);
	bcast_item_add(r, "phone", "0912345678");
	bcast_item_add(r, "x", "\xC3");
	ck_assert_int_eq(bcast_item_end(r, &rc), BCAST_REJECTED);
	ck_assert_str_eq(rc->error, "x: not UTF-8");

	bcast_item_begin(r);
	bcast_item_add(r, "phone", "0912345678");
	bcast_item_add(r, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "x");
	ck_assert_int_eq(bcast_item_end(r, &rc), BCAST_REJECTED);
	ck_assert_str_eq(rc->error, "the name \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				    "aaaa\" is longer than 32 bytes");

	bcast_item_begin(r);
	bcast_item_add(r, "phone", big);	/* a long phone, cut */
	ck_assert_int_eq(bcast_item_end(r, &rc), BCAST_REJECTED);
	ck_assert_str_eq(rc->error, "not a Vietnamese mobile number");
	ck_assert_uint_le(strlen(rc->phone), 24);

	bcast_item_begin(r);
	bcast_item_add(r, "phone", "0912345678");
	for (int i = 0; i < BCAST_VARS_MAX + 1; i++) {
		char name[8];

		snprintf(name, sizeof(name), "v%d", i);
		bcast_item_add(r, name, "x");
	}
	ck_assert_int_eq(bcast_item_end(r, &rc), BCAST_REJECTED);
	ck_assert_str_eq(rc->error, "more than 32 variables");
}

START_TEST(items_basic)
{
	struct bcast_reader *r = bcast_reader_items();
	const struct bcast_rcpt *rc;
	const struct bcast_names *nm;
	struct bcast_stats st;

	ck_assert_ptr_nonnull(r);
	bcast_item_begin(r);
	bcast_item_add(r, "phone", "0912345678");
	bcast_item_add(r, "name", "An");
	bcast_item_add(r, "code", " 000.00.19.H56-250806-0001 ");
	ck_assert_int_eq(bcast_item_end(r, &rc), BCAST_ACCEPTED);
	ck_assert_int_eq(rc->line, 1);
	ck_assert_str_eq(rc->msisdn, "84912345678");
	ck_assert_str_eq(bcast_vars_get(&rc->vars, "code"),
			 "000.00.19.H56-250806-0001");

	bcast_item_begin(r);	/* a number written without its 0 */
	bcast_item_add(r, "SĐT", "912345678");
	bcast_item_add(r, "date", NULL);
	ck_assert_int_eq(bcast_item_end(r, &rc), BCAST_ACCEPTED);
	ck_assert_int_eq(rc->line, 2);
	ck_assert_str_eq(bcast_vars_get(&rc->vars, "date"), "");
	ck_assert_int_eq(bcast_reader_duplicate(r), 0);
	ck_assert_int_eq(bcast_reader_duplicate(r), -EINVAL);

	bcast_item_begin(r);
	bcast_item_add(r, "name", "Binh");
	ck_assert_int_eq(bcast_item_end(r, &rc), BCAST_REJECTED);
	ck_assert_int_eq(rc->line, 3);
	ck_assert_str_eq(rc->error, "no phone number");
	ck_assert_int_eq(bcast_reader_duplicate(r), -EINVAL);

	items_refused(r);

	bcast_reader_stats(r, &st);
	ck_assert_uint_eq(st.records, 10);
	ck_assert_uint_eq(st.accepted, 1);
	ck_assert_uint_eq(st.duplicates, 1);
	ck_assert_uint_eq(st.rejected, 8);
	/* names seen: phone first, then each new one once (bounded) */
	nm = bcast_reader_names(r);
	ck_assert_str_eq(nm->name[0], "phone");
	ck_assert_str_eq(nm->name[1], "name");
	ck_assert_str_eq(nm->name[2], "code");
	ck_assert_str_eq(nm->name[3], "date");
	ck_assert_uint_le(nm->n, BCAST_NAMES_MAX);
	/* items feed no CSV */
	{
		char err[128];

		ck_assert_int_eq(bcast_reader_next(r, &rc, err, sizeof(err)),
				 -EINVAL);
	}
	bcast_reader_free(r);
}
END_TEST

START_TEST(render_recipient)
{
	struct bcast_reader *r = bcast_reader_items();
	struct bcast_tpl *t = tpl("Chao {name}, so {phone}: {code}");
	const struct bcast_rcpt *rc;
	char out[BCAST_TEXT_MAX];

	bcast_item_begin(r);
	bcast_item_add(r, "phone", "+84 912 345 678");
	bcast_item_add(r, "name", "An");
	ck_assert_int_eq(bcast_item_end(r, &rc), BCAST_ACCEPTED);
	ck_assert_int_eq(bcast_render(t, rc, out, sizeof(out), NULL, 0), 0);
	ck_assert_str_eq(out, "Chao An, so 0912345678: ");
	bcast_tpl_free(t);
	bcast_reader_free(r);
}
END_TEST

START_TEST(seen_set)
{
	struct bcast_seen *s = bcast_seen_new();
	char m[16];
	int odd = 0;

	ck_assert_int_eq(bcast_seen_add(s, "84912345678"), 1);
	ck_assert_int_eq(bcast_seen_add(s, "84912345678"), 0);
	ck_assert_int_eq(bcast_seen_add(s, "0912345678"), -EINVAL);
	ck_assert_int_eq(bcast_seen_add(s, "8491234567x"), -EINVAL);
	ck_assert_int_eq(bcast_seen_add(s, "84000000000"), 1);
	ck_assert_int_eq(bcast_seen_add(s, "84999999999"), 1);
	for (int i = 0; i < 50000; i++) {
		snprintf(m, sizeof(m), "849%08d", i * 7);
		odd += bcast_seen_add(s, m) != 1;
	}
	for (int i = 0; i < 50000; i += 97) {
		snprintf(m, sizeof(m), "849%08d", i * 7);
		odd += bcast_seen_add(s, m) != 0;
	}
	ck_assert_int_eq(odd, 0);
	ck_assert_uint_eq(bcast_seen_count(s), 50003);
	bcast_seen_free(s);
	bcast_seen_free(NULL);
}
END_TEST

/* --- cost ----------------------------------------------------------------------- */

START_TEST(cost_price)
{
	struct seg_opts o;
	struct bcast_price p;
	char text[400], sent[400], err[128];

	seg_opts_init(&o);
	memset(text, 'a', 160);
	text[160] = '\0';
	ck_assert_int_eq(bcast_price(text, true, &o, &p, NULL, 0, NULL, 0), 0);
	ck_assert_int_eq(p.enc, TEXT_ENC_GSM7);
	ck_assert_uint_eq(p.segments, 1);
	strcat(text, "a");	/* 161: two parts of 153 */
	ck_assert_int_eq(bcast_price(text, true, &o, &p, NULL, 0, NULL, 0), 0);
	ck_assert_uint_eq(p.segments, 2);
	/* Vietnamese folded: GSM-7; not folded: UCS-2 (70 a segment) */
	ck_assert_int_eq(bcast_price("Hồ sơ của bạn đã được tiếp nhận.", true,
				     &o, &p, sent, sizeof(sent), NULL, 0), 0);
	ck_assert_int_eq(p.enc, TEXT_ENC_GSM7);
	ck_assert_str_eq(sent, "Ho so cua ban da duoc tiep nhan.");
	ck_assert_int_eq(bcast_price("Hồ sơ của bạn đã được tiếp nhận.", false,
				     &o, &p, sent, sizeof(sent), NULL, 0), 0);
	ck_assert_int_eq(p.enc, TEXT_ENC_UCS2);
	ck_assert_uint_eq(p.segments, 1);
	ck_assert_str_eq(sent, "Hồ sơ của bạn đã được tiếp nhận.");
	/* 71 UCS-2 characters: two parts of 67 */
	text[0] = '\0';
	for (int i = 0; i < 71; i++)
		strcat(text, "ạ");
	ck_assert_int_eq(bcast_price(text, false, &o, &p, NULL, 0, NULL, 0),
			 0);
	ck_assert_uint_eq(p.segments, 2);
	/* more than the bind allows */
	o.max_segments = 1;
	ck_assert_int_eq(bcast_price(text, false, &o, &p, NULL, 0, err,
				     sizeof(err)), -EMSGSIZE);
	ck_assert_str_eq(err, "the text needs 2 segments, the sender allows 1");
	ck_assert_uint_eq(p.segments, 2);
	/* SAR: 153 per part as UDH8? no, SAR keeps 160 per part */
	o.max_segments = 0;
	o.concat = SEG_CONCAT_SAR;
	memset(text, 'a', 320);
	text[320] = '\0';
	ck_assert_int_eq(bcast_price(text, true, &o, &p, NULL, 0, NULL, 0), 0);
	ck_assert_uint_eq(p.segments, 2);
	o.concat = SEG_CONCAT_UDH8;
	ck_assert_int_eq(bcast_price(text, true, &o, &p, NULL, 0, NULL, 0), 0);
	ck_assert_uint_eq(p.segments, 3);
}
END_TEST

START_TEST(cost_totals)
{
	struct bcast_totals t;
	struct seg_opts o;
	char long_text[200], err[128];

	seg_opts_init(&o);
	bcast_totals_init(&t);
	memset(long_text, 'b', 170);
	long_text[170] = '\0';
	ck_assert_int_eq(bcast_totals_add(&t, "84912345678", "Xin chào An",
					  true, &o, NULL, 0), 0);
	ck_assert_int_eq(bcast_totals_add(&t, "84912345679", "Xin chào 王",
					  true, &o, NULL, 0), 0);
	ck_assert_int_eq(bcast_totals_add(&t, "84912345670", long_text, true,
					  &o, NULL, 0), 0);
	ck_assert_int_eq(bcast_totals_add(&t, "84912345671", "Bốn", true, &o,
					  NULL, 0), 0);
	ck_assert_uint_eq(t.messages, 4);
	ck_assert_uint_eq(t.segments, 5);
	ck_assert_uint_eq(t.enc_messages[TEXT_ENC_GSM7], 3);
	ck_assert_uint_eq(t.enc_segments[TEXT_ENC_GSM7], 4);
	ck_assert_uint_eq(t.enc_messages[TEXT_ENC_UCS2], 1);
	ck_assert_uint_eq(t.enc_segments[TEXT_ENC_UCS2], 1);
	ck_assert_uint_eq(t.nsamples, 3);
	ck_assert_str_eq(t.samples[0].msisdn, "84912345678");
	ck_assert_str_eq(t.samples[0].text, "Xin chao An");
	ck_assert_str_eq(text_enc_name(t.samples[0].enc), "gsm7");
	ck_assert_str_eq(t.samples[1].text, "Xin chao 王");
	ck_assert_str_eq(text_enc_name(t.samples[1].enc), "ucs2");
	ck_assert_uint_eq(t.samples[2].segments, 2);
	/* over the bind's limit: not counted */
	o.max_segments = 1;
	ck_assert_int_eq(bcast_totals_add(&t, "84912345672", long_text, true,
					  &o, err, sizeof(err)), -EMSGSIZE);
	ck_assert_uint_eq(t.messages, 4);
	{
		char *huge = malloc(BCAST_TEXT_MAX + 1);

		memset(huge, 'c', BCAST_TEXT_MAX);
		huge[BCAST_TEXT_MAX] = '\0';
		ck_assert_int_eq(bcast_totals_add(&t, "84912345672", huge,
						  true, &o, err, sizeof(err)),
				 -EMSGSIZE);
		free(huge);
	}
}
END_TEST

/* --- time zones -------------------------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put64(uint8_t *p, int64_t v)
{
	put32(p, (uint32_t)((uint64_t)v >> 32));
	put32(p + 4, (uint32_t)v);
}

/* A TZif v2 file: transitions (64-bit block only; the 32-bit block
 * holds one type and nothing else), types, and a POSIX footer. */
static size_t tzif(uint8_t *b, int ntrans, const int64_t *at,
		   const uint8_t *idx, int ntypes, const int32_t *off,
		   const char *footer)
{
	size_t n = 0;

	memset(b, 0, 44);
	memcpy(b, "TZif2", 5);
	put32(b + 36, 1);	/* typecnt */
	put32(b + 40, 4);	/* charcnt */
	n = 44;
	put32(b + n, (uint32_t)off[0]);
	b[n + 4] = 0;
	b[n + 5] = 0;
	memcpy(b + n + 6, "ZZZ", 4);
	n += 10;
	memset(b + n, 0, 44);
	memcpy(b + n, "TZif2", 5);
	put32(b + n + 32, (uint32_t)ntrans);
	put32(b + n + 36, (uint32_t)ntypes);
	put32(b + n + 40, 4);
	n += 44;
	for (int i = 0; i < ntrans; i++, n += 8)
		put64(b + n, at[i]);
	for (int i = 0; i < ntrans; i++)
		b[n++] = idx[i];
	for (int i = 0; i < ntypes; i++, n += 6) {
		put32(b + n, (uint32_t)off[i]);
		b[n + 4] = i > 0;
		b[n + 5] = 0;
	}
	memcpy(b + n, "ZZZ", 4);
	n += 4;
	n += (size_t)sprintf((char *)b + n, "\n%s\n", footer);
	return n;
}

static void write_bin(const char *dir, const char *name, const uint8_t *b,
		      size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(b, 1, n, f), n);
	fclose(f);
}

#define H (3600 * 1000LL)

START_TEST(tz_builtin)
{
	static const struct {
		const char *name;
		int32_t off;
	} fixed[] = {
		{ "+07:00", 7 * 3600 },	  { "+0700", 7 * 3600 },
		{ "+07", 7 * 3600 },	  { "UTC+7", 7 * 3600 },
		{ "UTC+07:00", 7 * 3600 }, { "UTC-3", -3 * 3600 },
		{ "-03:30", -(3 * 3600 + 1800) }, { "UTC", 0 },
		{ "Etc/UTC", 0 },	  { "+05:45", 5 * 3600 + 45 * 60 },
	};
	char *empty = tu_tmpdir(), err[256];
	struct bcast_tz *tz;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		tz = tz_load(fixed[i].name, empty);
		ck_assert(bcast_tz_builtin(tz));
		ck_assert_str_eq(bcast_tz_name(tz), fixed[i].name);
		ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 7, 1, 0, 0, 0)),
				 fixed[i].off);
		bcast_tz_free(tz);
	}
	/* Ho Chi Minh City without tzdata: UTC+7, no daylight saving */
	tz = tz_load("Asia/Ho_Chi_Minh", empty);
	ck_assert(bcast_tz_builtin(tz));
	ck_assert_int_eq(bcast_tz_offset(tz, 0), 7 * 3600);
	bcast_tz_free(tz);
	tz = tz_load("Asia/Saigon", "/nonexistent/zoneinfo");
	ck_assert_int_eq(bcast_tz_offset(tz, 0), 7 * 3600);
	bcast_tz_free(tz);
	/* a zone only tzdata knows */
	tz = NULL;
	ck_assert_int_eq(bcast_tz_load("Europe/Paris", empty, &tz, err,
				       sizeof(err)), -ENOENT);
	ck_assert_ptr_null(tz);
	ck_assert_msg(strstr(err, "unknown time zone Europe/Paris (not in "),
		      "%s", err);
	ck_assert_int_eq(bcast_tz_load("Europe/Paris", "/nonexistent", &tz,
				       err, sizeof(err)), -ENOENT);
	ck_assert_msg(strstr(err, "no tzdata in /nonexistent"), "%s", err);
	/* names that are not names */
	ck_assert_int_eq(bcast_tz_load("../../etc/passwd", NULL, &tz, err,
				       sizeof(err)), -EINVAL);
	ck_assert_int_eq(bcast_tz_load("/etc/passwd", NULL, &tz, err,
				       sizeof(err)), -EINVAL);
	ck_assert_int_eq(bcast_tz_load("+15:00", empty, &tz, err,
				       sizeof(err)), -EINVAL);
	ck_assert_int_eq(bcast_tz_load("", empty, &tz, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_eq(bcast_tz_load("Asia\xC3", empty, &tz, err,
				       sizeof(err)), -EINVAL);
	ck_assert(utf8_valid(err));
	tu_rmtree(empty);
}
END_TEST

/* Found by fuzz/conf: a damaged zone file with an offset of +18:12 made
 * bcast_time_format() write "...+18:12", which bcast_time_parse() (and so
 * the API) refuses; such a time is written in UTC now. */
START_TEST(tz_format_reads_back_beyond_14h)
{
	char *dir = tu_tmpdir();
	static uint8_t b[4096];
	int32_t off[1] = { 18 * 3600 + 12 * 60 };
	int64_t at = utc(2025, 8, 1, 16, 25, 36), back;
	struct bcast_tz *tz;
	char buf[BCAST_TIME_MAX], err[256];
	size_t n;

	n = tzif(b, 0, NULL, NULL, 1, off, "<+1812>-18:12");
	write_bin(dir, "odd", b, n);
	tz = tz_load("odd", dir);
	ck_assert_int_eq(bcast_tz_offset(tz, at), off[0]);
	bcast_time_format(at, tz, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2025-08-01T16:25:36+00:00");
	ck_assert_msg(bcast_time_parse(buf, tz, &back, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(back, at);
	bcast_tz_free(tz);
	tu_rmtree(dir);
}
END_TEST

START_TEST(tz_tzif_files)
{
	char *dir = tu_tmpdir();
	static uint8_t b[4096];
	int32_t off[2] = { 3600, 7200 };
	/* two explicit transitions in 2025, then the EU rule */
	int64_t at[2] = { utc(2025, 3, 30, 1, 0, 0) / 1000,
			  utc(2025, 10, 26, 1, 0, 0) / 1000 };
	uint8_t idx[2] = { 1, 0 };
	struct bcast_tz *tz;
	size_t n;

	n = tzif(b, 2, at, idx, 2, off, "CET-1CEST,M3.5.0,M10.5.0/3");
	write_bin(dir, "cet", b, n);
	tz = tz_load("cet", dir);
	ck_assert(!bcast_tz_builtin(tz));
	/* before the first transition: type 0 */
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2000, 7, 1, 0, 0, 0)), 3600);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2025, 7, 1, 0, 0, 0)), 7200);
	/* after the last transition: the footer's rule */
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 3, 29, 0, 59, 59)),
			 3600);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 3, 29, 1, 0, 0)), 7200);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 10, 25, 0, 59, 59)),
			 7200);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 10, 25, 1, 0, 0)),
			 3600);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2100, 1, 1, 0, 0, 0)), 3600);
	/* local -> UTC: a gap moves forward, an overlap takes the first */
	ck_assert_int_eq(bcast_tz_to_utc(tz, utc(2026, 3, 29, 2, 30, 0)),
			 utc(2026, 3, 29, 1, 30, 0));
	ck_assert_int_eq(bcast_tz_to_utc(tz, utc(2026, 10, 25, 2, 30, 0)),
			 utc(2026, 10, 25, 0, 30, 0));
	ck_assert_int_eq(bcast_tz_to_utc(tz, utc(2026, 7, 1, 12, 0, 0)),
			 utc(2026, 7, 1, 10, 0, 0));
	bcast_tz_free(tz);

	/* southern hemisphere: daylight saving across the new year */
	off[0] = 36000;
	off[1] = 39600;
	n = tzif(b, 0, NULL, NULL, 1, off, "AEST-10AEDT,M10.1.0,M4.1.0/3");
	write_bin(dir, "syd", b, n);
	tz = tz_load("syd", dir);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 1, 15, 0, 0, 0)),
			 39600);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 6, 15, 0, 0, 0)),
			 36000);
	/* 2026-04-05 03:00 AEDT = 04-04 16:00Z; 2026-10-04 02:00 AEST =
	 * 10-03 16:00Z */
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 4, 4, 15, 59, 59)),
			 39600);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 4, 4, 16, 0, 0)),
			 36000);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 10, 3, 15, 59, 59)),
			 36000);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 10, 3, 16, 0, 0)),
			 39600);
	bcast_tz_free(tz);

	/* Julian-day rules and a name in <...>: J60 is always March 1 */
	off[0] = -3 * 3600;
	n = tzif(b, 0, NULL, NULL, 1, off, "<-03>3<-02>,J60/0,J305/0");
	write_bin(dir, "jul", b, n);
	tz = tz_load("jul", dir);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2028, 2, 29, 12, 0, 0)),
			 -3 * 3600);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2028, 3, 1, 12, 0, 0)),
			 -2 * 3600);
	bcast_tz_free(tz);

	/* a fixed zone as tzdata writes it */
	off[0] = 7 * 3600;
	n = tzif(b, 0, NULL, NULL, 1, off, "<+07>-7");
	write_bin(dir, "ict", b, n);
	tz = tz_load("ict", dir);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 6, 1, 0, 0, 0)), 25200);
	bcast_tz_free(tz);
	tu_rmtree(dir);
}
END_TEST

/* Damaged files are refused, not half read; a directory is not a zone. */
START_TEST(tz_tzif_damaged)
{
	char *dir = tu_tmpdir(), err[256];
	static uint8_t b[4096];
	int32_t off[2] = { 3600, 7200 };
	int64_t at[2] = { utc(2025, 3, 30, 1, 0, 0) / 1000,
			  utc(2025, 10, 26, 1, 0, 0) / 1000 };
	uint8_t idx[2] = { 1, 0 };
	struct bcast_tz *tz;
	size_t n;

	n = tzif(b, 2, at, idx, 2, off, "CET-1CEST,M3.5.0,M10.5.0/3");
	write_bin(dir, "short", b, 30);
	{
		uint8_t junk[70];

		memset(junk, 'x', sizeof(junk));
		memcpy(junk, "TZxf2", 5);
		write_bin(dir, "magic", junk, sizeof(junk));
	}
	n = tzif(b, 2, at, idx, 2, off, "CET-1CEST,M3.5.0,M10.5.0/3");
	write_bin(dir, "cut", b, n - 30);
	put32(b + 54 + 32, 0x7FFFFFFF);	/* timecnt of the 64-bit block */
	write_bin(dir, "huge", b, n);
	n = tzif(b, 2, at, idx, 2, off, "CET-1CEST,M3.5.0,M10.5.0/3");
	b[98 + 16] = 7;	/* a transition to a type that does not exist */
	write_bin(dir, "badidx", b, n);
	n = tzif(b, 2, at, idx, 2, off, "CET-1CEST,M13.5.0,M10.5.0/3");
	write_bin(dir, "badrule", b, n);
	{
		int64_t back[2] = { at[1], at[0] };

		n = tzif(b, 2, back, idx, 2, off, "");
		write_bin(dir, "unsorted", b, n);
	}
	{
		static const char *const bad[] = {
			"short", "magic", "cut", "huge", "badidx", "badrule",
			"unsorted",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			tz = NULL;
			ck_assert_msg(bcast_tz_load(bad[i], dir, &tz, err,
						    sizeof(err)) == -EINVAL,
				      "%s accepted", bad[i]);
			ck_assert_ptr_null(tz);
			ck_assert_msg(strstr(err, "damaged"), "%s", err);
		}
	}
	/* a directory is not a zone */
	{
		char sub[512];

		snprintf(sub, sizeof(sub), "%s/sub", dir);
		ck_assert_int_eq(mkdir(sub, 0700), 0);
	}
	tz = NULL;
	ck_assert_int_eq(bcast_tz_load("sub", dir, &tz, err, sizeof(err)),
			 -EINVAL);
	tu_rmtree(dir);
}
END_TEST

/*
 * The system's tzdata against glibc's own reading of it: offsets at many
 * instants from 1970 to 2100, and the local -> UTC round trip.
 */
START_TEST(tz_system_vs_glibc)
{
	static const char *const zones[] = {
		"Europe/Paris", "America/New_York", "Australia/Sydney",
		"Asia/Ho_Chi_Minh", "Asia/Kolkata", "America/Sao_Paulo",
	};
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	int steps = under_valgrind() ? 400 : 4000;

	for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		struct bcast_tz *tz;
		char env[128];

		if (!have_zone(zones[z]))
			continue;	/* no tzdata here: skip */
		tz = tz_load(zones[z], ZONEINFO);
		snprintf(env, sizeof(env), ":%s", zones[z]);
		setenv("TZ", env, 1);
		tzset();
		for (int i = 0; i < steps; i++) {
			/* 1970 .. 2100, an odd step to hit all hours */
			time_t t = (time_t)(i * (4102444800LL / steps) +
					    (i * 7919) % 86400);
			struct tm tm;

			localtime_r(&t, &tm);
			ck_assert_msg(bcast_tz_offset(tz, (int64_t)t * 1000) ==
					      tm.tm_gmtoff,
				      "%s at %lld: %d, glibc %ld", zones[z],
				      (long long)t,
				      bcast_tz_offset(tz, (int64_t)t * 1000),
				      tm.tm_gmtoff);
			/* local -> UTC -> local */
			{
				int64_t local = ((int64_t)t + tm.tm_gmtoff) *
						1000;
				int64_t u = bcast_tz_to_utc(tz, local);

				ck_assert_int_eq(u + bcast_tz_offset(tz, u) *
							     1000LL,
						 local);
			}
		}
		bcast_tz_free(tz);
	}
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
}
END_TEST

START_TEST(tz_paris_transitions)
{
	struct bcast_tz *tz;

	if (!have_zone("Europe/Paris"))
		return;	/* no tzdata: the hand-made files cover the rule */
	tz = tz_load("Europe/Paris", NULL);
	ck_assert(!bcast_tz_builtin(tz));
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 3, 29, 0, 59, 59)),
			 3600);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 3, 29, 1, 0, 0)), 7200);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 10, 25, 0, 59, 59)),
			 7200);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2026, 10, 25, 1, 0, 0)),
			 3600);
	/* far beyond the file's transitions: the footer */
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2150, 7, 1, 0, 0, 0)), 7200);
	ck_assert_int_eq(bcast_tz_offset(tz, utc(2150, 1, 1, 0, 0, 0)), 3600);
	bcast_tz_free(tz);
}
END_TEST

/* --- quiet hours --------------------------------------------------------------------- */

static void quiet_refused(const char *s, const char *want)
{
	struct bcast_quiet q;
	char err[256];

	ck_assert_int_eq(bcast_quiet_parse(s, &q, err, sizeof(err)), -EINVAL);
	ck_assert(!q.on);
	ck_assert_msg(strstr(err, want), "'%s': %s", s, err);
	ck_assert(utf8_valid(err));
}

START_TEST(quiet_parse)
{
	struct bcast_quiet q;
	char out[16];

	ck_assert_int_eq(bcast_quiet_parse("21:00-07:00", &q, NULL, 0), 0);
	ck_assert(q.on);
	ck_assert_int_eq(q.start, 21 * 60);
	ck_assert_int_eq(q.end, 7 * 60);
	bcast_quiet_format(&q, out, sizeof(out));
	ck_assert_str_eq(out, "21:00-07:00");
	ck_assert_int_eq(bcast_quiet_parse(" 9:30 - 17:05 ", &q, NULL, 0), 0);
	bcast_quiet_format(&q, out, sizeof(out));
	ck_assert_str_eq(out, "09:30-17:05");
	ck_assert_int_eq(bcast_quiet_parse("", &q, NULL, 0), 0);
	ck_assert(!q.on);
	bcast_quiet_format(&q, out, sizeof(out));
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(bcast_quiet_parse("  ", &q, NULL, 0), 0);
	ck_assert(!q.on);
	ck_assert_int_eq(bcast_quiet_parse("00:00-23:59", &q, NULL, 0), 0);
	quiet_refused("25:00-07:00", "quiet hours \"25:00-07:00\" are not "
		      "HH:MM-HH:MM (21:00-07:00)");
	quiet_refused("21:60-07:00", "are not HH:MM-HH:MM");
	quiet_refused("21-07", "are not");
	quiet_refused("21:00", "are not");
	quiet_refused("21:00-", "are not");
	quiet_refused("21:00-07:00x", "are not");
	quiet_refused("21:00-7:0", "are not");
	quiet_refused("21:00--07:00", "are not");
	quiet_refused("\xFF", "\"?\" are not");
	quiet_refused("07:00-07:00", "start and end are the same time");
}
END_TEST

START_TEST(quiet_midnight)
{
	struct bcast_tz *tz = tz_load("+07:00", NULL);
	struct bcast_quiet q;
	/* local 2026-12-01 hh:mm in UTC+7 */
#define L(d, h, m) (utc(2026, 12, d, h, m, 0) - 7 * H)

	ck_assert_int_eq(bcast_quiet_parse("21:00-07:00", &q, NULL, 0), 0);
	ck_assert(bcast_quiet_allows(&q, tz, L(1, 20, 59)));
	ck_assert(bcast_quiet_allows(&q, tz, L(1, 21, 0) - 1));
	ck_assert(!bcast_quiet_allows(&q, tz, L(1, 21, 0)));
	ck_assert(!bcast_quiet_allows(&q, tz, L(1, 23, 59)));
	ck_assert(!bcast_quiet_allows(&q, tz, L(2, 0, 0)));
	ck_assert(!bcast_quiet_allows(&q, tz, L(2, 6, 59)));
	ck_assert(!bcast_quiet_allows(&q, tz, L(2, 7, 0) - 1));
	ck_assert(bcast_quiet_allows(&q, tz, L(2, 7, 0)));
	ck_assert(bcast_quiet_allows(&q, tz, L(2, 12, 0)));
	/* the end of the window, from either side of midnight */
	ck_assert_int_eq(bcast_quiet_next(&q, tz, L(1, 22, 0)), L(2, 7, 0));
	ck_assert_int_eq(bcast_quiet_next(&q, tz, L(1, 21, 0)), L(2, 7, 0));
	ck_assert_int_eq(bcast_quiet_next(&q, tz, L(2, 0, 0)), L(2, 7, 0));
	ck_assert_int_eq(bcast_quiet_next(&q, tz, L(2, 3, 17) + 123),
			 L(2, 7, 0));
	ck_assert_int_eq(bcast_quiet_next(&q, tz, L(2, 10, 0) + 5),
			 L(2, 10, 0) + 5);
	/* a window within one day */
	ck_assert_int_eq(bcast_quiet_parse("12:00-13:30", &q, NULL, 0), 0);
	ck_assert(bcast_quiet_allows(&q, tz, L(1, 11, 59)));
	ck_assert(!bcast_quiet_allows(&q, tz, L(1, 12, 0)));
	ck_assert_int_eq(bcast_quiet_next(&q, tz, L(1, 12, 45)),
			 L(1, 13, 30));
	ck_assert(bcast_quiet_allows(&q, tz, L(1, 13, 30)));
	/* a window that starts at midnight */
	ck_assert_int_eq(bcast_quiet_parse("00:00-06:00", &q, NULL, 0), 0);
	ck_assert(!bcast_quiet_allows(&q, tz, L(2, 0, 0)));
	ck_assert(bcast_quiet_allows(&q, tz, L(1, 23, 59)));
	ck_assert_int_eq(bcast_quiet_next(&q, tz, L(2, 0, 0)), L(2, 6, 0));
	/* off: always allowed */
	ck_assert_int_eq(bcast_quiet_parse("", &q, NULL, 0), 0);
	ck_assert(bcast_quiet_allows(&q, tz, L(2, 3, 0)));
	ck_assert_int_eq(bcast_quiet_next(&q, tz, L(2, 3, 0)), L(2, 3, 0));
	/* before 1970 in local time still works (negative ms) */
	ck_assert_int_eq(bcast_quiet_parse("21:00-07:00", &q, NULL, 0), 0);
	ck_assert(!bcast_quiet_allows(&q, tz, -3 * H));
	ck_assert_int_eq(bcast_quiet_next(&q, tz, -3 * H), 0);
#undef L
	bcast_tz_free(tz);
}
END_TEST

/* Quiet hours in a zone with daylight saving (a hand-made TZif, so the
 * test runs without tzdata). */
START_TEST(quiet_dst)
{
	char *dir = tu_tmpdir();
	static uint8_t b[1024];
	int32_t off[1] = { 3600 };
	struct bcast_tz *tz;
	struct bcast_quiet q;
	size_t n = tzif(b, 0, NULL, NULL, 1, off,
			"CET-1CEST,M3.5.0,M10.5.0/3");

	write_bin(dir, "cet", b, n);
	tz = tz_load("cet", dir);
	/* clocks go forward at 02:00 -> 03:00 on 2026-03-29: a window
	 * ending at 02:30 ends at the jump (01:00Z) */
	ck_assert_int_eq(bcast_quiet_parse("01:00-02:30", &q, NULL, 0), 0);
	ck_assert(!bcast_quiet_allows(&q, tz, utc(2026, 3, 29, 0, 30, 0)));
	ck_assert(bcast_quiet_allows(&q, tz, utc(2026, 3, 29, 1, 0, 0)));
	ck_assert_int_eq(bcast_quiet_next(&q, tz, utc(2026, 3, 29, 0, 30, 0)),
			 utc(2026, 3, 29, 1, 0, 0));
	/* the night the clocks go back is an hour longer: 21:00 CEST
	 * (19:00Z) to 07:00 CET (06:00Z) */
	ck_assert_int_eq(bcast_quiet_parse("21:00-07:00", &q, NULL, 0), 0);
	ck_assert(!bcast_quiet_allows(&q, tz, utc(2026, 10, 24, 19, 0, 0)));
	ck_assert(bcast_quiet_allows(&q, tz, utc(2026, 10, 24, 18, 59, 59)));
	ck_assert_int_eq(bcast_quiet_next(&q, tz,
					  utc(2026, 10, 24, 19, 0, 0)),
			 utc(2026, 10, 25, 6, 0, 0));
	/* and the spring night an hour shorter: 07:00 CEST = 05:00Z */
	ck_assert_int_eq(bcast_quiet_next(&q, tz,
					  utc(2026, 3, 28, 22, 0, 0)),
			 utc(2026, 3, 29, 5, 0, 0));
	/* a window whose end repeats (02:00-03:00 happens twice): the
	 * first 02:30 ends it */
	ck_assert_int_eq(bcast_quiet_parse("00:00-02:30", &q, NULL, 0), 0);
	ck_assert_int_eq(bcast_quiet_next(&q, tz,
					  utc(2026, 10, 24, 23, 0, 0)),
			 utc(2026, 10, 25, 0, 30, 0));
	/* ... and after the clocks went back it is quiet again until the
	 * second 02:30 */
	ck_assert(!bcast_quiet_allows(&q, tz, utc(2026, 10, 25, 1, 10, 0)));
	ck_assert_int_eq(bcast_quiet_next(&q, tz,
					  utc(2026, 10, 25, 1, 10, 0) + 7),
			 utc(2026, 10, 25, 1, 30, 0));
	bcast_tz_free(tz);
	tu_rmtree(dir);
}
END_TEST

/*
 * Property over many instants and windows, in fixed and DST zones: next()
 * is allowed, not before now, and the second before it is quiet (unless
 * it is now itself).
 */
START_TEST(quiet_property)
{
	static const char *const windows[] = {
		"21:00-07:00", "22:30-06:15", "12:00-13:00", "00:00-02:30",
		"01:30-02:30", "02:00-03:00", "23:59-00:01",
	};
	char *dir = tu_tmpdir();
	static uint8_t b[1024];
	int32_t off[1] = { 3600 };
	size_t n = tzif(b, 0, NULL, NULL, 1, off,
			"CET-1CEST,M3.5.0,M10.5.0/3");
	struct bcast_tz *zones[3];
	unsigned seed = 99;
	int rounds = under_valgrind() ? 1000 : 20000;

	write_bin(dir, "cet", b, n);
	zones[0] = tz_load("cet", dir);
	zones[1] = tz_load("+07:00", NULL);
	zones[2] = tz_load("-09:30", NULL);
	for (int i = 0; i < rounds; i++) {
		struct bcast_quiet q;
		const struct bcast_tz *tz = zones[i % 3];
		/* around the 2026 transitions and elsewhere */
		int64_t base = i % 2 ? utc(2026, 3, 28, 12, 0, 0)
				     : utc(2026, 10, 24, 12, 0, 0);
		int64_t now = base + (int64_t)(rand_r(&seed) % (48 * 3600)) *
					     1000 + rand_r(&seed) % 1000;
		int64_t next;

		ck_assert_int_eq(bcast_quiet_parse(windows[i % 7], &q, NULL,
						   0), 0);
		next = bcast_quiet_next(&q, tz, now);
		ck_assert_int_ge(next, now);
		ck_assert_msg(bcast_quiet_allows(&q, tz, next),
			      "%s at %lld: next %lld is quiet", windows[i % 7],
			      (long long)now, (long long)next);
		if (next > now) {
			ck_assert(!bcast_quiet_allows(&q, tz, next - 1000));
			ck_assert_int_eq(next % 1000, 0);
			ck_assert_int_le(next - now, 25 * H);
		}
	}
	for (int z = 0; z < 3; z++)
		bcast_tz_free(zones[z]);
	tu_rmtree(dir);
}
END_TEST

/* --- times ------------------------------------------------------------------------------ */

static int64_t parse_ok(const char *s, const struct bcast_tz *tz)
{
	int64_t ms = -1;
	char err[256] = "";

	ck_assert_msg(bcast_time_parse(s, tz, &ms, err, sizeof(err)) == 0,
		      "'%s': %s", s, err);
	return ms;
}

static void parse_refused(const char *s, const struct bcast_tz *tz,
			  const char *want)
{
	int64_t ms = 42;
	char err[256] = "";

	ck_assert_int_eq(bcast_time_parse(s, tz, &ms, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_eq(ms, 42);
	ck_assert_msg(strstr(err, want), "'%s': '%s' lacks '%s'", s, err,
		      want);
	ck_assert(utf8_valid(err));
}

START_TEST(time_parse)
{
	struct bcast_tz *tz = tz_load("Asia/Ho_Chi_Minh", NULL);
	int64_t t = utc(2026, 12, 1, 3, 0, 0);	/* 10:00 in Ha Noi */

	ck_assert_int_eq(parse_ok("2026-12-01T10:00:00+07:00", tz), t);
	ck_assert_int_eq(parse_ok("2026-12-01T03:00:00Z", tz), t);
	ck_assert_int_eq(parse_ok("2026-12-01t03:00:00z", tz), t);
	ck_assert_int_eq(parse_ok("2026-12-01T10:00:00+0700", tz), t);
	ck_assert_int_eq(parse_ok("2026-12-01T10:00+07", tz), t);
	ck_assert_int_eq(parse_ok("2026-12-01T05:00:00+02:00", tz), t);
	ck_assert_int_eq(parse_ok("2026-11-30T23:30:00-03:30", tz), t);
	ck_assert_int_eq(parse_ok("2026-12-01T10:00", tz), t);
	ck_assert_int_eq(parse_ok("2026-12-01 10:00", tz), t);
	ck_assert_int_eq(parse_ok("  2026-12-01 10:00:00 ", tz), t);
	ck_assert_int_eq(parse_ok("2026-12-01T10:00:00.250+07:00", tz),
			 t + 250);
	ck_assert_int_eq(parse_ok("2026-12-01T10:00:00,5", tz), t + 500);
	ck_assert_int_eq(parse_ok("2026-12-01T10:00:00.123456789Z", tz),
			 utc(2026, 12, 1, 10, 0, 0) + 123);
	/* a date alone: local midnight */
	ck_assert_int_eq(parse_ok("2026-12-01", tz),
			 utc(2026, 11, 30, 17, 0, 0));
	ck_assert_int_eq(parse_ok("2028-02-29", tz),
			 utc(2028, 2, 28, 17, 0, 0));
	ck_assert_int_eq(parse_ok("1970-01-01T00:00:00Z", tz), 0);
	{	/* tzdata has Ha Noi at UTC+8 in 1970: use a fixed zone */
		struct bcast_tz *ict = tz_load("UTC+7", NULL);

		ck_assert_int_eq(parse_ok("1970-01-01", ict), -7 * H);
		bcast_tz_free(ict);
	}
	ck_assert_int_eq(parse_ok("2199-12-31T23:59:59Z", tz),
			 utc(2199, 12, 31, 23, 59, 59));

	/* the documented example of an error, and precise reasons */
	parse_refused("2026-13-01", tz, "\"2026-13-01\" is not a time "
		      "(2026-12-01T10:00:00+07:00): there is no month 13");
	parse_refused("2026-02-29", tz, "2026-02 has no day 29");
	parse_refused("2026-04-31T10:00", tz, "2026-04 has no day 31");
	parse_refused("2026-00-10", tz, "no month 0");
	parse_refused("2026-12-00", tz, "has no day 0");
	parse_refused("2026-12-01T24:00", tz, "time of day");
	parse_refused("2026-12-01T10:60", tz, "time of day");
	parse_refused("2026-12-01T23:59:60Z", tz, "time of day");
	parse_refused("2026-12-01T10:00+15:00", tz, "offset");
	parse_refused("1969-12-31", tz, "the year is not 1970..2199");
	parse_refused("2200-01-01", tz, "the year");
	parse_refused("2026-12-1", tz, "\"2026-12-1\" is not a time "
		      "(2026-12-01T10:00:00+07:00)");
	parse_refused("", tz, "\"\" is not a time");
	parse_refused("tomorrow", tz, "is not a time");
	parse_refused("2026/12/01", tz, "is not a time");
	parse_refused("2026-12-01T10", tz, "is not a time");
	parse_refused("2026-12-01T10:00:00+07:00junk", tz, "is not a time");
	parse_refused("2026-12-01T10:00:00.", tz, "is not a time");
	parse_refused("2026-12-01T10:00:00+7", tz, "is not a time");
	parse_refused("2026-12-01T10:00:00+07:0", tz, "is not a time");
	parse_refused("2026-12-01X10:00", tz, "is not a time");
	parse_refused("2026-12-01T10:00:00.1234567890Z", tz, "is not a time");
	parse_refused("2026-12-01\xFF", tz, "\"2026-12-01?\" is not a time");
	parse_refused("2026-12-01\n10:00", tz, "is not a time");
	bcast_tz_free(tz);
}
END_TEST

START_TEST(time_format)
{
	struct bcast_tz *hcm = tz_load("Asia/Ho_Chi_Minh", NULL);
	struct bcast_tz *z = tz_load("UTC", NULL);
	struct bcast_tz *nf = tz_load("-03:30", NULL);
	char out[BCAST_TIME_MAX];
	int64_t t = utc(2026, 12, 1, 3, 0, 0);

	ck_assert_uint_eq(bcast_time_format(t, hcm, out, sizeof(out)), 25);
	ck_assert_str_eq(out, "2026-12-01T10:00:00+07:00");
	bcast_time_format(t, z, out, sizeof(out));
	ck_assert_str_eq(out, "2026-12-01T03:00:00+00:00");
	bcast_time_format(t, nf, out, sizeof(out));
	ck_assert_str_eq(out, "2026-11-30T23:30:00-03:30");
	bcast_time_format(t + 999, hcm, out, sizeof(out));
	ck_assert_str_eq(out, "2026-12-01T10:00:00+07:00");
	bcast_time_format(-1, z, out, sizeof(out));
	ck_assert_str_eq(out, "1969-12-31T23:59:59+00:00");
	bcast_time_format(utc(2028, 2, 29, 16, 59, 59), hcm, out, sizeof(out));
	ck_assert_str_eq(out, "2028-02-29T23:59:59+07:00");
	bcast_time_format(utc(2028, 2, 29, 17, 0, 0), hcm, out, sizeof(out));
	ck_assert_str_eq(out, "2028-03-01T00:00:00+07:00");
	/* round trip over a century, whole seconds */
	for (int64_t s = 0; s < 4102444800LL; s += 86399 * 37) {
		int64_t back;

		bcast_time_format(s * 1000, hcm, out, sizeof(out));
		ck_assert_int_eq(bcast_time_parse(out, hcm, &back, NULL, 0),
				 0);
		ck_assert_int_eq(back, s * 1000);
	}
	bcast_tz_free(hcm);
	bcast_tz_free(z);
	bcast_tz_free(nf);
}
END_TEST

START_TEST(time_dst_zone)
{
	char *dir = tu_tmpdir();
	static uint8_t b[1024];
	int32_t off[1] = { 3600 };
	size_t n = tzif(b, 0, NULL, NULL, 1, off,
			"CET-1CEST,M3.5.0,M10.5.0/3");
	struct bcast_tz *tz;
	char out[BCAST_TIME_MAX];

	write_bin(dir, "cet", b, n);
	tz = tz_load("cet", dir);
	/* local times in the gap and the overlap */
	ck_assert_int_eq(parse_ok("2026-03-29T02:30", tz),
			 utc(2026, 3, 29, 1, 30, 0));
	ck_assert_int_eq(parse_ok("2026-10-25T02:30", tz),
			 utc(2026, 10, 25, 0, 30, 0));
	ck_assert_int_eq(parse_ok("2026-07-14", tz),
			 utc(2026, 7, 13, 22, 0, 0));
	bcast_time_format(utc(2026, 7, 14, 10, 0, 0), tz, out, sizeof(out));
	ck_assert_str_eq(out, "2026-07-14T12:00:00+02:00");
	bcast_time_format(utc(2026, 10, 25, 0, 30, 0), tz, out, sizeof(out));
	ck_assert_str_eq(out, "2026-10-25T02:30:00+02:00");
	bcast_time_format(utc(2026, 10, 25, 1, 30, 0), tz, out, sizeof(out));
	ck_assert_str_eq(out, "2026-10-25T02:30:00+01:00");
	/* both 02:30s are readable with their offsets */
	ck_assert_int_eq(parse_ok("2026-10-25T02:30:00+01:00", tz),
			 utc(2026, 10, 25, 1, 30, 0));
	bcast_tz_free(tz);
	tu_rmtree(dir);
}
END_TEST

Suite *suite_bcast(void)
{
	Suite *s = suite_create("bcast");
	TCase *tc;

	tc = tcase_create("template");
	tcase_add_test(tc, tpl_parse_render);
	tcase_add_test(tc, tpl_vietnamese_names);
	tcase_add_test(tc, tpl_broken);
	tcase_add_test(tc, tpl_check_unknown);
	tcase_add_test(tc, tpl_render_bounds);
	tcase_add_test(tc, tpl_fuzz);
	suite_add_tcase(s, tc);

	tc = tcase_create("recipients");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, csv_basic);
	tcase_add_test(tc, csv_semicolon_and_aliases);
	tcase_add_test(tc, csv_rejections);
	tcase_add_test(tc, csv_header_refused);
	tcase_add_test(tc, csv_header_only_and_quotes);
	tcase_add_test(tc, csv_huge_value);
	tcase_add_test(tc, csv_million);
	tcase_add_test(tc, csv_fuzz);
	tcase_add_test(tc, items_basic);
	tcase_add_test(tc, render_recipient);
	tcase_add_test(tc, seen_set);
	suite_add_tcase(s, tc);

	tc = tcase_create("cost");
	tcase_add_test(tc, cost_price);
	tcase_add_test(tc, cost_totals);
	suite_add_tcase(s, tc);

	tc = tcase_create("tz");
	tcase_add_test(tc, tz_builtin);
	tcase_add_test(tc, tz_tzif_files);
	tcase_add_test(tc, tz_format_reads_back_beyond_14h);
	tcase_add_test(tc, tz_tzif_damaged);
	tcase_add_test(tc, tz_system_vs_glibc);
	tcase_add_test(tc, tz_paris_transitions);
	suite_add_tcase(s, tc);

	tc = tcase_create("quiet");
	tcase_add_test(tc, quiet_parse);
	tcase_add_test(tc, quiet_midnight);
	tcase_add_test(tc, quiet_dst);
	tcase_add_test(tc, quiet_property);
	suite_add_tcase(s, tc);

	tc = tcase_create("time");
	tcase_add_test(tc, time_parse);
	tcase_add_test(tc, time_format);
	tcase_add_test(tc, time_dst_zone);
	suite_add_tcase(s, tc);
	return s;
}
