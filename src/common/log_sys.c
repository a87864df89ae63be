/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * syslog(3) for common/log.c (see common/log_sys.h): owns the table of
 * facility names and values.
 */
#include "config.h"

#include <stddef.h>
#include <syslog.h>

#include "common/log_sys.h"

/* common/log.h declares it; it cannot be included here (log_sys.h) */
extern const char *const log_facility_names[];

const char *const log_facility_names[] = {
	"daemon", "user", "local0", "local1", "local2", "local3",
	"local4", "local5", "local6", "local7", NULL,
};

/* in the order of log_facility_names */
static const int facilities[] = {
	LOG_DAEMON, LOG_USER, LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3,
	LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7,
};
_Static_assert(sizeof(facilities) / sizeof(facilities[0]) ==
		       sizeof(log_facility_names) /
				       sizeof(log_facility_names[0]) - 1,
	       "a value per facility name");

void log_sys_open(int facility)
{
	int f = facility >= 0 &&
			(size_t)facility < sizeof(facilities) /
						   sizeof(facilities[0])
			? facilities[facility]
			: LOG_DAEMON;

	/* LOG_NDELAY: connect now, while /dev/log is still reachable
	 * (before any sandboxing or chroot) */
	openlog("citizengw", LOG_PID | LOG_NDELAY, f);
}

void log_sys_write(int priority, const char *line)
{
	syslog(priority, "%s", line);
}
