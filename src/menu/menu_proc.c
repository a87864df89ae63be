/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Procedures a citizen can apply for (docs/menus.md "Applications"): one
 * file each in <menus>/procedures/, the list of communes in
 * <menus>/communes.cfg. Data, not code: a new procedure is a new file and
 * a SIGHUP. Each procedure becomes ordinary nodes of the tree (an input
 * screen per field, a summary with the fee and the collection date, the
 * filing, the end screen), so that the engine walks them and the checker
 * measures them like every other screen.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "menu/cmd.h"
#include "menu/menu.h"
#include "menu/menu_int.h"
#include "services/civil.h"
#include "text/text.h"

#define FAIL(ld, s, ...) menu_fail((ld), (s), __VA_ARGS__)
#define MAX_COMMUNES 1000
#define DAYS_MAX 60		/* the calendar looks this far ahead */

/* --- reading one procedure file ------------------------------------------- */

/* Input types a procedure field may take. */
static bool field_input_ok(enum menu_input_type t)
{
	return t == MENU_IN_CITIZEN_ID || t == MENU_IN_FULL_NAME ||
	       t == MENU_IN_DATE || t == MENU_IN_COMMUNE || t == MENU_IN_COUNT;
}

/* A name of [a-z0-9_], 1..max-1 characters. */
static int get_name(struct loader *ld, const config_setting_t *e, char *out,
		    size_t max)
{
	const char *v = config_setting_get_string(e);

	if (!v || !*v || strlen(v) >= max)
		return FAIL(ld, e, "'%s' must be 1..%zu characters",
			    config_setting_name(e), max - 1);
	for (const char *p = v; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    *p != '_')
			return FAIL(ld, e, "'%s' may hold a-z, 0-9 and _ only",
				    config_setting_name(e));
	strcpy(out, v);
	return 0;
}

/* The field's bounds and SMS default, by input type. */
static void field_defaults(struct menu_proc_field *f)
{
	f->min = f->input == MENU_IN_FULL_NAME ? 5 : 1;
	f->max = f->input == MENU_IN_FULL_NAME ? 40 : 10;
}

static int field_setting(struct loader *ld, const config_setting_t *e,
			 struct menu_proc_field *f)
{
	const char *name = config_setting_name(e);
	const char *v;
	int k;

	if (strcmp(name, "name") == 0) {
		static const char *const steps[] = { "sum", "ok", "file",
						     "done" };
		int rc = get_name(ld, e, f->name, MENU_VAR_NAME - 2);

		for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(steps); i++)
			if (strcmp(f->name, steps[i]) == 0)
				rc = FAIL(ld, e, "a field may not be called "
					  "'%s'", steps[i]);
		return rc;
	}
	if (strcmp(name, "input") == 0) {
		v = config_setting_get_string(e);
		k = v ? menu_find_name(menu_input_names, menu_input_count, v)
		      : -1;
		if (k < 0 || !field_input_ok(k))
			return FAIL(ld, e, "a field's input is citizen_id, "
				    "full_name, date, commune or count");
		f->input = k;
		field_defaults(f);
		return 0;
	}
	if (strcmp(name, "min") == 0)
		return menu_load_int(ld, e, 0, 9999, &f->min);
	if (strcmp(name, "max") == 0)
		return menu_load_int(ld, e, 1, 9999, &f->max);
	if (strcmp(name, "default") == 0)
		return menu_load_int(ld, e, 1, 9999, &f->dflt);
	if (strcmp(name, "label") == 0)
		return menu_load_text(ld, e, &f->label);
	if (strcmp(name, "prompt") == 0)
		return menu_load_text(ld, e, &f->prompt);
	return FAIL(ld, e, "unknown field setting '%s' (name, input, min, "
		    "max, default, label, prompt)", name);
}

static int load_field(struct loader *ld, const config_setting_t *s,
		      struct menu_proc *p)
{
	struct menu_proc_field *f = &p->fields[p->nfields];
	int rc;

