/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Records (see store/record.h): the field tables, and the walks over them
 * that write, read and show a record.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "services/dossier.h"
#include "services/services.h"
#include "store/record.h"
#include "store/store.h"

#define F(st, m) offsetof(struct st, m), sizeof(((struct st *)0)->m)
#define NOWHERE REC_NOWHERE, 0
#define TABLE(t) t, ARRAY_SIZE(t)

/* The MO's addresses, channel, time and text go packed (REC_PACK, "m"):
 * C writes them once and nothing but C reads them (the claims of MOs
 * recovered), no script. The text last, so that a record written
 * before it was packed (its text a field of its own) reads the same. */
static const struct rec_field mo_fields[] = {
	{ "id", REC_STR, F(store_mo, id), "", REC_KEY, "MO id" },
	{ "msisdn", REC_STR, F(store_mo, msisdn), "", REC_PACK, "phone" },
	{ "src", REC_STR, F(store_mo, src), "=msisdn", REC_PACK,
	  "source_addr" },
	{ "ston", REC_INT, F(store_mo, src_ton), "0", REC_PACK, "source TON" },
	{ "snpi", REC_INT, F(store_mo, src_npi), "0", REC_PACK, "source NPI" },
	{ "dst", REC_STR, F(store_mo, dst), "", REC_PACK, "destination_addr" },
	{ "dton", REC_INT, F(store_mo, dst_ton), "0", REC_PACK,
	  "destination TON" },
	{ "dnpi", REC_INT, F(store_mo, dst_npi), "0", REC_PACK,
	  "destination NPI" },
	{ "bind", REC_STR, F(store_mo, bind), "", REC_PACK, "bind" },
	{ "ch", REC_CH, F(store_mo, ch), "sms", REC_PACK, "channel" },
	{ "uev", REC_INT, F(store_mo, ussd_ev), "0", REC_PACK, "USSD event" },
	{ "uref", REC_STR, F(store_mo, ussd_ref), "", REC_PACK,
	  "USSD session" },
	{ "recv", REC_TIME, F(store_mo, recv_ms), "0", REC_PACK, "received" },
	{ "text", REC_STR, F(store_mo, text), "", REC_PACK, "text" },
	/* while it is open (mo_commit.lua drops it with `owner`): an MO
	 * recovered after its process stopped puts its fingerprint right
	 * (store_commit.unmark) and a dial's goes when it is closed; a hash
	 * of the whole PDU, it cannot be computed again from the record */
	{ "fp", REC_STR, F(store_mo, fp), "", 0, "fingerprint" },
	{ "state", REC_STR, NOWHERE, "", REC_SCRIPT, "state" },
	{ "mt", REC_STR, NOWHERE, "", REC_SCRIPT, "reply" },
	{ "owner", REC_STR, NOWHERE, "", REC_SCRIPT, "leased to" },
};

/* The MT's phone, source address and TON and created time go packed
 * (REC_PACK, "a"): written once, always, and read by no script (those
 * read and write state, owner, bind, text, expires, ch, bc ... each on
 * its own). */
