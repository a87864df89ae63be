/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Metrics registry and the Prometheus text renderer (see common/metrics.h).
 * Owns the series of every metric, allocated at once when the registry is
 * made; the hot path only scans and adds.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/metrics.h"
#include "common/util.h"

#define OTHER "_other"

struct series {
	bool used;
	char lv[METRIC_LABELS_MAX][METRIC_VALUE_MAX];
	double v;			/* counter, gauge; histogram: sum */
	uint64_t count;			/* histogram: observations */
	uint64_t b[METRIC_BUCKETS_MAX];	/* histogram: per bucket, not
					 * cumulative (+Inf is count) */
};

struct family {
	const struct metric_def *def;
	int nlabels;
	int cap;
	struct series *s;
};

struct metrics {
	int n;
	struct family *f;
};

static struct metrics *process_registry;

/* --- definitions ----------------------------------------------------------- */

static bool valid_name(const char *s, bool colon)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' ||
		      (colon && *s == ':')))
			return false;
	return true;
}

static int check_def(const struct metric_def *d, int *nlabels, char *err,
		     size_t errlen)
{
	int nl = 0;

	if (!valid_name(d->name, true))
		return util_err(err, errlen, -EINVAL, "metric name '%s' is "
				"not [a-zA-Z_:][a-zA-Z0-9_:]*",
				d->name ? d->name : "(null)");
	while (nl <= METRIC_LABELS_MAX && d->labels[nl])
		nl++;
	if (nl > METRIC_LABELS_MAX)
		return util_err(err, errlen, -EINVAL, "%s: more than %d "
				"labels", d->name, METRIC_LABELS_MAX);
	for (int i = 0; i < nl; i++)
		if (!valid_name(d->labels[i], false) ||
		    strncmp(d->labels[i], "__", 2) == 0 ||
		    (d->type == METRIC_HISTOGRAM &&
		     strcmp(d->labels[i], "le") == 0))
			return util_err(err, errlen, -EINVAL, "%s: label "
					"name '%s' is not allowed", d->name,
					d->labels[i]);
	if (d->type == METRIC_HISTOGRAM) {
		if (d->nbuckets < 1 || d->nbuckets > METRIC_BUCKETS_MAX ||
		    !d->buckets)
			return util_err(err, errlen, -EINVAL, "%s: 1 to %d "
					"buckets", d->name,
					METRIC_BUCKETS_MAX);
		for (int i = 0; i < d->nbuckets; i++)
			if (!isfinite(d->buckets[i]) ||
			    (i && d->buckets[i] <= d->buckets[i - 1]))
				return util_err(err, errlen, -EINVAL, "%s: "
						"bucket bounds must be finite "
						"and ascending", d->name);
	}
	*nlabels = nl;
	return 0;
}

struct metrics *metrics_new(const struct metric_def *defs, int n, char *err,
			    size_t errlen)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m || !(m->f = calloc((size_t)(n > 0 ? n : 1), sizeof(*m->f)))) {
		free(m);
		util_err(err, errlen, -ENOMEM, "out of memory");
		return NULL;
	}
	m->n = n;
	for (int i = 0; i < n; i++) {
		struct family *f = &m->f[i];

		f->def = &defs[i];
		if (check_def(f->def, &f->nlabels, err, errlen) < 0) {
			metrics_free(m);
			return NULL;
		}
		/* without labels there is exactly one series, always shown */
		f->cap = f->nlabels == 0 ? 1
			 : f->def->max_series > 1 ? f->def->max_series
						  : METRIC_SERIES_DEFAULT;
		f->s = calloc((size_t)f->cap, sizeof(*f->s));
		if (!f->s) {
			metrics_free(m);
			util_err(err, errlen, -ENOMEM, "out of memory");
			return NULL;
		}
		if (f->nlabels == 0)
			f->s[0].used = true;
	}
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	for (int i = 0; m->f && i < m->n; i++)
		free(m->f[i].s);
	free(m->f);
	if (process_registry == m)
		process_registry = NULL;
	free(m);
}

