/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Text: UTF-8, Vietnamese folding, GSM 03.38 (3GPP TS 23.038), UCS-2,
 * IA5, Latin-1 and the SMPP data_coding values. Pure functions, no I/O,
 * table-driven.
 *
 * Every function that writes text NUL-terminates its output (when cap > 0)
 * and never splits a character; invalid UTF-8 input bytes are replaced by
 * '?' and never copied through. Decoders never write U+0000 into their
 * output (a NUL octet in 8-bit or UCS-2 data is dropped), so their output
 * is always a whole C string.
 *
 * Nothing here allocates except text_encode_reply() (documented there).
 */
#ifndef CGW_TEXT_H
#define CGW_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SMPP data_coding values (SMPP 3.4 5.2.19) */
enum text_dc {
	TEXT_DC_DEFAULT = 0x00,	/* SMSC default alphabet: GSM 03.38 here */
	TEXT_DC_IA5 = 0x01,	/* IA5 / ASCII */
	TEXT_DC_BINARY = 0x02,
	TEXT_DC_LATIN1 = 0x03,
	TEXT_DC_BINARY4 = 0x04,
	TEXT_DC_UCS2 = 0x08,
};

/* --- UTF-8 --------------------------------------------------------------- */

/*
 * Decodes one code point at s[*pos] (len bytes in all). Returns 0 and
 * advances *pos, or -EILSEQ (overlong, surrogate, > U+10FFFF, truncated)
 * and advances *pos by one byte.
 */
int utf8_decode(const char *s, size_t len, size_t *pos, uint32_t *cp);
/* Writes cp as UTF-8 into out (4 bytes at most). Returns the length. */
size_t utf8_encode(uint32_t cp, char *out);
/* Number of code points, invalid bytes counted as one each. */
size_t utf8_length(const char *s);
/* True when the whole string is valid UTF-8. */
bool utf8_valid(const char *s);
/* Makes s valid UTF-8 in place: each byte that starts no character (see
 * utf8_decode) becomes '?'. */
void utf8_scrub(char *s);

/* --- folding ------------------------------------------------------------- */

/*
 * Folds text for a GSM-7 screen or for matching: Vietnamese and other Latin
 * letters lose their diacritics (all five tones, ơ ư â ê ô ă, and đ/Đ ->
 * d/D), combining marks are dropped, typographic quotes, dashes, ellipsis,
 * tabs, backquotes and no-break spaces become ASCII. Other characters are
 * kept. The output is never longer than the input, so cap = strlen(in) + 1
 * always suffices. Returns the output length.
 */
size_t text_fold(const char *in, char *out, size_t cap);
/* text_fold() when fold, else a plain copy (cut at cap, as text_fold()). */
void text_fold_if(bool fold, const char *in, char *out, size_t cap);
/* The folded form of one code point: a replacement, or cp itself; 0 = drop.
 * (U+2026 '…' is returned as is: text_fold() writes it as "...".) */
uint32_t text_fold_cp(uint32_t cp);

/* --- GSM 03.38 ----------------------------------------------------------- */

/*
 * GSM 03.38 default alphabet and its extension table as SMPP carries it:
 * one septet per octet, extension characters as 0x1B + code.
 * gsm7_char() returns 1 or 2 (septets written to out) or 0 when cp has no
 * GSM-7 form. Both Ç and ç encode as 0x09 (TS 23.038 shows Ç; Unicode's
 * GSM0338.TXT maps ç), which decodes as Ç.
 */
int gsm7_char(uint32_t cp, uint8_t out[2]);
/*
 * Encodes UTF-8 into septets (one per octet). Returns 0, -ERANGE when a
 * character has no GSM-7 form (nothing is substituted), -ENOSPC when cap
 * is too small. *outlen is set on success.
 */
int gsm7_encode(const char *utf8, uint8_t *out, size_t cap, size_t *outlen);
/* Septets the text needs in GSM-7 (escapes count 2), or -1 when it does
 * not fit GSM-7. */
long gsm7_septets(const char *utf8);
/*
 * Decodes n septets (one per octet; the high bit is ignored) into UTF-8.
 * An escape followed by a code the extension table lacks shows the code's
 * basic character (TS 23.038 6.2.1.1); 0x1B 0x1B shows a space; a lone
 * escape at the end shows nothing. Returns the output length.
 */
size_t gsm7_decode(const uint8_t *in, size_t n, char *out, size_t cap);

