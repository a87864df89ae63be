/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of the SMPP 3.4 codec and framer (smpp/smpp_pdu.h), and a
 * cross-check against the independent libsmpp34 codec
 * (sim/sim_smpp34.h): exact bytes on the wire, the command_status a
 * refused PDU earns, and no crash on any truncation (ASan watches).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_smpp34.h"
#include "smpp/smpp_pdu.h"
#include "suites.h"

/* --- known byte vectors --------------------------------------------------- */

/* bind_transceiver seq 1: system_id "citizengw", password "secret",
 * system_type "", interface_version 0x34, addr_ton 0, addr_npi 0,
 * address_range "" */
static const uint8_t v_bind_trx[] = {
	0x00, 0x00, 0x00, 0x26, 0x00, 0x00, 0x00, 0x09, /* len 38, id */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, /* status, seq */
	0x63, 0x69, 0x74, 0x69, 0x7a, 0x65, 0x6e, 0x67, 0x77, 0x00,
	0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0x00,	/* "secret" */
	0x00,						/* system_type */
	0x34, 0x00, 0x00,				/* iv, ton, npi */
	0x00,						/* address_range */
};

/* deliver_sm seq 42: a USSD dial "*8088#" from 84912345678 to 8088 with
 * ussd_service_op 1 (PSSR indication) and its_session_info 0x1234 */
static const uint8_t v_deliver_ussd[] = {
	0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x00, 0x05, /* len 69, id */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a, /* status, seq */
	0x55, 0x53, 0x53, 0x44, 0x00,			/* "USSD" */
	0x01, 0x01,					/* src ton/npi */
	0x38, 0x34, 0x39, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38,
	0x00,						/* 84912345678 */
	0x00, 0x00,					/* dst ton/npi */
	0x38, 0x30, 0x38, 0x38, 0x00,			/* "8088" */
	0x00, 0x00, 0x00,				/* esm pid prio */
	0x00, 0x00,					/* sched, valid */
	0x00, 0x00, 0x00, 0x00,				/* reg rep dc def */
	0x06, 0x2a, 0x38, 0x30, 0x38, 0x38, 0x23,	/* 6 "*8088#" */
	0x05, 0x01, 0x00, 0x01, 0x01,			/* ussd_service_op */
	0x13, 0x83, 0x00, 0x02, 0x12, 0x34,		/* its_session_info */
};
#define DELIVER_USSD_MANDATORY_END 58	/* offset of the first TLV */
#define DELIVER_USSD_FIRST_TLV_END 63

/* enquire_link seq 2 */
static const uint8_t v_enquire[] = {
	0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x15,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
};

/* submit_sm_resp seq 7, status 0, message_id "abc123" */
static const uint8_t v_submit_resp[] = {
	0x00, 0x00, 0x00, 0x17, 0x80, 0x00, 0x00, 0x04,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,
	0x61, 0x62, 0x63, 0x31, 0x32, 0x33, 0x00,
};

/* --- helpers ---------------------------------------------------------------- */

/* A byte builder for hand-made (often broken) PDUs. */
struct bb {
	uint8_t b[4096];
	size_t n;
};

static void bb_u8(struct bb *b, uint8_t v)
{
	ck_assert_uint_lt(b->n, sizeof(b->b));
	b->b[b->n++] = v;
}

static void bb_u16(struct bb *b, uint16_t v)
{
	bb_u8(b, (uint8_t)(v >> 8));
	bb_u8(b, (uint8_t)v);
}

static void bb_u32(struct bb *b, uint32_t v)
{
	bb_u16(b, (uint16_t)(v >> 16));
	bb_u16(b, (uint16_t)v);
}

