/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SMPP 3.4 PDU codec and stream framer (see smpp/smpp_pdu.h).
 *
 * The body of every PDU is a field table; decode, encode and format walk
 * it, so a field is described in exactly one place. We decode ourselves
 * instead of calling libsmpp34's unpack: it rejects vendor statuses and
 * sequence number 0, misparses unknown TLVs, reads C-strings with strlen()
 * past the buffer and overruns its global trace buffer on TLV-heavy PDUs.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "smpp/smpp_pdu.h"

enum fkind { F_U8, F_CSTR, F_SM };

struct field {
	const char *name;
	enum fkind kind;
	uint16_t off;		/* offset in struct smpp_pdu */
	uint8_t max;		/* C-octet string size including the NUL */
	uint32_t bad_status;	/* status to answer when the field is bad */
};

#define U8(f) { #f, F_U8, offsetof(struct smpp_pdu, f), 1, 0 }
#define CSTR(f, m, st) { #f, F_CSTR, offsetof(struct smpp_pdu, f), m, st }
#define SM() { "short_message", F_SM, offsetof(struct smpp_pdu, sm_length), \
	       SMPP_SM_MAX, SMPP_ESME_RINVMSGLEN }

static const struct field f_bind[] = {
	CSTR(system_id, 16, SMPP_ESME_RINVSYSID),
	CSTR(password, 9, SMPP_ESME_RINVPASWD),
	CSTR(system_type, 13, SMPP_ESME_RINVSYSTYP),
	U8(interface_version),
	U8(addr_ton),
	U8(addr_npi),
	CSTR(address_range, 41, SMPP_ESME_RINVPARLEN),
};

static const struct field f_bind_resp[] = {
	CSTR(system_id, 16, SMPP_ESME_RINVSYSID),
};

static const struct field f_sm[] = {
	CSTR(service_type, 6, SMPP_ESME_RINVSERTYP),
	U8(source_addr_ton),
	U8(source_addr_npi),
	CSTR(source_addr, 21, SMPP_ESME_RINVSRCADR),
	U8(dest_addr_ton),
	U8(dest_addr_npi),
	CSTR(destination_addr, 21, SMPP_ESME_RINVDSTADR),
	U8(esm_class),
	U8(protocol_id),
	U8(priority_flag),
	CSTR(schedule_delivery_time, 17, SMPP_ESME_RINVSCHED),
	CSTR(validity_period, 17, SMPP_ESME_RINVEXPIRY),
	U8(registered_delivery),
	U8(replace_if_present_flag),
	U8(data_coding),
	U8(sm_default_msg_id),
	SM(),
};

static const struct field f_sm_resp[] = {
	CSTR(message_id, 65, SMPP_ESME_RINVMSGID),
};

static const struct field f_data_sm[] = {
	CSTR(service_type, 6, SMPP_ESME_RINVSERTYP),
	U8(source_addr_ton),
	U8(source_addr_npi),
	CSTR(source_addr, 65, SMPP_ESME_RINVSRCADR),
	U8(dest_addr_ton),
	U8(dest_addr_npi),
	CSTR(destination_addr, 65, SMPP_ESME_RINVDSTADR),
	U8(esm_class),
	U8(registered_delivery),
	U8(data_coding),
};

static const struct field f_outbind[] = {
	CSTR(system_id, 16, SMPP_ESME_RINVSYSID),
	CSTR(password, 9, SMPP_ESME_RINVPASWD),
};

/* alert_notification: the ESME address is kept in destination_addr */
static const struct field f_alert[] = {
	U8(source_addr_ton),
	U8(source_addr_npi),
	CSTR(source_addr, 65, SMPP_ESME_RINVSRCADR),
	U8(dest_addr_ton),
	U8(dest_addr_npi),
	CSTR(destination_addr, 65, SMPP_ESME_RINVDSTADR),
};

struct body_def {
	const struct field *fields;
	size_t nfields;
	bool tlvs;		/* a TLV section may follow */
	bool optional;		/* may be absent (responses) */
};

