/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Delivery receipts (see smpp/dlr.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smpp/dlr.h"
#include "text/text.h"
#include "common/util.h"

/* stat: words of the text form and message_state values, and the name a
 * receipt's state is counted under (metrics), one table */
static const struct {
	const char *stat;
	int message_state;
	enum dlr_state state;
	const char *name;
} states[] = {
	{ "ENROUTE", 1, DLR_NONE, "enroute" },
	{ "DELIVRD", 2, DLR_DELIVERED, "delivered" },
	{ "EXPIRED", 3, DLR_FAILED, "expired" },
	{ "DELETED", 4, DLR_FAILED, "deleted" },
	{ "UNDELIV", 5, DLR_FAILED, "undeliverable" },
	{ "ACCEPTD", 6, DLR_NONE, "accepted" },
	{ "UNKNOWN", 7, DLR_UNKNOWN, "unknown" },
	{ "REJECTD", 8, DLR_FAILED, "rejected" },
};

const char *dlr_stat_name(const struct dlr *d)
{
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (d->message_state >= 0
			    ? states[i].message_state == d->message_state
			    : strcmp(states[i].stat, d->stat) == 0)
			return states[i].name;
	return dlr_state_name(d->state);
}

const char *dlr_state_name(enum dlr_state s)
{
	switch (s) {
	case DLR_NONE: return "enroute";
	case DLR_DELIVERED: return "delivered";
	case DLR_FAILED: return "failed";
	case DLR_UNKNOWN: return "unknown";
	}
	return "?";
}

bool dlr_is_receipt(const struct smpp_pdu *pdu)
{
	/* SMPP 3.4 5.2.12: bits 5..2 of esm_class: 0001 SMSC delivery
	 * receipt, 0010 SME delivery ack, 0100 manual ack, 1000
	 * intermediate notification */
	switch (pdu->esm_class & 0x3C) {
	case 0x04:
	case 0x08:
	case 0x10:
	case 0x20:
		return true;
	default:
		return false;
	}
}

/* Copies the value of "key:" from a receipt text (up to a space). */
static bool text_field(const char *text, const char *key, char *out,
		       size_t outlen)
{
	size_t kl = strlen(key);
	const char *p = text;

	while ((p = strstr(p, key))) {
		/* a key starts the text or follows a space ("done date:") */
		if (p == text || p[-1] == ' ') {
			size_t n = 0;

			p += kl;
			while (*p && *p != ' ' && n + 1 < outlen)
				out[n++] = *p++;
			out[n] = '\0';
			return true;
		}
		p += kl;
	}
	return false;
}

int dlr_parse(const struct smpp_pdu *pdu, struct dlr *d)
{
	const struct smpp_tlv *t;
	char text[512], lower[512];
	uint32_t v;

	memset(d, 0, sizeof(*d));
	d->message_state = -1;
	text_decode_sm(0, pdu->short_message, pdu->sm_length, text,
		       sizeof(text));
	/* keys are matched case-insensitively: "Id:", "STAT:" are seen */
	for (size_t i = 0; i <= strlen(text); i++)
		lower[i] = (char)tolower((unsigned char)text[i]);
	if (text_field(lower, "id:", d->text_id, sizeof(d->text_id))) {
		/* keep the id's own case */
		const char *p = strstr(lower, d->text_id);

		if (p)
			memcpy(d->text_id, text + (p - lower),
			       strlen(d->text_id));
	}
	text_field(lower, "stat:", d->stat, sizeof(d->stat));
	text_field(lower, "err:", d->err, sizeof(d->err));
	for (char *p = d->stat; *p; p++)
		*p = (char)toupper((unsigned char)*p);

	t = smpp_pdu_tlv(pdu, SMPP_TLV_RECEIPTED_MESSAGE_ID);
	if (t && t->len) {
		size_t n = t->len;

		if (t->val[n - 1] == '\0')
			n--;
		if (n >= sizeof(d->id))
			n = sizeof(d->id) - 1;
		memcpy(d->id, t->val, n);
		d->id[n] = '\0';
		d->id_from_tlv = d->id[0] != '\0';
	}
	if (!d->id_from_tlv)
		util_strlcpy(d->id, d->text_id, sizeof(d->id));
	if (smpp_pdu_tlv_uint(pdu, SMPP_TLV_MESSAGE_STATE, &v) == 0)
		d->message_state = (int)v;

	d->state = DLR_UNKNOWN;
	for (size_t i = 0; i < ARRAY_SIZE(states); i++) {
		if ((d->message_state >= 0 &&
		     states[i].message_state == d->message_state) ||
		    (d->message_state < 0 &&
		     strcmp(states[i].stat, d->stat) == 0)) {
			d->state = states[i].state;
			if (!d->stat[0])
				util_strlcpy(d->stat, states[i].stat,
					    sizeof(d->stat));
		}
	}
	return d->id[0] ? 0 : -EINVAL;
}

int dlr_canonical_id(const char *id, int format, enum dlr_id_source src,
		     char *out, size_t outlen)
{
	unsigned long long v;
	char *end;
	int base;

	if (format == CONF_MSGID_STRING) {
		size_t n = 0;

		for (; *id && n + 1 < outlen; id++)
			out[n++] = (char)toupper((unsigned char)*id);
		out[n] = '\0';
		return n ? 0 : -EINVAL;
	}
	base = format == CONF_MSGID_HEX ? 16 : 10;
	/* The text form writes the id in decimal on most SMS centres even
	 * when submit_sm_resp and the TLV use hex. */
	if (src == DLR_ID_TEXT && util_all_digits(id))
		base = 10;
	errno = 0;
	v = strtoull(id, &end, base);
	if (!*id || *end || errno)
		return -EINVAL;
	snprintf(out, outlen, "%llu", v);
	return 0;
}
