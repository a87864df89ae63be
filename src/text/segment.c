/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Segments: cutting a reply into the submit_sm PDUs that carry it (see
 * text/segment.h). The text is encoded once into units (septets one
 * per octet, UTF-16 code units or Latin-1 octets); the cut walks the units
 * character by character so that an escape or surrogate pair stays whole.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf.h"
#include "common/util.h"
#include "text/segment.h"

#define UDH8_LEN 6	/* 05 00 03 ref total seq */
#define UDH16_LEN 7	/* 06 08 04 ref ref total seq */
#define SM_OCTETS 140	/* user data of one SMS */

static const char *const concat_names[] = {
	[SEG_CONCAT_UDH8] = "udh8",
	[SEG_CONCAT_UDH16] = "udh16",
	[SEG_CONCAT_SAR] = "sar",
	[SEG_CONCAT_PAYLOAD] = "payload",
};

const char *seg_concat_name(enum seg_concat c)
{
	return (unsigned)c < ARRAY_SIZE(concat_names) ? concat_names[c]
							   : "?";
}

int seg_concat_parse(const char *s, enum seg_concat *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(concat_names); i++)
		if (strcmp(s, concat_names[i]) == 0) {
			*c = (enum seg_concat)i;
			return 0;
		}
	return -EINVAL;
}

void seg_opts_init(struct seg_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->enc = TEXT_ENC_AUTO;
	o->concat = SEG_CONCAT_UDH8;
	o->msg_class = -1;
}

void seg_opts_for_bind(struct seg_opts *o, const struct cgw_smsc_conf *sc)
{
	seg_opts_init(o);
	o->concat = (enum seg_concat)sc->concat;
	o->packed = sc->packed;
	o->max_segments = (unsigned)sc->max_segments;
}

static size_t udh_len_of(enum seg_concat c)
{
	return c == SEG_CONCAT_UDH8 ? UDH8_LEN
	       : c == SEG_CONCAT_UDH16 ? UDH16_LEN : 0;
}

size_t seg_capacity(enum text_enc enc, enum seg_concat concat,
		    bool multipart)
{
	/* a message_payload is cut by the SMS centre, with a UDH */
	size_t udh = !multipart ? 0
		     : concat == SEG_CONCAT_PAYLOAD ? UDH8_LEN
						    : udh_len_of(concat);

	switch (enc) {
	case TEXT_ENC_UCS2:
		return (SM_OCTETS - udh) / 2;
	case TEXT_ENC_LATIN1:
		return SM_OCTETS - udh;
	default:	/* GSM-7: septets after the UDH's septet positions */
		return SM_OCTETS * 8 / 7 - gsm7_udh_septets(udh);
	}
}

/* The whole text, encoded. */
struct units {
	enum text_enc enc;
	uint8_t *buf;
	size_t n;		/* units */
	size_t width;		/* octets per unit: 2 for UCS-2, else 1 */
	bool packed;		/* GSM-7 packed on the wire */
};

/* Units of the character that starts at unit pos. */
static size_t char_units(const struct units *u, size_t pos)
{
	size_t k = 1;

	if (u->enc == TEXT_ENC_GSM7 && u->buf[pos] == 0x1B)
		k = 2;
	else if (u->enc == TEXT_ENC_UCS2 && (u->buf[2 * pos] & 0xFC) == 0xD8)
		k = 2;	/* high surrogate */
	return pos + k <= u->n ? k : u->n - pos;
}

/*
 * True when the character at pos (k units) fits a segment that started at
 * seg_start. Packed, a full segment (160 septet positions with its UDH)
 * may not end in CR: the receiver would take it for the padding CR of
 * TS 23.038 6.1.2.3.1 and drop it.
 */
static bool char_fits(const struct units *u, size_t seg_start, size_t pos,
		      size_t k, size_t cap)
{
	size_t end = pos + k - seg_start;

	if (end > cap)
		return false;
	return !(u->packed && end == cap && u->buf[pos] == '\r');
}

/*
 * Cuts the units into segments of at most cap units; writes the first unit
 * of each segment into starts (up to max entries, when not NULL). Returns
 * the number of segments.
 */
static size_t cut(const struct units *u, size_t cap, size_t *starts,
		  size_t max)
{
	size_t seg_start = 0, pos = 0, count = 1;

	if (starts && max)
		starts[0] = 0;
	while (pos < u->n) {
		size_t k = char_units(u, pos);

		if (!char_fits(u, seg_start, pos, k, cap)) {
			if (starts && count < max)
				starts[count] = pos;
			count++;
			seg_start = pos;
		}
		pos += k;
	}
	return count;
}

