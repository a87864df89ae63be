/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cgw-loadgen: options, the run's phases and the 1 ms tick.
 *
 * Phases: wait for --binds receivers (up to LG_BIND_WAIT_S), warm up
 * (--warmup s, not measured), the measured window (--duration s; in
 * memory mode until every session is dialled), drain (up to --drain s for
 * the MTs still awaited), done. Only start-up errors exit at once.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "common/util.h"
#include "loadgen.h"

/* the open loop's send clock; the closed loop is driven by its MTs and
 * only needs the tick for phases and retries */
#define TICK_OPEN_US 1000
#define TICK_CLOSED_US 10000

void lg_fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("cgw-loadgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

uint64_t lg_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void lg_set_now(struct lg *lg)
{
	lg->now = lg_clock();
}

/* --- phases --------------------------------------------------------------- */

static const char *const phase_names[] = {
	[LG_WAIT_BINDS] = "waiting for binds", [LG_WARMUP] = "warm-up",
	[LG_MEASURE] = "measuring", [LG_DRAIN] = "draining",
	[LG_DONE] = "done",
};

static void enter(struct lg *lg, enum lg_phase p)
{
	fprintf(stderr, "cgw-loadgen: %s -> %s (%u in flight)\n",
		phase_names[lg->phase], phase_names[p], lg->inflight);
	lg->phase = p;
	lg->t_phase = lg->now;
	if (p == LG_MEASURE) {
		lg_drive_window_begin(lg);
		lg_measure_begin(lg);
	}
	if (p == LG_DONE) {
		lg_drive_count_unanswered(lg);
		event_base_loopbreak(lg->base);
	}
}

static double since(const struct lg *lg)
{
	return (double)(lg->now - lg->t_phase) / 1e6;
}

static bool drained(const struct lg *lg)
{
	return lg->inflight == 0 && lg->retry_q.n == 0;
}

/* The window ends on time, or in memory mode once all are dialled. */
static bool window_over(const struct lg *lg)
{
	if (lg->o.open_sessions)
		return lg->dialled >= lg->o.open_sessions;
	return since(lg) >= lg->o.duration;
}

static void phase_step(struct lg *lg)
{
	switch (lg->phase) {
	case LG_WAIT_BINDS:
		if (lg->nrx >= lg->o.binds) {
			lg->t_send0 = lg->now;
			enter(lg, lg->o.open_sessions ? LG_MEASURE : LG_WARMUP);
		} else if (since(lg) >= LG_BIND_WAIT_S) {
			fprintf(stderr, "cgw-loadgen: %u of %u binds after %d s\n",
				lg->nrx, lg->o.binds, LG_BIND_WAIT_S);
			lg->exit_code = 2;
			enter(lg, LG_DONE);
		}
		break;
	case LG_WARMUP:
		if (since(lg) >= lg->o.warmup)
			enter(lg, LG_MEASURE);
		break;
	case LG_MEASURE:
		if (window_over(lg)) {
			lg_drive_window_end(lg);
			/* memory mode measures until its menus are in */
			if (!lg->o.open_sessions)
				lg_measure_end(lg);
			enter(lg, LG_DRAIN);
		}
		break;
	case LG_DRAIN:
		if (drained(lg) || since(lg) >= lg->o.drain) {
			if (lg->o.open_sessions)
				lg_measure_end(lg);
			enter(lg, LG_DONE);
		}
		break;
	case LG_DONE:
		break;
	}
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct lg *lg = arg;

	(void)fd;
	(void)what;
	lg_set_now(lg);
	lg_reap(lg);
	phase_step(lg);
	lg_drive_tick(lg);
	lg_sample_tick(lg);
}

static void on_signal(evutil_socket_t fd, short what, void *arg)
{
	struct lg *lg = arg;

	(void)fd;
	(void)what;
	lg_set_now(lg);
	if (lg->phase == LG_MEASURE ||
	    (lg->phase == LG_DRAIN && lg->o.open_sessions))
		lg_measure_end(lg);
	lg->exit_code = 1;
	enter(lg, LG_DONE);
}

/* --- options -------------------------------------------------------------- */

static const char usage_text[] =
"usage: cgw-loadgen [options]\n"
"An SMS centre that drives simulated citizens through SMS lookups and USSD\n"
"sessions against the ESMEs bound to it, and measures (bench/README.md).\n"
"  --listen ADDR:PORT     listen for ESME binds (default 127.0.0.1:2775)\n"
"  --port-file FILE       write the port listened on (for --listen ...:0)\n"
"  --system-id ID         refuse binds with another system_id\n"
"  --password PW          refuse binds with another password\n"
"  --binds K              wait up to 60 s for K binds able to receive\n"
"                         (rx or trx); MOs go round robin (default 1)\n"
"  --citizens N           phones BASE+i, i in [0,N) (default 10000)\n"
"  --phone-base BASE      the first phone (default 84900000000); runs on\n"
"                         one daemon within gateway.mo_dedup_window of\n"
"                         each other want their own phones\n"
"  --sms-pct P            percent of new MOs that are SMS lookups; the\n"
"                         rest start USSD sessions (default 100)\n"
"  --sms-text TEXT        SMS text, {code} replaced (default \"TRACUU {code}\")\n"
"  --codes FILE           dossier codes, one a line; citizen i uses line\n"
"                         i % lines (default 000.00.19.H56-250806-0001)\n"
"  --short-code ADDR      destination_addr of the MOs (default 8088)\n"
"  --ussd-dial TEXT       the dial, ussd_service_op 1 (default \"*8088#\")\n"
"  --ussd-steps LIST      comma-separated answers, op 18, {code} replaced\n"
"                         (default \"1,{code}\"); a session ends on op 17\n"
"                         or after its last step\n"
"  --rate R               open loop: R new MOs per second\n"
"  --window W             closed loop: W MOs awaiting their MT (default 100)\n"
"  --duration S           measured seconds (default 10)\n"
"  --warmup S             seconds before, not measured (default 2)\n"
"  --drain S              wait up to S s for outstanding MTs (default 5)\n"
"  --mo-window M          deliver_sm awaiting their response per bind\n"
"                         (default 1000)\n"
"  --dlr                  answer submits asking for one with a receipt\n"
"  --open-sessions N      memory mode: dial N sessions, leave them open\n"
"  --watch NAME=PID       CPU and memory of a process (repeatable)\n"
"  --redis HOST:PORT      Redis INFO at the window's start and end\n"
"  --json FILE            write the result as JSON\n"
"  --label NAME           the run's name (default \"run\")\n"
"  --trace FILE           each measured MO: ms since sending began, its\n"
"                         MO->MT latency in ms (where a tail comes from)\n"
"  --echo-esme self|HOST:PORT  bind an instant-echo ESME in this process\n"
"                         (the generator's own ceiling)\n"
"  --help                 this text\n";

enum {
	O_LISTEN = 256, O_PORTFILE, O_SYSID, O_PASSWORD, O_BINDS, O_CITIZENS,
	O_SMSPCT, O_SMSTEXT, O_CODES, O_SHORTCODE, O_DIAL, O_STEPS, O_RATE,
	O_WINDOW, O_DURATION, O_WARMUP, O_DRAIN, O_MOWINDOW, O_DLR,
	O_SESSIONS, O_WATCH, O_REDIS, O_JSON, O_LABEL, O_ECHO, O_PHONEBASE,
	O_TRACE, O_HELP,
};

/* in the order of the enum: opt_number() finds a name by its code */
static const struct option long_opts[] = {
	{ "listen", required_argument, NULL, O_LISTEN },
	{ "port-file", required_argument, NULL, O_PORTFILE },
	{ "system-id", required_argument, NULL, O_SYSID },
	{ "password", required_argument, NULL, O_PASSWORD },
	{ "binds", required_argument, NULL, O_BINDS },
	{ "citizens", required_argument, NULL, O_CITIZENS },
	{ "sms-pct", required_argument, NULL, O_SMSPCT },
	{ "sms-text", required_argument, NULL, O_SMSTEXT },
	{ "codes", required_argument, NULL, O_CODES },
	{ "short-code", required_argument, NULL, O_SHORTCODE },
	{ "ussd-dial", required_argument, NULL, O_DIAL },
	{ "ussd-steps", required_argument, NULL, O_STEPS },
	{ "rate", required_argument, NULL, O_RATE },
	{ "window", required_argument, NULL, O_WINDOW },
	{ "duration", required_argument, NULL, O_DURATION },
	{ "warmup", required_argument, NULL, O_WARMUP },
	{ "drain", required_argument, NULL, O_DRAIN },
	{ "mo-window", required_argument, NULL, O_MOWINDOW },
	{ "dlr", no_argument, NULL, O_DLR },
	{ "open-sessions", required_argument, NULL, O_SESSIONS },
	{ "watch", required_argument, NULL, O_WATCH },
	{ "redis", required_argument, NULL, O_REDIS },
	{ "json", required_argument, NULL, O_JSON },
	{ "label", required_argument, NULL, O_LABEL },
	{ "echo-esme", required_argument, NULL, O_ECHO },
	{ "phone-base", required_argument, NULL, O_PHONEBASE },
	{ "trace", required_argument, NULL, O_TRACE },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

static unsigned opt_uint(const char *name, const char *s, unsigned min,
			 unsigned max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max)
		lg_fatal("--%s %s: not a whole number in [%u, %u]", name, s,
			 min, max);
	return (unsigned)v;
}

static double opt_num(const char *name, const char *s, double min,
		      double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= min && v <= max))
		lg_fatal("--%s %s: not a number in [%g, %g]", name, s, min,
			 max);
	return v;
}

