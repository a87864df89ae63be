/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Configuration: one schema table (name, type, default, bounds, help) that
 * the loader validates against, that `citizengw -t` checks with
 * file:line messages, and that prints the configuration reference.
 *
 * Durations are written as an integer number of seconds or as a string
 * with a unit ("250ms", "30s", "5m", "1h") and are held in milliseconds.
 */
#ifndef CGW_CONF_H
#define CGW_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CONF_MAX_SMSC 16
#define CONF_PATH_MAX 512
#define CONF_MAX_DAYS 64
#define CONF_MAX_ERRORS 50	/* mistakes conf_load() reports at most */
#define CONF_MAX_ADDRS 8	/* redis.sentinels */

enum conf_bind_mode {
	CONF_BIND_TRANSCEIVER,
	CONF_BIND_TX_RX,	/* "transmitter+receiver": two connections */
};

/* A list of calendar days (local days since 1970-01-01, Asia/Ho_Chi_Minh),
 * written in the file as [ "2026-01-01", ... ]. */
struct conf_days {
	int n;
	int day[CONF_MAX_DAYS];
};

/* A list of "host:port" (an IPv6 host in brackets: "[::1]:26379"). */
struct conf_addrs {
	int n;
	struct {
		char host[256];
		int port;
	} a[CONF_MAX_ADDRS];
};

/* What becomes of an MO whose sender is not a phone number (protect.
 * odd_senders; services/phone.h says which senders are odd). */
enum conf_odd_senders {
	CONF_ODD_IGNORE,	/* recorded and acknowledged, never answered */
	CONF_ODD_NAMESPACE,	/* answered, in a namespace of its own */
};

enum conf_msgid_format {
	CONF_MSGID_STRING,
	CONF_MSGID_DECIMAL,
	CONF_MSGID_HEX,
};

struct cgw_smsc_conf {
	char id[32];
	char host[256];
	int port;
	int receive_port;	/* 0: same as port */
	char system_id[16];
	char password[9];
	char system_type[13];
	int bind_mode;		/* enum conf_bind_mode */
	int interface_version;
	char source_addr[21];
	int source_ton, source_npi;
	int dest_ton, dest_npi;
	char address_range[41];
	int connect_timeout;		/* ms */
	int bind_timeout;		/* ms */
	int enquire_link_interval;	/* ms */
	int response_timeout;		/* ms */
	int response_retries;
	int reconnect_delay;		/* ms */
	int reconnect_max_delay;	/* ms */
	int window;
	int tps;			/* 0: no cap */
	char account[128];	/* "": host:port:system_id (gw/tps.h) */
	int throttle_backoff;		/* ms */
	int throttle_backoff_max;	/* ms */
	bool registered_delivery;
	int message_id_format;	/* enum conf_msgid_format */
	int concat;		/* enum seg_concat */
	bool packed;		/* GSM-7 packed into octets */
	int max_segments;
	bool tls;			/* SMPP over TLS */
	char tls_ca_file[CONF_PATH_MAX];	/* "": the system's store */
	bool tls_verify_name;		/* the certificate must name host */
	char tls_cert_file[CONF_PATH_MAX];	/* client certificate, or "" */
	char tls_key_file[CONF_PATH_MAX];
	int line;		/* where the entry starts, for messages */
};

struct cgw_conf {
	char path[CONF_PATH_MAX];	/* the file loaded */
	char dir[CONF_PATH_MAX];	/* its directory */

	struct {
		char host[256];
		int port;
		char socket[CONF_PATH_MAX];
		int db;
		char user[128];		/* ACL user: AUTH user password */
		char password[128];
		char prefix[32];
		int shards;
		int timeout;		/* ms */
		/* Sentinel: the master is asked of these (n == 0: host/port
		 * or socket name the one Redis) */
		struct conf_addrs sentinels;
		char master_name[128];
		char sentinel_user[128];
		char sentinel_password[128];
		/* an MO is acknowledged once this many replicas have it
		 * (WAIT), 0: once the master has it */
		int wait_replicas;
		int wait_timeout;	/* ms */
	} redis;

	struct cgw_smsc_conf smsc[CONF_MAX_SMSC];
	int nsmsc;

