/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of the checks of what citizens type (services/civil.h): citizen
 * IDs of several provinces and both centuries in every written form,
 * Vietnamese names precomposed and decomposed, dates with every separator
 * and calendar edge, counts, communes with and without diacritics and
 * prefixes, and a property test over random bytes (fixed seed).
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/days.h"
#include "common/util.h"
#include "services/civil.h"
#include "suites.h"

/* "Today" of every test: 2025-06-15. */
#define TODAY_Y 2025
static int today(void)
{
	return (int)day_from_civil(TODAY_Y, 6, 15);
}

/* --- citizen ID ------------------------------------------------------------ */

static void id_is(const char *in, enum civil_err want, const char *want_out)
{
	char out[CIVIL_ID_LEN + 1];
	enum civil_err e = civil_id_check(in, today(), out);

	ck_assert_msg(e == want, "'%s': %s, want %s", in, civil_err_name(e),
		      civil_err_name(want));
	ck_assert_msg(strcmp(out, want_out) == 0, "'%s' wrote '%s', want '%s'",
		      in, out, want_out);
}

static void id_ok(const char *in, const char *want)
{
	id_is(in, CIVIL_OK, want);
}

START_TEST(id_valid_provinces_and_centuries)
{
	id_ok("001090012345", "001090012345");	/* Hà Nội, man, 1990 */
	id_ok("079195000123", "079195000123");	/* Hồ Chí Minh, woman, 1995 */
	id_ok("048203012345", "048203012345");	/* Đà Nẵng, man, 2003 */
	id_ok("096318999999", "096318999999");	/* Cà Mau, woman, 2018 */
	id_ok("002100000000", "002100000000");	/* Hà Giang, 1900 */
	id_ok("077099000001", "077099000001");	/* Bà Rịa - Vũng Tàu, 1999 */
	id_ok("092200000000", "092200000000");	/* Cần Thơ, 2000 */
}
END_TEST

START_TEST(id_written_forms)
{
	id_ok("001 203 012 345", "001203012345");
	id_ok("001.203.012.345", "001203012345");
	id_ok("001-203-012-345", "001203012345");
	id_ok("0012 0301 2345", "001203012345");
	id_ok("  001203012345 ", "001203012345");
	id_ok("001 - 203 - 012345", "001203012345");
}
END_TEST

START_TEST(id_bad_form)
{
	id_is("00120301234", CIVIL_ID_FORM, "");	/* 11 digits */
	id_is("0012030123456", CIVIL_ID_FORM, "");	/* 13 digits */
	id_is("00120301234a", CIVIL_ID_FORM, "");
	id_is("A01203012345", CIVIL_ID_FORM, "");
	id_is("", CIVIL_ID_FORM, "");
	id_is("   ", CIVIL_ID_FORM, "");
	id_is("001203012345.", CIVIL_ID_FORM, "");
	id_is("-001203012345", CIVIL_ID_FORM, "");
	id_is(".001203012345", CIVIL_ID_FORM, "");
	id_is("001/203/012/345", CIVIL_ID_FORM, "");
	id_is("001203012345\n", CIVIL_ID_FORM, "");
	id_is("+84001203012", CIVIL_ID_FORM, "");
	/* fullwidth digits are no ASCII digits */
	id_is("\xef\xbc\x90\xef\xbc\x90\xef\xbc\x91" "203012345", CIVIL_ID_FORM,
	      "");
	id_is("0012030123451234567890123456789", CIVIL_ID_FORM, "");
}
END_TEST

START_TEST(id_unknown_province)
{
	id_is("003090012345", CIVIL_ID_PROVINCE, "003090012345");
	id_is("000090012345", CIVIL_ID_PROVINCE, "000090012345");
	id_is("097090012345", CIVIL_ID_PROVINCE, "097090012345");
	id_is("100090012345", CIVIL_ID_PROVINCE, "100090012345");
	id_is("999 090 012 345", CIVIL_ID_PROVINCE, "999090012345");
}
END_TEST

