/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The menu engine (see menu/menu.h): sessions move through the
 * tree one answer at a time. Pure: no I/O, no clock, no globals.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "menu/cmd.h"
#include "menu/menu.h"
#include "text/paging.h"
#include "services/phone.h"
#include "text/text.h"
#include "common/util.h"
#include "menu/menu_int.h"
#include "services/civil.h"
#include "services/services.h"

#define MAX_HOPS 16	/* action chains longer than this are a menu bug */

const char *const menu_required_messages[] = {
	"help",		  "lookup_usage",   "not_found",      "status",
	"status_nodue",	  "invalid_choice", "invalid_input",  "limited",
	"optout",	  "optin",	    NULL,
};

/* --- session variables --------------------------------------------------- */

const char *menu_session_get(const struct menu_session *s, const char *name)
{
	for (int i = 0; i < s->nvars; i++)
		if (strcmp(s->vars[i].name, name) == 0)
			return s->vars[i].value;
	return NULL;
}

/* Copies at most cap-1 bytes without cutting a UTF-8 sequence. */
static void utf8_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void menu_session_unset(struct menu_session *s, const char *name)
{
	for (int i = 0; i < s->nvars; i++)
		if (strcmp(s->vars[i].name, name) == 0) {
			s->vars[i] = s->vars[--s->nvars];
			return;
		}
}

int menu_session_set(struct menu_session *s, const char *name,
		     const char *value)
{
	struct menu_var *v = NULL;

	for (int i = 0; i < s->nvars; i++)
		if (strcmp(s->vars[i].name, name) == 0)
			v = &s->vars[i];
	if (!v) {
		if (s->nvars >= MENU_VAR_MAX)
			return -ENOSPC;
		v = &s->vars[s->nvars++];
		util_strlcpy(v->name, name, sizeof(v->name));
	}
	utf8_copy(v->value, sizeof(v->value), value);
	return 0;
}

/* --- rendering ------------------------------------------------------------ */

void menu_render(const char *tmpl, const struct menu_session *vars,
		 bool fold, char *out, size_t outlen)
{
	char tmp[MENU_TEXT_MAX * 2];
	size_t n = 0;

	for (const char *p = tmpl; *p && n + 1 < sizeof(tmp);) {
		const char *close;

		if (*p == '{' && (close = strchr(p, '}')) &&
		    close - p - 1 < MENU_VAR_NAME) {
			char name[MENU_VAR_NAME];
			const char *v;

			memcpy(name, p + 1, (size_t)(close - p - 1));
			name[close - p - 1] = '\0';
			v = vars ? menu_session_get(vars, name) : NULL;
			if (v) {
				size_t l = strlen(v);

				if (n + l >= sizeof(tmp))
					l = sizeof(tmp) - n - 1;
				memcpy(tmp + n, v, l);
				n += l;
			}
			p = close + 1;
			continue;
		}
		tmp[n++] = *p++;
	}
	tmp[n] = '\0';
	if (fold)
		text_fold(tmp, out, outlen);
	else
		utf8_copy(out, outlen, tmp);
}

/* Copies at most `chars` characters of src, ending with "..." when cut. */
static void utf8_cut(char *dst, size_t cap, const char *src, size_t chars)
{
	size_t len = strlen(src), pos = 0, n = 0;
	uint32_t cp;

	if (utf8_length(src) <= chars) {
		utf8_copy(dst, cap, src);
		return;
	}
	while (pos < len && n + 3 < chars) {
		utf8_decode(src, len, &pos, &cp);
		n++;
	}
	if (pos + 4 > cap)
		pos = cap - 4;
	while (pos > 0 && ((unsigned char)src[pos] & 0xC0) == 0x80)
		pos--;
	memcpy(dst, src, pos);
	while (pos > 0 && dst[pos - 1] == ' ')
		pos--;
	memcpy(dst + pos, "...", 4);
}

void menu_dossier_vars(const struct dossier *d, int lang,
		       struct menu_session *s)
{
	char due[16], proc[MENU_VAR_VALUE];