	if (p->nfields >= MENU_PROC_FIELDS)
		return FAIL(ld, s, "at most %d fields", MENU_PROC_FIELDS);
	if (!config_setting_is_group(s))
		return FAIL(ld, s, "a field is a group { name = ...; input = "
			    "...; ... }");
	p->nfields++;
	f->line = config_setting_source_line(s);
	f->input = MENU_IN_TEXT;	/* until input = says */
	for (int i = 0; i < config_setting_length(s); i++)
		if ((rc = field_setting(ld, config_setting_get_elem(s, i),
					f)) < 0)
			return rc;
	if (!f->name[0] || f->input == MENU_IN_TEXT || !f->prompt.t[0])
		return FAIL(ld, s, "a field needs name, input and prompt");
	if (f->min > f->max || (f->dflt && f->input != MENU_IN_COUNT) ||
	    (f->dflt && (f->dflt < f->min || f->dflt > f->max)))
		return FAIL(ld, s, "field '%s': min > max, or a default that "
			    "is no count within min..max", f->name);
	for (int i = 0; i + 1 < p->nfields; i++) {
		if (strcmp(p->fields[i].name, f->name) == 0)
			return FAIL(ld, s, "field '%s' twice", f->name);
		if (p->fields[i].dflt && !f->dflt)
			return FAIL(ld, s, "field '%s': fields an SMS may leave "
				    "out (default) come last", f->name);
	}
	return 0;
}

static int load_fields(struct loader *ld, const config_setting_t *s,
		       struct menu_proc *p)
{
	int rc;

	if (!config_setting_is_list(s) || config_setting_length(s) == 0)
		return FAIL(ld, s, "fields = ( { name = ...; input = ...; }, "
			    "... );");
	for (int i = 0; i < config_setting_length(s); i++)
		if ((rc = load_field(ld, config_setting_get_elem(s, i), p)) < 0)
			return rc;
	return 0;
}

/* The keyword as it is matched: folded, upper case, without spaces. */
static int set_keyword(struct loader *ld, const config_setting_t *e,
		       struct menu_proc *p)
{
	const char *v = config_setting_get_string(e);
	char norm[128];
	struct cmd c;
	size_t n = 0;

	if (!v)
		return FAIL(ld, e, "keyword must be a string");
	cmd_normalize(v, norm, sizeof(norm));
	for (const char *q = norm; *q; q++) {
		if (*q == ' ')
			continue;
		if (!isupper((unsigned char)*q) && !isdigit((unsigned char)*q))
			return FAIL(ld, e, "keyword '%s': letters and digits "
				    "only", v);
		if (n + 1 >= sizeof(p->keyword))
			return FAIL(ld, e, "keyword '%s' is too long", v);
		p->keyword[n++] = *q;
	}
	p->keyword[n] = '\0';
	if (n < 2 || !isupper((unsigned char)p->keyword[0]))
		return FAIL(ld, e, "keyword '%s': 2 or more characters, "
			    "starting with a letter", v);
	snprintf(norm, sizeof(norm), "%s 1", p->keyword);
	cmd_parse(norm, &c);
	if (c.kind != CMD_TEXT)
		return FAIL(ld, e, "keyword '%s' is read as the command %s",
			    v, cmd_kind_name(c.kind));
	return 0;
}

static int set_agency(struct loader *ld, const config_setting_t *e,
		      struct menu_proc *p)
{
	const char *v = config_setting_get_string(e);
	char code[DOSSIER_CODE_MAX + 16], d[DOSSIER_CODE_MAX],
		k[DOSSIER_CODE_MAX];
	const char *end;

	if (!v || strlen(v) >= sizeof(p->agency))
		return FAIL(ld, e, "agency must be an agency code");
	/* the code of its dossiers must read back as one */
	snprintf(code, sizeof(code), "%s-260101-0001", v);
	if (dossier_code_parse(code, d, sizeof(d), k, sizeof(k), &end) < 0 ||
	    *end || strcmp(d, code) != 0)
		return FAIL(ld, e, "agency '%s' is no agency code (as in "
			    "000.00.19.H56)", v);
	strcpy(p->agency, v);
	return 0;
}

static int proc_setting(struct loader *ld, const config_setting_t *e,
			struct menu_proc *p)
{
	static const struct {
		const char *name;
		size_t off;
	} texts[] = {
		{ "name", offsetof(struct menu_proc, name) },
		{ "short", offsetof(struct menu_proc, short_name) },
		{ "usage", offsetof(struct menu_proc, usage) },
		{ "fee", offsetof(struct menu_proc, fee) },
		{ "bring", offsetof(struct menu_proc, bring) },
		{ "agency_name", offsetof(struct menu_proc, agency_name) },
	};
	const char *name = config_setting_name(e);

