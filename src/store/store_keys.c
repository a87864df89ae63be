/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Store keys (see store/store_keys.h): the one place where key names are
 * spelt.
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "store/store_keys.h"

static const char *const shard_kinds[SK_SKEY_COUNT] = {
	[SK_FP] = "fp",
	[SK_MO] = "mo",
	[SK_INQ] = "inq",
	[SK_OUTQ] = "outq",
	[SK_BCQ] = "bcq",
	[SK_MT] = "mt",
	[SK_CC] = "cc",
	[SK_CCQ] = "ccq",
	[SK_CCDONE] = "ccdone",
	[SK_REQUESTS] = "requests",
	[SK_DOSSIER] = "dossier",
	[SK_NOTICES] = "notices",
	[SK_BC_PENDING] = "bcp",
	[SK_BC_VARS] = "bcv",
	[SK_BC_LEASE] = "bcl",
	[SK_BC_COUNTS] = "bcc",
	[SK_BC_RESULTS] = "bcx",
	[SK_SESS] = "sess",
	[SK_PROFILES] = "ph",
	[SK_REFS] = "ref",
	[SK_APPS] = "apps",
	[SK_APP] = "app",
	[SK_REQ_SEEN] = "rq",
	[SK_LIVE] = "live",
	[SK_UP] = "up",
};

/*
 * A key name built piece by piece, cut at cap-1 bytes and NUL-terminated
 * as snprintf would: snprintf made the 16 key names of an MO 7% of the
 * daemon's instructions.
 */
struct keybuf {
	char *out;
	size_t cap, n;
};

static void kb_put(struct keybuf *b, const char *s, size_t len)
{
	if (b->n + 1 >= b->cap)
		return;
	if (len > b->cap - 1 - b->n)
		len = b->cap - 1 - b->n;
	memcpy(b->out + b->n, s, len);
	b->n += len;
	b->out[b->n] = '\0';
}

static void kb_s(struct keybuf *b, const char *s)
{
	kb_put(b, s, strlen(s));
}

/* prefix ":{s" shard "}:" kind: the start of every shard's key */
static void kb_shard(struct keybuf *b, const struct store_keys *k,
		     unsigned shard, enum store_skey kind)
{
	size_t pl = strlen(k->prefix), kl = strlen(shard_kinds[kind]);
	char d[20];

	/* Whole in the buffer (every key of an MO, STORE_KEY_MAX): written
	 * straight, not cut piece by piece, a fifth of the cost of the 16
	 * keys an SMS lookup builds. */
	if (b->n == 0 && pl + kl + 3 + 20 + 2 < b->cap) {
		char *o = b->out;

		memcpy(o, k->prefix, pl);
		o += pl;
		memcpy(o, ":{s", 3);
		o += 3;
		o += util_udec(o, shard);
		memcpy(o, "}:", 2);
		o += 2;
		memcpy(o, shard_kinds[kind], kl);
		o += kl;
		*o = '\0';
		b->n = (size_t)(o - b->out);
		return;
	}
	if (b->cap)
		b->out[0] = '\0';
	kb_s(b, k->prefix);
	kb_put(b, ":{s", 3);
	kb_put(b, d, util_udec(d, shard));
	kb_put(b, "}:", 2);
	kb_s(b, shard_kinds[kind]);
}

unsigned store_shard_of(const char *msisdn, int shards)
{
	if (shards <= 1)
		return 0;
	return (unsigned)(util_fnv1a64(msisdn, strlen(msisdn), 0) %
			  (uint64_t)shards);
}

void store_key_phone(const struct store_keys *k, enum store_pkey kind,
		     const char *msisdn, char *out, size_t outlen)
{
	static const struct {
		enum store_skey kind;
		const char *suffix;
	} names[] = {
		[SK_SESS_USSD] = { SK_SESS, ":u" },
		[SK_SESS_SMS] = { SK_SESS, ":s" },
		[SK_PROFILE] = { SK_PROFILES, "" },
		[SK_REF] = { SK_REFS, "" },
	};

	struct keybuf b = { out, outlen, 0 };

	kb_shard(&b, k, store_shard_of(msisdn, k->shards), names[kind].kind);
	kb_put(&b, ":", 1);
	kb_s(&b, msisdn);
	kb_s(&b, names[kind].suffix);
}

void store_key_shard(const struct store_keys *k, unsigned shard,
		     enum store_skey kind, const char *id, char *out,
		     size_t outlen)
{
	struct keybuf b = { out, outlen, 0 };

	kb_shard(&b, k, shard, kind);
	if (id) {
		kb_put(&b, ":", 1);
		kb_s(&b, id);
	}
}

void store_key_dossier(const struct store_keys *k, const char *dossier_key,
		       char *out, size_t outlen)
{
	store_key_shard(k, store_shard_of(dossier_key, k->shards), SK_DOSSIER,
			dossier_key, out, outlen);
}

void store_key_bcast(const struct store_keys *k, const char *id, char *out,
		     size_t outlen)
{
	snprintf(out, outlen, "%s:bc:%s", k->prefix, id);
}

void store_key_bcindex(const struct store_keys *k, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s:bcindex", k->prefix);
}

