/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Field-by-field comparison of two decoded PDUs, for the fuzz targets that
 * check a property of the SMPP codec (fuzz/pdu.c: decode, encode, decode
 * again; fuzz/diff34.c: our decoder against libsmpp34's).
 */
#ifndef CGW_FUZZ_PDU_CMP_H
#define CGW_FUZZ_PDU_CMP_H

#include <stdbool.h>
#include <stddef.h>

#include "smpp/smpp_pdu.h"

/* Which parts to compare. */
enum pdu_cmp_flags {
	PDU_CMP_LENGTH = 1,	/* command_length too */
	PDU_CMP_TLV_ORDER = 2,	/* TLVs in the same order (else by tag) */
};

/*
 * True when a and b carry the same header, has_body, the body fields of
 * their command (strings, octets, the short message's bytes) and the same
 * TLVs (tag, length, value). Else false, with the first difference named
 * in why ("source_addr: \"1\" vs \"2\"").
 */
bool pdu_same(const struct smpp_pdu *a, const struct smpp_pdu *b, int flags,
	      char *why, size_t whylen);

#endif
