/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Civil: checks of what citizens type for procedures (see
 * services/civil.h). Owns the province code table, the Latin case table
 * and the Vietnamese vowel composition table.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/days.h"
#include "common/util.h"
#include "services/civil.h"
#include "text/text.h"

static const char *const civil_err_names[] = {
	[CIVIL_OK] = "ok",
	[CIVIL_ID_FORM] = "id_form",
	[CIVIL_ID_PROVINCE] = "id_province",
	[CIVIL_ID_CENTURY] = "id_century",
	[CIVIL_NAME] = "name",
	[CIVIL_DATE_FORM] = "date_form",
	[CIVIL_DATE_FUTURE] = "date_future",
	[CIVIL_DATE_OLD] = "date_old",
	[CIVIL_COUNT] = "count",
	[CIVIL_COMMUNE] = "commune",
};

const char *civil_err_name(enum civil_err e)
{
	if ((unsigned)e >= ARRAY_SIZE(civil_err_names))
		return "?";
	return civil_err_names[e];
}

static void clear(char *out, size_t outlen)
{
	if (outlen)
		out[0] = '\0';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* --- citizen ID ------------------------------------------------------------ */

/* The 63 provinces of Circular 07/2016/TT-BCA, by code (sorted). */
static const struct province {
	uint8_t code;
	const char *name;
} provinces[] = {
	{ 1, "Hà Nội" },	{ 2, "Hà Giang" },	{ 4, "Cao Bằng" },
	{ 6, "Bắc Kạn" },	{ 8, "Tuyên Quang" },	{ 10, "Lào Cai" },
	{ 11, "Điện Biên" },	{ 12, "Lai Châu" },	{ 14, "Sơn La" },
	{ 15, "Yên Bái" },	{ 17, "Hòa Bình" },	{ 19, "Thái Nguyên" },
	{ 20, "Lạng Sơn" },	{ 22, "Quảng Ninh" },	{ 24, "Bắc Giang" },
	{ 25, "Phú Thọ" },	{ 26, "Vĩnh Phúc" },	{ 27, "Bắc Ninh" },
	{ 30, "Hải Dương" },	{ 31, "Hải Phòng" },	{ 33, "Hưng Yên" },
	{ 34, "Thái Bình" },	{ 35, "Hà Nam" },	{ 36, "Nam Định" },
	{ 37, "Ninh Bình" },	{ 38, "Thanh Hóa" },	{ 40, "Nghệ An" },
	{ 42, "Hà Tĩnh" },	{ 44, "Quảng Bình" },	{ 45, "Quảng Trị" },
	{ 46, "Thừa Thiên Huế" }, { 48, "Đà Nẵng" },	{ 49, "Quảng Nam" },
	{ 51, "Quảng Ngãi" },	{ 52, "Bình Định" },	{ 54, "Phú Yên" },
	{ 56, "Khánh Hòa" },	{ 58, "Ninh Thuận" },	{ 60, "Bình Thuận" },
	{ 62, "Kon Tum" },	{ 64, "Gia Lai" },	{ 66, "Đắk Lắk" },
	{ 67, "Đắk Nông" },	{ 68, "Lâm Đồng" },	{ 70, "Bình Phước" },
	{ 72, "Tây Ninh" },	{ 74, "Bình Dương" },	{ 75, "Đồng Nai" },
	{ 77, "Bà Rịa - Vũng Tàu" }, { 79, "Hồ Chí Minh" }, { 80, "Long An" },
	{ 82, "Tiền Giang" },	{ 83, "Bến Tre" },	{ 84, "Trà Vinh" },
	{ 86, "Vĩnh Long" },	{ 87, "Đồng Tháp" },	{ 89, "An Giang" },
	{ 91, "Kiên Giang" },	{ 92, "Cần Thơ" },	{ 93, "Hậu Giang" },
	{ 94, "Sóc Trăng" },	{ 95, "Bạc Liêu" },	{ 96, "Cà Mau" },
};

const char *civil_province(const char *code3)
{
	int code;

	if (!is_digit(code3[0]) || !is_digit(code3[1]) ||
	    !is_digit(code3[2]) || code3[3] != '\0')
		return NULL;
	code = (code3[0] - '0') * 100 + (code3[1] - '0') * 10 +
	       (code3[2] - '0');
	for (size_t i = 0; i < ARRAY_SIZE(provinces); i++)
		if (provinces[i].code == code)
			return provinces[i].name;
	return NULL;
}

/*
 * The 12 digits of an ID written with spaces, dots or dashes between them
 * (and spaces around) into d. False for anything else.
 */
static bool id_digits(const char *in, char d[CIVIL_ID_LEN + 1])
{
	const char *p = in, *gap;
	size_t n = 0;

	while (*p == ' ')
		p++;
	while (*p) {
		if (!is_digit(*p) || n == CIVIL_ID_LEN)
			return false;
		d[n++] = *p++;
		gap = p;
		p += strspn(p, " .-");
		/* after the last digit only spaces */
		if (!*p && strspn(gap, " ") != (size_t)(p - gap))
			return false;
	}
	d[n] = '\0';
	return n == CIVIL_ID_LEN;
}

enum civil_err civil_id_check(const char *in, int today,
			      char out[CIVIL_ID_LEN + 1])
{
	char d[CIVIL_ID_LEN + 1], code[4];
	int64_t year_now, born;
	int m, dd, century;

	out[0] = '\0';
	if (!id_digits(in, d))
		return CIVIL_ID_FORM;
	memcpy(out, d, sizeof(d));
	memcpy(code, d, 3);
	code[3] = '\0';
	if (!civil_province(code))
		return CIVIL_ID_PROVINCE;
	century = d[3] - '0';
	if (century > 3)
		return CIVIL_ID_CENTURY;
	born = (century < 2 ? 1900 : 2000) + (d[4] - '0') * 10 + (d[5] - '0');
	day_to_civil(today, &year_now, &m, &dd);
	return born > year_now ? CIVIL_ID_CENTURY : CIVIL_OK;
}

void civil_id_mask(const char *id, char *out, size_t outlen)
{
	size_t len = strlen(id);
	char m[CIVIL_ID_LEN + 1] = "************";
	bool tail = len >= 4;

	for (size_t i = 0; tail && i < 4; i++)
		tail = is_digit(id[len - 4 + i]);
	if (tail)
		memcpy(m + CIVIL_ID_LEN - 4, id + len - 4, 4);
	util_strlcpy(out, m, outlen);
}

/* --- full name ------------------------------------------------------------- */

/*
 * The Latin letters a name may hold, with their simple upper case
 * (Unicode): every code point from lo to hi is a letter; `delta` is added
 * to each (lower -> upper), or with `pairs` upper and lower alternate from
 * lo (lo upper). Ranges not listed (other letters of Extended-B, IPA) are
 * refused rather than left half-cased.
 */
static const struct latin_range {
	uint16_t lo, hi;
	int16_t delta;
	bool pairs;
} latin[] = {
	{ 'A', 'Z', 0, false },		{ 'a', 'z', -32, false },
	{ 0x00C0, 0x00D6, 0, false },	{ 0x00D8, 0x00DF, 0, false },
	{ 0x00E0, 0x00F6, -32, false },	{ 0x00F8, 0x00FE, -32, false },
	{ 0x00FF, 0x00FF, 0x0178 - 0x00FF, false },
	{ 0x0100, 0x012F, 0, true },	{ 0x0130, 0x0130, 0, false },
	{ 0x0131, 0x0131, 'I' - 0x0131, false },
	{ 0x0132, 0x0137, 0, true },	{ 0x0138, 0x0138, 0, false },
	{ 0x0139, 0x0148, 0, true },	{ 0x0149, 0x0149, 0, false },
	{ 0x014A, 0x0177, 0, true },	{ 0x0178, 0x0178, 0, false },
	{ 0x0179, 0x017E, 0, true },
	{ 0x017F, 0x017F, 'S' - 0x017F, false },
	{ 0x01A0, 0x01A1, 0, true },	/* Ơ ơ */
	{ 0x01AF, 0x01B0, 0, true },	/* Ư ư */
	{ 0x01CD, 0x01DC, 0, true },	{ 0x01DE, 0x01EF, 0, true },
	{ 0x01F4, 0x01F5, 0, true },	{ 0x01F8, 0x021F, 0, true },
	{ 0x0222, 0x0233, 0, true },	{ 0x1E00, 0x1E95, 0, true },
	{ 0x1E9E, 0x1E9E, 0, false },	{ 0x1EA0, 0x1EFF, 0, true },
};

/* The upper case of a letter a name may hold, or 0 for any other. */
static uint32_t latin_upper(uint32_t cp)
{
	for (size_t i = 0; i < ARRAY_SIZE(latin); i++) {
		const struct latin_range *r = &latin[i];

		if (cp < r->lo || cp > r->hi)
			continue;
		if (r->pairs)
			return cp - ((cp - r->lo) & 1);
		return (uint32_t)((int32_t)cp + r->delta);
	}
	return 0;
}

/*
 * Vietnamese vowels in upper case: the twelve bases (A Ă Â E Ê I O Ô Ơ U
 * Ư Y) by tone: none, grave, acute, hook above, tilde, dot below.
 */
enum { VN_A, VN_A_BREVE, VN_A_CIRC, VN_E, VN_E_CIRC, VN_I, VN_O, VN_O_CIRC,
       VN_O_HORN, VN_U, VN_U_HORN, VN_Y, VN_VOWELS };
static const uint16_t vn_vowel[VN_VOWELS][6] = {
	{ 0x0041, 0x00C0, 0x00C1, 0x1EA2, 0x00C3, 0x1EA0 },
	{ 0x0102, 0x1EB0, 0x1EAE, 0x1EB2, 0x1EB4, 0x1EB6 },
	{ 0x00C2, 0x1EA6, 0x1EA4, 0x1EA8, 0x1EAA, 0x1EAC },
	{ 0x0045, 0x00C8, 0x00C9, 0x1EBA, 0x1EBC, 0x1EB8 },
	{ 0x00CA, 0x1EC0, 0x1EBE, 0x1EC2, 0x1EC4, 0x1EC6 },
	{ 0x0049, 0x00CC, 0x00CD, 0x1EC8, 0x0128, 0x1ECA },
	{ 0x004F, 0x00D2, 0x00D3, 0x1ECE, 0x00D5, 0x1ECC },
	{ 0x00D4, 0x1ED2, 0x1ED0, 0x1ED4, 0x1ED6, 0x1ED8 },
	{ 0x01A0, 0x1EDC, 0x1EDA, 0x1EDE, 0x1EE0, 0x1EE2 },
	{ 0x0055, 0x00D9, 0x00DA, 0x1EE6, 0x0168, 0x1EE4 },
	{ 0x01AF, 0x1EEA, 0x1EE8, 0x1EEC, 0x1EEE, 0x1EF0 },
	{ 0x0059, 0x1EF2, 0x00DD, 0x1EF6, 0x1EF8, 0x1EF4 },
};

/* Combining tone marks by tone (U+0340/U+0341 are the old grave/acute). */
static int vn_tone(uint32_t mark)
{
	switch (mark) {
	case 0x0300: case 0x0340: return 1;
	case 0x0301: case 0x0341: return 2;
	case 0x0309: return 3;
	case 0x0303: return 4;
	case 0x0323: return 5;
	default: return 0;
	}
}

/* Circumflex, breve and horn on a plain vowel: the new base, or -1. */
static int vn_modify(int base, uint32_t mark)
{
	static const struct {
		uint8_t from, to;
		uint16_t mark;
	} mods[] = {
		{ VN_A, VN_A_CIRC, 0x0302 }, { VN_A, VN_A_BREVE, 0x0306 },
		{ VN_E, VN_E_CIRC, 0x0302 }, { VN_O, VN_O_CIRC, 0x0302 },
		{ VN_O, VN_O_HORN, 0x031B }, { VN_U, VN_U_HORN, 0x031B },
	};

	for (size_t i = 0; i < ARRAY_SIZE(mods); i++)
		if (mods[i].from == base && mods[i].mark == mark)
			return mods[i].to;
	return -1;
}

/* An upper-case letter with a combining mark composed, or 0 when the
 * pair is no Vietnamese letter. */
static uint32_t vn_compose(uint32_t letter, uint32_t mark)
{
	int tone = vn_tone(mark);

	for (int b = 0; b < VN_VOWELS; b++)
		for (int t = 0; t < 6; t++) {
			if (vn_vowel[b][t] != letter)
				continue;
			if (tone)
				return t ? 0 : vn_vowel[b][tone];
			b = vn_modify(b, mark);
			return b < 0 ? 0 : vn_vowel[b][t];
		}
	return 0;
}

/* The cleaned name as it is written. */
struct name_buf {
	char *out;
	size_t cap;
	size_t len;
	bool full;		/* out was too small */
	int chars;		/* letters, spaces, ' and - written */
	int words;
	size_t letter_at;	/* where the last letter starts in out */
	uint32_t letter;	/* the last letter, upper case */
	int marks;		/* combining marks after it */
	bool composable;	/* every one of them composed so far */
};

#define NAME_MARKS_MAX 3

static void name_put(struct name_buf *b, uint32_t cp)
{
	char u[4];
	size_t n = utf8_encode(cp, u);

	if (b->full || b->len + n >= b->cap) {
		b->full = true;
		return;
	}
	memcpy(b->out + b->len, u, n);
	b->len += n;
}

static void name_letter(struct name_buf *b, uint32_t upper)
{
	b->letter_at = b->len;
	b->letter = upper;
	b->marks = 0;
	b->composable = true;
	b->chars++;
	name_put(b, upper);
}

/* A combining mark after the last letter: composed into it when the two
 * make a Vietnamese letter, else kept. False when there are too many. */
static bool name_mark(struct name_buf *b, uint32_t mark)
{
	uint32_t c;

	if (++b->marks > NAME_MARKS_MAX)
		return false;
	if (b->composable) {
		c = vn_compose(b->letter, mark);
		if (c) {
			b->len = b->letter_at;
			b->letter = c;
			name_put(b, c);
			return true;
		}
		b->composable = false;
	}
	name_put(b, mark);
	return true;
}

static bool is_apostrophe(uint32_t cp)
{
	return cp == '\'' || cp == 0x2019;
}

/* Where the scan of a name stands. */
enum name_at {
	AT_GAP,			/* at the start or after spaces */
	AT_LETTER,		/* after a letter or its marks */
	AT_JOIN,		/* after ' or - (a letter must follow) */
};

/* Reads and cleans a name into b. False at the first thing a name may
 * not hold, or when out is full. */
static bool name_scan(const char *in, struct name_buf *b)
{
	size_t len = strlen(in), pos = 0;
	enum name_at at = AT_GAP;
	uint32_t cp, up;

	while (pos < len && !b->full) {
		if (utf8_decode(in, len, &pos, &cp) < 0)
			return false;
		if (cp == ' ' || cp == 0x00A0) {
			if (at == AT_JOIN)
				return false;
			at = AT_GAP;
		} else if (cp >= 0x0300 && cp <= 0x036F) {
			if (at != AT_LETTER || !name_mark(b, cp))
				return false;
		} else if (cp == '-' || is_apostrophe(cp)) {
			if (at != AT_LETTER)
				return false;
			name_put(b, cp == '-' ? '-' : '\'');
			b->chars++;
			at = AT_JOIN;
		} else if ((up = latin_upper(cp)) != 0) {
			if (at == AT_GAP && b->words++) {
				name_put(b, ' ');
				b->chars++;
			}
			name_letter(b, up);
			at = AT_LETTER;
		} else {
			return false;
		}
	}
	return !b->full && at != AT_JOIN;
}

enum civil_err civil_name_check(const char *in, int min, int max, char *out,
				size_t outlen)
{
	struct name_buf b = { .out = out, .cap = outlen };

	if (!name_scan(in, &b) || b.words < 2 || b.chars < min ||
	    b.chars > max) {
		clear(out, outlen);
		return CIVIL_NAME;
	}
	out[b.len] = '\0';
	return CIVIL_OK;
}

/* --- date ------------------------------------------------------------------ */

/* Reads 1..max ASCII digits at *p into *v. */
static bool read_digits(const char **p, int min, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && is_digit((*p)[n])) {
		*v = *v * 10 + ((*p)[n] - '0');
		n++;
	}
	*p += n;
	return n >= min && !is_digit(**p);
}

