/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Status-change notices (see services/notice.h): notices.cfg -> one
 * parsed template per status and language, checked as a whole (every
 * problem reported with file:line and the setting's path), and rendered
 * for a dossier. Owns the set's memory.
 */
#include "config.h"

#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/notice.h"
#include "services/bcast.h"
#include "common/util.h"
#include "text/segment.h"
#include "text/text.h"

#define NLANGS 2
#define NSTATUS 10
#define MISSING_MAX 64		/* bytes of a `missing` text */

static const char *const lang_names[NLANGS] = { "vi", "en" };

/* The variables a notice may use, in the order the messages list them. */
enum { V_CODE, V_PROCEDURE, V_STATUS, V_DUE, V_AGENCY, V_REASON, NVARS };
static const char *const var_names[NVARS] = {
	"code", "procedure", "status", "due", "agency", "reason",
};

/* The values a dossier may lack, replaced by the file's `missing` texts. */
static const int missing_vars[] = { V_DUE, V_AGENCY, V_REASON };

static bool may_be_missing(int v)
{
	for (size_t k = 0; k < ARRAY_SIZE(missing_vars); k++)
		if (v == missing_vars[k])
			return true;
	return false;
}

struct notice_set {
	struct bcast_tpl *tpl[NSTATUS + 1][NLANGS];	/* [status][lang] */
	char *missing[NVARS][NLANGS];	/* texts for missing_vars */
};

void notice_set_free(struct notice_set *s)
{
	if (!s)
		return;
	for (int st = 0; st <= NSTATUS; st++)
		for (int l = 0; l < NLANGS; l++)
			bcast_tpl_free(s->tpl[st][l]);
	for (int v = 0; v < NVARS; v++)
		for (int l = 0; l < NLANGS; l++)
			free(s->missing[v][l]);
	free(s);
}

bool notice_has(const struct notice_set *s, int status)
{
	return status >= 1 && status <= NSTATUS && s->tpl[status][0];
}

static int lang_index(const char *name)
{
	for (int i = 0; i < NLANGS; i++)
		if (strcmp(name, lang_names[i]) == 0)
			return i;
	return -1;
}

static int var_index(const char *name)
{
	for (int i = 0; i < NVARS; i++)
		if (bcast_name_eq(name, var_names[i]))
			return i;
	return -1;
}

/*
 * Copies at most `chars` characters of src, ending with "..." when cut;
 * invalid UTF-8 becomes '?'. cap >= 4 * chars + 1 always suffices.
 */
static void cut_chars(const char *src, size_t chars, char *out, size_t cap)
{
	size_t len = strlen(src), pos = 0, n = 0, k = 0;
	bool cut = utf8_length(src) > chars;

	while (pos < len) {
		char tmp[4];
		uint32_t cp;
		size_t w;

		if (utf8_decode(src, len, &pos, &cp) < 0)
			cp = '?';
		if (cut && k + 3 >= chars)
			break;
		w = utf8_encode(cp, tmp);
		if (n + w + 4 > cap)
			break;
		memcpy(out + n, tmp, w);
		n += w;
		k++;
	}
	if (cut) {
		while (n && out[n - 1] == ' ')
			n--;
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

/* --- loading ------------------------------------------------------------------ */

struct loader {
	const char *path;
	notice_report_fn report;
	void *ctx;
	int problems;
	char first[768];	/* the first problem, for err */
	struct notice_set *set;
	/* where each template was written, for the checks after loading */
	const config_setting_t *where[NSTATUS + 1][NLANGS];
	const config_setting_t *missing_where;
};

/* "notices.status_5.vi" */
static void setting_path(const config_setting_t *s, char *out, size_t cap)
{
	const char *names[16];
	int n = 0;
	size_t len = 0;

	for (; s && config_setting_name(s) && n < 16;
	     s = config_setting_parent(s))
		names[n++] = config_setting_name(s);
	out[0] = '\0';
	while (n-- > 0 && len < cap) {
		int w = snprintf(out + len, cap - len, "%s%s", len ? "." : "",
				 names[n]);

		if (w < 0)
			break;
		len += (size_t)w;
	}
}

static void problem(struct loader *ld, const config_setting_t *s,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void problem(struct loader *ld, const config_setting_t *s,
		    const char *fmt, ...)
{
	char msg[512], where[128], line[768];
	const char *file = ld->path;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s && config_setting_source_file(s))
		file = config_setting_source_file(s);
	setting_path(s, where, sizeof(where));
	if (s)
		snprintf(line, sizeof(line), "%s:%u: %s%s%s", file,
			 config_setting_source_line(s), where,
			 where[0] ? ": " : "", msg);
	else
		snprintf(line, sizeof(line), "%s: %s", file, msg);
	if (!ld->problems++)
		util_strlcpy(ld->first, line, sizeof(ld->first));
	if (ld->report)
		ld->report(ld->ctx, line);
}

/* A string setting, or NULL after reporting. */
static const char *string_of(struct loader *ld, const config_setting_t *e)
{
	const char *v;

	if (config_setting_type(e) != CONFIG_TYPE_STRING) {
		problem(ld, e, "must be a text in quotes \"...\"");
		return NULL;
	}
	v = config_setting_get_string(e);
	if (!utf8_valid(v)) {
		problem(ld, e, "not UTF-8 (save the file as UTF-8)");
		return NULL;
	}
	return v;
}

typedef void lang_text_fn(struct loader *ld, const config_setting_t *t,
			  int key, int lang);

/*
 * A group of texts per language, { vi = "..."; en = "..."; }: fn for each
 * text, seen[lang] set for it. False (reported) when e is no such group.
 */
static bool each_lang(struct loader *ld, const config_setting_t *e,
		      lang_text_fn *fn, int key, bool seen[NLANGS])
{
	if (!config_setting_is_group(e)) {
		problem(ld, e, "must be a group { vi = \"...\"; en = "
			"\"...\"; }");
		return false;
	}
	for (int k = 0; k < config_setting_length(e); k++) {
		const config_setting_t *t = config_setting_get_elem(e, k);
		int l = lang_index(config_setting_name(t));

		if (l < 0) {
			problem(ld, t, "unknown language (vi, en)");
			continue;
		}
		seen[l] = true;
		fn(ld, t, key, l);
	}
	return true;
}

/* What `missing.<v>.<lang>` says in place of a value a dossier lacks. */
static void load_missing_text(struct loader *ld, const config_setting_t *t,
			      int v, int l)
{
	const char *txt = string_of(ld, t);

	if (!txt)
		return;
	if (!*txt || strlen(txt) > MISSING_MAX) {
		problem(ld, t, "must be 1..%d bytes", MISSING_MAX);
		return;
	}
	free(ld->set->missing[v][l]);
	ld->set->missing[v][l] = strdup(txt);
	if (!ld->set->missing[v][l])
		problem(ld, t, "out of memory");
}

/* missing = { due = { vi = "..."; en = "..."; }; agency = { ... };
 * reason = { ... }; }; */
static void load_missing(struct loader *ld, const config_setting_t *g)
{
	ld->missing_where = g;
	if (!config_setting_is_group(g)) {
		problem(ld, g, "must be a group { due = { vi = \"...\"; en = "
			"\"...\"; }; agency = { ... }; reason = { ... }; }");
		return;
	}
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *e = config_setting_get_elem(g, i);
		int v = var_index(config_setting_name(e));
		bool seen[NLANGS] = { false, false };

		if (v < 0 || !may_be_missing(v)) {
			problem(ld, e, "unknown setting (due, agency, reason: "
				"the values a dossier may lack)");
			continue;
		}
		if (!each_lang(ld, e, load_missing_text, v, seen))
			continue;
		for (int l = 0; l < NLANGS; l++)
			if (!ld->set->missing[v][l])
				problem(ld, e, "no %s text", lang_names[l]);
	}
}

/* "status_5" -> 5, or -1 */
static int status_key(const char *name)
{
	long long st;

	if (strncmp(name, "status_", 7) != 0 ||
	    util_parse_int(name + 7, 1, NSTATUS, &st) < 0 ||
	    (name[7] == '0'))
		return -1;
	return (int)st;
}

static void load_template(struct loader *ld, const config_setting_t *t,
			  int st, int l)
{
	char why[256];
	const char *txt = string_of(ld, t), *bad;
	struct bcast_names known = { 0 };
	struct bcast_tpl *tpl;

	if (!txt)
		return;
	if (bcast_tpl_parse(txt, &tpl, why, sizeof(why)) < 0) {
		problem(ld, t, "%s", why);
		return;
	}
	for (int v = 0; v < NVARS; v++)
		strcpy(known.name[known.n++], var_names[v]);
	bad = bcast_tpl_unknown(tpl, &known);
	if (bad) {
		problem(ld, t, "unknown variable {%s} (code, procedure, "
			"status, due, agency, reason)", bad);
		bcast_tpl_free(tpl);
		return;
	}
	bcast_tpl_free(ld->set->tpl[st][l]);
	ld->set->tpl[st][l] = tpl;
	ld->where[st][l] = t;
}

/* notices = { status_2 = { vi = "..."; en = "..."; }; ... }; */
static void load_notices(struct loader *ld, const config_setting_t *g)
{
	if (!config_setting_is_group(g)) {
		problem(ld, g, "must be a group { status_2 = { vi = \"...\"; "
			"en = \"...\"; }; ... }");
		return;
	}
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *e = config_setting_get_elem(g, i);
		int st = status_key(config_setting_name(e));
		bool seen[NLANGS] = { false, false };

		if (st < 0) {
			problem(ld, e, "unknown status (status_1 .. "
				"status_10, the national status codes)");
			continue;
		}
		each_lang(ld, e, load_template, st, seen);
		/* a status with texts speaks every language */
		for (int l = 0; l < NLANGS; l++)
			if (seen[!l] && !seen[l])
				problem(ld, e, "has a %s text but no %s text",
					lang_names[!l], lang_names[l]);
	}
}

/*
 * Renders the template with every variable at its widest, folds it and
 * counts: one SMS or a problem.
 */
static void check_length(struct loader *ld, int st, int l)
{
	const struct bcast_tpl *t = ld->set->tpl[st][l];
	char proc[NOTICE_PROCEDURE_WIDTH + 1], agency[NOTICE_AGENCY_WIDTH + 1];
	char reason[NOTICE_REASON_WIDTH + 1];
	char text[BCAST_TEXT_MAX], folded[BCAST_TEXT_MAX];
	const char *due = "20/08/2025", *m;
	struct bcast_vars vars = { 0 };
	struct text_plan plan;
	struct seg_opts o;
	char widths[160];
	int segs;

	memset(proc, 'x', NOTICE_PROCEDURE_WIDTH);
	proc[NOTICE_PROCEDURE_WIDTH] = '\0';
	memset(agency, 'x', NOTICE_AGENCY_WIDTH);
	agency[NOTICE_AGENCY_WIDTH] = '\0';
	memset(reason, 'x', NOTICE_REASON_WIDTH);
	reason[NOTICE_REASON_WIDTH] = '\0';
	m = ld->set->missing[V_DUE][l];
	if (m && utf8_length(m) > utf8_length(due))
		due = m;
	m = ld->set->missing[V_AGENCY][l];
	bcast_vars_set(&vars, "code", "000.00.19.H56-250806-0001");
	bcast_vars_set(&vars, "procedure", proc);
	bcast_vars_set(&vars, "status",
		       dossier_status_label(st, lang_names[l]));
	bcast_vars_set(&vars, "due", due);
	bcast_vars_set(&vars, "agency",
		       m && utf8_length(m) > NOTICE_AGENCY_WIDTH ? m : agency);
	m = ld->set->missing[V_REASON][l];
	bcast_vars_set(&vars, "reason",
		       m && utf8_length(m) > NOTICE_REASON_WIDTH ? m : reason);
	if (bcast_tpl_render(t, &vars, text, sizeof(text), NULL, 0) < 0) {
		problem(ld, ld->where[st][l], "longer than %d bytes with "
			"its variables", BCAST_TEXT_MAX - 1);
		return;
	}
	text_fold(text, folded, sizeof(folded));
	seg_opts_init(&o);
	o.fold = true;
	segs = seg_count(folded, &o, &plan);
	if (segs <= 1)
		return;
	/* say which widths were assumed: "{code} 25, {status} 36" */
	widths[0] = '\0';
	for (unsigned i = 0, n = 0; i < bcast_tpl_nvars(t); i++) {
		const char *name = bcast_tpl_var(t, i);
		int w = snprintf(widths + n, sizeof(widths) - n, "%s{%s} %zu",
				 i ? ", " : "", name,
				 utf8_length(bcast_vars_get(&vars, name)));

		if (w < 0 || (size_t)w >= sizeof(widths) - n)
			break;
		n += (unsigned)w;
	}
	if (plan.enc == TEXT_ENC_GSM7)
		problem(ld, ld->where[st][l], "%zu characters without "
			"diacritics (with %s characters): more than one SMS "
			"(160)", plan.units, widths);
	else
		problem(ld, ld->where[st][l], "%zu characters, and a "
			"character without a GSM-7 form makes it UCS-2: more "
			"than one SMS (70)", plan.units);
}

/* Checks that need the whole file: `missing` texts, lengths. */
static void check_all(struct loader *ld)
{
	for (int st = 1; st <= NSTATUS; st++)
		for (int l = 0; l < NLANGS; l++) {
			const struct bcast_tpl *t = ld->set->tpl[st][l];

			if (!t)
				continue;
			for (unsigned i = 0; i < bcast_tpl_nvars(t); i++) {
				int v = var_index(bcast_tpl_var(t, i));

				if (may_be_missing(v) &&
				    !ld->set->missing[v][l])
					problem(ld, ld->where[st][l],
						"uses {%s}, which a dossier "
						"may lack: add missing = { %s "
						"= { vi = \"...\"; en = "
						"\"...\"; }; };", var_names[v],
						var_names[v]);
			}
			check_length(ld, st, l);
		}
}

int notice_load(const char *path, struct notice_set **out,
		notice_report_fn report, void *ctx, char *err, size_t errlen)
{
	struct loader ld = { .path = path, .report = report, .ctx = ctx };
	const config_setting_t *root;
	char dir[1024];
	const char *slash;
	config_t cfg;
	FILE *f;

	*out = NULL;
	f = fopen(path, "r");
	if (!f)
		return util_err(err, errlen, errno == ENOENT ? -ENOENT : -EINVAL,
			       "%s: %s", path, strerror(errno));
	fclose(f);
	ld.set = calloc(1, sizeof(*ld.set));
	if (!ld.set)
		return -ENOMEM;
	slash = strrchr(path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
		 slash ? path : ".");
	config_init(&cfg);
	config_set_include_dir(&cfg, dir);
	/* a directory named by @include would end the process */
	if (util_cfg_includes(dir, path, ld.first, sizeof(ld.first)) < 0) {
		ld.problems++;
		if (report)
			report(ctx, ld.first);
		goto done;
	}
	if (config_read_file(&cfg, path) != CONFIG_TRUE) {
		char line[768];

		snprintf(line, sizeof(line), "%s:%d: %s",
			 config_error_file(&cfg) ? config_error_file(&cfg)
						 : path,
			 config_error_line(&cfg), config_error_text(&cfg));
		ld.problems++;
		util_strlcpy(ld.first, line, sizeof(ld.first));
		if (report)
			report(ctx, line);
		goto done;
	}
	root = config_root_setting(&cfg);
	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *e = config_setting_get_elem(root, i);
		const char *name = config_setting_name(e);

		if (strcmp(name, "notices") == 0)
			load_notices(&ld, e);
		else if (strcmp(name, "missing") == 0)
			load_missing(&ld, e);
		else
			problem(&ld, e, "unknown setting (notices, missing)");
	}
	if (!config_lookup(&cfg, "notices"))
		problem(&ld, NULL, "no notices = { status_2 = { vi = "
			"\"...\"; en = \"...\"; }; ... };");
	check_all(&ld);	/* on what loaded: every problem in one go */
done:
	config_destroy(&cfg);
	if (ld.problems) {
		notice_set_free(ld.set);
		if (ld.problems > 1)
			return util_err(err, errlen, -EINVAL, "%s (and %d more "
				       "problem%s)", ld.first, ld.problems - 1,
				       ld.problems > 2 ? "s" : "");
		return util_err(err, errlen, -EINVAL, "%s", ld.first);
	}
	*out = ld.set;
	return 0;
}

