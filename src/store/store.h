/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Store: everything citizengw keeps in Redis, behind one async API on the
 * process's event loop (hiredis + libevent). citizengw-ctl uses the same
 * records, keys and scripts synchronously (store_sync.h).
 *
 * Keys: store_keys.h (one place for every pattern). Records: record.h (one
 * field table per record). Scripts: lua/NAME.lua, embedded at build time,
 * called with named arguments (sent by position: lua/embed.sh); every key a script touches is in its KEYS
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
	char bc[STORE_ID_MAX];	/* its broadcast, "" = none */
	/* times a process was about to submit it (store_mt_submitting):
	 * more than one means an earlier owner may have sent it */
	int tries;
	/* a reply: when its MO was received (wall ms), for the MO->MT
	 * latency; not stored (0 for an MT read back from Redis) */
	int64_t mo_recv_ms;
	/* sent on another bind than `bind` named when it was queued or
	 * read back (sender.c): its record's bind is written again with
	 * its outcome, otherwise left as it is; not stored */
	bool bind_moved;
};

/* Addresses an MT the gateway itself starts (a staff message, a
 * broadcast, a notice) to mt->msisdn as the first bind addresses
 * subscribers: an SMS of priority prio, created at now. Its id, text and
 * expiry are the caller's. */
void store_mt_to_phone(struct store_mt *mt, const struct cgw_conf *c,
		       int prio, int64_t now);