#define BODY(arr, t, o) { arr, ARRAY_SIZE(arr), t, o }
static const struct body_def bodies[] = {
	[SMPP_BODY_NONE] = { NULL, 0, false, true },
	[SMPP_BODY_BIND] = BODY(f_bind, false, false),
	[SMPP_BODY_BIND_RESP] = BODY(f_bind_resp, true, true),
	[SMPP_BODY_SM] = BODY(f_sm, true, false),
	[SMPP_BODY_SM_RESP] = BODY(f_sm_resp, false, true),
	[SMPP_BODY_DATA_SM] = BODY(f_data_sm, true, false),
	[SMPP_BODY_DATA_SM_RESP] = BODY(f_sm_resp, true, true),
	[SMPP_BODY_OUTBIND] = BODY(f_outbind, false, false),
	[SMPP_BODY_ALERT] = BODY(f_alert, true, false),
};

struct command_def {
	uint32_t id;
	const char *name;
	enum smpp_body body;
};

static const struct command_def commands[] = {
#define X(name, id, wire, body) { id, wire, body },
	SMPP_COMMANDS(X)
#undef X
};

/* Known TLVs and the value length the spec fixes for them (0: variable). */
static const struct {
	uint16_t tag;
	const char *name;
	uint16_t fixed;
	uint16_t max;
} tlv_defs[] = {
	{ SMPP_TLV_RECEIPTED_MESSAGE_ID, "receipted_message_id", 0, 65 },
	{ SMPP_TLV_USER_MESSAGE_REFERENCE, "user_message_reference", 2, 2 },
	{ SMPP_TLV_SOURCE_PORT, "source_port", 2, 2 },
	{ SMPP_TLV_DESTINATION_PORT, "destination_port", 2, 2 },
	{ SMPP_TLV_SAR_MSG_REF_NUM, "sar_msg_ref_num", 2, 2 },
	{ SMPP_TLV_SAR_TOTAL_SEGMENTS, "sar_total_segments", 1, 1 },
	{ SMPP_TLV_SAR_SEGMENT_SEQNUM, "sar_segment_seqnum", 1, 1 },
	{ SMPP_TLV_SC_INTERFACE_VERSION, "sc_interface_version", 1, 1 },
	{ SMPP_TLV_NETWORK_ERROR_CODE, "network_error_code", 3, 3 },
	{ SMPP_TLV_MESSAGE_PAYLOAD, "message_payload", 0, 65535 },
	{ SMPP_TLV_MESSAGE_STATE, "message_state", 1, 1 },
	{ SMPP_TLV_USSD_SERVICE_OP, "ussd_service_op", 1, 1 },
	{ SMPP_TLV_ITS_SESSION_INFO, "its_session_info", 2, 2 },
};

static const struct command_def *command_find(uint32_t id)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].id == id)
			return &commands[i];
	return NULL;
}

const char *smpp_command_name(uint32_t id)
{
	const struct command_def *c = command_find(id);

	return c ? c->name : NULL;
}

bool smpp_command_known(uint32_t id)
{
	return command_find(id) != NULL;
}

uint32_t smpp_resp_id(uint32_t request_id)
{
	return request_id | 0x80000000u;
}

const char *smpp_status_text(uint32_t status)
{
	switch (status) {
#define X(name, val, text) case val: return text;
	SMPP_STATUS_LIST(X)
#undef X
	default:
		return "vendor/reserved status";
	}
}

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

void smpp_header_read(const uint8_t *buf, struct smpp_pdu *pdu)
{
	pdu->command_length = rd32(buf);
	pdu->command_id = rd32(buf + 4);
	pdu->command_status = rd32(buf + 8);
	pdu->sequence_number = rd32(buf + 12);
}

void smpp_pdu_init(struct smpp_pdu *pdu, uint32_t command_id,
		   uint32_t status, uint32_t seq)
{
	memset(pdu, 0, sizeof(*pdu));
	pdu->command_id = command_id;
	pdu->command_status = status;
	pdu->sequence_number = seq;
	pdu->has_body = true;
}

static int tlv_def_index(uint16_t tag)
{
	for (size_t i = 0; i < ARRAY_SIZE(tlv_defs); i++)
		if (tlv_defs[i].tag == tag)
			return (int)i;
	return -1;
}

