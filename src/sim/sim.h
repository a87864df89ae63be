/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-sim internals shared by the SMSC side (sim.c) and the script
 * runner (sim_script.c).
 */
#ifndef CGW_SIM_H
#define CGW_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "smpp/reasm.h"
#include "text/segment.h"
#include "smpp/smpp_pdu.h"

struct event_base;
struct bufferevent;
struct evconnlistener;
struct event;
struct sim;
struct sim_conn;

#define SIM_MAX_TLV 8
#define SIM_TEXT_MAX 1024
#define SIM_MAX_SENDS 32	/* parts one mo step sends, repeats included */

/* An MO the simulator sends (and re-sends while refused). */
struct sim_mo {
	char name[32];
	char from[24], to[24];
	uint8_t from_ton, from_npi, to_ton, to_npi;
	char service_type[6];
	uint8_t esm_class;
	uint8_t dc;
	uint8_t sm[SMPP_SM_MAX];
	uint8_t sm_len;
	struct {
		uint16_t tag, len;
		uint8_t val[256];
	} tlv[SIM_MAX_TLV];
	int ntlv;
	bool ussd;
	int ussd_op;			/* -1: none */
	char text[SIM_TEXT_MAX];	/* for the transcript */
	/* delivery */
	int64_t force_seq;		/* -1, or the sequence number to use */
	int want_conn;			/* 0, or the connection to send on
					 * while it is bound to receive */
	int conn_id;			/* connection of the last attempt */
	uint32_t seq;			/* of the last attempt */
	int attempts;
	uint32_t statuses[64];		/* every response, in order */
	int nstatus;
	bool acked;			/* got status 0 */
	bool receipt;			/* a delivery receipt, not an MO */
	int64_t resend_at;		/* mono ms, 0 = none */
	/* a multipart MO (mo parts=N): this record is never sent itself;
	 * parts[] are the part MOs in sending order, repeats included */
	struct sim_mo *parts[SIM_MAX_SENDS];
	int nparts;
};

/* A submit_sm the simulator received. */
struct sim_submit {
	int index;		/* arrival order from 1 */
	bool consumed;		/* matched by an expect */
	char to[24], from[24];
	uint8_t dc, esm_class, registered_delivery;
	char service_type[6];
	int ussd_op;		/* -1 when absent */
	int its;		/* -1 when absent */
	char text[SIM_TEXT_MAX];	/* decoded UTF-8 (this part's) */
	char part[80];		/* " part=1/3 ref=42 concat=udh8", or "" */
	char message_id[32];
	uint32_t status;	/* what the simulator answered */
	bool accepted;		/* status 0: counts as delivered to it */
};

enum role { ROLE_NONE, ROLE_TX, ROLE_RX, ROLE_TRX };

/* Faults the simulator injects (command line options and `set` steps). */
struct sim_faults {
	int throttle_every;	/* every k-th submit_sm: ESME_RTHROTTLED */
	int queue_full_every;	/* every k-th submit_sm: ESME_RMSGQFUL */
	int fail_every;		/* every k-th submit_sm: fail_status */
	uint32_t fail_status;
	int drop_after;		/* close a connection after n PDUs from it */
	int silent_after;	/* answer nothing after n PDUs (socket open) */
	int resp_delay_ms;	/* delay submit_sm_resp */
	bool ignore_enquire;	/* never answer enquire_link */
	int reject_binds;	/* refuse this many bind attempts */
	bool empty_msgid;	/* submit_sm_resp with an empty message_id */
	int receipts;		/* 0 none, 1 TLV, 2 text, 3 both */
	int receipt_id_format;	/* -1 same as msgid_format, else 0/1/2 */
	int receipt_delay_ms;
	char receipt_stat[12];	/* DELIVRD, UNDELIV, ... */
	int enquire_ms;		/* send enquire_link this often (0 never) */
};


struct sim_opts {
	const char *listen;
	const char *system_id;
	const char *password;
	const char *port_file;
	const char *pdu_log;
	const char *script;
	bool transcript;
	int msgid_format;	/* 0 decimal, 1 hex, 2 string */
	int redeliver_ms;
	int redeliver_max;
	int timeout_s;
	int linger_ms;
	uint32_t submit_status;
	struct sim_faults f;
	bool packed;		/* GSM-7 short_message is packed (per bind) */
	const char *tls_cert;	/* --tls-cert: listen with TLS */
	const char *tls_key;
	const char *tls_client_ca;	/* require a client certificate */
};

