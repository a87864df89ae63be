/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Broadcasts: the pure rules behind a broadcast to a list of citizens,
 * for the HTTP API, citizengw-ctl and the daemon's dispatcher.
 *
 *  - templates: "Xin chao {name}, ho so {code} ..." parsed once, checked
 *    against the recipients' columns, rendered per recipient;
 *  - recipients: a streaming reader over a CSV text or over items the
 *    caller feeds one by one (the JSON form); each recipient comes out
 *    with its normalised phone and its line, or as a rejection with the
 *    line and the reason; the reader's memory does not grow with the
 *    number of recipients;
 *  - cost: encoding and segments of one text, and the totals and samples
 *    of a whole broadcast;
 *  - time zones (tzdata when present, built-in fixed zones otherwise),
 *    quiet hours, and ISO 8601 times in and out.
 *
 * No I/O except reading files in the loaders (bcast_tz_load()), no clock:
 * the caller passes "now" (UTC milliseconds since the epoch). Errors are
 * 0 / negative errno plus a message in a caller-given buffer (err, errlen;
 * err may be NULL). Every message that quotes input quotes it as valid
 * UTF-8 without control characters, cut to a few dozen characters, so
 * that it can go into a JSON answer as is.
 */
#ifndef CGW_BCAST_H
#define CGW_BCAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "services/phone.h"
#include "text/segment.h"
#include "text/text.h"

/* The rendered text must fit the MT's text buffer (STORE_TEXT_MAX, NUL
 * included): at most BCAST_TEXT_MAX - 1 bytes. */
#define BCAST_TEXT_MAX 1024
#define BCAST_TPL_MAX 8192	/* bytes of a template's source */
#define BCAST_VARS_MAX 32	/* variables per recipient */
#define BCAST_NAME_MAX 32	/* bytes of a variable's name */
#define BCAST_VALUE_MAX 256	/* bytes of a variable's value */
#define BCAST_NAMES_MAX 64	/* names a reader lists (bcast_names) */
#define BCAST_GIVEN_MAX 48	/* a rejected phone as given, cut */
#define BCAST_ERR_MAX 160	/* the reason of a rejection */
#define BCAST_SAMPLES 3		/* recipients shown in a preview */
#define BCAST_TIME_MAX 32	/* "2026-12-01T10:00:00+07:00" + NUL */

/* --- variables ---------------------------------------------------------- */

/*
 * Variable names are matched on a key: diacritics folded (text_fold),
 * ASCII lower case, ' ' and '-' read as '_'. So {ho_ten}, {Họ_tên} and a
 * column headed "Họ tên" are one variable; {name} matches "Name".
 */
struct bcast_var {
	char name[BCAST_NAME_MAX + 1];	/* as the header or item wrote it */
	char key[BCAST_NAME_MAX + 1];	/* its key (set by bcast_vars_set) */
	char value[BCAST_VALUE_MAX + 1];	/* valid UTF-8, trimmed */
};

struct bcast_vars {
	unsigned n;
	struct bcast_var v[BCAST_VARS_MAX];
};

/* The value of a variable by name (matched on its key), or NULL. */
const char *bcast_vars_get(const struct bcast_vars *vars, const char *name);
/*
 * Sets a variable (replacing one with the same key). 0, or nothing is
 * stored and: -EINVAL (empty name), -ENAMETOOLONG (name longer than
 * BCAST_NAME_MAX bytes), -EMSGSIZE (value longer than BCAST_VALUE_MAX),
 * -EILSEQ (name or value not UTF-8), -E2BIG (BCAST_VARS_MAX already).
 */
int bcast_vars_set(struct bcast_vars *vars, const char *name,
		   const char *value);

/* A list of known variable names (a reader's columns, for the check). */
struct bcast_names {
	unsigned n;
	char name[BCAST_NAMES_MAX][BCAST_NAME_MAX + 1];
};

/* True when both names have the same key (see above). */
bool bcast_name_eq(const char *a, const char *b);

/* --- templates ---------------------------------------------------------- */

/*
 * A template: text with {variable} placeholders. A name has letters
 * (Vietnamese ones too), digits and '_', at most BCAST_NAME_MAX bytes;
 * "{{" and "}}" write a literal brace. Refused, with the character
 * position (1-based, in characters not bytes) in the message: an unclosed
 * '{', an empty or malformed name, a lone '}', invalid UTF-8, an empty
 * template, more than BCAST_TPL_MAX bytes, or literal text alone longer
 * than BCAST_TEXT_MAX - 1 bytes.
 */
