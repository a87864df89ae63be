/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Logging: the category table, the line formatter and where lines go.
 * Owns the per-category levels and the target (process-wide: logging is
 * the one thing every module shares).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/log_sys.h"
#include "common/util.h"

static const char *const cat_names[LOG_CAT_COUNT] = {
	[LOG_MAIN] = "MAIN",   [LOG_SMPP] = "SMPP", [LOG_USSD] = "USSD",
	[LOG_MENU] = "MENU",   [LOG_REDIS] = "REDIS", [LOG_HTTP] = "HTTP",
	[LOG_BCAST] = "BCAST",
};

static const char *const level_names[LOG_LEVEL_COUNT] = {
	[LOG_ERROR] = "ERROR", [LOG_WARN] = "WARN", [LOG_NOTICE] = "NOTICE",
	[LOG_INFO] = "INFO",   [LOG_DEBUG] = "DEBUG",
};

static enum log_level levels[LOG_CAT_COUNT] = {
	LOG_NOTICE, LOG_NOTICE, LOG_NOTICE, LOG_NOTICE,
	LOG_NOTICE, LOG_NOTICE, LOG_NOTICE,
};
static bool timestamps = true;
static enum log_target target = LOG_TARGET_STDERR;
static int journal = -1;	/* stderr is the journal: -1 not known yet */

const char *const log_target_names[] = { "stderr", "syslog", NULL };

void log_set_all(enum log_level lvl)
{
	for (int i = 0; i < LOG_CAT_COUNT; i++)
		levels[i] = lvl;
}

void log_set_level(enum log_cat cat, enum log_level lvl)
{
	if (cat < LOG_CAT_COUNT)
		levels[cat] = lvl;
}

void log_set_timestamps(bool on)
{
	timestamps = on;
}

void log_set_target(enum log_target t, int facility)
{
	if (t == LOG_TARGET_SYSLOG)
		log_sys_open(facility);
	target = t;
}

int log_priority(enum log_level lvl)
{
	/* the values of LOG_ERR .. LOG_DEBUG in <syslog.h>, which this file
	 * cannot include (log_sys.h says why) */
	static const int prio[LOG_LEVEL_COUNT] = {
		[LOG_ERROR] = 3, [LOG_WARN] = 4, [LOG_NOTICE] = 5,
		[LOG_INFO] = 6, [LOG_DEBUG] = 7,
	};

	return lvl < LOG_LEVEL_COUNT ? prio[lvl] : 7;
}

