/*
 * Configuration loader (see common/conf.h). The schema tables below
 * are the single source of truth: defaults, bounds, validation messages,
 * the reference document and --dump-config all come from them.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/days.h"
#include "common/conf.h"
#include "common/util.h"

enum ctype { CT_STR, CT_INT, CT_BOOL, CT_DUR, CT_ENUM, CT_DAYS };

struct conf_item {
	const char *name;
	enum ctype type;
	size_t off;
	size_t size;		/* CT_STR: buffer size */
	long long min, max;	/* CT_INT, CT_DUR (ms); CT_STR: min length */
	const char *def;
	const char *const *choices;	/* CT_ENUM, value = index */
	const char *help;
};

static const char *const bind_modes[] = { "transceiver",
					  "transmitter+receiver", NULL };
static const char *const msgid_formats[] = { "string", "decimal", "hex",
					     NULL };
/* keep in the order of enum ussd_dialect_id (smpp/ussd.h) */
static const char *const ussd_dialects[] = { "standard", "vendor_ops",
					     "its_end_bit", "umr_session",
					     NULL };
/* keep in the order of enum conf_odd_senders */
static const char *const odd_senders[] = { "ignore", "namespace", NULL };
static const char *const languages[] = { "vi", "en", NULL };
/* keep in the order of enum seg_concat (text/segment.h) */
static const char *const concats[] = { "udh8", "udh16", "sar", "payload",
				       NULL };

#define G(f) offsetof(struct cgw_conf, f), sizeof(((struct cgw_conf *)0)->f)
#define S(f) offsetof(struct cgw_smsc_conf, f), \
	     sizeof(((struct cgw_smsc_conf *)0)->f)
#define HOUR (3600LL * 1000)

