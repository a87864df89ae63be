/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Menu actions: the service calls an action node makes (dossier lookup and
 * rating, the days a visit can be booked, procedure requests, the language
 * switch). The table below is the whole list; the loader refuses other
 * names and the checker reads what each one sets. Pure like the engine:
 * a request is an effect in the result, written by the caller in the same
 * atomic step as the session.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/days.h"
#include "services/civil.h"
#include "services/dossier.h"
#include "menu/menu.h"
#include "services/services.h"
#include "common/util.h"
#include "menu/menu_int.h"

typedef int action_fn(struct menu_ctx *st, const struct menu_node *n);

static action_fn act_lookup, act_rating, act_visit_days, act_submit,
	act_set_language, act_app_prepare, act_app_file;

const struct menu_action_def menu_actions[] = {
	/* shows a dossier when the sender may see it; "next" = shown */
	{ "dossier_lookup", { "need_id", "not_found", "limited", NULL },
	  { "code", "procedure", "status", "due", NULL }, false, false,
	  false },
	/* the same, and only a finished dossier (status 9, 10) goes on */
	{ "dossier_rating",
	  { "need_id", "not_found", "limited", "not_finished", NULL },
	  { "code", "procedure", "status", "due", NULL }, false, false,
	  false },
	/* the next `days` working days: day1..dayN (ISO), dayN_label */
	{ "visit_days", { "none", NULL }, { NULL }, false, true, false },
	/* records a procedure request; sets its reference number {ref} */
	{ "submit", { NULL }, { "ref", NULL }, true, false, false },
	/* switches between Vietnamese and English */
	{ "set_language", { NULL }, { NULL }, false, false, false },
	/* a procedure's own (menu_proc.c makes these nodes): the date
	 * its result is due, and the filing of the application */
	{ "app_prepare", { NULL }, { "due", NULL }, false, false, true },
	{ "app_file", { "failed", NULL }, { "code", "due", NULL }, false,
	  false, true },
	{ NULL, { NULL }, { NULL }, false, false, false },
};

static action_fn *const action_fns[] = {
	act_lookup,	  act_rating,	   act_visit_days, act_submit,
	act_set_language, act_app_prepare, act_app_file,
};

