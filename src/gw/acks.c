/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Acknowledgements of MOs (see gw/acks.h): the connections' tokens, and
 * the beat that tells Redis which of them stay up.
 */
#include "config.h"

#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "gw/acks.h"
#include "smpp/smpp_link.h"
#include "store/store.h"

/*
 * Every ACKS_BEAT_MS each connection that is bound and receives is
 * written up (store_conn_up) with the time twice mo_ack_timeout ago: an
 * MO received on it by then and acknowledged in time, so within
 * mo_ack_timeout of its receipt (a fingerprint's mark holds the
 * receipt, not when the response went out), kept its connection at
 * least mo_ack_timeout after its response. A copy of an MO acknowledged
 * on it is judged by that time (mo_in.lua); this process judges its own
 * live connections without it (acks_live). Another process, or this one
 * restarted, so takes a citizen's repeat within twice mo_ack_timeout
 * (and a beat) of the first MO for a re-delivery. Once a connection
 * drops its key stays as last written, so its later acknowledgements
 * are not vouched for: the safe side.
 *
 * A mark per MO, made up by a batch call mo_ack_timeout later, did the
 * same at a SET per MO in Redis (fp_up.lua) and a record per MO here.
 */
#define ACKS_BEAT_MS 500
/* A fingerprint outlives one gateway.mo_dedup_window when re-deliveries
 * put it back: the connection's key is kept 10 minutes longer. */
#define ACKS_UP_KEEP_MS 600000

struct acks {
	struct store *st;
	struct event *timer;
	int timeout_ms;
	int64_t keep_ms;
	char instance[64];
	int64_t boot;		/* wall ms at start: a restart is a new run */
	uint64_t run;		/* the tokens' hash of instance and boot */
	struct smpp_link *const *links;
	const int *nlinks;
};

static void beat_cb(evutil_socket_t fd, short what, void *arg)
{
	struct acks *a = arg;
	int64_t upto = util_now_ms() - 2 * (int64_t)a->timeout_ms;

	for (int i = 0; i < *a->nlinks; i++) {
		struct smpp_link *l = a->links[i];
		char t[ACKS_TOKEN_MAX];

		if (!smpp_link_bound(l) || !smpp_link_receives(l))
			continue;
		acks_token(a, l, smpp_link_generation(l), t);
		/* Redis away: the next beat says it again */
		store_conn_up(a->st, t, upto, a->keep_ms);
	}
}

struct acks *acks_new(struct event_base *base, struct store *st,
		      const char *instance, int timeout_ms, int dedup_ms,
		      struct smpp_link *const *links, const int *nlinks)
{
	struct acks *a = calloc(1, sizeof(*a));
	struct timeval tv = { 0, ACKS_BEAT_MS * 1000 };

	if (!a)
		return NULL;
	a->timer = event_new(base, -1, EV_PERSIST, beat_cb, a);
	if (!a->timer || event_add(a->timer, &tv) < 0) {
		acks_free(a);
		return NULL;
	}
	a->st = st;
	a->timeout_ms = timeout_ms;
	a->keep_ms = (int64_t)dedup_ms + ACKS_UP_KEEP_MS;
	util_strlcpy(a->instance, instance, sizeof(a->instance));
	a->boot = util_now_ms();
	a->run = util_fnv1a64(a->instance, strlen(a->instance), 0xac4);
	a->run = util_fnv1a64(&a->boot, sizeof(a->boot), a->run);
	a->links = links;
	a->nlinks = nlinks;
	return a;
}

void acks_free(struct acks *a)
{
	if (!a)
		return;
	if (a->timer)
		event_free(a->timer);
	free(a);
}

void acks_token(const struct acks *a, const struct smpp_link *l,
		uint32_t gen, char *out)
{
	const char *name = smpp_link_name(l);
	uint8_t g[4] = { (uint8_t)(gen >> 24), (uint8_t)(gen >> 16),
			 (uint8_t)(gen >> 8), (uint8_t)gen };
	/* two per MO (its mark, the live list): the run's part once */
	uint64_t h = util_fnv1a64(name, strlen(name) + 1, a->run);

	h = util_fnv1a64(g, sizeof(g), h);
	util_hex64(h, out);	/* ACKS_TOKEN_MAX >= 17 */
}

void acks_live(const struct acks *a, struct smpp_link *const *links, int n,
	       char *out, size_t outlen)
{
	size_t used = 0;

	if (outlen)
		out[0] = '\0';
	for (int i = 0; i < n; i++) {
		char t[ACKS_TOKEN_MAX];

		if (!smpp_link_bound(links[i]) || !smpp_link_receives(links[i]))
			continue;
		if (used + ACKS_TOKEN_MAX + 1 > outlen)
			break;
		acks_token(a, links[i], smpp_link_generation(links[i]), t);
		if (used)
			out[used++] = ' ';
		memcpy(out + used, t, ACKS_TOKEN_MAX);	/* NUL included */
		used += ACKS_TOKEN_MAX - 1;
	}
}
