/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of the USSD dialects (smpp/ussd.h): how each dialect reads
 * a deliver_sm as begin, answer or abort, the exact TLV bytes our screens
 * carry on the wire, and the stored session reference.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "smpp/ussd.h"
#include "smpp/smpp_pdu.h"
#include "suites.h"

#define NONE (-1)

/* A deliver_sm as an SMS centre sends it; TLV values live in store. */
static void mo_pdu(struct smpp_pdu *p, const char *svc, const char *text,
		   int op, int its, int umr, uint8_t store[8])
{
	smpp_pdu_init(p, SMPP_DELIVER_SM, 0, 1);
	strcpy(p->service_type, svc);
	p->source_addr_ton = 1;
	p->source_addr_npi = 1;
	strcpy(p->source_addr, "84912345678");
	strcpy(p->destination_addr, "8088");
	p->short_message = (const uint8_t *)text;
	p->sm_length = (uint8_t)strlen(text);
	if (op != NONE) {
		store[0] = (uint8_t)op;
		smpp_pdu_add_tlv(p, SMPP_TLV_USSD_SERVICE_OP, 1, store);
	}
	if (its != NONE) {
		store[1] = (uint8_t)(its >> 8);
		store[2] = (uint8_t)its;
		smpp_pdu_add_tlv(p, SMPP_TLV_ITS_SESSION_INFO, 2, store + 1);
	}
	if (umr != NONE) {
		store[3] = (uint8_t)(umr >> 8);
		store[4] = (uint8_t)umr;
		smpp_pdu_add_tlv(p, SMPP_TLV_USER_MESSAGE_REFERENCE, 2,
				 store + 3);
	}
}

/* Classifies and expects USSD with event ev. */
static struct ussd_mo classify_is(enum ussd_dialect_id d, const char *svc,
				  const char *text, int op, int its, int umr,
				  enum ussd_event ev)
{
	struct smpp_pdu p;
	uint8_t store[8];
	struct ussd_mo mo;

	mo_pdu(&p, svc, text, op, its, umr, store);
	ck_assert_msg(ussd_classify(d, &p, &mo), "%s: op %d not USSD",
		      ussd_dialect_name(d), op);
	ck_assert_msg(mo.ev == ev, "%s: op %d its %d is %s, expected %s",
		      ussd_dialect_name(d), op, its, ussd_event_name(mo.ev),
		      ussd_event_name(ev));
	ck_assert_int_eq(mo.op, op);
	return mo;
}

static void not_ussd(enum ussd_dialect_id d, const char *svc, int its)
{
	struct smpp_pdu p;
	uint8_t store[8];
	struct ussd_mo mo;

	mo_pdu(&p, svc, "TRACUU 000.00.19.H56-250806-0001", NONE, its, NONE,
	       store);
	ck_assert_msg(!ussd_classify(d, &p, &mo), "%s: SMS taken for USSD",
		      ussd_dialect_name(d));
}

/* --- classification ------------------------------------------------------------ */

START_TEST(test_standard_classify)
{
	struct ussd_mo mo;

	mo = classify_is(USSD_STANDARD, "USSD", "*8088#", 1, 0x1234, NONE,
			 USSD_EV_BEGIN);
	ck_assert(mo.ref.has_its);
	ck_assert_uint_eq(mo.ref.its, 0x1234);
	ck_assert(!mo.ref.has_umr);
	ck_assert_str_eq(mo.ref.service_type, "USSD");
	classify_is(USSD_STANDARD, "", "*8088#", 0, NONE, NONE, USSD_EV_BEGIN);
	classify_is(USSD_STANDARD, "", "1", 18, NONE, NONE, USSD_EV_ANSWER);
	classify_is(USSD_STANDARD, "", "", 16, NONE, NONE, USSD_EV_ABORT);
	classify_is(USSD_STANDARD, "", "", 17, NONE, NONE, USSD_EV_ABORT);
	/* an odd its_session_info means nothing in this dialect */
	classify_is(USSD_STANDARD, "", "1", 18, 0x1203, NONE, USSD_EV_ANSWER);
	/* no or unknown op: a dialled code begins, the rest answers */
	classify_is(USSD_STANDARD, "USSD", "*8088#", NONE, NONE, NONE,
		    USSD_EV_BEGIN);
	classify_is(USSD_STANDARD, "USSD", "1", NONE, NONE, NONE,
		    USSD_EV_ANSWER);
	classify_is(USSD_STANDARD, "", "*8088*1#", 0x33, NONE, NONE,
		    USSD_EV_BEGIN);
	classify_is(USSD_STANDARD, "", "2", 0x33, NONE, NONE, USSD_EV_ANSWER);
}
END_TEST

