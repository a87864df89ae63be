/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libsmpp34 wrapper (see sim/sim_smpp34.h). libsmpp34 is not
 * thread-safe and reports errors in one global buffer: keep every call in
 * this file.
 *
 * Each PDU the wrapper maps is one row of pdus34[]: how its body is
 * copied into libsmpp34's struct and out of it, and where that struct
 * keeps its TLV list; sim34_encode and sim34_decode only walk the row.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <smpp34.h>
#include <smpp34_structs.h>
#include <smpp34_params.h>

#include "common/util.h"
#include "sim/sim_smpp34.h"

/* Every PDU type we map, for one buffer big enough for any of them. */
union any34 {
	bind_transmitter_t bt;
	bind_transmitter_resp_t btr;
	bind_receiver_t br;
	bind_receiver_resp_t brr;
	bind_transceiver_t bx;
	bind_transceiver_resp_t bxr;
	submit_sm_t ss;
	submit_sm_resp_t ssr;
	deliver_sm_t ds;
	deliver_sm_resp_t dsr;
	data_sm_t dd;
	data_sm_resp_t ddr;
	unbind_t ub;
	unbind_resp_t ubr;
	enquire_link_t el;
	enquire_link_resp_t elr;
	generic_nack_t gn;
	outbind_t ob;
};

/* How libsmpp34 holds each TLV value. */
enum tkind { TK_OCTET, TK_U8, TK_U16, TK_U32 };

static enum tkind tlv_kind(uint16_t tag)
{
	switch (tag) {
	case TLVID_user_message_reference:
	case TLVID_source_port:
	case TLVID_destination_port:
	case TLVID_sar_msg_ref_num:
	case TLVID_its_session_info:
	case TLVID_sms_signal:
	case TLVID_dest_telematics_id:
		return TK_U16;
	case TLVID_sar_total_segments:
	case TLVID_sar_segment_seqnum:
	case TLVID_user_response_code:
	case TLVID_privacy_indicator:
	case TLVID_payload_type:
	case TLVID_language_indicator:
	case TLVID_message_state:
	case TLVID_set_dpf:
	case TLVID_source_network_type:
	case TLVID_source_addr_subunit:
	case TLVID_dest_addr_subunit:
	case TLVID_more_messages_to_send:
	case TLVID_sc_interface_version:
		return TK_U8;
	case TLVID_qos_time_to_live:
		return TK_U32;
	default:
		return TK_OCTET;
	}
}

/* TLVs libsmpp34 packs correctly in the PDUs the simulator sends. */
static bool packable(uint16_t tag, uint16_t len)
{
	enum tkind k = tlv_kind(tag);

	if (k == TK_U8)
		return len == 1;
	if (k == TK_U16)
		return len == 2;
	if (k == TK_U32)
		return len == 4;
	return len <= 1024;
}

#define COPY_STR(dst, src) util_strlcpy((char *)(dst), (src), sizeof(dst))

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Where decoding copies TLV values (from the start) and the short
 * message (the last 255 octets). */
struct store34 {
	uint8_t *buf;
	size_t len;
};

/* --- one pair of functions per body layout -------------------------------- */

/* The three bind bodies are laid out alike: u->bx stands for all. */
static void pack_bind(const struct smpp_pdu *p, union any34 *u)
{
	COPY_STR(u->bx.system_id, p->system_id);
	COPY_STR(u->bx.password, p->password);
	COPY_STR(u->bx.system_type, p->system_type);
	u->bx.interface_version = p->interface_version;
	u->bx.addr_ton = p->addr_ton;
	u->bx.addr_npi = p->addr_npi;
	COPY_STR(u->bx.address_range, p->address_range);
}

static int unpack_bind(const union any34 *u, struct smpp_pdu *p,
		       struct store34 *st)
{
	COPY_STR(p->system_id, (const char *)u->bx.system_id);
	COPY_STR(p->password, (const char *)u->bx.password);
	COPY_STR(p->system_type, (const char *)u->bx.system_type);
	p->interface_version = u->bx.interface_version;
	p->addr_ton = u->bx.addr_ton;
	p->addr_npi = u->bx.addr_npi;
	COPY_STR(p->address_range, (const char *)u->bx.address_range);
	return 0;
}

