/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The menu checker (see menu_check() in menu/menu.h): everything
 * in a menu tree that would strand or confuse a citizen, each reported as
 * "file:line: message". `citizengw-ctl menu check`, `citizengw -t`, the
 * daemon's start and SIGHUP all run it; a tree with problems is refused.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "menu/menu.h"
#include "text/text.h"
#include "common/util.h"
#include "menu/menu_int.h"

/* What one screen may hold (BRIEF): GSM-7 septets, else UCS-2 units. */
#define USSD_GSM7 182
#define USSD_UCS2 80
#define SMS_GSM7 160
#define SMS_UCS2 70
#define DEFAULT_WIDTH 20
#define WIDTH_BUF 2048

struct problem {
	const char *file;
	int line;
	int seq;		/* keeps the order of reports on one line */
	char msg[320];
};

struct checker {
	const struct menu_tree *t;
	struct problem *p;
	int n, cap;
};

static void add(struct checker *c, const char *file, int line,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void add(struct checker *c, const char *file, int line,
		const char *fmt, ...)
{
	va_list ap;

	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 32;
		struct problem *np = realloc(c->p, (size_t)cap * sizeof(*np));

		if (!np)
			return;	/* out of memory: the count still says it */
		c->p = np;
		c->cap = cap;
	}
	c->p[c->n].file = file ? file : c->t->main_file;
	c->p[c->n].line = line;
	c->p[c->n].seq = c->n;
	va_start(ap, fmt);
	vsnprintf(c->p[c->n].msg, sizeof(c->p[0].msg), fmt, ap);
	va_end(ap);
	c->n++;
}

static int cmp_problem(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;
	int r = strcmp(x->file, y->file);

	if (r)
		return r;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq - y->seq;
}

/* --- variables and their widths ------------------------------------------ */

static const struct {
	const char *name;
	int width;
} fixed_widths[] = {
	{ "code", 25 },	     { "code_key", 22 }, { "procedure", MENU_PROCEDURE_WIDTH },
	{ "status", 36 },    { "due", 10 },	 { "ref", 10 },
	{ "last4", 4 },
	/* the bounds in a wrong answer's message; the SMS form */
	{ "min", 4 },	     { "max", 4 },	 { "usage", 60 },
	/* a procedure's words in app_confirm and app_done (menu_proc.c
	 * puts them in; its screens are measured with them) */
	{ "app", 24 },	     { "fields", 60 },	 { "fee", 20 },
	{ "agency", 30 },    { "bring", 30 },
};

static int input_width(const struct menu_node *n)
{
	switch (n->input) {
	case MENU_IN_DOSSIER_CODE: return 25;
	case MENU_IN_PHONE: return 11;
	case MENU_IN_YESNO: return 3;
	case MENU_IN_RATING: return 1;
	case MENU_IN_LAST4: return 4;
	case MENU_IN_DIGITS:
	case MENU_IN_TEXT:
	case MENU_IN_PATTERN:
	case MENU_IN_FULL_NAME:
		return n->max_len;
	case MENU_IN_CITIZEN_ID: return 12;
	case MENU_IN_DATE: return 10;
	case MENU_IN_COUNT: return n->max_len > 999 ? 4 : n->max_len > 99 ? 3
				 : n->max_len > 9 ? 2 : 1;
	case MENU_IN_COMMUNE: return -1;	/* the longest in the list */
	}
	return DEFAULT_WIDTH;
}

static int text_width(const struct menu_tree *t, const char *tmpl, int depth);

/* dayN (an ISO date) and dayN_label ("Thu Nam 04/12") of visit_days */
static int day_var_width(const char *name)
{
	const char *p = name + 3;
	int k = 0;

	if (strncmp(name, "day", 3) != 0 || *p < '1' || *p > '9')
		return -1;
	k = *p++ - '0';
	if (k > MENU_MAX_DAYS)
		return -1;
	if (!*p)
		return 10;
	return strcmp(p, "_label") == 0 ? 13 : -1;
}