struct bcast_tpl;

/* Parses text. On success *out is the caller's: bcast_tpl_free(). */
int bcast_tpl_parse(const char *text, struct bcast_tpl **out, char *err,
		    size_t errlen);
void bcast_tpl_free(struct bcast_tpl *t);
/* The distinct variables, in order of first use (names as written). */
unsigned bcast_tpl_nvars(const struct bcast_tpl *t);
const char *bcast_tpl_var(const struct bcast_tpl *t, unsigned i);
/* The first variable not in known (NULL: all known). Points into t. */
const char *bcast_tpl_unknown(const struct bcast_tpl *t,
			      const struct bcast_names *known);
/*
 * Checks a broadcast template against the recipients' names (known, as
 * bcast_reader_names() gives them: "phone" first). -EINVAL with
 * "template: unknown variable {nmae}; the recipients have: phone, name,
 * code".
 */
int bcast_tpl_check(const struct bcast_tpl *t,
		    const struct bcast_names *known, char *err,
		    size_t errlen);
/*
 * Renders with vars (a missing variable renders empty) into out.
 * cap >= BCAST_TEXT_MAX is what the MT holds; the text is never cut:
 * -EMSGSIZE ("the text is 1130 bytes, at most 1023") when it does not
 * fit in cap. Values are inserted as they are (no folding here).
 */
int bcast_tpl_render(const struct bcast_tpl *t, const struct bcast_vars *vars,
		     char *out, size_t cap, char *err, size_t errlen);

/* --- recipients --------------------------------------------------------- */

/*
 * The phone column (CSV header or item key): "phone", "so_dien_thoai",
 * "sdt", "msisdn", "số điện thoại" (any case, with or without diacritics,
 * spaces or underscores). Every other column is a variable named by its
 * header (trimmed). A column with an empty header is ignored (the trailing
 * separators spreadsheets leave).
 */
bool bcast_is_phone_column(const char *name);

struct bcast_rcpt {
	long line;		/* CSV line where the record starts, or the
				 * 1-based index of a fed item */
	char msisdn[PHONE_MAX];	/* 84xxxxxxxxx; "" in a rejection */
	char phone[BCAST_GIVEN_MAX];	/* the phone as given (trimmed,
					 * cut, made printable) */
	char error[BCAST_ERR_MAX];	/* a rejection's reason; "" else */
	struct bcast_vars vars;	/* the other columns (not "phone") */
};

/* What bcast_reader_next() and bcast_item_end() return (or < 0). */
enum {
	BCAST_END = 0,		/* no more records (CSV) */
	BCAST_ACCEPTED = 1,	/* a recipient: msisdn and vars */
	BCAST_REJECTED = 2,	/* line, phone as given, error */
};

struct bcast_stats {
	unsigned long records;	/* data records read (not the header) */
	unsigned long accepted;	/* accepted and not marked duplicate */
	unsigned long duplicates;	/* bcast_reader_duplicate() */
	unsigned long rejected;	/* invalid phone, fields, UTF-8, bounds */
};

struct bcast_reader;

/*
 * A reader over a CSV text (UTF-8, optional BOM, CRLF or LF, ',' or ';',
 * quoted fields: common/csv.h). data must outlive the reader. Reads the
 * header; -EINVAL when the CSV is empty, holds a NUL byte, its header is
 * not UTF-8, has no phone column or two, a duplicate or too long column
 * name, more than BCAST_VARS_MAX variable columns, or a quote that never
 * closes. -ENOMEM. *out is the caller's: bcast_reader_free().
 */
int bcast_reader_csv(const char *data, size_t len, struct bcast_reader **out,
		     char *err, size_t errlen);
/* A reader fed item by item (bcast_item_*), or NULL (no memory). */
struct bcast_reader *bcast_reader_items(void);
void bcast_reader_free(struct bcast_reader *r);

/*
 * The next record of a CSV reader: BCAST_ACCEPTED or BCAST_REJECTED with
 * *out pointing to the reader's recipient (valid until the next call),
 * BCAST_END, or -EINVAL (a quote opened on some line never closes: the
 * rest of the text cannot be read; message in err), -ENOMEM.
 * A row is rejected when its number of fields differs from the header's,
 * it is not UTF-8, its phone is empty or not a Vietnamese mobile number,
 * or a value is longer than BCAST_VALUE_MAX bytes.
 */
int bcast_reader_next(struct bcast_reader *r, const struct bcast_rcpt **out,
		      char *err, size_t errlen);