/* Segments the handset receives for these units. */
static size_t cost_of(const struct units *u, enum seg_concat concat)
{
	size_t single = seg_capacity(u->enc, concat, false);

	if (u->n < single || (u->n == single &&
			      char_fits(u, 0, u->n - 1, 1, single)))
		return 1;
	return cut(u, seg_capacity(u->enc, concat, true), NULL, 0);
}

static int check_opts(const struct seg_opts *o)
{
	if ((unsigned)o->concat > SEG_CONCAT_PAYLOAD ||
	    (unsigned)o->enc > TEXT_ENC_LATIN1 || o->msg_class < -1 ||
	    o->msg_class > 3 || o->max_segments > SEG_MAX_PARTS)
		return -EINVAL;
	return 0;
}

/*
 * Prepares and encodes the text: *prepared (malloc'd, the text as sent)
 * and u->buf (malloc'd) are the caller's to free.
 */
static int encode_all(const char *utf8, const struct seg_opts *o,
		      struct text_plan *plan, char **prepared,
		      struct units *u)
{
	size_t cap = strlen(utf8) + 1, len = 0;
	int rc;

	*prepared = malloc(cap);
	if (!*prepared)
		return -ENOMEM;
	rc = text_choose(utf8, o->fold, o->enc, plan, *prepared, cap);
	if (rc < 0)
		goto fail;
	u->enc = plan->enc;
	u->width = plan->enc == TEXT_ENC_UCS2 ? 2 : 1;
	u->buf = malloc(plan->octets + 1);
	if (!u->buf) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = text_encode(*prepared, plan->enc, u->buf, plan->octets + 1,
			 &len);
	if (rc < 0) {
		free(u->buf);
		u->buf = NULL;
		goto fail;
	}
	u->n = len / u->width;
	u->packed = o->packed && plan->enc == TEXT_ENC_GSM7;
	return 0;
fail:
	free(*prepared);
	*prepared = NULL;
	return rc;
}

int seg_count(const char *utf8, const struct seg_opts *o,
	      struct text_plan *plan)
{
	struct text_plan p;
	struct units u;
	char *prepared;
	int rc;

	if (check_opts(o) < 0)
		return -EINVAL;
	rc = encode_all(utf8, o, &p, &prepared, &u);
	if (rc < 0)
		return rc;
	rc = (int)cost_of(&u, o->concat);
	if (plan)
		*plan = p;
	free(prepared);
	free(u.buf);
	return rc;
}

void seg_msg_free(struct seg_msg *m)
{
	if (!m)
		return;
	for (unsigned i = 0; m->parts && i < m->count; i++) {
		free(m->parts[i].sm);
		if (m->parts[i].text != m->text)
			free(m->parts[i].text);
	}
	free(m->parts);
	free(m->text);
	m->parts = NULL;
	m->text = NULL;
	m->count = 0;
}

/* Decodes units [from, to) into a new string (the part's log text). */
static char *units_text(const struct units *u, size_t from, size_t to)
{
	size_t cap = (to - from) * 3 + 1;	/* worst case: 3 bytes/unit */
	const uint8_t *p = u->buf + from * u->width;
	size_t n = (to - from) * u->width;
	char *t = malloc(cap);

	if (!t)
		return NULL;
	if (u->enc == TEXT_ENC_GSM7)
		gsm7_decode(p, n, t, cap);
	else if (u->enc == TEXT_ENC_UCS2)
		ucs2_decode(p, n, t, cap);
	else
		latin1_decode(p, n, t, cap);
	return t;
}

/*
 * Fills one part with units [from, to), headed by udh (udh_len octets).
 * in_payload: the part is a whole message_payload, not one SMS (140
 * octets, which bounds what the packer may add). whole: the part is the
 * whole text, its text the seg_msg's (seg_split sets it): decoding the
 * units back was 3% of the daemon's instructions per MO, for a copy.
 */
