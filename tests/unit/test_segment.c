/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Segmentation: capacities at every boundary (159/160/161 septets,
 * 153*2 and 153*2+1, 70/71 and 67*2+1 UCS-2 units, 16-bit references,
 * SAR), escape pairs and surrogate pairs never split, the UDH bytes,
 * packed GSM-7, message_payload, maximum segment counts, truncation, and
 * a property over random texts: the parts, decoded, are the text.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/segment.h"

Suite *suite_segment(void);

/* n copies of s (a static buffer). */
static const char *rep(const char *s, size_t n)
{
	static char buf[8][65536];
	static int k;
	char *b = buf[k++ % 8];
	size_t l = strlen(s), o = 0;

	for (size_t i = 0; i < n && o + l < sizeof(buf[0]); i++, o += l)
		memcpy(b + o, s, l);
	b[o] = '\0';
	return b;
}

static const char *cat(const char *a, const char *b, const char *c)
{
	static char buf[4][4096];
	static int k;
	char *o = buf[k++ % 4];

	snprintf(o, sizeof(buf[0]), "%s%s%s", a, b, c);
	return o;
}

static struct seg_opts opts(enum seg_concat c)
{
	struct seg_opts o;

	seg_opts_init(&o);
	o.concat = c;
	o.ref = 0x1234;
	return o;
}

/* Splits and checks the part sizes (in units) against want[]. */
static void expect_units(const char *text, const struct seg_opts *o,
			 const size_t *want, unsigned n)
{
	struct seg_msg m;
	char err[128];

	ck_assert_int_eq(seg_split(text, o, &m, err, sizeof(err)), 0);
	ck_assert_uint_eq(m.count, n);
	for (unsigned i = 0; i < n; i++)
		ck_assert_msg(m.parts[i].units == want[i],
			      "part %u: %zu units, want %zu", i + 1,
			      m.parts[i].units, want[i]);
	ck_assert_int_eq(seg_count(text, o, NULL), (int)n);
	seg_msg_free(&m);
}

START_TEST(capacities)
{
	ck_assert_uint_eq(seg_capacity(TEXT_ENC_GSM7, SEG_CONCAT_UDH8, 0), 160);
	ck_assert_uint_eq(seg_capacity(TEXT_ENC_GSM7, SEG_CONCAT_UDH8, 1), 153);
	ck_assert_uint_eq(seg_capacity(TEXT_ENC_GSM7, SEG_CONCAT_UDH16, 1),
			  152);
	ck_assert_uint_eq(seg_capacity(TEXT_ENC_GSM7, SEG_CONCAT_SAR, 1), 160);
	ck_assert_uint_eq(seg_capacity(TEXT_ENC_GSM7, SEG_CONCAT_PAYLOAD, 1),
			  153);
	ck_assert_uint_eq(seg_capacity(TEXT_ENC_UCS2, SEG_CONCAT_UDH8, 0), 70);
	ck_assert_uint_eq(seg_capacity(TEXT_ENC_UCS2, SEG_CONCAT_UDH8, 1), 67);
	ck_assert_uint_eq(seg_capacity(TEXT_ENC_UCS2, SEG_CONCAT_UDH16, 1), 66);
	ck_assert_uint_eq(seg_capacity(TEXT_ENC_UCS2, SEG_CONCAT_SAR, 1), 70);
	ck_assert_uint_eq(seg_capacity(TEXT_ENC_LATIN1, SEG_CONCAT_UDH8, 0),
			  140);
	ck_assert_uint_eq(seg_capacity(TEXT_ENC_LATIN1, SEG_CONCAT_UDH8, 1),
			  134);
	ck_assert_uint_eq(seg_capacity(TEXT_ENC_LATIN1, SEG_CONCAT_UDH16, 1),
			  133);
}
END_TEST

