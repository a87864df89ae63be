/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Store keys: every Redis key pattern citizengw uses, in one table
 * (store_keys.c). P is redis.prefix; {sN} the shard hash tag of a phone
 * (N = FNV-1a of the number modulo redis.shards), so that every key one
 * script call touches hashes to one Redis Cluster slot:
 *
 *   P:{sN}:sess:<msisdn>:u|s  menu session of the USSD / SMS channel
 *   P:{sN}:ph:<msisdn>        phone profile (language, opt-out, limits)
 *   P:{sN}:ref:<msisdn>       concatenation reference counter
 *   P:{sN}:fp:<fingerprint>   recent MO fingerprint -> MO id
 *   P:{sN}:mo:<id>            an MO as received
 *   P:{sN}:inq                open MOs (zset, score = lease expiry, ms)
 *   P:{sN}:outq, P:{sN}:bcq   MTs to send: replies, then broadcast traffic
 *                             (zsets, score = lease expiry / ready, ms)
 *   P:{sN}:mt:<id>            an MT and its state
 *   P:{sN}:live               heartbeats of the gateway processes (hash:
 *                             owner -> alive until, ms; see claim.lua)
 *   P:{sN}:up:<token>         an SMPP connection that stayed bound: MOs
 *                             received on it up to this time (ms) and
 *                             acknowledged in time kept it
 *                             gateway.mo_ack_timeout after their response
 *                             (acks.c), one copy per shard for the
 *                             shard's scripts
 *   P:{sN}:cc:<key>           parts of a multipart MO
 *   P:{sN}:ccq                multipart MOs by deadline (zset)
 *   P:{sN}:ccdone:<key>       a joined multipart MO (late parts ignored)
 *   P:{sN}:requests           procedure requests (stream)
 *   P:{sN}:rq:<number>        the MO that recorded a request of that
 *                             number today (N from the phone)
 *   P:{sN}:dossier:<key>      a dossier (N from the dossier's key)
 *   P:{sN}:apps               applications filed by citizens (zset: dossier
 *                             key, score = filed, ms; N as the dossier's)
 *   P:{sN}:app:<msisdn>:<procedure>:<day>
 *                             the code of that phone's application of the
 *                             day (N from the phone): one per day
 *   P:{sN}:notices            dossiers whose status-change notice waits
 *                             (zset: dossier key, score = ready / lease)
 *   P:{sN}:bcp:<id>           recipients of broadcast <id> still to take
 *                             (list of msisdn, in the order given)
 *   P:{sN}:bcv:<id>           their variables (hash msisdn -> values)
 *   P:{sN}:bcl:<id>           recipients taken, their MT not yet queued
 *                             (zset, score = lease expiry)
 *   P:{sN}:bcc:<id>           the broadcast's counters in this shard
 *   P:{sN}:bcx:<id>           recipients that got no MT, and why
 *   P:msgid:<bind>:<id>       SMS centre message id -> "<MT key>#<part>";
 *                             or, until then, a receipt that came before
 *                             the id was known (a late submit_sm_resp):
 *                             STORE_BC_SEP state SEP stat SEP err
 *   P:bc:<id>                 a broadcast: name, template, state, times
 *   P:bcindex                 broadcasts by creation time (zset)
 *   P:bcactive                broadcasts the dispatchers look at (set)
 *   P:seq:<agency>:<YYMMDD>   last sequence number of that agency's
 *                             dossier codes of the day
 *   P:tps:{<account>}         schedule of an SMSC account's send slots
 *                             (its TPS cap), shared by every process bound
 *                             to it (its own hash tag; tps_lease.lua)
 */
#ifndef CGW_STORE_KEYS_H
#define CGW_STORE_KEYS_H

#include <stddef.h>

#define STORE_KEY_MAX 320

/* What every key needs: the prefix and the number of shards. */
struct store_keys {
	const char *prefix;
	int shards;
};

/* Keys of one phone. */
enum store_pkey {
	SK_SESS_USSD,
	SK_SESS_SMS,
	SK_PROFILE,
	SK_REF,
};

/* Keys of one shard, with an id (mo, mt, fp, cc, ccdone) or without. */
enum store_skey {
	SK_FP,
	SK_MO,
	SK_INQ,
	SK_OUTQ,
	SK_BCQ,
	SK_MT,
	SK_CC,
	SK_CCQ,
	SK_CCDONE,
	SK_REQUESTS,
	SK_DOSSIER,
	SK_NOTICES,
	SK_BC_PENDING,
	SK_BC_VARS,
	SK_BC_LEASE,
	SK_BC_COUNTS,
	SK_BC_RESULTS,
	SK_SESS,	/* per phone (store_key_phone) */
	SK_PROFILES,
	SK_REFS,
	SK_APPS,	/* per dossier shard, no id */
	SK_APP,		/* per phone shard: "<msisdn>:<procedure>:<day>" */
	SK_REQ_SEEN,	/* per phone shard: a request's number */
	SK_LIVE,	/* gateway processes' heartbeats (claim.lua) */
	SK_UP,		/* per connection token (acks.c) */
	SK_SKEY_COUNT
};

unsigned store_shard_of(const char *msisdn, int shards);

void store_key_phone(const struct store_keys *k, enum store_pkey kind,
		     const char *msisdn, char *out, size_t outlen);
/* id NULL: the shard's own key (a queue); "" gives the prefix of the
 * shard's records of that kind (".../mt:"), which claims extend. */
void store_key_shard(const struct store_keys *k, unsigned shard,
		     enum store_skey kind, const char *id, char *out,
		     size_t outlen);
/* A dossier, in the shard of its key. */
void store_key_dossier(const struct store_keys *k, const char *dossier_key,
		       char *out, size_t outlen);
/* A broadcast's record; the index and active set (id NULL). */
void store_key_bcast(const struct store_keys *k, const char *id, char *out,
		     size_t outlen);
void store_key_bcindex(const struct store_keys *k, char *out, size_t outlen);
void store_key_bcactive(const struct store_keys *k, char *out,
			size_t outlen);
/* The day's dossier code sequence of an agency. */
void store_key_seq(const struct store_keys *k, const char *agency,
		   const char *yymmdd, char *out, size_t outlen);
void store_key_msgid(const struct store_keys *k, const char *bind,
		     const char *msgid, char *out, size_t outlen);
/* The TPS bucket of an SMSC account (gw/tps.h: tps_account). */
void store_key_tps(const struct store_keys *k, const char *account,
		   char *out, size_t outlen);

/*
 * How long each kind of key lives: every key the daemon and the tools
 * write either has a time to live or belongs to this table with the
 * owner that keeps it bounded (docs/security.md "What Redis keeps";
 * `citizengw-ctl keys` checks a Redis against it).
 */
enum store_key_rule {
	KL_TTL,		/* always has a time to live */
	KL_TTL_OPTOUT,	/* a time to live unless its optout field is 1 */
	KL_OWNED,	/* no time to live: the owner named keeps it bounded */
};
struct store_key_life {
	const char *pattern;	/* fnmatch(3) glob after "<prefix>:" */
	enum store_key_rule rule;
	const char *lifetime;	/* for people */
};
extern const struct store_key_life store_key_lives[];
extern const size_t store_key_nlives;
/* The entry whose pattern a key (with its prefix) matches, or NULL. */
const struct store_key_life *store_key_life_of(const struct store_keys *k,
					       const char *key);

/* The queue of MTs of a priority: 0 replies (outq), > 0 broadcast (bcq). */
enum store_skey store_queue_of(int prio);

#endif
