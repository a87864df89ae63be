/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SIGHUP: what of a new configuration the running daemon takes, and what
 * waits for a restart. The table `restart_only` in reload.c names every
 * setting that is read once at start (the Redis connection, the HTTP
 * listener and its token, the instance name, the leases and timers set
 * up at start, the broadcast time zone and quiet hours); everything else
 * is read on each use and changes in place.
 */
#ifndef CGW_RELOAD_H
#define CGW_RELOAD_H

#include "common/conf.h"

/*
 * Writes nc into live, except the settings of `restart_only`: those keep
 * live's value, and each that differs is logged as "changed, takes effect
 * after a restart". live is the object the running modules point to; it
 * stays where it is (they read it on each use). Returns how many settings
 * were kept, or -1 when out of memory (live unchanged).
 */
int reload_merge(struct cgw_conf *live, const struct cgw_conf *nc);

#endif
