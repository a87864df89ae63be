/*
 * Text: UTF-8, Vietnamese folding, GSM 03.38, UCS-2 and the SMPP
 * data_coding values. Pure functions, no I/O, table-driven.
 *
 * Every function that writes text NUL-terminates its output and never
 * splits a character; invalid UTF-8 input bytes are replaced by '?' and
 * never copied through.
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

/*
 * Folds text for a GSM-7 screen or for matching: Vietnamese and other Latin
 * letters lose their diacritics (đ/Đ -> d/D), combining marks are dropped,
 * typographic quotes, dashes, ellipsis and no-break spaces become ASCII.
 * Other characters are kept. Returns the output length.
 */
size_t text_fold(const char *in, char *out, size_t cap);
/* The folded form of one code point: a replacement, or cp itself; 0 = drop. */
uint32_t text_fold_cp(uint32_t cp);

/*
 * GSM 03.38 default alphabet as SMPP carries it: one septet per octet,
 * extension characters as 0x1B + code.
 * gsm7_char() returns 1 or 2 (septets written to out) or 0 when cp has no
 * GSM-7 form.
 */
int gsm7_char(uint32_t cp, uint8_t out[2]);
/* Encodes; -ERANGE when a character has no GSM-7 form, -ENOSPC when full. */
int gsm7_encode(const char *utf8, uint8_t *out, size_t cap, size_t *outlen);
/* Septets the text needs in GSM-7, or -1 when it does not fit GSM-7. */
long gsm7_septets(const char *utf8);
size_t gsm7_decode(const uint8_t *in, size_t n, char *out, size_t cap);

/* UCS-2 (UTF-16BE, surrogate pairs outside the BMP). */
int ucs2_encode(const char *utf8, uint8_t *out, size_t cap, size_t *outlen);
size_t ucs2_decode(const uint8_t *in, size_t n, char *out, size_t cap);
size_t latin1_decode(const uint8_t *in, size_t n, char *out, size_t cap);

/*
 * Decodes a short_message or message_payload of any data_coding into UTF-8
 * (the coding group bits 0xF0 and 0xC0..0xEF are understood). Binary data
 * comes out as '?' per octet.
 */
size_t text_decode_sm(uint8_t dc, const uint8_t *in, size_t n, char *out,
		      size_t cap);

/* Alphabet of a data_coding value: 0 GSM-7, 1 8-bit/Latin, 2 UCS-2, -1 binary */
int text_dc_alphabet(uint8_t dc);

/*
 * Encodes a reply: folded first when `fold` is set, then GSM-7 when every
 * character fits, else UCS-2. Sets *dc. Returns 0, or -ENOSPC.
 */
int text_encode_reply(const char *utf8, bool fold, uint8_t *dc, uint8_t *out,
		      size_t cap, size_t *outlen);

#endif