START_TEST(id_century)
{
	char in[16];

	for (char c = '4'; c <= '9'; c++) {
		snprintf(in, sizeof(in), "001%c90012345", c);
		id_is(in, CIVIL_ID_CENTURY, in);
	}
	/* born this year is fine, next year is not */
	id_ok("001225000000", "001225000000");
	id_ok("001325000000", "001325000000");
	id_is("001226000000", CIVIL_ID_CENTURY, "001226000000");
	id_is("001399000000", CIVIL_ID_CENTURY, "001399000000");
	/* the same ID on another day */
	{
		char out[CIVIL_ID_LEN + 1];

		ck_assert_int_eq(civil_id_check("001226000000",
						(int)day_from_civil(2026, 1, 1),
						out),
				 CIVIL_OK);
		ck_assert_int_eq(civil_id_check("001225000000",
						(int)day_from_civil(2024, 12,
								    31),
						out),
				 CIVIL_ID_CENTURY);
	}
}
END_TEST

START_TEST(id_provinces_and_mask)
{
	char code[4], out[CIVIL_ID_LEN + 1];
	int known = 0;

	ck_assert_str_eq(civil_province("001"), "Hà Nội");
	ck_assert_str_eq(civil_province("079"), "Hồ Chí Minh");
	ck_assert_str_eq(civil_province("046"), "Thừa Thiên Huế");
	ck_assert_str_eq(civil_province("096"), "Cà Mau");
	ck_assert_ptr_null(civil_province("003"));
	ck_assert_ptr_null(civil_province("01"));
	ck_assert_ptr_null(civil_province("0011"));
	ck_assert_ptr_null(civil_province("001203012345"));
	ck_assert_ptr_null(civil_province(""));
	ck_assert_ptr_null(civil_province("a01"));
	for (int i = 0; i < 1000; i++) {
		snprintf(code, sizeof(code), "%03d", i);
		known += civil_province(code) != NULL;
	}
	ck_assert_int_eq(known, 63);

	civil_id_mask("001203012345", out, sizeof(out));
	ck_assert_str_eq(out, "********2345");
	civil_id_mask("abc", out, sizeof(out));
	ck_assert_str_eq(out, "************");
	civil_id_mask("", out, sizeof(out));
	ck_assert_str_eq(out, "************");
	civil_id_mask("00120301234x", out, sizeof(out));
	ck_assert_str_eq(out, "************");
	civil_id_mask("001203012345", out, 5);
	ck_assert_str_eq(out, "****");
	out[0] = 'x';
	civil_id_mask("001203012345", out, 0);
	ck_assert_int_eq(out[0], 'x');
}
END_TEST

START_TEST(err_names)
{
	ck_assert_str_eq(civil_err_name(CIVIL_OK), "ok");
	ck_assert_str_eq(civil_err_name(CIVIL_ID_FORM), "id_form");
	ck_assert_str_eq(civil_err_name(CIVIL_ID_PROVINCE), "id_province");
	ck_assert_str_eq(civil_err_name(CIVIL_ID_CENTURY), "id_century");
	ck_assert_str_eq(civil_err_name(CIVIL_NAME), "name");
	ck_assert_str_eq(civil_err_name(CIVIL_DATE_FORM), "date_form");
	ck_assert_str_eq(civil_err_name(CIVIL_DATE_FUTURE), "date_future");
	ck_assert_str_eq(civil_err_name(CIVIL_DATE_OLD), "date_old");
	ck_assert_str_eq(civil_err_name(CIVIL_COUNT), "count");
	ck_assert_str_eq(civil_err_name(CIVIL_COMMUNE), "commune");
	ck_assert_str_eq(civil_err_name((enum civil_err)99), "?");
}
END_TEST

/* --- full name --------------------------------------------------------------- */

static void name_is(const char *in, int min, int max, enum civil_err want,
		    const char *want_out)
{
	char out[128];
	enum civil_err e = civil_name_check(in, min, max, out, sizeof(out));

	ck_assert_msg(e == want, "'%s': %s, want %s", in, civil_err_name(e),
		      civil_err_name(want));
	ck_assert_msg(strcmp(out, want_out) == 0, "'%s' wrote '%s', want '%s'",
		      in, out, want_out);
}

static void name_ok(const char *in, const char *want)
{
	name_is(in, 2, 100, CIVIL_OK, want);
}

static void name_bad(const char *in)
{
	name_is(in, 2, 100, CIVIL_NAME, "");
}

