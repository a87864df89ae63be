/*
 * citizengw-sim: an SMPP 3.4 SMS centre simulator for tests and carrier
 * dry runs. Accepts binds (checking system_id and password), answers
 * submit_sm with message ids, sends scripted MOs (SMS and USSD) and logs
 * every PDU in a line format tests assert on. What it sends is encoded
 * with libsmpp34, independently of the daemon's own codec.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "text/text.h"
#include "common/util.h"
#include "sim/sim.h"
#include "sim/sim_smpp34.h"

int64_t sim_mono_ms(void)
{
	return util_mono_ms();
}

void sim_log(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->pdulog)
		return;
	fprintf(s->pdulog, "%06lld ", (long long)(sim_mono_ms() - s->start));
	va_start(ap, fmt);
	vfprintf(s->pdulog, fmt, ap);
	va_end(ap);
	fputc('\n', s->pdulog);
	fflush(s->pdulog);
}

#define SCREEN_W 34	/* characters per line of the pretend phone */

/* Prints one wrapped screen line by line inside a box. */
void sim_screen_box(const char *title, const char *text)
{
	char line[SCREEN_W * 4 + 1];
	size_t tl = strlen(text), pos = 0;

	printf("  +- %s ", title);
	for (int i = (int)utf8_length(title) + 4; i < SCREEN_W + 3; i++)
		putchar('-');
	printf("+\n");
	while (pos <= tl) {
		/* take up to SCREEN_W characters, breaking at a space */
		size_t start = pos, end = pos, brk = 0, n = 0, chars = 0;
		uint32_t cp;

		while (end < tl && text[end] != '\n' && chars < SCREEN_W) {
			size_t before = end;

			utf8_decode(text, tl, &end, &cp);
			if (cp == ' ')
				brk = before;
			chars++;
		}
		if (end < tl && text[end] != '\n' && brk > start) {
			end = brk;
			pos = brk + 1;
		} else {
			pos = end + (end < tl && text[end] == '\n' ? 1 : 0);
		}
		n = end - start;
		memcpy(line, text + start, n);
		line[n] = '\0';
		printf("  | %s", line);
		for (size_t i = utf8_length(line); i < SCREEN_W; i++)
			putchar(' ');
		printf(" |\n");
		if (end >= tl)
			break;
	}
	printf("  +");
	for (int i = 0; i < SCREEN_W + 2; i++)
		putchar('-');
	printf("+\n");
}

/* The conversation as the citizen's phone shows it. */
static void transcript(struct sim *s, const char *phone, const char *peer,
		       bool ussd, bool to_phone, const char *text,
		       int ussd_op)
{
	char title[96];

	if (!s->o.transcript)
		return;
	if (!to_phone) {
		if (ussd && ussd_op <= 1)
			printf("%s dials %s\n", phone, text);
		else if (ussd)
			printf("%s answers: %s\n", phone, text);
		else
			printf("%s sends an SMS to %s: %s\n", phone, peer,
			       text);
		fflush(stdout);
		return;
	}
	if (ussd)
		snprintf(title, sizeof(title), "%s",
			 ussd_op == 17 || ussd_op == 0x17 ? "USSD, session ends"
							   : "USSD, reply 1..9");
	else
		snprintf(title, sizeof(title), "SMS from %s", peer);
	sim_screen_box(title, text);
	fflush(stdout);
}

/* --- connections ---------------------------------------------------------- */

/* MOs still waiting for their response on this connection are delivered
 * again, as an SMS centre does after a lost link. */
static void conn_lost(struct sim_conn *c)
{
	struct sim *s = c->sim;

	for (int i = 0; i < s->nmos; i++) {
		struct sim_mo *mo = s->mos[i];

		if (mo->conn_id == c->id && mo->attempts > 0 && !mo->acked &&
		    !mo->resend_at && mo->nstatus < mo->attempts &&
		    s->o.redeliver_ms > 0 &&
		    mo->attempts < s->o.redeliver_max)
			mo->resend_at = sim_mono_ms() + s->o.redeliver_ms;
	}
}

static void conn_free(struct sim_conn *c)
{
	struct sim *s = c->sim;
	struct sim_conn **pp = &s->conns;

	while (*pp && *pp != c)
		pp = &(*pp)->next;
	if (*pp)
		*pp = c->next;
	if (c->bev)
		bufferevent_free(c->bev);
	smpp_framer_free(&c->fr);
	sim_log(s, "conn#%d closed", c->id);
	conn_lost(c);
	free(c);
}

static int conn_send(struct sim_conn *c, struct smpp_pdu *p)
{
	struct sim *s = c->sim;
	char err[200], line[1536];
	size_t len;

	if (sim34_encode(p, s->txbuf, sizeof(s->txbuf), &len, err,
			 sizeof(err)) < 0) {
		sim_log(s, "conn#%d cannot encode: %s", c->id, err);
		return -EINVAL;
	}
	smpp_pdu_format(p, line, sizeof(line));
	sim_log(s, "conn#%d TX %s", c->id, line);
	return bufferevent_write(c->bev, s->txbuf, len) == 0 ? 0 : -EIO;
}

