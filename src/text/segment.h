/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Segments: a UTF-8 text cut into the submit_sm PDUs that carry it.
 * Pure functions, no I/O.
 *
 * The text is prepared by text_choose() (folding, encoding: GSM-7 when
 * every character fits, else UCS-2, or a per-message override), then cut
 * at the capacity of its encoding and concatenation method:
 *
 *                      single   UDH 8-bit ref   UDH 16-bit ref   SAR
 *   GSM-7 (septets)     160        153              152          160
 *   UCS-2 (UTF-16)       70         67               66           70
 *   Latin-1 (octets)    140        134              133          140
 *
 * A GSM-7 escape pair (extension characters such as € [ ] { } ~ ^ \ |,
 * counted as two septets) and a UTF-16 surrogate pair are never split
 * across segments. message_payload carries the whole text in one PDU; the
 * SMS centre cuts it (its cost is counted as a UDH 8-bit split).
 *
 * Reference numbers: the caller supplies one per multipart message, and it
 * must be unique per destination among the messages that may still be
 * reassembled by the handset (keep a counter per destination number; an
 * 8-bit reference wraps after 256 long messages to the same number: use a
 * 16-bit reference where that can happen).
 */
#ifndef CGW_SEGMENT_H
#define CGW_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/text.h"

#define SEG_MAX_PARTS 255	/* the UDH and SAR total is one octet */
#define SEG_ESM_UDHI 0x40	/* esm_class bit: short_message starts with a
				 * user data header */

/* How the parts of a long text are tied together: per bind. */
enum seg_concat {
	SEG_CONCAT_UDH8,	/* UDH IEI 0x00, 8-bit reference (6 octets) */
	SEG_CONCAT_UDH16,	/* UDH IEI 0x08, 16-bit reference (7 octets) */
	SEG_CONCAT_SAR,		/* sar_msg_ref_num, sar_total_segments,
				 * sar_segment_seqnum TLVs; no UDH */
	SEG_CONCAT_PAYLOAD,	/* one PDU: message_payload TLV when longer
				 * than one segment; the SMS centre splits */
};

const char *seg_concat_name(enum seg_concat c);	/* "udh8", "udh16", ... */
/* "udh8", "udh16", "sar", "payload" -> *c. 0 or -EINVAL. */
int seg_concat_parse(const char *s, enum seg_concat *c);

struct seg_opts {
	bool fold;		/* fold before choosing (default on for "vi") */
	enum text_enc enc;	/* per-message override; AUTO by default */
	enum seg_concat concat;	/* per bind */
	bool packed;		/* GSM-7 packed into octets (per bind) */
	int msg_class;		/* -1 none (default), 0 flash .. 3 */
	unsigned max_segments;	/* 1..255; 0 = 255 */
	uint16_t ref;		/* reference number (UDH8 uses the low 8
				 * bits); see the note above */
};

/* Defaults: no fold, AUTO, UDH8, unpacked, no class, max 0 (255), ref 0. */
void seg_opts_init(struct seg_opts *o);
/* The defaults, then how a bind cuts: concat, packed, max_segments (what
 * the sender does and what a broadcast's preview prices). */
struct cgw_smsc_conf;
void seg_opts_for_bind(struct seg_opts *o, const struct cgw_smsc_conf *sc);

/*
 * Units (septets, UTF-16 units or octets, as text_plan.units counts them)
 * one segment of encoding enc holds: `multipart` selects the capacity of
 * the parts of a long text. enc AUTO counts as GSM-7.
 */
size_t seg_capacity(enum text_enc enc, enum seg_concat concat,
		    bool multipart);

struct seg_part {
	unsigned seq;		/* 1..count */
	uint8_t esm_class;	/* SEG_ESM_UDHI when sm starts with a UDH,
				 * else 0: OR it into the PDU's esm_class */
	bool in_payload;	/* sm goes in the message_payload TLV (and
				 * short_message stays empty) */
	uint8_t *sm;		/* short_message bytes, UDH included (GSM-7
				 * one septet per octet, or packed); owned by
				 * the seg_msg */
	size_t sm_len;		/* <= 254 unless in_payload (<= 65535) */
	bool sar;		/* add the three SAR TLVs below */
	uint16_t sar_ref;
	uint8_t sar_total, sar_seq;
	size_t units;		/* text units in this part */
	char *text;		/* this part's text (UTF-8), for logs; owned
				 * by the seg_msg (one part: its text) */
};

struct seg_msg {
	struct text_plan plan;	/* encoding and counts of the whole text */
	uint8_t dc;		/* data_coding of every part (class included) */
	enum seg_concat concat;
	bool packed;
	unsigned count;		/* parts, i.e. PDUs to submit */
	unsigned cost;		/* segments the handset receives: count, or
				 * the split the SMS centre makes of a
				 * message_payload */
	char *text;		/* the whole text as sent (folded, with the
				 * substitutions of a forced encoding) */
	struct seg_part *parts;	/* count entries */
};

/*
 * Splits `utf8` into parts with the options in o. On success returns 0 and
 * fills *out; the caller releases it with seg_msg_free(). A single-segment
 * text is one part without UDH or SAR (whatever the method).
 *
 * Errors (out holds nothing to free, but out->cost and out->plan are set
 * for -EMSGSIZE): -EMSGSIZE when the text needs more than max_segments
 * (or 255) segments: the caller decides (refuse, or seg_truncate()),
 * -EINVAL for bad options, -ENOMEM. A message goes into err.
 */
int seg_split(const char *utf8, const struct seg_opts *o, struct seg_msg *out,
	      char *err, size_t errlen);
/* Frees what seg_split() allocated in m (not m itself); m may be zeroed. */
void seg_msg_free(struct seg_msg *m);

/*
 * Segments the text costs with these options (ignoring max_segments), for
 * menu checks and logs: >= 1, or -EINVAL. Fills *plan when not NULL.
 */
int seg_count(const char *utf8, const struct seg_opts *o,
	      struct text_plan *plan);

/*
 * Shortens a text so that it costs at most nseg segments: the longest
 * prefix that ends at a word boundary (trailing spaces dropped) followed by
 * "...", or, when the first word alone is too long, cut between two
 * characters. A text that fits is copied unchanged. Writes into out
 * (cap = strlen(utf8) + 4 always suffices). Returns 1 when it shortened
 * the text, 0 when it fitted, -ENOSPC (out too small), -EINVAL.
 */
int seg_truncate(const char *utf8, const struct seg_opts *o, unsigned nseg,
		 char *out, size_t cap);

#endif