/* Width of a variable, or -1 when nothing in the tree sets it. */
static int var_width(const struct menu_tree *t, const char *name, int depth)
{
	int w = -1;

	for (size_t i = 0; i < ARRAY_SIZE(fixed_widths); i++)
		if (strcmp(fixed_widths[i].name, name) == 0)
			return fixed_widths[i].width;
	if (day_var_width(name) > 0)
		return day_var_width(name);
	for (int i = 0; i < t->nnodes; i++) {
		const struct menu_node *n = &t->nodes[i];
		char label[MENU_VAR_NAME + 8], key[MENU_VAR_NAME + 8];

		if (!n->save[0])
			continue;
		snprintf(label, sizeof(label), "%s_label", n->save);
		snprintf(key, sizeof(key), "%s_key", n->save);
		if (n->type == MENU_NODE_INPUT && strcmp(n->save, name) == 0) {
			int iw = n->input == MENU_IN_COMMUNE
					 ? menu_commune_width(t)
					 : input_width(n);

			w = w > iw ? w : iw;
		}
		if (n->type == MENU_NODE_INPUT &&
		    n->input == MENU_IN_CITIZEN_ID &&
		    strncmp(name, n->save, strlen(n->save)) == 0 &&
		    strcmp(name + strlen(n->save), "_m") == 0)
			w = w > 12 ? w : 12;
		if (n->type == MENU_NODE_INPUT &&
		    n->input == MENU_IN_DOSSIER_CODE && strcmp(key, name) == 0)
			w = w > 22 ? w : 22;
		if (n->type != MENU_NODE_MENU || depth > 3)
			continue;
		for (int k = 0; k < n->noptions; k++) {
			const struct menu_option *o = &n->options[k];
			int ow = -1;

			if (strcmp(n->save, name) == 0)
				ow = o->value ? text_width(t, o->value,
							   depth + 1)
					      : (int)strlen(o->key);
			for (int l = 0; l < MENU_LANGS &&
					strcmp(label, name) == 0; l++)
				if (o->label.t[l]) {
					int lw = text_width(t, o->label.t[l],
							    depth + 1);

					ow = ow > lw ? ow : lw;
				}
			w = w > ow ? w : ow;
		}
	}
	return w;
}

int menu_var_width(const struct menu_tree *t, const char *name)
{
	int w = var_width(t, name, 0);

	return w < 0 ? DEFAULT_WIDTH : w;
}

/*
 * Renders a template with every variable replaced by 'x' times its
 * width, as the longest text the engine can produce from it (before
 * folding). Unknown variables get DEFAULT_WIDTH.
 */
static void widen(const struct menu_tree *t, const char *tmpl, char *out,
		  size_t cap, int depth)
{
	size_t n = 0;

	for (const char *p = tmpl; *p && n + 1 < cap;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;

		if (close && close - p - 1 < MENU_VAR_NAME) {
			char name[MENU_VAR_NAME];
			int w;

			memcpy(name, p + 1, (size_t)(close - p - 1));
			name[close - p - 1] = '\0';
			w = depth > 3 ? DEFAULT_WIDTH
				      : var_width(t, name, depth);
			if (w < 0)
				w = DEFAULT_WIDTH;
			while (w-- > 0 && n + 1 < cap)
				out[n++] = 'x';
			p = close + 1;
			continue;
		}
		out[n++] = *p++;
	}
	out[n] = '\0';
}

static int text_width(const struct menu_tree *t, const char *tmpl, int depth)
{
	char wide[WIDTH_BUF], folded[WIDTH_BUF];

	widen(t, tmpl, wide, sizeof(wide), depth);
	text_fold(wide, folded, sizeof(folded));
	return (int)utf8_length(folded);
}

/* Reports every {variable} of tmpl that nothing in the tree sets. */
static void check_vars(struct checker *c, const char *file, int line,
		       const char *what, const char *tmpl)
{
	for (const char *p = tmpl; (p = strchr(p, '{'));) {
		const char *close = strchr(p, '}');
		char name[MENU_VAR_NAME];

		if (!close)
			return;
		if (close - p - 1 >= MENU_VAR_NAME || close == p + 1) {
			p++;
			continue;
		}
		memcpy(name, p + 1, (size_t)(close - p - 1));
		name[close - p - 1] = '\0';
		if (var_width(c->t, name, 0) < 0)
			add(c, file, line, "%s: {%s} is not a variable any "
			    "node or action sets", what, name);
		p = close + 1;
	}
}

