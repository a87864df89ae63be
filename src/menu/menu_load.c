/*
 * Menu files -> struct menu_tree (see menu/menu.h). Owns the tree's
 * memory. Every refusal names the file and line of the offending setting.
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

static const char *const input_types[] = {
	[MENU_IN_DOSSIER_CODE] = "dossier_code", [MENU_IN_DIGITS] = "digits",
	[MENU_IN_PHONE] = "phone",		 [MENU_IN_YESNO] = "yesno",
	[MENU_IN_RATING] = "rating",		 [MENU_IN_TEXT] = "text",
	[MENU_IN_LAST4] = "last4",		 [MENU_IN_PATTERN] = "pattern",
};

static int find_name(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		abort();	/* start-up only: nothing to recover */
	return d;
}

struct loader {
	struct menu_tree *tree;
	const char *main_file;
	char *err;
	size_t errlen;
	int flags;
	const char *dir;
};

/* The file a setting comes from, as a path one can open: libconfig names
 * an included file as written in @include, relative to the menus dir. */
static const char *sfile(struct loader *ld, const config_setting_t *s)
{
	const char *f = config_setting_source_file(s);
	char path[1024];

	if (!f || strcmp(f, ld->main_file) == 0)
		return ld->main_file;
	if (f[0] == '/')
		return menu_tree_intern_file(ld->tree, f);
	snprintf(path, sizeof(path), "%s/%s", ld->dir, f);
	return menu_tree_intern_file(ld->tree, path);
}

#define FAIL(ld, s, ...)                                                     \
	menu_fail((ld), (s), __VA_ARGS__)

static int menu_fail(struct loader *ld, const config_setting_t *s,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int menu_fail(struct loader *ld, const config_setting_t *s,
		     const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return util_err(ld->err, ld->errlen, -EINVAL, "%s:%u: %s", sfile(ld, s),
		       config_setting_source_line(s), msg);
}

/* text = "same for all"; or text = { vi = "..."; en = "..."; }; */
static int load_text(struct loader *ld, const config_setting_t *s,
		     struct menu_text *t)
{
	t->line = config_setting_source_line(s);
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		for (int i = 0; i < MENU_LANGS; i++)
			t->t[i] = xstrdup(config_setting_get_string(s));
		return 0;
	}
	if (!config_setting_is_group(s))
		return FAIL(ld, s, "'%s' must be a string or a group "
			    "{ vi = \"...\"; en = \"...\"; }",
			    config_setting_name(s));
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		int li = menu_lang_index(config_setting_name(e));

		if (li < 0)
			return FAIL(ld, e, "unknown language '%s' (vi, en)",
				    config_setting_name(e));
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return FAIL(ld, e, "text must be a string");
		if (strlen(config_setting_get_string(e)) >= MENU_TEXT_MAX)
			return FAIL(ld, e, "text longer than %d bytes",
				    MENU_TEXT_MAX - 1);
		free(t->t[li]);
		t->t[li] = xstrdup(config_setting_get_string(e));
	}
	return 0;
}

static void free_text(struct menu_text *t)
{
	for (int i = 0; i < MENU_LANGS; i++)
		free(t->t[i]);
}

static int get_id(struct loader *ld, const config_setting_t *s, char *out)
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

static int load_options(struct loader *ld, const config_setting_t *s,
			struct menu_node *n)
{
	if (!config_setting_is_list(s))
		return FAIL(ld, s, "options must be a list ( { key = \"1\"; "
			    "label = ...; next = ...; }, ... )");
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *o = config_setting_get_elem(s, i);
		struct menu_option *opt;

