/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Status-change notices: in every gateway process, a timer that leases
 * the dossiers waiting in the notice outboxes (a new status, written with
 * the dossier in one step), renders their notice in Vietnamese and English
 * (notices.cfg beside the menus) and queues it to the dossier's phone in
 * the phone's language, unless it opted out. One notice per dossier
 * revision, whatever crashes: the MT id names the revision.
 */
#ifndef CGW_NOTIFY_H
#define CGW_NOTIFY_H

#include "common/conf.h"

struct event_base;
struct store;
struct notice_set;
struct notify;

/* conf and st must outlive it; the notice texts come with notify_set(). */
struct notify *notify_new(struct event_base *base, const struct cgw_conf *conf,
			  struct store *st);
/* The texts to use from now on (NULL: none, no notices are sent and the
 * waiting ones are dropped). The caller keeps them alive. */
void notify_set(struct notify *n, const struct notice_set *set);
void notify_stop(struct notify *n);
void notify_free(struct notify *n);

#endif