/* --- the hot path ---------------------------------------------------------- */

static bool same_values(const struct series *s, int nl,
			const char *const *v)
{
	for (int i = 0; i < nl; i++)
		if (strncmp(s->lv[i], v[i], METRIC_VALUE_MAX - 1) != 0)
			return false;
	return true;
}

/* The series of these label values: found, made, or the "_other" one
 * (the last slot) when every other slot is taken. NULL for a bad id. The
 * values are read up to their NULL: fewer than the labels are "". */
static struct series *find(struct metrics *m, int id, const char *const *lv,
			   bool make)
{
	const char *v[METRIC_LABELS_MAX];
	struct family *f;
	struct series *s;
	bool end = !lv;

	if (!m || id < 0 || id >= m->n)
		return NULL;
	f = &m->f[id];
	if (f->nlabels == 0)
		return &f->s[0];
	for (int k = 0; k < f->nlabels; k++) {
		end = end || !lv[k];
		v[k] = end ? "" : lv[k];
	}
	for (int i = 0; i < f->cap; i++) {
		s = &f->s[i];
		if (!s->used) {
			if (!make)
				return NULL;
			if (i == f->cap - 1)
				break;	/* the last slot is "_other" */
			s->used = true;
			for (int k = 0; k < f->nlabels; k++)
				util_strlcpy(s->lv[k], v[k], sizeof(s->lv[k]));
			return s;
		}
		if (same_values(s, f->nlabels, v))
			return s;
	}
	if (!make)
		return NULL;
	s = &f->s[f->cap - 1];
	if (!s->used) {
		s->used = true;
		for (int k = 0; k < f->nlabels; k++)
			util_strlcpy(s->lv[k], OTHER, sizeof(s->lv[k]));
	}
	return s;
}

void metrics_add(struct metrics *m, int id, const char *const *lv, double v)
{
	struct series *s = find(m, id, lv, true);

	if (s && m->f[id].def->type != METRIC_HISTOGRAM)
		s->v += v;
}

void metrics_set(struct metrics *m, int id, const char *const *lv, double v)
{
	struct series *s = find(m, id, lv, true);

	if (s && m->f[id].def->type == METRIC_GAUGE)
		s->v = v;
}

void metrics_observe(struct metrics *m, int id, const char *const *lv,
		     double v)
{
	struct series *s = find(m, id, lv, true);
	const struct metric_def *d;

	if (!s || (d = m->f[id].def)->type != METRIC_HISTOGRAM || isnan(v))
		return;
	for (int i = 0; i < d->nbuckets; i++)
		if (v <= d->buckets[i]) {
			s->b[i]++;
			break;
		}
	s->count++;
	s->v += v;
}

void metrics_clear(struct metrics *m, int id)
{
	struct family *f;

	if (!m || id < 0 || id >= m->n)
		return;
	f = &m->f[id];
	memset(f->s, 0, (size_t)f->cap * sizeof(*f->s));
	if (f->nlabels == 0)
		f->s[0].used = true;
}

double metrics_value(const struct metrics *m, int id, const char *const *lv)
{
	const struct series *s = find((struct metrics *)m, id, lv, false);

	return s ? s->v : 0;
}

void metrics_process_set(struct metrics *m)
{
	process_registry = m;
}

struct metrics *metrics_process(void)
{
	return process_registry;
}

void metric_add(int id, const char *const *lv, double v)
{
	metrics_add(process_registry, id, lv, v);
}

void metric_set(int id, const char *const *lv, double v)
{
	metrics_set(process_registry, id, lv, v);
}

void metric_observe(int id, const char *const *lv, double v)
{
	metrics_observe(process_registry, id, lv, v);
}

void metric_clear(int id)
{
	metrics_clear(process_registry, id);
}