START_TEST(gsm7_boundaries)
{
	struct seg_opts o = opts(SEG_CONCAT_UDH8);

	expect_units(rep("a", 159), &o, (size_t[]){ 159 }, 1);
	expect_units(rep("a", 160), &o, (size_t[]){ 160 }, 1);
	expect_units(rep("a", 161), &o, (size_t[]){ 153, 8 }, 2);
	expect_units(rep("a", 306), &o, (size_t[]){ 153, 153 }, 2);
	expect_units(rep("a", 307), &o, (size_t[]){ 153, 153, 1 }, 3);
	expect_units("", &o, (size_t[]){ 0 }, 1);
	/* an extension character counts two septets */
	expect_units(cat(rep("a", 158), "€", ""), &o, (size_t[]){ 160 }, 1);
	expect_units(cat(rep("a", 159), "€", ""), &o, (size_t[]){ 153, 8 },
		     2);
	expect_units(rep("[", 80), &o, (size_t[]){ 160 }, 1);
	expect_units(rep("[", 81), &o, (size_t[]){ 152, 10 }, 2);
	/* the escape pair would straddle 153: it moves to part 2 whole */
	expect_units(cat(rep("a", 152), "€", rep("b", 10)), &o,
		     (size_t[]){ 152, 12 }, 2);
	expect_units(cat(rep("a", 151), "€", rep("b", 10)), &o,
		     (size_t[]){ 153, 10 }, 2);
}
END_TEST

START_TEST(escape_pair_bytes)
{
	struct seg_opts o = opts(SEG_CONCAT_UDH8);
	struct seg_msg m;

	ck_assert_int_eq(seg_split(cat(rep("a", 152), "€", rep("b", 10)), &o,
				   &m, NULL, 0), 0);
	ck_assert_uint_eq(m.count, 2);
	ck_assert_uint_eq(m.parts[0].sm_len, 6 + 152);
	ck_assert_uint_eq(m.parts[0].sm[6 + 151], 'a');
	ck_assert_uint_eq(m.parts[1].sm[6], 0x1B);
	ck_assert_uint_eq(m.parts[1].sm[7], 0x65);
	ck_assert_str_eq(m.parts[0].text, rep("a", 152));
	ck_assert_str_eq(m.parts[1].text, cat("€", rep("b", 10), ""));
	seg_msg_free(&m);
}
END_TEST

START_TEST(ucs2_boundaries)
{
	struct seg_opts o = opts(SEG_CONCAT_UDH8);

	expect_units(rep("ệ", 70), &o, (size_t[]){ 70 }, 1);
	expect_units(rep("ệ", 71), &o, (size_t[]){ 67, 4 }, 2);
	expect_units(rep("ệ", 134), &o, (size_t[]){ 67, 67 }, 2);
	expect_units(rep("ệ", 135), &o, (size_t[]){ 67, 67, 1 }, 3);
	/* a surrogate pair would straddle 67: it moves to part 2 whole */
	expect_units(cat(rep("ệ", 66), "😀", rep("ệ", 5)), &o,
		     (size_t[]){ 66, 7 }, 2);
	expect_units(cat(rep("ệ", 65), "😀", rep("ệ", 5)), &o,
		     (size_t[]){ 67, 5 }, 2);
	/* and at 70 in a single segment */
	expect_units(cat(rep("ệ", 68), "😀", ""), &o, (size_t[]){ 70 }, 1);
	expect_units(cat(rep("ệ", 69), "😀", ""), &o, (size_t[]){ 67, 4 }, 2);
}
END_TEST

START_TEST(surrogate_pair_bytes)
{
	struct seg_opts o = opts(SEG_CONCAT_UDH8);
	struct seg_msg m;

	ck_assert_int_eq(seg_split(cat(rep("ệ", 66), "😀", rep("ệ", 5)), &o,
				   &m, NULL, 0), 0);
	ck_assert_uint_eq(m.plan.enc, TEXT_ENC_UCS2);
	ck_assert_uint_eq(m.dc, 8);
	ck_assert_uint_eq(m.parts[0].sm_len, 6 + 132);
	ck_assert_uint_eq(m.parts[1].sm[6], 0xD8);
	ck_assert_uint_eq(m.parts[1].sm[7], 0x3D);
	ck_assert_uint_eq(m.parts[1].sm[8], 0xDE);
	ck_assert_uint_eq(m.parts[1].sm[9], 0x00);
	seg_msg_free(&m);
}
END_TEST