/* --- screen lengths ---------------------------------------------------------- */

/* Characters the encoded screen costs: GSM-7 septets after folding, or
 * UCS-2 units when folding does not make it GSM-7. */
static int screen_cost(const struct menu_tree *t, const char *tmpl,
		       bool *ucs2)
{
	char wide[WIDTH_BUF], folded[WIDTH_BUF];
	long sept;
	size_t len, pos = 0;
	uint32_t cp;
	int units = 0;

	widen(t, tmpl, wide, sizeof(wide), 0);
	text_fold(wide, folded, sizeof(folded));
	sept = gsm7_septets(folded);
	*ucs2 = sept < 0;
	if (sept >= 0)
		return (int)sept;
	len = strlen(folded);
	while (pos < len) {
		utf8_decode(folded, len, &pos, &cp);
		units += cp > 0xFFFF ? 2 : 1;
	}
	return units;
}

static void check_length(struct checker *c, const char *file, int line,
			 const char *what, const char *tmpl, bool ussd,
			 int nsms)
{
	bool ucs2;
	int cost = screen_cost(c->t, tmpl, &ucs2);
	/* nsms 2: an end screen that may be a concatenated SMS, as long as
	 * it is one USSD screen */
	int sms = nsms > 1 ? (ucs2 ? USSD_UCS2 : USSD_GSM7)
			   : ucs2 ? SMS_UCS2 : SMS_GSM7;
	int scr = ucs2 ? USSD_UCS2 : USSD_GSM7;
	const char *enc = ucs2 ? "UCS-2" : "GSM-7";

	if (cost > sms && ussd && cost > scr && nsms == 1)
		add(c, file, line, "%s is %d %s characters: more than a USSD "
		    "screen (%d) and one SMS (%d)", what, cost, enc, scr, sms);
	else if (cost > sms)
		add(c, file, line, "%s is %d %s characters: more than %s "
		    "(%d)", what, cost, enc,
		    nsms > 1 ? "a USSD screen" : "one SMS", sms);
}

/* The template of a node's screen, as the engine builds it. */
static void screen_tmpl(const struct menu_node *n, int lang,
			const char *notice, char *out, size_t cap)
{
	size_t len = 0;
	const char *text = n->text.t[lang] ? n->text.t[lang]
		: n->text.t[0] ? n->text.t[0] : n->text.t[1];

	out[0] = '\0';
	if (notice)
		len += (size_t)snprintf(out, cap, "%s\n", notice);
	if (len < cap)
		len += (size_t)snprintf(out + len, cap - len, "%s",
					text ? text : "");
	for (int i = 0; i < n->noptions && len < cap; i++) {
		const struct menu_option *o = &n->options[i];
		const char *l = o->label.t[lang] ? o->label.t[lang]
						 : o->label.t[0];

		len += (size_t)snprintf(out + len, cap - len, "\n%s. %s",
					o->key, l ? l : "");
	}
}

static void check_text(struct checker *c, const char *file, int line,
		       const char *what, const struct menu_text *tx);

/* The messages a wrong answer of a civil input type may show. */
static const char *const *civil_msgs(enum menu_input_type t)
{
	static const char *const id[] = { "bad_id_form", "bad_id_province",
					  "bad_id_century", NULL };
	static const char *const name[] = { "bad_name", NULL };
	static const char *const date[] = { "bad_date_form", "bad_date_future",
					    "bad_date_old", NULL };
	static const char *const count[] = { "bad_count", NULL };
	static const char *const commune[] = { "bad_commune", NULL };

	switch (t) {
	case MENU_IN_CITIZEN_ID: return id;
	case MENU_IN_FULL_NAME: return name;
	case MENU_IN_DATE: return date;
	case MENU_IN_COUNT: return count;
	case MENU_IN_COMMUNE: return commune;
	default: return NULL;
	}
}

/* A civil input: every message it may show exists, and each fits above
 * the screen. */
