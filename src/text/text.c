/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Text codecs: UTF-8, Vietnamese folding, GSM 03.38 (unpacked and packed),
 * UCS-2, IA5, Latin-1, data_coding values, and the choice of encoding for
 * a reply (see text/text.h). The tables are the module; the
 * functions only walk them.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"
#include "common/util.h"

/* --- UTF-8 -------------------------------------------------------------- */

int utf8_decode(const char *str, size_t len, size_t *pos, uint32_t *cp)
{
	const uint8_t *s = (const uint8_t *)str + *pos;
	size_t avail = len - *pos;
	uint32_t c;
	size_t n;

	if (!avail)
		return -EILSEQ;
	if (s[0] < 0x80) {
		*cp = s[0];
		*pos += 1;
		return 0;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
		c = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		c = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		goto bad;
	}
	if (avail < n)
		goto bad;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = c << 6 | (s[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	*pos += n;
	return 0;
bad:
	*pos += 1;
	return -EILSEQ;
}

/*
 * utf8_decode() with its ASCII case inline, for the loops below: most
 * text is ASCII, and a call per byte in each of them (choosing the
 * encoding, encoding, counting) was a tenth of the daemon's instructions
 * per MO.
 */
static inline int next_cp(const char *s, size_t len, size_t *pos,
			  uint32_t *cp)
{
	if (*pos < len && (unsigned char)s[*pos] < 0x80) {
		*cp = (unsigned char)s[(*pos)++];
		return 0;
	}
	return utf8_decode(s, len, pos, cp);
}

size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t utf8_length(const char *s)
{
	size_t len = strlen(s), pos = 0, n = 0;
	uint32_t cp;

	while (pos < len) {
		next_cp(s, len, &pos, &cp);
		n++;
	}
	return n;
}

bool utf8_valid(const char *s)
{
	size_t len = strlen(s), pos = 0;
	uint32_t cp;

	while (pos < len)
		if (next_cp(s, len, &pos, &cp) < 0)
			return false;
	return true;
}

void utf8_scrub(char *s)
{
	size_t len = strlen(s), pos = 0, out = 0;

	while (pos < len) {
		size_t from = pos;
		uint32_t cp;

		if (next_cp(s, len, &pos, &cp) < 0) {
			s[out++] = '?';
			continue;
		}
		memmove(s + out, s + from, pos - from);
		out += pos - from;
	}
	s[out] = '\0';
}

/*
 * Appends cp to out if it fits whole (keeping room for the NUL); returns
 * false when full. U+0000 is dropped: the output stays one C string.
 */
static inline bool put_cp(char *out, size_t cap, size_t *n, uint32_t cp)
{
	char tmp[4];
	size_t l;

	if (!cp)
		return true;
	if (cp < 0x80) {	/* ASCII, most characters: no encoding */
		if (*n + 2 > cap)
			return false;
		out[(*n)++] = (char)cp;
		return true;
	}
	l = utf8_encode(cp, tmp);
	if (*n + l + 1 > cap)
		return false;
	memcpy(out + *n, tmp, l);
	*n += l;
	return true;
}

/* --- folding ------------------------------------------------------------ */

/* Latin letters with diacritics -> base letter, generated from the Unicode
 * canonical decompositions (U+00C0..U+024F, U+1E00..U+1EFF) plus đ/Đ and
 * ø/Ø, which have none, and Ð/ð/Ɖ, which legacy Vietnamese encodings and
 * fonts produce for Đ/đ. Sorted for bsearch. */
static const struct fold_pair {
	uint16_t cp;
	char base;
} fold_table[] = {
	{0x00C0, 'A'}, {0x00C1, 'A'}, {0x00C2, 'A'}, {0x00C3, 'A'}, {0x00C4, 'A'},
	{0x00C5, 'A'}, {0x00C7, 'C'}, {0x00C8, 'E'}, {0x00C9, 'E'}, {0x00CA, 'E'},
	{0x00CB, 'E'}, {0x00CC, 'I'}, {0x00CD, 'I'}, {0x00CE, 'I'}, {0x00CF, 'I'},
	{0x00D0, 'D'}, {0x00D1, 'N'}, {0x00D2, 'O'}, {0x00D3, 'O'}, {0x00D4, 'O'},
	{0x00D5, 'O'}, {0x00D6, 'O'}, {0x00D8, 'O'}, {0x00D9, 'U'}, {0x00DA, 'U'},
	{0x00DB, 'U'}, {0x00DC, 'U'}, {0x00DD, 'Y'}, {0x00E0, 'a'}, {0x00E1, 'a'},
	{0x00E2, 'a'}, {0x00E3, 'a'}, {0x00E4, 'a'}, {0x00E5, 'a'}, {0x00E7, 'c'},
	{0x00E8, 'e'}, {0x00E9, 'e'}, {0x00EA, 'e'}, {0x00EB, 'e'}, {0x00EC, 'i'},
	{0x00ED, 'i'}, {0x00EE, 'i'}, {0x00EF, 'i'}, {0x00F0, 'd'}, {0x00F1, 'n'},
	{0x00F2, 'o'}, {0x00F3, 'o'}, {0x00F4, 'o'}, {0x00F5, 'o'}, {0x00F6, 'o'},
	{0x00F8, 'o'}, {0x00F9, 'u'}, {0x00FA, 'u'}, {0x00FB, 'u'}, {0x00FC, 'u'},
	{0x00FD, 'y'}, {0x00FF, 'y'}, {0x0100, 'A'}, {0x0101, 'a'}, {0x0102, 'A'},
	{0x0103, 'a'}, {0x0104, 'A'}, {0x0105, 'a'}, {0x0106, 'C'}, {0x0107, 'c'},
	{0x0108, 'C'}, {0x0109, 'c'}, {0x010A, 'C'}, {0x010B, 'c'}, {0x010C, 'C'},
	{0x010D, 'c'}, {0x010E, 'D'}, {0x010F, 'd'}, {0x0110, 'D'}, {0x0111, 'd'},
	{0x0112, 'E'}, {0x0113, 'e'}, {0x0114, 'E'}, {0x0115, 'e'}, {0x0116, 'E'},
	{0x0117, 'e'}, {0x0118, 'E'}, {0x0119, 'e'}, {0x011A, 'E'}, {0x011B, 'e'},
	{0x011C, 'G'}, {0x011D, 'g'}, {0x011E, 'G'}, {0x011F, 'g'}, {0x0120, 'G'},
	{0x0121, 'g'}, {0x0122, 'G'}, {0x0123, 'g'}, {0x0124, 'H'}, {0x0125, 'h'},
	{0x0128, 'I'}, {0x0129, 'i'}, {0x012A, 'I'}, {0x012B, 'i'}, {0x012C, 'I'},
	{0x012D, 'i'}, {0x012E, 'I'}, {0x012F, 'i'}, {0x0130, 'I'}, {0x0134, 'J'},
	{0x0135, 'j'}, {0x0136, 'K'}, {0x0137, 'k'}, {0x0139, 'L'}, {0x013A, 'l'},
	{0x013B, 'L'}, {0x013C, 'l'}, {0x013D, 'L'}, {0x013E, 'l'}, {0x0143, 'N'},
	{0x0144, 'n'}, {0x0145, 'N'}, {0x0146, 'n'}, {0x0147, 'N'}, {0x0148, 'n'},
	{0x014C, 'O'}, {0x014D, 'o'}, {0x014E, 'O'}, {0x014F, 'o'}, {0x0150, 'O'},
	{0x0151, 'o'}, {0x0154, 'R'}, {0x0155, 'r'}, {0x0156, 'R'}, {0x0157, 'r'},
	{0x0158, 'R'}, {0x0159, 'r'}, {0x015A, 'S'}, {0x015B, 's'}, {0x015C, 'S'},
	{0x015D, 's'}, {0x015E, 'S'}, {0x015F, 's'}, {0x0160, 'S'}, {0x0161, 's'},
	{0x0162, 'T'}, {0x0163, 't'}, {0x0164, 'T'}, {0x0165, 't'}, {0x0168, 'U'},
	{0x0169, 'u'}, {0x016A, 'U'}, {0x016B, 'u'}, {0x016C, 'U'}, {0x016D, 'u'},
	{0x016E, 'U'}, {0x016F, 'u'}, {0x0170, 'U'}, {0x0171, 'u'}, {0x0172, 'U'},
	{0x0173, 'u'}, {0x0174, 'W'}, {0x0175, 'w'}, {0x0176, 'Y'}, {0x0177, 'y'},
	{0x0178, 'Y'}, {0x0179, 'Z'}, {0x017A, 'z'}, {0x017B, 'Z'}, {0x017C, 'z'},
	{0x017D, 'Z'}, {0x017E, 'z'}, {0x0189, 'D'}, {0x01A0, 'O'}, {0x01A1, 'o'},
	{0x01AF, 'U'}, {0x01B0, 'u'}, {0x01CD, 'A'}, {0x01CE, 'a'}, {0x01CF, 'I'},
	{0x01D0, 'i'}, {0x01D1, 'O'}, {0x01D2, 'o'}, {0x01D3, 'U'}, {0x01D4, 'u'},
	{0x01D5, 'U'}, {0x01D6, 'u'}, {0x01D7, 'U'}, {0x01D8, 'u'}, {0x01D9, 'U'},
	{0x01DA, 'u'}, {0x01DB, 'U'}, {0x01DC, 'u'}, {0x01DE, 'A'}, {0x01DF, 'a'},
	{0x01E0, 'A'}, {0x01E1, 'a'}, {0x01E6, 'G'}, {0x01E7, 'g'}, {0x01E8, 'K'},
	{0x01E9, 'k'}, {0x01EA, 'O'}, {0x01EB, 'o'}, {0x01EC, 'O'}, {0x01ED, 'o'},
	{0x01F0, 'j'}, {0x01F4, 'G'}, {0x01F5, 'g'}, {0x01F8, 'N'}, {0x01F9, 'n'},
	{0x01FA, 'A'}, {0x01FB, 'a'}, {0x0200, 'A'}, {0x0201, 'a'}, {0x0202, 'A'},
	{0x0203, 'a'}, {0x0204, 'E'}, {0x0205, 'e'}, {0x0206, 'E'}, {0x0207, 'e'},
	{0x0208, 'I'}, {0x0209, 'i'}, {0x020A, 'I'}, {0x020B, 'i'}, {0x020C, 'O'},
	{0x020D, 'o'}, {0x020E, 'O'}, {0x020F, 'o'}, {0x0210, 'R'}, {0x0211, 'r'},
	{0x0212, 'R'}, {0x0213, 'r'}, {0x0214, 'U'}, {0x0215, 'u'}, {0x0216, 'U'},
	{0x0217, 'u'}, {0x0218, 'S'}, {0x0219, 's'}, {0x021A, 'T'}, {0x021B, 't'},
	{0x021E, 'H'}, {0x021F, 'h'}, {0x0226, 'A'}, {0x0227, 'a'}, {0x0228, 'E'},
	{0x0229, 'e'}, {0x022A, 'O'}, {0x022B, 'o'}, {0x022C, 'O'}, {0x022D, 'o'},
	{0x022E, 'O'}, {0x022F, 'o'}, {0x0230, 'O'}, {0x0231, 'o'}, {0x0232, 'Y'},
	{0x0233, 'y'}, {0x1E00, 'A'}, {0x1E01, 'a'}, {0x1E02, 'B'}, {0x1E03, 'b'},
	{0x1E04, 'B'}, {0x1E05, 'b'}, {0x1E06, 'B'}, {0x1E07, 'b'}, {0x1E08, 'C'},
	{0x1E09, 'c'}, {0x1E0A, 'D'}, {0x1E0B, 'd'}, {0x1E0C, 'D'}, {0x1E0D, 'd'},
	{0x1E0E, 'D'}, {0x1E0F, 'd'}, {0x1E10, 'D'}, {0x1E11, 'd'}, {0x1E12, 'D'},
	{0x1E13, 'd'}, {0x1E14, 'E'}, {0x1E15, 'e'}, {0x1E16, 'E'}, {0x1E17, 'e'},
	{0x1E18, 'E'}, {0x1E19, 'e'}, {0x1E1A, 'E'}, {0x1E1B, 'e'}, {0x1E1C, 'E'},
	{0x1E1D, 'e'}, {0x1E1E, 'F'}, {0x1E1F, 'f'}, {0x1E20, 'G'}, {0x1E21, 'g'},
	{0x1E22, 'H'}, {0x1E23, 'h'}, {0x1E24, 'H'}, {0x1E25, 'h'}, {0x1E26, 'H'},
	{0x1E27, 'h'}, {0x1E28, 'H'}, {0x1E29, 'h'}, {0x1E2A, 'H'}, {0x1E2B, 'h'},
	{0x1E2C, 'I'}, {0x1E2D, 'i'}, {0x1E2E, 'I'}, {0x1E2F, 'i'}, {0x1E30, 'K'},
	{0x1E31, 'k'}, {0x1E32, 'K'}, {0x1E33, 'k'}, {0x1E34, 'K'}, {0x1E35, 'k'},
	{0x1E36, 'L'}, {0x1E37, 'l'}, {0x1E38, 'L'}, {0x1E39, 'l'}, {0x1E3A, 'L'},
	{0x1E3B, 'l'}, {0x1E3C, 'L'}, {0x1E3D, 'l'}, {0x1E3E, 'M'}, {0x1E3F, 'm'},
	{0x1E40, 'M'}, {0x1E41, 'm'}, {0x1E42, 'M'}, {0x1E43, 'm'}, {0x1E44, 'N'},
	{0x1E45, 'n'}, {0x1E46, 'N'}, {0x1E47, 'n'}, {0x1E48, 'N'}, {0x1E49, 'n'},
	{0x1E4A, 'N'}, {0x1E4B, 'n'}, {0x1E4C, 'O'}, {0x1E4D, 'o'}, {0x1E4E, 'O'},
	{0x1E4F, 'o'}, {0x1E50, 'O'}, {0x1E51, 'o'}, {0x1E52, 'O'}, {0x1E53, 'o'},
	{0x1E54, 'P'}, {0x1E55, 'p'}, {0x1E56, 'P'}, {0x1E57, 'p'}, {0x1E58, 'R'},
	{0x1E59, 'r'}, {0x1E5A, 'R'}, {0x1E5B, 'r'}, {0x1E5C, 'R'}, {0x1E5D, 'r'},
	{0x1E5E, 'R'}, {0x1E5F, 'r'}, {0x1E60, 'S'}, {0x1E61, 's'}, {0x1E62, 'S'},
	{0x1E63, 's'}, {0x1E64, 'S'}, {0x1E65, 's'}, {0x1E66, 'S'}, {0x1E67, 's'},
	{0x1E68, 'S'}, {0x1E69, 's'}, {0x1E6A, 'T'}, {0x1E6B, 't'}, {0x1E6C, 'T'},
	{0x1E6D, 't'}, {0x1E6E, 'T'}, {0x1E6F, 't'}, {0x1E70, 'T'}, {0x1E71, 't'},
	{0x1E72, 'U'}, {0x1E73, 'u'}, {0x1E74, 'U'}, {0x1E75, 'u'}, {0x1E76, 'U'},
	{0x1E77, 'u'}, {0x1E78, 'U'}, {0x1E79, 'u'}, {0x1E7A, 'U'}, {0x1E7B, 'u'},
	{0x1E7C, 'V'}, {0x1E7D, 'v'}, {0x1E7E, 'V'}, {0x1E7F, 'v'}, {0x1E80, 'W'},
	{0x1E81, 'w'}, {0x1E82, 'W'}, {0x1E83, 'w'}, {0x1E84, 'W'}, {0x1E85, 'w'},
	{0x1E86, 'W'}, {0x1E87, 'w'}, {0x1E88, 'W'}, {0x1E89, 'w'}, {0x1E8A, 'X'},
	{0x1E8B, 'x'}, {0x1E8C, 'X'}, {0x1E8D, 'x'}, {0x1E8E, 'Y'}, {0x1E8F, 'y'},
	{0x1E90, 'Z'}, {0x1E91, 'z'}, {0x1E92, 'Z'}, {0x1E93, 'z'}, {0x1E94, 'Z'},
	{0x1E95, 'z'}, {0x1E96, 'h'}, {0x1E97, 't'}, {0x1E98, 'w'}, {0x1E99, 'y'},
	{0x1EA0, 'A'}, {0x1EA1, 'a'}, {0x1EA2, 'A'}, {0x1EA3, 'a'}, {0x1EA4, 'A'},
	{0x1EA5, 'a'}, {0x1EA6, 'A'}, {0x1EA7, 'a'}, {0x1EA8, 'A'}, {0x1EA9, 'a'},
	{0x1EAA, 'A'}, {0x1EAB, 'a'}, {0x1EAC, 'A'}, {0x1EAD, 'a'}, {0x1EAE, 'A'},
	{0x1EAF, 'a'}, {0x1EB0, 'A'}, {0x1EB1, 'a'}, {0x1EB2, 'A'}, {0x1EB3, 'a'},
	{0x1EB4, 'A'}, {0x1EB5, 'a'}, {0x1EB6, 'A'}, {0x1EB7, 'a'}, {0x1EB8, 'E'},
	{0x1EB9, 'e'}, {0x1EBA, 'E'}, {0x1EBB, 'e'}, {0x1EBC, 'E'}, {0x1EBD, 'e'},
	{0x1EBE, 'E'}, {0x1EBF, 'e'}, {0x1EC0, 'E'}, {0x1EC1, 'e'}, {0x1EC2, 'E'},
	{0x1EC3, 'e'}, {0x1EC4, 'E'}, {0x1EC5, 'e'}, {0x1EC6, 'E'}, {0x1EC7, 'e'},
	{0x1EC8, 'I'}, {0x1EC9, 'i'}, {0x1ECA, 'I'}, {0x1ECB, 'i'}, {0x1ECC, 'O'},
	{0x1ECD, 'o'}, {0x1ECE, 'O'}, {0x1ECF, 'o'}, {0x1ED0, 'O'}, {0x1ED1, 'o'},
	{0x1ED2, 'O'}, {0x1ED3, 'o'}, {0x1ED4, 'O'}, {0x1ED5, 'o'}, {0x1ED6, 'O'},
	{0x1ED7, 'o'}, {0x1ED8, 'O'}, {0x1ED9, 'o'}, {0x1EDA, 'O'}, {0x1EDB, 'o'},
	{0x1EDC, 'O'}, {0x1EDD, 'o'}, {0x1EDE, 'O'}, {0x1EDF, 'o'}, {0x1EE0, 'O'},
	{0x1EE1, 'o'}, {0x1EE2, 'O'}, {0x1EE3, 'o'}, {0x1EE4, 'U'}, {0x1EE5, 'u'},
	{0x1EE6, 'U'}, {0x1EE7, 'u'}, {0x1EE8, 'U'}, {0x1EE9, 'u'}, {0x1EEA, 'U'},
	{0x1EEB, 'u'}, {0x1EEC, 'U'}, {0x1EED, 'u'}, {0x1EEE, 'U'}, {0x1EEF, 'u'},
	{0x1EF0, 'U'}, {0x1EF1, 'u'}, {0x1EF2, 'Y'}, {0x1EF3, 'y'}, {0x1EF4, 'Y'},
	{0x1EF5, 'y'}, {0x1EF6, 'Y'}, {0x1EF7, 'y'}, {0x1EF8, 'Y'}, {0x1EF9, 'y'},
};

/* The ASCII characters that fold to another (0 = folds to itself): a
 * table indexed by the byte, so that ASCII text, most of what citizens
 * and menus write, is folded a byte at a time without decoding it or
 * searching the tables below. */
static const char fold_ascii[128] = {
	['\t'] = ' ', ['`'] = '\'',
};

/* text_fold_cp() of an ASCII character */
static inline char fold_ascii_of(unsigned char c)
{
	return fold_ascii[c] ? fold_ascii[c] : (char)c;
}

/* fold_ascii_of() of every ASCII character: one load a character in
 * text_fold()'s loop */
static const char *fold_ascii_table(void)
{
	static char t[128];
	static bool done;

	if (!done) {
		for (unsigned c = 0; c < 128; c++)
			t[c] = fold_ascii_of((unsigned char)c);
		done = true;
	}
	return t;
}

/* Punctuation and spacing beyond ASCII that phone keyboards and word
 * processors produce (0 = drop). Fullwidth ASCII (U+FF01..U+FF5E) is
 * folded by arithmetic in text_fold_cp(). */
static const struct {
	uint32_t cp;
	uint32_t to;
} fold_punct[] = {
	{ 0x00A0, ' ' },  { 0x00AB, '"' },
	{ 0x00AD, 0 },    { 0x00B4, '\'' }, { 0x00B7, '.' },  { 0x00BB, '"' },
	{ 0x02C6, '^' },  { 0x02DC, '~' },  { 0x2002, ' ' },  { 0x2003, ' ' },
	{ 0x2007, ' ' },  { 0x2008, ' ' },  { 0x2009, ' ' },  { 0x200A, ' ' },
	{ 0x200B, 0 },    { 0x200C, 0 },    { 0x200D, 0 },    { 0x2010, '-' },
	{ 0x2011, '-' },  { 0x2012, '-' },  { 0x2013, '-' },  { 0x2014, '-' },
	{ 0x2018, '\'' }, { 0x2019, '\'' }, { 0x201A, '\'' }, { 0x201B, '\'' },
	{ 0x201C, '"' },  { 0x201D, '"' },  { 0x201E, '"' },  { 0x201F, '"' },
	{ 0x2022, '*' },  { 0x2032, '\'' }, { 0x2033, '"' },  { 0x2039, '\'' },
	{ 0x203A, '\'' }, { 0x202F, ' ' },  { 0x2060, 0 },    { 0x2212, '-' },
	{ 0x3000, ' ' },  { 0xFEFF, 0 },
};

static int fold_cmp(const void *k, const void *e)
{
	uint32_t cp = *(const uint32_t *)k;
	const struct fold_pair *p = e;

	return cp < p->cp ? -1 : cp > p->cp ? 1 : 0;
}

/* fold_table's letters of Latin-1 and Latin Extended-A/B (U+00C0..U+01B0:
 * đ, ơ, ư) and of Vietnamese in Latin Extended Additional (U+1EA0..
 * U+1EF9), by code point: a Vietnamese letter folds with one load, not
 * a binary search (text_fold_cp() was 1.7% of the daemon's instructions
 * per MO with the menus' Vietnamese, most of it searching). 0: not a
 * letter there. */
#define FOLD_A_LO 0x00C0
#define FOLD_A_HI 0x01B0
#define FOLD_B_LO 0x1EA0
#define FOLD_B_HI 0x1EF9

static char fold_fast(uint32_t cp)
{
	static char a[FOLD_A_HI - FOLD_A_LO + 1], b[FOLD_B_HI - FOLD_B_LO + 1];
	static bool done;

	if (!done) {
		for (size_t i = 0; i < ARRAY_SIZE(fold_table); i++) {
			uint32_t c = fold_table[i].cp;

			if (c >= FOLD_A_LO && c <= FOLD_A_HI)
				a[c - FOLD_A_LO] = fold_table[i].base;
			else if (c >= FOLD_B_LO && c <= FOLD_B_HI)
				b[c - FOLD_B_LO] = fold_table[i].base;
		}
		done = true;
	}
	if (cp >= FOLD_A_LO && cp <= FOLD_A_HI)
		return a[cp - FOLD_A_LO];
	if (cp >= FOLD_B_LO && cp <= FOLD_B_HI)
		return b[cp - FOLD_B_LO];
	return 0;
}

uint32_t text_fold_cp(uint32_t cp)
{
	const struct fold_pair *p;

	if (cp < 0x80)
		return (uint32_t)(unsigned char)fold_ascii_of((unsigned char)cp);
	if (cp >= 0x0300 && cp <= 0x036F)
		return 0;	/* combining marks of decomposed input */
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return cp - 0xFEE0;	/* fullwidth ASCII */
	if (cp >= 0xC0 && cp <= 0xFFFF) {
		char base = fold_fast(cp);

		if (base)
			return (uint32_t)(unsigned char)base;
		p = bsearch(&cp, fold_table, ARRAY_SIZE(fold_table),
			    sizeof(fold_table[0]), fold_cmp);
		if (p)
			return (uint32_t)(unsigned char)p->base;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fold_punct); i++)
		if (fold_punct[i].cp == cp)
			return fold_punct[i].to;
	return cp;
}

size_t text_fold(const char *in, char *out, size_t cap)
{
	size_t len = strlen(in), pos = 0, n = 0;

	if (!cap)
		return 0;
	while (pos < len) {
		unsigned char c = (unsigned char)in[pos];
		uint32_t cp;

		if (c < 0x80) {
			/* a run of ASCII: what text_fold_cp() and put_cp()
			 * would do, without the calls, and with the room
			 * reckoned once (put_cp() writes while one byte and
			 * the NUL fit) */
			const char *t = fold_ascii_table();
			size_t lim = pos + (cap - n - 1);

			if (lim > len)
				lim = len;
			while (pos < lim && (unsigned char)in[pos] < 0x80)
				out[n++] = t[(unsigned char)in[pos++]];
			if (pos < len && (unsigned char)in[pos] < 0x80)
				break;	/* out is full */
			continue;
		}
		if (utf8_decode(in, len, &pos, &cp) < 0)
			cp = '?';
		cp = text_fold_cp(cp);
		if (cp == 0x2026) {	/* ellipsis */
			if (n + 4 > cap)
				break;
			memcpy(out + n, "...", 3);
			n += 3;
			continue;
		}
		if (cp && !put_cp(out, cap, &n, cp))
			break;
	}
	out[n] = '\0';
	return n;
}

void text_fold_if(bool fold, const char *in, char *out, size_t cap)
{
	if (fold)
		text_fold(in, out, cap);
	else
		util_strlcpy(out, in, cap);
}

/* --- GSM 03.38 ---------------------------------------------------------- */

#define GSM7_ESC 0x1B
#define GSM7_CR 0x0D

/* Basic table (TS 23.038 6.2.1): septet value -> code point. */
static const uint16_t gsm7_basic[128] = {
	'@',    0x00A3, '$',    0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC,
	0x00F2, 0x00C7, '\n',   0x00D8, 0x00F8, '\r',   0x00C5, 0x00E5,
	0x0394, '_',    0x03A6, 0x0393, 0x039B, 0x03A9, 0x03A0, 0x03A8,
	0x03A3, 0x0398, 0x039E, 0x001B, 0x00C6, 0x00E6, 0x00DF, 0x00C9,
	' ',    '!',    '"',    '#',    0x00A4, '%',    '&',    '\'',
	'(',    ')',    '*',    '+',    ',',    '-',    '.',    '/',
	'0',    '1',    '2',    '3',    '4',    '5',    '6',    '7',
	'8',    '9',    ':',    ';',    '<',    '=',    '>',    '?',
	0x00A1, 'A',    'B',    'C',    'D',    'E',    'F',    'G',
	'H',    'I',    'J',    'K',    'L',    'M',    'N',    'O',
	'P',    'Q',    'R',    'S',    'T',    'U',    'V',    'W',
	'X',    'Y',    'Z',    0x00C4, 0x00D6, 0x00D1, 0x00DC, 0x00A7,
	0x00BF, 'a',    'b',    'c',    'd',    'e',    'f',    'g',
	'h',    'i',    'j',    'k',    'l',    'm',    'n',    'o',
	'p',    'q',    'r',    's',    't',    'u',    'v',    'w',
	'x',    'y',    'z',    0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0,
};

/* Extension table (TS 23.038 6.2.1.1), after the 0x1B escape. */
static const struct {
	uint8_t code;
	uint16_t cp;
} gsm7_ext[] = {
	{ 0x0A, 0x000C }, { 0x14, '^' }, { 0x28, '{' }, { 0x29, '}' },
	{ 0x2F, '\\' },   { 0x3C, '[' }, { 0x3D, '~' }, { 0x3E, ']' },
	{ 0x40, '|' },    { 0x65, 0x20AC },
};

/* Code points that encode to a basic septet but decode to another one. */
static const struct {
	uint16_t cp;
	uint8_t septet;
} gsm7_alias[] = {
	{ 0x00E7, 0x09 },	/* ç: GSM0338.TXT; 23.038 shows Ç */
};

/* gsm7_char() beyond the ASCII that maps to itself: the tables searched. */
static int gsm7_search(uint32_t cp, uint8_t out[2])
{
	for (int i = 0; i < 128; i++) {
		if (i != GSM7_ESC && gsm7_basic[i] == cp) {
			out[0] = (uint8_t)i;
			return 1;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(gsm7_alias); i++) {
		if (gsm7_alias[i].cp == cp) {
			out[0] = gsm7_alias[i].septet;
			return 1;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(gsm7_ext); i++) {
		if (gsm7_ext[i].cp == cp) {
			out[0] = GSM7_ESC;
			out[1] = gsm7_ext[i].code;
			return 2;
		}
	}
	return 0;
}

/* gsm7_char() with its common case inline for the loops below: ASCII
 * letters, digits and most punctuation map to themselves. */
static inline int gsm7_of(uint32_t cp, uint8_t out[2])
{
	if (cp < 0x80 && cp != GSM7_ESC && gsm7_basic[cp] == cp) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	return gsm7_search(cp, out);
}

int gsm7_char(uint32_t cp, uint8_t out[2])
{
	return gsm7_of(cp, out);
}

int gsm7_encode(const char *utf8, uint8_t *out, size_t cap, size_t *outlen)
{
	size_t len = strlen(utf8), pos = 0, n = 0;

	while (pos < len) {
		uint32_t cp;
		uint8_t s[2];
		int k;

		/* a run of ASCII that is its own septet, nearly all of a
		 * reply: copied without decoding and looking up each
		 * character (24 instructions a character before, 3.7% of
		 * the daemon's per MO) */
		while (pos < len && n < cap) {
			unsigned char b = (unsigned char)utf8[pos];

			if (b >= 0x80 || b == GSM7_ESC || gsm7_basic[b] != b)
				break;
			out[n++] = b;
			pos++;
		}
		if (pos == len)
			break;
		if (next_cp(utf8, len, &pos, &cp) < 0)
			cp = '?';
		k = gsm7_of(cp, s);
		if (!k)
			return -ERANGE;
		if (n + (size_t)k > cap)
			return -ENOSPC;
		out[n++] = s[0];
		if (k == 2)
			out[n++] = s[1];
	}
	*outlen = n;
	return 0;
}

long gsm7_septets(const char *utf8)
{
	size_t len = strlen(utf8), pos = 0;
	long n = 0;

	while (pos < len) {
		uint32_t cp;
		uint8_t s[2];
		int k;

		if (next_cp(utf8, len, &pos, &cp) < 0)
			cp = '?';
		k = gsm7_of(cp, s);
		if (!k)
			return -1;
		n += k;
	}
	return n;
}

static uint32_t gsm7_ext_cp(uint8_t code)
{
	for (size_t k = 0; k < ARRAY_SIZE(gsm7_ext); k++)
		if (gsm7_ext[k].code == code)
			return gsm7_ext[k].cp;
	return 0;
}

size_t gsm7_decode(const uint8_t *in, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	if (!cap)
		return 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = in[i] & 0x7F;
		uint32_t cp;

		if (c == GSM7_ESC) {
			if (i + 1 >= n)
				break;		/* lone escape at the end */
			c = in[++i] & 0x7F;
			if (c == GSM7_ESC)	/* reserved: shown as a space */
				cp = ' ';
			else if (!(cp = gsm7_ext_cp(c)))
				cp = gsm7_basic[c];	/* 23.038 6.2.1.1 */
		} else {
			cp = gsm7_basic[c];
		}
		if (!put_cp(out, cap, &o, cp))
			break;
	}
	out[o] = '\0';
	return o;
}

/* --- GSM 03.38 packed --------------------------------------------------- */

unsigned gsm7_fill_bits(size_t udh_len)
{
	return (unsigned)((7 - (udh_len * 8) % 7) % 7);
}

size_t gsm7_udh_septets(size_t udh_len)
{
	return (udh_len * 8 + 6) / 7;
}

size_t gsm7_packed_len(size_t udh_len, size_t n)
{
	return ((gsm7_udh_septets(udh_len) + n) * 7 + 7) / 8;
}

/* Writes septet v at septet position pos of ud (bits already zero). */
static void put_septet(uint8_t *ud, size_t pos, uint8_t v)
{
	size_t bit = pos * 7, byte = bit / 8;
	unsigned shift = (unsigned)(bit % 8);

	v &= 0x7F;
	ud[byte] |= (uint8_t)(v << shift);
	if (shift > 1)
		ud[byte + 1] |= (uint8_t)(v >> (8 - shift));
}

static uint8_t get_septet(const uint8_t *ud, size_t pos)
{
	size_t bit = pos * 7, byte = bit / 8;
	unsigned shift = (unsigned)(bit % 8);
	unsigned v = ud[byte] >> shift;

	if (shift > 1)
		v |= (unsigned)ud[byte + 1] << (8 - shift);
	return (uint8_t)(v & 0x7F);
}

int gsm7_pack(const uint8_t *septets, size_t n, size_t udh_len, uint8_t *ud,
	      size_t cap, size_t *outlen)
{
	size_t start = gsm7_udh_septets(udh_len), total = start + n;
	size_t octets = gsm7_packed_len(udh_len, n);
	bool extra_cr = false;

	if (octets > cap)
		return -ENOSPC;
	/* a wanted CR at the very end of an octet boundary would be taken
	 * for padding: repeat it when there is room (23.038 6.1.2.3.1) */
	if (n && (septets[n - 1] & 0x7F) == GSM7_CR && total % 8 == 0 &&
	    gsm7_packed_len(udh_len, n + 1) <= cap) {
		extra_cr = true;
		octets = gsm7_packed_len(udh_len, n + 1);
	}
	memset(ud + udh_len, 0, octets - udh_len);
	for (size_t i = 0; i < n; i++)
		put_septet(ud, start + i, septets[i]);
	if (extra_cr)
		put_septet(ud, total++, GSM7_CR);
	if (total % 8 == 7)	/* 7 spare bits: CR, not a stray '@' */
		put_septet(ud, total, GSM7_CR);
	*outlen = octets;
	return 0;
}

int gsm7_unpack(const uint8_t *ud, size_t ud_len, size_t udh_len,
		uint8_t *out, size_t cap, size_t *n)
{
	size_t start = gsm7_udh_septets(udh_len), total = ud_len * 8 / 7;
	size_t count;

	if (udh_len > ud_len)
		return -EINVAL;
	count = total > start ? total - start : 0;
	if (count > cap)
		return -ENOSPC;
	for (size_t i = 0; i < count; i++)
		out[i] = get_septet(ud, start + i);
	if (count && total % 8 == 0 && out[count - 1] == GSM7_CR)
		count--;	/* the padding CR of 7 spare bits */
	*n = count;
	return 0;
}

/* --- UCS-2 / IA5 / Latin-1 ------------------------------------------------ */

int ucs2_encode(const char *utf8, uint8_t *out, size_t cap, size_t *outlen)
{
	size_t len = strlen(utf8), pos = 0, n = 0;

	while (pos < len) {
		uint32_t cp;

		if (next_cp(utf8, len, &pos, &cp) < 0)
			cp = '?';
		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			uint16_t hi = (uint16_t)(0xD800 | v >> 10);
			uint16_t lo = (uint16_t)(0xDC00 | (v & 0x3FF));

			if (n + 4 > cap)
				return -ENOSPC;
			out[n++] = (uint8_t)(hi >> 8);
			out[n++] = (uint8_t)hi;
			out[n++] = (uint8_t)(lo >> 8);
			out[n++] = (uint8_t)lo;
		} else {
			if (n + 2 > cap)
				return -ENOSPC;
			out[n++] = (uint8_t)(cp >> 8);
			out[n++] = (uint8_t)cp;
		}
	}
	*outlen = n;
	return 0;
}

size_t ucs2_units(const char *utf8)
{
	size_t len = strlen(utf8), pos = 0, n = 0;
	uint32_t cp;

	while (pos < len) {
		if (next_cp(utf8, len, &pos, &cp) < 0)
			cp = '?';
		n += cp >= 0x10000 ? 2 : 1;
	}
	return n;
}

size_t ucs2_decode(const uint8_t *in, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	if (!cap)
		return 0;
	for (size_t i = 0; i + 1 < n; i += 2) {
		uint32_t cp = (uint32_t)in[i] << 8 | in[i + 1];

		if (cp >= 0xD800 && cp <= 0xDBFF && i + 3 < n) {
			uint32_t lo = (uint32_t)in[i + 2] << 8 | in[i + 3];

			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((cp - 0xD800) << 10) +
				     (lo - 0xDC00);
				i += 2;
			} else {
				cp = '?';
			}
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			cp = '?';	/* lone surrogate */
		}
		if (!put_cp(out, cap, &o, cp))
			break;
	}
	out[o] = '\0';
	return o;
}

