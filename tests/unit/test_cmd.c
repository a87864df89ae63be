/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of the SMS command parser (menu/cmd.h): every way citizens
 * write the keywords, dossier codes as typed on a phone, the last 4 ID
 * digits, and what is only text.
 */
#include "config.h"

#include <string.h>

#include "menu/cmd.h"
#include "suites.h"

#define CODE "000.00.19.H56-250806-0001"
#define KEY "0000019H56-250806-0001"

static struct cmd parse(const char *text)
{
	struct cmd c;

	cmd_parse(text, &c);
	return c;
}

static void lookup_is(const char *text, const char *code, const char *key,
		      const char *last4)
{
	struct cmd c = parse(text);

	ck_assert_msg(c.kind == CMD_LOOKUP, "'%s' is %s, not lookup", text,
		      cmd_kind_name(c.kind));
	ck_assert_msg(c.code_ok, "'%s': code not recognised", text);
	ck_assert_str_eq(c.code, code);
	ck_assert_str_eq(c.key, key);
	ck_assert_str_eq(c.last4, last4);
}

static void kind_is(const char *text, enum cmd_kind kind)
{
	struct cmd c = parse(text);

	ck_assert_msg(c.kind == kind, "'%s' is %s, expected %s", text,
		      cmd_kind_name(c.kind), cmd_kind_name(kind));
}

/* A keyword that needs a code, given none or a bad one. */
static void lookup_without_code(const char *text)
{
	struct cmd c = parse(text);

	ck_assert_msg(c.kind == CMD_LOOKUP, "'%s' is %s, not lookup", text,
		      cmd_kind_name(c.kind));
	ck_assert_msg(!c.code_ok, "'%s' should have no valid code", text);
}

START_TEST(test_lookup_keyword_spellings)
{
	lookup_is("TRACUU " CODE, CODE, KEY, "");
	lookup_is("Tra cuu " CODE, CODE, KEY, "");
	lookup_is("tra cứu " CODE, CODE, KEY, "");
	lookup_is("Tra Cứu " CODE, CODE, KEY, "");
	lookup_is("TRA  CUU " CODE, CODE, KEY, "");
	lookup_is("HS " CODE, CODE, KEY, "");
	lookup_is("hs " CODE, CODE, KEY, "");
	lookup_is("status " CODE, CODE, KEY, "");
	lookup_is("STATUS " CODE, CODE, KEY, "");
	lookup_is("  tracuu   " CODE "  ", CODE, KEY, "");
	/* decomposed diacritics from some keyboards */
	lookup_is("tra cu\xCC\x81u " CODE, CODE, KEY, "");
}
END_TEST

START_TEST(test_lookup_code_glued_to_keyword)
{
	lookup_is("tracuu" CODE, CODE, KEY, "");
	lookup_is("HS" CODE, CODE, KEY, "");
}
END_TEST

START_TEST(test_lookup_code_forms)
{
	/* without dots: display as typed, same key */
	lookup_is("TRACUU 0000019H56-250806-0001", KEY, KEY, "");
	/* spaces inside the code are dropped */
	lookup_is("TRACUU 000.00.19.H56 - 250806 - 0001", CODE, KEY, "");
	lookup_is("TRACUU 000.00.19.H 56-2508 06-00 01", CODE, KEY, "");
	/* lower case code is upper-cased */
	lookup_is("tracuu 000.00.19.h56-250806-0001", CODE, KEY, "");
	/* an en dash typed by a smartphone */
	lookup_is("TRACUU 000.00.19.H56\u2013250806\u20130001", CODE, KEY,
		  "");
}
END_TEST

START_TEST(test_lookup_with_last4)
{
	lookup_is("TRACUU " CODE " 1234", CODE, KEY, "1234");
	lookup_is("TRACUU " CODE " 12 34", CODE, KEY, "1234");
	lookup_is("tra cuu " CODE "   1234  ", CODE, KEY, "1234");
	lookup_is("HS " CODE " 0000", CODE, KEY, "0000");
}
END_TEST

