/* SPDX-License-Identifier: GPL-3.0-or-later */
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
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/days.h"
#include "common/conf.h"
#include "common/log.h"
#include "common/util.h"

/* CT_PATH: a string naming a file or directory; a relative one is taken
 * relative to the configuration file (resolve_paths). */
enum ctype { CT_STR, CT_PATH, CT_INT, CT_BOOL, CT_DUR, CT_ENUM, CT_DAYS,
	     CT_ADDRS };

struct conf_item {
	const char *name;
	enum ctype type;
	size_t off;
	size_t size;		/* CT_STR, CT_PATH: buffer size */
	long long min, max;	/* CT_INT, CT_DUR (ms); CT_STR, CT_PATH: min
				 * length */
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
	{ "redis.socket", CT_PATH, G(redis.socket), 0, 0, "", NULL,
	  "Unix socket path of the Redis server; overrides host and port." },
	{ "redis.db", CT_INT, G(redis.db), 0, 1023, "0", NULL,
	  "Redis database number." },
	{ "redis.user", CT_STR, G(redis.user), 0, 0, "", NULL,
	  "ACL user (Redis 6 and later) sent with AUTH user password; "
	  "empty for the default user (requirepass). Needs redis.password." },
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
	{ "redis.sentinels", CT_ADDRS, G(redis.sentinels), 0, CONF_MAX_ADDRS,
	  "", NULL,
	  "Redis Sentinel: the sentinels, as ( \"10.0.0.1:26379\", ... ); "
	  "the master is asked of them in turn, and followed through a "
	  "failover (docs/scaling.md). Needs master_name; excludes host, "
	  "port and socket." },
	{ "redis.master_name", CT_STR, G(redis.master_name), 0, 0, "", NULL,
	  "The name the sentinels know the master by (their `sentinel "
	  "monitor <name> ...`)." },
	{ "redis.sentinel_user", CT_STR, G(redis.sentinel_user), 0, 0, "",
	  NULL, "ACL user for the sentinels; empty for the default user." },
	{ "redis.sentinel_password", CT_STR, G(redis.sentinel_password), 0, 0,
	  "", NULL, "Password the sentinels ask (their requirepass); empty "
	  "for none." },
	{ "redis.wait_replicas", CT_INT, G(redis.wait_replicas), 0, 16, "0",
	  NULL, "An MO is acknowledged to the SMS centre only once this many "
	  "replicas have it (WAIT); fewer within wait_timeout and it is "
	  "refused with ESME_RX_T_APPN, to be delivered again. 0: once the "
	  "master has it (a failover may lose the last MOs acknowledged)." },
	{ "redis.wait_timeout", CT_DUR, G(redis.wait_timeout), 10, 10000,
	  "200ms", NULL, "How long an MO waits for its replicas "
	  "(wait_replicas); keep it well under redis.timeout." },

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
	{ "ussd.sessions_exact", CT_BOOL, G(ussd.sessions_exact), 0, 0,
	  "false", NULL,
	  "Step every USSD session by a script in Redis, its version checked "
	  "and its new screen written in one atomic call. false writes a "
	  "USSD answer's step with plain commands (half of Redis's "
	  "instructions per answer) and puts back what it found when another "
	  "MO of the phone stepped the session meanwhile (two gateway "
	  "processes); a third MO of that phone reading the session in the "
	  "moment before it is put back may step from the write taken back." },

