/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Acknowledgements of MOs (see gw/acks.h). Owns the acknowledgements that
 * wait for their connection to prove it stayed up: a FIFO (the timeout is
 * one, so it is in order of due time) and one timer armed for its head.
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "common/log.h"
#include "common/pool.h"
#include "common/util.h"
#include "gw/acks.h"
#include "smpp/smpp_link.h"
#include "store/store.h"

/* entries kept for reuse: about a second's worth at a busy 8,000 MO/s */
#define ACKS_POOL_KEEP 8192

struct watched {
	TAILQ_ENTRY(watched) entry;
	int64_t due;		/* monotonic ms */
	struct smpp_link *link;
	uint32_t gen;
	int64_t at;
	char conn[ACKS_TOKEN_MAX];
	char msisdn[24];
	char fp[40];
	char mo_id[STORE_ID_MAX];
};

struct acks {
	struct store *st;
	struct event *timer;
	int timeout_ms;
	char instance[64];
	int64_t boot;		/* wall ms at start: a restart is a new run */
	TAILQ_HEAD(, watched) q;
	struct pool pool;	/* of struct watched: one per MO */
	int n;
	bool full_logged;
};

static void arm(struct acks *a)
{
	struct watched *w = TAILQ_FIRST(&a->q);
	int64_t wait;
	struct timeval tv;

	if (!w)
		return;
	wait = w->due - util_mono_ms();
	if (wait < 0)
		wait = 0;
	tv.tv_sec = (time_t)(wait / 1000);
	tv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
	evtimer_add(a->timer, &tv);
}

/* Every acknowledgement now due: marked up when its connection is the
 * link's current one and bound; forgotten otherwise (a copy of that MO
 * from another connection is then a re-delivery). All the marks of one
 * run go out in one write. */
static void due_cb(evutil_socket_t fd, short what, void *arg)
{
	struct acks *a = arg;
	int64_t now = util_mono_ms();
	struct watched *w;

	while ((w = TAILQ_FIRST(&a->q)) && w->due <= now) {
		TAILQ_REMOVE(&a->q, w, entry);
		a->n--;
		if (smpp_link_bound(w->link) &&
		    smpp_link_generation(w->link) == w->gen) {
			struct store_fp_ack ack = { w->msisdn, w->fp, w->mo_id,
						    w->at, w->conn };

			store_fp_ack(a->st, &ack, true, NULL, NULL, NULL);
		}
		pool_put(&a->pool, w);
	}
	arm(a);
}

struct acks *acks_new(struct event_base *base, struct store *st,
		      const char *instance, int timeout_ms)
{
	struct acks *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->timer = evtimer_new(base, due_cb, a);
	if (!a->timer) {
		free(a);
		return NULL;
	}
	a->st = st;
	a->timeout_ms = timeout_ms;
	util_strlcpy(a->instance, instance, sizeof(a->instance));
	a->boot = util_now_ms();
	TAILQ_INIT(&a->q);
	pool_init(&a->pool, sizeof(struct watched), ACKS_POOL_KEEP);
	return a;
}

void acks_free(struct acks *a)
{
	struct watched *w;

	if (!a)
		return;
	while ((w = TAILQ_FIRST(&a->q))) {
		TAILQ_REMOVE(&a->q, w, entry);
		pool_put(&a->pool, w);
	}
	pool_free(&a->pool);
	event_free(a->timer);
	free(a);
}

void acks_token(const struct acks *a, const struct smpp_link *l,
		uint32_t gen, char *out)
{
	const char *name = smpp_link_name(l);
	uint8_t g[4] = { (uint8_t)(gen >> 24), (uint8_t)(gen >> 16),
			 (uint8_t)(gen >> 8), (uint8_t)gen };
	uint64_t h = util_fnv1a64(a->instance, strlen(a->instance), 0xac4);

	h = util_fnv1a64(&a->boot, sizeof(a->boot), h);
	h = util_fnv1a64(name, strlen(name) + 1, h);
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
		used += (size_t)snprintf(out + used, outlen - used, "%s%s",
					 used ? " " : "", t);
	}
}

int acks_watch(struct acks *a, const struct store_fp_ack *ack,
	       struct smpp_link *l, uint32_t gen)
{
	struct watched *w;

	if (a->n >= ACKS_MAX_WATCHED) {
		if (!a->full_logged)
			LOGP(LOG_SMPP, LOG_WARN, NULL, "more than %d MOs "
			     "acknowledged within gateway.mo_ack_timeout: "
			     "the others are not vouched for (the same MO "
			     "again after that time is taken for a "
			     "re-delivery and not answered)",
			     ACKS_MAX_WATCHED);
		a->full_logged = true;
		return -ENOSPC;
	}
	if (!(w = pool_get(&a->pool)))
		return -ENOMEM;
	/* said again only after the list has had room to spare: at the
	 * limit it frees and fills an entry at a time (2,502 warnings in
	 * a minute of overload) */
	if (a->n < ACKS_MAX_WATCHED / 10 * 9)
		a->full_logged = false;
	w->due = util_mono_ms() + a->timeout_ms;
	w->link = l;
	w->gen = gen;
	w->at = ack->at;
	util_strlcpy(w->conn, ack->conn, sizeof(w->conn));
	util_strlcpy(w->msisdn, ack->msisdn, sizeof(w->msisdn));
	util_strlcpy(w->fp, ack->fp, sizeof(w->fp));
	util_strlcpy(w->mo_id, ack->mo_id, sizeof(w->mo_id));
	TAILQ_INSERT_TAIL(&a->q, w, entry);
	if (a->n++ == 0)
		arm(a);
	return 0;
}
