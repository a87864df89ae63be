/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SMPP link: one ESME connection (see smpp/smpp_link.h).
 */
#include "config.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "common/metrics.h"
#include "common/tls.h"
#include "common/util.h"
#include "smpp/smpp_link.h"

enum lstate {
	LS_IDLE,
	LS_CONNECTING,
	LS_BINDING,
	LS_BOUND,
	LS_UNBINDING,
	LS_BACKOFF,
	LS_COUNT
};

#define B(s) (1u << (s))
#define T(f) offsetof(struct cgw_smsc_conf, f)
#define NO_TIMER ((size_t)-1)

/* The bind state machine: per state, the timer that bounds it (a duration
 * in the bind's configuration) and the states it may go to. */
static const struct lstate_def {
	const char *name;
	size_t timer;		/* offset of an int ms in cgw_smsc_conf */
	uint32_t next;
} lstates[LS_COUNT] = {
	[LS_IDLE] = { "IDLE", NO_TIMER, B(LS_CONNECTING) },
	[LS_CONNECTING] = { "CONNECTING", T(connect_timeout),
			    B(LS_BINDING) | B(LS_BACKOFF) | B(LS_IDLE) },
	[LS_BINDING] = { "BINDING", T(bind_timeout),
			 B(LS_BOUND) | B(LS_BACKOFF) | B(LS_IDLE) },
	[LS_BOUND] = { "BOUND", NO_TIMER, B(LS_UNBINDING) | B(LS_BACKOFF) },
	[LS_UNBINDING] = { "UNBINDING", T(response_timeout),
			   B(LS_IDLE) | B(LS_BACKOFF) },
	/* its timer is the reconnect back-off, computed per attempt */
	[LS_BACKOFF] = { "BACKOFF", NO_TIMER, B(LS_CONNECTING) | B(LS_IDLE) },
};

/* A 1 s window with margin for jitter. At the cap the window is what
 * paces the bind, tps per this many ms: 10 ms of margin cost 1% of the
 * cap. The SMS centre's count (cgw-loadgen, bench part tps at 500/s) was
 * over tps in some second with 1 ms (503); with 5 or 10 ms only when the
 * machine stalled a process for tens of ms (512, 520), which no margin
 * this small covers. */
#define TPS_WINDOW_MS 1005
#define TICK_MS 100

struct pending {
	bool used;
	uint32_t seq;
	uint32_t cmd;
	int64_t deadline;	/* mono ms */
	smpp_resp_fn *cb;
	void *arg;
};

struct smpp_link {
	struct event_base *base;
	struct evdns_base *dns;
	struct cgw_smsc_conf conf;	/* its own copy: a reload may change
					 * or drop the entry it came from */
	enum smpp_link_role role;
	struct smpp_link_cbs cbs;
	void *arg;
	char name[48];

	/* a PDU read is decoded into this one, kept for the next: two
	 * PDUs per MO, each 2 KB, were a malloc and a free each */
	struct smpp_pdu *spare;

	enum lstate state;
	int64_t state_since;	/* wall ms of the last state change */
	bool stopping;
	bool unbind_sent;
	bool peer_unbound;	/* the SMS centre unbound: close once flushed */
	struct bufferevent *bev;
	struct smpp_framer fr;
	uint32_t next_seq;
	uint32_t gen;

	struct pending *win;
	int win_cap;		/* conf window + 2 for control PDUs */
	int win_used;
	int submits_out;	/* submit-type requests in the window */

	struct event *state_timer;
	struct event *tick;
	struct event *writable_timer;
	int64_t last_rx;	/* mono ms */
	int64_t last_tx;
	bool enquire_out;
	int timeouts_in_row;
	int64_t backoff_ms;	/* next reconnect delay */

	int64_t *tps_ring;	/* send times of the last `tps` submits */
	int tps_head, tps_count;
	int64_t paused_until;	/* throttling pause, mono ms */
	int64_t throttle_ms;	/* current throttling back-off */
	bool want_writable;

	uint8_t *txbuf;
	struct smpp_link_stats stats;
};

static void link_close(struct smpp_link *l, enum lstate next);
static void send_bind(struct smpp_link *l);
static void send_unbind(struct smpp_link *l);
static void start_connect(struct smpp_link *l);

const char *smpp_link_name(const struct smpp_link *l)
{
	return l->name;
}

const struct cgw_smsc_conf *smpp_link_conf(const struct smpp_link *l)
{
	return &l->conf;
}

enum smpp_link_role smpp_link_role(const struct smpp_link *l)
{
	return l->role;
}

int64_t smpp_link_state_since(const struct smpp_link *l)
{
	return l->state_since;
}

const char *smpp_link_state_name(const struct smpp_link *l)
{
	return lstates[l->state].name;
}

const struct smpp_link_stats *smpp_link_stats(const struct smpp_link *l)
{
	return &l->stats;
}

int smpp_link_outstanding(const struct smpp_link *l)
{
	return l->submits_out;
}

uint32_t smpp_link_generation(const struct smpp_link *l)
{
	return l->gen;
}

bool smpp_link_bound(const struct smpp_link *l)
{
	return l->state == LS_BOUND;
}

bool smpp_link_transmits(const struct smpp_link *l)
{
	return l->role != SMPP_ROLE_RX;
}

