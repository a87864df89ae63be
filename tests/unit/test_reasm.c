/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reassembly: UDH 8- and 16-bit references, SAR TLVs, other IEIs skipped,
 * malformed UDHs refused without reading past the buffer, parts out of
 * order, duplicates, conflicts, joins across parts (GSM-7 escapes and
 * surrogate pairs split by careless senders, mixed data codings), the
 * incomplete join of the timeout case, the "<dc>:<hex>" form, the keyed
 * set, and a round trip: seg_split() -> submit_sm PDUs on the wire ->
 * decode -> shuffled, duplicated -> joined == the text.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smpp/reasm.h"
#include "text/segment.h"
#include "text/text.h"
#include "smpp/smpp_pdu.h"

Suite *suite_reasm(void);

/* A deliver_sm whose short_message is a heap copy of exactly n bytes, so
 * that ASan sees any read past it. Free pdu->short_message after use. */
static void mo(struct smpp_pdu *p, uint8_t esm, uint8_t dc, const uint8_t *sm,
	       size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);

	if (n)
		memcpy(copy, sm, n);
	smpp_pdu_init(p, SMPP_DELIVER_SM, 0, 1);
	p->esm_class = esm;
	p->data_coding = dc;
	p->sm_length = (uint8_t)n;
	p->short_message = copy;
}

static void mo_free(struct smpp_pdu *p)
{
	free((void *)p->short_message);
}

START_TEST(parse_udh8_udh16)
{
	static const uint8_t u8[] = { 5, 0, 3, 0x2A, 3, 2, 'h', 'i' };
	static const uint8_t u16[] = { 6, 8, 4, 0x12, 0x34, 2, 1, 'y', 'o' };
	struct smpp_pdu p;
	struct reasm_info in;
	char err[128];

	mo(&p, 0x40, 0, u8, sizeof(u8));
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), 0);
	ck_assert_int_eq(in.kind, REASM_UDH8);
	ck_assert_uint_eq(in.ref, 0x2A);
	ck_assert_uint_eq(in.total, 3);
	ck_assert_uint_eq(in.seq, 2);
	ck_assert_uint_eq(in.udh_len, 6);
	ck_assert_uint_eq(in.len, 2);
	ck_assert_mem_eq(in.data, "hi", 2);
	ck_assert(!in.in_payload);
	mo_free(&p);
	mo(&p, 0x43, 0, u16, sizeof(u16));	/* other esm bits kept apart */
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), 0);
	ck_assert_int_eq(in.kind, REASM_UDH16);
	ck_assert_uint_eq(in.ref, 0x1234);
	ck_assert_uint_eq(in.total, 2);
	ck_assert_uint_eq(in.seq, 1);
	ck_assert_uint_eq(in.udh_len, 7);
	ck_assert_mem_eq(in.data, "yo", 2);
	mo_free(&p);
}
END_TEST

START_TEST(parse_other_ieis)
{
	/* port addressing (0x05), national language shift (0x24), then the
	 * concatenation IE */
	static const uint8_t sm[] = { 0x0E, 0x05, 0x04, 0x0B, 0x84, 0x23,
				      0xF0, 0x24, 0x01, 0x00, 0x00, 0x03,
				      0x07, 0x02, 0x01, 'x' };
	/* two concatenation IEs: the last one wins */
	static const uint8_t two[] = { 10, 0, 3, 1, 2, 1, 0, 3, 9, 4, 4, 'z' };
	/* a UDH without concatenation */
	static const uint8_t port[] = { 6, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0,
					'p' };
	struct smpp_pdu p;
	struct reasm_info in;

	mo(&p, 0x40, 0, sm, sizeof(sm));
	ck_assert_int_eq(reasm_parse(&p, &in, NULL, 0), 0);
	ck_assert_int_eq(in.kind, REASM_UDH8);
	ck_assert_uint_eq(in.ref, 7);
	ck_assert_uint_eq(in.udh_len, 15);
	ck_assert_uint_eq(in.len, 1);
	mo_free(&p);
	mo(&p, 0x40, 0, two, sizeof(two));
	ck_assert_int_eq(reasm_parse(&p, &in, NULL, 0), 0);
	ck_assert_uint_eq(in.ref, 9);
	ck_assert_uint_eq(in.seq, 4);
	mo_free(&p);
	mo(&p, 0x40, 0, port, sizeof(port));
	ck_assert_int_eq(reasm_parse(&p, &in, NULL, 0), 0);
	ck_assert_int_eq(in.kind, REASM_SINGLE);
	ck_assert_uint_eq(in.total, 1);
	ck_assert_uint_eq(in.len, 1);
	mo_free(&p);
	/* no UDHI: the same bytes are text */
	mo(&p, 0x00, 0, port, sizeof(port));
	ck_assert_int_eq(reasm_parse(&p, &in, NULL, 0), 0);
	ck_assert_int_eq(in.kind, REASM_SINGLE);
	ck_assert_uint_eq(in.len, sizeof(port));
	mo_free(&p);
}
END_TEST

