/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Acknowledgements of MOs: what tells a citizen who sends the same text
 * again from an SMS centre that delivers an MO again because it missed our
 * deliver_sm_resp. An MO acknowledged with status 0 within
 * gateway.mo_ack_timeout of its deliver_sm is marked in its fingerprint
 * with the connection it was acknowledged on (store: mo_in.lua writes the
 * mark before the response goes out, mo_commit.lua takes it back if the
 * response was late; fp_ack.lua, fp_up.lua). This module names
 * connections (a token unique to this process's run, the bind and the
 * connection), lists those that are up
 * (an MO acknowledged on one of them did not lose its response with its
 * connection), and, mo_ack_timeout after each acknowledgement, marks the
 * fingerprint "up" when the connection stayed up, so that another process,
 * or this one restarted, knows it too. mo_in.lua decides.
 */
#ifndef CGW_ACKS_H
#define CGW_ACKS_H

#include <stdint.h>
#include <stddef.h>

struct event_base;
struct smpp_link;
struct store;
struct store_fp_ack;
struct acks;

#define ACKS_TOKEN_MAX 17	/* 16 hex digits */
/* Acknowledgements waiting at once: every MO of one mo_ack_timeout (5 s
 * by default) at 40,000 MO/s, about 110 bytes each. Beyond it an MO
 * is not vouched for, and its sender asking the same again after the
 * timeout gets no answer (taken for a re-delivery): with 20,000, a bench
 * at 6,000 MO/s lost one citizen after another. */
#define ACKS_MAX_WATCHED 200000

/*
 * timeout_ms: gateway.mo_ack_timeout. base, st and instance (copied) must
 * be valid; base and st must outlive it. NULL when out of memory.
 */
struct acks *acks_new(struct event_base *base, struct store *st,
		      const char *instance, int timeout_ms);
/* Drops what waits (before the links and the store are freed). */
void acks_free(struct acks *a);

/* The token of connection gen of link l into out (ACKS_TOKEN_MAX bytes). */
void acks_token(const struct acks *a, const struct smpp_link *l,
		uint32_t gen, char *out);

/* The tokens of the links' connections that are bound and receive,
 * separated by spaces, into out (truncated at a token when too small). */
void acks_live(const struct acks *a, struct smpp_link *const *links, int n,
	       char *out, size_t outlen);

/*
 * Watches acknowledgement ack (its strings are copied), sent on
 * connection gen of l: mo_ack_timeout later, if l is bound on that same
 * connection, its fingerprint is marked up. l must outlive a. Returns 0,
 * or -ENOMEM / -ENOSPC (more than ACKS_MAX_WATCHED waiting): not watched,
 * so another process takes a copy of that MO for a re-delivery.
 */
int acks_watch(struct acks *a, const struct store_fp_ack *ack,
	       struct smpp_link *l, uint32_t gen);

#endif