static void pack_bind_resp(const struct smpp_pdu *p, union any34 *u)
{
	COPY_STR(u->bxr.system_id, p->system_id);
}

static int unpack_bind_resp(const union any34 *u, struct smpp_pdu *p,
			    struct store34 *st)
{
	COPY_STR(p->system_id, (const char *)u->bxr.system_id);
	return 0;
}

/*
 * submit_sm and deliver_sm differ only in the sizes of the time fields
 * (deliver_sm must leave them empty), so one list of fields serves both
 * types; these macros only copy.
 */
#define SM_PACK(s)                                                           \
	do {                                                                 \
		COPY_STR((s).service_type, p->service_type);                 \
		(s).source_addr_ton = p->source_addr_ton;                    \
		(s).source_addr_npi = p->source_addr_npi;                    \
		COPY_STR((s).source_addr, p->source_addr);                   \
		(s).dest_addr_ton = p->dest_addr_ton;                        \
		(s).dest_addr_npi = p->dest_addr_npi;                        \
		COPY_STR((s).destination_addr, p->destination_addr);         \
		(s).esm_class = p->esm_class;                                \
		(s).protocol_id = p->protocol_id;                            \
		(s).priority_flag = p->priority_flag;                        \
		COPY_STR((s).schedule_delivery_time,                         \
			 p->schedule_delivery_time);                         \
		COPY_STR((s).validity_period, p->validity_period);           \
		(s).registered_delivery = p->registered_delivery;            \
		(s).replace_if_present_flag = p->replace_if_present_flag;    \
		(s).data_coding = p->data_coding;                            \
		(s).sm_default_msg_id = p->sm_default_msg_id;                \
		(s).sm_length = p->sm_length;                                \
		if (p->sm_length)                                            \
			memcpy((s).short_message, p->short_message,          \
			       p->sm_length);                                \
	} while (0)

#define SM_UNPACK(s)                                                         \
	do {                                                                 \
		COPY_STR(p->service_type, (const char *)(s).service_type);   \
		p->source_addr_ton = (s).source_addr_ton;                    \
		p->source_addr_npi = (s).source_addr_npi;                    \
		COPY_STR(p->source_addr, (const char *)(s).source_addr);     \
		p->dest_addr_ton = (s).dest_addr_ton;                        \
		p->dest_addr_npi = (s).dest_addr_npi;                        \
		COPY_STR(p->destination_addr,                                \
			 (const char *)(s).destination_addr);                \
		p->esm_class = (s).esm_class;                                \
		p->protocol_id = (s).protocol_id;                            \
		p->priority_flag = (s).priority_flag;                        \
		COPY_STR(p->schedule_delivery_time,                          \
			 (const char *)(s).schedule_delivery_time);          \
		COPY_STR(p->validity_period,                                 \
			 (const char *)(s).validity_period);                 \
		p->registered_delivery = (s).registered_delivery;            \
		p->replace_if_present_flag = (s).replace_if_present_flag;    \
		p->data_coding = (s).data_coding;                            \
		p->sm_default_msg_id = (s).sm_default_msg_id;                \
		p->sm_length = (s).sm_length;                                \
	} while (0)

/* The short message goes into the last 255 octets of the store, which
 * the TLV values then may not use. Returns 0 or -ENOSPC. */
static int keep_short_message(struct smpp_pdu *p, const uint8_t *sm,
			      struct store34 *st)
{
	if (st->len < 1024 + 255)
		return -ENOSPC;
	memcpy(st->buf + st->len - 255, sm, p->sm_length);
	p->short_message = st->buf + st->len - 255;
	st->len -= 255;
	return 0;
}

static void pack_submit(const struct smpp_pdu *p, union any34 *u)
{
	SM_PACK(u->ss);
}

static int unpack_submit(const union any34 *u, struct smpp_pdu *p,
			 struct store34 *st)
{
	SM_UNPACK(u->ss);
	return keep_short_message(p, u->ss.short_message, st);
}

static void pack_deliver(const struct smpp_pdu *p, union any34 *u)
{
	SM_PACK(u->ds);
}

static int unpack_deliver(const union any34 *u, struct smpp_pdu *p,
			  struct store34 *st)
{
	SM_UNPACK(u->ds);
	return keep_short_message(p, u->ds.short_message, st);
}