/* Encodes code points up to `max` one octet each. */
static int octet_encode(const char *utf8, uint32_t max, uint8_t *out,
			size_t cap, size_t *outlen)
{
	size_t len = strlen(utf8), pos = 0, n = 0;

	while (pos < len) {
		uint32_t cp;

		if (next_cp(utf8, len, &pos, &cp) < 0)
			cp = '?';
		if (cp > max)
			return -ERANGE;
		if (n + 1 > cap)
			return -ENOSPC;
		out[n++] = (uint8_t)cp;
	}
	*outlen = n;
	return 0;
}

int latin1_encode(const char *utf8, uint8_t *out, size_t cap, size_t *outlen)
{
	return octet_encode(utf8, 0xFF, out, cap, outlen);
}

int ia5_encode(const char *utf8, uint8_t *out, size_t cap, size_t *outlen)
{
	return octet_encode(utf8, 0x7F, out, cap, outlen);
}

/* Decodes one octet per character; octets above `max` become '?'. */
static size_t octet_decode(const uint8_t *in, size_t n, uint32_t max,
			   char *out, size_t cap)
{
	size_t o = 0;

	if (!cap)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!put_cp(out, cap, &o, in[i] <= max ? in[i] : '?'))
			break;
	out[o] = '\0';
	return o;
}

