/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw: the gateway daemon. Runs in the foreground and logs to stderr
 * (systemd or the operator's supervisor keeps it alive).
 */
#include "config.h"

#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/conf.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/util.h"
#include "daemon/reload.h"
#include "gw/gw.h"
#include "http/http.h"
#include "menu/menu.h"
#include "services/bcast.h"
#include "services/notice.h"

#define NSIGNALS 3	/* entries of `signals` below */

struct daemon {
	struct event_base *base;
	const char *path;		/* -c FILE, read again on SIGHUP */
	/* the running modules point to it: SIGHUP changes it in place
	 * (daemon/reload.h) */
	struct cgw_conf conf;
	struct menu_tree *menus;
	struct notice_set *notices;	/* NULL: no notices.cfg */
	struct bcast_tz *tz;		/* broadcast.timezone */
	struct bcast_quiet quiet;	/* broadcast.quiet_hours */
	struct gw *gw;
	struct http_server *http;
	struct metrics *metrics;	/* the process's (common/metrics.h) */
	struct event *sig[NSIGNALS];	/* one per entry of `signals` */
	bool stopping;
};

/* What the command line asks for. */
struct options {
	const char *path;	/* -c FILE */
	bool test;		/* -t */
	bool dump;		/* -d */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: citizengw -c FILE [-t] [-d]\n"
		"       citizengw --config-reference\n"
		"\n"
		"  -c, --config FILE     configuration file (libconfig)\n"
		"  -t, --test            check the configuration and the menus, "
		"then exit\n"
		"                        0 when valid; 1 after printing every "
		"mistake on\n"
		"                        stderr, one a line, \"file:line: "
		"setting: message\"\n"
		"                        (at most %d; a syntax error stops the "
		"reading)\n"
		"  -d, --dump-config     print the effective configuration\n"
		"      --config-reference print every setting with its default "
		"(Markdown)\n"
		"  -V, --version         print the version\n"
		"  -h, --help            this text\n"
		"\n"
		"Exit status: 0 success, 1 invalid configuration or failed "
		"start-up, 2 bad\n"
		"command line.\n"
		"Relative paths in FILE are relative to FILE's directory. Logs go "
		"to stderr\n"
		"(with <N> priorities and no timestamps when stderr is the "
		"systemd journal)\n"
		"or to syslog (log.target).\n"
		"\n"
		"Signals: SIGTERM/SIGINT unbind, hand queued messages back and "
		"exit 0 (bounded);\n"
		"SIGHUP reloads the configuration, the menus and the notices "
		"(a bad file is\n"
		"refused and everything keeps running as it was).\n",
		CONF_MAX_ERRORS);
}

static void stopped(void *arg)
{
	struct daemon *d = arg;

	LOGP(LOG_MAIN, LOG_NOTICE, NULL, "stopped");
	event_base_loopexit(d->base, NULL);
}

static void on_stop_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	if (d->stopping) {
		LOGP(LOG_MAIN, LOG_WARN, NULL,
		     "second signal: stopping at once");
		event_base_loopexit(d->base, NULL);
		return;
	}
	d->stopping = true;
	LOGP(LOG_MAIN, LOG_NOTICE, NULL, "signal %d: unbinding and stopping",
	     (int)sig);
	gw_stop(d->gw, stopped, d);
}

/* Menu problems at start-up and with -t: one "file:line: message" each. */
static void print_problem(void *arg, const char *file, int line,
			  const char *msg)
{
	if (file)
		fprintf(arg, "%s:%d: %s\n", file, line, msg);
	else
		fprintf(arg, "%s\n", msg);
}

/* ... and on SIGHUP, into the log. */
static void log_problem(void *arg, const char *file, int line,
			const char *msg)
{
	if (file)
		LOGP(LOG_MENU, LOG_ERROR, NULL, "%s:%d: %s", file, line, msg);
	else
		LOGP(LOG_MENU, LOG_ERROR, NULL, "%s", msg);
}

static void log_notice_problem(void *arg, const char *problem)
{
	LOGP(LOG_BCAST, LOG_ERROR, NULL, "%s", problem);
}