#undef SM_PACK
#undef SM_UNPACK

/* submit_sm_resp and deliver_sm_resp: u->ssr stands for both. */
static void pack_sm_resp(const struct smpp_pdu *p, union any34 *u)
{
	COPY_STR(u->ssr.message_id, p->message_id);
}

static int unpack_sm_resp(const union any34 *u, struct smpp_pdu *p,
			  struct store34 *st)
{
	COPY_STR(p->message_id, (const char *)u->ssr.message_id);
	return 0;
}

static void pack_data_sm(const struct smpp_pdu *p, union any34 *u)
{
	COPY_STR(u->dd.service_type, p->service_type);
	u->dd.source_addr_ton = p->source_addr_ton;
	u->dd.source_addr_npi = p->source_addr_npi;
	COPY_STR(u->dd.source_addr, p->source_addr);
	u->dd.dest_addr_ton = p->dest_addr_ton;
	u->dd.dest_addr_npi = p->dest_addr_npi;
	COPY_STR(u->dd.destination_addr, p->destination_addr);
	u->dd.esm_class = p->esm_class;
	u->dd.registered_delivery = p->registered_delivery;
	u->dd.data_coding = p->data_coding;
}

static int unpack_data_sm(const union any34 *u, struct smpp_pdu *p,
			  struct store34 *st)
{
	COPY_STR(p->service_type, (const char *)u->dd.service_type);
	p->source_addr_ton = u->dd.source_addr_ton;
	p->source_addr_npi = u->dd.source_addr_npi;
	COPY_STR(p->source_addr, (const char *)u->dd.source_addr);
	p->dest_addr_ton = u->dd.dest_addr_ton;
	p->dest_addr_npi = u->dd.dest_addr_npi;
	COPY_STR(p->destination_addr, (const char *)u->dd.destination_addr);
	p->esm_class = u->dd.esm_class;
	p->registered_delivery = u->dd.registered_delivery;
	p->data_coding = u->dd.data_coding;
	return 0;
}

static void pack_data_sm_resp(const struct smpp_pdu *p, union any34 *u)
{
	COPY_STR(u->ddr.message_id, p->message_id);
}

static int unpack_data_sm_resp(const union any34 *u, struct smpp_pdu *p,
			       struct store34 *st)
{
	COPY_STR(p->message_id, (const char *)u->ddr.message_id);
	return 0;
}

static void pack_outbind(const struct smpp_pdu *p, union any34 *u)
{
	COPY_STR(u->ob.system_id, p->system_id);
	COPY_STR(u->ob.password, p->password);
}

static int unpack_outbind(const union any34 *u, struct smpp_pdu *p,
			  struct store34 *st)
{
	COPY_STR(p->system_id, (const char *)u->ob.system_id);
	COPY_STR(p->password, (const char *)u->ob.password);
	return 0;
}

/* --- the PDUs the wrapper maps -------------------------------------------- */

/* Copies the body fields into libsmpp34's struct (the header is set
 * apart, through the part every struct shares). */
typedef void pack34_fn(const struct smpp_pdu *p, union any34 *u);
/* Copies the body fields out; 0, or -ENOSPC when the store is too small. */
typedef int unpack34_fn(const union any34 *u, struct smpp_pdu *p,
			struct store34 *st);

/* Where a PDU struct keeps its TLV list, as an offset into any34. */
#define TLV_LIST(member) offsetof(union any34, member.tlv)

