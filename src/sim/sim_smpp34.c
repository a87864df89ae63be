/*
 * libsmpp34 wrapper (see sim/sim_smpp34.h). libsmpp34 is not
 * thread-safe and reports errors in one global buffer: keep every call in
 * this file.
 */
#include "config.h"

#include <errno.h>
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

static void fill_sm(const struct smpp_pdu *p, uint8_t *service_type,
		    uint8_t *st_ton, uint8_t *st_npi, uint8_t *src,
		    uint8_t *dt_ton, uint8_t *dt_npi, uint8_t *dst)
{
	util_strlcpy((char *)service_type, p->service_type, 6);
	*st_ton = p->source_addr_ton;
	*st_npi = p->source_addr_npi;
	util_strlcpy((char *)src, p->source_addr, 21);
	*dt_ton = p->dest_addr_ton;
	*dt_npi = p->dest_addr_npi;
	util_strlcpy((char *)dst, p->destination_addr, 21);
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

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

int sim34_encode(const struct smpp_pdu *p, uint8_t *buf, size_t cap,
		 size_t *len, char *err, size_t errlen)
{
	union any34 u;
	tlv_t *tlvs = NULL;
	bool raw[SMPP_TLV_MAX] = { false };
	uint32_t seq = p->sequence_number ? p->sequence_number : 1;
	int n = 0, rc;
	size_t total;

	if (cap < SMPP_HEADER_LEN + 1)
		return util_err(err, errlen, -EINVAL, "buffer too small");
	/* header-only PDUs and bodiless error responses: nothing for
	 * libsmpp34 to add, and it refuses vendor statuses */
	if (!p->has_body || (SMPP_IS_RESP(p->command_id) &&
			     p->command_status != 0 &&
			     p->command_id != SMPP_GENERIC_NACK) ||
	    p->command_id == SMPP_GENERIC_NACK ||
	    p->command_id == SMPP_ENQUIRE_LINK ||
	    p->command_id == SMPP_ENQUIRE_LINK_RESP ||
	    p->command_id == SMPP_UNBIND || p->command_id == SMPP_UNBIND_RESP) {
		wr32(buf, SMPP_HEADER_LEN);
		wr32(buf + 4, p->command_id);
		wr32(buf + 8, p->command_status);
		wr32(buf + 12, p->sequence_number);
		*len = SMPP_HEADER_LEN;
		return 0;
	}
	memset(&u, 0, sizeof(u));
	if (build_tlvs(p, &tlvs, raw) < 0)
		return util_err(err, errlen, -EINVAL, "out of memory");

#define HDR(s)                                                               \
	do {                                                                 \
		(s).command_id = p->command_id;                              \
		(s).command_status = p->command_status;                      \
		(s).sequence_number = seq;                                   \
	} while (0)

	switch (p->command_id) {
	case SMPP_BIND_TRANSMITTER:
	case SMPP_BIND_RECEIVER:
	case SMPP_BIND_TRANSCEIVER:
		/* the three bind bodies are laid out alike */
		HDR(u.bx);
		COPY_STR(u.bx.system_id, p->system_id);
		COPY_STR(u.bx.password, p->password);
		COPY_STR(u.bx.system_type, p->system_type);
		u.bx.interface_version = p->interface_version;
		u.bx.addr_ton = p->addr_ton;
		u.bx.addr_npi = p->addr_npi;
		COPY_STR(u.bx.address_range, p->address_range);
		break;
	case SMPP_BIND_TRANSMITTER_RESP:
	case SMPP_BIND_RECEIVER_RESP:
	case SMPP_BIND_TRANSCEIVER_RESP:
		HDR(u.bxr);
		COPY_STR(u.bxr.system_id, p->system_id);
		u.bxr.tlv = tlvs;
		break;
	/* submit_sm and deliver_sm differ only in the sizes of the time
	 * fields (deliver_sm must leave them empty) */
#define SM_IN(s)                                                             \
	do {                                                                 \
		HDR(s);                                                      \
		fill_sm(p, (s).service_type, &(s).source_addr_ton,           \
			&(s).source_addr_npi, (s).source_addr,               \
			&(s).dest_addr_ton, &(s).dest_addr_npi,              \
			(s).destination_addr);                               \
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
		(s).tlv = tlvs;                                              \
	} while (0)
	case SMPP_SUBMIT_SM:
		SM_IN(u.ss);
		break;
	case SMPP_DELIVER_SM:
		SM_IN(u.ds);
		break;
#undef SM_IN
	case SMPP_SUBMIT_SM_RESP:
	case SMPP_DELIVER_SM_RESP:
		HDR(u.ssr);
		COPY_STR(u.ssr.message_id, p->message_id);
		break;
	case SMPP_DATA_SM:
		HDR(u.dd);
		COPY_STR(u.dd.service_type, p->service_type);
		u.dd.source_addr_ton = p->source_addr_ton;
		u.dd.source_addr_npi = p->source_addr_npi;
		COPY_STR(u.dd.source_addr, p->source_addr);
		u.dd.dest_addr_ton = p->dest_addr_ton;
		u.dd.dest_addr_npi = p->dest_addr_npi;
		COPY_STR(u.dd.destination_addr, p->destination_addr);
		u.dd.esm_class = p->esm_class;
		u.dd.registered_delivery = p->registered_delivery;
		u.dd.data_coding = p->data_coding;
		u.dd.tlv = tlvs;
		break;
	case SMPP_DATA_SM_RESP:
		HDR(u.ddr);
		COPY_STR(u.ddr.message_id, p->message_id);
		break;
	case SMPP_OUTBIND:
		HDR(u.ob);
		COPY_STR(u.ob.system_id, p->system_id);
		COPY_STR(u.ob.password, p->password);
		break;
	default:
		destroy_tlv(tlvs);
		return util_err(err, errlen, -EINVAL,
			       "libsmpp34 wrapper cannot encode 0x%08x",
			       p->command_id);
	}
#undef HDR
	rc = smpp34_pack(p->command_id, buf, (int)cap, &n, &u);
	destroy_tlv(tlvs);
	if (rc != 0)
		return util_err(err, errlen, -EINVAL, "libsmpp34: %.300s",
			       smpp34_strerror);
	total = (size_t)n;
	for (unsigned i = 0; i < p->tlv_count; i++) {
		const struct smpp_tlv *t = &p->tlv[i];

		if (!raw[i])
			continue;
		if (total + 4 + t->len > cap)
			return util_err(err, errlen, -EINVAL, "buffer too small");
		buf[total] = (uint8_t)(t->tag >> 8);
		buf[total + 1] = (uint8_t)t->tag;
		buf[total + 2] = (uint8_t)(t->len >> 8);
		buf[total + 3] = (uint8_t)t->len;
		memcpy(buf + total + 4, t->val, t->len);
		total += 4 + (size_t)t->len;
	}
	wr32(buf, (uint32_t)total);
	wr32(buf + 12, p->sequence_number);	/* 0 is what was asked */
	*len = total;
	return 0;
}

static int tlvs_out(tlv_t *head, struct smpp_pdu *p, uint8_t *store,
		    size_t storelen)
{
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
		switch (tlv_kind(t->tag)) {
		case TK_U8:
			v[0] = t->value.val08;
			break;
		case TK_U16:
			v[0] = (uint8_t)(t->value.val16 >> 8);
			v[1] = (uint8_t)t->value.val16;
			break;
		case TK_U32:
			wr32(v, t->value.val32);
			break;
		case TK_OCTET:
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

int sim34_decode(const uint8_t *buf, size_t len, struct smpp_pdu *p,
		 uint8_t *store, size_t storelen, char *err, size_t errlen)
{
	union any34 u;
	uint32_t id;
	tlv_t *tlvs = NULL;
	int rc;

	if (len < SMPP_HEADER_LEN)
		return util_err(err, errlen, -EBADMSG, "short PDU");
	id = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 |
	     (uint32_t)buf[6] << 8 | buf[7];
	memset(&u, 0, sizeof(u));
	memset(p, 0, sizeof(*p));
	rc = smpp34_unpack(id, &u, buf, (int)len);
	if (rc != 0) {
		util_err(err, errlen, -EBADMSG, "libsmpp34: %.300s",
			smpp34_strerror);
		/* a failed parse may leave a partial TLV list behind */
		switch (id) {
		case SMPP_SUBMIT_SM:
			destroy_tlv(u.ss.tlv);
			break;
		case SMPP_DELIVER_SM:
			destroy_tlv(u.ds.tlv);
			break;
		case SMPP_DATA_SM:
			destroy_tlv(u.dd.tlv);
			break;
		case SMPP_BIND_TRANSMITTER_RESP:
		case SMPP_BIND_RECEIVER_RESP:
		case SMPP_BIND_TRANSCEIVER_RESP:
			destroy_tlv(u.bxr.tlv);
			break;
		default:
			break;
		}
		return -EBADMSG;
	}
	p->command_length = u.gn.command_length;
	p->command_id = u.gn.command_id;
	p->command_status = u.gn.command_status;
	p->sequence_number = u.gn.sequence_number;
	p->has_body = len > SMPP_HEADER_LEN;

	switch (id) {
	case SMPP_BIND_TRANSMITTER:
	case SMPP_BIND_RECEIVER:
	case SMPP_BIND_TRANSCEIVER:
		COPY_STR(p->system_id, (char *)u.bx.system_id);
		COPY_STR(p->password, (char *)u.bx.password);
		COPY_STR(p->system_type, (char *)u.bx.system_type);
		p->interface_version = u.bx.interface_version;
		p->addr_ton = u.bx.addr_ton;
		p->addr_npi = u.bx.addr_npi;
		COPY_STR(p->address_range, (char *)u.bx.address_range);
		break;
	case SMPP_BIND_TRANSMITTER_RESP:
	case SMPP_BIND_RECEIVER_RESP:
	case SMPP_BIND_TRANSCEIVER_RESP:
		COPY_STR(p->system_id, (char *)u.bxr.system_id);
		tlvs = u.bxr.tlv;
		break;
#define SM_OUT(s)                                                            \
	do {                                                                 \
		tlvs = (s).tlv;                                              \
		COPY_STR(p->service_type, (char *)(s).service_type);         \
		p->source_addr_ton = (s).source_addr_ton;                    \
		p->source_addr_npi = (s).source_addr_npi;                    \
		COPY_STR(p->source_addr, (char *)(s).source_addr);           \
		p->dest_addr_ton = (s).dest_addr_ton;                        \
		p->dest_addr_npi = (s).dest_addr_npi;                        \
		COPY_STR(p->destination_addr, (char *)(s).destination_addr); \
		p->esm_class = (s).esm_class;                                \
		p->protocol_id = (s).protocol_id;                            \
		p->priority_flag = (s).priority_flag;                        \
		COPY_STR(p->schedule_delivery_time,                          \
			 (char *)(s).schedule_delivery_time);                \
		COPY_STR(p->validity_period, (char *)(s).validity_period);   \
		p->registered_delivery = (s).registered_delivery;            \
		p->replace_if_present_flag = (s).replace_if_present_flag;    \
		p->data_coding = (s).data_coding;                            \
		p->sm_default_msg_id = (s).sm_default_msg_id;                \
		p->sm_length = (s).sm_length;                                \
		/* the short message goes at the end of store, the TLV       \
		 * values at its start */                                    \
		if (storelen < 1024 + 255)                                   \
			goto nospace;                                        \
		memcpy(store + storelen - 255, (s).short_message,            \
		       p->sm_length);                                        \
		p->short_message = store + storelen - 255;                   \
		storelen -= 255;                                             \
	} while (0)
	case SMPP_SUBMIT_SM:
		SM_OUT(u.ss);
		break;
	case SMPP_DELIVER_SM:
		SM_OUT(u.ds);
		break;
#undef SM_OUT
	case SMPP_SUBMIT_SM_RESP:
	case SMPP_DELIVER_SM_RESP:
		COPY_STR(p->message_id, (char *)u.ssr.message_id);
		break;
	case SMPP_DATA_SM:
		COPY_STR(p->service_type, (char *)u.dd.service_type);
		p->source_addr_ton = u.dd.source_addr_ton;
		p->source_addr_npi = u.dd.source_addr_npi;
		COPY_STR(p->source_addr, (char *)u.dd.source_addr);
		p->dest_addr_ton = u.dd.dest_addr_ton;
		p->dest_addr_npi = u.dd.dest_addr_npi;
		COPY_STR(p->destination_addr, (char *)u.dd.destination_addr);
		p->esm_class = u.dd.esm_class;
		p->registered_delivery = u.dd.registered_delivery;
		p->data_coding = u.dd.data_coding;
		tlvs = u.dd.tlv;
		break;
	case SMPP_DATA_SM_RESP:
		COPY_STR(p->message_id, (char *)u.ddr.message_id);
		break;
	default:
		break;
	}
	rc = tlvs_out(tlvs, p, store, storelen);
	destroy_tlv(tlvs);
	if (rc < 0)
		return util_err(err, errlen, rc, "TLVs do not fit");
	return 0;
nospace:
	destroy_tlv(tlvs);
	return util_err(err, errlen, -ENOSPC, "store too small");
}