static void bb_bytes(struct bb *b, const void *p, size_t n)
{
	ck_assert_uint_le(b->n + n, sizeof(b->b));
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

/* A C-octet string with its NUL. */
static void bb_cstr(struct bb *b, const char *s)
{
	bb_bytes(b, s, strlen(s) + 1);
}

static void bb_tlv(struct bb *b, uint16_t tag, uint16_t len, const void *v)
{
	bb_u16(b, tag);
	bb_u16(b, len);
	bb_bytes(b, v, len);
}

/* Starts a PDU: header with a length patched by bb_end(). */
static void bb_hdr(struct bb *b, uint32_t id, uint32_t status, uint32_t seq)
{
	b->n = 0;
	bb_u32(b, 0);
	bb_u32(b, id);
	bb_u32(b, status);
	bb_u32(b, seq);
}

static void bb_end(struct bb *b)
{
	b->b[0] = (uint8_t)(b->n >> 24);
	b->b[1] = (uint8_t)(b->n >> 16);
	b->b[2] = (uint8_t)(b->n >> 8);
	b->b[3] = (uint8_t)b->n;
}

/* The mandatory part of a deliver_sm/submit_sm with the given strings. */
static void bb_sm_body(struct bb *b, const char *svc, const char *src,
		       const char *dst, const char *sm)
{
	bb_cstr(b, svc);
	bb_u8(b, 1);
	bb_u8(b, 1);
	bb_cstr(b, src);
	bb_u8(b, 0);
	bb_u8(b, 0);
	bb_cstr(b, dst);
	bb_u8(b, 0);	/* esm_class */
	bb_u8(b, 0);	/* protocol_id */
	bb_u8(b, 0);	/* priority_flag */
	bb_cstr(b, "");	/* schedule_delivery_time */
	bb_cstr(b, "");	/* validity_period */
	bb_u8(b, 0);	/* registered_delivery */
	bb_u8(b, 0);	/* replace_if_present_flag */
	bb_u8(b, 0);	/* data_coding */
	bb_u8(b, 0);	/* sm_default_msg_id */
	bb_u8(b, (uint8_t)strlen(sm));
	bb_bytes(b, sm, strlen(sm));
}

/*
 * Decodes n bytes from a heap copy of exactly n bytes, so that ASan sees
 * any read past the end. The copy is freed: use only for refusals and
 * for checks that need no pointer into the buffer.
 */
static int decode_exact(const uint8_t *bytes, size_t n, struct smpp_pdu *p,
			uint32_t *status, char *err, size_t errlen)
{
	uint8_t *copy = malloc(n ? n : 1);
	int rc;

	ck_assert_ptr_nonnull(copy);
	if (n)
		memcpy(copy, bytes, n);
	rc = smpp_pdu_decode(copy, n, p, status, err, errlen);
	free(copy);
	/* the pointers into copy are gone */
	p->short_message = NULL;
	for (unsigned i = 0; i < p->tlv_count; i++)
		p->tlv[i].val = NULL;
	return rc;
}

/* Decodes and expects a refusal with this command_status. */
static void expect_refused(const struct bb *b, uint32_t want_status)
{
	struct smpp_pdu p;
	uint32_t status = 0xdeadbeef;
	char err[256] = "";
	int rc = decode_exact(b->b, b->n, &p, &status, err, sizeof(err));

	ck_assert_int_eq(rc, -EBADMSG);
	ck_assert_msg(status == want_status,
		      "status 0x%02x, expected 0x%02x (%s)", status,
		      want_status, err);
	ck_assert_msg(err[0] != '\0', "a refusal must say why");
}

/* ... and with this message for the log. */
static void expect_refused_why(const struct bb *b, uint32_t want_status,
			       const char *why)
{
	struct smpp_pdu p;
	uint32_t status = 0xdeadbeef;
	char err[256] = "";

	ck_assert_int_eq(decode_exact(b->b, b->n, &p, &status, err,
				      sizeof(err)), -EBADMSG);
	ck_assert_uint_eq(status, want_status);
	ck_assert_str_eq(err, why);
}

static int encode(const struct smpp_pdu *p, uint8_t *buf, size_t cap,
		  size_t *len)
{
	char err[256] = "";
	int rc = smpp_pdu_encode(p, buf, cap, len, err, sizeof(err));

	ck_assert_msg(rc == 0, "encode: %s", err);
	return rc;
}

/* Field-by-field equality of two PDUs (command_length left out). */
static void assert_pdu_eq(const struct smpp_pdu *a, const struct smpp_pdu *b)
{
	ck_assert_uint_eq(a->command_id, b->command_id);
	ck_assert_uint_eq(a->command_status, b->command_status);
	ck_assert_uint_eq(a->sequence_number, b->sequence_number);
	ck_assert_int_eq(a->has_body, b->has_body);
	ck_assert_str_eq(a->system_id, b->system_id);
	ck_assert_str_eq(a->password, b->password);
	ck_assert_str_eq(a->system_type, b->system_type);
	ck_assert_uint_eq(a->interface_version, b->interface_version);
	ck_assert_uint_eq(a->addr_ton, b->addr_ton);
	ck_assert_uint_eq(a->addr_npi, b->addr_npi);
	ck_assert_str_eq(a->address_range, b->address_range);
	ck_assert_str_eq(a->service_type, b->service_type);
	ck_assert_uint_eq(a->source_addr_ton, b->source_addr_ton);
	ck_assert_uint_eq(a->source_addr_npi, b->source_addr_npi);
	ck_assert_str_eq(a->source_addr, b->source_addr);
	ck_assert_uint_eq(a->dest_addr_ton, b->dest_addr_ton);
	ck_assert_uint_eq(a->dest_addr_npi, b->dest_addr_npi);
	ck_assert_str_eq(a->destination_addr, b->destination_addr);
	ck_assert_uint_eq(a->esm_class, b->esm_class);
	ck_assert_uint_eq(a->protocol_id, b->protocol_id);
	ck_assert_uint_eq(a->priority_flag, b->priority_flag);
	ck_assert_str_eq(a->schedule_delivery_time, b->schedule_delivery_time);
	ck_assert_str_eq(a->validity_period, b->validity_period);
	ck_assert_uint_eq(a->registered_delivery, b->registered_delivery);
	ck_assert_uint_eq(a->replace_if_present_flag,
			  b->replace_if_present_flag);
	ck_assert_uint_eq(a->data_coding, b->data_coding);
	ck_assert_uint_eq(a->sm_default_msg_id, b->sm_default_msg_id);
	ck_assert_uint_eq(a->sm_length, b->sm_length);
	if (a->sm_length)
		ck_assert_mem_eq(a->short_message, b->short_message,
				 a->sm_length);
	ck_assert_str_eq(a->message_id, b->message_id);
	ck_assert_uint_eq(a->tlv_count, b->tlv_count);
	for (unsigned i = 0; i < a->tlv_count; i++) {
		ck_assert_uint_eq(a->tlv[i].tag, b->tlv[i].tag);
		ck_assert_uint_eq(a->tlv[i].len, b->tlv[i].len);
		if (a->tlv[i].len)
			ck_assert_mem_eq(a->tlv[i].val, b->tlv[i].val,
					 a->tlv[i].len);
	}
}

/* --- framer ------------------------------------------------------------- */

struct stream {
	uint8_t bytes[256];
	size_t len;
	const uint8_t *pdu[3];
	size_t pdulen[3];
};

/* deliver_sm with TLVs, enquire_link, submit_sm_resp, back to back */
static void stream_build(struct stream *s)
{
	const uint8_t *parts[3] = { v_deliver_ussd, v_enquire, v_submit_resp };
	const size_t lens[3] = { sizeof(v_deliver_ussd), sizeof(v_enquire),
				 sizeof(v_submit_resp) };

	s->len = 0;
	for (int i = 0; i < 3; i++) {
		memcpy(s->bytes + s->len, parts[i], lens[i]);
		s->len += lens[i];
		s->pdu[i] = parts[i];
		s->pdulen[i] = lens[i];
	}
}

/* Takes every whole PDU out of fr and checks it against the stream. */
static void drain(struct smpp_framer *fr, const struct stream *s, int *got)
{
	const uint8_t *p;
	size_t len;
	int rc;

	while ((rc = smpp_framer_next(fr, &p, &len)) == 1) {
		ck_assert_int_lt(*got, 3);
		ck_assert_uint_eq(len, s->pdulen[*got]);
		ck_assert_mem_eq(p, s->pdu[*got], len);
		(*got)++;
	}
	ck_assert_int_eq(rc, 0);
}

START_TEST(test_framer_split_at_every_offset)
{
	struct stream s;

	stream_build(&s);
	for (size_t k = 0; k <= s.len; k++) {
		struct smpp_framer fr;
		int got = 0;

		smpp_framer_init(&fr);
		ck_assert_int_eq(smpp_framer_feed(&fr, s.bytes, k), 0);
		drain(&fr, &s, &got);
		ck_assert_int_eq(smpp_framer_feed(&fr, s.bytes + k, s.len - k),
				 0);
		drain(&fr, &s, &got);
		ck_assert_msg(got == 3, "split at %zu gave %d PDUs", k, got);
		smpp_framer_free(&fr);
	}
}
END_TEST

START_TEST(test_framer_one_byte_at_a_time)
{
	struct stream s;
	struct smpp_framer fr;
	int got = 0;

	stream_build(&s);
	smpp_framer_init(&fr);
	for (size_t k = 0; k < s.len; k++) {
		ck_assert_int_eq(smpp_framer_feed(&fr, s.bytes + k, 1), 0);
		drain(&fr, &s, &got);
	}
	ck_assert_int_eq(got, 3);
	smpp_framer_free(&fr);
}
END_TEST

START_TEST(test_framer_three_splits_every_pair)
{
	struct stream s;

	/* every pair of cut points: three chunks */
	stream_build(&s);
	for (size_t a = 0; a <= s.len; a += 3) {
		for (size_t b = a; b <= s.len; b += 5) {
			struct smpp_framer fr;
			int got = 0;

			smpp_framer_init(&fr);
			smpp_framer_feed(&fr, s.bytes, a);
			drain(&fr, &s, &got);
			smpp_framer_feed(&fr, s.bytes + a, b - a);
			drain(&fr, &s, &got);
			smpp_framer_feed(&fr, s.bytes + b, s.len - b);
			drain(&fr, &s, &got);
			ck_assert_int_eq(got, 3);
			smpp_framer_free(&fr);
		}
	}
}
END_TEST

static int framer_first(uint32_t command_length)
{
	struct smpp_framer fr;
	struct bb b;
	const uint8_t *p;
	size_t len;
	int rc;

	bb_hdr(&b, SMPP_ENQUIRE_LINK, 0, 1);
	b.b[0] = (uint8_t)(command_length >> 24);
	b.b[1] = (uint8_t)(command_length >> 16);
	b.b[2] = (uint8_t)(command_length >> 8);
	b.b[3] = (uint8_t)command_length;
	smpp_framer_init(&fr);
	ck_assert_int_eq(smpp_framer_feed(&fr, b.b, b.n), 0);
	rc = smpp_framer_next(&fr, &p, &len);
	smpp_framer_free(&fr);
	return rc;
}

START_TEST(test_framer_refuses_bad_command_length)
{
	ck_assert_int_eq(framer_first(0), -EBADMSG);
	ck_assert_int_eq(framer_first(15), -EBADMSG);
	ck_assert_int_eq(framer_first(65537), -EBADMSG);
	ck_assert_int_eq(framer_first(0xFFFFFFFFu), -EBADMSG);
	/* the bounds themselves are fine: 16 is whole, 65536 needs bytes */
	ck_assert_int_eq(framer_first(16), 1);
	ck_assert_int_eq(framer_first(65536), 0);
}
END_TEST

START_TEST(test_framer_judges_length_after_four_bytes)
{
	struct smpp_framer fr;
	static const uint8_t bad[4] = { 0x00, 0x00, 0x00, 0x0f };
	const uint8_t *p;
	size_t len;

	smpp_framer_init(&fr);
	smpp_framer_feed(&fr, bad, 3);
	ck_assert_int_eq(smpp_framer_next(&fr, &p, &len), 0);
	smpp_framer_feed(&fr, bad + 3, 1);
	ck_assert_int_eq(smpp_framer_next(&fr, &p, &len), -EBADMSG);
	smpp_framer_free(&fr);
}
END_TEST

/* Found by fuzz/pdu (input: nothing at all): asked for a PDU before any
 * byte, or after an empty read, the framer computed buf + consumed with
 * buf still NULL, undefined behaviour (clang's UBSan: "applying zero
 * offset to null pointer"). */
START_TEST(test_framer_next_before_any_byte)
{
	struct smpp_framer fr;
	const uint8_t *p = NULL;
	size_t len = 0;

	smpp_framer_init(&fr);
	ck_assert_int_eq(smpp_framer_next(&fr, &p, &len), 0);
	ck_assert_int_eq(smpp_framer_feed(&fr, (const uint8_t *)"", 0), 0);
	ck_assert_int_eq(smpp_framer_next(&fr, &p, &len), 0);
	ck_assert_ptr_null(p);
	smpp_framer_free(&fr);
}
END_TEST

START_TEST(test_framer_large_pdu_across_feeds)
{
	/* a 60000-byte PDU (the framer only reads command_length) grows
	 * the buffer past its first allocation and still comes out whole */
	static uint8_t big[60000];
	struct smpp_framer fr;
	const uint8_t *p;
	size_t len;

	memset(big, 0x41, sizeof(big));
	big[0] = 0;
	big[1] = 0;
	big[2] = (uint8_t)(sizeof(big) >> 8);
	big[3] = (uint8_t)sizeof(big);
	smpp_framer_init(&fr);
	for (size_t off = 0; off < sizeof(big); off += 7000) {
		size_t n = sizeof(big) - off < 7000 ? sizeof(big) - off : 7000;

		ck_assert_int_eq(smpp_framer_next(&fr, &p, &len), 0);
		smpp_framer_feed(&fr, big + off, n);
	}
	ck_assert_int_eq(smpp_framer_next(&fr, &p, &len), 1);
	ck_assert_uint_eq(len, sizeof(big));
	ck_assert_mem_eq(p, big, sizeof(big));
	ck_assert_int_eq(smpp_framer_next(&fr, &p, &len), 0);
	smpp_framer_free(&fr);
}
END_TEST

/* --- decoder: known vectors ------------------------------------------------ */

START_TEST(test_decode_bind_transceiver_vector)
{
	struct smpp_pdu p;
	uint32_t st;
	char err[128];

	ck_assert_int_eq(smpp_pdu_decode(v_bind_trx, sizeof(v_bind_trx), &p,
					 &st, err, sizeof(err)), 0);
	ck_assert_uint_eq(st, SMPP_ESME_ROK);
	ck_assert_uint_eq(p.command_length, 38);
	ck_assert_uint_eq(p.command_id, SMPP_BIND_TRANSCEIVER);
	ck_assert_uint_eq(p.command_status, 0);
	ck_assert_uint_eq(p.sequence_number, 1);
	ck_assert(p.has_body);
	ck_assert_str_eq(p.system_id, "citizengw");
	ck_assert_str_eq(p.password, "secret");
	ck_assert_str_eq(p.system_type, "");
	ck_assert_uint_eq(p.interface_version, 0x34);
	ck_assert_uint_eq(p.addr_ton, 0);
	ck_assert_uint_eq(p.addr_npi, 0);
	ck_assert_str_eq(p.address_range, "");
	ck_assert_uint_eq(p.tlv_count, 0);
}
END_TEST

START_TEST(test_decode_deliver_sm_ussd_vector)
{
	struct smpp_pdu p;
	uint32_t st, v;
	char err[128];
	const struct smpp_tlv *t;

	ck_assert_int_eq(smpp_pdu_decode(v_deliver_ussd,
					 sizeof(v_deliver_ussd), &p, &st, err,
					 sizeof(err)), 0);
	ck_assert_uint_eq(p.command_id, SMPP_DELIVER_SM);
	ck_assert_uint_eq(p.sequence_number, 42);
	ck_assert_str_eq(p.service_type, "USSD");
	ck_assert_uint_eq(p.source_addr_ton, 1);
	ck_assert_uint_eq(p.source_addr_npi, 1);
	ck_assert_str_eq(p.source_addr, "84912345678");
	ck_assert_uint_eq(p.dest_addr_ton, 0);
	ck_assert_uint_eq(p.dest_addr_npi, 0);
	ck_assert_str_eq(p.destination_addr, "8088");
	ck_assert_uint_eq(p.data_coding, 0);
	ck_assert_uint_eq(p.sm_length, 6);
	ck_assert_mem_eq(p.short_message, "*8088#", 6);
	/* the message points into the buffer it came from */
	ck_assert_ptr_eq(p.short_message, v_deliver_ussd + 52);
	ck_assert_uint_eq(p.tlv_count, 2);
	ck_assert_int_eq(smpp_pdu_tlv_uint(&p, SMPP_TLV_USSD_SERVICE_OP, &v),
			 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(smpp_pdu_tlv_uint(&p, SMPP_TLV_ITS_SESSION_INFO, &v),
			 0);
	ck_assert_uint_eq(v, 0x1234);
	t = smpp_pdu_tlv(&p, SMPP_TLV_ITS_SESSION_INFO);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->len, 2);
	ck_assert_ptr_null(smpp_pdu_tlv(&p, SMPP_TLV_MESSAGE_PAYLOAD));
	ck_assert_int_eq(smpp_pdu_tlv_uint(&p, SMPP_TLV_MESSAGE_PAYLOAD, &v),
			 -ENOENT);
}
END_TEST

START_TEST(test_decode_submit_sm_resp_vector)
{
	struct smpp_pdu p;
	uint32_t st;
	char err[128];

	ck_assert_int_eq(smpp_pdu_decode(v_submit_resp, sizeof(v_submit_resp),
					 &p, &st, err, sizeof(err)), 0);
	ck_assert_uint_eq(p.command_id, SMPP_SUBMIT_SM_RESP);
	ck_assert_uint_eq(p.sequence_number, 7);
	ck_assert(p.has_body);
	ck_assert_str_eq(p.message_id, "abc123");
}
END_TEST

START_TEST(test_encode_reproduces_known_vectors)
{
	struct smpp_pdu p;
	uint8_t buf[128];
	size_t len;
	static const uint8_t op = 1, its[2] = { 0x12, 0x34 };

	smpp_pdu_init(&p, SMPP_BIND_TRANSCEIVER, 0, 1);
	strcpy(p.system_id, "citizengw");
	strcpy(p.password, "secret");
	p.interface_version = 0x34;
	encode(&p, buf, sizeof(buf), &len);
	ck_assert_uint_eq(len, sizeof(v_bind_trx));
	ck_assert_mem_eq(buf, v_bind_trx, len);

	smpp_pdu_init(&p, SMPP_DELIVER_SM, 0, 42);
	strcpy(p.service_type, "USSD");
	p.source_addr_ton = 1;
	p.source_addr_npi = 1;
	strcpy(p.source_addr, "84912345678");
	strcpy(p.destination_addr, "8088");
	p.sm_length = 6;
	p.short_message = (const uint8_t *)"*8088#";
	smpp_pdu_add_tlv(&p, SMPP_TLV_USSD_SERVICE_OP, 1, &op);
	smpp_pdu_add_tlv(&p, SMPP_TLV_ITS_SESSION_INFO, 2, its);
	encode(&p, buf, sizeof(buf), &len);
	ck_assert_uint_eq(len, sizeof(v_deliver_ussd));
	ck_assert_mem_eq(buf, v_deliver_ussd, len);

	smpp_pdu_init(&p, SMPP_SUBMIT_SM_RESP, 0, 7);
	strcpy(p.message_id, "abc123");
	encode(&p, buf, sizeof(buf), &len);
	ck_assert_uint_eq(len, sizeof(v_submit_resp));
	ck_assert_mem_eq(buf, v_submit_resp, len);

	smpp_pdu_init(&p, SMPP_ENQUIRE_LINK, 0, 2);
	encode(&p, buf, sizeof(buf), &len);
	ck_assert_uint_eq(len, sizeof(v_enquire));
	ck_assert_mem_eq(buf, v_enquire, len);
}
END_TEST

/* --- decoder: what real SMS centres send ---------------------------------- */

START_TEST(test_decode_error_resp_without_body)
{
	/* bind_transceiver_resp, ESME_RINVPASWD, header only */
	static const uint8_t v[] = {
		0x00, 0x00, 0x00, 0x10, 0x80, 0x00, 0x00, 0x09,
		0x00, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x01,
	};
	struct smpp_pdu p;
	uint32_t st;

	ck_assert_int_eq(decode_exact(v, sizeof(v), &p, &st, NULL, 0), 0);
	ck_assert_uint_eq(p.command_id, SMPP_BIND_TRANSCEIVER_RESP);
	ck_assert_uint_eq(p.command_status, SMPP_ESME_RINVPASWD);
	ck_assert_uint_eq(p.sequence_number, 1);
	ck_assert(!p.has_body);
	ck_assert_str_eq(p.system_id, "");
}
END_TEST

START_TEST(test_decode_error_resp_ignores_body_bytes)
{
	/* a submit_sm_resp error with a junk body: the body is ignored */
	struct bb b;
	struct smpp_pdu p;
	uint32_t st;

	bb_hdr(&b, SMPP_SUBMIT_SM_RESP, SMPP_ESME_RTHROTTLED, 9);
	bb_bytes(&b, "\xff\xfe", 2);
	bb_end(&b);
	ck_assert_int_eq(decode_exact(b.b, b.n, &p, &st, NULL, 0), 0);
	ck_assert(!p.has_body);
	ck_assert_uint_eq(p.command_status, SMPP_ESME_RTHROTTLED);
	ck_assert_str_eq(p.message_id, "");
}
END_TEST

/* Found by fuzz/pdu: a generic_nack (status 0) with stray bytes after
 * its header decoded with has_body set, though the bytes are ignored;
 * encoded again it had no body, so the PDU changed in a round trip. */
START_TEST(test_decode_header_only_resp_with_stray_bytes)
{
	static const uint8_t in[] = {
		0x00, 0x00, 0x00, 0x18, 0x80, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,
		0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct smpp_pdu p, q;
	uint8_t out[64];
	size_t n;
	uint32_t st;
	char err[128];

	ck_assert_int_eq(smpp_pdu_decode(in, sizeof(in), &p, &st, err,
					 sizeof(err)), 0);
	ck_assert(!p.has_body);
	ck_assert_int_eq(smpp_pdu_encode(&p, out, sizeof(out), &n, err,
					 sizeof(err)), 0);
	ck_assert_uint_eq(n, SMPP_HEADER_LEN);
	ck_assert_int_eq(smpp_pdu_decode(out, n, &q, &st, err, sizeof(err)),
			 0);
	ck_assert_int_eq(q.has_body, p.has_body);
	ck_assert_uint_eq(q.sequence_number, 7);
}
END_TEST

START_TEST(test_decode_ok_submit_resp_without_body)
{
	static const uint8_t v[] = {
		0x00, 0x00, 0x00, 0x10, 0x80, 0x00, 0x00, 0x04,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
	};
	struct smpp_pdu p;
	uint32_t st;

	ck_assert_int_eq(decode_exact(v, sizeof(v), &p, &st, NULL, 0), 0);
	ck_assert_uint_eq(p.command_id, SMPP_SUBMIT_SM_RESP);
	ck_assert_uint_eq(p.command_status, 0);
	ck_assert(!p.has_body);
	ck_assert_str_eq(p.message_id, "");
}
END_TEST

START_TEST(test_decode_resp_message_id_without_nul)
{
	/* some centres end the PDU right after the message_id */
	struct bb b;
	struct smpp_pdu p;
	uint32_t st;

	bb_hdr(&b, SMPP_SUBMIT_SM_RESP, 0, 5);
	bb_bytes(&b, "7f00a1", 6);
	bb_end(&b);
	ck_assert_int_eq(decode_exact(b.b, b.n, &p, &st, NULL, 0), 0);
	ck_assert(p.has_body);
	ck_assert_str_eq(p.message_id, "7f00a1");
}
END_TEST

START_TEST(test_decode_sequence_zero_accepted)
{
	struct bb b;
	struct smpp_pdu p;
	uint32_t st;

	bb_hdr(&b, SMPP_ENQUIRE_LINK, 0, 0);
	bb_end(&b);
	ck_assert_int_eq(decode_exact(b.b, b.n, &p, &st, NULL, 0), 0);
	ck_assert_uint_eq(p.sequence_number, 0);
	ck_assert_uint_eq(st, SMPP_ESME_ROK);

	bb_hdr(&b, SMPP_DELIVER_SM, 0, 0);
	bb_sm_body(&b, "", "84912345678", "8088", "hi");
	bb_end(&b);
	ck_assert_int_eq(decode_exact(b.b, b.n, &p, &st, NULL, 0), 0);
	ck_assert_uint_eq(p.sequence_number, 0);
}
END_TEST

START_TEST(test_decode_vendor_status_accepted)
{
	struct bb b;
	struct smpp_pdu p;
	uint32_t st;

	bb_hdr(&b, SMPP_SUBMIT_SM_RESP, 0x00000400u, 11);
	bb_end(&b);
	ck_assert_int_eq(decode_exact(b.b, b.n, &p, &st, NULL, 0), 0);
	ck_assert_uint_eq(p.command_status, 0x400);
	ck_assert(!p.has_body);
	ck_assert_str_eq(smpp_status_text(0x400), "vendor/reserved status");
	ck_assert_str_eq(smpp_status_text(SMPP_ESME_RTHROTTLED), "throttled");
}
END_TEST

START_TEST(test_decode_unknown_command_keeps_header)
{
	struct bb b;
	struct smpp_pdu p;
	uint32_t st;
	char err[128];

	bb_hdr(&b, 0x00000007u, 0, 77);	/* replace_sm: not ours */
	bb_bytes(&b, "abc", 3);
	bb_end(&b);
	ck_assert_int_eq(decode_exact(b.b, b.n, &p, &st, err, sizeof(err)),
			 -EBADMSG);
	ck_assert_uint_eq(st, SMPP_ESME_RINVCMDID);
	ck_assert_uint_eq(p.command_id, 7);
	ck_assert_uint_eq(p.sequence_number, 77);
	ck_assert_uint_eq(p.command_length, 19);
	ck_assert_ptr_nonnull(strstr(err, "0x00000007"));
	ck_assert_ptr_null(smpp_command_name(7));
	ck_assert(!smpp_command_known(7));
}
END_TEST

START_TEST(test_decode_length_mismatch)
{
	struct smpp_pdu p;
	uint32_t st;

	/* the bytes given and command_length disagree */
	ck_assert_int_eq(decode_exact(v_bind_trx, sizeof(v_bind_trx) - 1, &p,
				      &st, NULL, 0), -EBADMSG);
	ck_assert_uint_eq(st, SMPP_ESME_RINVCMDLEN);
	ck_assert_int_eq(decode_exact(v_bind_trx, 15, &p, &st, NULL, 0),
			 -EBADMSG);
	ck_assert_uint_eq(st, SMPP_ESME_RINVCMDLEN);
}
END_TEST

START_TEST(test_decode_cstring_without_nul)
{
	struct bb b;
	char long_addr[40];

	/* source_addr of 25 digits: no NUL within its 21 bytes */
	memset(long_addr, '9', 25);
	long_addr[25] = '\0';
	bb_hdr(&b, SMPP_DELIVER_SM, 0, 1);
	bb_sm_body(&b, "", long_addr, "8088", "hi");
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVSRCADR);

	bb_hdr(&b, SMPP_DELIVER_SM, 0, 1);
	bb_sm_body(&b, "", "84912345678", long_addr, "hi");
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVDSTADR);

	/* service_type of 6 characters: 7 bytes with the NUL */
	bb_hdr(&b, SMPP_SUBMIT_SM, 0, 1);
	bb_sm_body(&b, "USSDXX", "8088", "84912345678", "hi");
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVSERTYP);

	/* bind with a 16-character system_id */
	bb_hdr(&b, SMPP_BIND_TRANSCEIVER, 0, 1);
	bb_cstr(&b, "0123456789abcdef");
	bb_cstr(&b, "pw");
	bb_cstr(&b, "");
	bb_u8(&b, 0x34);
	bb_u8(&b, 0);
	bb_u8(&b, 0);
	bb_cstr(&b, "");
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVSYSID);

	/* password of 9 characters */
	bb_hdr(&b, SMPP_BIND_TRANSCEIVER, 0, 1);
	bb_cstr(&b, "cgw");
	bb_cstr(&b, "123456789");
	bb_cstr(&b, "");
	bb_u8(&b, 0x34);
	bb_u8(&b, 0);
	bb_u8(&b, 0);
	bb_cstr(&b, "");
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVPASWD);

	/* a string cut by the end of the PDU: the length is wrong */
	bb_hdr(&b, SMPP_DELIVER_SM, 0, 1);
	bb_cstr(&b, "");
	bb_u8(&b, 1);
	bb_u8(&b, 1);
	bb_bytes(&b, "849123", 6);
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVCMDLEN);
}
END_TEST