		if (n->noptions >= MENU_MAX_OPTIONS)
			return FAIL(ld, o, "more than %d options",
				    MENU_MAX_OPTIONS);
		opt = &n->options[n->noptions++];
		opt->line = config_setting_source_line(o);
		if (!config_setting_is_group(o))
			return FAIL(ld, o, "an option must be a group");
		for (int k = 0; k < config_setting_length(o); k++) {
			const config_setting_t *e =
				config_setting_get_elem(o, k);
			const char *name = config_setting_name(e);
			int rc;

			if (strcmp(name, "key") == 0) {
				const char *v = config_setting_get_string(e);

				if (!v || !*v || strlen(v) >= sizeof(opt->key))
					return FAIL(ld, e, "key must be 1..3 "
						    "characters (\"1\")");
				strcpy(opt->key, v);
				rc = 0;
			} else if (strcmp(name, "label") == 0) {
				rc = load_text(ld, e, &opt->label);
			} else if (strcmp(name, "next") == 0) {
				rc = get_id(ld, e, opt->next);
			} else if (strcmp(name, "value") == 0) {
				const char *v = config_setting_get_string(e);

				if (!v || strlen(v) >= MENU_VAR_VALUE)
					return FAIL(ld, e, "value must be a "
						    "string of at most %d "
						    "bytes", MENU_VAR_VALUE - 1);
				free(opt->value);
				opt->value = xstrdup(v);
				rc = 0;
			} else {
				rc = FAIL(ld, e, "unknown option setting '%s' "
					  "(key, label, value, next)", name);
			}
			if (rc < 0)
				return rc;
		}
		if (!opt->key[0] || !opt->next[0] || !opt->label.t[0])
			return FAIL(ld, o, "an option needs key, label and "
				    "next");
		for (int k = 0; k < n->noptions - 1; k++)
			if (strcmp(n->options[k].key, opt->key) == 0)
				return FAIL(ld, o, "key \"%s\" is used twice "
					    "in node '%s'", opt->key, n->id);
	}
	return 0;
}

static int load_outcomes(struct loader *ld, const config_setting_t *s,
			 struct menu_node *n)
{
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
		rc = get_id(ld, e, oc->next);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int load_int(struct loader *ld, const config_setting_t *e, int min,
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

/* pattern = "^[0-9]{6}$": POSIX extended, matched case-insensitively
 * against the answer as the engine normalises it (folded, upper case,
 * single spaces) */
static int load_pattern(struct loader *ld, const config_setting_t *e,
			struct menu_node *n)
{
	const char *v = config_setting_get_string(e);
	char why[128];
	int rc;

	if (!v || !*v)
		return FAIL(ld, e, "pattern must be a non-empty string");
	n->re = calloc(1, sizeof(*n->re));
	if (!n->re)
		abort();
	rc = regcomp(n->re, v, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, n->re, why, sizeof(why));
		free(n->re);
		n->re = NULL;
		return FAIL(ld, e, "pattern \"%s\": %s", v, why);
	}
	n->pattern = xstrdup(v);
	return 0;
}

/* fields = [ "topic", "commune" ]: the variables a request records */
static int load_fields(struct loader *ld, const config_setting_t *e,
		       struct menu_node *n)
{
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

static int load_node(struct loader *ld, const config_setting_t *s,
		     struct menu_node *n)
{
	const char *type = NULL;
	const config_setting_t *text = NULL;