START_TEST(udh_bytes)
{
	struct seg_opts o = opts(SEG_CONCAT_UDH8);
	struct seg_msg m;
	static const uint8_t udh8_2of3[] = { 5, 0, 3, 0x34, 3, 2 };
	static const uint8_t udh16_3of3[] = { 6, 8, 4, 0x12, 0x34, 3, 3 };

	ck_assert_int_eq(seg_split(rep("x", 400), &o, &m, NULL, 0), 0);
	ck_assert_uint_eq(m.count, 3);
	ck_assert_uint_eq(m.cost, 3);
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_uint_eq(m.parts[i].esm_class, SEG_ESM_UDHI);
		ck_assert(!m.parts[i].sar && !m.parts[i].in_payload);
		ck_assert_uint_eq(m.parts[i].seq, i + 1);
	}
	ck_assert_mem_eq(m.parts[1].sm, udh8_2of3, 6);
	ck_assert_uint_eq(m.parts[2].sm_len, 6 + 400 - 306);
	seg_msg_free(&m);

	o = opts(SEG_CONCAT_UDH16);
	ck_assert_int_eq(seg_split(rep("x", 400), &o, &m, NULL, 0), 0);
	ck_assert_uint_eq(m.count, 3);
	ck_assert_mem_eq(m.parts[2].sm, udh16_3of3, 7);
	ck_assert_uint_eq(m.parts[0].sm_len, 7 + 152);
	seg_msg_free(&m);
	expect_units(rep("x", 304), &o, (size_t[]){ 152, 152 }, 2);
	expect_units(rep("x", 305), &o, (size_t[]){ 152, 152, 1 }, 3);
	expect_units(rep("ệ", 133), &o, (size_t[]){ 66, 66, 1 }, 3);
}
END_TEST

START_TEST(sar)
{
	struct seg_opts o = opts(SEG_CONCAT_SAR);
	struct seg_msg m;

	expect_units(rep("x", 160), &o, (size_t[]){ 160 }, 1);
	expect_units(rep("x", 320), &o, (size_t[]){ 160, 160 }, 2);
	expect_units(rep("x", 321), &o, (size_t[]){ 160, 160, 1 }, 3);
	expect_units(rep("ệ", 141), &o, (size_t[]){ 70, 70, 1 }, 3);
	ck_assert_int_eq(seg_split(rep("x", 321), &o, &m, NULL, 0), 0);
	for (unsigned i = 0; i < 3; i++) {
		ck_assert(m.parts[i].sar);
		ck_assert_uint_eq(m.parts[i].esm_class, 0);
		ck_assert_uint_eq(m.parts[i].sar_ref, 0x1234);
		ck_assert_uint_eq(m.parts[i].sar_total, 3);
		ck_assert_uint_eq(m.parts[i].sar_seq, i + 1);
	}
	ck_assert_uint_eq(m.parts[0].sm_len, 160);
	seg_msg_free(&m);
	/* one segment: no SAR */
	ck_assert_int_eq(seg_split("short", &o, &m, NULL, 0), 0);
	ck_assert(!m.parts[0].sar);
	seg_msg_free(&m);
}
END_TEST

START_TEST(payload)
{
	struct seg_opts o = opts(SEG_CONCAT_PAYLOAD);
	struct seg_msg m;

	ck_assert_int_eq(seg_split(rep("x", 500), &o, &m, NULL, 0), 0);
	ck_assert_uint_eq(m.count, 1);
	ck_assert_uint_eq(m.cost, 4);	/* the SMS centre sends 4 */
	ck_assert(m.parts[0].in_payload);
	ck_assert_uint_eq(m.parts[0].esm_class, 0);
	ck_assert_uint_eq(m.parts[0].sm_len, 500);
	seg_msg_free(&m);
	ck_assert_int_eq(seg_count(rep("x", 500), &o, NULL), 4);
	/* short: short_message as usual */
	ck_assert_int_eq(seg_split(rep("x", 160), &o, &m, NULL, 0), 0);
	ck_assert(!m.parts[0].in_payload);
	seg_msg_free(&m);
	/* the maximum applies to what the handset receives */
	o.max_segments = 3;
	ck_assert_int_eq(seg_split(rep("x", 500), &o, &m, NULL, 0), -EMSGSIZE);
}
END_TEST