	{ "menus.dir", CT_PATH, G(menus.dir), 1, 0, "menus", NULL,
	  "Directory of the menu files (main.cfg, notices.cfg, communes.cfg, "
	  "procedures/). A relative path is relative to the directory of "
	  "this file, never to the working directory; when it has no "
	  "main.cfg there, the same path in the installed data directory "
	  "is used (the shipped menus)." },
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
	{ "http.metrics_without_token", CT_BOOL,
	  G(http.metrics_without_token), 0, 0, "false", NULL,
	  "Lets a client connecting from loopback (127.0.0.0/8, ::1) read "
	  "/metrics and /healthz without the token, for a local Prometheus "
	  "or health check; every other route and every other client still "
	  "needs it (docs/metrics.md)." },
	{ "http.tls_cert_file", CT_PATH, G(http.tls_cert_file), 0, 0, "", NULL,
	  "PEM certificate (chain) to serve HTTPS with; empty: plain HTTP. "
	  "Read again on SIGHUP (a pair that does not load is refused and "
	  "the running one kept)." },
	{ "http.tls_key_file", CT_PATH, G(http.tls_key_file), 0, 0, "", NULL,
	  "PEM private key of http.tls_cert_file." },
	{ "http.insecure", CT_BOOL, G(http.insecure), 0, 0, "false", NULL,
	  "Allow plain HTTP (no http.tls_cert_file) on an address other "
	  "machines reach: the token and citizens' data cross the network "
	  "unencrypted. Logged as a warning at start-up." },

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
	  "smpp=debug traces every PDU. What citizens write and read (SMS "
	  "text, USSD input) is logged only at debug." },
	{ "log.timestamps", CT_BOOL, G(log.timestamps), 0, 0, "true", NULL,
	  "Prefix log lines on stderr with a UTC timestamp. Ignored when "
	  "stderr is the systemd journal (which adds its own) and with "
	  "syslog." },
	{ "log.target", CT_ENUM, G(log.target), 0, 0, "stderr",
	  log_target_names,
	  "stderr: one line per event on standard error; when that is the "
	  "systemd journal (JOURNAL_STREAM), each line starts with its "
	  "priority (<3> error .. <7> debug) and has no timestamp. syslog: "
	  "syslog(3) as \"citizengw\" with the pid, at the line's priority, "
	  "in log.facility." },
	{ "log.facility", CT_ENUM, G(log.facility), 0, 0, "daemon",
	  log_facility_names,
	  "syslog facility when log.target is syslog." },

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
	{ "protect.replies_exact", CT_BOOL, G(protect.replies_exact), 0, 0,
	  "false", NULL,
	  "Keep replies_per_minute exact when two MOs of one phone are "
	  "answered at the same moment (by two gateway processes, or an SMS "
	  "and a USSD step): false lets each of them have the limit's last "
	  "reply; true counts every SMS reply by a script in Redis, which "
	  "costs Redis about 70% more CPU per dossier lookup." },
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
	  "An acknowledged MO not answered within this time by a process "
	  "that is still alive is taken over by any gateway process (a "
	  "process that died is noticed within seconds: its MOs are taken "
	  "over then)." },
	{ "gateway.mt_lease", CT_DUR, G(gateway.mt_lease), 5000, HOUR, "60s",
	  NULL,
	  "An outbound message claimed by a process that stopped renewing "
	  "it for this long is taken over by another (a process that died "
	  "is noticed within seconds: its messages are taken over then)." },
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
	  "Most submit_sm per second of the SMSC account, across every "
	  "bind and every gateway process bound to it (shared through "
	  "Redis); 0 = no cap. Binds of one account should say the same: "
	  "the smallest holds." },
	{ "account", CT_STR, S(account), 0, 0, "", NULL,
	  "The SMSC account whose TPS cap this bind shares; binds naming the "
	  "same account share one cap. Default host:port:system_id." },
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
	{ "tls", CT_BOOL, S(tls), 0, 0, "false", NULL,
	  "SMPP over TLS (1.2 or later) to host:port; a TLS failure counts "
	  "as a failed connection (reconnect_delay back-off)." },
	{ "tls_ca_file", CT_PATH, S(tls_ca_file), 0, 0, "", NULL,
	  "PEM file of the CA certificates the SMS centre's certificate must "
	  "chain to; empty: the system's store (/etc/ssl/certs)." },
	{ "tls_verify_name", CT_BOOL, S(tls_verify_name), 0, 0, "true", NULL,
	  "The SMS centre's certificate must name `host` (a DNS name, or "
	  "the IP address in its subjectAltName). Turn off only for a "
	  "carrier whose certificate names something else." },
	{ "tls_cert_file", CT_PATH, S(tls_cert_file), 0, 0, "", NULL,
	  "PEM client certificate (chain) shown when the SMS centre asks "
	  "for one; needs tls_key_file." },
	{ "tls_key_file", CT_PATH, S(tls_key_file), 0, 0, "", NULL,
	  "PEM private key of tls_cert_file." },
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
	case CT_PATH:
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
	case CT_ADDRS:
		/* the same: lists go through load_addrs */
		((struct conf_addrs *)dst)->n = 0;
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

/* --- collecting errors -------------------------------------------------- */

/*
 * The loader goes on after a mistake so that `citizengw -t` shows every
 * mistake of a file at once; they are collected here, one line each, into
 * the caller's buffer. Past CONF_MAX_ERRORS, or when the buffer is full,
 * one last line says how many more there were.
 */
struct conf_errs {
	char *buf;
	size_t len;
	size_t used;
	int n;			/* mistakes found */
	int shown;		/* of which in buf */
	const char *file;	/* the file loaded: for settings libconfig
				 * does not name a file for */
};