START_TEST(test_vendor_ops_classify)
{
	classify_is(USSD_VENDOR_OPS, "", "*8088#", 1, NONE, NONE,
		    USSD_EV_BEGIN);
	classify_is(USSD_VENDOR_OPS, "", "1", 0x12, NONE, NONE,
		    USSD_EV_ANSWER);
	classify_is(USSD_VENDOR_OPS, "", "", 0x81, NONE, NONE, USSD_EV_ABORT);
	classify_is(USSD_VENDOR_OPS, "", "", 0x17, NONE, NONE, USSD_EV_ABORT);
	/* 16 is no abort here: it is read as an answer */
	classify_is(USSD_VENDOR_OPS, "", "1", 16, NONE, NONE, USSD_EV_ANSWER);
}
END_TEST

START_TEST(test_its_end_bit_classify)
{
	struct ussd_mo mo;

	mo = classify_is(USSD_ITS_END_BIT, "", "*8088#", 1, 0x1200, NONE,
			 USSD_EV_BEGIN);
	ck_assert_uint_eq(mo.ref.its, 0x1200);
	classify_is(USSD_ITS_END_BIT, "", "1", 18, 0x1202, NONE,
		    USSD_EV_ANSWER);
	/* bit 0 set: the session ended, whatever the op */
	classify_is(USSD_ITS_END_BIT, "", "1", 18, 0x1203, NONE,
		    USSD_EV_ABORT);
	classify_is(USSD_ITS_END_BIT, "", "", 1, 0x1201, NONE, USSD_EV_ABORT);
	/* its_session_info alone marks USSD in this dialect */
	classify_is(USSD_ITS_END_BIT, "", "2", NONE, 0x1204, NONE,
		    USSD_EV_ANSWER);
}
END_TEST

START_TEST(test_umr_session_classify)
{
	struct ussd_mo mo;

	mo = classify_is(USSD_UMR_SESSION, "", "*8088#", 1, NONE, 0x0042,
			 USSD_EV_BEGIN);
	ck_assert(mo.ref.has_umr);
	ck_assert_uint_eq(mo.ref.umr, 0x42);
	ck_assert(!mo.ref.has_its);
	mo = classify_is(USSD_UMR_SESSION, "", "1", 18, NONE, 0xBEEF,
			 USSD_EV_ANSWER);
	ck_assert_uint_eq(mo.ref.umr, 0xBEEF);
	classify_is(USSD_UMR_SESSION, "", "", 17, NONE, 0x42, USSD_EV_ABORT);
}
END_TEST

START_TEST(test_sms_is_not_ussd)
{
	for (int d = 0; d < USSD_DIALECT_COUNT; d++) {
		not_ussd(d, "", NONE);
		not_ussd(d, "CMT", NONE);
	}
	/* its_session_info without an op is USSD only with the end bit */
	not_ussd(USSD_STANDARD, "", 0x1202);
	not_ussd(USSD_VENDOR_OPS, "", 0x1202);
	not_ussd(USSD_UMR_SESSION, "", 0x1202);
}
END_TEST

