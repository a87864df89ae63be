/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Text codecs with known byte vectors: GSM 03.38 (basic and extension
 * tables, unpacked and packed, TS 23.038 examples), UCS-2 with surrogate
 * pairs, IA5, Latin-1, data_coding values with message classes, folding
 * of every Vietnamese tone mark, the choice of encoding, invalid UTF-8,
 * and round-trip properties over random strings (fixed seeds).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

Suite *suite_codec(void);

static char *hex(const uint8_t *b, size_t n)
{
	static char buf[1024];
	size_t o = 0;

	for (size_t i = 0; i < n && o + 4 < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%02X",
				      i ? " " : "", b[i]);
	buf[o] = '\0';
	return buf;
}

/* --- GSM 03.38 unpacked --------------------------------------------------- */

START_TEST(gsm7_extension_vectors)
{
	/* every character of the extension table, as SMPP carries it */
	static const uint8_t want[] = {
		0x1B, 0x65, 0x1B, 0x3C, 0x1B, 0x3E, 0x1B, 0x28, 0x1B, 0x29,
		0x1B, 0x3D, 0x1B, 0x14, 0x1B, 0x2F, 0x1B, 0x40, 0x1B, 0x0A,
	};
	const char *text = "€[]{}~^\\|\f";
	uint8_t out[64];
	char back[64];
	size_t n;

	ck_assert_int_eq(gsm7_encode(text, out, sizeof(out), &n), 0);
	ck_assert_str_eq(hex(out, n), hex(want, sizeof(want)));
	ck_assert_int_eq(gsm7_septets(text), 20);
	gsm7_decode(out, n, back, sizeof(back));
	ck_assert_str_eq(back, text);
}
END_TEST

START_TEST(gsm7_basic_table)
{
	/* TS 23.038 6.2.1, in septet order (0x1B is the escape) */
	static const char *const table =
		"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ" "ÆæßÉ !\"#¤%&'()*+,-./"
		"0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
		"¿abcdefghijklmnopqrstuvwxyzäöñüà";
	uint8_t out[200];
	char back[400];
	size_t n;

	ck_assert_int_eq(gsm7_encode(table, out, sizeof(out), &n), 0);
	ck_assert_uint_eq(n, 127);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(out[i], i < 0x1B ? i : i + 1);
	gsm7_decode(out, n, back, sizeof(back));
	ck_assert_str_eq(back, table);
}
END_TEST

START_TEST(gsm7_specials)
{
	uint8_t s[2];
	char out[16];
	static const uint8_t unknown_esc[] = { 0x1B, 0x41, 'b' };
	static const uint8_t esc_esc[] = { 'a', 0x1B, 0x1B, 'b' };
	static const uint8_t lone_esc[] = { 'a', 0x1B };

	/* ç and Ç both go to 0x09; 0x09 reads as Ç */
	ck_assert_int_eq(gsm7_char(0x00E7, s), 1);
	ck_assert_uint_eq(s[0], 0x09);
	ck_assert_int_eq(gsm7_char(0x00C7, s), 1);
	ck_assert_uint_eq(s[0], 0x09);
	/* not in GSM-7: backquote, tab, Vietnamese letters, CJK */
	ck_assert_int_eq(gsm7_char('`', s), 0);
	ck_assert_int_eq(gsm7_char('\t', s), 0);
	ck_assert_int_eq(gsm7_char(0x01A1, s), 0);	/* ơ */
	ck_assert_int_eq(gsm7_char(0x4E2D, s), 0);
	ck_assert_int_eq(gsm7_septets("Hồ sơ"), -1);
	/* an unknown escape shows the basic character (23.038 6.2.1.1) */
	gsm7_decode(unknown_esc, sizeof(unknown_esc), out, sizeof(out));
	ck_assert_str_eq(out, "Ab");
	gsm7_decode(esc_esc, sizeof(esc_esc), out, sizeof(out));
	ck_assert_str_eq(out, "a b");
	gsm7_decode(lone_esc, sizeof(lone_esc), out, sizeof(out));
	ck_assert_str_eq(out, "a");
	/* '@' is septet 0: decoding keeps it */
	gsm7_decode((const uint8_t *)"\0\0", 2, out, sizeof(out));
	ck_assert_str_eq(out, "@@");
	ck_assert_int_eq(gsm7_encode("[]", (uint8_t *)out, 3, &(size_t){0}),
			 -ENOSPC);
}
END_TEST