static const struct pdu34 {
	uint32_t id;
	bool header_only;	/* written directly, never by libsmpp34 */
	pack34_fn *pack;	/* NULL: the wrapper cannot encode it */
	unpack34_fn *unpack;	/* NULL: nothing past the header */
	size_t tlvs;		/* TLV_LIST(), or 0: it has none */
} pdus34[] = {
	{ SMPP_GENERIC_NACK, true, NULL, NULL, 0 },
	{ SMPP_ENQUIRE_LINK, true, NULL, NULL, 0 },
	{ SMPP_ENQUIRE_LINK_RESP, true, NULL, NULL, 0 },
	{ SMPP_UNBIND, true, NULL, NULL, 0 },
	{ SMPP_UNBIND_RESP, true, NULL, NULL, 0 },
	{ SMPP_BIND_TRANSMITTER, false, pack_bind, unpack_bind, 0 },
	{ SMPP_BIND_RECEIVER, false, pack_bind, unpack_bind, 0 },
	{ SMPP_BIND_TRANSCEIVER, false, pack_bind, unpack_bind, 0 },
	{ SMPP_BIND_TRANSMITTER_RESP, false, pack_bind_resp,
	  unpack_bind_resp, TLV_LIST(bxr) },
	{ SMPP_BIND_RECEIVER_RESP, false, pack_bind_resp, unpack_bind_resp,
	  TLV_LIST(bxr) },
	{ SMPP_BIND_TRANSCEIVER_RESP, false, pack_bind_resp,
	  unpack_bind_resp, TLV_LIST(bxr) },
	{ SMPP_SUBMIT_SM, false, pack_submit, unpack_submit, TLV_LIST(ss) },
	{ SMPP_SUBMIT_SM_RESP, false, pack_sm_resp, unpack_sm_resp, 0 },
	{ SMPP_DELIVER_SM, false, pack_deliver, unpack_deliver,
	  TLV_LIST(ds) },
	{ SMPP_DELIVER_SM_RESP, false, pack_sm_resp, unpack_sm_resp, 0 },
	{ SMPP_DATA_SM, false, pack_data_sm, unpack_data_sm, TLV_LIST(dd) },
	{ SMPP_DATA_SM_RESP, false, pack_data_sm_resp, unpack_data_sm_resp,
	  0 },
	{ SMPP_OUTBIND, false, pack_outbind, unpack_outbind, 0 },
};

static const struct pdu34 *pdu34_find(uint32_t id)
{
	for (size_t i = 0; i < ARRAY_SIZE(pdus34); i++)
		if (pdus34[i].id == id)
			return &pdus34[i];
	return NULL;
}

/* The TLV list field of u as PDU e, or NULL when e has none. */
static tlv_t **tlv_slot(const struct pdu34 *e, union any34 *u)
{
	if (!e || !e->tlvs)
		return NULL;
	return (tlv_t **)(void *)((char *)u + e->tlvs);
}

