/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Redis's replies from a pool of blocks (see store/reply_pool.h). The
 * tree is built as hiredis 0.14's read.c builds it: a node created for
 * a task is linked into its parent's element array at task->idx.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/pool.h"
#include "common/util.h"
#include "store/reply_pool.h"

struct block {
	redisReply r;
	union {
		char s[REPLY_POOL_INLINE];
		redisReply *e[REPLY_POOL_INLINE / sizeof(redisReply *)];
	} room;
};

/* One reply tree is alive at a time (hiredis frees each reply once its
 * callback returns), so a few hundred blocks serve any load; the rest of
 * a burst of large replies goes back to malloc. */
#define KEPT 512

static struct pool blocks = { sizeof(struct block), KEPT, 0, NULL };

/* A node of this type: as hiredis, a string takes its task's (string,
 * status or error), the others their own (a nil bulk's task is a
 * string's). */
static redisReply *node(int type)
{
	redisReply *r = pool_get(&blocks);

	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->type = type;
	return r;
}

static void *linked(const redisReadTask *task, redisReply *r)
{
	if (task->parent) {
		redisReply *parent = task->parent->obj;

		parent->element[task->idx] = r;
	}
	return r;
}

static void *create_string(const redisReadTask *task, char *str, size_t len)
{
	redisReply *r = node(task->type);
	struct block *b = (struct block *)r;

	if (!r)
		return NULL;
	if (len < sizeof(b->room.s)) {
		r->str = b->room.s;
	} else if (!(r->str = malloc(len + 1))) {
		pool_put(&blocks, b);
		return NULL;
	}
	memcpy(r->str, str, len);
	r->str[len] = '\0';
	r->len = len;
	return linked(task, r);
}

static void *create_array(const redisReadTask *task, int n)
{
	redisReply *r = node(REDIS_REPLY_ARRAY);
	struct block *b = (struct block *)r;

	if (!r)
		return NULL;
	if (n > 0) {
		if ((size_t)n <= ARRAY_SIZE(b->room.e)) {
			r->element = b->room.e;
			memset(r->element, 0, (size_t)n * sizeof(r->element[0]));
		} else if (!(r->element = calloc((size_t)n,
						 sizeof(r->element[0])))) {
			pool_put(&blocks, b);
			return NULL;
		}
	}
	r->elements = n > 0 ? (size_t)n : 0;
	return linked(task, r);
}

static void *create_integer(const redisReadTask *task, long long v)
{
	redisReply *r = node(REDIS_REPLY_INTEGER);

	if (!r)
		return NULL;
	r->integer = v;
	return linked(task, r);
}

static void *create_nil(const redisReadTask *task)
{
	redisReply *r = node(REDIS_REPLY_NIL);

	return r ? linked(task, r) : NULL;
}

static void free_object(void *obj)
{
	redisReply *r = obj;
	struct block *b = obj;

	if (!r)
		return;
	switch (r->type) {
	case REDIS_REPLY_ARRAY:
		/* a tree cut short by a protocol error has NULL elements */
		for (size_t i = 0; i < r->elements; i++)
			free_object(r->element[i]);
		if (r->element != b->room.e)
			free(r->element);
		break;
	case REDIS_REPLY_STRING:
	case REDIS_REPLY_STATUS:
	case REDIS_REPLY_ERROR:
		if (r->str != b->room.s)
			free(r->str);
		break;
	default:
		break;
	}
	pool_put(&blocks, b);
}

redisReplyObjectFunctions reply_pool_fns = {
	create_string, create_array, create_integer, create_nil, free_object,
};

void reply_pool_drain(void)
{
	pool_free(&blocks);
}
