/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The hash map (see common/hmap.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/hmap.h"

#define HMAP_MIN_CAP 16	/* a power of two */

struct hmap_ent {
	const void *key;	/* NULL: a free slot */
	size_t klen;
	uint64_t hash;
	void *val;
};

struct hmap {
	struct hmap_ent *tab;
	size_t cap;		/* a power of two */
	size_t count;		/* at most 3/4 of cap */
	uint64_t k0, k1;	/* the SipHash key */
};

/* --- SipHash-1-3 (Aumasson and Bernstein), 64-bit output ------------------- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/* One SipRound on v0..v3, locals of the caller: as a function over an
 * array it was not inlined and kept the state in memory (3.6% of the
 * daemon's instructions went to hashing). */
#define SIP_ROUND()                                                         \
	do {                                                                \
		v0 += v1;                                                   \
		v1 = ROTL(v1, 13);                                          \
		v1 ^= v0;                                                   \
		v0 = ROTL(v0, 32);                                          \
		v2 += v3;                                                   \
		v3 = ROTL(v3, 16);                                          \
		v3 ^= v2;                                                   \
		v0 += v3;                                                   \
		v3 = ROTL(v3, 21);                                          \
		v3 ^= v0;                                                   \
		v2 += v1;                                                   \
		v1 = ROTL(v1, 17);                                          \
		v1 ^= v2;                                                   \
		v2 = ROTL(v2, 32);                                          \
	} while (0)

static uint64_t load_le64(const uint8_t *p)
{
	uint64_t x = 0;

	for (int i = 7; i >= 0; i--)
		x = x << 8 | p[i];
	return x;
}

static uint64_t siphash13(uint64_t k0, uint64_t k1, const void *data,
			  size_t len)
{
	const uint8_t *p = data;
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
	uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
	uint64_t v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t b = (uint64_t)len << 56, m;
	size_t tail = len & 7;

	for (const uint8_t *end = p + (len - tail); p < end; p += 8) {
		m = load_le64(p);
		v3 ^= m;
		SIP_ROUND();
		v0 ^= m;
	}
	for (size_t i = 0; i < tail; i++)
		b |= (uint64_t)p[i] << (8 * i);
	v3 ^= b;
	SIP_ROUND();
	v0 ^= b;
	v2 ^= 0xff;
	SIP_ROUND();
	SIP_ROUND();
	SIP_ROUND();
	return v0 ^ v1 ^ v2 ^ v3;
}

/* The seed: from the kernel; should it fail (very old kernel, seccomp),
 * from the clock and addresses, which still differ per process. */
static void seed(struct hmap *m)
{
	uint64_t k[2];
	struct timespec ts;

	if (getrandom(k, sizeof(k), GRND_NONBLOCK) == (ssize_t)sizeof(k)) {
		m->k0 = k[0];
		m->k1 = k[1];
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	m->k0 = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^
		(uint64_t)(uintptr_t)m;
	m->k1 = (uint64_t)ts.tv_sec ^ (uint64_t)getpid() << 32 ^
		(uint64_t)(uintptr_t)&ts;
}

/* --- the table ----------------------------------------------------------------- */

struct hmap *hmap_new(size_t hint)
{
	struct hmap *m = calloc(1, sizeof(*m));
	size_t cap = HMAP_MIN_CAP;

	if (!m)
		return NULL;
	while (cap / 4 * 3 < hint)
		cap *= 2;
	m->tab = calloc(cap, sizeof(*m->tab));
	if (!m->tab) {
		free(m);
		return NULL;
	}
	m->cap = cap;
	seed(m);
	return m;
}

void hmap_free(struct hmap *m)
{
	if (!m)
		return;
	free(m->tab);
	free(m);
}

size_t hmap_count(const struct hmap *m)
{
	return m->count;
}

static uint64_t hash_of(const struct hmap *m, const void *key, size_t klen)
{
	return siphash13(m->k0, m->k1, key, klen);
}

static bool same(const struct hmap_ent *e, uint64_t h, const void *key,
		 size_t klen)
{
	return e->hash == h && e->klen == klen &&
	       memcmp(e->key, key, klen) == 0;
}

/* The slot holding key, or the free slot ending its run. */
static size_t slot_of(const struct hmap *m, uint64_t h, const void *key,
		      size_t klen)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;

	while (m->tab[i].key && !same(&m->tab[i], h, key, klen))
		i = (i + 1) & mask;
	return i;
}

static int grow(struct hmap *m)
{
	struct hmap_ent *old = m->tab;
	size_t oldcap = m->cap, cap = m->cap * 2;

	m->tab = calloc(cap, sizeof(*m->tab));
	if (!m->tab) {
		m->tab = old;
		return -ENOMEM;
	}
	m->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key) {
			size_t j = (size_t)old[i].hash & (cap - 1);

			while (m->tab[j].key)
				j = (j + 1) & (cap - 1);
			m->tab[j] = old[i];
		}
	free(old);
	return 0;
}

int hmap_put(struct hmap *m, const void *key, size_t klen, void *val)
{
	uint64_t h = hash_of(m, key, klen);
	size_t i = slot_of(m, h, key, klen);

	if (m->tab[i].key)
		return -EEXIST;
	if ((m->count + 1) > m->cap / 4 * 3) {
		if (grow(m) < 0)
			return -ENOMEM;
		i = slot_of(m, h, key, klen);
	}
	m->tab[i] = (struct hmap_ent){ key, klen, h, val };
	m->count++;
	return 0;
}

void *hmap_get(const struct hmap *m, const void *key, size_t klen)
{
	uint64_t h = hash_of(m, key, klen);

	return m->tab[slot_of(m, h, key, klen)].val;
}

void *hmap_del(struct hmap *m, const void *key, size_t klen)
{
	size_t mask = m->cap - 1, i, j;
	uint64_t h = hash_of(m, key, klen);
	void *val;

	i = slot_of(m, h, key, klen);
	if (!m->tab[i].key)
		return NULL;
	val = m->tab[i].val;
	/* backward shift: move up every later entry of the run whose home
	 * slot is not between the hole and it (cyclically) */
	for (j = (i + 1) & mask; m->tab[j].key; j = (j + 1) & mask) {
		size_t home = (size_t)m->tab[j].hash & mask;

		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->tab[i] = m->tab[j];
			i = j;
		}
	}
	m->tab[i] = (struct hmap_ent){ 0 };
	m->count--;
	return val;
}

int hmap_sput(struct hmap *m, const char *key, void *val)
{
	return hmap_put(m, key, strlen(key), val);
}

void *hmap_sget(const struct hmap *m, const char *key)
{
	return hmap_get(m, key, strlen(key));
}

void *hmap_sdel(struct hmap *m, const char *key)
{
	return hmap_del(m, key, strlen(key));
}
