/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cgw-loadgen's citizens: which MO each sends and when, and the matching of
 * MTs to them. Citizen i is the phone --phone-base + i, so an MT's
 * destination_addr finds its citizen by arithmetic, not by search. A
 * citizen waits for at most one MT; idle ones queue in free_q, USSD
 * sessions with a step to send in ready_q (served first, so sessions run
 * to their end), refused MOs in retry_q (sent again after LG_RETRY_US).
 *
 * Closed loop: lg_drive_pump() keeps --window MOs awaiting their MT.
 * Open loop: the tick sends what is due at --rate since sending began.
 * Memory mode (--open-sessions): dials only, each citizen once, sessions
 * left open after their first menu.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "smpp/ussd.h"
#include "loadgen.h"

#define DEFAULT_CODE "000.00.19.H56-250806-0001"
#define CODE_TAG "{code}"
#define MESSAGE_STATE_DELIVERED 2

/* --- queues ------------------------------------------------------------- */

static int ring_init(struct lg_ring *r, uint32_t cap)
{
	r->v = malloc((cap ? cap : 1) * sizeof(*r->v));
	r->cap = cap;
	r->head = r->n = 0;
	return r->v ? 0 : -ENOMEM;
}

static void ring_push(struct lg_ring *r, uint32_t x)
{
	/* never full: each citizen is in one queue at most */
	r->v[(r->head + r->n++) % r->cap] = x;
}

static int64_t ring_pop(struct lg_ring *r)
{
	uint32_t x;

	if (!r->n)
		return -1;
	x = r->v[r->head];
	r->head = (r->head + 1) % r->cap;
	r->n--;
	return x;
}

/* --- set-up -------------------------------------------------------------- */

static int codes_load(struct lg *lg, char *err, size_t errlen)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!lg->o.codes_file) {
		lg->codes = malloc(sizeof(*lg->codes));
		if (!lg->codes || !(lg->codes[0] = strdup(DEFAULT_CODE)))
			return util_err(err, errlen, -ENOMEM, "out of memory");
		lg->ncodes = 1;
		return 0;
	}
	f = fopen(lg->o.codes_file, "r");
	if (!f)
		return util_err(err, errlen, -errno, "--codes %s: %s",
			       lg->o.codes_file, strerror(errno));
	while ((n = getline(&line, &cap, f)) >= 0) {
		char **nc;

		line[strcspn(line, "\r\n")] = 0;
		if (!*line)
			continue;
		nc = realloc(lg->codes, (lg->ncodes + 1) * sizeof(*nc));
		if (!nc || !(nc[lg->ncodes] = strdup(line)))
			break;
		lg->codes = nc;
		lg->ncodes++;
	}
	free(line);
	fclose(f);
	if (!lg->ncodes)
		return util_err(err, errlen, -EINVAL, "--codes %s: no codes",
			       lg->o.codes_file);
	return 0;
}

int lg_drive_init(struct lg *lg, char *err, size_t errlen)
{
	uint32_t n = lg->o.citizens;
	int rc = codes_load(lg, err, errlen);

	if (rc < 0)
		return rc;
	lg->cit = calloc(n, sizeof(*lg->cit));
	if (!lg->cit || ring_init(&lg->free_q, n) < 0 ||
	    ring_init(&lg->ready_q, n) < 0 || ring_init(&lg->retry_q, n) < 0)
		return util_err(err, errlen, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < n; i++)
		ring_push(&lg->free_q, i);
	return 0;
}

void lg_drive_free(struct lg *lg)
{
	for (unsigned i = 0; i < lg->ncodes; i++)
		free(lg->codes[i]);
	free(lg->codes);
	free(lg->cit);
	free(lg->free_q.v);
	free(lg->ready_q.v);
	free(lg->retry_q.v);
}

/* --- phones and texts ---------------------------------------------------- */