	for (size_t i = 0; i < ARRAY_SIZE(texts); i++)
		if (strcmp(texts[i].name, name) == 0)
			return menu_load_text(
				ld, e,
				(struct menu_text *)((char *)p + texts[i].off));
	if (strcmp(name, "id") == 0)
		return get_name(ld, e, p->id, sizeof(p->id));
	if (strcmp(name, "keyword") == 0)
		return set_keyword(ld, e, p);
	if (strcmp(name, "agency") == 0)
		return set_agency(ld, e, p);
	if (strcmp(name, "days") == 0)
		return menu_load_int(ld, e, 1, DAYS_MAX, &p->days);
	if (strcmp(name, "fields") == 0)
		return load_fields(ld, e, p);
	return FAIL(ld, e, "unknown procedure setting '%s' (id, keyword, "
		    "name, short, usage, agency, agency_name, days, fee, "
		    "bring, fields)", name);
}

/* What a procedure must have, and what no other may share. */
static int check_proc(struct loader *ld, const config_setting_t *s,
		      const struct menu_proc *p)
{
	const struct menu_tree *t = ld->tree;

	if (!p->id[0] || !p->keyword[0] || !p->name.t[0] ||
	    !p->short_name.t[0] || !p->usage.t[0] || !p->fee.t[0] ||
	    !p->bring.t[0] || !p->agency_name.t[0] || !p->agency[0] ||
	    !p->days || !p->nfields)
		return FAIL(ld, s, "a procedure needs id, keyword, name, short, "
			    "usage, agency, agency_name, days, fee, bring "
			    "and fields");
	for (int i = 0; i < t->nprocs - 1; i++) {
		if (strcmp(t->procs[i].id, p->id) == 0)
			return FAIL(ld, s, "procedure id '%s' is already used "
				    "in %s", p->id, t->procs[i].file);
		if (strcmp(t->procs[i].keyword, p->keyword) == 0)
			return FAIL(ld, s, "keyword %s is already procedure "
				    "'%s''s", p->keyword, t->procs[i].id);
	}
	return 0;
}

static int load_proc(struct loader *ld, const config_setting_t *s)
{
	struct menu_tree *t = ld->tree;
	struct menu_proc *p;
	int rc;

	if (!s || !config_setting_is_group(s))
		return util_err(ld->err, ld->errlen, -EINVAL,
			       "%s: needs procedure = { id = ...; ... };",
			       ld->main_file);
	if (t->nprocs >= MENU_MAX_PROCS)
		return FAIL(ld, s, "more than %d procedures", MENU_MAX_PROCS);
	p = &t->procs[t->nprocs++];
	p->line = config_setting_source_line(s);
	p->first = p->done = -1;
	if ((rc = menu_intern_source(ld, s, &p->file)) < 0)
		return rc;
	for (int i = 0; i < config_setting_length(s); i++)
		if ((rc = proc_setting(ld, config_setting_get_elem(s, i), p)) <
		    0)
			return rc;
	return check_proc(ld, s, p);
}

/* Reads path into cfg: 0, or -EINVAL with file:line. */
static int read_file(struct loader *ld, config_t *cfg, const char *path)
{
	/* a directory named by @include would end the process (no include
	 * directory set: names as written) */
	int rc = util_cfg_includes(NULL, path, ld->err, ld->errlen);

	if (rc < 0)
		return rc;
	if (config_read_file(cfg, path) == CONFIG_TRUE)
		return 0;
	if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
		return util_err(ld->err, ld->errlen, -EINVAL,
			       "%s: cannot read it", path);
	return util_err(ld->err, ld->errlen, -EINVAL, "%s:%d: %s", path,
		       config_error_line(cfg), config_error_text(cfg));
}

