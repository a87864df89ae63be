/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The gateway: binds, the MO path and the sender, glued on one event loop.
 *
 * MO path: deliver_sm -> round trip 1 (record unless re-delivered, read
 * session, profile and the dossier the text names) -> deliver_sm_resp
 * (status 0 only once recorded; ESME_RX_T_APPN while Redis is away) ->
 * menu engine -> round trip 2 (swap the session if unchanged, queue the
 * reply, close the MO; recompute on conflict) -> sender.
 *
 * Sender: replies leased to this process go out through the bind their MO
 * came in on (or any bound one) within window and TPS; each leaves the
 * Redis queue only on its submit_sm_resp. MOs and MTs whose owner died are
 * claimed by the periodic recovery of any gateway process.
 */
#ifndef CGW_GW_H
#define CGW_GW_H

#include <stdbool.h>
#include <stdint.h>

#include "common/conf.h"
#include "menu/menu.h"

struct store;

struct event_base;
struct gw;

struct notice_set;
struct bcast_tz;
struct bcast_quiet;

/* What the daemon loaded besides the configuration. */
struct gw_loaded {
	const struct menu_tree *menus;
	const struct notice_set *notices;	/* NULL: no notices */
	const struct bcast_tz *tz;		/* broadcast.timezone */
	const struct bcast_quiet *quiet;	/* broadcast.quiet_hours */
};

/*
 * conf and what ld points to must outlive the gateway. conf may change in
 * place between events (SIGHUP: the daemon writes what may change without
 * a restart into it); the gateway reads it on each use, and each link
 * keeps a copy of its smsc entry until gw_reload_binds().
 */
struct gw *gw_new(struct event_base *base, const struct cgw_conf *conf,
		  const struct gw_loaded *ld, char *err, size_t errlen);
void gw_start(struct gw *gw);
/* Graceful stop: unbind, finish MOs in progress (bounded), hand back the
 * MTs this process holds; then `done` runs. */
void gw_stop(struct gw *gw, void (*done)(void *arg), void *arg);
void gw_free(struct gw *gw);
/* Replaces the menu tree for new steps (live sessions continue on it). */
void gw_set_menus(struct gw *gw, const struct menu_tree *menus);

/* Replaces the notice texts (NULL: none). */
void gw_set_notices(struct gw *gw, const struct notice_set *notices);
/* True when a status has a notice text. */
bool gw_notice_has(const struct gw *gw, int status);

/* The time zone of broadcasts and of the times staff read. */
const struct bcast_tz *gw_tz(const struct gw *gw);
/* True when quiet hours let broadcasts send at now_ms. */
bool gw_bcast_allowed(const struct gw *gw, int64_t now_ms);

/* The store this gateway uses (for the HTTP API). */
struct store *gw_store(struct gw *gw);
/* The name of this process in Redis and logs. */
const char *gw_instance(const struct gw *gw);

/* A bind as staff and operators see it. */
struct gw_bind {
	char name[48];		/* "main", "main/tx" */
	char smsc[32];		/* its smsc entry's id: "main" */
	bool held;		/* stopped by gw_bind_stop() */
	const char *role;	/* "transceiver", "transmitter", "receiver" */
	const char *state;	/* "BOUND", "CONNECTING", ... */
	bool bound;
	int64_t since;		/* wall ms of the last state change */
	int window, in_flight, tps;
};
/* Fills up to max binds; returns how many there are. */
int gw_binds(const struct gw *gw, struct gw_bind *out, int max);

/*
 * Runtime control of one configured bind: id is an smsc entry's id, so a
 * transmitter+receiver pair stops and starts as one (both halves). Stop:
 * unbinds gracefully (in-flight submits are answered first, bounded by
 * response_timeout; MTs waiting for it go through the other binds) and no
 * reconnect until gw_bind_start(), which connects and binds again. The
 * other binds are not touched. Runtime only: a restart binds everything.
 * Return 0, -ENOENT (no such bind), -EALREADY (already stopped /
 * started), -ESHUTDOWN (the gateway is stopping).
 */
int gw_bind_stop(struct gw *gw, const char *id);
int gw_bind_start(struct gw *gw, const char *id);

/*
 * After conf's smsc list changed in place (SIGHUP): a bind whose entry is
 * gone unbinds; one whose connection settings (smpp_link_same_peer)
 * changed unbinds and binds again with them; a new entry binds; every
 * other takes its new TPS, window and other settings live, without a
 * rebind. Returns 0, -ENOMEM (logged; some bind kept its old state) or
 * -ESHUTDOWN.
 */
int gw_reload_binds(struct gw *gw);
/*
 * After conf's limits changed in place (SIGHUP): the store's scripts that
 * hold them in their text are made and loaded again (store_reload).
 * Returns 0 or a negative errno, the reason in err.
 */
int gw_reload_scripts(struct gw *gw, char *err, size_t errlen);
/* Wall ms at which this gateway was made (the daemon's start). */
int64_t gw_started(const struct gw *gw);
/* USSD dialogs this process answered last and left open, their session
 * not yet expired (gw/live.h says what is counted). */
int gw_sessions(const struct gw *gw);

#endif