static int fill_part(struct seg_part *part, const struct units *u,
		     size_t from, size_t to, const uint8_t *udh,
		     size_t udh_len, bool packed, bool in_payload, bool whole)
{
	size_t n = to - from;
	size_t cap = udh_len + n * u->width + 1;

	part->units = n;
	part->sm = malloc(cap);
	part->text = whole ? NULL : units_text(u, from, to);
	if (!part->sm || (!whole && !part->text))
		return -ENOMEM;
	memcpy(part->sm, udh, udh_len);
	if (packed && u->enc == TEXT_ENC_GSM7)
		return gsm7_pack(u->buf + from, n, udh_len, part->sm,
				 in_payload || cap < SM_OCTETS ? cap
							       : SM_OCTETS,
				 &part->sm_len);
	memcpy(part->sm + udh_len, u->buf + from * u->width, n * u->width);
	part->sm_len = udh_len + n * u->width;
	return 0;
}

/* Writes the concatenation UDH of part seq of total; returns its length. */
static size_t make_udh(enum seg_concat c, uint16_t ref, unsigned total,
		       unsigned seq, uint8_t udh[UDH16_LEN])
{
	if (c == SEG_CONCAT_UDH8) {
		udh[0] = 5;	/* UDHL */
		udh[1] = 0x00;	/* IEI: concatenated SMS, 8-bit reference */
		udh[2] = 3;	/* IEDL */
		udh[3] = (uint8_t)ref;
		udh[4] = (uint8_t)total;
		udh[5] = (uint8_t)seq;
		return UDH8_LEN;
	}
	if (c == SEG_CONCAT_UDH16) {
		udh[0] = 6;
		udh[1] = 0x08;	/* IEI: concatenated SMS, 16-bit reference */
		udh[2] = 4;
		udh[3] = (uint8_t)(ref >> 8);
		udh[4] = (uint8_t)ref;
		udh[5] = (uint8_t)total;
		udh[6] = (uint8_t)seq;
		return UDH16_LEN;
	}
	return 0;
}

static int build_parts(struct seg_msg *m, const struct units *u,
		       const struct seg_opts *o, const size_t *starts,
		       bool in_payload)
{
	uint8_t udh[UDH16_LEN];

	m->parts = calloc(m->count, sizeof(*m->parts));
	if (!m->parts)
		return -ENOMEM;
	for (unsigned i = 0; i < m->count; i++) {
		struct seg_part *p = &m->parts[i];
		size_t to = i + 1 < m->count ? starts[i + 1] : u->n;
		size_t ul = 0;
		int rc;

		p->seq = i + 1;
		if (m->count > 1 && o->concat == SEG_CONCAT_SAR) {
			p->sar = true;
			p->sar_ref = o->ref;
			p->sar_total = (uint8_t)m->count;
			p->sar_seq = (uint8_t)p->seq;
		} else if (m->count > 1) {
			ul = make_udh(o->concat, o->ref, m->count, p->seq,
				      udh);
			p->esm_class = SEG_ESM_UDHI;
		}
		p->in_payload = in_payload;
		rc = fill_part(p, u, starts[i], to, udh, ul, o->packed,
			       in_payload, m->count == 1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int seg_split(const char *utf8, const struct seg_opts *o, struct seg_msg *out,
	      char *err, size_t errlen)
{
	unsigned max = o->max_segments ? o->max_segments : SEG_MAX_PARTS;
	struct units u = { 0 };
	size_t one_start = 0, *starts = NULL;
	size_t cost, count;
	char *prepared = NULL;
	enum text_alpha alpha;
	int rc;

	memset(out, 0, sizeof(*out));
	if (check_opts(o) < 0)
		return util_err(err, errlen, -EINVAL, "bad segmentation options");
	rc = encode_all(utf8, o, &out->plan, &prepared, &u);
	if (rc < 0)
		return util_err(err, errlen, rc, "cannot encode the text");
	alpha = u.enc == TEXT_ENC_UCS2 ? TEXT_ALPHA_UCS2
		: u.enc == TEXT_ENC_LATIN1 ? TEXT_ALPHA_LATIN1
					   : TEXT_ALPHA_GSM7;
	if (text_dc_make(alpha, o->msg_class, &out->dc) < 0) {
		rc = util_err(err, errlen, -EINVAL,
			     "%s cannot carry a message class",
			     text_enc_name(u.enc));
		goto done;
	}
	cost = cost_of(&u, o->concat);
	out->cost = cost > SEG_MAX_PARTS ? SEG_MAX_PARTS + 1 : (unsigned)cost;
	if (cost > max) {
		rc = util_err(err, errlen, -EMSGSIZE,
			     "text needs %zu segments (%zu %s units), at most "
			     "%u allowed", cost, u.n, text_enc_name(u.enc),
			     max);
		goto done;
	}
	out->concat = o->concat;
	out->packed = o->packed && u.enc == TEXT_ENC_GSM7;
	if (o->concat == SEG_CONCAT_PAYLOAD || cost == 1) {
		count = 1;
		starts = &one_start;
	} else {
		starts = malloc(cost * sizeof(*starts));
		if (!starts) {
			rc = -ENOMEM;
			goto done;
		}
		count = cut(&u, seg_capacity(u.enc, o->concat, true), starts,
			    cost);
	}
	out->count = (unsigned)count;
	rc = build_parts(out, &u, o, starts,
			 o->concat == SEG_CONCAT_PAYLOAD && cost > 1);
	if (rc < 0)
		util_err(err, errlen, rc, "cannot build the segments");
done:
	if (starts != &one_start)
		free(starts);
	free(u.buf);
	if (rc < 0) {
		free(prepared);
		seg_msg_free(out);
		return rc;
	}
	out->text = prepared;
	if (out->count == 1)
		out->parts[0].text = prepared;
	return 0;
}

/* --- truncation -------------------------------------------------------------- */

/* True when text[0..len) + "..." costs at most nseg segments. */
static int prefix_fits(const char *utf8, size_t len, const struct seg_opts *o,
		       unsigned nseg, char *tmp)
{
	int n;

	memcpy(tmp, utf8, len);
	memcpy(tmp + len, "...", 4);
	n = seg_count(tmp, o, NULL);
	if (n < 0)
		return n;
	return (unsigned)n <= nseg;
}

/* Byte length of text[0..len) without trailing white space. */
static size_t trim_end(const char *s, size_t len)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\n' ||
		       s[len - 1] == '\r' || s[len - 1] == '\t'))
		len--;
	return len;
}

