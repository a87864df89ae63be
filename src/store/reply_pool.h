/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Redis's replies to the daemon made from a free list (issue 13: no
 * per-message allocation beyond a pool).
 *
 * hiredis makes each reply a tree of redisReply objects, one calloc per
 * node and one malloc per string, and frees it once its callback has
 * run. An MO's replies are about twenty nodes, more than glibc's
 * per-size cache holds, so most went through malloc's slower paths
 * (9% of the daemon's instructions with free). Here a node and its
 * string (up to REPLY_POOL_INLINE - 1 bytes) or its element pointers
 * (up to REPLY_POOL_INLINE / sizeof(pointer)) are one block of a pool;
 * longer ones are allocated apart, as hiredis would.
 *
 * The objects are hiredis's own redisReply, so callbacks read them as
 * before; they must be freed through the reader's functions (hiredis's
 * async context does: c->reader->fn->freeObject), never with
 * freeReplyObject(). The pool is the process's: the daemon is one
 * thread.
 */
#ifndef CGW_STORE_REPLY_POOL_H
#define CGW_STORE_REPLY_POOL_H

#include <hiredis/hiredis.h>

#define REPLY_POOL_INLINE 80

/* Install with: ac->c.reader->fn = &reply_pool_fns; */
extern redisReplyObjectFunctions reply_pool_fns;

/* Frees the blocks kept for reuse (at exit, for the leak checkers). */
void reply_pool_drain(void);

#endif
