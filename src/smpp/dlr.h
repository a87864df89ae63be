/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Delivery receipts: what an SMS centre says became of a message, read
 * from the TLVs (receipted_message_id, message_state) and from the text
 * form ("id:... sub:... dlvrd:... submit date:... done date:... stat:...
 * err:..."), and the message id normalised per bind so that an SMS centre
 * writing it in hex in one place and in decimal in the other still matches.
 * Pure functions.
 */
#ifndef CGW_DLR_H
#define CGW_DLR_H

#include <stdbool.h>
#include <stddef.h>

#include "common/conf.h"
#include "smpp/smpp_pdu.h"

enum dlr_state {
	DLR_NONE,		/* not a final state: enroute, accepted */
	DLR_DELIVERED,
	DLR_FAILED,		/* expired, deleted, undeliverable, rejected */
	DLR_UNKNOWN,
};

struct dlr {
	char id[72];		/* as written (TLV preferred) */
	bool id_from_tlv;
	char text_id[72];	/* the id of the text form, if any */
	char stat[12];		/* DELIVRD, UNDELIV, ... */
	char err[12];		/* the text form's err: field */
	int message_state;	/* TLV value, -1 when absent */
	enum dlr_state state;
};

/* True when esm_class marks a receipt or acknowledgement, not an MO. */
bool dlr_is_receipt(const struct smpp_pdu *pdu);

/* Parses a receipt. Returns 0, or -EINVAL when it carries no message id. */
int dlr_parse(const struct smpp_pdu *pdu, struct dlr *out);

/*
 * The canonical form of a message id for matching, given how the bind
 * writes ids (enum conf_msgid_format) and where the id came from:
 * "string" compares exact text (upper-cased); "decimal" and "hex" parse the
 * submit_sm_resp id and the TLV id in that base and the text form's id as
 * decimal when it is all digits (what SMS centres do), and write the value
 * in decimal. Returns 0, or -EINVAL when a numeric id does not parse.
 */
enum dlr_id_source { DLR_ID_RESP, DLR_ID_TLV, DLR_ID_TEXT };
int dlr_canonical_id(const char *id, int format, enum dlr_id_source src,
		     char *out, size_t outlen);

const char *dlr_state_name(enum dlr_state s);
/* The receipt's own state, spelt out: delivered, undeliverable, expired,
 * deleted, rejected, accepted, enroute, unknown (from message_state, else
 * the text's stat:); dlr_state_name() of a state neither names. */
const char *dlr_stat_name(const struct dlr *d);

#endif
