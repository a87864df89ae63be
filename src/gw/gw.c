/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The gateway (see gw/gw.h). Owns the links, the store, the MO
 * jobs in progress and the MTs this process holds.
 */
#include "config.h"

#include <errno.h>
#include <event2/dns.h>
#include <stddef.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <unistd.h>

#include "menu/cmd.h"
#include "smpp/dlr.h"
#include "gw/acks.h"
#include "gw/dispatch.h"
#include "common/days.h"
#include "common/hmap.h"
#include "common/pool.h"
#include "gw/gw.h"
#include "gw/live.h"
#include "gw/notify.h"
#include "services/bcast.h"
#include "services/notice.h"
#include "common/log.h"
#include "common/metrics.h"
#include "services/phone.h"
#include "smpp/reasm.h"
#include "gw/sender.h"
#include "services/services.h"
#include "store/store.h"
#include "text/text.h"
#include "smpp/ussd.h"
#include "common/util.h"
#include "smpp/smpp_link.h"

#define MAX_LINKS (CONF_MAX_SMSC * 2)
#define MAX_CONFLICTS 5		/* recomputations of one MO on races */
#define MAX_FETCHES 3		/* dossier look-ups of one MO step */
#define USSD_REPLY_EXPIRY_MS 60000
/* claims are the heartbeat of this process too (store.h, liveness) */
#define CLAIM_INTERVAL_MS STORE_LIVE_BEAT_MS
#define STOP_GRACE_MS 5000	/* SIGTERM: binds and MOs finish within */
#define RELEASE_WAIT_MS 2000	/* ... then Redis takes the MTs held back */
/* at start, binds wait this long for Redis: an MO that arrives before
 * Redis is ready could only be refused */
#define BIND_WAIT_MS 5000
/* MO jobs kept for reuse: one is about 47 KB, so a few dozen spare the
 * allocator without holding much memory after a burst */
#define MO_JOBS_KEPT 64

struct mo_job {
	struct gw *gw;
	LIST_ENTRY(mo_job) entry;
	struct store_mo mo;
	/* where to acknowledge; link NULL for a recovered MO */
	struct smpp_link *link;
	uint32_t gen, seq, resp_cmd;
	char dossier_key[DOSSIER_CODE_MAX];
	bool dossier_known;	/* looked up: found or not */
	bool dossier_found;
	/* an application this MO filed (menu_input.filed) */
	bool filed_known;
	struct menu_filed filed;
	struct store_profile profile;
	int conflicts, fetches;
	/* a multipart MO: the stored parts to forget once it is recorded */
	char cc_key[320];
	bool refused;		/* sender gets no replies (protect) */
	int64_t recv_mono;	/* its deliver_sm was read */
	/* its deliver_sm_resp, status 0, went out within
	 * gateway.mo_ack_timeout: on which connection, when (gw/acks.h) */
	bool ack_prompt;
	/* ack was written into its fingerprint with its record, before it
	 * went out (store_mo_in): put back at the commit unless ack_prompt */
	bool marked;
	bool recovered;		/* claimed: how it was acknowledged is not
				 * known */
	/* the one-call MO (one_call()): read with plain commands, stored
	 * closed by its commit, acknowledged after it */
	bool one;
	/* one: its commit wrote its records but its script failed
	 * (store_commit's -EPROTO): they go first (mo_settle()) */
	bool unwrite;
	/* one: what its fingerprint's key held when read, if fp_read (a lean
	 * commit, store_commit.fp_held); a lean commit of it found it
	 * otherwise (STORE_COMMIT_RACED): it is committed by the script, and
	 * fp_held is what the lean commit found, to put back if what it
	 * wrote is taken back again (mo_settle()) */
	bool fp_read, raced;
	char fp_held[STORE_FP_VALUE_MAX];
	/* one: the commit's records, or its mark in the fingerprint, to take
	 * back, again (mo_settle()) */
	struct event *retry;
	/* raced with STORE_COMMIT_SESSION: the session the lean step
	 * replaced and the version it wrote, for the takeback's retries
	 * (mo_settle()); allocated on that path only, freed by mo_free() */
	struct store_session *undo_found;
	uint64_t undo_stepped;
	struct store_fp_ack ack;
	char ack_conn[ACKS_TOKEN_MAX];
	/* one MO per phone and channel is stepped at a time; the others of
	 * that phone wait (parked) in arrival order */
	bool active, parked;
	uint64_t arrival;	/* order of mo_new() */
	/* channel and phone: the key of gw->busy and gw->parked */
	char pkey[1 + sizeof(((struct store_mo *)0)->msisdn)];
	size_t pklen;
	/* parked: the next of this phone; the first also knows the last */
	struct mo_job *park_next, *park_tail;
	bool indexed;		/* in gw->mo_byid (and gw->mo_bycc) */
	bool cmd_known;		/* cmd holds mo.text parsed (mo_cmd()) */

	/*
	 * From here on, about 45 of the job's 47 KB: mo_new() clears only
	 * the session's fields before its variables (a commit of an MO
	 * closed before its session was read sends version 0), since each
	 * of the rest is written before it is read: the session by
	 * session_from_store(), the result by menu_step() or
	 * menu_result_clear(), the dossier when dossier_found is set, the
	 * MTs by build_reply() and build_sms_copy(). Clearing all of it
	 * per MO was an eighth of the daemon's CPU.
	 */
	struct menu_session session;
	struct menu_result res;
	struct dossier dossier;
	struct store_mt mt;
	struct store_mt mt2;	/* the SMS copy of a USSD procedure's end */
	/* mo.text parsed once for the MO's restart, the dossier it names
	 * and the menu step (written by mo_cmd() before it is read) */
	struct cmd cmd;
};


/* What the gateway keeps of a link besides the link: at the same index
 * as gw->links. */
struct link_admin {
	bool running;	/* started; its stopped callback has not come yet */
	bool held;	/* `ctl bind stop`: down until `ctl bind start`
			 * (runtime only: a restart binds everything) */
};

/* A link a reload took out (its entry removed, or its connection
 * settings changed): unbinding, then idle until the gateway is freed,
 * since MOs in progress and the acknowledgement watch may still name
 * it. */
struct retired_link {
	struct smpp_link *link;
	bool running;
	bool held;
};

struct gw {
	struct event_base *base;
	struct evdns_base *dns;
	const struct cgw_conf *conf;
	const struct menu_tree *menus;
	struct store *store;
	const struct bcast_tz *tz;
	const struct bcast_quiet *quiet;
	struct dispatch *dispatch;	/* broadcasts */
	struct acks *acks;		/* MO acknowledgements */
	struct notify *notify;		/* status-change notices */
	const struct notice_set *notices;	/* their texts, or NULL */
	struct smpp_link *links[MAX_LINKS];
	struct link_admin admin[MAX_LINKS];
	int nlinks;
	struct retired_link *retired;
	int nretired;
	struct event *relink_timer;	/* starts what should run (reconcile) */
	char instance[64];

	LIST_HEAD(, mo_job) mos;	/* MOs in progress, newest first */
	uint64_t arrivals;		/* MOs ever in progress */
	/* MOs in progress by id, and by cc_key (the multipart ones) */
	struct hmap *mo_byid, *mo_bycc;
	/* by channel and phone: the MO being stepped, and the first of
	 * those parked behind it (the rest follow through park_next) */
	struct hmap *busy, *parked;
	struct pool mo_jobs;		/* struct mo_job */
	struct sender *sender;		/* MTs held */
	struct live *live;		/* USSD dialogs this process left open */
	int64_t started_ms;		/* wall ms of gw_new */

	struct event *claim_timer;
	struct event *renew_timer;
	struct event *stop_timer;
	struct event *release_timer;	/* bounds finish_stop() */
	bool stopping;
	bool releasing;		/* finish_stop() began */
	void (*stop_done)(void *arg);
	void *stop_arg;
	bool claim_busy;
	bool links_started;
	struct event *bind_timer;	/* binds without Redis after a while */
};

static void mo_step(struct mo_job *j);
static int links_running(const struct gw *gw);

/* What a citizen wrote, for the log: it may hold an ID number or a
 * name, so it shows only at debug level; otherwise its length. */
static const char *shown_text(int cat, const char *text, char *buf,
			      size_t len)
{
	if (log_enabled(cat, LOG_DEBUG))
		snprintf(buf, len, "\"%s\"", text);
	else
		snprintf(buf, len, "(%zu bytes)", strlen(text));
	return buf;
}

static void log_store_err(const char *what, int rc)
{
	if (rc < 0)
		LOGP(LOG_REDIS, LOG_WARN, NULL, "%s failed: %s", what,
		     strerror(-rc));
}

/* --- sessions and requests between the menu engine and the store --------- */

static const char *lang_name(int lang)
{
	return lang >= 0 && lang < MENU_LANGS ? menu_lang_names[lang] : "vi";
}

/* Per MO: only the fields before the variables are cleared (the
 * variables beyond nvars are never read), not the whole few kilobytes. */
static void session_from_store(const struct store_session *in,
			       struct menu_session *out)
{
	memset(out, 0, offsetof(struct menu_session, vars));
	out->exists = in->exists;
	out->version = in->version;
	util_strlcpy(out->node, in->node, sizeof(out->node));
	out->lang = menu_lang_index(in->lang[0] ? in->lang : NULL);
	for (int i = 0; i < in->nvars; i++)
		menu_session_set(out, in->vars[i].name, in->vars[i].value);
}

/* Copies up to max variables; returns how many. */
static int vars_to_store(const struct menu_var *in, int n,
			 struct store_var *out, int max)
{
	int i;

	for (i = 0; i < n && i < max; i++) {
		util_strlcpy(out[i].name, in[i].name, sizeof(out[i].name));
		util_strlcpy(out[i].value, in[i].value, sizeof(out[i].value));
	}
	return i;
}

static void session_to_store(const struct menu_session *in,
			     struct store_session *out)
{
	memset(out, 0, offsetof(struct store_session, vars));
	out->exists = in->exists;
	out->version = in->version;
	util_strlcpy(out->node, in->node, sizeof(out->node));
	util_strlcpy(out->lang, lang_name(in->lang), sizeof(out->lang));
	out->nvars = vars_to_store(in->vars, in->nvars, out->vars, STORE_VARS);
}

static void request_to_store(const struct menu_request *in,
			     struct store_request *out)
{
	memset(out, 0, sizeof(*out));
	util_strlcpy(out->ref, in->ref, sizeof(out->ref));
	util_strlcpy(out->kind, in->kind, sizeof(out->kind));
	util_strlcpy(out->lang, lang_name(in->lang), sizeof(out->lang));
	out->nfields = vars_to_store(in->fields, in->nfields, out->fields,
				     STORE_REQ_FIELDS);
}

/* --- MO jobs ----------------------------------------------------------------- */

static struct mo_job *mo_new(struct gw *gw)
{
	struct mo_job *j = pool_get(&gw->mo_jobs);

	if (!j)
		return NULL;
	memset(j, 0, offsetof(struct mo_job, session));
	memset(&j->session, 0, offsetof(struct menu_session, vars));
	j->gw = gw;
	j->arrival = ++gw->arrivals;
	LIST_INSERT_HEAD(&gw->mos, j, entry);
	metric_add(CGW_M_SESSIONS, NULL, 1);
	return j;
}

/* j's text parsed, once per MO: folding and parsing it was a seventh of
 * the daemon's instructions when the restart check, the dossier look-up
 * and the menu step each did it. The text is set before the first call
 * and not changed after. */
static const struct cmd *mo_cmd(struct mo_job *j)
{
	if (!j->cmd_known) {
		cmd_parse(j->mo.text, &j->cmd);
		j->cmd_known = true;
	}
	return &j->cmd;
}

static void wake_next(struct gw *gw, const char *pkey, size_t pklen);

/* Sets j's key in gw->busy and gw->parked (its channel and phone are
 * known by then). */
static void phone_key_of(struct mo_job *j)
{
	size_t n = util_strlcpy(j->pkey + 1, j->mo.msisdn,
				sizeof(j->pkey) - 1);

	j->pkey[0] = (char)('0' + j->mo.ch);
	j->pklen = 1 + (n < sizeof(j->pkey) - 1 ? n : sizeof(j->pkey) - 2);
}

/* j is the MO of its phone being stepped now. Returns false, nothing
 * changed, when another MO of its phone and channel is (one hash of the
 * key, where a look-up and an insertion were two), unless `force`: j
 * goes on then all the same, outside the map. */
