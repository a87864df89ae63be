/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: the configuration file as `citizengw -t` loads it
 * (common/conf.h; src/daemon/main.c load_config), and a TZif time zone
 * file (services/bcast.h bcast_tz_load), the two files the daemon parses
 * at start besides the menus (fuzz/menuload.c).
 *
 * Input: the configuration, a NUL, then the bytes of a zone file. The
 * configuration is written to a scratch file and loaded; when it loads,
 * what load_config() checks next is run (log.level, http.listen and
 * token, broadcast.quiet_hours), and its --dump-config output is loaded
 * again. The zone file is loaded from a scratch zoneinfo directory and,
 * when accepted, asked for offsets and used to read and write times.
 * Properties (abort when broken):
 *
 *  - a refusal says why ("file:line: ..." in err);
 *  - the dump of a loaded configuration loads, and dumping that gives the
 *    same text (a dump is a configuration file; --dump-config is how an
 *    operator sees what runs);
 *  - quiet hours read back from their own format;
 *  - a zone's offsets stay within a day; a time it formats parses back.
 *
 * An @include that leaves the scratch directory is skipped (see
 * fuzz/menuload.c); broadcast.timezone itself is not loaded from tzdata
 * (the system's files are no input), the zone file part covers the
 * parser instead.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf.h"
#include "common/log.h"
#include "fuzz/fuzz.h"
#include "http/http.h"
#include "services/bcast.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_all(LOG_ERROR);
	return 0;
}

/* The --dump-config text of c (malloc'd). */
static char *dump(const struct cgw_conf *c, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		abort();
	conf_dump(c, f);
	if (fclose(f) != 0)
		abort();
	return buf;
}

static void after_load(struct cgw_conf *c)
{
	static struct cgw_conf again;
	struct bcast_quiet q, q2;
	char err[1024], fmt[32];
	size_t n1, n2;
	char *d1, *d2;

	/* load_config(): log.level (global: set back after), http, quiet */
	log_apply_spec(c->log.level, err, sizeof(err));
	log_set_all(LOG_ERROR);
	http_check_conf(c, err, sizeof(err));
	if (bcast_quiet_parse(c->broadcast.quiet_hours, &q, err,
			      sizeof(err)) == 0) {
		bcast_quiet_format(&q, fmt, sizeof(fmt));
		if (bcast_quiet_parse(fmt, &q2, err, sizeof(err)) != 0 ||
		    q.on != q2.on || (q.on && (q.start != q2.start ||
					       q.end != q2.end)))
			fz_fail("quiet hours \"%s\" do not read back",
				c->broadcast.quiet_hours);
	}
	d1 = dump(c, &n1);
	if (conf_load(&again, fz_write("dump.cfg", d1, n1), err,
		      sizeof(err)) != 0)
		fz_fail("the dump does not load: %s\n%s", err, d1);
	d2 = dump(&again, &n2);
	if (n1 != n2 || memcmp(d1, d2, n1) != 0)
		fz_fail("dumping the dump gives another text:\n%s\n---\n%s",
			d1, d2);
	free(d1);
	free(d2);
}

static void zone(const uint8_t *p, size_t n)
{
	static const int64_t when[] = { 0, 1754000000000LL, -1000,
					4102444800000LL, 1000000000000LL };
	struct bcast_tz *tz = NULL;
	char err[256], buf[BCAST_TIME_MAX];
	int64_t back;

	fz_write("zoneinfo/Fuzz/Zone", p, n);
	{
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s/zoneinfo", fz_tmpdir());
		if (bcast_tz_load("Fuzz/Zone", dir, &tz, err, sizeof(err)) < 0)
			return;
	}
	for (size_t i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
		int32_t off = bcast_tz_offset(tz, when[i]);

		if (off <= -26 * 3600 || off >= 26 * 3600)
			fz_fail("offset %d s", off);
		bcast_tz_to_utc(tz, when[i]);
		if (when[i] <= 0)
			continue;
		bcast_time_format(when[i], tz, buf, sizeof(buf));
		/* the format drops the seconds of an offset (a local mean
		 * time such as +07:06:40): within a minute, then */
		if (bcast_time_parse(buf, tz, &back, err, sizeof(err)) != 0 ||
		    llabs(back / 1000 - when[i] / 1000) >= 60)
			fz_fail("\"%s\" does not read back: %s", buf, err);
	}
	bcast_tz_free(tz);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cgw_conf c;
	struct fz f = fz_init(data, size);
	size_t n, zn;
	const uint8_t *cfg = fz_until(&f, 0, &n);
	const uint8_t *tzif = fz_rest(&f, &zn);
	char err[1024];

	if (!fz_includes_outside(cfg, n)) {
		const char *path = fz_write("citizengw.cfg", cfg, n);

		err[0] = '\0';
		if (conf_load(&c, path, err, sizeof(err)) == 0)
			after_load(&c);
		else if (!err[0])
			fz_fail("conf_load refused without a reason");
	}
	if (zn)
		zone(tzif, zn);
	return 0;
}