/* --- GSM 03.38 packed ----------------------------------------------------- */

static void check_pack(const char *text, size_t udh_len, const uint8_t *udh,
		       const char *want)
{
	uint8_t sept[200], ud[200], back[240];
	size_t n, len, m;

	ck_assert_int_eq(gsm7_encode(text, sept, sizeof(sept), &n), 0);
	if (udh_len)
		memcpy(ud, udh, udh_len);
	ck_assert_int_eq(gsm7_pack(sept, n, udh_len, ud, sizeof(ud), &len), 0);
	ck_assert_str_eq(hex(ud, len), want);
	ck_assert_int_eq(gsm7_unpack(ud, len, udh_len, back, sizeof(back), &m),
			 0);
	ck_assert_uint_eq(m, n);
	ck_assert_mem_eq(back, sept, n);
}

START_TEST(gsm7_packed_vectors)
{
	static const uint8_t udh8[] = { 5, 0, 3, 0x2A, 2, 1 };
	static const uint8_t udh16[] = { 6, 8, 4, 0x12, 0x34, 2, 1 };

	/* TS 23.038 / the classic example */
	check_pack("hellohello", 0, NULL, "E8 32 9B FD 46 97 D9 EC 37");
	check_pack("Hi", 0, NULL, "C8 34");
	/* 7 septets leave 7 spare bits: CR, not '@' (23.038 6.1.2.3.1) */
	check_pack("1234567", 0, NULL, "31 D9 8C 56 B3 DD 1A");
	check_pack("12345678", 0, NULL, "31 D9 8C 56 B3 DD 70");
	/* after a 6-octet UDH: one fill bit, the first septet at bit 49 */
	check_pack("hello", sizeof(udh8), udh8,
		   "05 00 03 2A 02 01 D0 65 36 FB 0D");
	/* after a 7-octet UDH: no fill bit (56 bits = 8 septets) */
	check_pack("hello", sizeof(udh16), udh16,
		   "06 08 04 12 34 02 01 E8 32 9B FD 06");
	ck_assert_uint_eq(gsm7_fill_bits(0), 0);
	ck_assert_uint_eq(gsm7_fill_bits(6), 1);
	ck_assert_uint_eq(gsm7_fill_bits(7), 0);
	ck_assert_uint_eq(gsm7_fill_bits(5), 2);
	ck_assert_uint_eq(gsm7_udh_septets(6), 7);
	ck_assert_uint_eq(gsm7_udh_septets(7), 8);
	ck_assert_uint_eq(gsm7_packed_len(0, 160), 140);
	ck_assert_uint_eq(gsm7_packed_len(6, 153), 140);
	ck_assert_uint_eq(gsm7_packed_len(7, 152), 140);
}
END_TEST

