/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The free-list pool (see common/pool.h).
 */
#include "config.h"

#include <stdlib.h>

#include "common/pool.h"

void pool_init(struct pool *p, size_t size, size_t keep)
{
	p->size = size < sizeof(void *) ? sizeof(void *) : size;
	p->keep = keep;
	p->nfree = 0;
	p->free = NULL;
}

void *pool_get(struct pool *p)
{
	void *obj = p->free;

	if (!obj)
		return malloc(p->size);
	p->free = *(void **)obj;
	p->nfree--;
	return obj;
}

void pool_put(struct pool *p, void *obj)
{
	if (!obj)
		return;
	if (p->nfree >= p->keep) {
		free(obj);
		return;
	}
	*(void **)obj = p->free;
	p->free = obj;
	p->nfree++;
}

void pool_free(struct pool *p)
{
	while (p->free) {
		void *next = *(void **)p->free;

		free(p->free);
		p->free = next;
	}
	p->nfree = 0;
}