/* --ussd-steps: texts of at most LG_TEXT_MAX octets, LG_STEPS_MAX of them */
static void opt_steps(struct lg_opts *o, const char *list)
{
	char *copy = strdup(list), *save = NULL, *t;

	if (!copy)
		lg_fatal("out of memory");
	for (unsigned i = 0; i < o->nsteps; i++)
		free(o->steps[i]);
	o->nsteps = 0;
	for (t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (o->nsteps >= LG_STEPS_MAX || strlen(t) > LG_TEXT_MAX)
			lg_fatal("--ussd-steps: at most %d steps of %d octets",
				 LG_STEPS_MAX, LG_TEXT_MAX);
		if (!(o->steps[o->nsteps++] = strdup(t)))
			lg_fatal("out of memory");
	}
	free(copy);
}

static void opts_default(struct lg_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->listen = "127.0.0.1:2775";
	o->binds = 1;
	o->citizens = 10000;
	o->phone_base = LG_PHONE_BASE;
	o->sms_pct = 100;
	o->sms_text = "TRACUU {code}";
	o->ussd_dial = "*8088#";
	o->short_code = "8088";
	o->window = 100;
	o->duration = 10;
	o->warmup = 2;
	o->drain = 5;
	o->mo_window = 1000;
	o->label = "run";
	opt_steps(o, "1,{code}");
}