static void check_civil(struct checker *c, const struct menu_node *n)
{
	const char *const *m = civil_msgs(n->input);

	if (n->type != MENU_NODE_INPUT || !m)
		return;
	if (n->input == MENU_IN_COMMUNE && !c->t->ncommunes)
		add(c, n->file, n->line, "node '%s': input commune needs the "
		    "list %s/communes.cfg", n->id, c->t->dir);
	for (; *m; m++)
		for (int lang = 0; lang < MENU_LANGS; lang++) {
			const char *msg = menu_message(c->t, *m, lang);
			char tmpl[WIDTH_BUF], what[128];

			if (!msg) {
				if (lang == 0)
					add(c, n->file, n->line, "node '%s': "
					    "messages.%s is missing", n->id,
					    *m);
				continue;
			}
			screen_tmpl(n, lang, msg, tmpl, sizeof(tmpl));
			snprintf(what, sizeof(what), "node '%s' (%s): the "
				 "screen after %s", n->id,
				 menu_lang_names[lang], *m);
			check_length(c, n->file, n->line, what, tmpl, true, 1);
		}
}

/* A procedure's own texts: both languages, known variables. */
static void check_procs(struct checker *c)
{
	const struct menu_tree *t = c->t;

	for (size_t i = 0; t->nprocs && menu_proc_messages[i]; i++)
		if (!menu_tree_message_text(t, menu_proc_messages[i]))
			add(c, t->main_file, t->messages_line,
			    "messages.%s is missing (the procedures need it)",
			    menu_proc_messages[i]);
	for (int i = 0; i < t->nprocs; i++) {
		const struct menu_proc *p = &t->procs[i];
		const struct menu_text *tx[] = { &p->name, &p->short_name,
						 &p->usage, &p->fee, &p->bring,
						 &p->agency_name };
		const char *names[] = { "name", "short", "usage", "fee",
					"bring", "agency_name" };
		char what[96];

		for (size_t k = 0; k < ARRAY_SIZE(tx); k++) {
			snprintf(what, sizeof(what), "procedure '%s': %s",
				 p->id, names[k]);
			check_text(c, p->file, tx[k]->line, what, tx[k]);
		}
		for (int k = 0; k < p->nfields; k++) {
			if (!p->fields[k].label.t[0] &&
			    !p->fields[k].label.t[1])
				continue;	/* not in the summary */
			snprintf(what, sizeof(what), "procedure '%s': field "
				 "%s label", p->id, p->fields[k].name);
			check_text(c, p->file, p->fields[k].line, what,
				   &p->fields[k].label);
		}
	}
}

static void check_screens(struct checker *c, const struct menu_node *n)
{
	static const char *const notice_msg[] = {
		[MENU_NODE_MENU] = "invalid_choice",
		[MENU_NODE_INPUT] = "invalid_input",
	};

	if (n->type == MENU_NODE_ACTION)
		return;
	for (int lang = 0; lang < MENU_LANGS; lang++) {
		char tmpl[WIDTH_BUF], what[96];
		const char *notice = n->type == MENU_NODE_END ? NULL
			: menu_message(c->t, notice_msg[n->type], lang);

		screen_tmpl(n, lang, NULL, tmpl, sizeof(tmpl));
		snprintf(what, sizeof(what), "node '%s' (%s): the screen",
			 n->id, menu_lang_names[lang]);
		check_length(c, n->file, n->line, what, tmpl, true,
			     n->long_ok ? 2 : 1);
		if (!notice)
			continue;
		/* after a wrong answer the engine shows the notice first */
		screen_tmpl(n, lang, notice, tmpl, sizeof(tmpl));
		snprintf(what, sizeof(what), "node '%s' (%s): the screen "
			 "after a wrong answer", n->id, menu_lang_names[lang]);
		check_length(c, n->file, n->line, what, tmpl, true, 1);
	}
}

/* --- translations ------------------------------------------------------------ */

static void check_text(struct checker *c, const char *file, int line,
		       const char *what, const struct menu_text *tx)
{
	for (int lang = 0; lang < MENU_LANGS; lang++) {
		if (!tx->t[lang]) {
			add(c, file, line, "%s has no '%s' text", what,
			    menu_lang_names[lang]);
			continue;
		}
		check_vars(c, file, line, what, tx->t[lang]);
	}
}

/* --- the graph ----------------------------------------------------------------- */

#define MAX_EDGES (MENU_MAX_OPTIONS + MENU_MAX_OUTCOMES + 2)

