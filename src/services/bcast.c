/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Broadcasts: templates, recipients, cost, time zones, quiet hours and
 * ISO 8601 times (see services/bcast.h). Owns no global state; the only
 * I/O is bcast_tz_load() reading one TZif file.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/days.h"
#include "services/bcast.h"
#include "common/csv.h"
#include "common/util.h"

/* --- small helpers -------------------------------------------------------- */

/*
 * Copies in[0..len) for a message: invalid UTF-8 and control characters
 * become '?', at most `chars` characters, "..." when cut. Always a valid,
 * NUL-terminated string (cap >= 4).
 */
static void shown_n(const char *in, size_t len, char *out, size_t cap,
		    size_t chars)
{
	size_t pos = 0, n = 0, k = 0;

	while (pos < len) {
		char tmp[4];
		uint32_t cp;
		size_t w;

		if (utf8_decode(in, len, &pos, &cp) < 0 || cp < 0x20 ||
		    cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			cp = '?';
		w = utf8_encode(cp, tmp);
		if (k == chars || n + w + 4 > cap) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		memcpy(out + n, tmp, w);
		n += w;
		k++;
	}
	out[n] = '\0';
}

static void shown(const char *in, char *out, size_t cap, size_t chars)
{
	shown_n(in, strlen(in), out, cap, chars);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/* The trimmed part of s: *start and its length. */
static size_t trimmed(const char *s, const char **start)
{
	size_t n;

	while (is_space(*s))
		s++;
	n = strlen(s);
	while (n && is_space(s[n - 1]))
		n--;
	*start = s;
	return n;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

/* --- names and variables --------------------------------------------------- */

/*
 * The key a name is matched on: folded (text_fold_cp), ASCII lower case,
 * ' ' and '-' as '_'. Never longer than the name (folding never grows a
 * character), so cap = strlen(name) + 1 suffices.
 */
static void name_key(const char *name, size_t len, char *out, size_t cap)
{
	size_t pos = 0, n = 0;

	while (pos < len) {
		char tmp[4];
		uint32_t cp;
		size_t w;

		if (utf8_decode(name, len, &pos, &cp) < 0)
			cp = '?';
		cp = text_fold_cp(cp);
		if (cp == 0)
			continue;
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		else if (cp == ' ' || cp == '-')
			cp = '_';
		w = utf8_encode(cp, tmp);
		if (n + w + 1 > cap)
			break;
		memcpy(out + n, tmp, w);
		n += w;
	}
	out[n] = '\0';
}

bool bcast_name_eq(const char *a, const char *b)
{
	char ka[4 * BCAST_NAME_MAX + 4], kb[4 * BCAST_NAME_MAX + 4];

	if (strcmp(a, b) == 0)
		return true;
	name_key(a, strlen(a), ka, sizeof(ka));
	name_key(b, strlen(b), kb, sizeof(kb));
	return strcmp(ka, kb) == 0;
}

/*
 * Variables keep their key beside them, so that rendering a million
 * recipients compares keys with strcmp and never folds a name again.
 */
static const char *vars_get_key(const struct bcast_vars *vars,
				const char *key)
{
	for (unsigned i = 0; i < vars->n; i++)
		if (strcmp(vars->v[i].key, key) == 0)
			return vars->v[i].value;
	return NULL;
}

const char *bcast_vars_get(const struct bcast_vars *vars, const char *name)
{
	char key[4 * BCAST_NAME_MAX + 4];

	name_key(name, strlen(name), key, sizeof(key));
	return vars_get_key(vars, key);
}

int bcast_vars_set(struct bcast_vars *vars, const char *name,
		   const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);
	struct bcast_var *v = NULL;
	char key[BCAST_NAME_MAX + 1];

	if (!nl)
		return -EINVAL;
	if (nl > BCAST_NAME_MAX)
		return -ENAMETOOLONG;
	if (vl > BCAST_VALUE_MAX)
		return -EMSGSIZE;
	if (!utf8_valid(name) || !utf8_valid(value))
		return -EILSEQ;
	name_key(name, nl, key, sizeof(key));
	for (unsigned i = 0; i < vars->n && !v; i++)
		if (strcmp(vars->v[i].key, key) == 0)
			v = &vars->v[i];
	if (!v) {
		if (vars->n >= BCAST_VARS_MAX)
			return -E2BIG;
		v = &vars->v[vars->n++];
	}
	memcpy(v->name, name, nl + 1);
	strcpy(v->key, key);
	memcpy(v->value, value, vl + 1);
	return 0;
}

/* Adds a name to a list unless its key is there; false when full. */
static bool names_add(struct bcast_names *nm, const char *name)
{
	for (unsigned i = 0; i < nm->n; i++)
		if (bcast_name_eq(nm->name[i], name))
			return true;
	if (nm->n >= BCAST_NAMES_MAX || strlen(name) > BCAST_NAME_MAX)
		return false;
	strcpy(nm->name[nm->n++], name);
	return true;
}

/* --- templates --------------------------------------------------------------- */

struct tpl_item {
	bool var;
	size_t off, len;	/* literal: bytes of t->lit */
	unsigned vi;		/* variable: index into t->vars */
};

struct tpl_var {
	char name[BCAST_NAME_MAX + 1];
	char key[BCAST_NAME_MAX + 1];
};

struct bcast_tpl {
	char *lit;		/* the literal text, braces unescaped */
	size_t litlen;
	struct tpl_item *items;
	size_t nitems, itemcap;
	struct tpl_var *vars;
	unsigned nvars, varcap;
};

void bcast_tpl_free(struct bcast_tpl *t)
{
	if (!t)
		return;
	free(t->lit);
	free(t->items);
	free(t->vars);
	free(t);
}

static int tpl_push(struct bcast_tpl *t, bool var, size_t off, size_t len,
		    unsigned vi)
{
	if (!var && t->nitems && !t->items[t->nitems - 1].var) {
		t->items[t->nitems - 1].len += len;	/* extend a literal */
		return 0;
	}
	if (t->nitems == t->itemcap) {
		size_t cap = t->itemcap ? t->itemcap * 2 : 16;
		struct tpl_item *ni = realloc(t->items, cap * sizeof(*ni));

		if (!ni)
			return -ENOMEM;
		t->items = ni;
		t->itemcap = cap;
	}
	t->items[t->nitems++] = (struct tpl_item){ var, off, len, vi };
	return 0;
}

/* The index of a variable (added when new), or -ENOMEM. */
static int tpl_var(struct bcast_tpl *t, const char *name, size_t len)
{
	char key[BCAST_NAME_MAX + 1];

	name_key(name, len, key, sizeof(key));
	for (unsigned i = 0; i < t->nvars; i++)
		if (strcmp(t->vars[i].key, key) == 0)
			return (int)i;
	if (t->nvars == t->varcap) {
		unsigned cap = t->varcap ? t->varcap * 2 : 8;
		struct tpl_var *nv = realloc(t->vars, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		t->vars = nv;
		t->varcap = cap;
	}
	memcpy(t->vars[t->nvars].name, name, len);
	t->vars[t->nvars].name[len] = '\0';
	strcpy(t->vars[t->nvars].key, key);
	return (int)t->nvars++;
}

/* A character a variable name may hold: letters (Vietnamese ones too:
 * whatever folds to an ASCII letter), digits, '_', combining marks. */
static bool name_char(uint32_t cp)
{
	uint32_t f;

	if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	    (cp >= '0' && cp <= '9') || cp == '_')
		return true;
	if (cp < 0xC0)
		return false;
	f = text_fold_cp(cp);
	return f == 0 || (f != cp && ((f >= 'a' && f <= 'z') ||
				      (f >= 'A' && f <= 'Z')));
}

/* Parses the name after the '{' at byte *pos (character ci); sets *pos
 * past the '}'. */
static int tpl_name(struct bcast_tpl *t, const char *s, size_t len,
		    size_t *pos, size_t ci, char *err, size_t errlen)
{
	size_t start = *pos, p = *pos;
	uint32_t cp = 0;
	int vi;

	while (p < len) {
		size_t at = p;

		if (utf8_decode(s, len, &p, &cp) < 0)
			break;	/* reported by the caller's UTF-8 check */
		if (cp == '}') {
			if (at == start)
				return util_err(err, errlen, -EINVAL,
					       "template: '{}' at character "
					       "%zu names no variable (write "
					       "{{ for a brace)", ci);
			if (at - start > BCAST_NAME_MAX)
				return util_err(err, errlen, -EINVAL,
					       "template: the variable name at "
					       "character %zu is longer than "
					       "%d bytes", ci, BCAST_NAME_MAX);
			vi = tpl_var(t, s + start, at - start);
			if (vi < 0)
				return vi;
			*pos = p;
			return tpl_push(t, true, 0, 0, (unsigned)vi);
		}
		if (!name_char(cp)) {
			if (cp == '{' || cp == '\n' || at - start > 64)
				break;
			return util_err(err, errlen, -EINVAL,
				       "template: the variable at character "
				       "%zu has a character a name cannot "
				       "hold (letters, digits and _ only, as "
				       "in {ho_ten}; write {{ for a brace)",
				       ci);
		}
	}
	return util_err(err, errlen, -EINVAL,
		       "template: '{' at character %zu is never closed (write "
		       "{{ for a brace)", ci);
}

/* Characters in s[0..len) (valid UTF-8). */
static size_t count_chars(const char *s, size_t len)
{
	size_t pos = 0, n = 0;
	uint32_t cp;

	while (pos < len) {
		utf8_decode(s, len, &pos, &cp);
		n++;
	}
	return n;
}

int bcast_tpl_parse(const char *text, struct bcast_tpl **out, char *err,
		    size_t errlen)
{
	size_t len = strlen(text), pos = 0, ci = 0;
	struct bcast_tpl *t;
	int rc;

	*out = NULL;
	if (!len)
		return util_err(err, errlen, -EINVAL, "template: it is empty");
	if (len > BCAST_TPL_MAX)
		return util_err(err, errlen, -EINVAL,
			       "template: %zu bytes, at most %d", len,
			       BCAST_TPL_MAX);
	while (pos < len) {
		size_t at = pos;
		uint32_t cp;

		if (utf8_decode(text, len, &pos, &cp) < 0)
			return util_err(err, errlen, -EINVAL,
				       "template: not UTF-8 at byte %zu",
				       at + 1);
	}
	t = calloc(1, sizeof(*t));
	if (!t || !(t->lit = malloc(len + 1))) {
		free(t);
		return -ENOMEM;
	}
	pos = 0;
	while (pos < len) {
		size_t at = pos, w;
		uint32_t cp;

		utf8_decode(text, len, &pos, &cp);
		ci++;
		w = pos - at;
		if ((cp == '{' || cp == '}') && pos < len &&
		    text[pos] == (char)cp) {
			pos++;	/* "{{" or "}}": one literal brace */
			ci++;
		} else if (cp == '{') {
			rc = tpl_name(t, text, len, &pos, ci, err, errlen);
			if (rc < 0)
				goto fail;
			ci += count_chars(text + at + 1, pos - at - 1);
			continue;
		} else if (cp == '}') {
			rc = util_err(err, errlen, -EINVAL,
				     "template: '}' at character %zu closes "
				     "nothing (write }} for a brace)", ci);
			goto fail;
		}
		rc = tpl_push(t, false, t->litlen, w, 0);
		if (rc < 0)
			goto fail;
		memcpy(t->lit + t->litlen, text + at, w);
		t->litlen += w;
	}
	t->lit[t->litlen] = '\0';
	if (t->litlen >= BCAST_TEXT_MAX) {
		rc = util_err(err, errlen, -EINVAL,
			     "template: its text alone is %zu bytes, a "
			     "message holds at most %d", t->litlen,
			     BCAST_TEXT_MAX - 1);
		goto fail;
	}
	*out = t;
	return 0;
fail:
	bcast_tpl_free(t);
	return rc;
}

unsigned bcast_tpl_nvars(const struct bcast_tpl *t)
{
	return t->nvars;
}

const char *bcast_tpl_var(const struct bcast_tpl *t, unsigned i)
{
	return i < t->nvars ? t->vars[i].name : NULL;
}

const char *bcast_tpl_unknown(const struct bcast_tpl *t,
			      const struct bcast_names *known)
{
	for (unsigned i = 0; i < t->nvars; i++) {
		bool found = false;

		for (unsigned k = 0; k < known->n && !found; k++)
			found = bcast_name_eq(known->name[k], t->vars[i].name);
		if (!found)
			return t->vars[i].name;
	}
	return NULL;
}

int bcast_tpl_check(const struct bcast_tpl *t,
		    const struct bcast_names *known, char *err, size_t errlen)
{
	const char *bad = bcast_tpl_unknown(t, known);
	char list[512];
	size_t n = 0;

	if (!bad)
		return 0;
	list[0] = '\0';
	for (unsigned k = 0; k < known->n; k++) {
		int w = snprintf(list + n, sizeof(list) - n, "%s%s",
				 k ? ", " : "", known->name[k]);

		if (w < 0 || (size_t)w >= sizeof(list) - n) {
			list[n] = '\0';
			snprintf(list + n, sizeof(list) - n, ", ...");
			break;
		}
		n += (size_t)w;
	}
	return util_err(err, errlen, -EINVAL,
		       "template: unknown variable {%s}; the recipients have: "
		       "%s", bad, known->n ? list : "(no columns)");
}

typedef const char *(*tpl_get_fn)(const void *ctx, const char *key);

static int tpl_render(const struct bcast_tpl *t, tpl_get_fn get,
		      const void *ctx, char *out, size_t cap, char *err,
		      size_t errlen)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nitems; i++) {
		const struct tpl_item *it = &t->items[i];
		const char *src = t->lit + it->off;
		size_t len = it->len;

		if (it->var) {
			src = get(ctx, t->vars[it->vi].key);
			if (!src)
				src = "";
			len = strlen(src);
		}
		if (n + len < cap)
			memcpy(out + n, src, len);
		n += len;
	}
	if (n >= cap) {
		if (cap)
			out[0] = '\0';
		return util_err(err, errlen, -EMSGSIZE,
			       "the text is %zu bytes, at most %zu", n,
			       cap ? cap - 1 : 0);
	}
	out[n] = '\0';
	return 0;
}