bool smpp_link_receives(const struct smpp_link *l)
{
	return l->role != SMPP_ROLE_TX;
}

/* --- timers ---------------------------------------------------------------- */

static void arm(struct event *ev, int64_t ms)
{
	struct timeval tv;

	if (ms < 0)
		ms = 0;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(ev, &tv);
}

static int64_t next_backoff(struct smpp_link *l)
{
	int64_t d = l->backoff_ms ? l->backoff_ms : l->conf.reconnect_delay;
	int64_t jitter = d / 5;

	l->backoff_ms = d * 2 > l->conf.reconnect_max_delay
				? l->conf.reconnect_max_delay
				: d * 2;
	/* +-20% so that many gateways do not reconnect in lock step */
	if (jitter > 0)
		d += (rand() % (2 * jitter + 1)) - jitter;
	return d;
}

/* The one place the state changes. */
static void link_enter(struct smpp_link *l, enum lstate next)
{
	enum lstate old = l->state;
	const struct lstate_def *def = &lstates[next];

	if (old == next)
		return;
	if (!(lstates[old].next & B(next))) {
		LOGP(LOG_SMPP, LOG_ERROR, l->name,
		     "refused state change %s -> %s", lstates[old].name,
		     def->name);
		return;
	}
	LOGP(LOG_SMPP, LOG_NOTICE, l->name, "bind state %s -> %s",
	     lstates[old].name, def->name);
	l->state = next;
	l->state_since = util_now_ms();
	evtimer_del(l->state_timer);
	if (def->timer != NO_TIMER)
		arm(l->state_timer,
		    *(const int *)((const char *)&l->conf + def->timer));
	if (next == LS_BACKOFF) {
		int64_t d = next_backoff(l);

		metric_inc(CGW_M_BIND_BACKOFFS, METRIC_LV(l->name));
		LOGP(LOG_SMPP, LOG_INFO, l->name, "reconnecting in %lldms",
		     (long long)d);
		arm(l->state_timer, d);
	}
	if (old == LS_BOUND && l->cbs.state)
		l->cbs.state(l->arg, l, false);
	if (next == LS_BOUND) {
		l->backoff_ms = 0;
		l->stats.binds++;
		if (l->cbs.state)
			l->cbs.state(l->arg, l, true);
	}
	if (next == LS_IDLE && l->stopping && l->cbs.stopped)
		l->cbs.stopped(l->arg, l);
}

static void state_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct smpp_link *l = arg;

	switch (l->state) {
	case LS_CONNECTING:
		LOGP(LOG_SMPP, LOG_WARN, l->name,
		     "no TCP connection within %dms", l->conf.connect_timeout);
		link_close(l, l->stopping ? LS_IDLE : LS_BACKOFF);
		break;
	case LS_BINDING:
		LOGP(LOG_SMPP, LOG_WARN, l->name,
		     "no bind response within %dms", l->conf.bind_timeout);
		l->stats.bind_failures++;
		link_close(l, l->stopping ? LS_IDLE : LS_BACKOFF);
		break;
	case LS_UNBINDING:
		if (l->peer_unbound) {
			link_close(l, l->stopping ? LS_IDLE : LS_BACKOFF);
			break;
		}
		if (!l->unbind_sent) {
			LOGP(LOG_SMPP, LOG_WARN, l->name,
			     "%d responses still outstanding; unbinding "
			     "anyway", l->submits_out);
			send_unbind(l);
			arm(l->state_timer, l->conf.response_timeout);
			break;
		}
		LOGP(LOG_SMPP, LOG_WARN, l->name, "no unbind_resp; closing");
		link_close(l, LS_IDLE);
		break;
	case LS_BACKOFF:
		start_connect(l);
		break;
	default:
		break;
	}
}

/* --- window ---------------------------------------------------------------- */

static struct pending *win_find(struct smpp_link *l, uint32_t seq)
{
	for (int i = 0; i < l->win_cap; i++)
		if (l->win[i].used && l->win[i].seq == seq)
			return &l->win[i];
	return NULL;
}

static bool is_submit(uint32_t cmd)
{
	return cmd == SMPP_SUBMIT_SM || cmd == SMPP_DATA_SM;
}

static void win_release(struct smpp_link *l, struct pending *p)
{
	p->used = false;
	l->win_used--;
	if (is_submit(p->cmd))
		l->submits_out--;
}

/* Fails every outstanding request (connection gone). */
static void win_fail_all(struct smpp_link *l, int rc)
{
	int n = 0;
	struct pending *copy;

	if (!l->win_used)
		return;
	copy = calloc((size_t)l->win_used, sizeof(*copy));
	if (!copy) {
		/* no memory for a copy: fail them one by one, releasing
		 * each slot before its callback may submit again */
		for (int i = 0; i < l->win_cap; i++) {
			struct pending c = l->win[i];

			if (!c.used)
				continue;
			win_release(l, &l->win[i]);
			if (c.cb)
				c.cb(c.arg, rc, NULL);
		}
		return;
	}
	for (int i = 0; i < l->win_cap; i++) {
		if (!l->win[i].used)
			continue;
		copy[n++] = l->win[i];
		win_release(l, &l->win[i]);
	}
	/* callbacks may submit again: run them on a copy of the window */
	for (int i = 0; i < n; i++)
		if (copy[i].cb)
			copy[i].cb(copy[i].arg, rc, NULL);
	free(copy);
}