START_TEST(packed)
{
	struct seg_opts o = opts(SEG_CONCAT_UDH8);
	struct seg_msg m;
	uint8_t sept[200];
	size_t n;

	o.packed = true;
	ck_assert_int_eq(seg_split(rep("a", 160), &o, &m, NULL, 0), 0);
	ck_assert_uint_eq(m.parts[0].sm_len, 140);
	ck_assert(m.packed);
	seg_msg_free(&m);
	ck_assert_int_eq(seg_split(cat(rep("a", 300), "€€", ""), &o, &m, NULL,
				   0), 0);
	ck_assert_uint_eq(m.count, 2);
	ck_assert_uint_eq(m.parts[0].sm_len, 140);
	ck_assert_uint_eq(m.parts[0].sm[0], 5);
	ck_assert_uint_eq(m.parts[0].sm[5], 1);
	ck_assert_int_eq(gsm7_unpack(m.parts[0].sm, m.parts[0].sm_len, 6, sept,
				     sizeof(sept), &n), 0);
	ck_assert_uint_eq(n, 153);
	ck_assert_int_eq(gsm7_unpack(m.parts[1].sm, m.parts[1].sm_len, 6, sept,
				     sizeof(sept), &n), 0);
	ck_assert_uint_eq(n, 300 - 153 + 4);
	ck_assert_uint_eq(sept[n - 1], 0x65);
	seg_msg_free(&m);
	/* a CR may not end a full packed segment: the receiver would take it
	 * for padding (23.038 6.1.2.3.1); it moves to the next part */
	ck_assert_int_eq(seg_split(cat(rep("a", 159), "\r", ""), &o, &m, NULL,
				   0), 0);
	ck_assert_uint_eq(m.count, 2);
	ck_assert_uint_eq(m.parts[0].units, 153);
	ck_assert_uint_eq(m.parts[1].units, 7);
	seg_msg_free(&m);
	ck_assert_int_eq(seg_split(cat(rep("a", 152), "\r", rep("b", 9)), &o,
				   &m, NULL, 0), 0);
	ck_assert_uint_eq(m.count, 2);
	ck_assert_uint_eq(m.parts[0].units, 152);
	ck_assert_uint_eq(m.parts[0].sm_len, 140);
	ck_assert_int_eq(gsm7_unpack(m.parts[1].sm, m.parts[1].sm_len, 6, sept,
				     sizeof(sept), &n), 0);
	ck_assert_uint_eq(n, 10);
	ck_assert_uint_eq(sept[0], '\r');
	seg_msg_free(&m);
	/* unpacked, the same texts take every septet */
	o.packed = false;
	ck_assert_int_eq(seg_count(cat(rep("a", 159), "\r", ""), &o, NULL), 1);
	o.packed = true;
	/* ... but a shorter one keeps its CR */
	ck_assert_int_eq(seg_split(cat(rep("a", 7), "\r", ""), &o, &m, NULL,
				   0), 0);
	ck_assert_int_eq(gsm7_unpack(m.parts[0].sm, m.parts[0].sm_len, 0, sept,
				     sizeof(sept), &n), 0);
	ck_assert_uint_eq(n, 9);
	ck_assert_uint_eq(sept[7], '\r');
	seg_msg_free(&m);
	/* UCS-2 is never packed */
	ck_assert_int_eq(seg_split("Hồ sơ", &o, &m, NULL, 0), 0);
	ck_assert(!m.packed);
	ck_assert_uint_eq(m.parts[0].sm_len, 10);
	seg_msg_free(&m);
	/* 16-bit reference: 8 septet positions of UDH, 152 septets */
	o.concat = SEG_CONCAT_UDH16;
	ck_assert_int_eq(seg_split(rep("a", 304), &o, &m, NULL, 0), 0);
	ck_assert_uint_eq(m.parts[0].sm_len, 140);
	ck_assert_uint_eq(m.parts[1].sm_len, 140);
	seg_msg_free(&m);
}
END_TEST