static const char *get_vars(const void *ctx, const char *key)
{
	return vars_get_key(ctx, key);
}

int bcast_tpl_render(const struct bcast_tpl *t, const struct bcast_vars *vars,
		     char *out, size_t cap, char *err, size_t errlen)
{
	return tpl_render(t, get_vars, vars, out, cap, err, errlen);
}

struct rcpt_ctx {
	const struct bcast_rcpt *rc;
	char national[PHONE_MAX];
};

static const char *get_rcpt(const void *ctx, const char *key)
{
	const struct rcpt_ctx *c = ctx;

	if (strcmp(key, "phone") == 0)
		return c->national;
	return vars_get_key(&c->rc->vars, key);
}

int bcast_render(const struct bcast_tpl *t, const struct bcast_rcpt *rc,
		 char *out, size_t cap, char *err, size_t errlen)
{
	struct rcpt_ctx c = { rc, "" };

	if (strlen(rc->msisdn) == 11 && strncmp(rc->msisdn, "84", 2) == 0)
		snprintf(c.national, sizeof(c.national), "0%s",
			 rc->msisdn + 2);
	else
		util_strlcpy(c.national, rc->msisdn, sizeof(c.national));
	return tpl_render(t, get_rcpt, &c, out, cap, err, errlen);
}