static const struct conf_item global_items[] = {
	{ "redis.host", CT_STR, G(redis.host), 0, 0, "127.0.0.1", NULL,
	  "Redis server host (ignored when socket is set)." },
	{ "redis.port", CT_INT, G(redis.port), 1, 65535, "6379", NULL,
	  "Redis server TCP port." },
	{ "redis.socket", CT_STR, G(redis.socket), 0, 0, "", NULL,
	  "Unix socket path of the Redis server; overrides host and port." },
	{ "redis.db", CT_INT, G(redis.db), 0, 1023, "0", NULL,
	  "Redis database number." },
	{ "redis.password", CT_STR, G(redis.password), 0, 0, "", NULL,
	  "Password sent with AUTH; empty for none." },
	{ "redis.prefix", CT_STR, G(redis.prefix), 1, 0, "cgw", NULL,
	  "Prefix of every key, so that several deployments can share one "
	  "Redis. Letters, digits, '_', '-' and '.'." },
	{ "redis.shards", CT_INT, G(redis.shards), 1, 1024, "16", NULL,
	  "Number of hash-tag shards the per-phone keys and queues are spread "
	  "over (ready for Redis Cluster). Every process sharing the Redis "
	  "must use the same value." },
	{ "redis.timeout", CT_DUR, G(redis.timeout), 50, 60000, "2s", NULL,
	  "A Redis command unanswered after this long counts as failed (an "
	  "MO then gets a temporary error)." },

	{ "ussd.service_code", CT_STR, G(ussd.service_code), 2, 0, "*8088#",
	  NULL, "The USSD code citizens dial." },
	{ "ussd.dialect", CT_ENUM, G(ussd.dialect), 0, 0, "standard",
	  ussd_dialects,
	  "How the SMS centre marks USSD sessions: standard "
	  "(ussd_service_op 1/2/17/18), vendor_ops (0x12 continue, 0x17 "
	  "close, 0x81 abort), its_end_bit (session in its_session_info, "
	  "lowest bit = end), umr_session (session in "
	  "user_message_reference)." },
	{ "ussd.session_ttl", CT_DUR, G(ussd.session_ttl), 10000, HOUR,
	  "180s", NULL,
	  "A USSD menu session left unanswered this long is forgotten." },

	{ "menus.dir", CT_STR, G(menus.dir), 1, 0, "menus", NULL,
	  "Directory of the menu files (main.cfg). A relative path is looked "
	  "up next to this file, then in the working directory, then in the "
	  "installed data directory." },
	{ "menus.language", CT_ENUM, G(menus.language), 0, 0, "vi", languages,
	  "Language of citizens who have not chosen one." },
	{ "menus.sms_session_ttl", CT_DUR, G(menus.sms_session_ttl), 10000,
	  24 * HOUR, "15m", NULL,
	  "An SMS menu session left unanswered this long is forgotten." },
	{ "menus.fold_vi", CT_BOOL, G(menus.fold_vi), 0, 0, "true", NULL,
	  "Write Vietnamese replies without diacritics (\"khong dau\") so "
	  "that they fit GSM-7: 160 characters a segment instead of 70." },
	{ "menus.fold_en", CT_BOOL, G(menus.fold_en), 0, 0, "true", NULL,
	  "The same for English replies (names and places may carry "
	  "diacritics)." },

	{ "http.listen", CT_STR, G(http.listen), 0, 0, "127.0.0.1:8088", NULL,
	  "Address of the HTTP API, the staff page and the metrics "
	  "(host:port, [v6]:port); \"\" turns HTTP off." },
	{ "http.token", CT_STR, G(http.token), 0, 0, "", NULL,
	  "Bearer token the HTTP API requires. Beyond loopback it must have "
	  "at least 16 characters, or the daemon refuses to start." },
	{ "http.max_body", CT_INT, G(http.max_body), 1024, 1073741824,
	  "16777216", NULL,
	  "Largest request body in bytes; a bigger one gets 413. A larger "
	  "list of recipients goes in several requests (docs/api.md)." },

	{ "broadcast.quiet_hours", CT_STR, G(broadcast.quiet_hours), 0, 0,
	  "21:00-07:00", NULL,
	  "Local hours (broadcast.timezone) in which broadcasts hold their "
	  "messages until the window ends; \"\" = none. Replies and notices "
	  "are not held." },
	{ "broadcast.timezone", CT_STR, G(broadcast.timezone), 1, 0,
	  "Asia/Ho_Chi_Minh", NULL,
	  "Time zone of quiet hours and of times without an offset." },
	{ "broadcast.rate", CT_INT, G(broadcast.rate), 1, 10000, "20", NULL,
	  "Messages per second of a broadcast that gives no rate, across "
	  "all gateway processes." },
	{ "broadcast.expiry", CT_DUR, G(broadcast.expiry), 60000,
	  30 * 24 * HOUR, "24h", NULL,
	  "Lifetime of a broadcast or API message that gives no expires_at, "
	  "from its schedule: nothing is sent after it." },

	{ "notices.enabled", CT_BOOL, G(notices.enabled), 0, 0, "true", NULL,
	  "Send a citizen a notice when their dossier's status changes (the "
	  "texts: notices.cfg in menus.dir)." },

	{ "log.level", CT_STR, G(log.level), 1, 0, "notice", NULL,
	  "LEVEL or LEVEL,CAT=LEVEL...; levels error, warn, notice, info, "
	  "debug; categories main, smpp, ussd, menu, redis, http, bcast. "
	  "smpp=debug traces every PDU." },
	{ "log.timestamps", CT_BOOL, G(log.timestamps), 0, 0, "true", NULL,
	  "Prefix log lines with a UTC timestamp." },

	{ "protect.replies_per_minute", CT_INT, G(protect.replies_per_minute),
	  0, 100000, "20", NULL,
	  "Most SMS replies one phone gets per minute, so that an automated "
	  "sender (or a burst of lone fragments of concatenated messages, "
	  "each a new reference) cannot keep a reply storm going; no "
	  "citizen typing on a phone reaches 20; 0 = no limit, every MO "
	  "answered. USSD "
	  "screens and replies to a valid choice in an open SMS menu do not "
	  "count (a citizen walking a menu); commands, help and wrong answers "
	  "do. Over the limit an MO is recorded and closed without a reply." },
	{ "protect.min_sender_digits", CT_INT, G(protect.min_sender_digits), 0,
	  20, "0", NULL,
	  "Senders with fewer digits (short codes, other services' robots) or "
	  "with letters get no reply; 0 = answer any sender (a carrier's "
	  "test SMS centre that sends from \"456\"). 8 suits production: "
	  "every Vietnamese subscriber number has more." },
	{ "protect.odd_senders", CT_ENUM, G(protect.odd_senders), 0, 0,
	  "ignore", odd_senders,
	  "MOs from a sender that is not a phone number for its TON/NPI (an "
	  "alphanumeric sender, a short code of TON 3 or 6, letters or other "
	  "characters in a number, more than 15 digits): ignore = recorded, "
	  "acknowledged and logged, never answered, no session, profile or "
	  "dossier touched; namespace = answered like a phone, in a namespace "
	  "of its own that never matches a subscriber's dossier, session, "
	  "profile or lock-out (it cannot file an application). Either way "
	  "such a sender never becomes the number its digits spell." },
	{ "protect.lookup_failures", CT_INT, G(protect.lookup_failures), 1,
	  1000, "5", NULL,
	  "Failed dossier lookups from one phone within lookup_window after "
	  "which its lookups are refused." },
	{ "protect.lookup_window", CT_DUR, G(protect.lookup_window), 1000,
	  24 * HOUR, "15m", NULL, "Window in which failed lookups count." },
	{ "protect.lookup_block", CT_DUR, G(protect.lookup_block), 1000,
	  7 * 24 * HOUR, "1h", NULL,
	  "How long lookups from a phone stay refused after too many "
	  "failures." },

	{ "services.holidays", CT_DAYS, G(services.holidays), 0, CONF_MAX_DAYS,
	  "", NULL,
	  "Public holidays, as [ \"2026-01-01\", ... ]: no visits to the "
	  "Public Administration Service Center are offered on them (nor on "
	  "Saturdays and Sundays)." },
	{ "services.confirm_by_sms", CT_BOOL, G(services.confirm_by_sms), 0, 0,
	  "true", NULL,
	  "After a procedure done over USSD, also send its reference number "
	  "by SMS, so that the citizen keeps it after the screen is gone." },
	{ "services.requests_max", CT_INT, G(services.requests_max), 1000,
	  100000000, "1000000", NULL,
	  "About how many procedure requests Redis keeps (over all shards, "
	  "trimmed in blocks, so a few hundred more); older ones are "
	  "dropped: export them first (citizengw-ctl requests export)." },
	{ "services.requests_keep_days", CT_INT,
	  G(services.requests_keep_days), 1, 3650, "400", NULL,
	  "Procedure requests older than this many days are dropped from "
	  "Redis (in blocks, as requests come in): export them first." },

	{ "gateway.mo_dedup_window", CT_DUR, G(gateway.mo_dedup_window), 0,
	  24 * HOUR, "120s", NULL,
	  "An MO identical to one received this recently (same sender, "
	  "recipient, text and TLVs) is a re-delivery, acknowledged and not "
	  "answered again, when that one is still being processed, was not "
	  "acknowledged within mo_ack_timeout, or was acknowledged on a "
	  "connection that dropped within mo_ack_timeout; otherwise it is a "
	  "citizen asking again, and answered. 0 = every MO is new." },
	{ "gateway.mo_ack_timeout", CT_DUR, G(gateway.mo_ack_timeout), 100,
	  60000, "5s", NULL,
	  "How long the SMS centres wait for a deliver_sm_resp before they "
	  "deliver the MO again. An MO acknowledged later, or whose "
	  "connection dropped sooner after the acknowledgement, may come "
	  "again as a re-delivery; one acknowledged sooner on a connection "
	  "that stayed up is answered when it comes again. Set it to your "
	  "SMS centre's response timeout: shorter, a re-delivery of an MO "
	  "acknowledged late may be answered twice; longer, a repeat that "
	  "reaches another gateway process that soon is taken for a "
	  "re-delivery." },
	{ "gateway.mo_lease", CT_DUR, G(gateway.mo_lease), 1000, HOUR, "15s",
	  NULL,
	  "An acknowledged MO not answered within this time (its process "
	  "died) is taken over by any gateway process." },
	{ "gateway.mt_lease", CT_DUR, G(gateway.mt_lease), 5000, HOUR, "60s",
	  NULL,
	  "An outbound message claimed by a process that stopped renewing "
	  "it for this long is taken over by another." },
	{ "gateway.reply_expiry", CT_DUR, G(gateway.reply_expiry), 10000,
	  72 * HOUR, "1h", NULL,
	  "A reply not submitted within this time is dropped as stale." },
	{ "gateway.concat_timeout", CT_DUR, G(gateway.concat_timeout), 1000,
	  HOUR, "60s", NULL,
	  "A multipart MO whose parts did not all arrive within this time "
	  "is processed with what arrived, and logged as incomplete." },
	{ "gateway.instance", CT_STR, G(gateway.instance), 0, 0, "", NULL,
	  "Name of this process in Redis and logs; default host-pid." },
};