	menu_session_set(s, "code", d->code);
	utf8_cut(proc, sizeof(proc), d->procedure, MENU_PROCEDURE_WIDTH);
	menu_session_set(s, "procedure", proc);
	menu_session_set(s, "status",
			 dossier_status_label(d->status,
					      lang == 1 ? "en" : "vi"));
	dossier_date_display(d->due_at, due, sizeof(due));
	menu_session_set(s, "due", due);
}

/* --- the step -------------------------------------------------------------- */


static const char *node_text(const struct menu_node *n, int lang)
{
	if (lang >= 0 && lang < MENU_LANGS && n->text.t[lang])
		return n->text.t[lang];
	return n->text.t[0] ? n->text.t[0] : n->text.t[1];
}

static const char *label_text(const struct menu_option *o, int lang)
{
	if (lang >= 0 && lang < MENU_LANGS && o->label.t[lang])
		return o->label.t[lang];
	return o->label.t[0] ? o->label.t[0] : o->label.t[1];
}

/* Whether the reply, in the session's language, is written without
 * diacritics. */
static bool fold_of(const struct menu_ctx *st)
{
	int lang = st->s->lang;

	if (st->in->fold_by_lang && lang >= 0 && lang < MENU_LANGS)
		return st->in->fold_lang[lang];
	return st->in->fold;
}

/* Writes the screen of a menu or input node, after an optional notice. */
static void screen(struct menu_ctx *st, const struct menu_node *n,
		   const char *notice)
{
	char tmpl[MENU_TEXT_MAX * 2];
	size_t len = 0;
	int lang = st->s->lang;

	tmpl[0] = '\0';
	if (notice)
		len += (size_t)snprintf(tmpl, sizeof(tmpl), "%s\n", notice);
	if (len < sizeof(tmpl))
		len += (size_t)snprintf(tmpl + len, sizeof(tmpl) - len, "%s",
					node_text(n, lang));
	for (int i = 0; i < n->noptions && len < sizeof(tmpl); i++)
		len += (size_t)snprintf(tmpl + len, sizeof(tmpl) - len,
					"\n%s. %s", n->options[i].key,
					label_text(&n->options[i], lang));
	menu_render(tmpl, st->s, fold_of(st), st->out->reply,
		    sizeof(st->out->reply));
	st->shown = n;
	st->page = 0;
}

/* --- USSD pages -------------------------------------------------------------- */

#define PAGE_VAR "_pg"	/* the page of a long USSD screen being shown */

/* The "more" line of a long USSD screen ("99. Xem tiep") and the key that
 * asks for the next page ("99"): the menus' message "more", or ours. */
static void more_line(const struct menu_ctx *st, char *line, size_t len,
		      char *key, size_t keylen)
{
	static const char *const dflt[MENU_LANGS] = { "99. Xem tiếp",
						       "99. More" };
	const char *m = menu_message(st->tree, "more", st->s->lang);
	size_t k = 0;

	if (!m)
		m = dflt[st->s->lang >= 0 && st->s->lang < MENU_LANGS
				 ? st->s->lang : 0];
	menu_render(m, NULL, fold_of(st), line, len);
	while (line[k] && line[k] != '.' && line[k] != ' ' && k + 1 < keylen) {
		key[k] = line[k];
		k++;
	}
	key[k] = '\0';
}

/* A request for the next page of the screen shown last? */
static bool next_page(struct menu_ctx *st, const char *norm)
{
	const char *pg = menu_session_get(st->s, PAGE_VAR);
	const struct menu_node *n = menu_node_find(st->tree, st->s->node);
	char line[64], key[8];
	long long p;

	if (!pg || !n || util_parse_int(pg, 0, 254, &p) < 0)
		return false;
	more_line(st, line, sizeof(line), key, sizeof(key));
	if (strcmp(norm, key) != 0)
		return false;
	screen(st, n, NULL);
	st->page = (int)p + 1;
	return true;
}

/*
 * A USSD reply longer than one screen is shown a page at a time, each but
 * the last ending with the "more" line; the session stays on the node
 * (an end screen too, until its last page) with the page in PAGE_VAR.
 */
