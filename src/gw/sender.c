/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The sender (see gw/sender.h).
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "smpp/dlr.h"
#include "common/hmap.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/pool.h"
#include "text/segment.h"
#include "gw/sender.h"
#include "gw/tps.h"
#include "text/text.h"
#include "smpp/ussd.h"
#include "common/util.h"
#include "smpp/smpp_link.h"

#define MAX_SUBMIT_RETRIES 5	/* temporary submit errors of one MT */
#define RETRY_DELAY_MS 500	/* after a temporary error, times the count */
#define SWEEP_MS 1000		/* expiry of MTs the pump did not reach */
#define JOBS_KEPT 1024		/* freed jobs kept for reuse */
/* the send queues, in the order they are served: replies (priority 0),
 * then broadcast traffic (priority > 0) */
#define NQUEUES 2
#define QUEUE_OF(m) ((m)->mt.prio > 0 ? 1 : 0)

struct mt_job;

struct mt_part {
	struct mt_job *job;
	unsigned idx;
	bool done, in_flight;
	int retries;		/* temporary failures of this part */
	char msgid[72];
};

/* A held MT. Taken from the sender's pool uninitialised: job_new()
 * zeroes the fields before `mt` and sets `mt`; the rest is set where it
 * is first used (prepare()). */
struct mt_job {
	struct sender *s;
	LIST_ENTRY(mt_job) entry;	/* all held MTs */
	TAILQ_ENTRY(mt_job) qentry;	/* waiting to be submitted */
	bool queued;
	bool dead;		/* finished; freed when nothing is in flight */
	/* the outcome is known but not yet in Redis: keep the MT (and its
	 * lease) and record it again, rather than let it be sent twice */
	bool recording;
	char fin_state[12];
	uint32_t fin_status;
	int64_t record_at;	/* wall ms of the next attempt */
	bool ref_pending;	/* waiting for a concatenation reference */
	/* a broadcast MT's try is counted in Redis before it is submitted,
	 * so that a successor can tell a possible duplicate (marked) */
	bool mark_pending, marked;
	int64_t not_before;	/* wall ms: retry delay */
	/* encoded form, per the bind it goes out on */
	bool prepared;
	struct seg_msg seg;	/* SMS */
	size_t ussd_len;
	uint8_t ussd_dc;
	unsigned nparts;
	struct mt_part *parts;	/* &part1 when there is one part */
	int inflight;
	bool any_accepted;	/* a part went: no expiry, no re-encoding */
	/* a part was submitted asking for a receipt: only then are the SMS
	 * centre's ids mapped to the MT (a key per part, kept as long as
	 * the MT; never for USSD screens) */
	bool receipts;
	struct mt_part part1;
	/* not zeroed by job_new() */
	struct store_mt mt;
	uint8_t ussd_sm[512];	/* USSD: one PDU */
};

struct sender {
	struct event_base *base;
	const struct cgw_conf *conf;
	struct store *st;
	struct smpp_link *const *links;
	int nlinks;
	LIST_HEAD(, mt_job) all;
	struct hmap *byid;	/* the jobs not dead, by MT id */
	int nbcast;		/* of them, broadcast (priority > 0) */
	TAILQ_HEAD(, mt_job) queue[NQUEUES];
	int nqueued;		/* in the queues */
	struct pool jobs;
	struct smpp_pdu pdu;	/* the submit_sm being built */
	int64_t record_due;	/* wall ms: a failed record to retry, or 0 */
	int64_t swept;		/* wall ms of the last expiry sweep */
	struct event *timer;	/* wakes the pump after a delay */
	struct tps *tps;	/* the TPS caps of the SMSC accounts */
	/* sender_release(): answers awaited, and who to tell */
	int rel_pending;
	void (*rel_done)(void *arg);
	void *rel_arg;
};

static void pump_tick(evutil_socket_t fd, short what, void *arg)
{
	sender_pump(arg);
}

static void slot_due(void *arg)
{
	sender_pump(arg);
}

struct sender *sender_new(struct event_base *base, const struct cgw_conf *conf,
			  struct store *st, struct smpp_link *const *links,
			  int nlinks)
{
	struct sender *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->base = base;
	s->conf = conf;
	s->st = st;
	s->links = links;
	s->nlinks = nlinks;
	LIST_INIT(&s->all);
	for (int i = 0; i < NQUEUES; i++)
		TAILQ_INIT(&s->queue[i]);
	pool_init(&s->jobs, sizeof(struct mt_job), JOBS_KEPT);
	s->byid = hmap_new(256);
	s->timer = evtimer_new(base, pump_tick, s);
	s->tps = tps_new(base, st, slot_due, s);
	if (!s->byid || !s->timer || !s->tps) {
		if (s->timer)
			event_free(s->timer);
		tps_free(s->tps);
		hmap_free(s->byid);
		free(s);
		return NULL;
	}
	return s;
}

