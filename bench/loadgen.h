/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cgw-loadgen: an SMS centre that drives simulated citizens through SMS
 * lookups and USSD sessions against ESMEs bound to it (citizengw, Kannel's
 * bearerbox), and measures MO->MT throughput, latency and what each MO
 * costs the daemon, Redis and the generator itself.
 *
 * One thread, one libevent loop. The parts:
 *   loadgen_main.c    options, phases (wait for binds, warm-up, measured
 *                     window, drain), the 1 ms tick
 *   loadgen_conn.c    listener and connections: framing, binds, writing
 *                     PDUs straight into the output evbuffer
 *   loadgen_drive.c   citizens: who sends which MO when, MT matching
 *   loadgen_echo.c    the instant-echo ESME (the generator's own ceiling)
 *   loadgen_report.c  /proc, Redis INFO, the table and the JSON
 *   loadgen_hist.c    the latency histogram
 * Everything lives in one struct lg passed around; the only allocations
 * are made at start (citizens, queues, slot tables at bind time).
 */
#ifndef LG_LOADGEN_H
#define LG_LOADGEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>

#include "smpp/smpp_pdu.h"
#include "loadgen_hist.h"

struct event_base;
struct event;
struct bufferevent;
struct evconnlistener;

#define LG_PHONE_BASE 84900000000ull	/* --phone-base: citizen i is base + i */
#define LG_WATCH_MAX 8
#define LG_BINDS_MAX 64
#define LG_STEPS_MAX 16
#define LG_RETRY_US 50000	/* a refused MO is offered again after this */
#define LG_BIND_WAIT_S 60	/* --binds: how long to wait for them */
#define LG_TEXT_MAX SMPP_SM_MAX

struct lg_watch {
	char name[32];
	int pid;
	uint64_t cpu_ticks0, cpu_ticks1;	/* utime + stime */
	long hwm_kb, rss_kb;			/* -1: unreadable */
};

struct lg_opts {
	const char *listen;
	const char *port_file;
	const char *system_id, *password;
	unsigned binds;
	unsigned citizens;
	uint64_t phone_base;
	unsigned sms_pct;
	const char *sms_text;
	const char *codes_file;
	const char *ussd_dial;
	const char *short_code;
	char *steps[LG_STEPS_MAX];	/* --ussd-steps split, owned */
	unsigned nsteps;
	double rate;			/* 0: closed loop */
	unsigned window;
	double duration, warmup, drain;
	unsigned mo_window;
	bool dlr;
	unsigned open_sessions;
	struct lg_watch watch[LG_WATCH_MAX];
	unsigned nwatch;
	const char *redis;
	const char *json;
	const char *label;
	const char *echo;		/* NULL, "self" or HOST:PORT */
	const char *trace;		/* each measured MO's times, or NULL */
};

enum lg_phase { LG_WAIT_BINDS, LG_WARMUP, LG_MEASURE, LG_DRAIN, LG_DONE };

/* citizen states */
enum { LG_FREE, LG_WAIT, LG_READY, LG_RETRY, LG_OPEN };
/* citizen flags */
#define LG_CF_USSD 0x01		/* in a USSD session (else an SMS lookup) */
#define LG_CF_MEASURED 0x02	/* its current MO was sent in the window */
#define LG_CF_ITS 0x04		/* its holds its_session_info to echo */

struct lg_cit {
	uint64_t t_sent;	/* µs: current MO written, or refused */
	uint16_t its;
	uint16_t gen;		/* MO serial, tells a stale response */
	uint8_t state;
	uint8_t flags;
	uint8_t step;		/* 0: the SMS or the dial; k: ussd step k */
	uint8_t echo_step;	/* echo ESME: MOs seen in this session */
};

/* FIFO of citizen indices; each citizen is in at most one. */
struct lg_ring {
	uint32_t *v;
	uint32_t cap, head, n;
};

/* A deliver_sm awaiting its deliver_sm_resp. */
struct lg_slot {
	uint32_t seq;
	int32_t cit;		/* citizen, LG_SLOT_RECEIPT or LG_SLOT_FREE */
	uint16_t gen;
	bool measured;
};
#define LG_SLOT_FREE (-1)
#define LG_SLOT_RECEIPT (-2)

enum lg_side { LG_SIDE_SMSC, LG_SIDE_ESME };
#define LG_ROLE_TX 1
#define LG_ROLE_RX 2

struct lg_conn {
	struct lg *lg;
	struct bufferevent *bev;
	struct smpp_framer fr;
	enum lg_side side;
	unsigned role;		/* LG_ROLE_* bits once bound, 0 before */
	bool dead;		/* to be freed by the tick */
	bool closing;		/* unbound: close once all is written */
	uint32_t seq;
	unsigned inflight;	/* deliver_sm awaiting their response */
	struct lg_slot *slots;	/* SMSC side: mo_window * 2, power of 2 */
	uint32_t slot_mask;
	char peer[64];
	struct lg_conn *next;
};

struct lg_redis_info {
	bool ok;
	double cpu_s;
	double commands, reads, evalsha, eval, used_memory;
	double keys;		/* db0's, from INFO keyspace */
};

/* One second of the window, with --redis: Redis as INFO said at its end
 * (the series of the JSON, and bench/plot.py's loop figure). */
struct lg_sample {
	uint64_t at;		/* µs, CLOCK_MONOTONIC */
	struct lg_redis_info info;
};

struct lg_stats {
	uint64_t mo_sent, mo_acked, mo_refused, mt_received, unanswered;
	uint64_t duplicates, not_offered, receipts, receipts_sent;
	uint64_t mt_parts;		/* non-final parts of multipart MTs */
	uint64_t mt_unknown;		/* MTs to a phone not of this run */
	uint64_t mt_in_window;		/* any MT read during the window */
	uint64_t submits_in_window;
	uint64_t ussd_ended;		/* sessions ended by op 17 */
	uint64_t ussd_cut;		/* ended after the last step, no 17 */
	uint64_t sessions_open;		/* memory mode: menus seen */
	uint64_t offered;		/* open loop: MOs due in the window */
};

struct lg {
	struct lg_opts o;
	struct event_base *base;
	struct evconnlistener *lst;
	struct event *tick;
	struct event *sigint;
	struct lg_conn *conns;
	struct lg_conn *rx[LG_BINDS_MAX];	/* bound, able to receive */
	unsigned nrx, rr;
	struct lg_conn *echo;			/* the echo ESME's link */
	char listen_host[64];
	int listen_port;

	char **codes;
	unsigned ncodes;
	struct lg_cit *cit;
	struct lg_ring free_q, ready_q, retry_q;
	unsigned inflight;		/* MOs awaiting their MT */
	uint64_t issued;		/* open loop: MOs due so far */
	uint64_t t_send0;		/* µs: sending began (warm-up) */
	unsigned sms_acc;		/* spreads --sms-pct evenly */
	uint64_t ussd_started;		/* numbers its_session_info */
	uint64_t dialled;		/* memory mode: sessions dialled */
	uint64_t msgid;

	enum lg_phase phase;
	uint64_t now;			/* µs, CLOCK_MONOTONIC, per callback */
	uint64_t t_phase;		/* when the phase began */
	uint64_t t_measure0, t_measure1;
	FILE *trace;			/* --trace, open while running */
	uint32_t *sub_slots;		/* submits per 10 ms of the window */
	uint32_t nsub_slots;
	/* with --redis: INFO once a second of the window, on a connection
	 * of its own (a blocking call, well under a millisecond) */
	void *series_rc;		/* redisContext * */
	struct lg_sample *samples;
	uint32_t nsamples, samples_cap;
	double series_calls;		/* INFO calls in the window */
	struct rusage ru0, ru1;
	struct lg_redis_info r0, r1;
	struct lg_stats st;
	struct lg_hist hist;
	int exit_code;
};

/* loadgen_main.c */
uint64_t lg_clock(void);
void lg_set_now(struct lg *lg);
void lg_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2),
						     noreturn));