START_TEST(test_classify_from_decoded_bytes)
{
	/* deliver_sm with ussd_service_op 18 and its_session_info 0x1234,
	 * as bytes from the wire */
	static const uint8_t v[] = {
		0x00, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x05,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
		0x00,						/* svc "" */
		0x01, 0x01,
		0x38, 0x34, 0x39, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38,
		0x00,
		0x00, 0x00, 0x38, 0x30, 0x38, 0x38, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x31,					/* "1" */
		0x05, 0x01, 0x00, 0x01, 0x12,
		0x13, 0x83, 0x00, 0x02, 0x12, 0x34,
	};
	struct smpp_pdu p;
	struct ussd_mo mo;
	uint32_t st;
	char err[128];

	ck_assert_msg(smpp_pdu_decode(v, sizeof(v), &p, &st, err,
				      sizeof(err)) == 0, "%s", err);
	ck_assert(ussd_classify(USSD_STANDARD, &p, &mo));
	ck_assert_int_eq(mo.ev, USSD_EV_ANSWER);
	ck_assert_int_eq(mo.op, 18);
	ck_assert_uint_eq(mo.ref.its, 0x1234);
	ck_assert(ussd_classify(USSD_VENDOR_OPS, &p, &mo));
	ck_assert_int_eq(mo.ev, USSD_EV_ANSWER);
}
END_TEST

/* --- replies ------------------------------------------------------------------ */

/*
 * Fills a submit_sm screen for ref, encodes it and checks the TLV bytes
 * at its end and the service_type.
 */
static void reply_is(enum ussd_dialect_id d, const struct ussd_ref *ref,
		     bool final, const uint8_t *tlvs, size_t tlvlen)
{
	struct smpp_pdu p, back;
	uint8_t store[8], buf[256];
	size_t len;
	uint32_t st;
	char err[128] = "";

	smpp_pdu_init(&p, SMPP_SUBMIT_SM, 0, 5);
	p.source_addr_ton = 3;
	strcpy(p.source_addr, "8088");
	p.dest_addr_ton = 1;
	p.dest_addr_npi = 1;
	strcpy(p.destination_addr, "84912345678");
	p.short_message = (const uint8_t *)"Dich vu cong";
	p.sm_length = 12;
	ck_assert_int_eq(ussd_reply_fill(d, ref, final, &p, store), 0);
	ck_assert_str_eq(p.service_type, ref->service_type);
	ck_assert_msg(smpp_pdu_encode(&p, buf, sizeof(buf), &len, err,
				      sizeof(err)) == 0, "%s", err);
	ck_assert_uint_ge(len, tlvlen);
	ck_assert_mem_eq(buf + len - tlvlen, tlvs, tlvlen);
	/* exactly these TLVs: the body before them is the plain screen */
	ck_assert_int_eq(smpp_pdu_decode(buf, len, &back, &st, err,
					 sizeof(err)), 0);
	{
		size_t sum = 0;

		for (unsigned i = 0; i < back.tlv_count; i++)
			sum += 4 + back.tlv[i].len;
		ck_assert_uint_eq(sum, tlvlen);
	}
}

static struct ussd_ref ref_of(const char *svc, int its, int umr)
{
	struct ussd_ref r;

	memset(&r, 0, sizeof(r));
	strcpy(r.service_type, svc);
	if (its != NONE) {
		r.has_its = true;
		r.its = (uint16_t)its;
	}
	if (umr != NONE) {
		r.has_umr = true;
		r.umr = (uint16_t)umr;
	}
	return r;
}

START_TEST(test_standard_reply_tlvs)
{
	static const uint8_t cont[] = { 0x05, 0x01, 0x00, 0x01, 0x02,
					0x13, 0x83, 0x00, 0x02, 0x12, 0x35 };
	static const uint8_t fin[] = { 0x05, 0x01, 0x00, 0x01, 0x11,
				       0x13, 0x83, 0x00, 0x02, 0x12, 0x35 };
	static const uint8_t no_its[] = { 0x05, 0x01, 0x00, 0x01, 0x02 };
	struct ussd_ref r = ref_of("USSD", 0x1235, NONE);

	/* its_session_info goes back verbatim, odd or not */
	reply_is(USSD_STANDARD, &r, false, cont, sizeof(cont));
	reply_is(USSD_STANDARD, &r, true, fin, sizeof(fin));
	r = ref_of("", NONE, NONE);
	reply_is(USSD_STANDARD, &r, false, no_its, sizeof(no_its));
}
END_TEST