struct sim_conn {
	struct sim *sim;
	struct sim_conn *next;
	struct bufferevent *bev;
	struct smpp_framer fr;
	int id;
	enum role role;
	uint32_t next_seq;
	bool closing;
	bool silent;		/* stopped answering (fault) */
	bool dropped;		/* half-closed by a drop fault */
	int64_t dropped_at;	/* mono ms */
	int rx_pdus;		/* PDUs received on this connection */
	int64_t last_enquire;	/* mono ms */
};

/* A response held back by resp_delay_ms. */
struct sim_delayed {
	int conn_id;
	int64_t due;
	uint32_t cmd, status, seq;
	char message_id[32];
};

struct sim {
	struct event_base *base;
	struct sim_opts o;
	struct evconnlistener *lis;
	struct ssl_ctx_st *tls;		/* SSL_CTX with --tls-cert, or NULL */
	struct sim_conn *conns;
	int nconn_ids;
	struct sim_mo **mos;
	int nmos, mocap;
	struct sim_submit *subs;
	int nsubs, subcap;
	struct sim_delayed *delayed;
	int ndelayed, delayedcap;
	int bind_attempts;
	int submit_count;
	int receipt_count;
	FILE *pdulog;
	struct sim_script *script;
	struct sim_concat *concat;	/* multipart messages */
	struct sim_phone *phone;	/* `citizengw-sim phone` */
	struct event *tick;
	struct event *sigint, *sigterm;
	int result;		/* exit code */
	uint32_t msgid;
	int64_t start, deadline;
	int64_t exit_at;	/* linger after the script: mono ms */
	bool script_done;
	uint8_t txbuf[SMPP_PDU_MAX];
};

/* Parses "name=value" of a fault (as in the long option without --).
 * Returns 0 or -EINVAL. */
int sim_fault_set(struct sim_faults *f, const char *name, const char *value);
void sim_fault_help(FILE *out);
int sim_fault_count(void);
const char *sim_fault_name(int i);
/* The status for the next submit_sm (counts submits). */
uint32_t sim_fault_submit_status(struct sim *s);
/* Queues a delivery receipt for an accepted submit, when enabled. */
void sim_receipt_schedule(struct sim *s, const struct sim_submit *sub);

/* --- provided by sim.c for the script runner ------------------------------ */

