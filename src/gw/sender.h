/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The sender: outbound messages (MTs) this process holds, until each is
 * accepted by an SMS centre. An MT is encoded when its bind is known (the
 * bind decides the concatenation method, packing and segment cap), cut
 * into parts, and every part is submitted within the bind's window and
 * TPS; it leaves the Redis queue only when every part has its
 * submit_sm_resp. Owns the MT jobs; uses the links and the store it is
 * given (they must outlive it).
 */
#ifndef CGW_SENDER_H
#define CGW_SENDER_H

#include <stdbool.h>

#include "common/conf.h"
#include "store/store.h"

struct event_base;
struct smpp_link;
struct sender;

struct sender *sender_new(struct event_base *base, const struct cgw_conf *conf,
			  struct store *st, struct smpp_link *const *links,
			  int nlinks);
/* The array of links given to sender_new() now holds nlinks (a reload
 * added or removed binds; the array itself stays where it was). */
void sender_links_changed(struct sender *s, int nlinks);
/* Frees every job. Call after the links are freed (their callbacks may
 * still name jobs until then). */
void sender_free(struct sender *s);

/*
 * Takes an MT leased to this process and sends it as soon as a bind can.
 * Returns 0, -EEXIST when it is held already, -ENOMEM.
 */
int sender_hold(struct sender *s, const struct store_mt *mt);
bool sender_holds(const struct sender *s, const char *mt_id);
/* MTs of priority > 0 held (broadcast traffic). */
int sender_held_broadcast(const struct sender *s);
/* Broadcast MTs one process takes on at most, new or recovered: only
 * as many as it can send soon, so that siblings share a broadcast and
 * replies never wait behind it. */
#define SENDER_MAX_HELD_BROADCAST 200

/* Submits what the binds can take now (call on bind, writable, claims). */
void sender_pump(struct sender *s);
/* Extends the Redis lease of every MT held. */
void sender_renew(struct sender *s);
/* Hands every MT not in flight back to the queue (graceful stop); done
 * runs once when Redis has confirmed (or refused) each of them, at once
 * when there is none. */
void sender_release(struct sender *s, void (*done)(void *arg), void *arg);

#endif
