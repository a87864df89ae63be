/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internal to src/store: the argument builder every command is written
 * with, the commands the async store (the daemon) and the sync store
 * (citizengw-ctl) share, reply reading, and the async request machinery
 * of store.c that the operation files (store_mo.c, store_mt.c,
 * store_cc.c) use.
 */
#ifndef CGW_STORE_INT_H
#define CGW_STORE_INT_H

#include <event2/event.h>
#include <event2/event_struct.h>
#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include "store/lua_scripts.h"
#include "store/record.h"
#include "store/script.h"
#include "store/store.h"
#include "store/store_keys.h"

/* --- arguments of one command (store_cmd.c) ------------------------------ */

#define ARGV_MAX 512

/* Room before the first argument for the count, "*512\r\n" at most. */
#define ARGV_HEAD 16

/* A script's declared arguments, and the bytes of their values. */
#define ARGV_NAMED_MAX 32
#define ARGV_NAMED_BYTES 16384

/*
 * Strings are copied into an arena; one that does not fit marks the whole
 * command overflowed, and it is not sent. The arena holds the command as
 * Redis reads it (RESP, as hiredis would format it: "$len\r\n" data
 * "\r\n" per argument, the "*n\r\n" before them written by arg_resp()),
 * so that the daemon sends it without formatting it again: hiredis's
 * formatting was a fifth of the daemon's instructions. v[i] and l[i]
 * name argument i's bytes, which are not NUL-terminated.
 *
 * A script's arguments go positionally (src/store/lua/embed.sh): its
 * named arguments, given in any order, wait in named[] and go, in the
 * order the script declares them, between the keys and the groups when
 * the command is finished (arg_resp(), arg_finish()). A name the script
 * does not declare, one given twice, one missing or a group given in two
 * pieces is a programming error: the command is marked overflowed, with
 * the reason in why.
 */
struct argv {
	int n;
	const char *v[ARGV_MAX];
	size_t l[ARGV_MAX];
	char arena[ARGV_HEAD + 65536 + ARGV_MAX * 16];
	size_t used;
	bool overflow;
	const char *why;	/* overflow's reason, when not size */
	/* the script being written, NULL for a plain command */
	const struct lua_script *script;
	/* the scripts' SHA1s as this process runs them (store/script.h);
	 * kept across arg_reset */
	const struct script_set *scripts;
	int nfixed;		/* arguments up to its last key */
	bool finished;
	struct {
		size_t off, len;	/* in named_bytes, RESP */
		size_t head;		/* of len, the "$n\r\n" */
		bool set;
	} named[ARGV_NAMED_MAX];
	char named_bytes[ARGV_NAMED_BYTES];
	size_t named_used;
	int named_next;		/* the slot after the last one given */
	/* the group being written: its name, entries so far; and the names
	 * of the groups written before it (each must be whole) */
	char grp[16];
	int grp_n;
	char grp_done[8][16];
	int ngrp_done;
};

void arg_reset(struct argv *a);
/* The command in RESP, *len bytes, valid until the next arg_reset();
 * finishes a script's arguments first (arg_finish()). */
const char *arg_resp(struct argv *a, size_t *len);
/* Why a's command is not sent ("command too large", or the wrong
 * arguments and the script's name), into buf. */
const char *arg_why(const struct argv *a, char *buf, size_t len);
/* A script's named arguments put in place and its last group closed; v
 * and l are then the whole command (the sync store sends them). Once. */
void arg_finish(struct argv *a);
void arg_put(struct argv *a, const char *s, size_t len);
void arg_s(struct argv *a, const char *s);
void arg_i(struct argv *a, long long v);
/* A named argument of a script (one its --! ARGV declares): name,
 * value. */
void arg_kv(struct argv *a, const char *k, const char *v);
void arg_ki(struct argv *a, const char *k, long long v);
/* EVALSHA of script id with its keys: keys[i] is the key the script names
 * lua_scripts[id].keys[i]; every one must be given, but for a last few
 * the script declares optional (--! KEYS ... ?name), NULL when the call
 * needs none of them. */
void arg_script(struct argv *a, enum lua_script_id id,
		const char *const *keys);
/* The C-written fields of a record as the script's group grp (A.mt:
 * "text", value ...). */
void arg_record(struct argv *a, const struct rec_def *def, const char *grp,
		const void *obj);
/* The C-written fields of a record as a plain command's arguments
 * (an HSET's: "text", value ...). */
void arg_fields(struct argv *a, const struct rec_def *def, const void *obj);
/* One more field of group grp (the script's list A.grp: "sess",
 * "x:topic"); a group's fields are given together. */
void arg_group(struct argv *a, const char *grp, const char *field,
	       const char *value);

/* A dossier as the group "dossier", its application's fields as "f:"
 * ones. */
void arg_dossier(struct argv *a, const struct dossier *d);

/* --- commands both stores send (store_cmd.c) ----------------------------- */

/* Replaces a dossier in one step (script dossier_put); a status change
 * goes to the notice outbox when notify. */
void cmd_dossier_put(struct argv *a, const struct store_keys *k,
		     const struct dossier *d, bool notify, int64_t now);