static const struct conf_item smsc_items[] = {
	{ "id", CT_STR, S(id), 1, 0, NULL, NULL,
	  "Name of the bind in logs and metrics (required, unique)." },
	{ "host", CT_STR, S(host), 1, 0, NULL, NULL,
	  "SMS centre host name or address (required)." },
	{ "port", CT_INT, S(port), 1, 65535, "2775", NULL,
	  "SMS centre port." },
	{ "receive_port", CT_INT, S(receive_port), 0, 65535, "0", NULL,
	  "Port of the receiver connection in transmitter+receiver mode; 0 = "
	  "port." },
	{ "system_id", CT_STR, S(system_id), 1, 0, NULL, NULL,
	  "system_id of the bind (required, at most 15 characters)." },
	{ "password", CT_STR, S(password), 0, 0, "", NULL,
	  "Password of the bind (at most 8 characters)." },
	{ "system_type", CT_STR, S(system_type), 0, 0, "", NULL,
	  "system_type of the bind (at most 12 characters)." },
	{ "bind", CT_ENUM, S(bind_mode), 0, 0, "transceiver", bind_modes,
	  "transceiver, or transmitter+receiver (two connections)." },
	{ "interface_version", CT_INT, S(interface_version), 0, 255, "52",
	  NULL, "interface_version sent in binds (52 = 0x34, SMPP 3.4)." },
	{ "source_addr", CT_STR, S(source_addr), 0, 0, "", NULL,
	  "Source address of outgoing SMS (the short code)." },
	{ "source_ton", CT_INT, S(source_ton), 0, 6, "3", NULL,
	  "TON of source_addr (3 network specific: short codes)." },
	{ "source_npi", CT_INT, S(source_npi), 0, 18, "0", NULL,
	  "NPI of source_addr." },
	{ "dest_ton", CT_INT, S(dest_ton), 0, 6, "1", NULL,
	  "TON of citizen numbers (1 international)." },
	{ "dest_npi", CT_INT, S(dest_npi), 0, 18, "1", NULL,
	  "NPI of citizen numbers (1 E.164)." },
	{ "address_range", CT_STR, S(address_range), 0, 0, "", NULL,
	  "address_range sent in binds." },
	{ "connect_timeout", CT_DUR, S(connect_timeout), 100, 120000, "10s",
	  NULL, "Time allowed for the TCP connection." },
	{ "bind_timeout", CT_DUR, S(bind_timeout), 100, 120000, "10s", NULL,
	  "Time allowed for the bind response." },
	{ "enquire_link_interval", CT_DUR, S(enquire_link_interval), 1000,
	  HOUR, "30s", NULL,
	  "Idle time after which an enquire_link is sent." },
	{ "response_timeout", CT_DUR, S(response_timeout), 100, 300000, "10s",
	  NULL, "Time a request may stay unanswered." },
	{ "response_retries", CT_INT, S(response_retries), 0, 100, "3", NULL,
	  "Consecutive unanswered requests after which the link is declared "
	  "dead and re-established." },
	{ "reconnect_delay", CT_DUR, S(reconnect_delay), 100, HOUR, "1s",
	  NULL, "First delay before reconnecting (doubles, with jitter)." },
	{ "reconnect_max_delay", CT_DUR, S(reconnect_max_delay), 100, HOUR,
	  "60s", NULL, "Longest delay between reconnection attempts." },
	{ "window", CT_INT, S(window), 1, 1000, "10", NULL,
	  "Requests that may be outstanding at once." },
	{ "tps", CT_INT, S(tps), 0, 100000, "100", NULL,
	  "Most submit_sm per second on this bind; 0 = no cap." },
	{ "throttle_backoff", CT_DUR, S(throttle_backoff), 10, HOUR, "1s",
	  NULL, "Pause after a throttling answer (doubles while it lasts)." },
	{ "throttle_backoff_max", CT_DUR, S(throttle_backoff_max), 10, HOUR,
	  "60s", NULL, "Longest pause after throttling answers." },
	{ "registered_delivery", CT_BOOL, S(registered_delivery), 0, 0,
	  "true", NULL, "Request delivery receipts for SMS." },
	{ "concat", CT_ENUM, S(concat), 0, 0, "udh8", concats,
	  "How the parts of a long SMS are tied together: udh8 (UDH, 8-bit "
	  "reference), udh16 (UDH, 16-bit reference), sar (SAR TLVs) or "
	  "payload (one PDU, message_payload; the SMS centre splits)." },
	{ "packed", CT_BOOL, S(packed), 0, 0, "false", NULL,
	  "GSM-7 short_message packed 8 septets into 7 octets (some SMS "
	  "centres want it; SMPP's default is one septet per octet)." },
	{ "max_segments", CT_INT, S(max_segments), 1, 255, "6", NULL,
	  "Most segments one SMS may cost; a longer text is cut at a word "
	  "with \"...\" (and logged)." },
	{ "message_id_format", CT_ENUM, S(message_id_format), 0, 0, "string",
	  msgid_formats,
	  "How this SMS centre writes message ids in receipts versus "
	  "submit_sm_resp: string, decimal or hex." },
};

