/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The free-list pool (see common/pool.h).
 */
#include "config.h"

#include <stdlib.h>

#include "common/pool.h"

/* Under AddressSanitizer an object on the list is poisoned, so that a
 * use after pool_put() is reported as malloc's would be. */
#if defined(__SANITIZE_ADDRESS__)
#define POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_ASAN 1
#endif
#endif
#ifdef POOL_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

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
	UNPOISON(obj, p->size);
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
	POISON(obj, p->size);
	p->free = obj;
	p->nfree++;
}

void pool_free(struct pool *p)
{
	while (p->free) {
		void *next;

		UNPOISON(p->free, p->size);
		next = *(void **)p->free;
		free(p->free);
		p->free = next;
	}
	p->nfree = 0;
}