void lg_phone_format(const struct lg *lg, uint64_t i, char *buf)
{
	char tmp[21];
	uint64_t v = lg->o.phone_base + i;
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (int k = 0; k < n; k++)
		buf[k] = tmp[n - 1 - k];
	buf[n] = 0;
}

long lg_phone_index(const struct lg *lg, const char *addr)
{
	uint64_t v = 0;
	int digits = 0;

	if (*addr == '+')
		addr++;
	for (; *addr; addr++, digits++) {
		if (*addr < '0' || *addr > '9' || digits >= 19)
			return -1;
		v = v * 10 + (uint64_t)(*addr - '0');
	}
	if (!digits || v < lg->o.phone_base ||
	    v - lg->o.phone_base >= lg->o.citizens)
		return -1;
	return (long)(v - lg->o.phone_base);
}

/* tmpl with every "{code}" replaced by code, cut at LG_TEXT_MAX octets. */
static uint8_t render(const char *tmpl, const char *code, char *out)
{
	size_t n = 0, cl = strlen(code), tl = strlen(CODE_TAG);

	while (*tmpl && n < LG_TEXT_MAX) {
		if (strncmp(tmpl, CODE_TAG, tl) == 0) {
			size_t k = cl < LG_TEXT_MAX - n ? cl : LG_TEXT_MAX - n;

			memcpy(out + n, code, k);
			n += k;
			tmpl += tl;
		} else {
			out[n++] = *tmpl++;
		}
	}
	return (uint8_t)n;
}

/* --- sending MOs ---------------------------------------------------------- */

/* The deliver_sm of citizen idx's current step. */
static void mo_fill(struct lg *lg, uint32_t idx, struct smpp_pdu *p,
		    char *text, uint8_t tlvs[3])
{
	const struct lg_cit *c = &lg->cit[idx];
	const char *code = lg->codes[idx % lg->ncodes];
	const char *tmpl = lg->o.sms_text;

	p->source_addr_ton = 1;
	p->source_addr_npi = 1;
	lg_phone_format(lg, idx, p->source_addr);
	util_strlcpy(p->destination_addr, lg->o.short_code,
		     sizeof(p->destination_addr));
	if (c->flags & LG_CF_USSD) {
		tmpl = c->step ? lg->o.steps[c->step - 1] : lg->o.ussd_dial;
		util_strlcpy(p->service_type, "USSD", sizeof(p->service_type));
		tlvs[0] = c->step ? USSD_OP_USSR_CONF : USSD_OP_PSSR_IND;
		smpp_pdu_add_tlv(p, SMPP_TLV_USSD_SERVICE_OP, 1, tlvs);
		if (c->flags & LG_CF_ITS) {
			tlvs[1] = (uint8_t)(c->its >> 8);
			tlvs[2] = (uint8_t)c->its;
			smpp_pdu_add_tlv(p, SMPP_TLV_ITS_SESSION_INFO, 2,
					 tlvs + 1);
		}
	}
	p->sm_length = render(tmpl, code, text);
	p->short_message = (const uint8_t *)text;
}

static int send_mo(struct lg *lg, struct lg_conn *conn, uint32_t idx)
{
	struct lg_cit *c = &lg->cit[idx];
	bool measured = lg->phase == LG_MEASURE;
	struct smpp_pdu p;
	char text[LG_TEXT_MAX];
	uint8_t tlvs[3];
	uint32_t seq;

	c->gen++;
	seq = lg_slot_take(conn, (int32_t)idx, c->gen, measured);
	if (!seq)
		return -EAGAIN;
	smpp_pdu_init(&p, SMPP_DELIVER_SM, 0, seq);
	mo_fill(lg, idx, &p, text, tlvs);
	if (lg_send(conn, &p) < 0)
		return -EIO;
	c->state = LG_WAIT;
	c->t_sent = lg->now;
	c->flags = (uint8_t)((c->flags & ~LG_CF_MEASURED) |
			     (measured ? LG_CF_MEASURED : 0));
	lg->inflight++;
	if (measured)
		lg->st.mo_sent++;
	return 0;
}