static void print_notice_problem(void *arg, const char *problem)
{
	fprintf(stderr, "%s\n", problem);
}

/* menus.dir/notices.cfg; a missing file means no notices. */
static int load_notices(const struct cgw_conf *c, struct notice_set **out,
			notice_report_fn report, char *err, size_t errlen)
{
	char path[CONF_PATH_MAX + 32];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", c->menus.dir, NOTICE_FILE);
	*out = NULL;
	rc = notice_load(path, out, report, NULL, err, errlen);
	return rc == -ENOENT ? 0 : rc;
}

/* Logs a refused reload's reason, one line each. */
static void log_refusal(const char *what, const char *err)
{
	const char *p = err;

	while (*p) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		if (n)
			LOGP(LOG_MAIN, LOG_ERROR, NULL, "SIGHUP: %s: %.*s",
			     what, n, p);
		p += n + (nl ? 1 : 0);
	}
}

/* The new configuration's files, each checked before anything changes:
 * 0, or -1 after logging why (the caller frees what was loaded). */
static int reload_check(struct daemon *d, const struct cgw_conf *nc,
			struct menu_tree **menus, struct notice_set **notices)
{
	char err[1024];
	struct bcast_tz *tz = NULL;
	struct bcast_quiet quiet;
	int rc = 0;

	if (http_check_conf(nc, err, sizeof(err)) < 0) {
		log_refusal("configuration", err);
		return -1;
	}
	/* not taken before a restart, but a restart must not fail on them */
	if (bcast_tz_load(nc->broadcast.timezone, NULL, &tz, err,
			  sizeof(err)) < 0 ||
	    bcast_quiet_parse(nc->broadcast.quiet_hours, &quiet, err,
			      sizeof(err)) < 0) {
		log_refusal("broadcast", err);
		rc = -1;
	}
	bcast_tz_free(tz);
	if (rc < 0)
		return -1;
	if (menu_load_checked(nc->menus.dir, menus, log_problem, NULL, err,
			      sizeof(err)) < 0) {
		LOGP(LOG_MENU, LOG_ERROR, NULL, "SIGHUP: menus not reloaded, "
		     "the running ones stay: %s", err);
		return -1;
	}
	if (load_notices(nc, notices, log_notice_problem, err,
			 sizeof(err)) < 0) {
		LOGP(LOG_BCAST, LOG_ERROR, NULL, "SIGHUP: notices not "
		     "reloaded, the running ones stay: %s", err);
		return -1;
	}
	/* last: log_apply_spec() applies what it read before an error */
	if (log_apply_spec(nc->log.level, err, sizeof(err)) < 0) {
		log_apply_spec(d->conf.log.level, err, sizeof(err));
		LOGP(LOG_MAIN, LOG_ERROR, NULL, "SIGHUP: log.level: %s", err);
		return -1;
	}
	return 0;
}

/*
 * SIGHUP: reads and checks the whole configuration, its menus and
 * notices; when anything is wrong, logs why and changes nothing.
 * Otherwise takes what may change without a restart (daemon/reload.h):
 * log levels, limits, menus, notices, and the binds (gw_reload_binds:
 * only those added, removed or changed bind or unbind).
 */
