/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One step of the menu engine as the gateway runs it (fuzz/menu_run.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "fuzz/menu_run.h"
#include "text/text.h"

/* One step as the gateway runs it (gw.c): the engine, and again with
 * what it asked for. */
void fz_menu_step(const struct menu_tree *tree,
		  struct menu_session sessions[2], const char *text,
		  uint8_t ctl, int *lang)
{
	/* a session per phone and channel, as Redis keeps them */
	struct menu_session *cur = &sessions[(ctl & 4) ? 1 : 0];
	static const struct menu_filed filed_tmpl = {
		.proc = "bansao", .code = "000.00.19.H56-250801-0001",
		.due_iso = "2025-08-08",
	};
	static const int holidays[] = { TODAY + 1, TODAY + 30 };
	struct menu_filed filed;
	struct menu_input in;
	struct menu_result r;
	char key[DOSSIER_CODE_MAX];
	int asked = 0;

	memset(&in, 0, sizeof(in));
	/* as gw.c makes them: USSD begins or answers, SMS is an SMS */
	in.ch = (ctl & 4) ? MENU_CH_USSD : MENU_CH_SMS;
	in.ev = in.ch == MENU_CH_SMS ? MENU_EV_SMS
		: (ctl & 1) ? MENU_EV_INPUT : MENU_EV_START;
	in.text = text;
	in.lang = *lang;
	in.fold = ctl & 8;
	in.fold_by_lang = ctl & 16;
	in.fold_lang[0] = ctl & 32;
	in.fold_lang[1] = true;
	in.msisdn = "84912345678";
	in.now_ms = NOW_MS;
	in.lookup_blocked = (ctl & 0xC0) == 0xC0;
	in.event_id = "1754000000000-0";
	in.holidays = holidays;
	in.nholidays = 2;
	for (;;) {
		menu_step(tree, cur, &in, &r);
		if (r.kind == MENU_REPLY)
			break;
		if (++asked > 2)
			fz_fail("the engine keeps asking (kind %d)", r.kind);
		if (r.kind == MENU_NEED_DOSSIER) {
			if (!r.need_key[0] || in.dossier_key)
				fz_fail("asked for dossier \"%s\" twice",
					r.need_key);
			snprintf(key, sizeof(key), "%s", r.need_key);
			in.dossier_key = key;
			in.dossier = NULL;	/* not found */
		} else if (r.kind == MENU_NEED_FILING) {
			if (!r.filing.proc || in.filed)
				fz_fail("asked to file twice");
			/* the code the store gives for this procedure */
			filed = filed_tmpl;
			snprintf(filed.proc, sizeof(filed.proc), "%s",
				 r.filing.proc->id);
			in.filed = &filed;
		} else {
			fz_fail("result kind %d", r.kind);
		}
	}
	if (getenv("FZ_DEBUG"))
		fprintf(stderr, "ctl %02x ch %d ev %d text \"%s\" -> final "
			"%d next '%s' (from '%s') reply \"%s\"\n", ctl, in.ch,
			in.ev, text, r.final, r.next.node, cur->node, r.reply);
	if (!r.reply[0] || strlen(r.reply) >= MENU_TEXT_MAX ||
	    !utf8_valid(r.reply))
		fz_fail("reply of %zu bytes, or not UTF-8", strlen(r.reply));
	if (r.set_lang >= MENU_LANGS || r.set_lang < -1)
		fz_fail("set_lang %d", r.set_lang);
	if (r.set_lang >= 0)
		*lang = r.set_lang;
	if (r.final) {
		memset(cur, 0, sizeof(*cur));
		return;
	}
	{
		const struct menu_node *n = menu_node_find(tree, r.next.node);

		/* an end screen longer than a USSD screen stays open on
		 * it until its last page (menu_engine.c next_page) */
		if (!n || (n->type != MENU_NODE_MENU &&
			   n->type != MENU_NODE_INPUT &&
			   !(n->type == MENU_NODE_END &&
			     in.ch == MENU_CH_USSD)))
			fz_fail("session goes on at '%s'", r.next.node);
		if (!r.next.exists || r.next.lang < 0 ||
		    r.next.lang >= MENU_LANGS || r.next.nvars < 0 ||
		    r.next.nvars > MENU_VAR_MAX)
			fz_fail("a broken next session");
	}
	*cur = r.next;
}