static void paginate(struct menu_ctx *st)
{
	struct menu_result *out = st->out;
	struct page_opts o = { 0 };
	char line[64], key[8], page[MENU_TEXT_MAX];
	int count;

	menu_session_unset(st->s, PAGE_VAR);
	if (st->in->ch != MENU_CH_USSD || out->kind != MENU_REPLY ||
	    !out->reply[0])
		return;
	more_line(st, line, sizeof(line), key, sizeof(key));
	o.more = line;
	if (page_fits(out->reply, &o) > 0)
		return;
	count = page_get(out->reply, &o, (unsigned)st->page, page,
			 sizeof(page));
	if (count == -ERANGE) {
		st->page = 0;
		count = page_get(out->reply, &o, 0, page, sizeof(page));
	}
	if (count <= 1)
		return;	/* cannot page: the reply goes as it is */
	util_strlcpy(out->reply, page, sizeof(out->reply));
	if (st->page + 1 >= count)
		return;	/* the last page: final or waiting, as computed */
	if (st->shown)
		util_strlcpy(st->s->node, st->shown->id, sizeof(st->s->node));
	out->final = false;
	{
		char v[8];

		snprintf(v, sizeof(v), "%d", st->page);
		menu_session_set(st->s, PAGE_VAR, v);
	}
}

void menu_say(struct menu_ctx *st, const char *msg_name)
{
	const char *m = menu_message(st->tree, msg_name, st->s->lang);

	menu_render(m ? m : "", st->s, fold_of(st), st->out->reply,
		    sizeof(st->out->reply));
}

void menu_say_node(struct menu_ctx *st, const struct menu_node *n)
{
	screen(st, n, NULL);
}

int menu_outcome_target(const struct menu_node *n, const char *outcome)
{
	for (int i = 0; i < n->noutcomes; i++)
		if (strcmp(n->outcomes[i].name, outcome) == 0)
			return n->outcomes[i].next_idx;
	return -1;
}

bool menu_have_dossier(struct menu_ctx *st, const char *key,
		       const struct dossier **d)
{
	if (st->in->dossier_key && strcmp(st->in->dossier_key, key) == 0) {
		*d = st->in->dossier;
		return true;
	}
	st->out->kind = MENU_NEED_DOSSIER;
	util_strlcpy(st->out->need_key, key, sizeof(st->out->need_key));
	return false;
}

/* Enters node idx and follows action edges until a screen or an end. */
static void enter(struct menu_ctx *st, int idx)
{
	for (int hop = 0; hop < MAX_HOPS; hop++) {
		const struct menu_node *n = menu_node_at(st->tree, idx);

		if (!n)
			break;
		if (idx == st->tree->start)
			st->s->nvars = 0;	/* the main menu starts afresh */
		switch (n->type) {
		case MENU_NODE_MENU:
		case MENU_NODE_INPUT:
			util_strlcpy(st->s->node, n->id, sizeof(st->s->node));
			screen(st, n, NULL);
			return;
		case MENU_NODE_END:
			screen(st, n, NULL);
			st->out->final = true;
			return;
		case MENU_NODE_ACTION:
			idx = menu_run_action(st, n);
			if (idx == MENU_ACT_FETCH)
				return;
			if (idx < 0) {
				st->out->final = true;
				return;
			}
			break;
		}
	}
	/* a cycle of actions: the checker refuses these menus */
	menu_say(st, "help");
	st->out->final = true;
}

/*
 * Free text as it is kept and recorded: valid UTF-8 (a broken byte becomes
 * '?'), control characters as spaces, runs of spaces as one, trimmed.
 * Returns the number of characters, counting what did not fit.
 */
static size_t clean_text(const char *in, char *out, size_t cap)
{
	size_t len = strlen(in), pos = 0, n = 0, chars = 0;
	bool space = false;

	while (pos < len) {
		char enc[4];
		size_t el;
		uint32_t cp;

		if (utf8_decode(in, len, &pos, &cp) < 0)
			cp = '?';
		if (cp < 0x20 || cp == 0x7F || cp == ' ') {
			space = n > 0;
			continue;
		}
		if (space) {
			chars++;
			if (n + 1 < cap)
				out[n++] = ' ';
			space = false;
		}
		el = utf8_encode(cp, enc);
		chars++;
		if (n + el < cap) {
			memcpy(out + n, enc, el);
			n += el;
		}
	}
	out[n] = '\0';
	return chars;
}

