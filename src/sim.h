/*
 * citizengw-sim internals shared by the SMSC side (sim.c) and the script
 * runner (sim_script.c).
 */
#ifndef CGW_SIM_H
#define CGW_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "smpp_pdu.h"

struct event_base;
struct sim;
struct sim_conn;

#define SIM_MAX_TLV 8
#define SIM_TEXT_MAX 1024

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
	uint32_t seq;			/* of the last attempt */
	int attempts;
	uint32_t statuses[64];		/* every response, in order */
	int nstatus;
	bool acked;			/* got status 0 */
	int64_t resend_at;		/* mono ms, 0 = none */
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
	char text[SIM_TEXT_MAX];	/* decoded UTF-8 */
	char message_id[32];
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
};

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
/* Prints a screen as the pretend phone shows it (a box, wrapped). */
void sim_screen_box(const char *title, const char *text);
void sim_log(struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int64_t sim_mono_ms(void);

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
