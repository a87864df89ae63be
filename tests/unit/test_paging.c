/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * USSD paging: a screen that fits stays one page; a long menu breaks at
 * line ends with every option whole; a long answer breaks at words; a
 * word longer than a page between characters; UCS-2 pages hold 80 units;
 * extension characters count two; the pages put together are the text.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/paging.h"

Suite *suite_paging(void);

#define MORE_VI "0. Xem tiep"

static struct page_opts vi(void)
{
	struct page_opts o = { .more = MORE_VI };

	return o;
}

/* Every page fits, all but the last end with the more line; the pages
 * without their more lines, put back together, give the text (modulo the
 * separators at the breaks). Returns the page count. */
static unsigned check_pages(const char *text, const struct page_opts *o,
			    bool lines_whole)
{
	struct pages p;
	char joined[8192], stripped[8192];
	size_t jo = 0, so = 0;
	size_t ml = strlen(o->more) + 1;

	ck_assert_int_eq(page_split(text, o, &p), 0);
	ck_assert_uint_ge(p.count, 1);
	for (unsigned i = 0; i < p.count; i++) {
		const char *pg = p.page[i];
		size_t l = strlen(pg);

		ck_assert_msg(page_fits(pg, o), "page %u too long: %s", i, pg);
		if (i + 1 < p.count) {
			ck_assert_uint_gt(l, ml);
			ck_assert_str_eq(pg + l - ml + 1, o->more);
			ck_assert_int_eq(pg[l - ml], '\n');
			l -= ml;
		} else {
			ck_assert_ptr_null(strstr(pg, o->more));
		}
		memcpy(joined + jo, pg, l);
		jo += l;
	}
	joined[jo] = '\0';
	/* compare without white space: breaks drop a newline or spaces */
	for (const char *t = text; *t; t++)
		if (*t != ' ' && *t != '\n')
			stripped[so++] = *t;
	stripped[so] = '\0';
	so = 0;
	for (size_t i = 0; i < jo; i++)
		if (joined[i] != ' ' && joined[i] != '\n')
			joined[so++] = joined[i];
	joined[so] = '\0';
	ck_assert_str_eq(joined, stripped);
	if (lines_whole) {
		/* every line of every page is a whole line of the text */
		for (unsigned i = 0; i < p.count; i++) {
			char *copy = strdup(p.page[i]), *save = NULL;

			for (char *ln = strtok_r(copy, "\n", &save); ln;
			     ln = strtok_r(NULL, "\n", &save)) {
				char probe[512];

				if (strcmp(ln, o->more) == 0)
					continue;
				snprintf(probe, sizeof(probe), "%s\n", ln);
				ck_assert_msg(strstr(text, probe) ||
						      strstr(text, ln),
					      "line '%s' was cut", ln);
			}
			free(copy);
		}
	}
	{
		unsigned n = p.count;

		pages_free(&p);
		return n;
	}
}

START_TEST(fits_one_screen)
{
	struct page_opts o = vi();
	const char *menu = "Dich vu cong Thai Nguyen\n1. Tra cuu ho so\n"
			   "2. Dat lich hen\n9. English";
	char out[256];

	ck_assert_int_eq(page_count(menu, &o), 1);
	ck_assert_int_eq(page_get(menu, &o, 0, out, sizeof(out)), 1);
	ck_assert_str_eq(out, menu);
	ck_assert_int_eq(page_get(menu, &o, 1, out, sizeof(out)), -ERANGE);
	ck_assert_int_eq(page_get(menu, &o, 0, out, 5), -ENOSPC);
	/* exactly 182 septets: one page; 183: two */
	{
		char t[200];

		memset(t, 'x', 182);
		t[182] = '\0';
		ck_assert_int_eq(page_count(t, &o), 1);
		t[182] = 'y';
		t[183] = '\0';
		ck_assert_int_eq(page_count(t, &o), 2);
		/* 91 extension characters are 182 septets */
		for (int i = 0; i < 91; i++) {
			t[2 * i] = '[';
			t[2 * i + 1] = ']';
		}
		t[91] = '\0';
		ck_assert_int_eq(page_count(t, &o), 1);
		t[91] = '[';
		t[92] = ']';
		t[93] = '\0';	/* 93 characters = 186 septets */
		ck_assert_int_eq(page_count(t, &o), 2);
	}
}
END_TEST

