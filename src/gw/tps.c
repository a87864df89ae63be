/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The TPS cap of an SMSC account across processes (see gw/tps.h): the
 * accounts this process submits to, the send slots leased for each, and the
 * requests for more.
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "gw/tps.h"
#include "store/store.h"

struct tps_acct {
	struct tps *t;		/* NULL once tps_free() left it to its lease */
	struct tps_acct *next;
	char name[288];
	int rate;		/* the cap the last submit's bind named */
	/* the send slots leased: n left, the next at `at` (mono ms), the
	 * others `every` ms apart; a slot not spent a slice after its time
	 * is dropped */
	long n;
	double at, every;
	/* when the lease was asked for, and how long its answer took: the
	 * slots' times are known within that (Redis's clock is not ours) */
	double asked_at, skew;
	int want;		/* slots to ask for: the most submits one pass
				 * of the sender found none for */
	int want_pass;		/* those of the current pass */
	bool refused;		/* a submit was refused in this pass */
	bool asking;		/* a lease in flight */
	bool alone;		/* Redis could not be asked: local cap */
	struct event *ev;	/* the next lease: now, or when one is due */
	struct event *slot_ev;	/* wakes the sender at the next slot */
};

struct tps {
	struct event_base *base;
	struct store *st;
	void (*wake)(void *arg);
	void *arg;
	struct tps_acct *accts;
};

void tps_account(const struct cgw_smsc_conf *sc, char *out, size_t outlen)
{
	if (sc->account[0])
		util_strlcpy(out, sc->account, outlen);
	else
		snprintf(out, outlen, "%s:%d:%s", sc->host, sc->port,
			 sc->system_id);
}

static int slice_cap(int rate)
{
	int n = rate * TPS_SLICE_MS / 1000;

	return n > 0 ? n : 1;
}

static void acct_free(struct tps_acct *a)
{
	event_free(a->ev);
	event_free(a->slot_ev);
	free(a);
}

static void arm(struct event *ev, double ms)
{
	struct timeval tv;

	if (ms < 0)
		ms = 0;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)((ms - tv.tv_sec * 1000.0) * 1000) + 1;
	evtimer_add(ev, &tv);
}

/* A lease after delay_ms, unless one is in flight or already due. */
static void ask(struct tps_acct *a, double delay_ms)
{
	if (a->asking || evtimer_pending(a->ev, NULL))
		return;
	arm(a->ev, delay_ms);
}

/*
 * Whether a lease asked ahead starts where the slots still held end. It
 * does unless another process leased in between: then the held ones are
 * dropped for the new ones (sending under the cap, never over). Both
 * ends are known within the two leases' round trips.
 */
static bool follows(const struct tps_acct *a, double now, long first_us,
		    long every_us)
{
	double end = a->at + (double)a->n * a->every;
	double start = now + first_us / 1000.0;
	double err = a->skew + (now - a->asked_at) + 1;

	return a->n > 0 && !a->alone && every_us / 1000.0 == a->every &&
	       start > end - err && start < end + err;
}

static void leased(void *arg, int rc, long n, long first_us, long every_us)
{
	struct tps_acct *a = arg;
	struct tps *t = a->t;
	double now = (double)util_mono_ms();

	a->asking = false;
	if (!t) {
		acct_free(a);	/* tps_free() left it to this answer */
		return;
	}
	if (rc == -ECANCELED)
		return;		/* the store is going away: so are we */
	if (rc < 0) {
		/* no Redis: hold the cap here alone rather than stop */
		if (!a->alone)
			LOGP(LOG_SMPP, LOG_WARN, a->name,
			     "cannot lease TPS slots from Redis (%s): this "
			     "process holds the account's %d/s alone",
			     strerror(-rc), a->rate);
		a->alone = true;
		a->n = slice_cap(a->rate);
		a->at = now;
		a->skew = 0;
		a->every = 1000.0 / a->rate;
	} else if (n > 0 && every_us > 0 && follows(a, now, first_us, every_us)) {
		/* asked ahead (see has_slot): these go on from the last
		 * slot held */
		a->n += n;
	} else if (n > 0 && every_us > 0) {
		if (a->alone)
			LOGP(LOG_SMPP, LOG_NOTICE, a->name,
			     "TPS slots leased from Redis again");
		a->alone = false;
		a->n = n;
		/* counted from the answer, a slot is never spent before its
		 * time; counted from the question, never too late (a process
		 * slow to read the answer would else spend its slots over
		 * the next ones of the others) */
		a->at = now + first_us / 1000.0;
		a->skew = now - a->asked_at;
		a->every = every_us / 1000.0;
	} else {
		ask(a, first_us / 1000.0);	/* none free yet */
		return;
	}
	a->want = 0;
	if (a->at <= now)
		t->wake(t->arg);
	else
		arm(a->slot_ev, a->at - now < 1 ? 1 : a->at - now);
}

static void ask_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tps_acct *a = arg;
	int want = a->want - (int)a->n, cap = slice_cap(a->rate), rc;

	if (want <= 0)
		return;		/* nobody waits for more than is held */
	if (want > cap)
		want = cap;
	a->asking = true;
	a->asked_at = (double)util_mono_ms();
	rc = store_tps_lease(a->t->st, a->name, a->rate, want, TPS_SLICE_MS,
			     leased, a);
	if (rc < 0)
		leased(a, rc, 0, 0, 0);	/* not sent: no callback follows */
}