/* room kept at the end of the buffer for the "more" line */
#define ERRS_TAIL 64

static void errs_add(struct conf_errs *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void errs_add(struct conf_errs *e, const char *fmt, ...)
{
	char line[512];
	size_t n;
	va_list ap;

	e->n++;
	if (e->n > CONF_MAX_ERRORS || !e->buf || e->len <= ERRS_TAIL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = strlen(line);
	if (e->used + (e->shown ? 1 : 0) + n + 1 > e->len - ERRS_TAIL)
		return;
	if (e->shown)
		e->buf[e->used++] = '\n';
	memcpy(e->buf + e->used, line, n + 1);
	e->used += n;
	e->shown++;
}

/* "file:line: path: message", the line and file of setting s */
static void errs_at(struct conf_errs *e, const config_setting_t *s,
		    const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void errs_at(struct conf_errs *e, const config_setting_t *s,
		    const char *path, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errs_add(e, "%s:%u: %s: %s", src_file(s, e->file),
		 config_setting_source_line(s), path, msg);
}

/* Closes the list: 0 when there was no mistake, else -EINVAL. */
static int errs_end(struct conf_errs *e)
{
	if (e->n == 0)
		return 0;
	if (e->shown == 0 && e->len > 0 && e->len <= ERRS_TAIL)
		/* too small for any line: the count at least */
		snprintf(e->buf, e->len, "%s: %d mistakes", e->file, e->n);
	else if (e->n > e->shown && e->len > ERRS_TAIL)
		snprintf(e->buf + e->used, e->len - e->used,
			 "%s%s: %d more mistake%s not shown%s",
			 e->shown ? "\n" : "", e->file, e->n - e->shown,
			 e->n - e->shown == 1 ? "" : "s",
			 e->n > CONF_MAX_ERRORS ? " (fix these first)" : "");
	return -EINVAL;
}

/* --- "did you mean" ------------------------------------------------------ */

/* Edit distance with transpositions ("hots" is one step from "host"),
 * on at most the first 63 bytes of each word. */
static int edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	int d[64][64];

	la = la > 63 ? 63 : la;
	lb = lb > 63 ? 63 : lb;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] == b[j - 1] ? 0 : 1;
			int v = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* The closest name seen so far to `word`, if close enough to be a typo. */
struct suggestion {
	const char *word;
	const char *name;	/* NULL: none */
	size_t len;
	int dist;
};

static void suggest_init(struct suggestion *sg, const char *word)
{
	size_t n = strlen(word);

	sg->word = word;
	sg->name = NULL;
	sg->len = 0;
	/* a third of the word, at least one, at most three mistakes */
	sg->dist = (n <= 3 ? 1 : n <= 8 ? 2 : 3) + 1;
}

static void suggest_consider(struct suggestion *sg, const char *name,
			     size_t len)
{
	int d = edit_distance(sg->word, strlen(sg->word), name, len);

	if (d > 0 && d < sg->dist && (size_t)d < len) {
		sg->name = name;
		sg->len = len;
		sg->dist = d;
	}
}

/* ", did you mean 'X'?" or "" into buf, which it returns */
static const char *suggest_text(const struct suggestion *sg, char *buf,
				size_t len)
{
	if (sg->name)
		snprintf(buf, len, ", did you mean '%.*s'?", (int)sg->len,
			 sg->name);
	else if (len)
		buf[0] = '\0';
	return buf;
}

/* Among the settings of group `group` ("redis"), or of the smsc entries
 * when group is NULL. */
static const char *suggest_setting(const char *group, const char *word,
				   char *buf, size_t len)
{
	struct suggestion sg;

	suggest_init(&sg, word);
	if (!group) {
		for (size_t i = 0; i < ARRAY_SIZE(smsc_items); i++)
			suggest_consider(&sg, smsc_items[i].name,
					 strlen(smsc_items[i].name));
		return suggest_text(&sg, buf, len);
	}
	for (size_t i = 0; i < ARRAY_SIZE(global_items); i++) {
		const char *nm = global_items[i].name;
		size_t gl = strlen(group);

		if (strncmp(nm, group, gl) == 0 && nm[gl] == '.')
			suggest_consider(&sg, nm + gl + 1, strlen(nm + gl + 1));
	}
	return suggest_text(&sg, buf, len);
}

/* --- one setting -------------------------------------------------------- */

/* Settings whose text means more than the table can check: 0, or -EINVAL
 * with the reason in why. */
static const struct {
	const char *name;
	int (*check)(const char *v, char *why, size_t whylen);
} text_checks[] = {
	{ "log.level", log_check_spec },
};

static int check_text(const char *path, const char *v, char *why,
		      size_t whylen)
{
	for (size_t i = 0; i < ARRAY_SIZE(text_checks); i++)
		if (strcmp(text_checks[i].name, path) == 0)
			return text_checks[i].check(v, why, whylen);
	return 0;
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


/* The list kinds' add(): v (NULL when the element is not a string) added
 * to the list; 0, or -EINVAL with the reason in why. */
static int add_day(void *list, const char *v, char *why, size_t whylen)
{
	struct conf_days *days = list;

	if (v && day_parse(v, &days->day[days->n]) == 0) {
		days->n++;
		return 0;
	}
	return util_err(why, whylen, -EINVAL, "'%s' is not a date "
			"\"YYYY-MM-DD\"", v ? v : "(not a string)");
}

/*
 * "host:port" into addr; an IPv6 host is written in brackets. 0, or
 * -EINVAL with the reason in why.
 */
int conf_parse_addr(const char *txt, char *host, size_t hostlen, int *port,
		    char *why, size_t whylen)
{
	const char *colon = strrchr(txt, ':');
	const char *h = txt;
	size_t hl;
	char *end;
	long p;

	if (!colon || colon == txt)
		return util_err(why, whylen, -EINVAL, "'%s' is not "
			       "\"host:port\"", txt);
	hl = (size_t)(colon - txt);
	if (txt[0] == '[') {
		if (hl < 3 || txt[hl - 1] != ']')
			return util_err(why, whylen, -EINVAL, "'%s' is not "
				       "\"[ipv6]:port\"", txt);
		h = txt + 1;
		hl -= 2;
	} else if (memchr(txt, ':', hl)) {
		return util_err(why, whylen, -EINVAL, "'%s': write an IPv6 "
			       "address in brackets, \"[::1]:26379\"", txt);
	}
	if (hl >= hostlen)
		return util_err(why, whylen, -EINVAL, "'%s': host too long",
			       txt);
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || p < 1 || p > 65535)
		return util_err(why, whylen, -EINVAL, "'%s': the port is not "
			       "1..65535", txt);
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (int)p;
	return 0;
}

static int add_addr(void *list, const char *v, char *why, size_t whylen)
{
	struct conf_addrs *as = list;

	if (!v)
		return util_err(why, whylen, -EINVAL, "expects a string "
				"\"host:port\"");
	if (conf_parse_addr(v, as->a[as->n].host, sizeof(as->a[as->n].host),
			    &as->a[as->n].port, why, whylen) < 0)
		return -EINVAL;
	as->n++;
	return 0;
}

/* A setting that is a list of strings (CT_DAYS, CT_ADDRS): how the file
 * writes it, what it counts, and how one element is added. */
struct list_kind {
	const char *shape;	/* after "expects " */
	const char *unit;	/* after "at most N " */
	int (*add)(void *list, const char *v, char *why, size_t whylen);
};

static const struct list_kind days_kind = {
	"a list of dates [ \"YYYY-MM-DD\", ... ]", "days", add_day,
};
static const struct list_kind addrs_kind = {
	"a list ( \"host:port\", ... )", "addresses", add_addr,
};

/* The list s into item `it` of the struct at base (a struct conf_days or
 * conf_addrs: both start with their count, int n), at most it->max
 * elements; each mistake is added to e, the good elements are kept. */
static void load_list(const config_setting_t *s, const char *path,
		      const struct conf_item *it, const struct list_kind *k,
		      void *base, struct conf_errs *e)
{
	void *list = (char *)base + it->off;
	int n = config_setting_length(s);

	if (!config_setting_is_aggregate(s) || config_setting_is_group(s)) {
		errs_at(e, s, path, "expects %s", k->shape);
		return;
	}
	*(int *)list = 0;
	if (n > it->max) {
		errs_at(e, s, path, "at most %lld %s", it->max, k->unit);
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *el = config_setting_get_elem(s, i);
		char epath[128], why[256];

		if (k->add(list, config_setting_get_string(el), why,
			   sizeof(why)) == 0)
			continue;
		snprintf(epath, sizeof(epath), "%s.[%d]", path, i);
		errs_at(e, el, epath, "%s", why);
	}
}

/* The value of s into item `it` of the struct at base; a mistake is
 * added to e and leaves the default. */
static void load_setting(const config_setting_t *s, const char *path,
			 const struct conf_item *it, void *base,
			 struct conf_errs *e)
{
	char why[256];
	long long lit;
	int rc;

	if (it->type == CT_DAYS || it->type == CT_ADDRS) {
		load_list(s, path, it,
			  it->type == CT_DAYS ? &days_kind : &addrs_kind, base,
			  e);
		return;
	}
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
		if (wrapped_literal(src_file(s, e->file),
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
		if (rc == 0)
			rc = check_text(path, config_setting_get_string(s),
					why, sizeof(why));
		break;
	default:
		rc = util_err(why, sizeof(why), -EINVAL,
			     "has the wrong type (a group, list or number "
			     "with a fraction)");
		break;
	}
	if (rc < 0)
		errs_at(e, s, path, "%s", why);
}

/*
 * The entry's files (CT_PATH), taken relative to the configuration's
 * directory like the global ones, must be readable now: a missing
 * certificate is named at start-up (citizengw -t) with its line, not
 * at the first connection. And the TLS settings must agree.
 */
static void check_smsc_files(const config_setting_t *grp, const char *gpath,
			     const char *dir, struct cgw_smsc_conf *sc,
			     struct conf_errs *e)
{
	char tmp[CONF_PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(smsc_items); i++) {
		const struct conf_item *it = &smsc_items[i];
		char *v = (char *)sc + it->off;
		const config_setting_t *s =
			config_setting_get_member(grp, it->name);

		if (it->type != CT_PATH || !v[0] || !s)
			continue;
		if (v[0] != '/') {
			if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s", dir,
					     v) >= it->size) {
				errs_at(e, s, gpath, "%s: '%s' in %s is longer "
					"than %zu characters", it->name, v,
					dir, it->size - 1);
				continue;
			}
			util_strlcpy(v, tmp, it->size);
		}
		if (access(v, R_OK) < 0)
			errs_at(e, s, gpath, "%s: cannot read '%s': %s",
				it->name, v, strerror(errno));
		else if (!sc->tls)
			errs_at(e, s, gpath, "%s is set but tls is false",
				it->name);
	}
	if (!sc->tls_cert_file[0] != !sc->tls_key_file[0])
		errs_at(e, grp, gpath, "tls_cert_file and tls_key_file go "
			"together (a client certificate and its key)");
}

static void load_smsc(const config_setting_t *grp, int index,
		      const char *dir, struct cgw_smsc_conf *sc,
		      struct conf_errs *e)
{
	int n = config_setting_length(grp);
	char gpath[32];

	memset(sc, 0, sizeof(*sc));
	apply_defaults(smsc_items, ARRAY_SIZE(smsc_items), sc);
	sc->line = config_setting_source_line(grp);
	snprintf(gpath, sizeof(gpath), "smsc.[%d]", index);
	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(grp, i);
		const char *name = config_setting_name(s);
		const struct conf_item *it =
			find_item(smsc_items, ARRAY_SIZE(smsc_items), name);
		char path[96], hint[96];

		snprintf(path, sizeof(path), "%s.%s", gpath, name);
		if (it)
			load_setting(s, path, it, sc, e);
		else
			errs_at(e, s, path, "unknown setting%s",
				suggest_setting(NULL, name, hint,
						sizeof(hint)));
	}
	/* a required setting given with a wrong value was reported as such */
	for (size_t i = 0; i < ARRAY_SIZE(smsc_items); i++)
		if (!smsc_items[i].def &&
		    !*((char *)sc + smsc_items[i].off) &&
		    !config_setting_get_member(grp, smsc_items[i].name))
			errs_at(e, grp, gpath, "'%s' is required",
				smsc_items[i].name);
	if (sc->reconnect_delay > sc->reconnect_max_delay)
		errs_at(e, grp, gpath, "reconnect_delay is longer than "
			"reconnect_max_delay");
	if (sc->throttle_backoff > sc->throttle_backoff_max)
		errs_at(e, grp, gpath, "throttle_backoff is longer than "
			"throttle_backoff_max");
	check_smsc_files(grp, gpath, dir, sc, e);
}

