/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Commands and key names the store writes by hand (store/store_int.h,
 * store/store_keys.h): the bytes must be those hiredis's formatting and
 * snprintf made before, so that nothing on the wire or in Redis changes.
 */
#include "config.h"

#include <check.h>
#include <hiredis/hiredis.h>
#include <limits.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"
#include "common/util.h"
#include "store/record.h"
#include "store/store_keys.h"
#include "common/conf.h"
#include "store/script.h"

/* rec_each's pairs into an array (values copied) */
struct pairs {
	char buf[8192];
	size_t used;
	const char *v[32];
	size_t n;
};

static void collect(void *arg, const char *name, const char *value)
{
	struct pairs *p = arg;

	for (int i = 0; i < 2; i++) {
		const char *s = i ? value : name;
		size_t len = strlen(s) + 1;

		ck_assert_uint_lt(p->used + len, sizeof(p->buf));
		ck_assert_uint_lt(p->n, 32);
		p->v[p->n++] = memcpy(p->buf + p->used, s, len);
		p->used += len;
	}
}

/* The longest value def's pack can be (pack() in record.c): each packed
 * string escaped whole, three bytes a byte, each number or channel at
 * most 20 characters, each value with its ',' */
static size_t pack_worst(const struct rec_def *def)
{
	size_t n = 0;

	for (size_t i = 0; i < def->nfields; i++) {
		const struct rec_field *f = &def->fields[i];

		if (f->flags & REC_PACK)
			n += (f->type == REC_STR ? 3 * (f->size - 1) : 20) + 1;
	}
	return n;
}

/* Every record's pack fits REC_PACK_MAX, whatever its values (pack()
 * keeps 4 bytes spare): none falls back to fields one by one (record.h) */
START_TEST(test_pack_fits)
{
	const struct rec_def *defs[] = { &rec_mo, &rec_mt };

	for (size_t i = 0; i < ARRAY_SIZE(defs); i++) {
		ck_assert_ptr_nonnull(defs[i]->pack);
		ck_assert_uint_lt(pack_worst(defs[i]) + 4, REC_PACK_MAX);
	}
}
END_TEST

/* An MO record's addresses, channel, time and text travel in one field,
 * "m", their values in table order, ',' and '%' escaped; read back,
 * every field is what was written, the "=msisdn" source too. */