START_TEST(long_menu)
{
	struct page_opts o = vi();
	char menu[2048];
	size_t n = (size_t)snprintf(menu, sizeof(menu), "Chon thu tuc:");
	struct pages p;

	for (int i = 1; i <= 20; i++)
		n += (size_t)snprintf(menu + n, sizeof(menu) - n,
				      "\n%d. Thu tuc hanh chinh so %d", i, i);
	ck_assert_uint_eq(check_pages(menu, &o, true), 4);
	ck_assert_int_eq(page_split(menu, &o, &p), 0);
	ck_assert_int_eq(strncmp(p.page[0], "Chon thu tuc:\n1. Thu tuc", 24),
			 0);
	/* each page but the last holds as many whole lines as fit */
	for (unsigned i = 0; i + 1 < p.count; i++)
		ck_assert_uint_gt(strlen(p.page[i]), 182 - 30);
	pages_free(&p);
	/* English label */
	o.more = "0. More";
	check_pages(menu, &o, true);
}
END_TEST

START_TEST(long_answer_words)
{
	struct page_opts o = vi();
	char text[2048] = "";

	for (int i = 0; i < 60; i++)
		strcat(text, "hoso dang xu ly ");
	ck_assert_uint_eq(check_pages(text, &o, false), 6);
	/* a word longer than a page */
	memset(text, 'W', 400);
	text[400] = '\0';
	ck_assert_uint_eq(check_pages(text, &o, false), 3);
}
END_TEST

START_TEST(ucs2_pages)
{
	struct page_opts o = vi();
	char text[4096] = "", folded[4096];
	struct pages p;

	/* unfolded Vietnamese: UCS-2, 80 units a page */
	for (int i = 0; i < 10; i++)
		strcat(text, "Hồ sơ đang xử lý\n");
	strcat(text, "Cảm ơn");
	check_pages(text, &o, true);
	ck_assert_int_eq(page_split(text, &o, &p), 0);
	for (unsigned i = 0; i < p.count; i++)
		ck_assert_uint_le(ucs2_units(p.page[i]), 80);
	ck_assert_uint_eq(p.count, 3);
	pages_free(&p);
	/* the same folded: GSM-7, 182 septets a page */
	text_fold(text, folded, sizeof(folded));
	strcpy(text, folded);
	ck_assert_int_eq(page_count(text, &o), 1);
	/* forced UCS-2 on ASCII text */
	o.enc = TEXT_ENC_UCS2;
	ck_assert_int_eq(page_count(text, &o), 3);
	/* custom limits */
	o.enc = TEXT_ENC_AUTO;
	o.gsm7_limit = 60;
	ck_assert_uint_ge(check_pages(text, &o, true), 3);
}
END_TEST

START_TEST(errors)
{
	struct page_opts o = vi();
	struct pages p;
	char t[300];

	memset(t, 'x', 299);
	t[299] = '\0';
	o.more = NULL;
	ck_assert_int_eq(page_split(t, &o, &p), -EINVAL);
	o.more = "";
	ck_assert_int_eq(page_count(t, &o), -EINVAL);
	/* a limit that cannot hold the more line and a character */
	o.more = MORE_VI;
	o.gsm7_limit = 12;
	ck_assert_int_eq(page_count(t, &o), -EINVAL);
	o.gsm7_limit = 13;
	ck_assert_int_eq(page_count(t, &o), 299 - 13 + 1);
	/* blank lines at a break and an empty text */
	o.gsm7_limit = 0;
	ck_assert_int_eq(page_count("", &o), 1);
	memset(t, '\n', 299);
	ck_assert_int_ge(page_count(t, &o), 1);
}
END_TEST

Suite *suite_paging(void)
{
	Suite *s = suite_create("paging");
	TCase *tc = tcase_create("ussd");

	tcase_add_test(tc, fits_one_screen);
	tcase_add_test(tc, long_menu);
	tcase_add_test(tc, long_answer_words);
	tcase_add_test(tc, ucs2_pages);
	tcase_add_test(tc, errors);
	suite_add_tcase(s, tc);
	return s;
}
