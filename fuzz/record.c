/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: a record read back from Redis (store/record.h), the MO
 * record whose addresses, channel and time travel packed in one field.
 *
 * Input: a byte that chooses, then NUL-separated pieces. Choice even: the
 * pieces are field/value pairs as a HGETALL gives them (any names, the
 * pack's "m" among them, any bytes) to rec_from_pairs. Choice odd: the
 * pieces fill an MO (phone, source, destination, bind, USSD reference,
 * text, then numbers from the bytes that follow), which rec_each writes
 * and rec_from_pairs reads back. Properties (abort when broken):
 *
 *  - every string field read is NUL-terminated within its buffer;
 *  - an MO written and read back has every field it was written with
 *    (strings as far as they fit, ',' and '%' in them included).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "fuzz/fuzz.h"
#include "store/record.h"
#include "store/store.h"

#define MAX_PAIRS 64

static void check_terminated(const struct store_mo *mo)
{
	const struct {
		const char *s;
		size_t size;
	} f[] = {
		{ mo->id, sizeof(mo->id) }, { mo->msisdn, sizeof(mo->msisdn) },
		{ mo->src, sizeof(mo->src) }, { mo->dst, sizeof(mo->dst) },
		{ mo->bind, sizeof(mo->bind) },
		{ mo->ussd_ref, sizeof(mo->ussd_ref) },
		{ mo->text, sizeof(mo->text) }, { mo->fp, sizeof(mo->fp) },
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!memchr(f[i].s, '\0', f[i].size))
			fz_fail("a string field read past its buffer");
}

/* rec_each's pairs, copied (values live in the writer's buffers) */
struct pairs {
	char *v[MAX_PAIRS];
	size_t n;
};

static void collect(void *arg, const char *name, const char *value)
{
	struct pairs *p = arg;

	if (p->n + 2 > MAX_PAIRS)
		fz_fail("a record of more than %d fields", MAX_PAIRS / 2);
	p->v[p->n++] = strdup(name);
	p->v[p->n++] = strdup(value);
	if (!p->v[p->n - 1] || !p->v[p->n - 2])
		abort();
}

static void piece(struct fz *f, char *out, size_t size)
{
	size_t n;
	const uint8_t *p = fz_until(f, 0, &n);
	char *s = fz_strndup(p, n);

	util_strlcpy(out, s, size);
	free(s);
}

static void round_trip(struct fz *f)
{
	static struct store_mo mo, back;
	struct pairs p = { .n = 0 };

	rec_defaults(&rec_mo, &mo);
	piece(f, mo.msisdn, sizeof(mo.msisdn));
	piece(f, mo.src, sizeof(mo.src));
	piece(f, mo.dst, sizeof(mo.dst));
	piece(f, mo.bind, sizeof(mo.bind));
	piece(f, mo.ussd_ref, sizeof(mo.ussd_ref));
	piece(f, mo.text, sizeof(mo.text));
	mo.src_ton = fz_u8(f);
	mo.src_npi = fz_u8(f);
	mo.dst_ton = fz_u8(f);
	mo.dst_npi = fz_u8(f);
	mo.ch = fz_bool(f) ? STORE_CH_USSD : STORE_CH_SMS;
	mo.ussd_ev = fz_u8(f);
	mo.recv_ms = (int64_t)fz_u16(f) << 24;
	mo.recv_ms |= fz_u16(f);
	rec_each(&rec_mo, &mo, collect, &p);
	rec_from_pairs(&rec_mo, &back, (const char *const *)p.v, p.n);
	for (size_t i = 0; i < p.n; i++)
		free(p.v[i]);
	check_terminated(&back);
	/* a source equal to the phone is read back as the phone */
	if (strcmp(back.msisdn, mo.msisdn) || strcmp(back.src, mo.src) ||
	    strcmp(back.dst, mo.dst) || strcmp(back.bind, mo.bind) ||
	    strcmp(back.ussd_ref, mo.ussd_ref) || strcmp(back.text, mo.text))
		fz_fail("a string field changed: src \"%s\" -> \"%s\", dst "
			"\"%s\" -> \"%s\"", mo.src, back.src, mo.dst,
			back.dst);
	if (back.src_ton != mo.src_ton || back.src_npi != mo.src_npi ||
	    back.dst_ton != mo.dst_ton || back.dst_npi != mo.dst_npi ||
	    back.ch != mo.ch || back.ussd_ev != mo.ussd_ev ||
	    back.recv_ms != mo.recv_ms)
		fz_fail("a number field changed");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	static struct store_mo mo;
	char *v[MAX_PAIRS];
	size_t n = 0;

	if (fz_u8(&f) & 1) {
		round_trip(&f);
		return 0;
	}
	while (f.n && n < MAX_PAIRS) {
		size_t len;
		const uint8_t *p = fz_until(&f, 0, &len);

		v[n++] = fz_strndup(p, len);
	}
	rec_from_pairs(&rec_mo, &mo, (const char *const *)v, n);
	check_terminated(&mo);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	return 0;
}