/* Parses the TLV section [p, end). strict: refuse malformed sections. */
static int decode_tlvs(const uint8_t *p, const uint8_t *end,
		       struct smpp_pdu *pdu, bool strict, uint32_t *status,
		       char *err, size_t errlen)
{
	while (p < end) {
		uint16_t tag, len;
		int d;

		if (end - p < 4) {
			if (!strict)
				return 0;
			*status = SMPP_ESME_RINVOPTPARSTREAM;
			return util_err(err, errlen, -EBADMSG,
				       "%d stray bytes after the last TLV",
				       (int)(end - p));
		}
		tag = (uint16_t)(p[0] << 8 | p[1]);
		len = (uint16_t)(p[2] << 8 | p[3]);
		p += 4;
		if (len > end - p) {
			if (!strict)
				return 0;
			*status = SMPP_ESME_RINVOPTPARSTREAM;
			return util_err(err, errlen, -EBADMSG,
				       "TLV 0x%04x length %u runs past the PDU",
				       tag, len);
		}
		if (pdu->tlv_count >= SMPP_TLV_MAX) {
			*status = SMPP_ESME_RINVOPTPARSTREAM;
			return util_err(err, errlen, -EBADMSG,
				       "more than %d TLVs", SMPP_TLV_MAX);
		}
		d = tlv_def_index(tag);
		if (d >= 0 && strict &&
		    ((tlv_defs[d].fixed && len != tlv_defs[d].fixed) ||
		     len > tlv_defs[d].max)) {
			*status = SMPP_ESME_RINVPARLEN;
			return util_err(err, errlen, -EBADMSG,
				       "TLV %s has length %u", tlv_defs[d].name,
				       len);
		}
		pdu->tlv[pdu->tlv_count].tag = tag;
		pdu->tlv[pdu->tlv_count].len = len;
		pdu->tlv[pdu->tlv_count].val = p;
		pdu->tlv_count++;
		p += len;
	}
	return 0;
}

/* A PDU being decoded: the bytes left of it and where it goes. */
struct decoder {
	const struct command_def *cmd;
	struct smpp_pdu *pdu;
	const uint8_t *p, *end;
	bool resp;
	uint32_t *status;	/* command_status to answer a refusal with */
	char *err;
	size_t errlen;
};

/* A field decoder's answer when the body ends before its field. */
#define BODY_SHORT 1

/* The header: length, known command; d->p is left on the body. */
static int decode_header(struct decoder *d, const uint8_t *buf, size_t len)
{
	struct smpp_pdu *pdu = d->pdu;

	if (len < SMPP_HEADER_LEN || len > SMPP_PDU_MAX) {
		*d->status = SMPP_ESME_RINVCMDLEN;
		return util_err(d->err, d->errlen, -EBADMSG, "PDU of %zu bytes",
			       len);
	}
	smpp_header_read(buf, pdu);
	if (pdu->command_length != len) {
		*d->status = SMPP_ESME_RINVCMDLEN;
		return util_err(d->err, d->errlen, -EBADMSG,
			       "command_length %u but %zu bytes",
			       pdu->command_length, len);
	}
	d->cmd = command_find(pdu->command_id);
	if (!d->cmd) {
		*d->status = SMPP_ESME_RINVCMDID;
		return util_err(d->err, d->errlen, -EBADMSG,
			       "unknown command_id 0x%08x", pdu->command_id);
	}
	d->resp = SMPP_IS_RESP(pdu->command_id);
	d->p = buf + SMPP_HEADER_LEN;
	d->end = buf + len;
	return 0;
}

static int decode_u8(struct decoder *d, const struct field *f)
{
	if (d->p >= d->end)
		return BODY_SHORT;
	*((uint8_t *)d->pdu + f->off) = *d->p++;
	return 0;
}