START_TEST(parse_sar_and_payload)
{
	static const uint8_t ref[2] = { 0x01, 0x02 }, tot[1] = { 3 },
			     seq[1] = { 3 }, bad_seq[1] = { 2 };
	static const uint8_t u8[] = { 5, 0, 3, 9, 3, 3, 'q' };
	uint8_t pl[300];
	struct smpp_pdu p;
	struct reasm_info in;
	char err[128];

	mo(&p, 0, 8, (const uint8_t *)"\0a", 2);
	smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_MSG_REF_NUM, 2, ref);
	smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_TOTAL_SEGMENTS, 1, tot);
	smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_SEGMENT_SEQNUM, 1, seq);
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), 0);
	ck_assert_int_eq(in.kind, REASM_SAR);
	ck_assert_uint_eq(in.ref, 0x0102);
	ck_assert_uint_eq(in.total, 3);
	ck_assert_uint_eq(in.seq, 3);
	ck_assert_uint_eq(in.dc, 8);
	mo_free(&p);
	/* only two of the three */
	mo(&p, 0, 0, (const uint8_t *)"a", 1);
	smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_MSG_REF_NUM, 2, ref);
	smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_TOTAL_SEGMENTS, 1, tot);
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "SAR"));
	mo_free(&p);
	/* UDH and SAR agree / disagree */
	mo(&p, 0x40, 0, u8, sizeof(u8));
	smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_MSG_REF_NUM, 2, ref);
	smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_TOTAL_SEGMENTS, 1, tot);
	smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_SEGMENT_SEQNUM, 1, seq);
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), 0);
	ck_assert_int_eq(in.kind, REASM_UDH8);
	p.tlv[2].val = bad_seq;
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), -EBADMSG);
	mo_free(&p);
	/* message_payload: one whole message */
	memset(pl, 'w', sizeof(pl));
	mo(&p, 0, 0, NULL, 0);
	smpp_pdu_add_tlv(&p, SMPP_TLV_MESSAGE_PAYLOAD, sizeof(pl), pl);
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), 0);
	ck_assert_int_eq(in.kind, REASM_PAYLOAD);
	ck_assert(in.in_payload);
	ck_assert_uint_eq(in.len, sizeof(pl));
	ck_assert_uint_eq(in.total, 1);
	/* ... or a part of one, with a UDH inside the payload */
	memcpy(pl, u8, 6);
	p.esm_class = 0x40;
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), 0);
	ck_assert_int_eq(in.kind, REASM_UDH8);
	ck_assert(in.in_payload);
	ck_assert_uint_eq(in.len, sizeof(pl) - 6);
	mo_free(&p);
}
END_TEST

/* A data_sm without message_payload carries no short_message either
 * (short_message NULL): an empty message, its data never NULL + 0 nor a
 * NULL for the text decoder (clang's UBSan); with UDHI set, refused. */