/* Queues an MT ready at ready_ms (script mt_queue). */
void cmd_mt_queue(struct argv *a, const struct store_keys *k,
		  const struct store_mt *mt, int64_t ready_ms);
/* HGETALL key: a whole record. */
void cmd_hgetall(struct argv *a, const char *key);
/* HGETALL of a dossier. */
void cmd_dossier_get(struct argv *a, const struct store_keys *k,
		     const char *dossier_key);
/* A new status (and reason) for a dossier: script dossier_status. */
void cmd_dossier_status(struct argv *a, const struct store_keys *k,
			const struct store_status_set *s, int64_t now);
/* When an application was filed: ZSCORE in its shard's index. */
void cmd_app_filed(struct argv *a, const struct store_keys *k,
		   const char *dossier_key);
/* A dossier's time to live: PTTL. */
void cmd_dossier_pttl(struct argv *a, const struct store_keys *k,
		      const char *dossier_key);
/* One shard's applications that pass f: script apps_list. */
void cmd_apps_list(struct argv *a, const struct store_keys *k, unsigned shard,
		   const struct store_app_filter *f);

/* --- Redis Sentinel (store_cmd.c) ----------------------------------------- */

/* Each sentinel's connection and answer may take this long (ms): the
 * daemon asks them from its event loop, only while Redis is away. */
#define SENTINEL_TIMEOUT_MS 300

/*
 * Asks the sentinels of c (redis.sentinels), in turn from index first,
 * for the address of the master named redis.master_name (SENTINEL
 * get-master-addr-by-name), blocking at most timeout_ms per sentinel.
 * 0 with host, port and the index of the sentinel that answered in
 * *which; -EHOSTUNREACH with every sentinel's reason in err.
 */
int sentinel_master(const struct cgw_conf *c, int first, int timeout_ms,
		    char *host, size_t hostlen, int *port, int *which,
		    char *err, size_t errlen);
/* True when r, the answer to ROLE, says "master". */
int role_is_master(const redisReply *r);

/* --- replies ---------------------------------------------------------------- */

/* The value of a field in a HGETALL-style array reply, or NULL. */
const redisReply *reply_field(const redisReply *h, const char *field);
/* Fills a record from a HGETALL-style reply (defaults for what is
 * missing). Returns false when the reply is not a non-empty array. */
bool reply_record(const redisReply *h, const struct rec_def *def, void *obj);
/*
 * The strings of an array reply as owned copies (a non-string element is
 * ""), NULL-terminated: 0, -EIO (not an array) or -ENOMEM (nothing
 * kept). Free them with strings_free().
 */
int reply_strings(const redisReply *r, char ***out, size_t *n);
void strings_free(char **v, size_t n);
/* A session from its hash (x:<name> fields become variables). */
void reply_session(const redisReply *h, struct store_session *s);
/* A dossier from its hash, with its application fields ("f:" ones).
 * false when there is no such dossier. */
bool reply_dossier(const redisReply *h, struct dossier *d);
/* A profile from its hash; blocked is decided by the caller's clock. */
void reply_profile(const redisReply *h, struct store_profile *p);

/* The parts of a store_dossier_view, one per reply: the dossier's hash
 * (false when there is none; v is cleared first), the ZSCORE of
 * cmd_app_filed and the PTTL of cmd_dossier_pttl (read at now). */
bool reply_view_hash(const redisReply *h, struct store_dossier_view *v);
void reply_view_filed(const redisReply *r, struct store_dossier_view *v);
void reply_view_ttl(const redisReply *r, int64_t now,
		    struct store_dossier_view *v);
/* The answer of dossier_status into res (found, changed, old_status):
 * 0, or -EIO when it is not one. */
int reply_status(const redisReply *r, struct store_status_result *res);

/*
 * The applications of several shards' apps_list answers, gathered: the
 * newest `limit` are kept (sorted once every answer is in). Owns l.v.
 */
struct app_gather {
	struct store_app_list l;
	int cap, limit;
};
/* One shard's answer: 0, -EIO (not an answer of apps_list), -ENOMEM. */
int app_gather_add(struct app_gather *g, const redisReply *r);
/* Newest first, cut to limit. */
void app_gather_end(struct app_gather *g);
void app_gather_free(struct app_gather *g);

/* --- async requests (store.c) ---------------------------------------------- */

struct sreq;
typedef void sreq_reply_fn(struct sreq *rq, int idx, const redisReply *r);
typedef void sreq_done_fn(struct sreq *rq, int rc);

struct sreq_slot {
	struct sreq *rq;
	int idx;
};

/* Slots a request holds in itself: round trip 1 sends 4 commands, the
 * one-call MO's commit 7, or 9 to 12 lean (store_commit), most requests
 * 1; a request of more takes them from calloc. */
#define SREQ_SLOTS_INLINE 12

/*
 * A request: one or more pipelined commands, one callback. Requests come
 * from a pool in the store, with their timer and slots in them, so that
 * one costs no malloc.
 */
