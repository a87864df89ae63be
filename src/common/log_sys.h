/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * syslog(3) for common/log.c. Apart because <syslog.h> defines LOG_NOTICE,
 * LOG_INFO and LOG_DEBUG as macros, the names of enum log_level: this
 * header and log_sys.c never see common/log.h's enum, and log.c never
 * sees <syslog.h>.
 */
#ifndef CGW_LOG_SYS_H
#define CGW_LOG_SYS_H

/* openlog("citizengw", LOG_PID | LOG_NDELAY, the facility at `facility`
 * in log_facility_names; LOG_DAEMON when out of range). */
void log_sys_open(int facility);

/* One line at a syslog priority (3 error .. 7 debug). */
void log_sys_write(int priority, const char *line);

#endif