bool log_fd_is_journal(int fd, const char *journal_stream)
{
	unsigned long long dev, ino;
	struct stat st;
	int end = 0;

	if (!journal_stream ||
	    sscanf(journal_stream, "%llu:%llu%n", &dev, &ino, &end) != 2 ||
	    journal_stream[end] != '\0' || fstat(fd, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

bool log_enabled(enum log_cat cat, enum log_level lvl)
{
	return cat < LOG_CAT_COUNT && lvl <= levels[cat];
}

const char *log_level_name(enum log_level lvl)
{
	return lvl < LOG_LEVEL_COUNT ? level_names[lvl] : "?";
}

const char *log_cat_name(enum log_cat cat)
{
	return cat < LOG_CAT_COUNT ? cat_names[cat] : "?";
}

static int parse_level(const char *s, size_t n, enum log_level *out)
{
	for (int i = 0; i < LOG_LEVEL_COUNT; i++) {
		if (strlen(level_names[i]) == n &&
		    strncasecmp(level_names[i], s, n) == 0) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Reads a spec into lv (every category's level); 0 or -EINVAL. */
static int parse_spec(const char *spec, enum log_level lv[LOG_CAT_COUNT],
		      char *err, size_t errlen)
{
	const char *p = spec;

	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		enum log_level lvl;

		if (!eq) {
			if (parse_level(p, n, &lvl) < 0)
				goto bad;
			for (int i = 0; i < LOG_CAT_COUNT; i++)
				lv[i] = lvl;
		} else {
			size_t cn = (size_t)(eq - p);
			int cat = -1;

			for (int i = 0; i < LOG_CAT_COUNT; i++)
				if (strlen(cat_names[i]) == cn &&
				    strncasecmp(cat_names[i], p, cn) == 0)
					cat = i;
			if (cat < 0 ||
			    parse_level(eq + 1, n - cn - 1, &lvl) < 0)
				goto bad;
			lv[cat] = lvl;
		}
		p += n;
		if (*p == ',')
			p++;
		continue;
bad:
		snprintf(err, errlen,
			 "bad log spec '%.*s' (want LEVEL or CAT=LEVEL; levels "
			 "error,warn,notice,info,debug; categories main,smpp,"
			 "ussd,menu,redis,http,bcast)", (int)n, p);
		return -EINVAL;
	}
	return 0;
}

int log_check_spec(const char *spec, char *err, size_t errlen)
{
	enum log_level lv[LOG_CAT_COUNT];

	memcpy(lv, levels, sizeof(lv));
	return parse_spec(spec, lv, err, errlen);
}

int log_apply_spec(const char *spec, char *err, size_t errlen)
{
	enum log_level lv[LOG_CAT_COUNT];
	int rc;

	/* all or nothing: a bad spec leaves the levels as they were */
	memcpy(lv, levels, sizeof(lv));
	rc = parse_spec(spec, lv, err, errlen);
	if (rc == 0)
		memcpy(levels, lv, sizeof(lv));
	return rc;
}

size_t log_format(char *buf, size_t buflen, const struct log_style *st,
		  const struct timeval *now, enum log_cat cat,
		  enum log_level lvl, const char *prefix, const char *fmt,
		  va_list ap)
{
	size_t n = 0;

	if (st->priority)
		n += (size_t)snprintf(buf, buflen, "<%d>", log_priority(lvl));
	if (st->timestamp && n < buflen) {
		struct tm tm;
		time_t sec = now->tv_sec;

		gmtime_r(&sec, &tm);
		n += strftime(buf + n, buflen - n, "%Y-%m-%dT%H:%M:%S", &tm);
		if (n < buflen)
			n += (size_t)snprintf(buf + n, buflen - n, ".%03ldZ ",
					      (long)(now->tv_usec / 1000));
	}
	if (n < buflen)
		n += (size_t)snprintf(buf + n, buflen - n, "%s %s ",
				      log_level_name(lvl), log_cat_name(cat));
	if (prefix && *prefix && n < buflen)
		n += (size_t)snprintf(buf + n, buflen - n, "[%s] ", prefix);
	if (n < buflen)
		vsnprintf(buf + n, buflen - n, fmt, ap);
	buf[buflen - 1] = '\0';
	n = strlen(buf);
	/* One event, one line: control characters from the outside (MO
	 * text, PDU fields) never reach the terminal or the log file. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	return n;
}

void log_vmsg(enum log_cat cat, enum log_level lvl, const char *prefix,
	      const char *fmt, va_list ap)
{
	char line[2048];
	struct log_style st = { false, false };
	struct timeval tv;
	size_t n;

	if (target == LOG_TARGET_SYSLOG) {
		/* syslog stamps the time itself */
		log_format(line, sizeof(line), &st, NULL, cat, lvl, prefix,
			   fmt, ap);
		log_sys_write(log_priority(lvl), line);
		return;
	}
	if (journal < 0)
		journal = log_fd_is_journal(STDERR_FILENO,
					    getenv("JOURNAL_STREAM"));
	/* under systemd, journald stamps the time and reads the priority */
	st.priority = journal;
	st.timestamp = timestamps && !journal;
	if (st.timestamp)
		gettimeofday(&tv, NULL);
	n = log_format(line, sizeof(line) - 1, &st, &tv, cat, lvl, prefix,
		       fmt, ap);
	line[n++] = '\n';
	/* One write per line so that lines of concurrent processes sharing a
	 * terminal or a file do not interleave mid-line. */
	fwrite(line, 1, n, stderr);
}

void log_msg(enum log_cat cat, enum log_level lvl, const char *prefix,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(cat, lvl, prefix, fmt, ap);
	va_end(ap);
}

const char *log_mask_msisdn(const char *msisdn, char *buf, size_t buflen)
{
	size_t n = msisdn ? strlen(msisdn) : 0;
	char m[11];

	if (n < 8) {
		util_strlcpy(buf, n ? "***" : "-", buflen);
		return buf;
	}
	/* "%.5s***%s" without snprintf: a few per message */
	memcpy(m, msisdn, 5);
	memcpy(m + 5, "***", 3);
	memcpy(m + 8, msisdn + n - 2, 3);
	util_strlcpy(buf, m, buflen);
	return buf;
}

const char *log_mask_addr(const char *addr, char *buf, size_t buflen)
{
	char shown[64];
	size_t n = 0;

	/* a newline or an escape sequence from the network must not reach
	 * the log as such */
	for (const unsigned char *p = (const unsigned char *)addr;
	     *p && n + 1 < sizeof(shown); p++)
		shown[n++] = *p >= 0x20 && *p < 0x7f ? (char)*p : '?';
	shown[n] = '\0';
	return log_mask_msisdn(shown, buf, buflen);
}