/* --- recipients ----------------------------------------------------------- */

/* Keys of the phone column, as name_key() writes them with '_' removed. */
static const char *const phone_keys[] = {
	"phone", "phonenumber", "sodienthoai", "sdt", "msisdn", "dienthoai",
};

bool bcast_is_phone_column(const char *name)
{
	char key[128], squeezed[128];
	const char *s;
	size_t n = trimmed(name, &s), k = 0;

	if (n >= sizeof(key))
		return false;
	name_key(s, n, key, sizeof(key));
	for (const char *p = key; *p; p++)
		if (*p != '_')
			squeezed[k++] = *p;
	squeezed[k] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(phone_keys); i++)
		if (strcmp(squeezed, phone_keys[i]) == 0)
			return true;
	return false;
}

#define READER_KEEP (64 * 1024)	/* a record buffer larger is dropped */

struct bcast_reader {
	bool csv;
	/* CSV */
	struct csv_parser p;
	struct csv_record rec;
	size_t ncols;		/* fields in the header */
	size_t phone_col;
	unsigned nvars;
	size_t var_col[BCAST_VARS_MAX];	/* column of each variable */
	struct {
		char name[BCAST_NAME_MAX + 1];
		char key[BCAST_NAME_MAX + 1];
	} cols[BCAST_VARS_MAX];		/* name and key of each variable */
	char phone_hdr[48];		/* the phone column's header */
	/* items */
	bool have_phone;
	char phone_raw[64];	/* the trimmed phone, cut */
	bool phone_long;	/* it did not fit phone_raw */
	/* both */
	struct bcast_names names;
	struct bcast_rcpt rc;
	int last;		/* last result, -1 after a duplicate mark */
	struct bcast_stats st;
};

static struct bcast_reader *reader_new(bool csv)
{
	struct bcast_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->csv = csv;
	r->last = -1;
	names_add(&r->names, "phone");
	return r;
}

struct bcast_reader *bcast_reader_items(void)
{
	return reader_new(false);
}

void bcast_reader_free(struct bcast_reader *r)
{
	if (!r)
		return;
	csv_record_free(&r->rec);
	free(r);
}

static int header(struct bcast_reader *r, char *err, size_t errlen)
{
	bool have_phone = false;
	int rc;

	rc = csv_next(&r->p, &r->rec, err, errlen);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return util_err(err, errlen, -EINVAL, "the CSV is empty: it "
			       "needs a header line (phone,name,...)");
	r->ncols = r->rec.nfields;
	for (size_t i = 0; i < r->ncols; i++) {
		const char *f = r->rec.fields[i], *s;
		size_t n = trimmed(f, &s);
		char name[BCAST_NAME_MAX + 1], what[80];

		if (!utf8_valid(f))
			return util_err(err, errlen, -EINVAL,
				       "CSV line %d: the header is not UTF-8 "
				       "(save the file as \"CSV UTF-8\")",
				       r->rec.line);
		if (!n)
			continue;	/* trailing separators */
		shown_n(s, n, what, sizeof(what), 40);
		if (bcast_is_phone_column(f)) {
			if (have_phone)
				return util_err(err, errlen, -EINVAL,
					       "CSV line %d: two phone columns "
					       "(%s and %s)", r->rec.line,
					       r->phone_hdr, what);
			have_phone = true;
			r->phone_col = i;
			util_strlcpy(r->phone_hdr, what, sizeof(r->phone_hdr));
			continue;
		}
		if (n > BCAST_NAME_MAX)
			return util_err(err, errlen, -EINVAL,
				       "CSV line %d: the column name \"%s\" "
				       "is longer than %d bytes", r->rec.line,
				       what, BCAST_NAME_MAX);
		memcpy(name, s, n);
		name[n] = '\0';
		for (unsigned k = 1; k < r->names.n; k++)
			if (bcast_name_eq(r->names.name[k], name))
				return util_err(err, errlen, -EINVAL,
					       "CSV line %d: two columns named "
					       "\"%s\" and \"%s\"",
					       r->rec.line, r->names.name[k],
					       name);
		if (r->nvars >= BCAST_VARS_MAX)
			return util_err(err, errlen, -EINVAL,
				       "CSV line %d: more than %d columns "
				       "besides the phone", r->rec.line,
				       BCAST_VARS_MAX);
		r->var_col[r->nvars] = i;
		strcpy(r->cols[r->nvars].name, name);
		name_key(name, n, r->cols[r->nvars].key,
			 sizeof(r->cols[r->nvars].key));
		r->nvars++;
		names_add(&r->names, name);
	}
	if (!have_phone) {
		char list[256] = "";
		size_t n = 0;

		for (size_t i = 0; i < r->ncols && n + 48 < sizeof(list);
		     i++) {
			char what[44];

			shown(r->rec.fields[i], what, sizeof(what), 20);
			n += (size_t)snprintf(list + n, sizeof(list) - n,
					      "%s%s", i ? ", " : "", what);
		}
		return util_err(err, errlen, -EINVAL,
			       "CSV line %d: no phone column (phone, "
			       "so_dien_thoai, sdt, msisdn or số điện "
			       "thoại); the header has: %s", r->rec.line,
			       list);
	}
	return 0;
}