START_TEST(name_vietnamese)
{
	name_ok("nguyễn văn ân", "NGUYỄN VĂN ÂN");
	name_ok("đặng thị thu hà", "ĐẶNG THỊ THU HÀ");
	name_ok("Trương Ngọc Ánh", "TRƯƠNG NGỌC ÁNH");
	name_ok("lê ơn ưng ỷ", "LÊ ƠN ƯNG Ỷ");
	name_ok("phạm thị diễm hương", "PHẠM THỊ DIỄM HƯƠNG");
	name_ok("nguyen van an", "NGUYEN VAN AN");
	name_ok("nGuYễN vĂn ÂN", "NGUYỄN VĂN ÂN");
	name_ok("  Nguyễn   Văn  Ân  ", "NGUYỄN VĂN ÂN");
	name_ok("Nguyen\xc2\xa0Van", "NGUYEN VAN");	/* no-break space */
	/* other Latin names */
	name_ok("Müller Hans", "MÜLLER HANS");
	name_ok("Łukasz Żółć", "ŁUKASZ ŻÓŁĆ");
	name_ok("Strauß Anna", "STRAUß ANNA");	/* ß has no upper case */
}
END_TEST

START_TEST(name_decomposed)
{
	/* e + circumflex + tilde, in both orders, and ê + tilde */
	name_ok("Nguye\xcc\x82\xcc\x83n Va\xcc\x86n A\xcc\x82n",
		"NGUYỄN VĂN ÂN");
	name_ok("Nguye\xcc\x83\xcc\x82n Van", "NGUYỄN VAN");
	name_ok("Nguyê\xcc\x83n Van", "NGUYỄN VAN");
	/* horn, dot below, hook above */
	name_ok("Tru\xcc\x9bo\xcc\x9bng Ngo\xcc\xa3" "c", "TRƯƠNG NGỌC");
	name_ok("Pha\xcc\xa3m Thi\xcc\xa3 Thu\xcc\x89y",
		"PHẠM THỊ THỦY");
	/* d + nothing stays D; a mark that makes no Vietnamese letter stays */
	name_ok("Nun\xcc\x83" "ez Maria", "NUN\xcc\x83" "EZ MARIA");
	/* a mark with no letter before it, too many marks */
	name_bad("\xcc\x81Nguyen Van");
	name_bad("Nguyen \xcc\x81Van");
	name_bad("Nguyen Van-\xcc\x81");
	name_bad("Nguyen Va\xcc\x81\xcc\x81\xcc\x81\xcc\x81n");
}
END_TEST

START_TEST(name_joiners)
{
	name_ok("Nguyen Thi-Mai", "NGUYEN THI-MAI");
	name_ok("o'neil nguyen", "O'NEIL NGUYEN");
	name_ok("O\xe2\x80\x99neil Nguyen", "O'NEIL NGUYEN");	/* U+2019 */
	name_ok("Lê-Trần Hà", "LÊ-TRẦN HÀ");
	name_bad("Nguyen - Van");
	name_bad("Nguyen ' Van");
	name_bad("Nguyen- Van");
	name_bad("Nguyen -Van");
	name_bad("-Nguyen Van");
	name_bad("Nguyen Van'");
	name_bad("Nguyen Van-");
	name_bad("Nguyen Th--i");
	name_bad("Nguyen Th'-i");
	name_bad("Nguyen-Van");		/* one word */
}
END_TEST

START_TEST(name_refused)
{
	name_bad("Nguyễn");
	name_bad("");
	name_bad("    ");
	name_bad("Nguyen Van 2");
	name_bad("Nguyen Van2");
	name_bad("Nguyen Van An \xf0\x9f\x98\x80");	/* emoji */
	name_bad("Nguyen Van. An");
	name_bad("Nguyen, Van");
	name_bad("Nguyen\tVan");
	name_bad("Nguyen Van\n");
	name_bad("Nguyen\x7fVan An");
	name_bad("Nguy\xe1\xbb en Van");	/* truncated sequence */
	name_bad("Nguyen \xff Van");
	name_bad("Nguyen \xc3\x28");
	name_bad("Nguyen \xc0\xae Van");	/* overlong */
	name_bad("Иван Петров");
	name_bad("王 小明");
	name_bad("Nguyen \xc3\x97 Van");	/* × */
}
END_TEST