/* A C-octet string of at most f->max bytes with its NUL. */
static int decode_cstr(struct decoder *d, const struct field *f)
{
	uint8_t *dst = (uint8_t *)d->pdu + f->off;
	size_t avail = (size_t)(d->end - d->p);
	const uint8_t *nul = memchr(d->p, 0, avail < f->max ? avail : f->max);

	if (nul) {
		memcpy(dst, d->p, (size_t)(nul - d->p) + 1);
		d->p = nul + 1;
		return 0;
	}
	/* A response's message_id that runs to the end of the PDU without
	 * its NUL: take it. */
	if (d->resp && avail < f->max) {
		memcpy(dst, d->p, avail);
		dst[avail] = 0;
		d->p = d->end;
		return 0;
	}
	*d->status = avail < f->max ? SMPP_ESME_RINVCMDLEN : f->bad_status;
	return util_err(d->err, d->errlen, -EBADMSG,
		       "%s: %s not NUL-terminated within %u bytes",
		       d->cmd->name, f->name, f->max);
}

/* sm_length and short_message, which points into the buffer. */
static int decode_sm(struct decoder *d, const struct field *f)
{
	struct smpp_pdu *pdu = d->pdu;
	uint8_t n;

	if (d->p >= d->end)
		return BODY_SHORT;
	/* sm_length goes into the PDU only with its bytes: a refused PDU
	 * must not say it has a short message that short_message (NULL)
	 * does not hold (a trace of it read through NULL) */
	n = *d->p++;
	if (n > d->end - d->p || n > SMPP_SM_MAX) {
		*d->status = SMPP_ESME_RINVMSGLEN;
		return util_err(d->err, d->errlen, -EBADMSG,
			       "%s: sm_length %u but %d bytes left",
			       d->cmd->name, n, (int)(d->end - d->p));
	}
	pdu->sm_length = n;
	pdu->short_message = d->p;
	d->p += pdu->sm_length;
	return 0;
}

static int (*const field_decoders[])(struct decoder *d,
				     const struct field *f) = {
	[F_U8] = decode_u8,
	[F_CSTR] = decode_cstr,
	[F_SM] = decode_sm,
};