/* A new lookup or session for a free citizen: SMS for sms_pct in 100. */
static void begin(struct lg *lg, uint32_t idx)
{
	struct lg_cit *c = &lg->cit[idx];
	bool sms = !lg->o.open_sessions && lg->sms_acc + lg->o.sms_pct >= 100;

	if (!lg->o.open_sessions)
		lg->sms_acc = (lg->sms_acc + lg->o.sms_pct) % 100;
	c->step = 0;
	c->flags &= (uint8_t)~(LG_CF_USSD | LG_CF_ITS);
	if (sms)
		return;
	/* its_session_info: a session number, bit 0 (end) clear */
	c->flags |= LG_CF_USSD | LG_CF_ITS;
	c->its = (uint16_t)(++lg->ussd_started << 1);
	if (lg->o.open_sessions)
		lg->dialled++;
}

/* The next citizen with something to send: a session's next step first. */
static int64_t take_citizen(struct lg *lg)
{
	int64_t idx = ring_pop(&lg->ready_q);

	if (idx >= 0)
		return idx;
	if (lg->o.open_sessions && lg->dialled >= lg->o.open_sessions)
		return -1;
	idx = ring_pop(&lg->free_q);
	if (idx >= 0)
		begin(lg, (uint32_t)idx);
	return idx;
}

static bool sending(const struct lg *lg)
{
	return lg->phase == LG_WARMUP || lg->phase == LG_MEASURE;
}

static void open_loop(struct lg *lg);

void lg_drive_pump(struct lg *lg)
{
	struct lg_conn *conn;
	int64_t idx;

	if (!sending(lg))
		return;
	if (lg->o.rate > 0) {
		open_loop(lg);	/* what a full mo-window held back */
		return;
	}
	while (lg->inflight < lg->o.window && (conn = lg_pick_rx(lg))) {
		idx = take_citizen(lg);
		if (idx < 0)
			break;
		if (send_mo(lg, conn, (uint32_t)idx) < 0) {
			ring_push(&lg->ready_q, (uint32_t)idx);
			break;
		}
	}
}

/* Open loop: how many MOs are due by now since sending began. */
static uint64_t due_now(const struct lg *lg)
{
	return (uint64_t)(lg->o.rate * (double)(lg->now - lg->t_send0) / 1e6);
}

void lg_drive_window_begin(struct lg *lg)
{
	/* what the warm-up still owes is not the window's to offer */
	if (lg->o.rate > 0 && due_now(lg) > lg->issued)
		lg->issued = due_now(lg);
}

void lg_drive_window_end(struct lg *lg)
{
	uint64_t due;

	if (lg->o.rate <= 0)
		return;
	open_loop(lg);	/* what fell due since the last tick */
	due = due_now(lg);
	/* due but never sent (every bind's mo-window full): not offered */
	if (due > lg->issued) {
		lg->st.offered += due - lg->issued;
		lg->st.not_offered += due - lg->issued;
		lg->issued = due;
	}
}

/* Open loop: the MOs due at --rate since sending began. */
static void open_loop(struct lg *lg)
{
	uint64_t due = due_now(lg);
	struct lg_conn *conn;

	while (lg->issued < due && (conn = lg_pick_rx(lg))) {
		int64_t idx = take_citizen(lg);

		lg->issued++;
		if (lg->phase == LG_MEASURE)
			lg->st.offered++;
		if (idx < 0) {
			if (lg->phase == LG_MEASURE)
				lg->st.not_offered++;
			continue;
		}
		if (send_mo(lg, conn, (uint32_t)idx) < 0)
			ring_push(&lg->ready_q, (uint32_t)idx);
	}
}

