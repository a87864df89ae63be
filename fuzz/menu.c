/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: what a citizen types, through the SMS command parser
 * (menu/cmd.h), the menu engine on the shipped menus (menu/menu.h, every
 * procedure's SMS form such as "BANSAO <12 digits> [n]" and its USSD
 * screens included) and every checker of an application's fields
 * (services/civil.h).
 *
 * Input: steps separated by '\n'. A step is one control byte (event,
 * channel, language, folding) and the text; the text is made valid UTF-8
 * first ('?' for a bad byte), as the gateway's decoders always give it.
 * The session goes from step to step as Redis would keep it; a dossier
 * asked for is not found; an application asked to be filed gets a fixed
 * code. Properties (abort when broken):
 *
 *  - the engine asks for a dossier or a filing at most once per step, and
 *    then answers: a reply of 1..MENU_TEXT_MAX-1 bytes of valid UTF-8;
 *  - a session that goes on names a screen node of the tree, a language
 *    it has, and no more variables than it holds;
 *  - cmd_parse() writes C strings, a lookup key without dots;
 *  - a checker's clean output, checked again, is accepted unchanged
 *    (citizen ID, full name, date); a count is within its bounds.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "fuzz/fuzz.h"
#include "fuzz/menu_run.h"
#include "menu/cmd.h"
#include "menu/menu.h"
#include "services/civil.h"
#include "text/text.h"

#define MAX_STEPS 24

static struct menu_tree *tree;

static const char *const communes[] = {
	"Phan Đình Phùng", "Phường Phương Liệt", "Xã Xà Phiên", "Linh Sơn",
	"Đức Xuân", NULL, "Thị trấn Hùng Sơn",
};

static void quiet(void *arg, const char *file, int line, const char *msg)
{
	(void)arg;
	(void)file;
	(void)line;
	(void)msg;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[4096], err[512];

	(void)argc;
	(void)argv;
	log_set_all(LOG_ERROR);	/* the engine logs nothing above */
	snprintf(dir, sizeof(dir), "%s/menus", fz_srcdir());
	if (menu_load_checked(dir, &tree, quiet, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz/menu: the shipped menus do not load: "
			"%s\n", err);
		abort();
	}
	return 0;
}

/* n bytes as valid UTF-8: each byte that starts no character is '?'. */
static char *as_utf8(const uint8_t *p, size_t n)
{
	char *s = fz_strndup(p, n);

	utf8_scrub(s);
	return s;
}

static void check_civil(const char *s, uint8_t ctl)
{
	char id[CIVIL_ID_LEN + 1], id2[CIVIL_ID_LEN + 1], mask[13];
	char name[256], name2[256];
	char date[CIVIL_DATE_LEN + 1], date2[sizeof(date)];
	int min = ctl % 4, max = 20 + ctl % 64, day, day2, n;

	if (civil_id_check(s, TODAY, id) == CIVIL_OK &&
	    (civil_id_check(id, TODAY, id2) != CIVIL_OK || strcmp(id, id2)))
		fz_fail("citizen ID %s not accepted again", id);
	civil_id_mask(id, mask, sizeof(mask));
	civil_province(s);
	if (civil_name_check(s, min, max, name, sizeof(name)) == CIVIL_OK &&
	    (civil_name_check(name, min, max, name2, sizeof(name2)) !=
		     CIVIL_OK ||
	     strcmp(name, name2) != 0))
		fz_fail("name \"%s\" not accepted again", name);
	if (civil_date_check(s, TODAY, &day, date) == CIVIL_OK &&
	    (civil_date_check(date, TODAY, &day2, date2) != CIVIL_OK ||
	     day != day2 || strcmp(date, date2) != 0))
		fz_fail("date %s not accepted again", date);
	if (civil_count_check(s, min, max, &n) == CIVIL_OK &&
	    (n < min || n > max))
		fz_fail("count %d outside %d..%d", n, min, max);
	civil_commune_find(s, communes, (int)(sizeof(communes) /
					      sizeof(communes[0])));
}

static void check_cmd(const char *s)
{
	struct cmd c;
	char norm[64];

	cmd_parse(s, &c);
	if (strlen(c.norm) >= sizeof(c.norm) || strchr(c.key, '.') ||
	    strlen(c.last4) > 4)
		fz_fail("cmd_parse: bad fields");
	if (c.kind == CMD_LOOKUP && c.code_ok && (!c.code[0] || !c.key[0]))
		fz_fail("cmd_parse: a lookup without its code");
	cmd_normalize(s, norm, sizeof(norm));
	if (!utf8_valid(norm))
		fz_fail("cmd_normalize cut a character");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	struct menu_session cur[2];
	int lang = 0;

	memset(cur, 0, sizeof(cur));
	for (int i = 0; i < MAX_STEPS && f.n; i++) {
		uint8_t ctl = fz_u8(&f);
		size_t n;
		const uint8_t *p = fz_until(&f, '\n', &n);
		char *text = as_utf8(p, n > 600 ? 600 : n);

		check_cmd(text);
		check_civil(text, ctl);
		fz_menu_step(tree, cur, text, ctl, &lang);
		free(text);
	}
	return 0;
}