/* The body's fixed fields: 0, BODY_SHORT or a refusal. */
static int decode_fields(struct decoder *d, const struct body_def *body)
{
	for (size_t i = 0; i < body->nfields; i++) {
		const struct field *f = &body->fields[i];
		int rc = field_decoders[f->kind](d, f);

		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The body ended before its last field: a response is taken as one
 * without a body, a request is refused. */
static int decode_short_body(struct decoder *d)
{
	if (d->resp) {
		d->pdu->has_body = false;
		return 0;
	}
	*d->status = SMPP_ESME_RINVCMDLEN;
	return util_err(d->err, d->errlen, -EBADMSG, "%s: body too short",
		       d->cmd->name);
}

/* After the fixed fields: the TLVs of a body that has them; otherwise
 * nothing, except in a response, whose extra bytes are ignored. */
static int decode_tail(struct decoder *d, const struct body_def *body)
{
	if (body->tlvs)
		return decode_tlvs(d->p, d->end, d->pdu, !d->resp, d->status,
				   d->err, d->errlen);
	if (d->p < d->end && !d->resp) {
		*d->status = SMPP_ESME_RINVCMDLEN;
		return util_err(d->err, d->errlen, -EBADMSG,
			       "%s: %d bytes after the body", d->cmd->name,
			       (int)(d->end - d->p));
	}
	return 0;
}

int smpp_pdu_decode(const uint8_t *buf, size_t len, struct smpp_pdu *pdu,
		    uint32_t *status, char *err, size_t errlen)
{
	struct decoder d = { .pdu = pdu, .status = status, .err = err,
			     .errlen = errlen };
	const struct body_def *body;
	int rc;

	memset(pdu, 0, sizeof(*pdu));
	*status = SMPP_ESME_ROK;
	rc = decode_header(&d, buf, len);
	if (rc < 0)
		return rc;
	body = &bodies[d.cmd->body];
	/* An error response carries no meaningful body (SMPP 3.4 5.1.3): ignore
	 * whatever bytes a peer put there. */
	if (d.resp && (pdu->command_status != 0 || d.p == d.end) &&
	    body->optional) {
		pdu->has_body = false;
		return 0;
	}
	/* bytes after a header-only response (generic_nack, unbind_resp,
	 * enquire_link_resp) are ignored below: they make no body, or the
	 * PDU would not survive a round trip through our encoder */
	pdu->has_body = body->nfields > 0 || (body->tlvs && d.p < d.end);
	rc = decode_fields(&d, body);
	if (rc == BODY_SHORT)
		return decode_short_body(&d);
	if (rc < 0)
		return rc;
	return decode_tail(&d, body);
}

/* A PDU being encoded: the bytes written so far and where refusals go. */
struct encoder {
	const struct command_def *cmd;
	const struct smpp_pdu *pdu;
	uint8_t *buf;
	size_t cap;
	size_t n;		/* bytes written, the header's included */
	char *err;
	size_t errlen;
};

static int encode_nospace(const struct encoder *e)
{
	return util_err(e->err, e->errlen, -EINVAL,
		       "%s does not fit in %zu bytes", e->cmd->name, e->cap);
}

static int encode_u8(struct encoder *e, const struct field *f)
{
	if (e->n + 1 > e->cap)
		return encode_nospace(e);
	e->buf[e->n++] = *((const uint8_t *)e->pdu + f->off);
	return 0;
}

static int encode_cstr(struct encoder *e, const struct field *f)
{
	const char *src = (const char *)e->pdu + f->off;
	size_t l = strnlen(src, f->max);

	if (l >= f->max)
		return util_err(e->err, e->errlen, -EINVAL,
			       "%s: %s longer than %u", e->cmd->name, f->name,
			       f->max - 1);
	if (e->n + l + 1 > e->cap)
		return encode_nospace(e);
	memcpy(e->buf + e->n, src, l + 1);
	e->n += l + 1;
	return 0;
}

static int encode_sm(struct encoder *e, const struct field *f)
{
	const struct smpp_pdu *pdu = e->pdu;

	if (pdu->sm_length > SMPP_SM_MAX ||
	    (pdu->sm_length && !pdu->short_message))
		return util_err(e->err, e->errlen, -EINVAL,
			       "%s: bad sm_length %u", e->cmd->name,
			       pdu->sm_length);
	if (e->n + 1 + pdu->sm_length > e->cap)
		return encode_nospace(e);
	e->buf[e->n++] = pdu->sm_length;
	if (pdu->sm_length)
		memcpy(e->buf + e->n, pdu->short_message, pdu->sm_length);
	e->n += pdu->sm_length;
	return 0;
}

static int (*const field_encoders[])(struct encoder *e,
				     const struct field *f) = {
	[F_U8] = encode_u8,
	[F_CSTR] = encode_cstr,
	[F_SM] = encode_sm,
};

static int encode_tlvs(struct encoder *e, const struct body_def *body)
{
	const struct smpp_pdu *pdu = e->pdu;

	if (pdu->tlv_count && !body->tlvs)
		return util_err(e->err, e->errlen, -EINVAL,
			       "%s carries no TLVs", e->cmd->name);
	if (pdu->tlv_count > SMPP_TLV_MAX)
		return util_err(e->err, e->errlen, -EINVAL, "too many TLVs");
	for (unsigned i = 0; i < pdu->tlv_count; i++) {
		const struct smpp_tlv *t = &pdu->tlv[i];
		uint8_t *p = e->buf + e->n;

		if (e->n + 4 + t->len > e->cap)
			return encode_nospace(e);
		p[0] = (uint8_t)(t->tag >> 8);
		p[1] = (uint8_t)t->tag;
		p[2] = (uint8_t)(t->len >> 8);
		p[3] = (uint8_t)t->len;
		if (t->len)
			memcpy(p + 4, t->val, t->len);
		e->n += 4 + (size_t)t->len;
	}
	return 0;
}

/* The fixed fields, then the TLVs. */
static int encode_body(struct encoder *e, const struct body_def *body)
{
	for (size_t i = 0; i < body->nfields; i++) {
		const struct field *f = &body->fields[i];
		int rc = field_encoders[f->kind](e, f);

		if (rc < 0)
			return rc;
	}
	return encode_tlvs(e, body);
}

int smpp_pdu_encode(const struct smpp_pdu *pdu, uint8_t *buf, size_t cap,
		    size_t *outlen, char *err, size_t errlen)
{
	struct encoder e = { .cmd = command_find(pdu->command_id), .pdu = pdu,
			     .buf = buf, .cap = cap, .n = SMPP_HEADER_LEN,
			     .err = err, .errlen = errlen };
	const struct body_def *body;

	if (!e.cmd)
		return util_err(err, errlen, -EINVAL,
			       "cannot encode command 0x%08x",
			       pdu->command_id);
	if (cap < SMPP_HEADER_LEN)
		return encode_nospace(&e);
	body = &bodies[e.cmd->body];
	/* An error response goes without its body (SMPP 3.4 5.1.3). */
	if (pdu->has_body && !(SMPP_IS_RESP(pdu->command_id) &&
			       pdu->command_status != 0 && body->optional)) {
		int rc = encode_body(&e, body);

		if (rc < 0)
			return rc;
	}
	if (e.n > SMPP_PDU_MAX)
		return encode_nospace(&e);
	wr32(buf, (uint32_t)e.n);
	wr32(buf + 4, pdu->command_id);
	wr32(buf + 8, pdu->command_status);
	wr32(buf + 12, pdu->sequence_number);
	*outlen = e.n;
	return 0;
}

const struct smpp_tlv *smpp_pdu_tlv(const struct smpp_pdu *pdu, uint16_t tag)
{
	for (unsigned i = 0; i < pdu->tlv_count; i++)
		if (pdu->tlv[i].tag == tag)
			return &pdu->tlv[i];
	return NULL;
}

int smpp_pdu_tlv_uint(const struct smpp_pdu *pdu, uint16_t tag,
		      uint32_t *out)
{
	const struct smpp_tlv *t = smpp_pdu_tlv(pdu, tag);
	uint32_t v = 0;

	if (!t)
		return -ENOENT;
	if (t->len != 1 && t->len != 2 && t->len != 4)
		return -EINVAL;
	for (unsigned i = 0; i < t->len; i++)
		v = v << 8 | t->val[i];
	*out = v;
	return 0;
}

int smpp_pdu_add_tlv(struct smpp_pdu *pdu, uint16_t tag, uint16_t len,
		     const uint8_t *val)
{
	if (pdu->tlv_count >= SMPP_TLV_MAX)
		return -ENOSPC;
	pdu->tlv[pdu->tlv_count].tag = tag;
	pdu->tlv[pdu->tlv_count].len = len;
	pdu->tlv[pdu->tlv_count].val = val;
	pdu->tlv_count++;
	return 0;
}

/* --- trace ------------------------------------------------------------- */

struct out {
	char *buf;
	size_t len, cap;
};

static void outf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void outf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len + 1 >= o->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n < o->cap - o->len ? (size_t)n
						       : o->cap - o->len - 1;
}

/* Quoted, escaped text when the bytes are printable ASCII, else hex. */
static void out_bytes(struct out *o, const uint8_t *p, size_t n, bool text)
{
	bool printable = text;

	for (size_t i = 0; printable && i < n; i++)
		if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r')
			printable = false;
		else if (p[i] >= 0x7f)
			printable = false;
	if (printable) {
		outf(o, "\"");
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '"' || p[i] == '\\')
				outf(o, "\\%c", p[i]);
			else if (p[i] == '\n')
				outf(o, "\\n");
			else if (p[i] == '\r')
				outf(o, "\\r");
			else
				outf(o, "%c", p[i]);
		}
		outf(o, "\"");
	} else {
		outf(o, "0x");
		for (size_t i = 0; i < n; i++)
			outf(o, "%02x", p[i]);
	}
}