static const struct rec_field mt_fields[] = {
	{ "id", REC_STR, F(store_mt, id), "", REC_KEY, "MT id" },
	{ "msisdn", REC_STR, F(store_mt, msisdn), "", REC_PACK, "phone" },
	{ "dst", REC_STR, F(store_mt, dst), "=msisdn", 0,
	  "destination_addr" },
	{ "dton", REC_INT, F(store_mt, dst_ton), "1", 0, "destination TON" },
	{ "dnpi", REC_INT, F(store_mt, dst_npi), "1", 0, "destination NPI" },
	{ "src", REC_STR, F(store_mt, src), "", REC_PACK, "source_addr" },
	{ "ston", REC_INT, F(store_mt, src_ton), "0", REC_PACK, "source TON" },
	{ "snpi", REC_INT, F(store_mt, src_npi), "0", 0, "source NPI" },
	{ "bind", REC_STR, F(store_mt, bind), "", 0, "bind" },
	{ "ch", REC_CH, F(store_mt, ch), "sms", 0, "channel" },
	{ "fin", REC_BOOL, F(store_mt, ussd_final), "0", 0, "ends USSD" },
	{ "uref", REC_STR, F(store_mt, ussd_ref), "", 0, "USSD session" },
	{ "text", REC_STR, F(store_mt, text), "", 0, "text" },
	{ "prio", REC_INT, F(store_mt, prio), "0", 0, "priority" },
	{ "created", REC_TIME, F(store_mt, created_ms), "0", REC_PACK,
	  "created" },
	{ "expires", REC_TIME, F(store_mt, expires_ms), "0", 0, "expires" },
	{ "attempts", REC_INT, F(store_mt, attempts), "0", 0, "attempts" },
	{ "enc", REC_INT, F(store_mt, enc), "0", 0, "encoding" },
	{ "ref", REC_INT, F(store_mt, ref), "-1", REC_SCRIPT,
	  "concatenation ref" },
	{ "bc", REC_STR, F(store_mt, bc), "", 0, "broadcast" },
	{ "tries", REC_INT, F(store_mt, tries), "0", REC_SCRIPT,
	  "submit attempts" },
	{ "sub_at", REC_TIME, NOWHERE, "", REC_SCRIPT, "first submitted" },
	{ "dup", REC_BOOL, NOWHERE, "", REC_SCRIPT, "possible duplicate" },
	{ "state", REC_STR, NOWHERE, "", REC_SCRIPT, "state" },
	{ "claims", REC_INT, NOWHERE, "0", REC_SCRIPT, "claims" },
	{ "owner", REC_STR, NOWHERE, "", REC_SCRIPT, "leased to" },
	{ "msgid", REC_STR, NOWHERE, "", REC_SCRIPT, "SMSC message ids" },
	{ "status", REC_INT, NOWHERE, "", REC_SCRIPT, "command_status" },
	{ "done_at", REC_TIME, NOWHERE, "", REC_SCRIPT, "submitted" },
	{ "parts", REC_INT, NOWHERE, "", REC_SCRIPT, "parts" },
	{ "dlr_stat", REC_STR, NOWHERE, "", REC_SCRIPT, "receipt stat" },
	{ "dlr_err", REC_STR, NOWHERE, "", REC_SCRIPT, "receipt err" },
	{ "dlr_at", REC_TIME, NOWHERE, "", REC_SCRIPT, "receipt at" },
};

static const struct rec_field dossier_fields[] = {
	{ "code", REC_STR, F(dossier, code), "", 0, "code" },
	{ "key", REC_STR, F(dossier, key), "", 0, "lookup key" },
	{ "phone", REC_STR, F(dossier, phone), "", 0, "phone" },
	{ "status", REC_INT, F(dossier, status), "0", 0, "status" },
	{ "procedure", REC_STR, F(dossier, procedure), "", 0, "procedure" },
	{ "agency", REC_STR, F(dossier, agency), "", 0, "agency" },
	{ "received_at", REC_STR, F(dossier, received_at), "", 0,
	  "received" },
	{ "due_at", REC_STR, F(dossier, due_at), "", 0, "due" },
	{ "id_last4", REC_STR, F(dossier, id_last4), "", 0,
	  "citizen ID, last 4" },
	{ "reason", REC_STR, F(dossier, reason), "", 0, "reason" },
	{ "app", REC_STR, F(dossier, app), "", 0, "application for" },
	{ "filed_by", REC_STR, F(dossier, filed_by), "", 0, "filed by MO" },
	{ "rev", REC_INT, NOWHERE, "0", REC_SCRIPT, "status revision" },
	{ "notice_rev", REC_INT, NOWHERE, "", REC_SCRIPT,
	  "notice due for revision" },
	{ "notice_status", REC_INT, NOWHERE, "", REC_SCRIPT,
	  "notice due for status" },
};