struct sreq {
	struct store *st;
	struct event timer;	/* the deadline */
	int pending;		/* replies not yet received */
	bool finished;		/* on_done ran */
	LIST_ENTRY(sreq) entry;	/* the store's live requests */
	struct sreq_slot *slots;	/* slots_inline, or from calloc */
	struct sreq_slot slots_inline[SREQ_SLOTS_INLINE];
	int rc;			/* first error, 0 */
	sreq_reply_fn *on_reply;	/* each reply (not errors) */
	sreq_done_fn *on_done;		/* once, at the end */
	void *cb;		/* the caller's callback, typed by op */
	void *arg;
	void *each;		/* per-item callback of claims */
	void *ctx;		/* the op's own state: freed with the request */
	int ctx_class;		/* its pool in the store (sreq_open), -1:
				 * from malloc */
	int64_t start_us;	/* monotonic: the round trip's histogram */
};

/*
 * An error reply to one of rq's commands, or inside one (an element of
 * EXEC's): logged, rq failed with -EIO, and the connection dropped to be
 * made again where the error says it must (NOSCRIPT, READONLY).
 */
void sreq_error(struct sreq *rq, const redisReply *reply);

/* An MT leaves its queue k_q (ZREM), command 0 of rq: first, so that
 * commands cut short leave it out of the queue, not sent again (a plain
 * outcome, store_mt.c; a commit's records taken back, store_mo.c). */
void store_send_unqueue(struct sreq *rq, struct argv *a, const char *k_q,
			const char *id);

/*
 * The fingerprint's mark as lib/fp_mark.lua makes it, "a <at> <conn> 0
 * <id>" (the acknowledgement `mark` about to go out; NULL or conn "": the
 * plain id), into out; C writes it for a lean commit (store_mo.c), the
 * Lua library reads, judges and takes it back (t21d checks one with
 * fp_unmark.lua).
 */
void store_fp_mark(const struct store_fp_ack *mark, const char *id,
		   char *out, size_t len);
/*
 * fp_mark.lua's fp_judge, its first case: whether fingerprint value v is
 * a mark of a copy acknowledged in time on a connection still up (one of
 * `live`, tokens separated by spaces; or an up-1 mark), so that another
 * copy is a citizen asking again unless that MO is still open. Its MO's
 * id then at *id (not terminated; *idlen < STORE_ID_MAX). Anything else
 * (a plain id, another process's connection, not a mark): false.
 */
bool store_fp_mark_live(const char *v, const char *live, const char **id,
			size_t *idlen);

/* The store's keys, conf and instance, for the operation files. */
const struct store_keys *store_keyctx(const struct store *st);
const struct cgw_conf *store_conf(const struct store *st);

/*
 * A new request of ncmds commands with a deadline (redis.timeout), or NULL
 * (-ENOMEM). ctx (may be NULL) is the op's state, freed with the request.
 */
struct sreq *sreq_new(struct store *st, int ncmds, sreq_reply_fn *on_reply,
		      sreq_done_fn *on_done, void *cb, void *arg, void *ctx);
/*
 * sreq_new for an op: -ENOTCONN unless Redis is ready; ctx_size bytes of
 * zeroed op state in (*out)->ctx. Returns 0 or -errno (nothing made).
 */
int sreq_open(struct store *st, int ncmds, sreq_reply_fn *on_reply,
	      sreq_done_fn *on_done, void *cb, void *arg, size_t ctx_size,
	      struct sreq **out);
/* sreq_open with the op state uninitialised: for a large state whose op
 * clears only what is read before it is written. */
int sreq_open_raw(struct store *st, int ncmds, sreq_reply_fn *on_reply,
		  sreq_done_fn *on_done, void *cb, void *arg, size_t ctx_size,
		  struct sreq **out);
/* The store's one argument buffer: build a command, send it, build the
 * next (hiredis copies each before sreq_send returns). */
struct argv *store_argv(struct store *st);
/* Sends command idx; a failure is accounted in the request's rc. */
void sreq_send(struct sreq *rq, int idx, struct argv *a);
/*
 * After every sreq_send. When nothing could be sent, the request is
 * dropped without its callback (a callback never runs inside the call
 * that asked for it) and the error returned; 0 otherwise.
 */
int sreq_commit(struct sreq *rq);
/* A request whose callback should not run: frees it (before any send). */
void sreq_discard(struct sreq *rq);
/* A request of one command whose integer reply goes to a
 * store_count_fn (store_notice.c). */
int store_open_count(struct store *st, store_count_fn *cb, void *arg,
		     struct sreq **rq);
/* A callback of the common "store_done_fn" shape. */
void sreq_simple_done(struct sreq *rq, int rc);
/* The end of a claim: store_claim_end_fn in rq->cb. */
void sreq_claim_done(struct sreq *rq, int rc);

/*
 * Runs the claim script over every shard: queue `queue`, records
 * `items`, lease ms, at most max per shard; on_reply sees each shard's
 * array of kind, hash pairs.
 */
int store_claim(struct store *st, enum store_skey queue, enum store_skey items,
		int64_t lease, int max, sreq_reply_fn *on_reply, void *each,
		store_claim_end_fn *end, void *arg);

#endif
