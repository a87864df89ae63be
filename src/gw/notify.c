/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Status-change notices (see gw/notify.h).
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "gw/notify.h"
#include "services/bcast.h"
#include "services/notice.h"
#include "store/record.h"
#include "store/store.h"

#define TICK_MS 1000
#define PER_SHARD 50		/* notices leased per shard and tick */

struct notify {
	struct event_base *base;
	const struct cgw_conf *conf;
	struct store *st;
	const struct notice_set *set;
	struct event *tick;
	bool busy, stopped;
};

struct job {
	struct notify *n;
	char key[DOSSIER_CODE_MAX];
	char code[DOSSIER_CODE_MAX];
	int rev;
	struct store_mt mt;
	char text_en[BCAST_TEXT_MAX];
};

static void done(void *arg, int rc)
{
	struct job *j = arg;

	if (rc < 0)
		LOGP(LOG_BCAST, LOG_WARN, NULL, "notice for %s: not taken out "
		     "of the outbox (%s): it will be looked at again",
		     j->code, strerror(-rc));
	free(j);
}

/* The notice is queued (or never will be): out of the outbox. */
static void finish(struct job *j)
{
	if (store_notice_done(j->n->st, j->key, j->rev, done, j) < 0)
		done(j, -ENOTCONN);
}

static void queued(void *arg, int rc, const char *verdict)
{
	struct job *j = arg;
	char masked[32];

	if (rc < 0) {
		/* left in the outbox: its lease runs out, it comes back */
		LOGP(LOG_BCAST, LOG_WARN, NULL, "notice for %s not queued "
		     "(%s)", j->code, strerror(-rc));
		free(j);
		return;
	}
	LOGP(LOG_BCAST, LOG_INFO, NULL, "notice for %s to %s: %s", j->code,
	     log_mask_msisdn(j->mt.msisdn, masked, sizeof(masked)), verdict);
	finish(j);
}

static int render(const struct notify *n, const struct dossier *d,
		  struct job *j)
{
	const struct cgw_conf *c = n->conf;
	char err[256];
	int rc;

	rc = notice_render(n->set, d, "vi", c->menus.fold_vi, j->mt.text,
			   sizeof(j->mt.text), err, sizeof(err));
	if (rc == 0)
		rc = notice_render(n->set, d, "en", c->menus.fold_en,
				   j->text_en, sizeof(j->text_en), err,
				   sizeof(err));
	if (rc < 0 && rc != -ENOENT)
		LOGP(LOG_BCAST, LOG_ERROR, NULL, "notice for %s: %s", d->code,
		     err);
	return rc;
}

static int build_mt(const struct notify *n, const struct dossier *d,
		    struct job *j)
{
	const struct cgw_conf *c = n->conf;
	struct store_mt *mt = &j->mt;
	int64_t now = util_now_ms();

	if ((size_t)snprintf(mt->id, sizeof(mt->id), "n.%s.%d", d->key,
			     j->rev) >= sizeof(mt->id))
		return -EINVAL;
	util_strlcpy(mt->msisdn, d->phone, sizeof(mt->msisdn));
	/* priority 0, personal: with the replies, before broadcasts */
	store_mt_to_phone(mt, c, 0, now);
	mt->expires_ms = now + c->broadcast.expiry;
	return 0;
}

static void each(void *arg, const struct dossier *d, int rev)
{
	struct notify *n = arg;
	struct job *j = calloc(1, sizeof(*j));
	int rc;

	if (!j)
		return;
	j->n = n;
	j->rev = rev;
	util_strlcpy(j->key, d->key, sizeof(j->key));
	util_strlcpy(j->code, d->code, sizeof(j->code));
	rec_defaults(&rec_mt, &j->mt);
	if (!n->set || render(n, d, j) < 0 || build_mt(n, d, j) < 0) {
		/* no text for this status: nothing to send, ever */
		finish(j);
		return;
	}
	rc = store_notice_queue(n->st, &j->mt, j->text_en,
				n->conf->menus.language, queued, j);
	if (rc < 0)
		queued(j, rc, "");
}

static void claim_end(void *arg, int rc)
{
	struct notify *n = arg;

	n->busy = false;
	if (rc < 0)
		LOGP(LOG_BCAST, LOG_WARN, NULL, "notice outbox: %s",
		     strerror(-rc));
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct notify *n = arg;

	if (n->busy || n->stopped || !store_ready(n->st))
		return;
	n->busy = true;
	/* a notice whose process dies comes back as an MT would */
	if (store_notice_claim(n->st, PER_SHARD, n->conf->gateway.mt_lease,
			       each, claim_end, n) < 0)
		n->busy = false;
}

struct notify *notify_new(struct event_base *base, const struct cgw_conf *conf,
			  struct store *st)
{
	struct notify *n = calloc(1, sizeof(*n));
	struct timeval tv = { TICK_MS / 1000, (TICK_MS % 1000) * 1000 };

	if (!n)
		return NULL;
	n->base = base;
	n->conf = conf;
	n->st = st;
	n->tick = event_new(base, -1, EV_PERSIST, on_tick, n);
	if (!n->tick || evtimer_add(n->tick, &tv) < 0) {
		notify_free(n);
		return NULL;
	}
	return n;
}

void notify_set(struct notify *n, const struct notice_set *set)
{
	n->set = set;
}

void notify_stop(struct notify *n)
{
	if (n)
		n->stopped = true;
}

void notify_free(struct notify *n)
{
	if (!n)
		return;
	if (n->tick)
		event_free(n->tick);
	free(n);
}
