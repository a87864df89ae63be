/*
 * Store: everything citizengw keeps in Redis, behind one async API on the
 * process's event loop (hiredis + libevent). citizengw-ctl uses the same
 * records, keys and scripts synchronously (store_sync.h).
 *
 * Keys: store_keys.h (one place for every pattern). Records: record.h (one
 * field table per record). Scripts: lua/NAME.lua, embedded at build time,
 * called with named arguments; every key a script touches is in its KEYS
 * or under a shard-local prefix in its KEYS, so that one call touches one
 * Redis Cluster slot.
 *
 * Every request has a deadline (redis.timeout). A callback always runs
 * exactly once, with rc 0 or a negative errno (-ENOTCONN when Redis is
 * down, -ETIMEDOUT, -EIO for an error reply); result structs are valid only
 * during the callback.
 */
#ifndef CGW_STORE_H
#define CGW_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/conf.h"
#include "services/dossier.h"

struct event_base;
struct store;

#define STORE_ID_MAX 64
#define STORE_TEXT_MAX 1024

enum store_channel { STORE_CH_SMS, STORE_CH_USSD };

/* An MO as recorded. */
struct store_mo {
	char id[STORE_ID_MAX];
	char msisdn[24];	/* normalised sender: the session key */
	char src[24];		/* source_addr as received */
	int src_ton, src_npi;
	char dst[24];		/* destination_addr as received */
	int dst_ton, dst_npi;
	char bind[32];		/* smsc id it came in on */
	enum store_channel ch;
	int ussd_ev;		/* enum ussd_event, USSD only */
	char ussd_ref[64];	/* ussd_ref_format() */
	char text[STORE_TEXT_MAX];
	char fp[40];		/* fingerprint for re-delivery detection */
	/* starts over (SMS MENU; a USSD dial always does): the same text
	 * again is a re-delivery only while the first is in progress */
	bool restart;
	int64_t recv_ms;
};

/* An MT (outbound message) as queued. */
struct store_mt {
	char id[STORE_ID_MAX];
	char msisdn[24];	/* shard key */
	char dst[24];
	int dst_ton, dst_npi;
	char src[24];
	int src_ton, src_npi;
	char bind[32];		/* preferred smsc id, "" = any */
	enum store_channel ch;
	bool ussd_final;
	char ussd_ref[64];
	char text[STORE_TEXT_MAX];
	int prio;		/* 0 = reply, 1 = broadcast */
	int64_t created_ms;
	int64_t expires_ms;	/* 0 = never */
	int attempts;
	int ref;		/* concatenation reference, -1 = none yet */
	int enc;		/* enum text_enc override (0 = auto) */
};

/* A phone's profile (the fields the gateway reads). */
struct store_profile {
	char lang[8];		/* "": not chosen */
	bool optout;
	int lookup_fails;	/* failed lookups in the current window */
	int64_t lookup_blocked_until;	/* UTC ms; 0: never blocked */
};

/* A menu session as stored: the store keeps it, the menu engine gives it
 * meaning (the gateway translates). */
#define STORE_VARS 32
#define STORE_VAR_NAME 16
#define STORE_VAR_VALUE 480
#define STORE_NODE_MAX 32
struct store_var {
	char name[STORE_VAR_NAME];
	char value[STORE_VAR_VALUE];
};

struct store_session {
	bool exists;		/* a node is open */
	uint64_t version;	/* compare-and-swap guard */
	char node[STORE_NODE_MAX];
	char lang[8];
	int nvars;
	struct store_var vars[STORE_VARS];
};

/* A procedure request for the back office (one stream entry). */
#define STORE_REQ_FIELDS 8
struct store_request {
	char ref[24];
	char kind[16];
	char phone[24];
	enum store_channel ch;
	char lang[8];
	char mo[STORE_ID_MAX];
	int64_t at;		/* UTC ms */
	int nfields;		/* the procedure's own fields */
	struct store_var fields[STORE_REQ_FIELDS];
};

enum store_mo_verdict { STORE_MO_NEW, STORE_MO_DUP };

struct store_mo_in_result {
	enum store_mo_verdict verdict;
	char dup_of[STORE_ID_MAX];	/* STORE_MO_DUP: the original */
	struct store_session session;
	struct store_profile profile;
	bool dossier_asked;		/* a dossier key was given */
	bool dossier_found;
	struct dossier dossier;
};

struct store_stats {
	unsigned long requests, errors, timeouts, reconnects;
};