size_t latin1_decode(const uint8_t *in, size_t n, char *out, size_t cap)
{
	return octet_decode(in, n, 0xFF, out, cap);
}

size_t ia5_decode(const uint8_t *in, size_t n, char *out, size_t cap)
{
	return octet_decode(in, n, 0x7F, out, cap);
}

/* --- data_coding ---------------------------------------------------------- */

void text_dc_parse(uint8_t dc, struct text_dcs *out)
{
	static const enum text_alpha group_alpha[4] = {
		TEXT_ALPHA_GSM7, TEXT_ALPHA_BINARY, TEXT_ALPHA_UCS2,
		TEXT_ALPHA_BINARY,	/* reserved */
	};

	memset(out, 0, sizeof(*out));
	out->msg_class = -1;
	if (dc <= 0x0F) {	/* SMPP 3.4 5.2.19 */
		switch (dc) {
		case TEXT_DC_DEFAULT: out->alpha = TEXT_ALPHA_GSM7; break;
		case TEXT_DC_IA5: out->alpha = TEXT_ALPHA_IA5; break;
		case TEXT_DC_LATIN1: out->alpha = TEXT_ALPHA_LATIN1; break;
		case TEXT_DC_UCS2: out->alpha = TEXT_ALPHA_UCS2; break;
		default: out->alpha = TEXT_ALPHA_BINARY; break;
		}
	} else if (dc < 0x80) {	/* general data coding (00xx), auto-delete
				 * (01xx): 23.038 4 */
		out->compressed = (dc & 0x20) != 0;
		if (dc & 0x10)
			out->msg_class = dc & 0x03;
		out->alpha = out->compressed ? TEXT_ALPHA_BINARY
					     : group_alpha[(dc >> 2) & 3];
	} else if (dc < 0xC0) {	/* reserved coding groups */
		out->alpha = TEXT_ALPHA_BINARY;
	} else if (dc < 0xF0) {	/* message waiting: discard, store, UCS-2 */
		out->mwi = true;
		out->alpha = dc < 0xE0 ? TEXT_ALPHA_GSM7 : TEXT_ALPHA_UCS2;
	} else {		/* data coding / message class */
		out->msg_class = dc & 0x03;
		out->alpha = (dc & 0x04) ? TEXT_ALPHA_BINARY : TEXT_ALPHA_GSM7;
	}
}