static bool activate(struct mo_job *j, bool force)
{
	int rc = hmap_put(j->gw->busy, j->pkey, j->pklen, j);

	if (rc == -EEXIST && !force)
		return false;
	j->active = true;
	if (rc == -ENOMEM)
		LOGP(LOG_MAIN, LOG_WARN, NULL, "MO %s: out of memory: the "
		     "next MO of its phone may not wait for it", j->mo.id);
	return true;
}

/* j waits behind the MO of its phone being stepped, in arrival order. */
static void park(struct mo_job *j)
{
	struct gw *gw = j->gw;
	struct mo_job *head = hmap_get(gw->parked, j->pkey, j->pklen), *o;

	j->parked = true;
	j->park_next = NULL;
	j->park_tail = j;
	if (!head) {
		if (hmap_put(gw->parked, j->pkey, j->pklen, j) == 0)
			return;
		/* out of memory: it goes on now rather than never */
		j->parked = false;
		activate(j, true);
		return;
	}
	if (head->park_tail->arrival < j->arrival) {
		head->park_tail->park_next = j;
		head->park_tail = j;
		return;
	}
	if (j->arrival < head->arrival) {	/* first now */
		hmap_del(gw->parked, head->pkey, head->pklen);
		hmap_put(gw->parked, j->pkey, j->pklen, j);	/* a slot
								 * was free */
		j->park_next = head;
		j->park_tail = head->park_tail;
		return;
	}
	for (o = head; o->park_next->arrival < j->arrival; o = o->park_next)
		;
	j->park_next = o->park_next;
	o->park_next = j;
}

/* j no longer waits (woken, or freed while parked). */
static void unpark(struct mo_job *j)
{
	struct gw *gw = j->gw;
	struct mo_job *head = hmap_get(gw->parked, j->pkey, j->pklen), *o;

	j->parked = false;
	if (head == j) {
		hmap_del(gw->parked, j->pkey, j->pklen);
		if ((o = j->park_next)) {
			o->park_tail = j->park_tail;
			hmap_put(gw->parked, o->pkey, o->pklen, o);
		}
		return;
	}
	for (o = head; o && o->park_next != j; o = o->park_next)
		;
	if (!o)
		return;
	o->park_next = j->park_next;
	if (head->park_tail == j)
		head->park_tail = o;
}

/* Drops j from the maps of MOs in progress. */
static void unindex(struct mo_job *j)
{
	struct gw *gw = j->gw;
	struct mo_job *o;

	/* deleted, and put back in the rare case it was another's (one
	 * hash of the key, not two) */
	if (j->active && (o = hmap_del(gw->busy, j->pkey, j->pklen)) &&
	    o != j)
		hmap_put(gw->busy, o->pkey, o->pklen, o);
	if (j->parked)
		unpark(j);
	if (!j->indexed)
		return;
	if ((o = hmap_sdel(gw->mo_byid, j->mo.id)) && o != j)
		hmap_sput(gw->mo_byid, o->mo.id, o);
	if (j->cc_key[0] && hmap_sget(gw->mo_bycc, j->cc_key) == j)
		hmap_sdel(gw->mo_bycc, j->cc_key);
}

static bool mo_ack(struct mo_job *j, uint32_t status);

static void mo_free(struct mo_job *j)
{
	struct gw *gw = j->gw;
	char pkey[sizeof(j->pkey)];
	size_t pklen = j->pklen;
	bool wake = j->active && !gw->stopping;

	if (j->one && j->link) {
		/* not stored (or its commit's reply lost, its mark taken
		 * back): the SMS centre delivers it again */
		LOGP(LOG_SMPP, LOG_NOTICE, j->mo.bind, "MO %s not stored: "
		     "refused with ESME_RX_T_APPN, the SMS centre will "
		     "deliver it again", j->mo.id);
		mo_ack(j, SMPP_ESME_RX_T_APPN);
	}
	if (j->retry) {
		event_free(j->retry);
		j->retry = NULL;
	}
	free(j->undo_found);
	j->undo_found = NULL;
	memcpy(pkey, j->pkey, pklen);
	unindex(j);
	LIST_REMOVE(j, entry);
	pool_put(&gw->mo_jobs, j);
	metric_add(CGW_M_SESSIONS, NULL, -1);
	if (wake)
		wake_next(gw, pkey, pklen);
	if (gw->stopping && LIST_EMPTY(&gw->mos) && links_running(gw) == 0 &&
	    gw->stop_timer)
		event_active(gw->stop_timer, 0, 0);
}

static const char *prefix_of(const struct mo_job *j, char *buf, size_t len)
{
	char m[32];

	/* "%s %s" without snprintf: a few times per MO */
	util_strlcpy(buf, j->mo.bind, len);
	util_strlcat(buf, " ", len);
	util_strlcat(buf, log_mask_msisdn(j->mo.msisdn, m, sizeof(m)), len);
	return buf;
}

/* Sends the deliver_sm_resp (once; not for a recovered MO) and notes
 * whether it went out in time: only then is a copy of the MO that comes
 * later not taken for the SMS centre's re-delivery (store_mo_in).
 * Returns true when it did. */
static bool mo_ack(struct mo_job *j, uint32_t status)
{
	const struct cgw_conf *c = j->gw->conf;
	struct smpp_pdu r;
	int64_t took;

	if (!j->link)
		return false;
	smpp_pdu_init(&r, j->resp_cmd, status, j->seq);
	/* j->marked, not the configuration: a reload to mo_dedup_window 0
	 * meanwhile must not take back a mark that went out in time */
	if (smpp_link_respond(j->link, j->gen, &r) == 0 &&
	    status == SMPP_ESME_ROK && j->marked) {
		took = util_mono_ms() - j->recv_mono;
		if (took > c->gateway.mo_ack_timeout) {
			char px[64];

			LOGP(LOG_SMPP, LOG_NOTICE, prefix_of(j, px, sizeof(px)),
			     "MO %s acknowledged after %lldms, later than "
			     "gateway.mo_ack_timeout: a copy of it is a "
			     "re-delivery", j->mo.id, (long long)took);
		} else {
			/* j->ack: as mo_record wrote it (the same link and
			 * generation, or the response could not go out) */
			j->ack_prompt = true;
		}
	}
	j->link = NULL;
	return j->ack_prompt;
}

/* An acknowledgement in time, in the fingerprint: a new MO's was written
 * with its record (mo_in, the one-call commit), a re-delivery's (dup_of
 * not NULL) is written now (the SMS centre has a response at last).
 * Whether its connection then stayed up, the beat tells (gw/acks.h). */
static void ack_noted(struct mo_job *j, const char *dup_of,
		      const char *fp_prev)
{
	struct store_fp_ack a = j->ack;

	if (!dup_of)
		return;
	a.mo_id = dup_of;
	store_fp_ack(j->gw->store, &a, fp_prev, NULL, NULL);
}

/* What makes a copy of an earlier MO a re-delivery, for the log. */
static const char *dup_reason(const char *why)
{
	if (strcmp(why, "open") == 0)
		return "the first is still being processed";
	if (strcmp(why, "unacked") == 0)
		return "no copy was acknowledged in time";
	if (strcmp(why, "link") == 0)
		return "acknowledged on a connection that may have dropped";
	return why;
}

/* An MO received now counted: a re-delivery, or one recorded. */
static void mo_counted(const struct mo_job *j, bool dup)
{
	if (dup)
		metric_inc(CGW_M_MO_REDELIVERED, METRIC_LV(j->mo.bind));
	else
		metric_inc(CGW_M_MO, METRIC_LV(j->mo.bind,
					       j->mo.ch == STORE_CH_USSD
					       ? "ussd" : "sms"));
}

/* How its fingerprint judged an MO (store_mo_in, or a one-call MO's
 * commit), in the log: a re-delivery of MO dup_of (why), not answered
 * again; or a new request that repeats it (why: what would have made it
 * a re-delivery, "" when nothing). */
static void mo_judged(const struct mo_job *j, const char *px, bool dup,
		      const char *dup_of, const char *why, bool refused)
{
	if (dup)
		LOGP(LOG_SMPP, LOG_NOTICE, px,
		     "re-delivery of MO %s (%s): %s, not answered again",
		     dup_of, dup_reason(why),
		     refused ? "refused" : "acknowledged");
	else if (dup_of[0])
		LOGP(LOG_MENU, LOG_INFO, px, "MO %s repeats MO %s (%s): a new "
		     "request", j->mo.id, dup_of, why[0]
			     ? "it starts over, or a menu waits"
			     : "acknowledged in time on a connection that "
			       "stayed up");
}

/* Who answers an MO given up before its commit, for the log. */
static const char *who_answers(const struct mo_job *j)
{
	return j->one ? "not stored: the SMS centre delivers it again"
		      : "recovery will answer";
}

/* Takes an MT the commit queued into this process's hands. */
static void queue_mt(struct gw *gw, const struct store_mt *mt)
{
	sender_hold(gw->sender, mt);
	sender_pump(gw->sender);
}

static void mo_settle(struct mo_job *j);

/* Whether the MO's commit queues a reply, j->mt (mo_commit()): the menu
 * gave one and the sender is not refused them. */
static bool has_reply(const struct mo_job *j)
{
	return j->res.reply[0] && !j->refused;
}

static void settle_again(evutil_socket_t fd, short what, void *arg)
{
	mo_settle(arg);
}

/* Tries mo_settle() again in a second, `what` having failed with rc
 * (logged the first time); false when it cannot. */
static bool settle_later(struct mo_job *j, const char *what, int rc)
{
	struct timeval again = { 1, 0 };

	if (!j->retry) {
		LOGP(LOG_REDIS, LOG_WARN, j->mo.bind, "MO %s: %s (%s); trying "
		     "again, its phone's next MO waits", j->mo.id, what,
		     strerror(-rc));
		j->retry = evtimer_new(j->gw->base, settle_again, j);
	}
	return j->retry && evtimer_add(j->retry, &again) == 0;
}

static void unwrite_cb(void *arg, int rc)
{
	struct mo_job *j = arg;

	if (rc == 0) {
		j->unwrite = false;
		mo_settle(j);
		return;
	}
	/* stopping: the records stay, to their TTL (no copy of the MO can
	 * be told from them, but a reader sees it twice) */
	if (j->gw->stopping ||
	    !settle_later(j, "the records of its failed commit not deleted",
			  rc))
		mo_free(j);
}

static void unmark_cb(void *arg, int rc)
{
	struct mo_job *j = arg;
	struct gw *gw = j->gw;

	/* stopping: this process's connections stop being live, so its marks
	 * stop saying "acknowledged in time" anyway; past the window, the
	 * fingerprint is gone */
	if (rc == 0 || gw->stopping || util_mono_ms() - j->recv_mono >
					       gw->conf->gateway.mo_dedup_window) {
		mo_free(j);
		return;
	}
	if (!settle_later(j, "the mark of its acknowledgement not taken back",
			  rc))
		mo_free(j);
}

/*
 * An MO done with: freed, except a one-call MO whose commit marked its
 * fingerprint "acknowledged in time" (store_commit.mark) when that did
 * not happen after all (late, its connection gone, the commit's reply
 * lost): the mark is taken back first (store_fp_unmark), so that a copy
 * of it is a re-delivery, not answered again; and before that, the
 * records its commit wrote when its script failed (unwrite), so that
 * the copy's are the only ones. Until then its phone stays busy: a copy
 * that comes meanwhile waits for that (park()).
 */
static void mo_settle(struct mo_job *j)
{
	int rc;

	if (j->unwrite) {
		/* a raced lean step's session goes back too (its takeback
		 * failed); a count the takeback may have taken back already
		 * stays (the reply limit's safe side) */
		struct store_sess_undo undo = { j->undo_found, j->undo_stepped };

		rc = store_commit_unwrite(j->gw->store, &j->mo,
					  has_reply(j) ? j->mt.id : NULL,
					  j->undo_found ? STORE_COMMIT_SESSION : 0,
					  j->raced ? j->fp_held : NULL,
					  j->undo_found ? &undo : NULL,
					  unwrite_cb, j);
		if (rc < 0)
			unwrite_cb(j, rc);
		return;
	}
	if (!j->one || !j->marked || j->ack_prompt) {
		mo_free(j);
		return;
	}
	rc = store_fp_unmark(j->gw->store, &j->ack, unmark_cb, j);
	if (rc < 0)
		unmark_cb(j, rc);
}