static uint32_t take_seq(struct smpp_link *l)
{
	uint32_t s = l->next_seq;

	l->next_seq = l->next_seq >= 0x7FFFFFFFu ? 1 : l->next_seq + 1;
	return s;
}

/* --- output ----------------------------------------------------------------- */

static void trace(struct smpp_link *l, const char *dir,
		  const struct smpp_pdu *pdu)
{
	char line[1536];

	if (!log_enabled(LOG_SMPP, LOG_DEBUG))
		return;
	smpp_pdu_format(pdu, line, sizeof(line));
	log_msg(LOG_SMPP, LOG_DEBUG, l->name, "%s %s", dir, line);
}

/* Counts a PDU by command and status; the status in hex without printf
 * (this runs for every PDU). */
static void count_pdu(const struct smpp_link *l, const struct smpp_pdu *pdu,
		      const char *dir)
{
	static const char hex[] = "0123456789abcdef";
	const char *cmd = smpp_command_name(pdu->command_id);
	char st[11] = "0x";

	for (int i = 0; i < 8; i++)
		st[2 + i] = hex[(pdu->command_status >> (28 - 4 * i)) & 0xf];
	st[10] = '\0';
	metric_inc(CGW_M_PDUS, METRIC_LV(l->name, cmd ? cmd : "unknown", st,
					 dir));
}

static int send_pdu(struct smpp_link *l, const struct smpp_pdu *pdu)
{
	char err[160];
	size_t len;

	if (!l->bev)
		return -ENOTCONN;
	if (smpp_pdu_encode(pdu, l->txbuf, SMPP_PDU_MAX, &len, err,
			    sizeof(err)) < 0) {
		LOGP(LOG_SMPP, LOG_ERROR, l->name, "cannot encode: %s", err);
		return -EINVAL;
	}
	trace(l, "TX", pdu);
	if (bufferevent_write(l->bev, l->txbuf, len) < 0)
		return -EIO;
	count_pdu(l, pdu, "out");
	l->last_tx = util_mono_ms();
	return 0;
}

/* Sends a request through the window. */
static int send_request(struct smpp_link *l, struct smpp_pdu *pdu,
			smpp_resp_fn *cb, void *arg)
{
	struct pending *slot = NULL;
	int rc;

	for (int i = 0; i < l->win_cap; i++)
		if (!l->win[i].used) {
			slot = &l->win[i];
			break;
		}
	if (!slot)
		return -EAGAIN;
	pdu->sequence_number = take_seq(l);
	rc = send_pdu(l, pdu);
	if (rc < 0)
		return rc;
	slot->used = true;
	slot->seq = pdu->sequence_number;
	slot->cmd = pdu->command_id;
	slot->cb = cb;
	slot->arg = arg;
	slot->deadline = util_mono_ms() + l->conf.response_timeout;
	l->win_used++;
	if (is_submit(pdu->command_id))
		l->submits_out++;
	return 0;
}

static void send_resp(struct smpp_link *l, uint32_t cmd, uint32_t status,
		      uint32_t seq)
{
	struct smpp_pdu r;

	smpp_pdu_init(&r, cmd, status, seq);
	send_pdu(l, &r);
}

/* --- TPS cap and throttling ------------------------------------------------ */

/* ms until a submit may go out (0 = now). */
static int64_t submit_delay(const struct smpp_link *l, int64_t now)
{
	int64_t d = 0;

	if (l->paused_until > now)
		d = l->paused_until - now;
	if (l->conf.tps > 0 && l->tps_count >= l->conf.tps) {
		int64_t oldest = l->tps_ring[l->tps_head];
		int64_t t = oldest + TPS_WINDOW_MS - now;

		if (t > d)
			d = t;
	}
	return d;
}

static void tps_note(struct smpp_link *l, int64_t now)
{
	if (l->conf.tps <= 0)
		return;
	l->tps_ring[l->tps_head] = now;
	l->tps_head = (l->tps_head + 1) % l->conf.tps;
	if (l->tps_count < l->conf.tps)
		l->tps_count++;
}

/* Bound, able to transmit, room in the window: a submit may go when the
 * TPS cap and a throttling pause allow. */
static bool has_room(const struct smpp_link *l)
{
	return l->state == LS_BOUND && !l->stopping &&
	       l->role != SMPP_ROLE_RX && l->submits_out < l->conf.window;
}

bool smpp_link_can_submit(const struct smpp_link *l)
{
	return has_room(l) && submit_delay(l, util_mono_ms()) == 0;
}

bool smpp_link_tps_held(const struct smpp_link *l)
{
	int64_t now = util_mono_ms();

	return has_room(l) && l->paused_until <= now &&
	       submit_delay(l, now) > 0;
}

/* Arranges a writable callback as soon as a submit could go out. */
static void want_writable(struct smpp_link *l)
{
	int64_t d;

	l->want_writable = true;
	if (l->state != LS_BOUND || l->submits_out >= l->conf.window)
		return;	/* bind or a response will trigger it */
	d = submit_delay(l, util_mono_ms());
	arm(l->writable_timer, d);
}

