/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-ctl script: a store script's text as the daemon with this
 * configuration loads it, or its SHA1, the name EVALSHA gives it in
 * Redis's MONITOR and SLOWLOG. A script that holds configuration values
 * (store/script.h) has no SHA1 until they are in; the tests and
 * bench/script-cost.sh take its text from here. No Redis is needed.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"
#include "store/script.h"

static void usage(FILE *out)
{
	fputs("usage: citizengw-ctl -c FILE script [--sha] NAME\n"
	      "\n"
	      "  The store script NAME (mo_commit, claim, ...: src/store/lua) "
	      "as the daemon\n"
	      "  with this configuration loads it into Redis: its text, or "
	      "with --sha its\n"
	      "  SHA1. Exit 1: no script of that name.\n", out);
}

int ctl_script(const struct cgw_conf *c, int argc, char **argv)
{
	struct script_set ss = { 0 };
	bool sha = ctl_take_flag(&argc, argv, "--sha");
	char err[256];
	int id = -1, rc;

	if (ctl_help_wanted(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if (argc != 1 || argv[0][0] == '-')
		return -1;
	for (int i = 0; i < LUA_COUNT; i++)
		if (strcmp(lua_scripts[i].name, argv[0]) == 0)
			id = i;
	if (id < 0) {
		fprintf(stderr, "citizengw-ctl: no script '%s'\n",
			argv[0]);
		return CTL_EXIT_PARTLY;
	}
	if (script_set_render(&ss, c, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "citizengw-ctl: %s\n", err);
		return CTL_EXIT_USAGE;
	}
	if (sha)
		rc = printf("%s\n", script_sha(&ss, id)) < 0;
	else
		rc = fputs(script_src(&ss, id), stdout) == EOF;
	script_set_free(&ss);
	return rc ? CTL_EXIT_USAGE : CTL_EXIT_OK;
}
