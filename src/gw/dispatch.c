/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The broadcast dispatcher (see gw/dispatch.h). Every second it reads the
 * set of active broadcasts and their records; every tick it asks each
 * running one for tokens (its rate, shared by every process), takes that
 * many recipients shard after shard, renders their texts and queues their
 * MTs, leased to this process, for the sender.
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "common/log.h"
#include "common/util.h"
#include "gw/dispatch.h"
#include "gw/sender.h"
#include "services/bcast.h"
#include "store/record.h"
#include "store/store.h"
#include "store/store_keys.h"
#include "text/text.h"

#define TICK_MS 200	/* on average: each tick is 150..250 ms */
#define REFRESH_MS 1000

struct entry {
	struct dispatch *d;
	LIST_ENTRY(entry) link;
	struct store_bcast b;
	struct store_bc_counts c;
	struct bcast_tpl *tpl;
	char tmpl[STORE_TEXT_MAX];	/* the source tpl was parsed from */
	int pending;		/* store requests in flight for it */
	bool busy;		/* a take round in progress */
	bool seen;		/* in the last active set */
	bool acting;		/* a state change asked */
	unsigned next_shard;
	long left;		/* tokens granted, recipients not yet taken */
	int tried;		/* shards tried this round */
};

struct dispatch {
	struct event_base *base;
	const struct cgw_conf *conf;
	struct store *st;
	struct sender *snd;
	const struct bcast_tz *tz;
	const struct bcast_quiet *quiet;
	struct event *tick;
	int64_t last_refresh;
	bool refreshing, stopped;
	int queuing;		/* MTs being queued, not yet held */
	LIST_HEAD(, entry) entries;
};

static void entry_put(struct entry *e)
{
	if (--e->pending > 0 || e->seen)
		return;
	LIST_REMOVE(e, link);
	bcast_tpl_free(e->tpl);
	free(e);
}

static struct entry *entry_find(struct dispatch *d, const char *id)
{
	struct entry *e;

	LIST_FOREACH(e, &d->entries, link)
		if (strcmp(e->b.id, id) == 0)
			return e;
	return NULL;
}

/* --- queueing one recipient ---------------------------------------------------- */

struct queue_job {
	struct entry *e;
	struct store_mt mt;
};

static void queued(void *arg, int rc, long n)
{
	struct queue_job *q = arg;
	struct dispatch *d = q->e->d;

	d->queuing--;
	if (rc < 0)
		LOGP(LOG_BCAST, LOG_WARN, NULL, "broadcast %s: MT %s not "
		     "queued (%s); its recipient comes back after the lease",
		     q->e->b.id, q->mt.id, strerror(-rc));
	else if (n == 1 && sender_hold(d->snd, &q->mt) == 0)
		sender_pump(d->snd);
	entry_put(q->e);
	free(q);
}

/* A recipient as the template wants it: its phone and its variables. */
static void recipient(const struct entry *e, const char *msisdn,
		      const char *vals, struct bcast_rcpt *rc)
{
	const char *c = e->b.cols, *v = vals;

	memset(rc, 0, sizeof(*rc));
	util_strlcpy(rc->msisdn, msisdn, sizeof(rc->msisdn));
	while (c && *c) {
		const char *cend = strchr(c, STORE_BC_SEP);
		const char *vend = v ? strchr(v, STORE_BC_SEP) : NULL;
		char name[BCAST_NAME_MAX + 1], val[BCAST_VALUE_MAX + 1];

		snprintf(name, sizeof(name), "%.*s",
			 (int)(cend ? cend - c : (long)strlen(c)), c);
		snprintf(val, sizeof(val), "%.*s",
			 (int)(!v ? 0 : vend ? vend - v : (long)strlen(v)),
			 v ? v : "");
		bcast_vars_set(&rc->vars, name, val);
		c = cend ? cend + 1 : NULL;
		v = vend ? vend + 1 : NULL;
	}
}

static int build_mt(const struct entry *e, const char *msisdn,
		    const char *vals, struct store_mt *mt)
{
	const struct cgw_conf *c = e->d->conf;
	char text[BCAST_TEXT_MAX], err[256];
	struct bcast_rcpt rc;

	recipient(e, msisdn, vals, &rc);
	if (bcast_render(e->tpl, &rc, text, sizeof(text), err,
			 sizeof(err)) < 0) {
		LOGP(LOG_BCAST, LOG_ERROR, NULL, "broadcast %s: %s", e->b.id,
		     err);
		return -EINVAL;
	}
	rec_defaults(&rec_mt, mt);
	text_fold_if(c->menus.fold_vi, text, mt->text, sizeof(mt->text));
	if ((size_t)snprintf(mt->id, sizeof(mt->id), "%s.%s", e->b.id,
			     msisdn) >= sizeof(mt->id))
		return -EINVAL;
	util_strlcpy(mt->msisdn, msisdn, sizeof(mt->msisdn));
	store_mt_to_phone(mt, c, 1, util_now_ms());
	mt->expires_ms = e->b.expires_at;
	util_strlcpy(mt->bc, e->b.id, sizeof(mt->bc));
	return 0;
}