START_TEST(test_record_packed)
{
	static struct store_mo mo, back;
	static struct pairs p;

	rec_defaults(&rec_mo, &mo);
	util_strlcpy(mo.id, "mo-1", sizeof(mo.id));
	util_strlcpy(mo.msisdn, "84912345678", sizeof(mo.msisdn));
	util_strlcpy(mo.src, "84912345678", sizeof(mo.src));
	mo.src_ton = 1;
	mo.src_npi = 1;
	util_strlcpy(mo.dst, "8088", sizeof(mo.dst));
	mo.dst_ton = 3;
	util_strlcpy(mo.bind, "main", sizeof(mo.bind));
	util_strlcpy(mo.text, "TRACUU 1", sizeof(mo.text));
	mo.recv_ms = 1796642204378;
	memset(&p, 0, sizeof(p));
	rec_each(&rec_mo, &mo, collect, &p);
	ck_assert_uint_eq(p.n, 2);
	ck_assert_str_eq(p.v[0], "m");
	ck_assert_str_eq(p.v[1], "84912345678,84912345678,1,1,8088,3,0,main,"
				 "sms,0,,1796642204378,TRACUU 1");
	rec_from_pairs(&rec_mo, &back, p.v, p.n);
	ck_assert_str_eq(back.src, "84912345678");
	ck_assert_int_eq(back.dst_ton, 3);
	ck_assert_str_eq(back.bind, "main");
	ck_assert(back.recv_ms == 1796642204378);
	ck_assert_str_eq(back.text, "TRACUU 1");

	/* an odd sender: the separator and the escape in its addresses,
	 * an empty source that is not the phone */
	util_strlcpy(mo.msisdn, "x:0123456789abcdef", sizeof(mo.msisdn));
	util_strlcpy(mo.src, "", sizeof(mo.src));
	util_strlcpy(mo.dst, "a,b%2C%", sizeof(mo.dst));
	mo.ch = STORE_CH_USSD;
	util_strlcpy(mo.ussd_ref, "r,1", sizeof(mo.ussd_ref));
	util_strlcpy(mo.text, "a, b", sizeof(mo.text));
	memset(&p, 0, sizeof(p));
	rec_each(&rec_mo, &mo, collect, &p);
	ck_assert_str_eq(p.v[1], "x:0123456789abcdef,,1,1,a%2Cb%252C%25,3,0,"
				 "main,ussd,0,r%2C1,1796642204378,a%2C b");
	rec_from_pairs(&rec_mo, &back, p.v, p.n);
	ck_assert_str_eq(back.msisdn, "x:0123456789abcdef");
	ck_assert_str_eq(back.src, "");
	ck_assert_str_eq(back.dst, "a,b%2C%");
	ck_assert_int_eq(back.ch, STORE_CH_USSD);
	ck_assert_str_eq(back.ussd_ref, "r,1");
	ck_assert(back.recv_ms == 1796642204378);
	ck_assert_str_eq(back.text, "a, b");

	/* the longest text, every byte escaped, and an empty source: one
	 * pack still (REC_PACK_MAX), read back the same; its fields on
	 * their own would read the source back as the phone (found by
	 * fuzz/record) */
	memset(mo.text, ',', sizeof(mo.text) - 1);
	mo.text[sizeof(mo.text) - 1] = '\0';
	mo.src[0] = '\0';
	memset(&p, 0, sizeof(p));
	rec_each(&rec_mo, &mo, collect, &p);
	ck_assert_uint_eq(p.n, 2);
	ck_assert_str_eq(p.v[0], "m");
	rec_from_pairs(&rec_mo, &back, p.v, p.n);
	ck_assert_str_eq(back.text, mo.text);
	ck_assert_str_eq(back.src, "");
	ck_assert_str_eq(back.dst, "a,b%2C%");

	/* a pack of fewer values (written before a field was added): the
	 * rest keep their defaults; a record of fields one by one (an
	 * older version's) reads as before */
	{
		const char *old[] = { "m", "84912345678", "dst", "8088",
				      "ston", "1", "text", "TRACUU 2" };

		rec_from_pairs(&rec_mo, &back, old, 8);
		ck_assert_str_eq(back.msisdn, "84912345678");
		ck_assert_str_eq(back.src, "84912345678");	/* rec_fill */
		ck_assert_int_eq(back.src_ton, 1);
		ck_assert_int_eq(back.src_npi, 0);
		ck_assert_str_eq(back.dst, "8088");
		ck_assert(back.recv_ms == 0);
		ck_assert_str_eq(back.text, "TRACUU 2");
	}
}
END_TEST

Suite *suite_store_cmd(void);

static struct argv a;	/* 80 KB: not on the stack */

/* Commands of 1 to 40 arguments, 0 to 2899 bytes, numbers among them. */
START_TEST(test_resp_as_hiredis)
{
	char buf[3000];

	for (int t = 0; t < 200; t++) {
		const char *resp;
		char *want;
		long long wlen;
		size_t len;
		int n = t % 40 + 1;

		arg_reset(&a);
		for (int i = 0; i < n; i++) {
			size_t l = (size_t)((t * 7 + i * 13) %
					    (i == 3 ? 2900 : 30));

			for (size_t k = 0; k < l; k++)
				buf[k] = (char)(k * 31 + (size_t)i);
			if (i % 5 == 0)
				arg_i(&a, (long long)t * 1000003 - 5);
			else
				arg_put(&a, buf, l);
		}
		ck_assert(!a.overflow);
		resp = arg_resp(&a, &len);
		wlen = redisFormatCommandArgv(&want, a.n, a.v, a.l);
		ck_assert_int_eq(wlen, (long long)len);
		ck_assert(memcmp(want, resp, len) == 0);
		free(want);
	}
}
END_TEST

START_TEST(test_numbers)
{
	static const long long v[] = { 0, 1, -1, 9, 10, -10, 99, 100,
				       -987654321, 1764950000000LL,
				       LLONG_MAX, LLONG_MIN };
	char want[32];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		arg_reset(&a);
		arg_i(&a, v[i]);
		snprintf(want, sizeof(want), "%lld", v[i]);
		ck_assert_uint_eq(a.l[0], strlen(want));
		ck_assert(memcmp(a.v[0], want, a.l[0]) == 0);
	}
}
END_TEST

