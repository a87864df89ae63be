/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Acknowledgements of MOs: what tells a citizen who sends the same text
 * again from an SMS centre that delivers an MO again because it missed our
 * deliver_sm_resp. An MO acknowledged with status 0 within
 * gateway.mo_ack_timeout of its deliver_sm is marked in its fingerprint
 * with the connection it was acknowledged on (store: mo_in.lua or the
 * record-mode commit write the mark before the response goes out and
 * take it back if the response was late; fp_ack.lua for a re-delivery).
 * This module names connections (a token unique to this process's run,
 * the bind and the connection), lists those that are up (an MO
 * acknowledged on one of them did not lose its response with its
 * connection), and tells Redis twice a second which connections are
 * still bound (store_conn_up), so that another process, or this one
 * restarted, knows whose acknowledgements kept their connection
 * mo_ack_timeout. mo_in.lua decides.
 */
#ifndef CGW_ACKS_H
#define CGW_ACKS_H

#include <stdint.h>
#include <stddef.h>

struct event_base;
struct smpp_link;
struct store;
struct acks;

#define ACKS_TOKEN_MAX 17	/* 16 hex digits */

/*
 * timeout_ms: gateway.mo_ack_timeout; dedup_ms: gateway.mo_dedup_window.
 * links[0..*nlinks) are the process's links, written up while bound
 * (the array, the count and the links outlive it). base, st and instance (copied) must
 * be valid; base and st must outlive it. NULL when out of memory.
 */
struct acks *acks_new(struct event_base *base, struct store *st,
		      const char *instance, int timeout_ms, int dedup_ms,
		      struct smpp_link *const *links, const int *nlinks);
/* Stops the beat (before the links and the store are freed). */
void acks_free(struct acks *a);

/* The token of connection gen of link l into out (ACKS_TOKEN_MAX bytes). */
void acks_token(const struct acks *a, const struct smpp_link *l,
		uint32_t gen, char *out);

/* The tokens of the links' connections that are bound and receive,
 * separated by spaces, into out (truncated at a token when too small). */
void acks_live(const struct acks *a, struct smpp_link *const *links, int n,
	       char *out, size_t outlen);

#endif