int text_dc_make(enum text_alpha alpha, int msg_class, uint8_t *dc)
{
	if (msg_class < -1 || msg_class > 3)
		return -EINVAL;
	switch (alpha) {
	case TEXT_ALPHA_GSM7:
		*dc = msg_class < 0 ? TEXT_DC_DEFAULT
				    : (uint8_t)(0xF0 | msg_class);
		return 0;
	case TEXT_ALPHA_UCS2:
		*dc = msg_class < 0 ? TEXT_DC_UCS2
				    : (uint8_t)(0x18 | msg_class);
		return 0;
	case TEXT_ALPHA_BINARY:
		*dc = msg_class < 0 ? TEXT_DC_BINARY4
				    : (uint8_t)(0xF4 | msg_class);
		return 0;
	case TEXT_ALPHA_IA5:
	case TEXT_ALPHA_LATIN1:
		if (msg_class >= 0)
			return -EINVAL;
		*dc = alpha == TEXT_ALPHA_IA5 ? TEXT_DC_IA5 : TEXT_DC_LATIN1;
		return 0;
	}
	return -EINVAL;
}

int text_dc_alphabet(uint8_t dc)
{
	struct text_dcs d;

	text_dc_parse(dc, &d);
	switch (d.alpha) {
	case TEXT_ALPHA_GSM7:
	case TEXT_ALPHA_IA5:
		return 0;
	case TEXT_ALPHA_LATIN1:
		return 1;
	case TEXT_ALPHA_UCS2:
		return 2;
	default:
		return -1;
	}
}