int bcast_reader_csv(const char *data, size_t len, struct bcast_reader **out,
		     char *err, size_t errlen)
{
	const char *nul = memchr(data, '\0', len);
	struct bcast_reader *r;
	int rc;

	*out = NULL;
	if (nul) {
		long line = 1;

		for (const char *p = data; p < nul; p++)
			line += *p == '\n';
		return util_err(err, errlen, -EINVAL,
			       "the CSV holds a NUL byte on line %ld: not a "
			       "text file", line);
	}
	r = reader_new(true);
	if (!r)
		return -ENOMEM;
	csv_init(&r->p, data, len, 0);
	rc = header(r, err, errlen);
	if (rc < 0) {
		bcast_reader_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

static void rcpt_reset(struct bcast_reader *r, long line)
{
	r->rc.line = line;
	r->rc.msisdn[0] = '\0';
	r->rc.phone[0] = '\0';
	r->rc.error[0] = '\0';
	r->rc.vars.n = 0;
}

static int rcpt_reject(struct bcast_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int rcpt_reject(struct bcast_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->rc.error, sizeof(r->rc.error), fmt, ap);
	va_end(ap);
	r->rc.msisdn[0] = '\0';
	r->rc.vars.n = 0;
	r->st.rejected++;
	return r->last = BCAST_REJECTED;
}

static int rcpt_accept(struct bcast_reader *r)
{
	r->st.accepted++;
	return r->last = BCAST_ACCEPTED;
}

/* Checks and normalises the phone (trimmed, n bytes at s). */
static int take_phone(struct bcast_reader *r, const char *s, size_t n)
{
	char tmp[64];

	shown_n(s, n, r->rc.phone, sizeof(r->rc.phone), 20);
	if (!n)
		return rcpt_reject(r, "no phone number");
	if (n >= sizeof(tmp))
		return rcpt_reject(r, "not a Vietnamese mobile number");
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (phone_normalize(tmp, r->rc.msisdn, sizeof(r->rc.msisdn)) < 0)
		return rcpt_reject(r, "not a Vietnamese mobile number");
	return 0;
}

static int csv_record_check(struct bcast_reader *r)
{
	struct csv_record *rec = &r->rec;
	const char *s;
	size_t n;
	int rc;

	if (rec->nfields != r->ncols) {
		bool extra_empty = rec->nfields > r->ncols;

		for (size_t i = r->ncols; i < rec->nfields && extra_empty; i++)
			extra_empty = !rec->fields[i][0];
		if (r->phone_col < rec->nfields) {
			n = trimmed(rec->fields[r->phone_col], &s);
			shown_n(s, n, r->rc.phone, sizeof(r->rc.phone), 20);
		}
		if (!extra_empty)
			return rcpt_reject(r, "%zu fields, the header has %zu",
				      rec->nfields, r->ncols);
	}
	for (size_t i = 0; i < r->ncols; i++)
		if (!utf8_valid(rec->fields[i])) {
			n = trimmed(rec->fields[r->phone_col], &s);
			shown_n(s, n, r->rc.phone, sizeof(r->rc.phone), 20);
			return rcpt_reject(r, "not UTF-8 (save the file as \"CSV "
				      "UTF-8\")");
		}
	n = trimmed(rec->fields[r->phone_col], &s);
	rc = take_phone(r, s, n);
	if (rc)
		return rc;
	for (unsigned k = 0; k < r->nvars; k++) {
		struct bcast_var *v = &r->rc.vars.v[k];

		n = trimmed(rec->fields[r->var_col[k]], &s);
		if (n > BCAST_VALUE_MAX)
			return rcpt_reject(r, "%s: %zu bytes, at most %d",
					   r->cols[k].name, n, BCAST_VALUE_MAX);
		strcpy(v->name, r->cols[k].name);
		strcpy(v->key, r->cols[k].key);
		memcpy(v->value, s, n);
		v->value[n] = '\0';
	}
	r->rc.vars.n = r->nvars;
	return rcpt_accept(r);
}

int bcast_reader_next(struct bcast_reader *r, const struct bcast_rcpt **out,
		      char *err, size_t errlen)
{
	int rc;

	*out = NULL;
	r->last = -1;
	if (!r->csv)
		return util_err(err, errlen, -EINVAL,
			       "bcast_reader_next: not a CSV reader");
	if (r->rec.bufcap > READER_KEEP)
		csv_record_free(&r->rec);	/* after a huge record */
	rc = csv_next(&r->p, &r->rec, err, errlen);
	if (rc <= 0)
		return rc;
	r->st.records++;
	rcpt_reset(r, r->rec.line);
	rc = csv_record_check(r);
	*out = &r->rc;
	return rc;
}

void bcast_item_begin(struct bcast_reader *r)
{
	r->st.records++;
	rcpt_reset(r, (long)r->st.records);
	r->have_phone = false;
	r->phone_long = false;
	r->phone_raw[0] = '\0';
	r->last = -1;
}

/* Writes the problem of an item's name/value pair into its error (and
 * returns true), or returns false. */
static bool item_problem(struct bcast_reader *r, const char *name,
			 const char *value)
{
	char *why = r->rc.error, what[80];
	size_t whylen = sizeof(r->rc.error);
	const char *ns, *vs;
	size_t nn = trimmed(name, &ns), vn = trimmed(value, &vs);

	shown_n(ns, nn, what, sizeof(what), 40);
	if (!utf8_valid(name))
		snprintf(why, whylen, "a name is not UTF-8 (%s)", what);
	else if (!utf8_valid(value))
		snprintf(why, whylen, "%s: not UTF-8", what);
	else if (bcast_is_phone_column(name) && r->have_phone)
		snprintf(why, whylen, "two phone numbers (%s)", what);
	else if (bcast_is_phone_column(name))
		return false;
	else if (!nn)
		snprintf(why, whylen, "a variable without a name");
	else if (nn > BCAST_NAME_MAX)
		snprintf(why, whylen, "the name \"%s\" is longer than %d "
			 "bytes", what, BCAST_NAME_MAX);
	else if (vn > BCAST_VALUE_MAX)
		snprintf(why, whylen, "%s: %zu bytes, at most %d", what, vn,
			 BCAST_VALUE_MAX);
	else
		return false;
	return true;
}

void bcast_item_add(struct bcast_reader *r, const char *name,
		    const char *value)
{
	char nm[BCAST_NAME_MAX + 1], val[BCAST_VALUE_MAX + 1];
	const char *s;
	size_t n;

	if (!name || r->rc.error[0])
		return;	/* the first problem is the item's error */
	if (!value)
		value = "";
	if (item_problem(r, name, value))
		return;
	if (bcast_is_phone_column(name)) {
		n = trimmed(value, &s);
		r->have_phone = true;
		shown_n(s, n, r->rc.phone, sizeof(r->rc.phone), 20);
		r->phone_long = n >= sizeof(r->phone_raw);
		if (!r->phone_long) {
			memcpy(r->phone_raw, s, n);
			r->phone_raw[n] = '\0';
		}
		return;
	}
	n = trimmed(name, &s);
	memcpy(nm, s, n);
	nm[n] = '\0';
	n = trimmed(value, &s);
	memcpy(val, s, n);
	val[n] = '\0';
	if (bcast_vars_set(&r->rc.vars, nm, val) == -E2BIG) {
		snprintf(r->rc.error, sizeof(r->rc.error),
			 "more than %d variables", BCAST_VARS_MAX);
		return;
	}
	names_add(&r->names, nm);
}

int bcast_item_end(struct bcast_reader *r, const struct bcast_rcpt **out)
{
	int rc;

	*out = &r->rc;
	if (r->rc.error[0]) {
		char why[BCAST_ERR_MAX];

		memcpy(why, r->rc.error, sizeof(why));
		return rcpt_reject(r, "%s", why);
	}
	if (!r->have_phone)
		return rcpt_reject(r, "no phone number");
	if (r->phone_long)
		return rcpt_reject(r, "not a Vietnamese mobile number");
	rc = take_phone(r, r->phone_raw, strlen(r->phone_raw));
	if (rc)
		return rc;
	return rcpt_accept(r);
}

const struct bcast_names *bcast_reader_names(const struct bcast_reader *r)
{
	return &r->names;
}

int bcast_reader_duplicate(struct bcast_reader *r)
{
	if (r->last != BCAST_ACCEPTED)
		return -EINVAL;
	r->last = -1;
	r->st.accepted--;
	r->st.duplicates++;
	return 0;
}

void bcast_reader_stats(const struct bcast_reader *r, struct bcast_stats *st)
{
	*st = r->st;
}

unsigned long bcast_reader_rejected(const struct bcast_reader *r)
{
	return r->st.rejected;
}

size_t bcast_reader_footprint(const struct bcast_reader *r)
{
	return sizeof(*r) + r->rec.bufcap + r->rec.fcap * sizeof(char *);
}

/* --- the set of phones seen ----------------------------------------------- */

struct bcast_seen {
	uint32_t *slot;		/* 0 = empty; else the 9 digits + 1 */
	size_t cap, count;	/* cap: a power of two */
};

struct bcast_seen *bcast_seen_new(void)
{
	return calloc(1, sizeof(struct bcast_seen));
}

void bcast_seen_free(struct bcast_seen *s)
{
	if (!s)
		return;
	free(s->slot);
	free(s);
}

size_t bcast_seen_count(const struct bcast_seen *s)
{
	return s->count;
}

static size_t seen_home(uint32_t key, size_t cap)
{
	return (size_t)((key * 2654435761u) & (uint32_t)(cap - 1));
}

static int seen_grow(struct bcast_seen *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	uint32_t *ns = calloc(cap, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (size_t i = 0; i < s->cap; i++) {
		size_t h;

		if (!s->slot[i])
			continue;
		h = seen_home(s->slot[i], cap);
		while (ns[h])
			h = (h + 1) & (cap - 1);
		ns[h] = s->slot[i];
	}
	free(s->slot);
	s->slot = ns;
	s->cap = cap;
	return 0;
}

int bcast_seen_add(struct bcast_seen *s, const char *msisdn)
{
	uint32_t key = 0;
	size_t h;

	if (strlen(msisdn) != 11 || strncmp(msisdn, "84", 2) != 0 ||
	    !util_all_digits(msisdn))
		return -EINVAL;
	for (int i = 2; i < 11; i++)
		key = key * 10 + (uint32_t)(msisdn[i] - '0');
	key++;
	if ((s->count + 1) * 2 > s->cap && seen_grow(s) < 0)
		return -ENOMEM;
	h = seen_home(key, s->cap);
	while (s->slot[h]) {
		if (s->slot[h] == key)
			return 0;
		h = (h + 1) & (s->cap - 1);
	}
	s->slot[h] = key;
	s->count++;
	return 1;
}

/* --- cost ----------------------------------------------------------------- */

int bcast_price(const char *text, bool fold, const struct seg_opts *bind,
		struct bcast_price *out, char *sent, size_t sentcap,
		char *err, size_t errlen)
{
	struct seg_opts o = *bind;
	unsigned max = bind->max_segments ? bind->max_segments : SEG_MAX_PARTS;
	int n;

	o.fold = fold;
	memset(out, 0, sizeof(*out));
	n = seg_count(text, &o, &out->plan);
	if (n < 0)
		return util_err(err, errlen, -EINVAL,
			       "cannot price the text: bad sender options");
	out->enc = out->plan.enc;
	out->segments = (unsigned)n;
	if (sent) {
		struct text_plan plan;

		if (text_choose(text, fold, o.enc, &plan, sent, sentcap) < 0)
			return util_err(err, errlen, -EINVAL,
				       "no room for the text as sent");
	}
	if (out->segments > max)
		return util_err(err, errlen, -EMSGSIZE,
			       "the text needs %u segments, the sender allows "
			       "%u", out->segments, max);
	return 0;
}

void bcast_totals_init(struct bcast_totals *t)
{
	memset(t, 0, sizeof(*t));
}

int bcast_totals_add(struct bcast_totals *t, const char *msisdn,
		     const char *text, bool fold, const struct seg_opts *bind,
		     char *err, size_t errlen)
{
	struct bcast_sample *smp = NULL;
	struct bcast_price pr;
	int rc;

	if (strlen(text) >= BCAST_TEXT_MAX)
		return util_err(err, errlen, -EMSGSIZE,
			       "the text is %zu bytes, at most %d",
			       strlen(text), BCAST_TEXT_MAX - 1);
	if (t->nsamples < BCAST_SAMPLES)
		smp = &t->samples[t->nsamples];
	rc = bcast_price(text, fold, bind, &pr, smp ? smp->text : NULL,
			 smp ? sizeof(smp->text) : 0, err, errlen);
	if (rc < 0)
		return rc;
	if (smp) {
		util_strlcpy(smp->msisdn, msisdn, sizeof(smp->msisdn));
		smp->enc = pr.enc;
		smp->segments = pr.segments;
		t->nsamples++;
	}
	t->messages++;
	t->segments += pr.segments;
	if ((unsigned)pr.enc < ARRAY_SIZE(t->enc_messages)) {
		t->enc_messages[pr.enc]++;
		t->enc_segments[pr.enc] += pr.segments;
	}
	return 0;
}

/* --- calendar arithmetic (proleptic Gregorian, UTC) ---------------------------- */

static bool leap_year(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int md[12] = { 31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31 };

	return m == 2 && leap_year(y) ? 29 : md[m - 1];
}

/* --- time zones ------------------------------------------------------------- */

/* A date of a POSIX TZ rule: Jn (1..365, no Feb 29), n (0..365), Mm.w.d */
struct rule_date {
	char kind;		/* 'J', 'N', 'M' */
	int n, m, w, d;
	int32_t time;		/* seconds after local midnight */
};

/* The POSIX TZ string at the end of a TZif file: the years after the
 * last transition. */
struct tz_rule {
	bool set;
	bool has_dst;
	int32_t std_off, dst_off;	/* seconds east */
	struct rule_date start, end;
};

struct bcast_tz {
	char name[64];
	bool builtin;
	size_t ntrans;
	int64_t *trans;		/* UTC seconds, ascending */
	uint8_t *idx;		/* type of each transition */
	unsigned ntypes;
	int32_t off[256];	/* seconds east, per type */
	struct tz_rule rule;
};

void bcast_tz_free(struct bcast_tz *tz)
{
	if (!tz)
		return;
	free(tz->trans);
	free(tz->idx);
	free(tz);
}

const char *bcast_tz_name(const struct bcast_tz *tz)
{
	return tz->name;
}

bool bcast_tz_builtin(const struct bcast_tz *tz)
{
	return tz->builtin;
}

/* The absolute day (since 1970) a rule date falls on in year y. */
static int64_t rule_day(const struct rule_date *rd, int64_t y)
{
	int64_t jan1 = day_from_civil(y, 1, 1), first, day;
	int wd;

	switch (rd->kind) {
	case 'J':
		return jan1 + rd->n - 1 + (leap_year(y) && rd->n >= 60);
	case 'N':
		return jan1 + rd->n;
	default:
		first = day_from_civil(y, rd->m, 1);
		wd = (int)floor_mod(first + 4, 7);	/* 0 = Sunday */
		day = first + (rd->d - wd + 7) % 7 + (rd->w - 1) * 7;
		while (day >= first + month_days(y, rd->m))
			day -= 7;
		return day;
	}
}

static int32_t rule_offset(const struct tz_rule *r, int64_t t)
{
	int64_t y, s, e;
	int m, d;

	if (!r->has_dst)
		return r->std_off;
	day_to_civil(floor_div(t + r->std_off, 86400), &y, &m, &d);
	s = rule_day(&r->start, y) * 86400 + r->start.time - r->std_off;
	e = rule_day(&r->end, y) * 86400 + r->end.time - r->dst_off;
	if (s < e)
		return t >= s && t < e ? r->dst_off : r->std_off;
	return t >= e && t < s ? r->std_off : r->dst_off;
}

static int32_t tz_offset_s(const struct bcast_tz *tz, int64_t t)
{
	size_t lo = 0, hi = tz->ntrans;

	if (!tz->ntrans)
		return tz->rule.set ? rule_offset(&tz->rule, t) : tz->off[0];
	if (t < tz->trans[0])
		return tz->off[0];
	while (hi - lo > 1) {	/* the last transition at or before t */
		size_t mid = lo + (hi - lo) / 2;

		if (tz->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	if (lo == tz->ntrans - 1 && tz->rule.set)
		return rule_offset(&tz->rule, t);
	return tz->off[tz->idx[lo]];
}

int32_t bcast_tz_offset(const struct bcast_tz *tz, int64_t utc_ms)
{
	return tz_offset_s(tz, floor_div(utc_ms, 1000));
}

/* UTC seconds of a local time in seconds (see bcast_tz_to_utc()). */
static int64_t tz_to_utc_s(const struct bcast_tz *tz, int64_t local)
{
	int32_t before = tz_offset_s(tz, local - 86400);
	int32_t after = tz_offset_s(tz, local + 86400);
	int64_t u1 = local - before, u2 = local - after;
	bool ok1 = u1 + tz_offset_s(tz, u1) == local;
	bool ok2 = u2 + tz_offset_s(tz, u2) == local;

	if (ok1 && ok2)
		return u1 < u2 ? u1 : u2;
	if (ok1)
		return u1;
	if (ok2)
		return u2;
	return u1;	/* in a gap: the offset before it moves it forward */
}

/* As tz_to_utc_s(), but the later of two instants with the same local
 * time. */
static int64_t tz_to_utc_late_s(const struct bcast_tz *tz, int64_t local)
{
	int32_t before = tz_offset_s(tz, local - 86400);
	int32_t after = tz_offset_s(tz, local + 86400);
	int64_t u1 = local - before, u2 = local - after;
	bool ok1 = u1 + tz_offset_s(tz, u1) == local;
	bool ok2 = u2 + tz_offset_s(tz, u2) == local;

	if (ok1 && ok2)
		return u1 > u2 ? u1 : u2;
	return tz_to_utc_s(tz, local);
}

int64_t bcast_tz_to_utc(const struct bcast_tz *tz, int64_t local_ms)
{
	int64_t s = floor_div(local_ms, 1000);

	return tz_to_utc_s(tz, s) * 1000 + (local_ms - s * 1000);
}

/* [+-]hh[:mm[:ss]] with hours up to maxh; signed seconds. */
static const char *posix_hms(const char *p, int maxh, int32_t *out)
{
	int sign = 1, h = 0, m = 0, s = 0, nd = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	while (*p >= '0' && *p <= '9' && nd < 3) {
		h = h * 10 + (*p++ - '0');
		nd++;
	}
	if (!nd || h > maxh)
		return NULL;
	for (int part = 0; part < 2 && *p == ':'; part++) {
		int v;

		if (!(p[1] >= '0' && p[1] <= '9' && p[2] >= '0' &&
		      p[2] <= '9'))
			return NULL;
		v = (p[1] - '0') * 10 + (p[2] - '0');
		if (v > 59)
			return NULL;
		if (part == 0)
			m = v;
		else
			s = v;
		p += 3;
	}
	*out = sign * (h * 3600 + m * 60 + s);
	return p;
}

static const char *posix_name(const char *p)
{
	const char *s = p;

	if (*p == '<') {
		p = strchr(p, '>');
		return p && p - s >= 4 ? p + 1 : NULL;
	}
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

static const char *posix_num(const char *p, int min, int max, int *out)
{
	int v = 0, nd = 0;

	while (*p >= '0' && *p <= '9' && nd < 4) {
		v = v * 10 + (*p++ - '0');
		nd++;
	}
	if (!nd || v < min || v > max)
		return NULL;
	*out = v;
	return p;
}

static const char *posix_date(const char *p, struct rule_date *rd)
{
	rd->time = 2 * 3600;
	if (*p == 'J') {
		rd->kind = 'J';
		p = posix_num(p + 1, 1, 365, &rd->n);
	} else if (*p == 'M') {
		rd->kind = 'M';
		p = posix_num(p + 1, 1, 12, &rd->m);
		if (p && *p == '.')
			p = posix_num(p + 1, 1, 5, &rd->w);
		else
			p = NULL;
		if (p && *p == '.')
			p = posix_num(p + 1, 0, 6, &rd->d);
		else
			p = NULL;
	} else {
		rd->kind = 'N';
		p = posix_num(p, 0, 365, &rd->n);
	}
	if (p && *p == '/')
		p = posix_hms(p + 1, 167, &rd->time);
	return p;
}

/* "CET-1CEST,M3.5.0,M10.5.0/3", "<+07>-7", "" (no rule). */
static int posix_tz(const char *s, struct tz_rule *r)
{
	const char *p = s;
	int32_t v;

	memset(r, 0, sizeof(*r));
	if (!*s)
		return 0;
	if (!(p = posix_name(p)) || !(p = posix_hms(p, 24, &v)))
		return -EINVAL;
	r->std_off = -v;
	r->set = true;
	if (!*p)
		return 0;
	if (!(p = posix_name(p)))
		return -EINVAL;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*p && *p != ',') {
		if (!(p = posix_hms(p, 24, &v)))
			return -EINVAL;
		r->dst_off = -v;
	}
	if (!*p) {	/* POSIX's default: the US rule */
		r->start = (struct rule_date){ 'M', 0, 3, 2, 0, 7200 };
		r->end = (struct rule_date){ 'M', 0, 11, 1, 0, 7200 };
		return 0;
	}
	if (*p != ',' || !(p = posix_date(p + 1, &r->start)) || *p != ',' ||
	    !(p = posix_date(p + 1, &r->end)) || *p)
		return -EINVAL;
	return 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

/* Reads a TZif header at b[0..n); the size of the data block after it
 * with times of tsize bytes, or 0 when it does not fit. */
static uint64_t tzif_header(const uint8_t *b, size_t n, int tsize,
			    struct tzif_counts *c)
{
	uint64_t sz;

	if (n < 44 || memcmp(b, "TZif", 4) != 0)
		return 0;
	c->isut = be32(b + 20);
	c->isstd = be32(b + 24);
	c->leap = be32(b + 28);
	c->time = be32(b + 32);
	c->type = be32(b + 36);
	c->chars = be32(b + 40);
	if (c->type < 1 || c->type > 256 || c->time > 100000 ||
	    c->leap > 10000 || c->chars > 65536 ||
	    (c->isut && c->isut != c->type) ||
	    (c->isstd && c->isstd != c->type))
		return 0;
	sz = (uint64_t)c->time * (uint64_t)(tsize + 1) +
	     (uint64_t)c->type * 6 + c->chars +
	     (uint64_t)c->leap * (uint64_t)(tsize + 4) + c->isstd + c->isut;
	return 44 + sz <= n ? sz : 0;
}

static int tzif_parse(const uint8_t *b, size_t n, struct bcast_tz *tz)
{
	struct tzif_counts c;
	uint64_t sz = tzif_header(b, n, 4, &c);
	int tsize = 4;
	const uint8_t *d;

	if (!sz)
		return -EINVAL;
	if (b[4] >= '2') {	/* skip the 32-bit block: the 64-bit one */
		b += 44 + sz;
		n -= 44 + sz;
		tsize = 8;
		sz = tzif_header(b, n, 8, &c);
		if (!sz)
			return -EINVAL;
	}
	d = b + 44;
	tz->ntrans = c.time;
	tz->ntypes = c.type;
	if (c.time) {
		tz->trans = malloc(c.time * sizeof(*tz->trans));
		tz->idx = malloc(c.time);
		if (!tz->trans || !tz->idx)
			return -ENOMEM;
	}
	for (uint32_t i = 0; i < c.time; i++) {
		tz->trans[i] = tsize == 8 ? be64(d + 8 * i)
					  : (int32_t)be32(d + 4 * i);
		if (i && tz->trans[i] <= tz->trans[i - 1])
			return -EINVAL;
	}
	d += (size_t)c.time * (size_t)tsize;
	for (uint32_t i = 0; i < c.time; i++) {
		if (d[i] >= c.type)
			return -EINVAL;
		tz->idx[i] = d[i];
	}
	d += c.time;
	for (uint32_t i = 0; i < c.type; i++) {
		int32_t off = (int32_t)be32(d + 6 * i);

		if (off < -26 * 3600 || off > 26 * 3600)
			return -EINVAL;
		tz->off[i] = off;
	}
	if (tsize == 8) {	/* the footer: "\n" POSIX-TZ "\n" */
		const uint8_t *f = b + 44 + sz, *end = b + n, *nl;
		char rule[128];

		if (f < end && *f == '\n' &&
		    (nl = memchr(f + 1, '\n', (size_t)(end - f - 1))) &&
		    (size_t)(nl - f - 1) < sizeof(rule)) {
			memcpy(rule, f + 1, (size_t)(nl - f - 1));
			rule[nl - f - 1] = '\0';
			if (posix_tz(rule, &tz->rule) < 0)
				return -EINVAL;
		}
	}
	return 0;
}

/* "+07:00", "+0700", "+07", "UTC+7", "UTC+07:00", "UTC-3", "UTC": the
 * offset in seconds; -EINVAL when s is not such a form. */
static int fixed_offset(const char *s, int32_t *off)
{
	int sign, h = 0, m = 0, nd = 0;

	if (strcmp(s, "UTC") == 0 || strcmp(s, "Etc/UTC") == 0 ||
	    strcmp(s, "GMT") == 0 || strcmp(s, "Etc/GMT") == 0 ||
	    strcmp(s, "Z") == 0) {
		*off = 0;
		return 0;
	}
	if (strncmp(s, "UTC", 3) == 0)
		s += 3;
	if (*s != '+' && *s != '-')
		return -EINVAL;
	sign = *s++ == '-' ? -1 : 1;
	while (*s >= '0' && *s <= '9' && nd < 2) {
		h = h * 10 + (*s++ - '0');
		nd++;
	}
	if (!nd)
		return -EINVAL;
	if (*s == ':')
		s++;
	if (*s) {
		if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' &&
		      s[1] <= '9') || s[2])
			return -EINVAL;
		m = (s[0] - '0') * 10 + (s[1] - '0');
	}
	if (h > 14 || m > 59)
		return -EINVAL;
	*off = sign * (h * 3600 + m * 60);
	return 0;
}

static bool zone_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= 64 || s[0] == '/' || strstr(s, ".."))
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || strchr("/_+-.", *s)))
			return false;
	return true;
}

