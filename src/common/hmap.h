/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hmap: a hash map from byte strings to pointers, for finding live
 * objects (held MTs, MOs in progress) without walking a list.
 *
 * Open addressing with linear probing; deletion shifts the following
 * entries back, so there are no tombstones and a lookup never walks more
 * than the run its key hashes into. The hash is SipHash-1-3 keyed with a
 * per-map random seed (getrandom()), so a peer that chooses phone numbers
 * or message ids cannot make every key land in one run.
 *
 * Keys are not copied: the map keeps the caller's pointer, which must
 * stay valid and unchanged while the entry is in the map (typically the
 * key is a field of the object the value points to). The map owns only
 * its table.
 */
#ifndef CGW_HMAP_H
#define CGW_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hmap;

/* A new empty map sized for about `hint` entries (it grows as needed).
 * Returns NULL when out of memory. Free with hmap_free(). */
struct hmap *hmap_new(size_t hint);
/* Frees the table (not the keys or values). NULL is ignored. */
void hmap_free(struct hmap *m);

/*
 * Adds key -> val. Returns 0, -EEXIST (the key is there already; nothing
 * changes) or -ENOMEM. key[0..klen) must outlive the entry (see above);
 * val must not be NULL.
 */
int hmap_put(struct hmap *m, const void *key, size_t klen, void *val);
/* The value of key, or NULL. */
void *hmap_get(const struct hmap *m, const void *key, size_t klen);
/* Removes key; returns its value, or NULL when it was not there. */
void *hmap_del(struct hmap *m, const void *key, size_t klen);
/* Entries in the map. */
size_t hmap_count(const struct hmap *m);

/* The same with a NUL-terminated string as the key. */
int hmap_sput(struct hmap *m, const char *key, void *val);
void *hmap_sget(const struct hmap *m, const char *key);
void *hmap_sdel(struct hmap *m, const char *key);

#endif