/* Refused MOs whose pause is over go again (also while draining). */
static void retries(struct lg *lg)
{
	struct lg_conn *conn;

	while (lg->retry_q.n &&
	       lg->cit[lg->retry_q.v[lg->retry_q.head]].t_sent + LG_RETRY_US
	       <= lg->now && (conn = lg_pick_rx(lg))) {
		uint32_t idx = (uint32_t)ring_pop(&lg->retry_q);

		if (send_mo(lg, conn, idx) < 0) {
			ring_push(&lg->retry_q, idx);
			break;
		}
	}
}

void lg_drive_tick(struct lg *lg)
{
	if (lg->phase == LG_WAIT_BINDS || lg->phase == LG_DONE)
		return;
	retries(lg);
	lg_drive_pump(lg);
}

/* --- answers from the ESME ------------------------------------------------ */

void lg_on_mo_resp(struct lg *lg, const struct lg_slot *s, bool ok)
{
	struct lg_cit *c;

	if (s->cit == LG_SLOT_RECEIPT) {
		if (ok && s->measured)
			lg->st.receipts++;
		return;
	}
	if (s->measured) {
		if (ok)
			lg->st.mo_acked++;
		else
			lg->st.mo_refused++;
	}
	c = &lg->cit[s->cit];
	if (ok || c->gen != s->gen || c->state != LG_WAIT)
		return;
	/* refused: like an SMS centre, offer it again later */
	c->state = LG_RETRY;
	c->t_sent = lg->now;
	lg->inflight--;
	ring_push(&lg->retry_q, (uint32_t)s->cit);
}

/* True for a part of a multipart MT other than the last. */
static bool mt_early_part(const struct smpp_pdu *pdu)
{
	uint32_t seq, total;
	const uint8_t *u = pdu->short_message;

	if (smpp_pdu_tlv_uint(pdu, SMPP_TLV_SAR_SEGMENT_SEQNUM, &seq) == 0 &&
	    smpp_pdu_tlv_uint(pdu, SMPP_TLV_SAR_TOTAL_SEGMENTS, &total) == 0)
		return seq < total;
	if (!(pdu->esm_class & 0x40) || !pdu->sm_length ||
	    u[0] + 1u > pdu->sm_length)
		return false;
	for (unsigned i = 1; i + 1 < u[0] + 1u; i += 2u + u[i + 1]) {
		unsigned l = u[i + 1];

		if (i + 2 + l > u[0] + 1u)
			break;
		if (u[i] == 0x00 && l == 3)
			return u[i + 4] < u[i + 3];
		if (u[i] == 0x08 && l == 4)
			return u[i + 5] < u[i + 4];
	}
	return false;
}

/* A delivery receipt for a submit_sm that asked for one. */
static void send_receipt(struct lg *lg, struct lg_conn *c,
			 const struct smpp_pdu *sub, const char *msgid)
{
	struct lg_conn *to = (c->role & LG_ROLE_RX) ? c : lg_pick_rx(lg);
	bool measured = lg->phase == LG_MEASURE;
	char text[LG_TEXT_MAX], date[16];	/* YYYYMMDDhhmm */
	uint8_t state = MESSAGE_STATE_DELIVERED;
	time_t t = time(NULL);
	struct smpp_pdu p;
	uint32_t seq;
	int n;

	if (!to || !(seq = lg_slot_take(to, LG_SLOT_RECEIPT, 0, measured)))
		return;
	strftime(date, sizeof(date), "%Y%m%d%H%M", localtime(&t));
	n = snprintf(text, sizeof(text), "id:%s sub:001 dlvrd:001 submit "
		     "date:%s done date:%s stat:DELIVRD err:000 text:", msgid,
		     date + 2, date + 2);	/* YYMMDDhhmm (SMPP 3.4 B) */
	smpp_pdu_init(&p, SMPP_DELIVER_SM, 0, seq);
	lg_reply_to(&p, sub);
	p.esm_class = 0x04;
	p.sm_length = (uint8_t)(n < (int)sizeof(text) ? n : LG_TEXT_MAX);
	p.short_message = (const uint8_t *)text;
	smpp_pdu_add_tlv(&p, SMPP_TLV_RECEIPTED_MESSAGE_ID,
			 (uint16_t)(strlen(msgid) + 1), (const uint8_t *)msgid);
	smpp_pdu_add_tlv(&p, SMPP_TLV_MESSAGE_STATE, 1, &state);
	if (lg_send(to, &p) == 0 && measured)
		lg->st.receipts_sent++;
}