static bool is_date_sep(char c)
{
	return c == '/' || c == '-' || c == '.';
}

static int month_days(int64_t y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : mdays[m - 1];
}

/* "D/M/YYYY" with spaces around -> d, m, y (a real date). */
static bool date_parse(const char *in, int *d, int *m, int *y)
{
	const char *p = in + strspn(in, " ");

	if (!read_digits(&p, 1, 2, d) || !is_date_sep(*p++) ||
	    !read_digits(&p, 1, 2, m) || !is_date_sep(*p++) ||
	    !read_digits(&p, 4, 4, y))
		return false;
	p += strspn(p, " ");
	return *p == '\0' && *m >= 1 && *m <= 12 && *d >= 1 &&
	       *d <= month_days(*y, *m);
}

/* Writes n as two digits. */
static void put2(char *out, int n)
{
	out[0] = (char)('0' + n / 10 % 10);
	out[1] = (char)('0' + n % 10);
}

enum civil_err civil_date_check(const char *in, int today, int *day,
				char out[CIVIL_DATE_LEN + 1])
{
	int d, m, y;
	int64_t at;

	out[0] = '\0';
	if (!date_parse(in, &d, &m, &y))
		return CIVIL_DATE_FORM;
	at = day_from_civil(y, m, d);
	if (at < day_from_civil(1900, 1, 1))
		return CIVIL_DATE_OLD;
	if (at > today)
		return CIVIL_DATE_FUTURE;
	put2(out, d);
	out[2] = '/';
	put2(out + 3, m);
	out[5] = '/';
	put2(out + 6, y / 100);
	put2(out + 8, y % 100);
	out[10] = '\0';
	*day = (int)at;
	return CIVIL_OK;
}