static void slot_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tps_acct *a = arg;

	a->t->wake(a->t->arg);
}

static struct tps_acct *acct_of(struct tps *t, const struct cgw_smsc_conf *sc)
{
	char name[sizeof(((struct tps_acct *)0)->name)];
	struct tps_acct *a;

	tps_account(sc, name, sizeof(name));
	for (a = t->accts; a; a = a->next)
		if (strcmp(a->name, name) == 0)
			break;
	if (!a) {
		if (!(a = calloc(1, sizeof(*a))))
			return NULL;
		a->ev = evtimer_new(t->base, ask_cb, a);
		a->slot_ev = evtimer_new(t->base, slot_cb, a);
		if (!a->ev || !a->slot_ev) {
			if (a->ev)
				event_free(a->ev);
			free(a);
			return NULL;
		}
		a->t = t;
		util_strlcpy(a->name, name, sizeof(a->name));
		a->next = t->accts;
		t->accts = a;
		a->rate = sc->tps;
	}
	/* binds of one account in this process naming different caps: the
	 * smallest holds (and across processes, tps_lease.lua) */
	if (sc->tps < a->rate || !a->want)
		a->rate = sc->tps;
	return a;
}

/*
 * How late a slot may still be spent. Late slots crowd into the second
 * of the ones on time: spent up to L late, a second holds the slots of
 * 1 s + L, that is tps + floor(L / every) + 1 at most. L half a slot
 * under a slice keeps that within tps + one slice's worth (slice_cap);
 * at least half a slot, so that a slot is not lost for a millisecond
 * when they are a slice or more apart.
 */
static double late_max(const struct tps_acct *a)
{
	double l = TPS_SLICE_MS - a->every / 2;

	return l > a->every / 2 ? l : a->every / 2;
}

/*
 * A lease when the slots are gone, or when more MTs wait than the slots
 * held and those run out within half a slice. Asked only when they are
 * gone, the next lease would start a round trip and a wake-up late, a gap
 * at every slice (a capped bind sent about 10% under its cap).
 */
static void ask_ahead(struct tps_acct *a)
{
	if (a->n == 0 || (!a->alone && a->want > a->n &&
			  a->n * a->every < TPS_SLICE_MS / 2.0))
		ask(a, 0);
}

static bool has_slot(struct tps *t, const struct cgw_smsc_conf *sc,
		     bool spend)
{
	double now = (double)util_mono_ms();
	struct tps_acct *a;

	if (sc->tps <= 0)
		return true;
	if (!(a = acct_of(t, sc)))
		return false;
	/* slots nobody could spend in time are lost: never saved up */
	while (a->n > 0 && a->at - a->skew + late_max(a) < now) {
		a->n--;
		a->at += a->every;
	}
	/* once refused, refused for the rest of the pass: a slot due a
	 * moment later must not let a later MT overtake the refused one */
	if (!a->refused && a->n > 0 && a->at <= now) {
		if (spend) {
			a->n--;
			a->at += a->every;
		}
		return true;
	}
	a->refused = true;
	/* the same MT is refused at every pass until a slot comes: count
	 * one pass's refusals, not their sum, lest slots are leased that
	 * nobody spends (they are lost to the other processes too) */
	if (++a->want_pass > a->want)
		a->want = a->want_pass;
	if (a->n > 0) {
		/* the clock reads whole ms: never wake before it moved */
		if (!evtimer_pending(a->slot_ev, NULL))
			arm(a->slot_ev, a->at - now < 1 ? 1 : a->at - now);
	}
	ask_ahead(a);
	return false;
}

void tps_pass(struct tps *t)
{
	for (struct tps_acct *a = t->accts; a; a = a->next) {
		a->want_pass = 0;
		a->refused = false;
	}
}

bool tps_ready(struct tps *t, const struct cgw_smsc_conf *sc)
{
	return has_slot(t, sc, false);
}

bool tps_leasing(struct tps *t, const struct cgw_smsc_conf *sc)
{
	struct tps_acct *a;

	if (sc->tps <= 0 || !(a = acct_of(t, sc)))
		return false;
	return a->asking && a->n == 0;
}

void tps_wanted(struct tps *t, const struct cgw_smsc_conf *sc, int n)
{
	struct tps_acct *a;

	if (sc->tps <= 0 || !(a = acct_of(t, sc)))
		return;
	if (n > a->want)
		a->want = n;
	ask_ahead(a);	/* as has_slot() would, had it seen every one */
}

bool tps_take(struct tps *t, const struct cgw_smsc_conf *sc)
{
	return has_slot(t, sc, true);
}

void tps_untake(struct tps *t, const struct cgw_smsc_conf *sc)
{
	struct tps_acct *a;

	/* the slot just spent, back at its time */
	if (sc->tps > 0 && (a = acct_of(t, sc))) {
		a->n++;
		a->at -= a->every;
	}
}

struct tps *tps_new(struct event_base *base, struct store *st,
		    void (*wake)(void *arg), void *arg)
{
	struct tps *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->base = base;
	t->st = st;
	t->wake = wake;
	t->arg = arg;
	return t;
}

void tps_free(struct tps *t)
{
	struct tps_acct *a, *next;

	if (!t)
		return;
	for (a = t->accts; a; a = next) {
		next = a->next;
		if (a->asking)
			a->t = NULL;	/* freed by its answer */
		else
			acct_free(a);
	}
	free(t);
}