/* What a USSD citizen does after a screen. */
static void ussd_next(struct lg *lg, uint32_t idx, const struct smpp_pdu *pdu)
{
	struct lg_cit *c = &lg->cit[idx];
	bool counted = c->flags & LG_CF_MEASURED;
	uint32_t op = 0, its;

	if (smpp_pdu_tlv_uint(pdu, SMPP_TLV_ITS_SESSION_INFO, &its) == 0) {
		c->its = (uint16_t)its;
		c->flags |= LG_CF_ITS;
	}
	(void)smpp_pdu_tlv_uint(pdu, SMPP_TLV_USSD_SERVICE_OP, &op);
	if (op == USSD_OP_PSSR_RESP) {
		lg->st.ussd_ended += counted;
	} else if (lg->o.open_sessions) {
		c->state = LG_OPEN;
		lg->st.sessions_open++;
		return;
	} else if (c->step < lg->o.nsteps) {
		c->step++;
		c->state = LG_READY;
		ring_push(&lg->ready_q, idx);
		return;
	} else {
		lg->st.ussd_cut += counted;
	}
	c->state = LG_FREE;
	ring_push(&lg->free_q, idx);
}

/* Inside the window: memory mode's lasts until its menus are in. */
static bool measuring(const struct lg *lg)
{
	return lg->phase == LG_MEASURE ||
	       (lg->phase == LG_DRAIN && lg->o.open_sessions);
}

/* Submits per 10 ms of the window, for the 1 s sliding maximum. */
static void count_submit(struct lg *lg)
{
	uint64_t slot;

	if (!measuring(lg))
		return;
	lg->st.submits_in_window++;
	slot = (lg->now - lg->t_measure0) / 10000;
	if (slot < lg->nsub_slots)
		lg->sub_slots[slot]++;
}

void lg_on_submit(struct lg *lg, struct lg_conn *conn,
		  const struct smpp_pdu *pdu, const char *msgid)
{
	long idx;
	struct lg_cit *c;

	count_submit(lg);
	if (lg->o.dlr && (pdu->registered_delivery & 3))
		send_receipt(lg, conn, pdu, msgid);
	if (mt_early_part(pdu)) {
		lg->st.mt_parts++;
		return;
	}
	idx = lg_phone_index(lg, pdu->destination_addr);
	if (idx < 0) {
		lg->st.mt_unknown++;	/* e.g. left over from another run */
		return;
	}
	if (lg->cit[idx].state != LG_WAIT) {
		lg->st.duplicates++;
		return;
	}
	c = &lg->cit[idx];
	lg->inflight--;
	if (measuring(lg))
		lg->st.mt_in_window++;
	if (c->flags & LG_CF_MEASURED) {
		lg->st.mt_received++;
		lg_hist_record(&lg->hist, lg->now - c->t_sent);
		if (lg->trace)
			fprintf(lg->trace, "%.3f %.3f\n",
				(c->t_sent - lg->t_send0) / 1e3,
				(lg->now - c->t_sent) / 1e3);
	}
	if (c->flags & LG_CF_USSD) {
		ussd_next(lg, (uint32_t)idx, pdu);
		return;
	}
	c->state = LG_FREE;
	ring_push(&lg->free_q, (uint32_t)idx);
}

void lg_drive_count_unanswered(struct lg *lg)
{
	for (uint32_t i = 0; i < lg->o.citizens; i++)
		if (lg->cit[i].state == LG_WAIT &&
		    (lg->cit[i].flags & LG_CF_MEASURED))
			lg->st.unanswered++;
}
