/*
 * The TPS cap of an SMSC account across processes (see gw/tps.h): the
 * accounts this process submits to, the tokens leased for each, and the
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
	int tokens;		/* leased, spendable until `until` */
	int64_t until;		/* mono ms */
	int want;		/* submits that found no token since the last
				 * lease was asked for */
	bool asking;		/* a lease in flight */
	bool alone;		/* Redis could not be asked: local cap */
	struct event *ev;	/* the next lease: now, or when one is due */
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
	free(a);
}

static void ask(struct tps_acct *a, int64_t delay_ms);

static void leased(void *arg, int rc, long n)
{
	struct tps_acct *a = arg;
	struct tps *t = a->t;
	int64_t now = util_mono_ms();

	a->asking = false;
	if (!t) {
		acct_free(a);	/* tps_free() left it to this answer */
		return;
	}
	if (rc < 0) {
		/* no Redis: hold the cap here alone rather than stop */
		if (!a->alone)
			LOGP(LOG_SMPP, LOG_WARN, a->name,
			     "cannot lease TPS tokens from Redis (%s): this "
			     "process holds the account's %d/s alone",
			     strerror(-rc), a->rate);
		a->alone = true;
		a->tokens = slice_cap(a->rate);
		a->until = now + TPS_SLICE_MS;
	} else if (n > 0) {
		if (a->alone)
			LOGP(LOG_SMPP, LOG_NOTICE, a->name,
			     "TPS tokens leased from Redis again");
		a->alone = false;
		a->tokens = (int)n;
		a->until = now + TPS_SLICE_MS;
	} else {
		/* none left in this slice: ask when the next one is due */
		ask(a, -n > 0 ? -n : 1);
		return;
	}
	a->want = 0;
	t->wake(t->arg);
}

static void ask_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tps_acct *a = arg;
	int want = a->want, cap = slice_cap(a->rate), rc;

	if (want <= 0)
		return;		/* nobody waits any more */
	if (want > cap)
		want = cap;
	a->asking = true;
	rc = store_tps_lease(a->t->st, a->name, a->rate, want, TPS_SLICE_MS,
			     leased, a);
	if (rc < 0)
		leased(a, rc, 0);	/* not sent: no callback follows */
}

/* A lease after delay_ms, unless one is in flight or already due. */
static void ask(struct tps_acct *a, int64_t delay_ms)
{
	struct timeval tv = { delay_ms / 1000, (delay_ms % 1000) * 1000 };

	if (a->asking || evtimer_pending(a->ev, NULL))
		return;
	evtimer_add(a->ev, &tv);
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
		if (!a->ev) {
			free(a);
			return NULL;
		}
		a->t = t;
		util_strlcpy(a->name, name, sizeof(a->name));
		a->next = t->accts;
		t->accts = a;
	}
	/* binds of one account naming different caps: the smallest holds
	 * (Redis keeps the smallest of all processes, tps_lease.lua) */
	if (a->rate == 0 || sc->tps < a->rate || !a->want)
		a->rate = sc->tps;
	return a;
}

static bool has_token(struct tps *t, const struct cgw_smsc_conf *sc,
		      bool spend)
{
	struct tps_acct *a;

	if (sc->tps <= 0)
		return true;
	if (!(a = acct_of(t, sc)))
		return false;
	if (a->tokens > 0 && a->until <= util_mono_ms())
		a->tokens = 0;	/* the slice is over: the rest is lost */
	if (a->tokens > 0) {
		a->tokens -= spend;
		return true;
	}
	a->want++;
	ask(a, 0);
	return false;
}

bool tps_ready(struct tps *t, const struct cgw_smsc_conf *sc)
{
	return has_token(t, sc, false);
}

bool tps_take(struct tps *t, const struct cgw_smsc_conf *sc)
{
	return has_token(t, sc, true);
}

void tps_untake(struct tps *t, const struct cgw_smsc_conf *sc)
{
	struct tps_acct *a;

	if (sc->tps > 0 && (a = acct_of(t, sc)) &&
	    a->until > util_mono_ms())
		a->tokens++;
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