START_TEST(name_lengths)
{
	char small[8];

	/* 13 characters, 18 bytes: the bounds count characters */
	name_is("nguyễn văn ân", 13, 13, CIVIL_OK, "NGUYỄN VĂN ÂN");
	name_is("nguyễn văn ân", 2, 12, CIVIL_NAME, "");
	name_is("nguyễn văn ân", 14, 50, CIVIL_NAME, "");
	name_is("  nguyễn    văn   ân ", 13, 13, CIVIL_OK, "NGUYỄN VĂN ÂN");
	/* a decomposed letter is one character */
	name_is("Nguye\xcc\x82\xcc\x83n Va\xcc\x86n A\xcc\x82n", 13, 13,
		CIVIL_OK, "NGUYỄN VĂN ÂN");
	name_is("Nun\xcc\x83" "ez Mai", 9, 9, CIVIL_OK,
		"NUN\xcc\x83" "EZ MAI");
	name_is("Ab Cd", 6, 5, CIVIL_NAME, "");
	/* too long for out */
	memset(small, 'x', sizeof(small));
	ck_assert_int_eq(civil_name_check("Nguyen Van", 2, 100, small,
					  sizeof(small)),
			 CIVIL_NAME);
	ck_assert_str_eq(small, "");
	ck_assert_int_eq(civil_name_check("An Ba", 2, 100, small,
					  sizeof(small)),
			 CIVIL_OK);
	ck_assert_str_eq(small, "AN BA");
	/* "ẤN BA" is 7 bytes: it needs 8, also when composed from marks */
	ck_assert_int_eq(civil_name_check("ấn ba", 2, 100, small, 7),
			 CIVIL_NAME);
	ck_assert_int_eq(civil_name_check("ấn ba", 2, 100, small, 8),
			 CIVIL_OK);
	ck_assert_str_eq(small, "ẤN BA");
	ck_assert_int_eq(civil_name_check("a\xcc\x82\xcc\x81n ba", 2, 100,
					  small, 7),
			 CIVIL_NAME);
	ck_assert_int_eq(civil_name_check("a\xcc\x82\xcc\x81n ba", 2, 100,
					  small, 8),
			 CIVIL_OK);
	ck_assert_str_eq(small, "ẤN BA");
	small[0] = 'x';
	ck_assert_int_eq(civil_name_check("An Ba", 2, 100, small, 0),
			 CIVIL_NAME);
	ck_assert_int_eq(small[0], 'x');
}
END_TEST

/* --- date -------------------------------------------------------------------- */

static void date_is(const char *in, enum civil_err want, const char *want_out)
{
	char out[CIVIL_DATE_LEN + 1];
	int day = 12345;
	enum civil_err e = civil_date_check(in, today(), &day, out);

	ck_assert_msg(e == want, "'%s': %s, want %s", in, civil_err_name(e),
		      civil_err_name(want));
	ck_assert_msg(strcmp(out, want_out) == 0, "'%s' wrote '%s', want '%s'",
		      in, out, want_out);
	if (e != CIVIL_OK) {
		ck_assert_int_eq(day, 12345);
		return;
	}
	{
		int d = (want_out[0] - '0') * 10 + (want_out[1] - '0');
		int m = (want_out[3] - '0') * 10 + (want_out[4] - '0');
		int y = (int)strtol(want_out + 6, NULL, 10);

		ck_assert_int_eq(day, (int)day_from_civil(y, m, d));
	}
}

START_TEST(date_forms)
{
	date_is("15/06/1990", CIVIL_OK, "15/06/1990");
	date_is("15-06-1990", CIVIL_OK, "15/06/1990");
	date_is("15.06.1990", CIVIL_OK, "15/06/1990");
	date_is("15/06-1990", CIVIL_OK, "15/06/1990");
	date_is("15.06/1990", CIVIL_OK, "15/06/1990");
	date_is("1/2/1990", CIVIL_OK, "01/02/1990");
	date_is("01/2/1990", CIVIL_OK, "01/02/1990");
	date_is("1/02/1990", CIVIL_OK, "01/02/1990");
	date_is("  9.9.2009  ", CIVIL_OK, "09/09/2009");
	date_is("01/01/1970", CIVIL_OK, "01/01/1970");
}
END_TEST

