/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The TPS cap of an SMSC account, shared by every bind and every gateway
 * process bound to it. An account is named by its smsc entries' `account`
 * setting, by default host:port:system_id; its cap is their `tps`.
 *
 * The hot path never waits for Redis: a process leases a few send slots
 * of the account at once (store_tps_lease, one script call for up to
 * the next TPS_SLICE_MS's worth). Slots are 1/tps apart on one schedule
 * in Redis that all processes take from, so no two processes get the
 * same slot; a process spends each at its time and drops it when it
 * could not within about TPS_SLICE_MS after, so that unused slots are never
 * saved up. All processes together send at most tps per second, plus
 * what one slice of late spending moves into the same second. A submit
 * that finds no slot asks for more, and the caller is woken (its `wake`
 * callback) when its next slot comes.
 *
 * When Redis cannot be asked the process holds the cap alone, as if it
 * were the only one bound to the account (logged).
 */
#ifndef CGW_GW_TPS_H
#define CGW_GW_TPS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/conf.h"

struct event_base;
struct store;
struct tps;

/* How far ahead slots are leased, and how late one may be spent (ms). */
#define TPS_SLICE_MS 100

/* wake(arg) runs when a slot is due after tps_ready()/tps_take() said no. */
struct tps *tps_new(struct event_base *base, struct store *st,
		    void (*wake)(void *arg), void *arg);
/* Leases in flight finish (and are dropped) when the store answers or is
 * freed; the store must outlive nothing else of this. */
void tps_free(struct tps *t);

/* The account a bind's submits count against (its `account` setting, or
 * host:port:system_id). */
void tps_account(const struct cgw_smsc_conf *sc, char *out, size_t outlen);

/* n MTs wait for sc's account: the next lease asks for that many slots
 * (a slice's worth at most), when the caller stops asking each of them
 * (tps_ready() counts the ones it is asked about). */
void tps_wanted(struct tps *t, const struct cgw_smsc_conf *sc, int n);

/* The caller starts a pass over what it has to send: slots are asked for
 * as many submits as one pass found none for. */
void tps_pass(struct tps *t);
/*
 * A submit_sm on a bind of sc may go now: its account has a slot due (or
 * no cap). When not, slots are asked for and wake() follows.
 */
bool tps_ready(struct tps *t, const struct cgw_smsc_conf *sc);
/* True while sc's account has no slot left and a lease is on its way
 * (the first after a start or an idle spell): a round trip away, worth
 * waiting for rather than leaving on another bind. */
bool tps_leasing(struct tps *t, const struct cgw_smsc_conf *sc);
/* As tps_ready, and spends the slot when there is one. */
bool tps_take(struct tps *t, const struct cgw_smsc_conf *sc);
/* Gives back the slot taken for a submit that did not go out. */
void tps_untake(struct tps *t, const struct cgw_smsc_conf *sc);

#endif