/* The message that says what a civil input expected. */
static const char *civil_why(enum civil_err e)
{
	static char names[16][24];

	if ((size_t)e >= ARRAY_SIZE(names))
		return "invalid_input";
	if (!names[e][0])
		snprintf(names[e], sizeof(names[e]), "bad_%s",
			 civil_err_name(e));
	return names[e];
}

/*
 * An answer to a procedure's question (services/civil.h): saves it in
 * `save` (a citizen ID also masked in save_m; a commune as the list
 * spells it). Returns NULL, or the message that says what was expected.
 */
const char *menu_check_civil(const struct menu_tree *t, int64_t now_ms,
			     enum menu_input_type type, int min, int max,
			     const char *save, const char *text,
			     struct menu_session *s)
{
	char v[MENU_VAR_VALUE], name[MENU_VAR_NAME + 4];
	enum civil_err e = CIVIL_OK;
	int today = svc_local_day(now_ms), k;

	switch (type) {
	case MENU_IN_CITIZEN_ID:
		if ((e = civil_id_check(text, today, v)) != CIVIL_OK)
			break;
		snprintf(name, sizeof(name), "%s_m", save);
		menu_session_set(s, save, v);
		civil_id_mask(menu_session_get(s, save), v, sizeof(v));
		menu_session_set(s, name, v);
		return NULL;
	case MENU_IN_FULL_NAME:
		e = civil_name_check(text, min, max, v, sizeof(v));
		break;
	case MENU_IN_DATE:
		e = civil_date_check(text, today, &k, v);
		break;
	case MENU_IN_COUNT:
		/* k is set only when the count is taken */
		if ((e = civil_count_check(text, min, max, &k)) == CIVIL_OK)
			snprintf(v, sizeof(v), "%d", k);
		break;
	case MENU_IN_COMMUNE:
		k = menu_commune_find(t, text);
		if (k < 0)
			e = CIVIL_COMMUNE;
		else
			util_strlcpy(v, t->communes[k], sizeof(v));
		break;
	default:
		return "invalid_input";
	}
	if (e != CIVIL_OK)
		return civil_why(e);
	menu_session_set(s, save, v);
	return NULL;
}

/* Validates an input answer; writes the value to save. */
static bool validate_input(const struct menu_node *n, const char *text,
			   struct menu_session *s)
{
	char norm[512];
	size_t len;

	cmd_normalize(text, norm, sizeof(norm));
	len = strlen(norm);
	switch (n->input) {
	case MENU_IN_DOSSIER_CODE: {
		char display[DOSSIER_CODE_MAX], key[DOSSIER_CODE_MAX];
		const char *end;

		if (dossier_code_parse(norm, display, sizeof(display), key,
				       sizeof(key), &end) < 0 || *end)
			return false;
		menu_session_set(s, n->save, display);
		char keyvar[MENU_VAR_NAME + 4];

		snprintf(keyvar, sizeof(keyvar), "%s_key", n->save);
		menu_session_set(s, keyvar, key);
		return true;
	}
	case MENU_IN_LAST4: {
		char d[8];
		size_t k = 0;

		for (const char *p = norm; *p; p++) {
			if (*p == ' ')
				continue;
			if (!isdigit((unsigned char)*p) || k >= 4)
				return false;
			d[k++] = *p;
		}
		d[k] = '\0';
		if (k != 4)
			return false;
		menu_session_set(s, n->save, d);
		return true;
	}
	case MENU_IN_DIGITS:
		if (!util_all_digits(norm) || (int)len < n->min_len ||
		    (int)len > n->max_len)
			return false;
		menu_session_set(s, n->save, norm);
		return true;
	case MENU_IN_PHONE: {
		char ph[PHONE_MAX];

		if (phone_normalize(norm, ph, sizeof(ph)) < 0)
			return false;
		menu_session_set(s, n->save, ph);
		return true;
	}
	case MENU_IN_YESNO: {
		static const char *const yes[] = { "1", "C", "CO", "Y", "YES",
						   "DONG Y", "OK" };
		static const char *const no[] = { "2", "K", "KHONG", "N",
						  "NO" };

		for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
			if (strcmp(norm, yes[i]) == 0) {
				menu_session_set(s, n->save, "yes");
				return true;
			}
		for (size_t i = 0; i < ARRAY_SIZE(no); i++)
			if (strcmp(norm, no[i]) == 0) {
				menu_session_set(s, n->save, "no");
				return true;
			}
		return false;
	}
	case MENU_IN_RATING:
		if (len != 1 || norm[0] < '1' || norm[0] > '5')
			return false;
		menu_session_set(s, n->save, norm);
		return true;
	case MENU_IN_PATTERN:
		if ((int)len < n->min_len || (int)len > n->max_len ||
		    !n->re || regexec(n->re, norm, 0, NULL, 0) != 0)
			return false;
		menu_session_set(s, n->save, norm);
		return true;
	case MENU_IN_TEXT: {
		/* free text keeps the citizen's own characters */
		char clean[MENU_VAR_VALUE];
		size_t chars = clean_text(text, clean, sizeof(clean));

		if ((int)chars < n->min_len || (int)chars > n->max_len)
			return false;
		menu_session_set(s, n->save, clean);
		return true;
	}
	default:
		return false;	/* the civil types: menu_check_civil() */
	}
}

