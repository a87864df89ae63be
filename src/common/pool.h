/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * pool: a free list of fixed-size objects (MO jobs, held MTs), so that a
 * message in steady state takes an object back from the list instead of
 * calling malloc and free.
 *
 * Objects come from malloc the first time and go onto the list when
 * given back, up to `keep` of them; beyond that they are freed, so a
 * burst does not pin its peak for ever. An object from pool_get() is not
 * zeroed: the caller sets what it uses (the point is to avoid clearing a
 * multi-kilobyte struct per message). pool_free() frees the list; the
 * objects still out belong to their holders, who give them back before.
 */
#ifndef CGW_POOL_H
#define CGW_POOL_H

#include <stddef.h>

struct pool {
	size_t size;	/* of one object */
	size_t keep;	/* most objects kept on the list */
	size_t nfree;	/* on the list */
	void *free;	/* the list, linked through each object's first bytes */
};

/* Sets p up for objects of `size` bytes (at least a pointer's), keeping
 * at most `keep` of them for reuse. */
void pool_init(struct pool *p, size_t size, size_t keep);
/* An object of p->size bytes, uninitialised, or NULL when out of memory. */
void *pool_get(struct pool *p);
/* Gives obj (from pool_get() of this pool, or NULL) back. */
void pool_put(struct pool *p, void *obj);
/* Frees every object on the list. */
void pool_free(struct pool *p);

#endif