/* --- the top level ------------------------------------------------------ */

/* smsc = ( { ... }, ... ): one bind per group */
static void load_smsc_list(struct cgw_conf *c, const config_setting_t *s,
			   struct conf_errs *e)
{
	int n;

	if (!config_setting_is_list(s)) {
		errs_at(e, s, "smsc", "must be a list: smsc = ( { ... }, "
			"{ ... } );");
		return;
	}
	n = config_setting_length(s);
	if (n > CONF_MAX_SMSC) {
		errs_at(e, s, "smsc", "at most %d smsc entries", CONF_MAX_SMSC);
		n = CONF_MAX_SMSC;
	}
	for (int k = 0; k < n; k++) {
		const config_setting_t *el = config_setting_get_elem(s, k);
		char path[32];

		snprintf(path, sizeof(path), "smsc.[%d]", k);
		if (!config_setting_is_group(el)) {
			errs_at(e, el, path, "must be a group { ... }");
			continue;
		}
		load_smsc(el, k, c->dir, &c->smsc[c->nsmsc++], e);
	}
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

/* One setting `s` of group `group`, found in global_items by its full
 * name ("redis.port"). */
static void load_global_item(struct cgw_conf *c, const char *group,
			     const config_setting_t *s, struct conf_errs *e)
{
	const struct conf_item *it;
	const char *name = config_setting_name(s);
	char full[128], hint[96];

	snprintf(full, sizeof(full), "%s.%s", group, name);
	it = find_item(global_items, ARRAY_SIZE(global_items), full);
	if (it)
		load_setting(s, full, it, c, e);
	else
		errs_at(e, s, full, "unknown setting%s",
			suggest_setting(group, name, hint, sizeof(hint)));
}

typedef void top_load_fn(struct cgw_conf *c, const config_setting_t *s,
			 struct conf_errs *e);

static void load_global_group(struct cgw_conf *c, const config_setting_t *s,
			      struct conf_errs *e);

/* One Redis (host/port or socket) or the sentinels, not both: which the
 * file names, not what the defaults are. */
static void check_redis_group(const config_setting_t *s, struct conf_errs *e)
{
	static const char *const single[] = { "host", "port", "socket" };
	const config_setting_t *sent = config_setting_get_member(s,
								 "sentinels");
	const config_setting_t *name = config_setting_get_member(s,
								 "master_name");

	const char *nm = name ? config_setting_get_string(name) : NULL;

	if (sent && (!config_setting_is_aggregate(sent) ||
		     config_setting_is_group(sent)))
		return;		/* reported as not a list */
	/* an empty list or name is the default written out (--dump-config) */
	if (!sent || config_setting_length(sent) == 0) {
		if (nm && nm[0])
			errs_at(e, name, "redis.master_name", "names a "
				"Sentinel master but redis.sentinels is not "
				"set");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(single); i++) {
		const config_setting_t *o = config_setting_get_member(
			s, single[i]);

		char path[32];

		snprintf(path, sizeof(path), "redis.%s", single[i]);
		if (o)
			errs_at(e, o, path, "with redis.sentinels: name one "
				"Redis (host/port or socket) or the sentinels "
				"and master_name, not both");
	}
	if (!nm || !nm[0])
		errs_at(e, sent, "redis.sentinels", "needs redis.master_name "
			"(the name the sentinels monitor the master by)");
}

/* How each top-level setting is loaded, by name; the entry without a
 * name takes every other one. */
static const struct {
	const char *name;
	top_load_fn *load;
} top_loaders[] = {
	{ "smsc", load_smsc_list },
	{ NULL, load_global_group },
};

/* Among the top-level names: the groups of global_items and the
 * top_loaders. */
static const char *suggest_group(const char *word, char *buf, size_t len)
{
	struct suggestion sg;

	suggest_init(&sg, word);
	for (size_t i = 0; top_loaders[i].name; i++)
		suggest_consider(&sg, top_loaders[i].name,
				 strlen(top_loaders[i].name));
	for (size_t i = 0; i < ARRAY_SIZE(global_items); i++)
		suggest_consider(&sg, global_items[i].name,
				 (size_t)(strchr(global_items[i].name, '.') -
					  global_items[i].name));
	return suggest_text(&sg, buf, len);
}

/*
 * redis = { ... }, ussd = { ... }, ...: the groups of global_items. Any
 * other name is refused once, not once per setting in it.
 */
static void load_global_group(struct cgw_conf *c, const config_setting_t *s,
			      struct conf_errs *e)
{
	const char *name = config_setting_name(s);
	char hint[96];
	int n;