void sender_links_changed(struct sender *s, int nlinks)
{
	s->nlinks = nlinks;
	sender_pump(s);
}

/* --- jobs ------------------------------------------------------------------ */

bool sender_holds(const struct sender *s, const char *mt_id)
{
	return hmap_sget(s->byid, mt_id) != NULL;
}

int sender_held_broadcast(const struct sender *s)
{
	return s->nbcast;
}

/* The job is dead (or freed): no longer found, no longer counted. */
static void unlist(struct mt_job *m)
{
	hmap_sdel(m->s->byid, m->mt.id);
	m->s->nbcast -= m->mt.prio > 0;
}

/* Queues a job: replies before broadcast traffic; `front` puts it first
 * among its priority (a retry keeps its place). */
static void enqueue(struct sender *s, struct mt_job *m, bool front)
{
	if (m->queued || m->dead)
		return;
	m->queued = true;
	s->nqueued++;
	if (front)
		TAILQ_INSERT_HEAD(&s->queue[QUEUE_OF(m)], m, qentry);
	else
		TAILQ_INSERT_TAIL(&s->queue[QUEUE_OF(m)], m, qentry);
}

static void dequeue(struct sender *s, struct mt_job *m)
{
	if (!m->queued)
		return;
	TAILQ_REMOVE(&s->queue[QUEUE_OF(m)], m, qentry);
	m->queued = false;
	s->nqueued--;
}

int sender_hold(struct sender *s, const struct store_mt *mt)
{
	struct mt_job *m;

	if (hmap_sget(s->byid, mt->id))
		return -EEXIST;
	m = pool_get(&s->jobs);
	if (!m)
		return -ENOMEM;
	memset(m, 0, offsetof(struct mt_job, mt));
	m->s = s;
	m->mt = *mt;
	/* the sender's own (submit_parts): whatever the copy held, its
	 * record names mt->bind */
	m->mt.bind_moved = false;
	if (hmap_sput(s->byid, m->mt.id, m) < 0) {
		pool_put(&s->jobs, m);
		return -ENOMEM;
	}
	s->nbcast += mt->prio > 0;
	LIST_INSERT_HEAD(&s->all, m, entry);
	enqueue(s, m, false);
	return 0;
}

static void unprepare(struct mt_job *m)
{
	seg_msg_free(&m->seg);
	if (m->parts != &m->part1)
		free(m->parts);
	m->parts = NULL;
	m->nparts = 0;
	m->prepared = false;
}

static void job_free(struct mt_job *m)
{
	struct sender *s = m->s;

	dequeue(s, m);
	if (!m->dead)
		unlist(m);
	LIST_REMOVE(m, entry);
	unprepare(m);
	pool_put(&s->jobs, m);
}

/* Forgets a finished job, now or when its last part in flight returns. */
static void job_retire(struct mt_job *m)
{
	unlist(m);
	m->dead = true;
	dequeue(m->s, m);
	if (m->inflight == 0)
		job_free(m);
}

static void done_cb(void *arg, int rc)
{
	if (rc < 0)
		LOGP(LOG_REDIS, LOG_WARN, NULL,
		     "recording an MT outcome failed: %s", strerror(-rc));
}

static const struct cgw_smsc_conf *smsc_conf(const struct sender *s,
					     const char *id)
{
	for (int i = 0; i < s->conf->nsmsc; i++)
		if (strcmp(s->conf->smsc[i].id, id) == 0)
			return &s->conf->smsc[i];
	return NULL;
}

static void pump_later(struct sender *s, int64_t ms);
static void record(struct mt_job *m);

static void record_cb(void *arg, int rc)
{
	struct mt_job *m = arg;

	if (rc == 0) {
		m->recording = false;
		job_retire(m);
		return;
	}
	LOGP(LOG_REDIS, LOG_WARN, NULL,
	     "recording MT %s as %s failed (%s); trying again", m->mt.id,
	     m->fin_state, strerror(-rc));
	m->record_at = util_now_ms() + 1000;
	if (!m->s->record_due || m->record_at < m->s->record_due)
		m->s->record_due = m->record_at;
	pump_later(m->s, 1000);
}

