/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A second, independent SMPP codec built on libsmpp34 (the only file that
 * calls it). citizengw-sim encodes what it sends with it, so the daemon's
 * own decoder is always tested against bytes it did not produce; the unit
 * tests cross-check both codecs field by field.
 */
#ifndef SIM_SMPP34_H
#define SIM_SMPP34_H

#include <stddef.h>
#include <stdint.h>

#include "smpp/smpp_pdu.h"

/*
 * Encodes with libsmpp34. TLVs libsmpp34 can pack are packed by it; any
 * other TLV is appended as raw bytes (libsmpp34 would corrupt it).
 * Header-only and error responses (no body) are written directly, as are
 * PDUs with sequence number 0 that libsmpp34 refuses. Returns 0 or -EINVAL.
 */
int sim34_encode(const struct smpp_pdu *pdu, uint8_t *buf, size_t cap,
		 size_t *len, char *err, size_t errlen);

/* TLVs in a PDU libsmpp34 may see: each one costs about 60 bytes of its
 * 2048-byte global trace, which it overruns past ~30 (docs/fuzzing.md). */
#define SIM34_TLV_SANE 8

/*
 * The checks a PDU from outside passes before libsmpp34 sees it (BRIEF,
 * "libsmpp34 ... known traps"): 16..65536 bytes, as many as its
 * command_length says; a command the wrapper maps; our decoder accepts it
 * and our encoder writes the same bytes back (so the TLV section is well
 * formed and every C-octet string ends inside the PDU: libsmpp34 reads
 * them with strlen()); at most SIM34_TLV_SANE TLVs, each of the size
 * libsmpp34 reads for its tag (it reads a u16 TLV's two bytes whatever the
 * length says, and leaks the TLV it fails on). Returns 0, or -EBADMSG
 * with the check that failed in err.
 */
int sim34_check(const uint8_t *buf, size_t len, char *err, size_t errlen);

/*
 * Decodes with libsmpp34 (header, mandatory fields and TLVs), after
 * sim34_check(). TLV values are copied into store (storelen bytes); pdu's
 * pointers point there and into buf. Returns 0, or -EBADMSG with the
 * failed check or libsmpp34's complaint.
 */
int sim34_decode(const uint8_t *buf, size_t len, struct smpp_pdu *pdu,
		 uint8_t *store, size_t storelen, char *err, size_t errlen);

#endif
