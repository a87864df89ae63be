/* SPDX-License-Identifier: GPL-3.0-or-later */
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
#include <event2/bufferevent_ssl.h>
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
#include "common/tls.h"
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

/* Holds a response back for resp_delay_ms (send_delayed sends it).
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

		/* sequence numbers are per connection: several binds
		 * answer MOs of the same numbers */
		if (mo->seq != p->sequence_number || mo->attempts == 0 ||
		    mo->conn_id != c->id)
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

/* The handshake is done: says with what, and whose certificate. */
static void tls_accepted(struct sim_conn *c, struct bufferevent *bev)
{
	SSL *ssl = bufferevent_openssl_get_ssl(bev);
	X509 *peer = ssl ? SSL_get1_peer_certificate(ssl) : NULL;
	char subject[256] = "none";

	if (peer)
		X509_NAME_oneline(X509_get_subject_name(peer), subject,
				  sizeof(subject));
	X509_free(peer);
	sim_log(c->sim, "conn#%d TLS %s, client certificate: %s", c->id,
		ssl ? SSL_get_version(ssl) : "?", subject);
}

static void conn_event(struct bufferevent *bev, short events, void *arg)
{
	struct sim_conn *c = arg;

	if (c->sim->tls && (events & BEV_EVENT_CONNECTED))
		tls_accepted(c, bev);
	if (c->sim->tls && (events & BEV_EVENT_ERROR)) {
		unsigned long e = bufferevent_get_openssl_error(bev);
		char why[256];

		while (bufferevent_get_openssl_error(bev))
			;
		if (e)
			sim_log(c->sim, "conn#%d TLS failed: %s", c->id,
				tls_describe(e, bufferevent_openssl_get_ssl(bev),
					     why, sizeof(why)));
	}
	if (events & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_free(c);
}

static void on_accept(struct evconnlistener *lis, evutil_socket_t fd,
		      struct sockaddr *sa, int socklen, void *arg)
{
	struct sim *s = arg;
	struct sim_conn *c = calloc(1, sizeof(*c));
	struct bufferevent *bev = NULL;

	if (c && s->tls) {
		SSL *ssl = SSL_new(s->tls);

		if (ssl)
			bev = bufferevent_openssl_socket_new(
				s->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
				BEV_OPT_CLOSE_ON_FREE);
		if (ssl && !bev)
			SSL_free(ssl);
	} else if (c) {
		bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
	}
	if (!bev) {
		sim_log(s, "cannot take a connection: out of memory");
		evutil_closesocket(fd);
		free(c);
		return;
	}
	c->sim = s;
	c->id = ++s->nconn_ids;
	c->next_seq = 1;
	smpp_framer_init(&c->fr);
	c->bev = bev;
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

/* Connection `id` when it can take an MO, else the newest that can. */
static struct sim_conn *rx_conn_id(struct sim *s, int id)
{
	for (struct sim_conn *c = s->conns; id > 0 && c; c = c->next)
		if (c->id == id && !c->closing && !c->dropped &&
		    (c->role == ROLE_RX || c->role == ROLE_TRX))
			return c;
	return rx_conn(s);
}

bool sim_bound(struct sim *s)
{
	return rx_conn(s) != NULL;
}

int sim_send_mo(struct sim *s, struct sim_mo *mo)
{
	struct sim_conn *c = rx_conn_id(s, mo->want_conn);
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

/* --- start-up and shut-down ----------------------------------------------- */

/* Where the port of --listen starts (after its ':'), or NULL with what
 * is wrong in err. An IPv6 address goes in brackets. */
static const char *listen_port(const char *spec, char *err, size_t errlen)
{
	const char *colon, *close;

	if (spec[0] == '[') {
		close = strchr(spec, ']');
		if (!close || close[1] != ':') {
			util_err(err, errlen, -EINVAL,
				 "no ]:PORT after the IPv6 address");
			return NULL;
		}
		return close + 2;
	}
	colon = strrchr(spec, ':');
	if (!colon) {
		util_err(err, errlen, -EINVAL, "no :PORT");
		return NULL;
	}
	if (memchr(spec, ':', (size_t)(colon - spec))) {
		util_err(err, errlen, -EINVAL,
			 "an IPv6 address goes in brackets, as in [::1]:%s",
			 colon + 1);
		return NULL;
	}
	return colon + 1;
}

/*
 * Reads --listen: "IPv4:PORT" or "[IPv6]:PORT", PORT 0..65535 (0: the
 * kernel picks one). libevent reads the address; the port is read here
 * because evutil_parse_sockaddr_port refuses port 0 and ignores junk
 * after the digits. Returns 0, or -EINVAL with what was wrong in err.
 */
static int parse_listen(const char *spec, struct sockaddr_storage *ss,
			int *sslen, char *err, size_t errlen)
{
	const char *port;
	char host[128];
	size_t hl;
	long long n;

	if (strpbrk(spec, " \t\r\n"))
		return util_err(err, errlen, -EINVAL, "it contains a space");
	if (!(port = listen_port(spec, err, errlen)))
		return -EINVAL;
	if (!util_all_digits(port) || util_parse_int(port, 0, 65535, &n) < 0)
		return util_err(err, errlen, -EINVAL,
			       "port '%s' is not a number from 0 to 65535",
			       port);
	hl = (size_t)(port - 1 - spec);
	if (hl == 0 || hl >= sizeof(host))
		return util_err(err, errlen, -EINVAL, "no address before :");
	memcpy(host, spec, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof(*ss));
	*sslen = (int)sizeof(*ss);
	if (evutil_parse_sockaddr_port(host, (struct sockaddr *)ss,
				       sslen) < 0)
		return util_err(err, errlen, -EINVAL,
			       "'%s' is no IPv4 or [IPv6] address", host);
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)n);
	else
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)n);
	return 0;
}