	struct {
		char service_code[32];
		int dialect;		/* enum ussd_dialect_id */
		int session_ttl;	/* ms */
		bool sessions_exact;	/* stepped by mo_commit.lua, never
					 * a lean commit (store_mo.c) */
	} ussd;

	struct {
		char dir[CONF_PATH_MAX];	/* resolved against c->dir */
		char language[8];
		int sms_session_ttl;	/* ms */
		bool fold_vi;		/* write Vietnamese without diacritics */
		bool fold_en;
	} menus;

	struct {
		char listen[64];
		char token[128];
		int max_body;		/* bytes */
		/* /metrics and /healthz without the token, from loopback */
		bool metrics_without_token;
		char tls_cert_file[CONF_PATH_MAX];	/* "": plain HTTP */
		char tls_key_file[CONF_PATH_MAX];
		/* plain HTTP beyond loopback, knowingly */
		bool insecure;
	} http;

	struct {
		char quiet_hours[16];	/* "21:00-07:00", "" = none */
		char timezone[64];
		int rate;		/* default messages per second */
		int expiry;		/* ms: default lifetime */
	} broadcast;

	struct {
		bool enabled;		/* status-change notices */
	} notices;

	struct {
		char level[128];
		bool timestamps;
		int target;		/* enum log_target (common/log.h) */
		int facility;		/* index into log_facility_names */
	} log;

	struct {
		int replies_per_minute;	/* 0: no limit */
		bool replies_exact;	/* counted by mo_commit.lua, never
					 * a lean commit (store_mo.c) */
		int min_sender_digits;	/* 0: answer any sender */
		int odd_senders;	/* enum conf_odd_senders */
		int lookup_failures;	/* failed lookups before a block */
		int lookup_window;	/* ms */
		int lookup_block;	/* ms */
	} protect;

	struct {
		struct conf_days holidays;	/* no visits on these days */
		bool confirm_by_sms;	/* USSD procedures: reference by SMS */
		int requests_max;	/* requests kept, all shards */
		int requests_keep_days;	/* requests kept this long */
	} services;

	struct {
		int mo_dedup_window;	/* ms */
		int mo_ack_timeout;	/* ms: an SMS centre's wait for a
					 * deliver_sm_resp */
		int mo_lease;		/* ms */
		int mt_lease;		/* ms */
		int reply_expiry;	/* ms */
		int concat_timeout;	/* ms: multipart MO reassembly */
		char instance[64];	/* "" = host name + pid */
	} gateway;
};

/*
 * Loads and validates `path` into c (defaults first). Returns 0, or
 * -EINVAL with every mistake found in err, one a line (joined by '\n', no
 * final newline): "file:line: setting: message", with ", did you mean
 * 'X'?" after an unknown name close to a known one. At most
 * CONF_MAX_ERRORS are listed, and as many as fit in errlen (8 KiB holds
 * the 50); a last line then says how many more there were. A syntax error
 * or an unreadable file is the only line (libconfig stops there).
 * Unknown settings, wrong types and out-of-range values are errors.
 *
 * Relative paths (menus.dir, redis.socket) come back resolved against the
 * directory of `path` (c->dir, made absolute), so that the daemon, its
 * SIGHUP reload and citizengw-ctl all use the same directories whatever
 * their working directory.
 */
int conf_load(struct cgw_conf *c, const char *path, char *err, size_t errlen);

/* Fills c with the defaults only (for tools and tests). */
void conf_defaults(struct cgw_conf *c);

/* Prints the reference of every setting (Markdown) from the schema. */
void conf_print_reference(FILE *out);

/* Prints the effective configuration as a libconfig file (passwords
 * masked). */
void conf_dump(const struct cgw_conf *c, FILE *out);

/* Parses "30s", "250ms", "5m", "1h" or a bare number of seconds. */
int conf_parse_duration(const char *s, long long *ms);
/* "host:port" ("[v6]:port") into host and port: 0, or -EINVAL with the
 * reason in why. */
int conf_parse_addr(const char *txt, char *host, size_t hostlen, int *port,
		    char *why, size_t whylen);

#endif
