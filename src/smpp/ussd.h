/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * USSD over SMPP in the dialects SMS centres speak. A dialect says how an
 * MO marks a session start, an answer and an abort, and how our screens
 * mark "show and wait" and "final screen". The table in ussd.c is the
 * whole of it; the menu engine never sees op codes.
 */
#ifndef CGW_USSD_H
#define CGW_USSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smpp/smpp_pdu.h"

/* the order of the names in conf.c (ussd.dialect) */
enum ussd_dialect_id {
	USSD_STANDARD,		/* 1 begin, 18 answer; we send 2 / 17 */
	USSD_VENDOR_OPS,	/* 1 begin, 0x12 answer, 0x81 abort; 0x12 / 0x17 */
	USSD_ITS_END_BIT,	/* its_session_info: session << 1 | end */
	USSD_UMR_SESSION,	/* session in user_message_reference */
	USSD_DIALECT_COUNT
};

/* standard ussd_service_op values */
enum ussd_op {
	USSD_OP_PSSD_IND = 0,
	USSD_OP_PSSR_IND = 1,
	USSD_OP_USSR_REQ = 2,
	USSD_OP_USSN_REQ = 3,
	USSD_OP_PSSD_RESP = 16,
	USSD_OP_PSSR_RESP = 17,
	USSD_OP_USSR_CONF = 18,
	USSD_OP_USSN_CONF = 19,
};

enum ussd_event {
	USSD_EV_BEGIN,		/* the citizen dialled the code */
	USSD_EV_ANSWER,		/* an answer to our last screen */
	USSD_EV_ABORT,		/* the citizen or the network ended it */
};

/* What identifies the session on the wire; carried back on every reply. */
struct ussd_ref {
	bool has_its;
	uint16_t its;		/* its_session_info as received */
	bool has_umr;
	uint16_t umr;		/* user_message_reference as received */
	char service_type[6];
};

struct ussd_mo {
	enum ussd_event ev;
	int op;			/* ussd_service_op, -1 when absent */
	struct ussd_ref ref;
};

const char *ussd_dialect_name(enum ussd_dialect_id d);
const char *ussd_event_name(enum ussd_event ev);

/*
 * Reads a deliver_sm or data_sm. Returns true when it is USSD (and fills
 * *mo), false for an SMS.
 */
bool ussd_classify(enum ussd_dialect_id d, const struct smpp_pdu *pdu,
		   struct ussd_mo *mo);

/*
 * Adds the TLVs and service_type of a screen to a submit_sm: `final` ends
 * the session. TLV values are written into `store` (8 bytes), which must
 * live as long as pdu. Returns 0 or -ENOSPC.
 */
int ussd_reply_fill(enum ussd_dialect_id d, const struct ussd_ref *ref,
		    bool final, struct smpp_pdu *pdu, uint8_t store[8]);

/* Serialises a ref for storage ("its=0a01,umr=12,svc=USSD"), and back. */
void ussd_ref_format(const struct ussd_ref *ref, char *out, size_t outlen);
int ussd_ref_parse(const char *s, struct ussd_ref *ref);

#endif