START_TEST(test_decode_sm_length_past_end)
{
	struct bb b;

	bb_hdr(&b, SMPP_DELIVER_SM, 0, 1);
	bb_sm_body(&b, "", "84912345678", "8088", "abc");
	b.b[b.n - 4] = 10;	/* sm_length 10, 3 bytes follow */
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVMSGLEN);

	/* 255 bytes that are all there are still too many */
	bb_hdr(&b, SMPP_DELIVER_SM, 0, 1);
	bb_sm_body(&b, "", "84912345678", "8088", "");
	b.b[b.n - 1] = 255;
	for (int i = 0; i < 255; i++)
		bb_u8(&b, 'x');
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVMSGLEN);
}
END_TEST

/* Found by fuzz/pdu: a deliver_sm refused for its sm_length kept that
 * sm_length with short_message NULL, and tracing the refused PDU read
 * through NULL. A refused PDU now carries no short message. */
START_TEST(test_decode_refused_sm_length_not_kept)
{
	struct bb b;
	struct smpp_pdu p;
	uint32_t st;
	char err[128], line[512];

	bb_hdr(&b, SMPP_DELIVER_SM, 0, 1);
	bb_sm_body(&b, "", "84912345678", "8088", "abc");
	b.b[b.n - 4] = 10;	/* sm_length 10, 3 bytes follow */
	bb_end(&b);
	ck_assert_int_eq(smpp_pdu_decode(b.b, b.n, &p, &st, err, sizeof(err)),
			 -EBADMSG);
	ck_assert_uint_eq(p.sm_length, 0);
	ck_assert_ptr_null(p.short_message);
	smpp_pdu_format(&p, line, sizeof(line));
}
END_TEST