/* Every edge target of a node (-1 for an edge to a missing node). */
static int node_edges(const struct menu_node *n, int out[MAX_EDGES])
{
	int k = 0;

	for (int i = 0; i < n->noptions; i++)
		out[k++] = n->options[i].next_idx;
	for (int i = 0; i < n->noutcomes; i++)
		out[k++] = n->outcomes[i].next_idx;
	if (n->next[0])
		out[k++] = n->next_idx;
	if (n->back[0])
		out[k++] = n->back_idx;
	return k;
}

static void check_edges(struct checker *c, const struct menu_node *n)
{
	for (int k = 0; k < n->noptions; k++)
		if (n->options[k].next_idx < 0)
			add(c, n->file, n->options[k].line,
			    "node '%s': option %s points to '%s', which does "
			    "not exist", n->id, n->options[k].key,
			    n->options[k].next);
	for (int k = 0; k < n->noutcomes; k++)
		if (n->outcomes[k].next_idx < 0)
			add(c, n->file, n->outcomes[k].line,
			    "node '%s': outcome %s points to '%s', which does "
			    "not exist", n->id, n->outcomes[k].name,
			    n->outcomes[k].next);
	if (n->next[0] && n->next_idx < 0)
		add(c, n->file, n->next_line ? n->next_line : n->line,
		    "node '%s': next points to '%s', which does not exist",
		    n->id, n->next);
	if (n->back[0] && n->back_idx < 0)
		add(c, n->file, n->back_line ? n->back_line : n->line,
		    "node '%s': back points to '%s', which does not exist",
		    n->id, n->back);
}

/* An action whose outcome is not mapped ends the session with a message. */
static bool action_can_end(const struct menu_node *n)
{
	const struct menu_action_def *a = menu_action_find(n->action);

	for (int i = 0; a && i < MENU_MAX_OUTCOMES && a->outcomes[i]; i++)
		if (strcmp(a->outcomes[i], "need_id") != 0 &&
		    menu_outcome_target(n, a->outcomes[i]) < 0)
			return true;
	return false;
}

static void check_graph(struct checker *c)
{
	const struct menu_tree *t = c->t;
	int nn = t->nnodes;
	bool *seen = calloc((size_t)nn + 1, sizeof(bool));
	bool *ends = calloc((size_t)nn + 1, sizeof(bool));
	int *stack = calloc((size_t)nn + 1, sizeof(int));
	int sp = 0;
	bool changed = true;

	if (!seen || !ends || !stack)
		goto out;
	/* reachable from the start node */
	if (t->start >= 0) {
		seen[t->start] = true;
		stack[sp++] = t->start;
	}
	while (sp > 0) {
		int e[MAX_EDGES], ne = node_edges(&t->nodes[stack[--sp]], e);

		for (int k = 0; k < ne; k++)
			if (e[k] >= 0 && !seen[e[k]]) {
				seen[e[k]] = true;
				stack[sp++] = e[k];
			}
	}
	/* which nodes can lead to an end */
	for (int i = 0; i < nn; i++)
		ends[i] = t->nodes[i].type == MENU_NODE_END ||
			  (t->nodes[i].type == MENU_NODE_ACTION &&
			   action_can_end(&t->nodes[i]));
	while (changed) {
		changed = false;
		for (int i = 0; i < nn; i++) {
			int e[MAX_EDGES], ne = node_edges(&t->nodes[i], e);

			for (int k = 0; k < ne && !ends[i]; k++)
				if (e[k] >= 0 && ends[e[k]]) {
					ends[i] = true;
					changed = true;
				}
		}
	}
	for (int i = 0; i < nn && t->start >= 0; i++) {
		const struct menu_node *n = &t->nodes[i];

		if (!seen[i])
			add(c, n->file, n->line, "node '%s' cannot be reached "
			    "from the start node '%s'", n->id,
			    t->nodes[t->start].id);
		else if (!ends[i])
			add(c, n->file, n->line, "node '%s' is a dead end: no "
			    "way from it leads to an end node", n->id);
	}
	/* chains of actions that come back to themselves without a screen */
	for (int i = 0; i < nn; i++) {
		int cur = i, hops = 0;

		if (t->nodes[i].type != MENU_NODE_ACTION)
			continue;
		/* follow "next" (the usual path) through actions */
		while (hops++ <= nn) {
			const struct menu_node *n = &t->nodes[cur];

			if (n->type != MENU_NODE_ACTION || n->next_idx < 0)
				break;
			cur = n->next_idx;
			if (cur == i) {
				add(c, t->nodes[i].file, t->nodes[i].line,
				    "node '%s': actions lead back to it "
				    "without showing a screen", t->nodes[i].id);
				break;
			}
		}
	}
out:
	free(seen);
	free(ends);
	free(stack);
}

