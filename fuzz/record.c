/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: a record read back from Redis (store/record.h), the MO
 * and MT records whose addresses and times (and an MO's text) travel
 * packed in one field (REC_PACK).
 *
 * Input: a byte that chooses, then NUL-separated pieces. Choice even: the
 * pieces are field/value pairs as a HGETALL gives them (any names, the
 * packs' "m" and "a" among them, any bytes) to rec_from_pairs as an MO
 * and as an MT, and each pair's value to rec_unpack_each as a pack of
 * either, and to store_fp_mark_live as a fingerprint's value (the
 * piece before it the live connections). Choice 1 (mod 4): the pieces fill an MO (phone, source,
 * destination, bind, USSD reference, text, then numbers from the bytes
 * that follow), which rec_each writes and rec_from_pairs reads back;
 * choice 3: the same of an MT (phone, source, bind, text, numbers).
 * Properties (abort when broken):
 *
 *  - every string field read is NUL-terminated within its buffer;
 *  - a pack's values are fields of its record, each shorter than
 *    REC_PACK_MAX;
 *  - a record written and read back has every field it was written with
 *    (strings as far as they fit, ',' and '%' in them included);
 *  - a fingerprint's value judged a live mark is "a ..." and names an MO
 *    id inside it, shorter than STORE_ID_MAX, that ends it; a mark made
 *    of it (store_fp_mark, that id, conn and time) is judged live on
 *    that conn and names the same id.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "fuzz/fuzz.h"
#include "store/record.h"
#include "store/store.h"
#include "store/store_int.h"

#define MAX_PAIRS 64

struct str_field {
	const char *s;
	size_t size;
};

/* every string read ends within its buffer */
static void check_ends(const struct str_field *f, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (!memchr(f[i].s, '\0', f[i].size))
			fz_fail("%s string field read past its buffer", what);
}

static void check_terminated(const struct store_mo *mo)
{
	const struct str_field f[] = {
		{ mo->id, sizeof(mo->id) }, { mo->msisdn, sizeof(mo->msisdn) },
		{ mo->src, sizeof(mo->src) }, { mo->dst, sizeof(mo->dst) },
		{ mo->bind, sizeof(mo->bind) },
		{ mo->ussd_ref, sizeof(mo->ussd_ref) },
		{ mo->text, sizeof(mo->text) }, { mo->fp, sizeof(mo->fp) },
	};

	check_ends(f, sizeof(f) / sizeof(f[0]), "an MO");
}

static void check_mt_terminated(const struct store_mt *mt)
{
	const struct str_field f[] = {
		{ mt->id, sizeof(mt->id) }, { mt->msisdn, sizeof(mt->msisdn) },
		{ mt->src, sizeof(mt->src) }, { mt->dst, sizeof(mt->dst) },
		{ mt->bind, sizeof(mt->bind) }, { mt->bc, sizeof(mt->bc) },
		{ mt->ussd_ref, sizeof(mt->ussd_ref) },
		{ mt->text, sizeof(mt->text) },
	};

	check_ends(f, sizeof(f) / sizeof(f[0]), "an MT");
}

/* rec_unpack_each's callback: def is the record */
static void check_unpacked(void *arg, const char *name, const char *value)
{
	const struct rec_def *def = arg;
	const struct rec_field *f = rec_field_find(def, name);

	if (!f || !(f->flags & REC_PACK))
		fz_fail("a pack gave %s, no packed field of %s", name,
			def->name);
	if (strlen(value) >= REC_PACK_MAX)
		fz_fail("a packed value of %zu bytes", strlen(value));
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

/* obj written by rec_each and read back into back by rec_from_pairs */
static void write_read(const struct rec_def *def, const void *obj,
		       void *back)
{
	struct pairs p = { .n = 0 };

	rec_each(def, obj, collect, &p);
	rec_from_pairs(def, back, (const char *const *)p.v, p.n);
	for (size_t i = 0; i < p.n; i++)
		free(p.v[i]);
}

static void round_trip(struct fz *f)
{
	static struct store_mo mo, back;

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
	write_read(&rec_mo, &mo, &back);
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

static void round_trip_mt(struct fz *f)
{
	static struct store_mt mt, back;

	rec_defaults(&rec_mt, &mt);
	piece(f, mt.msisdn, sizeof(mt.msisdn));
	piece(f, mt.src, sizeof(mt.src));
	piece(f, mt.bind, sizeof(mt.bind));
	piece(f, mt.text, sizeof(mt.text));
	mt.src_ton = fz_u8(f);
	mt.created_ms = (int64_t)fz_u16(f) << 24;
	mt.created_ms |= fz_u16(f);
	mt.expires_ms = mt.created_ms + fz_u16(f);
	write_read(&rec_mt, &mt, &back);
	check_mt_terminated(&back);
	if (strcmp(back.msisdn, mt.msisdn) || strcmp(back.src, mt.src) ||
	    strcmp(back.bind, mt.bind) || strcmp(back.text, mt.text))
		fz_fail("an MT string field changed: src \"%s\" -> \"%s\"",
			mt.src, back.src);
	if (back.src_ton != mt.src_ton || back.created_ms != mt.created_ms ||
	    back.expires_ms != mt.expires_ms)
		fz_fail("an MT number field changed");
}

/* v as a fingerprint's value, live the connections (store_int.h) */
static void check_mark(const char *v, const char *live)
{
	struct store_fp_ack ack = { .at = 1700000000000, .conn = "0c0ffee" };
	char id[STORE_ID_MAX], made[STORE_FP_VALUE_MAX];
	const char *p, *p2;
	size_t n, n2;

	if (!store_fp_mark_live(v, live, &p, &n))
		return;
	if (strncmp(v, "a ", 2) != 0 || p < v || p + n != v + strlen(v) ||
	    n == 0 || n >= STORE_ID_MAX)
		fz_fail("a live mark's id is not its end: \"%s\"", v);
	memcpy(id, p, n);
	id[n] = '\0';
	store_fp_mark(&ack, id, made, sizeof(made));
	if (strlen(made) + 1 < sizeof(made) &&
	    (!store_fp_mark_live(made, "x 0c0ffee", &p2, &n2) || n2 != n ||
	     memcmp(p2, id, n) != 0))
		fz_fail("a mark made of \"%s\" not read back", id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	static struct store_mo mo;
	static struct store_mt mt;
	char *v[MAX_PAIRS];
	size_t n = 0;
	uint8_t choice = fz_u8(&f);

	if (choice & 1) {
		if (choice & 2)
			round_trip_mt(&f);
		else
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
	rec_from_pairs(&rec_mt, &mt, (const char *const *)v, n);
	check_mt_terminated(&mt);
	for (size_t i = 1; i < n; i += 2) {
		check_mark(v[i], v[i - 1]);
		rec_unpack_each(&rec_mo, v[i], check_unpacked,
				(void *)&rec_mo);
		rec_unpack_each(&rec_mt, v[i], check_unpacked,
				(void *)&rec_mt);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	return 0;
}