static void reload(struct daemon *d)
{
	struct cgw_conf *nc = calloc(1, sizeof(*nc));
	struct menu_tree *menus = NULL;
	struct notice_set *notices = NULL;
	char err[4096];

	LOGP(LOG_MAIN, LOG_NOTICE, NULL, "SIGHUP: reloading %s", d->path);
	if (!nc) {
		LOGP(LOG_MAIN, LOG_ERROR, NULL, "SIGHUP: out of memory");
		return;
	}
	if (conf_load(nc, d->path, err, sizeof(err)) < 0) {
		log_refusal("configuration", err);
		goto refused;
	}
	if (reload_check(d, nc, &menus, &notices) < 0)
		goto refused;
	if (reload_merge(&d->conf, nc) < 0) {
		log_apply_spec(d->conf.log.level, err, sizeof(err));
		LOGP(LOG_MAIN, LOG_ERROR, NULL, "SIGHUP: out of memory");
		goto refused;
	}
	log_set_timestamps(d->conf.log.timestamps);
	/* the scripts that hold the limits (protect.*) and
	 * gateway.mo_dedup_window in their text */
	if (gw_reload_scripts(d->gw, err, sizeof(err)) < 0)
		LOGP(LOG_REDIS, LOG_ERROR, NULL, "SIGHUP: the scripts keep "
		     "the settings they had: %s", err);
	gw_set_menus(d->gw, menus);
	menu_free(d->menus);
	d->menus = menus;
	gw_set_notices(d->gw, notices);
	notice_set_free(d->notices);
	d->notices = notices;
	gw_reload_binds(d->gw);
	if (http_reload_tls(d->http, err, sizeof(err)) < 0)
		LOGP(LOG_HTTP, LOG_ERROR, NULL, "SIGHUP: HTTPS certificate not "
		     "reloaded, the running one stays: %s", err);
	LOGP(LOG_MENU, LOG_NOTICE, NULL, "SIGHUP: menus reloaded from %s",
	     d->conf.menus.dir);
	LOGP(LOG_BCAST, LOG_NOTICE, NULL, "SIGHUP: notices reloaded%s",
	     notices ? "" : " (no notices.cfg: none are sent)");
	LOGP(LOG_MAIN, LOG_NOTICE, NULL, "SIGHUP: configuration reloaded");
	free(nc);
	return;
refused:
	menu_free(menus);
	notice_set_free(notices);
	free(nc);
	LOGP(LOG_MAIN, LOG_ERROR, NULL, "SIGHUP: nothing reloaded; "
	     "everything keeps running as it was");
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	if (d->stopping)
		return;
	reload(d);
}

/* The signals the daemon answers. */
static const struct {
	int sig;
	const char *name;
	event_callback_fn cb;
} signals[] = {
	{ SIGTERM, "SIGTERM", on_stop_signal },
	{ SIGINT, "SIGINT", on_stop_signal },
	{ SIGHUP, "SIGHUP", on_hup },
};
_Static_assert(ARRAY_SIZE(signals) == NSIGNALS, "NSIGNALS");

#define RUN_ON (-1)	/* parse_options: no exit status yet */

/*
 * Fills o from the command line. Returns RUN_ON, or the exit status when
 * the options are the whole run (--help, --version, --config-reference:
 * 0) or wrong (2, after the usage on stderr).
 */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "test", no_argument, NULL, 't' },
		{ "dump-config", no_argument, NULL, 'd' },
		{ "config-reference", no_argument, NULL, 'R' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "c:tdVh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->path = optarg;
			break;
		case 't':
			o->test = true;
			break;
		case 'd':
			o->dump = true;
			break;
		case 'R':
			conf_print_reference(stdout);
			return 0;
		case 'V':
			printf("citizengw %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!o->path || optind != argc) {
		usage(stderr);
		return 2;
	}
	return RUN_ON;
}

/* broadcast.timezone and broadcast.quiet_hours. */
static int load_broadcast(struct daemon *d, const char *path)
{
	char err[512];

	if (bcast_tz_load(d->conf.broadcast.timezone, NULL, &d->tz, err,
			  sizeof(err)) < 0) {
		fprintf(stderr, "%s: broadcast.timezone: %s\n", path, err);
		return -1;
	}
	if (bcast_quiet_parse(d->conf.broadcast.quiet_hours, &d->quiet, err,
			      sizeof(err)) < 0) {
		fprintf(stderr, "%s: broadcast.quiet_hours: %s\n", path, err);
		return -1;
	}
	return 0;
}

/* The configuration at path, the log settings and the menus, into d.
 * Returns 0, or -1 after printing every problem on stderr. */