static void respond(struct sim_conn *c, uint32_t cmd, uint32_t status,
		    uint32_t seq)
{
	struct smpp_pdu r;

	smpp_pdu_init(&r, cmd, status, seq);
	if (cmd == SMPP_SUBMIT_SM_RESP || cmd == SMPP_DELIVER_SM_RESP)
		r.has_body = status == 0;
	conn_send(c, &r);
}

static void on_bind(struct sim_conn *c, const struct smpp_pdu *p)
{
	struct sim *s = c->sim;
	struct smpp_pdu r;
	uint32_t status = 0;

	if (c->role != ROLE_NONE)
		status = SMPP_ESME_RALYBND;
	else if (s->bind_attempts++ < s->o.f.reject_binds)
		status = SMPP_ESME_RBINDFAIL;
	else if (strcmp(p->system_id, s->o.system_id) != 0)
		status = SMPP_ESME_RINVSYSID;
	else if (strcmp(p->password, s->o.password) != 0)
		status = SMPP_ESME_RINVPASWD;
	smpp_pdu_init(&r, smpp_resp_id(p->command_id), status,
		      p->sequence_number);
	r.has_body = status == 0;
	util_strlcpy(r.system_id, "cgwsim", sizeof(r.system_id));
	conn_send(c, &r);
	if (status) {
		sim_log(s, "conn#%d BIND-REFUSED system_id=\"%s\" status=0x%08x",
			c->id, p->system_id, status);
		return;
	}
	c->role = p->command_id == SMPP_BIND_TRANSMITTER ? ROLE_TX
		  : p->command_id == SMPP_BIND_RECEIVER  ? ROLE_RX
							 : ROLE_TRX;
	sim_log(s, "conn#%d BOUND %s system_id=\"%s\"", c->id,
		c->role == ROLE_TX ? "transmitter"
		: c->role == ROLE_RX ? "receiver" : "transceiver",
		p->system_id);
}

/* A new zeroed submit at the end of the list, or NULL. */
static struct sim_submit *submit_new(struct sim *s)
{
	struct sim_submit *sub;

	if (s->nsubs == s->subcap) {
		int cap = s->subcap ? s->subcap * 2 : 64;
		struct sim_submit *ns = realloc(s->subs,
						(size_t)cap * sizeof(*ns));

		if (!ns)
			return NULL;
		s->subs = ns;
		s->subcap = cap;
	}
	sub = &s->subs[s->nsubs];
	memset(sub, 0, sizeof(*sub));
	sub->index = ++s->nsubs;
	return sub;
}

/* The fields of a received submit_sm that expect-submit compares. */
static void submit_read(struct sim *s, const struct smpp_pdu *p,
			struct sim_submit *sub)
{
	uint32_t v;

	util_strlcpy(sub->to, p->destination_addr, sizeof(sub->to));
	util_strlcpy(sub->from, p->source_addr, sizeof(sub->from));
	util_strlcpy(sub->service_type, p->service_type,
		    sizeof(sub->service_type));
	sub->dc = p->data_coding;
	sub->esm_class = p->esm_class;
	sub->registered_delivery = p->registered_delivery;
	sub->ussd_op = smpp_pdu_tlv_uint(p, SMPP_TLV_USSD_SERVICE_OP, &v) == 0
			       ? (int)v : -1;
	sub->its = smpp_pdu_tlv_uint(p, SMPP_TLV_ITS_SESSION_INFO, &v) == 0
			   ? (int)v : -1;
	sim_concat_read(p, s->o.packed, sub);
}

/* The status the submit gets (faults count it) and, when accepted, its
 * message id in the format of --msgid-format. */
static void submit_decide(struct sim *s, struct sim_submit *sub)
{
	sub->status = sim_fault_submit_status(s);
	sub->accepted = sub->status == 0;
	if (!sub->accepted || s->o.f.empty_msgid)
		sub->message_id[0] = '\0';
	else if (s->o.msgid_format == 1)
		snprintf(sub->message_id, sizeof(sub->message_id), "%X",
			 ++s->msgid + 0x1000000u);
	else if (s->o.msgid_format == 2)
		snprintf(sub->message_id, sizeof(sub->message_id),
			 "sim-%u", ++s->msgid);
	else
		snprintf(sub->message_id, sizeof(sub->message_id), "%u",
			 ++s->msgid + 1000000u);
}