START_TEST(date_calendar)
{
	date_is("29/02/2000", CIVIL_OK, "29/02/2000");
	date_is("29/02/2024", CIVIL_OK, "29/02/2024");
	date_is("29/02/2023", CIVIL_DATE_FORM, "");
	date_is("29/02/1900", CIVIL_DATE_FORM, "");
	date_is("28/02/1900", CIVIL_OK, "28/02/1900");
	date_is("31/04/2000", CIVIL_DATE_FORM, "");
	date_is("30/04/2000", CIVIL_OK, "30/04/2000");
	date_is("31/12/2000", CIVIL_OK, "31/12/2000");
	date_is("00/01/2000", CIVIL_DATE_FORM, "");
	date_is("01/00/2000", CIVIL_DATE_FORM, "");
	date_is("32/01/2000", CIVIL_DATE_FORM, "");
	date_is("01/13/2000", CIVIL_DATE_FORM, "");
}
END_TEST

START_TEST(date_bounds)
{
	char out[CIVIL_DATE_LEN + 1];
	int day = 0;

	date_is("15/06/2025", CIVIL_OK, "15/06/2025");	/* today */
	date_is("16/06/2025", CIVIL_DATE_FUTURE, "");
	date_is("01/01/2026", CIVIL_DATE_FUTURE, "");
	date_is("01/01/9999", CIVIL_DATE_FUTURE, "");
	date_is("31/12/1899", CIVIL_DATE_OLD, "");
	date_is("01/01/0000", CIVIL_DATE_OLD, "");
	date_is("01/01/1900", CIVIL_OK, "01/01/1900");
	ck_assert_int_eq(civil_date_check("1/1/1900", today(), &day, out),
			 CIVIL_OK);
	ck_assert_int_eq(day, -25567);
}
END_TEST

START_TEST(date_refused)
{
	date_is("15/06/90", CIVIL_DATE_FORM, "");
	date_is("15/6/90", CIVIL_DATE_FORM, "");
	date_is("15/06/19900", CIVIL_DATE_FORM, "");
	date_is("15/06/1990x", CIVIL_DATE_FORM, "");
	date_is("15/06/1990 x", CIVIL_DATE_FORM, "");
	date_is("15/06/1990/", CIVIL_DATE_FORM, "");
	date_is("x15/06/1990", CIVIL_DATE_FORM, "");
	date_is("15//06/1990", CIVIL_DATE_FORM, "");
	date_is("015/06/1990", CIVIL_DATE_FORM, "");
	date_is("15 06 1990", CIVIL_DATE_FORM, "");
	date_is("15/06", CIVIL_DATE_FORM, "");
	date_is("15/06/", CIVIL_DATE_FORM, "");
	date_is("15/", CIVIL_DATE_FORM, "");
	date_is("", CIVIL_DATE_FORM, "");
	date_is("+1/2/1990", CIVIL_DATE_FORM, "");
	date_is("1990-06-15", CIVIL_DATE_FORM, "");
	date_is("15\xe2\x80\x93" "06\xe2\x80\x93" "1990", CIVIL_DATE_FORM, "");
}
END_TEST

/* --- count ------------------------------------------------------------------- */

static void count_is(const char *in, int min, int max, enum civil_err want,
		     int want_n)
{
	int n = -777;
	enum civil_err e = civil_count_check(in, min, max, &n);

	ck_assert_msg(e == want, "'%s': %s, want %s", in, civil_err_name(e),
		      civil_err_name(want));
	ck_assert_int_eq(n, e == CIVIL_OK ? want_n : -777);
}