/* --- parsing helpers ---------------------------------------------------- */

int conf_parse_duration(const char *s, long long *ms)
{
	char *end;
	long long v;
	long long mul = 1000;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return -EINVAL;
	if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
		mul = 1000;
	else if (strcmp(end, "ms") == 0)
		mul = 1;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		mul = 60000;
	else if (strcmp(end, "h") == 0)
		mul = 3600000;
	else
		return -EINVAL;
	if (v > LLONG_MAX / mul)
		return -EINVAL;
	*ms = v * mul;
	return 0;
}

static int out_of_range(const struct conf_item *it, long long v, char *why,
			size_t whylen)
{
	if (it->type == CT_DUR)
		return util_err(why, whylen, -EINVAL,
			       "%lldms is out of range %lldms..%lldms", v,
			       it->min, it->max);
	return util_err(why, whylen, -EINVAL, "%lld is out of range %lld..%lld",
		       v, it->min, it->max);
}

static int set_str(const struct conf_item *it, char *dst, const char *txt,
		   bool is_num, char *why, size_t whylen)
{
	if (is_num)
		return util_err(why, whylen, -EINVAL,
			       "expects a string in quotes");
	if (strlen(txt) >= it->size)
		return util_err(why, whylen, -EINVAL,
			       "longer than %zu characters", it->size - 1);
	if ((long long)strlen(txt) < it->min)
		return util_err(why, whylen, -EINVAL, "must not be empty");
	util_strlcpy(dst, txt, it->size);
	return 0;
}

static int set_bool(bool *dst, const char *txt, long long num, bool is_num,
		    char *why, size_t whylen)
{
	if (is_num)
		*dst = num != 0;
	else if (strcmp(txt, "true") == 0)
		*dst = true;
	else if (strcmp(txt, "false") == 0)
		*dst = false;
	else
		return util_err(why, whylen, -EINVAL, "expects true or false");
	return 0;
}

/* A choice: its index into it->choices, or its name when the field is a
 * string. A number is never a choice. */
static int set_enum(const struct conf_item *it, void *dst, const char *txt,
		    bool is_num, char *why, size_t whylen)
{
	char list[256] = "";

	for (int i = 0; !is_num && it->choices[i]; i++) {
		if (strcmp(it->choices[i], txt) != 0)
			continue;
		if (it->size == sizeof(int))
			*(int *)dst = i;
		else
			util_strlcpy(dst, txt, it->size);
		return 0;
	}
	for (int i = 0; it->choices[i]; i++) {
		if (i)
			strncat(list, ", ", sizeof(list) - strlen(list) - 1);
		strncat(list, it->choices[i], sizeof(list) - strlen(list) - 1);
	}
	return util_err(why, whylen, -EINVAL, "'%s' is not one of: %s",
		       is_num ? "(a number)" : txt, list);
}

/* A bare number is seconds; text has a unit (conf_parse_duration). */
static int set_dur(const struct conf_item *it, int *dst, const char *txt,
		   long long num, bool is_num, char *why, size_t whylen)
{
	long long v = num;

	if (is_num) {
		if (v < 0 || v > LLONG_MAX / 1000)
			return out_of_range(it, v, why, whylen);
		v *= 1000;
	} else if (conf_parse_duration(txt, &v) < 0) {
		return util_err(why, whylen, -EINVAL,
			       "'%s' is not a duration (30, \"30s\", "
			       "\"250ms\", \"5m\", \"1h\")", txt);
	}
	if (v < it->min || v > it->max)
		return out_of_range(it, v, why, whylen);
	*dst = (int)v;
	return 0;
}

static int set_int(const struct conf_item *it, int *dst, long long num,
		   bool is_num, char *why, size_t whylen)
{
	if (!is_num)
		return util_err(why, whylen, -EINVAL,
			       "expects a number without quotes");
	if (num < it->min || num > it->max)
		return out_of_range(it, num, why, whylen);
	*dst = (int)num;
	return 0;
}

/* Sets item `it` of the struct at base from a number (is_num) or text;
 * 0, or -EINVAL with the reason in why. */
