/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-ctl menu check [DIR]: the menu checker for menu authors. The
 * daemon runs the same check at start and on SIGHUP and refuses menus
 * that fail it.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "menu/menu.h"
#include "ctl/ctl.h"

static const char usage_menu[] =
	"usage: citizengw-ctl [-c FILE] menu check [DIR] [--json]\n"
	"  checks the menus in DIR (default: menus.dir of the configuration; "
	"-c is\n"
	"  not needed with DIR) as the daemon does at start and on SIGHUP: "
	"every\n"
	"  problem as file:line: message; --json: {\"dir\", \"ok\", "
	"\"problems\":\n"
	"  [{\"file\", \"line\", \"message\"}]}. Exit 0 no problem, 1 "
	"problems, 2 usage.\n";

struct problems {
	int count;
	json_t *list;		/* --json: the problems; NULL: print them */
};

static void print_problem(void *arg, const char *file, int line,
			  const char *msg)
{
	struct problems *p = arg;

	p->count++;
	if (p->list)
		json_array_append_new(p->list, json_pack(
			"{s:s?, s:i, s:s}", "file", file, "line", line,
			"message", msg));
	else if (file)
		printf("%s:%d: %s\n", file, line, msg);
	else
		printf("%s\n", msg);
}

int ctl_menu(const struct cgw_conf *c, int argc, char **argv)
{
	struct problems p = { 0, NULL };
	bool json;
	const char *dir;
	int n;

	if (ctl_help_wanted(argc, argv)) {
		fputs(usage_menu, stdout);
		return CTL_EXIT_OK;
	}
	json = ctl_take_json(&argc, argv);
	if (argc < 1 || strcmp(argv[0], "check") != 0 || argc > 2) {
		fputs(usage_menu, stderr);
		return CTL_EXIT_USAGE;
	}
	dir = argc == 2 ? argv[1] : c ? c->menus.dir : NULL;
	if (!dir) {
		fprintf(stderr, "citizengw-ctl: menu check needs DIR or "
				"-c FILE\n");
		return CTL_EXIT_USAGE;
	}
	if (json)
		p.list = json_array();
	n = menu_check_dir(dir, print_problem, &p);
	if (json)
		ctl_print_json(json_pack("{s:s, s:b, s:o}", "dir", dir, "ok",
					 n <= 0, "problems", p.list));
	if (n > 0) {
		fprintf(stderr, "%s: %d problem%s\n", dir, n,
			n == 1 ? "" : "s");
		return CTL_EXIT_PARTLY;
	}
	if (!json)
		printf("%s: menus OK\n", dir);
	return CTL_EXIT_OK;
}
