/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-sim: multipart messages both ways. Received submit_sm parts
 * (UDH 8/16-bit, SAR, message_payload) are joined by reference, source
 * and destination into messages that expect-message steps match; a mo
 * step with parts=N sends its text as N deliver_sm parts in any order.
 * The joining itself is the library's (src/reasm.c), so the unit tests
 * cover it; this file is the simulator's bookkeeping and log lines.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smpp/reasm.h"
#include "text/text.h"
#include "common/util.h"
#include "sim/sim.h"

/* A submit filed into a message still incomplete. */
struct filed {
	char *key;
	int sub;		/* submit index */
};

struct sim_concat {
	struct reasm_set *set;		/* messages still incomplete */
	struct filed *filed;		/* their submits */
	int nfiled, filedcap;
	struct sim_message *msgs;	/* complete ones, in order */
	int nmsgs, cap;
	unsigned next_ref;		/* for MOs without ref= */
};

struct sim_concat *sim_concat_new(void)
{
	struct sim_concat *cc = calloc(1, sizeof(*cc));

	if (!cc)
		return NULL;
	cc->set = reasm_set_new();
	if (!cc->set) {
		free(cc);
		return NULL;
	}
	return cc;
}

void sim_concat_free(struct sim *s, struct sim_concat *cc)
{
	if (!cc)
		return;
	for (struct reasm *r = reasm_set_next(cc->set, NULL); r;
	     r = reasm_set_next(cc->set, r)) {
		char miss[128];

		reasm_missing(r, miss, sizeof(miss));
		sim_log(s, "MESSAGE-INCOMPLETE %s parts=%u/%u missing=%s",
			reasm_msg_key(r), reasm_have(r), reasm_total(r), miss);
	}
	reasm_set_free(cc->set);
	for (int i = 0; i < cc->nfiled; i++)
		free(cc->filed[i].key);
	free(cc->filed);
	for (int i = 0; i < cc->nmsgs; i++) {
		free(cc->msgs[i].text);
		free(cc->msgs[i].subs);
	}
	free(cc->msgs);
	free(cc);
}

