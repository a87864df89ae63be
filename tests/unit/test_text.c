/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of the text module (text/text.h): GSM 03.38 and UCS-2 byte
 * vectors, Vietnamese folding of every vowel and tone, invalid UTF-8, the
 * data_coding values an SMS centre sends, and a property test over random
 * bytes and random characters.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"
#include "common/util.h"
#include "suites.h"

static void gsm7_is(const char *utf8, const uint8_t *want, size_t wantlen)
{
	uint8_t out[64];
	size_t len = 0;

	ck_assert_int_eq(gsm7_encode(utf8, out, sizeof(out), &len), 0);
	ck_assert_uint_eq(len, wantlen);
	ck_assert_mem_eq(out, want, wantlen);
	ck_assert_int_eq(gsm7_septets(utf8), (long)wantlen);
}

static void fold_is(const char *in, const char *want)
{
	char out[512];
	size_t n = text_fold(in, out, sizeof(out));

	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(n, strlen(want));
}

/* --- GSM 03.38 -------------------------------------------------------------- */

START_TEST(test_gsm7_at_pound_dollar)
{
	static const uint8_t want[] = { 0x00, 0x01, 0x02 };

	gsm7_is("@£$", want, sizeof(want));
}
END_TEST

START_TEST(test_gsm7_euro_is_escape_pair)
{
	static const uint8_t want[] = { 0x1B, 0x65 };

	gsm7_is("€", want, sizeof(want));
}
END_TEST

START_TEST(test_gsm7_extension_characters)
{
	static const uint8_t want[] = {
		0x1B, 0x3C, 0x1B, 0x3E, 0x1B, 0x28, 0x1B, 0x29,
		0x1B, 0x3D, 0x1B, 0x14, 0x1B, 0x2F, 0x1B, 0x40,
	};

	gsm7_is("[]{}~^\\|", want, sizeof(want));
}
END_TEST

START_TEST(test_gsm7_ascii_and_latin)
{
	static const uint8_t want[] = { 'H', 'i', ' ', 0x05, 0x7F, 0x11, 0x0A,
					'1', '?' };

	/* é, à, _, newline keep their 03.38 positions */
	gsm7_is("Hi éà_\n1?", want, sizeof(want));
}
END_TEST

START_TEST(test_gsm7_septets_count_extension_twice)
{
	ck_assert_int_eq(gsm7_septets(""), 0);
	ck_assert_int_eq(gsm7_septets("abc"), 3);
	ck_assert_int_eq(gsm7_septets("abc€"), 5);
	ck_assert_int_eq(gsm7_septets("[x]"), 5);
	ck_assert_int_eq(gsm7_septets("Dang xu ly"), 10);
	ck_assert_int_eq(gsm7_septets("ă"), -1);
	ck_assert_int_eq(gsm7_septets("Đang"), -1);
}
END_TEST

START_TEST(test_gsm7_refuses_vietnamese)
{
	uint8_t out[16];
	size_t len;
	uint8_t s[2];

	ck_assert_int_eq(gsm7_encode("ă", out, sizeof(out), &len), -ERANGE);
	ck_assert_int_eq(gsm7_encode("xin chào bạn", out, sizeof(out), &len),
			 -ERANGE);
	ck_assert_int_eq(gsm7_char(0x0103, s), 0);
	ck_assert_int_eq(gsm7_char(0x1B, s), 0);	/* ESC is not text */
	ck_assert_int_eq(gsm7_char('A', s), 1);
	ck_assert_uint_eq(s[0], 'A');
	ck_assert_int_eq(gsm7_char(0x20AC, s), 2);
}
END_TEST

START_TEST(test_gsm7_encode_no_space)
{
	uint8_t out[4];
	size_t len;

	ck_assert_int_eq(gsm7_encode("abcde", out, 4, &len), -ENOSPC);
	/* an escape pair is never split */
	ck_assert_int_eq(gsm7_encode("abc€", out, 4, &len), -ENOSPC);
	ck_assert_int_eq(gsm7_encode("ab€", out, 4, &len), 0);
	ck_assert_uint_eq(len, 4);
	/* a run of ASCII that is its own septet fills it exactly; one that
	 * is not ('@' is septet 0) ends the run and goes on after it */
	ck_assert_int_eq(gsm7_encode("abcd", out, 4, &len), 0);
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(out, "abcd", 4);
	ck_assert_int_eq(gsm7_encode("a@b_", out, 4, &len), 0);
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(out, "a\0b\x11", 4);
}
END_TEST

