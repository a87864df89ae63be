/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: text decoding, encoding, segmentation and paging
 * (text/text.h, text/segment.h, text/paging.h).
 *
 * Input: six option bytes, then the text (the octets of a short_message
 * for the decoders; as a C string, up to its first NUL, for the rest).
 * Properties (abort when broken):
 *
 *  - every decoder, for every kind of data_coding, writes valid UTF-8 in its
 *    buffer, also when the buffer is too small (never half a character);
 *  - text_fold() writes valid UTF-8 no longer than its input;
 *  - round trips that must hold do: GSM-7 (septets) for a text that
 *    encodes, except that ç comes back as Ç (one code, TS 23.038); GSM-7
 *    packing for any septets (with or without a UDH); UCS-2, Latin-1 and
 *    IA5 for a text that encodes;
 *  - gsm7_septets() and ucs2_units() count what the encoders write;
 *  - text_choose() plans what text_encode() can write;
 *  - seg_split(): parts within an SMS (254 octets, or the payload), as
 *    many as it says, their texts together the whole text; seg_truncate()
 *    fits the segments asked for;
 *  - page_split(): every page fits a USSD screen with its "more" line,
 *    and nothing but blanks is lost.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "text/paging.h"
#include "text/segment.h"
#include "text/text.h"

#define MAX_TEXT 2048		/* longer adds nothing but time */

static void valid_out(const char *what, const char *out, size_t n,
		      size_t cap)
{
	if (!cap)
		return;
	if (n >= cap || strlen(out) != n)
		fz_fail("%s: length %zu, strlen %zu, cap %zu", what, n,
			strlen(out), cap);
	if (!utf8_valid(out))
		fz_fail("%s: not UTF-8", what);
}

/* Every decoder on the raw octets, in a roomy and in a small buffer: a
 * data_coding of every group text_dc_parse() tells apart (all 256 would
 * cost 256 decodes an input for the same code), and the input's own. */
static void decoders(const uint8_t *in, size_t n, size_t small, uint8_t dc)
{
	const uint8_t dcs[] = {
		0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x0F, 0x10, 0x13,
		0x14, 0x18, 0x1C, 0x20, 0x30, 0x38, 0x80, 0xC0, 0xD8, 0xE0,
		0xF0, 0xF3, 0xF4, dc,
	};
	static char out[4 * MAX_TEXT * 2 + 16];
	char tiny[64];
	size_t r;

	for (size_t i = 0; i < sizeof(dcs); i++) {
		r = text_decode_sm(dcs[i], in, n, out, sizeof(out));
		valid_out("text_decode_sm", out, r, sizeof(out));
		r = text_decode_sm(dcs[i], in, n, tiny, small);
		valid_out("text_decode_sm (small)", tiny, r, small);
	}
	r = gsm7_decode(in, n, out, sizeof(out));
	valid_out("gsm7_decode", out, r, sizeof(out));
	r = ucs2_decode(in, n, tiny, small);
	valid_out("ucs2_decode (small)", tiny, r, small);
}

/* s with every ç as Ç: what a GSM-7 round trip gives back. */
static void cedilla_up(const char *s, char *out)
{
	for (; *s; s++, out++) {
		*out = *s;
		if ((uint8_t)s[0] == 0xC3 && (uint8_t)s[1] == 0xA7) {
			*out++ = s[0];
			*out = (char)0x87;
			s++;
		}
	}
	*out = '\0';
}