/*
 * A one-call MO's commit returned: its acknowledgement goes out now and
 * it is counted, as mo_in_cb() does for another. A re-delivery (judged
 * by the commit, which wrote nothing) is freed: returns true then.
 */
static bool one_answered(struct mo_job *j, const struct store_commit_result *res,
			 const char *px)
{
	bool dup = res->verdict == STORE_COMMIT_DUP;

	mo_counted(j, dup);
	if (mo_ack(j, SMPP_ESME_ROK))
		ack_noted(j, dup ? res->dup_of : NULL, res->fp_prev);
	mo_judged(j, px, dup, res->dup_of, res->why, false);
	if (dup) {
		j->marked = false;	/* the commit put back what was there */
		mo_free(j);
		return true;
	}
	return false;
}

static void mo_commit(struct mo_job *j);

/* A lean commit's writes taken back (STORE_COMMIT_RACED): the script
 * commits it now, judging the fingerprint a copy took meanwhile. */
static void takeback_cb(void *arg, int rc)
{
	struct mo_job *j = arg;
	char px[64];

	if (rc < 0) {
		prefix_of(j, px, sizeof(px));
		LOGP(LOG_MENU, LOG_WARN, px, "MO %s: lean commit not taken "
		     "back (%s)", j->mo.id, strerror(-rc));
		/* its records go before it is refused (mo_settle()) */
		j->unwrite = true;
		if (j->gw->stopping || rc == -ECANCELED)
			mo_free(j);
		else
			mo_settle(j);
		return;
	}
	/* put back (or written since): not again */
	free(j->undo_found);
	j->undo_found = NULL;
	mo_commit(j);
}

/* A lean commit raced: a copy of it (the SMS centre's) wrote its
 * fingerprint between its read and its commit, or the MO it repeats is
 * open, or another MO of its phone stepped the session; or a command of
 * a session's step failed. What it wrote is taken back (takeback_cb()
 * then commits it by the script). */
static void take_back(struct mo_job *j, const struct store_commit_result *res,
		      const char *px)
{
	struct store_sess_undo undo = { &res->session, res->stepped };
	int rc;

	LOGP(LOG_MENU, LOG_INFO, px, "MO %s: its %s changed meanwhile; "
	     "committing it by the script", j->mo.id,
	     res->flags & STORE_COMMIT_SESSION ? "fingerprint or session"
					       : "fingerprint");
	j->raced = true;
	util_strlcpy(j->fp_held, res->fp_prev, sizeof(j->fp_held));
	/* kept until the session is back: should the takeback fail (Redis
	 * away), its retries put it back before the MO is refused, or the
	 * MO delivered again would step from the step taken back; without
	 * the memory, a retry without it (the records only) */
	free(j->undo_found);
	j->undo_found = NULL;
	if ((res->flags & STORE_COMMIT_SESSION) &&
	    (j->undo_found = malloc(sizeof(*j->undo_found)))) {
		memcpy(j->undo_found, &res->session, sizeof(*j->undo_found));
		j->undo_stepped = res->stepped;
	}
	rc = store_commit_unwrite(j->gw->store, &j->mo,
				  has_reply(j) ? j->mt.id : NULL, res->flags,
				  j->fp_held, &undo, takeback_cb, j);
	if (rc < 0)
		takeback_cb(j, rc);
}

static void commit_cb(void *arg, int rc, const struct store_commit_result *res)
{
	struct mo_job *j = arg;
	struct gw *gw = j->gw;
	char px[64];

	prefix_of(j, px, sizeof(px));
	if (rc < 0 && j->one) {
		/* it may have been stored all the same, its reply lost: its
		 * mark is taken back before it is refused (mo_free()), so
		 * that the copy the SMS centre delivers is not answered
		 * twice; when the process stops, its marks go with it */
		LOGP(LOG_MENU, LOG_WARN, px, "MO %s: commit failed (%s)",
		     j->mo.id, strerror(-rc));
		j->unwrite = rc == -EPROTO;
		if (gw->stopping || rc == -ECANCELED)
			mo_free(j);
		else
			mo_settle(j);
		return;
	}
	if (rc < 0) {
		/* The MO stays acknowledged and unanswered in Redis: its lease
		 * runs out and recovery answers it. */
		LOGP(LOG_MENU, LOG_WARN, px,
		     "MO %s not committed (%s); recovery will answer it",
		     j->mo.id, strerror(-rc));
		mo_free(j);
		return;
	}
	if (res->verdict == STORE_COMMIT_GONE) {
		LOGP(LOG_MENU, LOG_INFO, px,
		     "MO %s was answered already (recovered elsewhere)",
		     j->mo.id);
		mo_free(j);
		return;
	}
	if (res->verdict == STORE_COMMIT_RACED) {
		take_back(j, res, px);
		return;
	}
	if (res->verdict == STORE_COMMIT_CONFLICT) {
		if (++j->conflicts > MAX_CONFLICTS) {
			LOGP(LOG_MENU, LOG_ERROR, px,
			     "MO %s: session kept changing; %s", j->mo.id,
			     who_answers(j));
			mo_free(j);
			return;
		}
		LOGP(LOG_MENU, LOG_INFO, px,
		     "MO %s: session changed under us; recomputing",
		     j->mo.id);
		session_from_store(&res->session, &j->session);
		mo_step(j);
		return;
	}
	if (j->one && one_answered(j, res, px))
		return;
	if (res->flags & STORE_COMMIT_BLOCKED)
		LOGP(LOG_MENU, LOG_WARN, px,
		     "too many failed dossier lookups: lookups from this "
		     "phone refused for %ds",
		     gw->conf->protect.lookup_block / 1000);
	if (res->flags & STORE_COMMIT_LIMITED) {
		LOGP(LOG_MENU, LOG_WARN, px,
		     "MO %s: reply limit of %d SMS a minute reached: closed "
		     "without a reply", j->mo.id,
		     gw->conf->protect.replies_per_minute);
		mo_settle(j);
		return;
	}
	if (j->mo.ch == STORE_CH_USSD && !j->refused) {
		int64_t now = util_now_ms();

		live_note(gw->live, j->mo.msisdn, now, j->res.final ? 0
			  : now + gw->conf->ussd.session_ttl);
	}
	if (j->res.req.kind[0])
		LOGP(LOG_MENU, LOG_NOTICE, px, "request %s (%s) recorded",
		     j->res.req.ref, j->res.req.kind);
	if (has_reply(j))
		queue_mt(gw, &j->mt);
	if (res->flags & STORE_COMMIT_MT2)
		queue_mt(gw, &j->mt2);
	mo_settle(j);
}

static void build_reply(struct mo_job *j)
{
	struct gw *gw = j->gw;
	struct store_mt *mt = &j->mt;
	int64_t now = util_now_ms();

	memset(mt, 0, sizeof(*mt));
	util_strlcpy(mt->id, j->mo.id, sizeof(mt->id));
	util_strlcat(mt->id, ".r", sizeof(mt->id));
	util_strlcpy(mt->msisdn, j->mo.msisdn, sizeof(mt->msisdn));
	util_strlcpy(mt->dst, j->mo.src, sizeof(mt->dst));
	mt->dst_ton = j->mo.src_ton;
	mt->dst_npi = j->mo.src_npi;
	util_strlcpy(mt->src, j->mo.dst, sizeof(mt->src));
	mt->src_ton = j->mo.dst_ton;
	mt->src_npi = j->mo.dst_npi;
	util_strlcpy(mt->bind, j->mo.bind, sizeof(mt->bind));
	mt->ch = j->mo.ch;
	/* an SMS ends nothing: its record holds no fin */
	mt->ussd_final = mt->ch == STORE_CH_USSD && j->res.final;
	util_strlcpy(mt->ussd_ref, j->mo.ussd_ref, sizeof(mt->ussd_ref));
	util_strlcpy(mt->text, j->res.reply, sizeof(mt->text));
	mt->created_ms = now;
	mt->mo_recv_ms = j->mo.recv_ms;
	mt->expires_ms = now + (j->mo.ch == STORE_CH_USSD
					? USSD_REPLY_EXPIRY_MS
					: gw->conf->gateway.reply_expiry);
}

/* The SMS that keeps a USSD procedure's reference number: the final
 * screen's text, from the bind's own short code. */
static void build_sms_copy(struct mo_job *j)
{
	struct store_mt *mt = &j->mt2;

	*mt = j->mt;
	util_strlcpy(mt->id, j->mo.id, sizeof(mt->id));
	util_strlcat(mt->id, ".c", sizeof(mt->id));
	mt->ch = STORE_CH_SMS;
	mt->ussd_final = false;
	mt->ussd_ref[0] = '\0';
	mt->src[0] = '\0';
	mt->mo_recv_ms = 0;	/* the latency is the screen's */
	mt->expires_ms = mt->created_ms + j->gw->conf->gateway.reply_expiry;
}

static void mo_commit(struct mo_job *j)
{
	struct gw *gw = j->gw;
	struct store_commit c;
	struct store_session next;
	struct store_request req;
	char live[MAX_LINKS * ACKS_TOKEN_MAX];
	int rc;

	memset(&c, 0, sizeof(c));
	c.mo = &j->mo;
	c.expect_version = j->session.version;
	if (!j->res.final) {
		/* the store copies what it sends before store_commit returns */
		session_to_store(&j->res.next, &next);
		c.next = &next;
	}
	c.ttl_ms = j->mo.ch == STORE_CH_USSD ? gw->conf->ussd.session_ttl
					     : gw->conf->menus.sms_session_ttl;
	c.lookup_failed = j->res.lookup_failed;
	c.set_lang = j->res.set_lang >= 0 ? lang_name(j->res.set_lang) : NULL;
	c.optout = j->res.optout;
	if (j->res.req.kind[0]) {
		request_to_store(&j->res.req, &req);
		c.req = &req;
		/* its number names it for the rest of the local day (and an
		 * hour, for a late MO): made again, it is recorded once */
		c.req_until = svc_day_start_ms(svc_local_day(util_now_ms()) +
					       1) + 3600 * 1000LL;
	}
	c.reply_uncounted = j->res.progress;
	if (j->marked && !j->ack_prompt && !j->one)
		c.unmark = &j->ack;
	else if (j->recovered && gw->conf->gateway.mo_dedup_window > 0) {
		/* whatever connection its first process marked (for its
		 * received time: a re-delivery's mark, fp_ack.lua's, is
		 * another's), that acknowledgement is not known to have gone
		 * out in time */
		j->ack.at = j->mo.recv_ms;
		j->ack.conn = "*";
		c.unmark = &j->ack;
	}
	if (j->refused) {
		c.keep_session = true;
		c.mo_state = "refused";
	} else if (j->mo.ch == STORE_CH_USSD) {
		/* a USSD screen answered or closed: its record goes with
		 * the commit (its session holds what the next step needs;
		 * a request made is in the request stream) */
		c.mo_state = "";
	} else if (!j->res.reply[0]) {
		c.mo_state = "closed";
	}
	if (has_reply(j)) {
		build_reply(j);
		c.mt = &j->mt;
		if (c.req && j->mo.ch == STORE_CH_USSD &&
		    gw->conf->services.confirm_by_sms) {
			build_sms_copy(j);
			c.mt2 = &j->mt2;
		}
	}
	if (j->one) {
		/* stored by this commit, its fingerprint judged as
		 * mo_record() would have had it judged */
		acks_live(gw->acks, gw->links, gw->nlinks, live, sizeof(live));
		c.record = true;
		c.live = live;
		c.mark = j->marked ? &j->ack : NULL;
		c.fp_held = j->fp_read && !j->raced ? j->fp_held : NULL;
		c.profile = &j->profile;
	}
	rc = store_commit(gw->store, &c, commit_cb, j);
	if (rc < 0)
		commit_cb(j, rc, NULL);
}

static void dossier_cb(void *arg, int rc, bool found, const struct dossier *d)
{
	struct mo_job *j = arg;

	if (rc < 0) {
		char px[64];

		LOGP(LOG_MENU, LOG_WARN, prefix_of(j, px, sizeof(px)),
		     "MO %s: dossier lookup failed (%s); %s", j->mo.id,
		     strerror(-rc), who_answers(j));
		mo_free(j);
		return;
	}
	j->dossier_known = true;
	j->dossier_found = found;
	if (found)
		j->dossier = *d;
	mo_step(j);
}

