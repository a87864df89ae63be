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

#include "common/conf.h"
#include "menu/menu.h"

struct event_base;
struct gw;

/* conf and menus must outlive the gateway. */
struct gw *gw_new(struct event_base *base, const struct cgw_conf *conf,
		  const struct menu_tree *menus, char *err, size_t errlen);
void gw_start(struct gw *gw);
/* Graceful stop: unbind, finish MOs in progress (bounded), hand back the
 * MTs this process holds; then `done` runs. */
void gw_stop(struct gw *gw, void (*done)(void *arg), void *arg);
void gw_free(struct gw *gw);
/* Replaces the menu tree for new steps (live sessions continue on it). */
void gw_set_menus(struct gw *gw, const struct menu_tree *menus);

#endif