size_t smpp_pdu_format(const struct smpp_pdu *pdu, char *buf, size_t buflen)
{
	const struct command_def *cmd = command_find(pdu->command_id);
	struct out o = { buf, 0, buflen };

	if (!buflen)
		return 0;
	buf[0] = 0;
	if (cmd)
		outf(&o, "%s", cmd->name);
	else
		outf(&o, "command_0x%08x", pdu->command_id);
	outf(&o, " seq=%u", pdu->sequence_number);
	if (SMPP_IS_RESP(pdu->command_id) || pdu->command_status)
		outf(&o, " status=0x%08x", pdu->command_status);
	if (!cmd || !pdu->has_body)
		return o.len;

	const struct body_def *body = &bodies[cmd->body];
	bool text_dc = pdu->data_coding == 0 || pdu->data_coding == 1 ||
		       pdu->data_coding == 3;

	for (size_t i = 0; i < body->nfields; i++) {
		const struct field *f = &body->fields[i];
		const uint8_t *src = (const uint8_t *)pdu + f->off;

		switch (f->kind) {
		case F_U8:
			outf(&o, " %s=%u", f->name, *src);
			break;
		case F_CSTR:
			if (f->off == offsetof(struct smpp_pdu, password))
				outf(&o, " %s=\"%s\"", f->name,
				     *src ? "***" : "");
			else
				outf(&o, " %s=\"%s\"", f->name,
				     (const char *)src);
			break;
		case F_SM:
			outf(&o, " sm_length=%u short_message=",
			     pdu->sm_length);
			out_bytes(&o, pdu->short_message, pdu->sm_length,
				  text_dc && !(pdu->esm_class & 0x40));
			break;
		}
	}
	for (unsigned i = 0; i < pdu->tlv_count; i++) {
		const struct smpp_tlv *t = &pdu->tlv[i];
		int d = tlv_def_index(t->tag);

		if (d >= 0)
			outf(&o, " %s=", tlv_defs[d].name);
		else
			outf(&o, " tlv_0x%04x=", t->tag);
		if (t->tag == SMPP_TLV_MESSAGE_PAYLOAD)
			out_bytes(&o, t->val, t->len, text_dc);
		else if (t->tag == SMPP_TLV_RECEIPTED_MESSAGE_ID)
			out_bytes(&o, t->val,
				  t->len && !t->val[t->len - 1] ? t->len - 1u
								: t->len,
				  true);
		else
			out_bytes(&o, t->val, t->len, false);
	}
	return o.len;
}

