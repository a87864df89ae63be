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
#include "gw/gw.h"
#include "common/log.h"
#include "common/util.h"
#include "menu/menu.h"

#define NSIGNALS 3	/* entries of `signals` below */

struct daemon {
	struct event_base *base;
	struct cgw_conf conf;
	struct menu_tree *menus;
	struct gw *gw;
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
		"then exit:\n"
		"                        0 when valid, 1 with file:line: "
		"message\n"
		"  -d, --dump-config     print the effective configuration\n"
		"      --config-reference print every setting with its default "
		"(Markdown)\n"
		"  -V, --version         print the version\n"
		"  -h, --help            this text\n"
		"\n"
		"Signals: SIGTERM/SIGINT unbind and stop gracefully; SIGHUP "
		"reloads the menus.\n");
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

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	struct menu_tree *t;
	char err[512];

	if (menu_load_checked(d->conf.menus.dir, &t, log_problem, NULL, err,
			      sizeof(err)) < 0) {
		LOGP(LOG_MENU, LOG_ERROR, NULL,
		     "SIGHUP: menus not reloaded, the running ones stay: %s",
		     err);
		return;
	}
	gw_set_menus(d->gw, t);
	menu_free(d->menus);
	d->menus = t;
	LOGP(LOG_MENU, LOG_NOTICE, NULL, "SIGHUP: menus reloaded from %s",
	     d->conf.menus.dir);
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

/* The configuration at path, the log settings and the menus, into d.
 * Returns 0, or -1 after printing every problem on stderr. */
static int load_config(struct daemon *d, const char *path)
{
	char err[1024];

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
			      stderr, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
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

	signal(SIGPIPE, SIG_IGN);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	d->base = event_base_new();
	if (!d->base) {
		fprintf(stderr, "cannot create the event loop\n");
		return -1;
	}
	d->gw = gw_new(d->base, &d->conf, d->menus, err, sizeof(err));
	if (!d->gw) {
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
	gw_start(d->gw);
	event_base_dispatch(d->base);
}

static void tear_down(struct daemon *d)
{
	gw_free(d->gw);
	for (size_t i = 0; i < ARRAY_SIZE(d->sig); i++)
		if (d->sig[i])
			event_free(d->sig[i]);
	menu_free(d->menus);
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
	memset(&d, 0, sizeof(d));
	if (load_config(&d, o.path) < 0)
		return 1;
	if (o.test || o.dump) {
		report_loaded(&d, &o);
		menu_free(d.menus);
		return 0;
	}
	rc = set_up(&d) < 0 ? 1 : 0;
	if (rc == 0)
		run(&d, o.path);
	tear_down(&d);
	return rc;
}