static void writable_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smpp_link *l = arg;

	if (!l->want_writable)
		return;
	if (!smpp_link_can_submit(l)) {
		/* submits went out since the timer was set (it may have
		 * been set for now), and the TPS window is full again: wait
		 * on. Nothing else wakes the sender when no response is
		 * awaited: a capped bind sat idle until the next claim
		 * tick, up to 0.9 s at a time, and sent 375/s of 500. Only
		 * then: a stopping bind would spin on a timer of 0 ms */
		if (has_room(l))
			want_writable(l);
		return;
	}
	l->want_writable = false;
	if (l->cbs.writable)
		l->cbs.writable(l->arg, l);
}

void smpp_link_want_writable(struct smpp_link *l)
{
	if (l->role != SMPP_ROLE_RX)
		want_writable(l);
}

void smpp_link_throttled(struct smpp_link *l)
{
	l->stats.throttled++;
	metric_inc(CGW_M_THROTTLED, METRIC_LV(l->name));
	l->throttle_ms = l->throttle_ms ? l->throttle_ms * 2
					: l->conf.throttle_backoff;
	if (l->throttle_ms > l->conf.throttle_backoff_max)
		l->throttle_ms = l->conf.throttle_backoff_max;
	l->paused_until = util_mono_ms() + l->throttle_ms;
	LOGP(LOG_SMPP, LOG_WARN, l->name,
	     "throttled by the SMS centre: pausing submits for %lldms",
	     (long long)l->throttle_ms);
}

int smpp_link_submit(struct smpp_link *l, struct smpp_pdu *pdu,
		     smpp_resp_fn *cb, void *arg)
{
	int64_t now = util_mono_ms();
	int rc;

	if (l->state != LS_BOUND || l->stopping || l->role == SMPP_ROLE_RX)
		return -ENOTCONN;
	if (l->submits_out >= l->conf.window || submit_delay(l, now) > 0) {
		want_writable(l);
		return -EAGAIN;
	}
	rc = send_request(l, pdu, cb, arg);
	if (rc == 0) {
		tps_note(l, now);
		l->stats.submits++;
	} else if (rc == -EAGAIN) {
		want_writable(l);
	}
	return rc;
}

int smpp_link_respond(struct smpp_link *l, uint32_t gen,
		      const struct smpp_pdu *resp)
{
	if (gen != l->gen || !l->bev ||
	    (l->state != LS_BOUND && l->state != LS_UNBINDING)) {
		LOGP(LOG_SMPP, LOG_INFO, l->name,
		     "connection of seq=%u is gone; the SMS centre will "
		     "deliver again", resp->sequence_number);
		return -ENOTCONN;
	}
	return send_pdu(l, resp);
}

/* --- input ------------------------------------------------------------------ */

static void bind_resp(struct smpp_link *l, const struct smpp_pdu *pdu)
{
	if (l->state != LS_BINDING) {
		LOGP(LOG_SMPP, LOG_WARN, l->name,
		     "unexpected bind response in state %s",
		     lstates[l->state].name);
		return;
	}
	if (pdu->command_status != SMPP_ESME_ROK) {
		LOGP(LOG_SMPP, LOG_ERROR, l->name,
		     "bind refused: status 0x%08x (%s)", pdu->command_status,
		     smpp_status_text(pdu->command_status));
		l->stats.bind_failures++;
		link_close(l, l->stopping ? LS_IDLE : LS_BACKOFF);
		return;
	}
	LOGP(LOG_SMPP, LOG_NOTICE, l->name, "bound to SMSC system_id \"%s\"",
	     pdu->system_id);
	link_enter(l, LS_BOUND);
	if (l->want_writable)
		want_writable(l);
}

static void on_response(struct smpp_link *l, const struct smpp_pdu *pdu)
{
	struct pending *p = win_find(l, pdu->sequence_number);
	struct pending copy;

	if (!p) {
		LOGP(LOG_SMPP, LOG_WARN, l->name,
		     "%s seq=%u matches no request (late or unknown)",
		     smpp_command_name(pdu->command_id)
			     ? smpp_command_name(pdu->command_id)
			     : "response",
		     pdu->sequence_number);
		return;
	}
	/* a response of another command proves nothing about this request
	 * (a submit_sm "accepted" by a deliver_sm_resp would count as sent
	 * with no message id): it keeps waiting for its own, and its
	 * response_timeout decides as for a silent SMS centre */
	if (pdu->command_id != SMPP_GENERIC_NACK &&
	    pdu->command_id != smpp_resp_id(p->cmd)) {
		LOGP(LOG_SMPP, LOG_WARN, l->name,
		     "seq=%u answered by %s, expected %s: ignored, the request "
		     "waits for its own response",
		     pdu->sequence_number, smpp_command_name(pdu->command_id),
		     smpp_command_name(smpp_resp_id(p->cmd)));
		return;
	}
	copy = *p;
	win_release(l, p);
	l->timeouts_in_row = 0;
	l->stats.responses++;
	if (copy.cmd == SMPP_ENQUIRE_LINK)
		l->enquire_out = false;
	if (is_submit(copy.cmd)) {
		if (pdu->command_status == SMPP_ESME_RTHROTTLED ||
		    pdu->command_status == SMPP_ESME_RMSGQFUL)
			smpp_link_throttled(l);
		else if (pdu->command_status == SMPP_ESME_ROK)
			l->throttle_ms = 0;
	}
	if (copy.cb)
		copy.cb(copy.arg, 0, pdu);
	if (l->state == LS_UNBINDING && !l->unbind_sent &&
	    l->submits_out == 0)
		send_unbind(l);
	else if (l->want_writable && is_submit(copy.cmd))
		want_writable(l);
}