/* arg i of a is s */
static void ck_arg(int i, const char *s)
{
	ck_assert_int_lt(i, a.n);
	ck_assert_uint_eq(a.l[i], strlen(s));
	ck_assert(memcmp(a.v[i], s, a.l[i]) == 0);
}

static void mt_queue_begin(void)
{
	static const char *const keys[] = { "q", "m" };

	arg_reset(&a);
	arg_script(&a, LUA_MT_QUEUE, keys);
}

/* A script's arguments as embed.sh's prelude reads them: the declared
 * ones' values in declared order whatever the order given, then each
 * group's entries, name and count; the RESP is hiredis's. */
START_TEST(test_script_positional)
{
	static const char *const want[] = {
		"EVALSHA", NULL, "2", "q", "m", "X1", "-5", "604800",
		"text", "hi", "msisdn", "84901", "mt", "4",
	};
	const struct lua_script *s = &lua_scripts[LUA_MT_QUEUE];
	const char *resp;
	char *fmt;
	long long flen;
	size_t len;

	ck_assert_int_eq(s->nargs, 3);
	ck_assert_str_eq(s->args[0], "id");
	ck_assert_str_eq(s->args[1], "ready_ms");
	ck_assert_str_eq(s->args[2], "ttl_s");
	mt_queue_begin();
	arg_ki(&a, "ttl_s", 604800);
	arg_group(&a, "mt", "text", "hi");
	arg_kv(&a, "id", "X1");
	arg_group(&a, "mt", "msisdn", "84901");
	arg_ki(&a, "ready_ms", -5);
	resp = arg_resp(&a, &len);
	ck_assert(!a.overflow);
	ck_assert_int_eq(a.n, (int)(sizeof(want) / sizeof(want[0])));
	for (int i = 0; i < a.n; i++)
		ck_arg(i, want[i] ? want[i] : s->sha);
	flen = redisFormatCommandArgv(&fmt, a.n, a.v, a.l);
	ck_assert_int_eq(flen, (long long)len);
	ck_assert(memcmp(fmt, resp, len) == 0);
	free(fmt);
	/* finishing again changes nothing */
	arg_finish(&a);
	ck_assert_int_eq(a.n, (int)(sizeof(want) / sizeof(want[0])));
}
END_TEST

/* Wrong arguments are never sent half right: the command is marked, with
 * the reason. */
START_TEST(test_script_wrong_args)
{
	mt_queue_begin();	/* ready_ms missing */
	arg_kv(&a, "id", "X1");
	arg_ki(&a, "ttl_s", 1);
	arg_finish(&a);
	ck_assert(a.overflow);
	ck_assert_str_eq(a.why, "a script argument missing");
	{
		char why[128];

		ck_assert_str_eq(arg_why(&a, why, sizeof(why)),
				 "a script argument missing: mt_queue");
	}

	mt_queue_begin();
	arg_kv(&a, "id", "X1");
	arg_kv(&a, "idx", "X1");
	ck_assert(a.overflow);
	ck_assert_str_eq(a.why, "an argument the script lacks");

	mt_queue_begin();
	arg_kv(&a, "id", "X1");
	arg_kv(&a, "id", "X2");
	ck_assert(a.overflow);
	ck_assert_str_eq(a.why, "a script argument given twice");

	mt_queue_begin();
	arg_group(&a, "mt", "text", "hi");
	arg_group(&a, "sess", "node", "a");
	arg_group(&a, "mt", "msisdn", "84901");
	ck_assert(a.overflow);
	ck_assert_str_eq(a.why, "a group given in two pieces");

	arg_reset(&a);
	arg_s(&a, "HSET");
	arg_group(&a, "mo", "msisdn", "84901");
	ck_assert(a.overflow);
	ck_assert_str_eq(a.why, "a group outside a script");

	/* a plain command's named pair is two arguments, as before */
	arg_reset(&a);
	arg_s(&a, "HSET");
	arg_kv(&a, "f", "v");
	ck_assert(!a.overflow);
	ck_assert_int_eq(a.n, 3);
	ck_arg(1, "f");
	ck_arg(2, "v");
}
END_TEST