/*
 * GSM-7 packed form (TS 23.038 6.1.2.1): septets packed into octets, least
 * significant bit first, as the air interface carries them and as some
 * SMS centres want them in short_message (the per-bind "packed" option).
 *
 * `ud` is the whole user data: when a user data header of udh_len octets
 * (its length octet included) leads it, the first septet starts on the
 * next septet boundary after the UDH (gsm7_fill_bits() zero fill bits).
 * Packing leaves ud[0 .. udh_len-1] untouched, so the UDH may be written
 * before or after.
 *
 * SMPP gives the length in octets, not septets, so when 7 bits would be
 * left over at the end the packer fills them with CR (0x0D), and the
 * unpacker drops a CR found in that position (TS 23.038 6.1.2.3.1, as for
 * USSD and cell broadcast). A text that really ends in CR on an octet
 * boundary gets a second CR when room allows (the handset shows one).
 */
/* Fill bits between a UDH of udh_len octets and the first septet (0..6). */
unsigned gsm7_fill_bits(size_t udh_len);
/* Septet positions a UDH of udh_len octets occupies (with its fill bits). */
size_t gsm7_udh_septets(size_t udh_len);
/* Octets that udh_len octets of UDH plus n septets take when packed,
 * before any CR padding decision (which never adds an octet). */
size_t gsm7_packed_len(size_t udh_len, size_t n);
/*
 * Packs n septets (values 0..127; the high bit is ignored) after udh_len
 * octets of ud. Returns 0 and sets *outlen (total octets, UDH included),
 * or -ENOSPC when cap is too small.
 */
int gsm7_pack(const uint8_t *septets, size_t n, size_t udh_len, uint8_t *ud,
	      size_t cap, size_t *outlen);
/*
 * Unpacks the septets that follow udh_len octets of the ud_len octets of
 * ud into out (one septet per octet). Returns 0 and sets *n, -EINVAL when
 * udh_len > ud_len, -ENOSPC when cap is too small (ud_len * 8 / 7 always
 * suffices).
 */
int gsm7_unpack(const uint8_t *ud, size_t ud_len, size_t udh_len,
		uint8_t *out, size_t cap, size_t *n);

/* --- UCS-2, IA5, Latin-1 -------------------------------------------------- */

/* UCS-2 (UTF-16BE, surrogate pairs outside the BMP). 0 or -ENOSPC. */
int ucs2_encode(const char *utf8, uint8_t *out, size_t cap, size_t *outlen);
/* UTF-16 code units the text needs (a character outside the BMP is 2). */
size_t ucs2_units(const char *utf8);
/* Decodes UTF-16BE; lone surrogates become '?', an odd last octet is
 * ignored. */
size_t ucs2_decode(const uint8_t *in, size_t n, char *out, size_t cap);
/* Latin-1 (ISO 8859-1, dc 3): -ERANGE for a character above U+00FF. */
int latin1_encode(const char *utf8, uint8_t *out, size_t cap,
		  size_t *outlen);
size_t latin1_decode(const uint8_t *in, size_t n, char *out, size_t cap);
/* IA5 / ASCII (dc 1): -ERANGE for a character above U+007F. */
int ia5_encode(const char *utf8, uint8_t *out, size_t cap, size_t *outlen);
/* Octets with the high bit set are noise in IA5: they become '?'. */
size_t ia5_decode(const uint8_t *in, size_t n, char *out, size_t cap);

/* --- data_coding ----------------------------------------------------------- */

/* What a data_coding value says about the octets it labels. */
enum text_alpha {
	TEXT_ALPHA_GSM7,	/* GSM 03.38 septets */
	TEXT_ALPHA_IA5,		/* ASCII */
	TEXT_ALPHA_LATIN1,	/* ISO 8859-1 */
	TEXT_ALPHA_UCS2,	/* UTF-16BE */
	TEXT_ALPHA_BINARY,	/* 8-bit data or an alphabet we cannot read */
};

struct text_dcs {
	enum text_alpha alpha;
	int msg_class;		/* -1: none; 0 flash, 1 ME, 2 SIM, 3 TE */
	bool compressed;	/* GSM compression (we cannot read it) */
	bool mwi;		/* a message waiting indication group */
};

/*
 * Reads a data_coding value: SMPP's own values 0x00..0x0F (0 GSM-7 as the
 * SMSC default, 1 IA5, 3 Latin-1, 8 UCS-2; 2, 4 binary; the others are
 * alphabets we do not read: binary), the GSM general data coding groups
 * 0x10..0x7F (bit 4: class in bits 1..0; bits 3..2 alphabet; bit 5
 * compressed), message waiting groups 0xC0..0xEF and the data coding /
 * message class group 0xF0..0xFF (bit 2: 8-bit data, else GSM-7; bits
 * 1..0 class). Reserved groups (0x80..0xBF) read as binary.
 */