/* --- count ----------------------------------------------------------------- */

enum civil_err civil_count_check(const char *in, int min, int max, int *n)
{
	const char *p = in + strspn(in, " ");
	long long v = 0;
	bool any = false;

	for (; is_digit(*p); p++) {
		any = true;
		if (v <= max)	/* past max it stays past max */
			v = v * 10 + (*p - '0');
	}
	p += strspn(p, " ");
	if (!any || *p || v < min || v > max)
		return CIVIL_COUNT;
	*n = (int)v;
	return CIVIL_OK;
}

/* --- commune --------------------------------------------------------------- */

#define COMMUNE_KEY_MAX 128

/*
 * The match key of a commune name: folded, ASCII upper case, without
 * spaces (nor control characters). False when it is empty, longer than
 * COMMUNE_KEY_MAX - 1 bytes or not valid UTF-8.
 */
static bool commune_key(const char *s, char key[COMMUNE_KEY_MAX])
{
	size_t len = strlen(s), pos = 0, n = 0, m;
	uint32_t cp;
	char u[4];

	while (pos < len) {
		if (utf8_decode(s, len, &pos, &cp) < 0)
			return false;
		cp = text_fold_cp(cp);
		if (cp <= ' ' || cp == 0x7F)
			continue;	/* dropped, a space or a control */
		if (cp >= 'a' && cp <= 'z')
			cp -= 'a' - 'A';
		if (cp == 0x2026) {	/* text_fold() writes "..." */
			memcpy(u, "...", 3);
			m = 3;
		} else {
			m = utf8_encode(cp, u);
		}
		if (n + m >= COMMUNE_KEY_MAX)
			return false;
		memcpy(key + n, u, m);
		n += m;
	}
	key[n] = '\0';
	return n > 0;
}