static void filed_cb(void *arg, int rc, const struct dossier *d, bool again)
{
	struct mo_job *j = arg;
	char px[64];

	prefix_of(j, px, sizeof(px));
	if (rc < 0 && rc != -ERANGE) {
		LOGP(LOG_MENU, LOG_WARN, px, "MO %s: application %s not filed "
		     "(%s); %s", j->mo.id, j->filed.proc, strerror(-rc),
		     who_answers(j));
		mo_free(j);
		return;
	}
	j->filed_known = true;
	j->filed.failed = rc < 0;
	if (rc < 0) {
		LOGP(LOG_MENU, LOG_ERROR, px, "MO %s: application %s: no "
		     "dossier code left for today", j->mo.id, j->filed.proc);
	} else {
		util_strlcpy(j->filed.code, d->code, sizeof(j->filed.code));
		util_strlcpy(j->filed.due_iso, d->due_at,
			     sizeof(j->filed.due_iso));
		j->filed.again = again;
		LOGP(LOG_MENU, LOG_NOTICE, px, "MO %s: application %s %s %s",
		     j->mo.id, j->filed.proc, again ? "filed before as"
						   : "filed as", d->code);
	}
	mo_step(j);
}

/*
 * The dossier an application becomes: the citizen's phone, "received",
 * the procedure and its agency (in Vietnamese, as the back office keeps
 * them), the due date, and the facts given (the ID in full, for the back
 * office; its last 4 digits open the lookup to another phone too).
 */
static void file_application(struct mo_job *j)
{
	const struct menu_filing *f = &j->res.filing;
	const struct menu_proc *p = f->proc;
	struct store_filing sf;
	struct dossier d;
	int rc;

	if (phone_key_is_odd(j->mo.msisdn)) {
		/* a dossier's phone gets notices: it must be a number */
		LOGP(LOG_MENU, LOG_NOTICE, NULL, "MO %s: application %s from a "
		     "sender that is not a phone number refused", j->mo.id,
		     p->id);
		memset(&j->filed, 0, sizeof(j->filed));
		util_strlcpy(j->filed.proc, p->id, sizeof(j->filed.proc));
		j->filed_known = true;
		j->filed.failed = true;
		mo_step(j);
		return;
	}
	memset(&d, 0, sizeof(d));
	util_strlcpy(d.phone, j->mo.msisdn, sizeof(d.phone));
	d.status = 2;
	util_strlcpy(d.procedure, menu_proc_text(&p->name, 0),
		     sizeof(d.procedure));
	util_strlcpy(d.agency, menu_proc_text(&p->agency_name, 0),
		     sizeof(d.agency));
	day_iso(f->day, d.received_at, sizeof(d.received_at));
	util_strlcpy(d.due_at, f->due_iso, sizeof(d.due_at));
	for (int i = 0; i < f->nfields; i++) {
		const char *v = f->fields[i].value;

		dossier_form_set(&d, f->fields[i].name, v);
		if (p->fields[i].input == MENU_IN_CITIZEN_ID &&
		    strlen(v) >= 4 && !d.id_last4[0])
			util_strlcpy(d.id_last4, v + strlen(v) - 4,
				     sizeof(d.id_last4));
	}
	memset(&j->filed, 0, sizeof(j->filed));
	util_strlcpy(j->filed.proc, p->id, sizeof(j->filed.proc));
	sf.d = &d;
	sf.msisdn = j->mo.msisdn;
	sf.proc = p->id;
	sf.agency = p->agency;
	sf.mo_id = j->mo.id;
	sf.day = f->day;
	/* the claim outlives its day by an hour: a late MO still finds it */
	sf.claim_until = svc_day_start_ms(f->day + 1) + 3600 * 1000LL;
	if (++j->fetches > MAX_FETCHES)
		rc = -ELOOP;
	else
		rc = store_app_file(j->gw->store, &sf, filed_cb, j);
	if (rc < 0)
		filed_cb(j, rc == -ERANGE ? -EIO : rc, NULL, false);
}

/* Closes an MO with no reply and nothing of its sender touched: recorded
 * as refused. */
static void close_unanswered(struct mo_job *j)
{
	menu_result_clear(&j->res);
	j->res.final = true;
	j->refused = true;
	mo_commit(j);
}

/* What the menu engine is told of an MO and its sender. */
static void menu_input_of(struct mo_job *j, struct menu_input *in)
{
	const struct gw *gw = j->gw;

	memset(in, 0, sizeof(*in));
	if (j->mo.ch == STORE_CH_USSD)
		in->ev = j->mo.ussd_ev == USSD_EV_BEGIN ? MENU_EV_START
						      : MENU_EV_INPUT;
	else
		in->ev = MENU_EV_SMS;
	in->text = j->mo.text;
	in->cmd = mo_cmd(j);
	in->ch = j->mo.ch == STORE_CH_USSD ? MENU_CH_USSD : MENU_CH_SMS;
	in->lang = menu_lang_index(j->profile.lang);
	if (in->lang < 0)
		in->lang = menu_lang_index(gw->conf->menus.language);
	if (in->lang < 0)
		in->lang = 0;
	in->fold = true;
	in->fold_by_lang = true;
	in->fold_lang[0] = gw->conf->menus.fold_vi;
	in->fold_lang[1] = gw->conf->menus.fold_en;
	in->msisdn = j->mo.msisdn;
	in->now_ms = util_now_ms();
	in->lookup_blocked = j->profile.lookup_blocked_until > in->now_ms;
	in->event_id = j->mo.id;
	in->holidays = gw->conf->services.holidays.day;
	in->nholidays = gw->conf->services.holidays.n;
	if (j->dossier_known) {
		in->dossier_key = j->dossier_key;
		in->dossier = j->dossier_found ? &j->dossier : NULL;
	}
	in->filed = j->filed_known ? &j->filed : NULL;
}

static void mo_step(struct mo_job *j)
{
	struct gw *gw = j->gw;
	struct menu_input in;
	char px[64];

	prefix_of(j, px, sizeof(px));
	if (!svc_sender_answerable(j->mo.src, (unsigned)j->mo.src_ton,
				   gw->conf->protect.min_sender_digits)) {
		char m[32];

		/* short codes and alphanumeric senders: never a reply, so
		 * that two automatic services cannot talk to each other */
		LOGP(LOG_MENU, LOG_NOTICE, px, "MO %s from \"%s\" (fewer than "
		     "%d digits, or letters): recorded, not answered",
		     j->mo.id, log_mask_addr(j->mo.src, m, sizeof(m)),
		     gw->conf->protect.min_sender_digits);
		close_unanswered(j);
		return;
	}
	if (j->mo.ch == STORE_CH_USSD && j->mo.ussd_ev == USSD_EV_ABORT) {
		/* the citizen or the network ended it: nothing to show */
		LOGP(LOG_USSD, LOG_INFO, px, "USSD session ended by the "
		     "network");
		menu_result_clear(&j->res);
		j->res.final = true;
		mo_commit(j);
		return;
	}
	menu_input_of(j, &in);
	menu_step(gw->menus, &j->session, &in, &j->res);
	if (j->res.kind == MENU_NEED_FILING) {
		file_application(j);
		return;
	}
	if (j->res.kind == MENU_NEED_DOSSIER) {
		int rc;

		if (++j->fetches > MAX_FETCHES) {
			LOGP(LOG_MENU, LOG_ERROR, px,
			     "MO %s: menu keeps asking for dossiers", j->mo.id);
			mo_free(j);
			return;
		}
		util_strlcpy(j->dossier_key, j->res.need_key,
			    sizeof(j->dossier_key));
		j->dossier_known = false;
		rc = store_dossier_get(gw->store, j->dossier_key, dossier_cb,
				       j);
		if (rc < 0)
			dossier_cb(j, rc, false, NULL);
		return;
	}
	LOGP(LOG_MENU, LOG_INFO, px, "MO %s %s -> %s%s", j->mo.id,
	     j->session.exists ? j->session.node : "(no session)",
	     j->res.final ? "end" : j->res.next.node,
	     j->res.lookup_failed ? " (lookup failed)" : "");
	mo_commit(j);
}

/* Whether odd senders are ignored (protect.odd_senders). */
static bool odd_ignored(const struct mo_job *j)
{
	return phone_key_is_odd(j->mo.msisdn) &&
	       j->gw->conf->protect.odd_senders == CONF_ODD_IGNORE;
}

/*
 * An MO whose sender is not a phone number (services/phone.h) is logged
 * with why, its address masked; ignored, it is closed unanswered with
 * nothing of its sender read or touched. Returns true when closed.
 */
static bool odd_sender_closed(struct mo_job *j)
{
	char px[64], m[32], key[PHONE_KEY_MAX];
	const char *why = "";

	if (!phone_key_is_odd(j->mo.msisdn))
		return false;
	if (!j->active) {	/* once: not again when a parked MO wakes */
		phone_sender(j->mo.src, (unsigned)j->mo.src_ton,
			     (unsigned)j->mo.src_npi, key, sizeof(key), &why);
		LOGP(LOG_MENU, LOG_NOTICE, prefix_of(j, px, sizeof(px)),
		     "MO %s from \"%s\" (TON %d, NPI %d) is not from a phone "
		     "number (%s): %s", j->mo.id,
		     log_mask_addr(j->mo.src, m, sizeof(m)), j->mo.src_ton,
		     j->mo.src_npi, why, odd_ignored(j)
			     ? "recorded, not answered"
			     : "answered in a namespace of its own");
	}
	if (!odd_ignored(j))
		return false;
	close_unanswered(j);
	return true;
}

/*
 * Round trip 1's outcome for an MO recorded by it (not a one-call MO):
 * counted, acknowledged (refused when not replicated), its multipart
 * parts forgotten; a re-delivery is freed: returns true then.
 */
static bool mo_in_noted(struct mo_job *j, const struct store_mo_in_result *res,
			const char *px)
{
	bool dup = res->verdict == STORE_MO_DUP;

	/* received now (or a multipart one joined now), not recovered */
	if (dup ? j->link != NULL : j->link || j->cc_key[0])
		mo_counted(j, dup);
	if (res->unreplicated && j->link) {
		/*
		 * Not acknowledged, not undone: the SMS centre delivers it
		 * again. Should the record survive (the master stays, or a
		 * replica got it late), the fingerprint names an MO never
		 * acknowledged, so that copy is a re-delivery ("open" or
		 * "unacked") and this one is answered; should it be lost
		 * with a failover, that copy is new and this one's commit
		 * finds nothing open ("gone"). Either way, answered once.
		 */
		LOGP(LOG_REDIS, LOG_WARN, px, "MO %s confirmed by %d of "
		     "redis.wait_replicas %d replicas: refused with "
		     "ESME_RX_T_APPN, the SMS centre will deliver it again",
		     j->mo.id, res->replicas,
		     j->gw->conf->redis.wait_replicas);
		mo_ack(j, SMPP_ESME_RX_T_APPN);
	} else if (mo_ack(j, SMPP_ESME_ROK)) {
		ack_noted(j, res->verdict == STORE_MO_DUP ? res->dup_of
							 : NULL, res->fp_prev);
	}
	if (j->cc_key[0] && !res->unreplicated)
		/* recorded: its parts are no longer needed (an MO refused
		 * keeps them, for its last part delivered again to join) */
		store_cc_consume(j->gw->store, j->mo.msisdn, j->cc_key,
				 NULL, NULL);
	mo_judged(j, px, dup, res->dup_of, res->why, res->unreplicated);
	if (dup) {
		mo_free(j);
		return true;
	}
	return false;
}