const char *text_alpha_name(enum text_alpha a)
{
	static const char *const names[] = {
		[TEXT_ALPHA_GSM7] = "gsm7", [TEXT_ALPHA_IA5] = "ia5",
		[TEXT_ALPHA_LATIN1] = "latin1", [TEXT_ALPHA_UCS2] = "ucs2",
		[TEXT_ALPHA_BINARY] = "binary",
	};

	return (unsigned)a < ARRAY_SIZE(names) ? names[a] : "?";
}

size_t text_decode_sm(uint8_t dc, const uint8_t *in, size_t n, char *out,
		      size_t cap)
{
	struct text_dcs d;
	size_t o = 0;

	text_dc_parse(dc, &d);
	switch (d.alpha) {
	case TEXT_ALPHA_GSM7:
		return gsm7_decode(in, n, out, cap);
	case TEXT_ALPHA_IA5:
		return ia5_decode(in, n, out, cap);
	case TEXT_ALPHA_LATIN1:
		return latin1_decode(in, n, out, cap);
	case TEXT_ALPHA_UCS2:
		return ucs2_decode(in, n, out, cap);
	case TEXT_ALPHA_BINARY:
		break;
	}
	if (!cap)
		return 0;
	for (size_t i = 0; i < n; i++)	/* binary: '?' per octet */
		if (!put_cp(out, cap, &o, '?'))
			break;
	out[o] = '\0';
	return o;
}