static int sockaddr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
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
"  -l, --listen ADDR:PORT     address to listen on (127.0.0.1:2775; IPv6 in\n"
"                             brackets: [::1]:2775); port 0 picks a free one\n"
"                             (see --port-file)\n"
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
"      --tls-cert FILE        listen with TLS, this PEM certificate (chain)\n"
"      --tls-key FILE         and its key\n"
"      --tls-client-ca FILE   with TLS, require a client certificate of\n"
"                             these CAs\n"
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

/* The long options of the SMS centre; the faults follow (see
 * long_options). */
static const struct option sim_options[] = {
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
	{ "tls-cert", required_argument, NULL, 'C' },
	{ "tls-key", required_argument, NULL, 'k' },
	{ "tls-client-ca", required_argument, NULL, 'A' },
	{ "help", no_argument, NULL, 'h' },
};

#define FAULT_OPT 1000	/* getopt value of the first fault option */

/* sim_options, then one option per fault from the fault table
 * (sim_faults.c), then the terminator. Returns NULL when out of memory;
 * the caller frees the array. */
static struct option *long_options(void)
{
	int nstd = (int)ARRAY_SIZE(sim_options);
	struct option *all;

	all = calloc((size_t)(nstd + sim_fault_count() + 1), sizeof(*all));
	if (!all)
		return NULL;
	memcpy(all, sim_options, sizeof(sim_options));
	for (int i = 0; i < sim_fault_count(); i++) {
		all[nstd + i].name = sim_fault_name(i);
		all[nstd + i].has_arg = required_argument;
		all[nstd + i].val = FAULT_OPT + i;
	}
	return all;
}

static void set_defaults(struct sim_opts *o)
{
	o->listen = "127.0.0.1:2775";
	o->system_id = "citizengw";
	o->password = "secret";
	o->redeliver_ms = 1000;
	o->redeliver_max = 30;
	o->timeout_s = 120;
	o->f.receipt_id_format = -1;
}

static int set_msgid_format(struct sim_opts *o, const char *v)
{
	if (strcmp(v, "decimal") == 0)
		o->msgid_format = 0;
	else if (strcmp(v, "hex") == 0)
		o->msgid_format = 1;
	else if (strcmp(v, "string") == 0)
		o->msgid_format = 2;
	else {
		fprintf(stderr, "bad --msgid-format\n");
		return 2;
	}
	return 0;
}