/* --- rendering ----------------------------------------------------------------- */

/*
 * {reason}: at most NOTICE_REASON_WIDTH characters and, as a variable
 * holds BCAST_VALUE_MAX bytes, without diacritics when it has too many of
 * them (the SMS loses them anyway, menus.fold_vi); cut as a last resort.
 */
static void reason_value(const char *src, char *out, size_t cap)
{
	char folded[4 * NOTICE_REASON_WIDTH + 4];

	cut_chars(src, NOTICE_REASON_WIDTH, out, cap);
	if (strlen(out) <= BCAST_VALUE_MAX)
		return;
	text_fold(out, folded, sizeof(folded));
	cut_chars(folded, NOTICE_REASON_WIDTH, out,
		  cap < BCAST_VALUE_MAX + 1 ? cap : BCAST_VALUE_MAX + 1);
}

int notice_render(const struct notice_set *s, const struct dossier *d,
		  const char *lang, bool fold, char *out, size_t cap,
		  char *err, size_t errlen)
{
	char proc[4 * NOTICE_PROCEDURE_WIDTH + 4];
	char agency[4 * NOTICE_AGENCY_WIDTH + 4], code[DOSSIER_CODE_MAX];
	char reason[4 * NOTICE_REASON_WIDTH + 4];
	char due[16], text[BCAST_TEXT_MAX], folded[BCAST_TEXT_MAX];
	const char *src = text;
	struct bcast_vars vars = { 0 };
	int l = !lang || !*lang ? 0 : lang_index(lang), rc;

	if (l < 0)
		return util_err(err, errlen, -EINVAL, "no notices in language "
			       "'%.8s' (vi, en)", lang);
	if (d->status < 1 || d->status > NSTATUS)
		return util_err(err, errlen, -EINVAL, "status %d is not 1..10",
			       d->status);
	if (!s->tpl[d->status][l])
		return util_err(err, errlen, -ENOENT, "no notice for status %d",
			       d->status);
	cut_chars(d->code, DOSSIER_CODE_MAX - 1, code, sizeof(code));
	cut_chars(d->procedure, NOTICE_PROCEDURE_WIDTH, proc, sizeof(proc));
	cut_chars(d->agency, NOTICE_AGENCY_WIDTH, agency, sizeof(agency));
	reason_value(d->reason, reason, sizeof(reason));
	bcast_vars_set(&vars, "code", code);
	bcast_vars_set(&vars, "procedure", proc);
	bcast_vars_set(&vars, "status",
		       dossier_status_label(d->status, lang_names[l]));
	if (dossier_date_valid(d->due_at)) {
		dossier_date_display(d->due_at, due, sizeof(due));
		bcast_vars_set(&vars, "due", due);
	} else if (s->missing[V_DUE][l]) {
		bcast_vars_set(&vars, "due", s->missing[V_DUE][l]);
	}
	if (agency[0])
		bcast_vars_set(&vars, "agency", agency);
	else if (s->missing[V_AGENCY][l])
		bcast_vars_set(&vars, "agency", s->missing[V_AGENCY][l]);
	if (reason[0])
		bcast_vars_set(&vars, "reason", reason);
	else if (s->missing[V_REASON][l])
		bcast_vars_set(&vars, "reason", s->missing[V_REASON][l]);
	rc = bcast_tpl_render(s->tpl[d->status][l], &vars, text, sizeof(text),
			      err, errlen);
	if (rc < 0)
		return rc;
	if (fold) {
		text_fold(text, folded, sizeof(folded));
		src = folded;
	}
	if (strlen(src) >= cap)
		return util_err(err, errlen, -EMSGSIZE, "the notice is %zu "
			       "bytes, the buffer holds %zu", strlen(src),
			       cap ? cap - 1 : 0);
	memcpy(out, src, strlen(src) + 1);
	return 0;
}
