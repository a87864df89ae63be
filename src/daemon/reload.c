/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SIGHUP: taking a new configuration in place (see daemon/reload.h).
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "daemon/reload.h"

#define FIELD(name, f, str)                                                \
	{ name, offsetof(struct cgw_conf, f),                              \
	  sizeof(((struct cgw_conf *)0)->f), str }

/* Settings read once at start: a change waits for a restart. */
static const struct {
	const char *name;
	size_t off, size;
	bool str;	/* a NUL-terminated string (else compared bytewise) */
} restart_only[] = {
	FIELD("redis.host", redis.host, true),
	FIELD("redis.port", redis.port, false),
	FIELD("redis.socket", redis.socket, true),
	FIELD("redis.db", redis.db, false),
	FIELD("redis.user", redis.user, true),
	FIELD("redis.password", redis.password, true),
	FIELD("redis.sentinels", redis.sentinels, false),
	FIELD("redis.master_name", redis.master_name, true),
	FIELD("redis.sentinel_user", redis.sentinel_user, true),
	FIELD("redis.sentinel_password", redis.sentinel_password, true),
	FIELD("redis.prefix", redis.prefix, true),
	FIELD("redis.shards", redis.shards, false),
	FIELD("redis.timeout", redis.timeout, false),
	FIELD("http.listen", http.listen, true),
	FIELD("http.token", http.token, true),
	FIELD("http.max_body", http.max_body, false),
	FIELD("http.insecure", http.insecure, false),
	FIELD("gateway.instance", gateway.instance, true),
	FIELD("gateway.mt_lease", gateway.mt_lease, false),
	FIELD("gateway.mo_ack_timeout", gateway.mo_ack_timeout, false),
	FIELD("broadcast.timezone", broadcast.timezone, true),
	FIELD("broadcast.quiet_hours", broadcast.quiet_hours, true),
	FIELD("log.target", log.target, false),
	FIELD("log.facility", log.facility, false),
};

int reload_merge(struct cgw_conf *live, const struct cgw_conf *nc)
{
	struct cgw_conf *m = malloc(sizeof(*m));
	int kept = 0;

	if (!m)
		return -1;
	*m = *nc;
	/* the file and its directory are the ones the daemon started with */
	memcpy(m->path, live->path, sizeof(m->path));
	memcpy(m->dir, live->dir, sizeof(m->dir));
	for (size_t i = 0; i < ARRAY_SIZE(restart_only); i++) {
		const char *o = (const char *)live + restart_only[i].off;
		const char *n = (const char *)nc + restart_only[i].off;
		bool differs = restart_only[i].str
				       ? strcmp(o, n) != 0
				       : memcmp(o, n, restart_only[i].size) != 0;

		if (differs) {
			LOGP(LOG_MAIN, LOG_WARN, NULL, "SIGHUP: %s changed, "
			     "takes effect after a restart",
			     restart_only[i].name);
			kept++;
		}
		memcpy((char *)m + restart_only[i].off, o,
		       restart_only[i].size);
	}
	*live = *m;
	free(m);
	return kept;
}