START_TEST(counts)
{
	count_is("1", 1, 10, CIVIL_OK, 1);
	count_is("10", 1, 10, CIVIL_OK, 10);
	count_is("7", 1, 10, CIVIL_OK, 7);
	count_is("007", 1, 10, CIVIL_OK, 7);
	count_is("  3 ", 1, 10, CIVIL_OK, 3);
	count_is("0", 0, 10, CIVIL_OK, 0);
	count_is("0", 1, 10, CIVIL_COUNT, 0);
	count_is("11", 1, 10, CIVIL_COUNT, 0);
	count_is("-1", 1, 10, CIVIL_COUNT, 0);
	count_is("-1", -5, 10, CIVIL_COUNT, 0);
	count_is("+1", 1, 10, CIVIL_COUNT, 0);
	count_is("1a", 1, 10, CIVIL_COUNT, 0);
	count_is("a1", 1, 10, CIVIL_COUNT, 0);
	count_is("1 2", 1, 99, CIVIL_COUNT, 0);
	count_is("1.5", 1, 10, CIVIL_COUNT, 0);
	count_is("", 1, 10, CIVIL_COUNT, 0);
	count_is("   ", 1, 10, CIVIL_COUNT, 0);
	count_is("\xd9\xa3", 1, 10, CIVIL_COUNT, 0);	/* Arabic-Indic 3 */
	count_is("99999999999999999999999", 1, 10, CIVIL_COUNT, 0);
	count_is("2147483647", 0, 2147483647, CIVIL_OK, 2147483647);
	count_is("2147483648", 0, 2147483647, CIVIL_COUNT, 0);
	count_is("5", 10, 1, CIVIL_COUNT, 0);
}
END_TEST

/* --- commune ----------------------------------------------------------------- */

static const char *const communes[] = {
	"Xã Tân Phú",		/* 0 */
	"Phường Bến Nghé",	/* 1 */
	"Thị trấn Đông Anh",	/* 2 */
	"Phường Phương Liệt",	/* 3 */
	"Xã Xà Phiên",		/* 4 */
	"Phường 12",		/* 5 */
	"Đa Kao",		/* 6 */
};

static void commune_is(const char *in, int want)
{
	int i = civil_commune_find(in, communes, (int)ARRAY_SIZE(communes));

	ck_assert_msg(i == want, "'%s': %d, want %d", in, i, want);
}

START_TEST(commune_found)
{
	commune_is("Xã Tân Phú", 0);
	commune_is("tan phu", 0);
	commune_is("Tân Phú", 0);
	commune_is("TANPHU", 0);
	commune_is("T a n  P h u", 0);
	commune_is("xa tan phu", 0);
	commune_is("XÃ TÂN PHÚ", 0);
	commune_is("xatanphu", 0);
	commune_is("X. Tan Phu", 0);
	commune_is("x.tan phu", 0);
	commune_is("Phường Tân Phú", 0);	/* prefixes are ignored */
	commune_is("Ta\xcc\x82n Phu\xcc\x81", 0);	/* decomposed */
	commune_is("ben nghe", 1);
	commune_is("P. Ben Nghe", 1);
	commune_is("phuong ben nghe", 1);
	commune_is("Phường Bến Nghé", 1);
	commune_is("dong anh", 2);
	commune_is("Thị Trấn Đông Anh", 2);
	commune_is("thi tran dong anh", 2);
	commune_is("TT.Dong Anh", 2);
	commune_is("tt. dong anh", 2);
	commune_is("12", 5);
	commune_is("phuong 12", 5);
	commune_is("P.12", 5);
	commune_is("da kao", 6);
	commune_is("Đa  Kao ", 6);
	commune_is("Phường Đa Kao", 6);
	commune_is("DAKAO", 6);
	commune_is("Da Kao\n", 6);
}
END_TEST

START_TEST(commune_prefix_like_names)
{
	static const char *const twins[] = { "Xã Hòa", "Hòa" };
	static const char *const liet[] = { "Liệt", "Phường Phương Liệt" };

	/* a name that begins with a prefix word itself */
	commune_is("Phuong Liet", 3);
	commune_is("Phường Phương Liệt", 3);
	commune_is("phuong phuongliet", 3);
	commune_is("Xa Phien", 4);
	commune_is("Xà Phiên", 4);
	commune_is("Xã Xà Phiên", 4);
	commune_is("Liet", -1);
	commune_is("Phien", -1);
	/* the whole key first, then the answer whole against the name
	 * without prefix, then both without */
	ck_assert_int_eq(civil_commune_find("Hoa", twins, 2), 1);
	ck_assert_int_eq(civil_commune_find("xa hoa", twins, 2), 0);
	ck_assert_int_eq(civil_commune_find("Phuong Hoa", twins, 2), 0);
	ck_assert_int_eq(civil_commune_find("Phuong Liet", liet, 2), 1);
	ck_assert_int_eq(civil_commune_find("P. Liet", liet, 2), 0);
	ck_assert_int_eq(civil_commune_find("Liet", liet, 2), 0);
}
END_TEST

