/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writes the PDU seeds of fuzz/corpus/pdu, diff34 and reasm: the PDUs the
 * simulator sends (bind_*_resp, deliver_sm with text in GSM-7 and UCS-2,
 * the parts of a long MO by UDH and by SAR, a USSD MO, a delivery receipt,
 * submit_sm_resp with an id and with an error, enquire_link, unbind,
 * generic_nack, data_sm), encoded by its own encoder (sim34_encode, as
 * src/sim/sim.c sends them). Not run by the build: it made the committed
 * seeds, and makes them again after a change of the codec.
 *
 *   fuzz/seeds DIR     writes DIR/pdu/, DIR/diff34/ and DIR/reasm/
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/sim_smpp34.h"
#include "smpp/smpp_pdu.h"
#include "text/text.h"

static const char *dir;
static uint8_t stream[65536];
static size_t stream_len;

static void put(const char *sub, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "w");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* One PDU: a seed of its own for diff34 and pdu (with its two leading
 * bytes for the read sizes), and a part of the stream seed. */
static void pdu(const char *name, const struct smpp_pdu *p)
{
	uint8_t buf[4096], seed[4098];
	size_t n;
	char err[256];

	if (sim34_encode(p, buf, sizeof(buf), &n, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", name, err);
		exit(1);
	}
	put("diff34", name, buf, n);
	seed[0] = 0x12;
	seed[1] = 0x34;
	memcpy(seed + 2, buf, n);
	put("pdu", name, seed, n + 2);
	memcpy(stream + stream_len, buf, n);
	stream_len += n;
}

static void mo(struct smpp_pdu *p, const char *src, uint8_t dc,
	       const uint8_t *sm, size_t n)
{
	smpp_pdu_init(p, SMPP_DELIVER_SM, 0, 7);
	p->source_addr_ton = 1;
	p->source_addr_npi = 1;
	snprintf(p->source_addr, sizeof(p->source_addr), "%s", src);
	snprintf(p->destination_addr, sizeof(p->destination_addr), "8088");
	p->data_coding = dc;
	p->sm_length = (uint8_t)n;
	p->short_message = sm;
}

/* A reasm seed record (fuzz/reasm.c build_part): flags, [esm], dc,
 * sm_length, sm, TLVs. */
static size_t reasm_rec(uint8_t *o, uint8_t flags, uint8_t esm, uint8_t dc,
			const uint8_t *sm, size_t n, const uint8_t *tlvs,
			size_t tlen)
{
	size_t k = 0;

	o[k++] = flags;
	if (!(flags & 1))
		o[k++] = esm;
	o[k++] = dc;
	o[k++] = (uint8_t)n;
	memcpy(o + k, sm, n);
	k += n;
	if (tlen)
		memcpy(o + k, tlvs, tlen);
	return k + tlen;
}

int main(int argc, char **argv)
{
	static const uint8_t ussd_op[] = { 1 }, its[] = { 0x12, 0x00 };
	static const uint8_t rid[] = "2a1b3c", state[] = { 2 };
	static const uint8_t nec[] = { 3, 0, 0 };
	static const char *const udh_text[] = {
		"TRACUU 000.00.19.H56-250806-0001 1234 xin cam on ban da ",
		"tra loi nhanh",
	};
	struct smpp_pdu p;
	uint8_t sm[300], sm2[300], rec[4096];
	size_t n, n2, rl = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];

	smpp_pdu_init(&p, SMPP_BIND_TRANSCEIVER_RESP, 0, 1);
	snprintf(p.system_id, sizeof(p.system_id), "SMSC");
	pdu("bind_transceiver_resp", &p);

	smpp_pdu_init(&p, SMPP_ENQUIRE_LINK, 0, 2);
	p.has_body = false;
	pdu("enquire_link", &p);

	gsm7_encode("TRACUU 000.00.19.H56-250806-0001", sm, sizeof(sm), &n);
	mo(&p, "84912345678", 0, sm, n);
	pdu("deliver_sm_gsm7", &p);

	ucs2_encode("tra cứu hồ sơ 000.00.19.H56-250806-0001 1234", sm,
		    sizeof(sm), &n);
	mo(&p, "0987654321", 8, sm, n);
	pdu("deliver_sm_ucs2", &p);

	gsm7_encode("BANSAO 001203012345 2", sm, sizeof(sm), &n);
	mo(&p, "84912345678", 0, sm, n);
	pdu("deliver_sm_bansao", &p);

	/* a long MO in two parts, UDH IEI 0x00, reference 0x2a */
	for (int i = 0; i < 2; i++) {
		uint8_t udh[] = { 5, 0, 3, 0x2a, 2, (uint8_t)(i + 1) };
		char name[32];

		memcpy(sm, udh, 6);
		gsm7_encode(udh_text[i], sm + 6, sizeof(sm) - 6, &n);
		mo(&p, "84912345678", 0, sm, n + 6);
		p.esm_class = 0x40;
		snprintf(name, sizeof(name), "deliver_sm_udh_%d", i + 1);
		pdu(name, &p);
		rl += reasm_rec(rec + rl, 0x01, 0, 0, sm, n + 6, NULL, 0);
	}
	put("reasm", "udh8_two_parts", rec, rl);

	/* the same by SAR, UCS-2 (Vietnamese), parts in reverse order */
	rl = 0;
	ucs2_encode("Xin chào, tôi muốn ", sm, sizeof(sm), &n);
	ucs2_encode("đặt lịch hẹn", sm2, sizeof(sm2), &n2);
	for (int i = 1; i >= 0; i--) {
		uint8_t ref[] = { 0x01, 0x02 }, tot[] = { 2 },
			seq[] = { (uint8_t)(i + 1) };
		/* as fuzz/reasm.c reads TLVs: a choice of tags[] (0 ref,
		 * 1 total, 2 seq), the length, the bytes */
		uint8_t tl[] = { 0, 2, 0x01, 0x02, 1, 1, 2, 2, 1,
				 (uint8_t)(i + 1) };
		char name[32];

		mo(&p, "84987654321", 8, i ? sm2 : sm, i ? n2 : n);
		smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_MSG_REF_NUM, 2, ref);
		smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_TOTAL_SEGMENTS, 1, tot);
		smpp_pdu_add_tlv(&p, SMPP_TLV_SAR_SEGMENT_SEQNUM, 1, seq);
		snprintf(name, sizeof(name), "deliver_sm_sar_%d", i + 1);
		pdu(name, &p);
		/* flags: source 1, 3 TLVs; an esm_class byte (0) follows */
		rl += reasm_rec(rec + rl, 0x02 | 3 << 3, 0, 8, i ? sm2 : sm,
				i ? n2 : n, tl, sizeof(tl));
	}
	put("reasm", "sar_ucs2_reversed", rec, rl);

	/* a packed GSM-7 single part (flags 0x80: packed) */
	{
		uint8_t sept[200], ud[200];
		size_t s, u;

		gsm7_encode("MENU", sept, sizeof(sept), &s);
		gsm7_pack(sept, s, 0, ud, sizeof(ud), &u);
		rl = reasm_rec(rec, 0x81, 0, 0, ud, u, NULL, 0);
		put("reasm", "packed_single", rec, rl);
	}

	/* USSD: a dial, with the dialect's TLVs */
	gsm7_encode("*8088#", sm, sizeof(sm), &n);
	mo(&p, "84912345678", 0, sm, n);
	snprintf(p.service_type, sizeof(p.service_type), "USSD");
	smpp_pdu_add_tlv(&p, SMPP_TLV_USSD_SERVICE_OP, 1, ussd_op);
	smpp_pdu_add_tlv(&p, SMPP_TLV_ITS_SESSION_INFO, 2, its);
	pdu("deliver_sm_ussd", &p);

	/* a delivery receipt */
	{
		static const char text[] = "id:2a1b3c sub:001 dlvrd:001 "
			"submit date:2508061200 done date:2508061201 "
			"stat:DELIVRD err:000 text:Ho so";

		mo(&p, "84912345678", 0, (const uint8_t *)text,
		   sizeof(text) - 1);
		p.esm_class = 0x04;
		smpp_pdu_add_tlv(&p, SMPP_TLV_RECEIPTED_MESSAGE_ID, 7, rid);
		smpp_pdu_add_tlv(&p, SMPP_TLV_MESSAGE_STATE, 1, state);
		smpp_pdu_add_tlv(&p, SMPP_TLV_NETWORK_ERROR_CODE, 3, nec);
		pdu("deliver_sm_receipt", &p);
	}

	smpp_pdu_init(&p, SMPP_SUBMIT_SM_RESP, 0, 3);
	snprintf(p.message_id, sizeof(p.message_id), "2a1b3c");
	pdu("submit_sm_resp", &p);

	smpp_pdu_init(&p, SMPP_SUBMIT_SM_RESP, SMPP_ESME_RTHROTTLED, 4);
	p.has_body = false;
	pdu("submit_sm_resp_throttled", &p);

	smpp_pdu_init(&p, SMPP_GENERIC_NACK, SMPP_ESME_RINVCMDID, 5);
	p.has_body = false;
	pdu("generic_nack", &p);

	smpp_pdu_init(&p, SMPP_UNBIND, 0, 6);
	p.has_body = false;
	pdu("unbind", &p);

	/* data_sm with the text in message_payload */
	smpp_pdu_init(&p, SMPP_DATA_SM, 0, 8);
	snprintf(p.source_addr, sizeof(p.source_addr), "84912345678");
	snprintf(p.destination_addr, sizeof(p.destination_addr), "8088");
	gsm7_encode("TRACUU 000.00.19.H56-250806-0001", sm, sizeof(sm), &n);
	smpp_pdu_add_tlv(&p, SMPP_TLV_MESSAGE_PAYLOAD, (uint16_t)n, sm);
	pdu("data_sm_payload", &p);

	/* every PDU above in one stream, as a TCP read delivers them */
	{
		static uint8_t s[65538];

		s[0] = 0x5a;
		s[1] = 0xc3;
		memcpy(s + 2, stream, stream_len);
		put("pdu", "stream_all", s, stream_len + 2);
	}
	return 0;
}