/*
 * Largest index i in cand[0..n) for which the prefix of cand[i] bytes fits,
 * or -1 (the costs grow with the prefix, so a binary search finds it).
 */
static long search(const char *utf8, const size_t *cand, size_t n,
		   const struct seg_opts *o, unsigned nseg, char *tmp,
		   int *err)
{
	long lo = 0, hi = (long)n - 1, best = -1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		int f = prefix_fits(utf8, cand[mid], o, nseg, tmp);

		if (f < 0) {
			*err = f;
			return -1;
		}
		if (f) {
			best = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return best;
}

int seg_truncate(const char *utf8, const struct seg_opts *o, unsigned nseg,
		 char *out, size_t cap)
{
	size_t len = strlen(utf8), n = 0, pos = 0;
	size_t *cand = NULL;
	char *tmp = NULL;
	long best;
	int rc, err = 0;

	if (!nseg || nseg > SEG_MAX_PARTS)
		return -EINVAL;
	rc = seg_count(utf8, o, NULL);
	if (rc < 0)
		return rc;
	if ((unsigned)rc <= nseg) {
		if (len + 1 > cap)
			return -ENOSPC;
		memcpy(out, utf8, len + 1);
		return 0;
	}
	cand = malloc((len + 1) * sizeof(*cand));
	tmp = malloc(len + 4);
	if (!cand || !tmp) {
		rc = -ENOMEM;
		goto done;
	}
	/* word boundaries: the prefix before each run of white space */
	for (size_t i = 1; i < len; i++)
		if ((utf8[i] == ' ' || utf8[i] == '\n') &&
		    utf8[i - 1] != ' ' && utf8[i - 1] != '\n')
			cand[n++] = trim_end(utf8, i);
	best = search(utf8, cand, n, o, nseg, tmp, &err);
	if (best < 0 && !err) {
		/* one long first word: cut between characters */
		n = 0;
		while (pos < len) {
			uint32_t cp;

			utf8_decode(utf8, len, &pos, &cp);
			cand[n++] = pos;
		}
		best = search(utf8, cand, n, o, nseg, tmp, &err);
	}
	if (err) {
		rc = err;
		goto done;
	}
	n = best < 0 ? 0 : cand[best];
	if (n + 4 > cap) {
		rc = -ENOSPC;
		goto done;
	}
	memcpy(out, utf8, n);
	memcpy(out + n, "...", 4);
	rc = 1;
done:
	free(cand);
	free(tmp);
	return rc;
}