START_TEST(test_gsm7_decode_escape)
{
	static const uint8_t euro[] = { 0x1B, 0x65 };
	static const uint8_t unknown[] = { 'a', 0x1B, 0x41, 'b' };
	static const uint8_t lone[] = { 'a', 0x1B };
	static const uint8_t basic[] = { 0x00, 0x01, 0x02, 0x11, 0x7F };
	char out[32];

	ck_assert_uint_eq(gsm7_decode(euro, sizeof(euro), out, sizeof(out)),
			  3);
	ck_assert_str_eq(out, "€");
	/* 23.038 6.2.1.1: an unknown escape shows the character of the
	 * basic table */
	gsm7_decode(unknown, sizeof(unknown), out, sizeof(out));
	ck_assert_str_eq(out, "aAb");
	/* an escape with nothing after it shows nothing */
	gsm7_decode(lone, sizeof(lone), out, sizeof(out));
	ck_assert_str_eq(out, "a");
	gsm7_decode(basic, sizeof(basic), out, sizeof(out));
	ck_assert_str_eq(out, "@£$_à");
}
END_TEST

START_TEST(test_gsm7_decode_never_splits_a_character)
{
	static const uint8_t euro3[] = { 0x1B, 0x65, 0x1B, 0x65, 0x1B, 0x65 };
	char out[8];

	/* 3 euro signs need 9 bytes + NUL: two fit in 8 */
	ck_assert_uint_eq(gsm7_decode(euro3, sizeof(euro3), out, sizeof(out)),
			  6);
	ck_assert_str_eq(out, "€€");
	ck_assert_uint_eq(gsm7_decode(euro3, sizeof(euro3), out, 3), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

/* --- UCS-2 ------------------------------------------------------------------- */

START_TEST(test_ucs2_viet_bytes)
{
	static const uint8_t want[] = { 0x00, 0x56, 0x00, 0x69, 0x1E, 0xC7,
					0x00, 0x74 };
	uint8_t out[16];
	size_t len;
	char back[16];

	ck_assert_int_eq(ucs2_encode("Việt", out, sizeof(out), &len), 0);
	ck_assert_uint_eq(len, sizeof(want));
	ck_assert_mem_eq(out, want, len);
	ck_assert_uint_eq(ucs2_decode(out, len, back, sizeof(back)),
			  strlen("Việt"));
	ck_assert_str_eq(back, "Việt");
}
END_TEST

START_TEST(test_ucs2_surrogate_pair)
{
	static const uint8_t want[] = { 0xD8, 0x3D, 0xDE, 0x00 };
	uint8_t out[8];
	size_t len;
	char back[8];

	ck_assert_int_eq(ucs2_encode("\xF0\x9F\x98\x80", out, sizeof(out),
				     &len), 0);
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(out, want, 4);
	ck_assert_uint_eq(ucs2_decode(out, len, back, sizeof(back)), 4);
	ck_assert_str_eq(back, "\xF0\x9F\x98\x80");
	/* a pair is never split by a short buffer */
	ck_assert_int_eq(ucs2_encode("a\xF0\x9F\x98\x80", out, 5, &len),
			 -ENOSPC);
}
END_TEST

START_TEST(test_ucs2_lone_surrogates)
{
	static const uint8_t high_then_a[] = { 0xD8, 0x3D, 0x00, 0x41 };
	static const uint8_t low_alone[] = { 0xDE, 0x00 };
	static const uint8_t high_at_end[] = { 0x00, 0x41, 0xD8, 0x3D };
	static const uint8_t odd[] = { 0x00, 0x41, 0x00 };
	char out[16];

	ucs2_decode(high_then_a, sizeof(high_then_a), out, sizeof(out));
	ck_assert_str_eq(out, "?A");
	ucs2_decode(low_alone, sizeof(low_alone), out, sizeof(out));
	ck_assert_str_eq(out, "?");
	ucs2_decode(high_at_end, sizeof(high_at_end), out, sizeof(out));
	ck_assert_str_eq(out, "A?");
	/* an odd trailing byte is not a character */
	ucs2_decode(odd, sizeof(odd), out, sizeof(out));
	ck_assert_str_eq(out, "A");
}
END_TEST

/* --- UTF-8 ------------------------------------------------------------------- */

START_TEST(test_utf8_decode_refuses_malformed)
{
	static const char *const bad[] = {
		"\xC0\xAF",		/* overlong '/' */
		"\xE0\x80\xAF",		/* overlong */
		"\xED\xA0\x80",		/* surrogate D800 */
		"\xF4\x90\x80\x80",	/* above U+10FFFF */
		"\xFF",
		"\x80",
		"\xE1\xBA",		/* truncated */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t pos = 0;
		uint32_t cp;

		ck_assert_int_eq(utf8_decode(bad[i], strlen(bad[i]), &pos, &cp),
				 -EILSEQ);
		ck_assert_uint_eq(pos, 1);
	}
}
END_TEST

START_TEST(test_utf8_encode_decode_boundaries)
{
	static const uint32_t cps[] = { 0x1, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF,
					0xE000, 0xFFFF, 0x10000, 0x10FFFF };

	for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		char buf[4];
		size_t n = utf8_encode(cps[i], buf), pos = 0;
		uint32_t cp;

		ck_assert_int_eq(utf8_decode(buf, n, &pos, &cp), 0);
		ck_assert_uint_eq(pos, n);
		ck_assert_uint_eq(cp, cps[i]);
	}
	ck_assert_uint_eq(utf8_length("Việt"), 4);
	ck_assert_uint_eq(utf8_length("a\xFF" "b"), 3);
}
END_TEST

/* --- folding ------------------------------------------------------------------- */

/* Every Vietnamese vowel with every tone mark, precomposed, and its base. */
static const struct {
	const char *letters;
	size_t count;
	char base;
} viet[] = {
	{ "aáàảãạăắằẳẵặâấầẩẫậ", 18, 'a' },
	{ "eéèẻẽẹêếềểễệ", 12, 'e' },
	{ "iíìỉĩị", 6, 'i' },
	{ "oóòỏõọôốồổỗộơớờởỡợ", 18, 'o' },
	{ "uúùủũụưứừửữự", 12, 'u' },
	{ "yýỳỷỹỵ", 6, 'y' },
	{ "dđ", 2, 'd' },
	{ "AÁÀẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬ", 18, 'A' },
	{ "EÉÈẺẼẸÊẾỀỂỄỆ", 12, 'E' },
	{ "IÍÌỈĨỊ", 6, 'I' },
	{ "OÓÒỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢ", 18, 'O' },
	{ "UÚÙỦŨỤƯỨỪỬỮỰ", 12, 'U' },
	{ "YÝỲỶỸỴ", 6, 'Y' },
	{ "DĐ", 2, 'D' },
};

START_TEST(test_fold_every_vietnamese_letter)
{
	char want[32];
	size_t total = 0;

	memset(want, viet[_i].base, viet[_i].count);
	want[viet[_i].count] = '\0';
	/* the list itself: one code point per letter, none repeated */
	ck_assert_uint_eq(utf8_length(viet[_i].letters), viet[_i].count);
	for (size_t a = 0, pa = 0; a < viet[_i].count; a++) {
		uint32_t ca, cb;
		size_t pb;

		ck_assert_int_eq(utf8_decode(viet[_i].letters,
					     strlen(viet[_i].letters), &pa, &ca),
				 0);
		pb = pa;
		while (pb < strlen(viet[_i].letters)) {
			ck_assert_int_eq(utf8_decode(viet[_i].letters,
						     strlen(viet[_i].letters),
						     &pb, &cb), 0);
			ck_assert_uint_ne(ca, cb);
		}
		ck_assert_uint_eq(text_fold_cp(ca), (uint32_t)viet[_i].base);
		total++;
	}
	ck_assert_uint_eq(total, viet[_i].count);
	fold_is(viet[_i].letters, want);
}
END_TEST

START_TEST(test_fold_sentences)
{
	fold_is("Đang xử lý", "Dang xu ly");
	fold_is("Cấp bản sao trích lục khai sinh",
		"Cap ban sao trich luc khai sinh");
	fold_is("UBND huyện Đại Từ", "UBND huyen Dai Tu");
	fold_is("Đã trả kết quả", "Da tra ket qua");
	/* what is not Latin stays */
	fold_is("漢 Ω", "漢 Ω");
}
END_TEST

START_TEST(test_fold_decomposed_input)
{
	fold_is("e\xCC\x81", "e");
	/* "Việt" as e + dot below + circumflex */
	fold_is("Vie\xCC\xA3\xCC\x82t", "Viet");
	fold_is("tra cu\xCC\x81u", "tra cuu");
}
END_TEST

START_TEST(test_fold_typographic_punctuation)
{
	fold_is("\u201CXin\u201D \u2018ch\u00E0o\u2019", "\"Xin\" 'chao'");
	fold_is("250806\u20130001", "250806-0001");
	fold_is("a\u2014b", "a-b");
	fold_is("x\u00A0y", "x y");
	fold_is("wait\u2026", "wait...");
	fold_is("\xEF\xBB\xBFTRACUU", "TRACUU");	/* BOM dropped */
	fold_is("a\u200Bb", "ab");
	fold_is("a\tb `c`", "a b 'c'");	/* the ASCII that folds */
}
END_TEST

START_TEST(test_fold_invalid_utf8_becomes_question_marks)
{
	char out[32];

	fold_is("\xC0\xAF", "??");
	fold_is("\xFF", "?");
	fold_is("a\xE1\xBA", "a??");
	fold_is("ok\x80ok", "ok?ok");
	text_fold("\xC0\xAF\xFF\xE1\xBA", out, sizeof(out));
	for (const char *p = out; *p; p++)
		ck_assert_int_eq(*p, '?');
}
END_TEST

START_TEST(test_fold_small_buffer_keeps_characters_whole)
{
	char out[4];

	ck_assert_uint_eq(text_fold("abcdef", out, sizeof(out)), 3);
	ck_assert_str_eq(out, "abc");
	/* "漢" is 3 bytes: it does not fit behind "a" in 4 */
	ck_assert_uint_eq(text_fold("a漢", out, sizeof(out)), 1);
	ck_assert_str_eq(out, "a");
	ck_assert_uint_eq(text_fold("a\u2026", out, sizeof(out)), 1);
	ck_assert_uint_eq(text_fold("abc", out, 0), 0);
}
END_TEST

/* --- data_coding ---------------------------------------------------------------- */

START_TEST(test_encode_reply_picks_gsm7)
{
	uint8_t out[64], dc = 0xAA;
	size_t len;

	ck_assert_int_eq(text_encode_reply("Dang xu ly", true, &dc, out,
					   sizeof(out), &len), 0);
	ck_assert_uint_eq(dc, 0);
	ck_assert_uint_eq(len, 10);
	ck_assert_mem_eq(out, "Dang xu ly", 10);

	/* folding turns Vietnamese into GSM-7 */
	ck_assert_int_eq(text_encode_reply("Đang xử lý", true, &dc, out,
					   sizeof(out), &len), 0);
	ck_assert_uint_eq(dc, 0);
	ck_assert_mem_eq(out, "Dang xu ly", 10);
}
END_TEST

START_TEST(test_encode_reply_picks_ucs2)
{
	static const uint8_t han[] = { 0x6F, 0x22 };
	static const uint8_t dang[] = { 0x01, 0x10, 0x00, 0x61 };
	uint8_t out[64], dc = 0;
	size_t len;

	ck_assert_int_eq(text_encode_reply("漢", true, &dc, out, sizeof(out),
					   &len), 0);
	ck_assert_uint_eq(dc, 8);
	ck_assert_uint_eq(len, 2);
	ck_assert_mem_eq(out, han, 2);

	/* without folding Vietnamese needs UCS-2 */
	ck_assert_int_eq(text_encode_reply("Đa", false, &dc, out, sizeof(out),
					   &len), 0);
	ck_assert_uint_eq(dc, 8);
	ck_assert_uint_eq(len, 4);
	ck_assert_mem_eq(out, dang, 4);

	ck_assert_int_eq(text_encode_reply("漢漢漢", true, &dc, out, 4, &len),
			 -ENOSPC);
}
END_TEST

static void decode_sm_is(uint8_t dc, const void *in, size_t n,
			 const char *want)
{
	char out[128];

	ck_assert_uint_eq(text_decode_sm(dc, in, n, out, sizeof(out)),
			  strlen(want));
	ck_assert_str_eq(out, want);
}

START_TEST(test_decode_sm_per_data_coding)
{
	static const uint8_t ucs2_viet[] = { 0x00, 0x56, 0x00, 0x69, 0x1E, 0xC7,
					0x00, 0x74 };

	decode_sm_is(0x00, "\x00TRACUU\x1B\x65", 9, "@TRACUU€");
	/* IA5 is 7-bit: a high bit is noise, not Latin-1 */
	decode_sm_is(0x01, "A\xE9z", 3, "A?z");
	decode_sm_is(0x03, "caf\xE9", 4, "café");
	decode_sm_is(0x08, ucs2_viet, sizeof(ucs2_viet), "Việt");
	/* class bits 0xF0: GSM-7 */
	decode_sm_is(0xF0, "\x00" "1", 2, "@1");
	decode_sm_is(0xF1, "ab", 2, "ab");
	/* binary data is shown as '?' per octet */
	decode_sm_is(0x04, "\x01\x02\x03", 3, "???");
	decode_sm_is(0x02, "\xff", 1, "?");
	/* general data coding group with UCS-2 alphabet and a class */
	decode_sm_is(0x18, ucs2_viet, 4, "Vi");
	/* message waiting groups */
	decode_sm_is(0xD0, "ok", 2, "ok");
	decode_sm_is(0xE0, ucs2_viet, 2, "V");
}
END_TEST

START_TEST(test_dc_alphabet)
{
	ck_assert_int_eq(text_dc_alphabet(0x00), 0);
	ck_assert_int_eq(text_dc_alphabet(0x01), 0);
	ck_assert_int_eq(text_dc_alphabet(0x03), 1);
	ck_assert_int_eq(text_dc_alphabet(0x08), 2);
	ck_assert_int_eq(text_dc_alphabet(0x02), -1);
	ck_assert_int_eq(text_dc_alphabet(0x04), -1);
	ck_assert_int_eq(text_dc_alphabet(0xF0), 0);
	ck_assert_int_eq(text_dc_alphabet(0xF4), -1);	/* class, 8-bit data */
	ck_assert_int_eq(text_dc_alphabet(0x18), 2);
	ck_assert_int_eq(text_dc_alphabet(0x20), -1);	/* compressed */
	ck_assert_int_eq(text_dc_alphabet(0x80), -1);	/* reserved */
}
END_TEST

START_TEST(test_latin1_decode)
{
	char out[16];

	ck_assert_uint_eq(latin1_decode((const uint8_t *)"\xC0\xFF", 2, out,
					sizeof(out)), 4);
	ck_assert_str_eq(out, "Àÿ");
}
END_TEST

/* --- properties ------------------------------------------------------------------ */

#define PROP_RUNS 2000

static size_t random_bytes(char *buf, size_t max)
{
	size_t n = (size_t)rand() % max;

	for (size_t i = 0; i < n; i++) {
		int r = rand() % 8;

		/* bias towards UTF-8 lead and continuation bytes */
		if (r == 0)
			buf[i] = (char)(0x80 + rand() % 0x40);
		else if (r == 1)
			buf[i] = (char)(0xC0 + rand() % 0x40);
		else
			buf[i] = (char)(1 + rand() % 255);
	}
	buf[n] = '\0';
	return n;
}

static void assert_valid(const char *out, size_t n, size_t cap)
{
	ck_assert_uint_lt(n, cap);
	ck_assert_int_eq(out[n], '\0');
	ck_assert_msg(tu_utf8_valid(out, n), "invalid UTF-8 out");
}

/*
 * The slow path text_fold() had for every character before its ASCII fast
 * path: decode, text_fold_cp(), "..." for the ellipsis, re-encode whole or
 * stop. text_fold() must give the same bytes and length for any input and
 * any cap.
 */
static size_t fold_per_cp(const char *in, char *out, size_t cap)
{
	size_t len = strlen(in), pos = 0, n = 0;

	if (!cap)
		return 0;
	while (pos < len) {
		char tmp[4];
		uint32_t cp;
		size_t l;

		if (utf8_decode(in, len, &pos, &cp) < 0)
			cp = '?';
		cp = text_fold_cp(cp);
		if (!cp)
			continue;
		if (cp == 0x2026) {
			memcpy(tmp, "...", 3);
			l = 3;
		} else {
			l = utf8_encode(cp, tmp);
		}
		if (n + l + 1 > cap)
			break;
		memcpy(out + n, tmp, l);
		n += l;
	}
	out[n] = '\0';
	return n;
}

/* Texts for the fast paths' tests: ASCII, Vietnamese, decomposed, typographic,
 * UCS-2-only, outside the BMP, invalid UTF-8. */
static const char *const fast_in[] = {
	"TRACUU HS-2026-000123 4567",
	"tra cứu hồ sơ 000123",
	"Đăng ký nhận tin: ủy ban nhân dân phường Bến Nghé",
	"Ti\xCC\x81\xCC\x82ng Vie\xCC\xA3t",	/* combining marks */
	"tab\there `quote` \u201Csmart\u201D \u2013 dash\u2026",
	"\u00A0nbsp\u3000ideographic\uFEFFbom\u200Bzw",
	"漢字 ưu tiên", "Привет мир", "\u20AC \u00A3 $",
	"emoji \U0001F600 and \U00010348",	/* outside the BMP */
	"\uFF34\uFF32\uFF21 fullwidth",
	"bad \xC0\xAF overlong \xFF\xFE \xE1\xBA cut \xED\xA0\x80 surrogate",
	"ok\x80ok\xC3", "\x7F\x01\x1F~", "", "a",
};

START_TEST(test_fold_fast_path_same_as_per_character)
{
	char all[128];
	char want[600], got[600];

	/* every ASCII byte but NUL */
	for (int c = 1; c < 128; c++)
		all[c - 1] = (char)c;
	all[127] = '\0';
	for (size_t i = 0; i <= ARRAY_SIZE(fast_in); i++) {
		const char *s = i < ARRAY_SIZE(fast_in) ? fast_in[i] : all;

		for (size_t cap = 0; cap <= strlen(s) + 2; cap++) {
			size_t wn, gn;

			memset(want, 'x', sizeof(want));
			memset(got, 'x', sizeof(got));
			wn = fold_per_cp(s, want, cap);
			gn = text_fold(s, got, cap);
			ck_assert_uint_eq(gn, wn);
			ck_assert_mem_eq(got, want, cap ? wn + 1 : 1);
		}
	}
	srand(7);
	for (int run = 0; run < PROP_RUNS; run++) {
		char s[301];
		size_t cap;

		random_bytes(s, sizeof(s));
		cap = (size_t)rand() % sizeof(want);
		ck_assert_uint_eq(text_fold(s, got, cap),
				  fold_per_cp(s, want, cap));
		if (cap)
			ck_assert_str_eq(got, want);
	}
}
END_TEST

/*
 * What text_choose() did for every character before its ASCII runs:
 * decode, fold (or fold what the forced encoding lacks), '?' for what
 * still does not fit, count, write whole or stop for good. Its plan's
 * encoding, characters, units and replacements and its text must be the
 * same for any input, folding, encoding and cap.
 */
struct choose_want {
	enum text_enc enc;
	size_t chars, units, replaced, n;
	bool full;	/* the text did not fit: -ENOSPC */
};

static bool choose_fits(enum text_enc want, uint32_t cp)
{
	uint8_t s[2];

	return want == TEXT_ENC_GSM7 ? gsm7_char(cp, s) > 0
	       : want == TEXT_ENC_LATIN1 ? cp <= 0xFF : true;
}

static void choose_per_cp(const char *in, bool fold, enum text_enc want,
			  char *out, size_t cap, struct choose_want *w)
{
	size_t len = strlen(in), pos = 0, septets = 0, ucs2 = 0, latin1 = 0;
	bool fits7 = true, full = !cap;

	memset(w, 0, sizeof(*w));
	while (pos < len) {
		uint32_t cp, cps[3];
		int ncp = 1;
		bool folded;

		if (utf8_decode(in, len, &pos, &cp) < 0)
			cp = '?';
		folded = fold || !choose_fits(want, cp);

		if (folded)
			cp = text_fold_cp(cp);
		if (!cp)
			continue;
		cps[0] = cp;
		if (folded && cp == 0x2026) {	/* a folded ellipsis */
			cps[0] = cps[1] = cps[2] = '.';
			ncp = 3;
		} else if (!choose_fits(want, cp)) {
			cps[0] = '?';
			w->replaced++;
		}
		for (int i = 0; i < ncp; i++) {
			uint8_t s7[2];
			char tmp[4];
			int k = gsm7_char(cps[i], s7);
			size_t l = utf8_encode(cps[i], tmp);

			fits7 = fits7 && k;
			septets += (size_t)k;
			ucs2 += cps[i] >= 0x10000 ? 2 : 1;
			latin1++;
			w->chars++;
			if (!full && w->n + l + 1 > cap)
				full = true;
			if (!full) {
				memcpy(out + w->n, tmp, l);
				w->n += l;
			}
		}
	}
	if (cap)
		out[w->n] = '\0';
	w->full = full;
	w->enc = want != TEXT_ENC_AUTO ? want
		 : fits7 ? TEXT_ENC_GSM7 : TEXT_ENC_UCS2;
	w->units = w->enc == TEXT_ENC_GSM7 ? septets
		   : w->enc == TEXT_ENC_UCS2 ? ucs2 : latin1;
}

static void assert_choose_same(const char *s, bool fold, enum text_enc want,
			       size_t cap)
{
	struct choose_want w;
	struct text_plan plan;
	char want_out[700], got[700];

	memset(want_out, 'x', sizeof(want_out));
	memset(got, 'x', sizeof(got));
	choose_per_cp(s, fold, want, want_out, cap, &w);
	ck_assert_int_eq(text_choose(s, fold, want, &plan, got, cap),
			 w.full ? -ENOSPC : 0);
	ck_assert_int_eq(plan.enc, w.enc);
	ck_assert_uint_eq(plan.chars, w.chars);
	ck_assert_uint_eq(plan.units, w.units);
	ck_assert_uint_eq(plan.replaced, w.replaced);
	if (cap)
		ck_assert_mem_eq(got, want_out, w.n + 1);
}

START_TEST(test_choose_ascii_runs_same_as_per_character)
{
	static const enum text_enc encs[] = { TEXT_ENC_AUTO, TEXT_ENC_GSM7,
					      TEXT_ENC_UCS2, TEXT_ENC_LATIN1 };
	char all[128];

	for (int c = 1; c < 128; c++)	/* every ASCII byte but NUL */
		all[c - 1] = (char)c;
	all[127] = '\0';
	for (size_t i = 0; i <= ARRAY_SIZE(fast_in); i++) {
		const char *s = i < ARRAY_SIZE(fast_in) ? fast_in[i] : all;

		for (int fold = 0; fold < 2; fold++)
			for (size_t e = 0; e < ARRAY_SIZE(encs); e++)
				for (size_t cap = 0; cap <= strlen(s) + 3;
				     cap++)
					assert_choose_same(s, fold, encs[e],
							   cap);
	}
	srand(11);
	for (int run = 0; run < PROP_RUNS; run++) {
		char s[301];

		random_bytes(s, sizeof(s));
		assert_choose_same(s, rand() % 2, encs[rand() % 4],
				   (size_t)rand() % 700);
	}
}
END_TEST

/* gsm7_encode() reads ASCII from a table: each character and the texts
 * of the fast-path tests give what gsm7_char() gives character by
 * character (or -ERANGE where one has no septet, -ENOSPC where out is too
 * small). */
START_TEST(test_gsm7_encode_same_as_per_character)
{
	for (size_t i = 0; i <= ARRAY_SIZE(fast_in) + 127; i++) {
		char one[2] = { (char)(i - ARRAY_SIZE(fast_in) + 1), '\0' };
		const char *s = i < ARRAY_SIZE(fast_in) ? fast_in[i] : one;
		uint8_t want[700], got[700];
		size_t len = strlen(s), pos = 0, wn = 0, gn = 0;
		int wrc = 0;

		while (pos < len && wrc == 0) {
			uint32_t cp;
			uint8_t s7[2];
			int k;

			if (utf8_decode(s, len, &pos, &cp) < 0)
				cp = '?';
			if (!(k = gsm7_char(cp, s7))) {
				wrc = -ERANGE;
				break;
			}
			memcpy(want + wn, s7, (size_t)k);
			wn += (size_t)k;
		}
		ck_assert_int_eq(gsm7_encode(s, got, sizeof(got), &gn), wrc);
		if (wrc == 0) {
			ck_assert_uint_eq(gn, wn);
			ck_assert_mem_eq(got, want, wn);
			if (wn)
				ck_assert_int_eq(gsm7_encode(s, got, wn - 1,
							     &gn), -ENOSPC);
		}
	}
}
END_TEST

/* The loops that decode ASCII inline (next_cp()) and write it without
 * encoding (put_cp()) agree with utf8_decode() and text_fold(): counts,
 * and the folded text text_choose() prepares. */
START_TEST(test_ascii_inline_same_as_utf8_decode)
{
	char folded[1300], chosen[1300], s[301];
	struct text_plan plan;

	srand(11);
	for (int run = -(int)ARRAY_SIZE(fast_in); run < PROP_RUNS; run++) {
		size_t len, pos = 0, cps = 0, units = 0;
		uint32_t cp;

		if (run < 0)
			util_strlcpy(s, fast_in[-run - 1], sizeof(s));
		else
			random_bytes(s, sizeof(s));
		len = strlen(s);
		while (pos < len) {
			if (utf8_decode(s, len, &pos, &cp) < 0)
				cp = '?';
			cps++;
			units += cp >= 0x10000 ? 2 : 1;
		}
		ck_assert_uint_eq(utf8_length(s), cps);
		ck_assert_uint_eq(ucs2_units(s), units);
		text_fold(s, folded, sizeof(folded));
		ck_assert_int_eq(text_choose(s, true, TEXT_ENC_AUTO, &plan,
					     chosen, sizeof(chosen)), 0);
		ck_assert_str_eq(chosen, folded);
		ck_assert_uint_eq(plan.chars, utf8_length(folded));
		ck_assert_int_eq(gsm7_septets(folded) >= 0,
				 plan.enc == TEXT_ENC_GSM7);
		/* gsm7_encode() (its ASCII inline) against gsm7_char() */
		if (plan.enc == TEXT_ENC_GSM7) {
			uint8_t enc[700], want[700], sept[2];
			size_t elen, wlen = 0, fl = strlen(folded);
			int k;

			ck_assert_int_eq(gsm7_encode(folded, enc, sizeof(enc),
						     &elen), 0);
			pos = 0;
			while (pos < fl) {
				ck_assert_int_eq(utf8_decode(folded, fl, &pos,
							     &cp), 0);
				k = gsm7_char(cp, sept);
				ck_assert_int_gt(k, 0);
				memcpy(want + wlen, sept, (size_t)k);
				wlen += (size_t)k;
			}
			ck_assert_uint_eq(elen, wlen);
			ck_assert_mem_eq(enc, want, wlen);
		}
	}
}
END_TEST

START_TEST(test_property_random_bytes_never_crash)
{
	srand(1);
	for (int run = 0; run < PROP_RUNS; run++) {
		char in[301];
		char out[1300];
		uint8_t enc[700];
		size_t n = random_bytes(in, sizeof(in)), len, o;
		size_t cap = 1 + (size_t)rand() % sizeof(out);

		o = text_fold(in, out, cap);
		assert_valid(out, o, cap);
		o = text_fold(in, out, sizeof(out));
		assert_valid(out, o, sizeof(out));
		ck_assert_uint_le(o, n);	/* folding never grows text */

		if (gsm7_encode(in, enc, sizeof(enc), &len) == 0) {
			o = gsm7_decode(enc, len, out, sizeof(out));
			assert_valid(out, o, sizeof(out));
		}
		o = gsm7_decode((const uint8_t *)in, n, out, cap);
		assert_valid(out, o, cap);

		ck_assert_int_eq(ucs2_encode(in, enc, sizeof(enc), &len), 0);
		o = ucs2_decode(enc, len, out, sizeof(out));
		assert_valid(out, o, sizeof(out));
		o = ucs2_decode((const uint8_t *)in, n, out, cap);
		assert_valid(out, o, cap);

		o = text_decode_sm((uint8_t)rand(), (const uint8_t *)in, n,
				   out, cap);
		assert_valid(out, o, cap);
		o = latin1_decode((const uint8_t *)in, n, out, cap);
		assert_valid(out, o, cap);

		{
			uint8_t dc;

			if (text_encode_reply(in, rand() & 1, &dc, enc,
					      sizeof(enc), &len) == 0)
				ck_assert(dc == 0 || dc == 8);
		}
	}
}
END_TEST

START_TEST(test_property_gsm7_roundtrip)
{
	uint32_t alphabet[200];
	size_t na = 0;

	/* every character with a GSM-7 form that decodes back to itself
	 * (ç is written as Ç, 0x09: lossy by design) */
	for (uint32_t cp = 1; cp < 0x3000; cp++) {
		uint8_t s[2];
		char back[8], mine[8];
		int k = gsm7_char(cp, s);

		if (!k)
			continue;
		gsm7_decode(s, (size_t)k, back, sizeof(back));
		mine[utf8_encode(cp, mine)] = '\0';
		if (strcmp(back, mine) != 0) {
			ck_assert_uint_eq(cp, 0xE7);	/* only ç */
			continue;
		}
		ck_assert_uint_lt(na, 200);
		alphabet[na++] = cp;
	}
	ck_assert_uint_eq(na, 127 + 10);	/* basic minus ESC, extension */
	srand(1);
	for (int run = 0; run < PROP_RUNS; run++) {
		char in[700], out[800];
		uint8_t enc[400];
		size_t n = 0, len, chars = (size_t)rand() % 160;

		for (size_t i = 0; i < chars; i++)
			n += utf8_encode(alphabet[rand() % (int)na], in + n);
		in[n] = '\0';
		ck_assert_int_eq(gsm7_encode(in, enc, sizeof(enc), &len), 0);
		ck_assert_int_eq(gsm7_septets(in), (long)len);
		ck_assert_uint_eq(gsm7_decode(enc, len, out, sizeof(out)), n);
		ck_assert_str_eq(out, in);
	}
}
END_TEST

START_TEST(test_property_ucs2_roundtrip)
{
	srand(1);
	for (int run = 0; run < PROP_RUNS; run++) {
		char in[700], out[800];
		uint8_t enc[700];
		size_t n = 0, len, chars = (size_t)rand() % 150;

		for (size_t i = 0; i < chars; i++) {
			uint32_t cp;

			do {
				cp = rand() % 4 ? 1 + (uint32_t)rand() % 0xFFFF
						: 0x10000 + (uint32_t)rand() %
								    0x100000;
			} while (cp >= 0xD800 && cp <= 0xDFFF);
			n += utf8_encode(cp, in + n);
		}
		in[n] = '\0';
		ck_assert_int_eq(ucs2_encode(in, enc, sizeof(enc), &len), 0);
		ck_assert_uint_eq(ucs2_decode(enc, len, out, sizeof(out)), n);
		ck_assert_str_eq(out, in);
	}
}
END_TEST

Suite *suite_text(void)
{
	Suite *s = suite_create("text");
	TCase *tc;

	tc = tcase_create("gsm7");
	tcase_add_test(tc, test_gsm7_at_pound_dollar);
	tcase_add_test(tc, test_gsm7_euro_is_escape_pair);
	tcase_add_test(tc, test_gsm7_extension_characters);
	tcase_add_test(tc, test_gsm7_ascii_and_latin);
	tcase_add_test(tc, test_gsm7_septets_count_extension_twice);
	tcase_add_test(tc, test_gsm7_refuses_vietnamese);
	tcase_add_test(tc, test_gsm7_encode_no_space);
	tcase_add_test(tc, test_gsm7_decode_escape);
	tcase_add_test(tc, test_gsm7_decode_never_splits_a_character);
	suite_add_tcase(s, tc);

	tc = tcase_create("ucs2_utf8");
	tcase_add_test(tc, test_ucs2_viet_bytes);
	tcase_add_test(tc, test_ucs2_surrogate_pair);
	tcase_add_test(tc, test_ucs2_lone_surrogates);
	tcase_add_test(tc, test_utf8_decode_refuses_malformed);
	tcase_add_test(tc, test_utf8_encode_decode_boundaries);
	tcase_add_test(tc, test_latin1_decode);
	suite_add_tcase(s, tc);

	tc = tcase_create("fold");
	tcase_add_loop_test(tc, test_fold_every_vietnamese_letter, 0,
			    (int)(sizeof(viet) / sizeof(viet[0])));
	tcase_add_test(tc, test_fold_sentences);
	tcase_add_test(tc, test_fold_decomposed_input);
	tcase_add_test(tc, test_fold_typographic_punctuation);
	tcase_add_test(tc, test_fold_invalid_utf8_becomes_question_marks);
	tcase_add_test(tc, test_fold_small_buffer_keeps_characters_whole);
	suite_add_tcase(s, tc);

	tc = tcase_create("data_coding");
	tcase_add_test(tc, test_encode_reply_picks_gsm7);
	tcase_add_test(tc, test_encode_reply_picks_ucs2);
	tcase_add_test(tc, test_decode_sm_per_data_coding);
	tcase_add_test(tc, test_dc_alphabet);
	suite_add_tcase(s, tc);

	tc = tcase_create("properties");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_property_random_bytes_never_crash);
	tcase_add_test(tc, test_fold_fast_path_same_as_per_character);
	tcase_add_test(tc, test_choose_ascii_runs_same_as_per_character);
	tcase_add_test(tc, test_gsm7_encode_same_as_per_character);
	tcase_add_test(tc, test_ascii_inline_same_as_utf8_decode);
	tcase_add_test(tc, test_property_gsm7_roundtrip);
	tcase_add_test(tc, test_property_ucs2_roundtrip);
	suite_add_tcase(s, tc);
	return s;
}
