/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reassembly of multipart messages (see smpp/reasm.h): reading the
 * concatenation information of a PDU, collecting parts, joining them, and
 * the "<dc>:<hex>" form parts wait in.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smpp/reasm.h"
#include "text/text.h"
#include "common/util.h"

#define ESM_UDHI 0x40
#define IEI_CONCAT8 0x00
#define IEI_CONCAT16 0x08

static const char *const kind_names[] = {
	[REASM_SINGLE] = "none", [REASM_UDH8] = "udh8",
	[REASM_UDH16] = "udh16", [REASM_SAR] = "sar",
	[REASM_PAYLOAD] = "payload",
};

const char *reasm_kind_name(enum reasm_kind k)
{
	return (unsigned)k < ARRAY_SIZE(kind_names) ? kind_names[k] : "?";
}

/* --- reading a PDU ---------------------------------------------------------- */

/* Walks the UDH at ud[0..]; fills kind/ref/total/seq of a concat IE. */
static int parse_udh(const uint8_t *ud, size_t ud_len, struct reasm_info *o,
		     char *err, size_t errlen)
{
	size_t udh_len, i = 1;

	if (ud_len < 1)
		return util_err(err, errlen, -EBADMSG,
			       "UDHI set but no user data");
	udh_len = (size_t)ud[0] + 1;
	if (udh_len > ud_len)
		return util_err(err, errlen, -EBADMSG,
			       "UDH length %u runs past the user data (%zu "
			       "octets)", ud[0], ud_len);
	while (i < udh_len) {
		uint8_t iei, iel;
		const uint8_t *v;

		if (i + 2 > udh_len)
			return util_err(err, errlen, -EBADMSG,
				       "UDH ends inside an IE header");
		iei = ud[i];
		iel = ud[i + 1];
		v = ud + i + 2;
		if (i + 2 + iel > udh_len)
			return util_err(err, errlen, -EBADMSG,
				       "UDH IE 0x%02x of length %u runs past "
				       "the UDH", iei, iel);
		if (iei == IEI_CONCAT8 || iei == IEI_CONCAT16) {
			bool wide = iei == IEI_CONCAT16;

			if (iel != (wide ? 4 : 3))
				return util_err(err, errlen, -EBADMSG,
					       "concatenation IE 0x%02x of "
					       "length %u", iei, iel);
			o->kind = wide ? REASM_UDH16 : REASM_UDH8;
			o->ref = wide ? (uint16_t)(v[0] << 8 | v[1]) : v[0];
			o->total = v[wide ? 2 : 1];
			o->seq = v[wide ? 3 : 2];
		}
		i += 2 + (size_t)iel;
	}
	o->udh_len = udh_len;
	return 0;
}

/* Reads the SAR TLVs: 0 (none), 1 (all three read), <0 bad. */
static int parse_sar(const struct smpp_pdu *pdu, uint16_t *ref,
		     uint8_t *total, uint8_t *seq, char *err, size_t errlen)
{
	static const struct {
		uint16_t tag;
		uint16_t len;
	} tags[3] = {
		{ SMPP_TLV_SAR_MSG_REF_NUM, 2 },
		{ SMPP_TLV_SAR_TOTAL_SEGMENTS, 1 },
		{ SMPP_TLV_SAR_SEGMENT_SEQNUM, 1 },
	};
	const struct smpp_tlv *t[3];
	int found = 0;

	for (int i = 0; i < 3; i++) {
		t[i] = smpp_pdu_tlv(pdu, tags[i].tag);
		if (!t[i])
			continue;
		if (t[i]->len != tags[i].len || !t[i]->val)
			return util_err(err, errlen, -EBADMSG,
				       "SAR TLV 0x%04x of length %u",
				       tags[i].tag, t[i]->len);
		found++;
	}
	if (!found)
		return 0;
	if (found != 3)
		return util_err(err, errlen, -EBADMSG,
			       "only %d of the 3 SAR TLVs", found);
	*ref = (uint16_t)(t[0]->val[0] << 8 | t[0]->val[1]);
	*total = t[1]->val[0];
	*seq = t[2]->val[0];
	return 1;
}

