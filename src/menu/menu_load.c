/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Menu files -> struct menu_tree (see menu/menu.h). Owns the tree's
 * memory. Every refusal names the file and line of the offending setting.
 * A load that fails, on a bad file or for want of memory, frees all it
 * built and never ends the process: the daemon loads again on SIGHUP and
 * keeps its running menus when that fails.
 */
#include "config.h"

#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "menu/menu.h"
#include "services/services.h"
#include "common/util.h"
#include "menu/menu_int.h"
#include "text/text.h"

const char *const menu_lang_names[MENU_LANGS] = { "vi", "en" };

int menu_lang_index(const char *name)
{
	for (int i = 0; i < MENU_LANGS; i++)
		if (name && strcmp(name, menu_lang_names[i]) == 0)
			return i;
	return -1;
}

static const char *const node_types[] = {
	[MENU_NODE_MENU] = "menu", [MENU_NODE_INPUT] = "input",
	[MENU_NODE_ACTION] = "action", [MENU_NODE_END] = "end",
};

const char *const menu_input_names[] = {
	[MENU_IN_DOSSIER_CODE] = "dossier_code", [MENU_IN_DIGITS] = "digits",
	[MENU_IN_PHONE] = "phone",		 [MENU_IN_YESNO] = "yesno",
	[MENU_IN_RATING] = "rating",		 [MENU_IN_TEXT] = "text",
	[MENU_IN_LAST4] = "last4",		 [MENU_IN_PATTERN] = "pattern",
	[MENU_IN_CITIZEN_ID] = "citizen_id",	 [MENU_IN_FULL_NAME] = "full_name",
	[MENU_IN_DATE] = "date",		 [MENU_IN_COMMUNE] = "commune",
	[MENU_IN_COUNT] = "count",
};
const size_t menu_input_count = ARRAY_SIZE(menu_input_names);