/* A phone's profile (the fields the gateway reads). */
struct store_profile {
	char lang[8];		/* "": not chosen */
	bool optout;
	int lookup_fails;	/* failed lookups in the current window */
	int64_t lookup_blocked_until;	/* UTC ms; 0: never blocked */
	/* the reply limit's window (protect.replies_per_minute): SMS
	 * replies counted in it and its start (UTC ms), and the period
	 * (10^8 ms) the profile's expiry was last renewed in; mo_commit.lua
	 * keeps them, a lean commit (store_commit) reads them */
	int replies;
	int64_t replies_since;
	int renewed_period;
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

/* A broadcast (its record; the recipients live per shard). */
#define STORE_BC_COLS 32	/* variables per recipient */
struct store_bcast {
	char id[STORE_ID_MAX];
	char name[128];
	char tmpl[STORE_TEXT_MAX];	/* the template */
	char cols[1024];	/* variable names, separated by STORE_BC_SEP */
	char state[16];		/* loading, running, paused, cancelled, done,
				 * expired */
	int64_t created, schedule_at, expires_at, ended_at;	/* UTC ms */
	int rate;		/* messages per second, all processes */
	/* what creation found (store_bc_tally adds each part's) */
	int total;		/* recipients accepted */
	int duplicates, invalid;
	int opted_out;		/* at creation */
	int msgs, segs;		/* the cost: messages and segments, */
	int gsm7_msgs, gsm7_segs;	/* per encoding */
	int ucs2_msgs, ucs2_segs;
	int other_msgs, other_segs;
	char samples[4096];	/* JSON: the first recipients' texts */
};
#define STORE_BC_SEP '\x1f'	/* between variables of a recipient */

/* What became of a broadcast's recipients (the sum over shards). */
enum store_bc_count {
	STORE_BC_PENDING,	/* not yet queued */
	STORE_BC_QUEUED,	/* an MT waits to be sent */
	STORE_BC_SENT,
	STORE_BC_DELIVERED,
	STORE_BC_FAILED,
	STORE_BC_EXPIRED,
	STORE_BC_OPTED_OUT,
	STORE_BC_CANCELLED,
	STORE_BC_NCOUNTS
};
extern const char *const store_bc_count_names[STORE_BC_NCOUNTS];
struct store_bc_counts {
	long n[STORE_BC_NCOUNTS];
};

/* A procedure request for the back office (one stream entry). */
#define STORE_REQ_FIELDS 8
struct store_request {
	char ref[DOSSIER_CODE_MAX];	/* a reference, or an application's code */
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

#define STORE_FP_VALUE_MAX 160	/* what a fingerprint key holds */

struct store_mo_in_result {
	enum store_mo_verdict verdict;
	/* the earlier MO of the same fingerprint: STORE_MO_DUP, the original;
	 * STORE_MO_NEW, the one this repeats ("" when none) */
	char dup_of[STORE_ID_MAX];
	/* why a copy of it would be a re-delivery: "open" (still being
	 * processed), "unacked" (no copy known to be acknowledged in time),
	 * "link" (acknowledged on a connection that may have dropped); ""
	 * when acknowledged in time on a connection that stayed up */
	char why[16];
	char fp_prev[STORE_FP_VALUE_MAX];	/* STORE_MO_DUP: what the
						 * fingerprint held */
	struct store_session session;
	struct store_profile profile;
	bool dossier_asked;		/* a dossier key was given */
	bool dossier_found;
	struct dossier dossier;
	/* redis.wait_replicas > 0: the replicas that confirmed the record
	 * (WAIT) were fewer; the MO must not be acknowledged (ESME_RX_T_APPN),
	 * but it is recorded on the master and is processed as usual */
	bool unreplicated;
	int replicas;			/* WAIT's answer */
	/* store_mo_read: what the MO's fingerprint key held, "" nothing,
	 * when fp_read (its commit may then be lean, store_commit.fp_held);
	 * not read for an SMS with protect.replies_exact, nor for a USSD
	 * answer with ussd.sessions_exact */
	bool fp_read;
	char fp_held[STORE_FP_VALUE_MAX];
};

struct store_stats {
	unsigned long requests, errors, timeouts, reconnects;
};

typedef void store_state_fn(void *arg, bool ready);
/* The callback of an operation that returns nothing but its rc. */
typedef void store_done_fn(void *arg, int rc);

/*
 * Connects (and keeps reconnecting) to the Redis of `conf`. `instance`
 * names this process in MO ids. Returns NULL with a message on a fatal
 * setup error. The state callback runs on every ready <-> down change.
 * On each connection that gets ready, the store asks Redis for its
 * maxmemory settings and logs a warning when Redis may evict queued
 * messages (store_may_evict), or a notice when CONFIG is refused; and a
 * notice when its hash-max-listpack-value is below
 * STORE_LISTPACK_VALUE_MIN.
 */
struct store *store_new(struct event_base *base, const struct cgw_conf *conf,
			const char *instance, store_state_fn *state_cb,
			void *arg, char *err, size_t errlen);
/*
 * True when a Redis with this maxmemory (bytes; 0 = no limit) and
 * maxmemory-policy may evict keys the gateway needs: any limit with any
 * policy but "noeviction" (queued messages and sessions have TTLs, so the
 * volatile-* policies take them too).
 */
bool store_may_evict(const char *policy, long long maxmemory);
/*
 * The hash-max-listpack-value (bytes) Redis should have: a record with a
 * longer value is kept as a hash table, not a listpack, and takes about
 * 2.2 times the memory (an MO's reply record, its text 100 bytes: 1,184
 * bytes against 536). 256 holds one SMS in any encoding (160 GSM-7
 * characters, 70 UCS-2 characters as UTF-8).
 */
#define STORE_LISTPACK_VALUE_MIN 256
/* Disconnects; pending callbacks run with -ECANCELED. */
void store_free(struct store *st);
/*
 * The configuration st was made with changed in place (a reload): the
 * scripts that hold its values (store/script.h) are made again, and
 * those that changed loaded on the connection before any call that
 * names them. Returns 0 or a negative errno, the reason in err.
 */
int store_reload(struct store *st, char *err, size_t errlen);
bool store_ready(const struct store *st);
/* Why Redis is not ready ("connection refused", "connecting", ...), or ""
 * when it is; valid until the next event of the loop. */
const char *store_down_reason(const struct store *st);
const struct store_stats *store_stats(const struct store *st);

/*
 * Liveness of gateway processes (claim.lua): every claim is a heartbeat of
 * this process in its shard's P:{sN}:live, and an entry leased to a
 * process whose heartbeat stopped is claimed at once instead of when its
 * lease runs out. The gateway claims every STORE_LIVE_BEAT_MS; a process
 * is taken for gone STORE_LIVE_TTL_MS after the send time of its last
 * heartbeat. The margin: a process whose requests reach Redis up to
 * 2 beats late (a slow Redis, a busy loop) and that misses one more tick
 * still renews before its TTL runs out, with a second to spare for clock
 * skew between hosts (times are the clients' clocks). So a SIGKILLed
 * process's leases are taken over 4-5 s after the kill.
 */
#define STORE_LIVE_BEAT_MS 1000
#define STORE_LIVE_TTL_MS (4 * STORE_LIVE_BEAT_MS)
/* This process run's owner token ("<instance>@<start ms, hex>"): what the
 * records it leases name as their holder. A restarted process is a new
 * owner, so the leases of the run that died are taken over. */
const char *store_owner(const struct store *st);

/* Fresh unique MO id ("<ms>-<instance>-<n>"). */
void store_new_mo_id(struct store *st, char *out, size_t outlen);
/* Shard index of a phone. */
unsigned store_shard(const struct store *st, const char *msisdn);

/*
 * Round trip 1 of an MO: records it unless it is a re-delivery, reads the
 * sender's session and profile, and (when dossier_key is not NULL) the
 * dossier, pipelined. `reread`: the MO is recorded already (recovery).
 * live: the tokens (store_fp_ack.conn) of this process's connections that
 * are up, separated by spaces: an MO acknowledged on one of them was not
 * lost with its connection. A copy of an earlier MO (same fingerprint,
 * within gateway.mo_dedup_window) is a re-delivery when that MO is still
 * open, was not acknowledged in time, or was acknowledged on a connection
 * neither live nor known to have stayed up (mo_in.lua); a new USSD dial or
 * SMS MENU only in the first case, a USSD answer where a menu waits never.
 * With redis.wait_replicas, a WAIT follows in the same pipeline (not for a
 * reread) and res->unreplicated says when too few replicas confirmed it
 * within redis.wait_timeout. WAIT holds the one connection while it waits:
 * the store's other requests queue behind it that long. ack (not NULL,
 * not with reread): the acknowledgement about to go out, on ack->conn:
 * the MO's fingerprint is written in its form (store_fp_ack) already,
 * for ack->at (the MO's received time, also its time here); the commit
 * puts it back (store_commit.unmark) if it does not go out in time.
 */
struct store_fp_ack;
typedef void store_mo_in_fn(void *arg, int rc,
			    const struct store_mo_in_result *res);
int store_mo_in(struct store *st, const struct store_mo *mo, bool reread,
		const char *dossier_key, const char *live,
		const struct store_fp_ack *ack, store_mo_in_fn *cb, void *arg);

/*
 * Round trip 1 of an MO stored in one call (store_commit.record): reads
 * its sender's session and profile and, dossier_key not NULL, that
 * dossier, with plain commands; records nothing. The result's verdict is
 * STORE_MO_NEW.
 */
int store_mo_read(struct store *st, const struct store_mo *mo,
		  const char *dossier_key, store_mo_in_fn *cb, void *arg);

/*
 * How a copy of an MO was acknowledged, kept in its fingerprint
 * (fp_ack.lua): status 0 sent within gateway.mo_ack_timeout of its
 * deliver_sm, on connection `conn` (a token of the process's run, the
 * bind and the connection: no space); `at`, the copy's received time (UTC
 * ms), tells marks apart.
 */
struct store_fp_ack {
	const char *msisdn;	/* the sender: the shard */
	const char *fp;		/* the fingerprint */
	const char *mo_id;	/* the MO the fingerprint names */
	int64_t at;
	const char *conn;
};

/*
 * Marks a fingerprint with a re-delivery acknowledged in time, only when
 * it still holds `expect` (the fp_prev mo_in found). cb may be NULL.
 */
int store_fp_ack(struct store *st, const struct store_fp_ack *a,
		 const char *expect, store_done_fn *cb, void *arg);

/*
 * The acknowledgement a record-mode commit marked (store_commit.mark) did
 * not go out in time: the fingerprint, if it still holds that mark, names
 * the MO plainly (fp_unmark.lua). cb may be NULL.
 */
int store_fp_unmark(struct store *st, const struct store_fp_ack *a,
		    store_done_fn *cb, void *arg);

/*
 * Connection conn (store_fp_ack.conn) is bound now: every MO received on
 * it at or before `upto` (UTC ms; now less twice gateway.mo_ack_timeout)
 * and acknowledged in time kept its connection mo_ack_timeout after its
 * response, and a copy of it is not a re-delivery (mo_in.lua). Written in every shard (the key each shard's scripts
 * read), to live ttl_ms.
 */
int store_conn_up(struct store *st, const char *conn, int64_t upto,
		  int64_t ttl_ms);

/* --- applications (store_app.c) ------------------------------------------- */

/* An application to file as a dossier. */
struct store_filing {
	const struct dossier *d;	/* all but code, key and filed_by */
	const char *msisdn;		/* who files it */
	const char *proc;		/* procedure id */
	const char *agency;		/* agency code of its dossier code */
	const char *mo_id;		/* the MO that files it */
	int day;			/* local day filed (its code's YYMMDD) */
	int64_t claim_until;		/* ms: the day's claim lasts this long */
};

/*
 * Files an application: the code the phone got for this procedure on
 * this day (the same phone applying twice gets the first code), or a new
 * one, AGENCY-YYMMDD-NNNN with the day's next number of the agency (one
 * counter in Redis for every process; a number an imported dossier
 * already has is skipped), and its dossier, created once, listed in the
 * shard's applications and kept STORE_APP_KEEP_S. d is the dossier as
 * stored; again is true when an earlier MO filed it. rc -ERANGE: the
 * day's numbers are used up (9999); else a Redis error (the MO stays
 * for recovery).
 */
typedef void store_filing_fn(void *arg, int rc, const struct dossier *d,
			     bool again);
int store_app_file(struct store *st, const struct store_filing *f,
		   store_filing_fn *cb, void *arg);

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
	STORE_COMMIT_CONFLICT,	/* session changed: session holds it */
	STORE_COMMIT_GONE,	/* the MO was answered already */
	STORE_COMMIT_DUP,	/* record mode: a re-delivery, nothing
				 * written (dup_of, why, fp_prev) */
	STORE_COMMIT_RACED,	/* a lean commit found the fingerprint
				 * changed since it was read (fp_prev: what
				 * it held), or the MO it repeats open:
				 * what it wrote is taken back
				 * (store_commit_unwrite) and it is
				 * committed again by the script */
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
	/* UTC ms until which req's number stands for it: the same
	 * number again before then is not recorded twice */
	int64_t req_until;
	const char *mo_state;	/* NULL: "answered"; "": its record deleted */
	/* the MO's fingerprint as store_mo_in wrote it for an
	 * acknowledgement that did not go out in time after all (at, conn),
	 * conn "*" for any connection (a recovered MO, at its received
	 * time): it is put back to the plain id (a copy is a re-delivery);
	 * NULL: left alone */
	const struct store_fp_ack *unmark;
	/*
	 * Record mode, the one-call MO (gw.c): the MO was not recorded
	 * (store_mo_read read for it); it is stored here, closed, in the
	 * same transaction (MULTI, its record and mt's, the script, EXEC).
	 * The session's version is checked first; then its
	 * fingerprint is judged as store_mo_in judges it (live as
	 * there) and marked with `mark`, the acknowledgement about to go
	 * out (NULL: the plain id), which store_fp_unmark takes back if it
	 * does not go out in time. Not for an MO that starts over (a USSD
	 * dial, SMS MENU), a multipart one or redis.wait_replicas > 0.
	 */
	bool record;
	const char *live;
	const struct store_fp_ack *mark;
	/* an SMS reply that takes an open menu session a valid step on:
	 * not counted against protect.replies_per_minute */
	bool reply_uncounted;
	bool lookup_failed;
	const char *set_lang;			/* NULL: unchanged */
	int optout;				/* -1 unchanged, 0 in, 1 out */
	/*
	 * Record mode: what the fingerprint's key held when store_mo_read
	 * read it ("" nothing; NULL not read) and `profile`, what it read of
	 * the phone's profile. A commit that then needs no judgement of
	 * Redis's is lean: plain commands in the transaction, no script
	 * (docs/performance.md: Redis's instructions per SMS lookup 236 K ->
	 * 143 K). That is: the fingerprint free, or the mark of a copy
	 * acknowledged in time on a connection of `live` (a citizen asking
	 * again: answered, dup_of names it); no session to check (none read,
	 * or kept), or a USSD answer's step (not with ussd.sessions_exact);
	 * no request, SMS copy, language, opt-out or failed lookup; under the
	 * reply limit as read. Its fingerprint goes in by SET ... GET, a
	 * USSD step's session by HGETALL (what was there), DEL, HSET: found
	 * otherwise than read (a copy of the MO in between; another MO's
	 * step), or the copy it repeats still open, STORE_COMMIT_RACED.
	 */
	const char *fp_held;
	const struct store_profile *profile;
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
/* a lean commit counted its reply in the profile (rln): of
 * STORE_COMMIT_RACED, for store_commit_unwrite */
#define STORE_COMMIT_COUNTED 8u
/* a lean commit stepped the session: of STORE_COMMIT_RACED, with the
 * session it found (store_commit_result.session), put back by
 * store_commit_unwrite */
#define STORE_COMMIT_SESSION 16u
struct store_commit_result {
	enum store_commit_verdict verdict;
	unsigned flags;			/* of STORE_COMMIT_OK; of RACED,
					 * STORE_COMMIT_COUNTED */
	/* record mode, as in store_mo_in_result: STORE_COMMIT_DUP, the
	 * original, why and what the fingerprint held; STORE_COMMIT_OK, the
	 * MO this repeats ("" when none) and why a copy of it would have
	 * been a re-delivery but for a menu waiting ("" when none);
	 * STORE_COMMIT_RACED, what the fingerprint held (fp_prev) */
	char dup_of[STORE_ID_MAX];
	char why[16];
	char fp_prev[STORE_FP_VALUE_MAX];
	struct store_session session;	/* STORE_COMMIT_CONFLICT: the
					 * current one; RACED with
					 * STORE_COMMIT_SESSION, the one the
					 * lean step replaced (version 0:
					 * none) */
	uint64_t stepped;		/* RACED with STORE_COMMIT_SESSION:
					 * the version the step wrote */
};
/* res is NULL when rc < 0; -EPROTO: record mode, the transaction wrote
 * the MO's and the reply's records but its script (or a command of a
 * lean commit) failed: nothing else is done, and what it wrote must go
 * (store_commit_unwrite) before the MO is refused, or the copy the SMS
 * centre delivers again would be stored twice, or taken for a
 * re-delivery. */
typedef void store_commit_fn(void *arg, int rc,
			     const struct store_commit_result *res);
int store_commit(struct store *st, const struct store_commit *c,
		 store_commit_fn *cb, void *arg);
/*
 * Takes back what a record-mode commit of MO mo with reply mt_id (NULL or
 * "": none) wrote: its records and the reply's queue entry; with
 * STORE_COMMIT_COUNTED in flags, the reply's count in the profile; its
 * fingerprint, back to fp_prev (not "") for dedup_window, or else deleted
 * if it names mo (fp_forget.lua). For a commit that failed (-EPROTO
 * above: flags 0, fp_prev NULL, or what a lean commit before it raced
 * against; a count made stays, a reply fewer that minute) or raced
 * (STORE_COMMIT_RACED: its flags and fp_prev), or again after such a
 * takeback failed (STORE_COMMIT_SESSION only: a count it may have taken
 * back already stays). With STORE_COMMIT_SESSION, the session: if it
 * still holds the lean step's version `stepped`, it is put back as
 * `found` was (none if found->version is 0), its version made newer than
 * both, so that an MO that read the step conflicts (sess_restore.lua;
 * a no-op once done, so a retry may repeat it).
 */
struct store_sess_undo {
	const struct store_session *found;
	uint64_t stepped;
};
int store_commit_unwrite(struct store *st, const struct store_mo *mo,
			 const char *mt_id, unsigned flags,
			 const char *fp_prev,
			 const struct store_sess_undo *sess,
			 store_done_fn *cb, void *arg);

/*
 * Records the outcome of an MT: state "sent" (every part accepted: the SMS
 * centre's message id of each part as written, and its canonical form,
 * under which receipts find it, "" when unusable), "failed" (with the
 * status) or "expired"; removes it from the queue. nparts may be 0 for a
 * failure.
 */
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


/* --- dossiers and their notices (store_notice.c) ------------------------- */

/*
 * Replaces a dossier in one step. When it existed with another status its
 * revision goes up and, with notify, it waits in its shard's notice outbox
 * until a gateway process sends the notice (store_notice_claim).
 */
struct store_dossier_put_result {
	bool created;		/* it did not exist */
	bool changed;		/* it existed with another status */
	int old_status;		/* 0 when created */
	int rev;		/* its revision now */
};
typedef void store_dossier_put_fn(void *arg, int rc,
				  const struct store_dossier_put_result *res);
int store_dossier_put(struct store *st, const struct dossier *d, bool notify,
		      store_dossier_put_fn *cb, void *arg);


/*
 * Leases up to max waiting notices per shard: each(dossier, rev) per
 * notice: the dossier as it is now, but with the status whose notice is
 * due (a later change staff sent without notify does not replace it),
 * and the revision it was due for; then end. A notice left unfinished
 * (its process died) comes back after `lease` ms.
 */
typedef void store_notice_fn(void *arg, const struct dossier *d, int rev);
int store_notice_claim(struct store *st, int max, int64_t lease,
		       store_notice_fn *each, store_claim_end_fn *end,
		       void *arg);

/*
 * Queues a notice MT (text in Vietnamese) unless the phone opted out or
 * the MT exists (one notice per dossier revision); text_en replaces the
 * text for a phone whose language is English (lang: the language of a
 * phone without one). verdict: "queued", "exists", "opted_out".
 */
typedef void store_verdict_fn(void *arg, int rc, const char *verdict);
int store_notice_queue(struct store *st, const struct store_mt *mt,
		       const char *text_en, const char *lang,
		       store_verdict_fn *cb, void *arg);
/* The notice of revision rev was queued: it leaves the outbox unless the
 * status changed again. */
int store_notice_done(struct store *st, const char *dossier_key, int rev,
		      store_done_fn *cb, void *arg);

/* A phone's profile (language, opt-out, lookup block). */
typedef void store_profile_fn(void *arg, int rc,
			      const struct store_profile *p);
int store_profile_get(struct store *st, const char *msisdn,
		      store_profile_fn *cb, void *arg);

/* An MT by id, whatever its shard: found=false when there is none. */
typedef void store_mt_found_fn(void *arg, int rc, bool found,
			       const struct store_mt *mt,
			       const char *const *pairs, size_t npairs);
int store_mt_find(struct store *st, const char *id, store_mt_found_fn *cb,
		  void *arg);

/* A count or a number a request answers with. */
typedef void store_count_fn(void *arg, int rc, long n);

/* The dossier's notice once more, as a new revision: n is that revision,
 * 0 when there is no such dossier. */
int store_notice_again(struct store *st, const char *dossier_key,
		       store_count_fn *cb, void *arg);

/*
 * A process is about to submit an MT: counts the try (and remembers the
 * first time). tries > 1 means an earlier owner was about to submit it
 * and died: the MT is marked a possible duplicate.
 */
int store_mt_submitting(struct store *st, const struct store_mt *mt,
			store_count_fn *cb, void *arg);

/* --- the TPS cap of an SMSC account (store_tps.c) -------------------------- */

/* How long an account's schedule outlives its last lease (ms). */
#define STORE_TPS_KEEP_MS 10000

/*
 * Leases up to `want` send slots of SMSC account `account`, capped at
 * `rate` per second across every process that leases from it (see
 * tps_lease.lua): n > 0 slots, the first first_us from the answer, the
 * others every_us apart (1/rate, the smallest rate any process asks for),
 * each to be spent at its time and dropped a slice (slice_ms) after it;
 * n == 0: none before the slice ends, ask again in first_us. -EINVAL for
 * a rate, want or slice <= 0.
 */
typedef void store_tps_fn(void *arg, int rc, long n, long first_us,
			  long every_us);
int store_tps_lease(struct store *st, const char *account, int rate,
		    int want, int slice_ms, store_tps_fn *cb, void *arg);

/* --- broadcasts (store_bcast.c) -------------------------------------------- */

/* A new broadcast, state "loading" until store_bc_start. */
int store_bc_begin(struct store *st, const struct store_bcast *b,
		   store_done_fn *cb, void *arg);
/*
 * Adds recipients in one shard: pairs of msisdn and their variables
 * (joined by STORE_BC_SEP). A phone listed before is a duplicate; a phone
 * that opted out is added (it may opt in again before its turn) and
 * named. dups, optouts: those phones, valid during the callback.
 */
struct store_bc_added {
	long added, duplicates, opted_out;
	const char *const *dups;
	const char *const *optouts;
};
typedef void store_bc_added_fn(void *arg, int rc,
			       const struct store_bc_added *res);
int store_bc_add(struct store *st, const char *id, unsigned shard,
		 const char *const *pairs, int npairs, store_bc_added_fn *cb,
		 void *arg);
/*
 * Adds what a part of the recipients brought to the record: total,
 * duplicates, invalid, opted_out and the cost fields of t; its samples
 * and cols only when the record has none yet.
 */
int store_bc_tally(struct store *st, const struct store_bcast *t,
		   store_done_fn *cb, void *arg);
/* Every recipient is in: the broadcast running (from schedule_at) and
 * listed. */
/* A broadcast expires at most this long after it is created (its record
 * is then kept rec_bcast.ttl_s more, and its index entry as long). */
#define STORE_BC_MAX_LIFE_MS (90LL * 24 * 3600 * 1000)
int store_bc_start(struct store *st, const struct store_bcast *b,
		   store_done_fn *cb, void *arg);
/* Removes a broadcast that was not started (a dry run, a failure). */
int store_bc_discard(struct store *st, const char *id, store_done_fn *cb,
		     void *arg);

/* One broadcast with its counters summed over shards. */
typedef void store_bc_fn(void *arg, int rc, bool found,
			 const struct store_bcast *b,
			 const struct store_bc_counts *c);
int store_bc_get(struct store *st, const char *id, store_bc_fn *cb,
		 void *arg);
/* The ids of the newest `max` broadcasts, newest first. */
typedef void store_ids_fn(void *arg, int rc, const char *const *ids, int n);
int store_bc_list(struct store *st, int max, store_ids_fn *cb, void *arg);
/* The broadcasts the dispatchers look at. */
int store_bc_active(struct store *st, store_ids_fn *cb, void *arg);
/* Drops an id from the active set (it ended). */
int store_bc_retire(struct store *st, const char *id, store_done_fn *cb,
		    void *arg);

/*
 * A state change: "pause", "resume", "cancel", "done", "expire".
 * verdict "ok" (state is the new one), "conflict" (state: the current
 * one, which does not allow it) or "gone". A final state also drops the
 * not yet sent recipients (counted cancelled / expired) and the id from
 * the active set.
 */
typedef void store_bc_state_fn(void *arg, int rc, const char *verdict,
			       const char *state);
int store_bc_action(struct store *st, const char *id, const char *action,
		    store_bc_state_fn *cb, void *arg);

/* How many of `want` messages the broadcast's rate allows now. */
int store_bc_tokens(struct store *st, const char *id, long want,
		    store_count_fn *cb, void *arg);
/*
 * Takes up to max recipients of one shard (leased to this process):
 * pairs msisdn, variables.
 */
typedef void store_pairs_fn(void *arg, int rc, const char *const *pairs,
			    int npairs);
int store_bc_take(struct store *st, const char *id, unsigned shard, int max,
		  int64_t lease, store_pairs_fn *cb, void *arg);
/* Queues a taken recipient's MT leased to this process (queued=0: it
 * existed, another process queued it). */
int store_bc_queue(struct store *st, const struct store_mt *mt,
		   store_count_fn *cb, void *arg);

/* One recipient of a broadcast, for its report. */
struct store_bc_row {
	const char *msisdn;
	const char *vars;	/* joined by STORE_BC_SEP */
	const char *result;	/* why no MT ("opted_out"), or "" */
	bool has_mt;
	struct store_mt mt;
	const char *state, *dlr_stat, *dlr_err;
	int64_t done_at, sub_at, dlr_at;
	bool dup;
};
/* A page of the report of one shard: rows, then the cursor of the next
 * page ("0" when this was the last). */
typedef void store_bc_rows_fn(void *arg, int rc, const struct store_bc_row
			      *rows, int n, const char *next);
int store_bc_report(struct store *st, const char *id, unsigned shard,
		    const char *cursor, int count, store_bc_rows_fn *cb,
		    void *arg);


/* --- for staff and operators (store_staff.c) --------------------------------- */

/* Entries waiting, summed over shards. */
struct store_depths {
	long replies;		/* MTs in outq */
	long broadcast;		/* MTs in bcq */
	long open_mos;		/* MOs acknowledged, not yet answered */
	long notices;		/* dossiers whose notice waits */
};
typedef void store_depths_fn(void *arg, int rc, const struct store_depths *d);
int store_depths(struct store *st, store_depths_fn *cb, void *arg);

/* A PING round trip (deadline redis.timeout, as every request; a shorter
 * one would drop the connection the rest of the process uses): rc 0 when
 * Redis answered PONG in time (the health check). */
int store_ping(struct store *st, store_done_fn *cb, void *arg);

/*
 * The newest procedure requests recorded between since and until (UTC ms,
 * inclusive), at most max per shard, as stream entries: ms of the entry
 * and its fields (pairs), newest first within a shard.
 */
struct store_entry {
	int64_t ms;
	const char *const *pairs;
	size_t npairs;
};
typedef void store_entries_fn(void *arg, int rc, const struct store_entry *e,
			      int n);
int store_requests(struct store *st, int64_t since, int64_t until, int max,
		   store_entries_fn *cb, void *arg);

/* --- dossiers and applications for staff (store_staff.c) ------------------- */

/*
 * A dossier as staff see it: the record with its application's fields,
 * its status revision, when it was filed (an application: its score in
 * the shard's applications index; 0 otherwise) and when Redis drops it
 * (0: kept until deleted).
 */
struct store_dossier_view {
	struct dossier d;
	int rev;
	int64_t filed_ms;	/* UTC ms */
	int64_t expires_ms;	/* UTC ms */
};
/* found=false when there is no such dossier; v valid during the call. */
typedef void store_view_fn(void *arg, int rc, bool found,
			   const struct store_dossier_view *v);
int store_dossier_view(struct store *st, const char *dossier_key,
		       store_view_fn *cb, void *arg);

/*
 * A new status for a dossier, without replacing it (script
 * dossier_status): its other fields, its application's and its time to
 * live stay; the reason (checked by the caller, dossier_reason_check) is
 * set, or cleared when "". A status other than the one it had bumps the
 * revision and, with notify, puts the notice in the outbox (as
 * store_dossier_put). The same status again changes only the reason.
 */
struct store_status_set {
	const char *dossier_key;
	int status;		/* 1..10 */
	const char *reason;	/* "" clears it */
	bool notify;
};
struct store_status_result {
	bool found;		/* false: no such dossier, nothing written */
	bool changed;		/* the status was another one */
	int old_status;
	struct store_dossier_view view;	/* the dossier after the change */
};
typedef void store_status_fn(void *arg, int rc,
			     const struct store_status_result *res);
int store_dossier_status(struct store *st, const struct store_status_set *s,
			 store_status_fn *cb, void *arg);

/*
 * The applications citizens filed, newest first, over every shard: filed
 * between since and until (UTC ms, inclusive), of status (0: any) and
 * procedure app (NULL or "": any), at most limit (1..STORE_APPS_MAX). A
 * shard's index is walked at most STORE_APPS_SCAN entries deep per
 * request: more=true when that cut the walk short (older matches may
 * exist). An entry whose dossier expired is left out.
 */
#define STORE_APPS_MAX 500
#define STORE_APPS_SCAN 5000
struct store_app_filter {
	int64_t since, until;
	int status;
	const char *app;
	int limit;
};
struct store_app_list {
	struct store_dossier_view *v;	/* newest first */
	int n;
	bool more;
};
/* list valid during the call (empty on an error). */
typedef void store_apps_fn(void *arg, int rc, const struct store_app_list *l);
int store_apps_list(struct store *st, const struct store_app_filter *f,
		    store_apps_fn *cb, void *arg);

#endif