/* Length of the leading "XA", "PHUONG", "THITRAN", "X.", "P." or "TT."
 * of a key, or 0. */
static size_t commune_prefix(const char *key)
{
	static const char *const prefixes[] = {
		"THITRAN", "PHUONG", "XA", "TT.", "P.", "X.",
	};

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(key, prefixes[i], n) == 0)
			return n;
	}
	return 0;
}

/*
 * How well answer key a (prefix of ap bytes) names key k (prefix kp):
 * 1 whole keys equal, 2 the whole answer equal to the name without its
 * prefix (no letter the citizen typed is dropped), 3 equal without
 * prefixes, 4 no match.
 */
static int commune_rank(const char *a, size_t ap, const char *k, size_t kp)
{
	if (strcmp(a, k) == 0)
		return 1;
	if (strcmp(a, k + kp) == 0)
		return 2;
	if (a[ap] && strcmp(a + ap, k + kp) == 0)
		return 3;
	return 4;
}

int civil_commune_find(const char *in, const char *const *names, int n)
{
	char a[COMMUNE_KEY_MAX], k[COMMUNE_KEY_MAX];
	size_t ap;
	int best = -1, best_rank = 4, rank;

	if (!commune_key(in, a))
		return -1;
	ap = commune_prefix(a);
	for (int i = 0; i < n && best_rank > 1; i++) {
		if (!names[i] || !commune_key(names[i], k))
			continue;
		rank = commune_rank(a, ap, k, commune_prefix(k));
		if (rank < best_rank) {
			best = i;
			best_rank = rank;
		}
	}
	return best;
}