int menu_find_name(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* --- allocation --------------------------------------------------------- */

/* menu_load_fail_after() (tests only): allocations that may still
 * succeed, or -1 for all of them. */
static int alloc_budget = -1;

void menu_load_fail_after(int n)
{
	alloc_budget = n;
}

static bool alloc_allowed(void)
{
	if (alloc_budget < 0)
		return true;
	if (alloc_budget == 0)
		return false;
	alloc_budget--;
	return true;
}

/* strdup() and calloc() of everything the tree owns. */
char *menu_strdup(const char *s)
{
	return alloc_allowed() ? strdup(s) : NULL;
}

void *menu_calloc(size_t n, size_t size)
{
	return alloc_allowed() ? calloc(n, size) : NULL;
}

/* --- refusals ----------------------------------------------------------- */


/*
 * The file a setting comes from, as a path one can open: libconfig names
 * an included file as written in @include, relative to the menus dir.
 * Returns ld->main_file, libconfig's own name, or buf (len bytes).
 */
static const char *source_path(const struct loader *ld,
			       const config_setting_t *s, char *buf,
			       size_t len)
{
	const char *f = config_setting_source_file(s);
	size_t dl = strlen(ld->dir);

	if (!f || strcmp(f, ld->main_file) == 0)
		return ld->main_file;
	/* procedures/ and communes.cfg are read by their path */
	if (f[0] == '/' || (strncmp(f, ld->dir, dl) == 0 && f[dl] == '/'))
		return f;
	snprintf(buf, len, "%s/%s", ld->dir, f);
	return buf;
}

#define FAIL(ld, s, ...)                                                     \
	menu_fail((ld), (s), __VA_ARGS__)

/* Refuses setting s: -EINVAL, "file:line: message" in ld->err. Allocates
 * nothing, so that it also serves when memory is short. */
int menu_fail(struct loader *ld, const config_setting_t *s,
		     const char *fmt, ...)
{
	char msg[512], path[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return util_err(ld->err, ld->errlen, -EINVAL, "%s:%u: %s",
		       source_path(ld, s, path, sizeof(path)),
		       config_setting_source_line(s), msg);
}

/* Out of memory while loading setting s (NULL: before any): -ENOMEM. */
int menu_nomem(struct loader *ld, const config_setting_t *s)
{
	char path[1024];

	if (!s)
		return util_err(ld->err, ld->errlen, -ENOMEM,
			       "%s: out of memory", ld->main_file);
	return util_err(ld->err, ld->errlen, -ENOMEM, "%s:%u: out of memory",
		       source_path(ld, s, path, sizeof(path)),
		       config_setting_source_line(s));
}

/* --- values ------------------------------------------------------------- */

/* Records the file setting s comes from: *out points into the tree. */
int menu_intern_source(struct loader *ld, const config_setting_t *s,
			 const char **out)
{
	char path[1024];

	*out = menu_tree_intern_file(ld->tree,
				     source_path(ld, s, path, sizeof(path)));
	return *out ? 0 : menu_nomem(ld, s);
}

/* *dst becomes a copy of v (from setting s); the old one is freed. */
static int set_string(struct loader *ld, const config_setting_t *s,
		      char **dst, const char *v)
{
	char *copy = menu_strdup(v);

	if (!copy)
		return menu_nomem(ld, s);
	free(*dst);
	*dst = copy;
	return 0;
}

/* A text goes to citizens as it is: bytes that are not UTF-8 (a file
 * saved in a Windows code page) would reach them as '?' (found by
 * fuzz/menuload). */
static int check_utf8(struct loader *ld, const config_setting_t *s,
		      const char *text)
{
	if (!utf8_valid(text))
		return FAIL(ld, s, "text is not UTF-8 (save the file as "
			    "UTF-8)");
	return 0;
}

/* text = { ..., vi = "..."; ... }: one language of a text */
static int load_text_lang(struct loader *ld, const config_setting_t *e,
			  struct menu_text *t)
{
	int li = menu_lang_index(config_setting_name(e));

	if (li < 0)
		return FAIL(ld, e, "unknown language '%s' (vi, en)",
			    config_setting_name(e));
	if (config_setting_type(e) != CONFIG_TYPE_STRING)
		return FAIL(ld, e, "text must be a string");
	if (strlen(config_setting_get_string(e)) >= MENU_TEXT_MAX)
		return FAIL(ld, e, "text longer than %d bytes",
			    MENU_TEXT_MAX - 1);
	if (check_utf8(ld, e, config_setting_get_string(e)) < 0)
		return -EINVAL;
	return set_string(ld, e, &t->t[li], config_setting_get_string(e));
}

/* text = "same for all"; or text = { vi = "..."; en = "..."; }; */
int menu_load_text(struct loader *ld, const config_setting_t *s,
		     struct menu_text *t)
{
	t->line = config_setting_source_line(s);
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		if (check_utf8(ld, s, config_setting_get_string(s)) < 0)
			return -EINVAL;
		for (int i = 0; i < MENU_LANGS; i++) {
			int rc = set_string(ld, s, &t->t[i],
					    config_setting_get_string(s));

			if (rc < 0)
				return rc;
		}
		return 0;
	}
	if (!config_setting_is_group(s))
		return FAIL(ld, s, "'%s' must be a string or a group "
			    "{ vi = \"...\"; en = \"...\"; }",
			    config_setting_name(s));
	for (int i = 0; i < config_setting_length(s); i++) {
		int rc = load_text_lang(ld, config_setting_get_elem(s, i), t);

		if (rc < 0)
			return rc;
	}
	return 0;
}

void menu_free_text(struct menu_text *t)
{
	for (int i = 0; i < MENU_LANGS; i++)
		free(t->t[i]);
}

int menu_get_id(struct loader *ld, const config_setting_t *s, char *out)
{
	const char *v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return FAIL(ld, s, "'%s' must be a string",
			    config_setting_name(s));
	v = config_setting_get_string(s);
	if (!*v || strlen(v) >= MENU_ID_MAX)
		return FAIL(ld, s, "'%s' must be 1..%d characters",
			    config_setting_name(s), MENU_ID_MAX - 1);
	strcpy(out, v);
	return 0;
}

int menu_load_int(struct loader *ld, const config_setting_t *e, int min,
		    int max, int *out)
{
	if (config_setting_type(e) != CONFIG_TYPE_INT)
		return FAIL(ld, e, "'%s' must be a number",
			    config_setting_name(e));
	*out = config_setting_get_int(e);
	if (*out < min || *out > max)
		return FAIL(ld, e, "'%s' must be %d..%d",
			    config_setting_name(e), min, max);
	return 0;
}

/* --- options ------------------------------------------------------------ */

/* key, label, next or value of an option */
static int load_option_setting(struct loader *ld, const config_setting_t *e,
			       struct menu_option *opt)
{
	const char *name = config_setting_name(e);
	const char *v = config_setting_get_string(e);

	if (strcmp(name, "key") == 0) {
		if (!v || !*v || strlen(v) >= sizeof(opt->key))
			return FAIL(ld, e, "key must be 1..3 characters "
				    "(\"1\")");
		strcpy(opt->key, v);
		return 0;
	}
	if (strcmp(name, "label") == 0)
		return menu_load_text(ld, e, &opt->label);
	if (strcmp(name, "next") == 0)
		return menu_get_id(ld, e, opt->next);
	if (strcmp(name, "value") == 0) {
		if (!v || strlen(v) >= MENU_VAR_VALUE)
			return FAIL(ld, e, "value must be a string of at most "
				    "%d bytes", MENU_VAR_VALUE - 1);
		return set_string(ld, e, &opt->value, v);
	}
	return FAIL(ld, e, "unknown option setting '%s' (key, label, value, "
		    "next)", name);
}

/* { key = "1"; label = ...; next = ...; }: one option of menu node n */
static int load_option(struct loader *ld, const config_setting_t *o,
		       struct menu_node *n)
{
	struct menu_option *opt;

	if (n->noptions >= MENU_MAX_OPTIONS)
		return FAIL(ld, o, "more than %d options", MENU_MAX_OPTIONS);
	opt = &n->options[n->noptions++];
	opt->line = config_setting_source_line(o);
	if (!config_setting_is_group(o))
		return FAIL(ld, o, "an option must be a group");
	for (int k = 0; k < config_setting_length(o); k++) {
		int rc = load_option_setting(ld, config_setting_get_elem(o, k),
					     opt);

		if (rc < 0)
			return rc;
	}
	if (!opt->key[0] || !opt->next[0] || !opt->label.t[0])
		return FAIL(ld, o, "an option needs key, label and next");
	for (int k = 0; k < n->noptions - 1; k++)
		if (strcmp(n->options[k].key, opt->key) == 0)
			return FAIL(ld, o, "key \"%s\" is used twice in node "
				    "'%s'", opt->key, n->id);
	return 0;
}

/* --- node settings ------------------------------------------------------ */

/*
 * A node while its settings are read. Its type and text are kept aside
 * and looked at once all settings are in: a missing id or type is
 * reported before anything the text holds.
 */
struct node_draft {
	struct menu_node *n;
	const char *type;
	const config_setting_t *text;
};

static int set_id(struct loader *ld, const config_setting_t *e,
		  struct node_draft *d)
{
	return menu_get_id(ld, e, d->n->id);
}

static int set_type(struct loader *ld, const config_setting_t *e,
		    struct node_draft *d)
{
	d->type = config_setting_get_string(e);
	return 0;
}

static int set_text(struct loader *ld, const config_setting_t *e,
		    struct node_draft *d)
{
	d->text = e;
	return 0;
}

static int load_options(struct loader *ld, const config_setting_t *s,
			struct node_draft *d)
{
	if (!config_setting_is_list(s))
		return FAIL(ld, s, "options must be a list ( { key = \"1\"; "
			    "label = ...; next = ...; }, ... )");
	for (int i = 0; i < config_setting_length(s); i++) {
		int rc = load_option(ld, config_setting_get_elem(s, i), d->n);

		if (rc < 0)
			return rc;
	}
	return 0;
}

static int set_input(struct loader *ld, const config_setting_t *e,
		     struct node_draft *d)
{
	const char *v = config_setting_get_string(e);
	int k = v ? menu_find_name(menu_input_names, menu_input_count, v) : -1;

	if (k < 0)
		return FAIL(ld, e, "unknown input type '%s' (dossier_code, "
			    "digits, phone, yesno, rating, text, last4, "
			    "pattern, citizen_id, full_name, date, commune, "
			    "count)", v ? v : "?");
	d->n->input = k;
	return 0;
}

static int set_save(struct loader *ld, const config_setting_t *e,
		    struct node_draft *d)
{
	const char *v = config_setting_get_string(e);

	if (!v || !*v || strlen(v) >= MENU_VAR_NAME)
		return FAIL(ld, e, "save must name a variable of 1..%d "
			    "characters", MENU_VAR_NAME - 1);
	strcpy(d->n->save, v);
	return 0;
}

static int set_min_len(struct loader *ld, const config_setting_t *e,
		       struct node_draft *d)
{
	return menu_load_int(ld, e, 0, MENU_VAR_VALUE - 1, &d->n->min_len);
}

static int set_max_len(struct loader *ld, const config_setting_t *e,
		       struct node_draft *d)
{
	return menu_load_int(ld, e, 1, MENU_VAR_VALUE - 1, &d->n->max_len);
}

static int set_action(struct loader *ld, const config_setting_t *e,
		      struct node_draft *d)
{
	return menu_get_id(ld, e, d->n->action);
}

static int set_next(struct loader *ld, const config_setting_t *e,
		    struct node_draft *d)
{
	d->n->next_line = config_setting_source_line(e);
	return menu_get_id(ld, e, d->n->next);
}

static int set_back(struct loader *ld, const config_setting_t *e,
		    struct node_draft *d)
{
	d->n->back_line = config_setting_source_line(e);
	return menu_get_id(ld, e, d->n->back);
}

/* on = { outcome = "node"; ... }: where an action's outcomes lead */
static int load_outcomes(struct loader *ld, const config_setting_t *s,
			 struct node_draft *d)
{
	struct menu_node *n = d->n;

	if (!config_setting_is_group(s))
		return FAIL(ld, s, "'on' must be a group { outcome = "
			    "\"node\"; ... }");
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		struct menu_outcome *oc;
		int rc;

		if (n->noutcomes >= MENU_MAX_OUTCOMES)
			return FAIL(ld, e, "too many outcomes");
		oc = &n->outcomes[n->noutcomes++];
		oc->line = config_setting_source_line(e);
		util_strlcpy(oc->name, config_setting_name(e),
			    sizeof(oc->name));
		rc = menu_get_id(ld, e, oc->next);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* pattern = "^[0-9]{6}$": POSIX extended, matched case-insensitively
 * against the answer as the engine normalises it (folded, upper case,
 * single spaces) */
static int load_pattern(struct loader *ld, const config_setting_t *e,
			struct node_draft *d)
{
	struct menu_node *n = d->n;
	const char *v = config_setting_get_string(e);
	char why[128];
	int rc;

	if (!v || !*v)
		return FAIL(ld, e, "pattern must be a non-empty string");
	n->re = menu_calloc(1, sizeof(*n->re));
	if (!n->re)
		return menu_nomem(ld, e);
	rc = regcomp(n->re, v, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, n->re, why, sizeof(why));
		free(n->re);
		n->re = NULL;
		return FAIL(ld, e, "pattern \"%s\": %s", v, why);
	}
	return set_string(ld, e, &n->pattern, v);
}

static int set_kind(struct loader *ld, const config_setting_t *e,
		    struct node_draft *d)
{
	const char *v = config_setting_get_string(e);

	/* applications are a procedure file's (procedures/) */
	if (!v || !svc_kind_find(v) || strcmp(v, "application") == 0)
		return FAIL(ld, e, "unknown request kind '%s' (callback, "
			    "visit, rating, feedback)", v ? v : "?");
	util_strlcpy(d->n->kind, v, sizeof(d->n->kind));
	return 0;
}

/* fields = [ "topic", "commune" ]: the variables a request records */
static int load_fields(struct loader *ld, const config_setting_t *e,
		       struct node_draft *d)
{
	struct menu_node *n = d->n;

	if (!config_setting_is_array(e) && !config_setting_is_list(e))
		return FAIL(ld, e, "fields must be a list of variable names "
			    "[ \"topic\", ... ]");
	if (config_setting_length(e) > MENU_MAX_FIELDS)
		return FAIL(ld, e, "at most %d fields", MENU_MAX_FIELDS);
	for (int i = 0; i < config_setting_length(e); i++) {
		const char *v = config_setting_get_string_elem(e, i);

		if (!v || !*v || strlen(v) >= MENU_VAR_NAME)
			return FAIL(ld, e, "fields must name variables of "
				    "1..%d characters", MENU_VAR_NAME - 1);
		util_strlcpy(n->fields[n->nfields++], v, MENU_VAR_NAME);
	}
	return 0;
}

static int set_days(struct loader *ld, const config_setting_t *e,
		    struct node_draft *d)
{
	return menu_load_int(ld, e, 1, MENU_MAX_DAYS, &d->n->days);
}

/* input = "count": min and max are the smallest and largest number */
static int set_min(struct loader *ld, const config_setting_t *e,
		   struct node_draft *d)
{
	return menu_load_int(ld, e, 0, 9999, &d->n->min_len);
}

static int set_max(struct loader *ld, const config_setting_t *e,
		   struct node_draft *d)
{
	return menu_load_int(ld, e, 1, 9999, &d->n->max_len);
}

/* type = "procedures": where "2. Hủy" on a summary leads */
static int set_cancel(struct loader *ld, const config_setting_t *e,
		      struct node_draft *d)
{
	return menu_get_id(ld, e, d->n->cancel);
}

typedef int node_setting_fn(struct loader *ld, const config_setting_t *e,
			    struct node_draft *d);

/* Every setting a node may have (docs/menus.md). */
static const struct {
	const char *name;
	node_setting_fn *load;
} node_settings[] = {
	{ "id", set_id },		{ "type", set_type },
	{ "text", set_text },		{ "options", load_options },
	{ "input", set_input },		{ "save", set_save },
	{ "min_len", set_min_len },	{ "max_len", set_max_len },
	{ "action", set_action },	{ "next", set_next },
	{ "back", set_back },		{ "on", load_outcomes },
	{ "pattern", load_pattern },	{ "kind", set_kind },
	{ "fields", load_fields },	{ "days", set_days },
	{ "min", set_min },		{ "max", set_max },
	{ "cancel", set_cancel },
};

static int load_node_setting(struct loader *ld, const config_setting_t *e,
			     struct node_draft *d)
{
	const char *name = config_setting_name(e);

	for (size_t i = 0; i < ARRAY_SIZE(node_settings); i++)
		if (strcmp(node_settings[i].name, name) == 0)
			return node_settings[i].load(ld, e, d);
	return FAIL(ld, e, "unknown node setting '%s'", name);
}

/* --- nodes -------------------------------------------------------------- */

/* What every node needs once its settings are read: an id, a known type,
 * and its text (loaded now). */
static int finish_node(struct loader *ld, const config_setting_t *s,
		       struct node_draft *d)
{
	struct menu_node *n = d->n;
	int t, rc;

	if (!n->id[0])
		return FAIL(ld, s, "node without id");
	if (!d->type)
		return FAIL(ld, s, "node '%s' has no type (menu, input, "
			    "action, end)", n->id);
	t = menu_find_name(node_types, ARRAY_SIZE(node_types), d->type);
	if (t < 0 && strcmp(d->type, "procedures") == 0) {
		/* the list of procedures: a menu whose options come from
		 * procedures/ (menu_synth_procs) */
		if (ld->list)
			return FAIL(ld, s, "node '%s': only one node lists the "
				    "procedures ('%s' does already)", n->id,
				    ld->list->id);
		ld->list = n;
		t = MENU_NODE_MENU;
	}
	if (t < 0)
		return FAIL(ld, s, "node '%s': unknown type '%s' (menu, input, "
			    "action, end, procedures)", n->id, d->type);
	n->type = t;
	if (!d->text)
		return 0;
	rc = menu_load_text(ld, d->text, &n->text);
	if (rc < 0)
		return rc;
	n->text_line = config_setting_source_line(d->text);
	return 0;
}

/* Settings that only one type of node takes. */
static int check_node_owners(struct loader *ld, const config_setting_t *s,
			     const struct menu_node *n)
{
	bool list = n == ld->list;

	if (n->back[0] && n->type != MENU_NODE_INPUT)
		return FAIL(ld, s, "node '%s': only input nodes take back "
			    "(menus use an option \"0\")", n->id);
	if (list && !n->cancel[0])
		return FAIL(ld, s, "node '%s': a list of procedures needs "
			    "cancel = \"node\"", n->id);
	if (n->cancel[0] && !list)
		return FAIL(ld, s, "node '%s': cancel belongs to a node of "
			    "type procedures", n->id);
	if (n->re && (n->type != MENU_NODE_INPUT ||
		      n->input != MENU_IN_PATTERN))
		return FAIL(ld, s, "node '%s': pattern belongs to input = "
			    "\"pattern\"", n->id);
	if ((n->kind[0] || n->nfields || n->days) &&
	    n->type != MENU_NODE_ACTION)
		return FAIL(ld, s, "node '%s': kind, fields and days belong to "
			    "action nodes", n->id);
	return 0;
}

static bool has_text(const struct menu_node *n)
{
	return n->text.t[0] || n->text.t[1];
}

static int check_input_node(struct loader *ld, const config_setting_t *s,
			    const struct menu_node *n)
{
	if (!n->next[0] || !n->save[0])
		return FAIL(ld, s, "input node '%s' needs save and next",
			    n->id);
	if (!has_text(n))
		return FAIL(ld, s, "input node '%s' has no text", n->id);
	if (n->min_len > n->max_len)
		return FAIL(ld, s, "node '%s': min_len > max_len", n->id);
	if (n->input == MENU_IN_PATTERN && !n->re)
		return FAIL(ld, s, "node '%s': input = \"pattern\" needs "
			    "pattern = \"...\"", n->id);
	return 0;
}

/* An action node against its action's definition (menu_actions.c). */
static int check_action_node(struct loader *ld, const config_setting_t *s,
			     const struct menu_node *n)
{
	const struct menu_action_def *a = menu_action_find(n->action);

	if (!a)
		return FAIL(ld, s, "node '%s': unknown action '%s' "
			    "(dossier_lookup, dossier_rating, visit_days, "
			    "submit, set_language)", n->id, n->action);
	if (a->internal)
		return FAIL(ld, s, "node '%s': action %s belongs to the "
			    "procedures (procedures/)", n->id, n->action);
	if (!n->next[0])
		return FAIL(ld, s, "action node '%s' needs next", n->id);
	for (int k = 0; k < n->noutcomes; k++)
		if (!menu_action_has_outcome(a, n->outcomes[k].name))
			return FAIL(ld, s, "node '%s': action %s has no "
				    "outcome '%s'", n->id, n->action,
				    n->outcomes[k].name);
	if (a->takes_kind && !n->kind[0])
		return FAIL(ld, s, "node '%s': action %s needs kind = "
			    "\"callback\" (or visit, rating, feedback)",
			    n->id, n->action);
	if (!a->takes_kind && (n->kind[0] || n->nfields))
		return FAIL(ld, s, "node '%s': action %s takes no kind or "
			    "fields", n->id, n->action);
	if (a->takes_days && !n->days)
		return FAIL(ld, s, "node '%s': action %s needs days = N "
			    "(1..%d)", n->id, n->action, MENU_MAX_DAYS);
	if (!a->takes_days && n->days)
		return FAIL(ld, s, "node '%s': action %s takes no days",
			    n->id, n->action);
	return 0;
}

/* What a node of its type must have. */
static int check_node_type(struct loader *ld, const config_setting_t *s,
			   const struct menu_node *n)
{
	switch (n->type) {
	case MENU_NODE_MENU:
		if (!n->noptions && n != ld->list)
			return FAIL(ld, s, "menu node '%s' has no options",
				    n->id);
		if (!has_text(n))
			return FAIL(ld, s, "menu node '%s' has no text", n->id);
		return 0;
	case MENU_NODE_INPUT:
		return check_input_node(ld, s, n);
	case MENU_NODE_ACTION:
		return check_action_node(ld, s, n);
	case MENU_NODE_END:
		if (!has_text(n))
			return FAIL(ld, s, "end node '%s' has no text", n->id);
		return 0;
	}
	return 0;
}

static int load_node(struct loader *ld, const config_setting_t *s,
		     struct menu_node *n)
{
	struct node_draft d = { n, NULL, NULL };
	int rc;

	n->line = config_setting_source_line(s);
	rc = menu_intern_source(ld, s, &n->file);
	if (rc < 0)
		return rc;
	n->max_len = 160;
	n->min_len = 1;
	if (!config_setting_is_group(s))
		return FAIL(ld, s, "a node must be a group { id = ...; type = "
			    "...; }");
	for (int i = 0; i < config_setting_length(s); i++) {
		rc = load_node_setting(ld, config_setting_get_elem(s, i), &d);
		if (rc < 0)
			return rc;
	}
	rc = finish_node(ld, s, &d);
	if (rc == 0)
		rc = check_node_owners(ld, s, n);
	if (rc == 0)
		rc = check_node_type(ld, s, n);
	return rc;
}

/* --- the tree ----------------------------------------------------------- */

/* Parses main.cfg and its includes into cfg (the caller's to destroy). */
static int read_menu_file(struct loader *ld, config_t *cfg)
{
	const char *efile;
	/* a directory named by @include would end the process */
	int rc = util_cfg_includes(ld->dir, ld->main_file, ld->err,
				   ld->errlen);

	if (rc < 0)
		return rc;
	config_set_include_dir(cfg, ld->dir);
	if (config_read_file(cfg, ld->main_file) == CONFIG_TRUE)
		return 0;
	if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
		return util_err(ld->err, ld->errlen, -EINVAL,
			       "%s: cannot read the menu file", ld->main_file);
	efile = config_error_file(cfg);
	/* libconfig names an included file as written in @include */
	if (efile && strcmp(efile, ld->main_file) != 0 && efile[0] != '/')
		return util_err(ld->err, ld->errlen, -EINVAL, "%s/%s:%d: %s",
			       ld->dir, efile, config_error_line(cfg),
			       config_error_text(cfg));
	return util_err(ld->err, ld->errlen, -EINVAL, "%s:%d: %s",
		       efile ? efile : ld->main_file, config_error_line(cfg),
		       config_error_text(cfg));
}

static int check_top_level(struct loader *ld, const config_setting_t *root)
{
	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *e = config_setting_get_elem(root, i);
		const char *name = config_setting_name(e);

		if (strcmp(name, "menu") && strcmp(name, "messages") &&
		    strcmp(name, "nodes"))
			return FAIL(ld, e, "unknown top-level setting '%s' "
				    "(menu, messages, nodes)", name);
	}
	return 0;
}