/* util_strlcpy() then util_strlcat() make snprintf's "%s%s", cut the same
 * way in every buffer size. */
START_TEST(test_strlcat_as_snprintf)
{
	static const char *const heads[] = { "", "m", "18c2f-host.1-42" };
	static const char *const tails[] = { "", ".r", " 84912***78" };
	char want[40], got[40];

	for (size_t i = 0; i < 3; i++)
		for (size_t k = 0; k < 3; k++)
			for (size_t cap = 1; cap <= sizeof(got); cap++) {
				size_t had;

				snprintf(want, cap, "%s%s", heads[i], tails[k]);
				util_strlcpy(got, heads[i], cap);
				had = strlen(got);
				ck_assert_uint_eq(util_strlcat(got, tails[k],
							       cap),
						  had + strlen(tails[k]));
				ck_assert_str_eq(got, want);
			}
}
END_TEST

/* util_udec() writes what "%llu" writes: every value below 100,000, each
 * power of ten and its neighbours, the maximum. */
START_TEST(test_udec_as_snprintf)
{
	char want[32], got[32];
	unsigned long long p = 1;

	for (unsigned long long v = 0; v < 100000; v++) {
		snprintf(want, sizeof(want), "%llu", v);
		got[util_udec(got, v)] = '\0';
		ck_assert_str_eq(got, want);
	}
	for (int e = 0; e < 20; e++, p *= 10) {
		for (unsigned long long v = p - 1; v <= p + 1; v++) {
			snprintf(want, sizeof(want), "%llu", v);
			got[util_udec(got, v)] = '\0';
			ck_assert_str_eq(got, want);
		}
	}
	snprintf(want, sizeof(want), "%llu", ULLONG_MAX);
	got[util_udec(got, ULLONG_MAX)] = '\0';
	ck_assert_str_eq(got, want);
}
END_TEST

/* util_hex64() writes what "%016llx" writes. */
START_TEST(test_hex64_as_snprintf)
{
	static const unsigned long long v[] = { 0, 1, 0xf, 0x10,
						0x0123456789abcdefULL,
						0xfedcba9876543210ULL,
						ULLONG_MAX };
	char want[32], got[32];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(want, sizeof(want), "%016llx", v[i]);
		memset(got, 'x', sizeof(got));
		util_hex64(v[i], got);
		ck_assert_str_eq(got, want);
		snprintf(want, sizeof(want), "%llx", v[i]);
		memset(got, 'x', sizeof(got));
		got[util_xhex(got, v[i])] = '\0';
		ck_assert_str_eq(got, want);
	}
}
END_TEST

/* rec_format() writes numbers without snprintf: the same text as "%d"
 * and "%lld", also cut as snprintf would cut it in a small buffer. */
START_TEST(test_rec_format_as_snprintf)
{
	static const long long v[] = { 0, 1, -1, 9, 10, -10, 99, 100,
				       -987654321, 1764950000000LL,
				       INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN };
	struct {
		int i;
		int64_t l;
		bool b;
		enum store_channel ch;
	} o;
	const struct rec_field fi = { .name = "i", .type = REC_INT,
				      .off = offsetof(typeof(o), i) },
			       fl = { .name = "l", .type = REC_TIME,
				      .off = offsetof(typeof(o), l) },
			       fb = { .name = "b", .type = REC_BOOL,
				      .off = offsetof(typeof(o), b) },
			       fc = { .name = "c", .type = REC_CH,
				      .off = offsetof(typeof(o), ch) };
	char want[32], buf[32];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		o.l = v[i];
		o.i = v[i] >= INT_MIN && v[i] <= INT_MAX ? (int)v[i] : 7;
		for (size_t cap = 1; cap <= sizeof(buf); cap++) {
			snprintf(want, cap, "%lld", (long long)o.l);
			ck_assert_str_eq(rec_format(&fl, &o, buf, cap), want);
			snprintf(want, cap, "%d", o.i);
			ck_assert_str_eq(rec_format(&fi, &o, buf, cap), want);
		}
	}
	o.b = true;
	o.ch = STORE_CH_USSD;
	ck_assert_str_eq(rec_format(&fb, &o, buf, sizeof(buf)), "1");
	ck_assert_str_eq(rec_format(&fc, &o, buf, sizeof(buf)), "ussd");
	o.b = false;
	o.ch = STORE_CH_SMS;
	ck_assert_str_eq(rec_format(&fb, &o, buf, sizeof(buf)), "0");
	ck_assert_str_eq(rec_format(&fc, &o, buf, sizeof(buf)), "sms");
}
END_TEST

