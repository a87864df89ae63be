/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SMPP link: one ESME connection to an SMS centre, on the process's event
 * loop. Owns the socket, the bind state machine, sequence numbers, the
 * window of outstanding requests, the TPS cap, enquire_link, throttling
 * back-off and reconnects. Knows nothing about MOs or menus: requests from
 * the SMS centre go up through a callback, submits come down through
 * smpp_link_submit().
 *
 * The bind state machine is the const table `lstates` in smpp_link.c: per
 * state, its timer and the states it may go to; link_enter() is the only
 * place that changes state, and it logs "old -> new".
 */
#ifndef SMPP_LINK_H
#define SMPP_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "common/conf.h"
#include "smpp/smpp_pdu.h"

struct event_base;
struct evdns_base;
struct smpp_link;

enum smpp_link_role {
	SMPP_ROLE_TRX,		/* bind_transceiver */
	SMPP_ROLE_TX,		/* bind_transmitter */
	SMPP_ROLE_RX,		/* bind_receiver */
};

struct smpp_link_cbs {
	/* the link became bound (true) or stopped being bound (false) */
	void (*state)(void *arg, struct smpp_link *l, bool bound);
	/*
	 * A deliver_sm or data_sm arrived. The PDU is valid during the call
	 * only. Answer it with smpp_link_respond(), now or later, quoting
	 * smpp_link_generation() taken during this call.
	 */
	void (*request)(void *arg, struct smpp_link *l,
			const struct smpp_pdu *pdu);
	/* there is room to submit again after -EAGAIN */
	void (*writable)(void *arg, struct smpp_link *l);
	/* smpp_link_stop() finished: the link is idle */
	void (*stopped)(void *arg, struct smpp_link *l);
};

/*
 * Outcome of a submitted request: rc 0 with the response (valid during the
 * call; check resp->command_status), -ETIMEDOUT when unanswered within
 * response_timeout, -ECONNRESET when the connection went away first (the
 * SMS centre may or may not have accepted it).
 */
typedef void smpp_resp_fn(void *arg, int rc, const struct smpp_pdu *resp);

/* conf is copied: the caller's entry need not outlive the link. */
struct smpp_link *smpp_link_new(struct event_base *base,
				struct evdns_base *dns,
				const struct cgw_smsc_conf *conf,
				enum smpp_link_role role,
				const struct smpp_link_cbs *cbs, void *arg);
/* Frees at once (no unbind); pending callbacks run with -ECANCELED. */
void smpp_link_free(struct smpp_link *l);

/* Connects and binds; reconnects with back-off until stopped. */
void smpp_link_start(struct smpp_link *l);
/*
 * Graceful stop: no new submits, waits (bounded) for outstanding
 * responses, unbinds, closes; then the stopped callback runs.
 */
void smpp_link_stop(struct smpp_link *l);

/*
 * True when a and b reach the same SMS centre the same way (id, host,
 * ports, system_id, password, system_type, bind mode, interface version,
 * address_range): only then can a link take b without a new bind.
 */
bool smpp_link_same_peer(const struct cgw_smsc_conf *a,
			 const struct cgw_smsc_conf *b);
/*
 * Takes the other settings of its entry live (window, TPS, timers,
 * addresses, encoding...): the next submit follows them. The link keeps
 * its own copy. Returns 0, -EINVAL when conf is not the same peer
 * (smpp_link_same_peer: that needs a new link), or -ENOMEM (nothing
 * changed).
 */
int smpp_link_update(struct smpp_link *l, const struct cgw_smsc_conf *conf);

bool smpp_link_bound(const struct smpp_link *l);
/* Bound, able to transmit, window and TPS allow a submit now. */
bool smpp_link_can_submit(const struct smpp_link *l);
/* Bound, able to transmit, room in the window, no throttling pause: only
 * the bind's own TPS cap holds the next submit back, until the oldest of
 * the last `tps` submits is a second old (a ms or two when submits go at
 * the cap; the writable callback follows). */
bool smpp_link_tps_held(const struct smpp_link *l);
bool smpp_link_transmits(const struct smpp_link *l);
bool smpp_link_receives(const struct smpp_link *l);

/*
 * Sends a request (submit_sm, data_sm): sets its sequence number. Returns
 * 0, -EAGAIN (window full, TPS cap, throttling pause: wait for the
 * writable callback), -ENOTCONN (not bound) or -EINVAL (does not encode).
 */
int smpp_link_submit(struct smpp_link *l, struct smpp_pdu *pdu,
		     smpp_resp_fn *cb, void *arg);

/*
 * Sends a response to a request received on connection `gen`; dropped
 * (returns -ENOTCONN) when that connection is gone: the SMS centre will
 * deliver again.
 */
int smpp_link_respond(struct smpp_link *l, uint32_t gen,
		      const struct smpp_pdu *resp);

/* Submits sent and not yet answered (for load sharing). */
int smpp_link_outstanding(const struct smpp_link *l);

/* Changes on every new connection. */
uint32_t smpp_link_generation(const struct smpp_link *l);

/*
 * Asks for a writable callback as soon as a submit could go out (window,
 * TPS cap and throttling pause allowing); for a sender that found
 * smpp_link_can_submit() false.
 */
void smpp_link_want_writable(struct smpp_link *l);

/* Tells the link its SMS centre throttled us: pause with back-off. */
void smpp_link_throttled(struct smpp_link *l);

/* "main", or "main/tx", "main/rx" for a transmitter+receiver pair */
const char *smpp_link_name(const struct smpp_link *l);
const struct cgw_smsc_conf *smpp_link_conf(const struct smpp_link *l);
const char *smpp_link_state_name(const struct smpp_link *l);
/* Wall ms of the last state change (0: never changed). */
int64_t smpp_link_state_since(const struct smpp_link *l);
enum smpp_link_role smpp_link_role(const struct smpp_link *l);

struct smpp_link_stats {
	unsigned long connects, binds, bind_failures, submits, responses,
		timeouts, throttled, rx_requests, enquire_links;
};
const struct smpp_link_stats *smpp_link_stats(const struct smpp_link *l);

#endif
