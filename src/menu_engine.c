/*
 * The menu engine (see include/cgw_menu.h): sessions move through the
 * tree one answer at a time. Pure: no I/O, no clock, no globals.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cgw_cmd.h"
#include "cgw_menu.h"
#include "cgw_phone.h"
#include "cgw_text.h"
#include "cgw_util.h"
#include "menu_int.h"

#define MAX_HOPS 16	/* action chains longer than this are a menu bug */

static const struct menu_action_def actions[] = {
	/* shows a dossier when the sender may see it; "next" = shown */
	{ "dossier_lookup", { "need_id", "not_found", "limited", NULL } },
	/* switches between Vietnamese and English */
	{ "set_language", { NULL } },
};

const char *const menu_required_messages[] = {
	"help",		  "lookup_usage",   "not_found",      "status",
	"status_nodue",	  "invalid_choice", "invalid_input",  "limited",
	"optout",	  "optin",	    NULL,
};

const struct menu_action_def *menu_action_find(const char *name)
{
	for (size_t i = 0; i < CGW_ARRAY_SIZE(actions); i++)
		if (strcmp(actions[i].name, name) == 0)
			return &actions[i];
	return NULL;
}

bool menu_action_has_outcome(const struct menu_action_def *a,
			     const char *outcome)
{
	for (int i = 0; i < MENU_MAX_OUTCOMES && a->outcomes[i]; i++)
		if (strcmp(a->outcomes[i], outcome) == 0)
			return true;
	return false;
}

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
		cgw_strlcpy(v->name, name, sizeof(v->name));
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

void menu_dossier_vars(const struct dossier *d, int lang,
		       struct menu_session *s)
{
	char due[16];

	menu_session_set(s, "code", d->code);
	menu_session_set(s, "procedure", d->procedure);
	menu_session_set(s, "status",
			 dossier_status_label(d->status,
					      lang == 1 ? "en" : "vi"));
	dossier_date_display(d->due_at, due, sizeof(due));
	menu_session_set(s, "due", due);
}

/* --- the step -------------------------------------------------------------- */

struct step {
	const struct menu_tree *tree;
	const struct menu_input *in;
	struct menu_result *out;
	struct menu_session *s;		/* == &out->next */
};

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

/* Writes the screen of a menu or input node, after an optional notice. */
static void screen(struct step *st, const struct menu_node *n,
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
	menu_render(tmpl, st->s, st->in->fold, st->out->reply,
		    sizeof(st->out->reply));
}

static void say(struct step *st, const char *msg_name)
{
	const char *m = menu_message(st->tree, msg_name, st->s->lang);

	menu_render(m ? m : "", st->s, st->in->fold, st->out->reply,
		    sizeof(st->out->reply));
}

static int outcome_target(const struct menu_node *n, const char *outcome)
{
	for (int i = 0; i < n->noutcomes; i++)
		if (strcmp(n->outcomes[i].name, outcome) == 0)
			return n->outcomes[i].next_idx;
	return -1;
}

enum lookup_verdict { LOOKUP_SHOW, LOOKUP_NEED_ID, LOOKUP_NOT_FOUND };

/*
 * Who may see a dossier: its own phone, or anyone with the last 4 digits
 * of the citizen ID. Unknown code, other phone and wrong digits must be
 * indistinguishable from outside.
 */
static enum lookup_verdict lookup_policy(const struct dossier *d,
					 const char *msisdn, const char *last4)
{
	if (d && msisdn && strcmp(d->phone, msisdn) == 0)
		return LOOKUP_SHOW;
	if (!last4 || !*last4)
		return LOOKUP_NEED_ID;
	if (d && d->id_last4[0] && strcmp(d->id_last4, last4) == 0)
		return LOOKUP_SHOW;
	return LOOKUP_NOT_FOUND;
}

/* Returns true when the dossier for key is at hand (*d may be NULL). */
static bool have_dossier(struct step *st, const char *key,
			 const struct dossier **d)
{
	if (st->in->dossier_key && strcmp(st->in->dossier_key, key) == 0) {
		*d = st->in->dossier;
		return true;
	}
	st->out->kind = MENU_NEED_DOSSIER;
	cgw_strlcpy(st->out->need_key, key, sizeof(st->out->need_key));
	return false;
}

/* Runs an action node; returns the index of the node to enter, -1 to end
 * with a message already written, -2 when a dossier must be fetched. */
static int run_action(struct step *st, const struct menu_node *n)
{
	if (strcmp(n->action, "set_language") == 0) {
		st->s->lang = st->s->lang == 0 ? 1 : 0;
		st->out->set_lang = st->s->lang;
		return n->next_idx;
	}
	if (strcmp(n->action, "dossier_lookup") == 0) {
		const char *key = menu_session_get(st->s, "code_key");
		const char *last4 = menu_session_get(st->s, "last4");
		const struct dossier *d = NULL;
		enum lookup_verdict v;
		int target;

		if (st->in->lookup_blocked) {
			target = outcome_target(n, "limited");
			if (target < 0) {
				say(st, "limited");
				return -1;
			}
			return target;
		}
		if (key && !have_dossier(st, key, &d))
			return -2;
		v = key ? lookup_policy(d, st->in->msisdn, last4)
			: LOOKUP_NOT_FOUND;
		if (v == LOOKUP_NEED_ID) {
			target = outcome_target(n, "need_id");
			if (target >= 0)
				return target;
			v = LOOKUP_NOT_FOUND;
		}
		if (v == LOOKUP_NOT_FOUND) {
			st->out->lookup_failed = true;
			target = outcome_target(n, "not_found");
			if (target < 0) {
				say(st, "not_found");
				return -1;
			}
			return target;
		}
		menu_dossier_vars(d, st->s->lang, st->s);
		if (!d->due_at[0])
			menu_session_set(st->s, "due", "-");
		return n->next_idx;
	}
	return -1;
}