START_TEST(commune_not_found)
{
	static const char *const with_null[] = { NULL, "Xã Hòa" };

	commune_is("Tân Bình", -1);
	commune_is("", -1);
	commune_is("   ", -1);
	commune_is("Xã", -1);
	commune_is("Phuong", -1);
	commune_is("P.", -1);
	commune_is("Tan Phu Dong", -1);
	commune_is("Tan", -1);
	commune_is("1", -1);
	commune_is("T\xe2n Ph\xfa", -1);	/* Latin-1, not UTF-8 */
	ck_assert_int_eq(civil_commune_find("Tan Phu", communes, 0), -1);
	ck_assert_int_eq(civil_commune_find("Tan Phu", communes, -3), -1);
	ck_assert_int_eq(civil_commune_find("hoa", with_null, 2), 1);
}
END_TEST

/* --- random bytes ------------------------------------------------------------ */

/* xorshift32: the same sequence on every platform. */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Random pieces of set `set` into buf, now and then a random byte. */
static void random_pieces(uint32_t *seed, const char *const *set, size_t n,
			  unsigned byte_odds, char *buf, size_t cap)
{
	size_t len = 0, want = next_rand(seed) % (cap - 8);

	while (len < want) {
		uint32_t r = next_rand(seed);
		const char *p = set[(r >> 8) % n];
		size_t pl = strlen(p);

		if (byte_odds && r % byte_odds == 0) {
			buf[len++] = (char)(1 + (r >> 8) % 255);
			continue;
		}
		if (len + pl >= cap)
			break;
		memcpy(buf + len, p, pl);
		len += pl;
	}
	buf[len] = '\0';
}

/* A date that is often real, sometimes with one byte changed. */
static void random_date(uint32_t *seed, char *buf, size_t cap)
{
	static const char seps[] = "/-.x";
	uint32_t r = next_rand(seed);
	unsigned d = next_rand(seed) % 33, m = next_rand(seed) % 14;
	unsigned y = r % 9 ? 1890 + next_rand(seed) % 150
			   : next_rand(seed) % 99999;

	snprintf(buf, cap, "%s%u%c%u%c%u", r % 7 ? "" : " ", d, seps[r % 4],
		 m, seps[(r >> 2) % 4], y);
	if (r % 5 == 0)	/* never the NUL: the text is at least 5 bytes */
		buf[next_rand(seed) % strlen(buf)] =
			(char)(1 + next_rand(seed) % 255);
}

/*
 * Random input: bytes and pieces of everything, or pieces of names, of
 * numbers, or dates, so that the checks also accept now and then.
 */
static void random_input(uint32_t *seed, char *buf, size_t cap)
{
	static const char *const any[] = {
		"0", "1", "2", "9", "001", "079", " ", ".", "-", "/", "'",
		"a", "Z", "ễ", "Đ", "ư", "\xcc\x82", "\xcc\x83", "\xcc\x9b",
		"\xcc\xa3", "\xe2\x80\x99", "\xc2\xa0", "Xã", "P.", "\xf0\x9f\x98",
		"\xe1\xbb", "29/02/", "1900", "2025",
	};
	static const char *const name[] = {
		"a", "ng", "Đ", "ư", "ê", "\xcc\x82", "\xcc\x83", "\xcc\x9b",
		"\xcc\xa3", "\xcc\x88", " ", " ", "  ", "'", "-", "\xe2\x80\x99",
		"Xã", "yễn", "ß", "ı", "ÿ", "Ǆ",
	};
	static const char *const num[] = {
		"0", "1", "2", "3", "4", "7", "9", "00", "079", " ", ".", "-",
	};

	switch (next_rand(seed) % 4) {
	case 0:
		random_pieces(seed, any, ARRAY_SIZE(any), 3, buf, cap);
		break;
	case 1:
		random_pieces(seed, name, ARRAY_SIZE(name), 97, buf, cap / 2);
		break;
	case 2:
		random_pieces(seed, num, ARRAY_SIZE(num), 97, buf, 24);
		break;
	default:
		random_date(seed, buf, cap);
		break;
	}
}