START_TEST(test_lookup_keyword_without_code)
{
	struct cmd c;

	lookup_without_code("TRACUU");
	lookup_without_code("tra cuu");
	lookup_without_code("HS");
	lookup_without_code("status");
	lookup_without_code("TRACUU 12345");
	lookup_without_code("TRACUU abc");
	c = parse("TRACUU");
	ck_assert_str_eq(c.code, "");
	ck_assert_str_eq(c.key, "");
	ck_assert_str_eq(c.last4, "");
}
END_TEST

START_TEST(test_lookup_garbage_after_code)
{
	struct cmd c;

	lookup_without_code("TRACUU " CODE " xin cam on");
	lookup_without_code("TRACUU " CODE " 123");
	lookup_without_code("TRACUU " CODE " 12345");
	lookup_without_code("TRACUU " CODE " 12a4");
	lookup_without_code("TRACUU " CODE "?");
	/* a 5-digit sequence is not a code with last4 "1" */
	lookup_without_code("TRACUU 000.00.19.H56-250806-00011");
	c = parse("TRACUU " CODE " abcd");
	ck_assert_str_eq(c.last4, "");
}
END_TEST

START_TEST(test_lookup_refuses_impossible_dates)
{
	lookup_without_code("TRACUU 000.00.19.H56-251306-0001");
	lookup_without_code("TRACUU 000.00.19.H56-250800-0001");
	lookup_without_code("TRACUU 000.00.19.H56250806-0001");
}
END_TEST

START_TEST(test_menu_and_help_words)
{
	kind_is("MENU", CMD_MENU);
	kind_is("menu", CMD_MENU);
	kind_is(" Menu ", CMD_MENU);
	kind_is("HELP", CMD_HELP);
	kind_is("help", CMD_HELP);
	kind_is("?", CMD_HELP);
	kind_is("huong dan", CMD_HELP);
	kind_is("Hướng dẫn", CMD_HELP);
	kind_is("HUONGDAN", CMD_HELP);
	/* whole message only */
	kind_is("MENU 1", CMD_TEXT);
	kind_is("help me", CMD_TEXT);
}
END_TEST

START_TEST(test_optout_words)
{
	kind_is("TU CHOI", CMD_OPTOUT);
	kind_is("TUCHOI", CMD_OPTOUT);
	kind_is("từ chối", CMD_OPTOUT);
	kind_is("STOP", CMD_OPTOUT);
	kind_is("stop", CMD_OPTOUT);
	kind_is("HUY", CMD_OPTOUT);
	kind_is("Hủy", CMD_OPTOUT);
	/* only as the whole message */
	kind_is("HUY BO", CMD_TEXT);
	kind_is("STOP IT", CMD_TEXT);
	kind_is("TU CHOI NHAN", CMD_TEXT);
}
END_TEST

START_TEST(test_optin_words)
{
	kind_is("DANG KY", CMD_OPTIN);
	kind_is("đăng ký", CMD_OPTIN);
	kind_is("DANGKY", CMD_OPTIN);
	kind_is("START", CMD_OPTIN);
	kind_is("start", CMD_OPTIN);
	kind_is("DANG KY HO SO", CMD_TEXT);
}
END_TEST

START_TEST(test_plain_text)
{
	kind_is("1", CMD_TEXT);
	kind_is("9", CMD_TEXT);
	kind_is("xin chao", CMD_TEXT);
	kind_is("", CMD_TEXT);
	kind_is("   ", CMD_TEXT);
	kind_is("HSABC", CMD_TEXT);
	kind_is("TRACUUX", CMD_TEXT);
	kind_is("STATUSQUO", CMD_TEXT);
	kind_is("\xFF\xFE", CMD_TEXT);
}
END_TEST

