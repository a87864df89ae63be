/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Logging: categories with their own level, one line per event, on stderr
 * or to syslog(3).
 *
 * Every line is "TIME LEVEL CAT [prefix] message". The prefix names the
 * connection or object the line is about (a bind id, a masked msisdn), so an
 * operator can grep one bind or one citizen. Timestamps can be switched off
 * so that tests compare logs byte for byte. When stderr is the systemd
 * journal ($JOURNAL_STREAM names it), a line is "<N>LEVEL CAT ..." instead:
 * the sd-daemon(3) priority, which journald takes off and records, and no
 * timestamp (journald adds its own). With syslog, the line without a
 * timestamp goes to syslog(3) at its priority.
 *
 * What citizens write or read (SMS text, USSD input, menu screens) is
 * logged at LOG_DEBUG only; above it their numbers go through
 * log_mask_msisdn() or log_mask_addr() (the PDU trace at debug shows
 * PDUs as they are).
 */
#ifndef CGW_LOG_H
#define CGW_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

enum log_cat {
	LOG_MAIN,
	LOG_SMPP,
	LOG_USSD,
	LOG_MENU,
	LOG_REDIS,
	LOG_HTTP,
	LOG_BCAST,
	LOG_CAT_COUNT
};

enum log_level {
	LOG_ERROR,
	LOG_WARN,
	LOG_NOTICE,
	LOG_INFO,
	LOG_DEBUG,
	LOG_LEVEL_COUNT
};

/* Sets every category to `lvl`. */
void log_set_all(enum log_level lvl);
void log_set_level(enum log_cat cat, enum log_level lvl);

/*
 * Applies a spec such as "info" or "info,smpp=debug,redis=warn".
 * Returns 0, or -EINVAL with a message in err.
 */
int log_apply_spec(const char *spec, char *err, size_t errlen);

/* Timestamps on (default) or off (deterministic output for tests). */
void log_set_timestamps(bool on);

/* Where lines go (log.target); named in log_target_names, same order. */
enum log_target {
	LOG_TARGET_STDERR,	/* the journal's way when stderr is it */
	LOG_TARGET_SYSLOG,
};
extern const char *const log_target_names[];	/* NULL-terminated */
/* syslog facilities by name ("daemon", "user", "local0".."local7"),
 * NULL-terminated; log_set_target() takes an index. */
extern const char *const log_facility_names[];

/* Sends the lines to `target`; for syslog, opens it as "citizengw" with
 * the pid in `facility` (an index into log_facility_names). Start-up only:
 * lines logged before go to stderr. */
void log_set_target(enum log_target target, int facility);

/* Checks a spec as log_apply_spec() would, changing nothing. */
int log_check_spec(const char *spec, char *err, size_t errlen);

/* How log_format() writes a line. */
struct log_style {
	bool timestamp;		/* "2026-12-05T05:25:00.123Z " first */
	bool priority;		/* "<N>" first: sd-daemon(3) */
};

/* The syslog(3) / sd-daemon(3) priority of a level: 3 (error), 4 (warn),
 * 5 (notice), 6 (info), 7 (debug). */
int log_priority(enum log_level lvl);

/*
 * Formats one line, without its newline, into buf: control characters
 * become '?', a line too long is cut. `now` is read only with
 * st->timestamp. Returns the length written (less than buflen, which must
 * be at least 2).
 */
size_t log_format(char *buf, size_t buflen, const struct log_style *st,
		  const struct timeval *now, enum log_cat cat,
		  enum log_level lvl, const char *prefix, const char *fmt,
		  va_list ap) __attribute__((format(printf, 8, 0)));

/* True when journal_stream ("DEV:INODE", as systemd puts in
 * $JOURNAL_STREAM; NULL when unset) names the file open on fd, that is
 * when fd is connected to the systemd journal (systemd.exec(5)). */
bool log_fd_is_journal(int fd, const char *journal_stream);

bool log_enabled(enum log_cat cat, enum log_level lvl);

void log_msg(enum log_cat cat, enum log_level lvl, const char *prefix,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* format(printf, 4, 0): clang's -Wformat-nonliteral (in -Wformat=2)
 * then knows fmt is checked at the callers of log_msg() */
void log_vmsg(enum log_cat cat, enum log_level lvl, const char *prefix,
	      const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

/* Formats the arguments only when the level is enabled. */
#define LOGP(cat, lvl, prefix, ...)                                          \
	do {                                                                 \
		if (log_enabled((cat), (lvl)))                               \
			log_msg((cat), (lvl), (prefix), __VA_ARGS__);        \
	} while (0)

/*
 * Masks a phone number for logs: keeps the first 5 and last 2 digits
 * ("84912***78"). Writes into buf (at least 24 bytes) and returns it.
 */
const char *log_mask_msisdn(const char *msisdn, char *buf, size_t buflen);

/*
 * The same for an address as an SMS centre sent it (untrusted bytes): a
 * byte that is not printable ASCII shows as '?', then it is masked like a
 * phone number. Writes into buf (at least 24 bytes) and returns it.
 */
const char *log_mask_addr(const char *addr, char *buf, size_t buflen);

const char *log_level_name(enum log_level lvl);
const char *log_cat_name(enum log_cat cat);

#endif
