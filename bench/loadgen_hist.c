/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Log-linear latency histogram (see loadgen_hist.h). Bucket idx of a value
 * v >= 2048 is shift * 1024 + (v >> shift), where shift puts v >> shift in
 * [1024, 2048); for v < 2048 it is v itself, so the two ranges meet.
 */
#include "config.h"

#include <string.h>

#include "loadgen_hist.h"

#define SUB (1u << LG_HIST_SUB_BITS)

void lg_hist_reset(struct lg_hist *h)
{
	memset(h, 0, sizeof(*h));
}

unsigned lg_hist_index(uint64_t v)
{
	unsigned shift;

	if (v < 2 * SUB)
		return (unsigned)v;
	/* 63 - clz: the top bit; keep LG_HIST_SUB_BITS + 1 bits of v */
	shift = (unsigned)(63 - __builtin_clzll(v)) - LG_HIST_SUB_BITS;
	if (shift > LG_HIST_MAX_SHIFT)
		return LG_HIST_BUCKETS - 1;
	return shift * SUB + (unsigned)(v >> shift);
}

uint64_t lg_hist_lowest(unsigned idx)
{
	unsigned shift;

	if (idx < 2 * SUB)
		return idx;
	shift = idx / SUB - 1;
	return (uint64_t)(idx - shift * SUB) << shift;
}

void lg_hist_record(struct lg_hist *h, uint64_t v)
{
	h->counts[lg_hist_index(v)]++;
	h->total++;
	if (v > h->max)
		h->max = v;
}

/* The middle of bucket idx: the next bucket's lowest value is its end. */
static uint64_t bucket_mid(unsigned idx)
{
	uint64_t lo = lg_hist_lowest(idx);
	uint64_t hi = idx + 1 < LG_HIST_BUCKETS ? lg_hist_lowest(idx + 1)
						 : lo + 1;

	return lo + (hi - lo - 1) / 2;
}

uint64_t lg_hist_percentile(const struct lg_hist *h, double p)
{
	uint64_t want, seen = 0;
	double exact;

	if (!h->total)
		return 0;
	if (p > 100)
		p = 100;
	/* the ceiling, without libm */
	exact = p / 100.0 * (double)h->total;
	want = (uint64_t)exact;
	if ((double)want < exact)
		want++;
	if (want < 1)
		want = 1;
	if (want >= h->total)
		return h->max;	/* the largest sample is known exactly */
	for (unsigned i = 0; i < LG_HIST_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen >= want) {
			uint64_t v = bucket_mid(i);

			return v < h->max ? v : h->max;
		}
	}
	return h->max;
}
