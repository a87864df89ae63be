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
#include "menu/menu.h"

struct daemon {
	struct event_base *base;
	struct cgw_conf conf;
	struct menu_tree *menus;
	struct gw *gw;
	struct event *sigterm, *sigint, *sighup;
	bool stopping;
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

int main(int argc, char **argv)
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
	struct daemon d;
	const char *path = NULL;
	bool test = false, dump = false;
	char err[1024];
	int c, rc = 0;

	memset(&d, 0, sizeof(d));
	while ((c = getopt_long(argc, argv, "c:tdVh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 't':
			test = true;
			break;
		case 'd':
			dump = true;
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
	if (!path || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (conf_load(&d.conf, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (log_apply_spec(d.conf.log.level, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: log.level: %s\n", path, err);
		return 1;
	}
	log_set_timestamps(d.conf.log.timestamps);
	if (menu_load_checked(d.conf.menus.dir, &d.menus, print_problem,
			      stderr, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (dump)
		conf_dump(&d.conf, stdout);
	if (test) {
		printf("%s: configuration and menus OK\n", path);
		menu_free(d.menus);
		return 0;
	}
	if (dump) {
		menu_free(d.menus);
		return 0;
	}

	signal(SIGPIPE, SIG_IGN);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	d.base = event_base_new();
	if (!d.base) {
		fprintf(stderr, "cannot create the event loop\n");
		return 1;
	}
	d.gw = gw_new(d.base, &d.conf, d.menus, err, sizeof(err));
	if (!d.gw) {
		fprintf(stderr, "%s\n", err);
		rc = 1;
		goto out;
	}
	d.sigterm = evsignal_new(d.base, SIGTERM, on_stop_signal, &d);
	d.sigint = evsignal_new(d.base, SIGINT, on_stop_signal, &d);
	d.sighup = evsignal_new(d.base, SIGHUP, on_hup, &d);
	evsignal_add(d.sigterm, NULL);
	evsignal_add(d.sigint, NULL);
	evsignal_add(d.sighup, NULL);
	LOGP(LOG_MAIN, LOG_NOTICE, NULL, "citizengw %s starting with %s",
	     PACKAGE_VERSION, path);
	gw_start(d.gw);
	event_base_dispatch(d.base);
out:
	gw_free(d.gw);
	if (d.sigterm)
		event_free(d.sigterm);
	if (d.sigint)
		event_free(d.sigint);
	if (d.sighup)
		event_free(d.sighup);
	menu_free(d.menus);
	event_base_free(d.base);
	return rc;
}