static const struct rec_field session_fields[] = {
	{ "v", REC_I64, F(store_session, version), "0", REC_SCRIPT,
	  "version" },
	{ "node", REC_STR, F(store_session, node), "", 0, "node" },
	{ "lang", REC_STR, F(store_session, lang), "", 0, "language" },
};

static const struct rec_field profile_fields[] = {
	{ "lang", REC_STR, F(store_profile, lang), "", 0, "language" },
	{ "optout", REC_BOOL, F(store_profile, optout), "0", 0, "opted out" },
	{ "optout_at", REC_TIME, NOWHERE, "", REC_SCRIPT, "opt-out set" },
	{ "lf", REC_INT, F(store_profile, lookup_fails), "0", REC_SCRIPT,
	  "failed lookups" },
	{ "lfw", REC_TIME, NOWHERE, "", REC_SCRIPT, "failed lookups since" },
	{ "lb", REC_TIME, F(store_profile, lookup_blocked_until), "0",
	  REC_SCRIPT, "lookups refused until" },
	{ "rln", REC_INT, F(store_profile, replies), "0", REC_SCRIPT,
	  "replies this minute" },
	{ "rlw", REC_TIME, F(store_profile, replies_since), "0", REC_SCRIPT,
	  "reply minute began" },
	{ "xd", REC_INT, F(store_profile, renewed_period), "0", REC_SCRIPT,
	  "expiry renewed in period (10^8 ms)" },
};

static const struct rec_field request_fields[] = {
	{ "ref", REC_STR, F(store_request, ref), "", 0, "reference" },
	{ "kind", REC_STR, F(store_request, kind), "", 0, "kind" },
	{ "phone", REC_STR, F(store_request, phone), "", 0, "phone" },
	{ "ch", REC_CH, F(store_request, ch), "sms", 0, "channel" },
	{ "lang", REC_STR, F(store_request, lang), "vi", 0, "language" },
	{ "mo", REC_STR, F(store_request, mo), "", 0, "MO id" },
	{ "at", REC_TIME, F(store_request, at), "0", 0, "time" },
};

static const struct rec_field bcast_fields[] = {
	{ "id", REC_STR, F(store_bcast, id), "", 0, "broadcast id" },
	{ "name", REC_STR, F(store_bcast, name), "", 0, "name" },
	{ "template", REC_STR, F(store_bcast, tmpl), "", 0, "template" },
	{ "cols", REC_STR, F(store_bcast, cols), "", 0, "variables" },
	{ "state", REC_STR, F(store_bcast, state), "loading", REC_SCRIPT,
	  "state" },
	{ "created", REC_TIME, F(store_bcast, created), "0", 0, "created" },
	{ "schedule_at", REC_TIME, F(store_bcast, schedule_at), "0", 0,
	  "not before" },
	{ "expires_at", REC_TIME, F(store_bcast, expires_at), "0", 0,
	  "expires" },
	{ "ended_at", REC_TIME, F(store_bcast, ended_at), "0", REC_SCRIPT,
	  "ended" },
	{ "rate", REC_INT, F(store_bcast, rate), "0", 0, "per second" },
	{ "total", REC_INT, F(store_bcast, total), "0", 0, "recipients" },
	{ "duplicates", REC_INT, F(store_bcast, duplicates), "0", 0,
	  "duplicates" },
	{ "invalid", REC_INT, F(store_bcast, invalid), "0", 0, "invalid" },
	{ "opted_out", REC_INT, F(store_bcast, opted_out), "0", 0,
	  "opted out at creation" },
	{ "msgs", REC_INT, F(store_bcast, msgs), "0", 0, "messages" },
	{ "segs", REC_INT, F(store_bcast, segs), "0", 0, "segments" },
	{ "gsm7_msgs", REC_INT, F(store_bcast, gsm7_msgs), "0", 0,
	  "GSM-7 messages" },
	{ "gsm7_segs", REC_INT, F(store_bcast, gsm7_segs), "0", 0,
	  "GSM-7 segments" },
	{ "ucs2_msgs", REC_INT, F(store_bcast, ucs2_msgs), "0", 0,
	  "UCS-2 messages" },
	{ "ucs2_segs", REC_INT, F(store_bcast, ucs2_segs), "0", 0,
	  "UCS-2 segments" },
	{ "other_msgs", REC_INT, F(store_bcast, other_msgs), "0", 0,
	  "other messages" },
	{ "other_segs", REC_INT, F(store_bcast, other_segs), "0", 0,
	  "other segments" },
	{ "samples", REC_STR, F(store_bcast, samples), "[]", 0, "samples" },
	{ "tok", REC_STR, NOWHERE, "", REC_SCRIPT, "rate tokens" },
	{ "tok_at", REC_TIME, NOWHERE, "", REC_SCRIPT, "rate refilled" },
};