/* Every buffer size, so that a cut key is cut where snprintf cut it. */
START_TEST(test_keys_as_snprintf)
{
	static const char *const prefixes[] = { "cgw", "P",
						"a-long-prefix-for-tests" };
	static const char *const ids[] = { NULL, "", "m1", "84901234567.r" };
	struct store_keys k = { 0 };
	char got[128], want[128];

	for (int p = 0; p < 3; p++)
		for (unsigned sh = 0; sh < 1200; sh += 97)
			for (int i = 0; i < 4; i++)
				for (size_t cap = 1; cap <= 64; cap++) {
					k.prefix = prefixes[p];
					store_key_shard(&k, sh, SK_MO, ids[i],
							got, cap);
					if (ids[i])
						snprintf(want, cap,
							 "%s:{s%u}:mo:%s",
							 k.prefix, sh, ids[i]);
					else
						snprintf(want, cap,
							 "%s:{s%u}:mo",
							 k.prefix, sh);
					ck_assert_str_eq(got, want);
				}
	k.prefix = "cgw";
	k.shards = 16;
	for (size_t cap = 1; cap < 60; cap++) {
		store_key_phone(&k, SK_SESS_USSD, "84901234567", got, cap);
		snprintf(want, cap, "cgw:{s%u}:sess:84901234567:u",
			 store_shard_of("84901234567", 16));
		ck_assert_str_eq(got, want);
	}
	for (size_t cap = 1; cap < 60; cap++) {
		store_key_msgid(&k, "smsc1", "0a1b2c", got, cap);
		snprintf(want, cap, "cgw:msgid:smsc1:0a1b2c");
		ck_assert_str_eq(got, want);
	}
}
END_TEST

/* rec_each: what an MT record stores */
static void emit(void *arg, const char *name, const char *value)
{
	char *out = arg;

	strcat(out, name);
	strcat(out, "=");
	strcat(out, value);
	strcat(out, " ");
}

/* A sparse record leaves out its id (the key holds it) and a "=NAME"
 * field equal to NAME; read back, they are there again. An MT's phone,
 * source, TON and created time go packed ("a"); a record written field
 * by field (before the pack) reads as before. */
START_TEST(test_record_sparse)
{
	static struct store_mt mt, back;
	char out[512] = "";
	const char *pairs[] = { "msisdn", "84912345678", "text", "Xin chao" };

	rec_defaults(&rec_mt, &mt);
	util_strlcpy(mt.id, "m-1", sizeof(mt.id));
	util_strlcpy(mt.msisdn, "84912345678", sizeof(mt.msisdn));
	util_strlcpy(mt.dst, "84912345678", sizeof(mt.dst));
	util_strlcpy(mt.text, "Xin chao", sizeof(mt.text));
	util_strlcpy(mt.src, "8088", sizeof(mt.src));
	mt.src_ton = 3;
	mt.created_ms = 1796650252042;
	rec_each(&rec_mt, &mt, emit, out);
	ck_assert_str_eq(out, "a=84912345678,8088,3,1796650252042 "
			      "text=Xin chao ");
	{
		const char *packed[] = { "a", "84912345678,8088,3,1796650252042",
					 "text", "Xin chao" };

		rec_from_pairs(&rec_mt, &back, packed, 4);
		ck_assert_str_eq(back.msisdn, "84912345678");
		ck_assert_str_eq(back.dst, "84912345678");
		ck_assert_str_eq(back.src, "8088");
		ck_assert_int_eq(back.src_ton, 3);
		ck_assert(back.created_ms == 1796650252042);
		ck_assert_str_eq(back.text, "Xin chao");
	}
	/* the pack as its fields (citizengw-ctl), unescaped; a pack of
	 * fewer values gives those it holds */
	out[0] = '\0';
	rec_unpack_each(&rec_mt, "84912345678,80%2C88%25,3,1796650252042",
			emit, out);
	ck_assert_str_eq(out, "msisdn=84912345678 src=80,88% ston=3 "
			      "created=1796650252042 ");
	out[0] = '\0';
	rec_unpack_each(&rec_mt, "84912345678,8088", emit, out);
	ck_assert_str_eq(out, "msisdn=84912345678 src=8088 ");
	rec_from_pairs(&rec_mt, &back, pairs, 4);
	ck_assert_str_eq(back.dst, "84912345678");
	ck_assert_str_eq(back.id, "");
	ck_assert_int_eq(back.dst_ton, 1);	/* the table's default */

	/* a destination_addr as the SMS centre wrote it, not the phone */
	util_strlcpy(mt.dst, "0912345678", sizeof(mt.dst));
	out[0] = '\0';
	rec_each(&rec_mt, &mt, emit, out);
	ck_assert_str_eq(out, "a=84912345678,8088,3,1796650252042 "
			      "dst=0912345678 text=Xin chao ");
	pairs[2] = "dst";
	pairs[3] = "0912345678";
	rec_from_pairs(&rec_mt, &back, pairs, 4);
	ck_assert_str_eq(back.dst, "0912345678");
}
END_TEST