static void submit_log(struct sim_conn *c, const struct sim_submit *sub)
{
	char esc[SIM_TEXT_MAX * 2];

	sim_escape(sub->text, esc, sizeof(esc));
	sim_log(c->sim,
		"conn#%d SUBMIT #%d status=0x%08x to=%s from=%s "
		"service_type=\"%s\" dc=%u registered_delivery=%u "
		"ussd_service_op=%d its_session_info=%d message_id=%s%s "
		"text=\"%s\"",
		c->id, sub->index, sub->status, sub->to, sub->from,
		sub->service_type, sub->dc, sub->registered_delivery,
		sub->ussd_op, sub->its,
		sub->message_id[0] ? sub->message_id : "-", sub->part, esc);
}

/* Files an accepted submit into its message; the phone shows a
 * multipart message once, when it is whole. A refused part comes again. */
static void submit_file(struct sim_conn *c, const struct smpp_pdu *p,
			const struct sim_submit *sub)
{
	struct sim *s = c->sim;
	const char *joined;

	if (!sub->accepted)
		return;
	joined = sim_concat_file(s, s->concat, c->id, p, s->o.packed, sub);
	if (joined)
		transcript(s, sub->to, sub->from, sub->ussd_op >= 0, true,
			   joined, sub->ussd_op);
}

/* Holds a response back for resp_delay_ms (timed_output sends it).
 * Returns 0 or -ENOMEM. */
static int hold_response(struct sim_conn *c, uint32_t cmd, uint32_t status,
			 uint32_t seq, const char *message_id)
{
	struct sim *s = c->sim;
	struct sim_delayed *d;

	if (s->ndelayed == s->delayedcap) {
		int cap = s->delayedcap ? s->delayedcap * 2 : 32;
		struct sim_delayed *nd = realloc(s->delayed,
						 (size_t)cap * sizeof(*nd));

		if (!nd)
			return -ENOMEM;
		s->delayed = nd;
		s->delayedcap = cap;
	}
	d = &s->delayed[s->ndelayed++];
	d->conn_id = c->id;
	d->due = sim_mono_ms() + s->o.f.resp_delay_ms;
	d->cmd = cmd;
	d->status = status;
	d->seq = seq;
	util_strlcpy(d->message_id, message_id, sizeof(d->message_id));
	return 0;
}

/* A response with a message id (submit_sm_resp; the body only when the
 * status is 0). */
static void respond_msgid(struct sim_conn *c, uint32_t cmd, uint32_t status,
			  uint32_t seq, const char *message_id)
{
	struct smpp_pdu r;

	smpp_pdu_init(&r, cmd, status, seq);
	r.has_body = status == 0;
	util_strlcpy(r.message_id, message_id, sizeof(r.message_id));
	conn_send(c, &r);
}

static void on_submit(struct sim_conn *c, const struct smpp_pdu *p)
{
	struct sim *s = c->sim;
	struct sim_submit *sub;

	if (c->role != ROLE_TX && c->role != ROLE_TRX) {
		respond(c, SMPP_SUBMIT_SM_RESP, SMPP_ESME_RINVBNDSTS,
			p->sequence_number);
		return;
	}
	if (!(sub = submit_new(s))) {
		respond(c, SMPP_SUBMIT_SM_RESP, SMPP_ESME_RSYSERR,
			p->sequence_number);
		return;
	}
	submit_read(s, p, sub);
	submit_decide(s, sub);
	submit_log(c, sub);
	submit_file(c, p, sub);
	if (s->o.f.resp_delay_ms <= 0)
		respond_msgid(c, SMPP_SUBMIT_SM_RESP, sub->status,
			      p->sequence_number, sub->message_id);
	else if (hold_response(c, SMPP_SUBMIT_SM_RESP, sub->status,
			       p->sequence_number, sub->message_id) < 0)
		return;
	sim_receipt_schedule(s, sub);
}

static void on_deliver_resp(struct sim_conn *c, const struct smpp_pdu *p)
{
	struct sim *s = c->sim;

	for (int i = s->nmos - 1; i >= 0; i--) {
		struct sim_mo *mo = s->mos[i];

		if (mo->seq != p->sequence_number || mo->attempts == 0)
			continue;
		if (mo->nstatus < (int)ARRAY_SIZE(mo->statuses))
			mo->statuses[mo->nstatus++] = p->command_status;
		sim_log(s, "conn#%d %s %s status=0x%08x attempt=%d",
			c->id, mo->receipt ? "DLR-RESP" : "MO-RESP",
			mo->name, p->command_status, mo->attempts);
		if (p->command_status == 0) {
			mo->acked = true;
			mo->resend_at = 0;
		} else if (s->o.redeliver_ms > 0 &&
			   mo->attempts < s->o.redeliver_max) {
			/* what SMS centres do with a refused MO */
			mo->resend_at = sim_mono_ms() + s->o.redeliver_ms;
		}
		return;
	}
	sim_log(s, "conn#%d deliver_sm_resp seq=%u matches no MO", c->id,
		p->sequence_number);
}