static void on_request(struct smpp_link *l, const struct smpp_pdu *pdu)
{
	switch (pdu->command_id) {
	case SMPP_ENQUIRE_LINK:
		send_resp(l, SMPP_ENQUIRE_LINK_RESP, SMPP_ESME_ROK,
			  pdu->sequence_number);
		return;
	case SMPP_UNBIND:
		LOGP(LOG_SMPP, LOG_NOTICE, l->name, "the SMS centre unbinds");
		send_resp(l, SMPP_UNBIND_RESP, SMPP_ESME_ROK,
			  pdu->sequence_number);
		/* close once the unbind_resp is out (write_cb), bounded by
		 * the UNBINDING timer */
		l->peer_unbound = true;
		if (l->state == LS_BOUND)
			link_enter(l, LS_UNBINDING);
		return;
	case SMPP_DELIVER_SM:
	case SMPP_DATA_SM:
		if (l->state != LS_BOUND && l->state != LS_UNBINDING) {
			send_resp(l, smpp_resp_id(pdu->command_id),
				  SMPP_ESME_RINVBNDSTS, pdu->sequence_number);
			return;
		}
		if (l->role == SMPP_ROLE_TX) {
			send_resp(l, smpp_resp_id(pdu->command_id),
				  SMPP_ESME_RINVBNDSTS, pdu->sequence_number);
			return;
		}
		l->stats.rx_requests++;
		l->cbs.request(l->arg, l, pdu);
		return;
	case SMPP_ALERT_NOTIFICATION:
		LOGP(LOG_SMPP, LOG_INFO, l->name,
		     "alert_notification for %s (no response defined)",
		     pdu->source_addr);
		return;
	default:
		/* a request an ESME never receives (submit_sm, bind...) */
		LOGP(LOG_SMPP, LOG_WARN, l->name,
		     "unexpected %s from the SMS centre; generic_nack",
		     smpp_command_name(pdu->command_id));
		send_resp(l, SMPP_GENERIC_NACK, SMPP_ESME_RINVCMDID,
			  pdu->sequence_number);
		return;
	}
}

/* on_pdu()'s PDU: the link's spare, or a new one if it is taken (a
 * PDU handled while another is) */
static struct smpp_pdu *pdu_take(struct smpp_link *l)
{
	struct smpp_pdu *pdu = l->spare;

	l->spare = NULL;
	return pdu ? pdu : malloc(sizeof(*pdu));
}

static void pdu_give_back(struct smpp_link *l, struct smpp_pdu *pdu)
{
	if (l->spare)
		free(pdu);
	else
		l->spare = pdu;
}

static void on_pdu(struct smpp_link *l, const uint8_t *buf, size_t len)
{
	struct smpp_pdu *pdu = pdu_take(l);
	char err[200];
	uint32_t status;

	if (!pdu)
		return;
	if (smpp_pdu_decode(buf, len, pdu, &status, err, sizeof(err)) < 0) {
		count_pdu(l, pdu, "in");
		LOGP(LOG_SMPP, LOG_WARN, l->name, "refused PDU: %s", err);
		if (!SMPP_IS_RESP(pdu->command_id)) {
			/* unknown commands get generic_nack; a known
			 * request with a bad body gets its own response */
			uint32_t cmd = smpp_command_known(pdu->command_id)
					       ? smpp_resp_id(pdu->command_id)
					       : SMPP_GENERIC_NACK;
			send_resp(l, cmd, status, pdu->sequence_number);
		} else {
			/* a response we cannot read still ends its wait */
			struct pending *p = win_find(l, pdu->sequence_number);

			if (p) {
				struct pending c = *p;

				win_release(l, p);
				if (c.cb) {
					pdu->has_body = false;
					c.cb(c.arg, 0, pdu);
				}
			}
		}
		pdu_give_back(l, pdu);
		return;
	}
	trace(l, "RX", pdu);
	count_pdu(l, pdu, "in");
	switch (pdu->command_id) {
	case SMPP_BIND_TRANSCEIVER_RESP:
	case SMPP_BIND_TRANSMITTER_RESP:
	case SMPP_BIND_RECEIVER_RESP:
		bind_resp(l, pdu);
		break;
	case SMPP_UNBIND_RESP:
		if (l->state == LS_UNBINDING) {
			struct pending *p = win_find(l, pdu->sequence_number);

			if (p)
				win_release(l, p);
			LOGP(LOG_SMPP, LOG_NOTICE, l->name, "unbound");
			link_close(l, LS_IDLE);
		} else {
			on_response(l, pdu);
		}
		break;
	case SMPP_GENERIC_NACK:
		if (l->state == LS_BINDING) {
			LOGP(LOG_SMPP, LOG_ERROR, l->name,
			     "bind answered by generic_nack 0x%08x",
			     pdu->command_status);
			link_close(l, l->stopping ? LS_IDLE : LS_BACKOFF);
			break;
		}
		on_response(l, pdu);
		break;
	default:
		if (SMPP_IS_RESP(pdu->command_id))
			on_response(l, pdu);
		else
			on_request(l, pdu);
		break;
	}
	pdu_give_back(l, pdu);
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct smpp_link *l = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint32_t gen = l->gen;

	l->last_rx = util_mono_ms();
	while (evbuffer_get_length(in) > 0) {
		uint8_t chunk[16384];
		int n = evbuffer_remove(in, chunk, sizeof(chunk));

		if (n <= 0 || smpp_framer_feed(&l->fr, chunk, (size_t)n) < 0)
			break;
	}
	for (int i = 0; i < 100000; i++) {
		const uint8_t *p;
		size_t len;
		int rc = smpp_framer_next(&l->fr, &p, &len);

		if (rc == 0)
			break;
		if (rc < 0) {
			LOGP(LOG_SMPP, LOG_ERROR, l->name,
			     "PDU length outside 16..%d: the stream cannot be "
			     "resynchronised; dropping the connection",
			     SMPP_PDU_MAX);
			send_resp(l, SMPP_GENERIC_NACK, SMPP_ESME_RINVCMDLEN,
				  0);
			link_close(l, l->stopping ? LS_IDLE : LS_BACKOFF);
			return;
		}
		on_pdu(l, p, len);
		/* a handler may have closed or replaced the connection */
		if (l->gen != gen || !l->bev)
			return;
	}
}

