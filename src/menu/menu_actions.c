/*
 * Menu actions: the service calls an action node makes (dossier lookup and
 * rating, the days a visit can be booked, procedure requests, the language
 * switch). The table below is the whole list; the loader refuses other
 * names and the checker reads what each one sets. Pure like the engine:
 * a request is an effect in the result, written by the caller in the same
 * atomic step as the session.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/days.h"
#include "menu/menu.h"
#include "services/services.h"
#include "common/util.h"
#include "menu/menu_int.h"

typedef int action_fn(struct menu_ctx *st, const struct menu_node *n);

static action_fn act_lookup, act_rating, act_visit_days, act_submit,
	act_set_language;

const struct menu_action_def menu_actions[] = {
	/* shows a dossier when the sender may see it; "next" = shown */
	{ "dossier_lookup", { "need_id", "not_found", "limited", NULL },
	  { "code", "procedure", "status", "due", NULL }, false, false },
	/* the same, and only a finished dossier (status 9, 10) goes on */
	{ "dossier_rating",
	  { "need_id", "not_found", "limited", "not_finished", NULL },
	  { "code", "procedure", "status", "due", NULL }, false, false },
	/* the next `days` working days: day1..dayN (ISO), dayN_label */
	{ "visit_days", { "none", NULL }, { NULL }, false, true },
	/* records a procedure request; sets its reference number {ref} */
	{ "submit", { NULL }, { "ref", NULL }, true, false },
	/* switches between Vietnamese and English */
	{ "set_language", { NULL }, { NULL }, false, false },
	{ NULL, { NULL }, { NULL }, false, false },
};

static action_fn *const action_fns[] = {
	act_lookup, act_rating, act_visit_days, act_submit, act_set_language,
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

static int act_submit(struct menu_ctx *st, const struct menu_node *n)
{
	const struct svc_kind *kind = svc_kind_find(n->kind);
	struct menu_request *r = &st->out->req;

	if (!kind)
		return outcome_or_say(st, n, "-", "help");	/* loader refuses */
	memset(r, 0, sizeof(*r));
	util_strlcpy(r->kind, kind->name, sizeof(r->kind));
	svc_request_ref(kind->prefix, st->in->event_id, r->ref,
			sizeof(r->ref));
	r->lang = st->s->lang;
	for (int i = 0; i < n->nfields; i++) {
		const char *v = menu_session_get(st->s, n->fields[i]);

		util_strlcpy(r->fields[i].name, n->fields[i],
			    sizeof(r->fields[i].name));
		util_strlcpy(r->fields[i].value, v ? v : "",
			    sizeof(r->fields[i].value));
		r->nfields++;
	}
	menu_session_set(st->s, "ref", r->ref);
	return n->next_idx;
}

static int act_set_language(struct menu_ctx *st, const struct menu_node *n)
{
	st->s->lang = st->s->lang == 0 ? 1 : 0;
	st->out->set_lang = st->s->lang;
	return n->next_idx;
}

int menu_run_action(struct menu_ctx *st, const struct menu_node *n)
{
	const struct menu_action_def *a = menu_action_find(n->action);

	if (!a)
		return outcome_or_say(st, n, "-", "help");
	return action_fns[a - menu_actions](st, n);
}