static int load_proc_file(struct loader *ld, const char *path)
{
	config_t cfg;
	const config_setting_t *root;
	int rc;

	config_init(&cfg);
	rc = read_file(ld, &cfg, path);
	root = config_root_setting(&cfg);
	for (int i = 0; rc == 0 && i < config_setting_length(root); i++) {
		const config_setting_t *e = config_setting_get_elem(root, i);

		if (strcmp(config_setting_name(e), "procedure") != 0)
			rc = FAIL(ld, e, "unknown top-level setting '%s' "
				  "(procedure)", config_setting_name(e));
	}
	if (rc == 0)
		rc = load_proc(ld, config_lookup(&cfg, "procedure"));
	config_destroy(&cfg);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.cfg names of dir, sorted (none when dir does not exist). */
static int list_cfg(struct loader *ld, const char *dir, char ***out, int *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!d)
		return 0;
	while (rc == 0 && (de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char **nv;

		if (l < 5 || strcmp(de->d_name + l - 4, ".cfg") != 0 ||
		    de->d_name[0] == '.')
			continue;
		nv = *n < MENU_MAX_PROCS + 1 ? realloc(*out, (size_t)(*n + 1) *
							sizeof(char *))
					     : NULL;
		if (!nv || !(nv[*n] = menu_strdup(de->d_name))) {
			if (nv)
				*out = nv;
			rc = *n > MENU_MAX_PROCS
				     ? util_err(ld->err, ld->errlen, -EINVAL,
						"%s: more than %d procedures",
						dir, MENU_MAX_PROCS)
				     : menu_nomem(ld, NULL);
			break;
		}
		*out = nv;
		(*n)++;
	}
	closedir(d);
	if (*n > 1)
		qsort(*out, (size_t)*n, sizeof(char *), cmp_str);
	return rc;
}

/* --- communes.cfg ------------------------------------------------------------ */

static int load_communes_list(struct loader *ld, const config_setting_t *l)
{
	struct menu_tree *t = ld->tree;
	int n = l ? config_setting_length(l) : 0;

	if (!l || !config_setting_is_list(l) || n == 0 || n > MAX_COMMUNES)
		return util_err(ld->err, ld->errlen, -EINVAL,
			       "%s/communes.cfg: needs communes = ( \"name\", "
			       "... ); with 1..%d names", ld->dir,
			       MAX_COMMUNES);
	t->communes_line = config_setting_source_line(l);
	t->communes = menu_calloc((size_t)n, sizeof(char *));
	if (!t->communes)
		return menu_nomem(ld, l);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(l, i);
		const char *v = config_setting_get_string(e);

		if (!v || !*v || strlen(v) > 60 || !utf8_valid(v))
			return FAIL(ld, e, "a commune is a name of 1..60 bytes");
		if (civil_commune_find(v, (const char *const *)t->communes,
				       t->ncommunes) >= 0)
			return FAIL(ld, e, "commune '%s' is in the list twice",
				    v);
		if (!(t->communes[i] = menu_strdup(v)))
			return menu_nomem(ld, e);
		t->ncommunes++;
	}
	return 0;
}

static int load_communes(struct loader *ld)
{
	char path[1024];
	config_t cfg;
	int rc;

	snprintf(path, sizeof(path), "%s/communes.cfg", ld->dir);
	if (access(path, F_OK) != 0)
		return 0;
	config_init(&cfg);
	rc = read_file(ld, &cfg, path);
	if (rc == 0)
		rc = menu_intern_source(ld, config_root_setting(&cfg),
					&ld->tree->communes_file);
	if (rc == 0)
		rc = load_communes_list(ld, config_lookup(&cfg, "communes"));
	config_destroy(&cfg);
	return rc;
}

int menu_load_procs(struct loader *ld)
{
	char dir[1024], path[1400];
	char **names;
	int n, rc;

	snprintf(dir, sizeof(dir), "%s/procedures", ld->dir);
	rc = list_cfg(ld, dir, &names, &n);
	for (int i = 0; rc == 0 && i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		rc = load_proc_file(ld, path);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == 0)
		rc = load_communes(ld);
	return rc;
}

void menu_procs_free(struct menu_tree *t)
{
	for (int i = 0; i < t->nprocs; i++) {
		struct menu_proc *p = &t->procs[i];
		struct menu_text *texts[] = { &p->name, &p->short_name,
					      &p->usage, &p->fee, &p->bring,
					      &p->agency_name };

		for (size_t k = 0; k < ARRAY_SIZE(texts); k++)
			menu_free_text(texts[k]);
		for (int k = 0; k < p->nfields; k++) {
			menu_free_text(&p->fields[k].label);
			menu_free_text(&p->fields[k].prompt);
		}
	}
	for (int i = 0; i < t->ncommunes; i++)
		free(t->communes[i]);
	free(t->communes);
}