/* --- framer ------------------------------------------------------------ */

void smpp_framer_init(struct smpp_framer *fr)
{
	memset(fr, 0, sizeof(*fr));
}

void smpp_framer_free(struct smpp_framer *fr)
{
	free(fr->buf);
	memset(fr, 0, sizeof(*fr));
}

static void framer_compact(struct smpp_framer *fr)
{
	if (fr->consumed) {
		memmove(fr->buf, fr->buf + fr->consumed,
			fr->len - fr->consumed);
		fr->len -= fr->consumed;
		fr->consumed = 0;
	}
}

int smpp_framer_feed(struct smpp_framer *fr, const uint8_t *data, size_t n)
{
	/* An empty chunk adds nothing; on a fresh framer buf is still NULL
	 * and memcpy(NULL, data, 0) would be undefined behaviour. */
	if (!n)
		return 0;
	/* Compacting here, once per read, keeps next() O(1) per PDU. */
	framer_compact(fr);
	if (fr->len + n > fr->cap) {
		size_t cap = fr->cap ? fr->cap : 4096;
		uint8_t *nb;

		while (cap < fr->len + n)
			cap *= 2;
		nb = realloc(fr->buf, cap);
		if (!nb)
			return -ENOMEM;
		fr->buf = nb;
		fr->cap = cap;
	}
	memcpy(fr->buf + fr->len, data, n);
	fr->len += n;
	return 0;
}

int smpp_framer_next(struct smpp_framer *fr, const uint8_t **pdu,
		     size_t *len)
{
	size_t avail = fr->len - fr->consumed;
	const uint8_t *p;
	uint32_t plen;

	/* before any byte buf is NULL, and NULL + 0 is undefined behaviour:
	 * look at buf only once it holds a length */
	if (avail < 4)
		return 0;
	p = fr->buf + fr->consumed;
	plen = rd32(p);
	if (plen < SMPP_HEADER_LEN || plen > SMPP_PDU_MAX)
		return -EBADMSG;
	if (avail < plen)
		return 0;
	*pdu = p;
	*len = plen;
	fr->consumed += plen;
	return 1;
}