START_TEST(limits_and_errors)
{
	struct seg_opts o = opts(SEG_CONCAT_UDH8);
	struct seg_msg m;
	char err[160];

	o.max_segments = 2;
	ck_assert_int_eq(seg_split(rep("x", 307), &o, &m, err, sizeof(err)),
			 -EMSGSIZE);
	ck_assert_uint_eq(m.cost, 3);
	ck_assert_ptr_null(m.parts);
	ck_assert_ptr_nonnull(strstr(err, "3 segments"));
	ck_assert_int_eq(seg_split(rep("x", 306), &o, &m, err, sizeof(err)),
			 0);
	seg_msg_free(&m);
	/* 255 at most, whatever the setting */
	o.max_segments = 0;
	ck_assert_int_eq(seg_split(rep("ệ", 67 * 255), &o, &m, err,
				   sizeof(err)), 0);
	ck_assert_uint_eq(m.count, 255);
	seg_msg_free(&m);
	ck_assert_int_eq(seg_split(rep("ệ", 67 * 255 + 1), &o, &m, err,
				   sizeof(err)), -EMSGSIZE);
	/* bad options */
	o.max_segments = 256;
	ck_assert_int_eq(seg_split("x", &o, &m, err, sizeof(err)), -EINVAL);
	o = opts(SEG_CONCAT_UDH8);
	o.enc = TEXT_ENC_LATIN1;
	o.msg_class = 0;
	ck_assert_int_eq(seg_split("x", &o, &m, err, sizeof(err)), -EINVAL);
	o = opts((enum seg_concat)7);
	ck_assert_int_eq(seg_count("x", &o, NULL), -EINVAL);
}
END_TEST

START_TEST(options)
{
	struct seg_opts o = opts(SEG_CONCAT_UDH8);
	struct seg_msg m;
	struct text_plan plan;
	enum seg_concat c;
	/* 40 characters with diacritics: 1 GSM-7 segment folded, 1 UCS-2 */
	const char *vi = "Hồ sơ của bạn đang được xử lý, hẹn trả 20/08.";

	o.fold = true;
	ck_assert_int_eq(seg_split(vi, &o, &m, NULL, 0), 0);
	ck_assert_str_eq(m.text, "Ho so cua ban dang duoc xu ly, hen tra 20/08.");
	ck_assert_uint_eq(m.dc, 0);
	seg_msg_free(&m);
	o.fold = false;
	ck_assert_int_eq(seg_count(vi, &o, &plan), 1);
	ck_assert_int_eq(plan.enc, TEXT_ENC_UCS2);
	/* the same text, longer: folding saves segments */
	ck_assert_int_eq(seg_count(rep(vi, 4), &o, NULL), 3);
	o.fold = true;
	ck_assert_int_eq(seg_count(rep(vi, 4), &o, NULL), 2);
	/* per-message override: UCS-2 even though it fits GSM-7 */
	o.enc = TEXT_ENC_UCS2;
	ck_assert_int_eq(seg_split("abc", &o, &m, NULL, 0), 0);
	ck_assert_uint_eq(m.dc, 8);
	ck_assert_uint_eq(m.parts[0].sm_len, 6);
	seg_msg_free(&m);
	/* flash SMS */
	o = opts(SEG_CONCAT_UDH8);
	o.msg_class = 0;
	ck_assert_int_eq(seg_split("abc", &o, &m, NULL, 0), 0);
	ck_assert_uint_eq(m.dc, 0xF0);
	seg_msg_free(&m);
	ck_assert_int_eq(seg_split("ệ", &o, &m, NULL, 0), 0);
	ck_assert_uint_eq(m.dc, 0x18);
	seg_msg_free(&m);
	/* the 8-bit reference is the low byte */
	o = opts(SEG_CONCAT_UDH8);
	ck_assert_int_eq(seg_split(rep("z", 200), &o, &m, NULL, 0), 0);
	ck_assert_uint_eq(m.parts[0].sm[3], 0x34);
	seg_msg_free(&m);
	ck_assert_int_eq(seg_concat_parse("udh16", &c), 0);
	ck_assert_int_eq(c, SEG_CONCAT_UDH16);
	ck_assert_int_eq(seg_concat_parse("udh", &c), -EINVAL);
	ck_assert_str_eq(seg_concat_name(SEG_CONCAT_PAYLOAD), "payload");
}
END_TEST