#define TZIF_MAX (1024 * 1024)

/* Reads dir/name: 0, -ENOENT (no such file), -EINVAL, -ENOMEM. */
static int tz_read(const char *dir, const char *name, struct bcast_tz *tz,
		   char *err, size_t errlen)
{
	char path[1024];
	struct stat st;
	uint8_t *buf;
	size_t n;
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT
		       : util_err(err, errlen, -EINVAL, "%s: %s", path,
				  strerror(errno));
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > TZIF_MAX) {
		fclose(f);
		return util_err(err, errlen, -EINVAL, "%s is not a time zone "
			       "file", path);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, (size_t)st.st_size + 1, f);
	fclose(f);
	rc = tzif_parse(buf, n, tz);
	free(buf);
	if (rc == -EINVAL)
		return util_err(err, errlen, -EINVAL, "%s is not a time zone "
			       "file (TZif) or is damaged", path);
	return rc;
}

int bcast_tz_load(const char *name, const char *zoneinfo_dir,
		  struct bcast_tz **out, char *err, size_t errlen)
{
	struct bcast_tz *tz;
	int32_t off;
	int rc;

	*out = NULL;
	if (!zoneinfo_dir || !*zoneinfo_dir) {
		zoneinfo_dir = getenv("TZDIR");
		if (!zoneinfo_dir || !*zoneinfo_dir)
			zoneinfo_dir = "/usr/share/zoneinfo";
	}
	tz = calloc(1, sizeof(*tz));
	if (!tz)
		return -ENOMEM;
	util_strlcpy(tz->name, name, sizeof(tz->name));
	tz->ntypes = 1;
	if (fixed_offset(name, &off) == 0) {
		tz->builtin = true;
		tz->off[0] = off;
		*out = tz;
		return 0;
	}
	if (!zone_name_ok(name)) {
		char what[80];

		shown(name, what, sizeof(what), 40);
		bcast_tz_free(tz);
		return util_err(err, errlen, -EINVAL, "\"%s\" is not a time "
			       "zone name (Asia/Ho_Chi_Minh, UTC, +07:00)",
			       what);
	}
	rc = tz_read(zoneinfo_dir, name, tz, err, errlen);
	if (rc == -ENOENT && (strcmp(name, "Asia/Ho_Chi_Minh") == 0 ||
			      strcmp(name, "Asia/Saigon") == 0)) {
		tz->builtin = true;
		tz->off[0] = 7 * 3600;	/* no daylight saving since 1975 */
		*out = tz;
		return 0;
	}
	if (rc == -ENOENT) {
		struct stat st;
		bool have = stat(zoneinfo_dir, &st) == 0;

		util_err(err, errlen, -ENOENT, "unknown time zone %s (%s %s; "
			 "built in: Asia/Ho_Chi_Minh, UTC, fixed offsets "
			 "such as +07:00)", name,
			 have ? "not in" : "no tzdata in", zoneinfo_dir);
	}
	if (rc < 0) {
		bcast_tz_free(tz);
		return rc;
	}
	*out = tz;
	return 0;
}