static void write_cb(struct bufferevent *bev, void *arg)
{
	struct smpp_link *l = arg;

	if (l->peer_unbound &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		link_close(l, l->stopping ? LS_IDLE : LS_BACKOFF);
}

static int connected_port(const struct smpp_link *l)
{
	return l->role == SMPP_ROLE_RX && l->conf.receive_port
		       ? l->conf.receive_port : l->conf.port;
}

/* Why the TLS connection failed, or "" when it was not TLS's doing. */
static void tls_error(const struct smpp_link *l, struct bufferevent *bev,
		      char *buf, size_t len)
{
	unsigned long e = bufferevent_get_openssl_error(bev);
	SSL *ssl = bufferevent_openssl_get_ssl(bev);

	/* the rest of the queue says the same thing again */
	while (bufferevent_get_openssl_error(bev))
		;
	tls_describe(e, l->state == LS_CONNECTING ? ssl : NULL, buf, len);
}

static void event_cb(struct bufferevent *bev, short events, void *arg)
{
	struct smpp_link *l = arg;

	if (events & BEV_EVENT_CONNECTED) {
		SSL *ssl = l->conf.tls ? bufferevent_openssl_get_ssl(bev)
				       : NULL;
		char how[96] = "";
		int one = 1;

		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY,
			   &one, sizeof(one));
		if (ssl)
			snprintf(how, sizeof(how), " over %s, %s, certificate "
				 "verified", SSL_get_version(ssl),
				 SSL_get_cipher_name(ssl));
		LOGP(LOG_SMPP, LOG_INFO, l->name, "connected to %s:%d%s",
		     l->conf.host, connected_port(l), how);
		link_enter(l, LS_BINDING);
		send_bind(l);
		return;
	}
	if (events & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		if (events & BEV_EVENT_ERROR) {
			int dnserr = bufferevent_socket_get_dns_error(bev);
			char tlserr[256] = "";

			if (l->conf.tls && !dnserr)
				tls_error(l, bev, tlserr, sizeof(tlserr));
			if (tlserr[0])
				LOGP(LOG_SMPP, LOG_ERROR, l->name,
				     "TLS with %s:%d failed in state %s: %s",
				     l->conf.host, connected_port(l),
				     lstates[l->state].name, tlserr);
			else
				LOGP(LOG_SMPP, LOG_WARN, l->name,
				     "connection error in state %s: %s",
				     lstates[l->state].name,
				     dnserr ? evutil_gai_strerror(dnserr)
					    : evutil_socket_error_to_string(
						      EVUTIL_SOCKET_ERROR()));
		} else if (l->conf.tls && l->state == LS_CONNECTING) {
			LOGP(LOG_SMPP, LOG_ERROR, l->name,
			     "TLS with %s:%d failed: the SMS centre closed "
			     "the connection during the handshake (is it "
			     "TLS? does it want a client certificate?)",
			     l->conf.host, connected_port(l));
		} else {
			LOGP(LOG_SMPP, LOG_WARN, l->name,
			     "the SMS centre closed the connection in state "
			     "%s", lstates[l->state].name);
		}
		link_close(l, l->stopping ||
				      (l->state == LS_UNBINDING &&
				       !l->peer_unbound)
				      ? LS_IDLE : LS_BACKOFF);
	}
}

/* --- connection ----------------------------------------------------------- */

static void send_bind(struct smpp_link *l)
{
	static const uint32_t ids[] = {
		[SMPP_ROLE_TRX] = SMPP_BIND_TRANSCEIVER,
		[SMPP_ROLE_TX] = SMPP_BIND_TRANSMITTER,
		[SMPP_ROLE_RX] = SMPP_BIND_RECEIVER,
	};
	struct smpp_pdu b;

	smpp_pdu_init(&b, ids[l->role], 0, take_seq(l));
	util_strlcpy(b.system_id, l->conf.system_id, sizeof(b.system_id));
	util_strlcpy(b.password, l->conf.password, sizeof(b.password));
	util_strlcpy(b.system_type, l->conf.system_type,
		    sizeof(b.system_type));
	b.interface_version = (uint8_t)l->conf.interface_version;
	b.addr_ton = 0;
	b.addr_npi = 0;
	util_strlcpy(b.address_range, l->conf.address_range,
		    sizeof(b.address_range));
	l->stats.connects++;
	metric_inc(CGW_M_BIND_CONNECTS, METRIC_LV(l->name));
	if (send_pdu(l, &b) < 0)
		link_close(l, l->stopping ? LS_IDLE : LS_BACKOFF);
}