static void on_enquire_link(struct sim_conn *c, const struct smpp_pdu *p)
{
	if (c->sim->o.f.ignore_enquire)
		sim_log(c->sim, "conn#%d enquire_link ignored (fault)", c->id);
	else
		respond(c, SMPP_ENQUIRE_LINK_RESP, 0, p->sequence_number);
}

/* Answers, then closes once the unbind_resp is out (conn_write). */
static void on_unbind(struct sim_conn *c, const struct smpp_pdu *p)
{
	respond(c, SMPP_UNBIND_RESP, 0, p->sequence_number);
	sim_log(c->sim, "conn#%d UNBOUND", c->id);
	c->role = ROLE_NONE;
	c->closing = true;
}

/* Responses to what the simulator sent on its own: nothing to do. */
static void on_ignored(struct sim_conn *c, const struct smpp_pdu *p)
{
}

static void on_unknown(struct sim_conn *c, const struct smpp_pdu *p)
{
	respond(c, SMPP_GENERIC_NACK, SMPP_ESME_RINVCMDID, p->sequence_number);
}

/* What the simulator does with each PDU an ESME sends it; any other
 * command gets generic_nack (on_unknown). */
static const struct {
	uint32_t id;
	void (*on)(struct sim_conn *c, const struct smpp_pdu *p);
} pdu_handlers[] = {
	{ SMPP_BIND_TRANSCEIVER, on_bind },
	{ SMPP_BIND_TRANSMITTER, on_bind },
	{ SMPP_BIND_RECEIVER, on_bind },
	{ SMPP_SUBMIT_SM, on_submit },
	{ SMPP_DELIVER_SM_RESP, on_deliver_resp },
	{ SMPP_GENERIC_NACK, on_deliver_resp },
	{ SMPP_ENQUIRE_LINK, on_enquire_link },
	{ SMPP_UNBIND, on_unbind },
	{ SMPP_ENQUIRE_LINK_RESP, on_ignored },
	{ SMPP_UNBIND_RESP, on_ignored },
};

/* The silent_after fault: true once the connection answers nothing. */
static bool went_silent(struct sim_conn *c)
{
	struct sim *s = c->sim;

	if (c->silent)
		return true;
	if (s->o.f.silent_after && c->rx_pdus > s->o.f.silent_after) {
		sim_log(s, "conn#%d SILENT from now on (fault)", c->id);
		c->silent = true;
		return true;
	}
	return false;
}

static void on_pdu(struct sim_conn *c, const uint8_t *buf, size_t len)
{
	struct sim *s = c->sim;
	struct smpp_pdu p;
	char err[200], line[1536];
	uint32_t status;

	c->rx_pdus++;
	if (went_silent(c))
		return;
	if (smpp_pdu_decode(buf, len, &p, &status, err, sizeof(err)) < 0) {
		sim_log(s, "conn#%d BAD-PDU %s", c->id, err);
		if (!SMPP_IS_RESP(p.command_id))
			respond(c, SMPP_GENERIC_NACK, status,
				p.sequence_number);
		return;
	}
	smpp_pdu_format(&p, line, sizeof(line));
	sim_log(s, "conn#%d RX %s", c->id, line);
	for (size_t i = 0; i < ARRAY_SIZE(pdu_handlers); i++)
		if (pdu_handlers[i].id == p.command_id) {
			pdu_handlers[i].on(c, &p);
			return;
		}
	on_unknown(c, &p);
}

static bool s_drop_due(const struct sim_conn *c)
{
	int n = c->sim->o.f.drop_after;

	return n > 0 && c->rx_pdus + 1 >= n;
}

/*
 * Drops the link: the PDU at hand and everything after it go unread and
 * unanswered; what was answered before still reaches the ESME (FIN after
 * the data, not a reset, which would destroy it in flight).
 */
static void conn_drop(struct sim_conn *c)
{
	struct sim *s = c->sim;
	struct evbuffer *out = bufferevent_get_output(c->bev);

	sim_log(s, "conn#%d DROP at PDU %d (fault)", c->id, c->rx_pdus + 1);
	/* FIN once what was answered is out (conn_write) */
	if (evbuffer_get_length(out) == 0)
		shutdown(bufferevent_getfd(c->bev), SHUT_WR);
	c->role = ROLE_NONE;
	c->dropped = true;
	c->dropped_at = sim_mono_ms();
	smpp_framer_free(&c->fr);
	smpp_framer_init(&c->fr);
	conn_lost(c);
}