bool sim_bound(struct sim *s);		/* an ESME can receive MOs */
/* Sends (or re-sends) an MO; returns 0 or -ENOTCONN. */
int sim_send_mo(struct sim *s, struct sim_mo *mo);
struct sim_mo *sim_mo_new(struct sim *s);
struct sim_mo *sim_mo_find(struct sim *s, const char *name);
struct sim_mo *sim_mo_last(struct sim *s);
int sim_submit_count(struct sim *s);
struct sim_submit *sim_submit_at(struct sim *s, int i);
void sim_drop_connections(struct sim *s);
/* Sends unbind on every bound connection. */
void sim_unbind_all(struct sim *s);
/* Writes raw bytes on the first connection (malformed PDU tests). */
int sim_send_raw(struct sim *s, const uint8_t *buf, size_t len);
struct sim_faults *sim_faults(struct sim *s);
/* Prints a screen as the pretend phone shows it (a box, wrapped). */
void sim_screen_box(const char *title, const char *text);
void sim_log(struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int64_t sim_mono_ms(void);
struct sim_concat *sim_concat_of(struct sim *s);

/* --- provided by sim_concat.c: multipart messages both ways ---------------- */

struct sim_concat;
struct sim_concat *sim_concat_new(void);
/* Logs the messages still incomplete, then frees everything. */
void sim_concat_free(struct sim *s, struct sim_concat *cc);

/* Escapes \n, " and \\ for a log line; truncates to cap. */
void sim_escape(const char *in, char *out, size_t cap);

/*
 * Reads a received submit_sm: its text (after the UDH; GSM-7 unpacked when
 * `packed`) into sub->text and its part note into sub->part. Returns 0,
 * or -EBADMSG for a malformed UDH or SAR (the whole user data is decoded
 * then, and the note says "part=malformed").
 */
int sim_concat_read(const struct smpp_pdu *p, bool packed,
		    struct sim_submit *sub);
/*
 * Files a received submit_sm into its message. When that completes a
 * message (a single submit does at once) logs "conn#N MESSAGE ...",
 * keeps it for expect-message and returns its text (valid until the next
 * call); returns NULL for a part that leaves its message incomplete.
 */
const char *sim_concat_file(struct sim *s, struct sim_concat *cc, int conn,
			    const struct smpp_pdu *p, bool packed,
			    const struct sim_submit *sub);

/* A message the simulator joined from the submits it received. */
struct sim_message {
	int index;		/* completion order from 1 */
	bool consumed;		/* matched by an expect-message */
	char to[24], from[24];
	int parts;
	enum reasm_kind concat;
	unsigned ref;
	char *text;
	int *subs;		/* the submits (index) that made it */
	int nsubs;
};

/* What an expect-message step asks for (NULL / -1: any). */
struct sim_msg_match {
	const char *to, *from, *text, *contains, *concat;
	int parts;
};

/*
 * The first message not yet consumed that matches; marks it, and the
 * submits that made it, consumed (so that expect-quiet is satisfied).
 */
struct sim_message *sim_concat_take(struct sim *s,
				    const struct sim_msg_match *m);
/* Prints the unmatched and the incomplete messages to stderr. */
void sim_concat_list(struct sim_concat *cc);

/* How a mo step splits its text (mo ... parts=N concat=... order=...). */
struct sim_parts_spec {
	int parts;		/* 1..SIM_MAX_SENDS */
	enum seg_concat concat;	/* udh8, udh16 or sar */
	const char *order;	/* "3,1,2" (1-based, repeats allowed, a part
				 * may be left out); NULL: 1..N */
	int dup;		/* a part to send again at the end; 0 none */
	long ref;		/* reference; -1: the next of a counter */
	int dc;			/* 0, 1, 3 or 8 */
};

/*
 * Splits text into sp->parts parts of about equal length (never splitting
 * a GSM-7 escape or a surrogate pair), each a new MO named "<msg>/<k>"
 * (a repeat "<msg>/<k>#2") carrying msg's addresses, flags and TLVs, and
 * lists them in msg->parts in sending order. Returns 0, or -EINVAL with a
 * message (text shorter than the parts, a part over its capacity, a bad
 * order, no room).
 */
int sim_concat_make_parts(struct sim *s, struct sim_concat *cc,
			  struct sim_mo *msg, const char *text,
			  const struct sim_parts_spec *sp, char *err,
			  size_t errlen);
/* Sends every part of msg in order: 0, or -ENOTCONN (nothing sent). */
int sim_concat_send_parts(struct sim *s, struct sim_mo *msg);
/* True when msg is multipart and every part was acknowledged. */
bool sim_concat_parts_acked(const struct sim_mo *msg);
/* True when msg is multipart and every part got a response `status`. */
bool sim_concat_parts_status(const struct sim_mo *msg, uint32_t status);

/* --- provided by sim_script.c ---------------------------------------------- */

/* Encodes text into mo in data coding dc (0, 1, 3, 8; message_payload
 * when long). Returns 0, -ERANGE (does not fit dc) or -ENOSPC. */
int sim_mo_encode_text(struct sim_mo *mo, const char *text, int dc);
int sim_mo_add_tlv(struct sim_mo *mo, uint16_t tag, const uint8_t *v,
		   size_t len);

struct sim_script;
/* Loads a script; returns NULL with a "file:line: message" in err. */
struct sim_script *sim_script_load(const char *path, char *err,
				   size_t errlen);
void sim_script_free(struct sim_script *sc);
/*
 * Advances the script as far as it can. Returns 0 while running, 1 when
 * it finished, -1 when a step failed (the message is printed).
 */
int sim_script_run(struct sim_script *sc, struct sim *s);

/* --- provided by sim_phone.c: `citizengw-sim phone` ------------------------ */

struct sim_phone;
/*
 * Parses the options of `citizengw-sim phone ...` (argv[0] is "phone")
 * into o (listen address, port file, credentials, PDU log) and a phone.
 * Returns NULL after printing the reason (exit status 2).
 */
struct sim_phone *sim_phone_new(struct sim_opts *o, int argc, char **argv);
void sim_phone_free(struct sim_phone *p);
/* Runs on every tick: 0 while running, 1 done, -1 failed. */
int sim_phone_tick(struct sim_phone *p, struct sim *s);

#endif