/* --- choosing the encoding -------------------------------------------------- */

static const char *const enc_names[] = {
	[TEXT_ENC_AUTO] = "auto", [TEXT_ENC_GSM7] = "gsm7",
	[TEXT_ENC_UCS2] = "ucs2", [TEXT_ENC_LATIN1] = "latin1",
};

const char *text_enc_name(enum text_enc e)
{
	return (unsigned)e < ARRAY_SIZE(enc_names) ? enc_names[e] : "?";
}

int text_enc_parse(const char *s, enum text_enc *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(enc_names); i++)
		if (strcmp(s, enc_names[i]) == 0) {
			*e = (enum text_enc)i;
			return 0;
		}
	return -EINVAL;
}

/* Running totals of text_choose(). */
struct choose_acc {
	struct text_plan *plan;
	bool gsm7_fits;
	size_t septets, ucs2, latin1;
	char *out;
	size_t cap, n;
	bool full;
};

/* Takes one character of the text to send. */
static inline void choose_emit(struct choose_acc *a, uint32_t cp)
{
	uint8_t s[2];
	int k = gsm7_of(cp, s);

	if (!k)
		a->gsm7_fits = false;
	a->septets += (size_t)k;
	a->ucs2 += cp >= 0x10000 ? 2 : 1;
	a->latin1++;
	a->plan->chars++;
	if (a->out && !a->full && !put_cp(a->out, a->cap, &a->n, cp))
		a->full = true;
}