/* --- quiet hours --------------------------------------------------------------- */

/* "HH:MM" (or "H:MM") at *p: minutes after midnight, or -1. */
static int hhmm(const char **p)
{
	const char *s = *p;
	int h = 0, m, nd = 0;

	while (*s >= '0' && *s <= '9' && nd < 2) {
		h = h * 10 + (*s++ - '0');
		nd++;
	}
	if (!nd || *s != ':' || !(s[1] >= '0' && s[1] <= '9') ||
	    !(s[2] >= '0' && s[2] <= '9'))
		return -1;
	m = (s[1] - '0') * 10 + (s[2] - '0');
	if (h > 23 || m > 59)
		return -1;
	*p = s + 3;
	return h * 60 + m;
}

int bcast_quiet_parse(const char *s, struct bcast_quiet *q, char *err,
		      size_t errlen)
{
	char what[80];
	const char *p;
	size_t n = trimmed(s, &p);
	const char *end = p + n;

	memset(q, 0, sizeof(*q));
	if (!n)
		return 0;
	shown_n(p, n, what, sizeof(what), 40);
	q->start = hhmm(&p);
	while (p < end && *p == ' ')
		p++;
	if (q->start < 0 || p >= end || *p != '-')
		goto bad;
	p++;
	while (p < end && *p == ' ')
		p++;
	q->end = hhmm(&p);
	if (q->end < 0 || p != end)
		goto bad;
	if (q->start == q->end)
		return util_err(err, errlen, -EINVAL, "quiet hours \"%s\": "
			       "start and end are the same time (\"\" turns "
			       "quiet hours off)", what);
	q->on = true;
	return 0;
bad:
	memset(q, 0, sizeof(*q));
	return util_err(err, errlen, -EINVAL, "quiet hours \"%s\" are not "
		       "HH:MM-HH:MM (21:00-07:00)", what);
}

