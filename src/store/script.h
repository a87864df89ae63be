/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's scripts as a process runs them. A script whose first lines
 * say --! CONF (src/store/lua/embed.sh) is built as a template: the
 * configuration's values it names go into its text here, when the
 * process starts and when a reload changes them, rather than with each
 * call (an argument costs Redis about 0.8 K instructions a call: a Redis
 * object, then a Lua string, then garbage). Its SHA1, which EVALSHA
 * names, is then computed here. Any other script runs as built.
 *
 * Redis keeps every text it was given, so a call sent before a reload
 * still finds its own (or, after a Redis restart, none: NOSCRIPT, and
 * the connection loads them again).
 */
#ifndef CGW_STORE_SCRIPT_H
#define CGW_STORE_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/conf.h"
#include "store/lua_scripts.h"

struct script_set {
	char *src[LUA_COUNT];	/* a template's text; NULL: as built */
	char sha[LUA_COUNT][41];	/* "": not rendered yet */
};

/*
 * Puts conf's values into the templates of ss (empty at first: zeroed).
 * changed[i], when given, says which texts differ from what ss held (a
 * template rendered for the first time does). Returns 0, or a negative
 * errno with the reason in err: a --! CONF name with no value here (a
 * script and this file out of step: the build's tests catch it).
 */
int script_set_render(struct script_set *ss, const struct cgw_conf *conf,
		      bool changed[LUA_COUNT], char *err, size_t errlen);
void script_set_free(struct script_set *ss);

/* Script id's text and SHA1 as this process runs it; its SHA1 is NULL
 * for a template not rendered (ss NULL or empty). */
const char *script_src(const struct script_set *ss, enum lua_script_id id);
const char *script_sha(const struct script_set *ss, enum lua_script_id id);

#endif