/* Applies one option getopt_long returned (not --help). Returns 0, or 2
 * after saying what is wrong. */
static int apply_option(struct sim_opts *o, int c, char *v)
{
	if (c >= FAULT_OPT) {
		if (sim_fault_set(&o->f, sim_fault_name(c - FAULT_OPT), v) < 0) {
			fprintf(stderr, "citizengw-sim: bad value for --%s: "
					"%s\n", sim_fault_name(c - FAULT_OPT), v);
			return 2;
		}
		return 0;
	}
	switch (c) {
	case 'l': o->listen = v; break;
	case 'u': o->system_id = v; break;
	case 'p': o->password = v; break;
	case 'P': o->port_file = v; break;
	case 'L': o->pdu_log = v; break;
	case 'T': o->transcript = true; break;
	case 'M': return set_msgid_format(o, v);
	case 'r': o->redeliver_ms = atoi(v); break;
	case 'R': o->redeliver_max = atoi(v); break;
	case 'S': o->submit_status = (uint32_t)strtoul(v, NULL, 0); break;
	case 't': o->timeout_s = atoi(v); break;
	case 'G': o->linger_ms = atoi(v); break;
	case 'K': o->packed = true; break;
	case 'C': o->tls_cert = v; break;
	case 'k': o->tls_key = v; break;
	case 'A': o->tls_client_ca = v; break;
	default: usage(stderr); return 2;
	}
	return 0;
}

/*
 * Reads the command line into s->o, and for `citizengw-sim phone ...`
 * into a phone. Returns 0, or the exit status after saying what is
 * wrong (1: out of memory, 2: a bad command line); --help exits 0.
 */
static int read_options(struct sim *s, int argc, char **argv)
{
	struct option *all;
	int c, rc = 0;

	set_defaults(&s->o);
	if (argc > 1 && strcmp(argv[1], "phone") == 0) {
		s->phone = sim_phone_new(&s->o, argc - 1, argv + 1);
		return s->phone ? 0 : 2;
	}
	if (!(all = long_options()))
		return 1;
	while (!rc &&
	       (c = getopt_long(argc, argv, "l:u:p:L:Th", all, NULL)) != -1) {
		if (c == 'h') {
			free(all);
			usage(stdout);
			exit(0);
		}
		rc = apply_option(&s->o, c, optarg);
	}
	free(all);
	if (rc)
		return rc;
	if (optind < argc)
		s->o.script = argv[optind++];
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	return 0;
}

static int open_pdu_log(struct sim *s)
{
	if (!s->o.pdu_log)
		return 0;
	s->pdulog = strcmp(s->o.pdu_log, "-") == 0 ? stdout
						   : fopen(s->o.pdu_log, "w");
	if (!s->pdulog) {
		perror(s->o.pdu_log);
		return 2;
	}
	return 0;
}

static int load_script(struct sim *s)
{
	char err[512];

	if (!s->o.script)
		return 0;
	s->script = sim_script_load(s->o.script, err, sizeof(err));
	if (!s->script) {
		fprintf(stderr, "citizengw-sim: %s\n", err);
		return 2;
	}
	return 0;
}

static int open_listener(struct sim *s, const struct sockaddr_storage *ss,
			 int sslen)
{
	s->base = event_base_new();
	if (!s->base) {
		fprintf(stderr, "citizengw-sim: cannot create an event "
				"base\n");
		return 2;
	}
	if (s->o.tls_cert || s->o.tls_key || s->o.tls_client_ca) {
		char err[512];

		s->tls = tls_server_ctx(s->o.tls_cert ? s->o.tls_cert : "",
					s->o.tls_key ? s->o.tls_key : "",
					s->o.tls_client_ca ? s->o.tls_client_ca
							   : "",
					err, sizeof(err));
		if (!s->tls) {
			fprintf(stderr, "citizengw-sim: TLS: %s\n", err);
			return 2;
		}
	}
	s->lis = evconnlistener_new_bind(s->base, on_accept, s,
					 LEV_OPT_REUSEABLE |
						 LEV_OPT_CLOSE_ON_FREE,
					 16, (const struct sockaddr *)ss,
					 sslen);
	if (!s->lis) {
		fprintf(stderr, "citizengw-sim: cannot listen on %s: %s\n",
			s->o.listen, strerror(errno));
		return 2;
	}
	return 0;
}

