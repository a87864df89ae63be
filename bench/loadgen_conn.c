/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cgw-loadgen's connections: the listener the ESMEs bind to, and the
 * client link of the echo ESME. Bytes are cut into PDUs by the project's
 * framer and decoded by its codec; PDUs are encoded straight into the
 * bufferevent's output buffer, which libevent writes once per loop
 * iteration, so a burst of MOs leaves in a few writes.
 *
 * Ownership: a connection is freed only by lg_reap() (the tick), never in
 * its own callback; until then it is marked dead and ignored.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "common/util.h"
#include "loadgen.h"

/*
 * Room reserved per PDU: the largest we write is a deliver_sm with 254
 * octets of text and every C-string full (about 350 bytes) plus two TLVs.
 * Small, so that a 2 KB evbuffer chain takes a few dozen PDUs before
 * libevent allocates the next.
 */
#define LG_PDU_RESERVE 512
#define LG_SYSTEM_ID "cgwload"


static void set_nodelay(evutil_socket_t fd)
{
	int one = 1;

	/* MOs and MTs are small and latency is measured: no Nagle */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* No more MOs go to c. */
static void rx_remove(struct lg *lg, struct lg_conn *c)
{
	for (unsigned i = 0; i < lg->nrx; i++)
		if (lg->rx[i] == c) {
			lg->rx[i] = lg->rx[--lg->nrx];
			break;
		}
}

static void conn_kill(struct lg_conn *c, const char *why)
{
	if (c->dead)
		return;
	fprintf(stderr, "cgw-loadgen: %s: connection closed (%s)\n", c->peer,
		why);
	c->dead = true;
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	rx_remove(c->lg, c);
}

/* Lower-case hex of v, without leading zeros, into out (17 bytes). */
static void hex64(uint64_t v, char *out)
{
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = 0;
}

int lg_send(struct lg_conn *c, const struct smpp_pdu *pdu)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct evbuffer_iovec v;
	char err[128];
	size_t n;

	if (c->dead)
		return -EPIPE;
	if (evbuffer_reserve_space(out, LG_PDU_RESERVE, &v, 1) < 1)
		return -ENOMEM;
	if (smpp_pdu_encode(pdu, v.iov_base, v.iov_len, &n, err,
			    sizeof(err)) < 0) {
		fprintf(stderr, "cgw-loadgen: cannot encode: %s\n", err);
		return -EINVAL;
	}
	v.iov_len = n;
	return evbuffer_commit_space(out, &v, 1) == 0 ? 0 : -ENOMEM;
}

void lg_respond(struct lg_conn *c, uint32_t cmd, uint32_t status,
		uint32_t seq)
{
	struct smpp_pdu r;

	smpp_pdu_init(&r, cmd, status, seq);
	(void)lg_send(c, &r);
}

void lg_reply_to(struct smpp_pdu *r, const struct smpp_pdu *from)
{
	r->source_addr_ton = from->dest_addr_ton;
	r->source_addr_npi = from->dest_addr_npi;
	util_strlcpy(r->source_addr, from->destination_addr, 21);
	r->dest_addr_ton = from->source_addr_ton;
	r->dest_addr_npi = from->source_addr_npi;
	util_strlcpy(r->destination_addr, from->source_addr, 21);
}

/* --- the deliver_sm window of a bind ----------------------------------- */

static int slots_alloc(struct lg_conn *c, unsigned window)
{
	uint32_t n = 2;

	/* twice the window: a slow response does not block its neighbours */
	while (n < 2u * window)
		n <<= 1;
	c->slots = malloc(n * sizeof(*c->slots));
	if (!c->slots)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		c->slots[i].cit = LG_SLOT_FREE;
	c->slot_mask = n - 1;
	return 0;
}

uint32_t lg_slot_take(struct lg_conn *c, int32_t cit, uint16_t gen,
		      bool measured)
{
	uint32_t seq = c->seq + 1;
	struct lg_slot *s;

	if (seq == 0 || seq > 0x7fffffffu)	/* SMPP: 1..0x7fffffff */
		seq = 1;
	s = &c->slots[seq & c->slot_mask];
	if (s->cit != LG_SLOT_FREE)
		return 0;
	c->seq = seq;
	*s = (struct lg_slot){ .seq = seq, .cit = cit, .gen = gen,
			       .measured = measured };
	c->inflight++;
	return seq;
}