/* Writes the outcome of the whole MT to Redis (and the SMS centre's ids
 * of its parts, for receipts); retried until Redis takes it. */
static void record(struct mt_job *m)
{
	struct sender *s = m->s;
	const char *bind = m->mt.bind;
	const struct cgw_smsc_conf *sc = smsc_conf(s, bind);
	const char *ids[SEG_MAX_PARTS];
	char keys[SEG_MAX_PARTS][80];
	const char *keyp[SEG_MAX_PARTS];
	int n = strcmp(m->fin_state, "sent") == 0 ? (int)m->nparts : 0, rc;

	for (int i = 0; i < n; i++) {
		ids[i] = m->parts[i].msgid;
		keys[i][0] = '\0';
		keyp[i] = keys[i];
		if (ids[i][0] && sc && m->receipts)
			dlr_canonical_id(ids[i], sc->message_id_format,
					 DLR_ID_RESP, keys[i],
					 sizeof(keys[0]));
	}
	m->record_at = 0;
	rc = store_mt_done(s->st, &m->mt, m->fin_state, bind, ids, keyp, n,
			   m->fin_status, record_cb, m);
	if (rc < 0)
		record_cb(m, rc);
}

/* The MT's outcome in the metrics; a reply's time from its MO. */
static void count_mt(const struct mt_job *m, const char *state)
{
	size_t n = strlen(m->mt.id);
	const char *kind = m->mt.bc[0] ? "broadcast"
			   : n > 2 && m->mt.id[n - 2] == '.' &&
			     (m->mt.id[n - 1] == 'r' || m->mt.id[n - 1] == 'c')
			   ? "reply" : "other";

	metric_inc(CGW_M_MT, METRIC_LV(kind, state));
	if (strcmp(state, "sent") == 0 && m->mt.mo_recv_ms > 0)
		metric_observe(CGW_M_MO_MT_SECONDS,
			       METRIC_LV(m->mt.ch == STORE_CH_USSD ? "ussd"
								   : "sms"),
			       (double)(util_now_ms() - m->mt.mo_recv_ms) /
				       1000.0);
}

/* The outcome of the whole MT is known: log it, record it, retire it. */
static void finish(struct mt_job *m, const char *state, uint32_t status)
{
	const char *bind = m->mt.bind;
	char masked[32], list[200] = "";
	bool sent = strcmp(state, "sent") == 0;

	for (unsigned i = 0; sent && i < m->nparts; i++)
		if (strlen(list) + strlen(m->parts[i].msgid) + 2 <
		    sizeof(list))
			snprintf(list + strlen(list),
				 sizeof(list) - strlen(list), "%s%s",
				 i ? "," : "", m->parts[i].msgid);
	LOGP(LOG_SMPP, sent ? LOG_INFO : LOG_WARN, bind,
	     "MT %s to %s %s%s%s%s (status 0x%08x)", m->mt.id,
	     log_mask_msisdn(m->mt.msisdn, masked, sizeof(masked)), state,
	     list[0] ? " as " : "", list,
	     m->nparts > 1 ? " in parts" : "", status);
	count_mt(m, state);
	util_strlcpy(m->fin_state, state, sizeof(m->fin_state));
	m->fin_status = status;
	m->recording = true;
	dequeue(m->s, m);
	record(m);
}

static bool all_done(const struct mt_job *m);

/* A part was accepted: its id maps to the MT at once, so that a receipt
 * finds it even before the other parts are accepted. */
static void part_accepted(struct mt_job *m, struct mt_part *part)
{
	struct sender *s = m->s;
	const struct cgw_smsc_conf *sc = smsc_conf(s, m->mt.bind);
	char key[80] = "";

	if (!part->msgid[0]) {
		LOGP(LOG_SMPP, LOG_WARN, m->mt.bind,
		     "MT %s part %u accepted with an empty message_id: no "
		     "receipt can be matched", m->mt.id, part->idx + 1);
		return;
	}
	if (sc && m->receipts &&
	    dlr_canonical_id(part->msgid, sc->message_id_format,
			     DLR_ID_RESP, key, sizeof(key)) < 0) {
		LOGP(LOG_SMPP, LOG_WARN, m->mt.bind,
		     "message id \"%s\" is not %s as message_id_format "
		     "says: receipts for it cannot be matched", part->msgid,
		     sc->message_id_format == CONF_MSGID_HEX ? "hex"
							     : "decimal");
		key[0] = '\0';
	}
	if (all_done(m))
		return;	/* the last part: finish's mt_done maps every id */
	if (store_mt_part(s->st, &m->mt, m->mt.bind, (int)part->idx + 1,
			  (int)m->nparts, part->msgid, key, done_cb, NULL) < 0)
		LOGP(LOG_REDIS, LOG_WARN, NULL,
		     "MT %s part %u: id not recorded yet (Redis away); the "
		     "MT's record will carry it", m->mt.id, part->idx + 1);
}