START_TEST(test_vendor_ops_reply_tlvs)
{
	static const uint8_t cont[] = { 0x05, 0x01, 0x00, 0x01, 0x12 };
	static const uint8_t fin[] = { 0x05, 0x01, 0x00, 0x01, 0x17 };
	struct ussd_ref r = ref_of("USSD", NONE, NONE);

	reply_is(USSD_VENDOR_OPS, &r, false, cont, sizeof(cont));
	reply_is(USSD_VENDOR_OPS, &r, true, fin, sizeof(fin));
}
END_TEST

START_TEST(test_its_end_bit_reply_tlvs)
{
	static const uint8_t cont[] = { 0x05, 0x01, 0x00, 0x01, 0x02,
					0x13, 0x83, 0x00, 0x02, 0x12, 0x02 };
	static const uint8_t fin[] = { 0x05, 0x01, 0x00, 0x01, 0x11,
				       0x13, 0x83, 0x00, 0x02, 0x12, 0x03 };
	struct ussd_ref r = ref_of("", 0x1202, NONE);

	/* bit 0 of its_session_info set only on the final screen */
	reply_is(USSD_ITS_END_BIT, &r, false, cont, sizeof(cont));
	reply_is(USSD_ITS_END_BIT, &r, true, fin, sizeof(fin));
	r = ref_of("", 0x1203, NONE);
	reply_is(USSD_ITS_END_BIT, &r, false, cont, sizeof(cont));
	reply_is(USSD_ITS_END_BIT, &r, true, fin, sizeof(fin));
}
END_TEST

START_TEST(test_umr_session_reply_tlvs)
{
	static const uint8_t cont[] = { 0x05, 0x01, 0x00, 0x01, 0x02,
					0x02, 0x04, 0x00, 0x02, 0x00, 0x42 };
	static const uint8_t fin[] = { 0x05, 0x01, 0x00, 0x01, 0x11,
				       0x02, 0x04, 0x00, 0x02, 0x00, 0x42 };
	struct ussd_ref r = ref_of("USSD", NONE, 0x42);

	reply_is(USSD_UMR_SESSION, &r, false, cont, sizeof(cont));
	reply_is(USSD_UMR_SESSION, &r, true, fin, sizeof(fin));
}
END_TEST

START_TEST(test_reply_round_trip_through_classify)
{
	/* what we send with the end bit reads back as an abort (end) in the
	 * same dialect, the continue screen as an answer */
	for (int final = 0; final <= 1; final++) {
		struct ussd_ref r = ref_of("USSD", 0x1202, NONE);
		struct smpp_pdu p;
		uint8_t store[8];
		struct ussd_mo mo;

		smpp_pdu_init(&p, SMPP_DELIVER_SM, 0, 1);
		ck_assert_int_eq(ussd_reply_fill(USSD_ITS_END_BIT, &r, final,
						 &p, store), 0);
		ck_assert(ussd_classify(USSD_ITS_END_BIT, &p, &mo));
		ck_assert_uint_eq(mo.ref.its & 1u, (unsigned)final);
	}
}
END_TEST

START_TEST(test_reply_fill_no_room)
{
	struct ussd_ref r = ref_of("USSD", 0x1202, 7);
	struct smpp_pdu p;
	uint8_t store[8];

	smpp_pdu_init(&p, SMPP_SUBMIT_SM, 0, 1);
	for (int i = 0; i < SMPP_TLV_MAX - 1; i++)
		smpp_pdu_add_tlv(&p, 0x1401, 0, NULL);
	ck_assert_int_eq(ussd_reply_fill(USSD_STANDARD, &r, false, &p, store),
			 -ENOSPC);
}
END_TEST

/* --- stored reference ----------------------------------------------------------- */