/* A deliver_sm_resp or generic_nack: frees the slot, tells the driver. */
static void slot_answer(struct lg_conn *c, const struct smpp_pdu *pdu)
{
	struct lg_slot s;

	if (!c->slots)
		return;
	s = c->slots[pdu->sequence_number & c->slot_mask];
	if (s.cit == LG_SLOT_FREE || s.seq != pdu->sequence_number)
		return;		/* not ours, or answered already */
	c->slots[pdu->sequence_number & c->slot_mask].cit = LG_SLOT_FREE;
	c->inflight--;
	lg_on_mo_resp(c->lg, &s,
		      pdu->command_id == SMPP_DELIVER_SM_RESP &&
		      pdu->command_status == SMPP_ESME_ROK);
}

struct lg_conn *lg_pick_rx(struct lg *lg)
{
	for (unsigned k = 0; k < lg->nrx; k++) {
		struct lg_conn *c = lg->rx[lg->rr++ % lg->nrx];
		uint32_t next = c->seq + 1;

		if (c->inflight < lg->o.mo_window &&
		    c->slots[next & c->slot_mask].cit == LG_SLOT_FREE)
			return c;
	}
	return NULL;
}

/* --- the SMS centre's side -------------------------------------------- */

static unsigned bind_role(uint32_t cmd)
{
	switch (cmd) {
	case SMPP_BIND_TRANSMITTER:
		return LG_ROLE_TX;
	case SMPP_BIND_RECEIVER:
		return LG_ROLE_RX;
	default:
		return LG_ROLE_TX | LG_ROLE_RX;
	}
}

static uint32_t bind_check(struct lg_conn *c, const struct smpp_pdu *pdu)
{
	const struct lg_opts *o = &c->lg->o;

	if (c->role)
		return SMPP_ESME_RALYBND;
	if (o->system_id && strcmp(o->system_id, pdu->system_id) != 0)
		return SMPP_ESME_RINVSYSID;
	if (o->password && strcmp(o->password, pdu->password) != 0)
		return SMPP_ESME_RINVPASWD;
	if (c->lg->nrx >= LG_BINDS_MAX)
		return SMPP_ESME_RBINDFAIL;
	return SMPP_ESME_ROK;
}

static void smsc_bind(struct lg_conn *c, const struct smpp_pdu *pdu)
{
	struct lg *lg = c->lg;
	uint32_t st = bind_check(c, pdu);
	unsigned role = bind_role(pdu->command_id);
	struct smpp_pdu r;

	if (st == SMPP_ESME_ROK && (role & LG_ROLE_RX) &&
	    slots_alloc(c, lg->o.mo_window) < 0)
		st = SMPP_ESME_RSYSERR;
	smpp_pdu_init(&r, smpp_resp_id(pdu->command_id), st,
		      pdu->sequence_number);
	util_strlcpy(r.system_id, LG_SYSTEM_ID, sizeof(r.system_id));
	(void)lg_send(c, &r);
	if (st != SMPP_ESME_ROK) {
		fprintf(stderr, "cgw-loadgen: %s: bind refused: %s\n", c->peer,
			smpp_status_text(st));
		return;
	}
	c->role = role;
	if (role & LG_ROLE_RX)
		lg->rx[lg->nrx++] = c;
	fprintf(stderr, "cgw-loadgen: %s: bound %s as \"%s\"\n", c->peer,
		smpp_command_name(pdu->command_id), pdu->system_id);
}

/* Every submit_sm gets its response at once, with a unique message id. */
static void smsc_submit(struct lg_conn *c, const struct smpp_pdu *pdu)
{
	struct smpp_pdu r;

	if (!(c->role & LG_ROLE_TX)) {
		lg_respond(c, SMPP_SUBMIT_SM_RESP, SMPP_ESME_RINVBNDSTS,
			   pdu->sequence_number);
		return;
	}
	smpp_pdu_init(&r, SMPP_SUBMIT_SM_RESP, 0, pdu->sequence_number);
	hex64(++c->lg->msgid, r.message_id);
	(void)lg_send(c, &r);
	lg_on_submit(c->lg, c, pdu, r.message_id);
}

