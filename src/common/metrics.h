/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Metrics: counters, gauges and histograms, optionally labelled, rendered
 * in the Prometheus text exposition format 0.0.4 (docs/metrics.md).
 *
 * A registry is made from a table of definitions (name, type, help,
 * labels, buckets); every series it can hold is allocated then, so that
 * counting on the hot path allocates nothing and formats nothing: it finds
 * the series of its label values by a short scan and adds. A metric whose
 * series are all taken folds further label sets into one series whose
 * values are all "_other" (bounded memory whatever a peer sends).
 *
 * The gateway's metrics are the table cgw_metrics (metrics_defs.c), one
 * entry per enum cgw_metric. The daemon makes one registry of it and
 * installs it as the process's (metrics_process_set); the hot-path calls
 * metric_*() count into it and do nothing when none is installed (the
 * control program, the simulator, unit tests of other modules), the way
 * log levels are process-wide. Tests of the renderer use their own tables
 * and registries.
 */
#ifndef CGW_METRICS_H
#define CGW_METRICS_H

#include <stdbool.h>
#include <stddef.h>

enum metric_type {
	METRIC_COUNTER,
	METRIC_GAUGE,
	METRIC_HISTOGRAM,
};

#define METRIC_LABELS_MAX 4
#define METRIC_VALUE_MAX 48	/* bytes of a label value with its NUL;
				 * longer values are cut */
#define METRIC_BUCKETS_MAX 16	/* finite upper bounds; +Inf is implied */
#define METRIC_SERIES_DEFAULT 32

struct metric_def {
	const char *name;	/* [a-zA-Z_:][a-zA-Z0-9_:]* */
	enum metric_type type;
	const char *help;
	/* label names, NULL-terminated ("le" is reserved) */
	const char *labels[METRIC_LABELS_MAX + 1];
	/* histograms: finite upper bounds, ascending, `nbuckets` of them */
	const double *buckets;
	int nbuckets;
	/* label sets it may hold (0: METRIC_SERIES_DEFAULT), the "_other"
	 * one included */
	int max_series;
};

struct metrics;

/*
 * A registry over defs[0..n-1] (defs must outlive it). NULL with the
 * reason in err when a definition is malformed (a bad name, too many
 * labels or buckets, bounds not ascending) or memory is short.
 */
struct metrics *metrics_new(const struct metric_def *defs, int n, char *err,
			    size_t errlen);
void metrics_free(struct metrics *m);

/*
 * Label values: a NULL-terminated array of as many strings as the metric
 * has labels, in the order of its definition (missing ones count as "",
 * extra ones are ignored); NULL for a metric without labels.
 * METRIC_LV("main", "in") makes one on the stack.
 */
#define METRIC_LV(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Adds v (>= 0) to a counter or a gauge. */
void metrics_add(struct metrics *m, int id, const char *const *lv, double v);
/* Sets a gauge. */
void metrics_set(struct metrics *m, int id, const char *const *lv, double v);
/* Counts one observation of a histogram. */
void metrics_observe(struct metrics *m, int id, const char *const *lv,
		     double v);
/* Forgets every label set of a metric (gauges set afresh at each scrape:
 * a bind removed, a broadcast finished); an unlabelled one is zeroed. */
void metrics_clear(struct metrics *m, int id);
/* The value of a counter or gauge series (0 when it has none); tests. */
double metrics_value(const struct metrics *m, int id, const char *const *lv);

/*
 * The whole registry in the text format 0.0.4 (Content-Type
 * "text/plain; version=0.0.4; charset=utf-8"): NUL-terminated, owned by
 * the caller (free()), or NULL when memory is short.
 */
char *metrics_render(const struct metrics *m, size_t *len);

/* --- the process's registry -------------------------------------------------- */

/* Installs the registry the metric_*() calls use (NULL: none). */
void metrics_process_set(struct metrics *m);
struct metrics *metrics_process(void);

void metric_add(int id, const char *const *lv, double v);
void metric_set(int id, const char *const *lv, double v);
void metric_observe(int id, const char *const *lv, double v);
void metric_clear(int id);
static inline void metric_inc(int id, const char *const *lv)
{
	metric_add(id, lv, 1);
}

/* --- the gateway's metrics (metrics_defs.c; docs/metrics.md) ----------------- */

enum cgw_metric {
	CGW_M_BIND_UP,		/* gauge {bind, role} */
	CGW_M_BIND_STATE,	/* gauge {bind, state} = 1 */
	CGW_M_BIND_WINDOW,	/* gauge {bind} */
	CGW_M_BIND_IN_FLIGHT,	/* gauge {bind} */
	CGW_M_BIND_TPS,		/* gauge {bind} */
	CGW_M_BIND_CONNECTS,	/* counter {bind} */
	CGW_M_BIND_BACKOFFS,	/* counter {bind} */
	CGW_M_THROTTLED,	/* counter {bind} */
	CGW_M_PDUS,		/* counter {bind, command, status, direction} */
	CGW_M_MO,		/* counter {bind, channel} */
	CGW_M_MO_REDELIVERED,	/* counter {bind} */
	CGW_M_MT,		/* counter {kind, result} */
	CGW_M_RECEIPTS,		/* counter {bind, state} */
	CGW_M_QUEUE_DEPTH,	/* gauge {queue} */
	CGW_M_SESSIONS,		/* gauge */
	CGW_M_REDIS_UP,		/* gauge */
	CGW_M_REDIS_SECONDS,	/* histogram */
	CGW_M_REDIS_ERRORS,	/* counter {kind} */
	CGW_M_MO_MT_SECONDS,	/* histogram {channel} */
	CGW_M_BCAST_RECIPIENTS,	/* gauge {broadcast, state} */
	CGW_M_SCRAPE_ERRORS,	/* counter {part} */
	CGW_M_COUNT
};

extern const struct metric_def cgw_metrics[CGW_M_COUNT];

#endif