START_TEST(gsm7_packed_cr)
{
	uint8_t sept[16] = { '1', '2', '3', '4', '5', '6', '7', '\r' };
	uint8_t ud[16], back[32];
	size_t len, n;

	/* a wanted CR that ends on an octet boundary is doubled */
	ck_assert_int_eq(gsm7_pack(sept, 8, 0, ud, sizeof(ud), &len), 0);
	ck_assert_uint_eq(len, 8);
	ck_assert_int_eq(gsm7_unpack(ud, len, 0, back, sizeof(back), &n), 0);
	ck_assert_uint_eq(n, 9);
	ck_assert_uint_eq(back[7], '\r');
	ck_assert_uint_eq(back[8], '\r');
	/* ... unless there is no room: then it reads as padding */
	ck_assert_int_eq(gsm7_pack(sept, 8, 0, ud, 7, &len), 0);
	ck_assert_uint_eq(len, 7);
	ck_assert_int_eq(gsm7_unpack(ud, len, 0, back, sizeof(back), &n), 0);
	ck_assert_uint_eq(n, 7);
	/* errors */
	ck_assert_int_eq(gsm7_pack(sept, 8, 0, ud, 6, &len), -ENOSPC);
	ck_assert_int_eq(gsm7_unpack(ud, 3, 6, back, sizeof(back), &n),
			 -EINVAL);
	ck_assert_int_eq(gsm7_unpack(ud, 7, 0, back, 3, &n), -ENOSPC);
	/* a UDH and nothing else */
	ck_assert_int_eq(gsm7_unpack(ud, 6, 6, back, sizeof(back), &n), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* --- UCS-2, IA5, Latin-1 ---------------------------------------------------- */

START_TEST(ucs2_vectors)
{
	uint8_t out[64];
	char back[64];
	size_t n;

	ck_assert_int_eq(ucs2_encode("Việt €", out, sizeof(out), &n), 0);
	ck_assert_str_eq(hex(out, n),
			 "00 56 00 69 1E C7 00 74 00 20 20 AC");
	ucs2_decode(out, n, back, sizeof(back));
	ck_assert_str_eq(back, "Việt €");
	/* outside the BMP: a surrogate pair */
	ck_assert_int_eq(ucs2_encode("a😀", out, sizeof(out), &n), 0);
	ck_assert_str_eq(hex(out, n), "00 61 D8 3D DE 00");
	ck_assert_uint_eq(ucs2_units("a😀"), 3);
	ucs2_decode(out, n, back, sizeof(back));
	ck_assert_str_eq(back, "a😀");
	/* a lone high surrogate, a lone low one, an odd last octet, NUL */
	{
		static const uint8_t bad[] = { 0xD8, 0x3D, 0x00, 0x41, 0xDE,
					       0x00, 0x00, 0x00, 0x00, 0x42,
					       0x00 };

		ucs2_decode(bad, sizeof(bad), back, sizeof(back));
		ck_assert_str_eq(back, "?A?B");
	}
	ck_assert_int_eq(ucs2_encode("😀", out, 3, &n), -ENOSPC);
}
END_TEST

START_TEST(octet_codecs)
{
	uint8_t out[16];
	char back[32];
	size_t n;
	static const uint8_t hi[] = { 'a', 0xE9, 0x00, 'b' };

	ck_assert_int_eq(latin1_encode("café", out, sizeof(out), &n), 0);
	ck_assert_str_eq(hex(out, n), "63 61 66 E9");
	ck_assert_int_eq(latin1_encode("cà phê sữa", out, sizeof(out), &n),
			 -ERANGE);
	ck_assert_int_eq(ia5_encode("abc", out, sizeof(out), &n), 0);
	ck_assert_int_eq(ia5_encode("é", out, sizeof(out), &n), -ERANGE);
	latin1_decode(hi, sizeof(hi), back, sizeof(back));
	ck_assert_str_eq(back, "aéb");
	ia5_decode(hi, sizeof(hi), back, sizeof(back));
	ck_assert_str_eq(back, "a?b");
	text_decode_sm(TEXT_DC_IA5, hi, sizeof(hi), back, sizeof(back));
	ck_assert_str_eq(back, "a?b");
	text_decode_sm(TEXT_DC_LATIN1, hi, sizeof(hi), back, sizeof(back));
	ck_assert_str_eq(back, "aéb");
	text_decode_sm(TEXT_DC_BINARY4, hi, sizeof(hi), back, sizeof(back));
	ck_assert_str_eq(back, "????");
}
END_TEST

/* --- data_coding ------------------------------------------------------------- */

START_TEST(dc_values)
{
	static const struct {
		uint8_t dc;
		enum text_alpha alpha;
		int cls;
		bool mwi;
	} t[] = {
		{ 0x00, TEXT_ALPHA_GSM7, -1, false },
		{ 0x01, TEXT_ALPHA_IA5, -1, false },
		{ 0x02, TEXT_ALPHA_BINARY, -1, false },
		{ 0x03, TEXT_ALPHA_LATIN1, -1, false },
		{ 0x04, TEXT_ALPHA_BINARY, -1, false },
		{ 0x08, TEXT_ALPHA_UCS2, -1, false },
		{ 0x09, TEXT_ALPHA_BINARY, -1, false },	/* pictogram */
		{ 0x0A, TEXT_ALPHA_BINARY, -1, false },	/* ISO-2022-JP */
		{ 0x10, TEXT_ALPHA_GSM7, 0, false },
		{ 0x11, TEXT_ALPHA_GSM7, 1, false },
		{ 0x14, TEXT_ALPHA_BINARY, 0, false },
		{ 0x18, TEXT_ALPHA_UCS2, 0, false },
		{ 0x1B, TEXT_ALPHA_UCS2, 3, false },
		{ 0x20, TEXT_ALPHA_BINARY, -1, false },	/* compressed */
		{ 0x40, TEXT_ALPHA_GSM7, -1, false },
		{ 0x48, TEXT_ALPHA_UCS2, -1, false },
		{ 0x80, TEXT_ALPHA_BINARY, -1, false },
		{ 0xC0, TEXT_ALPHA_GSM7, -1, true },
		{ 0xD8, TEXT_ALPHA_GSM7, -1, true },
		{ 0xE0, TEXT_ALPHA_UCS2, -1, true },
		{ 0xF0, TEXT_ALPHA_GSM7, 0, false },
		{ 0xF1, TEXT_ALPHA_GSM7, 1, false },
		{ 0xF2, TEXT_ALPHA_GSM7, 2, false },
		{ 0xF3, TEXT_ALPHA_GSM7, 3, false },
		{ 0xF4, TEXT_ALPHA_BINARY, 0, false },
		{ 0xF5, TEXT_ALPHA_BINARY, 1, false },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct text_dcs d;

		text_dc_parse(t[i].dc, &d);
		ck_assert_msg(d.alpha == t[i].alpha && d.msg_class == t[i].cls
				      && d.mwi == t[i].mwi,
			      "dc 0x%02X: alpha %s class %d", t[i].dc,
			      text_alpha_name(d.alpha), d.msg_class);
	}
	ck_assert_int_eq(text_dc_alphabet(0x08), 2);
	ck_assert_int_eq(text_dc_alphabet(0xF1), 0);
	ck_assert_int_eq(text_dc_alphabet(0x03), 1);
	ck_assert_int_eq(text_dc_alphabet(0xF5), -1);
}
END_TEST

START_TEST(dc_make)
{
	static const struct {
		enum text_alpha alpha;
		int cls;
		int rc;
		uint8_t dc;
	} t[] = {
		{ TEXT_ALPHA_GSM7, -1, 0, 0x00 },
		{ TEXT_ALPHA_GSM7, 0, 0, 0xF0 },
		{ TEXT_ALPHA_GSM7, 1, 0, 0xF1 },
		{ TEXT_ALPHA_GSM7, 3, 0, 0xF3 },
		{ TEXT_ALPHA_UCS2, -1, 0, 0x08 },
		{ TEXT_ALPHA_UCS2, 0, 0, 0x18 },
		{ TEXT_ALPHA_UCS2, 2, 0, 0x1A },
		{ TEXT_ALPHA_BINARY, -1, 0, 0x04 },
		{ TEXT_ALPHA_BINARY, 1, 0, 0xF5 },
		{ TEXT_ALPHA_IA5, -1, 0, 0x01 },
		{ TEXT_ALPHA_LATIN1, -1, 0, 0x03 },
		{ TEXT_ALPHA_LATIN1, 0, -EINVAL, 0 },
		{ TEXT_ALPHA_GSM7, 4, -EINVAL, 0 },
		{ TEXT_ALPHA_GSM7, -2, -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t dc = 0xAA;
		struct text_dcs d;

		ck_assert_int_eq(text_dc_make(t[i].alpha, t[i].cls, &dc),
				 t[i].rc);
		if (t[i].rc)
			continue;
		ck_assert_uint_eq(dc, t[i].dc);
		/* and back */
		text_dc_parse(dc, &d);
		ck_assert_int_eq(d.alpha, t[i].alpha);
		ck_assert_int_eq(d.msg_class, t[i].cls);
	}
}
END_TEST

START_TEST(dc_decode_with_class)
{
	uint8_t b[16];
	char out[32];
	size_t n;

	ck_assert_int_eq(gsm7_encode("Flash €", b, sizeof(b), &n), 0);
	text_decode_sm(0xF0, b, n, out, sizeof(out));
	ck_assert_str_eq(out, "Flash €");
	text_decode_sm(0x11, b, n, out, sizeof(out));
	ck_assert_str_eq(out, "Flash €");
	ck_assert_int_eq(ucs2_encode("Hồ sơ", b, sizeof(b), &n), 0);
	text_decode_sm(0x18, b, n, out, sizeof(out));
	ck_assert_str_eq(out, "Hồ sơ");
	text_decode_sm(0xE8, b, n, out, sizeof(out));
	ck_assert_str_eq(out, "Hồ sơ");
}
END_TEST

/* --- folding ------------------------------------------------------------------ */

START_TEST(fold_every_tone)
{
	/* each vowel with no tone, huyền, sắc, hỏi, ngã, nặng */
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "a à á ả ã ạ", "a a a a a a" },
		{ "ă ằ ắ ẳ ẵ ặ", "a a a a a a" },
		{ "â ầ ấ ẩ ẫ ậ", "a a a a a a" },
		{ "e è é ẻ ẽ ẹ", "e e e e e e" },
		{ "ê ề ế ể ễ ệ", "e e e e e e" },
		{ "i ì í ỉ ĩ ị", "i i i i i i" },
		{ "o ò ó ỏ õ ọ", "o o o o o o" },
		{ "ô ồ ố ổ ỗ ộ", "o o o o o o" },
		{ "ơ ờ ớ ở ỡ ợ", "o o o o o o" },
		{ "u ù ú ủ ũ ụ", "u u u u u u" },
		{ "ư ừ ứ ử ữ ự", "u u u u u u" },
		{ "y ỳ ý ỷ ỹ ỵ", "y y y y y y" },
		{ "A À Á Ả Ã Ạ", "A A A A A A" },
		{ "Ă Ằ Ắ Ẳ Ẵ Ặ", "A A A A A A" },
		{ "Â Ầ Ấ Ẩ Ẫ Ậ", "A A A A A A" },
		{ "E È É Ẻ Ẽ Ẹ", "E E E E E E" },
		{ "Ê Ề Ế Ể Ễ Ệ", "E E E E E E" },
		{ "I Ì Í Ỉ Ĩ Ị", "I I I I I I" },
		{ "O Ò Ó Ỏ Õ Ọ", "O O O O O O" },
		{ "Ô Ồ Ố Ổ Ỗ Ộ", "O O O O O O" },
		{ "Ơ Ờ Ớ Ở Ỡ Ợ", "O O O O O O" },
		{ "U Ù Ú Ủ Ũ Ụ", "U U U U U U" },
		{ "Ư Ừ Ứ Ử Ữ Ự", "U U U U U U" },
		{ "Y Ỳ Ý Ỷ Ỹ Ỵ", "Y Y Y Y Y Y" },
		{ "đ Đ Ð ð", "d D D d" },
		/* decomposed input: base letter + combining marks */
		{ "Vie\xCC\x82\xCC\xA3t Nam", "Viet Nam" },
		{ "tra c\xC6\xB0\xCC\x81u", "tra cuu" },
		/* the status labels of the brief */
		{ "Yêu cầu thực hiện nghĩa vụ tài chính",
		  "Yeu cau thuc hien nghia vu tai chinh" },
		{ "Công dân yêu cầu rút hồ sơ", "Cong dan yeu cau rut ho so" },
		{ "Đã trả kết quả", "Da tra ket qua" },
		/* what keyboards insert */
		{ "\xE2\x80\x9CHồ sơ\xE2\x80\x9D \xE2\x80\x93 \xE2\x80\xA6",
		  "\"Ho so\" - ..." },
		{ "a\tb`c\xC2\xA0" "d\xE2\x80\x8B" "e", "a b'c de" },
		{ "\xEF\xBC\xB4\xEF\xBC\xB2\xEF\xBC\xA1", "TRA" },
	};
	char out[128];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		text_fold(t[i].in, out, sizeof(out));
		ck_assert_str_eq(out, t[i].out);
		ck_assert_int_ge(gsm7_septets(out), 0);
	}
}
END_TEST

