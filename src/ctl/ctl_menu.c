/*
 * citizengw-ctl menu check [DIR]: the menu checker for menu authors. The
 * daemon runs the same check at start and on SIGHUP and refuses menus
 * that fail it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "menu/menu.h"
#include "ctl/ctl.h"

static void print_problem(void *arg, const char *file, int line,
			  const char *msg)
{
	int *count = arg;

	(*count)++;
	if (file)
		printf("%s:%d: %s\n", file, line, msg);
	else
		printf("%s\n", msg);
}

int ctl_menu(const struct cgw_conf *c, int argc, char **argv)
{
	const char *dir;
	int count = 0, n;

	if (argc < 1 || strcmp(argv[0], "check") != 0 || argc > 2) {
		fprintf(stderr, "usage: citizengw-ctl [-c FILE] menu check "
				"[DIR]\n");
		return 2;
	}
	dir = argc == 2 ? argv[1] : c ? c->menus.dir : NULL;
	if (!dir) {
		fprintf(stderr, "citizengw-ctl: menu check needs DIR or "
				"-c FILE\n");
		return 2;
	}
	n = menu_check_dir(dir, print_problem, &count);
	if (n > 0) {
		fprintf(stderr, "%s: %d problem%s\n", dir, n,
			n == 1 ? "" : "s");
		return 1;
	}
	printf("%s: menus OK\n", dir);
	return 0;
}