static void conn_read(struct bufferevent *bev, void *arg)
{
	struct sim_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t chunk[16384];
	int n;

	if (c->dropped) {
		/* read and forget until the ESME closes its side */
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	while ((n = evbuffer_remove(in, chunk, sizeof(chunk))) > 0)
		smpp_framer_feed(&c->fr, chunk, (size_t)n);
	for (;;) {
		const uint8_t *p;
		size_t len;
		int rc = smpp_framer_next(&c->fr, &p, &len);

		if (rc == 0)
			break;
		if (rc < 0) {
			sim_log(c->sim, "conn#%d BAD-LENGTH: closing", c->id);
			conn_free(c);
			return;
		}
		if (s_drop_due(c)) {
			conn_drop(c);
			return;
		}
		on_pdu(c, p, len);
	}
	if (c->closing) {
		/* let the unbind_resp reach the ESME before closing */
		bufferevent_disable(bev, EV_READ);
	}
}

static void conn_write(struct bufferevent *bev, void *arg)
{
	struct sim_conn *c = arg;

	if (c->dropped) {
		shutdown(bufferevent_getfd(bev), SHUT_WR);
		return;
	}

	if (c->closing &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_free(c);
}

static void conn_event(struct bufferevent *bev, short events, void *arg)
{
	struct sim_conn *c = arg;

	if (events & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_free(c);
}

static void on_accept(struct evconnlistener *lis, evutil_socket_t fd,
		      struct sockaddr *sa, int socklen, void *arg)
{
	struct sim *s = arg;
	struct sim_conn *c = calloc(1, sizeof(*c));

	if (!c) {
		evutil_closesocket(fd);
		return;
	}
	c->sim = s;
	c->id = ++s->nconn_ids;
	c->next_seq = 1;
	smpp_framer_init(&c->fr);
	c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(c->bev, conn_read, conn_write, conn_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->next = s->conns;
	s->conns = c;
	sim_log(s, "conn#%d accepted", c->id);
}

/* --- what the script runner uses ------------------------------------------ */

static struct sim_conn *rx_conn(struct sim *s)
{
	for (struct sim_conn *c = s->conns; c; c = c->next)
		if (!c->closing && !c->dropped &&
		    (c->role == ROLE_RX || c->role == ROLE_TRX))
			return c;
	return NULL;
}

bool sim_bound(struct sim *s)
{
	return rx_conn(s) != NULL;
}

int sim_send_mo(struct sim *s, struct sim_mo *mo)
{
	struct sim_conn *c = rx_conn(s);
	struct smpp_pdu p;

	if (!c)
		return -ENOTCONN;
	smpp_pdu_init(&p, SMPP_DELIVER_SM, 0,
		      mo->force_seq >= 0 ? (uint32_t)mo->force_seq
					 : c->next_seq++);
	util_strlcpy(p.service_type, mo->service_type, sizeof(p.service_type));
	p.source_addr_ton = mo->from_ton;
	p.source_addr_npi = mo->from_npi;
	util_strlcpy(p.source_addr, mo->from, 21);
	p.dest_addr_ton = mo->to_ton;
	p.dest_addr_npi = mo->to_npi;
	util_strlcpy(p.destination_addr, mo->to, 21);
	p.esm_class = mo->esm_class;
	p.data_coding = mo->dc;
	p.sm_length = mo->sm_len;
	p.short_message = mo->sm;
	for (int i = 0; i < mo->ntlv; i++)
		smpp_pdu_add_tlv(&p, mo->tlv[i].tag, mo->tlv[i].len,
				 mo->tlv[i].val);
	mo->seq = p.sequence_number;
	mo->conn_id = c->id;
	mo->attempts++;
	mo->resend_at = 0;
	sim_log(s, "conn#%d %s %s attempt=%d from=%s to=%s", c->id,
		mo->receipt ? "DLR" : "MO", mo->name, mo->attempts, mo->from,
		mo->to);
	if (mo->attempts == 1 && !mo->receipt)
		transcript(s, mo->from, mo->to, mo->ussd, false, mo->text,
			   mo->ussd_op);
	return conn_send(c, &p);
}

struct sim_mo *sim_mo_new(struct sim *s)
{
	struct sim_mo *mo;

	if (s->nmos == s->mocap) {
		int cap = s->mocap ? s->mocap * 2 : 32;
		struct sim_mo **nm = realloc(s->mos, (size_t)cap * sizeof(*nm));

		if (!nm)
			return NULL;
		s->mos = nm;
		s->mocap = cap;
	}
	mo = calloc(1, sizeof(*mo));
	if (!mo)
		return NULL;
	snprintf(mo->name, sizeof(mo->name), "mo%d", s->nmos + 1);
	mo->force_seq = -1;
	s->mos[s->nmos++] = mo;
	return mo;
}

struct sim_mo *sim_mo_find(struct sim *s, const char *name)
{
	for (int i = s->nmos - 1; i >= 0; i--)
		if (strcmp(s->mos[i]->name, name) == 0)
			return s->mos[i];
	return NULL;
}

struct sim_mo *sim_mo_last(struct sim *s)
{
	return s->nmos ? s->mos[s->nmos - 1] : NULL;
}

int sim_submit_count(struct sim *s)
{
	return s->nsubs;
}

struct sim_submit *sim_submit_at(struct sim *s, int i)
{
	return i >= 0 && i < s->nsubs ? &s->subs[i] : NULL;
}

struct sim_concat *sim_concat_of(struct sim *s)
{
	return s->concat;
}

void sim_drop_connections(struct sim *s)
{
	while (s->conns)
		conn_free(s->conns);
}

void sim_unbind_all(struct sim *s)
{
	for (struct sim_conn *c = s->conns; c; c = c->next) {
		struct smpp_pdu u;

		if (c->role == ROLE_NONE || c->closing)
			continue;
		smpp_pdu_init(&u, SMPP_UNBIND, 0, c->next_seq++);
		conn_send(c, &u);
	}
}

int sim_send_raw(struct sim *s, const uint8_t *buf, size_t len)
{
	struct sim_conn *c = s->conns;

	if (!c)
		return -ENOTCONN;
	sim_log(s, "conn#%d TX raw %zu bytes", c->id, len);
	return bufferevent_write(c->bev, buf, len) == 0 ? 0 : -EIO;
}

struct sim_faults *sim_faults(struct sim *s)
{
	return &s->o.f;
}

static struct sim_conn *conn_by_id(struct sim *s, int id)
{
	for (struct sim_conn *c = s->conns; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

/* A dropped connection the ESME never closed goes after 2 s. */
static void reap_dropped(struct sim *s, int64_t now)
{
	for (struct sim_conn *c = s->conns, *next; c; c = next) {
		next = c->next;
		if (c->dropped && now - c->dropped_at > 2000)
			conn_free(c);
	}
}

/* Sends the responses resp_delay_ms held back that are due; those of a
 * connection gone or silent are forgotten. */
static void send_delayed(struct sim *s, int64_t now)
{
	int k = 0;

	for (int i = 0; i < s->ndelayed; i++) {
		struct sim_delayed *d = &s->delayed[i];
		struct sim_conn *c;

		if (d->due > now) {
			s->delayed[k++] = *d;
			continue;
		}
		c = conn_by_id(s, d->conn_id);
		if (c && !c->silent)
			respond_msgid(c, d->cmd, d->status, d->seq,
				      d->message_id);
	}
	s->ndelayed = k;
}

/* Our own enquire_link every enquire_ms on every bound connection. */
static void send_enquire_links(struct sim *s, int64_t now)
{
	if (s->o.f.enquire_ms <= 0)
		return;
	for (struct sim_conn *c = s->conns; c; c = c->next) {
		struct smpp_pdu e;

		if (c->role == ROLE_NONE || c->closing ||
		    now - c->last_enquire < s->o.f.enquire_ms)
			continue;
		c->last_enquire = now;
		smpp_pdu_init(&e, SMPP_ENQUIRE_LINK, 0, c->next_seq++);
		conn_send(c, &e);
	}
}

/* --- main loop ------------------------------------------------------------ */

/* MOs refused (or lost with their link) whose re-delivery is due. */
static void resend_due_mos(struct sim *s, int64_t now)
{
	for (int i = 0; i < s->nmos; i++) {
		struct sim_mo *mo = s->mos[i];

		if (mo->resend_at && mo->resend_at <= now &&
		    sim_send_mo(s, mo) < 0)
			mo->resend_at = now + 200;	/* wait for a bind */
	}
}

/* The script (or the phone) ended: rc > 0 passed, < 0 failed. The
 * simulator serves on for --linger. */
static void script_ended(struct sim *s, int rc, int64_t now)
{
	s->result = rc > 0 ? 0 : 1;
	sim_log(s, "SCRIPT %s", rc > 0 ? "PASSED" : "FAILED");
	s->script_done = true;
	s->exit_at = now + s->o.linger_ms;
	if (!s->o.linger_ms)
		event_base_loopexit(s->base, NULL);
}

static void script_timed_out(struct sim *s)
{
	fprintf(stderr, "citizengw-sim: script did not finish within %ds\n",
		s->o.timeout_s);
	sim_log(s, "SCRIPT TIMEOUT");
	s->result = 1;
	event_base_loopexit(s->base, NULL);
}

/* Every 10 ms: re-deliveries, held-back output, then the script. */
static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sim *s = arg;
	int64_t now = sim_mono_ms();
	int rc;

	resend_due_mos(s, now);
	reap_dropped(s, now);
	send_delayed(s, now);
	send_enquire_links(s, now);
	if (s->script_done) {
		if (now >= s->exit_at)
			event_base_loopexit(s->base, NULL);
		return;
	}
	if (!s->script && !s->phone)
		return;
	rc = s->phone ? sim_phone_tick(s->phone, s)
		      : sim_script_run(s->script, s);
	if (rc != 0)
		script_ended(s, rc, now);
	else if (s->deadline && now > s->deadline)
		script_timed_out(s);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct sim *s = arg;

	sim_log(s, "signal %d: stopping", (int)sig);
	event_base_loopexit(s->base, NULL);
}

static int parse_listen(const char *spec, struct sockaddr_in *sin)
{
	char host[64];
	const char *colon = strrchr(spec, ':');
	long port;

	if (!colon || (size_t)(colon - spec) >= sizeof(host))
		return -EINVAL;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	port = strtol(colon + 1, NULL, 10);
	if (port < 0 || port > 65535)
		return -EINVAL;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sin->sin_addr) == 1 ? 0 : -EINVAL;
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: citizengw-sim [options] [SCRIPT]\n"
"       citizengw-sim phone [--msisdn N] [--ussd|--sms] [options]  (see\n"
"       citizengw-sim phone --help: a feature phone on the terminal)\n"
"\n"
"An SMPP 3.4 SMS centre for tests and dry runs. Without SCRIPT it serves\n"
"binds and submits until stopped; with SCRIPT it plays the script (MOs to\n"
"send, replies to expect) and exits 0 when every step passed, 1 otherwise.\n"
"\n"
"  -l, --listen HOST:PORT     address to listen on (127.0.0.1:2775); port 0\n"
"                             picks a free one (see --port-file)\n"
"  -u, --system-id ID         system_id binds must use (citizengw)\n"
"  -p, --password PW          password binds must use (secret)\n"
"      --port-file FILE       write the listening port to FILE\n"
"  -L, --pdu-log FILE         log every PDU and event to FILE ('-' = stdout)\n"
"  -T, --transcript           print the conversation as phones show it\n"
"      --msgid-format F       decimal (default), hex or string message ids\n"
"      --redeliver-ms MS      re-send an MO refused with an error after MS\n"
"                             (1000; 0 = never), like a real SMS centre\n"
"      --redeliver-max N      give up after N attempts (30)\n"
"      --submit-status S      answer every submit_sm with status S (fault)\n"
"      --packed               GSM-7 short_message is packed into octets\n"
"      --timeout S            fail a script that runs longer (120)\n"
"      --linger MS            keep serving MS after the script ends\n"
"\nFaults (also script step `set NAME=VALUE`):\n");
	sim_fault_help(out);
	fprintf(out,
"  -h, --help                 this text\n"
"\n"
"Script commands (one per line, # comments; see docs/simulator.md):\n"
"  wait-bind [timeout=S]\n"
"  mo from=N to=N text=\"...\" [name=X] [dc=0|3|8] [ton=..] [npi=..]\n"
"     [service_type=USSD] [ussd_op=N] [its=0xHHHH] [umr=N]\n"
"     [tlv=0xTAG:HEX] [esm_class=N]\n"
"     [parts=N concat=udh8|udh16|sar order=3,1,2 dup=K ref=N]\n"
"  ussd from=N to=N text=\"*8088#\" op=N its=0xHHHH   (USSD shorthand)\n"
"  expect-resp [mo=X] status=0xHH [timeout=S]\n"
"  expect-acked [mo=X] [timeout=S]\n"
"  expect-submit [to=N] [text=\"...\"] [contains=\"...\"] [ussd_op=N]\n"
"     [its=0xHHHH] [dc=N] [timeout=S]\n"
"  expect-message [to=N] [from=N] [text=\"...\"] [contains=\"...\"]\n"
"     [parts=N] [concat=none|udh8|udh16|sar|payload] [timeout=S]\n"
"  expect-quiet [ms=N]       no unexpected submit arrives meanwhile\n"
"  redeliver [mo=X]          send an MO again, same content and TLVs\n"
"  wait-file PATH [timeout=S]  wait until a test harness creates PATH\n"
"  sleep MS | print \"text\" | drop\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "system-id", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "pdu-log", required_argument, NULL, 'L' },
		{ "transcript", no_argument, NULL, 'T' },
		{ "msgid-format", required_argument, NULL, 'M' },
		{ "redeliver-ms", required_argument, NULL, 'r' },
		{ "redeliver-max", required_argument, NULL, 'R' },
		{ "submit-status", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 't' },
		{ "linger", required_argument, NULL, 'G' },
		{ "packed", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sim *s = calloc(1, sizeof(*s));
	struct option *all;
	struct sockaddr_in sin;
	char err[512];
	int c, nstd = (int)(sizeof(opts) / sizeof(opts[0])) - 1;

	bool phone = argc > 1 && strcmp(argv[1], "phone") == 0;

	if (!s)
		return 1;
	s->o.listen = "127.0.0.1:2775";
	s->o.system_id = "citizengw";
	s->o.password = "secret";
	s->o.redeliver_ms = 1000;
	s->o.redeliver_max = 30;
	s->o.timeout_s = 120;
	if (phone && !(s->phone = sim_phone_new(&s->o, argc - 1, argv + 1)))
		return 2;
	if (phone)
		optind = argc;
	/* the fault options come from the fault table (sim_faults.c) */
	all = calloc((size_t)(nstd + sim_fault_count() + 1), sizeof(*all));
	if (!all)
		return 1;
	memcpy(all, opts, (size_t)nstd * sizeof(*all));
	for (int i = 0; i < sim_fault_count(); i++) {
		all[nstd + i].name = sim_fault_name(i);
		all[nstd + i].has_arg = required_argument;
		all[nstd + i].val = 1000 + i;
	}
	s->o.f.receipt_id_format = -1;
	while (!phone &&
	       (c = getopt_long(argc, argv, "l:u:p:L:Th", all, NULL)) != -1) {
		if (c >= 1000) {
			if (sim_fault_set(&s->o.f, sim_fault_name(c - 1000),
					  optarg) < 0) {
				fprintf(stderr, "citizengw-sim: bad value for "
						"--%s: %s\n",
					sim_fault_name(c - 1000), optarg);
				return 2;
			}
			continue;
		}
		switch (c) {
		case 'l': s->o.listen = optarg; break;
		case 'u': s->o.system_id = optarg; break;
		case 'p': s->o.password = optarg; break;
		case 'P': s->o.port_file = optarg; break;
		case 'L': s->o.pdu_log = optarg; break;
		case 'T': s->o.transcript = true; break;
		case 'M':
			if (strcmp(optarg, "decimal") == 0)
				s->o.msgid_format = 0;
			else if (strcmp(optarg, "hex") == 0)
				s->o.msgid_format = 1;
			else if (strcmp(optarg, "string") == 0)
				s->o.msgid_format = 2;
			else {
				fprintf(stderr, "bad --msgid-format\n");
				return 2;
			}
			break;
		case 'r': s->o.redeliver_ms = atoi(optarg); break;
		case 'R': s->o.redeliver_max = atoi(optarg); break;
		case 'S':
			s->o.submit_status = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 't': s->o.timeout_s = atoi(optarg); break;
		case 'G': s->o.linger_ms = atoi(optarg); break;
		case 'K': s->o.packed = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	free(all);
	if (optind < argc)
		s->o.script = argv[optind++];
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (parse_listen(s->o.listen, &sin) < 0) {
		fprintf(stderr, "citizengw-sim: bad --listen '%s' (want "
				"IPv4:PORT)\n", s->o.listen);
		return 2;
	}
	if (s->o.pdu_log) {
		s->pdulog = strcmp(s->o.pdu_log, "-") == 0
				    ? stdout : fopen(s->o.pdu_log, "w");
		if (!s->pdulog) {
			perror(s->o.pdu_log);
			return 2;
		}
	}
	if (s->o.script) {
		s->script = sim_script_load(s->o.script, err, sizeof(err));
		if (!s->script) {
			fprintf(stderr, "citizengw-sim: %s\n", err);
			return 2;
		}
	}
	s->concat = sim_concat_new();
	if (!s->concat)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	s->start = sim_mono_ms();
	s->base = event_base_new();
	s->lis = evconnlistener_new_bind(s->base, on_accept, s,
					 LEV_OPT_REUSEABLE |
						 LEV_OPT_CLOSE_ON_FREE,
					 16, (struct sockaddr *)&sin,
					 sizeof(sin));
	if (!s->lis) {
		fprintf(stderr, "citizengw-sim: cannot listen on %s: %s\n",
			s->o.listen, strerror(errno));
		return 2;
	}
	if (s->o.port_file) {
		struct sockaddr_in bound;
		socklen_t blen = sizeof(bound);
		FILE *f;

		getsockname(evconnlistener_get_fd(s->lis),
			    (struct sockaddr *)&bound, &blen);
		f = fopen(s->o.port_file, "w");
		if (!f) {
			perror(s->o.port_file);
			return 2;
		}
		fprintf(f, "%d\n", ntohs(bound.sin_port));
		fclose(f);
	}
	sim_log(s, "listening on %s", s->o.listen);
	s->tick = event_new(s->base, -1, EV_PERSIST, tick_cb, s);
	struct timeval tv = { 0, 10000 };

	event_add(s->tick, &tv);
	s->sigint = evsignal_new(s->base, SIGINT, on_signal, s);
	s->sigterm = evsignal_new(s->base, SIGTERM, on_signal, s);
	evsignal_add(s->sigint, NULL);
	evsignal_add(s->sigterm, NULL);
	if (s->script)
		s->deadline = s->start + (int64_t)s->o.timeout_s * 1000;
	event_base_dispatch(s->base);

	sim_drop_connections(s);
	evconnlistener_free(s->lis);
	event_free(s->tick);
	event_free(s->sigint);
	event_free(s->sigterm);
	event_base_free(s->base);
	sim_script_free(s->script);
	sim_concat_free(s, s->concat);
	sim_phone_free(s->phone);
	for (int i = 0; i < s->nmos; i++)
		free(s->mos[i]);
	free(s->mos);
	free(s->subs);
	free(s->delayed);
	if (s->pdulog && s->pdulog != stdout)
		fclose(s->pdulog);
	c = s->result;
	free(s);
	return c;
}