#define MAXU 100000000u

/* Options with a number. Returns false when c is not one of them. */
static bool opt_number(struct lg_opts *o, int c, const char *a)
{
	const char *n = long_opts[c - O_LISTEN].name;

	switch (c) {
	case O_BINDS: o->binds = opt_uint(n, a, 1, LG_BINDS_MAX); break;
	case O_CITIZENS: o->citizens = opt_uint(n, a, 1, MAXU); break;
	case O_SMSPCT: o->sms_pct = opt_uint(n, a, 0, 100); break;
	case O_RATE: o->rate = opt_num(n, a, 0.001, 1e7); break;
	case O_WINDOW: o->window = opt_uint(n, a, 1, MAXU); break;
	case O_DURATION: o->duration = opt_num(n, a, 0.01, 86400); break;
	case O_WARMUP: o->warmup = opt_num(n, a, 0, 86400); break;
	case O_DRAIN: o->drain = opt_num(n, a, 0, 86400); break;
	case O_MOWINDOW: o->mo_window = opt_uint(n, a, 1, 1u << 20); break;
	case O_SESSIONS: o->open_sessions = opt_uint(n, a, 1, MAXU); break;
	case O_PHONEBASE: o->phone_base = (uint64_t)opt_num(n, a, 1, 1e15);
		break;
	default: return false;
	}
	return true;
}

/* Options with a text. Returns false when c is not one of them. */
static bool opt_text(struct lg_opts *o, int c, const char *a)
{
	switch (c) {
	case O_LISTEN: o->listen = a; break;
	case O_PORTFILE: o->port_file = a; break;
	case O_SYSID: o->system_id = a; break;
	case O_PASSWORD: o->password = a; break;
	case O_SMSTEXT: o->sms_text = a; break;
	case O_CODES: o->codes_file = a; break;
	case O_SHORTCODE: o->short_code = a; break;
	case O_DIAL: o->ussd_dial = a; break;
	case O_STEPS: opt_steps(o, a); break;
	case O_REDIS: o->redis = a; break;
	case O_JSON: o->json = a; break;
	case O_LABEL: o->label = a; break;
	case O_TRACE: o->trace = a; break;
	case O_ECHO: o->echo = a; break;
	case O_DLR: o->dlr = true; break;
	default: return false;
	}
	return true;
}