static bool temporary_status(uint32_t st)
{
	switch (st) {
	case SMPP_ESME_RSYSERR:
	case SMPP_ESME_RMSGQFUL:
	case SMPP_ESME_RTHROTTLED:
	case SMPP_ESME_RX_T_APPN:
	case SMPP_ESME_RSUBMITFAIL:
	case SMPP_ESME_RUNKNOWNERR:
		return true;
	default:
		return false;
	}
}

static bool all_done(const struct mt_job *m)
{
	for (unsigned i = 0; i < m->nparts; i++)
		if (!m->parts[i].done)
			return false;
	return true;
}

static void submit_resp(void *arg, int rc, const struct smpp_pdu *resp)
{
	struct mt_part *part = arg;
	struct mt_job *m = part->job;
	struct sender *s = m->s;
	const char *bind = m->mt.bind;

	part->in_flight = false;
	m->inflight--;
	if (m->dead) {
		if (m->inflight == 0)
			job_free(m);
		return;
	}
	if (rc == -ECANCELED)
		return;	/* shutting down: the lease hands it on */
	if (rc == 0 && resp->command_status == SMPP_ESME_ROK) {
		part->done = true;
		m->any_accepted = true;
		if (resp->has_body)
			util_strlcpy(part->msgid, resp->message_id,
				    sizeof(part->msgid));
		part_accepted(m, part);
		if (all_done(m))
			finish(m, "sent", 0);
		sender_pump(s);
		return;
	}
	if (rc == 0 && !temporary_status(resp->command_status)) {
		if (m->nparts > 1)
			LOGP(LOG_SMPP, LOG_WARN, bind,
			     "MT %s part %u refused: the message is "
			     "incomplete on the handset", m->mt.id,
			     part->idx + 1);
		finish(m, "failed", resp->command_status);
		sender_pump(s);
		return;
	}
	if (rc == 0 && (resp->command_status == SMPP_ESME_RTHROTTLED ||
			resp->command_status == SMPP_ESME_RMSGQFUL)) {
		/* the link pauses; the MT keeps its place at the front */
		enqueue(s, m, true);
		sender_pump(s);
		return;
	}
	if (rc == -ETIMEDOUT || rc == -ECONNRESET)
		LOGP(LOG_SMPP, LOG_WARN, bind,
		     "MT %s part %u: no submit_sm_resp (%s); sending again, "
		     "the SMS centre may have accepted it already", m->mt.id,
		     part->idx + 1,
		     rc == -ETIMEDOUT ? "timeout" : "connection lost");
	if (++part->retries > MAX_SUBMIT_RETRIES) {
		finish(m, "failed",
		       rc == 0 ? resp->command_status : SMPP_ESME_RUNKNOWNERR);
		sender_pump(s);
		return;
	}
	if (rc == 0)
		/* a temporary refusal: not at once again */
		m->not_before = util_now_ms() + RETRY_DELAY_MS * part->retries;
	enqueue(s, m, true);
	sender_pump(s);
}

/* --- encoding -------------------------------------------------------------- */

static void ref_cb(void *arg, int rc, int ref)
{
	struct mt_job *m = arg;

	m->ref_pending = false;
	m->inflight--;	/* the reference request counted as in flight */
	if (m->dead) {
		if (m->inflight == 0)
			job_free(m);
		return;
	}
	if (rc < 0 || ref < 0) {
		/* try again on the next pump: nothing is lost meanwhile */
		m->not_before = util_now_ms() + RETRY_DELAY_MS;
	} else {
		m->mt.ref = ref;
	}
	sender_pump(m->s);
}

static void mark_cb(void *arg, int rc, long tries)
{
	struct mt_job *m = arg;

	m->mark_pending = false;
	m->inflight--;	/* the request counted as in flight */
	if (m->dead) {
		if (m->inflight == 0)
			job_free(m);
		return;
	}
	if (rc < 0) {
		m->not_before = util_now_ms() + RETRY_DELAY_MS;
	} else {
		m->marked = true;
		if (tries > 1)
			LOGP(LOG_SMPP, LOG_WARN, m->mt.bind, "MT %s: an earlier "
			     "process may have submitted it before it died: "
			     "marked a possible duplicate", m->mt.id);
	}
	sender_pump(m->s);
}