/* --- rendering ------------------------------------------------------------- */

struct out {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		char *b;

		while (o->len + n + 1 > cap)
			cap *= 2;
		b = realloc(o->buf, cap);
		if (!b) {
			o->oom = true;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* HELP text escapes \ and newline; label values also ". */
static void put_escaped(struct out *o, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			puts_(o, "\\\\");
		else if (*s == '\n')
			puts_(o, "\\n");
		else if (quote && *s == '"')
			puts_(o, "\\\"");
		else
			put(o, s, 1);
	}
}

/* A float as Prometheus reads it: +Inf, -Inf, NaN, or the shortest
 * decimal that reads back to the same double. */
static void put_float(struct out *o, double v)
{
	char b[40];

	if (isnan(v)) {
		puts_(o, "NaN");
		return;
	}
	if (isinf(v)) {
		puts_(o, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	for (int prec = 6; prec <= 17; prec++) {
		snprintf(b, sizeof(b), "%.*g", prec, v);
		if (strtod(b, NULL) == v)
			break;
	}
	puts_(o, b);
}

static void put_u64(struct out *o, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	puts_(o, b);
}

/* name{l1="v1",...[,le="x"]} */
static void put_series_name(struct out *o, const struct family *f,
			    const struct series *s, const char *suffix,
			    const double *le)
{
	bool any = false;

	puts_(o, f->def->name);
	puts_(o, suffix);
	for (int k = 0; k < f->nlabels; k++) {
		puts_(o, any ? "," : "{");
		any = true;
		puts_(o, f->def->labels[k]);
		puts_(o, "=\"");
		put_escaped(o, s->lv[k], true);
		puts_(o, "\"");
	}
	if (le) {
		puts_(o, any ? "," : "{");
		any = true;
		puts_(o, "le=\"");
		put_float(o, *le);
		puts_(o, "\"");
	}
	if (any)
		puts_(o, "}");
	puts_(o, " ");
}

static void render_family(struct out *o, const struct family *f)
{
	static const char *const type_name[] = {
		[METRIC_COUNTER] = "counter",
		[METRIC_GAUGE] = "gauge",
		[METRIC_HISTOGRAM] = "histogram",
	};
	const struct metric_def *d = f->def;

	puts_(o, "# HELP ");
	puts_(o, d->name);
	puts_(o, " ");
	put_escaped(o, d->help ? d->help : "", false);
	puts_(o, "\n# TYPE ");
	puts_(o, d->name);
	puts_(o, " ");
	puts_(o, type_name[d->type]);
	puts_(o, "\n");
	for (int i = 0; i < f->cap; i++) {
		const struct series *s = &f->s[i];
		uint64_t cum = 0;
		double inf = INFINITY;

		if (!s->used)
			continue;
		if (d->type != METRIC_HISTOGRAM) {
			put_series_name(o, f, s, "", NULL);
			put_float(o, s->v);
			puts_(o, "\n");
			continue;
		}
		for (int b = 0; b < d->nbuckets; b++) {
			cum += s->b[b];
			put_series_name(o, f, s, "_bucket", &d->buckets[b]);
			put_u64(o, cum);
			puts_(o, "\n");
		}
		put_series_name(o, f, s, "_bucket", &inf);
		put_u64(o, s->count);
		puts_(o, "\n");
		put_series_name(o, f, s, "_sum", NULL);
		put_float(o, s->v);
		puts_(o, "\n");
		put_series_name(o, f, s, "_count", NULL);
		put_u64(o, s->count);
		puts_(o, "\n");
	}
}

char *metrics_render(const struct metrics *m, size_t *len)
{
	struct out o = { 0 };

	put(&o, "", 0);
	for (int i = 0; m && i < m->n; i++)
		render_family(&o, &m->f[i]);
	if (o.oom) {
		free(o.buf);
		return NULL;
	}
	if (len)
		*len = o.len;
	return o.buf;
}
