/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The broadcast dispatcher: in every gateway process, a timer that turns
 * the recipients of running broadcasts into MTs for the sender, at each
 * broadcast's rate (a token bucket in Redis, shared by every process),
 * never in quiet hours, never before schedule_at nor after expires_at,
 * and only as many as this process can send soon (so that siblings share
 * the work and replies never wait behind it). A recipient is leased in
 * Redis until its MT is queued; one whose process died goes back to the
 * list. It also notices when a broadcast is done or expired.
 */
#ifndef CGW_DISPATCH_H
#define CGW_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "common/conf.h"

struct event_base;
struct store;
struct sender;
struct bcast_tz;
struct bcast_quiet;
struct dispatch;

/* conf, st, snd, tz and quiet must outlive the dispatcher. */
struct dispatch *dispatch_new(struct event_base *base,
			      const struct cgw_conf *conf, struct store *st,
			      struct sender *snd, const struct bcast_tz *tz,
			      const struct bcast_quiet *quiet);
void dispatch_free(struct dispatch *d);
/* Stops taking recipients (graceful stop). */
void dispatch_stop(struct dispatch *d);

#endif
