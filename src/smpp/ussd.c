/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * USSD dialects (see smpp/ussd.h): one table row per dialect.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smpp/ussd.h"
#include "common/util.h"

struct dialect {
	const char *name;
	uint8_t begin[3];	/* MO op codes that open a session */
	uint8_t answer[2];	/* MO op codes that answer a screen */
	uint8_t abort[3];	/* MO op codes that end it */
	uint8_t op_continue;	/* our "show and wait" screen */
	uint8_t op_close;	/* our final screen */
	bool send_op;		/* put ussd_service_op on replies */
	bool end_bit;		/* its_session_info bit 0 = end of session */
	bool umr;		/* session travels in user_message_reference */
};

/* 0xFF pads the op lists; no dialect uses it. */
static const struct dialect dialects[USSD_DIALECT_COUNT] = {
	[USSD_STANDARD] = { "standard", { 0, 1, 0xFF }, { 18, 0xFF },
			    { 16, 17, 0xFF }, 2, 17, true, false, false },
	[USSD_VENDOR_OPS] = { "vendor_ops", { 0, 1, 0xFF }, { 0x12, 0xFF },
			      { 0x81, 0x17, 0xFF }, 0x12, 0x17, true, false,
			      false },
	[USSD_ITS_END_BIT] = { "its_end_bit", { 0, 1, 0xFF }, { 18, 0xFF },
			       { 16, 17, 0xFF }, 2, 17, true, true, false },
	[USSD_UMR_SESSION] = { "umr_session", { 0, 1, 0xFF }, { 18, 0xFF },
			       { 16, 17, 0xFF }, 2, 17, true, false, true },
};

const char *ussd_dialect_name(enum ussd_dialect_id d)
{
	return d < USSD_DIALECT_COUNT ? dialects[d].name : "?";
}

const char *ussd_event_name(enum ussd_event ev)
{
	switch (ev) {
	case USSD_EV_BEGIN: return "begin";
	case USSD_EV_ANSWER: return "answer";
	case USSD_EV_ABORT: return "abort";
	}
	return "?";
}

static bool in_list(const uint8_t *l, size_t n, int op)
{
	for (size_t i = 0; i < n && l[i] != 0xFF; i++)
		if (l[i] == op)
			return true;
	return false;
}

bool ussd_classify(enum ussd_dialect_id d, const struct smpp_pdu *pdu,
		   struct ussd_mo *mo)
{
	const struct dialect *dl = &dialects[d < USSD_DIALECT_COUNT ? d : 0];
	uint32_t v;
	bool svc_ussd = strcmp(pdu->service_type, "USSD") == 0;

	memset(mo, 0, sizeof(*mo));
	mo->op = -1;
	if (smpp_pdu_tlv_uint(pdu, SMPP_TLV_USSD_SERVICE_OP, &v) == 0)
		mo->op = (int)v;
	if (smpp_pdu_tlv_uint(pdu, SMPP_TLV_ITS_SESSION_INFO, &v) == 0) {
		mo->ref.has_its = true;
		mo->ref.its = (uint16_t)v;
	}
	if (smpp_pdu_tlv_uint(pdu, SMPP_TLV_USER_MESSAGE_REFERENCE, &v) == 0) {
		mo->ref.has_umr = true;
		mo->ref.umr = (uint16_t)v;
	}
	util_strlcpy(mo->ref.service_type, pdu->service_type,
		    sizeof(mo->ref.service_type));

	if (mo->op < 0 && !svc_ussd && !(dl->end_bit && mo->ref.has_its))
		return false;

	if (dl->end_bit && mo->ref.has_its && (mo->ref.its & 1))
		mo->ev = USSD_EV_ABORT;
	else if (mo->op >= 0 && in_list(dl->abort, sizeof(dl->abort), mo->op))
		mo->ev = USSD_EV_ABORT;
	else if (mo->op >= 0 && in_list(dl->begin, sizeof(dl->begin), mo->op))
		mo->ev = USSD_EV_BEGIN;
	else if (mo->op >= 0 &&
		 in_list(dl->answer, sizeof(dl->answer), mo->op))
		mo->ev = USSD_EV_ANSWER;
	else
		/* no or unknown op: a dialled code starts, the rest answers */
		mo->ev = (pdu->sm_length && pdu->short_message[0] == '*')
				 ? USSD_EV_BEGIN
				 : USSD_EV_ANSWER;
	return true;
}

int ussd_reply_fill(enum ussd_dialect_id d, const struct ussd_ref *ref,
		    bool final, struct smpp_pdu *pdu, uint8_t store[8])
{
	const struct dialect *dl = &dialects[d < USSD_DIALECT_COUNT ? d : 0];

	util_strlcpy(pdu->service_type, ref->service_type,
		    sizeof(pdu->service_type));
	if (dl->send_op) {
		store[0] = final ? dl->op_close : dl->op_continue;
		if (smpp_pdu_add_tlv(pdu, SMPP_TLV_USSD_SERVICE_OP, 1, store) <
		    0)
			return -ENOSPC;
	}
	if (ref->has_its) {
		uint16_t its = ref->its;

		if (dl->end_bit)
			its = (uint16_t)((its & ~1u) | (final ? 1u : 0u));
		store[1] = (uint8_t)(its >> 8);
		store[2] = (uint8_t)its;
		if (smpp_pdu_add_tlv(pdu, SMPP_TLV_ITS_SESSION_INFO, 2,
				     store + 1) < 0)
			return -ENOSPC;
	}
	if (ref->has_umr) {
		store[3] = (uint8_t)(ref->umr >> 8);
		store[4] = (uint8_t)ref->umr;
		if (smpp_pdu_add_tlv(pdu, SMPP_TLV_USER_MESSAGE_REFERENCE, 2,
				     store + 3) < 0)
			return -ENOSPC;
	}
	return 0;
}

void ussd_ref_format(const struct ussd_ref *ref, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "svc=%s", ref->service_type);

	if (ref->has_its && n > 0 && (size_t)n < outlen)
		n += snprintf(out + n, outlen - (size_t)n, ",its=%04x",
			      ref->its);
	if (ref->has_umr && n > 0 && (size_t)n < outlen)
		snprintf(out + n, outlen - (size_t)n, ",umr=%u", ref->umr);
}

int ussd_ref_parse(const char *s, struct ussd_ref *ref)
{
	memset(ref, 0, sizeof(*ref));
	while (*s) {
		const char *end = strchr(s, ',');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		char item[32];
		char *eq;

		if (n >= sizeof(item))
			return -EINVAL;
		memcpy(item, s, n);
		item[n] = '\0';
		eq = strchr(item, '=');
		if (!eq)
			return -EINVAL;
		*eq++ = '\0';
		if (strcmp(item, "svc") == 0) {
			if (strlen(eq) >= sizeof(ref->service_type))
				return -EINVAL;
			strcpy(ref->service_type, eq);
		} else if (strcmp(item, "its") == 0) {
			ref->has_its = true;
			ref->its = (uint16_t)strtoul(eq, NULL, 16);
		} else if (strcmp(item, "umr") == 0) {
			ref->has_umr = true;
			ref->umr = (uint16_t)strtoul(eq, NULL, 10);
		} else {
			return -EINVAL;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	return 0;
}