#define MO_TTL_S (7 * 24 * 3600)
#define MT_TTL_S (7 * 24 * 3600)

const struct rec_def rec_mo = { "mo", TABLE(mo_fields), NULL, MO_TTL_S,
				true, "m" };
const struct rec_def rec_mt = { "mt", TABLE(mt_fields), NULL, MT_TTL_S,
				true, "a" };
/* an application's fields follow as "f:<name>" (dossier.form) */
const struct rec_def rec_dossier = { "dossier", TABLE(dossier_fields), "f:",
				     0, false, NULL };
/* a session's lifetime is the channel's (ussd.session_ttl,
 * menus.sms_session_ttl), set per write */
const struct rec_def rec_session = { "sess", TABLE(session_fields), "x:",
				     0, false, NULL };
/* a profile lives this long after its last write (a reply, a lookup, a
 * language), except one that holds an opt-out: that is kept (mo_commit) */
#define PROFILE_KEEP_S (400 * 24 * 3600)
const struct rec_def rec_profile = { "ph", TABLE(profile_fields), NULL,
				     PROFILE_KEEP_S, false, NULL };
/* the procedure's own fields follow the fixed ones, by their names */
const struct rec_def rec_request = { "req", TABLE(request_fields), "", 0,
				     false, NULL };
/* a broadcast, its recipients and their MTs are kept this long after it
 * expires, for its report */
#define BCAST_KEEP_S (30 * 24 * 3600)
const struct rec_def rec_bcast = { "bc", TABLE(bcast_fields), NULL,
				   BCAST_KEEP_S, false, NULL };

const struct rec_field *rec_field_find(const struct rec_def *def,
				       const char *name)
{
	for (size_t i = 0; i < def->nfields; i++)
		if (strcmp(def->fields[i].name, name) == 0)
			return &def->fields[i];
	return NULL;
}

const char *rec_format(const struct rec_field *f, const void *obj, char *buf,
		       size_t buflen)
{
	const char *p = (const char *)obj + f->off;
	long long v;

	/* without snprintf: each record written formats every field, and
	 * "%d" costs several hundred instructions a number */
	switch (f->type) {
	case REC_STR:
		return p;
	case REC_INT:
		v = *(const int *)p;
		break;
	case REC_I64:
	case REC_TIME:
		v = *(const int64_t *)p;
		break;
	case REC_BOOL:
		return *(const bool *)p ? "1" : "0";
	case REC_CH:
		return *(const enum store_channel *)p == STORE_CH_USSD ? "ussd"
								       : "sms";
	default:
		return "";
	}
	if (buflen < 21) {
		/* too small for every value: what snprintf would keep */
		char tmp[21];

		tmp[util_sdec(tmp, v)] = '\0';
		util_strlcpy(buf, tmp, buflen);
		return buf;
	}
	buf[util_sdec(buf, v)] = '\0';
	return buf;
}