static void smsc_pdu(struct lg_conn *c, const struct smpp_pdu *pdu)
{
	switch (pdu->command_id) {
	case SMPP_BIND_TRANSMITTER:
	case SMPP_BIND_RECEIVER:
	case SMPP_BIND_TRANSCEIVER:
		smsc_bind(c, pdu);
		break;
	case SMPP_SUBMIT_SM:
		smsc_submit(c, pdu);
		break;
	case SMPP_DELIVER_SM_RESP:
	case SMPP_GENERIC_NACK:
		slot_answer(c, pdu);
		break;
	case SMPP_ENQUIRE_LINK:
	case SMPP_UNBIND:
		lg_respond(c, smpp_resp_id(pdu->command_id), 0,
			   pdu->sequence_number);
		if (pdu->command_id == SMPP_UNBIND) {
			c->closing = true;	/* once the response is out */
			rx_remove(c->lg, c);
		}
		break;
	case SMPP_ENQUIRE_LINK_RESP:
	case SMPP_UNBIND_RESP:
		break;
	default:
		if (!SMPP_IS_RESP(pdu->command_id))
			lg_respond(c, SMPP_GENERIC_NACK, SMPP_ESME_RINVCMDID,
				   pdu->sequence_number);
	}
}

/* --- reading ------------------------------------------------------------ */

/* One whole PDU: decoded, then handed to its side. */
static void conn_pdu(struct lg_conn *c, const uint8_t *p, size_t len)
{
	struct smpp_pdu pdu;
	uint32_t status;
	char err[160];

	if (smpp_pdu_decode(p, len, &pdu, &status, err, sizeof(err)) < 0) {
		fprintf(stderr, "cgw-loadgen: %s: %s\n", c->peer, err);
		if (!SMPP_IS_RESP(pdu.command_id))
			lg_respond(c, SMPP_GENERIC_NACK, status,
				   pdu.sequence_number);
		return;
	}
	if (c->side == LG_SIDE_ESME)
		lg_echo_pdu(c, &pdu);
	else
		smsc_pdu(c, &pdu);
}

static void conn_read(struct bufferevent *bev, void *arg)
{
	struct lg_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_iovec v[8];
	const uint8_t *p;
	size_t len;
	int n, rc;

	lg_set_now(c->lg);
	while (!c->dead && (n = evbuffer_peek(in, -1, NULL, v, 8)) > 0) {
		size_t took = 0;

		for (int i = 0; i < n && i < 8; i++) {
			if (smpp_framer_feed(&c->fr, v[i].iov_base,
					     v[i].iov_len) < 0) {
				conn_kill(c, "out of memory");
				return;
			}
			took += v[i].iov_len;
		}
		evbuffer_drain(in, took);
	}
	while (!c->dead && (rc = smpp_framer_next(&c->fr, &p, &len)) == 1)
		conn_pdu(c, p, len);
	if (!c->dead && rc < 0)
		conn_kill(c, "bad command_length");
	lg_drive_pump(c->lg);
}

/* All written: an unbound connection (after unbind_resp) is closed. */
static void conn_written(struct bufferevent *bev, void *arg)
{
	struct lg_conn *c = arg;

	(void)bev;
	if (c->closing)
		conn_kill(c, "unbound");
}

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct lg_conn *c = arg;

	if (what & BEV_EVENT_CONNECTED) {
		set_nodelay(bufferevent_getfd(bev));
		if (c->side == LG_SIDE_ESME)
			lg_echo_connected(c);
		return;
	}
	conn_kill(c, what & BEV_EVENT_EOF ? "peer closed" : "socket error");
}

static struct lg_conn *conn_new(struct lg *lg, evutil_socket_t fd,
				enum lg_side side)
{
	struct lg_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->bev = bufferevent_socket_new(lg->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		free(c);
		return NULL;
	}
	c->lg = lg;
	c->side = side;
	smpp_framer_init(&c->fr);
	bufferevent_setcb(c->bev, conn_read, conn_written, conn_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->next = lg->conns;
	lg->conns = c;
	return c;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd,
		      struct sockaddr *sa, int salen, void *arg)
{
	struct lg *lg = arg;
	struct lg_conn *c;
	char host[48] = "?";