START_TEST(test_norm_is_folded_upper_single_spaced)
{
	struct cmd c = parse("  Tra   cứu\thồ sơ  ");
	char out[8];

	ck_assert_str_eq(c.norm, "TRA CUU HO SO");
	cmd_normalize("abc def", out, sizeof(out));
	ck_assert_str_eq(out, "ABC DEF");
	cmd_normalize("abcdefghij", out, sizeof(out));
	ck_assert_str_eq(out, "ABCDEFG");
}
END_TEST

START_TEST(test_long_message_is_bounded)
{
	char text[4000];
	struct cmd c;

	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	cmd_parse(text, &c);
	ck_assert_int_eq(c.kind, CMD_TEXT);
	ck_assert_uint_eq(strlen(c.norm), sizeof(c.norm) - 1);

	/* a long tail after a good code */
	memcpy(text, "TRACUU " CODE " ", strlen("TRACUU " CODE " "));
	cmd_parse(text, &c);
	ck_assert_int_eq(c.kind, CMD_LOOKUP);
	ck_assert(!c.code_ok);
}
END_TEST

/* Found by fuzz/menu: cmd_normalize() cut its output in the middle of a
 * character that folding keeps (中, U+4E2D, three bytes), leaving invalid
 * UTF-8 in what the menu engine saves and echoes. */
START_TEST(test_normalize_never_cuts_a_character)
{
	char in[200], out[64];
	size_t n = 0;

	in[n++] = 'D';
	while (n + 3 < sizeof(in)) {
		memcpy(in + n, "\xe4\xb8\xad", 3);
		n += 3;
	}
	in[n] = '\0';
	for (size_t cap = 1; cap <= sizeof(out); cap++) {
		cmd_normalize(in, out, cap);
		ck_assert_uint_lt(strlen(out), cap);
		ck_assert_msg(tu_utf8_valid(out, strlen(out)),
			      "cap %zu: invalid UTF-8", cap);
	}
	/* a space is kept only with the word after it */
	cmd_normalize("AB \xe4\xb8\xad", out, 6);
	ck_assert_str_eq(out, "AB");
	cmd_normalize("AB \xe4\xb8\xad", out, 7);
	ck_assert_str_eq(out, "AB \xe4\xb8\xad");
}
END_TEST

START_TEST(test_kind_names)
{
	ck_assert_str_eq(cmd_kind_name(CMD_TEXT), "text");
	ck_assert_str_eq(cmd_kind_name(CMD_LOOKUP), "lookup");
	ck_assert_str_eq(cmd_kind_name(CMD_MENU), "menu");
	ck_assert_str_eq(cmd_kind_name(CMD_HELP), "help");
	ck_assert_str_eq(cmd_kind_name(CMD_OPTOUT), "optout");
	ck_assert_str_eq(cmd_kind_name(CMD_OPTIN), "optin");
}
END_TEST

Suite *suite_cmd(void)
{
	Suite *s = suite_create("cmd");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_lookup_keyword_spellings);
	tcase_add_test(tc, test_lookup_code_glued_to_keyword);
	tcase_add_test(tc, test_lookup_code_forms);
	tcase_add_test(tc, test_lookup_with_last4);
	tcase_add_test(tc, test_lookup_keyword_without_code);
	tcase_add_test(tc, test_lookup_garbage_after_code);
	tcase_add_test(tc, test_lookup_refuses_impossible_dates);
	tcase_add_test(tc, test_menu_and_help_words);
	tcase_add_test(tc, test_optout_words);
	tcase_add_test(tc, test_optin_words);
	tcase_add_test(tc, test_plain_text);
	tcase_add_test(tc, test_norm_is_folded_upper_single_spaced);
	tcase_add_test(tc, test_long_message_is_bounded);
	tcase_add_test(tc, test_normalize_never_cuts_a_character);
	tcase_add_test(tc, test_kind_names);
	suite_add_tcase(s, tc);
	return s;
}