	n->line = config_setting_source_line(s);
	n->file = menu_tree_intern_file(ld->tree, sfile(ld, s));
	n->max_len = 160;
	n->min_len = 1;
	if (!config_setting_is_group(s))
		return FAIL(ld, s, "a node must be a group { id = ...; type = "
			    "...; }");
	for (int i = 0; i < config_setting_length(s); i++) {
		const config_setting_t *e = config_setting_get_elem(s, i);
		const char *name = config_setting_name(e);
		int rc = 0;

		if (strcmp(name, "id") == 0)
			rc = get_id(ld, e, n->id);
		else if (strcmp(name, "type") == 0)
			type = config_setting_get_string(e);
		else if (strcmp(name, "text") == 0)
			text = e;
		else if (strcmp(name, "options") == 0)
			rc = load_options(ld, e, n);
		else if (strcmp(name, "input") == 0) {
			const char *v = config_setting_get_string(e);
			int k = v ? find_name(input_types,
					      ARRAY_SIZE(input_types), v)
				  : -1;

			if (k < 0)
				return FAIL(ld, e, "unknown input type '%s' "
					    "(dossier_code, digits, phone, "
					    "yesno, rating, text, last4, "
					    "pattern)",
					    v ? v : "?");
			n->input = k;
		} else if (strcmp(name, "save") == 0) {
			const char *v = config_setting_get_string(e);

			if (!v || !*v || strlen(v) >= MENU_VAR_NAME)
				return FAIL(ld, e, "save must name a variable "
					    "of 1..%d characters",
					    MENU_VAR_NAME - 1);
			strcpy(n->save, v);
		} else if (strcmp(name, "min_len") == 0)
			rc = load_int(ld, e, 0, MENU_VAR_VALUE - 1,
				      &n->min_len);
		else if (strcmp(name, "max_len") == 0)
			rc = load_int(ld, e, 1, MENU_VAR_VALUE - 1,
				      &n->max_len);
		else if (strcmp(name, "action") == 0)
			rc = get_id(ld, e, n->action);
		else if (strcmp(name, "next") == 0) {
			n->next_line = config_setting_source_line(e);
			rc = get_id(ld, e, n->next);
		} else if (strcmp(name, "back") == 0) {
			n->back_line = config_setting_source_line(e);
			rc = get_id(ld, e, n->back);
		} else if (strcmp(name, "on") == 0)
			rc = load_outcomes(ld, e, n);
		else if (strcmp(name, "pattern") == 0)
			rc = load_pattern(ld, e, n);
		else if (strcmp(name, "kind") == 0) {
			const char *v = config_setting_get_string(e);

			if (!v || !svc_kind_find(v))
				return FAIL(ld, e, "unknown request kind '%s' "
					    "(callback, visit, rating, "
					    "feedback)", v ? v : "?");
			util_strlcpy(n->kind, v, sizeof(n->kind));
		} else if (strcmp(name, "fields") == 0)
			rc = load_fields(ld, e, n);
		else if (strcmp(name, "days") == 0)
			rc = load_int(ld, e, 1, MENU_MAX_DAYS, &n->days);
		else
			rc = FAIL(ld, e, "unknown node setting '%s'", name);
		if (rc < 0)
			return rc;
	}
	if (!n->id[0])
		return FAIL(ld, s, "node without id");
	if (!type)
		return FAIL(ld, s, "node '%s' has no type (menu, input, "
			    "action, end)", n->id);
	int t = find_name(node_types, ARRAY_SIZE(node_types), type);