/* Enters node idx and follows action edges until a screen or an end. */
static void enter(struct step *st, int idx)
{
	for (int hop = 0; hop < MAX_HOPS; hop++) {
		const struct menu_node *n = menu_node_at(st->tree, idx);

		if (!n)
			break;
		switch (n->type) {
		case MENU_NODE_MENU:
		case MENU_NODE_INPUT:
			cgw_strlcpy(st->s->node, n->id, sizeof(st->s->node));
			screen(st, n, NULL);
			return;
		case MENU_NODE_END:
			screen(st, n, NULL);
			st->out->final = true;
			return;
		case MENU_NODE_ACTION:
			idx = run_action(st, n);
			if (idx == -2)
				return;
			if (idx < 0) {
				st->out->final = true;
				return;
			}
			break;
		}
	}
	/* a cycle of actions: the checker refuses these menus */
	say(st, "help");
	st->out->final = true;
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
		if (!cgw_all_digits(norm) || (int)len < n->min_len ||
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

		for (size_t i = 0; i < CGW_ARRAY_SIZE(yes); i++)
			if (strcmp(norm, yes[i]) == 0) {
				menu_session_set(s, n->save, "yes");
				return true;
			}
		for (size_t i = 0; i < CGW_ARRAY_SIZE(no); i++)
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
	case MENU_IN_TEXT: {
		/* free text keeps the citizen's own characters */
		size_t chars = utf8_length(text);
		char clean[MENU_VAR_VALUE];

		if ((int)chars < n->min_len || (int)chars > n->max_len)
			return false;
		utf8_copy(clean, sizeof(clean), text);
		menu_session_set(s, n->save, clean);
		return true;
	}
	}
	return false;
}

static void answer(struct step *st, const char *text)
{
	const struct menu_node *n = menu_node_find(st->tree, st->s->node);
	char norm[64];

	if (!n || (n->type != MENU_NODE_MENU && n->type != MENU_NODE_INPUT)) {
		/* the menus were reloaded under this session: start over */
		enter(st, st->tree->start);
		return;
	}
	if (n->type == MENU_NODE_MENU) {
		cmd_normalize(text, norm, sizeof(norm));
		for (int i = 0; i < n->noptions; i++)
			if (strcasecmp(n->options[i].key, norm) == 0) {
				enter(st, n->options[i].next_idx);
				return;
			}
		screen(st, n, menu_message(st->tree, "invalid_choice",
					   st->s->lang));
		return;
	}
	if (!validate_input(n, text, st->s)) {
		screen(st, n, menu_message(st->tree, "invalid_input",
					   st->s->lang));
		return;
	}
	enter(st, n->next_idx);
}

static void sms_lookup(struct step *st, const struct cmd *c)
{
	const struct dossier *d = NULL;
	enum lookup_verdict v;

	st->out->final = true;
	if (!c->code_ok) {
		say(st, "lookup_usage");
		return;
	}
	menu_session_set(st->s, "code", c->code);
	if (st->in->lookup_blocked) {
		say(st, "limited");
		return;
	}
	if (!have_dossier(st, c->key, &d))
		return;
	v = lookup_policy(d, st->in->msisdn, c->last4);
	if (v != LOOKUP_SHOW) {
		st->out->lookup_failed = true;
		say(st, "not_found");
		return;
	}
	menu_dossier_vars(d, st->s->lang, st->s);
	say(st, d->due_at[0] ? "status" : "status_nodue");
}

static void sms(struct step *st, const struct menu_session *cur)
{
	struct cmd c;

	cmd_parse(st->in->text, &c);
	switch (c.kind) {
	case CMD_LOOKUP:
		sms_lookup(st, &c);
		return;
	case CMD_MENU:
		enter(st, st->tree->start);
		return;
	case CMD_HELP:
		say(st, "help");
		st->out->final = true;
		return;
	case CMD_OPTOUT:
		say(st, "optout");
		st->out->final = true;
		return;
	case CMD_OPTIN:
		say(st, "optin");
		st->out->final = true;
		return;
	case CMD_TEXT:
		if (cur->exists) {
			answer(st, st->in->text);
			return;
		}
		say(st, "help");
		st->out->final = true;
		return;
	}
}

void menu_step(const struct menu_tree *tree, const struct menu_session *cur,
	       const struct menu_input *in, struct menu_result *out)
{
	struct step st = { tree, in, out, &out->next };

	memset(out, 0, sizeof(*out));
	out->kind = MENU_REPLY;
	out->set_lang = -1;
	if (cur->exists) {
		out->next = *cur;
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
	if (out->kind == MENU_NEED_DOSSIER)
		out->reply[0] = '\0';
}