typedef void store_state_fn(void *arg, bool ready);

/*
 * Connects (and keeps reconnecting) to the Redis of `conf`. `instance`
 * names this process in MO ids. Returns NULL with a message on a fatal
 * setup error. The state callback runs on every ready <-> down change.
 */
struct store *store_new(struct event_base *base, const struct cgw_conf *conf,
			const char *instance, store_state_fn *state_cb,
			void *arg, char *err, size_t errlen);
/* Disconnects; pending callbacks run with -ECANCELED. */
void store_free(struct store *st);
bool store_ready(const struct store *st);
const struct store_stats *store_stats(const struct store *st);

/* Fresh unique MO id ("<ms>-<instance>-<n>"). */
void store_new_mo_id(struct store *st, char *out, size_t outlen);
/* Shard index of a phone. */
unsigned store_shard(const struct store *st, const char *msisdn);

/*
 * Round trip 1 of an MO: records it unless it is a re-delivery, reads the
 * sender's session and profile, and (when dossier_key is not NULL) the
 * dossier, pipelined. `reread`: the MO is recorded already (recovery).
 */
typedef void store_mo_in_fn(void *arg, int rc,
			    const struct store_mo_in_result *res);
int store_mo_in(struct store *st, const struct store_mo *mo, bool reread,
		const char *dossier_key, store_mo_in_fn *cb, void *arg);

/* Reads one dossier. found=false when it does not exist. */
typedef void store_dossier_fn(void *arg, int rc, bool found,
			      const struct dossier *d);
int store_dossier_get(struct store *st, const char *key, store_dossier_fn *cb,
		      void *arg);

/*
 * Round trip 2 of an MO, atomic: if the MO is still unanswered and the
 * session version is still `expect_version`, replaces the session (next,
 * or ends it when next is NULL), queues `mt` (may be NULL) leased to this
 * process, applies the profile effects and closes the MO.
 */
enum store_commit_verdict {
	STORE_COMMIT_OK,
	STORE_COMMIT_CONFLICT,	/* session changed: *current holds it */
	STORE_COMMIT_GONE,	/* the MO was answered already */
};

struct store_commit {
	const struct store_mo *mo;
	uint64_t expect_version;
	const struct store_session *next;	/* NULL: end the session */
	bool keep_session;			/* leave it alone (no CAS) */
	int64_t ttl_ms;
	const struct store_mt *mt;		/* NULL: no reply */
	const struct store_mt *mt2;		/* a second SMS, or NULL */
	const struct store_request *req;	/* record it, or NULL; its
						 * phone, ch, mo and at are
						 * the MO's */
	const char *mo_state;			/* NULL: "answered" */
	/* an SMS reply that takes an open menu session a valid step on:
	 * not counted against protect.replies_per_minute */
	bool reply_uncounted;
	bool lookup_failed;
	const char *set_lang;			/* NULL: unchanged */
	int optout;				/* -1 unchanged, 0 in, 1 out */
};

/*
 * flags of a STORE_COMMIT_OK: STORE_COMMIT_BLOCKED, this failed lookup put
 * the phone over the lookup limit; STORE_COMMIT_LIMITED, the phone had its
 * protect.replies_per_minute SMS replies already (USSD screens and
 * reply_uncounted ones do not count): the MO was closed with no reply, no
 * session change and no request (an opt-out still applies);
 * STORE_COMMIT_MT2, mt2 was queued (it is dropped over the limit).
 */
#define STORE_COMMIT_BLOCKED 1u
#define STORE_COMMIT_LIMITED 2u
#define STORE_COMMIT_MT2 4u
typedef void store_commit_fn(void *arg, int rc,
			     enum store_commit_verdict v,
			     const struct store_session *current,
			     unsigned flags);
int store_commit(struct store *st, const struct store_commit *c,
		 store_commit_fn *cb, void *arg);

/*
 * Records the outcome of an MT: state "sent" (every part accepted: the SMS
 * centre's message id of each part as written, and its canonical form,
 * under which receipts find it, "" when unusable), "failed" (with the
 * status) or "expired"; removes it from the queue. nparts may be 0 for a
 * failure.
 */
typedef void store_done_fn(void *arg, int rc);
int store_mt_done(struct store *st, const struct store_mt *mt,
		  const char *state, const char *bind,
		  const char *const *msgids, const char *const *keys,
		  int nparts, uint32_t status, store_done_fn *cb, void *arg);