START_TEST(test_decode_sm_body_too_short)
{
	struct bb b;

	/* ends before sm_length */
	bb_hdr(&b, SMPP_SUBMIT_SM, 0, 1);
	bb_cstr(&b, "");
	bb_u8(&b, 1);
	bb_u8(&b, 1);
	bb_cstr(&b, "8088");
	bb_u8(&b, 1);
	bb_u8(&b, 1);
	bb_cstr(&b, "84912345678");
	bb_u8(&b, 0);
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVCMDLEN);
}
END_TEST

START_TEST(test_decode_tlv_length_past_end)
{
	struct bb b;

	bb_hdr(&b, SMPP_DELIVER_SM, 0, 1);
	bb_sm_body(&b, "", "84912345678", "8088", "hi");
	bb_u16(&b, SMPP_TLV_MESSAGE_PAYLOAD);
	bb_u16(&b, 20);
	bb_bytes(&b, "only ten b", 10);
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVOPTPARSTREAM);

	/* 3 stray bytes: not even a TLV header */
	bb_hdr(&b, SMPP_DELIVER_SM, 0, 1);
	bb_sm_body(&b, "", "84912345678", "8088", "hi");
	bb_bytes(&b, "\x05\x01\x00", 3);
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVOPTPARSTREAM);
}
END_TEST

static void build_empty_tlvs(struct bb *b, int n, uint16_t tag)
{
	bb_hdr(b, SMPP_DELIVER_SM, 0, 1);
	bb_sm_body(b, "", "84912345678", "8088", "hi");
	for (int i = 0; i < n; i++)
		bb_tlv(b, tag, 0, "");
	bb_end(b);
}

START_TEST(test_decode_tlv_count_limit)
{
	struct bb b;
	struct smpp_pdu p;
	uint32_t st;

	build_empty_tlvs(&b, SMPP_TLV_MAX + 1, 0x1401);
	expect_refused(&b, SMPP_ESME_RINVOPTPARSTREAM);

	build_empty_tlvs(&b, SMPP_TLV_MAX, 0x1401);
	ck_assert_int_eq(decode_exact(b.b, b.n, &p, &st, NULL, 0), 0);
	ck_assert_uint_eq(p.tlv_count, SMPP_TLV_MAX);

	build_empty_tlvs(&b, 30, 0x1401);
	ck_assert_int_eq(decode_exact(b.b, b.n, &p, &st, NULL, 0), 0);
	ck_assert_uint_eq(p.tlv_count, 30);
	for (unsigned i = 0; i < p.tlv_count; i++) {
		ck_assert_uint_eq(p.tlv[i].tag, 0x1401);
		ck_assert_uint_eq(p.tlv[i].len, 0);
	}
}
END_TEST

START_TEST(test_decode_known_tlv_wrong_length)
{
	struct bb b;

	bb_hdr(&b, SMPP_DELIVER_SM, 0, 1);
	bb_sm_body(&b, "USSD", "84912345678", "8088", "1");
	bb_tlv(&b, SMPP_TLV_USSD_SERVICE_OP, 2, "\x00\x12");
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVPARLEN);

	bb_hdr(&b, SMPP_DELIVER_SM, 0, 1);
	bb_sm_body(&b, "USSD", "84912345678", "8088", "1");
	bb_tlv(&b, SMPP_TLV_ITS_SESSION_INFO, 1, "\x12");
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVPARLEN);
}
END_TEST

START_TEST(test_decode_unknown_and_vendor_tlvs_kept)
{
	struct bb b;
	struct smpp_pdu p;
	uint32_t st;
	char err[128];
	const struct smpp_tlv *t;

	bb_hdr(&b, SMPP_DELIVER_SM, 0, 1);
	bb_sm_body(&b, "", "84912345678", "8088", "hi");
	bb_tlv(&b, 0x0099, 3, "\x01\x02\x03");
	bb_tlv(&b, 0x1400, 5, "vnd\x00\xff");
	bb_end(&b);
	ck_assert_int_eq(smpp_pdu_decode(b.b, b.n, &p, &st, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(p.tlv_count, 2);
	t = smpp_pdu_tlv(&p, 0x0099);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->len, 3);
	ck_assert_mem_eq(t->val, "\x01\x02\x03", 3);
	t = smpp_pdu_tlv(&p, 0x1400);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->len, 5);
	ck_assert_mem_eq(t->val, "vnd\x00\xff", 5);
	/* and they go out again byte for byte */
	{
		uint8_t out[256];
		size_t len;

		encode(&p, out, sizeof(out), &len);
		ck_assert_uint_eq(len, b.n);
		ck_assert_mem_eq(out, b.b, len);
	}
}
END_TEST

START_TEST(test_decode_bind_resp_with_tlv)
{
	struct bb b;
	struct smpp_pdu p;
	uint32_t st, v;
	char err[128];

	bb_hdr(&b, SMPP_BIND_TRANSCEIVER_RESP, 0, 1);
	bb_cstr(&b, "SMSC");
	bb_tlv(&b, SMPP_TLV_SC_INTERFACE_VERSION, 1, "\x34");
	bb_end(&b);
	ck_assert_int_eq(smpp_pdu_decode(b.b, b.n, &p, &st, err, sizeof(err)),
			 0);
	ck_assert(p.has_body);
	ck_assert_str_eq(p.system_id, "SMSC");
	ck_assert_int_eq(smpp_pdu_tlv_uint(&p, SMPP_TLV_SC_INTERFACE_VERSION,
					   &v), 0);
	ck_assert_uint_eq(v, 0x34);
}
END_TEST