void bcast_quiet_format(const struct bcast_quiet *q, char *out, size_t cap)
{
	if (!q->on) {
		if (cap)
			out[0] = '\0';
		return;
	}
	snprintf(out, cap, "%02d:%02d-%02d:%02d", q->start / 60,
		 q->start % 60, q->end / 60, q->end % 60);
}

static bool quiet_at(const struct bcast_quiet *q, int minute)
{
	if (q->start < q->end)
		return minute >= q->start && minute < q->end;
	return minute >= q->start || minute < q->end;
}

static int local_minute(const struct bcast_tz *tz, int64_t ms)
{
	int64_t local = ms + (int64_t)bcast_tz_offset(tz, ms) * 1000;

	return (int)(floor_mod(local, 86400000) / 60000);
}

bool bcast_quiet_allows(const struct bcast_quiet *q, const struct bcast_tz *tz,
			int64_t now_ms)
{
	return !q->on || !quiet_at(q, local_minute(tz, now_ms));
}

int64_t bcast_quiet_next(const struct bcast_quiet *q,
			 const struct bcast_tz *tz, int64_t now_ms)
{
	int64_t local, day, lo, hi, target, cand;
	int m;

	if (bcast_quiet_allows(q, tz, now_ms))
		return now_ms;
	local = now_ms + (int64_t)bcast_tz_offset(tz, now_ms) * 1000;
	day = floor_div(local, 86400000);
	m = (int)(floor_mod(local, 86400000) / 60000);
	if (q->start > q->end && m >= q->start)
		day++;	/* the evening part: it ends tomorrow */
	target = floor_div(day * 86400000 + (int64_t)q->end * 60000, 1000);
	cand = tz_to_utc_s(tz, target) * 1000;
	if (cand <= now_ms)	/* the end happens twice; now is past the
				 * first (clocks set back) */
		cand = tz_to_utc_late_s(tz, target) * 1000;
	if (cand <= now_ms || !bcast_quiet_allows(q, tz, cand)) {
		/* a daylight-saving change brought the window back: walk
		 * minute by minute (bounded: a window lasts < 25 hours) */
		for (cand = floor_div(now_ms, 60000) * 60000 + 60000;
		     cand < now_ms + 26 * 3600000LL; cand += 60000)
			if (bcast_quiet_allows(q, tz, cand))
				break;
	}
	/* the window may end before cand (in a gap, 02:30 does not happen
	 * and 03:00 already allows): the first allowed whole second */
	lo = now_ms;
	hi = cand;
	while (hi - lo > 1000) {
		int64_t mid = lo + (hi - lo) / 2;

		if (bcast_quiet_allows(q, tz, mid))
			hi = mid;
		else
			lo = mid;
	}
	cand = floor_div(hi, 1000) * 1000;
	return cand > lo && bcast_quiet_allows(q, tz, cand) ? cand : hi;
}