	if (!group_known(name)) {
		errs_at(e, s, name, "unknown %s%s",
			config_setting_is_group(s) ? "group" : "setting",
			suggest_group(name, hint, sizeof(hint)));
		return;
	}
	if (!config_setting_is_group(s)) {
		errs_at(e, s, name, "must be a group: %s = { ... };", name);
		return;
	}
	n = config_setting_length(s);
	for (int k = 0; k < n; k++)
		load_global_item(c, name, config_setting_get_elem(s, k), e);
	if (strcmp(name, "redis") == 0)
		check_redis_group(s, e);
}

static top_load_fn *top_loader(const char *name)
{
	size_t i;

	for (i = 0; top_loaders[i].name; i++)
		if (strcmp(top_loaders[i].name, name) == 0)
			break;
	return top_loaders[i].load;
}

static void load_root(struct cgw_conf *c, const config_setting_t *root,
		      struct conf_errs *e)
{
	int n = config_setting_length(root);

	for (int i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(root, i);

		top_loader(config_setting_name(s))(c, s, e);
	}
}

/* --- the whole file ----------------------------------------------------- */

/*
 * c->path as given, and c->dir: the directory of the file, absolute when
 * it exists, so that relative paths in the file (@include, CT_PATH
 * settings) mean the same after a chdir and on a SIGHUP reload.
 */
static int set_paths(struct cgw_conf *c, const char *path, char *err,
		     size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char *real;

	if (util_strlcpy(c->path, path, sizeof(c->path)) >= sizeof(c->path))
		return util_err(err, errlen, -EINVAL, "%s: path too long", path);
	if (slash)
		snprintf(c->dir, sizeof(c->dir), "%.*s",
			 (int)(slash - path), path);
	else
		util_strlcpy(c->dir, ".", sizeof(c->dir));
	if (!c->dir[0])
		util_strlcpy(c->dir, "/", sizeof(c->dir));
	real = realpath(c->dir, NULL);
	if (real && strlen(real) < sizeof(c->dir))
		util_strlcpy(c->dir, real, sizeof(c->dir));
	free(real);
	return 0;
}

/* Parses `path` into cfg, which the caller has initialised and destroys.
 * libconfig stops at the first syntax error: only that one is reported. */
static int read_file(config_t *cfg, const char *dir, const char *path,
		     char *err, size_t errlen)
{
	const char *efile;
	/* a directory named by @include would end the process */
	int rc = util_cfg_includes(dir, path, err, errlen);

	if (rc < 0)
		return rc;
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
	return util_err(err, errlen, -EINVAL,
		       "%s:%d: %s (the file is read no further: fix this "
		       "first)", efile ? efile : path, config_error_line(cfg),
		       config_error_text(cfg));
}

static int check_prefix(const char *p)
{
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-.", *p))
			return -EINVAL;
	return 0;
}

static void check_smsc_ids(const struct cgw_conf *c, struct conf_errs *e)
{
	for (int i = 0; i < c->nsmsc; i++)
		for (int k = 0; k < i; k++)
			if (c->smsc[i].id[0] &&
			    strcmp(c->smsc[i].id, c->smsc[k].id) == 0) {
				errs_add(e, "%s:%d: smsc id '%s' is already "
					 "used on line %d", e->file,
					 c->smsc[i].line, c->smsc[i].id,
					 c->smsc[k].line);
				break;
			}
}

/* What no single setting can tell: the settings taken together. */
static void check_loaded(const struct cgw_conf *c, struct conf_errs *e)
{
	if (c->nsmsc == 0)
		errs_add(e, "%s: no smsc entry: smsc = ( { id = \"main\"; "
			 "host = ...; } );", e->file);
	check_smsc_ids(c, e);
	if (check_prefix(c->redis.prefix) < 0)
		errs_add(e, "%s: redis.prefix '%s' may hold only letters, "
			 "digits, '_', '-' and '.'", e->file, c->redis.prefix);
	if (c->redis.user[0] && !c->redis.password[0])
		errs_add(e, "%s: redis.user '%s' needs redis.password (an ACL "
			 "user without a password is the default user's job)",
			 e->file, c->redis.user);
}

/*
 * Every CT_PATH setting that is relative is taken relative to the
 * directory of the configuration file, never to the working directory
 * (which differs between a shell, systemd and citizengw-ctl). One
 * exception, so that an installed sample works as it is: a menus.dir
 * with no main.cfg next to the file is looked up among the installed
 * data (PKGDATADIR) before the loader names the missing file.
 */
static void resolve_paths(struct cgw_conf *c, struct conf_errs *e)
{
	char tmp[CONF_PATH_MAX], probe[CONF_PATH_MAX + 16];

	for (size_t i = 0; i < ARRAY_SIZE(global_items); i++) {
		const struct conf_item *it = &global_items[i];
		char *v = (char *)c + it->off;

		if (it->type != CT_PATH || !v[0] || v[0] == '/')
			continue;
		if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s", c->dir, v) >=
		    it->size) {
			errs_add(e, "%s: %s: '%s' in %s is longer than %zu "
				 "characters", e->file, it->name, v, c->dir,
				 it->size - 1);
			continue;
		}
		if (it->off == offsetof(struct cgw_conf, menus.dir)) {
			snprintf(probe, sizeof(probe), "%s/main.cfg", tmp);
			if (access(probe, R_OK) < 0) {
				snprintf(probe, sizeof(probe), "%s/%s/main.cfg",
					 PKGDATADIR, v);
				if (access(probe, R_OK) == 0)
					snprintf(tmp, sizeof(tmp), "%s/%s",
						 PKGDATADIR, v);
			}
		}
		util_strlcpy(v, tmp, it->size);
	}
}