START_TEST(test_decode_response_tlvs_are_lenient)
{
	struct bb b;
	struct smpp_pdu p;
	uint32_t st;

	/* a response is never refused for its TLV section: the broken tail
	 * is dropped, the TLVs before it kept */
	bb_hdr(&b, SMPP_BIND_TRANSCEIVER_RESP, 0, 1);
	bb_cstr(&b, "SMSC");
	bb_tlv(&b, 0x1401, 2, "ok");
	bb_u16(&b, SMPP_TLV_SC_INTERFACE_VERSION);
	bb_u16(&b, 9);
	bb_u8(&b, 0x34);
	bb_end(&b);
	ck_assert_int_eq(decode_exact(b.b, b.n, &p, &st, NULL, 0), 0);
	ck_assert_str_eq(p.system_id, "SMSC");
	ck_assert_uint_eq(p.tlv_count, 1);
	ck_assert_uint_eq(p.tlv[0].tag, 0x1401);

	/* and a known TLV of the wrong length is kept as it came */
	bb_hdr(&b, SMPP_DATA_SM_RESP, 0, 1);
	bb_cstr(&b, "m1");
	bb_tlv(&b, SMPP_TLV_NETWORK_ERROR_CODE, 2, "\x03\x00");
	bb_end(&b);
	ck_assert_int_eq(decode_exact(b.b, b.n, &p, &st, NULL, 0), 0);
	ck_assert_uint_eq(p.tlv_count, 1);
}
END_TEST

START_TEST(test_decode_data_sm_checks_tlvs)
{
	struct bb b;

	bb_hdr(&b, SMPP_DATA_SM, 0, 1);
	bb_cstr(&b, "");
	bb_u8(&b, 1);
	bb_u8(&b, 1);
	bb_cstr(&b, "84912345678");
	bb_u8(&b, 0);
	bb_u8(&b, 0);
	bb_cstr(&b, "8088");
	bb_u8(&b, 0);
	bb_u8(&b, 0);
	bb_u8(&b, 0);
	bb_tlv(&b, SMPP_TLV_SAR_TOTAL_SEGMENTS, 2, "\x00\x02");
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVPARLEN);
}
END_TEST

START_TEST(test_tlv_uint_sizes)
{
	struct smpp_pdu p;
	uint32_t v = 0;
	static const uint8_t one[1] = { 0x7f }, two[2] = { 0x12, 0x34 },
			     three[3] = { 1, 2, 3 },
			     four[4] = { 0xde, 0xad, 0xbe, 0xef };

	smpp_pdu_init(&p, SMPP_DELIVER_SM, 0, 1);
	smpp_pdu_add_tlv(&p, 0x1401, 1, one);
	smpp_pdu_add_tlv(&p, 0x1402, 2, two);
	smpp_pdu_add_tlv(&p, 0x1403, 3, three);
	smpp_pdu_add_tlv(&p, 0x1404, 4, four);
	smpp_pdu_add_tlv(&p, 0x1404, 1, one);	/* the first one counts */
	ck_assert_int_eq(smpp_pdu_tlv_uint(&p, 0x1401, &v), 0);
	ck_assert_uint_eq(v, 0x7f);
	ck_assert_int_eq(smpp_pdu_tlv_uint(&p, 0x1402, &v), 0);
	ck_assert_uint_eq(v, 0x1234);
	ck_assert_int_eq(smpp_pdu_tlv_uint(&p, 0x1403, &v), -EINVAL);
	ck_assert_int_eq(smpp_pdu_tlv_uint(&p, 0x1404, &v), 0);
	ck_assert_uint_eq(v, 0xdeadbeefu);
	ck_assert_int_eq(smpp_pdu_tlv_uint(&p, 0x1405, &v), -ENOENT);
}
END_TEST

START_TEST(test_decode_trailing_garbage_after_bind)
{
	struct bb b;

	bb_hdr(&b, SMPP_BIND_TRANSCEIVER, 0, 1);
	bb_bytes(&b, v_bind_trx + 16, sizeof(v_bind_trx) - 16);
	bb_bytes(&b, "\x01\x02", 2);
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVCMDLEN);

	/* an enquire_link with a body */
	bb_hdr(&b, SMPP_ENQUIRE_LINK, 0, 1);
	bb_u8(&b, 0);
	bb_end(&b);
	expect_refused(&b, SMPP_ESME_RINVCMDLEN);
}
END_TEST

/* Each step of the decoder says what it refused: header, a C-octet
 * string, short_message, a body that ends early or goes on. */
START_TEST(test_decode_refusals_say_why)
{
	struct bb b;

	bb_hdr(&b, SMPP_ENQUIRE_LINK, 0, 1);
	b.n = 10;
	expect_refused_why(&b, SMPP_ESME_RINVCMDLEN, "PDU of 10 bytes");

	bb_hdr(&b, SMPP_BIND_TRANSCEIVER, 0, 1);
	bb_bytes(&b, v_bind_trx + 16, sizeof(v_bind_trx) - 16);
	bb_end(&b);
	b.n--;
	expect_refused_why(&b, SMPP_ESME_RINVCMDLEN,
			   "command_length 38 but 37 bytes");

	bb_hdr(&b, 0x77, 0, 1);
	bb_end(&b);
	expect_refused_why(&b, SMPP_ESME_RINVCMDID,
			   "unknown command_id 0x00000077");

	bb_hdr(&b, SMPP_DELIVER_SM, 0, 1);
	bb_sm_body(&b, "", "8491234567890123456789", "8088", "hi");
	bb_end(&b);
	expect_refused_why(&b, SMPP_ESME_RINVSRCADR,
			   "deliver_sm: source_addr not NUL-terminated "
			   "within 21 bytes");

	bb_hdr(&b, SMPP_DELIVER_SM, 0, 1);
	bb_sm_body(&b, "", "84912345678", "8088", "abc");
	b.b[b.n - 4] = 10;
	bb_end(&b);
	expect_refused_why(&b, SMPP_ESME_RINVMSGLEN,
			   "deliver_sm: sm_length 10 but 3 bytes left");

	bb_hdr(&b, SMPP_SUBMIT_SM, 0, 1);
	bb_cstr(&b, "");
	bb_u8(&b, 1);
	bb_end(&b);
	expect_refused_why(&b, SMPP_ESME_RINVCMDLEN,
			   "submit_sm: body too short");

	bb_hdr(&b, SMPP_BIND_TRANSCEIVER, 0, 1);
	bb_bytes(&b, v_bind_trx + 16, sizeof(v_bind_trx) - 16);
	bb_bytes(&b, "\x01\x02", 2);
	bb_end(&b);
	expect_refused_why(&b, SMPP_ESME_RINVCMDLEN,
			   "bind_transceiver: 2 bytes after the body");
}
END_TEST

START_TEST(test_decode_every_prefix_refused)
{
	const size_t full = sizeof(v_deliver_ussd);

	/* the prefix as cut: command_length still says 69 */
	for (size_t k = 0; k < full; k++) {
		struct smpp_pdu p;
		uint32_t st = 0;

		ck_assert_int_eq(decode_exact(v_deliver_ussd, k, &p, &st, NULL,
					      0), -EBADMSG);
		ck_assert_uint_eq(st, SMPP_ESME_RINVCMDLEN);
	}
}
END_TEST

START_TEST(test_decode_every_prefix_with_patched_length)
{
	const size_t full = sizeof(v_deliver_ussd);

	/* the prefix with a matching command_length, so that the decoder
	 * walks the cut body: only cuts at TLV boundaries are PDUs */
	for (size_t k = SMPP_HEADER_LEN; k <= full; k++) {
		uint8_t b[sizeof(v_deliver_ussd)];
		struct smpp_pdu p;
		uint32_t st = 0;
		char err[128];
		int rc;
		bool whole = k == DELIVER_USSD_MANDATORY_END ||
			     k == DELIVER_USSD_FIRST_TLV_END || k == full;

		memcpy(b, v_deliver_ussd, k);
		b[3] = (uint8_t)k;
		rc = decode_exact(b, k, &p, &st, err, sizeof(err));
		ck_assert_msg((rc == 0) == whole, "prefix %zu: rc %d (%s)", k,
			      rc, rc ? err : "accepted");
		if (rc == 0) {
			ck_assert_str_eq(p.source_addr, "84912345678");
			ck_assert_uint_eq(p.sm_length, 6);
		} else {
			uint8_t *exact = malloc(k);
			char line[1024];

			ck_assert_uint_ne(st, SMPP_ESME_ROK);
			/* the half-filled PDU of a refusal (its header
			 * answers the SMS centre): whatever it holds must
			 * be readable within exactly the k bytes; a trace
			 * reads it all (ASan checks) */
			memcpy(exact, b, k);
			ck_assert_int_ne(smpp_pdu_decode(exact, k, &p, &st,
							 err, sizeof(err)), 0);
			smpp_pdu_format(&p, line, sizeof(line));
			free(exact);
		}
	}
}
END_TEST

/* --- encoder ----------------------------------------------------------------- */

START_TEST(test_encode_refuses_long_system_id)
{
	struct smpp_pdu p;
	uint8_t buf[128];
	size_t len;
	char err[128] = "";

	smpp_pdu_init(&p, SMPP_BIND_TRANSCEIVER, 0, 1);
	memset(p.system_id, 'A', sizeof(p.system_id));	/* 16, no NUL */
	ck_assert_int_eq(smpp_pdu_encode(&p, buf, sizeof(buf), &len, err,
					 sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "system_id"));

	/* 15 characters fit */
	p.system_id[15] = '\0';
	ck_assert_int_eq(smpp_pdu_encode(&p, buf, sizeof(buf), &len, err,
					 sizeof(err)), 0);

	/* a source_addr of 21 characters fits the struct but not submit_sm */
	smpp_pdu_init(&p, SMPP_SUBMIT_SM, 0, 1);
	memset(p.source_addr, '1', 21);
	ck_assert_int_eq(smpp_pdu_encode(&p, buf, sizeof(buf), &len, err,
					 sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "source_addr"));
}
END_TEST