/* A broadcast MT is counted before its first submit here. Returns 0
 * (go on) or -EAGAIN (waiting for Redis). */
static int mark(struct mt_job *m)
{
	int rc;

	if (!m->mt.bc[0] || m->marked)
		return 0;
	if (m->mark_pending)
		return -EAGAIN;
	m->mark_pending = true;
	m->inflight++;
	rc = store_mt_submitting(m->s->st, &m->mt, mark_cb, m);
	if (rc < 0) {
		m->mark_pending = false;
		m->inflight--;
		m->not_before = util_now_ms() + RETRY_DELAY_MS;
	}
	return -EAGAIN;
}

/*
 * Encodes the MT for bind sc. Returns 0, -EAGAIN (waiting for a
 * concatenation reference), or -EINVAL (cannot be encoded).
 */
static int prepare(struct mt_job *m, const struct cgw_smsc_conf *sc)
{
	struct sender *s = m->s;
	const struct store_mt *mt = &m->mt;
	char err[160];
	int rc;

	if (mt->ch == STORE_CH_USSD) {
		/* one screen, one PDU: the menu engine pages long screens */
		struct text_plan plan;
		char text[STORE_TEXT_MAX * 2];
		uint8_t sept[STORE_TEXT_MAX * 2];
		size_t n;

		if (text_choose(mt->text, false, (enum text_enc)mt->enc, &plan,
				text, sizeof(text)) < 0 ||
		    text_encode(text, plan.enc, sept, sizeof(sept), &n) < 0)
			return -EINVAL;
		if (plan.enc == TEXT_ENC_GSM7 && sc->packed) {
			if (gsm7_pack(sept, n, 0, m->ussd_sm,
				      sizeof(m->ussd_sm), &m->ussd_len) < 0)
				return -EINVAL;
		} else {
			if (n > sizeof(m->ussd_sm))
				return -EINVAL;
			memcpy(m->ussd_sm, sept, n);
			m->ussd_len = n;
		}
		m->ussd_dc = plan.dc;
		m->nparts = 1;
	} else {
		struct seg_opts o;
		char cut[STORE_TEXT_MAX + 8];

		if (m->ref_pending)
			return -EAGAIN;
		seg_opts_for_bind(&o, sc);
		o.enc = (enum text_enc)mt->enc;
		/* split first, with reference 0 when it has none: counting
		 * the segments before splitting encoded every MT twice */
		o.ref = (uint16_t)(mt->ref < 0 ? 0 : mt->ref);
		rc = seg_split(mt->text, &o, &m->seg, err, sizeof(err));
		if (rc < 0 && rc != -EMSGSIZE &&
		    seg_count(mt->text, &o, NULL) < 0)
			return -EINVAL;	/* not encodable at all: quietly */
		if (m->seg.cost > 1 && o.concat != SEG_CONCAT_PAYLOAD &&
		    mt->ref < 0) {
			/* a reference unique per destination, from Redis;
			 * split again once it is there */
			seg_msg_free(&m->seg);
			/* counted before the call: its callback may come
			 * before it returns on some error paths */
			m->ref_pending = true;
			m->inflight++;
			rc = store_mt_ref(s->st, mt, ref_cb, m);
			if (rc < 0) {
				m->ref_pending = false;
				m->inflight--;
				m->not_before = util_now_ms() + RETRY_DELAY_MS;
			}
			return -EAGAIN;
		}
		if (rc == -EMSGSIZE) {
			LOGP(LOG_SMPP, LOG_WARN, sc->id,
			     "MT %s needs %u segments, more than "
			     "max_segments %d: cut at a word", mt->id,
			     m->seg.cost, sc->max_segments);
			if (seg_truncate(mt->text, &o, o.max_segments, cut,
					 sizeof(cut)) < 0)
				return -EINVAL;
			rc = seg_split(cut, &o, &m->seg, err, sizeof(err));
		}
		if (rc < 0) {
			LOGP(LOG_SMPP, LOG_ERROR, sc->id, "MT %s: %s", mt->id,
			     err);
			return -EINVAL;
		}
		m->nparts = m->seg.count;
	}
	m->parts = m->nparts == 1 ? &m->part1
				  : malloc(m->nparts * sizeof(*m->parts));
	if (!m->parts) {
		unprepare(m);
		return -EINVAL;
	}
	for (unsigned i = 0; i < m->nparts; i++)
		m->parts[i] = (struct mt_part){ .job = m, .idx = i };
	m->prepared = true;
	return 0;
}

