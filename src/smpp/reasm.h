/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reassembly of multipart MOs (and, in the simulator, of multipart
 * submits). Pure: no I/O, no clock of its own.
 *
 *  1. reasm_parse() reads the concatenation information of one PDU: a
 *     user data header (IEI 0x00, 8-bit reference; IEI 0x08, 16-bit
 *     reference; other IEIs skipped) or the SAR TLVs, validated (total
 *     1..255, seq 1..total, a malformed UDH refused, nothing read past the
 *     buffer).
 *  2. struct reasm collects the parts of one message in any order,
 *     ignores identical duplicates, refuses conflicting ones, says when it
 *     is complete and joins the parts into UTF-8, each decoded with its own
 *     data coding and adjacent parts of one alphabet decoded together (a
 *     GSM-7 escape or a UTF-16 surrogate pair split across parts by a
 *     careless sender still reads right). An incomplete set joins with the
 *     missing parts marked (the timeout case).
 *  3. A part serialises as "<dc>:<hex>" (data_coding in decimal, then the
 *     part's user data after its UDH, GSM-7 as one septet per octet) so
 *     that parts can wait in a Redis hash (field: the part number) until
 *     their siblings arrive on any bind or gateway process.
 *  4. struct reasm_set keeps several messages in memory by key (the
 *     simulator's join, tests, a single-process fallback).
 */
#ifndef CGW_REASM_H
#define CGW_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smpp/smpp_pdu.h"

enum reasm_kind {
	REASM_SINGLE,		/* not part of a multipart message */
	REASM_UDH8,		/* UDH IEI 0x00 */
	REASM_UDH16,		/* UDH IEI 0x08 */
	REASM_SAR,		/* sar_* TLVs */
	REASM_PAYLOAD,		/* a whole message in message_payload
				 * (single; named for logs) */
};

const char *reasm_kind_name(enum reasm_kind k);	/* "none", "udh8", ... */

/* What one PDU says about the message it belongs to. */
struct reasm_info {
	enum reasm_kind kind;
	uint16_t ref;		/* 0 for SINGLE/PAYLOAD */
	uint8_t total;		/* 1 for SINGLE/PAYLOAD */
	uint8_t seq;		/* 1..total */
	uint8_t dc;		/* the PDU's data_coding */
	bool in_payload;	/* the user data came from message_payload */
	const uint8_t *ud;	/* whole user data, UDH included: points
				 * into the PDU's buffer */
	size_t ud_len;
	size_t udh_len;		/* UDH octets incl. its length octet; 0
				 * without the UDHI bit */
	const uint8_t *data;	/* user data after the UDH (== ud + udh_len) */
	size_t len;
};

/*
 * Reads the concatenation information of a deliver_sm, submit_sm or
 * data_sm. The user data is message_payload when present and non-empty,
 * else short_message. With the UDHI bit (esm_class 0x40) the UDH is
 * walked: IEI 0x00 (length 3) and 0x08 (length 4) give ref/total/seq (the
 * last one wins, 23.040 9.2.3.24), other IEIs are skipped. Without a
 * concatenation IE, the SAR TLVs are read (all three or none).
 *
 * Returns 0 (info filled; the pointers point into the PDU's buffer), or
 * -EBADMSG with a reason in err: UDH length past the user data, an IE
 * running past the UDH, a concatenation IE of the wrong length, total 0,
 * seq 0 or seq > total, only some SAR TLVs, or SAR TLVs that contradict
 * the UDH.
 */
int reasm_parse(const struct smpp_pdu *pdu, struct reasm_info *out,
		char *err, size_t errlen);

/*
 * The part's content normalised for joining and storage: the octets after
 * the UDH, or, when `packed` is set and the data coding is GSM-7, the
 * septets unpacked (one per octet; the first septet aligned after the UDH).
 * Writes into out (cap >= info->ud_len * 8 / 7 + 1 always suffices).
 * Returns 0, -ENOSPC or -EINVAL.
 */
int reasm_part_bytes(const struct reasm_info *info, bool packed,
		     uint8_t *out, size_t cap, size_t *outlen);

/*
 * Decodes one PDU's text on its own (after the UDH, unpacked when `packed`)
 * for logs. Returns the output length (see text_decode_sm()).
 */
size_t reasm_info_text(const struct reasm_info *info, bool packed, char *out,
		       size_t cap);

/*
 * A key that names the message a part belongs to among all messages:
 * "<src>|<dst>|<kind>|<ref>|<total>". Parts with the same key join. Returns
 * the length (snprintf semantics: >= cap means truncated).
 */
size_t reasm_key(const struct reasm_info *info, const char *src,
		 const char *dst, char *out, size_t cap);

/* --- serialised parts ----------------------------------------------------- */

/*
 * "<dc>:<hex>" of a part, lower-case hex. Needs cap >= 2 * len + 5.
 * Returns the length, or -ENOSPC.
 */
int reasm_part_encode(uint8_t dc, const uint8_t *data, size_t len,
		      char *out, size_t cap);
/* Reads "<dc>:<hex>" back: 0, -EINVAL (malformed), -ENOSPC (cap). */
int reasm_part_decode(const char *s, uint8_t *dc, uint8_t *data, size_t cap,
		      size_t *len);

/* --- one message ---------------------------------------------------------- */

struct reasm;

/*
 * A new, empty message of `total` parts (1..255). Returns NULL on a bad
 * total or no memory. Free with reasm_free().
 */
struct reasm *reasm_new(uint8_t total);
void reasm_free(struct reasm *r);

/*
 * Adds part seq (data copied). Returns 0 when stored, 1 for a duplicate
 * identical to the part held (ignored), -EEXIST for a different part with
 * the same number (the first one is kept), -ERANGE for seq outside
 * 1..total, -ENOMEM.
 */
int reasm_add(struct reasm *r, uint8_t seq, uint8_t dc, const uint8_t *data,
	      size_t len);
bool reasm_complete(const struct reasm *r);
unsigned reasm_have(const struct reasm *r);	/* parts held */
unsigned reasm_total(const struct reasm *r);
bool reasm_has(const struct reasm *r, uint8_t seq);
/* Writes "2,3" (the missing part numbers) into out. */
void reasm_missing(const struct reasm *r, char *out, size_t cap);

/*
 * Joins the parts in order into a new NUL-terminated UTF-8 string
 * (malloc'd: the caller frees it). Adjacent parts of the same alphabet are
 * decoded together; each missing part is replaced by `missing` (NULL: "…"),
 * so an incomplete message can be processed after its timeout. Returns 0
 * or -ENOMEM.
 */
int reasm_join(const struct reasm *r, const char *missing, char **out);

/* --- several messages by key ---------------------------------------------- */

struct reasm_set;

struct reasm_set *reasm_set_new(void);
/* Frees the set and every message it holds. */
void reasm_set_free(struct reasm_set *set);

/*
 * Files part `info` (content: data/len, already normalised, see
 * reasm_part_bytes()) under key; a new key starts a message at now_ms.
 * Returns reasm_add()'s result, or -ENOMEM; *msg is set to the message the
 * part went to (NULL on -ENOMEM). When reasm_complete(*msg), the caller
 * joins it and calls reasm_set_remove().
 */
int reasm_set_add(struct reasm_set *set, const char *key,
		  const struct reasm_info *info, const uint8_t *data,
		  size_t len, int64_t now_ms, struct reasm **msg);
/* Removes and frees a message of the set. */
void reasm_set_remove(struct reasm_set *set, struct reasm *msg);
/*
 * The oldest message started before `before_ms` (for a timeout), or NULL.
 * The caller joins it (marking the missing parts) and removes it.
 */
struct reasm *reasm_set_expired(struct reasm_set *set, int64_t before_ms);
/* Iteration over the messages held (oldest first): start with NULL. */
struct reasm *reasm_set_next(struct reasm_set *set, struct reasm *prev);
/* The key, the kind and reference, and the start time of a message in a
 * set ("" / SINGLE / 0 for a message made with reasm_new()). */
const char *reasm_msg_key(const struct reasm *r);
const struct reasm_info *reasm_msg_info(const struct reasm *r);
int64_t reasm_msg_started(const struct reasm *r);

#endif