/* SHA1 of s, hex */
static void sha1_of(const char *s, char hex[41])
{
	unsigned char md[SHA_DIGEST_LENGTH];

	SHA1((const unsigned char *)s, strlen(s), md);
	for (int i = 0; i < SHA_DIGEST_LENGTH; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* A template (mo_commit.lua: --! CONF) runs with the configuration's
 * values in its text, named by that text's SHA1, made again only when a
 * value changes; a script without values runs as built; a template not
 * rendered is never called. */
START_TEST(test_script_render)
{
	static struct cgw_conf c;
	struct script_set ss = { 0 };
	static const char *const keys[LUA_MO_COMMIT_NKEYS] = {
		"s", "i", "m", "o", "t", "p", "f", "u",
	};
	bool changed[LUA_COUNT];
	char err[256], sha[41], old[41];
	const char *src;

	ck_assert_ptr_null(script_sha(NULL, LUA_MO_COMMIT));
	arg_reset(&a);
	a.scripts = NULL;
	arg_script(&a, LUA_MO_COMMIT, keys);
	ck_assert(a.overflow);
	ck_assert_str_eq(a.why, "script not rendered (store/script.h)");

	conf_defaults(&c);
	c.protect.replies_per_minute = 7;
	c.protect.lookup_block = 3600000;
	ck_assert_int_eq(script_set_render(&ss, &c, changed, err, sizeof(err)),
			 0);
	ck_assert(changed[LUA_MO_COMMIT]);
	ck_assert(!changed[LUA_CLAIM]);
	src = script_src(&ss, LUA_MO_COMMIT);
	ck_assert_ptr_null(strchr(src, '@'));
	ck_assert_ptr_nonnull(strstr(src, "local lim = tonumber('7')"));
	ck_assert_ptr_nonnull(strstr(src, "tonumber('3600000')"));
	sha1_of(src, sha);
	ck_assert_str_eq(script_sha(&ss, LUA_MO_COMMIT), sha);
	ck_assert_str_eq(script_sha(&ss, LUA_CLAIM), lua_scripts[LUA_CLAIM].sha);
	ck_assert_ptr_eq(script_src(&ss, LUA_CLAIM), lua_scripts[LUA_CLAIM].src);

	/* the call names the rendered text */
	a.scripts = &ss;
	arg_reset(&a);
	arg_script(&a, LUA_MO_COMMIT, keys);
	ck_assert(!a.overflow);
	ck_arg(1, sha);

	/* the same values: nothing changes; another: a new text */
	ck_assert_int_eq(script_set_render(&ss, &c, changed, err, sizeof(err)),
			 0);
	ck_assert(!changed[LUA_MO_COMMIT]);
	memcpy(old, sha, sizeof(old));
	c.protect.replies_per_minute = 0;
	ck_assert_int_eq(script_set_render(&ss, &c, changed, err, sizeof(err)),
			 0);
	ck_assert(changed[LUA_MO_COMMIT]);
	ck_assert_str_ne(script_sha(&ss, LUA_MO_COMMIT), old);
	ck_assert_ptr_nonnull(strstr(script_src(&ss, LUA_MO_COMMIT),
				     "local lim = tonumber('0')"));
	a.scripts = NULL;
	script_set_free(&ss);
	ck_assert_ptr_null(script_sha(&ss, LUA_MO_COMMIT));
}
END_TEST

/* The fingerprint's mark made in C (a lean commit) in fp_mark.lua's form,
 * and judged as its fp_judge judges a live one. */
START_TEST(test_fp_mark)
{
	struct store_fp_ack ack = { .at = 1796682596686,
				    .conn = "b711eee6e0f2f3c7" };
	char v[STORE_FP_VALUE_MAX];
	const char *id;
	size_t n;

	store_fp_mark(&ack, "1a252a0c14e-vm.15447-1", v, sizeof(v));
	ck_assert_str_eq(v, "a 1796682596686 b711eee6e0f2f3c7 0 "
			    "1a252a0c14e-vm.15447-1");
	/* live on one of the process's connections: its MO's id */
	ck_assert(store_fp_mark_live(v, "00c0ffee00c0ffee b711eee6e0f2f3c7",
				     &id, &n));
	ck_assert_int_eq((int)n, (int)strlen("1a252a0c14e-vm.15447-1"));
	ck_assert(strncmp(id, "1a252a0c14e-vm.15447-1", n) == 0);
	/* a connection of another process, a prefix of a live one: not */
	ck_assert(!store_fp_mark_live(v, "00c0ffee00c0ffee", &id, &n));
	ck_assert(!store_fp_mark_live(v, "b711eee6e0f2f3c", &id, &n));
	ck_assert(!store_fp_mark_live(v, "b711eee6e0f2f3c7a", &id, &n));
	ck_assert(!store_fp_mark_live(v, "", &id, &n));
	/* an up-1 mark (a process of before the connection keys): live */
	ck_assert(store_fp_mark_live("a 17 0c 1 x", "", &id, &n));
	ck_assert_int_eq((int)n, 1);
	/* the plain id; no conn: the plain id made */
	ck_assert(!store_fp_mark_live("1a252a0c14e-vm.15447-1", "x", &id, &n));
	ack.conn = "";
	store_fp_mark(&ack, "m1", v, sizeof(v));
	ck_assert_str_eq(v, "m1");
	store_fp_mark(NULL, "m2", v, sizeof(v));
	ck_assert_str_eq(v, "m2");
	/* not marks, as fp_parse's pattern refuses them */
	ck_assert(!store_fp_mark_live("a  0c 0 x", "0c", &id, &n));
	ck_assert(!store_fp_mark_live("a 17 zz 0 x", "zz", &id, &n));
	ck_assert(!store_fp_mark_live("a 17 0c 2 x", "0c", &id, &n));
	ck_assert(!store_fp_mark_live("a 17 0c 0 ", "0c", &id, &n));
	ck_assert(!store_fp_mark_live("a 17 0c 0", "0c", &id, &n));
	ck_assert(!store_fp_mark_live("b 17 0c 0 x", "0c", &id, &n));
	ck_assert(!store_fp_mark_live("", "0c", &id, &n));
}
END_TEST

Suite *suite_store_cmd(void)
{
	Suite *s = suite_create("store_cmd");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_resp_as_hiredis);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_script_positional);
	tcase_add_test(tc, test_script_wrong_args);
	tcase_add_test(tc, test_script_render);
	tcase_add_test(tc, test_rec_format_as_snprintf);
	tcase_add_test(tc, test_hex64_as_snprintf);
	tcase_add_test(tc, test_udec_as_snprintf);
	tcase_add_test(tc, test_strlcat_as_snprintf);
	tcase_add_test(tc, test_keys_as_snprintf);
	tcase_add_test(tc, test_record_sparse);
	tcase_add_test(tc, test_record_packed);
	tcase_add_test(tc, test_pack_fits);
	tcase_add_test(tc, test_fp_mark);
	suite_add_tcase(s, tc);
	return s;
}
