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

#include "common/log.h"
#include "common/util.h"
#include "gw/acks.h"
#include "smpp/smpp_link.h"
#include "store/store.h"

/*
 * The watched acknowledgements, in order of due time, as records of
 * their own length appended to a FIFO of blocks: at 15,000 MO/s the 5 s
 * of mo_ack_timeout hold 75,000, and a fixed entry from a pool (200 B,
 * with 64 bytes for any MO id) was most of the daemon's RSS beyond its
 * base. A block read to its end is freed once the marks read from it are
 * sent; one is kept spare.
 *
 * The marks due go out together, in a call per shard (store_fp_up()):
 * the timer fires ACKS_BATCH_MS after the first is due, so that a run
 * holds many (one call per MO was a quarter of the script calls).
 */
#define ACKS_BATCH_MS 50
#define ACKS_BLOCK 65536

struct watched {
	int64_t due;		/* monotonic ms */
	int64_t at;
	struct smpp_link *link;
	uint32_t gen;
	uint16_t size;		/* of the record, aligned */
	/* then conn, msisdn, fp and mo_id, each NUL-terminated */
	char s[];
};

struct block {
	struct block *next;
	size_t rd, used;	/* in data */
	_Alignas(struct watched) char data[ACKS_BLOCK];
};

struct acks {
	struct store *st;
	struct event *timer;
	int timeout_ms;
	char instance[64];
	int64_t boot;		/* wall ms at start: a restart is a new run */
	struct block *head, *tail, *spare;
	struct block *read;	/* read to their end, freed by reclaim() */
	int n;
	bool full_logged;
	struct store_fp_ack batch[STORE_FP_UP_MAX];
};

/* The first watched acknowledgement, or NULL. */
static struct watched *first(struct acks *a)
{
	struct block *b = a->head;

	if (b && b->rd == b->used && b != a->tail) {
		/* kept until reclaim(): the strings of marks still to send
		 * may be in it */
		a->head = b->next;
		b->next = a->read;
		a->read = b;
		b = a->head;
	}
	if (!b || b->rd == b->used) {
		if (b)	/* all read: written again from its start */
			b->rd = b->used = 0;
		return NULL;
	}
	return (struct watched *)(void *)(b->data + b->rd);
}

/* The blocks read to their end freed, one kept spare. */
static void reclaim(struct acks *a)
{
	struct block *b;

	while ((b = a->read)) {
		a->read = b->next;
		if (a->spare)
			free(b);
		else
			a->spare = b;
	}
}

/* Room for a record of size bytes at the FIFO's end, or NULL. */
static struct watched *append(struct acks *a, size_t size)
{
	struct block *b = a->tail;

	if (!b || b->used + size > sizeof(b->data)) {
		if (a->spare) {
			b = a->spare;
			a->spare = NULL;
		} else if (!(b = malloc(sizeof(*b)))) {
			return NULL;
		}
		b->next = NULL;
		b->rd = b->used = 0;
		if (a->tail)
			a->tail->next = b;
		else
			a->head = b;
		a->tail = b;
	}
	b->used += size;
	return (struct watched *)(void *)(b->data + b->used - size);
}

/* The timer, for ACKS_BATCH_MS after the first due (at once when more
 * are due than one run takes). */
static void arm(struct acks *a, bool at_once)
{
	struct watched *w = first(a);
	int64_t wait;
	struct timeval tv;

	if (!w)
		return;
	wait = at_once ? 0 : w->due - util_mono_ms() + ACKS_BATCH_MS;
	if (wait < 0)
		wait = 0;
	tv.tv_sec = (time_t)(wait / 1000);
	tv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
	evtimer_add(a->timer, &tv);
}

/* Every acknowledgement now due: marked up when its connection is the
 * link's current one and bound; forgotten otherwise (a copy of that MO
 * from another connection is then a re-delivery). The marks of one run
 * go out together. */
static void due_cb(evutil_socket_t fd, short what, void *arg)
{
	struct acks *a = arg;
	int64_t now = util_mono_ms();
	struct watched *w;
	int nb = 0;

	while (nb < STORE_FP_UP_MAX && (w = first(a)) && w->due <= now) {
		a->head->rd += w->size;
		a->n--;
		if (smpp_link_bound(w->link) &&
		    smpp_link_generation(w->link) == w->gen) {
			const char *conn = w->s;
			const char *msisdn = conn + strlen(conn) + 1;
			const char *fp = msisdn + strlen(msisdn) + 1;

			a->batch[nb++] = (struct store_fp_ack){
				msisdn, fp, fp + strlen(fp) + 1, w->at, conn
			};
		}
	}
	if (nb)
		store_fp_up(a->st, a->batch, nb);
	reclaim(a);
	arm(a, nb == STORE_FP_UP_MAX);
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
	return a;
}

void acks_free(struct acks *a)
{
	struct block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	reclaim(a);
	free(a->spare);
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
	const char *str[] = { ack->conn, ack->msisdn, ack->fp, ack->mo_id };
	size_t len[4], size = sizeof(struct watched);
	struct watched *w;
	char *p;

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
	for (int i = 0; i < 4; i++) {
		len[i] = strlen(str[i]);
		size += len[i] + 1;
	}
	size = (size + _Alignof(struct watched) - 1) &
	       ~(_Alignof(struct watched) - 1);
	if (size > UINT16_MAX)
		return -EINVAL;
	if (!(w = append(a, size)))
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
	w->size = (uint16_t)size;
	p = w->s;
	for (int i = 0; i < 4; i++) {
		memcpy(p, str[i], len[i] + 1);
		p += len[i] + 1;
	}
	if (a->n++ == 0)
		arm(a, false);
	return 0;
}