static int build_tlvs(const struct smpp_pdu *p, tlv_t **head, bool *raw)
{
	/* build_tlv prepends: walk backwards to keep the order */
	for (int i = (int)p->tlv_count - 1; i >= 0; i--) {
		const struct smpp_tlv *t = &p->tlv[i];
		tlv_t v;

		if (!packable(t->tag, t->len)) {
			raw[i] = true;
			continue;
		}
		memset(&v, 0, sizeof(v));
		v.tag = t->tag;
		v.length = t->len;
		switch (tlv_kind(t->tag)) {
		case TK_U8:
			v.value.val08 = t->val[0];
			break;
		case TK_U16:
			v.value.val16 = (uint16_t)(t->val[0] << 8 | t->val[1]);
			break;
		case TK_U32:
			v.value.val32 = (uint32_t)t->val[0] << 24 |
					(uint32_t)t->val[1] << 16 |
					(uint32_t)t->val[2] << 8 | t->val[3];
			break;
		case TK_OCTET:
			memcpy(v.value.octet, t->val, t->len);
			break;
		}
		if (build_tlv(head, &v) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* PDUs with nothing for libsmpp34 to add: those without a body and error
 * responses (libsmpp34 refuses vendor statuses). */
static bool header_only(const struct smpp_pdu *p, const struct pdu34 *e)
{
	return !p->has_body || (e && e->header_only) ||
	       (SMPP_IS_RESP(p->command_id) && p->command_status != 0);
}

static void encode_header(const struct smpp_pdu *p, uint8_t *buf,
			  size_t *len)
{
	wr32(buf, SMPP_HEADER_LEN);
	wr32(buf + 4, p->command_id);
	wr32(buf + 8, p->command_status);
	wr32(buf + 12, p->sequence_number);
	*len = SMPP_HEADER_LEN;
}

/* Every libsmpp34 PDU struct starts with the same header: u->gn stands
 * for all. libsmpp34 refuses sequence number 0 (see sim34_encode). */
static void pack_header(const struct smpp_pdu *p, union any34 *u)
{
	u->gn.command_id = p->command_id;
	u->gn.command_status = p->command_status;
	u->gn.sequence_number = p->sequence_number ? p->sequence_number : 1;
}

/* Appends the TLVs libsmpp34 could not pack (raw[i]) after the *total
 * octets it wrote. Returns 0 or -EINVAL when cap is too small. */
static int append_raw_tlvs(const struct smpp_pdu *p, const bool *raw,
			   uint8_t *buf, size_t cap, size_t *total)
{
	for (unsigned i = 0; i < p->tlv_count; i++) {
		const struct smpp_tlv *t = &p->tlv[i];
		uint8_t *o = buf + *total;

		if (!raw[i])
			continue;
		if (*total + 4 + t->len > cap)
			return -EINVAL;
		o[0] = (uint8_t)(t->tag >> 8);
		o[1] = (uint8_t)t->tag;
		o[2] = (uint8_t)(t->len >> 8);
		o[3] = (uint8_t)t->len;
		memcpy(o + 4, t->val, t->len);
		*total += 4 + (size_t)t->len;
	}
	return 0;
}

int sim34_encode(const struct smpp_pdu *p, uint8_t *buf, size_t cap,
		 size_t *len, char *err, size_t errlen)
{
	const struct pdu34 *e = pdu34_find(p->command_id);
	union any34 u;
	tlv_t *tlvs = NULL, **slot;
	bool raw[SMPP_TLV_MAX] = { false };
	int n = 0, rc;
	size_t total;

	if (cap < SMPP_HEADER_LEN + 1)
		return util_err(err, errlen, -EINVAL, "buffer too small");
	if (header_only(p, e)) {
		encode_header(p, buf, len);
		return 0;
	}
	if (!e || !e->pack)
		return util_err(err, errlen, -EINVAL,
			       "libsmpp34 wrapper cannot encode 0x%08x",
			       p->command_id);
	memset(&u, 0, sizeof(u));
	if (build_tlvs(p, &tlvs, raw) < 0) {
		destroy_tlv(tlvs);
		return util_err(err, errlen, -EINVAL, "out of memory");
	}
	pack_header(p, &u);
	e->pack(p, &u);
	if ((slot = tlv_slot(e, &u)))
		*slot = tlvs;
	rc = smpp34_pack(p->command_id, buf, (int)cap, &n, &u);
	destroy_tlv(tlvs);
	if (rc != 0)
		return util_err(err, errlen, -EINVAL, "libsmpp34: %.300s",
			       smpp34_strerror);
	total = (size_t)n;
	if (append_raw_tlvs(p, raw, buf, cap, &total) < 0)
		return util_err(err, errlen, -EINVAL, "buffer too small");
	wr32(buf, (uint32_t)total);
	wr32(buf + 12, p->sequence_number);	/* 0 is what was asked */
	*len = total;
	return 0;
}

/*
 * How libsmpp34 1.14.1 reads a TLV's value, per PDU (its def_frame .tlv
 * files): the tags it reads as an integer of `size` octets (whatever the
 * length says), or as at most `max` octets. Any other tag, in any PDU, it
 * reads as at most 1024 octets. The same tag may be an integer in one PDU
 * and octets in another (dest_telematics_id: u16 in data_sm, octets in
 * deliver_sm), so the table is per PDU.
 */
static const struct tlv34 {
	uint32_t cmd;
	uint16_t tag;
	uint8_t size;		/* 1, 2, 4; 0: octets */
	uint16_t max;
} tlv34[] = {
	/* bind_receiver_resp.tlv */
	{ SMPP_BIND_RECEIVER_RESP, TLVID_sc_interface_version, 1, 1 },
	/* bind_transmitter_resp.tlv */
	{ SMPP_BIND_TRANSMITTER_RESP, TLVID_sc_interface_version, 1, 1 },
	/* bind_transceiver_resp.tlv */
	{ SMPP_BIND_TRANSCEIVER_RESP, TLVID_sc_interface_version, 1, 1 },
	/* submit_sm.tlv */
	{ SMPP_SUBMIT_SM, TLVID_user_message_reference, 2, 2 },
	{ SMPP_SUBMIT_SM, TLVID_source_port, 2, 2 },
	{ SMPP_SUBMIT_SM, TLVID_source_addr_subunit, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_destination_port, 2, 2 },
	{ SMPP_SUBMIT_SM, TLVID_dest_addr_subunit, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_sar_msg_ref_num, 2, 2 },
	{ SMPP_SUBMIT_SM, TLVID_sar_total_segments, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_sar_segment_seqnum, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_more_messages_to_send, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_payload_type, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_message_payload, 0, 1024 },
	{ SMPP_SUBMIT_SM, TLVID_privacy_indicator, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_callback_num, 0, 19 },
	{ SMPP_SUBMIT_SM, TLVID_callback_num_pres_ind, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_callback_num_atag, 0, 65 },
	{ SMPP_SUBMIT_SM, TLVID_source_subaddress, 0, 23 },
	{ SMPP_SUBMIT_SM, TLVID_dest_subaddress, 0, 23 },
	{ SMPP_SUBMIT_SM, TLVID_user_response_code, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_display_time, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_sms_signal, 2, 2 },
	{ SMPP_SUBMIT_SM, TLVID_ms_validity, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_ms_msg_wait_facilities, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_number_of_messages, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_alert_on_message_delivery, 0, 0 },
	{ SMPP_SUBMIT_SM, TLVID_language_indicator, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_its_reply_type, 1, 1 },
	{ SMPP_SUBMIT_SM, TLVID_its_session_info, 2, 2 },
	{ SMPP_SUBMIT_SM, TLVID_ussd_service_op, 0, 1 },
	/* deliver_sm.tlv */
	{ SMPP_DELIVER_SM, TLVID_user_message_reference, 2, 2 },
	{ SMPP_DELIVER_SM, TLVID_source_port, 2, 2 },
	{ SMPP_DELIVER_SM, TLVID_destination_port, 2, 2 },
	{ SMPP_DELIVER_SM, TLVID_sar_msg_ref_num, 2, 2 },
	{ SMPP_DELIVER_SM, TLVID_sar_total_segments, 1, 1 },
	{ SMPP_DELIVER_SM, TLVID_sar_segment_seqnum, 1, 1 },
	{ SMPP_DELIVER_SM, TLVID_user_response_code, 1, 1 },
	{ SMPP_DELIVER_SM, TLVID_privacy_indicator, 1, 1 },
	{ SMPP_DELIVER_SM, TLVID_payload_type, 1, 1 },
	{ SMPP_DELIVER_SM, TLVID_message_payload, 0, 1024 },
	{ SMPP_DELIVER_SM, TLVID_callback_num, 0, 19 },
	{ SMPP_DELIVER_SM, TLVID_source_subaddress, 0, 23 },
	{ SMPP_DELIVER_SM, TLVID_dest_subaddress, 0, 23 },
	{ SMPP_DELIVER_SM, TLVID_language_indicator, 1, 1 },
	{ SMPP_DELIVER_SM, TLVID_its_session_info, 2, 2 },
	{ SMPP_DELIVER_SM, TLVID_network_error_code, 0, 3 },
	{ SMPP_DELIVER_SM, TLVID_message_state, 1, 1 },
	{ SMPP_DELIVER_SM, TLVID_receipted_message_id, 0, 65 },
	{ SMPP_DELIVER_SM, TLVID_set_dpf, 1, 1 },
	{ SMPP_DELIVER_SM, TLVID_source_network_type, 1, 1 },
	/* data_sm.tlv */
	{ SMPP_DATA_SM, TLVID_source_port, 2, 2 },
	{ SMPP_DATA_SM, TLVID_source_addr_subunit, 1, 1 },
	{ SMPP_DATA_SM, TLVID_source_network_type, 1, 1 },
	{ SMPP_DATA_SM, TLVID_source_bearer_type, 1, 1 },
	{ SMPP_DATA_SM, TLVID_source_telematics_id, 1, 1 },
	{ SMPP_DATA_SM, TLVID_destination_port, 2, 2 },
	{ SMPP_DATA_SM, TLVID_dest_addr_subunit, 1, 1 },
	{ SMPP_DATA_SM, TLVID_dest_network_type, 1, 1 },
	{ SMPP_DATA_SM, TLVID_dest_bearer_type, 1, 1 },
	{ SMPP_DATA_SM, TLVID_dest_telematics_id, 2, 2 },
	{ SMPP_DATA_SM, TLVID_sar_msg_ref_num, 2, 2 },
	{ SMPP_DATA_SM, TLVID_sar_total_segments, 1, 1 },
	{ SMPP_DATA_SM, TLVID_sar_segment_seqnum, 1, 1 },
	{ SMPP_DATA_SM, TLVID_more_messages_to_send, 1, 1 },
	{ SMPP_DATA_SM, TLVID_qos_time_to_live, 4, 4 },
	{ SMPP_DATA_SM, TLVID_payload_type, 1, 1 },
	{ SMPP_DATA_SM, TLVID_message_payload, 0, 1024 },
	{ SMPP_DATA_SM, TLVID_set_dpf, 1, 1 },
	{ SMPP_DATA_SM, TLVID_receipted_message_id, 0, 65 },
	{ SMPP_DATA_SM, TLVID_message_state, 1, 1 },
	{ SMPP_DATA_SM, TLVID_network_error_code, 0, 3 },
	{ SMPP_DATA_SM, TLVID_user_message_reference, 2, 2 },
	{ SMPP_DATA_SM, TLVID_privacy_indicator, 1, 1 },
	{ SMPP_DATA_SM, TLVID_callback_num, 0, 19 },
	{ SMPP_DATA_SM, TLVID_callback_num_pres_ind, 1, 1 },
	{ SMPP_DATA_SM, TLVID_callback_num_atag, 0, 65 },
	{ SMPP_DATA_SM, TLVID_source_subaddress, 0, 23 },
	{ SMPP_DATA_SM, TLVID_dest_subaddress, 0, 23 },
	{ SMPP_DATA_SM, TLVID_user_response_code, 1, 1 },
	{ SMPP_DATA_SM, TLVID_display_time, 1, 1 },
	{ SMPP_DATA_SM, TLVID_sms_signal, 2, 2 },
	{ SMPP_DATA_SM, TLVID_ms_validity, 1, 1 },
	{ SMPP_DATA_SM, TLVID_ms_msg_wait_facilities, 1, 1 },
	{ SMPP_DATA_SM, TLVID_number_of_messages, 1, 1 },
	{ SMPP_DATA_SM, TLVID_alert_on_message_delivery, 0, 0 },
	{ SMPP_DATA_SM, TLVID_language_indicator, 1, 1 },
	{ SMPP_DATA_SM, TLVID_its_reply_type, 1, 1 },
	{ SMPP_DATA_SM, TLVID_its_session_info, 2, 2 },
	/* data_sm_resp.tlv */
	{ SMPP_DATA_SM_RESP, TLVID_delivery_failure_reason, 1, 1 },
	{ SMPP_DATA_SM_RESP, TLVID_network_error_code, 0, 3 },
	{ SMPP_DATA_SM_RESP, TLVID_additional_status_info_text, 0, 256 },
	{ SMPP_DATA_SM_RESP, TLVID_dpf_result, 1, 1 },
};

/* The row of a TLV tag in a PDU, or NULL (octets, at most 1024). */
static const struct tlv34 *tlv34_find(uint32_t cmd, uint16_t tag)
{
	for (size_t i = 0; i < ARRAY_SIZE(tlv34); i++)
		if (tlv34[i].cmd == cmd && tlv34[i].tag == tag)
			return &tlv34[i];
	return NULL;
}

/* True when libsmpp34 reads a TLV of this tag and length as it is. */
static bool tlv34_ok(uint32_t cmd, uint16_t tag, uint16_t len)
{
	const struct tlv34 *t = tlv34_find(cmd, tag);

	if (!t)
		return len <= 1024;
	return t->size ? len == t->size : len <= t->max;
}

/* The integer size libsmpp34 reads a TLV as in this PDU; 0: octets. */
static unsigned tlv34_size(uint32_t cmd, uint16_t tag)
{
	const struct tlv34 *t = tlv34_find(cmd, tag);

	return t ? t->size : 0;
}

static int tlvs_out(tlv_t *head, struct smpp_pdu *p, uint8_t *store,
		    size_t storelen)
{
	uint32_t cmd = p->command_id;

	size_t used = 0;
	int n = 0;

	/* libsmpp34 prepends while parsing: the list is in reverse order */
	for (tlv_t *t = head; t; t = t->next)
		n++;
	if (n > SMPP_TLV_MAX)
		return -EBADMSG;
	p->tlv_count = (unsigned)n;
	for (tlv_t *t = head; t; t = t->next) {
		struct smpp_tlv *o = &p->tlv[--n];
		uint8_t *v = store + used;
		size_t l = t->length;

		if (used + l > storelen)
			return -ENOSPC;
		/* as this PDU's .tlv file read it (the tag alone does not
		 * say: found by fuzz/diff34) */
		switch (tlv34_size(cmd, t->tag)) {
		case 1:
			v[0] = t->value.val08;
			break;
		case 2:
			v[0] = (uint8_t)(t->value.val16 >> 8);
			v[1] = (uint8_t)t->value.val16;
			break;
		case 4:
			wr32(v, t->value.val32);
			break;
		default:
			memcpy(v, t->value.octet, l);
			break;
		}
		o->tag = t->tag;
		o->len = (uint16_t)l;
		o->val = v;
		used += l;
	}
	return 0;
}

int sim34_check(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	static uint8_t again[SMPP_PDU_MAX];
	struct smpp_pdu p;
	uint32_t status;
	size_t n;

	if (len < SMPP_HEADER_LEN || len > SMPP_PDU_MAX || rd32(buf) != len)
		return util_err(err, errlen, -EBADMSG, "length %zu, header "
				"says %u", len, len >= 4 ? rd32(buf) : 0);
	if (!pdu34_find(rd32(buf + 4)))
		return util_err(err, errlen, -EBADMSG, "command 0x%08x not "
				"mapped", rd32(buf + 4));
	if (smpp_pdu_decode(buf, len, &p, &status, err, errlen) < 0)
		return -EBADMSG;
	if (smpp_pdu_encode(&p, again, sizeof(again), &n, err, errlen) < 0 ||
	    n != len || memcmp(again, buf, len) != 0)
		return util_err(err, errlen, -EBADMSG, "not as our encoder "
				"writes it (stray or unterminated bytes)");
	if (p.tlv_count > SIM34_TLV_SANE)
		return util_err(err, errlen, -EBADMSG, "%u TLVs",
				p.tlv_count);
	for (unsigned i = 0; i < p.tlv_count; i++) {
		const struct smpp_tlv *t = &p.tlv[i];

		if (!tlv34_ok(p.command_id, t->tag, t->len))
			return util_err(err, errlen, -EBADMSG, "TLV 0x%04x of "
					"%u octets", t->tag, t->len);
	}
	return 0;
}

static void unpack_header(const union any34 *u, struct smpp_pdu *p,
			  size_t len)
{
	p->command_length = u->gn.command_length;
	p->command_id = u->gn.command_id;
	p->command_status = u->gn.command_status;
	p->sequence_number = u->gn.sequence_number;
	p->has_body = len > SMPP_HEADER_LEN;
}

int sim34_decode(const uint8_t *buf, size_t len, struct smpp_pdu *p,
		 uint8_t *store, size_t storelen, char *err, size_t errlen)
{
	struct store34 st = { store, storelen };
	const struct pdu34 *e;
	union any34 u;
	tlv_t **slot, *tlvs;
	uint32_t id;
	int rc;

	if (sim34_check(buf, len, err, errlen) < 0)
		return -EBADMSG;
	id = rd32(buf + 4);
	e = pdu34_find(id);
	memset(&u, 0, sizeof(u));
	memset(p, 0, sizeof(*p));
	rc = smpp34_unpack(id, &u, buf, (int)len);
	slot = tlv_slot(e, &u);
	tlvs = slot ? *slot : NULL;
	if (rc != 0) {
		util_err(err, errlen, -EBADMSG, "libsmpp34: %.300s",
			smpp34_strerror);
		/* a failed parse may leave a partial TLV list behind */
		destroy_tlv(tlvs);
		return -EBADMSG;
	}
	unpack_header(&u, p, len);
	if (e && e->unpack && e->unpack(&u, p, &st) < 0) {
		destroy_tlv(tlvs);
		return util_err(err, errlen, -ENOSPC, "store too small");
	}
	rc = tlvs_out(tlvs, p, st.buf, st.len);
	destroy_tlv(tlvs);
	if (rc < 0)
		return util_err(err, errlen, rc, "TLVs do not fit");
	return 0;
}
