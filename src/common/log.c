/*
 * Logging: the category table and the line formatter. Owns the per-category
 * levels (process-wide: logging is the one thing every module shares).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include "common/log.h"

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

int log_apply_spec(const char *spec, char *err, size_t errlen)
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
			log_set_all(lvl);
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
			levels[cat] = lvl;
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

void log_vmsg(enum log_cat cat, enum log_level lvl, const char *prefix,
	      const char *fmt, va_list ap)
{
	char line[2048];
	size_t n = 0;

	if (timestamps) {
		struct timeval tv;
		struct tm tm;

		gettimeofday(&tv, NULL);
		gmtime_r(&tv.tv_sec, &tm);
		n += strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
		n += (size_t)snprintf(line + n, sizeof(line) - n, ".%03ldZ ",
				      (long)(tv.tv_usec / 1000));
	}
	n += (size_t)snprintf(line + n, sizeof(line) - n, "%s %s ",
			      log_level_name(lvl), log_cat_name(cat));
	if (prefix && *prefix && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, "[%s] ",
				      prefix);
	if (n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	n = strlen(line);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	/* One event, one line: control characters from the outside (MO
	 * text, PDU fields) never reach the terminal or the log file. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
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

	if (n < 8) {
		snprintf(buf, buflen, "%s", n ? "***" : "-");
		return buf;
	}
	snprintf(buf, buflen, "%.5s***%s", msisdn, msisdn + n - 2);
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