const struct menu_action_def *menu_action_find(const char *name)
{
	for (const struct menu_action_def *a = menu_actions; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
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

enum menu_lookup_verdict menu_lookup_policy(const struct dossier *d,
					    const char *msisdn,
					    const char *last4)
{
	if (d && msisdn && strcmp(d->phone, msisdn) == 0)
		return MENU_LOOKUP_SHOW;
	if (!last4 || !*last4)
		return MENU_LOOKUP_NEED_ID;
	if (d && d->id_last4[0] && strcmp(d->id_last4, last4) == 0)
		return MENU_LOOKUP_SHOW;
	return MENU_LOOKUP_NOT_FOUND;
}

/* Follows `outcome`, or ends with message `fallback` when the node does
 * not map it. */
static int outcome_or_say(struct menu_ctx *st, const struct menu_node *n,
			  const char *outcome, const char *fallback)
{
	int target = menu_outcome_target(n, outcome);

	if (target >= 0)
		return target;
	menu_say(st, fallback);
	return MENU_ACT_END;
}

/* The dossier named by the session's code_key, under the lookup rules.
 * Returns the node to enter, or sets *d and returns -3 to go on. */
static int dossier_step(struct menu_ctx *st, const struct menu_node *n,
			const struct dossier **d)
{
	const char *key = menu_session_get(st->s, "code_key");
	const char *last4 = menu_session_get(st->s, "last4");
	enum menu_lookup_verdict v;

	*d = NULL;
	if (st->in->lookup_blocked)
		return outcome_or_say(st, n, "limited", "limited");
	if (key && !menu_have_dossier(st, key, d))
		return MENU_ACT_FETCH;
	v = key ? menu_lookup_policy(*d, st->in->msisdn, last4)
		: MENU_LOOKUP_NOT_FOUND;
	if (v == MENU_LOOKUP_NEED_ID) {
		int target = menu_outcome_target(n, "need_id");

		if (target >= 0)
			return target;
		v = MENU_LOOKUP_NOT_FOUND;
	}
	if (v == MENU_LOOKUP_NOT_FOUND) {
		st->out->lookup_failed = true;
		return outcome_or_say(st, n, "not_found", "not_found");
	}
	menu_dossier_vars(*d, st->s->lang, st->s);
	if (!(*d)->due_at[0])
		menu_session_set(st->s, "due", "-");
	return -3;
}

static int act_lookup(struct menu_ctx *st, const struct menu_node *n)
{
	const struct dossier *d;
	int rc = dossier_step(st, n, &d);

	return rc == -3 ? n->next_idx : rc;
}

static int act_rating(struct menu_ctx *st, const struct menu_node *n)
{
	const struct dossier *d;
	int rc = dossier_step(st, n, &d);

	if (rc != -3)
		return rc;
	if (d->status != 9 && d->status != 10)
		return outcome_or_say(st, n, "not_finished",
				      menu_message(st->tree, "not_finished",
						   0) ? "not_finished"
						      : "not_found");
	return n->next_idx;
}

static int act_visit_days(struct menu_ctx *st, const struct menu_node *n)
{
	int days[MENU_MAX_DAYS];
	int k = svc_working_days(st->in->now_ms, st->in->holidays,
				 st->in->nholidays, n->days, days);

	if (k < n->days)
		return outcome_or_say(st, n, "none", "help");
	for (int i = 0; i < k; i++) {
		char name[MENU_VAR_NAME + 8], value[SVC_DAY_LABEL_MAX];

		snprintf(name, sizeof(name), "day%d", i + 1);
		day_iso(days[i], value, sizeof(value));
		menu_session_set(st->s, name, value);
		snprintf(name, sizeof(name), "day%d_label", i + 1);
		svc_day_label(days[i], st->s->lang, value, sizeof(value));
		menu_session_set(st->s, name, value);
	}
	return n->next_idx;
}

/* The request's number, from what it is (services.h): the same request
 * from the same phone on the same local day has the same number. */
static void request_ref(const struct menu_ctx *st, const struct svc_kind *k,
			struct menu_request *r)
{
	char what[2048];
	int n = snprintf(what, sizeof(what), "%s|%s|%d",
			 st->in->msisdn ? st->in->msisdn : "", k->name,
			 svc_local_day(st->in->now_ms));

	for (int i = 0; i < r->nfields && n > 0 && n < (int)sizeof(what); i++)
		n += snprintf(what + n, sizeof(what) - (size_t)n, "|%s=%s",
			      r->fields[i].name, r->fields[i].value);
	svc_request_ref(k->prefix, what, r->ref, sizeof(r->ref));
}

static int act_submit(struct menu_ctx *st, const struct menu_node *n)
{
	const struct svc_kind *kind = svc_kind_find(n->kind);
	struct menu_request *r = &st->out->req;

	if (!kind)
		return outcome_or_say(st, n, "-", "help");	/* loader refuses */
	memset(r, 0, sizeof(*r));
	util_strlcpy(r->kind, kind->name, sizeof(r->kind));
	r->lang = st->s->lang;
	for (int i = 0; i < n->nfields; i++) {
		const char *v = menu_session_get(st->s, n->fields[i]);

		util_strlcpy(r->fields[i].name, n->fields[i],
			    sizeof(r->fields[i].name));
		util_strlcpy(r->fields[i].value, v ? v : "",
			    sizeof(r->fields[i].value));
		r->nfields++;
	}
	request_ref(st, kind, r);
	menu_session_set(st->s, "ref", r->ref);
	return n->next_idx;
}

static int act_set_language(struct menu_ctx *st, const struct menu_node *n)
{
	st->s->lang = st->s->lang == 0 ? 1 : 0;
	st->out->set_lang = st->s->lang;
	return n->next_idx;
}

/* --- applications ----------------------------------------------------------- */

/* The local day the result of p is due, filed on the day of now: the
 * days-th working day after it (-1 when the calendar has none). */
static int due_day(const struct menu_ctx *st, const struct menu_proc *p)
{
	int days[64];
	int k = svc_working_days(st->in->now_ms, st->in->holidays,
				 st->in->nholidays, p->days, days);

	return k >= p->days ? days[p->days - 1] : -1;
}

static void set_due(struct menu_ctx *st, const char *iso)
{
	char due[16];

	dossier_date_display(iso, due, sizeof(due));
	menu_session_set(st->s, "due", due);
}

static int act_app_prepare(struct menu_ctx *st, const struct menu_node *n)
{
	int day = n->proc ? due_day(st, n->proc) : -1;
	char iso[16];

	if (day < 0)
		return outcome_or_say(st, n, "-", "app_failed");
	day_iso(day, iso, sizeof(iso));
	set_due(st, iso);
	return n->next_idx;
}

/* What the caller files: the procedure and its fields as given. */
static bool need_filing(struct menu_ctx *st, const struct menu_proc *p)
{
	struct menu_filing *f = &st->out->filing;
	int day = due_day(st, p);

	if (day < 0)
		return false;
	memset(f, 0, sizeof(*f));
	f->proc = p;
	f->day = svc_local_day(st->in->now_ms);
	day_iso(day, f->due_iso, sizeof(f->due_iso));
	for (int i = 0; i < p->nfields; i++) {
		const char *v = menu_session_get(st->s, p->fields[i].name);

		util_strlcpy(f->fields[i].name, p->fields[i].name,
			     sizeof(f->fields[i].name));
		util_strlcpy(f->fields[i].value, v ? v : "",
			     sizeof(f->fields[i].value));
		f->nfields++;
	}
	st->out->kind = MENU_NEED_FILING;
	return true;
}

/* The request that tells the back office: the dossier code, the
 * procedure and the facts, an ID masked (the dossier has it in full). */
static void app_request(struct menu_ctx *st, const struct menu_proc *p,
			const char *code)
{
	struct menu_request *r = &st->out->req;

	memset(r, 0, sizeof(*r));
	util_strlcpy(r->kind, "application", sizeof(r->kind));
	util_strlcpy(r->ref, code, sizeof(r->ref));
	r->lang = st->s->lang;
	util_strlcpy(r->fields[0].name, "procedure", sizeof(r->fields[0].name));
	util_strlcpy(r->fields[0].value, p->id, sizeof(r->fields[0].value));
	r->nfields = 1;
	for (int i = 0; i < p->nfields && r->nfields < MENU_MAX_FIELDS; i++) {
		const struct menu_proc_field *f = &p->fields[i];
		char mname[MENU_VAR_NAME + 4];
		const char *v;

		snprintf(mname, sizeof(mname), "%s_m", f->name);
		v = menu_session_get(st->s, f->input == MENU_IN_CITIZEN_ID
						    ? mname : f->name);
		util_strlcpy(r->fields[r->nfields].name, f->name,
			     sizeof(r->fields[0].name));
		util_strlcpy(r->fields[r->nfields].value, v ? v : "",
			     sizeof(r->fields[0].value));
		r->nfields++;
	}
}

/* Files the application (MENU_ACT_FETCH until the caller has), then
 * sets {code} and {due} and records the request. */
static int act_app_file(struct menu_ctx *st, const struct menu_node *n)
{
	const struct menu_proc *p = n->proc;
	const struct menu_filed *f = st->in->filed;

	if (!p)
		return outcome_or_say(st, n, "failed", "app_failed");
	if (!f || strcmp(f->proc, p->id) != 0)
		return need_filing(st, p)
			       ? MENU_ACT_FETCH
			       : outcome_or_say(st, n, "failed", "app_failed");
	if (f->failed)
		return outcome_or_say(st, n, "failed", "app_failed");
	menu_session_set(st->s, "code", f->code);
	set_due(st, f->due_iso);
	if (!f->again)	/* the back office heard of it the first time */
		app_request(st, p, f->code);
	return n->next_idx;
}

/* The reply to an SMS form that does not read: why, then the form. */
static void sms_refuse(struct menu_ctx *st, const struct menu_proc *p,
		       const char *why, const struct menu_proc_field *f)
{
	char a[MENU_TEXT_MAX / 2 - 1], b[MENU_TEXT_MAX / 2];
	int lang = st->s->lang;

	a[0] = '\0';
	if (why)
		menu_notice(st, menu_message(st->tree, why, lang),
			    f ? f->min : 0, f ? f->max : 0, a, sizeof(a));
	menu_session_set(st->s, "usage", menu_proc_text(&p->usage, lang));
	menu_notice(st, menu_message(st->tree, "app_usage", lang), 0, 0, b,
		    sizeof(b));
	menu_session_unset(st->s, "usage");
	/* both fit: a and b are each half of the reply at most */
	snprintf(st->out->reply, sizeof(st->out->reply), "%s%s%s", a,
		 a[0] ? " " : "", b);
}

/* The next field of an SMS form into tok: one word, or for a name or a
 * commune the words up to a comma (or the end). */
static const char *next_token(const char *p, bool words, char *tok,
			      size_t cap)
{
	size_t n = 0;

	while (*p == ' ' || *p == '\t' || *p == ',' || *p == '\n')
		p++;
	while (*p && *p != ',' && (words || (*p != ' ' && *p != '\t' &&
					     *p != '\n'))) {
		if (n + 1 < cap)
			tok[n++] = *p;
		p++;
	}
	while (n > 0 && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
		n--;
	tok[n] = '\0';
	return p;
}

/* A citizen ID as phones and people write it: groups of digits ("001
 * 203 012 345", "001.203.012.345") until 12 digits; else one word. */
static const char *id_token(const char *p, char *tok, size_t cap)
{
	const char *start = p;
	size_t n = 0;
	int digits = 0;

	while (*p == ' ' || *p == '\t' || *p == ',' || *p == '\n')
		p++;
	while (isdigit((unsigned char)*p) && digits < CIVIL_ID_LEN) {
		const char *q = p, *r;
		int d = 0;

		for (; isdigit((unsigned char)*q) || *q == '.' || *q == '-'; q++)
			d += isdigit((unsigned char)*q) != 0;
		if (n > 0 && digits + d > CIVIL_ID_LEN)
			break;	/* the next field's number */
		if (n + (size_t)(q - p) + 2 > cap)
			break;
		if (n > 0)
			tok[n++] = ' ';
		memcpy(tok + n, p, (size_t)(q - p));
		n += (size_t)(q - p);
		digits += d;
		for (r = q; *r == ' ' || *r == '\t'; r++)
			;
		p = digits < CIVIL_ID_LEN ? r : q;
	}
	tok[n] = '\0';
	return n ? p : next_token(start, false, tok, cap);
}

void menu_sms_apply(struct menu_ctx *st, const struct menu_proc *p,
		    const char *args)
{
	const char *q = args;
	char tok[MENU_VAR_VALUE];

	st->out->final = true;
	st->s->nvars = 0;
	for (int i = 0; i < p->nfields; i++) {
		const struct menu_proc_field *f = &p->fields[i];
		bool words = f->input == MENU_IN_FULL_NAME ||
			     f->input == MENU_IN_COMMUNE;
		const char *why;

		q = f->input == MENU_IN_CITIZEN_ID
			    ? id_token(q, tok, sizeof(tok))
			    : next_token(q, words, tok, sizeof(tok));
		if (!tok[0] && f->dflt)
			snprintf(tok, sizeof(tok), "%d", f->dflt);
		if (!tok[0]) {
			sms_refuse(st, p, NULL, NULL);
			return;
		}
		why = menu_check_civil(st->tree, st->in->now_ms, f->input,
				       f->min, f->max, f->name, tok, st->s);
		if (why) {
			sms_refuse(st, p, menu_message(st->tree, why, 0)
						  ? why : "invalid_input", f);
			return;
		}
	}
	next_token(q, true, tok, sizeof(tok));
	if (tok[0]) {
		sms_refuse(st, p, NULL, NULL);
		return;
	}
	/* the filing node comes just before the end node (menu_proc.c) */
	if (act_app_file(st, &st->tree->nodes[p->done - 1]) == p->done)
		menu_say_node(st, &st->tree->nodes[p->done]);
}

int menu_run_action(struct menu_ctx *st, const struct menu_node *n)
{
	const struct menu_action_def *a = menu_action_find(n->action);

	if (!a)
		return outcome_or_say(st, n, "-", "help");
	return action_fns[a - menu_actions](st, n);
}