/* name = "text" or { vi = ...; en = ...; } in messages */
static int load_message(struct loader *ld, const config_setting_t *e)
{
	struct menu_tree *t = ld->tree;
	int rc;

	if (menu_tree_add_message(t, config_setting_name(e)) < 0)
		return FAIL(ld, e, "too many messages");
	rc = menu_load_text(ld, e, menu_tree_last_message(t));
	if (rc < 0)
		return rc;
	return menu_intern_source(ld, e, &t->msgs[t->nmsgs - 1].file);
}

/* messages = { ... } (msgs NULL when absent), and those required */
static int load_messages(struct loader *ld, const config_setting_t *msgs)
{
	if (msgs) {
		ld->tree->messages_line = config_setting_source_line(msgs);
		if (!config_setting_is_group(msgs))
			return FAIL(ld, msgs, "messages must be a group");
	}
	for (int i = 0; msgs && i < config_setting_length(msgs); i++) {
		int rc = load_message(ld, config_setting_get_elem(msgs, i));

		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; menu_required_messages[i] &&
			   !(ld->flags & MENU_LOAD_LENIENT); i++)
		if (!menu_tree_message_text(ld->tree,
					    menu_required_messages[i]))
			return util_err(ld->err, ld->errlen, -EINVAL,
				       "%s: messages.%s is missing",
				       ld->main_file,
				       menu_required_messages[i]);
	return 0;
}