void sim_escape(const char *in, char *out, size_t cap)
{
	size_t n = 0;

	if (!cap)
		return;
	for (const char *t = in; *t && n + 3 < cap; t++) {
		if (*t == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else if (*t == '"' || *t == '\\') {
			out[n++] = '\\';
			out[n++] = *t;
		} else {
			out[n++] = *t;
		}
	}
	out[n] = '\0';
}

/* --- received submits ------------------------------------------------------- */

int sim_concat_read(const struct smpp_pdu *p, bool packed,
		    struct sim_submit *sub)
{
	struct reasm_info in;
	char err[128];

	sub->part[0] = '\0';
	if (reasm_parse(p, &in, err, sizeof(err)) < 0) {
		/* show what came, UDH and all */
		const struct smpp_tlv *pl =
			smpp_pdu_tlv(p, SMPP_TLV_MESSAGE_PAYLOAD);

		if (pl && pl->len)
			text_decode_sm(p->data_coding, pl->val, pl->len,
				       sub->text, sizeof(sub->text));
		else
			text_decode_sm(p->data_coding, p->short_message,
				       p->sm_length, sub->text,
				       sizeof(sub->text));
		snprintf(sub->part, sizeof(sub->part), " part=malformed");
		return -EBADMSG;
	}
	reasm_info_text(&in, packed, sub->text, sizeof(sub->text));
	if (in.total > 1 || in.kind == REASM_UDH8 || in.kind == REASM_UDH16 ||
	    in.kind == REASM_SAR)
		snprintf(sub->part, sizeof(sub->part),
			 " part=%u/%u ref=%u concat=%s", in.seq, in.total,
			 in.ref, reasm_kind_name(in.kind));
	else if (in.kind == REASM_PAYLOAD)
		snprintf(sub->part, sizeof(sub->part), " concat=payload");
	return 0;
}

/* Notes that submit `sub` went into the message named key. */
static int file_submit(struct sim_concat *cc, const char *key, int sub)
{
	if (cc->nfiled == cc->filedcap) {
		int cap = cc->filedcap ? cc->filedcap * 2 : 32;
		struct filed *nf = realloc(cc->filed,
					   (size_t)cap * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		cc->filed = nf;
		cc->filedcap = cap;
	}
	cc->filed[cc->nfiled].key = strdup(key);
	if (!cc->filed[cc->nfiled].key)
		return -ENOMEM;
	cc->filed[cc->nfiled++].sub = sub;
	return 0;
}

/* Moves the submits filed under key into m->subs. */
static void collect_submits(struct sim_concat *cc, const char *key,
			    struct sim_message *m)
{
	int k = 0;

	m->subs = malloc((size_t)(cc->nfiled ? cc->nfiled : 1) *
			 sizeof(*m->subs));
	for (int i = 0; i < cc->nfiled; i++) {
		if (strcmp(cc->filed[i].key, key) != 0) {
			cc->filed[k++] = cc->filed[i];
			continue;
		}
		if (m->subs)
			m->subs[m->nsubs++] = cc->filed[i].sub;
		free(cc->filed[i].key);
	}
	cc->nfiled = k;
}

/* Keeps a complete message (text taken over) and logs it. */
static struct sim_message *keep(struct sim *s, struct sim_concat *cc,
				int conn, const struct smpp_pdu *p,
				const struct reasm_info *in, char *text)
{
	struct sim_message *m;
	char esc[SIM_TEXT_MAX * 4];

	if (cc->nmsgs == cc->cap) {
		int cap = cc->cap ? cc->cap * 2 : 32;
		struct sim_message *nm = realloc(cc->msgs,
						 (size_t)cap * sizeof(*nm));

		if (!nm) {
			free(text);
			return NULL;
		}
		cc->msgs = nm;
		cc->cap = cap;
	}
	m = &cc->msgs[cc->nmsgs];
	memset(m, 0, sizeof(*m));
	m->index = ++cc->nmsgs;
	util_strlcpy(m->to, p->destination_addr, sizeof(m->to));
	util_strlcpy(m->from, p->source_addr, sizeof(m->from));
	m->parts = in->total;
	m->concat = in->kind;
	m->ref = in->ref;
	m->text = text;
	sim_escape(text, esc, sizeof(esc));
	sim_log(s, "conn#%d MESSAGE #%d to=%s from=%s parts=%d concat=%s "
		   "ref=%u dc=%u text=\"%s\"",
		conn, m->index, m->to, m->from, m->parts,
		reasm_kind_name(m->concat), m->ref, p->data_coding, esc);
	return m;
}

const char *sim_concat_file(struct sim *s, struct sim_concat *cc, int conn,
			    const struct smpp_pdu *p, bool packed,
			    const struct sim_submit *sub)
{
	struct reasm_info in;
	struct reasm *r;
	char key[160], *text = NULL;
	uint8_t *bytes;
	size_t cap, n;
	int rc;

	if (reasm_parse(p, &in, NULL, 0) < 0)
		return NULL;
	if (in.total == 1) {
		struct sim_message *m = keep(s, cc, conn, p, &in,
					     strdup(sub->text));

		if (!m || !m->text)
			return NULL;
		m->subs = malloc(sizeof(*m->subs));
		if (m->subs)
			m->subs[m->nsubs++] = sub->index;
		return m->text;
	}
	cap = in.ud_len * 8 / 7 + 1;
	bytes = malloc(cap);
	if (!bytes || reasm_part_bytes(&in, packed, bytes, cap, &n) < 0) {
		free(bytes);
		return NULL;
	}
	reasm_key(&in, p->source_addr, p->destination_addr, key, sizeof(key));
	rc = reasm_set_add(cc->set, key, &in, bytes, n, sim_mono_ms(), &r);
	free(bytes);
	if (rc == 1)
		sim_log(s, "conn#%d PART-DUPLICATE %s part=%u (ignored)", conn,
			key, in.seq);
	else if (rc == -EEXIST)
		sim_log(s, "conn#%d PART-CONFLICT %s part=%u differs from the "
			   "one received (refused)", conn, key, in.seq);
	if (rc >= 0)	/* an identical repeat belongs to the message */
		file_submit(cc, key, sub->index);
	if (rc < 0 || !r || !reasm_complete(r) || rc == 1)
		return NULL;
	rc = reasm_join(r, NULL, &text);
	reasm_set_remove(cc->set, r);
	if (rc < 0)
		return NULL;
	{
		struct sim_message *m = keep(s, cc, conn, p, &in, text);

		if (!m)
			return NULL;
		collect_submits(cc, key, m);
		return m->text;
	}
}

struct sim_message *sim_concat_take(struct sim *s,
				    const struct sim_msg_match *w)
{
	struct sim_concat *cc = sim_concat_of(s);

	for (int i = 0; i < cc->nmsgs; i++) {
		struct sim_message *m = &cc->msgs[i];

		if (m->consumed)
			continue;
		if ((w->to && strcmp(w->to, m->to) != 0) ||
		    (w->from && strcmp(w->from, m->from) != 0) ||
		    (w->text && strcmp(w->text, m->text) != 0) ||
		    (w->contains && !strstr(m->text, w->contains)) ||
		    (w->concat &&
		     strcmp(w->concat, reasm_kind_name(m->concat)) != 0) ||
		    (w->parts >= 0 && w->parts != m->parts))
			continue;
		m->consumed = true;
		for (int k = 0; k < m->nsubs; k++) {
			struct sim_submit *u = sim_submit_at(s, m->subs[k] - 1);

			if (u)
				u->consumed = true;
		}
		return m;
	}
	return NULL;
}

void sim_concat_list(struct sim_concat *cc)
{
	int shown = 0;

	for (int i = 0; i < cc->nmsgs; i++) {
		const struct sim_message *m = &cc->msgs[i];

		if (m->consumed)
			continue;
		fprintf(stderr, "  unmatched message #%d to=%s parts=%d "
				"concat=%s text=\"%s\"\n",
			m->index, m->to, m->parts, reasm_kind_name(m->concat),
			m->text);
		shown++;
	}
	for (struct reasm *r = reasm_set_next(cc->set, NULL); r;
	     r = reasm_set_next(cc->set, r)) {
		char miss[128];

		reasm_missing(r, miss, sizeof(miss));
		fprintf(stderr, "  incomplete message %s: %u of %u parts, "
				"missing %s\n",
			reasm_msg_key(r), reasm_have(r), reasm_total(r), miss);
		shown++;
	}
	if (!shown)
		fprintf(stderr, "  (no unmatched messages received)\n");
}

/* --- multipart MOs ----------------------------------------------------------- */

/* Encodes a part's text in data coding dc; returns 0 and its units. */
static int encode_part(const char *text, int dc, uint8_t *out, size_t cap,
		       size_t *len, size_t *units)
{
	int rc;

	switch (dc) {
	case 0: rc = gsm7_encode(text, out, cap, len); break;
	case 1: rc = ia5_encode(text, out, cap, len); break;
	case 3: rc = latin1_encode(text, out, cap, len); break;
	case 8: rc = ucs2_encode(text, out, cap, len); break;
	default: return -EINVAL;
	}
	*units = rc == 0 && dc == 8 ? *len / 2 : rc == 0 ? *len : 0;
	return rc;
}

static enum text_enc enc_of_dc(int dc)
{
	return dc == 8 ? TEXT_ENC_UCS2 : dc == 0 ? TEXT_ENC_GSM7
						  : TEXT_ENC_LATIN1;
}

/* The SAR TLVs of part k of total: reference, total, sequence number. */
static int add_sar_tlvs(struct sim_mo *part, uint16_t ref, int k, int total)
{
	uint8_t r[2] = { (uint8_t)(ref >> 8), (uint8_t)ref };
	uint8_t t = (uint8_t)total, q = (uint8_t)k;
	static const uint16_t tags[3] = {
		SMPP_TLV_SAR_MSG_REF_NUM, SMPP_TLV_SAR_TOTAL_SEGMENTS,
		SMPP_TLV_SAR_SEGMENT_SEQNUM
	};
	const uint8_t *vals[3] = { r, &t, &q };

	if (part->ntlv + 3 > SIM_MAX_TLV)
		return -EINVAL;
	for (int i = 0; i < 3; i++) {
		part->tlv[part->ntlv].tag = tags[i];
		part->tlv[part->ntlv].len = i ? 1 : 2;
		memcpy(part->tlv[part->ntlv].val, vals[i], i ? 1 : 2);
		part->ntlv++;
	}
	return 0;
}

/* The concatenation UDH (8- or 16-bit reference) of part k of total
 * into hdr; returns its length. */
static size_t udh_header(uint8_t *hdr, bool wide, uint16_t ref, int k,
			 int total)
{
	size_t hl = 0;

	hdr[hl++] = wide ? 6 : 5;
	hdr[hl++] = wide ? 0x08 : 0x00;
	hdr[hl++] = wide ? 4 : 3;
	if (wide)
		hdr[hl++] = (uint8_t)(ref >> 8);
	hdr[hl++] = (uint8_t)ref;
	hdr[hl++] = (uint8_t)total;
	hdr[hl++] = (uint8_t)k;
	return hl;
}

/* Fills part k (1-based) of total with text[from, to) and its header. */
static int fill_part(struct sim_mo *part, const struct sim_mo *msg,
		     const char *text, size_t from, size_t to, int k,
		     int total, const struct sim_parts_spec *sp,
		     uint16_t ref, char *err, size_t errlen)
{
	uint8_t buf[SIM_TEXT_MAX * 2], hdr[8];
	size_t hl = 0, len, units;
	char piece[SIM_TEXT_MAX];

	if (to - from >= sizeof(piece))
		return util_err(err, errlen, -EINVAL, "part %d too long", k);
	memcpy(piece, text + from, to - from);
	piece[to - from] = '\0';
	if (encode_part(piece, sp->dc, buf, sizeof(buf), &len, &units) < 0)
		return util_err(err, errlen, -EINVAL,
			       "part %d does not fit data coding %d", k,
			       sp->dc);
	if (units > seg_capacity(enc_of_dc(sp->dc), sp->concat, true))
		return util_err(err, errlen, -EINVAL,
			       "part %d has %zu units, more than one "
			       "segment holds", k, units);
	*part = *msg;	/* addresses, flags, TLVs */
	part->nparts = 0;
	snprintf(part->name, sizeof(part->name), "%.24s/%u", msg->name,
		 (uint8_t)k);
	util_strlcpy(part->text, piece, sizeof(part->text));
	part->dc = (uint8_t)sp->dc;
	if (sp->concat == SEG_CONCAT_SAR) {
		if (add_sar_tlvs(part, ref, k, total) < 0)
			return util_err(err, errlen, -EINVAL, "too many TLVs");
	} else {
		hl = udh_header(hdr, sp->concat == SEG_CONCAT_UDH16, ref, k,
				total);
		part->esm_class |= SEG_ESM_UDHI;
	}
	if (hl + len > sizeof(part->sm))
		return util_err(err, errlen, -EINVAL, "part %d too long", k);
	memcpy(part->sm, hdr, hl);
	memcpy(part->sm + hl, buf, len);
	part->sm_len = (uint8_t)(hl + len);
	return 0;
}

/* Reads "3,1,2" into order[] (1-based part numbers); returns the count. */
static int parse_order(const char *s, int parts, int *order, int max)
{
	int n = 0;

	while (*s) {
		char *end;
		long v = strtol(s, &end, 10);

		if (end == s || v < 1 || v > parts || n >= max)
			return -EINVAL;
		order[n++] = (int)v;
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			return -EINVAL;
	}
	return n ? n : -EINVAL;
}

/*
 * The parts in sending order (1-based): order= or 1..N, then dup= once
 * more. Returns their count, or -EINVAL with a message.
 */
static int sending_order(const struct sim_parts_spec *sp, int *order,
			 char *err, size_t errlen)
{
	int n;

	if (sp->order) {
		n = parse_order(sp->order, sp->parts, order, SIM_MAX_SENDS);
		if (n < 0)
			return util_err(err, errlen, -EINVAL,
				       "order= wants part numbers 1..%d",
				       sp->parts);
	} else {
		for (n = 0; n < sp->parts; n++)
			order[n] = n + 1;
	}
	if (sp->dup) {
		if (sp->dup < 1 || sp->dup > sp->parts || n >= SIM_MAX_SENDS)
			return util_err(err, errlen, -EINVAL, "bad dup=");
		order[n++] = sp->dup;
	}
	return n;
}

/* Cuts text (chars characters) between characters into `parts` parts of
 * about equal length: part k is text[cut[k-1], cut[k]). */
static void cut_points(const char *text, size_t chars, int parts,
		       size_t *cut)
{
	size_t len = strlen(text), pos = 0;

	for (size_t k = 0, c = 0; k <= (size_t)parts; k++) {
		size_t want = k * chars / (size_t)parts;
		uint32_t cp;

		while (c < want) {
			utf8_decode(text, len, &pos, &cp);
			c++;
		}
		cut[k] = pos;
	}
}

int sim_concat_make_parts(struct sim *s, struct sim_concat *cc,
			  struct sim_mo *msg, const char *text,
			  const struct sim_parts_spec *sp, char *err,
			  size_t errlen)
{
	size_t chars = utf8_length(text), cut[SIM_MAX_SENDS + 1];
	int order[SIM_MAX_SENDS], norder, sent[SIM_MAX_SENDS + 1] = { 0 };
	uint16_t ref;

	if (sp->parts < 1 || sp->parts > SIM_MAX_SENDS)
		return util_err(err, errlen, -EINVAL, "parts=1..%d",
			       SIM_MAX_SENDS);
	if (sp->concat == SEG_CONCAT_PAYLOAD)
		return util_err(err, errlen, -EINVAL,
			       "concat=udh8, udh16 or sar");
	if (chars < (size_t)sp->parts)
		return util_err(err, errlen, -EINVAL,
			       "%zu characters cannot make %d parts", chars,
			       sp->parts);
	norder = sending_order(sp, order, err, errlen);
	if (norder < 0)
		return norder;
	ref = sp->ref >= 0 ? (uint16_t)sp->ref : (uint16_t)++cc->next_ref;
	if (sp->concat == SEG_CONCAT_UDH8)
		ref &= 0xFF;
	cut_points(text, chars, sp->parts, cut);
	msg->nparts = 0;
	for (int i = 0; i < norder; i++) {
		int k = order[i];
		struct sim_mo *part = sim_mo_new(s);
		int rc;

		if (!part)
			return util_err(err, errlen, -EINVAL, "out of memory");
		rc = fill_part(part, msg, text, cut[k - 1], cut[k], k,
			       sp->parts, sp, ref, err, errlen);
		if (rc < 0)
			return rc;
		if (sent[k]++)	/* a repeat: its own MO, its own name */
			snprintf(part->name, sizeof(part->name), "%.20s/%u#%u",
				 msg->name, (uint8_t)k, (uint8_t)sent[k]);
		msg->parts[msg->nparts++] = part;
	}
	return 0;
}

int sim_concat_send_parts(struct sim *s, struct sim_mo *msg)
{
	if (!sim_bound(s))
		return -ENOTCONN;
	for (int i = 0; i < msg->nparts; i++)
		sim_send_mo(s, msg->parts[i]);
	return 0;
}

bool sim_concat_parts_acked(const struct sim_mo *msg)
{
	if (!msg->nparts)
		return false;
	for (int i = 0; i < msg->nparts; i++)
		if (!msg->parts[i]->acked)
			return false;
	return true;
}

bool sim_concat_parts_status(const struct sim_mo *msg, uint32_t status)
{
	if (!msg->nparts)
		return false;
	for (int i = 0; i < msg->nparts; i++) {
		const struct sim_mo *p = msg->parts[i];
		bool seen = false;

		for (int k = 0; k < p->nstatus && !seen; k++)
			seen = p->statuses[k] == status;
		if (!seen)
			return false;
	}
	return true;
}