	(void)l;
	(void)salen;
	set_nodelay(fd);
	c = conn_new(lg, fd, LG_SIDE_SMSC);
	if (!c) {
		evutil_closesocket(fd);
		return;
	}
	if (sa->sa_family == AF_INET)
		evutil_inet_ntop(AF_INET,
				 &((struct sockaddr_in *)(void *)sa)->sin_addr,
				 host, sizeof(host));
	snprintf(c->peer, sizeof(c->peer), "esme %s", host);
}

/*
 * "A.B.C.D:PORT" (or "localhost:PORT") into sin; port 0 is allowed, which
 * libevent's evutil_parse_sockaddr_port() refuses. Returns 0 or -EINVAL.
 */
static int parse_ipv4(const char *s, struct sockaddr_in *sin)
{
	const char *colon = strrchr(s, ':');
	char host[64], *end;
	unsigned long port;

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = 0;
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	port = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || port > 65535)
		return -EINVAL;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	return evutil_inet_pton(AF_INET, host, &sin->sin_addr) == 1 ? 0
								   : -EINVAL;
}

int lg_listen(struct lg *lg, char *err, size_t errlen)
{
	struct sockaddr_in ss;
	int sslen = sizeof(ss);
	socklen_t got = sizeof(ss);

	if (parse_ipv4(lg->o.listen, &ss) < 0)
		return util_err(err, errlen, -EINVAL,
			       "--listen %s: not A.B.C.D:PORT", lg->o.listen);
	lg->lst = evconnlistener_new_bind(lg->base, on_accept, lg,
					  LEV_OPT_CLOSE_ON_FREE |
					  LEV_OPT_REUSEABLE, 128,
					  (struct sockaddr *)&ss, sslen);
	if (!lg->lst)
		return util_err(err, errlen, -errno, "--listen %s: %s",
			       lg->o.listen, strerror(errno));
	getsockname(evconnlistener_get_fd(lg->lst), (struct sockaddr *)&ss,
		    &got);
	lg->listen_port = ntohs(ss.sin_port);
	evutil_inet_ntop(AF_INET, &ss.sin_addr, lg->listen_host,
			 sizeof(lg->listen_host));
	return 0;
}

int lg_connect(struct lg *lg, const char *hostport, enum lg_side side,
	       struct lg_conn **out, char *err, size_t errlen)
{
	struct sockaddr_in ss;
	int sslen = sizeof(ss);
	struct lg_conn *c;

	if (parse_ipv4(hostport, &ss) < 0)
		return util_err(err, errlen, -EINVAL, "%s: not A.B.C.D:PORT",
			       hostport);
	c = conn_new(lg, -1, side);
	if (!c)
		return util_err(err, errlen, -ENOMEM, "out of memory");
	snprintf(c->peer, sizeof(c->peer), "echo esme -> %s", hostport);
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&ss,
				       sslen) < 0) {
		conn_kill(c, "connect failed");
		return util_err(err, errlen, -ECONNREFUSED,
			       "cannot connect to %s", hostport);
	}
	*out = c;
	return 0;
}

static void conn_free(struct lg_conn *c)
{
	bufferevent_free(c->bev);
	smpp_framer_free(&c->fr);
	free(c->slots);
	free(c);
}

void lg_reap(struct lg *lg)
{
	struct lg_conn **pp = &lg->conns;

	while (*pp) {
		struct lg_conn *c = *pp;

		if (c->dead) {
			*pp = c->next;
			if (lg->echo == c)
				lg->echo = NULL;
			conn_free(c);
		} else {
			pp = &c->next;
		}
	}
}

void lg_close_all(struct lg *lg)
{
	for (struct lg_conn *c = lg->conns; c; c = c->next)
		c->dead = true;
	lg_reap(lg);
	lg->nrx = 0;
	if (lg->lst)
		evconnlistener_free(lg->lst);
	lg->lst = NULL;
}