/* Builds the submit_sm of part i; values of TLVs go into store (16
 * bytes), which must live until the PDU is encoded. */
static int build_part(struct mt_job *m, unsigned i,
		      const struct cgw_smsc_conf *sc, struct smpp_pdu *p,
		      uint8_t *store)
{
	const struct store_mt *mt = &m->mt;

	smpp_pdu_init(p, SMPP_SUBMIT_SM, 0, 0);
	if (mt->src[0]) {
		util_strlcpy(p->source_addr, mt->src, 21);
		p->source_addr_ton = (uint8_t)mt->src_ton;
		p->source_addr_npi = (uint8_t)mt->src_npi;
	} else {
		util_strlcpy(p->source_addr, sc->source_addr, 21);
		p->source_addr_ton = (uint8_t)sc->source_ton;
		p->source_addr_npi = (uint8_t)sc->source_npi;
	}
	util_strlcpy(p->destination_addr, mt->dst, 21);
	p->dest_addr_ton = (uint8_t)mt->dst_ton;
	p->dest_addr_npi = (uint8_t)mt->dst_npi;

	if (mt->ch == STORE_CH_USSD) {
		struct ussd_ref ref;

		p->data_coding = m->ussd_dc;
		if (m->ussd_len <= SMPP_SM_MAX) {
			p->sm_length = (uint8_t)m->ussd_len;
			p->short_message = m->ussd_sm;
		} else if (smpp_pdu_add_tlv(p, SMPP_TLV_MESSAGE_PAYLOAD,
					    (uint16_t)m->ussd_len,
					    m->ussd_sm) < 0) {
			return -EINVAL;
		}
		if (ussd_ref_parse(mt->ussd_ref, &ref) < 0 ||
		    ussd_reply_fill(m->s->conf->ussd.dialect, &ref,
				    mt->ussd_final, p, store) < 0)
			return -EINVAL;
		return 0;
	}

	const struct seg_part *sp = &m->seg.parts[i];

	p->data_coding = m->seg.dc;
	p->esm_class |= sp->esm_class;
	p->registered_delivery = sc->registered_delivery ? 1 : 0;
	m->receipts |= sc->registered_delivery;
	if (sp->in_payload) {
		if (smpp_pdu_add_tlv(p, SMPP_TLV_MESSAGE_PAYLOAD,
				     (uint16_t)sp->sm_len, sp->sm) < 0)
			return -EINVAL;
	} else {
		p->sm_length = (uint8_t)sp->sm_len;
		p->short_message = sp->sm;
	}
	if (sp->sar) {
		store[0] = (uint8_t)(sp->sar_ref >> 8);
		store[1] = (uint8_t)sp->sar_ref;
		store[2] = sp->sar_total;
		store[3] = sp->sar_seq;
		if (smpp_pdu_add_tlv(p, SMPP_TLV_SAR_MSG_REF_NUM, 2, store) <
			    0 ||
		    smpp_pdu_add_tlv(p, SMPP_TLV_SAR_TOTAL_SEGMENTS, 1,
				     store + 2) < 0 ||
		    smpp_pdu_add_tlv(p, SMPP_TLV_SAR_SEGMENT_SEQNUM, 1,
				     store + 3) < 0)
			return -EINVAL;
	}
	return 0;
}

/* --- choosing a bind and pumping -------------------------------------------- */

/* The link an MT should leave on now, or NULL to wait: its MO's bind (or
 * the one its parts already went on) when it can take it, else the least
 * loaded bind that can. */
static struct smpp_link *pick_link(struct sender *s, const struct mt_job *m)
{
	const struct store_mt *mt = &m->mt;
	struct smpp_link *best = NULL;
	bool own_bound = false;