static int check_unique_id(struct loader *ld, const config_setting_t *e,
			   const struct menu_node *n)
{
	const struct menu_tree *t = ld->tree;

	for (int k = 0; k < menu_node_count(t) - 1; k++) {
		const struct menu_node *o = menu_node_at(t, k);

		if (strcmp(o->id, n->id) == 0)
			return FAIL(ld, e, "node id '%s' is already used at "
				    "%s:%d", n->id, o->file, o->line);
	}
	return 0;
}

/* nodes = ( { ... }, ... ) */
static int load_nodes(struct loader *ld, const config_setting_t *nodes)
{
	if (!nodes || !config_setting_is_list(nodes) ||
	    config_setting_length(nodes) == 0)
		return util_err(ld->err, ld->errlen, -EINVAL,
			       "%s: needs nodes = ( { id = ...; }, ... );",
			       ld->main_file);
	for (int i = 0; i < config_setting_length(nodes); i++) {
		const config_setting_t *e = config_setting_get_elem(nodes, i);
		struct menu_node *n = menu_tree_add_node(ld->tree);
		int rc;

		if (!n)
			return FAIL(ld, e, "too many nodes");
		rc = load_node(ld, e, n);
		if (rc == 0)
			rc = check_unique_id(ld, e, n);
		if (n == ld->list)
			ld->list_cfg = e;
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int resolve(struct loader *ld, const config_setting_t *where,
		   const char *from, const char *id, int *idx)
{
	const struct menu_node *n = menu_node_find(ld->tree, id);

	*idx = -1;
	if (!n && (ld->flags & MENU_LOAD_LENIENT))
		return 0;	/* the checker reports it */
	if (!n)
		return FAIL(ld, where, "node '%s' points to '%s', which does "
			    "not exist", from, id);
	*idx = (int)(n - menu_node_at(ld->tree, 0));
	return 0;
}

/* Every edge of node n (loaded from setting e) to the index it names. */
static int resolve_node(struct loader *ld, const config_setting_t *e,
			struct menu_node *n)
{
	int rc = 0;

	n->next_idx = -1;
	n->back_idx = -1;
	if (n->next[0] && (rc = resolve(ld, e, n->id, n->next,
					&n->next_idx)) < 0)
		return rc;
	if (n->back[0] && (rc = resolve(ld, e, n->id, n->back,
					&n->back_idx)) < 0)
		return rc;
	n->cancel_idx = -1;
	if (n->cancel[0] && (rc = resolve(ld, e, n->id, n->cancel,
					  &n->cancel_idx)) < 0)
		return rc;
	for (int k = 0; k < n->noptions; k++)
		if ((rc = resolve(ld, e, n->id, n->options[k].next,
				  &n->options[k].next_idx)) < 0)
			return rc;
	for (int k = 0; k < n->noutcomes; k++)
		if ((rc = resolve(ld, e, n->id, n->outcomes[k].next,
				  &n->outcomes[k].next_idx)) < 0)
			return rc;
	return 0;
}

/* The nodes of main.cfg, then those made for the procedures (their
 * problems are the list node's). */
static int resolve_edges(struct loader *ld, const config_setting_t *nodes)
{
	int nc = config_setting_length(nodes);

	for (int i = 0; i < ld->tree->nnodes; i++) {
		int rc = resolve_node(ld, i < nc ? config_setting_get_elem(
							   nodes, i)
						 : ld->list_cfg,
				      &ld->tree->nodes[i]);

		if (rc < 0)
			return rc;
	}
	return 0;
}

/* menu = { start = "id"; } */
static int set_start(struct loader *ld, const config_setting_t *menu,
		     const char *start)
{
	struct menu_tree *t = ld->tree;
	const struct menu_node *n = menu_node_find(t, start);

	util_strlcpy(t->start_id, start, sizeof(t->start_id));
	t->start_line = config_setting_source_line(menu);
	t->start = n ? (int)(n - menu_node_at(t, 0)) : -1;
	if (!n && !(ld->flags & MENU_LOAD_LENIENT))
		return FAIL(ld, menu, "start node '%s' does not exist", start);
	return 0;
}

/* Fills ld->tree from cfg: everything main.cfg says, in the order in
 * which its problems are reported. */
static int load_tree(struct loader *ld, config_t *cfg)
{
	const config_setting_t *menu, *nodes;
	const char *start = NULL;
	int rc;

	ld->tree->main_file = menu_tree_intern_file(ld->tree, ld->main_file);
	if (!ld->tree->main_file)
		return menu_nomem(ld, NULL);
	rc = read_menu_file(ld, cfg);
	if (rc == 0)
		rc = check_top_level(ld, config_root_setting(cfg));
	if (rc < 0)
		return rc;
	menu = config_lookup(cfg, "menu");
	if (!menu || !config_setting_lookup_string(menu, "start", &start))
		return util_err(ld->err, ld->errlen, -EINVAL,
			       "%s: needs menu = { start = \"node id\"; };",
			       ld->main_file);
	nodes = config_lookup(cfg, "nodes");
	rc = load_messages(ld, config_lookup(cfg, "messages"));
	if (rc == 0)
		rc = menu_load_procs(ld);
	if (rc == 0)
		rc = load_nodes(ld, nodes);
	if (rc == 0)
		rc = menu_synth_procs(ld);
	if (rc == 0)
		rc = resolve_edges(ld, nodes);
	if (rc == 0)
		rc = set_start(ld, menu, start);
	if (rc == 0)
		util_strlcpy(ld->tree->dir, ld->dir, sizeof(ld->tree->dir));
	return rc;
}

int menu_load(const char *dir, struct menu_tree **out, char *err,
	      size_t errlen)
{
	return menu_load_ex(dir, 0, out, err, errlen);
}

int menu_load_ex(const char *dir, int flags, struct menu_tree **out,
		 char *err, size_t errlen)
{
	struct loader ld = { NULL, NULL, err, errlen, flags, dir, NULL, NULL };
	char path[1024];
	config_t cfg;
	int rc;

	snprintf(path, sizeof(path), "%s/main.cfg", dir);
	ld.main_file = path;
	ld.tree = menu_calloc(1, sizeof(*ld.tree));
	if (!ld.tree)
		return menu_nomem(&ld, NULL);
	config_init(&cfg);
	rc = load_tree(&ld, &cfg);
	config_destroy(&cfg);
	if (rc < 0) {
		menu_free(ld.tree);
		return rc;
	}
	*out = ld.tree;
	return 0;
}

/* --- tree storage ------------------------------------------------------- */

const char *menu_tree_intern_file(struct menu_tree *t, const char *file)
{
	for (int i = 0; i < t->nfiles; i++)
		if (strcmp(t->files[i], file) == 0)
			return t->files[i];
	if (t->nfiles >= MENU_MAX_FILES)
		return t->files[0];
	t->files[t->nfiles] = menu_strdup(file);
	if (!t->files[t->nfiles])
		return NULL;
	return t->files[t->nfiles++];
}

struct menu_node *menu_tree_add_node(struct menu_tree *t)
{
	if (t->nnodes >= MENU_MAX_NODES)
		return NULL;
	memset(&t->nodes[t->nnodes], 0, sizeof(t->nodes[0]));
	return &t->nodes[t->nnodes++];
}

int menu_tree_add_message(struct menu_tree *t, const char *name)
{
	if (t->nmsgs >= MENU_MAX_MESSAGES)
		return -ENOSPC;
	memset(&t->msgs[t->nmsgs], 0, sizeof(t->msgs[0]));
	util_strlcpy(t->msgs[t->nmsgs].name, name, sizeof(t->msgs[0].name));
	t->nmsgs++;
	return 0;
}

struct menu_text *menu_tree_last_message(struct menu_tree *t)
{
	return &t->msgs[t->nmsgs - 1].text;
}

const struct menu_text *menu_tree_message_text(const struct menu_tree *t,
					       const char *name)
{
	for (int i = 0; i < t->nmsgs; i++)
		if (strcmp(t->msgs[i].name, name) == 0)
			return &t->msgs[i].text;
	return NULL;
}

const char *menu_message(const struct menu_tree *t, const char *name,
			 int lang)
{
	const struct menu_text *tx = menu_tree_message_text(t, name);

	if (!tx)
		return NULL;
	if (lang >= 0 && lang < MENU_LANGS && tx->t[lang])
		return tx->t[lang];
	return tx->t[0] ? tx->t[0] : tx->t[1];
}

void menu_free(struct menu_tree *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->nnodes; i++) {
		struct menu_node *n = &t->nodes[i];

		menu_free_text(&n->text);
		for (int k = 0; k < n->noptions; k++) {
			menu_free_text(&n->options[k].label);
			free(n->options[k].value);
		}
		if (n->re) {
			regfree(n->re);
			free(n->re);
		}
		free(n->pattern);
	}
	for (int i = 0; i < t->nmsgs; i++)
		menu_free_text(&t->msgs[i].text);
	menu_procs_free(t);
	for (int i = 0; i < t->nfiles; i++)
		free(t->files[i]);
	free(t);
}

int menu_node_count(const struct menu_tree *t)
{
	return t->nnodes;
}

const struct menu_node *menu_node_at(const struct menu_tree *t, int i)
{
	return i >= 0 && i < t->nnodes ? &t->nodes[i] : NULL;
}

const struct menu_node *menu_node_find(const struct menu_tree *t,
				       const char *id)
{
	for (int i = 0; i < t->nnodes; i++)
		if (strcmp(t->nodes[i].id, id) == 0)
			return &t->nodes[i];
	return NULL;
}