static void ref_round_trip(const struct ussd_ref *r, const char *want)
{
	char s[64];
	struct ussd_ref back;

	ussd_ref_format(r, s, sizeof(s));
	ck_assert_str_eq(s, want);
	ck_assert_int_eq(ussd_ref_parse(s, &back), 0);
	ck_assert_str_eq(back.service_type, r->service_type);
	ck_assert_int_eq(back.has_its, r->has_its);
	ck_assert_int_eq(back.has_umr, r->has_umr);
	if (r->has_its)
		ck_assert_uint_eq(back.its, r->its);
	if (r->has_umr)
		ck_assert_uint_eq(back.umr, r->umr);
}

START_TEST(test_ref_format_parse_round_trip)
{
	struct ussd_ref r;

	r = ref_of("USSD", 0x0a01, 12);
	ref_round_trip(&r, "svc=USSD,its=0a01,umr=12");
	r = ref_of("", NONE, NONE);
	ref_round_trip(&r, "svc=");
	r = ref_of("", 0xFFFF, NONE);
	ref_round_trip(&r, "svc=,its=ffff");
	r = ref_of("CMT", NONE, 65535);
	ref_round_trip(&r, "svc=CMT,umr=65535");
	r = ref_of("USSD", 0, 0);
	ref_round_trip(&r, "svc=USSD,its=0000,umr=0");
}
END_TEST

START_TEST(test_ref_parse_order_and_refusals)
{
	struct ussd_ref r;

	ck_assert_int_eq(ussd_ref_parse("its=0a01,umr=12,svc=USSD", &r), 0);
	ck_assert(r.has_its && r.has_umr);
	ck_assert_uint_eq(r.its, 0x0a01);
	ck_assert_uint_eq(r.umr, 12);
	ck_assert_str_eq(r.service_type, "USSD");
	ck_assert_int_eq(ussd_ref_parse("", &r), 0);
	ck_assert(!r.has_its && !r.has_umr);
	ck_assert_int_eq(ussd_ref_parse("foo", &r), -EINVAL);
	ck_assert_int_eq(ussd_ref_parse("x=1", &r), -EINVAL);
	ck_assert_int_eq(ussd_ref_parse("svc=TOOLONG", &r), -EINVAL);
	ck_assert_int_eq(ussd_ref_parse("svc=USSD,its=0123456789012345678901"
					"234567890", &r), -EINVAL);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(ussd_dialect_name(USSD_STANDARD), "standard");
	ck_assert_str_eq(ussd_dialect_name(USSD_VENDOR_OPS), "vendor_ops");
	ck_assert_str_eq(ussd_dialect_name(USSD_ITS_END_BIT), "its_end_bit");
	ck_assert_str_eq(ussd_dialect_name(USSD_UMR_SESSION), "umr_session");
	ck_assert_str_eq(ussd_dialect_name(USSD_DIALECT_COUNT), "?");
	ck_assert_str_eq(ussd_event_name(USSD_EV_BEGIN), "begin");
	ck_assert_str_eq(ussd_event_name(USSD_EV_ANSWER), "answer");
	ck_assert_str_eq(ussd_event_name(USSD_EV_ABORT), "abort");
}
END_TEST

Suite *suite_ussd(void)
{
	Suite *s = suite_create("ussd");
	TCase *tc;

	tc = tcase_create("classify");
	tcase_add_test(tc, test_standard_classify);
	tcase_add_test(tc, test_vendor_ops_classify);
	tcase_add_test(tc, test_its_end_bit_classify);
	tcase_add_test(tc, test_umr_session_classify);
	tcase_add_test(tc, test_sms_is_not_ussd);
	tcase_add_test(tc, test_classify_from_decoded_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("reply");
	tcase_add_test(tc, test_standard_reply_tlvs);
	tcase_add_test(tc, test_vendor_ops_reply_tlvs);
	tcase_add_test(tc, test_its_end_bit_reply_tlvs);
	tcase_add_test(tc, test_umr_session_reply_tlvs);
	tcase_add_test(tc, test_reply_round_trip_through_classify);
	tcase_add_test(tc, test_reply_fill_no_room);
	suite_add_tcase(s, tc);

	tc = tcase_create("ref");
	tcase_add_test(tc, test_ref_format_parse_round_trip);
	tcase_add_test(tc, test_ref_parse_order_and_refusals);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}