/* What a wrong answer shows above the screen, with the bounds a count or
 * a name has as {min} and {max}; NULL when the answer was taken. */
static const char *check_answer(struct menu_ctx *st, const struct menu_node *n,
				const char *text)
{
	const char *why;

	if (n->input < MENU_IN_CITIZEN_ID)
		return validate_input(n, text, st->s) ? NULL : "invalid_input";
	why = menu_check_civil(st->tree, st->in->now_ms, n->input, n->min_len,
			       n->max_len, n->save, text, st->s);
	if (why && !menu_message(st->tree, why, st->s->lang))
		why = "invalid_input";
	return why;
}

/* A message with {min} and {max} of node n (a count, a name). */
void menu_notice(struct menu_ctx *st, const char *msg, int min, int max,
		 char *out, size_t outlen)
{
	char b[12];

	snprintf(b, sizeof(b), "%d", min);
	menu_session_set(st->s, "min", b);
	snprintf(b, sizeof(b), "%d", max);
	menu_session_set(st->s, "max", b);
	menu_render(msg ? msg : "", st->s, fold_of(st), out, outlen);
	menu_session_unset(st->s, "min");
	menu_session_unset(st->s, "max");
}

/* A menu with `save` keeps the chosen option: its value (variables
 * rendered, or the key) and its label in the citizen's language. */
static void choose(struct menu_ctx *st, const struct menu_node *n,
		   const struct menu_option *o)
{
	char v[MENU_VAR_VALUE], name[MENU_VAR_NAME + 8];

	if (!n->save[0])
		return;
	menu_render(o->value ? o->value : o->key, st->s, false, v, sizeof(v));
	menu_session_set(st->s, n->save, v);
	menu_render(label_text(o, st->s->lang), st->s, false, v, sizeof(v));
	snprintf(name, sizeof(name), "%s_label", n->save);
	menu_session_set(st->s, name, v);
}

static void answer(struct menu_ctx *st, const char *text)
{
	const struct menu_node *n = menu_node_find(st->tree, st->s->node);
	const char *why;
	char norm[64];

	cmd_normalize(text, norm, sizeof(norm));
	if (next_page(st, norm)) {
		/* an end screen closes the session with its last page */
		st->out->final = n && n->type == MENU_NODE_END;
		return;
	}
	if (!n || (n->type != MENU_NODE_MENU && n->type != MENU_NODE_INPUT)) {
		/* the menus were reloaded under this session: start over */
		enter(st, st->tree->start);
		return;
	}
	if (n->type == MENU_NODE_MENU) {
		for (int i = 0; i < n->noptions; i++)
			if (strcasecmp(n->options[i].key, norm) == 0) {
				st->out->progress = true;
				choose(st, n, &n->options[i]);
				enter(st, n->options[i].next_idx);
				return;
			}
		screen(st, n, menu_message(st->tree, "invalid_choice",
					   st->s->lang));
		return;
	}
	if (n->back_idx >= 0 && strcmp(norm, "0") == 0) {
		st->out->progress = true;
		enter(st, n->back_idx);
		return;
	}
	if ((why = check_answer(st, n, text))) {
		char notice[MENU_TEXT_MAX];

		menu_notice(st, menu_message(st->tree, why, st->s->lang),
			    n->min_len, n->max_len, notice, sizeof(notice));
		screen(st, n, notice);
		return;
	}
	st->out->progress = true;
	enter(st, n->next_idx);
}