START_TEST(test_encode_refuses_sm_length_255)
{
	static uint8_t text[255];
	struct smpp_pdu p;
	uint8_t buf[512];
	size_t len;
	char err[128] = "";

	memset(text, 'x', sizeof(text));
	smpp_pdu_init(&p, SMPP_SUBMIT_SM, 0, 1);
	p.short_message = text;
	p.sm_length = 255;
	ck_assert_int_eq(smpp_pdu_encode(&p, buf, sizeof(buf), &len, err,
					 sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "sm_length"));
	p.sm_length = 254;
	ck_assert_int_eq(smpp_pdu_encode(&p, buf, sizeof(buf), &len, err,
					 sizeof(err)), 0);

	/* a length without a message */
	p.short_message = NULL;
	p.sm_length = 3;
	ck_assert_int_eq(smpp_pdu_encode(&p, buf, sizeof(buf), &len, err,
					 sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(test_encode_refuses_tlvs_on_body_without_tlvs)
{
	static const uint8_t v = 0x34;
	struct smpp_pdu p;
	uint8_t buf[128];
	size_t len;
	char err[128] = "";

	smpp_pdu_init(&p, SMPP_BIND_TRANSCEIVER, 0, 1);
	strcpy(p.system_id, "cgw");
	smpp_pdu_add_tlv(&p, SMPP_TLV_SC_INTERFACE_VERSION, 1, &v);
	ck_assert_int_eq(smpp_pdu_encode(&p, buf, sizeof(buf), &len, err,
					 sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "bind_transceiver"));

	smpp_pdu_init(&p, SMPP_SUBMIT_SM_RESP, 0, 1);
	smpp_pdu_add_tlv(&p, SMPP_TLV_SC_INTERFACE_VERSION, 1, &v);
	ck_assert_int_eq(smpp_pdu_encode(&p, buf, sizeof(buf), &len, err,
					 sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(test_encode_refuses_small_buffer_and_unknown_command)
{
	struct smpp_pdu p;
	uint8_t buf[64];
	size_t len;
	char err[128] = "";

	smpp_pdu_init(&p, SMPP_BIND_TRANSCEIVER, 0, 1);
	strcpy(p.system_id, "citizengw");
	strcpy(p.password, "secret");
	for (size_t cap = 0; cap < sizeof(v_bind_trx); cap++)
		ck_assert_int_eq(smpp_pdu_encode(&p, buf, cap, &len, err,
						 sizeof(err)), -EINVAL);
	ck_assert_int_eq(smpp_pdu_encode(&p, buf, sizeof(v_bind_trx), &len,
					 err, sizeof(err)), 0);

	smpp_pdu_init(&p, 0x00000007u, 0, 1);
	ck_assert_int_eq(smpp_pdu_encode(&p, buf, sizeof(buf), &len, err,
					 sizeof(err)), -EINVAL);
}
END_TEST

/* Encodes p into cap bytes and expects a refusal with this message. */
static void expect_unencodable(const struct smpp_pdu *p, size_t cap,
			       const char *why)
{
	uint8_t buf[512];
	size_t len = 0;
	char err[256] = "";

	ck_assert_uint_le(cap, sizeof(buf));
	ck_assert_int_eq(smpp_pdu_encode(p, buf, cap, &len, err, sizeof(err)),
			 -EINVAL);
	ck_assert_str_eq(err, why);
}

/* Each step of the encoder says what it refused. */
START_TEST(test_encode_refusals_say_why)
{
	static const uint8_t v = 0x34;
	struct smpp_pdu p;

	smpp_pdu_init(&p, 0x00000007u, 0, 1);
	expect_unencodable(&p, 64, "cannot encode command 0x00000007");

	smpp_pdu_init(&p, SMPP_ENQUIRE_LINK, 0, 1);
	expect_unencodable(&p, 10, "enquire_link does not fit in 10 bytes");

	smpp_pdu_init(&p, SMPP_BIND_TRANSCEIVER, 0, 1);
	strcpy(p.system_id, "citizengw");
	expect_unencodable(&p, 30, "bind_transceiver does not fit in 30 "
			   "bytes");
	memset(p.system_id, 'A', sizeof(p.system_id));
	expect_unencodable(&p, 64, "bind_transceiver: system_id longer than "
			   "15");

	smpp_pdu_init(&p, SMPP_SUBMIT_SM, 0, 1);
	p.sm_length = 3;
	expect_unencodable(&p, 128, "submit_sm: bad sm_length 3");

	smpp_pdu_init(&p, SMPP_BIND_TRANSCEIVER, 0, 1);
	smpp_pdu_add_tlv(&p, SMPP_TLV_SC_INTERFACE_VERSION, 1, &v);
	expect_unencodable(&p, 64, "bind_transceiver carries no TLVs");

	smpp_pdu_init(&p, SMPP_SUBMIT_SM, 0, 1);
	smpp_pdu_add_tlv(&p, SMPP_TLV_SC_INTERFACE_VERSION, 1, &v);
	expect_unencodable(&p, 35, "submit_sm does not fit in 35 bytes");
	p.tlv_count = SMPP_TLV_MAX + 1;
	expect_unencodable(&p, 512, "too many TLVs");
}
END_TEST

START_TEST(test_add_tlv_limit)
{
	struct smpp_pdu p;

	smpp_pdu_init(&p, SMPP_SUBMIT_SM, 0, 1);
	for (int i = 0; i < SMPP_TLV_MAX; i++)
		ck_assert_int_eq(smpp_pdu_add_tlv(&p, 0x1401, 0, NULL), 0);
	ck_assert_int_eq(smpp_pdu_add_tlv(&p, 0x1401, 0, NULL), -ENOSPC);
	ck_assert_uint_eq(p.tlv_count, SMPP_TLV_MAX);
}
END_TEST

START_TEST(test_encode_error_resp_is_header_only)
{
	struct smpp_pdu p;
	uint8_t buf[64];
	size_t len;

	smpp_pdu_init(&p, SMPP_SUBMIT_SM_RESP, SMPP_ESME_RTHROTTLED, 3);
	strcpy(p.message_id, "ignored");
	encode(&p, buf, sizeof(buf), &len);
	ck_assert_uint_eq(len, 16);
	ck_assert_mem_eq(buf, "\x00\x00\x00\x10\x80\x00\x00\x04"
			      "\x00\x00\x00\x58\x00\x00\x00\x03", 16);
}
END_TEST

/* Every command of SMPP_COMMANDS with its body layout. */
static const struct {
	uint32_t id;
	const char *wire;
	enum smpp_body body;
} all_cmds[] = {
#define X(name, id, wire, body) { id, wire, body },
	SMPP_COMMANDS(X)
#undef X
};

static const uint8_t rep_payload[] = "Ho so 000.00.19.H56-250806-0001: Dang xu ly";
static const uint8_t rep_op = 2, rep_its[2] = { 0x0a, 0x02 };
static const uint8_t rep_iv = 0x34, rep_nec[3] = { 0x03, 0x00, 0x0b };
static const uint8_t rep_ucs2[] = { 0x00, 0x56, 0x00, 0x69, 0x1e, 0xc7,
				    0x00, 0x74 };

/* Representative fields for a command with this body. */
static void fill_rep(struct smpp_pdu *p, uint32_t id, enum smpp_body body)
{
	smpp_pdu_init(p, id, 0, 0x01020304u);
	switch (body) {
	case SMPP_BODY_NONE:
		p->has_body = false;
		break;
	case SMPP_BODY_BIND:
		strcpy(p->system_id, "citizengw");
		strcpy(p->password, "secret");
		strcpy(p->system_type, "VMA");
		p->interface_version = 0x34;
		p->addr_ton = 1;
		p->addr_npi = 1;
		strcpy(p->address_range, "^84");
		break;
	case SMPP_BODY_BIND_RESP:
		strcpy(p->system_id, "SMSC-1");
		smpp_pdu_add_tlv(p, SMPP_TLV_SC_INTERFACE_VERSION, 1, &rep_iv);
		break;
	case SMPP_BODY_SM:
		strcpy(p->service_type, "USSD");
		p->source_addr_ton = 1;
		p->source_addr_npi = 1;
		strcpy(p->source_addr, "84912345678");
		p->dest_addr_ton = 3;
		p->dest_addr_npi = 0;
		strcpy(p->destination_addr, "8088");
		p->esm_class = 0x40;
		p->protocol_id = 0x7f;
		p->priority_flag = 1;
		strcpy(p->schedule_delivery_time, "250820120000000+");
		strcpy(p->validity_period, "000001000000000R");
		p->registered_delivery = 1;
		p->replace_if_present_flag = 1;
		p->data_coding = 8;
		p->sm_default_msg_id = 2;
		p->sm_length = sizeof(rep_ucs2);
		p->short_message = rep_ucs2;
		smpp_pdu_add_tlv(p, SMPP_TLV_USSD_SERVICE_OP, 1, &rep_op);
		smpp_pdu_add_tlv(p, SMPP_TLV_ITS_SESSION_INFO, 2, rep_its);
		break;
	case SMPP_BODY_SM_RESP:
		strcpy(p->message_id, "5f3a9c0012");
		break;
	case SMPP_BODY_DATA_SM:
		strcpy(p->service_type, "WAP");
		p->source_addr_ton = 1;
		p->source_addr_npi = 1;
		/* data_sm addresses may be longer than 20 characters */
		strcpy(p->source_addr, "8491234567801234567890123456789");
		p->dest_addr_ton = 3;
		strcpy(p->destination_addr, "8088");
		p->esm_class = 0;
		p->registered_delivery = 1;
		p->data_coding = 0;
		smpp_pdu_add_tlv(p, SMPP_TLV_MESSAGE_PAYLOAD,
				 sizeof(rep_payload) - 1, rep_payload);
		break;
	case SMPP_BODY_DATA_SM_RESP:
		strcpy(p->message_id, "77");
		smpp_pdu_add_tlv(p, SMPP_TLV_NETWORK_ERROR_CODE, 3, rep_nec);
		break;
	case SMPP_BODY_OUTBIND:
		strcpy(p->system_id, "SMSC-1");
		strcpy(p->password, "pw");
		break;
	case SMPP_BODY_ALERT:
		p->source_addr_ton = 1;
		p->source_addr_npi = 1;
		strcpy(p->source_addr, "84912345678");
		p->dest_addr_ton = 3;
		strcpy(p->destination_addr, "8088");
		smpp_pdu_add_tlv(p, 0x0422, 1, &rep_op);
		break;
	}
}

START_TEST(test_roundtrip_every_command)
{
	struct smpp_pdu in, out;
	uint8_t buf[1024];
	size_t len;
	uint32_t st;
	char err[256];

	fill_rep(&in, all_cmds[_i].id, all_cmds[_i].body);
	ck_assert_str_eq(smpp_command_name(all_cmds[_i].id), all_cmds[_i].wire);
	ck_assert(smpp_command_known(all_cmds[_i].id));
	encode(&in, buf, sizeof(buf), &len);
	ck_assert_uint_eq(buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3],
			  len);
	ck_assert_msg(smpp_pdu_decode(buf, len, &out, &st, err, sizeof(err)) ==
			      0,
		      "%s: %s", all_cmds[_i].wire, err);
	ck_assert_uint_eq(out.command_length, len);
	assert_pdu_eq(&out, &in);
}
END_TEST

START_TEST(test_resp_id)
{
	ck_assert_uint_eq(smpp_resp_id(SMPP_SUBMIT_SM), SMPP_SUBMIT_SM_RESP);
	ck_assert_uint_eq(smpp_resp_id(SMPP_BIND_TRANSCEIVER),
			  SMPP_BIND_TRANSCEIVER_RESP);
	ck_assert(SMPP_IS_RESP(SMPP_GENERIC_NACK));
	ck_assert(!SMPP_IS_RESP(SMPP_DELIVER_SM));
}
END_TEST

/* --- cross-check with libsmpp34 ------------------------------------------------- */

/* the store sim34_decode needs: TLV values at the start, the short
 * message in its last 255 bytes */
#define STORE_LEN 4096

static void cross_check(const struct smpp_pdu *pdu, bool same_bytes)
{
	uint8_t a[2048], b[2048];
	size_t alen, blen;
	struct smpp_pdu ours, theirs;
	uint8_t *store = malloc(STORE_LEN);
	uint32_t st;
	char err[512] = "";

	ck_assert_ptr_nonnull(store);

	/* libsmpp34 encodes, we decode */
	ck_assert_msg(sim34_encode(pdu, a, sizeof(a), &alen, err,
				   sizeof(err)) == 0, "sim34_encode: %s", err);
	ck_assert_msg(smpp_pdu_decode(a, alen, &ours, &st, err,
				      sizeof(err)) == 0,
		      "decode of libsmpp34 bytes: %s", err);
	assert_pdu_eq(&ours, pdu);

	/* we encode, libsmpp34 decodes */
	encode(pdu, b, sizeof(b), &blen);
	ck_assert_msg(sim34_decode(b, blen, &theirs, store, STORE_LEN, err,
				   sizeof(err)) == 0,
		      "sim34_decode: %s", err);
	assert_pdu_eq(&theirs, pdu);

	if (same_bytes) {
		ck_assert_uint_eq(alen, blen);
		ck_assert_mem_eq(a, b, alen);
	}
	free(store);
}

START_TEST(test_cross_bind_transceiver)
{
	struct smpp_pdu p;

	smpp_pdu_init(&p, SMPP_BIND_TRANSCEIVER, 0, 1);
	strcpy(p.system_id, "citizengw");
	strcpy(p.password, "secret");
	strcpy(p.system_type, "VMA");
	p.interface_version = 0x34;
	p.addr_ton = 1;
	p.addr_npi = 1;
	strcpy(p.address_range, "^84");
	cross_check(&p, true);

	/* and the exact vector */
	{
		uint8_t buf[128];
		size_t len;
		char err[256];

		smpp_pdu_init(&p, SMPP_BIND_TRANSCEIVER, 0, 1);
		strcpy(p.system_id, "citizengw");
		strcpy(p.password, "secret");
		p.interface_version = 0x34;
		ck_assert_int_eq(sim34_encode(&p, buf, sizeof(buf), &len, err,
					      sizeof(err)), 0);
		ck_assert_uint_eq(len, sizeof(v_bind_trx));
		ck_assert_mem_eq(buf, v_bind_trx, len);
	}
}
END_TEST

START_TEST(test_cross_submit_sm_ussd_payload)
{
	static const uint8_t op = 17, its[2] = { 0x12, 0x35 };
	static const char payload[] =
		"Ho so 000.00.19.H56-250806-0001\nCap ban sao trich luc khai "
		"sinh\nTrang thai: Dang xu ly\nHen tra: 20/08/2025";
	struct smpp_pdu p;

	smpp_pdu_init(&p, SMPP_SUBMIT_SM, 0, 9);
	strcpy(p.service_type, "USSD");
	p.source_addr_ton = 3;
	strcpy(p.source_addr, "8088");
	p.dest_addr_ton = 1;
	p.dest_addr_npi = 1;
	strcpy(p.destination_addr, "84912345678");
	p.registered_delivery = 0;
	p.data_coding = 0;
	smpp_pdu_add_tlv(&p, SMPP_TLV_USSD_SERVICE_OP, 1, &op);
	smpp_pdu_add_tlv(&p, SMPP_TLV_ITS_SESSION_INFO, 2, its);
	smpp_pdu_add_tlv(&p, SMPP_TLV_MESSAGE_PAYLOAD, sizeof(payload) - 1,
			 (const uint8_t *)payload);
	cross_check(&p, true);
}
END_TEST

START_TEST(test_cross_submit_sm_text)
{
	static const uint8_t op = 2;
	struct smpp_pdu p;

	smpp_pdu_init(&p, SMPP_SUBMIT_SM, 0, 10);
	strcpy(p.service_type, "USSD");
	p.source_addr_ton = 3;
	strcpy(p.source_addr, "8088");
	p.dest_addr_ton = 1;
	p.dest_addr_npi = 1;
	strcpy(p.destination_addr, "84912345678");
	p.esm_class = 0;
	p.priority_flag = 1;
	strcpy(p.validity_period, "000000010000000R");
	p.registered_delivery = 1;
	p.data_coding = 8;
	p.sm_length = sizeof(rep_ucs2);
	p.short_message = rep_ucs2;
	smpp_pdu_add_tlv(&p, SMPP_TLV_USSD_SERVICE_OP, 1, &op);
	cross_check(&p, true);
}
END_TEST

START_TEST(test_cross_deliver_sm)
{
	static const uint8_t op = 1, its[2] = { 0x12, 0x34 };
	struct smpp_pdu p;

	smpp_pdu_init(&p, SMPP_DELIVER_SM, 0, 42);
	strcpy(p.service_type, "USSD");
	p.source_addr_ton = 1;
	p.source_addr_npi = 1;
	strcpy(p.source_addr, "84912345678");
	strcpy(p.destination_addr, "8088");
	p.sm_length = 6;
	p.short_message = (const uint8_t *)"*8088#";
	smpp_pdu_add_tlv(&p, SMPP_TLV_USSD_SERVICE_OP, 1, &op);
	smpp_pdu_add_tlv(&p, SMPP_TLV_ITS_SESSION_INFO, 2, its);
	cross_check(&p, true);

	/* libsmpp34's bytes are the known vector */
	{
		uint8_t buf[128];
		size_t len;
		char err[256];

		ck_assert_int_eq(sim34_encode(&p, buf, sizeof(buf), &len, err,
					      sizeof(err)), 0);
		ck_assert_uint_eq(len, sizeof(v_deliver_ussd));
		ck_assert_mem_eq(buf, v_deliver_ussd, len);
	}

	/* a plain SMS */
	smpp_pdu_init(&p, SMPP_DELIVER_SM, 0, 43);
	p.source_addr_ton = 1;
	p.source_addr_npi = 1;
	strcpy(p.source_addr, "84912345678");
	strcpy(p.destination_addr, "8088");
	p.sm_length = 32;
	p.short_message =
		(const uint8_t *)"TRACUU 000.00.19.H56-250806-0001";
	cross_check(&p, true);
}
END_TEST

START_TEST(test_cross_submit_sm_resp)
{
	struct smpp_pdu p;

	smpp_pdu_init(&p, SMPP_SUBMIT_SM_RESP, 0, 7);
	strcpy(p.message_id, "abc123");
	cross_check(&p, true);
}
END_TEST

START_TEST(test_cross_deliver_sm_resp)
{
	struct smpp_pdu p;

	smpp_pdu_init(&p, SMPP_DELIVER_SM_RESP, 0, 42);
	cross_check(&p, true);
}
END_TEST

START_TEST(test_cross_error_resp_and_seq_zero)
{
	struct smpp_pdu p;

	/* written directly by the wrapper: libsmpp34 refuses both */
	smpp_pdu_init(&p, SMPP_SUBMIT_SM_RESP, 0x400, 8);
	p.has_body = false;
	{
		uint8_t a[64], b[64];
		size_t alen, blen;
		char err[256];

		ck_assert_int_eq(sim34_encode(&p, a, sizeof(a), &alen, err,
					      sizeof(err)), 0);
		encode(&p, b, sizeof(b), &blen);
		ck_assert_uint_eq(alen, blen);
		ck_assert_mem_eq(a, b, alen);
	}

	smpp_pdu_init(&p, SMPP_SUBMIT_SM_RESP, 0, 0);
	strcpy(p.message_id, "1");
	{
		uint8_t a[64];
		size_t alen;
		struct smpp_pdu d;
		uint32_t st;
		char err[256];

		ck_assert_int_eq(sim34_encode(&p, a, sizeof(a), &alen, err,
					      sizeof(err)), 0);
		ck_assert_int_eq(smpp_pdu_decode(a, alen, &d, &st, err,
						 sizeof(err)), 0);
		ck_assert_uint_eq(d.sequence_number, 0);
		ck_assert_str_eq(d.message_id, "1");
	}
}
END_TEST

/* --- trace format ---------------------------------------------------------- */

START_TEST(test_format_masks_password)
{
	struct smpp_pdu p;
	uint32_t st;
	char buf[512];
	size_t n;

	ck_assert_int_eq(smpp_pdu_decode(v_bind_trx, sizeof(v_bind_trx), &p,
					 &st, NULL, 0), 0);
	n = smpp_pdu_format(&p, buf, sizeof(buf));
	ck_assert_uint_eq(n, strlen(buf));
	ck_assert_ptr_nonnull(strstr(buf, "bind_transceiver seq=1"));
	ck_assert_ptr_nonnull(strstr(buf, "system_id=\"citizengw\""));
	ck_assert_ptr_nonnull(strstr(buf, "password=\"***\""));
	ck_assert_ptr_null(strstr(buf, "secret"));
}
END_TEST

START_TEST(test_format_short_message_as_text)
{
	struct smpp_pdu p;
	uint32_t st;
	char buf[512];

	ck_assert_int_eq(smpp_pdu_decode(v_deliver_ussd,
					 sizeof(v_deliver_ussd), &p, &st, NULL,
					 0), 0);
	smpp_pdu_format(&p, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "deliver_sm seq=42"));
	ck_assert_ptr_nonnull(strstr(buf, "short_message=\"*8088#\""));
	ck_assert_ptr_nonnull(strstr(buf, "ussd_service_op=0x01"));
	ck_assert_ptr_nonnull(strstr(buf, "its_session_info=0x1234"));

	/* quotes and newlines are escaped */
	p.short_message = (const uint8_t *)"say \"hi\"\n";
	p.sm_length = 9;
	smpp_pdu_format(&p, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "short_message=\"say \\\"hi\\\"\\n\""));

	/* UCS-2 is shown as hex */
	p.data_coding = 8;
	p.short_message = rep_ucs2;
	p.sm_length = 4;
	smpp_pdu_format(&p, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "short_message=0x00560069"));
}
END_TEST

START_TEST(test_format_truncates_safely)
{
	struct smpp_pdu p;
	uint32_t st;
	char buf[600];

	ck_assert_int_eq(smpp_pdu_decode(v_deliver_ussd,
					 sizeof(v_deliver_ussd), &p, &st, NULL,
					 0), 0);
	for (size_t cap = 0; cap < sizeof(buf); cap++) {
		char *small = malloc(cap ? cap : 1);
		size_t n;

		ck_assert_ptr_nonnull(small);
		n = smpp_pdu_format(&p, small, cap);
		if (cap) {
			ck_assert_uint_lt(n, cap);
			ck_assert_uint_eq(strlen(small), n);
		} else {
			ck_assert_uint_eq(n, 0);
		}
		free(small);
	}
	/* an error response shows its status */
	smpp_pdu_init(&p, SMPP_SUBMIT_SM_RESP, SMPP_ESME_RTHROTTLED, 4);
	p.has_body = false;
	smpp_pdu_format(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "submit_sm_resp seq=4 status=0x00000058");
}
END_TEST

/* Found by fuzz/diff34: the wrapper rebuilt a TLV's value from how the
 * tag alone is read (0x0008, dest_telematics_id: a u16 in data_sm), but
 * in a bind_*_resp libsmpp34 reads that tag as octets: the two value
 * bytes came back swapped. */
START_TEST(test_sim34_tlv_read_as_its_pdu_reads_it)
{
	static const uint8_t in[] = {
		0x00, 0x00, 0x00, 0x1b, 0x80, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05,
		'S', 'M', 'S', 'C', 0x00,
		0x00, 0x08, 0x00, 0x02, 0x01, 0x02,
	};
	struct smpp_pdu theirs;
	uint8_t *store = malloc(STORE_LEN);
	char err[512];

	ck_assert_ptr_nonnull(store);
	ck_assert_msg(sim34_decode(in, sizeof(in), &theirs, store, STORE_LEN,
				   err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(theirs.tlv_count, 1);
	ck_assert_uint_eq(theirs.tlv[0].tag, 0x0008);
	ck_assert_uint_eq(theirs.tlv[0].len, 2);
	ck_assert_mem_eq(theirs.tlv[0].val, "\x01\x02", 2);
	free(store);
}
END_TEST

/* Found by fuzz/diff34 (LeakSanitizer): a data_sm with a zero-length
 * dest_bearer_type TLV, which libsmpp34 reads as one octet whatever the
 * length says; it then failed on the next TLV and leaked the one it was
 * reading. sim34_check() refuses such a PDU before libsmpp34 sees it. */
START_TEST(test_sim34_refuses_tlv_it_would_misread)
{
	static const uint8_t in[] = {
		0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x01, 0x03,
		0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x14,
		0xf9, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct smpp_pdu ours, theirs;
	uint8_t *store = malloc(STORE_LEN);
	uint32_t st;
	char err[512];

	ck_assert_ptr_nonnull(store);
	/* our decoder takes it (an unknown-to-us TLV of no length) */
	ck_assert_int_eq(smpp_pdu_decode(in, sizeof(in), &ours, &st, err,
					 sizeof(err)), 0);
	ck_assert_int_eq(sim34_check(in, sizeof(in), err, sizeof(err)),
			 -EBADMSG);
	ck_assert_int_eq(sim34_decode(in, sizeof(in), &theirs, store,
				      STORE_LEN, err, sizeof(err)), -EBADMSG);
	free(store);
}
END_TEST

/* Found by fuzz/diff34: the wrapper did not read an outbind's fields
 * back from libsmpp34 (its system_id came out empty). */
START_TEST(test_sim34_decodes_outbind)
{
	static const uint8_t in[] = {
		0x00, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x00, 0x0b,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
		'S', 'M', 'S', 'C', 0x00, 'p', 'w', 'd', '1', 0x00,
	};
	struct smpp_pdu theirs;
	uint8_t *store = malloc(STORE_LEN);
	char err[512];

	ck_assert_ptr_nonnull(store);
	ck_assert_msg(sim34_decode(in, sizeof(in), &theirs, store, STORE_LEN,
				   err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(theirs.system_id, "SMSC");
	ck_assert_str_eq(theirs.password, "pwd1");
	free(store);
}
END_TEST

Suite *suite_pdu(void)
{
	Suite *s = suite_create("pdu");
	TCase *tc;

	tc = tcase_create("framer");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_framer_split_at_every_offset);
	tcase_add_test(tc, test_framer_one_byte_at_a_time);
	tcase_add_test(tc, test_framer_three_splits_every_pair);
	tcase_add_test(tc, test_framer_refuses_bad_command_length);
	tcase_add_test(tc, test_framer_judges_length_after_four_bytes);
	tcase_add_test(tc, test_framer_next_before_any_byte);
	tcase_add_test(tc, test_framer_large_pdu_across_feeds);
	suite_add_tcase(s, tc);

	tc = tcase_create("decode");
	tcase_add_test(tc, test_decode_bind_transceiver_vector);
	tcase_add_test(tc, test_decode_deliver_sm_ussd_vector);
	tcase_add_test(tc, test_decode_submit_sm_resp_vector);
	tcase_add_test(tc, test_encode_reproduces_known_vectors);
	tcase_add_test(tc, test_decode_error_resp_without_body);
	tcase_add_test(tc, test_decode_error_resp_ignores_body_bytes);
	tcase_add_test(tc, test_decode_header_only_resp_with_stray_bytes);
	tcase_add_test(tc, test_decode_ok_submit_resp_without_body);
	tcase_add_test(tc, test_decode_resp_message_id_without_nul);
	tcase_add_test(tc, test_decode_sequence_zero_accepted);
	tcase_add_test(tc, test_decode_vendor_status_accepted);
	tcase_add_test(tc, test_decode_unknown_command_keeps_header);
	tcase_add_test(tc, test_decode_length_mismatch);
	tcase_add_test(tc, test_decode_cstring_without_nul);
	tcase_add_test(tc, test_decode_sm_length_past_end);
	tcase_add_test(tc, test_decode_refused_sm_length_not_kept);
	tcase_add_test(tc, test_decode_sm_body_too_short);
	tcase_add_test(tc, test_decode_tlv_length_past_end);
	tcase_add_test(tc, test_decode_tlv_count_limit);
	tcase_add_test(tc, test_decode_known_tlv_wrong_length);
	tcase_add_test(tc, test_decode_unknown_and_vendor_tlvs_kept);
	tcase_add_test(tc, test_decode_bind_resp_with_tlv);
	tcase_add_test(tc, test_decode_response_tlvs_are_lenient);
	tcase_add_test(tc, test_decode_data_sm_checks_tlvs);
	tcase_add_test(tc, test_tlv_uint_sizes);
	tcase_add_test(tc, test_decode_trailing_garbage_after_bind);
	tcase_add_test(tc, test_decode_refusals_say_why);
	tcase_add_test(tc, test_decode_every_prefix_refused);
	tcase_add_test(tc, test_decode_every_prefix_with_patched_length);
	suite_add_tcase(s, tc);

	tc = tcase_create("encode");
	tcase_add_test(tc, test_encode_refuses_long_system_id);
	tcase_add_test(tc, test_encode_refuses_sm_length_255);
	tcase_add_test(tc, test_encode_refuses_tlvs_on_body_without_tlvs);
	tcase_add_test(tc, test_encode_refuses_small_buffer_and_unknown_command);
	tcase_add_test(tc, test_encode_refusals_say_why);
	tcase_add_test(tc, test_add_tlv_limit);
	tcase_add_test(tc, test_encode_error_resp_is_header_only);
	tcase_add_loop_test(tc, test_roundtrip_every_command, 0,
			    (int)(sizeof(all_cmds) / sizeof(all_cmds[0])));
	tcase_add_test(tc, test_resp_id);
	suite_add_tcase(s, tc);

	tc = tcase_create("libsmpp34");
	tcase_add_test(tc, test_cross_bind_transceiver);
	tcase_add_test(tc, test_cross_submit_sm_ussd_payload);
	tcase_add_test(tc, test_cross_submit_sm_text);
	tcase_add_test(tc, test_cross_deliver_sm);
	tcase_add_test(tc, test_cross_submit_sm_resp);
	tcase_add_test(tc, test_cross_deliver_sm_resp);
	tcase_add_test(tc, test_cross_error_resp_and_seq_zero);
	tcase_add_test(tc, test_sim34_tlv_read_as_its_pdu_reads_it);
	tcase_add_test(tc, test_sim34_refuses_tlv_it_would_misread);
	tcase_add_test(tc, test_sim34_decodes_outbind);
	suite_add_tcase(s, tc);

	tc = tcase_create("format");
	tcase_add_test(tc, test_format_masks_password);
	tcase_add_test(tc, test_format_short_message_as_text);
	tcase_add_test(tc, test_format_truncates_safely);
	suite_add_tcase(s, tc);
	return s;
}