void store_key_bcactive(const struct store_keys *k, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s:bcactive", k->prefix);
}

void store_key_seq(const struct store_keys *k, const char *agency,
		   const char *yymmdd, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s:seq:%s:%s", k->prefix, agency, yymmdd);
}

/* prefix ":msgid:" bind ":" msgid */
void store_key_msgid(const struct store_keys *k, const char *bind,
		     const char *msgid, char *out, size_t outlen)
{
	struct keybuf b = { .out = out, .cap = outlen };

	if (outlen)
		out[0] = '\0';
	kb_s(&b, k->prefix);
	kb_s(&b, ":msgid:");
	kb_s(&b, bind);
	kb_put(&b, ":", 1);
	kb_s(&b, msgid);
}

void store_key_tps(const struct store_keys *k, const char *account,
		   char *out, size_t outlen)
{
	snprintf(out, outlen, "%s:tps:{%s}", k->prefix, account);
}

/* Replies and broadcast traffic queue apart, so that a claim always
 * drains replies first. */
enum store_skey store_queue_of(int prio)
{
	return prio > 0 ? SK_BCQ : SK_OUTQ;
}

/* --- lifetimes ---------------------------------------------------------- */

const struct store_key_life store_key_lives[] = {
	{ "{s*}:sess:*", KL_TTL, "ussd.session_ttl / menus.sms_session_ttl "
	  "after the last step" },
	{ "{s*}:ph:*", KL_TTL_OPTOUT, "400 days after the last reply, "
	  "lookup or language change (less up to 28 hours: the expiry is "
	  "renewed once in that time); an opt-out is kept (the citizen's "
	  "choice)" },
	{ "{s*}:ref:*", KL_TTL, "a day after the phone's last multipart "
	  "MT" },
	{ "{s*}:fp:*", KL_TTL, "gateway.mo_dedup_window" },
	{ "{s*}:mo:*", KL_TTL, "7 days" },
	{ "{s*}:mt:*", KL_TTL, "7 days; a broadcast's: 30 days after it "
	  "expires" },
	{ "{s*}:cc:*", KL_TTL, "gateway.concat_timeout and an hour" },
	{ "{s*}:ccdone:*", KL_TTL, "gateway.mo_dedup_window" },
	{ "{s*}:app:*", KL_TTL, "the day of the application, and an hour" },
	{ "{s*}:rq:*", KL_TTL, "the day of the request, and an hour" },
	{ "{s*}:bc[pvlcx]:*", KL_TTL, "30 days after the broadcast "
	  "expires (a day while it is loading)" },
	{ "{s*}:up:*", KL_TTL, "gateway.mo_dedup_window and 10 minutes "
	  "after its connection was last seen bound" },
	{ "{s*}:live", KL_TTL, "the longest lease after the last gateway "
	  "process's last claim; an owner's entry as long after it stops" },
	{ "{s*}:inq", KL_OWNED, "open MOs: each leaves when answered "
	  "(gateway); empty when idle" },
	{ "{s*}:outq", KL_OWNED, "replies to send: each leaves when sent "
	  "or expired (gateway)" },
	{ "{s*}:bcq", KL_OWNED, "broadcast MTs to send: each leaves when "
	  "sent or expired (gateway)" },
	{ "{s*}:ccq", KL_OWNED, "multipart MOs waiting for parts: each "
	  "leaves when joined or at gateway.concat_timeout" },
	{ "{s*}:notices", KL_OWNED, "dossiers whose notice waits: each "
	  "leaves when its notice is queued" },
	{ "{s*}:requests", KL_OWNED, "procedure requests: trimmed to "
	  "services.requests_max and services.requests_keep_days" },
	{ "{s*}:apps", KL_OWNED, "applications index: entries older than a "
	  "year are dropped at each filing" },
	{ "{s*}:dossier:*", KL_OWNED, "imported dossiers: the province's "
	  "data, replaced by each import (an application's dossier expires "
	  "a year after filing)" },
	{ "msgid:*", KL_TTL, "the MT's life (a receipt waiting for its "
	  "id: 10 minutes)" },
	{ "bc:*", KL_TTL, "30 days after the broadcast expires" },
	{ "bcindex", KL_OWNED, "broadcasts by creation: entries older than "
	  "90 days and 30 are dropped at each start" },
	{ "bcactive", KL_OWNED, "running broadcasts: each leaves when it "
	  "ends" },
	{ "seq:*", KL_TTL, "two days (a day's dossier numbers)" },
	{ "tps:*", KL_TTL, "10 seconds after the last lease of the SMSC "
	  "account's send slots" },
};
const size_t store_key_nlives = ARRAY_SIZE(store_key_lives);

const struct store_key_life *store_key_life_of(const struct store_keys *k,
					       const char *key)
{
	size_t n = strlen(k->prefix);

	if (strncmp(key, k->prefix, n) != 0 || key[n] != ':')
		return NULL;
	for (size_t i = 0; i < store_key_nlives; i++)
		if (fnmatch(store_key_lives[i].pattern, key + n + 1, 0) == 0)
			return &store_key_lives[i];
	return NULL;
}