static void queue_recipient(struct entry *e, const char *msisdn,
			    const char *vals)
{
	struct dispatch *d = e->d;
	struct queue_job *q = calloc(1, sizeof(*q));
	int rc;

	/* a recipient not queued here comes back when its lease runs out */
	if (!q || build_mt(e, msisdn, vals, &q->mt) < 0) {
		free(q);
		return;
	}
	q->e = e;
	e->pending++;
	d->queuing++;
	rc = store_bc_queue(d->st, &q->mt, queued, q);
	if (rc < 0)
		queued(q, rc, 0);
}

/* --- a take round: tokens, then recipients shard by shard --------------------- */

static void take_next(struct entry *e);

/* A round holds one reference to its entry, from dispatch_entry() to
 * here; its requests (tokens, takes) are within it. */
static void round_end(struct entry *e)
{
	e->busy = false;
	entry_put(e);
}

static void taken(void *arg, int rc, const char *const *pairs, int n)
{
	struct entry *e = arg;
	int shards = e->d->conf->redis.shards;

	if (rc < 0) {
		LOGP(LOG_BCAST, LOG_WARN, NULL, "broadcast %s: take failed: "
		     "%s", e->b.id, strerror(-rc));
		round_end(e);
		return;
	}
	for (int i = 0; i + 1 < n; i += 2)
		queue_recipient(e, pairs[i], pairs[i + 1]);
	e->left -= n / 2;
	e->next_shard = (e->next_shard + 1) % (unsigned)shards;
	if (e->left > 0 && ++e->tried < shards && !e->d->stopped)
		take_next(e);
	else
		round_end(e);
}

static void take_next(struct entry *e)
{
	struct dispatch *d = e->d;
	int rc;

	/* a taken recipient whose process dies comes back as an MT
	 * would: after gateway.mt_lease */
	rc = store_bc_take(d->st, e->b.id, e->next_shard, (int)e->left,
			   d->conf->gateway.mt_lease, taken, e);
	if (rc < 0)
		taken(e, rc, NULL, 0);
}

static void granted(void *arg, int rc, long n)
{
	struct entry *e = arg;

	if (rc < 0 || n <= 0 || e->d->stopped) {
		round_end(e);
		return;
	}
	e->left = n;
	e->tried = 0;
	take_next(e);
}

/* How many MTs this process can take on now. */
static long room(const struct dispatch *d)
{
	return SENDER_MAX_HELD_BROADCAST - sender_held_broadcast(d->snd) -
	       d->queuing;
}

static void dispatch_entry(struct entry *e, int64_t now)
{
	struct dispatch *d = e->d;
	long want = e->b.rate * TICK_MS / 1000 + 1;
	int rc;

	if (e->busy || e->acting || strcmp(e->b.state, "running") != 0 ||
	    now < e->b.schedule_at || now >= e->b.expires_at ||
	    e->c.n[STORE_BC_PENDING] <= 0 || !e->tpl ||
	    !bcast_quiet_allows(d->quiet, d->tz, now))
		return;
	if (want > room(d))
		want = room(d);
	if (want <= 0)
		return;
	e->busy = true;
	e->pending++;
	rc = store_bc_tokens(d->st, e->b.id, want, granted, e);
	if (rc < 0)
		granted(e, rc, 0);
}

/* --- the active set ------------------------------------------------------------------ */

static void acted(void *arg, int rc, const char *verdict, const char *state)
{
	struct entry *e = arg;

	if (rc == 0 && strcmp(verdict, "ok") == 0)
		LOGP(LOG_BCAST, LOG_NOTICE, NULL, "broadcast %s \"%s\" %s: "
		     "%ld sent, %ld delivered, %ld failed, %ld expired, %ld "
		     "opted out", e->b.id, e->b.name, state,
		     e->c.n[STORE_BC_SENT] + e->c.n[STORE_BC_DELIVERED] +
			     e->c.n[STORE_BC_FAILED],
		     e->c.n[STORE_BC_DELIVERED], e->c.n[STORE_BC_FAILED],
		     e->c.n[STORE_BC_EXPIRED], e->c.n[STORE_BC_OPTED_OUT]);
	e->acting = false;
	entry_put(e);
}

static void act(struct entry *e, const char *action)
{
	int rc;

	e->acting = true;
	e->pending++;
	rc = store_bc_action(e->d->st, e->b.id, action, acted, e);
	if (rc < 0)
		acted(e, rc, "", "");
}

