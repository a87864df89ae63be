/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target, differential: the same PDU decoded by our codec
 * (smpp_pdu_decode) and by libsmpp34 (through the simulator's wrapper,
 * sim/sim_smpp34.h), the package named for this project as the oracle
 * that keeps our decoder honest.
 *
 * Input: one PDU. It reaches libsmpp34 only after sim34_check() (the
 * checks the BRIEF demands: length, a well-formed TLV section, a sane TLV
 * count, sizes libsmpp34 reads right) and only when none of libsmpp34's
 * known faults applies (below, and docs/fuzzing.md): those inputs are
 * skipped by name, never compared. When both decoders accept, every field
 * must agree (abort otherwise); when only one accepts, nothing is said:
 * libsmpp34 is stricter than real SMS centres in places we mean to differ.
 *
 * libsmpp34 1.14.1's known faults, excluded here (each a reason in
 * known_fault()):
 *
 *  - an error response (command_status != 0) or a response without a
 *    body: it insists on the body (bind_*_resp) or reads the message_id
 *    anyway;
 *  - sequence number 0: refused (test_sequence_number), though SMPP 3.4
 *    allows it in a generic_nack;
 *  - a command_status it has no name for (vendor statuses), or any
 *    status in a request: refused;
 *  - deliver_sm with schedule_delivery_time or validity_period: it takes
 *    only empty ones (SMPP 3.4 says they are NULL there; SMS centres
 *    that fill them exist);
 *  - a short_message over 253 octets: its OCTET8 limit;
 *  - a bind with interface_version other than 0x34: refused;
 *  - alert_notification: the wrapper does not map it (its struct is not
 *    in the wrapper's union: libsmpp34 would write past it; sim34_check
 *    refuses it).
 *
 * Other refusals of libsmpp34 (a TON or NPI it has no name for, say) need
 * no exclusion: nothing is compared where only one decoder accepts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "fuzz/pdu_cmp.h"
#include "sim/sim_smpp34.h"
#include "smpp/smpp_pdu.h"

/* Why libsmpp34 must not judge this PDU, or NULL. */
static const char *known_fault(const struct smpp_pdu *p)
{
	if (SMPP_IS_RESP(p->command_id) &&
	    (p->command_status != 0 || !p->has_body))
		return "error response or response without a body";
	if (p->sequence_number == 0)
		return "sequence number 0";
	if (p->command_status != 0)
		return "a status in a request";
	if (p->command_id == SMPP_DELIVER_SM &&
	    (p->schedule_delivery_time[0] || p->validity_period[0]))
		return "deliver_sm with times";
	if (p->sm_length > 253)
		return "short_message over 253 octets";
	if ((p->command_id == SMPP_BIND_TRANSMITTER ||
	     p->command_id == SMPP_BIND_RECEIVER ||
	     p->command_id == SMPP_BIND_TRANSCEIVER) &&
	    p->interface_version != 0x34)
		return "interface_version";
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t store[1024 * SIM34_TLV_SANE + 1024 + 255];
	struct smpp_pdu ours, theirs;
	uint32_t status;
	char err[512], why[256];

	if (smpp_pdu_decode(data, size, &ours, &status, err, sizeof(err)) < 0)
		return 0;
	if (known_fault(&ours))
		return 0;
	if (sim34_check(data, size, err, sizeof(err)) < 0)
		return 0;
	if (sim34_decode(data, size, &theirs, store, sizeof(store), err,
			 sizeof(err)) < 0)
		return 0;	/* libsmpp34 refuses: its call, see above */
	/* libsmpp34 fills command_length, we do too; the TLVs it lists in
	 * reverse, the wrapper turns them back */
	if (getenv("FZ_DEBUG"))	/* which inputs are compared at all */
		fprintf(stderr, "compared: %s\n",
			smpp_command_name(ours.command_id));
	if (!pdu_same(&ours, &theirs, PDU_CMP_LENGTH | PDU_CMP_TLV_ORDER, why,
		      sizeof(why)))
		fz_fail("%s: our decoder and libsmpp34 differ: %s",
			smpp_command_name(ours.command_id), why);
	return 0;
}