	for (int i = 0; i < s->nlinks; i++) {
		struct smpp_link *l = s->links[i];
		bool own = strcmp(smpp_link_conf(l)->id, mt->bind) == 0;

		if (!smpp_link_transmits(l))
			continue;
		if (own && smpp_link_bound(l))
			own_bound = true;
		/* its account's slots are a Redis round trip away (the
		 * first MT after a start): wait for them on the MO's bind */
		if (own && smpp_link_can_submit(l) &&
		    tps_leasing(s->tps, smpp_link_conf(l)))
			return NULL;
		/* the bind's own cap, then its account's across processes */
		if (!smpp_link_can_submit(l) ||
		    !tps_ready(s->tps, smpp_link_conf(l)))
			continue;
		if (own)
			return l;
		if (!best ||
		    smpp_link_outstanding(l) < smpp_link_outstanding(best))
			best = l;
	}
	/* A USSD screen belongs to the SMS centre that holds the session,
	 * and the rest of a long SMS to the one that took its first parts:
	 * while that bind is up but busy, wait for it. */
	if (own_bound && (mt->ch == STORE_CH_USSD || m->any_accepted))
		best = NULL;
	if (!best)
		/* wake the sender when a bound bind has room again */
		for (int i = 0; i < s->nlinks; i++)
			if (smpp_link_bound(s->links[i]))
				smpp_link_want_writable(s->links[i]);
	return best;
}

static void pump_later(struct sender *s, int64_t ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 }, due, now;

	/* keep an earlier wake-up, replace a later one */
	if (evtimer_pending(s->timer, &due)) {
		evutil_gettimeofday(&now, NULL);
		evutil_timeradd(&now, &tv, &tv);
		if (evutil_timercmp(&due, &tv, <=))
			return;
		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000;
	}
	evtimer_add(s->timer, &tv);
}

/* Submits the parts of m that are neither done nor in flight. Returns 1
 * when every part is done or in flight, 0 when some wait, -1 when the job
 * was finished (it may be freed). */
static int submit_parts(struct mt_job *m, struct smpp_link *l)
{
	const struct cgw_smsc_conf *sc = smpp_link_conf(l);
	struct smpp_pdu *p = &m->s->pdu;
	int all = 1;

	for (unsigned i = 0; i < m->nparts; i++) {
		struct mt_part *part = &m->parts[i];
		uint8_t store[16];
		int rc;

		if (part->done || part->in_flight)
			continue;
		if (build_part(m, i, sc, p, store) < 0) {
			LOGP(LOG_SMPP, LOG_ERROR, sc->id,
			     "MT %s cannot be encoded; dropped", m->mt.id);
			finish(m, "failed", SMPP_ESME_RSYSERR);
			return -1;
		}
		if (!tps_take(m->s->tps, sc)) {
			all = 0;	/* woken when a slot is due */
			break;
		}
		rc = smpp_link_submit(l, p, submit_resp, part);
		if (rc < 0) {
			tps_untake(m->s->tps, sc);
			all = 0;
			break;
		}
		part->in_flight = true;
		m->inflight++;
		if (strcmp(m->mt.bind, sc->id) != 0) {
			m->mt.bind_moved = true;
			util_strlcpy(m->mt.bind, sc->id, sizeof(m->mt.bind));
		}
	}
	return all;
}

/* Records that failed and are due again; at most once a second, MTs
 * that expired while waiting where the pump did not reach them (every
 * bind full). */
static void sweep(struct sender *s, int64_t now)
{
	struct mt_job *m, *next;

	if (s->record_due && s->record_due <= now) {
		s->record_due = 0;
		LIST_FOREACH(m, &s->all, entry) {
			if (!m->recording || !m->record_at)
				continue;
			if (m->record_at <= now)
				record(m);	/* its callback does not free
						 * it here */
			else if (!s->record_due || m->record_at < s->record_due)
				s->record_due = m->record_at;
		}
	}
	if (now - s->swept < SWEEP_MS)
		return;
	s->swept = now;
	for (int q = 0; q < NQUEUES; q++)
		for (m = TAILQ_FIRST(&s->queue[q]); m; m = next) {
			next = TAILQ_NEXT(m, qentry);
			if (!m->any_accepted && !m->inflight &&
			    !m->ref_pending && !m->mark_pending &&
			    m->mt.expires_ms && now > m->mt.expires_ms)
				finish(m, "expired", 0);
		}
}

/* Some bind has room in its window and a send slot of its account's
 * TPS cap. When none has, the pump stops at once rather than ask every
 * waiting MT; the binds wake it when a response frees a place, the
 * account's timer when a slot is due. A capped bind with a backlog is
 * woken at every slot (every 2 ms at 500/s): a walk over the backlog
 * each time cost about 1 ms of CPU per MT sent. */