static void send_unbind(struct smpp_link *l)
{
	struct smpp_pdu u;

	smpp_pdu_init(&u, SMPP_UNBIND, 0, 0);
	l->unbind_sent = true;
	if (send_request(l, &u, NULL, NULL) < 0)
		link_close(l, LS_IDLE);
}

static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct smpp_link *l = arg;
	int64_t now = util_mono_ms();
	uint32_t gen = l->gen;

	if (!l->bev)
		return;
	for (int i = 0; i < l->win_cap; i++) {
		struct pending *p = &l->win[i];
		struct pending c;

		if (!p->used || p->deadline > now || p->cmd == SMPP_UNBIND)
			continue;
		c = *p;
		win_release(l, p);
		l->stats.timeouts++;
		l->timeouts_in_row++;
		if (c.cmd == SMPP_ENQUIRE_LINK)
			l->enquire_out = false;
		LOGP(LOG_SMPP, LOG_WARN, l->name,
		     "%s seq=%u unanswered after %dms (%d in a row)",
		     smpp_command_name(c.cmd), c.seq,
		     l->conf.response_timeout, l->timeouts_in_row);
		if (c.cb)
			c.cb(c.arg, -ETIMEDOUT, NULL);
		if (l->gen != gen || !l->bev)
			return;
	}
	if (l->state == LS_BOUND &&
	    l->timeouts_in_row >= l->conf.response_retries &&
	    l->conf.response_retries > 0) {
		LOGP(LOG_SMPP, LOG_ERROR, l->name,
		     "%d requests in a row unanswered: the link is dead; "
		     "reconnecting", l->timeouts_in_row);
		link_close(l, LS_BACKOFF);
		return;
	}
	if (l->state == LS_BOUND && !l->enquire_out &&
	    now - (l->last_rx > l->last_tx ? l->last_rx : l->last_tx) >=
		    l->conf.enquire_link_interval) {
		struct smpp_pdu e;

		smpp_pdu_init(&e, SMPP_ENQUIRE_LINK, 0, 0);
		if (send_request(l, &e, NULL, NULL) == 0) {
			l->enquire_out = true;
			l->stats.enquire_links++;
		}
	}
}

/*
 * The connection's bufferevent: a plain socket, or with tls an OpenSSL
 * one whose CONNECTED event comes after the handshake, the peer's
 * certificate verified. The context is made per connection, so that a
 * CA file replaced on disk is read at the next attempt; a context that
 * cannot be made fails this attempt like a refused connection.
 */
static struct bufferevent *new_bev(struct smpp_link *l)
{
	struct bufferevent *bev;
	char err[512];
	SSL_CTX *ctx;
	SSL *ssl;