static int set_value(const struct conf_item *it, void *base, const char *txt,
		     long long num, bool is_num, char *why, size_t whylen)
{
	void *dst = (char *)base + it->off;

	switch (it->type) {
	case CT_STR:
		return set_str(it, dst, txt, is_num, why, whylen);
	case CT_BOOL:
		return set_bool(dst, txt, num, is_num, why, whylen);
	case CT_ENUM:
		return set_enum(it, dst, txt, is_num, why, whylen);
	case CT_DUR:
		return set_dur(it, dst, txt, num, is_num, why, whylen);
	case CT_DAYS:
		/* only the default reaches here: lists go through load_days */
		((struct conf_days *)dst)->n = 0;
		return 0;
	case CT_INT:
		return set_int(it, dst, num, is_num, why, whylen);
	}
	return -EINVAL;
}

static void apply_defaults(const struct conf_item *items, size_t n,
			   void *base)
{
	for (size_t i = 0; i < n; i++) {
		const struct conf_item *it = &items[i];
		char why[128];
		long long num = 0;
		bool is_num = false;

		if (!it->def)
			continue;
		if (it->type == CT_INT) {
			num = strtoll(it->def, NULL, 10);
			is_num = true;
		}
		set_value(it, base, it->def, num, is_num, why, sizeof(why));
	}
}

void conf_defaults(struct cgw_conf *c)
{
	memset(c, 0, sizeof(*c));
	apply_defaults(global_items, ARRAY_SIZE(global_items), c);
}

static const struct conf_item *find_item(const struct conf_item *items,
					 size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(items[i].name, name) == 0)
			return &items[i];
	return NULL;
}

static const char *src_file(const config_setting_t *s, const char *fallback)
{
	const char *f = config_setting_source_file(s);

	return f ? f : fallback;
}

/*
 * libconfig 1.5 wraps integers beyond 32 bits silently (4294969071 becomes
 * 1775): the only way to notice is to read the literal from the text.
 * Looks at every `name = literal` on line `line` of `file` and returns
 * true, with the literal in *out, when one of them is outside 32 bits and
 * wraps to `value` (and none is `value` itself).
 */
static bool wrapped_literal(const char *file, int line, const char *name,
			    int value, long long *out)
{
	FILE *f = fopen(file, "r");
	char buf[4096];
	bool wrapped = false, exact = false;
	size_t nl = strlen(name);

	if (!f)
		return false;
	for (int n = 1; fgets(buf, sizeof(buf), f); n++) {
		const char *p = buf;

		if (n != line)
			continue;
		while ((p = strstr(p, name))) {
			const char *q = p + nl;
			long long v;
			char *end;

			if ((p > buf && (isalnum((unsigned char)p[-1]) ||
					 p[-1] == '_')) ||
			    isalnum((unsigned char)*q) || *q == '_') {
				p = q;
				continue;
			}
			while (*q == ' ' || *q == '\t')
				q++;
			p = q;
			if (*q != '=' && *q != ':')
				continue;
			q++;
			errno = 0;
			v = strtoll(q, &end, 0);
			if (end == q || errno)
				continue;
			if (v == value)
				exact = true;
			else if ((v > INT_MAX || v < INT_MIN) &&
				 (int)(uint32_t)v == value) {
				wrapped = true;
				*out = v;
			}
		}
		break;
	}
	fclose(f);
	return wrapped && !exact;
}

/* [ "YYYY-MM-DD", ... ] into a struct conf_days */
static int load_days(const config_setting_t *s, const char *path,
		     const struct conf_item *it, void *base,
		     const char *file, char *err, size_t errlen)
{
	struct conf_days *days = (struct conf_days *)((char *)base + it->off);
	int n = config_setting_length(s);

	days->n = 0;
	if (n > it->max)
		return util_err(err, errlen, -EINVAL, "%s:%u: %s: at most %lld "
			       "days", src_file(s, file),
			       config_setting_source_line(s), path, it->max);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		const char *v = config_setting_get_string(e);

		if (!v || day_parse(v, &days->day[days->n]) < 0)
			return util_err(err, errlen, -EINVAL,
				       "%s:%u: %s.[%d]: '%s' is not a date "
				       "\"YYYY-MM-DD\"", src_file(e, file),
				       config_setting_source_line(e), path, i,
				       v ? v : "(not a string)");
		days->n++;
	}
	return 0;
}

static int load_setting(const config_setting_t *s, const char *path,
			const struct conf_item *it, void *base,
			const char *file, char *err, size_t errlen)
{
	char why[256];
	long long lit;
	int rc;

	if (it->type == CT_DAYS) {
		if (config_setting_is_aggregate(s) &&
		    !config_setting_is_group(s))
			return load_days(s, path, it, base, file, err, errlen);
		return util_err(err, errlen, -EINVAL,
			       "%s:%u: %s: expects a list of dates [ "
			       "\"YYYY-MM-DD\", ... ]", src_file(s, file),
			       config_setting_source_line(s), path);
	}
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		if (wrapped_literal(src_file(s, file),
				    config_setting_source_line(s),
				    config_setting_name(s),
				    config_setting_get_int(s), &lit)) {
			rc = util_err(why, sizeof(why), -EINVAL,
				     "%lld does not fit in 32 bits", lit);
			break;
		}
		rc = set_value(it, base, NULL, config_setting_get_int(s), true,
			       why, sizeof(why));
		break;
	case CONFIG_TYPE_INT64:
		rc = set_value(it, base, NULL, config_setting_get_int64(s),
			       true, why, sizeof(why));
		break;
	case CONFIG_TYPE_BOOL:
		rc = set_value(it, base, config_setting_get_bool(s) ? "true"
								   : "false",
			       0, false, why, sizeof(why));
		break;
	case CONFIG_TYPE_STRING:
		rc = set_value(it, base, config_setting_get_string(s), 0,
			       false, why, sizeof(why));
		break;
	default:
		rc = util_err(why, sizeof(why), -EINVAL,
			     "has the wrong type (a group, list or number "
			     "with a fraction)");
		break;
	}
	if (rc < 0)
		return util_err(err, errlen, rc, "%s:%u: %s: %s",
			       src_file(s, file), config_setting_source_line(s),
			       path, why);
	return 0;
}

