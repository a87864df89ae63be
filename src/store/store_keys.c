/*
 * Store keys (see store/store_keys.h): the one place where key names are
 * spelt.
 */
#include "config.h"

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
};

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

	snprintf(out, outlen, "%s:{s%u}:%s:%s%s", k->prefix,
		 store_shard_of(msisdn, k->shards),
		 shard_kinds[names[kind].kind], msisdn, names[kind].suffix);
}

void store_key_shard(const struct store_keys *k, unsigned shard,
		     enum store_skey kind, const char *id, char *out,
		     size_t outlen)
{
	if (id)
		snprintf(out, outlen, "%s:{s%u}:%s:%s", k->prefix, shard,
			 shard_kinds[kind], id);
	else
		snprintf(out, outlen, "%s:{s%u}:%s", k->prefix, shard,
			 shard_kinds[kind]);
}

void store_key_dossier(const struct store_keys *k, const char *dossier_key,
		       char *out, size_t outlen)
{
	store_key_shard(k, store_shard_of(dossier_key, k->shards), SK_DOSSIER,
			dossier_key, out, outlen);
}

void store_key_dlrwait(const struct store_keys *k, const char *bind,
		       const char *msgid, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s:dlrwait:%s:%s", k->prefix, bind, msgid);
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

void store_key_msgid(const struct store_keys *k, const char *bind,
		     const char *msgid, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s:msgid:%s:%s", k->prefix, bind, msgid);
}

/* Replies and broadcast traffic queue apart, so that a claim always
 * drains replies first. */
enum store_skey store_queue_of(int prio)
{
	return prio > 0 ? SK_BCQ : SK_OUTQ;
}