/* A string ends within its buffer. */
static bool terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

static void random_id_and_mask(const char *in)
{
	char id[CIVIL_ID_LEN + 1], mask[CIVIL_ID_LEN + 1], code[4];
	enum civil_err e;

	memset(id, 'x', sizeof(id));
	e = civil_id_check(in, today(), id);
	ck_assert(terminated(id, sizeof(id)));
	if (e == CIVIL_OK) {
		ck_assert_uint_eq(strlen(id), CIVIL_ID_LEN);
		memcpy(code, id, 3);
		code[3] = '\0';
		ck_assert_ptr_nonnull(civil_province(code));
	}
	civil_id_mask(in, mask, sizeof(mask));
	ck_assert_uint_eq(strlen(mask), CIVIL_ID_LEN);
	civil_province(in);
}

static void random_name(const char *in)
{
	char out[48], again[48];
	enum civil_err e;

	memset(out, 'x', sizeof(out));
	e = civil_name_check(in, 3, 30, out, sizeof(out));
	ck_assert(terminated(out, sizeof(out)));
	ck_assert(tu_utf8_valid(out, strlen(out)));
	if (e != CIVIL_OK) {
		ck_assert_str_eq(out, "");
		return;
	}
	/* a clean name is its own clean form */
	ck_assert_int_eq(civil_name_check(out, 3, 30, again, sizeof(again)),
			 CIVIL_OK);
	ck_assert_str_eq(again, out);
}

static void random_date_count_commune(const char *in)
{
	char out[CIVIL_DATE_LEN + 1], again[CIVIL_DATE_LEN + 1];
	int day = 0, day2 = 0, n = 0, i;

	memset(out, 'x', sizeof(out));
	if (civil_date_check(in, today(), &day, out) == CIVIL_OK) {
		ck_assert_uint_eq(strlen(out), CIVIL_DATE_LEN);
		ck_assert_int_eq(civil_date_check(out, today(), &day2, again),
				 CIVIL_OK);
		ck_assert_int_eq(day, day2);
		ck_assert(day <= today());
	} else {
		ck_assert_str_eq(out, "");
	}
	if (civil_count_check(in, 0, 1000, &n) == CIVIL_OK)
		ck_assert(n >= 0 && n <= 1000);
	i = civil_commune_find(in, communes, (int)ARRAY_SIZE(communes));
	ck_assert(i >= -1 && i < (int)ARRAY_SIZE(communes));
}

START_TEST(random_bytes_are_safe)
{
	uint32_t seed = 0x5eed1234;
	char in[96];

	for (int k = 0; k < 20000; k++) {
		random_input(&seed, in, sizeof(in));
		random_id_and_mask(in);
		random_name(in);
		random_date_count_commune(in);
	}
}
END_TEST

Suite *suite_civil(void)
{
	Suite *s = suite_create("civil");
	TCase *id = tcase_create("id");
	TCase *name = tcase_create("name");
	TCase *other = tcase_create("date_count_commune");
	TCase *prop = tcase_create("random");

	tcase_add_test(id, id_valid_provinces_and_centuries);
	tcase_add_test(id, id_written_forms);
	tcase_add_test(id, id_bad_form);
	tcase_add_test(id, id_unknown_province);
	tcase_add_test(id, id_century);
	tcase_add_test(id, id_provinces_and_mask);
	tcase_add_test(id, err_names);
	suite_add_tcase(s, id);

	tcase_add_test(name, name_vietnamese);
	tcase_add_test(name, name_decomposed);
	tcase_add_test(name, name_joiners);
	tcase_add_test(name, name_refused);
	tcase_add_test(name, name_lengths);
	suite_add_tcase(s, name);

	tcase_add_test(other, date_forms);
	tcase_add_test(other, date_calendar);
	tcase_add_test(other, date_bounds);
	tcase_add_test(other, date_refused);
	tcase_add_test(other, counts);
	tcase_add_test(other, commune_found);
	tcase_add_test(other, commune_prefix_like_names);
	tcase_add_test(other, commune_not_found);
	suite_add_tcase(s, other);

	tcase_add_test(prop, random_bytes_are_safe);
	suite_add_tcase(s, prop);
	return s;
}