/* --- the whole tree ------------------------------------------------------------ */

int menu_check(const struct menu_tree *t, menu_report_fn *report, void *arg)
{
	struct checker c = { t, NULL, 0, 0 };
	int count;

	if (t->start < 0)
		add(&c, t->main_file, t->start_line,
		    "start node '%s' does not exist", t->start_id);
	for (size_t i = 0; menu_required_messages[i]; i++)
		if (!menu_tree_message_text(t, menu_required_messages[i]))
			add(&c, t->main_file, t->messages_line,
			    "messages.%s is missing", menu_required_messages[i]);
	for (int i = 0; i < t->nmsgs; i++) {
		const struct menu_message *m = &t->msgs[i];
		char what[96];

		snprintf(what, sizeof(what), "message '%s'", m->name);
		check_text(&c, m->file, m->text.line, what, &m->text);
		for (int lang = 0; lang < MENU_LANGS; lang++) {
			char w2[128];

			if (!m->text.t[lang])
				continue;
			if (strcmp(m->name, "app_confirm") == 0 ||
			    strcmp(m->name, "app_done") == 0)
				continue;	/* measured as screens */
			snprintf(w2, sizeof(w2), "message '%s' (%s)", m->name,
				 menu_lang_names[lang]);
			check_length(&c, m->file, m->text.line, w2,
				     m->text.t[lang], false, 1);
		}
	}
	for (int i = 0; i < t->nnodes; i++) {
		const struct menu_node *n = &t->nodes[i];
		char what[96];

		check_edges(&c, n);
		if (n->text.t[0] || n->text.t[1]) {
			snprintf(what, sizeof(what), "node '%s'", n->id);
			check_text(&c, n->file, n->text_line ? n->text_line
							     : n->line,
				   what, &n->text);
		}
		for (int k = 0; k < n->noptions; k++) {
			snprintf(what, sizeof(what), "node '%s' option %s",
				 n->id, n->options[k].key);
			check_text(&c, n->file, n->options[k].line, what,
				   &n->options[k].label);
			if (n->options[k].value)
				check_vars(&c, n->file, n->options[k].line,
					   what, n->options[k].value);
		}
		check_screens(&c, n);
		check_civil(&c, n);
	}
	check_procs(&c);
	check_graph(&c);
	if (c.n)
		qsort(c.p, (size_t)c.n, sizeof(*c.p), cmp_problem);
	for (int i = 0; i < c.n; i++)
		report(arg, c.p[i].file, c.p[i].line, c.p[i].msg);
	count = c.n;
	free(c.p);
	return count;
}

int menu_check_dir(const char *dir, menu_report_fn *report, void *arg)
{
	struct menu_tree *t;
	char err[1024];
	int n;

	if (menu_load_ex(dir, MENU_LOAD_LENIENT, &t, err, sizeof(err)) < 0) {
		report(arg, NULL, 0, err);
		return 1;
	}
	n = menu_check(t, report, arg);
	menu_free(t);
	return n;
}

int menu_load_checked(const char *dir, struct menu_tree **out,
		      menu_report_fn *report, void *arg, char *err,
		      size_t errlen)
{
	struct menu_tree *t;
	int n;

	/* -ENOMEM stays what it is: the menus are not at fault */
	if ((n = menu_load_ex(dir, MENU_LOAD_LENIENT, &t, err, errlen)) < 0)
		return n == -ENOMEM ? n : -EINVAL;
	n = menu_check(t, report, arg);
	if (n > 0) {
		menu_free(t);
		return util_err(err, errlen, -EINVAL,
			       "%s/main.cfg: %d problem%s in the menus "
			       "(citizengw-ctl menu check %s)", dir, n,
			       n == 1 ? "" : "s", dir);
	}
	*out = t;
	return 0;
}