static void mo_in_cb(void *arg, int rc, const struct store_mo_in_result *res)
{
	struct mo_job *j = arg;
	char px[64];

	prefix_of(j, px, sizeof(px));
	if (rc < 0) {
		if (j->link) {
			LOGP(LOG_SMPP, LOG_WARN, px,
			     "MO not recorded (%s): refused with "
			     "ESME_RX_T_APPN, the SMS centre will deliver "
			     "it again", strerror(-rc));
			mo_ack(j, SMPP_ESME_RX_T_APPN);
		} else {
			LOGP(LOG_REDIS, LOG_WARN, px,
			     "recovered MO %s not read (%s)", j->mo.id,
			     strerror(-rc));
		}
		mo_free(j);
		return;
	}
	if (!j->one && mo_in_noted(j, res, px))
		return;
	if (odd_sender_closed(j))
		return;
	if (!j->active) {
		phone_key_of(j);
		if (!activate(j, false)) {
			/* its session is about to change: step it after
			 * that one */
			LOGP(LOG_MENU, LOG_DEBUG, px, "MO %s waits for the MO "
			     "before it from this phone", j->mo.id);
			park(j);
			if (j->parked)
				return;
		}
	}
	session_from_store(&res->session, &j->session);
	j->profile = res->profile;
	j->fp_read = res->fp_read;
	if (j->fp_read)
		util_strlcpy(j->fp_held, res->fp_held, sizeof(j->fp_held));
	j->dossier_known = false;
	if (res->dossier_asked) {
		j->dossier_known = true;
		j->dossier_found = res->dossier_found;
		if (res->dossier_found)
			j->dossier = res->dossier;
	}
	mo_step(j);
}

/* The dossier a text (parsed: c) names, so that round trip 1 can fetch
 * it. */
static bool dossier_candidate(const struct cmd *c, char *key, size_t keylen)
{
	char display[DOSSIER_CODE_MAX];
	const char *end;

	if (c->kind == CMD_LOOKUP && c->code_ok) {
		util_strlcpy(key, c->key, keylen);
		return true;
	}
	return c->kind == CMD_TEXT &&
	       dossier_code_parse(c->norm, display, sizeof(display), key,
				  keylen, &end) == 0 &&
	       *end == '\0';
}

/*
 * Whether a new MO is a one-call MO: read with plain commands
 * (store_mo_read), then stored closed, answered and its fingerprint
 * judged by one script call, its commit (store_commit.record), and
 * acknowledged after that; not recorded open first by mo_in.lua. A crash
 * before the commit leaves it unacknowledged: the SMS centre delivers it
 * again. One call of Lua per MO instead of two: a quarter of Redis's CPU
 * per lookup (docs/performance.md). For an SMS or a USSD answer received
 * on a link now, not one that starts over (a USSD dial, SMS MENU: a copy
 * of it is a re-delivery only while it is open, mo_in.lua), not a
 * multipart one (its parts are consumed once it is recorded), not when
 * records wait for replicas (redis.wait_replicas: mo_in.lua's WAIT).
 */
static bool one_call(const struct mo_job *j)
{
	bool starts = j->mo.ch == STORE_CH_USSD
			      ? j->mo.ussd_ev == USSD_EV_BEGIN
			      : j->mo.restart;

	return j->link && !starts && !j->cc_key[0] && !j->recovered &&
	       j->gw->conf->redis.wait_replicas == 0;
}

/* Round trip 1 of an MO (reread: recorded already, so read its session
 * and the dossier its text names again, then step it). */
static void mo_record(struct mo_job *j, bool reread)
{
	/* an ignored sender looks nothing up */
	bool fetch = !odd_ignored(j) &&
		     dossier_candidate(mo_cmd(j), j->dossier_key,
				       sizeof(j->dossier_key));
	char live[MAX_LINKS * ACKS_TOKEN_MAX];
	int rc;

	if (!j->indexed) {
		/* -EEXIST cannot be (ids are new, or claimed_mo() and
		 * on_part() looked first); -ENOMEM only costs a look-up */
		j->indexed = true;
		hmap_sput(j->gw->mo_byid, j->mo.id, j);
		if (j->cc_key[0])
			hmap_sput(j->gw->mo_bycc, j->cc_key, j);
	}
	if (!reread && j->link && j->gw->conf->gateway.mo_dedup_window > 0) {
		/* the acknowledgement about to go out, marked in the
		 * fingerprint with the record (by mo_in.lua, or by a
		 * one-call MO's commit): the commit of an MO answered
		 * in time then writes nothing there (a SET per MO, about 3
		 * us of Redis's CPU); mo_ack() checks it went out in time */
		acks_token(j->gw->acks, j->link, j->gen, j->ack_conn);
		j->ack.msisdn = j->mo.msisdn;
		j->ack.fp = j->mo.fp;
		j->ack.mo_id = j->mo.id;
		/* its received time: what a recovering process knows too */
		j->ack.at = j->mo.recv_ms;
		j->ack.conn = j->ack_conn;
		j->marked = true;
	}
	if (!reread)
		j->one = one_call(j);
	if (j->one) {	/* a reread too: it was never recorded */
		rc = store_mo_read(j->gw->store, &j->mo,
				   fetch ? j->dossier_key : NULL, mo_in_cb, j);
	} else {
		acks_live(j->gw->acks, j->gw->links, j->gw->nlinks, live,
			  sizeof(live));
		rc = store_mo_in(j->gw->store, &j->mo, reread,
				 fetch ? j->dossier_key : NULL, live,
				 j->marked && !reread ? &j->ack : NULL,
				 mo_in_cb, j);
	}

	if (rc < 0)
		mo_in_cb(j, rc, NULL);
}

/* The oldest parked MO of a phone goes on, with its session read again. */
static void wake_next(struct gw *gw, const char *pkey, size_t pklen)
{
	struct mo_job *next = hmap_count(gw->parked) > 0
				      ? hmap_get(gw->parked, pkey, pklen)
				      : NULL;

	if (!next)
		return;
	unpark(next);
	activate(next, true);
	mo_record(next, true);
}

/* 128-bit fingerprint of what makes an MO the same MO. The TONs and NPIs
 * count: an alphanumeric sender that spells a phone is not that phone. */
static void fingerprint(const struct smpp_pdu *p, char *out)
{
	const uint8_t addr[4] = { p->source_addr_ton, p->source_addr_npi,
				  p->dest_addr_ton, p->dest_addr_npi };
	uint64_t h[2];

	for (int k = 0; k < 2; k++) {
		uint64_t x = util_fnv1a64(p->source_addr,
					 strlen(p->source_addr), (uint64_t)k);

		x = util_fnv1a64(addr, sizeof(addr), x);
		x = util_fnv1a64(p->destination_addr,
				strlen(p->destination_addr), x);
		x = util_fnv1a64(p->service_type, strlen(p->service_type), x);
		x = util_fnv1a64(&p->esm_class, 1, x);
		x = util_fnv1a64(&p->data_coding, 1, x);
		if (p->sm_length)
			x = util_fnv1a64(p->short_message, p->sm_length, x);
		for (unsigned i = 0; i < p->tlv_count; i++) {
			uint8_t hdr[4] = { (uint8_t)(p->tlv[i].tag >> 8),
					   (uint8_t)p->tlv[i].tag,
					   (uint8_t)(p->tlv[i].len >> 8),
					   (uint8_t)p->tlv[i].len };

			x = util_fnv1a64(hdr, 4, x);
			if (p->tlv[i].len)
				x = util_fnv1a64(p->tlv[i].val, p->tlv[i].len,
						x);
		}
		h[k] = x;
	}
	util_hex64(h[0], out);
	util_hex64(h[1], out + 16);
}

struct dlr_job {
	struct smpp_link *link;
	uint32_t gen, seq, resp_cmd;
	char bind[32];
	char id[72];
	char state[16];
};

static void dlr_cb(void *arg, int rc, bool found, const char *mt_id,
		   const char *overall)
{
	struct dlr_job *d = arg;
	struct smpp_pdu r;
	uint32_t status = SMPP_ESME_ROK;

	if (rc < 0) {
		/* not recorded: let the SMS centre deliver it again */
		LOGP(LOG_SMPP, LOG_WARN, d->bind,
		     "receipt for %s not recorded (%s): refused with "
		     "ESME_RX_T_APPN", d->id, strerror(-rc));
		status = SMPP_ESME_RX_T_APPN;
	} else if (!found) {
		/* acknowledged anyway: an unknown id will never match, and
		 * refusing it would make the SMS centre repeat it forever */
		LOGP(LOG_SMPP, LOG_WARN, d->bind,
		     "receipt for unknown message id %s (%s)", d->id,
		     d->state);
	} else {
		LOGP(LOG_SMPP, LOG_INFO, d->bind,
		     "receipt: MT %s (SMSC id %s) %s, message %s", mt_id,
		     d->id, d->state, overall);
	}
	if (d->link) {
		smpp_pdu_init(&r, d->resp_cmd, status, d->seq);
		smpp_link_respond(d->link, d->gen, &r);
	}
	free(d);
}

