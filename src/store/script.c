/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's scripts as a process runs them (see store/script.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "common/util.h"
#include "store/record.h"
#include "store/script.h"

/* The value of a --! CONF name: what the script would otherwise be given
 * as an argument of that name with every call. */
static int conf_value(const struct cgw_conf *c, const char *name,
		      long long *v)
{
	if (strcmp(name, "dedup_ms") == 0)
		*v = c->gateway.mo_dedup_window;
	else if (strcmp(name, "lookup_window_ms") == 0)
		*v = c->protect.lookup_window;
	else if (strcmp(name, "lookup_limit") == 0)
		*v = c->protect.lookup_failures;
	else if (strcmp(name, "block_ms") == 0)
		*v = c->protect.lookup_block;
	else if (strcmp(name, "replies_per_minute") == 0)
		*v = c->protect.replies_per_minute;
	else if (strcmp(name, "mt_ttl_s") == 0)
		*v = rec_mt.ttl_s;
	else if (strcmp(name, "ph_ttl_s") == 0)
		*v = rec_profile.ttl_s;
	else if (strcmp(name, "reply_window_ms") == 0)
		*v = STORE_REPLY_WINDOW_MS;
	else
		return -ENOENT;
	return 0;
}

/* Template s with its values (vals[k - 1] for @k@, each a Lua string
 * literal, as the argument it replaces was a string) into a new string. */
static char *render(const char *s, char vals[][32], int nvals)
{
	size_t cap = strlen(s) + 1, n = 0;
	char *out;

	for (int k = 0; k < nvals; k++)
		cap += strlen(vals[k]) + 2;
	/* a value may appear several times: grown as needed */
	if (!(out = malloc(cap)))
		return NULL;
	while (*s) {
		const char *v = NULL;
		size_t vl = 0, need;
		char *e;

		if (*s == '@') {
			long k = strtol(s + 1, &e, 10);

			/* embed.sh let no other '@' through */
			if (*e == '@' && k >= 1 && k <= nvals) {
				v = vals[k - 1];
				vl = strlen(v);
				s = e + 1;
			}
		}
		need = n + (v ? vl + 2 : 1) + 1;
		if (need > cap) {
			char *p = realloc(out, cap = need * 2);

			if (!p) {
				free(out);
				return NULL;
			}
			out = p;
		}
		if (v) {
			out[n++] = '\'';
			memcpy(out + n, v, vl);
			n += vl;
			out[n++] = '\'';
		} else {
			out[n++] = *s++;
		}
	}
	out[n] = '\0';
	return out;
}

static void sha1_hex(const char *s, char hex[41])
{
	unsigned char md[SHA_DIGEST_LENGTH];

	SHA1((const unsigned char *)s, strlen(s), md);
	for (int i = 0; i < SHA_DIGEST_LENGTH; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

int script_set_render(struct script_set *ss, const struct cgw_conf *conf,
		      bool changed[LUA_COUNT], char *err, size_t errlen)
{
	for (int i = 0; i < LUA_COUNT; i++) {
		const struct lua_script *s = &lua_scripts[i];
		char vals[8][32], sha[41];
		char *src;

		if (changed)
			changed[i] = false;
		if (!s->nconf) {
			util_strlcpy(ss->sha[i], s->sha, sizeof(ss->sha[i]));
			continue;
		}
		if (s->nconf > (int)ARRAY_SIZE(vals))
			return util_err(err, errlen, -E2BIG, "script %s: more "
					"than %zu --! CONF values", s->name,
					ARRAY_SIZE(vals));
		for (int k = 0; k < s->nconf; k++) {
			long long v;

			if (conf_value(conf, s->conf[k], &v) < 0)
				return util_err(err, errlen, -ENOENT,
						"script %s: no value for --! "
						"CONF %s (store/script.c)",
						s->name, s->conf[k]);
			snprintf(vals[k], sizeof(vals[k]), "%lld", v);
		}
		if (!(src = render(s->src, vals, s->nconf)))
			return util_err(err, errlen, -ENOMEM, "out of memory");
		sha1_hex(src, sha);
		if (strcmp(sha, ss->sha[i]) == 0) {
			free(src);
			continue;
		}
		free(ss->src[i]);
		ss->src[i] = src;
		memcpy(ss->sha[i], sha, sizeof(sha));
		if (changed)
			changed[i] = true;
	}
	return 0;
}

void script_set_free(struct script_set *ss)
{
	for (int i = 0; i < LUA_COUNT; i++) {
		free(ss->src[i]);
		ss->src[i] = NULL;
		ss->sha[i][0] = '\0';
	}
}

const char *script_src(const struct script_set *ss, enum lua_script_id id)
{
	return ss && ss->src[id] ? ss->src[id] : lua_scripts[id].src;
}

const char *script_sha(const struct script_set *ss, enum lua_script_id id)
{
	if (!lua_scripts[id].nconf)
		return lua_scripts[id].sha;
	return ss && ss->sha[id][0] ? ss->sha[id] : NULL;
}
