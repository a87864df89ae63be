/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SMS command parser (see menu/cmd.h). The keyword table is the
 * grammar; matching ignores spaces inside a keyword so that "TRA CUU" and
 * "T RACUU" match "TRACUU".
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "menu/cmd.h"
#include "text/text.h"
#include "common/util.h"

static const struct {
	const char *word;	/* upper case, no spaces */
	enum cmd_kind kind;
	bool whole;		/* must be the whole message */
} keywords[] = {
	/* longest first so that a shorter keyword never shadows a longer */
	{ "HUONGDAN", CMD_HELP, true },
	{ "TRACUU", CMD_LOOKUP, false },
	{ "STATUS", CMD_LOOKUP, false },
	{ "TUCHOI", CMD_OPTOUT, true },
	{ "DANGKY", CMD_OPTIN, true },
	{ "START", CMD_OPTIN, true },
	{ "MENU", CMD_MENU, true },
	{ "HELP", CMD_HELP, true },
	{ "STOP", CMD_OPTOUT, true },
	{ "HUY", CMD_OPTOUT, true },
	{ "HS", CMD_LOOKUP, false },
	{ "?", CMD_HELP, true },
};

const char *cmd_kind_name(enum cmd_kind kind)
{
	static const char *const names[] = {
		[CMD_TEXT] = "text",	 [CMD_LOOKUP] = "lookup",
		[CMD_MENU] = "menu",	 [CMD_HELP] = "help",
		[CMD_OPTOUT] = "optout", [CMD_OPTIN] = "optin",
	};

	return kind <= CMD_OPTIN ? names[kind] : "?";
}

void cmd_normalize(const char *utf8, char *out, size_t outlen)
{
	char folded[1024];
	size_t n = 0;
	bool space = false;

	text_fold(utf8, folded, sizeof(folded));
	for (const char *p = folded; *p;) {
		unsigned char c = (unsigned char)*p;
		/* a character whole or not at all: a cut one would be
		 * invalid UTF-8 in what is saved and echoed (found by
		 * fuzz/menu); text_fold() wrote valid UTF-8 */
		size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;

		if (isspace(c)) {
			space = n > 0;
			p++;
			continue;
		}
		if (n + (space ? 1 : 0) + len + 1 > outlen)
			break;
		if (space)
			out[n++] = ' ';
		space = false;
		for (size_t k = 0; k < len && *p; k++, p++)
			out[n++] = (char)toupper((unsigned char)*p);
	}
	if (outlen)
		out[n] = '\0';
}

/*
 * Matches `word` at the start of s ignoring spaces. Returns the byte after
 * the keyword, or NULL. The keyword must end at a space, a digit, the end,
 * or (for keywords that take an argument) the start of a code.
 */
static const char *match_keyword(const char *s, const char *word)
{
	const char *p = s;

	for (const char *w = word; *w; w++) {
		while (*p == ' ' && w != word)
			p++;
		if (*p != *w)
			return NULL;
		p++;
	}
	return p;
}

void cmd_parse(const char *utf8, struct cmd *out)
{
	memset(out, 0, sizeof(*out));
	cmd_normalize(utf8, out->norm, sizeof(out->norm));
	out->kind = CMD_TEXT;

	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++) {
		const char *rest = match_keyword(out->norm, keywords[i].word);
		const char *end;

		if (!rest)
			continue;
		if (keywords[i].whole) {
			if (*rest)
				continue;
			out->kind = keywords[i].kind;
			return;
		}
		/* keyword with argument: it must end here */
		if (*rest && *rest != ' ' && !isdigit((unsigned char)*rest))
			continue;
		out->kind = keywords[i].kind;
		while (*rest == ' ')
			rest++;
		if (dossier_code_parse(rest, out->code, sizeof(out->code),
				       out->key, sizeof(out->key), &end) < 0)
			return;
		/* the tail may hold the last 4 ID digits, spaced or not */
		char tail[8];
		size_t nt = 0;

		for (; *end && nt < sizeof(tail) - 1; end++)
			if (*end != ' ')
				tail[nt++] = *end;
		tail[nt] = '\0';
		if (*end)
			return;
		if (nt == 0) {
			out->code_ok = true;
		} else if (nt == 4 && util_all_digits(tail)) {
			out->code_ok = true;
			memcpy(out->last4, tail, 5);
		}
		return;
	}
}