static void opts_check(struct lg_opts *o)
{
	if (strlen(o->short_code) > 20 || strlen(o->sms_text) > LG_TEXT_MAX ||
	    strlen(o->ussd_dial) > LG_TEXT_MAX)
		lg_fatal("--short-code, --sms-text or --ussd-dial too long");
	if (o->open_sessions && o->rate > 0)
		lg_fatal("--open-sessions runs at --window, not --rate");
	if (o->open_sessions > o->citizens)
		o->citizens = o->open_sessions;
}

static void opts_parse(struct lg_opts *o, int argc, char **argv)
{
	int c;

	opts_default(o);
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (c == O_HELP || c == 'h') {
			fputs(usage_text, stdout);
			exit(0);
		}
		if (c == O_WATCH) {
			if (o->nwatch >= LG_WATCH_MAX ||
			    lg_watch_parse(&o->watch[o->nwatch++], optarg) < 0)
				lg_fatal("--watch %s: NAME=PID, at most %d",
					 optarg, LG_WATCH_MAX);
		} else if (c < O_LISTEN || (!opt_number(o, c, optarg) &&
					   !opt_text(o, c, optarg))) {
			fputs(usage_text, stderr);
			exit(2);
		}
	}
	if (optind < argc)
		lg_fatal("unexpected argument %s (--help)", argv[optind]);
	opts_check(o);
}

/* --- main ----------------------------------------------------------------- */

static void write_port(const struct lg *lg)
{
	FILE *f = fopen(lg->o.port_file, "w");

	if (!f || fprintf(f, "%d\n", lg->listen_port) < 0 || fclose(f) != 0)
		lg_fatal("--port-file %s: %s", lg->o.port_file,
			 strerror(errno));
}

/* Listener, echo ESME, citizens and the tick; fatal on any failure. */
static void start(struct lg *lg)
{
	struct timeval tv = { 0, TICK_CLOSED_US };
	char err[256];

	signal(SIGPIPE, SIG_IGN);
	lg->base = event_base_new();
	if (!lg->base)
		lg_fatal("event_base_new failed");
	if (lg_drive_init(lg, err, sizeof(err)) < 0 ||
	    lg_listen(lg, err, sizeof(err)) < 0)
		lg_fatal("%s", err);
	if (lg->o.port_file)
		write_port(lg);
	if (lg->o.trace && !(lg->trace = fopen(lg->o.trace, "w")))
		lg_fatal("--trace %s: %s", lg->o.trace, strerror(errno));
	if (lg->o.echo && lg_echo_start(lg, err, sizeof(err)) < 0)
		lg_fatal("--echo-esme: %s", err);
	if (lg->o.rate > 0)
		tv.tv_usec = TICK_OPEN_US;
	lg->tick = event_new(lg->base, -1, EV_PERSIST, on_tick, lg);
	lg->sigint = evsignal_new(lg->base, SIGINT, on_signal, lg);
	if (!lg->tick || !lg->sigint || event_add(lg->tick, &tv) < 0 ||
	    event_add(lg->sigint, NULL) < 0)
		lg_fatal("cannot set up the tick");
	lg_set_now(lg);
	lg->t_phase = lg->now;
	fprintf(stderr, "cgw-loadgen: listening on %s:%d, %u citizens\n",
		lg->listen_host, lg->listen_port, lg->o.citizens);
}

static void finish(struct lg *lg)
{
	if (lg->trace && fclose(lg->trace) != 0)
		fprintf(stderr, "cgw-loadgen: --trace %s: %s\n", lg->o.trace,
			strerror(errno));
	lg_close_all(lg);
	event_free(lg->tick);
	event_free(lg->sigint);
	event_base_free(lg->base);
	lg_drive_free(lg);
	free(lg->sub_slots);
	free(lg->samples);
	for (unsigned i = 0; i < lg->o.nsteps; i++)
		free(lg->o.steps[i]);
}

int main(int argc, char **argv)
{
	/* large (the histogram): on the heap, not the stack */
	struct lg *lg = calloc(1, sizeof(*lg));
	int rc;

	if (!lg)
		lg_fatal("out of memory");
	opts_parse(&lg->o, argc, argv);
	start(lg);
	event_base_dispatch(lg->base);
	rc = lg->exit_code;
	if (lg_report(lg) < 0 && !rc)
		rc = 1;
	finish(lg);
	free(lg);
	return rc;
}