/* --- the procedures' screens ------------------------------------------------- */

/* Messages the procedures' screens are made of (required with them). */
const char *const menu_proc_messages[] = {
	"app_confirm", "app_yes", "app_no", "app_done", "app_usage",
	"app_failed", NULL,
};

const char *menu_proc_text(const struct menu_text *t, int lang)
{
	if (lang >= 0 && lang < MENU_LANGS && t->t[lang])
		return t->t[lang];
	return t->t[0] ? t->t[0] : t->t[1] ? t->t[1] : "";
}

/* The summary lines: "Số bản: {copies}\n" per field (an ID masked). */
static void field_lines(const struct menu_proc *p, int lang, char *out,
			size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; i < p->nfields && n < cap; i++) {
		const struct menu_proc_field *f = &p->fields[i];

		if (!f->label.t[0] && !f->label.t[1])
			continue;	/* not shown in the summary */
		n += (size_t)snprintf(out + n, cap - n, "%s: {%s%s}\n",
				      menu_proc_text(&f->label, lang), f->name,
				      f->input == MENU_IN_CITIZEN_ID ? "_m"
								      : "");
	}
}

/* Message `msg` with the procedure's own words put in: {app}, {fields},
 * {fee}, {agency}, {bring}; other {variables} stay for the engine. */
static char *fill(const struct menu_tree *t, const char *msg,
		  const struct menu_proc *p, int lang)
{
	const char *tmpl = menu_message(t, msg, lang);
	char fields[MENU_TEXT_MAX], out[MENU_TEXT_MAX * 2];
	const char *names[] = { "app", "fields", "fee", "agency", "bring" };
	const char *values[] = { menu_proc_text(&p->short_name, lang), fields,
				 menu_proc_text(&p->fee, lang),
				 menu_proc_text(&p->agency_name, lang),
				 menu_proc_text(&p->bring, lang) };
	size_t n = 0;

	field_lines(p, lang, fields, sizeof(fields));
	for (const char *q = tmpl ? tmpl : ""; *q && n + 1 < sizeof(out);) {
		size_t k;

		for (k = 0; k < ARRAY_SIZE(names); k++) {
			size_t l = strlen(names[k]);

			if (q[0] == '{' && strncmp(q + 1, names[k], l) == 0 &&
			    q[l + 1] == '}')
				break;
		}
		if (k == ARRAY_SIZE(names)) {
			out[n++] = *q++;
			continue;
		}
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s",
				      values[k]);
		if (n >= sizeof(out))
			n = sizeof(out) - 1;
		q += strlen(names[k]) + 2;
	}
	out[n] = '\0';
	return menu_strdup(out);
}

static int fill_text(struct loader *ld, struct menu_text *dst,
		     const char *msg, const struct menu_proc *p)
{
	for (int l = 0; l < MENU_LANGS; l++)
		if (!(dst->t[l] = fill(ld->tree, msg, p, l)))
			return menu_nomem(ld, ld->list_cfg);
	return 0;
}

static int copy_text(struct loader *ld, struct menu_text *dst,
		     const struct menu_text *src)
{
	for (int l = 0; l < MENU_LANGS; l++)
		if (src->t[l] && !(dst->t[l] = menu_strdup(src->t[l])))
			return menu_nomem(ld, ld->list_cfg);
	dst->line = src->line;
	return 0;
}

/* A node of procedure p: "<id>.<step>". */
static struct menu_node *synth(struct loader *ld, const struct menu_proc *p,
			       const char *step, enum menu_node_type type,
			       int line)
{
	char id[MENU_ID_MAX * 2];
	struct menu_node *n;

	snprintf(id, sizeof(id), "%s.%s", p->id, step);
	if (menu_node_find(ld->tree, id)) {
		FAIL(ld, ld->list_cfg, "node id '%s' is procedure '%s''s", id,
		     p->id);
		return NULL;
	}
	if (!(n = menu_tree_add_node(ld->tree))) {
		FAIL(ld, ld->list_cfg, "too many nodes with the procedures");
		return NULL;
	}
	util_strlcpy(n->id, id, sizeof(n->id));
	n->type = type;
	n->proc = p;
	n->file = p->file;
	n->line = n->text_line = n->next_line = line;
	n->min_len = 1;
	n->max_len = 160;
	return n;
}

