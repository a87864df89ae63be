/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SMS command parser: what a citizen typed, folded and upper-cased, turned
 * into one command. Case-, space- and diacritics-insensitive: "tra cứu",
 * "TRACUU", "Tra  Cuu" and "HS" are the same keyword.
 */
#ifndef CGW_CMD_H
#define CGW_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "services/dossier.h"

enum cmd_kind {
	CMD_TEXT,	/* anything else: a menu answer or unknown text */
	CMD_LOOKUP,	/* TRACUU <code> [last4] */
	CMD_MENU,	/* MENU */
	CMD_HELP,	/* HELP, HUONG DAN, ? */
	CMD_OPTOUT,	/* TU CHOI, TUCHOI, STOP, HUY */
	CMD_OPTIN,	/* DANG KY, START */
};

struct cmd {
	enum cmd_kind kind;
	/* CMD_LOOKUP: code_ok false means the keyword came without a valid
	 * code (answer with the syntax) */
	bool code_ok;
	char code[DOSSIER_CODE_MAX];	/* display form as typed */
	char key[DOSSIER_CODE_MAX];	/* lookup key */
	char last4[5];			/* "" when not given */
	/* the whole text, folded, upper case, single spaces, trimmed */
	char norm[512];
};

/* Parses `utf8` (any length; the tail beyond 511 bytes is ignored). */
void cmd_parse(const char *utf8, struct cmd *out);

/* Folds, upper-cases and collapses spaces: the form commands match on. */
void cmd_normalize(const char *utf8, char *out, size_t outlen);

const char *cmd_kind_name(enum cmd_kind kind);

#endif