static void round_trips(const char *s)
{
	static uint8_t enc[4 * MAX_TEXT + 16];
	static char dec[4 * MAX_TEXT + 16], want[MAX_TEXT + 1];
	size_t len, r;
	long sept;

	if (!utf8_valid(s))
		return;
	sept = gsm7_septets(s);
	if (gsm7_encode(s, enc, sizeof(enc), &len) == 0) {
		if (sept != (long)len)
			fz_fail("gsm7_septets %ld, encoded %zu", sept, len);
		r = gsm7_decode(enc, len, dec, sizeof(dec));
		valid_out("gsm7_decode", dec, r, sizeof(dec));
		cedilla_up(s, want);
		if (strcmp(dec, want) != 0)
			fz_fail("GSM-7 round trip changed the text");
	} else if (sept >= 0) {
		fz_fail("gsm7_septets %ld for a text that does not encode",
			sept);
	}
	if (ucs2_encode(s, enc, sizeof(enc), &len) != 0)
		fz_fail("ucs2_encode failed");
	if (len != 2 * ucs2_units(s))
		fz_fail("ucs2_units %zu, encoded %zu octets", ucs2_units(s),
			len);
	r = ucs2_decode(enc, len, dec, sizeof(dec));
	if (strcmp(dec, s) != 0)
		fz_fail("UCS-2 round trip changed the text");
	if (latin1_encode(s, enc, sizeof(enc), &len) == 0) {
		latin1_decode(enc, len, dec, sizeof(dec));
		if (strcmp(dec, s) != 0)
			fz_fail("Latin-1 round trip changed the text");
	}
	if (ia5_encode(s, enc, sizeof(enc), &len) == 0) {
		ia5_decode(enc, len, dec, sizeof(dec));
		if (strcmp(dec, s) != 0)
			fz_fail("IA5 round trip changed the text");
	}
}

/* Septets packed after a UDH of udh octets and unpacked again. */
static void packing(const uint8_t *in, size_t n, size_t udh)
{
	static uint8_t sept[MAX_TEXT], ud[MAX_TEXT + 16], back[MAX_TEXT + 16];
	size_t len, m;

	for (size_t i = 0; i < n; i++)
		sept[i] = in[i] & 0x7F;
	memset(ud, 0xA5, udh);
	if (gsm7_pack(sept, n, udh, ud, sizeof(ud), &len) != 0)
		fz_fail("gsm7_pack: no room");
	for (size_t i = 0; i < udh; i++)
		if (ud[i] != 0xA5)
			fz_fail("gsm7_pack wrote into the UDH");
	if (gsm7_unpack(ud, len, udh, back, sizeof(back), &m) != 0)
		fz_fail("gsm7_unpack refused what gsm7_pack wrote");
	/* a CR that ends the text on an octet boundary is sent twice, or it
	 * would read as padding (23.038 6.1.2.3.1): the receiver gets both */
	if (n && sept[n - 1] == 0x0D &&
	    (gsm7_udh_septets(udh) + n) % 8 == 0 && m == n + 1 &&
	    back[n] == 0x0D)
		m = n;
	if (m != n || memcmp(back, sept, n) != 0)
		fz_fail("packing round trip: %zu septets back of %zu", m, n);
}

static void choose_and_encode(const char *s, bool fold, enum text_enc want)
{
	static char prepared[MAX_TEXT + 1];
	static uint8_t enc[4 * MAX_TEXT + 16];
	struct text_plan plan;
	size_t len;

	if (text_choose(s, fold, want, &plan, prepared, sizeof(prepared)) != 0)
		fz_fail("text_choose failed");
	if (!utf8_valid(prepared))
		fz_fail("text_choose wrote invalid UTF-8");
	if (text_encode(prepared, plan.enc, enc, sizeof(enc), &len) != 0)
		fz_fail("text_encode cannot write what text_choose chose (%s)",
			text_enc_name(plan.enc));
	if (len != plan.octets)
		fz_fail("planned %zu octets, encoded %zu", plan.octets, len);
}

