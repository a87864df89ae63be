/*
 * citizengw-ctl: the staff and operator command line. Reads the daemon's
 * configuration and talks to its Redis through the store (store_sync.h);
 * each command lives in a file of its own (ctl.h).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/conf.h"
#include "common/util.h"
#include "ctl/ctl.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: citizengw-ctl -c FILE COMMAND [ARGS]\n"
		"\n"
		"Commands:\n"
		"  import [--no-notify] FILE.csv\n"
		"                      load dossiers (UTF-8 CSV with header\n"
		"                      code,phone,status,procedure,agency,"
		"received_at,due_at,id_last4);\n"
		"                      re-importing a code updates it. Exit 0 "
		"when every row was\n"
		"                      imported, 1 when some were rejected (the "
		"others are imported);\n"
		"                      a new status sends the citizen a notice "
		"(notices.enabled)\n"
		"                      unless --no-notify\n"
		"  dossier CODE        show a dossier\n"
		"  message ID          show an outbound message by its id or "
		"the SMS centre's id\n"
		"  send PHONE TEXT [--expires DURATION] [--bind ID] [--no-fold]\n"
		"                      queue an SMS as broadcast traffic (after "
		"replies); it is\n"
		"                      never sent after DURATION (default 24h); "
		"prints its id\n"
		"  menu check [DIR]    check the menus (default: menus.dir of "
		"the configuration;\n"
		"                      -c is not needed with DIR): every "
		"problem as file:line\n"
		"  requests list|export [--since DATE] [--until DATE] "
		"[--kind KIND] [--bom]\n"
		"                      procedure requests (callback, visit, "
		"rating, feedback):\n"
		"                      a table, or CSV (UTF-8, header) on "
		"stdout; DATE is\n"
		"                      YYYY-MM-DD[THH:MM] local time, or 2h, "
		"7d back from now\n"
		"  phone NUMBER        a phone's profile: language, opt-out, "
		"limits"
		"\n"
		"  -c, --config FILE   the daemon's configuration file\n"
		"  -h, --help          this text\n");
}

/* A connection to the store of c, or NULL after saying why. */

/* The commands; each reads its own arguments (argv[0] is the first after
 * the command's name) and returns the exit code, or -1 for a usage error.
 */
static const struct {
	const char *name;
	int (*fn)(const struct cgw_conf *c, int argc, char **argv);
} commands[] = {
	{ "import", ctl_import },
	{ "dossier", ctl_dossier },
	{ "message", ctl_message },
	{ "send", ctl_send },
	{ "menu", ctl_menu },
	{ "requests", ctl_requests },
	{ "phone", ctl_phone },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cgw_conf *conf = calloc(1, sizeof(*conf));
	const char *path = NULL, *cmd;
	char err[1024];
	int c, rc;

	if (!conf)
		return 2;
	if (util_clock_from_env() < 0) {
		fprintf(stderr, "CITIZENGW_NOW_MS: not epoch milliseconds\n");
		free(conf);
		return 2;
	}
	while ((c = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			free(conf);
			return 0;
		default:
			usage(stderr);
			free(conf);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		free(conf);
		return 2;
	}
	cmd = argv[optind++];
	if (!path && strcmp(cmd, "menu") == 0) {
		rc = ctl_menu(NULL, argc - optind, argv + optind);
		free(conf);
		return rc;
	}
	if (!path) {
		fprintf(stderr, "citizengw-ctl: -c FILE is required\n");
		free(conf);
		return 2;
	}
	if (conf_load(conf, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		free(conf);
		return 2;
	}
	rc = -1;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			rc = commands[i].fn(conf, argc - optind, argv + optind);
	if (rc < 0) {
		usage(stderr);
		rc = 2;
	}
	free(conf);
	return rc;
}

