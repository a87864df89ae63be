/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Latency histogram of cgw-loadgen: fixed log-linear buckets, no
 * allocation per sample. Values below 2048 (µs) have a bucket each; above,
 * every power of two is cut into 1024 buckets, so a bucket is at most
 * 1/1024 (0.1%) of its value wide. Recording is an index computation and
 * an increment; percentiles walk the buckets once.
 */
#ifndef LG_HIST_H
#define LG_HIST_H

#include <stdint.h>

#define LG_HIST_SUB_BITS 10	/* 1024 buckets per power of two */
#define LG_HIST_MAX_SHIFT 30	/* values up to 2^41 µs (25 days) */
#define LG_HIST_BUCKETS ((LG_HIST_MAX_SHIFT + 2) << LG_HIST_SUB_BITS)

struct lg_hist {
	uint64_t total;		/* samples recorded */
	uint64_t max;		/* largest sample, exact */
	uint32_t counts[LG_HIST_BUCKETS];
};

/* Empties h. */
void lg_hist_reset(struct lg_hist *h);
/* Adds one sample (any unit; cgw-loadgen records µs). */
void lg_hist_record(struct lg_hist *h, uint64_t v);
/*
 * The value at percentile p (0 < p <= 100): the midpoint of the bucket
 * holding the ceil(p% * total)-th smallest sample, never above the exact
 * maximum, which is the answer when that sample is the largest. 0 when
 * the histogram is empty.
 */
uint64_t lg_hist_percentile(const struct lg_hist *h, double p);
/* Bucket of v and the smallest value of a bucket (for the unit tests). */
unsigned lg_hist_index(uint64_t v);
uint64_t lg_hist_lowest(unsigned idx);

#endif