static void sms_lookup(struct menu_ctx *st, const struct cmd *c)
{
	const struct dossier *d = NULL;

	st->out->final = true;
	if (!c->code_ok) {
		menu_say(st, "lookup_usage");
		return;
	}
	menu_session_set(st->s, "code", c->code);
	if (st->in->lookup_blocked) {
		menu_say(st, "limited");
		return;
	}
	if (!menu_have_dossier(st, c->key, &d))
		return;
	if (menu_lookup_policy(d, st->in->msisdn, c->last4) !=
	    MENU_LOOKUP_SHOW) {
		st->out->lookup_failed = true;
		menu_say(st, "not_found");
		return;
	}
	menu_dossier_vars(d, st->s->lang, st->s);
	menu_say(st, d->due_at[0] ? "status" : "status_nodue");
}

static void sms(struct menu_ctx *st, const struct menu_session *cur)
{
	const struct menu_proc *p;
	const char *args;
	struct cmd parsed;
	const struct cmd *c = st->in->cmd;

	if (!c) {
		cmd_parse(st->in->text, &parsed);
		c = &parsed;
	}
	if (c->kind == CMD_TEXT &&
	    (p = menu_proc_match(st->tree, st->in->text, &args))) {
		menu_sms_apply(st, p, args);
		return;
	}
	switch (c->kind) {
	case CMD_LOOKUP:
		sms_lookup(st, c);
		return;
	case CMD_MENU:
		enter(st, st->tree->start);
		return;
	case CMD_HELP:
		menu_say(st, "help");
		st->out->final = true;
		return;
	case CMD_OPTOUT:
		menu_say(st, "optout");
		st->out->optout = 1;
		st->out->final = true;
		return;
	case CMD_OPTIN:
		menu_say(st, "optin");
		st->out->optout = 0;
		st->out->final = true;
		return;
	case CMD_TEXT:
		if (cur->exists) {
			answer(st, st->in->text);
			return;
		}
		menu_say(st, "help");
		st->out->final = true;
		return;
	}
}

/* The variables beyond nvars are never read: copying only those in use
 * spares most of the 16 KB per MO. */
static void session_copy(struct menu_session *dst,
			 const struct menu_session *src)
{
	memcpy(dst, src, offsetof(struct menu_session, vars));
	memcpy(dst->vars, src->vars, (size_t)src->nvars * sizeof(src->vars[0]));
}

/* The arrays' entries beyond their counts (the next session's variables,
 * the request's and the filing's fields) are never read, so only what
 * lies around them is cleared: 4 KB instead of 24 per MO. */
void menu_result_clear(struct menu_result *out)
{
	memset(out, 0, offsetof(struct menu_result, next.vars));
	memset(&out->lookup_failed, 0,
	       offsetof(struct menu_result, req.fields) -
		       offsetof(struct menu_result, lookup_failed));
	memset(&out->filing, 0, offsetof(struct menu_filing, fields));
	out->progress = false;
	out->kind = MENU_REPLY;
	out->set_lang = -1;
	out->optout = -1;
}

void menu_step(const struct menu_tree *tree, const struct menu_session *cur,
	       const struct menu_input *in, struct menu_result *out)
{
	struct menu_ctx st = { tree, in, out, &out->next, NULL, 0 };

	menu_result_clear(out);
	if (cur->exists) {
		session_copy(&out->next, cur);
	} else {
		out->next.lang = in->lang;
	}
	out->next.exists = true;

	switch (in->ev) {
	case MENU_EV_START:
		/* a new dial starts over, keeping nothing but the language */
		out->next.nvars = 0;
		out->next.node[0] = '\0';
		enter(&st, tree->start);
		break;
	case MENU_EV_INPUT:
		if (!cur->exists) {
			enter(&st, tree->start);
			break;
		}
		answer(&st, in->text ? in->text : "");
		break;
	case MENU_EV_SMS:
		sms(&st, cur);
		break;
	}
	if (out->kind != MENU_REPLY) {
		out->reply[0] = '\0';
		out->req.kind[0] = '\0';
	}
	paginate(&st);
}
