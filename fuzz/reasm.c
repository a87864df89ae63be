/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: concatenated MOs (smpp/reasm.h) as the gateway and the
 * simulator receive them.
 *
 * Input: a list of deliver_sm parts. Each part is built from the input
 * (esm_class, data_coding, source, short_message, up to 6 TLVs among the
 * SAR ones, message_payload and a random tag), encoded and decoded by our
 * codec (so reasm_parse() only sees what the decoder lets through, as in
 * the gateway), then parsed, normalised, stored in Redis form and read
 * back, and filed in a reasm_set. A complete message is joined; at the
 * end every message left is joined with its missing parts marked (the
 * timeout). Properties:
 *
 *  - what reasm_parse() accepts is consistent: 1 <= seq <= total, the
 *    user data inside the PDU, the data right after the UDH;
 *  - a part's "<dc>:<hex>" form reads back to the same bytes;
 *  - joined text, and every part's own text, is valid UTF-8.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "smpp/reasm.h"
#include "smpp/smpp_pdu.h"
#include "text/text.h"

#define MAX_PARTS 40

static const char *const sources[] = { "84912345678", "84987654321",
				       "ALPHA", "" };
static const uint16_t tags[] = {
	SMPP_TLV_SAR_MSG_REF_NUM, SMPP_TLV_SAR_TOTAL_SEGMENTS,
	SMPP_TLV_SAR_SEGMENT_SEQNUM, SMPP_TLV_MESSAGE_PAYLOAD,
	SMPP_TLV_USSD_SERVICE_OP, SMPP_TLV_SOURCE_PORT,
};

static void check_text(const char *what, const char *s)
{
	if (!utf8_valid(s))
		fz_fail("%s is not UTF-8", what);
}

/* One part from the input into pdu (bytes kept in buf). Returns 0 when
 * our decoder accepts it. */
static int build_part(struct fz *f, uint8_t *buf, size_t cap,
		      struct smpp_pdu *pdu, bool *packed)
{
	struct smpp_pdu p;
	uint8_t flags = fz_u8(f);
	uint8_t sm[SMPP_SM_MAX];
	uint8_t vals[6][300];
	unsigned ntlv;
	size_t smlen, len;
	uint32_t status;
	char err[128];

	smpp_pdu_init(&p, SMPP_DELIVER_SM, 0, 1);
	*packed = flags & 0x80;
	p.esm_class = (flags & 1) ? 0x40 : fz_u8(f);
	p.data_coding = fz_u8(f);
	snprintf(p.source_addr, sizeof(p.source_addr), "%s",
		 sources[(flags >> 1) & 3]);
	snprintf(p.destination_addr, sizeof(p.destination_addr), "8088");
	smlen = fz_u8(f);
	if (smlen > SMPP_SM_MAX)
		smlen = SMPP_SM_MAX;
	for (size_t i = 0; i < smlen; i++)
		sm[i] = fz_u8(f);
	p.sm_length = (uint8_t)smlen;
	p.short_message = sm;
	ntlv = (flags >> 3) & 7;
	for (unsigned i = 0; i < ntlv && i < 6; i++) {
		uint8_t t = fz_u8(f);
		uint16_t tag = (t & 0x80) ? fz_u16(f) : tags[t % 6];
		size_t l = fz_u8(f) % 300;

		for (size_t k = 0; k < l; k++)
			vals[i][k] = fz_u8(f);
		smpp_pdu_add_tlv(&p, tag, (uint16_t)l, vals[i]);
	}
	if (smpp_pdu_encode(&p, buf, cap, &len, err, sizeof(err)) < 0)
		return -1;
	return smpp_pdu_decode(buf, len, pdu, &status, err, sizeof(err));
}

static void check_info(const struct smpp_pdu *pdu, const uint8_t *buf,
		       size_t buflen, const struct reasm_info *in)
{
	if (in->total < 1 || in->seq < 1 || in->seq > in->total)
		fz_fail("part %u of %u", in->seq, in->total);
	if (in->udh_len > in->ud_len || in->data != in->ud + in->udh_len ||
	    in->len != in->ud_len - in->udh_len)
		fz_fail("UDH %zu of %zu octets", in->udh_len, in->ud_len);
	if (in->ud_len && (in->ud < buf || in->ud + in->ud_len > buf + buflen))
		fz_fail("user data outside the PDU");
	if (in->dc != pdu->data_coding)
		fz_fail("dc %u, PDU %u", in->dc, pdu->data_coding);
}

static void join_and_check(struct reasm *m, const char *missing)
{
	char *text = NULL;

	if (reasm_join(m, missing, &text) < 0)
		abort();
	check_text("joined text", text);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	struct reasm_set *set = reasm_set_new();
	struct reasm *m;
	int64_t now = 0;
	bool mark = fz_bool(&f);	/* the gap's mark: given or default */

	if (!set)
		abort();
	for (int i = 0; i < MAX_PARTS && f.n; i++) {
		/* static: too large for a stack frame under ASan */
		static uint8_t buf[SMPP_PDU_MAX];
		static uint8_t norm[SMPP_PDU_MAX * 8 / 7 + 8];
		static uint8_t back[sizeof(norm)];
		static char hex[2 * sizeof(norm) + 8];
		static char text[4 * SMPP_PDU_MAX];
		char key[256], err[128];
		struct smpp_pdu pdu;
		struct reasm_info in;
		size_t nlen, blen;
		uint8_t dc;
		bool packed;
		int rc;

		if (build_part(&f, buf, sizeof(buf), &pdu, &packed) != 0)
			continue;
		if (reasm_parse(&pdu, &in, err, sizeof(err)) < 0)
			continue;
		check_info(&pdu, buf, sizeof(buf), &in);
		reasm_info_text(&in, packed, text, sizeof(text));
		check_text("a part's text", text);
		if (reasm_part_bytes(&in, packed, norm, sizeof(norm),
				     &nlen) < 0)
			continue;
		rc = reasm_part_encode(in.dc, norm, nlen, hex, sizeof(hex));
		if (rc < 0)
			fz_fail("part of %zu octets does not encode", nlen);
		if (reasm_part_decode(hex, &dc, back, sizeof(back),
				      &blen) < 0 ||
		    dc != in.dc || blen != nlen ||
		    (nlen && memcmp(back, norm, nlen) != 0))
			fz_fail("part \"%.40s...\" does not read back", hex);
		reasm_key(&in, pdu.source_addr, pdu.destination_addr, key,
			  sizeof(key));
		now += 1000;
		rc = reasm_set_add(set, key, &in, norm, nlen, now, &m);
		if (rc == -ENOMEM)
			abort();
		if (m && reasm_complete(m)) {
			join_and_check(m, NULL);
			reasm_set_remove(set, m);
		}
	}
	/* the timeout: whatever is left, joined with its gaps marked */
	while ((m = reasm_set_expired(set, INT64_MAX)) != NULL) {
		char missing[1024];

		reasm_missing(m, missing, sizeof(missing));
		join_and_check(m, mark ? "[...]" : NULL);
		reasm_set_remove(set, m);
	}
	reasm_set_free(set);
	return 0;
}