void text_dc_parse(uint8_t dc, struct text_dcs *out);
/*
 * Makes the data_coding for an alphabet and a message class (-1 none):
 * no class: 0x00 GSM-7, 0x01 IA5, 0x03 Latin-1, 0x08 UCS-2, 0x04 binary;
 * with class c: 0xF0|c GSM-7, 0xF4|c binary, 0x18|c UCS-2. Returns 0, or
 * -EINVAL (IA5/Latin-1 cannot carry a class; class outside -1..3).
 */
int text_dc_make(enum text_alpha alpha, int msg_class, uint8_t *dc);
/* Alphabet of a data_coding value: 0 GSM-7 (also IA5), 1 Latin-1,
 * 2 UCS-2, -1 binary. (Kept for callers of the first version.) */
int text_dc_alphabet(uint8_t dc);
const char *text_alpha_name(enum text_alpha a);

/*
 * Decodes a short_message or message_payload of any data_coding into UTF-8
 * (see text_dc_parse()). Binary data comes out as '?' per octet. The
 * octets are unpacked septets for GSM-7; see gsm7_unpack() for the packed
 * form.
 */
size_t text_decode_sm(uint8_t dc, const uint8_t *in, size_t n, char *out,
		      size_t cap);

/* --- choosing the encoding of a reply -------------------------------------- */

/* Encoding wanted for a message: per message override of the default. */
enum text_enc {
	TEXT_ENC_AUTO,		/* GSM-7 when every character fits, else UCS-2 */
	TEXT_ENC_GSM7,		/* GSM-7 always: a character without a GSM-7
				 * form is folded, and becomes '?' if it
				 * still has none */
	TEXT_ENC_UCS2,		/* UCS-2 always */
	TEXT_ENC_LATIN1,	/* Latin-1 always (only where an SMS centre
				 * wants it): above U+00FF folded, then '?' */
};

const char *text_enc_name(enum text_enc e);
/* "auto", "gsm7", "ucs2", "latin1" -> *e. 0 or -EINVAL. */
int text_enc_parse(const char *s, enum text_enc *e);

/* The outcome of text_choose(). */
struct text_plan {
	enum text_enc enc;	/* GSM7, UCS2 or LATIN1: never AUTO */
	uint8_t dc;		/* data_coding without message class */
	size_t chars;		/* code points of the text to send */
	size_t units;		/* septets (escapes count 2), UTF-16 code
				 * units, or octets (Latin-1) */
	size_t octets;		/* unpacked octets: septets, 2 * UTF-16
				 * units, or Latin-1 octets */
	size_t packed_octets;	/* GSM-7 packed: ceil(units * 7 / 8); else
				 * == octets */
	size_t replaced;	/* characters that became '?' (forced GSM-7
				 * or Latin-1); 0 for AUTO and UCS2 */
};

/*
 * Picks the encoding of a text: folds it first when `fold` is set
 * (text_fold()), then applies `want` (see enum text_enc). Invalid UTF-8
 * bytes become '?'. Fills *plan and, when out is not NULL, writes the text
 * to send (folded, with the substitutions of a forced encoding) into out:
 * cap = strlen(utf8) + 1 always suffices (the result is never longer).
 * Returns 0, -ENOSPC when out is too small (plan still filled), -EINVAL
 * for a bad `want`.
 */
int text_choose(const char *utf8, bool fold, enum text_enc want,
		struct text_plan *plan, char *out, size_t cap);

/*
 * Encodes a text prepared by text_choose() (so every character fits) in
 * encoding enc (GSM7: septets one per octet; UCS2; LATIN1). Returns 0,
 * -ERANGE when a character does not fit, -ENOSPC, -EINVAL for AUTO.
 */
int text_encode(const char *utf8, enum text_enc enc, uint8_t *out,
		size_t cap, size_t *outlen);

/*
 * First-version helper kept for gw.c: folded first when `fold` is set,
 * then GSM-7 when every character fits, else UCS-2 (unpacked, no
 * segmentation). Sets *dc. Returns 0, -ENOSPC or -ENOMEM (it allocates a
 * temporary copy when folding). New code uses text_choose() + seg_split().
 */
int text_encode_reply(const char *utf8, bool fold, uint8_t *dc, uint8_t *out,
		      size_t cap, size_t *outlen);

#endif