/* --- ISO 8601 times -------------------------------------------------------------- */

static bool digits(const char *p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return true;
}

#define TIME_EXAMPLE "2026-12-01T10:00:00+07:00"

int bcast_time_parse(const char *s, const struct bcast_tz *tz,
		     int64_t *utc_ms, char *err, size_t errlen)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0, oh, om = 0;
	char what[80];
	const char *p;
	size_t n = trimmed(s, &p);
	const char *end = p + n;
	bool has_off = false;
	int32_t off = 0;
	int64_t local;

	shown_n(p, n, what, sizeof(what), 40);
	if (n < 10 || !digits(p, 4, &y) || p[4] != '-' ||
	    !digits(p + 5, 2, &mo) || p[7] != '-' || !digits(p + 8, 2, &d))
		goto shape;
	p += 10;
	if (p < end) {
		if (*p != 'T' && *p != 't' && *p != ' ')
			goto shape;
		p++;
		if (end - p < 5 || !digits(p, 2, &h) || p[2] != ':' ||
		    !digits(p + 3, 2, &mi))
			goto shape;
		p += 5;
		if (p < end && *p == ':') {
			if (end - p < 3 || !digits(p + 1, 2, &sec))
				goto shape;
			p += 3;
			if (p < end && (*p == '.' || *p == ',')) {
				int nd = 0;

				for (p++; p < end && *p >= '0' && *p <= '9';
				     p++, nd++)
					if (nd < 3)
						ms = ms * 10 + (*p - '0');
				if (!nd || nd > 9)
					goto shape;
				for (; nd < 3; nd++)
					ms *= 10;
			}
		}
		if (p < end && (*p == 'Z' || *p == 'z')) {
			has_off = true;
			p++;
		} else if (p < end && (*p == '+' || *p == '-')) {
			int sign = *p == '-' ? -1 : 1;

			has_off = true;
			if (end - p < 3 || !digits(p + 1, 2, &oh))
				goto shape;
			p += 3;
			if (p < end && *p == ':')
				p++;
			if (p < end) {
				if (end - p < 2 || !digits(p, 2, &om))
					goto shape;
				p += 2;
			}
			if (oh > 14 || om > 59)
				return util_err(err, errlen, -EINVAL,
					       "\"%s\" is not a time (%s): the "
					       "offset is not -14:00..+14:00",
					       what, TIME_EXAMPLE);
			off = sign * (oh * 3600 + om * 60);
		}
		if (p != end)
			goto shape;
	}
	if (y < 1970 || y > 2199)
		return util_err(err, errlen, -EINVAL, "\"%s\" is not a time "
			       "(%s): the year is not 1970..2199", what,
			       TIME_EXAMPLE);
	if (mo < 1 || mo > 12)
		return util_err(err, errlen, -EINVAL, "\"%s\" is not a time "
			       "(%s): there is no month %d", what,
			       TIME_EXAMPLE, mo);
	if (d < 1 || d > month_days(y, mo))
		return util_err(err, errlen, -EINVAL, "\"%s\" is not a time "
			       "(%s): %04d-%02d has no day %d", what,
			       TIME_EXAMPLE, y, mo, d);
	if (h > 23 || mi > 59 || sec > 59)
		return util_err(err, errlen, -EINVAL, "\"%s\" is not a time "
			       "(%s): the time of day is not 00:00..23:59:59",
			       what, TIME_EXAMPLE);
	local = ((day_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + sec;
	if (has_off)
		*utc_ms = (local - off) * 1000 + ms;
	else
		*utc_ms = bcast_tz_to_utc(tz, local * 1000 + ms);
	return 0;
shape:
	return util_err(err, errlen, -EINVAL, "\"%s\" is not a time (%s)",
		       what, TIME_EXAMPLE);
}

size_t bcast_time_format(int64_t utc_ms, const struct bcast_tz *tz, char *out,
			 size_t cap)
{
	int32_t off = bcast_tz_offset(tz, utc_ms);
	int64_t local, y, sod;
	int32_t aoff = off < 0 ? -off : off;
	int m, d, w;

	/* an offset bcast_time_parse() refuses (beyond 14:59, only in a
	 * damaged zone file) is written as UTC, so that every time the API
	 * writes it also reads (found by fuzz/conf) */
	if (aoff > 14 * 3600 + 59 * 60)
		off = aoff = 0;
	local = floor_div(utc_ms, 1000) + off;
	sod = floor_mod(local, 86400);
	day_to_civil(floor_div(local, 86400), &y, &m, &d);
	w = snprintf(out, cap, "%04lld-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
		     (long long)y, m, d, (int)(sod / 3600),
		     (int)(sod / 60 % 60), (int)(sod % 60),
		     off < 0 ? '-' : '+', (int)(aoff / 3600),
		     (int)(aoff / 60 % 60));
	return w < 0 ? 0 : (size_t)w;
}