START_TEST(truncate)
{
	struct seg_opts o = opts(SEG_CONCAT_UDH8);
	char out[4096];
	const char *words = rep("lorem ipsum ", 60);	/* 720 septets */

	ck_assert_int_eq(seg_truncate("short", &o, 1, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "short");
	ck_assert_int_eq(seg_truncate(words, &o, 1, out, sizeof(out)), 1);
	ck_assert_int_eq(seg_count(out, &o, NULL), 1);
	ck_assert_uint_le(strlen(out), 160);
	ck_assert_uint_ge(strlen(out), 150);
	ck_assert_ptr_nonnull(strstr(out, "m..."));	/* ends a word */
	ck_assert_int_eq(strncmp(out, words, strlen(out) - 3), 0);
	ck_assert_int_eq(seg_truncate(words, &o, 2, out, sizeof(out)), 1);
	ck_assert_int_eq(seg_count(out, &o, NULL), 2);
	ck_assert_uint_ge(strlen(out), 295);
	/* one long word: cut between characters */
	ck_assert_int_eq(seg_truncate(rep("ệ", 300), &o, 1, out, sizeof(out)),
			 1);
	ck_assert_str_eq(out, cat(rep("ệ", 67), "...", ""));
	ck_assert_int_eq(seg_count(out, &o, NULL), 1);
	/* with folding the cut is measured on what is sent */
	o.fold = true;
	ck_assert_int_eq(seg_truncate(rep("ệ", 300), &o, 1, out, sizeof(out)),
			 1);
	ck_assert_str_eq(out, cat(rep("ệ", 157), "...", ""));
	ck_assert_int_eq(seg_truncate(words, &o, 1, out, 10), -ENOSPC);
	ck_assert_int_eq(seg_truncate(words, &o, 0, out, sizeof(out)), -EINVAL);
}
END_TEST

/* Property: over random texts and every method, the parts respect their
 * capacity, carry their own text, and decode back to the whole text. */
START_TEST(random_texts)
{
	static const char *const pieces[] = {
		"a", "b ", "Z", "0", "€", "[", "]", "{", "}", "~", "^", "\\",
		"|", "ệ", "đ", "😀", "\n", "@", "ü", "Ω", "\r",
	};
	unsigned seed = 1234;

	for (int iter = 0; iter < 600; iter++) {
		char text[4096], joined[8192];
		size_t o = 0, len = (size_t)rand_r(&seed) % 700;
		struct seg_opts so = opts((enum seg_concat)(iter % 4));
		struct seg_msg m;
		size_t jo = 0;

		while (o < len) {
			const char *p = pieces[(size_t)rand_r(&seed) %
					       (sizeof(pieces) /
						sizeof(pieces[0]))];

			memcpy(text + o, p, strlen(p));
			o += strlen(p);
		}
		text[o] = '\0';
		so.fold = iter % 5 == 0;
		so.packed = iter % 3 == 0;
		ck_assert_int_eq(seg_split(text, &so, &m, NULL, 0), 0);
		ck_assert_int_eq(seg_count(text, &so, NULL), (int)m.cost);
		for (unsigned i = 0; i < m.count; i++) {
			const struct seg_part *p = &m.parts[i];
			size_t cap = seg_capacity(m.plan.enc, so.concat,
						  m.count > 1);

			if (!p->in_payload) {
				ck_assert_uint_le(p->units, cap);
				if (m.packed)
					ck_assert_uint_le(p->sm_len, 140);
				ck_assert_uint_le(p->sm_len, 254);
				if (m.packed || m.plan.enc != TEXT_ENC_GSM7)
					ck_assert_uint_le(p->sm_len, 140);
			}
			memcpy(joined + jo, p->text, strlen(p->text));
			jo += strlen(p->text);
		}
		joined[jo] = '\0';
		ck_assert_str_eq(joined, m.text);
		seg_msg_free(&m);
	}
}
END_TEST

Suite *suite_segment(void)
{
	Suite *s = suite_create("segment");
	TCase *tc = tcase_create("boundaries");

	tcase_add_test(tc, capacities);
	tcase_add_test(tc, gsm7_boundaries);
	tcase_add_test(tc, escape_pair_bytes);
	tcase_add_test(tc, ucs2_boundaries);
	tcase_add_test(tc, surrogate_pair_bytes);
	suite_add_tcase(s, tc);
	tc = tcase_create("methods");
	tcase_add_test(tc, udh_bytes);
	tcase_add_test(tc, sar);
	tcase_add_test(tc, payload);
	tcase_add_test(tc, packed);
	tcase_add_test(tc, limits_and_errors);
	tcase_add_test(tc, options);
	tcase_add_test(tc, truncate);
	tcase_add_test(tc, random_texts);
	suite_add_tcase(s, tc);
	return s;
}