static int load_smsc(const config_setting_t *grp, int index,
		     struct cgw_smsc_conf *sc, const char *file, char *err,
		     size_t errlen)
{
	int n = config_setting_length(grp);

	memset(sc, 0, sizeof(*sc));
	apply_defaults(smsc_items, ARRAY_SIZE(smsc_items), sc);
	sc->line = config_setting_source_line(grp);
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, i);
		const char *name = config_setting_name(s);
		const struct conf_item *it =
			find_item(smsc_items, ARRAY_SIZE(smsc_items), name);
		char path[96];
		int rc;

		snprintf(path, sizeof(path), "smsc.[%d].%s", index, name);
		if (!it)
			return util_err(err, errlen, -EINVAL,
				       "%s:%u: unknown setting '%s'",
				       src_file(s, file),
				       config_setting_source_line(s), path);
		rc = load_setting(s, path, it, sc, file, err, errlen);
		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; i < ARRAY_SIZE(smsc_items); i++)
		if (!smsc_items[i].def &&
		    !*((char *)sc + smsc_items[i].off))
			return util_err(err, errlen, -EINVAL,
				       "%s:%d: smsc.[%d]: '%s' is required",
				       src_file(grp, file), sc->line, index,
				       smsc_items[i].name);
	if (sc->reconnect_delay > sc->reconnect_max_delay)
		return util_err(err, errlen, -EINVAL,
			       "%s:%d: smsc.[%d]: reconnect_delay is longer "
			       "than reconnect_max_delay",
			       src_file(grp, file), sc->line, index);
	if (sc->throttle_backoff > sc->throttle_backoff_max)
		return util_err(err, errlen, -EINVAL,
			       "%s:%d: smsc.[%d]: throttle_backoff is longer "
			       "than throttle_backoff_max",
			       src_file(grp, file), sc->line, index);
	return 0;
}

/* --- the top level ------------------------------------------------------ */