	if (t < 0)
		return FAIL(ld, s, "node '%s': unknown type '%s' (menu, input, "
			    "action, end)", n->id, type);
	n->type = t;
	if (text) {
		int rc = load_text(ld, text, &n->text);

		if (rc < 0)
			return rc;
		n->text_line = config_setting_source_line(text);
	}
	if (n->back[0] && n->type != MENU_NODE_INPUT)
		return FAIL(ld, s, "node '%s': only input nodes take back "
			    "(menus use an option \"0\")", n->id);
	if (n->re && (n->type != MENU_NODE_INPUT ||
		      n->input != MENU_IN_PATTERN))
		return FAIL(ld, s, "node '%s': pattern belongs to input = "
			    "\"pattern\"", n->id);
	if ((n->kind[0] || n->nfields || n->days) &&
	    n->type != MENU_NODE_ACTION)
		return FAIL(ld, s, "node '%s': kind, fields and days belong to "
			    "action nodes", n->id);
	switch (n->type) {
	case MENU_NODE_MENU:
		if (!n->noptions)
			return FAIL(ld, s, "menu node '%s' has no options",
				    n->id);
		if (!n->text.t[0] && !n->text.t[1])
			return FAIL(ld, s, "menu node '%s' has no text", n->id);
		break;
	case MENU_NODE_INPUT:
		if (!n->next[0] || !n->save[0])
			return FAIL(ld, s, "input node '%s' needs save and "
				    "next", n->id);
		if (!n->text.t[0] && !n->text.t[1])
			return FAIL(ld, s, "input node '%s' has no text",
				    n->id);
		if (n->min_len > n->max_len)
			return FAIL(ld, s, "node '%s': min_len > max_len",
				    n->id);
		if (n->input == MENU_IN_PATTERN && !n->re)
			return FAIL(ld, s, "node '%s': input = \"pattern\" "
				    "needs pattern = \"...\"", n->id);
		break;
	case MENU_NODE_ACTION: {
		const struct menu_action_def *a = menu_action_find(n->action);

		if (!a)
			return FAIL(ld, s, "node '%s': unknown action '%s' "
				    "(dossier_lookup, dossier_rating, "
				    "visit_days, submit, set_language)",
				    n->id, n->action);
		if (!n->next[0])
			return FAIL(ld, s, "action node '%s' needs next",
				    n->id);
		for (int k = 0; k < n->noutcomes; k++)
			if (!menu_action_has_outcome(a, n->outcomes[k].name))
				return FAIL(ld, s, "node '%s': action %s has "
					    "no outcome '%s'", n->id,
					    n->action, n->outcomes[k].name);
		if (a->takes_kind && !n->kind[0])
			return FAIL(ld, s, "node '%s': action %s needs kind = "
				    "\"callback\" (or visit, rating, "
				    "feedback)", n->id, n->action);
		if (!a->takes_kind && (n->kind[0] || n->nfields))
			return FAIL(ld, s, "node '%s': action %s takes no kind "
				    "or fields", n->id, n->action);
		if (a->takes_days && !n->days)
			return FAIL(ld, s, "node '%s': action %s needs days = "
				    "N (1..%d)", n->id, n->action,
				    MENU_MAX_DAYS);
		if (!a->takes_days && n->days)
			return FAIL(ld, s, "node '%s': action %s takes no "
				    "days", n->id, n->action);
		break;
	}
	case MENU_NODE_END:
		if (!n->text.t[0] && !n->text.t[1])
			return FAIL(ld, s, "end node '%s' has no text", n->id);
		break;
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

int menu_load(const char *dir, struct menu_tree **out, char *err,
	      size_t errlen)
{
	return menu_load_ex(dir, 0, out, err, errlen);
}

int menu_load_ex(const char *dir, int flags, struct menu_tree **out,
		 char *err, size_t errlen)
{
	struct menu_tree *t = calloc(1, sizeof(*t));
	struct loader ld = { t, NULL, err, errlen, flags, dir };
	char path[1024];
	config_t cfg;
	config_setting_t *nodes, *msgs, *menu;
	const char *start = NULL;
	int rc = -EINVAL;

	if (!t)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/main.cfg", dir);
	ld.main_file = path;
	t->main_file = menu_tree_intern_file(t, path);
	config_init(&cfg);
	config_set_include_dir(&cfg, dir);
	if (config_read_file(&cfg, path) != CONFIG_TRUE) {
		if (config_error_type(&cfg) == CONFIG_ERR_FILE_IO)
			util_err(err, errlen, -EINVAL,
				"%s: cannot read the menu file", path);
		else if (!config_error_file(&cfg) ||
			 strcmp(config_error_file(&cfg), path) == 0 ||
			 config_error_file(&cfg)[0] == '/')
			util_err(err, errlen, -EINVAL, "%s:%d: %s",
				config_error_file(&cfg)
					? config_error_file(&cfg)
					: path,
				config_error_line(&cfg),
				config_error_text(&cfg));
		else
			util_err(err, errlen, -EINVAL, "%s/%s:%d: %s", dir,
				config_error_file(&cfg),
				config_error_line(&cfg),
				config_error_text(&cfg));
		goto out;
	}
	config_setting_t *root = config_root_setting(&cfg);

	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *e = config_setting_get_elem(root, i);
		const char *name = config_setting_name(e);

		if (strcmp(name, "menu") && strcmp(name, "messages") &&
		    strcmp(name, "nodes")) {
			rc = FAIL(&ld, e, "unknown top-level setting '%s' "
				  "(menu, messages, nodes)", name);
			goto out;
		}
	}
	menu = config_lookup(&cfg, "menu");
	if (!menu || !config_setting_lookup_string(menu, "start", &start)) {
		util_err(err, errlen, -EINVAL,
			"%s: needs menu = { start = \"node id\"; };", path);
		goto out;
	}

	msgs = config_lookup(&cfg, "messages");
	if (msgs)
		t->messages_line = config_setting_source_line(msgs);
	if (msgs) {
		if (!config_setting_is_group(msgs)) {
			rc = FAIL(&ld, msgs, "messages must be a group");
			goto out;
		}
		for (int i = 0; i < config_setting_length(msgs); i++) {
			config_setting_t *e = config_setting_get_elem(msgs, i);

			if (menu_tree_add_message(t, config_setting_name(e)) <
			    0) {
				rc = FAIL(&ld, e, "too many messages");
				goto out;
			}
			rc = load_text(&ld, e, menu_tree_last_message(t));
			if (rc < 0)
				goto out;
			t->msgs[t->nmsgs - 1].file =
				menu_tree_intern_file(t, sfile(&ld, e));
		}
	}
	for (size_t i = 0; menu_required_messages[i] &&
			   !(flags & MENU_LOAD_LENIENT); i++) {
		if (!menu_tree_message_text(t, menu_required_messages[i])) {
			rc = util_err(err, errlen, -EINVAL,
				     "%s: messages.%s is missing", path,
				     menu_required_messages[i]);
			goto out;
		}
	}

	nodes = config_lookup(&cfg, "nodes");
	if (!nodes || !config_setting_is_list(nodes) ||
	    config_setting_length(nodes) == 0) {
		rc = util_err(err, errlen, -EINVAL,
			     "%s: needs nodes = ( { id = ...; }, ... );", path);
		goto out;
	}
	for (int i = 0; i < config_setting_length(nodes); i++) {
		config_setting_t *e = config_setting_get_elem(nodes, i);
		struct menu_node *n = menu_tree_add_node(t);

		if (!n) {
			rc = FAIL(&ld, e, "too many nodes");
			goto out;
		}
		rc = load_node(&ld, e, n);
		if (rc < 0)
			goto out;
		for (int k = 0; k < menu_node_count(t) - 1; k++)
			if (strcmp(menu_node_at(t, k)->id, n->id) == 0) {
				rc = FAIL(&ld, e, "node id '%s' is already "
					  "used at %s:%d", n->id,
					  menu_node_at(t, k)->file,
					  menu_node_at(t, k)->line);
				goto out;
			}
	}
	/* resolve every edge */
	for (int i = 0; i < config_setting_length(nodes); i++) {
		config_setting_t *e = config_setting_get_elem(nodes, i);
		struct menu_node *n = (struct menu_node *)menu_node_at(t, i);

		n->next_idx = -1;
		n->back_idx = -1;
		if (n->next[0] && (rc = resolve(&ld, e, n->id, n->next,
						&n->next_idx)) < 0)
			goto out;
		if (n->back[0] && (rc = resolve(&ld, e, n->id, n->back,
						&n->back_idx)) < 0)
			goto out;
		for (int k = 0; k < n->noptions; k++)
			if ((rc = resolve(&ld, e, n->id, n->options[k].next,
					  &n->options[k].next_idx)) < 0)
				goto out;
		for (int k = 0; k < n->noutcomes; k++)
			if ((rc = resolve(&ld, e, n->id, n->outcomes[k].next,
					  &n->outcomes[k].next_idx)) < 0)
				goto out;
	}
	util_strlcpy(t->start_id, start, sizeof(t->start_id));
	t->start_line = config_setting_source_line(menu);
	t->start = -1;
	if (!menu_node_find(t, start) && !(flags & MENU_LOAD_LENIENT)) {
		rc = FAIL(&ld, menu, "start node '%s' does not exist", start);
		goto out;
	}
	if (menu_node_find(t, start))
		t->start = (int)(menu_node_find(t, start) -
				 menu_node_at(t, 0));
	util_strlcpy(t->dir, dir, sizeof(t->dir));
	rc = 0;
out:
	config_destroy(&cfg);
	if (rc < 0) {
		menu_free(t);
		return rc;
	}
	*out = t;
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
	t->files[t->nfiles] = xstrdup(file);
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

		free_text(&n->text);
		for (int k = 0; k < n->noptions; k++) {
			free_text(&n->options[k].label);
			free(n->options[k].value);
		}
		if (n->re) {
			regfree(n->re);
			free(n->re);
		}
		free(n->pattern);
	}
	for (int i = 0; i < t->nmsgs; i++)
		free_text(&t->msgs[i].text);
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