/* --- invalid UTF-8 -------------------------------------------------------------- */

START_TEST(invalid_utf8)
{
	static const char *const bad[] = {
		"a\xC3(b",		/* bad continuation */
		"a\xE2\x82",		/* truncated */
		"\xC0\xAF",		/* overlong '/' */
		"\xE0\x80\xAF",		/* overlong */
		"\xED\xA0\x80",		/* surrogate */
		"\xF4\x90\x80\x80",	/* > U+10FFFF */
		"\xFF\xFE",
		"\x80",
	};
	char out[64];
	uint8_t b[64];
	size_t n;
	struct text_plan plan;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert(!utf8_valid(bad[i]));
		text_fold(bad[i], out, sizeof(out));
		ck_assert(utf8_valid(out));
		ck_assert_ptr_nonnull(strchr(out, '?'));
		ck_assert_int_eq(text_choose(bad[i], false, TEXT_ENC_AUTO,
					     &plan, out, sizeof(out)),
				 0);
		ck_assert(utf8_valid(out));
		ck_assert_int_eq(plan.enc, TEXT_ENC_GSM7);
		ck_assert_int_eq(gsm7_encode(bad[i], b, sizeof(b), &n), 0);
		ck_assert_int_eq(ucs2_encode(bad[i], b, sizeof(b), &n), 0);
		ucs2_decode(b, n, out, sizeof(out));
		ck_assert(utf8_valid(out));
	}
	text_choose("a\xC3(b", false, TEXT_ENC_AUTO, &plan, out, sizeof(out));
	ck_assert_str_eq(out, "a?(b");
}
END_TEST