void rec_parse(const struct rec_field *f, void *obj, const char *text)
{
	char *p;

	/* before the address: obj + REC_NOWHERE wraps around (UBSan's
	 * pointer-overflow, fuzz/record) */
	if (f->off == REC_NOWHERE)
		return;
	p = (char *)obj + f->off;
	if (!text)
		text = f->def ? f->def : "";
	switch (f->type) {
	case REC_STR:
		util_strlcpy(p, text, f->size);
		break;
	case REC_INT:
		*(int *)p = (int)strtol(text, NULL, 10);
		break;
	case REC_I64:
	case REC_TIME:
		*(int64_t *)p = (int64_t)strtoll(text, NULL, 10);
		break;
	case REC_BOOL:
		*(bool *)p = strtol(text, NULL, 10) == 1;
		break;
	case REC_CH:
		*(enum store_channel *)p = strcmp(text, "ussd") == 0
						   ? STORE_CH_USSD
						   : STORE_CH_SMS;
		break;
	}
}

/* "=NAME": the field NAME of the same record, or NULL */
static const struct rec_field *same_as(const struct rec_def *def,
				       const struct rec_field *f)
{
	return f->def && f->def[0] == '=' ? rec_field_find(def, f->def + 1)
					  : NULL;
}

void rec_defaults(const struct rec_def *def, void *obj)
{
	for (size_t i = 0; i < def->nfields; i++) {
		const struct rec_field *f = &def->fields[i];

		rec_parse(f, obj, same_as(def, f) ? "" : NULL);
	}
}

void rec_fill(const struct rec_def *def, void *obj, size_t npacked)
{
	size_t k = 0;

	for (size_t i = 0; i < def->nfields; i++) {
		const struct rec_field *f = &def->fields[i], *o;
		char buf[32];

		if ((f->flags & REC_PACK) && k++ < npacked)
			continue;
		if (f->type == REC_STR && f->off != REC_NOWHERE &&
		    !((char *)obj + f->off)[0] && (o = same_as(def, f)))
			rec_parse(f, obj, rec_format(o, obj, buf, sizeof(buf)));
	}
}

/* Whether field f of a sparse record, its value v, is written: not at
 * its default (nor, "=NAME", equal to field NAME) */
static bool stored(const struct rec_def *def, const struct rec_field *f,
		   const void *obj, const char *v)
{
	const struct rec_field *o = same_as(def, f);
	const char *d = f->def ? f->def : "";
	char buf[32];

	if (o)
		d = rec_format(o, obj, buf, sizeof(buf));
	/* most differ at their first byte: no call (a record is written
	 * per MO, about 36 fields) */
	return v[0] != d[0] || strcmp(v, d) != 0;
}

/* The REC_PACK fields of obj as their pack's value (record.h) into out.
 * False when it does not fit: they are then written one by one. */
static bool pack(const struct rec_def *def, const void *obj, char *out,
		 size_t outlen)
{
	size_t n = 0;
	bool first = true;

	for (size_t i = 0; i < def->nfields; i++) {
		const struct rec_field *f = &def->fields[i];
		char buf[32];

		if (!(f->flags & REC_PACK))
			continue;
		if (!first)
			out[n++] = ',';
		first = false;
		for (const char *s = rec_format(f, obj, buf, sizeof(buf)); *s;
		     s++) {
			/* room for an escape and the next ',' */
			if (n + 4 >= outlen)
				return false;
			if (*s == '%' || *s == ',') {
				out[n++] = '%';
				out[n++] = '2';
				out[n++] = *s == '%' ? '5' : 'C';
			} else {
				out[n++] = *s;
			}
		}
		if (n + 1 >= outlen)
			return false;
	}
	out[n] = '\0';
	return true;
}

/* The first value of pack s, unescaped, into v (REC_PACK_MAX bytes, cut
 * beyond); returns where the next value begins, or NULL after the last. */