/*
 * Feeding items (the JSON form: one object per recipient): begin, one add
 * per name/value pair (value NULL reads as ""; the caller turns numbers
 * into text), end. The phone comes under a phone column name. A name or
 * value that is not UTF-8 or too long, or more than BCAST_VARS_MAX
 * variables, rejects the item (the first problem is its error). end
 * returns BCAST_ACCEPTED or BCAST_REJECTED and *out as above.
 */
void bcast_item_begin(struct bcast_reader *r);
void bcast_item_add(struct bcast_reader *r, const char *name,
		    const char *value);
int bcast_item_end(struct bcast_reader *r, const struct bcast_rcpt **out);

/*
 * Names a template may use: "phone" first, then the CSV's variable
 * columns, or the names seen so far in fed items (the first
 * BCAST_NAMES_MAX - 1). Valid while the reader lives.
 */
const struct bcast_names *bcast_reader_names(const struct bcast_reader *r);

/*
 * Duplicates are the caller's call: it keeps the set of phones (in Redis,
 * or in a bcast_seen below) and, when the recipient just returned was
 * seen before, says so here: it moves from accepted to duplicates.
 * 0, or -EINVAL when the last result was not an accepted recipient.
 */
int bcast_reader_duplicate(struct bcast_reader *r);
void bcast_reader_stats(const struct bcast_reader *r, struct bcast_stats *st);
/* Rejections so far (stats.rejected). */
unsigned long bcast_reader_rejected(const struct bcast_reader *r);
/*
 * Bytes the reader holds now. It is bounded by the longest record read
 * (and drops a buffer grown past 64 KiB after use), never by the number
 * of records.
 */
size_t bcast_reader_footprint(const struct bcast_reader *r);

/*
 * A set of phones in memory (4 bytes per slot, at most half full: about
 * 8 MB for a million recipients), for callers that dedupe without Redis.
 */
struct bcast_seen;

struct bcast_seen *bcast_seen_new(void);
/* 1: first time, 0: seen before, -EINVAL (not 84xxxxxxxxx), -ENOMEM. */
int bcast_seen_add(struct bcast_seen *s, const char *msisdn);
size_t bcast_seen_count(const struct bcast_seen *s);
void bcast_seen_free(struct bcast_seen *s);

/*
 * Renders a broadcast template for one recipient: its variables, and the
 * built-in {phone} written as a citizen reads it (0912345678). As
 * bcast_tpl_render().
 */
int bcast_render(const struct bcast_tpl *t, const struct bcast_rcpt *rc,
		 char *out, size_t cap, char *err, size_t errlen);

/* --- cost --------------------------------------------------------------- */

struct bcast_price {
	enum text_enc enc;	/* TEXT_ENC_GSM7 or UCS2 (or a forced one) */
	unsigned segments;	/* what the SMS centre bills */
	struct text_plan plan;
};

/*
 * Prices one text as the sender will send it: folded when `fold` (the
 * language rule: menus.fold_vi), encoded as text_choose() decides (or as
 * bind->enc forces), cut with the bind's concatenation. `bind` gives enc,
 * concat and max_segments (its own fold is ignored). When sent is not
 * NULL the text as sent (folded) is written there (cap = strlen(text)+1
 * suffices). 0, or -EMSGSIZE ("needs 12 segments, the bind allows 8":
 * *out is filled) or -EINVAL.
 */
int bcast_price(const char *text, bool fold, const struct seg_opts *bind,
		struct bcast_price *out, char *sent, size_t sentcap,
		char *err, size_t errlen);

struct bcast_sample {
	char msisdn[PHONE_MAX];
	char text[BCAST_TEXT_MAX];	/* as sent (folded) */
	enum text_enc enc;	/* text_enc_name(): "gsm7", "ucs2" */
	unsigned segments;
};

/* The cost of a broadcast, recipient by recipient. */
struct bcast_totals {
	uint64_t messages, segments;
	/* per encoding, indexed by enum text_enc (AUTO stays 0) */
	uint64_t enc_messages[TEXT_ENC_LATIN1 + 1];
	uint64_t enc_segments[TEXT_ENC_LATIN1 + 1];
	unsigned nsamples;	/* the first BCAST_SAMPLES recipients */
	struct bcast_sample samples[BCAST_SAMPLES];
};

void bcast_totals_init(struct bcast_totals *t);
/*
 * Prices text (bcast_price()) and adds it. A text over the bind's
 * max_segments is not added: -EMSGSIZE, and the caller rejects that
 * recipient (or the broadcast).
 */