/* --- choosing the encoding ---------------------------------------------------- */

START_TEST(choose_encoding)
{
	static const struct {
		const char *in;
		bool fold;
		enum text_enc want;
		enum text_enc enc;
		uint8_t dc;
		size_t units, replaced;
		const char *out;
	} t[] = {
		{ "Hồ sơ", true, TEXT_ENC_AUTO, TEXT_ENC_GSM7, 0, 5, 0, "Ho so" },
		{ "Hồ sơ", false, TEXT_ENC_AUTO, TEXT_ENC_UCS2, 8, 5, 0, "Hồ sơ" },
		{ "Hồ sơ", false, TEXT_ENC_GSM7, TEXT_ENC_GSM7, 0, 5, 0, "Ho so" },
		{ "abc", false, TEXT_ENC_UCS2, TEXT_ENC_UCS2, 8, 3, 0, "abc" },
		{ "Hồ sơ", true, TEXT_ENC_UCS2, TEXT_ENC_UCS2, 8, 5, 0, "Ho so" },
		{ "Già 5€ [x]", false, TEXT_ENC_AUTO, TEXT_ENC_GSM7, 0, 13, 0,
		  "Già 5€ [x]" },
		{ "中文 ok", false, TEXT_ENC_GSM7, TEXT_ENC_GSM7, 0, 5, 2,
		  "?? ok" },
		{ "a😀", false, TEXT_ENC_AUTO, TEXT_ENC_UCS2, 8, 3, 0, "a😀" },
		{ "wait…", false, TEXT_ENC_AUTO, TEXT_ENC_UCS2, 8, 5, 0,
		  "wait…" },
		{ "wait…", true, TEXT_ENC_AUTO, TEXT_ENC_GSM7, 0, 7, 0,
		  "wait..." },
		{ "wait…", false, TEXT_ENC_GSM7, TEXT_ENC_GSM7, 0, 7, 0,
		  "wait..." },
		{ "Hồ café", false, TEXT_ENC_LATIN1, TEXT_ENC_LATIN1, 3, 7, 0,
		  "Ho café" },
		{ "€", false, TEXT_ENC_LATIN1, TEXT_ENC_LATIN1, 3, 1, 1, "?" },
		{ "", false, TEXT_ENC_AUTO, TEXT_ENC_GSM7, 0, 0, 0, "" },
	};
	char out[64];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct text_plan plan;

		ck_assert_int_eq(text_choose(t[i].in, t[i].fold, t[i].want,
					     &plan, out, sizeof(out)),
				 0);
		ck_assert_msg(plan.enc == t[i].enc && plan.dc == t[i].dc &&
				      plan.units == t[i].units &&
				      plan.replaced == t[i].replaced,
			      "case %zu: enc %s dc %u units %zu replaced %zu",
			      i, text_enc_name(plan.enc), plan.dc, plan.units,
			      plan.replaced);
		ck_assert_str_eq(out, t[i].out);
		/* what text_choose() wrote always encodes */
		{
			uint8_t b[128];
			size_t n;

			ck_assert_int_eq(text_encode(out, plan.enc, b,
						     sizeof(b), &n),
					 0);
			ck_assert_uint_eq(n, plan.octets);
		}
	}
	{
		struct text_plan plan;

		/* the plan is filled even without an output buffer */
		ck_assert_int_eq(text_choose("Già €", false, TEXT_ENC_AUTO,
					     &plan, NULL, 0),
				 0);
		ck_assert_uint_eq(plan.units, 6);
		ck_assert_uint_eq(plan.packed_octets, 6);
		ck_assert_int_eq(text_choose("abcdef", false, TEXT_ENC_AUTO,
					     &plan, out, 4),
				 -ENOSPC);
		ck_assert_str_eq(out, "abc");
		ck_assert_int_eq(text_choose("x", false, (enum text_enc)9,
					     &plan, NULL, 0),
				 -EINVAL);
	}
	{
		enum text_enc e;

		ck_assert_int_eq(text_enc_parse("ucs2", &e), 0);
		ck_assert_int_eq(e, TEXT_ENC_UCS2);
		ck_assert_int_eq(text_enc_parse("utf8", &e), -EINVAL);
		ck_assert_str_eq(text_enc_name(TEXT_ENC_AUTO), "auto");
	}
}
END_TEST