/* Adds the canonical form of id to ids unless empty, invalid or there. */
static int add_candidate(char ids[][80], int n, const char *id, int format,
			 enum dlr_id_source src)
{
	if (!id[0] || dlr_canonical_id(id, format, src, ids[n], 80) < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (strcmp(ids[i], ids[n]) == 0)
			return n;
	return n + 1;
}

static void on_receipt(struct gw *gw, struct smpp_link *l,
		       const struct smpp_pdu *pdu)
{
	const struct cgw_smsc_conf *sc = smpp_link_conf(l);
	struct dlr_job *d = calloc(1, sizeof(*d));
	struct dlr dl;
	char ids[4][80];
	const char *list[4];
	int n = 0, rc;
	struct smpp_pdu r;

	smpp_pdu_init(&r, smpp_resp_id(pdu->command_id), SMPP_ESME_ROK,
		      pdu->sequence_number);
	if (!d) {
		r.command_status = SMPP_ESME_RX_T_APPN;
		smpp_link_respond(l, smpp_link_generation(l), &r);
		return;
	}
	if (dlr_parse(pdu, &dl) < 0) {
		metric_inc(CGW_M_RECEIPTS, METRIC_LV(sc->id, "unparsable"));
		LOGP(LOG_SMPP, LOG_WARN, smpp_link_name(l),
		     "receipt without a message id: acknowledged, ignored");
		smpp_link_respond(l, smpp_link_generation(l), &r);
		free(d);
		return;
	}
	/* canonical forms to try, best first: the TLV's; the text's (read
	 * as decimal when all digits, as most SMS centres write it); the
	 * text's in the bind's own base; the TLV's as decimal */
	n = add_candidate(ids, n, dl.id_from_tlv ? dl.id : "",
			  sc->message_id_format, DLR_ID_TLV);
	n = add_candidate(ids, n, dl.text_id, sc->message_id_format,
			  DLR_ID_TEXT);
	n = add_candidate(ids, n, dl.text_id, sc->message_id_format,
			  DLR_ID_TLV);
	if (dl.id_from_tlv && sc->message_id_format == CONF_MSGID_HEX)
		n = add_candidate(ids, n, dl.id, CONF_MSGID_DECIMAL,
				  DLR_ID_TLV);
	for (int i = 0; i < n; i++)
		list[i] = ids[i];
	d->link = l;
	d->gen = smpp_link_generation(l);
	d->seq = pdu->sequence_number;
	d->resp_cmd = smpp_resp_id(pdu->command_id);
	util_strlcpy(d->bind, sc->id, sizeof(d->bind));
	util_strlcpy(d->id, dl.id, sizeof(d->id));
	util_strlcpy(d->state, dlr_state_name(dl.state), sizeof(d->state));
	metric_inc(CGW_M_RECEIPTS, METRIC_LV(sc->id, dlr_stat_name(&dl)));
	if (n == 0) {
		dlr_cb(d, 0, false, "", "");
		return;
	}
	rc = store_dlr(gw->store, sc->id, list, n, d->state, dl.stat,
		       dl.err, dlr_cb, d);
	if (rc < 0)
		dlr_cb(d, rc, false, "", "");
}

/* --- multipart MOs ----------------------------------------------------------- */

/* A part's acknowledgement waits for the part to be stored. */
struct part_job {
	struct gw *gw;
	struct smpp_link *link;
	uint32_t gen, seq, resp_cmd;
	int part, total;
	char msisdn[24];
	char key[320];
	char bind[32];
};

static const char *field_of(const char *const *f, int n, const char *name)
{
	for (int i = 0; i + 1 < n; i += 2)
		if (strcmp(f[i], name) == 0)
			return f[i + 1];
	return NULL;
}

/*
 * Processes a multipart MO from its stored fields (parts "p<seq>" and the
 * addressing of its first part): joins it, complete or not, and hands it
 * to the normal MO path; its parts are forgotten once it is recorded.
 */
static void cc_process(struct gw *gw, const char *key,
		       const char *const *f, int n)
{
	long long total = 0;
	const char *v;
	struct reasm *r;
	struct mo_job *j;
	struct store_mo *mo;
	char *text = NULL, missing[128], px[64], shown[STORE_TEXT_MAX + 8];
	uint64_t h;
	int rc;

	if (hmap_sget(gw->mo_bycc, key))
		return;	/* in progress here already */
	if (util_parse_int(field_of(f, n, "total"), 2, 255, &total) < 0 ||
	    !(r = reasm_new((uint8_t)total)))
		return;
	for (int i = 0; i + 1 < n; i += 2) {
		uint8_t dc, data[1024];
		size_t len;
		long long seq;

		if (f[i][0] != 'p' ||
		    util_parse_int(f[i] + 1, 1, total, &seq) < 0 ||
		    reasm_part_decode(f[i + 1], &dc, data, sizeof(data),
				      &len) < 0)
			continue;
		reasm_add(r, (uint8_t)seq, dc, data, len);
	}
	reasm_missing(r, missing, sizeof(missing));
	rc = reasm_join(r, NULL, &text);
	j = rc == 0 ? mo_new(gw) : NULL;
	if (!j) {
		reasm_free(r);
		free(text);
		return;
	}
	mo = &j->mo;
	util_strlcpy(j->cc_key, key, sizeof(j->cc_key));
	store_new_mo_id(gw->store, mo->id, sizeof(mo->id));
	util_strlcpy(mo->msisdn, (v = field_of(f, n, "msisdn")) ? v : "",
		    sizeof(mo->msisdn));
	util_strlcpy(mo->src, (v = field_of(f, n, "src")) ? v : "",
		    sizeof(mo->src));
	mo->src_ton = atoi((v = field_of(f, n, "ston")) ? v : "1");
	mo->src_npi = atoi((v = field_of(f, n, "snpi")) ? v : "1");
	util_strlcpy(mo->dst, (v = field_of(f, n, "dst")) ? v : "",
		    sizeof(mo->dst));
	mo->dst_ton = atoi((v = field_of(f, n, "dton")) ? v : "0");
	mo->dst_npi = atoi((v = field_of(f, n, "dnpi")) ? v : "0");
	util_strlcpy(mo->bind, (v = field_of(f, n, "bind")) ? v : "",
		    sizeof(mo->bind));
	mo->ch = STORE_CH_SMS;
	mo->recv_ms = util_now_ms();
	util_strlcpy(mo->text, text, sizeof(mo->text));
	/* the same message completed twice (a late claim) is one MO */
	h = util_fnv1a64(key, strlen(key), 0);
	h = util_fnv1a64(text, strlen(text), h);
	mo->fp[0] = 'c';	/* sizeof(mo->fp) >= 19 */
	mo->fp[1] = 'c';
	util_hex64(h, mo->fp + 2);
	prefix_of(j, px, sizeof(px));
	shown_text(LOG_SMPP, mo->text, shown, sizeof(shown));
	if (reasm_complete(r))
		LOGP(LOG_SMPP, LOG_INFO, px, "MO %s sms in %u parts %s",
		     mo->id, reasm_total(r), shown);
	else
		LOGP(LOG_SMPP, LOG_NOTICE, px,
		     "MO %s incomplete after %ds: part(s) %s of %u never "
		     "came; processing what arrived: %s", mo->id,
		     gw->conf->gateway.concat_timeout / 1000, missing,
		     reasm_total(r), shown);
	reasm_free(r);
	free(text);
	mo_record(j, false);
}

static void part_cb(void *arg, int rc, enum store_part_verdict v,
		    const char *const *fields, int nfields)
{
	struct part_job *p = arg;
	struct smpp_pdu r;
	char m[32];

	smpp_pdu_init(&r, p->resp_cmd, SMPP_ESME_ROK, p->seq);
	if (rc < 0) {
		LOGP(LOG_SMPP, LOG_WARN, p->bind,
		     "part %d/%d from %s not stored (%s): refused with "
		     "ESME_RX_T_APPN", p->part, p->total,
		     log_mask_msisdn(p->msisdn, m, sizeof(m)), strerror(-rc));
		r.command_status = SMPP_ESME_RX_T_APPN;
	} else if (v == STORE_PART_DUP) {
		LOGP(LOG_SMPP, LOG_INFO, p->bind,
		     "part %d/%d from %s again: acknowledged, ignored",
		     p->part, p->total,
		     log_mask_msisdn(p->msisdn, m, sizeof(m)));
	} else if (v == STORE_PART_CONFLICT) {
		LOGP(LOG_SMPP, LOG_WARN, p->bind,
		     "part %d/%d from %s differs from the one received "
		     "before: the first is kept", p->part, p->total,
		     log_mask_msisdn(p->msisdn, m, sizeof(m)));
	}
	if (p->link)
		smpp_link_respond(p->link, p->gen, &r);
	if (rc == 0 && v == STORE_PART_COMPLETE)
		cc_process(p->gw, p->key, fields, nfields);
	free(p);
}

/* One part of a multipart MO: stored in Redis until its siblings arrive
 * (on any bind, in any gateway process), acknowledged once stored. */
static void on_part(struct gw *gw, struct smpp_link *l,
		    const struct smpp_pdu *pdu, const struct reasm_info *ri)
{
	const struct cgw_smsc_conf *sc = smpp_link_conf(l);
	struct part_job *p = calloc(1, sizeof(*p));
	uint8_t bytes[1200];
	char part[2600], num[6][16];
	size_t n;
	int rc = -ENOMEM;

	if (p) {
		p->gw = gw;
		p->link = l;
		p->gen = smpp_link_generation(l);
		p->seq = pdu->sequence_number;
		p->resp_cmd = smpp_resp_id(pdu->command_id);
		p->part = ri->seq;
		p->total = ri->total;
		util_strlcpy(p->bind, sc->id, sizeof(p->bind));
		phone_sender(pdu->source_addr, pdu->source_addr_ton,
			     pdu->source_addr_npi, p->msisdn,
			     sizeof(p->msisdn), NULL);
		reasm_key(ri, pdu->source_addr, pdu->destination_addr, p->key,
			  sizeof(p->key));
		rc = reasm_part_bytes(ri, sc->packed, bytes, sizeof(bytes),
				      &n);
		if (rc == 0 && reasm_part_encode(ri->dc, bytes, n, part,
						 sizeof(part)) < 0)
			rc = -EINVAL;
	}
	if (rc == 0) {
		snprintf(num[0], sizeof(num[0]), "%u", pdu->source_addr_ton);
		snprintf(num[1], sizeof(num[1]), "%u", pdu->source_addr_npi);
		snprintf(num[2], sizeof(num[2]), "%u", pdu->dest_addr_ton);
		snprintf(num[3], sizeof(num[3]), "%u", pdu->dest_addr_npi);
		snprintf(num[4], sizeof(num[4]), "%u", ri->total);

		const char *meta[] = {
			"msisdn", p->msisdn, "key", p->key,
			"src", pdu->source_addr, "ston", num[0],
			"snpi", num[1], "dst", pdu->destination_addr,
			"dton", num[2], "dnpi", num[3], "bind", sc->id,
			"total", num[4],
		};

		rc = store_part_in(gw->store, p->msisdn, p->key, ri->seq,
				   ri->total, part, meta,
				   (int)ARRAY_SIZE(meta),
				   util_now_ms() +
					   gw->conf->gateway.concat_timeout,
				   part_cb, p);
	}
	if (rc < 0 && p) {
		part_cb(p, rc, STORE_PART_STORED, NULL, 0);
	} else if (rc < 0) {
		struct smpp_pdu r;

		smpp_pdu_init(&r, smpp_resp_id(pdu->command_id),
			      SMPP_ESME_RX_T_APPN, pdu->sequence_number);
		smpp_link_respond(l, smpp_link_generation(l), &r);
	}
}

static void claimed_cc(void *arg, const char *msisdn, const char *key,
		       const char *const *fields, int nfields)
{
	cc_process(arg, key, fields, nfields);
}

/* Where an MO came from and where to answer it, when, and who sent it. */
static void mo_received(struct mo_job *j, struct smpp_link *l,
			const struct smpp_pdu *pdu)
{
	struct store_mo *mo = &j->mo;

	j->link = l;
	j->gen = smpp_link_generation(l);
	j->seq = pdu->sequence_number;
	j->resp_cmd = smpp_resp_id(pdu->command_id);
	j->recv_mono = util_mono_ms();
	store_new_mo_id(j->gw->store, mo->id, sizeof(mo->id));
	/* only a number for its TON/NPI becomes a phone; anything else gets
	 * a key of its own that no subscriber's can equal */
	phone_sender(pdu->source_addr, pdu->source_addr_ton,
		     pdu->source_addr_npi, mo->msisdn, sizeof(mo->msisdn), NULL);
	util_strlcpy(mo->src, pdu->source_addr, sizeof(mo->src));
	mo->src_ton = pdu->source_addr_ton;
	mo->src_npi = pdu->source_addr_npi;
	util_strlcpy(mo->dst, pdu->destination_addr, sizeof(mo->dst));
	mo->dst_ton = pdu->dest_addr_ton;
	mo->dst_npi = pdu->dest_addr_npi;
	util_strlcpy(mo->bind, smpp_link_conf(l)->id, sizeof(mo->bind));
	mo->recv_ms = util_now_ms();
	fingerprint(pdu, mo->fp);
}

static void on_request(void *arg, struct smpp_link *l,
		       const struct smpp_pdu *pdu)
{
	struct gw *gw = arg;
	struct mo_job *j;
	struct store_mo *mo;
	struct ussd_mo um;
	struct reasm_info ri;
	char px[64], why[160], shown[STORE_TEXT_MAX + 8];
	int cat;

	if (dlr_is_receipt(pdu)) {
		on_receipt(gw, l, pdu);
		return;
	}
	if (reasm_parse(pdu, &ri, why, sizeof(why)) < 0) {
		struct smpp_pdu r;

		/* what it belongs to cannot be known: refuse it for good
		 * rather than answer a fragment */
		LOGP(LOG_SMPP, LOG_WARN, smpp_link_name(l),
		     "MO with a malformed concatenation header (%s): "
		     "refused with ESME_RX_P_APPN", why);
		smpp_pdu_init(&r, smpp_resp_id(pdu->command_id),
			      SMPP_ESME_RX_P_APPN, pdu->sequence_number);
		smpp_link_respond(l, smpp_link_generation(l), &r);
		return;
	}
	if (ri.total > 1) {
		on_part(gw, l, pdu, &ri);
		return;
	}
	j = mo_new(gw);
	if (!j) {
		struct smpp_pdu r;

		smpp_pdu_init(&r, smpp_resp_id(pdu->command_id),
			      SMPP_ESME_RX_T_APPN, pdu->sequence_number);
		smpp_link_respond(l, smpp_link_generation(l), &r);
		return;
	}
	mo = &j->mo;
	mo_received(j, l, pdu);
	reasm_info_text(&ri, smpp_link_conf(l)->packed, mo->text,
			sizeof(mo->text));
	if (ussd_classify(gw->conf->ussd.dialect, pdu, &um)) {
		mo->ch = STORE_CH_USSD;
		mo->ussd_ev = um.ev;
		ussd_ref_format(&um.ref, mo->ussd_ref, sizeof(mo->ussd_ref));
	} else {
		mo->ch = STORE_CH_SMS;
	}
	if (mo->ch == STORE_CH_SMS)
		mo->restart = mo_cmd(j)->kind == CMD_MENU;
	prefix_of(j, px, sizeof(px));
	cat = mo->ch == STORE_CH_USSD ? LOG_USSD : LOG_SMPP;
	LOGP(cat, LOG_INFO, px, "MO %s %s%s%s %s", mo->id,
	     mo->ch == STORE_CH_USSD ? "ussd " : "sms",
	     mo->ch == STORE_CH_USSD ? ussd_event_name(mo->ussd_ev) : "",
	     "", shown_text(cat, mo->text, shown, sizeof(shown)));
	mo_record(j, false);
}

/* --- recovery -------------------------------------------------------------- */

static void claimed_mt(void *arg, int rc, const struct store_mt *mt,
		       bool expired)
{
	struct gw *gw = arg;
	char masked[32];

	if (expired) {
		LOGP(LOG_SMPP, LOG_WARN, NULL,
		     "MT %s to %s expired before it could be sent; dropped",
		     mt->id, log_mask_msisdn(mt->msisdn, masked,
					     sizeof(masked)));
		return;
	}
	/* ours already: the claim just renewed it */
	if (sender_hold(gw->sender, mt) == 0)
		LOGP(LOG_SMPP, LOG_NOTICE, NULL, "claimed MT %s (owner gone)",
		     mt->id);
}

static void claimed_mo(void *arg, const struct store_mo *mo)
{
	struct gw *gw = arg;
	struct mo_job *j;

	if (hmap_sget(gw->mo_byid, mo->id))
		return;	/* still in progress here */
	j = mo_new(gw);
	if (!j)
		return;
	j->mo = *mo;
	j->recovered = true;
	/* not stored: an SMS MENU begins a session again, its commit
	 * deletes its fingerprint as a dial's (store_mo.c, mo_in_mode) */
	if (j->mo.ch == STORE_CH_SMS)
		j->mo.restart = mo_cmd(j)->kind == CMD_MENU;
	LOGP(LOG_MENU, LOG_NOTICE, NULL,
	     "recovering MO %s (acknowledged, never answered)", mo->id);
	mo_record(j, true);
}

static void claim_end(void *arg, int rc)
{
	struct gw *gw = arg;

	gw->claim_busy = false;
	log_store_err("recovery claim", rc);
	sender_pump(gw->sender);
}

static void bc_claim_end(void *arg, int rc)
{
	struct gw *gw = arg;

	log_store_err("broadcast claim", rc);
	sender_pump(gw->sender);
}

static void mo_claim_end(void *arg, int rc)
{
	log_store_err("MO recovery claim", rc);
}

static void claim_tick(evutil_socket_t fd, short what, void *arg)
{
	struct gw *gw = arg;
	int held;

	if (gw->stopping || !store_ready(gw->store) || gw->claim_busy)
		return;
	gw->claim_busy = true;
	if (store_mt_claim(gw->store, 0, 100, claimed_mt, claim_end, gw) < 0)
		gw->claim_busy = false;
	/* broadcast traffic: up to SENDER_MAX_HELD_BROADCAST */
	held = sender_held_broadcast(gw->sender);
	if (held < SENDER_MAX_HELD_BROADCAST)
		store_mt_claim(gw->store, 1,
			       (SENDER_MAX_HELD_BROADCAST - held) /
					       gw->conf->redis.shards + 1,
			       claimed_mt, bc_claim_end, gw);
	store_mo_claim(gw->store, 50, claimed_mo, mo_claim_end, gw);
	store_cc_claim(gw->store, 50, claimed_cc, mo_claim_end, gw);
}

static void renew_tick(evutil_socket_t fd, short what, void *arg)
{
	struct gw *gw = arg;

	sender_renew(gw->sender);
}

/* --- links and lifecycle ---------------------------------------------------- */

static void on_link_state(void *arg, struct smpp_link *l, bool bound)
{
	struct gw *gw = arg;

	if (bound)
		sender_pump(gw->sender);
}

static void on_writable(void *arg, struct smpp_link *l)
{
	struct gw *gw = arg;

	sender_pump(gw->sender);
}

static void stop_finished(void *arg)
{
	struct gw *gw = arg;
	void (*done)(void *) = gw->stop_done;

	if (!done)
		return;
	gw->stop_done = NULL;
	evtimer_del(gw->release_timer);
	done(gw->stop_arg);
}

static void release_tick(evutil_socket_t fd, short what, void *arg)
{
	LOGP(LOG_MAIN, LOG_WARN, NULL, "Redis did not confirm the hand-back "
	     "of the MTs held within %dms: they come back when their lease "
	     "(gateway.mt_lease) runs out", RELEASE_WAIT_MS);
	stop_finished(arg);
}

/* Hands the MTs we hold to whoever runs next, right away, and waits
 * (bounded) until Redis has them: the process exits after done. */
static void finish_stop(struct gw *gw)
{
	struct timeval tv = { RELEASE_WAIT_MS / 1000,
			      (RELEASE_WAIT_MS % 1000) * 1000 };

	if (!gw->stop_done || gw->releasing)
		return;
	gw->releasing = true;
	evtimer_add(gw->release_timer, &tv);
	sender_release(gw->sender, stop_finished, gw);
}

/* Links started whose stopped callback has not come, retired ones too. */
static int links_running(const struct gw *gw)
{
	int n = 0;

	for (int i = 0; i < gw->nlinks; i++)
		n += gw->admin[i].running;
	for (int i = 0; i < gw->nretired; i++)
		n += gw->retired[i].running;
	return n;
}

/* True while a retired link of bind `id` still unbinds: its successor
 * binds only after, as an SMS centre may allow one bind per account. */
static bool predecessor_running(const struct gw *gw, const char *id)
{
	for (int i = 0; i < gw->nretired; i++)
		if (gw->retired[i].running &&
		    strcmp(smpp_link_conf(gw->retired[i].link)->id, id) == 0)
			return true;
	return false;
}

/* Starts every link that should run and does not: after the first
 * Redis contact, unless held by `ctl bind stop` or the gateway stops. */
static void reconcile(struct gw *gw)
{
	if (!gw->links_started || gw->stopping)
		return;
	for (int i = 0; i < gw->nlinks; i++) {
		struct smpp_link *l = gw->links[i];

		if (gw->admin[i].held || gw->admin[i].running ||
		    predecessor_running(gw, smpp_link_conf(l)->id))
			continue;
		gw->admin[i].running = true;
		smpp_link_start(l);
	}
}

static void relink_tick(evutil_socket_t fd, short what, void *arg)
{
	reconcile(arg);
}

static void on_link_stopped(void *arg, struct smpp_link *l)
{
	struct gw *gw = arg;

	for (int i = 0; i < gw->nlinks; i++)
		if (gw->links[i] == l)
			gw->admin[i].running = false;
	for (int i = 0; i < gw->nretired; i++)
		if (gw->retired[i].link == l)
			gw->retired[i].running = false;
	if (gw->stopping) {
		if (links_running(gw) == 0 && LIST_EMPTY(&gw->mos))
			event_active(gw->stop_timer, 0, 0);
		return;
	}
	/* not from inside the link's own callback */
	event_active(gw->relink_timer, 0, 0);
}

static void stop_tick(evutil_socket_t fd, short what, void *arg)
{
	struct gw *gw = arg;

	if (!LIST_EMPTY(&gw->mos) || links_running(gw))
		LOGP(LOG_MAIN, LOG_WARN, NULL,
		     "stopping with %s%s still busy after %dms",
		     !LIST_EMPTY(&gw->mos) ? "MOs in progress" : "",
		     links_running(gw) ? " binds" : "", STOP_GRACE_MS);
	finish_stop(gw);
}

static void start_links(struct gw *gw)
{
	if (gw->links_started || gw->stopping)
		return;
	gw->links_started = true;
	evtimer_del(gw->bind_timer);
	reconcile(gw);
}

static void bind_wait_over(evutil_socket_t fd, short what, void *arg)
{
	struct gw *gw = arg;

	LOGP(LOG_MAIN, LOG_WARN, NULL, "Redis not ready after %dms: binding "
	     "anyway (MOs are refused with ESME_RX_T_APPN until it is)",
	     BIND_WAIT_MS);
	start_links(gw);
}

static void on_store_state(void *arg, bool ready)
{
	struct gw *gw = arg;

	if (ready) {
		LOGP(LOG_MAIN, LOG_NOTICE, NULL, "Redis ready");
		start_links(gw);
		claim_tick(-1, 0, gw);
	}
}

static const struct smpp_link_cbs link_cbs = {
	.state = on_link_state,
	.request = on_request,
	.writable = on_writable,
	.stopped = on_link_stopped,
};

/* The link(s) of one smsc entry: one, two for a transmitter+receiver
 * pair; not started, `held` as given. Returns 0 or -ENOMEM (nothing
 * added). */
static int add_links(struct gw *gw, const struct cgw_smsc_conf *sc,
		     bool held)
{
	bool pair = sc->bind_mode == CONF_BIND_TX_RX;
	struct smpp_link *l[2] = { NULL, NULL };
	int n = pair ? 2 : 1;

	if (gw->nlinks + n > MAX_LINKS)
		return -ENOMEM;
	l[0] = smpp_link_new(gw->base, gw->dns, sc,
			     pair ? SMPP_ROLE_TX : SMPP_ROLE_TRX, &link_cbs,
			     gw);
	if (pair)
		l[1] = smpp_link_new(gw->base, gw->dns, sc, SMPP_ROLE_RX,
				     &link_cbs, gw);
	if (!l[0] || (pair && !l[1])) {
		smpp_link_free(l[0]);
		smpp_link_free(l[1]);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		gw->links[gw->nlinks] = l[i];
		gw->admin[gw->nlinks] = (struct link_admin){ false, held };
		gw->nlinks++;
	}
	return 0;
}

/* One link per smsc entry, two for a transmitter+receiver pair. Returns
 * 0 or -ENOMEM (the links made are freed with the gateway). */
static int make_links(struct gw *gw)
{
	for (int i = 0; i < gw->conf->nsmsc; i++)
		if (add_links(gw, &gw->conf->smsc[i], false) < 0)
			return -ENOMEM;
	return 0;
}

struct gw *gw_new(struct event_base *base, const struct cgw_conf *conf,
		  const struct gw_loaded *ld, char *err, size_t errlen)
{
	struct gw *gw = calloc(1, sizeof(*gw));
	struct timeval claim = { CLAIM_INTERVAL_MS / 1000,
				 (CLAIM_INTERVAL_MS % 1000) * 1000 };
	struct timeval renew = { conf->gateway.mt_lease / 3000, 0 };

	if (!gw) {
		util_err(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	gw->base = base;
	gw->conf = conf;
	gw->started_ms = util_now_ms();
	LIST_INIT(&gw->mos);
	pool_init(&gw->mo_jobs, sizeof(struct mo_job), MO_JOBS_KEPT);
	gw->mo_byid = hmap_new(256);
	gw->mo_bycc = hmap_new(16);
	gw->busy = hmap_new(256);
	gw->parked = hmap_new(16);
	if (!gw->mo_byid || !gw->mo_bycc || !gw->busy || !gw->parked) {
		util_err(err, errlen, -ENOMEM, "out of memory");
		gw_free(gw);
		return NULL;
	}
	gw->menus = ld->menus;
	gw->tz = ld->tz;
	gw->quiet = ld->quiet;
	if (conf->gateway.instance[0]) {
		util_strlcpy(gw->instance, conf->gateway.instance,
			    sizeof(gw->instance));
	} else {
		char host[40] = "host";

		gethostname(host, sizeof(host) - 1);
		host[sizeof(host) - 1] = '\0';
		snprintf(gw->instance, sizeof(gw->instance), "%s.%ld", host,
			 (long)getpid());
	}
	gw->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
	if (!gw->dns)
		gw->dns = evdns_base_new(base, 0);
	gw->store = store_new(base, conf, gw->instance, on_store_state, gw,
			      err, errlen);
	if (!gw->store) {
		gw_free(gw);
		return NULL;
	}
	if (make_links(gw) < 0) {
		util_err(err, errlen, -ENOMEM, "out of memory");
		gw_free(gw);
		return NULL;
	}
	gw->acks = acks_new(base, gw->store, gw->instance,
			    conf->gateway.mo_ack_timeout,
			    conf->gateway.mo_dedup_window, gw->links,
			    &gw->nlinks);
	gw->claim_timer = event_new(base, -1, EV_PERSIST, claim_tick, gw);
	gw->renew_timer = event_new(base, -1, EV_PERSIST, renew_tick, gw);
	gw->stop_timer = evtimer_new(base, stop_tick, gw);
	gw->bind_timer = evtimer_new(base, bind_wait_over, gw);
	gw->relink_timer = evtimer_new(base, relink_tick, gw);
	gw->release_timer = evtimer_new(base, release_tick, gw);
	gw->sender = sender_new(base, conf, gw->store, gw->links, gw->nlinks);
	if (gw->sender)
		gw->dispatch = dispatch_new(base, conf, gw->store, gw->sender,
					    gw->tz, gw->quiet);
	gw->notify = notify_new(base, conf, gw->store);
	gw->live = live_new();
	if (gw->notify)
		gw_set_notices(gw, ld->notices);
	if (!gw->claim_timer || !gw->renew_timer || !gw->stop_timer ||
	    !gw->bind_timer || !gw->relink_timer || !gw->release_timer ||
	    !gw->sender || !gw->dispatch || !gw->notify ||
	    !gw->acks || !gw->live) {
		util_err(err, errlen, -ENOMEM, "out of memory");
		gw_free(gw);
		return NULL;
	}
	evtimer_add(gw->claim_timer, &claim);
	if (renew.tv_sec < 1)
		renew.tv_sec = 1;
	evtimer_add(gw->renew_timer, &renew);
	LOGP(LOG_MAIN, LOG_NOTICE, NULL, "instance %s, %d bind(s), %d shard(s)",
	     gw->instance, gw->nlinks, conf->redis.shards);
	return gw;
}

void gw_start(struct gw *gw)
{
	struct timeval tv = { BIND_WAIT_MS / 1000,
			      (BIND_WAIT_MS % 1000) * 1000 };

	if (store_ready(gw->store))
		start_links(gw);
	else
		evtimer_add(gw->bind_timer, &tv);
}

void gw_stop(struct gw *gw, void (*done)(void *arg), void *arg)
{
	struct timeval grace = { STOP_GRACE_MS / 1000, 0 };

	gw->stopping = true;
	gw->stop_done = done;
	gw->stop_arg = arg;
	evtimer_del(gw->claim_timer);
	dispatch_stop(gw->dispatch);
	notify_stop(gw->notify);
	evtimer_add(gw->stop_timer, &grace);
	/* MOs waiting behind another of their phone are recorded and
	 * acknowledged: leave them to the recovery of the next process */
	for (struct mo_job *j = LIST_FIRST(&gw->mos), *next; j; j = next) {
		next = LIST_NEXT(j, entry);
		if (j->parked)
			mo_free(j);
	}
	for (int i = 0; i < gw->nlinks; i++)
		if (gw->admin[i].running)
			smpp_link_stop(gw->links[i]);
	/* nothing was bound (or every bind was held) */
	if (links_running(gw) == 0 && LIST_EMPTY(&gw->mos))
		event_active(gw->stop_timer, 0, 0);
}

void gw_set_menus(struct gw *gw, const struct menu_tree *menus)
{
	gw->menus = menus;
}

void gw_free(struct gw *gw)
{
	if (!gw)
		return;
	gw->stopping = true;
	/* what waits in it names links */
	acks_free(gw->acks);
	gw->acks = NULL;
	/* Store first: its pending callbacks (-ECANCELED) may still answer
	 * an MO on a link, so the links must outlive them. */
	store_free(gw->store);
	gw->store = NULL;
	/* the MOs freed below answer no link */
	for (struct mo_job *j = LIST_FIRST(&gw->mos); j;
	     j = LIST_NEXT(j, entry))
		j->link = NULL;
	for (int i = 0; i < gw->nlinks; i++)
		smpp_link_free(gw->links[i]);
	gw->nlinks = 0;
	for (int i = 0; i < gw->nretired; i++)
		smpp_link_free(gw->retired[i].link);
	free(gw->retired);
	gw->retired = NULL;
	gw->nretired = 0;
	/* after the store: its cancelled callbacks name their entries */
	dispatch_free(gw->dispatch);
	notify_free(gw->notify);
	sender_free(gw->sender);
	gw->sender = NULL;
	while (!LIST_EMPTY(&gw->mos))
		mo_free(LIST_FIRST(&gw->mos));
	hmap_free(gw->mo_byid);
	hmap_free(gw->mo_bycc);
	hmap_free(gw->busy);
	hmap_free(gw->parked);
	pool_free(&gw->mo_jobs);
	live_free(gw->live);
	if (gw->claim_timer)
		event_free(gw->claim_timer);
	if (gw->renew_timer)
		event_free(gw->renew_timer);
	if (gw->stop_timer)
		event_free(gw->stop_timer);
	if (gw->bind_timer)
		event_free(gw->bind_timer);
	if (gw->relink_timer)
		event_free(gw->relink_timer);
	if (gw->release_timer)
		event_free(gw->release_timer);
	if (gw->dns)
		evdns_base_free(gw->dns, 0);
	free(gw);
}

struct store *gw_store(struct gw *gw)
{
	return gw->store;
}

int gw_reload_scripts(struct gw *gw, char *err, size_t errlen)
{
	return store_reload(gw->store, err, errlen);
}

const char *gw_instance(const struct gw *gw)
{
	return gw->instance;
}

int gw_binds(const struct gw *gw, struct gw_bind *out, int max)
{
	static const char *const roles[] = {
		[SMPP_ROLE_TRX] = "transceiver",
		[SMPP_ROLE_TX] = "transmitter",
		[SMPP_ROLE_RX] = "receiver",
	};

	for (int i = 0; i < gw->nlinks && i < max; i++) {
		const struct smpp_link *l = gw->links[i];
		const struct cgw_smsc_conf *sc = smpp_link_conf(l);
		struct gw_bind *b = &out[i];

		util_strlcpy(b->name, smpp_link_name(l), sizeof(b->name));
		util_strlcpy(b->smsc, sc->id, sizeof(b->smsc));
		b->held = gw->admin[i].held;
		b->role = roles[smpp_link_role(l)];
		b->state = smpp_link_state_name(l);
		b->bound = smpp_link_bound(l);
		b->since = smpp_link_state_since(l);
		b->window = sc->window;
		b->in_flight = smpp_link_outstanding(l);
		b->tps = sc->tps;
	}
	return gw->nlinks;
}

int64_t gw_started(const struct gw *gw)
{
	return gw->started_ms;
}

int gw_sessions(const struct gw *gw)
{
	return live_count(gw->live, util_now_ms());
}

void gw_set_notices(struct gw *gw, const struct notice_set *notices)
{
	gw->notices = notices;
	notify_set(gw->notify, notices);
}

bool gw_notice_has(const struct gw *gw, int status)
{
	return gw->notices && notice_has(gw->notices, status);
}

const struct bcast_tz *gw_tz(const struct gw *gw)
{
	return gw->tz;
}

bool gw_bcast_allowed(const struct gw *gw, int64_t now_ms)
{
	return bcast_quiet_allows(gw->quiet, gw->tz, now_ms);
}

/* --- runtime control --------------------------------------------------------- */

/* Refuses a change while the gateway stops; -ENOENT when no link has
 * smsc entry `id`. */
static int find_bind(const struct gw *gw, const char *id)
{
	if (gw->stopping)
		return -ESHUTDOWN;
	for (int i = 0; i < gw->nlinks; i++)
		if (strcmp(smpp_link_conf(gw->links[i])->id, id) == 0)
			return 0;
	return -ENOENT;
}

int gw_bind_stop(struct gw *gw, const char *id)
{
	int rc = find_bind(gw, id), held = 0, n = 0;

	if (rc < 0)
		return rc;
	for (int i = 0; i < gw->nlinks; i++) {
		if (strcmp(smpp_link_conf(gw->links[i])->id, id) != 0)
			continue;
		n++;
		held += gw->admin[i].held;
	}
	if (held == n)
		return -EALREADY;
	LOGP(LOG_SMPP, LOG_NOTICE, id, "bind stopped by the operator: "
	     "unbinding; its traffic goes through the other binds");
	for (int i = 0; i < gw->nlinks; i++) {
		if (strcmp(smpp_link_conf(gw->links[i])->id, id) != 0 ||
		    gw->admin[i].held)
			continue;
		gw->admin[i].held = true;
		/* may call on_link_stopped at once (an idle link) */
		if (gw->admin[i].running)
			smpp_link_stop(gw->links[i]);
	}
	sender_pump(gw->sender);
	return 0;
}

int gw_bind_start(struct gw *gw, const char *id)
{
	int rc = find_bind(gw, id), started = 0;

	if (rc < 0)
		return rc;
	for (int i = 0; i < gw->nlinks; i++) {
		if (strcmp(smpp_link_conf(gw->links[i])->id, id) != 0 ||
		    !gw->admin[i].held)
			continue;
		gw->admin[i].held = false;
		started++;
	}
	if (!started)
		return -EALREADY;
	LOGP(LOG_SMPP, LOG_NOTICE, id, "bind started by the operator");
	/* a link still unbinding starts again once it is idle */
	reconcile(gw);
	return 0;
}

static const struct cgw_smsc_conf *conf_entry(const struct cgw_conf *c,
					      const char *id)
{
	for (int i = 0; i < c->nsmsc; i++)
		if (strcmp(c->smsc[i].id, id) == 0)
			return &c->smsc[i];
	return NULL;
}

/* Takes link i out of gw->links: it unbinds and stays idle. Returns 0
 * or -ENOMEM (left as it was). */
static int retire(struct gw *gw, int i)
{
	struct smpp_link *l = gw->links[i];
	struct retired_link *r;

	r = realloc(gw->retired, (size_t)(gw->nretired + 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	gw->retired = r;
	r[gw->nretired++] = (struct retired_link){ l, gw->admin[i].running,
						   gw->admin[i].held };
	memmove(&gw->links[i], &gw->links[i + 1],
		(size_t)(gw->nlinks - i - 1) * sizeof(gw->links[0]));
	memmove(&gw->admin[i], &gw->admin[i + 1],
		(size_t)(gw->nlinks - i - 1) * sizeof(gw->admin[0]));
	gw->nlinks--;
	sender_links_changed(gw->sender, gw->nlinks);
	/* after the move: the stopped callback may come at once */
	if (r[gw->nretired - 1].running)
		smpp_link_stop(l);
	return 0;
}

/* Whether the last link retired for bind `id` was held: a bind whose
 * settings changed while an operator held it stays held. */
static bool retired_held(const struct gw *gw, const char *id)
{
	for (int i = gw->nretired - 1; i >= 0; i--)
		if (strcmp(smpp_link_conf(gw->retired[i].link)->id, id) == 0)
			return gw->retired[i].held;
	return false;
}

static bool has_link(const struct gw *gw, const char *id)
{
	for (int i = 0; i < gw->nlinks; i++)
		if (strcmp(smpp_link_conf(gw->links[i])->id, id) == 0)
			return true;
	return false;
}

/* Brings the links of an unchanged peer to their entry's other
 * settings. */
static void update_link(struct smpp_link *l, const struct cgw_smsc_conf *nc)
{
	const struct cgw_smsc_conf *old = smpp_link_conf(l);
	int tps = old->tps, window = old->window;

	if (smpp_link_update(l, nc) < 0) {
		LOGP(LOG_SMPP, LOG_ERROR, smpp_link_name(l),
		     "reload: out of memory; the bind keeps its settings");
		return;
	}
	if (tps != nc->tps || window != nc->window)
		LOGP(LOG_SMPP, LOG_NOTICE, smpp_link_name(l),
		     "reload: tps %d -> %d, window %d -> %d (no rebind)", tps,
		     nc->tps, window, nc->window);
}

int gw_reload_binds(struct gw *gw)
{
	const struct cgw_conf *c = gw->conf;
	int rc = 0;

	if (gw->stopping)
		return -ESHUTDOWN;
	for (int i = 0; i < gw->nlinks;) {
		struct smpp_link *l = gw->links[i];
		const struct cgw_smsc_conf *old = smpp_link_conf(l);
		const struct cgw_smsc_conf *nc = conf_entry(c, old->id);

		if (nc && smpp_link_same_peer(old, nc)) {
			update_link(l, nc);
			i++;
			continue;
		}
		LOGP(LOG_SMPP, LOG_NOTICE, smpp_link_name(l), "reload: %s: "
		     "unbinding", nc ? "connection settings changed"
				     : "no longer in the configuration");
		if (retire(gw, i) < 0) {
			LOGP(LOG_SMPP, LOG_ERROR, smpp_link_name(l),
			     "reload: out of memory; the bind stays");
			rc = -ENOMEM;
			i++;
		}
	}
	for (int i = 0; i < c->nsmsc; i++) {
		const struct cgw_smsc_conf *sc = &c->smsc[i];
		bool again = predecessor_running(gw, sc->id);

		if (has_link(gw, sc->id))
			continue;
		if (add_links(gw, sc, retired_held(gw, sc->id)) < 0) {
			LOGP(LOG_SMPP, LOG_ERROR, sc->id,
			     "reload: out of memory; bind not added");
			rc = -ENOMEM;
			continue;
		}
		LOGP(LOG_SMPP, LOG_NOTICE, sc->id, "reload: %s", again
		     ? "binding with the new settings" : "new bind");
	}
	sender_links_changed(gw->sender, gw->nlinks);
	reconcile(gw);
	return rc;
}