int reasm_parse(const struct smpp_pdu *pdu, struct reasm_info *out,
		char *err, size_t errlen)
{
	const struct smpp_tlv *pl = smpp_pdu_tlv(pdu, SMPP_TLV_MESSAGE_PAYLOAD);
	uint16_t sref = 0;
	uint8_t stotal = 0, sseq = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->dc = pdu->data_coding;
	out->total = out->seq = 1;
	if (pl && pl->len) {
		out->ud = pl->val;
		out->ud_len = pl->len;
		out->in_payload = true;
		out->kind = REASM_PAYLOAD;
	} else if (pdu->short_message) {
		out->ud = pdu->short_message;
		out->ud_len = pdu->sm_length;
	} else {
		/* a data_sm without message_payload has no short_message
		 * at all: an empty text, never NULL + 0 below or a NULL
		 * handed to the text decoder's memcpy */
		static const uint8_t none[1];

		out->ud = none;
		out->ud_len = 0;
	}
	if (pdu->esm_class & ESM_UDHI) {
		rc = parse_udh(out->ud, out->ud_len, out, err, errlen);
		if (rc < 0)
			return rc;
	}
	out->data = out->ud + out->udh_len;
	out->len = out->ud_len - out->udh_len;
	rc = parse_sar(pdu, &sref, &stotal, &sseq, err, errlen);
	if (rc < 0)
		return rc;
	if (rc > 0 && (out->kind == REASM_UDH8 || out->kind == REASM_UDH16)) {
		if (stotal != out->total || sseq != out->seq)
			return util_err(err, errlen, -EBADMSG,
				       "SAR %u/%u contradicts the UDH %u/%u",
				       sseq, stotal, out->seq, out->total);
	} else if (rc > 0) {
		out->kind = REASM_SAR;
		out->ref = sref;
		out->total = stotal;
		out->seq = sseq;
	}
	if (out->total == 0)
		return util_err(err, errlen, -EBADMSG,
			       "concatenation total of 0 parts");
	if (out->seq == 0 || out->seq > out->total)
		return util_err(err, errlen, -EBADMSG,
			       "part %u of %u", out->seq, out->total);
	return 0;
}

static bool is_gsm7(uint8_t dc)
{
	struct text_dcs d;

	text_dc_parse(dc, &d);
	return d.alpha == TEXT_ALPHA_GSM7;
}

int reasm_part_bytes(const struct reasm_info *info, bool packed,
		     uint8_t *out, size_t cap, size_t *outlen)
{
	if (packed && is_gsm7(info->dc))
		return gsm7_unpack(info->ud, info->ud_len, info->udh_len, out,
				   cap, outlen);
	if (info->len > cap)
		return -ENOSPC;
	if (info->len)
		memcpy(out, info->data, info->len);
	*outlen = info->len;
	return 0;
}

size_t reasm_info_text(const struct reasm_info *info, bool packed, char *out,
		       size_t cap)
{
	size_t bcap = info->ud_len * 8 / 7 + 1, n = 0;
	uint8_t *b = malloc(bcap);
	size_t rc;

	if (!b || reasm_part_bytes(info, packed, b, bcap, &n) < 0) {
		free(b);
		if (cap)
			out[0] = '\0';
		return 0;
	}
	rc = text_decode_sm(info->dc, b, n, out, cap);
	free(b);
	return rc;
}

size_t reasm_key(const struct reasm_info *info, const char *src,
		 const char *dst, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s|%s|%s|%u|%u", src, dst,
			 reasm_kind_name(info->kind), info->ref, info->total);

	return n < 0 ? 0 : (size_t)n;
}

/* --- serialised parts ------------------------------------------------------- */