START_TEST(data_sm_without_payload)
{
	struct smpp_pdu p;
	struct reasm_info in;
	char err[128], text[16] = "x";

	smpp_pdu_init(&p, SMPP_DATA_SM, 0, 1);
	ck_assert_ptr_null(p.short_message);
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), 0);
	ck_assert_int_eq(in.kind, REASM_SINGLE);
	ck_assert_uint_eq(in.total, 1);
	ck_assert_uint_eq(in.len, 0);
	ck_assert_ptr_nonnull(in.data);
	reasm_info_text(&in, false, text, sizeof(text));
	ck_assert_str_eq(text, "");
	/* an empty payload TLV is the same */
	smpp_pdu_add_tlv(&p, SMPP_TLV_MESSAGE_PAYLOAD, 0, NULL);
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(in.data);
	ck_assert_uint_eq(in.len, 0);
	p.esm_class = 0x40;
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err, "no user data"));
}
END_TEST

START_TEST(parse_malformed)
{
	static const struct {
		const char *what;
		uint8_t sm[8];
		size_t n;
	} t[] = {
		{ "no user data", { 0 }, 0 },
		{ "UDHL past the end", { 5, 0, 3, 1, 2 }, 5 },
		{ "UDHL past the end", { 0xFF, 0, 3, 1, 2, 1, 'a' }, 7 },
		{ "IE past the UDH", { 3, 0, 5, 1 }, 4 },
		{ "IE header past the UDH", { 1, 0 }, 2 },
		{ "IE header past the UDH", { 4, 0, 3, 1, 2 }, 5 },
		{ "concat IE of length 2", { 4, 0, 2, 1, 2 }, 5 },
		{ "16-bit IE of length 3", { 5, 8, 3, 1, 2, 1 }, 6 },
		{ "total 0", { 5, 0, 3, 1, 0, 1 }, 6 },
		{ "seq 0", { 5, 0, 3, 1, 2, 0 }, 6 },
		{ "seq > total", { 5, 0, 3, 1, 2, 3 }, 6 },
		{ "16-bit seq > total", { 6, 8, 4, 0, 1, 2, 3 }, 7 },
	};
	static const uint8_t ref[2] = { 0, 1 }, zero[1] = { 0 }, one[1] = { 1 };
	struct smpp_pdu p;
	struct reasm_info in;
	char err[128];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = '\0';
		mo(&p, 0x40, 0, t[i].sm, t[i].n);
		ck_assert_msg(reasm_parse(&p, &in, err, sizeof(err)) ==
				      -EBADMSG,
			      "%s accepted", t[i].what);
		ck_assert_msg(err[0], "%s: no reason", t[i].what);
		mo_free(&p);
	}
	/* SAR total 0, seq past total */
	mo(&p, 0, 0, (const uint8_t *)"a", 1);
	smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_MSG_REF_NUM, 2, ref);
	smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_TOTAL_SEGMENTS, 1, zero);
	smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_SEGMENT_SEQNUM, 1, one);
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), -EBADMSG);
	p.tlv[1].val = one;
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), 0);
	p.tlv[2].val = zero;
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), -EBADMSG);
	/* a SAR TLV of the wrong size */
	p.tlv[2].val = one;
	p.tlv[0].len = 1;
	ck_assert_int_eq(reasm_parse(&p, &in, err, sizeof(err)), -EBADMSG);
	mo_free(&p);
}
END_TEST

START_TEST(parse_fuzz)
{
	unsigned seed = 31337;

	/* random UDHs in exactly-sized buffers: refused or read in bounds */
	for (int iter = 0; iter < 20000; iter++) {
		uint8_t sm[24];
		size_t n = (size_t)rand_r(&seed) % sizeof(sm);
		struct smpp_pdu p;
		struct reasm_info in;
		uint8_t out[32];
		size_t olen;

		for (size_t i = 0; i < n; i++)
			sm[i] = (uint8_t)(rand_r(&seed) %
					  (i == 0 ? 24 : i < 3 ? 10 : 256));
		mo(&p, 0x40, (uint8_t)(rand_r(&seed) & 0xFF), sm, n);
		if (reasm_parse(&p, &in, NULL, 0) == 0) {
			ck_assert_uint_le(in.udh_len + in.len, n);
			ck_assert(in.seq >= 1 && in.seq <= in.total);
			ck_assert_int_eq(reasm_part_bytes(&in, iter & 1, out,
							  sizeof(out), &olen),
					 0);
		}
		mo_free(&p);
	}
}
END_TEST