static void segments(const char *s, const uint8_t *opt)
{
	struct seg_opts o;
	struct seg_msg m;
	char err[160];
	static char joined[4 * MAX_TEXT + 16], cut[MAX_TEXT + 8];
	size_t used = 0;
	int rc;

	seg_opts_init(&o);
	o.fold = opt[0] & 1;
	o.enc = (enum text_enc)((opt[0] >> 1) & 3);
	o.concat = (enum seg_concat)((opt[0] >> 3) & 3);
	o.packed = opt[0] & 0x20;
	o.msg_class = (int)(opt[1] % 5) - 1;
	o.max_segments = opt[2] % 8;
	o.ref = (uint16_t)(opt[3] << 8 | opt[4]);
	rc = seg_split(s, &o, &m, err, sizeof(err));
	if (rc == 0) {
		if (!m.count || !m.parts)
			fz_fail("seg_split: no parts");
		joined[0] = '\0';
		for (unsigned i = 0; i < m.count; i++) {
			const struct seg_part *p = &m.parts[i];
			size_t l = strlen(p->text);

			if (p->seq != i + 1)
				fz_fail("part %u has seq %u", i + 1, p->seq);
			if (!p->in_payload && p->sm_len > 254)
				fz_fail("part of %zu octets", p->sm_len);
			if (used + l < sizeof(joined)) {
				memcpy(joined + used, p->text, l + 1);
				used += l;
			}
		}
		/* a part's text is what its septets read back as: ç is Ç
		 * there (one GSM-7 code, TS 23.038), the whole text keeps
		 * the ç it was given */
		if (m.plan.enc == TEXT_ENC_GSM7) {
			static char want[4 * MAX_TEXT + 16];

			cedilla_up(m.text, want);
			cedilla_up(joined, joined);
			if (strcmp(joined, want) != 0)
				fz_fail("the parts' texts are not the text");
		} else if (strcmp(joined, m.text) != 0) {
			fz_fail("the parts' texts are not the text");
		}
		seg_msg_free(&m);
	} else if (rc != -EMSGSIZE && rc != -EINVAL) {
		fz_fail("seg_split: %d", rc);
	}
	if (o.max_segments &&
	    seg_truncate(s, &o, o.max_segments, cut, sizeof(cut)) >= 0 &&
	    seg_count(cut, &o, NULL) > (int)o.max_segments)
		fz_fail("seg_truncate left more than %u segments",
			o.max_segments);
}

/* What paging may drop where it breaks (paging.c make_page, the page
 * break that replaces blank lines). */
static bool blank(char c)
{
	return c == ' ' || c == '\n' || c == '\r';
}

static void paging(const char *s, const uint8_t *opt)
{
	struct page_opts o = { 0 };
	struct pages pg;
	static char a[MAX_TEXT + 1], b[MAX_TEXT + 1];
	size_t na = 0, nb = 0;

	o.more = (opt[0] & 1) ? "0. Xem tiếp" : "0. More";
	o.enc = (enum text_enc)((opt[0] >> 1) % 3);
	o.gsm7_limit = (opt[0] & 8) ? 20 + opt[1] % 200 : 0;
	o.ucs2_limit = (opt[0] & 8) ? 10 + opt[2] % 100 : 0;
	if (page_split(s, &o, &pg) != 0)
		return;
	for (unsigned i = 0; i < pg.count; i++) {
		const char *p = pg.page[i];
		size_t g = o.gsm7_limit ? o.gsm7_limit : PAGE_USSD_GSM7;
		size_t u = o.ucs2_limit ? o.ucs2_limit : PAGE_USSD_UCS2;
		long sept = gsm7_septets(p);
		bool fits = o.enc == TEXT_ENC_UCS2
				    ? ucs2_units(p) <= u
				    : (sept >= 0 && (size_t)sept <= g) ||
					      (o.enc == TEXT_ENC_AUTO &&
					       ucs2_units(p) <= u);

		if (!fits && o.enc != TEXT_ENC_GSM7)
			fz_fail("page %u of %u does not fit a screen", i + 1,
				pg.count);
		/* the non-blank characters, without the more lines */
		size_t end = strlen(p);

		if (i + 1 < pg.count)
			end -= strlen(o.more) + 1;
		for (size_t k = 0; k < end && nb < MAX_TEXT; k++)
			if (!blank(p[k]))
				b[nb++] = p[k];
	}
	for (const char *p = s; *p && na < MAX_TEXT; p++)
		if (!blank(*p))
			a[na++] = *p;
	if (na != nb || memcmp(a, b, na) != 0)
		fz_fail("paging lost text");
	pages_free(&pg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint8_t opt[6];
	size_t n;
	const uint8_t *in;
	char *s, *folded;

	for (int i = 0; i < 6; i++)
		opt[i] = fz_u8(&f);
	in = fz_rest(&f, &n);
	if (n > MAX_TEXT)
		n = MAX_TEXT;
	decoders(in, n, opt[5] % 64, opt[3]);
	packing(in, n, opt[4] % 8);
	s = fz_strndup(in, n);
	folded = malloc(strlen(s) + 1);
	if (!folded)
		abort();
	n = text_fold(s, folded, strlen(s) + 1);
	valid_out("text_fold", folded, n, strlen(s) + 1);
	free(folded);
	round_trips(s);
	choose_and_encode(s, opt[0] & 1, (enum text_enc)(opt[1] % 4));
	segments(s, opt);
	paging(s, opt + 2);
	free(s);
	return 0;
}