START_TEST(encode_reply_compat)
{
	uint8_t b[64];
	uint8_t dc;
	size_t n;

	ck_assert_int_eq(text_encode_reply("Hồ sơ", true, &dc, b, sizeof(b),
					   &n), 0);
	ck_assert_uint_eq(dc, 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(text_encode_reply("Hồ sơ", false, &dc, b, sizeof(b),
					   &n), 0);
	ck_assert_uint_eq(dc, 8);
	ck_assert_uint_eq(n, 10);
}
END_TEST

/* --- round trips over random strings (fixed seeds) ------------------------------ */

/* Valid septet sequences: basic septets and escape + extension code. */
static size_t random_septets(unsigned *seed, uint8_t *out, size_t max)
{
	static const uint8_t ext[] = { 0x0A, 0x14, 0x28, 0x29, 0x2F,
				       0x3C, 0x3D, 0x3E, 0x40, 0x65 };
	size_t n = 0, want = (size_t)rand_r(seed) % max;

	while (n < want) {
		if (rand_r(seed) % 8 == 0 && n + 2 <= want) {
			out[n++] = 0x1B;
			out[n++] = ext[rand_r(seed) % sizeof(ext)];
		} else {
			uint8_t s = (uint8_t)(rand_r(seed) % 128);

			if (s != 0x1B)
				out[n++] = s;
		}
	}
	return n;
}

START_TEST(roundtrip_gsm7)
{
	unsigned seed = 4242;

	for (int iter = 0; iter < 2000; iter++) {
		uint8_t sept[400], back[400], ud[400], up[480];
		char text[1600];
		size_t n = random_septets(&seed, sept, 320), m, len, k;
		size_t udh_len = (size_t)(iter % 3 == 0 ? 0
					  : iter % 3 == 1 ? 6 : 7);

		/* septets -> UTF-8 -> septets */
		gsm7_decode(sept, n, text, sizeof(text));
		ck_assert(utf8_valid(text));
		ck_assert_int_eq(gsm7_encode(text, back, sizeof(back), &m), 0);
		ck_assert_uint_eq(m, n);
		ck_assert_mem_eq(back, sept, n);
		ck_assert_int_eq(gsm7_septets(text), (long)n);
		/* packed and back, behind a UDH */
		memset(ud, 0xEE, udh_len);
		ck_assert_int_eq(gsm7_pack(sept, n, udh_len, ud, sizeof(ud),
					   &len), 0);
		ck_assert_uint_le(len, gsm7_packed_len(udh_len, n + 1));
		for (size_t i = 0; i < udh_len; i++)
			ck_assert_uint_eq(ud[i], 0xEE);
		ck_assert_int_eq(gsm7_unpack(ud, len, udh_len, up, sizeof(up),
					     &k), 0);
		/* a final CR may come back doubled (23.038 6.1.2.3.1) */
		if (k == n + 1)
			ck_assert(n && sept[n - 1] == '\r' && up[n] == '\r');
		else
			ck_assert_uint_eq(k, n);
		ck_assert_mem_eq(up, sept, n);
	}
}
END_TEST

/* A random code point: ASCII, Latin-1, Vietnamese, CJK or astral. */
static uint32_t random_cp(unsigned *seed)
{
	switch (rand_r(seed) % 5) {
	case 0: return 0x20 + (uint32_t)(rand_r(seed) % 0x5F);
	case 1: return 0xA0 + (uint32_t)(rand_r(seed) % 0x60);
	case 2: return 0x1EA0 + (uint32_t)(rand_r(seed) % 0x5A);
	case 3: return 0x4E00 + (uint32_t)(rand_r(seed) % 0x5000);
	default: return 0x10000 + (uint32_t)(rand_r(seed) % 0xFFFF0);
	}
}

START_TEST(roundtrip_ucs2_and_choose)
{
	unsigned seed = 77;

	for (int iter = 0; iter < 2000; iter++) {
		char text[800], back[800], prepared[800];
		uint8_t b[800];
		size_t o = 0, n, count = (size_t)rand_r(&seed) % 150;
		struct text_plan plan;

		for (size_t i = 0; i < count; i++)
			o += utf8_encode(random_cp(&seed), text + o);
		text[o] = '\0';
		ck_assert_int_eq(ucs2_encode(text, b, sizeof(b), &n), 0);
		ck_assert_uint_eq(n, 2 * ucs2_units(text));
		ucs2_decode(b, n, back, sizeof(back));
		ck_assert_str_eq(back, text);
		/* the prepared text fits its encoding and its plan */
		for (int f = 0; f < 2; f++) {
			for (int w = TEXT_ENC_AUTO; w <= TEXT_ENC_LATIN1; w++) {
				ck_assert_int_eq(text_choose(text, f,
							     (enum text_enc)w,
							     &plan, prepared,
							     o + 1),
						 0);
				ck_assert(utf8_valid(prepared));
				ck_assert_uint_le(strlen(prepared), o);
				ck_assert_int_eq(text_encode(prepared, plan.enc,
							     b, sizeof(b), &n),
						 0);
				ck_assert_uint_eq(n, plan.octets);
				ck_assert_uint_eq(plan.chars,
						  utf8_length(prepared));
			}
		}
	}
}
END_TEST

START_TEST(garbage_never_crashes)
{
	unsigned seed = 9;

	for (int iter = 0; iter < 3000; iter++) {
		uint8_t junk[300];
		char text[301], out[1200];
		size_t n = (size_t)rand_r(&seed) % 300;
		struct text_plan plan;

		for (size_t i = 0; i < n; i++)
			junk[i] = (uint8_t)rand_r(&seed);
		memcpy(text, junk, n);
		text[n] = '\0';
		text_fold(text, out, sizeof(out));
		ck_assert(utf8_valid(out));
		text_choose(text, iter & 1, TEXT_ENC_AUTO, &plan, out,
			    sizeof(out));
		ck_assert(utf8_valid(out));
		for (unsigned dc = 0; dc < 256; dc += 17) {
			text_decode_sm((uint8_t)dc, junk, n, out, sizeof(out));
			ck_assert(utf8_valid(out));
		}
		/* a tiny output buffer never overflows */
		text_decode_sm(8, junk, n, out, 3);
		ck_assert_uint_le(strlen(out), 2);
		gsm7_decode(junk, n, out, 2);
		ck_assert_uint_le(strlen(out), 1);
	}
}
END_TEST

Suite *suite_codec(void)
{
	Suite *s = suite_create("codec");
	TCase *tc = tcase_create("gsm7");

	tcase_add_test(tc, gsm7_extension_vectors);
	tcase_add_test(tc, gsm7_basic_table);
	tcase_add_test(tc, gsm7_specials);
	tcase_add_test(tc, gsm7_packed_vectors);
	tcase_add_test(tc, gsm7_packed_cr);
	suite_add_tcase(s, tc);
	tc = tcase_create("other");
	tcase_add_test(tc, ucs2_vectors);
	tcase_add_test(tc, octet_codecs);
	tcase_add_test(tc, dc_values);
	tcase_add_test(tc, dc_make);
	tcase_add_test(tc, dc_decode_with_class);
	tcase_add_test(tc, fold_every_tone);
	tcase_add_test(tc, invalid_utf8);
	tcase_add_test(tc, choose_encoding);
	tcase_add_test(tc, encode_reply_compat);
	suite_add_tcase(s, tc);
	tc = tcase_create("properties");
	tcase_add_test(tc, roundtrip_gsm7);
	tcase_add_test(tc, roundtrip_ucs2_and_choose);
	tcase_add_test(tc, garbage_never_crashes);
	suite_add_tcase(s, tc);
	return s;
}