/* Where a step goes: "<id>.<step>" or a node of the tree. */
static void link_to(char *dst, const struct menu_proc *p, const char *step)
{
	snprintf(dst, MENU_ID_MAX, "%s.%s", p->id, step);
}

/* One input screen per field; the first goes back to the list. */
static int synth_fields(struct loader *ld, const struct menu_proc *p)
{
	for (int i = 0; i < p->nfields; i++) {
		const struct menu_proc_field *f = &p->fields[i];
		struct menu_node *n = synth(ld, p, f->name, MENU_NODE_INPUT,
					    f->line);
		int rc;

		if (!n)
			return -EINVAL;
		n->input = f->input;
		n->min_len = f->min;
		n->max_len = f->max;
		util_strlcpy(n->save, f->name, sizeof(n->save));
		if (i + 1 < p->nfields)
			link_to(n->next, p, p->fields[i + 1].name);
		else
			link_to(n->next, p, "sum");
		if (i > 0)
			link_to(n->back, p, p->fields[i - 1].name);
		else
			util_strlcpy(n->back, ld->list->id, sizeof(n->back));
		n->back_line = f->line;
		if ((rc = copy_text(ld, &n->text, &f->prompt)) < 0)
			return rc;
	}
	return 0;
}

/* The summary: the facts, the fee, the collection date; 1 files, 2 not. */
static int synth_confirm(struct loader *ld, const struct menu_proc *p)
{
	struct menu_node *n = synth(ld, p, "ok", MENU_NODE_MENU, p->line);
	static const char *const labels[] = { "app_yes", "app_no" };
	int rc;

	if (!n || (rc = fill_text(ld, &n->text, "app_confirm", p)) < 0)
		return n ? rc : -EINVAL;
	for (int k = 0; k < 2; k++) {
		struct menu_option *o = &n->options[n->noptions++];
		const struct menu_text *tx =
			menu_tree_message_text(ld->tree, labels[k]);

		o->key[0] = (char)('1' + k);
		o->line = p->line;
		if (k == 0)
			link_to(o->next, p, "file");
		else
			util_strlcpy(o->next, ld->list->cancel,
				     sizeof(o->next));
		if (tx && (rc = copy_text(ld, &o->label, tx)) < 0)
			return rc;
	}
	return 0;
}

static int synth_proc(struct loader *ld, struct menu_proc *p)
{
	struct menu_node *n;
	int rc;

	p->first = ld->tree->nnodes;
	if ((rc = synth_fields(ld, p)) < 0)
		return rc;
	if (!(n = synth(ld, p, "sum", MENU_NODE_ACTION, p->line)))
		return -EINVAL;
	util_strlcpy(n->action, "app_prepare", sizeof(n->action));
	link_to(n->next, p, "ok");
	if ((rc = synth_confirm(ld, p)) < 0)
		return rc;
	if (!(n = synth(ld, p, "file", MENU_NODE_ACTION, p->line)))
		return -EINVAL;
	util_strlcpy(n->action, "app_file", sizeof(n->action));
	link_to(n->next, p, "done");
	if (!(n = synth(ld, p, "done", MENU_NODE_END, p->line)))
		return -EINVAL;
	n->long_ok = true;
	p->done = (int)(n - ld->tree->nodes);
	return fill_text(ld, &n->text, "app_done", p);
}

/* The list's options: one per procedure, before the node's own. */
static int list_options(struct loader *ld)
{
	struct menu_node *l = ld->list;
	int np = ld->tree->nprocs, rc;

	if (l->noptions + np > MENU_MAX_OPTIONS)
		return FAIL(ld, ld->list_cfg, "node '%s': %d procedures and %d "
			    "options are more than %d", l->id, np, l->noptions,
			    MENU_MAX_OPTIONS);
	memmove(&l->options[np], &l->options[0],
		(size_t)l->noptions * sizeof(l->options[0]));
	memset(&l->options[0], 0, (size_t)np * sizeof(l->options[0]));
	l->noptions += np;
	for (int i = 0; i < np; i++) {
		struct menu_option *o = &l->options[i];
		const struct menu_proc *p = &ld->tree->procs[i];

		o->key[0] = (char)('1' + i);	/* at most 9 procedures */
		o->line = l->line;
		link_to(o->next, p, p->fields[0].name);
		if ((rc = copy_text(ld, &o->label, &p->short_name)) < 0)
			return rc;
		for (int k = np; k < l->noptions; k++)
			if (strcmp(l->options[k].key, o->key) == 0)
				return FAIL(ld, ld->list_cfg, "node '%s': key "
					    "%s is procedure '%s''s", l->id,
					    o->key, p->id);
	}
	return 0;
}