/* What the record says should happen to a broadcast. */
static void housekeep(struct entry *e, int64_t now)
{
	const char *s = e->b.state;

	if (e->acting)
		return;
	if (strcmp(s, "running") && strcmp(s, "paused")) {
		/* ended: it leaves the active set (a later look retries
		 * when Redis did not take it) */
		if (strcmp(s, "loading") != 0)
			store_bc_retire(e->d->st, e->b.id, NULL, NULL);
		return;
	}
	if (now >= e->b.expires_at)
		act(e, "expire");
	else if (strcmp(s, "running") == 0 && e->b.total > 0 &&
		 e->c.n[STORE_BC_PENDING] == 0 && e->c.n[STORE_BC_QUEUED] == 0)
		act(e, "done");
}

static void got_record(void *arg, int rc, bool found,
		       const struct store_bcast *b,
		       const struct store_bc_counts *c)
{
	struct entry *e = arg;
	char err[256];

	if (rc == 0 && found) {
		e->b = *b;
		e->c = *c;
		if (!e->tpl || strcmp(e->tmpl, b->tmpl) != 0) {
			bcast_tpl_free(e->tpl);
			e->tpl = NULL;
			if (bcast_tpl_parse(b->tmpl, &e->tpl, err,
					    sizeof(err)) < 0)
				LOGP(LOG_BCAST, LOG_ERROR, NULL, "broadcast "
				     "%s: %s", b->id, err);
			util_strlcpy(e->tmpl, b->tmpl, sizeof(e->tmpl));
		}
		housekeep(e, util_now_ms());
	} else if (rc == 0) {
		e->seen = false;	/* its record expired */
	}
	entry_put(e);
}

static void got_active(void *arg, int rc, const char *const *ids, int n)
{
	struct dispatch *d = arg;
	struct entry *e, *next;

	d->refreshing = false;
	if (rc < 0)
		return;
	LIST_FOREACH(e, &d->entries, link)
		e->seen = false;
	for (int i = 0; i < n; i++) {
		if (!(e = entry_find(d, ids[i]))) {
			if (!(e = calloc(1, sizeof(*e))))
				continue;
			e->d = d;
			util_strlcpy(e->b.id, ids[i], sizeof(e->b.id));
			LIST_INSERT_HEAD(&d->entries, e, link);
		}
		e->seen = true;
		e->pending++;
		if (store_bc_get(d->st, ids[i], got_record, e) < 0)
			got_record(e, -EIO, false, NULL, NULL);
	}
	for (e = LIST_FIRST(&d->entries); e; e = next) {
		next = LIST_NEXT(e, link);
		if (!e->seen) {
			e->pending++;
			entry_put(e);
		}
	}
}

/* The next tick, with jitter: processes that started together would
 * otherwise ask for a broadcast's tokens in the same order every time, and
 * the first would get them all. */
static int arm_tick(struct dispatch *d)
{
	struct timeval tv = { 0, (TICK_MS / 4 * 3 + rand() % (TICK_MS / 2)) *
					 1000 };

	return evtimer_add(d->tick, &tv);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct dispatch *d = arg;
	int64_t now = util_now_ms();
	struct entry *e;

	arm_tick(d);
	if (d->stopped || !store_ready(d->st))
		return;
	if (!d->refreshing && now - d->last_refresh >= REFRESH_MS) {
		d->refreshing = true;
		d->last_refresh = now;
		if (store_bc_active(d->st, got_active, d) < 0)
			d->refreshing = false;
	}
	LIST_FOREACH(e, &d->entries, link)
		dispatch_entry(e, now);
}

struct dispatch *dispatch_new(struct event_base *base,
			      const struct cgw_conf *conf, struct store *st,
			      struct sender *snd, const struct bcast_tz *tz,
			      const struct bcast_quiet *quiet)
{
	struct dispatch *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->base = base;
	d->conf = conf;
	d->st = st;
	d->snd = snd;
	d->tz = tz;
	d->quiet = quiet;
	LIST_INIT(&d->entries);
	d->tick = evtimer_new(base, on_tick, d);
	if (!d->tick || arm_tick(d) < 0) {
		dispatch_free(d);
		return NULL;
	}
	return d;
}

void dispatch_stop(struct dispatch *d)
{
	if (d)
		d->stopped = true;
}

/* After the store is freed: no callback can name an entry any more. */
void dispatch_free(struct dispatch *d)
{
	if (!d)
		return;
	while (!LIST_EMPTY(&d->entries)) {
		struct entry *e = LIST_FIRST(&d->entries);

		LIST_REMOVE(e, link);
		bcast_tpl_free(e->tpl);
		free(e);
	}
	if (d->tick)
		event_free(d->tick);
	free(d);
}