static const char *pack_next(const char *s, char *v)
{
	size_t n = 0;

	while (*s && *s != ',') {
		char c = *s++;

		if (c == '%' && s[0] == '2' && (s[1] == '5' || s[1] == 'C')) {
			c = s[1] == '5' ? '%' : ',';
			s += 2;
		}
		if (n + 1 < REC_PACK_MAX)
			v[n++] = c;
	}
	v[n] = '\0';
	return *s == ',' ? s + 1 : NULL;
}

/* Calls fn(arg, f, value) for each value of pack s, its field f in
 * table order, unescaped; returns how many. A field beyond its values (a
 * pack written before it was added) is not called. */
typedef void pack_value_fn(void *arg, const struct rec_field *f,
			   const char *value);
static size_t pack_each(const struct rec_def *def, const char *s,
			pack_value_fn *fn, void *arg)
{
	size_t k = 0;

	for (size_t i = 0; i < def->nfields && s; i++) {
		const struct rec_field *f = &def->fields[i];
		char v[REC_PACK_MAX];

		if (!(f->flags & REC_PACK))
			continue;
		s = pack_next(s, v);
		fn(arg, f, v);
		k++;
	}
	return k;
}

/* pack_each into obj: a value longer than its field is cut (rec_parse) */
static void parse_value(void *obj, const struct rec_field *f,
			const char *value)
{
	rec_parse(f, obj, value);
}

struct emit_arg {
	rec_emit_fn *fn;
	void *arg;
};

static void emit_value(void *arg, const struct rec_field *f,
		       const char *value)
{
	struct emit_arg *e = arg;

	e->fn(e->arg, f->name, value);
}

void rec_unpack_each(const struct rec_def *def, const char *s,
		     rec_emit_fn *fn, void *arg)
{
	struct emit_arg e = { fn, arg };

	pack_each(def, s, emit_value, &e);
}

void rec_each(const struct rec_def *def, const void *obj, rec_emit_fn *fn,
	      void *arg)
{
	char packed[REC_PACK_MAX];
	bool in_pack = def->pack && pack(def, obj, packed, sizeof(packed));
	bool pack_given = false;

	for (size_t i = 0; i < def->nfields; i++) {
		const struct rec_field *f = &def->fields[i];
		const char *v;
		char buf[32];

		if (f->off == REC_NOWHERE || (f->flags & (REC_SCRIPT | REC_KEY)))
			continue;
		if (in_pack && (f->flags & REC_PACK)) {
			if (!pack_given)
				fn(arg, def->pack, packed);
			pack_given = true;
			continue;
		}
		v = rec_format(f, obj, buf, sizeof(buf));
		if (!def->sparse || stored(def, f, obj, v))
			fn(arg, f->name, v);
	}
}

void rec_take(const struct rec_def *def, void *obj, const char *name,
	      const char *value, size_t *npacked)
{
	const struct rec_field *f = rec_field_find(def, name);

	if (f)
		rec_parse(f, obj, value);
	else if (def->pack && strcmp(name, def->pack) == 0)
		*npacked = pack_each(def, value, parse_value, obj);
}

void rec_from_pairs(const struct rec_def *def, void *obj,
		    const char *const *pairs, size_t npairs)
{
	size_t npacked = 0;

	rec_defaults(def, obj);
	for (size_t i = 0; i + 1 < npairs; i += 2)
		rec_take(def, obj, pairs[i], pairs[i + 1], &npacked);
	rec_fill(def, obj, npacked);
}

const char *rec_show(const struct rec_field *f, const char *stored, char *buf,
		     size_t buflen)
{
	long long ms;

	if (f && f->type == REC_TIME &&
	    util_parse_int(stored, 1, INT64_MAX, &ms) == 0) {
		svc_format_local(ms, buf, buflen);
		return buf;
	}
	return stored;
}