START_TEST(assemble_out_of_order)
{
	struct reasm *r = reasm_new(3);
	char *s, miss[16];

	ck_assert_ptr_null(reasm_new(0));
	ck_assert_int_eq(reasm_add(r, 3, 0, (const uint8_t *)"C", 1), 0);
	ck_assert_int_eq(reasm_add(r, 1, 0, (const uint8_t *)"A", 1), 0);
	ck_assert(!reasm_complete(r));
	reasm_missing(r, miss, sizeof(miss));
	ck_assert_str_eq(miss, "2");
	/* duplicates: the same is ignored, a different one refused */
	ck_assert_int_eq(reasm_add(r, 1, 0, (const uint8_t *)"A", 1), 1);
	ck_assert_int_eq(reasm_add(r, 1, 0, (const uint8_t *)"X", 1), -EEXIST);
	ck_assert_int_eq(reasm_add(r, 1, 8, (const uint8_t *)"A", 1), -EEXIST);
	ck_assert_int_eq(reasm_add(r, 0, 0, (const uint8_t *)"A", 1), -ERANGE);
	ck_assert_int_eq(reasm_add(r, 4, 0, (const uint8_t *)"A", 1), -ERANGE);
	ck_assert_uint_eq(reasm_have(r), 2);
	/* the timeout case: join what arrived */
	ck_assert_int_eq(reasm_join(r, NULL, &s), 0);
	ck_assert_str_eq(s, "A…C");
	free(s);
	ck_assert_int_eq(reasm_join(r, "[?]", &s), 0);
	ck_assert_str_eq(s, "A[?]C");
	free(s);
	ck_assert_int_eq(reasm_add(r, 2, 0, (const uint8_t *)"B", 1), 0);
	ck_assert(reasm_complete(r));
	ck_assert(reasm_has(r, 2));
	ck_assert(!reasm_has(r, 4));
	ck_assert_uint_eq(reasm_total(r), 3);
	ck_assert_int_eq(reasm_join(r, NULL, &s), 0);
	ck_assert_str_eq(s, "ABC");
	free(s);
	reasm_free(r);
}
END_TEST

START_TEST(join_across_parts)
{
	struct reasm *r = reasm_new(2);
	char *s;
	uint8_t b[16];
	size_t n;

	/* a GSM-7 escape split from its code */
	reasm_add(r, 1, 0, (const uint8_t *)"5\x1B", 2);
	reasm_add(r, 2, 0xF0, (const uint8_t *)"\x65!", 2);
	ck_assert_int_eq(reasm_join(r, NULL, &s), 0);
	ck_assert_str_eq(s, "5€!");
	free(s);
	reasm_free(r);
	/* a surrogate pair split in two, and an odd octet split */
	r = reasm_new(3);
	reasm_add(r, 1, 8, (const uint8_t *)"\x00\x61\xD8\x3D", 4);
	reasm_add(r, 2, 8, (const uint8_t *)"\xDE\x00\x00", 3);
	reasm_add(r, 3, 8, (const uint8_t *)"\x62", 1);
	ck_assert_int_eq(reasm_join(r, NULL, &s), 0);
	ck_assert_str_eq(s, "a😀b");
	free(s);
	reasm_free(r);
	/* each part in its own data coding */
	r = reasm_new(3);
	ck_assert_int_eq(ucs2_encode("cứu ", b, sizeof(b), &n), 0);
	reasm_add(r, 2, 8, b, n);
	reasm_add(r, 1, 0, (const uint8_t *)"Tra ", 4);
	reasm_add(r, 3, 3, (const uint8_t *)"caf\xE9", 4);
	ck_assert_int_eq(reasm_join(r, NULL, &s), 0);
	ck_assert_str_eq(s, "Tra cứu café");
	free(s);
	reasm_free(r);
	/* an empty part and a missing one */
	r = reasm_new(3);
	reasm_add(r, 1, 0, NULL, 0);
	reasm_add(r, 3, 0, (const uint8_t *)"z", 1);
	ck_assert_int_eq(reasm_join(r, "..", &s), 0);
	ck_assert_str_eq(s, "..z");
	free(s);
	reasm_free(r);
}
END_TEST