/* loadgen_conn.c */
int lg_listen(struct lg *lg, char *err, size_t errlen);
int lg_connect(struct lg *lg, const char *hostport, enum lg_side side,
	       struct lg_conn **out, char *err, size_t errlen);
/* Encodes pdu straight into c's output buffer. Returns 0 or -EINVAL. */
int lg_send(struct lg_conn *c, const struct smpp_pdu *pdu);
/* A response with no body but the status (and message_id ""). */
void lg_respond(struct lg_conn *c, uint32_t cmd, uint32_t status,
		uint32_t seq);
/* r goes back to from's sender, from from's recipient (sm PDUs: 21). */
void lg_reply_to(struct smpp_pdu *r, const struct smpp_pdu *from);
/* The next bound receiver with room in its mo-window, or NULL. */
struct lg_conn *lg_pick_rx(struct lg *lg);
/* Reserves a slot for a deliver_sm; returns its sequence number or 0. */
uint32_t lg_slot_take(struct lg_conn *c, int32_t cit, uint16_t gen,
		      bool measured);
void lg_reap(struct lg *lg);
void lg_close_all(struct lg *lg);

/* loadgen_drive.c */
int lg_drive_init(struct lg *lg, char *err, size_t errlen);
void lg_drive_free(struct lg *lg);
void lg_drive_tick(struct lg *lg);
void lg_drive_pump(struct lg *lg);
/* The window begins: the open loop forgets what the warm-up owes. */
void lg_drive_window_begin(struct lg *lg);
/* The window ends: open-loop MOs still owed count as not offered. */
void lg_drive_window_end(struct lg *lg);
/* A submit_sm, answered already with message id msgid. */
void lg_on_submit(struct lg *lg, struct lg_conn *c,
		  const struct smpp_pdu *pdu, const char *msgid);
void lg_on_mo_resp(struct lg *lg, const struct lg_slot *s, bool ok);
void lg_drive_count_unanswered(struct lg *lg);
/* "84900000042" -> 42; -1 when not one of our citizens. */
long lg_phone_index(const struct lg *lg, const char *addr);
/* Writes the phone of citizen i into buf (>= 21 bytes). */
void lg_phone_format(const struct lg *lg, uint64_t i, char *buf);

/* loadgen_echo.c */
int lg_echo_start(struct lg *lg, char *err, size_t errlen);
void lg_echo_connected(struct lg_conn *c);
void lg_echo_pdu(struct lg_conn *c, const struct smpp_pdu *pdu);

/* loadgen_report.c */
void lg_measure_begin(struct lg *lg);
void lg_sample_tick(struct lg *lg);
void lg_measure_end(struct lg *lg);
int lg_report(struct lg *lg);
int lg_watch_parse(struct lg_watch *w, const char *arg);

#endif