int conf_load(struct cgw_conf *c, const char *path, char *err, size_t errlen)
{
	struct conf_errs e = { err, errlen, 0, 0, 0, path };
	config_t cfg;
	int rc;

	if (errlen)
		err[0] = '\0';
	conf_defaults(c);
	rc = set_paths(c, path, err, errlen);
	if (rc < 0)
		return rc;
	config_init(&cfg);
	rc = read_file(&cfg, c->dir, path, err, errlen);
	if (rc == 0)
		load_root(c, config_root_setting(&cfg), &e);
	config_destroy(&cfg);
	if (rc < 0)
		return rc;
	check_loaded(c, &e);
	resolve_paths(c, &e);
	return errs_end(&e);
}

/* --- reference and dump ------------------------------------------------- */

static void print_default(FILE *out, const struct conf_item *it)
{
	if (!it->def)
		fprintf(out, "(required)");
	else if (it->type == CT_DAYS || it->type == CT_ADDRS)
		fprintf(out, "`[]`");
	else if (it->type == CT_STR || it->type == CT_PATH ||
		 it->type == CT_ENUM ||
		 (it->type == CT_DUR))
		fprintf(out, "`\"%s\"`", it->def);
	else
		fprintf(out, "`%s`", it->def);
}

static const char *type_name(const struct conf_item *it)
{
	switch (it->type) {
	case CT_STR: return "string";
	case CT_PATH: return "path";
	case CT_INT: return "integer";
	case CT_BOOL: return "boolean";
	case CT_DUR: return "duration";
	case CT_ENUM: return "choice";
	case CT_DAYS: return "list of dates";
	case CT_ADDRS: return "list of addresses";
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
		else if (it->type == CT_STR || it->type == CT_PATH)
			fprintf(out, "at most %zu chars", it->size - 1);
		else if (it->type == CT_DAYS)
			fprintf(out, "at most %lld, `\"YYYY-MM-DD\"`",
				it->max);
		else if (it->type == CT_ADDRS)
			fprintf(out, "at most %lld, `\"host:port\"`",
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
		"errors.\n\n"
		"`citizengw -t -c FILE` checks a file and its menus and reports "
		"every mistake, one a line,\nas `file:line: setting: message` "
		"(a misspelt name gets a \"did you mean\"), at most %d;\n"
		"it exits 0 when the file is valid, 1 when it is not. A syntax "
		"error stops the reading of the file,\nso it is reported alone."
		"\n\nA relative path (type `path`) is relative to the directory "
		"of the configuration file,\nnot to the working directory.\n\n"
		"Logs go to stderr, one line per event. When stderr is the "
		"systemd journal (the daemon\ncompares `$JOURNAL_STREAM` with "
		"its stderr), each line starts with its priority (`<3>`\nerror "
		"... `<7>` debug) and carries no timestamp: journald records "
		"both. With\n`log.target = \"syslog\"` the lines go to "
		"syslog(3) as `citizengw[PID]` in `log.facility`.\nWhat citizens "
		"write (SMS text, USSD input) is logged at `debug` only, and "
		"their numbers\nare masked (`84912***78`) below it; `debug` "
		"(`smpp=debug` traces every PDU as it is)\nis for tests and "
		"short investigations.\n\n"
		"## Global settings\n\n", CONF_MAX_ERRORS);
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
	case CT_PATH:
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
	case CT_ADDRS: {
		const struct conf_addrs *as = v;

		fprintf(out, "(");
		for (int i = 0; i < as->n; i++)
			fprintf(out, strchr(as->a[i].host, ':')
				? "%s \"[%s]:%d\"" : "%s \"%s:%d\"",
				i ? "," : "", as->a[i].host, as->a[i].port);
		fprintf(out, " );\n");
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
		/* one Redis or the sentinels: the dump loads again */
		if (c->redis.sentinels.n &&
		    (it->off == offsetof(struct cgw_conf, redis.host) ||
		     it->off == offsetof(struct cgw_conf, redis.port) ||
		     it->off == offsetof(struct cgw_conf, redis.socket)))
			continue;
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