static bool any_room(struct sender *s)
{
	bool window = false;

	for (int i = 0; i < s->nlinks; i++) {
		const struct cgw_smsc_conf *sc = smpp_link_conf(s->links[i]);

		if (!smpp_link_can_submit(s->links[i]))
			continue;
		window = true;
		if (tps_ready(s->tps, sc))
			return true;
	}
	/* The MTs left all wait for slots (some may be for other accounts;
	 * the lease asks for a slice at most). The accounts of binds that
	 * their own TPS window holds back a moment hear of them too: at the
	 * cap that is most of the time, and an account told only of the one
	 * MT a pass was refused leased too few slots and ran dry; each round
	 * trip to Redis for more left a gap that the window then carried
	 * into every later second (a bind capped at 500/s sent 491/s). */
	for (int i = 0; i < s->nlinks; i++)
		if (smpp_link_can_submit(s->links[i]) ||
		    smpp_link_tps_held(s->links[i]))
			tps_wanted(s->tps, smpp_link_conf(s->links[i]),
				   s->nqueued);
	if (window)
		return false;
	for (int i = 0; i < s->nlinks; i++)
		if (smpp_link_bound(s->links[i]))
			smpp_link_want_writable(s->links[i]);
	return false;
}

/* Tries to send m now. */
static void pump_one(struct sender *s, struct mt_job *m, int64_t now)
{
	struct smpp_link *l;
	int rc;

	if (m->ref_pending || m->mark_pending)
		return;
	if (!m->any_accepted && !m->inflight && m->mt.expires_ms &&
	    now > m->mt.expires_ms) {
		finish(m, "expired", 0);
		return;
	}
	if (m->not_before > now) {
		pump_later(s, m->not_before - now);
		return;
	}
	l = pick_link(s, m);
	if (!l || mark(m) < 0)
		return;
	if (!m->prepared) {
		rc = prepare(m, smpp_link_conf(l));
		if (rc == -EINVAL) {
			LOGP(LOG_SMPP, LOG_ERROR, NULL,
			     "MT %s cannot be encoded; dropped", m->mt.id);
			finish(m, "failed", SMPP_ESME_RSYSERR);
			return;
		}
		if (rc < 0)
			return;
	}
	if (submit_parts(m, l) == 1)
		dequeue(s, m);
}

void sender_pump(struct sender *s)
{
	int64_t now = util_now_ms();
	struct mt_job *m, *next;

	sweep(s, now);
	tps_pass(s->tps);
	for (int q = 0; q < NQUEUES; q++)
		for (m = TAILQ_FIRST(&s->queue[q]); m; m = next) {
			if (!any_room(s))
				return;
			next = TAILQ_NEXT(m, qentry);
			pump_one(s, m, now);
		}
}

void sender_renew(struct sender *s)
{
	const struct store_mt **list;
	struct mt_job *m;
	int n = 0;

	LIST_FOREACH(m, &s->all, entry)
		n += !m->dead;
	if (!n || !store_ready(s->st))
		return;
	list = calloc((size_t)n, sizeof(*list));
	if (!list)
		return;
	n = 0;
	LIST_FOREACH(m, &s->all, entry)
		if (!m->dead)
			list[n++] = &m->mt;
	store_mt_renew(s->st, list, n, done_cb, NULL);
	free(list);
}

/* One release answered: done once the last one is. */
static void released_one(void *arg, int rc)
{
	struct sender *s = arg;
	void (*done)(void *) = s->rel_done;

	if (rc < 0)
		LOGP(LOG_REDIS, LOG_WARN, NULL, "handing an MT back failed "
		     "(%s): it comes back when its lease runs out",
		     strerror(-rc));
	if (--s->rel_pending > 0 || !done)
		return;
	s->rel_done = NULL;
	done(s->rel_arg);
}

void sender_release(struct sender *s, void (*done)(void *arg), void *arg)
{
	struct mt_job *m;

	s->rel_done = done;
	s->rel_arg = arg;
	s->rel_pending = 1;	/* this loop */
	LIST_FOREACH(m, &s->all, entry) {
		if (m->dead || m->recording || m->inflight || m->any_accepted)
			continue;
		s->rel_pending++;
		if (store_mt_release(s->st, &m->mt, 0, released_one, s) < 0)
			released_one(s, 0);
	}
	released_one(s, 0);
}

void sender_free(struct sender *s)
{
	if (!s)
		return;
	while (!LIST_EMPTY(&s->all))
		job_free(LIST_FIRST(&s->all));
	pool_free(&s->jobs);
	hmap_free(s->byid);
	if (s->timer)
		event_free(s->timer);
	tps_free(s->tps);
	free(s);
}
