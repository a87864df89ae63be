/*
 * Logging: categories with their own level, one line per event on stderr.
 *
 * Every line is "TIME LEVEL CAT [prefix] message". The prefix names the
 * connection or object the line is about (a bind id, a masked msisdn), so an
 * operator can grep one bind or one citizen. Timestamps can be switched off
 * so that tests compare logs byte for byte.
 */
#ifndef CGW_LOG_H
#define CGW_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

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