int bcast_totals_add(struct bcast_totals *t, const char *msisdn,
		     const char *text, bool fold, const struct seg_opts *bind,
		     char *err, size_t errlen);

/* --- time zones ---------------------------------------------------------- */

/*
 * A time zone: an IANA name read from tzdata (TZif files, with the POSIX
 * rule at their end for the years after the last transition), or built
 * in: fixed offsets "+07:00", "+0700", "+07", "UTC+7", "UTC+07:00",
 * "UTC-3", and "UTC" / "Etc/UTC", always; "Asia/Ho_Chi_Minh" (and
 * "Asia/Saigon") as UTC+7 without daylight saving when tzdata lacks it
 * (a minimal container has no tzdata).
 */
struct bcast_tz;

/*
 * Loads a zone. zoneinfo_dir NULL: $TZDIR, else /usr/share/zoneinfo.
 * -EINVAL for a malformed name or a damaged TZif file, -ENOENT for a name
 * neither tzdata nor the built-ins know, -ENOMEM. *out is the caller's:
 * bcast_tz_free().
 */
int bcast_tz_load(const char *name, const char *zoneinfo_dir,
		  struct bcast_tz **out, char *err, size_t errlen);
void bcast_tz_free(struct bcast_tz *tz);
const char *bcast_tz_name(const struct bcast_tz *tz);
/* True when the zone is a built-in (fixed offset, no tzdata). */
bool bcast_tz_builtin(const struct bcast_tz *tz);
/* Offset from UTC in seconds (east positive) at a UTC instant. */
int32_t bcast_tz_offset(const struct bcast_tz *tz, int64_t utc_ms);
/*
 * The UTC instant of a local wall-clock time (seconds since the epoch as
 * if the local time were UTC, times 1000 for ms). A time that happens
 * twice (clocks set back) is the first; a time that does not happen
 * (clocks set forward) is moved forward by the gap (02:30 -> 03:30).
 */
int64_t bcast_tz_to_utc(const struct bcast_tz *tz, int64_t local_ms);

/* --- quiet hours ---------------------------------------------------------- */

/* A daily window of local time when nothing is sent. */
struct bcast_quiet {
	bool on;		/* false: no quiet hours */
	int start, end;		/* minutes after local midnight; the window
				 * is [start, end), wrapping midnight when
				 * start > end */
};

/*
 * "21:00-07:00" (HH:MM-HH:MM, spaces allowed around '-'), "" = off.
 * -EINVAL for a bad time or start == end.
 */
int bcast_quiet_parse(const char *s, struct bcast_quiet *q, char *err,
		      size_t errlen);
/* "21:00-07:00", or "" when off. out: 12 bytes. */
void bcast_quiet_format(const struct bcast_quiet *q, char *out, size_t cap);
/* True when sending is allowed at now_ms (outside the window). */
bool bcast_quiet_allows(const struct bcast_quiet *q, const struct bcast_tz *tz,
			int64_t now_ms);
/*
 * The first instant at or after now_ms when sending is allowed: now_ms
 * itself, or the end of the window (whole seconds), across midnight and
 * daylight-saving changes.
 */
int64_t bcast_quiet_next(const struct bcast_quiet *q,
			 const struct bcast_tz *tz, int64_t now_ms);

/* --- times ----------------------------------------------------------------- */

/*
 * ISO 8601: "2026-12-01T10:00:00+07:00", "...Z", "+0700", "+07",
 * seconds and a fraction optional ("2026-12-01T10:00"), 'T' or a space
 * between date and time; without an offset the time is local in tz;
 * "2026-12-01" alone is local midnight. Years 1970..2199. -EINVAL with
 * "\"2026-1-01\" is not a time (2026-12-01T10:00:00+07:00)", followed by
 * the reason when the shape was right (": there is no month 13",
 * ": 2026-02 has no day 30"). The caller puts the field's name first.
 */
int bcast_time_parse(const char *s, const struct bcast_tz *tz,
		     int64_t *utc_ms, char *err, size_t errlen);
/* "2026-12-01T10:00:00+07:00": local time in tz with its offset (seconds
 * dropped from an offset that has them; UTC, "+00:00", when the offset is
 * beyond the parser's 14:59, in a damaged zone file). Returns the
 * length. */
size_t bcast_time_format(int64_t utc_ms, const struct bcast_tz *tz, char *out,
			 size_t cap);

#endif
