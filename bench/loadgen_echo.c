/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The instant-echo ESME: the reference ceiling. It binds as a transceiver
 * to our own listener (or any SMS centre) and answers every deliver_sm at
 * once with its deliver_sm_resp and a submit_sm back to the sender with a
 * fixed text; a USSD MO (op 1 or 18) gets op 2, or 17 after the session's
 * last step (--ussd-steps), with its_session_info carried back. What it
 * costs is what the generator plus a free ESME cost, so
 * `cgw-loadgen --echo-esme self` is this machine's ceiling for the
 * generator.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "smpp/ussd.h"
#include "loadgen.h"

#define ECHO_TEXT "Echo: OK"
#define ECHO_SYSTEM_ID "echo"

int lg_echo_start(struct lg *lg, char *err, size_t errlen)
{
	char self[96];
	const char *to = lg->o.echo;

	if (strcmp(to, "self") == 0) {
		snprintf(self, sizeof(self), "%s:%d", lg->listen_host,
			 lg->listen_port);
		to = self;
	}
	return lg_connect(lg, to, LG_SIDE_ESME, &lg->echo, err, errlen);
}

void lg_echo_connected(struct lg_conn *c)
{
	const struct lg_opts *o = &c->lg->o;
	struct smpp_pdu b;

	smpp_pdu_init(&b, SMPP_BIND_TRANSCEIVER, 0, ++c->seq);
	util_strlcpy(b.system_id, o->system_id ? o->system_id : ECHO_SYSTEM_ID,
		     sizeof(b.system_id));
	util_strlcpy(b.password, o->password ? o->password : "",
		     sizeof(b.password));
	b.interface_version = 0x34;
	(void)lg_send(c, &b);
}

/* op 2 while the session has steps left, 17 after the last one. */
static uint8_t echo_ussd_op(struct lg *lg, const struct smpp_pdu *mo,
			    uint32_t op)
{
	long idx = lg_phone_index(lg, mo->source_addr);
	struct lg_cit *c;

	if (idx < 0)
		return USSD_OP_PSSR_RESP;
	c = &lg->cit[idx];
	c->echo_step = op == USSD_OP_PSSR_IND ? 0 : (uint8_t)(c->echo_step + 1);
	return c->echo_step >= lg->o.nsteps ? USSD_OP_PSSR_RESP
					    : USSD_OP_USSR_REQ;
}

static void echo_deliver(struct lg_conn *c, const struct smpp_pdu *mo)
{
	struct smpp_pdu r;
	uint8_t tlv[3];
	uint32_t op, its;

	lg_respond(c, SMPP_DELIVER_SM_RESP, 0, mo->sequence_number);
	if (mo->esm_class & 0x04)
		return;		/* a receipt: nothing to answer */
	smpp_pdu_init(&r, SMPP_SUBMIT_SM, 0, ++c->seq);
	lg_reply_to(&r, mo);
	r.sm_length = sizeof(ECHO_TEXT) - 1;
	r.short_message = (const uint8_t *)ECHO_TEXT;
	if (smpp_pdu_tlv_uint(mo, SMPP_TLV_USSD_SERVICE_OP, &op) == 0 &&
	    (op == USSD_OP_PSSR_IND || op == USSD_OP_USSR_CONF)) {
		util_strlcpy(r.service_type, "USSD", sizeof(r.service_type));
		tlv[0] = echo_ussd_op(c->lg, mo, op);
		smpp_pdu_add_tlv(&r, SMPP_TLV_USSD_SERVICE_OP, 1, tlv);
		if (smpp_pdu_tlv_uint(mo, SMPP_TLV_ITS_SESSION_INFO,
				      &its) == 0) {
			tlv[1] = (uint8_t)(its >> 8);
			tlv[2] = (uint8_t)its;
			smpp_pdu_add_tlv(&r, SMPP_TLV_ITS_SESSION_INFO, 2,
					 tlv + 1);
		}
	}
	(void)lg_send(c, &r);
}

void lg_echo_pdu(struct lg_conn *c, const struct smpp_pdu *pdu)
{
	switch (pdu->command_id) {
	case SMPP_BIND_TRANSCEIVER_RESP:
		if (pdu->command_status != SMPP_ESME_ROK)
			lg_fatal("echo esme: bind refused: %s",
				 smpp_status_text(pdu->command_status));
		c->role = LG_ROLE_TX | LG_ROLE_RX;
		break;
	case SMPP_DELIVER_SM:
		echo_deliver(c, pdu);
		break;
	case SMPP_ENQUIRE_LINK:
	case SMPP_UNBIND:
		lg_respond(c, smpp_resp_id(pdu->command_id), 0,
			   pdu->sequence_number);
		break;
	default:
		if (!SMPP_IS_RESP(pdu->command_id))
			lg_respond(c, SMPP_GENERIC_NACK, SMPP_ESME_RINVCMDID,
				   pdu->sequence_number);
	}
}
