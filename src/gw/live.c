/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Live USSD dialogs (live.h): an open-addressing table keyed by the
 * phone's FNV-1a hash (a collision of two 64-bit hashes would merge two
 * dialogs in a count, which is harmless). Expired entries are dropped
 * when the table is rebuilt or counted, so it holds at most the dialogs
 * of one session_ttl.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "gw/live.h"

#define LIVE_MIN_CAP 64

struct slot {
	uint64_t key;		/* 0: empty */
	int64_t until;		/* 0: ended (a tombstone) */
};

struct live {
	struct slot *s;
	size_t cap;		/* a power of two */
	size_t used;		/* slots with a key, tombstones included */
};

struct live *live_new(void)
{
	struct live *l = calloc(1, sizeof(*l));

	if (l && !(l->s = calloc(LIVE_MIN_CAP, sizeof(*l->s)))) {
		free(l);
		return NULL;
	}
	if (l)
		l->cap = LIVE_MIN_CAP;
	return l;
}

void live_free(struct live *l)
{
	if (!l)
		return;
	free(l->s);
	free(l);
}

static uint64_t key_of(const char *msisdn)
{
	uint64_t k = util_fnv1a64(msisdn, strlen(msisdn), 0);

	return k ? k : 1;	/* 0 marks an empty slot */
}

static struct slot *find(struct slot *s, size_t cap, uint64_t key)
{
	size_t i = (size_t)key & (cap - 1);

	while (s[i].key && s[i].key != key)
		i = (i + 1) & (cap - 1);
	return &s[i];
}

/* A new table with the dialogs still running at now_ms, big enough to
 * stay at most half full. 0, or -1 out of memory (the old one stays). */
static int rebuild(struct live *l, int64_t now_ms)
{
	size_t n = 0, cap = LIVE_MIN_CAP;
	struct slot *ns;

	for (size_t i = 0; i < l->cap; i++)
		if (l->s[i].key && l->s[i].until > now_ms)
			n++;
	while (cap < 4 * (n + 1))
		cap *= 2;
	if (!(ns = calloc(cap, sizeof(*ns))))
		return -1;
	for (size_t i = 0; i < l->cap; i++)
		if (l->s[i].key && l->s[i].until > now_ms)
			*find(ns, cap, l->s[i].key) = l->s[i];
	free(l->s);
	l->s = ns;
	l->cap = cap;
	l->used = n;
	return 0;
}

void live_note(struct live *l, const char *msisdn, int64_t now_ms,
	       int64_t until_ms)
{
	uint64_t key = key_of(msisdn);
	struct slot *s;

	if (!l)
		return;
	s = find(l->s, l->cap, key);
	if (s->key) {
		s->until = until_ms;
		return;
	}
	if (!until_ms)
		return;
	if (2 * (l->used + 1) > l->cap) {
		if (rebuild(l, now_ms) < 0)
			return;
		s = find(l->s, l->cap, key);
	}
	s->key = key;
	s->until = until_ms;
	l->used++;
}

int live_count(struct live *l, int64_t now_ms)
{
	int n = 0;

	if (!l)
		return 0;
	for (size_t i = 0; i < l->cap; i++)
		if (l->s[i].key && l->s[i].until > now_ms)
			n++;
	if ((size_t)n * 4 < l->used)
		rebuild(l, now_ms);
	return n;
}
