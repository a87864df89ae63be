/* SPDX-License-Identifier: GPL-3.0-or-later */
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

/* The commands; each reads its own arguments (argv[0] is the first after
 * the command's name) and returns the exit code, or -1 for a usage error.
 * help is the command's part of the usage (usage() prints them in this
 * order): its synopsis lines and what it does, indented, each line ending
 * in "\n".
 */
static const struct {
	const char *name;
	int (*fn)(const struct cgw_conf *c, int argc, char **argv);
	bool conf_optional;	/* c may be NULL: the command says if it
				 * needs one (menu check DIR, --help) */
	const char *help;
} commands[] = {
	{ "import", ctl_import, false,
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
	  "                      unless --no-notify\n" },
	{ "dossier", ctl_dossier, true,
	  "  dossier CODE [--json]\n"
	  "                      show a dossier: its fields, an "
	  "application's among them\n"
	  "  dossier status CODE STATUS [--reason TEXT] [--no-notify]\n"
	  "                      set a dossier's status (1..10) and the "
	  "reason the citizen\n"
	  "                      reads in its notice (required for 3 and "
	  "8); the notice goes\n"
	  "                      out (notices.enabled) unless "
	  "--no-notify\n" },
	{ "applications", ctl_applications, true,
	  "  applications [--since WHEN] [--until WHEN] [--status N] "
	  "[--procedure ID]\n"
	  "          [--limit N]\n"
	  "                      the applications citizens filed by SMS "
	  "and USSD, newest\n"
	  "                      first: a table (at most --limit, "
	  "default 50)\n" },
	{ "message", ctl_message, false,
	  "  message ID [--json] show an outbound message by its id or "
	  "the SMS centre's id\n" },
	{ "send", ctl_send, false,
	  "  send PHONE TEXT [--expires DURATION] [--bind ID] [--no-fold]\n"
	  "                      queue an SMS as broadcast traffic (after "
	  "replies); it is\n"
	  "                      never sent after DURATION (default 24h); "
	  "prints its id\n" },
	{ "menu", ctl_menu, true,
	  "  menu check [DIR]    check the menus (default: menus.dir of "
	  "the configuration;\n"
	  "                      -c is not needed with DIR): every "
	  "problem as file:line\n" },
	{ "requests", ctl_requests, false,
	  "  requests list|export [--since DATE] [--until DATE] "
	  "[--kind KIND] [--bom]\n"
	  "                      procedure requests (callback, visit, "
	  "rating, feedback):\n"
	  "                      a table, or CSV (UTF-8, header) on "
	  "stdout; DATE is\n"
	  "                      YYYY-MM-DD[THH:MM] local time, or 2h, "
	  "7d back from now\n" },
	{ "phone", ctl_phone, false,
	  "  phone NUMBER        a phone's profile: language, opt-out, "
	  "limits\n" },
	{ "status", ctl_status, true,
	  "  status [--json]     what the running daemon is doing: binds "
	  "(state, since\n"
	  "                      when, window, TPS), queues, USSD "
	  "sessions, broadcasts\n" },
	{ "broadcast", ctl_broadcast, true,
	  "  broadcast create --name NAME --template TEXT (--csv FILE | "
	  "--json FILE)\n"
	  "          [--schedule-at TIME] [--expires-at TIME] [--rate N] "
	  "[--dry-run]\n"
	  "                      create a broadcast through the running "
	  "daemon (a large\n"
	  "                      CSV goes in parts); prints what was "
	  "accepted, rejected,\n"
	  "                      its cost and samples\n"
	  "  broadcast list | status ID [--follow] | pause|resume|cancel "
	  "ID\n"
	  "          | report ID [-o FILE]\n"
	  "                      the broadcasts, their progress, control "
	  "and report (CSV);\n"
	  "                      --json prints the API's JSON\n" },
	{ "notify", ctl_notify, true,
	  "  notify CODE         send the citizen the notice of the "
	  "dossier's status again\n" },
	{ "bind", ctl_bind, true,
	  "  bind list | stop ID | start ID [--wait SECS]\n"
	  "                      the binds; unbind one (both halves of a "
	  "pair) until it is\n"
	  "                      started again (runtime only), the "
	  "others untouched\n" },
	{ "keys", ctl_keys, false,
	  "  keys [--json]       the Redis keys by kind and how long "
	  "each kind lives; exit 1\n"
	  "                      names every key that would grow for "
	  "ever\n" },
	{ "script", ctl_script, false,
	  "  script [--sha] NAME a store script as the daemon loads it "
	  "into Redis (its\n"
	  "                      configuration's values in its text), or "
	  "its SHA1\n" },
};

/* The usage: the commands' help from the table between the synopsis and
 * what all commands share. */
static void usage(FILE *out)
{
	fputs("usage: citizengw-ctl -c FILE COMMAND [ARGS]\n"
	      "\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fputs(commands[i].help, out);
	fputs("\n"
	      "  status, broadcast, notify and bind talk to the daemon's HTTP "
	      "API (http.listen,\n"
	      "  http.token); the others to its Redis. `COMMAND --help` (or -h) "
	      "explains each\n"
	      "  of them. --json prints what a command shows as JSON (dossier, "
	      "applications,\n"
	      "  message, requests list, phone, status, bind, keys, broadcast "
	      "list|status,\n"
	      "  menu check).\n"
	      "\n"
	      "  -c, --config FILE   the daemon's configuration file\n"
	      "  -h, --help          this text\n"
	      "\n"
	      "Exit status:\n"
	      "  0  done\n"
	      "  1  not found, some rows rejected, problems found, or not in a "
	      "state for it\n"
	      "  2  usage, a bad argument or configuration, or the daemon "
	      "refused the request\n"
	      "  3  Redis or the daemon cannot be reached\n", out);
}

/* The command named cmd, or -1. */
static int find_command(const char *cmd)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return (int)i;
	return -1;
}

/* Runs command i; the usage when it is unknown or its arguments are
 * wrong. Returns the exit code. */
static int run(int i, const struct cgw_conf *conf, int argc, char **argv)
{
	int rc = i < 0 ? -1 : commands[i].fn(conf, argc, argv);

	if (rc < 0) {
		usage(stderr);
		rc = CTL_EXIT_USAGE;
	}
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cgw_conf *conf = calloc(1, sizeof(*conf));
	const char *path = NULL;
	char err[1024];
	int c, cmd, rc;

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
	cmd = find_command(argv[optind++]);
	if (cmd < 0) {
		fprintf(stderr, "citizengw-ctl: no command '%s'\n\n",
			argv[optind - 1]);
		rc = run(cmd, NULL, 0, NULL);
	} else if (!path && (commands[cmd].conf_optional ||
			     ctl_help_wanted(argc - optind, argv + optind))) {
		/* a command's --help needs no configuration */
		rc = run(cmd, NULL, argc - optind, argv + optind);
	} else if (!path) {
		fprintf(stderr, "citizengw-ctl: -c FILE is required\n");
		rc = CTL_EXIT_USAGE;
	} else if (conf_load(conf, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		rc = CTL_EXIT_USAGE;
	} else {
		rc = run(cmd, conf, argc - optind, argv + optind);
	}
	free(conf);
	return rc;
}