	if (!l->conf.tls)
		return bufferevent_socket_new(l->base, -1,
					      BEV_OPT_CLOSE_ON_FREE);
	ctx = tls_client_ctx(l->conf.tls_ca_file, l->conf.tls_cert_file,
			     l->conf.tls_key_file, err, sizeof(err));
	ssl = ctx ? tls_client_ssl(ctx, l->conf.host, l->conf.tls_verify_name,
				   err, sizeof(err))
		  : NULL;
	SSL_CTX_free(ctx);	/* the SSL holds its own reference */
	if (!ssl) {
		LOGP(LOG_SMPP, LOG_ERROR, l->name, "TLS: %s", err);
		return NULL;
	}
	bev = bufferevent_openssl_socket_new(l->base, -1, ssl,
					     BUFFEREVENT_SSL_CONNECTING,
					     BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		SSL_free(ssl);
		return NULL;
	}
	/* a peer that closes without close_notify ends the link anyway */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

static void start_connect(struct smpp_link *l)
{
	int port = l->role == SMPP_ROLE_RX && l->conf.receive_port
			   ? l->conf.receive_port : l->conf.port;
	struct timeval tick = { 0, TICK_MS * 1000 };

	link_enter(l, LS_CONNECTING);
	l->bev = new_bev(l);
	if (!l->bev) {
		link_close(l, LS_BACKOFF);
		return;
	}
	l->gen++;
	l->unbind_sent = false;
	l->peer_unbound = false;
	l->enquire_out = false;
	l->timeouts_in_row = 0;
	l->last_rx = l->last_tx = util_mono_ms();
	smpp_framer_free(&l->fr);
	smpp_framer_init(&l->fr);
	bufferevent_setcb(l->bev, read_cb, write_cb, event_cb, l);
	bufferevent_enable(l->bev, EV_READ | EV_WRITE);
	evtimer_add(l->tick, &tick);
	if (bufferevent_socket_connect_hostname(l->bev, l->dns, AF_UNSPEC,
						l->conf.host, port) < 0) {
		LOGP(LOG_SMPP, LOG_WARN, l->name, "cannot connect to %s:%d",
		     l->conf.host, port);
		link_close(l, LS_BACKOFF);
	}
}

/* Drops the connection (if any) and moves to `next`. */
static void link_close(struct smpp_link *l, enum lstate next)
{
	if (l->bev) {
		bufferevent_free(l->bev);
		l->bev = NULL;
	}
	evtimer_del(l->tick);
	evtimer_del(l->writable_timer);
	l->gen++;
	l->tps_count = 0;
	l->tps_head = 0;
	link_enter(l, next);
	win_fail_all(l, -ECONNRESET);
}

void smpp_link_start(struct smpp_link *l)
{
	l->stopping = false;
	if (l->state == LS_IDLE)
		start_connect(l);
}

void smpp_link_stop(struct smpp_link *l)
{
	l->stopping = true;
	switch (l->state) {
	case LS_IDLE:
		if (l->cbs.stopped)
			l->cbs.stopped(l->arg, l);
		break;
	case LS_BOUND:
		link_enter(l, LS_UNBINDING);
		if (l->submits_out == 0)
			send_unbind(l);
		break;
	case LS_UNBINDING:
		break;
	default:
		link_close(l, LS_IDLE);
		break;
	}
}

bool smpp_link_same_peer(const struct cgw_smsc_conf *a,
			 const struct cgw_smsc_conf *b)
{
	return strcmp(a->id, b->id) == 0 && strcmp(a->host, b->host) == 0 &&
	       a->port == b->port && a->receive_port == b->receive_port &&
	       strcmp(a->system_id, b->system_id) == 0 &&
	       strcmp(a->password, b->password) == 0 &&
	       strcmp(a->system_type, b->system_type) == 0 &&
	       a->bind_mode == b->bind_mode &&
	       a->interface_version == b->interface_version &&
	       strcmp(a->address_range, b->address_range) == 0 &&
	       a->tls == b->tls &&
	       strcmp(a->tls_ca_file, b->tls_ca_file) == 0 &&
	       a->tls_verify_name == b->tls_verify_name &&
	       strcmp(a->tls_cert_file, b->tls_cert_file) == 0 &&
	       strcmp(a->tls_key_file, b->tls_key_file) == 0;
}

int smpp_link_update(struct smpp_link *l, const struct cgw_smsc_conf *conf)
{
	int cap = conf->window + 2;
	int64_t *ring = NULL;

	if (!smpp_link_same_peer(&l->conf, conf))
		return -EINVAL;
	if (cap > l->win_cap) {
		/* the window only grows: requests in flight keep their
		 * slots; a smaller window just admits fewer new submits */
		struct pending *w = realloc(l->win, (size_t)cap * sizeof(*w));

		if (!w)
			return -ENOMEM;
		memset(w + l->win_cap, 0,
		       (size_t)(cap - l->win_cap) * sizeof(*w));
		l->win = w;
		l->win_cap = cap;
	}
	if (conf->tps != l->conf.tps) {
		ring = calloc(conf->tps > 0 ? (size_t)conf->tps : 1,
			      sizeof(*ring));
		if (!ring)
			return -ENOMEM;
		free(l->tps_ring);
		l->tps_ring = ring;
		/* the new cap counts from now */
		l->tps_head = 0;
		l->tps_count = 0;
	}
	l->conf = *conf;
	if (l->want_writable)
		want_writable(l);
	return 0;
}

struct smpp_link *smpp_link_new(struct event_base *base,
				struct evdns_base *dns,
				const struct cgw_smsc_conf *conf,
				enum smpp_link_role role,
				const struct smpp_link_cbs *cbs, void *arg)
{
	struct smpp_link *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->base = base;
	l->dns = dns;
	l->conf = *conf;
	l->role = role;
	l->cbs = *cbs;
	l->arg = arg;
	l->next_seq = 1;
	if (role == SMPP_ROLE_TRX)
		util_strlcpy(l->name, conf->id, sizeof(l->name));
	else
		snprintf(l->name, sizeof(l->name), "%s/%s", conf->id,
			 role == SMPP_ROLE_TX ? "tx" : "rx");
	l->win_cap = conf->window + 2;
	l->win = calloc((size_t)l->win_cap, sizeof(*l->win));
	l->txbuf = malloc(SMPP_PDU_MAX);
	l->tps_ring = calloc(conf->tps > 0 ? (size_t)conf->tps : 1,
			     sizeof(int64_t));
	l->state_timer = evtimer_new(base, state_timeout, l);
	l->tick = event_new(base, -1, EV_PERSIST, tick_cb, l);
	l->writable_timer = evtimer_new(base, writable_cb, l);
	smpp_framer_init(&l->fr);
	if (!l->win || !l->txbuf || !l->tps_ring || !l->state_timer ||
	    !l->tick || !l->writable_timer) {
		smpp_link_free(l);
		return NULL;
	}
	return l;
}

void smpp_link_free(struct smpp_link *l)
{
	if (!l)
		return;
	l->cbs.state = NULL;
	l->cbs.stopped = NULL;
	if (l->bev)
		bufferevent_free(l->bev);
	l->bev = NULL;
	win_fail_all(l, -ECANCELED);
	if (l->state_timer)
		event_free(l->state_timer);
	if (l->tick)
		event_free(l->tick);
	if (l->writable_timer)
		event_free(l->writable_timer);
	smpp_framer_free(&l->fr);
	free(l->win);
	free(l->txbuf);
	free(l->tps_ring);
	free(l->spare);
	free(l);
}