static int load_config(struct daemon *d, const char *path)
{
	char err[8192];	/* every mistake of the file (conf_load) */

	if (conf_load(&d->conf, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (log_apply_spec(d->conf.log.level, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: log.level: %s\n", path, err);
		return -1;
	}
	log_set_timestamps(d->conf.log.timestamps);
	if (menu_load_checked(d->conf.menus.dir, &d->menus, print_problem,
			      stderr, err, sizeof(err)) < 0 ||
	    load_notices(&d->conf, &d->notices, print_notice_problem, err,
			 sizeof(err)) < 0 ||
	    http_check_conf(&d->conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return load_broadcast(d, path);
}

/* -t and -d: say what was loaded instead of running. */
static void report_loaded(const struct daemon *d, const struct options *o)
{
	if (o->dump)
		conf_dump(&d->conf, stdout);
	if (o->test)
		printf("%s: configuration and menus OK\n", o->path);
}

/* Returns 0, or -1 after naming on stderr the signal libevent cannot
 * watch (the daemon would not stop or reload on it). */
static int watch_signals(struct daemon *d)
{
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++) {
		d->sig[i] = evsignal_new(d->base, signals[i].sig, signals[i].cb,
					 d);
		if (!d->sig[i] || evsignal_add(d->sig[i], NULL) < 0) {
			fprintf(stderr, "cannot watch %s\n", signals[i].name);
			return -1;
		}
	}
	return 0;
}

/* The event loop, the gateway and the signals. Returns 0, or -1 after
 * saying why on stderr; tear_down() frees what was made either way. */
static int set_up(struct daemon *d)
{
	char err[1024];

	log_set_target(d->conf.log.target, d->conf.log.facility);
	signal(SIGPIPE, SIG_IGN);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	d->base = event_base_new();
	if (!d->base) {
		fprintf(stderr, "cannot create the event loop\n");
		return -1;
	}
	d->metrics = metrics_new(cgw_metrics, CGW_M_COUNT, err, sizeof(err));
	if (!d->metrics) {
		fprintf(stderr, "metrics: %s\n", err);
		return -1;
	}
	metrics_process_set(d->metrics);
	d->gw = gw_new(d->base, &d->conf,
		       &(struct gw_loaded){ d->menus, d->notices, d->tz,
					    &d->quiet },
		       err, sizeof(err));
	if (!d->gw) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	d->http = http_new(d->base, &d->conf, d->gw, err, sizeof(err));
	if (!d->http && err[0]) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return watch_signals(d);
}

/* Until SIGTERM or SIGINT has unbound everything (or a second one). */
static void run(struct daemon *d, const char *path)
{
	LOGP(LOG_MAIN, LOG_NOTICE, NULL, "citizengw %s starting with %s",
	     PACKAGE_VERSION, path);
	if (getenv("CITIZENGW_NOW_MS"))
		LOGP(LOG_MAIN, LOG_WARN, NULL, "the clock is set by "
		     "CITIZENGW_NOW_MS (a test): it is not the real time");
	gw_start(d->gw);
	event_base_dispatch(d->base);
}

/* What load_config() loaded. */
static void unload(struct daemon *d)
{
	menu_free(d->menus);
	notice_set_free(d->notices);
	bcast_tz_free(d->tz);
}

static void tear_down(struct daemon *d)
{
	http_free(d->http);
	gw_free(d->gw);
	metrics_free(d->metrics);	/* uninstalls it */
	for (size_t i = 0; i < ARRAY_SIZE(d->sig); i++)
		if (d->sig[i])
			event_free(d->sig[i]);
	unload(d);
	if (d->base)
		event_base_free(d->base);
}

int main(int argc, char **argv)
{
	struct options o;
	struct daemon d;
	int rc = parse_options(argc, argv, &o);

	if (rc != RUN_ON)
		return rc;
	if (util_clock_from_env() < 0) {
		fprintf(stderr, "CITIZENGW_NOW_MS: not epoch milliseconds\n");
		return 2;
	}
	memset(&d, 0, sizeof(d));
	d.path = o.path;
	if (load_config(&d, o.path) < 0) {
		unload(&d);
		return 1;
	}
	if (o.test || o.dump) {
		report_loaded(&d, &o);
		unload(&d);
		return 0;
	}
	rc = set_up(&d) < 0 ? 1 : 0;
	if (rc == 0)
		run(&d, o.path);
	tear_down(&d);
	return rc;
}