/* True when cp can be written in the forced encoding want. */
static bool fits(enum text_enc want, uint32_t cp)
{
	uint8_t s[2];

	if (want == TEXT_ENC_GSM7)
		return gsm7_of(cp, s) > 0;
	if (want == TEXT_ENC_LATIN1)
		return cp <= 0xFF;
	return true;
}

/* Septets of each ASCII character in GSM-7 (1, 2 escaped, 0 none): the
 * same answers as gsm7_of(), read from a table. */
static const uint8_t *gsm7_ascii_len(void)
{
	static uint8_t len[128];
	static bool done;

	if (!done) {
		for (uint32_t c = 0; c < 128; c++) {
			uint8_t s[2];

			len[c] = (uint8_t)gsm7_of(c, s);
		}
		done = true;
	}
	return len;
}

int text_choose(const char *utf8, bool fold, enum text_enc want,
		struct text_plan *plan, char *out, size_t cap)
{
	struct choose_acc a = { .plan = plan, .gsm7_fits = true, .out = out,
				.cap = cap };
	size_t len = strlen(utf8), pos = 0;
	const uint8_t *g7 = gsm7_ascii_len();

	if ((unsigned)want > TEXT_ENC_LATIN1)
		return -EINVAL;
	memset(plan, 0, sizeof(*plan));
	if (out && !cap)
		a.full = true;
	while (pos < len) {
		size_t run = pos, septets = 0, k;
		uint32_t cp;

		/* A run of ASCII characters that GSM-7 has and folding keeps,
		 * nearly all of a reply: counted and copied as choose_emit()
		 * and put_cp() would, without decoding, folding or looking
		 * each up twice (this loop was 6% of the daemon's
		 * instructions per MO). */
		while (run < len) {
			unsigned char b = (unsigned char)utf8[run];

			if (b >= 0x80 || !g7[b] ||
			    (fold && fold_ascii_of(b) != (char)b))
				break;
			septets += g7[b];
			run++;
		}
		if ((k = run - pos) > 0) {
			a.septets += septets;
			a.ucs2 += k;
			a.latin1 += k;
			plan->chars += k;
			if (out && !a.full) {
				/* put_cp() writes while one byte and the NUL
				 * fit */
				size_t room = cap > a.n + 1 ? cap - a.n - 1 : 0;

				memcpy(out + a.n, utf8 + pos, k < room ? k : room);
				a.n += k < room ? k : room;
				a.full = k > room;
			}
			pos = run;
			continue;
		}
		if (next_cp(utf8, len, &pos, &cp) < 0)
			cp = '?';
		if (fold || !fits(want, cp)) {
			cp = text_fold_cp(cp);
			if (cp == 0x2026) {	/* folded ellipsis */
				for (int i = 0; i < 3; i++)
					choose_emit(&a, '.');
				continue;
			}
		}
		if (!cp)
			continue;	/* dropped by folding */
		if (!fits(want, cp)) {
			cp = '?';
			plan->replaced++;
		}
		choose_emit(&a, cp);
	}
	if (out && cap)
		out[a.n] = '\0';
	if (want == TEXT_ENC_AUTO)
		want = a.gsm7_fits ? TEXT_ENC_GSM7 : TEXT_ENC_UCS2;
	plan->enc = want;
	switch (want) {
	case TEXT_ENC_GSM7:
		plan->dc = TEXT_DC_DEFAULT;
		plan->units = plan->octets = a.septets;
		plan->packed_octets = (a.septets * 7 + 7) / 8;
		break;
	case TEXT_ENC_UCS2:
		plan->dc = TEXT_DC_UCS2;
		plan->units = a.ucs2;
		plan->octets = plan->packed_octets = a.ucs2 * 2;
		break;
	default:
		plan->dc = TEXT_DC_LATIN1;
		plan->units = plan->octets = plan->packed_octets = a.latin1;
		break;
	}
	return a.full ? -ENOSPC : 0;
}

int text_encode(const char *utf8, enum text_enc enc, uint8_t *out,
		size_t cap, size_t *outlen)
{
	switch (enc) {
	case TEXT_ENC_GSM7:
		return gsm7_encode(utf8, out, cap, outlen);
	case TEXT_ENC_UCS2:
		return ucs2_encode(utf8, out, cap, outlen);
	case TEXT_ENC_LATIN1:
		return latin1_encode(utf8, out, cap, outlen);
	default:
		return -EINVAL;
	}
}

int text_encode_reply(const char *utf8, bool fold, uint8_t *dc, uint8_t *out,
		      size_t cap, size_t *outlen)
{
	const char *src = utf8;
	char *folded = NULL;
	int rc;

	if (fold) {
		size_t fcap = strlen(utf8) + 1;

		folded = malloc(fcap);
		if (!folded)
			return -ENOMEM;
		text_fold(utf8, folded, fcap);
		src = folded;
	}
	rc = gsm7_encode(src, out, cap, outlen);
	if (rc == 0) {
		*dc = TEXT_DC_DEFAULT;
	} else if (rc == -ERANGE) {
		*dc = TEXT_DC_UCS2;
		rc = ucs2_encode(src, out, cap, outlen);
	}
	free(folded);
	return rc;
}