START_TEST(serialised_parts)
{
	uint8_t data[8], dc;
	size_t n;
	char s[32];

	ck_assert_int_eq(reasm_part_encode(8, (const uint8_t *)"\x00\x54\x1E\xC7",
					   4, s, sizeof(s)), 10);
	ck_assert_str_eq(s, "8:00541ec7");
	ck_assert_int_eq(reasm_part_decode(s, &dc, data, sizeof(data), &n), 0);
	ck_assert_uint_eq(dc, 8);
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(data, "\x00\x54\x1E\xC7", 4);
	ck_assert_int_eq(reasm_part_encode(240, NULL, 0, s, sizeof(s)), 4);
	ck_assert_str_eq(s, "240:");
	ck_assert_int_eq(reasm_part_decode("240:", &dc, data, sizeof(data), &n),
			 0);
	ck_assert_uint_eq(dc, 240);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(reasm_part_decode("0:6162FF", &dc, data, sizeof(data),
					   &n), 0);
	ck_assert_uint_eq(data[2], 0xFF);
	ck_assert_int_eq(reasm_part_encode(0, data, 8, s, 20), -ENOSPC);
	ck_assert_int_eq(reasm_part_decode("0:616263", &dc, data, 2, &n),
			 -ENOSPC);
	static const char *const bad[] = { "", "8", "8:0", "8:zz", "256:00",
					   "x:00", ":00", "1234:00", "8;00" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(reasm_part_decode(bad[i], &dc, data,
						sizeof(data), &n) == -EINVAL,
			      "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(packed_part)
{
	/* a packed GSM-7 part behind an 8-bit UDH */
	static const uint8_t sm[] = { 0x05, 0x00, 0x03, 0x2A, 0x02, 0x01,
				      0xD0, 0x65, 0x36, 0xFB, 0x0D };
	struct smpp_pdu p;
	struct reasm_info in;
	uint8_t out[32];
	size_t n;
	char text[32];

	mo(&p, 0x40, 0, sm, sizeof(sm));
	ck_assert_int_eq(reasm_parse(&p, &in, NULL, 0), 0);
	ck_assert_int_eq(reasm_part_bytes(&in, true, out, sizeof(out), &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_mem_eq(out, "hello", 5);
	reasm_info_text(&in, true, text, sizeof(text));
	ck_assert_str_eq(text, "hello");
	/* unpacked: the raw octets after the UDH */
	ck_assert_int_eq(reasm_part_bytes(&in, false, out, sizeof(out), &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(out[0], 0xD0);
	ck_assert_int_eq(reasm_part_bytes(&in, false, out, 2, &n), -ENOSPC);
	/* "packed" leaves UCS-2 alone */
	p.data_coding = 8;
	ck_assert_int_eq(reasm_parse(&p, &in, NULL, 0), 0);
	ck_assert_int_eq(reasm_part_bytes(&in, true, out, sizeof(out), &n), 0);
	ck_assert_uint_eq(n, 5);
	mo_free(&p);
}
END_TEST

START_TEST(keyed_set)
{
	struct reasm_set *set = reasm_set_new();
	struct reasm_info a = { .kind = REASM_UDH8, .ref = 7, .total = 2 };
	struct reasm_info b = { .kind = REASM_UDH16, .ref = 7, .total = 2 };
	struct reasm *ma, *mb, *it;
	char ka[64], kb[64], *s;
	int n = 0;

	reasm_key(&a, "84912345678", "8088", ka, sizeof(ka));
	reasm_key(&b, "84912345678", "8088", kb, sizeof(kb));
	ck_assert_str_eq(ka, "84912345678|8088|udh8|7|2");
	ck_assert_str_eq(kb, "84912345678|8088|udh16|7|2");
	a.seq = 2;
	ck_assert_int_eq(reasm_set_add(set, ka, &a, (const uint8_t *)"2", 1,
				       100, &ma), 0);
	b.seq = 1;
	ck_assert_int_eq(reasm_set_add(set, kb, &b, (const uint8_t *)"x", 1,
				       200, &mb), 0);
	ck_assert_ptr_ne(ma, mb);
	ck_assert_int_eq(reasm_set_add(set, ka, &a, (const uint8_t *)"2", 1,
				       300, &it), 1);
	ck_assert_ptr_eq(it, ma);
	for (it = reasm_set_next(set, NULL); it; it = reasm_set_next(set, it))
		n++;
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(reasm_msg_key(ma), ka);
	ck_assert_int_eq(reasm_msg_info(mb)->kind, REASM_UDH16);
	ck_assert_int_eq(reasm_msg_started(mb), 200);
	/* timeouts: the oldest first */
	ck_assert_ptr_null(reasm_set_expired(set, 100));
	ck_assert_ptr_eq(reasm_set_expired(set, 101), ma);
	a.seq = 1;
	ck_assert_int_eq(reasm_set_add(set, ka, &a, (const uint8_t *)"1", 1,
				       400, &it), 0);
	ck_assert(reasm_complete(it));
	ck_assert_int_eq(reasm_join(it, NULL, &s), 0);
	ck_assert_str_eq(s, "12");
	free(s);
	reasm_set_remove(set, it);
	ck_assert_ptr_eq(reasm_set_expired(set, 1000), mb);
	reasm_set_remove(set, mb);
	ck_assert_ptr_null(reasm_set_next(set, NULL));
	/* a message left in the set is freed with it */
	ck_assert_int_eq(reasm_set_add(set, kb, &b, (const uint8_t *)"x", 1,
				       500, &mb), 0);
	reasm_set_free(set);
}
END_TEST

/* Collapses runs of CR in place: packed GSM-7 doubles a CR that ends a
 * part on an octet boundary (TS 23.038 6.1.2.3.1; shown once). */
static void collapse_cr(char *s)
{
	char *o = s;

	for (const char *p = s; *p; p++)
		if (!(*p == '\r' && o > s && o[-1] == '\r'))
			*o++ = *p;
	*o = '\0';
}

/* Encodes a part as a submit_sm, decodes it from the wire, parses it. */
static void wire_part(const struct seg_msg *m, const struct seg_part *part,
		      uint8_t *wire, size_t cap, struct smpp_pdu *out,
		      struct reasm_info *in)
{
	struct smpp_pdu p;
	uint8_t sar_ref[2] = { (uint8_t)(part->sar_ref >> 8),
			       (uint8_t)part->sar_ref };
	size_t len;
	uint32_t status;
	char err[128];

	smpp_pdu_init(&p, SMPP_SUBMIT_SM, 0, 7);
	strcpy(p.source_addr, "8088");
	strcpy(p.destination_addr, "84912345678");
	p.esm_class = part->esm_class;
	p.data_coding = m->dc;
	if (part->in_payload) {
		ck_assert_int_eq(smpp_pdu_add_tlv(&p, SMPP_TLV_MESSAGE_PAYLOAD,
						  (uint16_t)part->sm_len,
						  part->sm), 0);
	} else {
		p.sm_length = (uint8_t)part->sm_len;
		p.short_message = part->sm;
	}
	if (part->sar) {
		smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_MSG_REF_NUM, 2, sar_ref);
		smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_TOTAL_SEGMENTS, 1,
				 &part->sar_total);
		smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_SEGMENT_SEQNUM, 1,
				 &part->sar_seq);
	}
	ck_assert_int_eq(smpp_pdu_encode(&p, wire, cap, &len, err,
					 sizeof(err)), 0);
	ck_assert_int_eq(smpp_pdu_decode(wire, len, out, &status, err,
					 sizeof(err)), 0);
	ck_assert_int_eq(reasm_parse(out, in, err, sizeof(err)), 0);
}

START_TEST(roundtrip_through_the_wire)
{
	static const char *const pieces[] = {
		"Ho so ", "đang ", "xử lý", "€", "[", "}", "😀", "\n", "a",
		"TRACUU ", "000.00.19.H56-250806-0001 ", "~", "Ω", "\r",
	};
	unsigned seed = 2025;

	for (int iter = 0; iter < 400; iter++) {
		char text[3000], key[128], *joined;
		size_t o = 0, len = 1 + (size_t)rand_r(&seed) % 900;
		struct seg_opts so;
		struct seg_msg m;
		struct reasm_set *set = reasm_set_new();
		struct reasm *msg = NULL;
		unsigned order[SEG_MAX_PARTS + 1], cnt;

		while (o < len) {
			const char *p = pieces[(size_t)rand_r(&seed) %
					       (sizeof(pieces) /
						sizeof(pieces[0]))];

			memcpy(text + o, p, strlen(p));
			o += strlen(p);
		}
		text[o] = '\0';
		seg_opts_init(&so);
		so.concat = (enum seg_concat)(iter % 4);
		so.packed = (iter / 4) % 2;
		so.fold = (iter / 8) % 2;
		so.ref = (uint16_t)rand_r(&seed);
		ck_assert_int_eq(seg_split(text, &so, &m, NULL, 0), 0);
		/* send order: shuffled, one part twice */
		cnt = m.count;
		for (unsigned i = 0; i < cnt; i++)
			order[i] = i;
		for (unsigned i = cnt - 1; i > 0; i--) {
			unsigned j = (unsigned)rand_r(&seed) % (i + 1), t;

			t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		order[cnt] = order[0];
		for (unsigned k = 0; k <= cnt; k++) {
			const struct seg_part *part = &m.parts[order[k]];
			static uint8_t wire[70000], bytes[70000];
			struct smpp_pdu pdu;
			struct reasm_info in;
			size_t n;
			int rc;

			wire_part(&m, part, wire, sizeof(wire), &pdu, &in);
			ck_assert_uint_eq(in.total, cnt);
			ck_assert_uint_eq(in.seq, part->seq);
			ck_assert_int_eq(reasm_part_bytes(&in, m.packed, bytes,
							  sizeof(bytes), &n),
					 0);
			reasm_key(&in, pdu.destination_addr, pdu.source_addr,
				  key, sizeof(key));
			rc = reasm_set_add(set, key, &in, bytes, n, k, &msg);
			ck_assert_int_eq(rc, k == cnt ? 1 : 0);
		}
		ck_assert(reasm_complete(msg));
		ck_assert_int_eq(reasm_join(msg, NULL, &joined), 0);
		if (m.packed) {
			collapse_cr(joined);
			collapse_cr(m.text);
		}
		ck_assert_str_eq(joined, m.text);
		free(joined);
		reasm_set_free(set);
		seg_msg_free(&m);
	}
}
END_TEST

Suite *suite_reasm(void)
{
	Suite *s = suite_create("reasm");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, parse_udh8_udh16);
	tcase_add_test(tc, parse_other_ieis);
	tcase_add_test(tc, parse_sar_and_payload);
	tcase_add_test(tc, data_sm_without_payload);
	tcase_add_test(tc, parse_malformed);
	tcase_add_test(tc, parse_fuzz);
	suite_add_tcase(s, tc);
	tc = tcase_create("assemble");
	tcase_add_test(tc, assemble_out_of_order);
	tcase_add_test(tc, join_across_parts);
	tcase_add_test(tc, serialised_parts);
	tcase_add_test(tc, packed_part);
	tcase_add_test(tc, keyed_set);
	tcase_add_test(tc, roundtrip_through_the_wire);
	suite_add_tcase(s, tc);
	return s;
}