/*
 * Records that part `part` (1-based) of an `nparts`-part MT was accepted
 * with the SMS centre's message id (as written, and canonical `key`, ""
 * when unusable), so that its receipt finds the MT even before the other
 * parts are accepted.
 */
int store_mt_part(struct store *st, const struct store_mt *mt,
		  const char *bind, int part, int nparts, const char *msgid,
		  const char *key, store_done_fn *cb, void *arg);

/* Queues a new MT, ready now, for any gateway process to claim (an MT of
 * that id queued before is left alone). */
int store_mt_queue(struct store *st, const struct store_mt *mt,
		   store_done_fn *cb, void *arg);

/* Puts an MT back in the queue, ready at `ready_ms` (0 = now). */
int store_mt_release(struct store *st, const struct store_mt *mt,
		     int64_t ready_ms, store_done_fn *cb, void *arg);

/* Extends the lease of MTs this process holds. */
int store_mt_renew(struct store *st, const struct store_mt *const *mts,
		   int n, store_done_fn *cb, void *arg);

/*
 * Claims up to `max` MTs per shard of priority `prio` (0 replies,
 * 1 broadcast) whose lease ran out or which were queued ready (by another
 * process, by citizengw-ctl, or before a crash). Expired ones are marked
 * "expired" and reported with expired=true.
 */
typedef void store_mt_claim_fn(void *arg, int rc, const struct store_mt *mt,
			       bool expired);
typedef void store_claim_end_fn(void *arg, int rc);
int store_mt_claim(struct store *st, int prio, int max,
		   store_mt_claim_fn *each, store_claim_end_fn *end, void *arg);

/*
 * Records a delivery receipt: looks the SMS centre's message id up (each
 * of `ids`, canonical forms, in order) and marks the part it names with
 * `state` ("delivered", "failed", "enroute", "unknown"). found=false when
 * no id is known (the callback still runs with rc 0); mt_id and the
 * message's overall state otherwise.
 */
typedef void store_dlr_fn(void *arg, int rc, bool found, const char *mt_id,
			  const char *overall);
int store_dlr(struct store *st, const char *bind, const char *const *ids,
	      int nids, const char *state, const char *stat, const char *err,
	      store_dlr_fn *cb, void *arg);

/* Claims acknowledged MOs whose processing lease ran out. */
typedef void store_mo_claim_fn(void *arg, const struct store_mo *mo);
int store_mo_claim(struct store *st, int max, store_mo_claim_fn *each,
		   store_claim_end_fn *end, void *arg);

/*
 * A concatenation reference for a multipart MT: a counter per destination
 * (so that two long messages to one phone never share one), recorded on
 * the MT so that a resubmission or another process reuses it.
 */
typedef void store_ref_fn(void *arg, int rc, int ref);
int store_mt_ref(struct store *st, const struct store_mt *mt,
		 store_ref_fn *cb, void *arg);

/*
 * A part of a multipart MO, kept until its siblings arrive (from any bind
 * or process). `key` names the message (reasm_key()), `part` is its
 * serialised content (reasm_part_encode()), `meta` the MO's addressing as
 * field/value pairs (stored with the first part). Outcomes: stored,
 * duplicate (ignored; also after the message was processed), conflict (a
 * different part with that number), or complete: the callback gets every
 * stored field (parts "p<seq>" and meta) as pairs, valid during the call.
 */
enum store_part_verdict {
	STORE_PART_STORED,
	STORE_PART_DUP,
	STORE_PART_CONFLICT,
	STORE_PART_COMPLETE,
};
typedef void store_part_fn(void *arg, int rc, enum store_part_verdict v,
			   const char *const *fields, int nfields);
int store_part_in(struct store *st, const char *msisdn, const char *key,
		  int seq, int total, const char *part,
		  const char *const *meta, int nmeta, int64_t deadline_ms,
		  store_part_fn *cb, void *arg);

/* Claims multipart MOs whose deadline passed (complete or not). */
typedef void store_cc_claim_fn(void *arg, const char *msisdn,
			       const char *key, const char *const *fields,
			       int nfields);
int store_cc_claim(struct store *st, int max, store_cc_claim_fn *each,
		   store_claim_end_fn *end, void *arg);

/* The parts of a message are processed: forget them, and treat a late
 * duplicate part as one (gateway.mo_dedup_window). */
int store_cc_consume(struct store *st, const char *msisdn, const char *key,
		     store_done_fn *cb, void *arg);

#endif