/* smsc = ( { ... }, ... ): one bind per group */
static int load_smsc_list(struct cgw_conf *c, const config_setting_t *s,
			  const char *file, char *err, size_t errlen)
{
	int n;

	if (!config_setting_is_list(s))
		return util_err(err, errlen, -EINVAL,
			       "%s:%u: smsc must be a list: "
			       "smsc = ( { ... }, { ... } );",
			       src_file(s, file),
			       config_setting_source_line(s));
	n = config_setting_length(s);
	if (n > CONF_MAX_SMSC)
		return util_err(err, errlen, -EINVAL,
			       "%s:%u: at most %d smsc entries",
			       src_file(s, file), config_setting_source_line(s),
			       CONF_MAX_SMSC);
	for (int k = 0; k < n; k++) {
		const config_setting_t *e = config_setting_get_elem(s, k);
		int rc;

		if (!config_setting_is_group(e))
			return util_err(err, errlen, -EINVAL,
				       "%s:%u: smsc.[%d] must be a group "
				       "{ ... }", src_file(e, file),
				       config_setting_source_line(e), k);
		rc = load_smsc(e, k, &c->smsc[k], file, err, errlen);
		c->nsmsc = k + 1;
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* True when some global item lives in group `name` ("redis": redis.*). */
static bool group_known(const char *name)
{
	size_t nl = strlen(name);

	for (size_t k = 0; k < ARRAY_SIZE(global_items); k++)
		if (strncmp(global_items[k].name, name, nl) == 0 &&
		    global_items[k].name[nl] == '.')
			return true;
	return false;
}

/* One setting `e` of group `group`, found in global_items by its full
 * name ("redis.port"). */
static int load_global_item(struct cgw_conf *c, const char *group,
			    const config_setting_t *e, const char *file,
			    char *err, size_t errlen)
{
	const struct conf_item *it;
	char full[128];

	snprintf(full, sizeof(full), "%s.%s", group, config_setting_name(e));
	it = find_item(global_items, ARRAY_SIZE(global_items), full);
	if (!it)
		return util_err(err, errlen, -EINVAL,
			       "%s:%u: unknown setting '%s'", src_file(e, file),
			       config_setting_source_line(e), full);
	return load_setting(e, full, it, c, file, err, errlen);
}

/*
 * redis = { ... }, ussd = { ... }, ...: the groups of global_items. Any
 * other name is refused; an unknown group is named as such only when
 * empty (otherwise its first setting is the unknown one).
 */
static int load_global_group(struct cgw_conf *c, const config_setting_t *s,
			     const char *file, char *err, size_t errlen)
{
	const char *name = config_setting_name(s);
	int n;

	if (!config_setting_is_group(s))
		return util_err(err, errlen, -EINVAL,
			       "%s:%u: unknown setting '%s'", src_file(s, file),
			       config_setting_source_line(s), name);
	n = config_setting_length(s);
	if (n == 0 && !group_known(name))
		return util_err(err, errlen, -EINVAL,
			       "%s:%u: unknown group '%s'", src_file(s, file),
			       config_setting_source_line(s), name);
	for (int k = 0; k < n; k++) {
		int rc = load_global_item(c, name,
					  config_setting_get_elem(s, k), file,
					  err, errlen);

		if (rc < 0)
			return rc;
	}
	return 0;
}

typedef int top_load_fn(struct cgw_conf *c, const config_setting_t *s,
			const char *file, char *err, size_t errlen);

/* How each top-level setting is loaded, by name; the entry without a
 * name takes every other one. */
static const struct {
	const char *name;
	top_load_fn *load;
} top_loaders[] = {
	{ "smsc", load_smsc_list },
	{ NULL, load_global_group },
};

static top_load_fn *top_loader(const char *name)
{
	size_t i;

	for (i = 0; top_loaders[i].name; i++)
		if (strcmp(top_loaders[i].name, name) == 0)
			break;
	return top_loaders[i].load;
}

static int load_root(struct cgw_conf *c, const config_setting_t *root,
		     const char *file, char *err, size_t errlen)
{
	int n = config_setting_length(root);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(root, i);
		int rc = top_loader(config_setting_name(s))(c, s, file, err,
							    errlen);

		if (rc < 0)
			return rc;
	}
	return 0;
}

/* --- the whole file ----------------------------------------------------- */

/* c->path, and c->dir: the directory @include and menus.dir are
 * relative to. */
static int set_paths(struct cgw_conf *c, const char *path, char *err,
		     size_t errlen)
{
	const char *slash = strrchr(path, '/');

	if (util_strlcpy(c->path, path, sizeof(c->path)) >= sizeof(c->path))
		return util_err(err, errlen, -EINVAL, "%s: path too long", path);
	if (slash)
		snprintf(c->dir, sizeof(c->dir), "%.*s",
			 (int)(slash - path), path);
	else
		util_strlcpy(c->dir, ".", sizeof(c->dir));
	if (!c->dir[0])
		util_strlcpy(c->dir, "/", sizeof(c->dir));
	return 0;
}

/* Parses `path` into cfg, which the caller has initialised and destroys. */
static int read_file(config_t *cfg, const char *dir, const char *path,
		     char *err, size_t errlen)
{
	const char *efile;

	/* libconfig resolves @include against this directory, not against
	 * the including file: make it the config file's own directory. */
	config_set_include_dir(cfg, dir);
	if (config_read_file(cfg, path) == CONFIG_TRUE)
		return 0;
	if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
		return util_err(err, errlen, -EINVAL,
			       "%s: cannot read the file (%s)", path,
			       config_error_text(cfg));
	efile = config_error_file(cfg);
	return util_err(err, errlen, -EINVAL, "%s:%d: %s",
		       efile ? efile : path, config_error_line(cfg),
		       config_error_text(cfg));
}

static int check_prefix(const char *p)
{
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-.", *p))
			return -EINVAL;
	return 0;
}

static int check_smsc_ids(const struct cgw_conf *c, const char *path,
			  char *err, size_t errlen)
{
	for (int i = 0; i < c->nsmsc; i++)
		for (int k = 0; k < i; k++)
			if (strcmp(c->smsc[i].id, c->smsc[k].id) == 0)
				return util_err(err, errlen, -EINVAL,
					       "%s:%d: smsc id '%s' is already "
					       "used on line %d", path,
					       c->smsc[i].line, c->smsc[i].id,
					       c->smsc[k].line);
	return 0;
}

/* What no single setting can tell: the settings taken together. */
static int check_loaded(const struct cgw_conf *c, const char *path,
			char *err, size_t errlen)
{
	int rc;

	if (c->nsmsc == 0)
		return util_err(err, errlen, -EINVAL,
			       "%s: no smsc entry: smsc = ( { id = \"main\"; "
			       "host = ...; } );", path);
	rc = check_smsc_ids(c, path, err, errlen);
	if (rc < 0)
		return rc;
	if (check_prefix(c->redis.prefix) < 0)
		return util_err(err, errlen, -EINVAL,
			       "%s: redis.prefix '%s' may hold only letters, "
			       "digits, '_', '-' and '.'", path,
			       c->redis.prefix);
	return 0;
}

/*
 * A relative menus.dir is looked up next to this file, then in the
 * working directory, then among the installed data; the first of those
 * with a readable main.cfg wins. When none has one, the first candidate
 * is kept, so that the menu loader names it in its error.
 */
static void resolve_menus_dir(struct cgw_conf *c)
{
	const char *bases[] = { c->dir, ".", PKGDATADIR };
	char tmp[CONF_PATH_MAX], probe[CONF_PATH_MAX + 16];
	char first[CONF_PATH_MAX] = "";

	if (c->menus.dir[0] == '/')
		return;
	for (size_t i = 0; i < ARRAY_SIZE(bases); i++) {
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s", bases[i],
				     c->menus.dir) >= sizeof(tmp))
			continue;
		if (!first[0])
			util_strlcpy(first, tmp, sizeof(first));
		snprintf(probe, sizeof(probe), "%s/main.cfg", tmp);
		if (access(probe, R_OK) == 0) {
			util_strlcpy(c->menus.dir, tmp, sizeof(c->menus.dir));
			return;
		}
	}
	if (first[0])
		util_strlcpy(c->menus.dir, first, sizeof(c->menus.dir));
}

int conf_load(struct cgw_conf *c, const char *path, char *err, size_t errlen)
{
	config_t cfg;
	int rc;

	conf_defaults(c);
	rc = set_paths(c, path, err, errlen);
	if (rc < 0)
		return rc;
	config_init(&cfg);
	rc = read_file(&cfg, c->dir, path, err, errlen);
	if (rc == 0)
		rc = load_root(c, config_root_setting(&cfg), path, err,
			       errlen);
	config_destroy(&cfg);
	if (rc == 0)
		rc = check_loaded(c, path, err, errlen);
	if (rc == 0)
		resolve_menus_dir(c);
	return rc;
}