int reasm_part_encode(uint8_t dc, const uint8_t *data, size_t len,
		      char *out, size_t cap)
{
	int n;

	if (cap < 2 * len + 5)
		return -ENOSPC;
	n = snprintf(out, cap, "%u:", dc);
	util_hex(data, len, out + n);
	return n + (int)(2 * len);
}

static int hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int reasm_part_decode(const char *s, uint8_t *dc, uint8_t *data, size_t cap,
		      size_t *len)
{
	unsigned v = 0;
	size_t n = 0, digits = 0;

	while (*s >= '0' && *s <= '9' && digits < 3) {
		v = v * 10 + (unsigned)(*s++ - '0');
		digits++;
	}
	if (!digits || v > 255 || *s++ != ':')
		return -EINVAL;
	while (s[0]) {
		int hi = hexdigit(s[0]), lo = s[1] ? hexdigit(s[1]) : -1;

		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (n >= cap)
			return -ENOSPC;
		data[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	*dc = (uint8_t)v;
	*len = n;
	return 0;
}

/* --- one message ------------------------------------------------------------ */

struct reasm_part {
	bool has;
	uint8_t dc;
	uint8_t *data;
	size_t len;
};

struct reasm {
	struct reasm *next;	/* in a set, oldest first */
	char *key;		/* in a set */
	struct reasm_info info;	/* the first part's, pointers cleared */
	int64_t started;
	unsigned total, have;
	struct reasm_part part[];	/* total entries, index seq - 1 */
};

struct reasm *reasm_new(uint8_t total)
{
	struct reasm *r;

	if (!total)
		return NULL;
	r = calloc(1, sizeof(*r) + total * sizeof(r->part[0]));
	if (!r)
		return NULL;
	r->total = total;
	r->info.total = total;
	r->info.seq = 1;
	return r;
}

void reasm_free(struct reasm *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < r->total; i++)
		free(r->part[i].data);
	free(r->key);
	free(r);
}

int reasm_add(struct reasm *r, uint8_t seq, uint8_t dc, const uint8_t *data,
	      size_t len)
{
	struct reasm_part *p;

	if (seq < 1 || seq > r->total)
		return -ERANGE;
	p = &r->part[seq - 1];
	if (p->has)
		return p->dc == dc && p->len == len &&
			       (!len || memcmp(p->data, data, len) == 0)
			       ? 1 : -EEXIST;
	p->data = malloc(len ? len : 1);
	if (!p->data)
		return -ENOMEM;
	if (len)
		memcpy(p->data, data, len);
	p->len = len;
	p->dc = dc;
	p->has = true;
	r->have++;
	return 0;
}

bool reasm_complete(const struct reasm *r)
{
	return r->have == r->total;
}

unsigned reasm_have(const struct reasm *r)
{
	return r->have;
}

unsigned reasm_total(const struct reasm *r)
{
	return r->total;
}

bool reasm_has(const struct reasm *r, uint8_t seq)
{
	return seq >= 1 && seq <= r->total && r->part[seq - 1].has;
}

void reasm_missing(const struct reasm *r, char *out, size_t cap)
{
	size_t n = 0;

	if (!cap)
		return;
	out[0] = '\0';
	for (unsigned i = 0; i < r->total; i++) {
		int w;

		if (r->part[i].has)
			continue;
		w = snprintf(out + n, cap - n, "%s%u", n ? "," : "", i + 1);
		if (w < 0 || (size_t)w >= cap - n)
			break;
		n += (size_t)w;
	}
}

/* Decodes a run of same-alphabet parts held in buf; appends to out. */
static void flush_run(uint8_t dc, const uint8_t *buf, size_t n, char *out,
		      size_t cap, size_t *o)
{
	if (n)
		*o += text_decode_sm(dc, buf, n, out + *o, cap - *o);
}

int reasm_join(const struct reasm *r, const char *missing, char **out)
{
	size_t total = 0, cap, o = 0, run = 0, mlen;
	enum text_alpha run_alpha = TEXT_ALPHA_BINARY;
	uint8_t run_dc = 0, *buf;
	char *s;

	if (!missing)
		missing = "\xE2\x80\xA6";	/* … */
	mlen = strlen(missing);
	for (unsigned i = 0; i < r->total; i++)
		total += r->part[i].has ? r->part[i].len : 0;
	/* a unit never takes more than 3 bytes of UTF-8 per octet */
	cap = total * 3 + (size_t)r->total * mlen + 1;
	s = malloc(cap);
	buf = malloc(total + 1);
	if (!s || !buf) {
		free(s);
		free(buf);
		return -ENOMEM;
	}
	s[0] = '\0';
	for (unsigned i = 0; i < r->total; i++) {
		const struct reasm_part *p = &r->part[i];
		struct text_dcs d;

		if (!p->has) {
			flush_run(run_dc, buf, run, s, cap, &o);
			run = 0;
			memcpy(s + o, missing, mlen + 1);
			o += mlen;
			continue;
		}
		text_dc_parse(p->dc, &d);
		if (run && d.alpha != run_alpha) {
			flush_run(run_dc, buf, run, s, cap, &o);
			run = 0;
		}
		if (!run) {
			run_dc = p->dc;
			run_alpha = d.alpha;
		}
		if (p->len)
			memcpy(buf + run, p->data, p->len);
		run += p->len;
	}
	flush_run(run_dc, buf, run, s, cap, &o);
	free(buf);
	*out = s;
	return 0;
}

/* --- several messages by key ------------------------------------------------- */

struct reasm_set {
	struct reasm *head, *tail;
};

struct reasm_set *reasm_set_new(void)
{
	return calloc(1, sizeof(struct reasm_set));
}

void reasm_set_free(struct reasm_set *set)
{
	if (!set)
		return;
	while (set->head)
		reasm_set_remove(set, set->head);
	free(set);
}

static struct reasm *set_find(struct reasm_set *set, const char *key)
{
	for (struct reasm *r = set->head; r; r = r->next)
		if (strcmp(r->key, key) == 0)
			return r;
	return NULL;
}

int reasm_set_add(struct reasm_set *set, const char *key,
		  const struct reasm_info *info, const uint8_t *data,
		  size_t len, int64_t now_ms, struct reasm **msg)
{
	struct reasm *r = set_find(set, key);

	*msg = NULL;
	if (!r) {
		r = reasm_new(info->total);
		if (!r)
			return -ENOMEM;
		r->key = strdup(key);
		if (!r->key) {
			reasm_free(r);
			return -ENOMEM;
		}
		r->info = *info;
		r->info.ud = r->info.data = NULL;
		r->info.ud_len = r->info.len = 0;
		r->started = now_ms;
		if (set->tail)
			set->tail->next = r;
		else
			set->head = r;
		set->tail = r;
	}
	*msg = r;
	return reasm_add(r, info->seq, info->dc, data, len);
}

void reasm_set_remove(struct reasm_set *set, struct reasm *msg)
{
	struct reasm **pp = &set->head, *prev = NULL;

	while (*pp && *pp != msg) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = msg->next;
	if (set->tail == msg)
		set->tail = prev;
	reasm_free(msg);
}

struct reasm *reasm_set_expired(struct reasm_set *set, int64_t before_ms)
{
	return set->head && set->head->started < before_ms ? set->head : NULL;
}

struct reasm *reasm_set_next(struct reasm_set *set, struct reasm *prev)
{
	return prev ? prev->next : set->head;
}

const char *reasm_msg_key(const struct reasm *r)
{
	return r->key ? r->key : "";
}

const struct reasm_info *reasm_msg_info(const struct reasm *r)
{
	return &r->info;
}

int64_t reasm_msg_started(const struct reasm *r)
{
	return r->started;
}