/* --port-file: the port listened on, for a harness that asked for 0. */
static int write_port_file(struct sim *s)
{
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	FILE *f;

	if (!s->o.port_file)
		return 0;
	if (getsockname(evconnlistener_get_fd(s->lis),
			(struct sockaddr *)&bound, &blen) < 0) {
		fprintf(stderr, "citizengw-sim: cannot read the port "
				"listened on: %s\n", strerror(errno));
		return 2;
	}
	f = fopen(s->o.port_file, "w");
	if (!f) {
		perror(s->o.port_file);
		return 2;
	}
	fprintf(f, "%d\n", sockaddr_port(&bound));
	if (fclose(f) != 0) {
		perror(s->o.port_file);
		return 2;
	}
	return 0;
}

/* The 10 ms tick that runs everything timed, and SIGINT/SIGTERM. */
static int add_events(struct sim *s)
{
	struct timeval tv = { 0, 10000 };

	s->tick = event_new(s->base, -1, EV_PERSIST, tick_cb, s);
	if (!s->tick || event_add(s->tick, &tv) < 0) {
		fprintf(stderr, "citizengw-sim: cannot start the tick\n");
		return 2;
	}
	s->sigint = evsignal_new(s->base, SIGINT, on_signal, s);
	s->sigterm = evsignal_new(s->base, SIGTERM, on_signal, s);
	if (!s->sigint || !s->sigterm || evsignal_add(s->sigint, NULL) < 0 ||
	    evsignal_add(s->sigterm, NULL) < 0) {
		fprintf(stderr, "citizengw-sim: cannot catch SIGINT and "
				"SIGTERM\n");
		return 2;
	}
	return 0;
}

/* Everything before the loop. Returns 0, or the exit status after
 * saying what failed. */
static int sim_start(struct sim *s)
{
	struct sockaddr_storage ss;
	char err[200];
	int sslen, rc;

	if (parse_listen(s->o.listen, &ss, &sslen, err, sizeof(err)) < 0) {
		fprintf(stderr, "citizengw-sim: bad --listen '%s': %s (want "
				"IPv4:PORT or [IPv6]:PORT)\n", s->o.listen,
			err);
		return 2;
	}
	if ((rc = open_pdu_log(s)) != 0 || (rc = load_script(s)) != 0)
		return rc;
	s->concat = sim_concat_new();
	if (!s->concat)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	s->start = sim_mono_ms();
	if ((rc = open_listener(s, &ss, sslen)) != 0 ||
	    (rc = write_port_file(s)) != 0)
		return rc;
	sim_log(s, "listening on %s%s", s->o.listen, s->tls ? " (TLS)" : "");
	if ((rc = add_events(s)) != 0)
		return rc;
	if (s->script)
		s->deadline = s->start + (int64_t)s->o.timeout_s * 1000;
	return 0;
}

/* Frees what sim_start (or part of it) set up, and s. */
static void sim_stop(struct sim *s)
{
	sim_drop_connections(s);
	if (s->lis)
		evconnlistener_free(s->lis);
	SSL_CTX_free(s->tls);
	if (s->tick)
		event_free(s->tick);
	if (s->sigint)
		event_free(s->sigint);
	if (s->sigterm)
		event_free(s->sigterm);
	if (s->base)
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
	free(s);
}

int main(int argc, char **argv)
{
	struct sim *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return 1;
	rc = read_options(s, argc, argv);
	if (rc == 0)
		rc = sim_start(s);
	if (rc == 0) {
		event_base_dispatch(s->base);
		rc = s->result;
	}
	sim_stop(s);
	return rc;
}