/* --- reference and dump ------------------------------------------------- */

static void print_default(FILE *out, const struct conf_item *it)
{
	if (!it->def)
		fprintf(out, "(required)");
	else if (it->type == CT_DAYS)
		fprintf(out, "`[]`");
	else if (it->type == CT_STR || it->type == CT_ENUM ||
		 (it->type == CT_DUR))
		fprintf(out, "`\"%s\"`", it->def);
	else
		fprintf(out, "`%s`", it->def);
}

static const char *type_name(const struct conf_item *it)
{
	switch (it->type) {
	case CT_STR: return "string";
	case CT_INT: return "integer";
	case CT_BOOL: return "boolean";
	case CT_DUR: return "duration";
	case CT_ENUM: return "choice";
	case CT_DAYS: return "list of dates";
	}
	return "?";
}

static void print_table(FILE *out, const struct conf_item *items, size_t n,
			const char *prefix)
{
	fprintf(out, "| setting | type | default | bounds | meaning |\n");
	fprintf(out, "|---|---|---|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		const struct conf_item *it = &items[i];

		fprintf(out, "| `%s%s` | %s | ", prefix, it->name,
			type_name(it));
		print_default(out, it);
		fprintf(out, " | ");
		if (it->type == CT_INT)
			fprintf(out, "%lld..%lld", it->min, it->max);
		else if (it->type == CT_DUR)
			fprintf(out, "%lldms..%lldms", it->min, it->max);
		else if (it->type == CT_STR)
			fprintf(out, "at most %zu chars", it->size - 1);
		else if (it->type == CT_DAYS)
			fprintf(out, "at most %lld, `\"YYYY-MM-DD\"`",
				it->max);
		else if (it->type == CT_ENUM)
			for (int k = 0; it->choices[k]; k++)
				fprintf(out, "%s`%s`", k ? ", " : "",
					it->choices[k]);
		fprintf(out, " | %s |\n", it->help);
	}
}

void conf_print_reference(FILE *out)
{
	fprintf(out,
		"# citizengw configuration reference\n\n"
		"Generated by `citizengw --config-reference` from the schema "
		"the loader validates against.\nDurations are a number of "
		"seconds (`30`) or a string with a unit (`\"250ms\"`, "
		"`\"30s\"`, `\"5m\"`, `\"1h\"`).\nUnknown settings are "
		"errors; `citizengw -t -c FILE` reports them with file:line."
		"\n\n## Global settings\n\n");
	print_table(out, global_items, ARRAY_SIZE(global_items), "");
	fprintf(out, "\n## SMS centre binds: `smsc = ( { ... }, ... );`\n\n"
		     "Each entry of the `smsc` list is one bind.\n\n");
	print_table(out, smsc_items, ARRAY_SIZE(smsc_items), "smsc.[].");
}

static void dump_item(FILE *out, const struct conf_item *it, const void *base,
		      const char *indent, const char *name)
{
	const void *v = (const char *)base + it->off;

	fprintf(out, "%s%s = ", indent, name);
	switch (it->type) {
	case CT_STR:
		if (strstr(it->name, "password") || strstr(it->name, "token"))
			fprintf(out, "\"%s\";\n", *(const char *)v ? "***" : "");
		else
			fprintf(out, "\"%s\";\n", (const char *)v);
		break;
	case CT_INT:
		fprintf(out, "%d;\n", *(const int *)v);
		break;
	case CT_BOOL:
		fprintf(out, "%s;\n", *(const bool *)v ? "true" : "false");
		break;
	case CT_DUR:
		fprintf(out, "\"%dms\";\n", *(const int *)v);
		break;
	case CT_ENUM:
		if (it->size == sizeof(int))
			fprintf(out, "\"%s\";\n", it->choices[*(const int *)v]);
		else
			fprintf(out, "\"%s\";\n", (const char *)v);
		break;
	case CT_DAYS: {
		const struct conf_days *d = v;

		fprintf(out, "[");
		for (int i = 0; i < d->n; i++) {
			char iso[16];

			day_iso(d->day[i], iso, sizeof(iso));
			fprintf(out, "%s \"%s\"", i ? "," : "", iso);
		}
		fprintf(out, " ];\n");
		break;
	}
	}
}

void conf_dump(const struct cgw_conf *c, FILE *out)
{
	char group[32] = "";

	for (size_t i = 0; i < ARRAY_SIZE(global_items); i++) {
		const struct conf_item *it = &global_items[i];
		const char *dot = strchr(it->name, '.');

		if (strncmp(group, it->name, (size_t)(dot - it->name)) ||
		    group[dot - it->name]) {
			if (group[0])
				fprintf(out, "};\n");
			snprintf(group, sizeof(group), "%.*s",
				 (int)(dot - it->name), it->name);
			fprintf(out, "%s = {\n", group);
		}
		dump_item(out, it, c, "  ", dot + 1);
	}
	if (group[0])
		fprintf(out, "};\n");
	fprintf(out, "smsc = (\n");
	for (int k = 0; k < c->nsmsc; k++) {
		fprintf(out, "  {\n");
		for (size_t i = 0; i < ARRAY_SIZE(smsc_items); i++)
			dump_item(out, &smsc_items[i], &c->smsc[k], "    ",
				  smsc_items[i].name);
		fprintf(out, "  }%s\n", k + 1 < c->nsmsc ? "," : "");
	}
	fprintf(out, ");\n");
}