int menu_synth_procs(struct loader *ld)
{
	struct menu_tree *t = ld->tree;
	int rc;

	if (!t->nprocs && !ld->list)
		return 0;
	if (!t->nprocs)
		return FAIL(ld, ld->list_cfg, "node '%s' lists the procedures, "
			    "but %s/procedures holds none", ld->list->id,
			    ld->dir);
	if (!ld->list)
		return util_err(ld->err, ld->errlen, -EINVAL,
			       "%s: %d procedures, but no node of type "
			       "procedures lists them", ld->main_file,
			       t->nprocs);
	for (size_t i = 0; menu_proc_messages[i] &&
			   !(ld->flags & MENU_LOAD_LENIENT); i++)
		if (!menu_tree_message_text(t, menu_proc_messages[i]))
			return util_err(ld->err, ld->errlen, -EINVAL,
				       "%s: messages.%s is missing (the "
				       "procedures need it)", ld->main_file,
				       menu_proc_messages[i]);
	if ((rc = list_options(ld)) < 0)
		return rc;
	for (int i = 0; i < t->nprocs; i++)
		if ((rc = synth_proc(ld, &t->procs[i])) < 0)
			return rc;
	return 0;
}

/* --- what citizens type ---------------------------------------------------------- */

int menu_proc_count(const struct menu_tree *t)
{
	return t->nprocs;
}

const struct menu_proc *menu_proc_at(const struct menu_tree *t, int i)
{
	return i >= 0 && i < t->nprocs ? &t->procs[i] : NULL;
}

/* The end of keyword kw at the start of text, or NULL: letters compared
 * folded and upper case, spaces inside it skipped; it must end at a
 * space, a digit, a comma or the end. */
static const char *match_kw(const char *text, const char *kw)
{
	size_t len = strlen(text), pos = 0;
	const char *k = kw;

	while (pos < len && isspace((unsigned char)text[pos]))
		pos++;
	while (*k) {
		uint32_t cp;

		if (pos >= len || utf8_decode(text, len, &pos, &cp) < 0)
			return NULL;
		if (cp == ' ' || cp == '\t')
			continue;
		cp = text_fold_cp(cp);
		if (cp == 0)
			continue;	/* a combining mark */
		if (cp > 0x7F || toupper((int)cp) != *k)
			return NULL;
		k++;
	}
	/* combining marks of the keyword's last letter belong to it */
	while (pos < len) {
		size_t at = pos;
		uint32_t cp;

		if (utf8_decode(text, len, &at, &cp) < 0 ||
		    text_fold_cp(cp) != 0)
			break;
		pos = at;
	}
	if (pos < len && !isspace((unsigned char)text[pos]) &&
	    !isdigit((unsigned char)text[pos]) && text[pos] != ',')
		return NULL;
	return text + pos;
}

const struct menu_proc *menu_proc_match(const struct menu_tree *t,
					const char *text, const char **args)
{
	const struct menu_proc *best = NULL;

	for (int i = 0; i < t->nprocs; i++) {
		const char *end = match_kw(text, t->procs[i].keyword);

		if (end && (!best ||
			    strlen(t->procs[i].keyword) > strlen(best->keyword))) {
			best = &t->procs[i];
			*args = end;
		}
	}
	return best;
}

int menu_commune_find(const struct menu_tree *t, const char *in)
{
	return civil_commune_find(in, (const char *const *)t->communes,
				  t->ncommunes);
}

int menu_commune_width(const struct menu_tree *t)
{
	int w = 0;

	for (int i = 0; i < t->ncommunes; i++) {
		char folded[128];
		int l;

		text_fold(t->communes[i], folded, sizeof(folded));
		l = (int)utf8_length(folded);
		w = l > w ? l : w;
	}
	return w ? w : 20;
}
