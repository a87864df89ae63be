/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Dossier codes, statuses and import-row validation (see services/dossier.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "services/dossier.h"
#include "services/phone.h"
#include "common/util.h"
#include "text/text.h"

const char *const dossier_col_names[DCOL_COUNT] = {
	"code", "phone", "status", "procedure",
	"agency", "received_at", "due_at", "id_last4",
};

/* National portal status codes (BRIEF). */
static const struct {
	const char *vi;
	const char *vi_ascii;
	const char *en;
} status_labels[11] = {
	[1] = { "Mới đăng ký", "Moi dang ky", "Newly registered" },
	[2] = { "Được tiếp nhận", "Duoc tiep nhan", "Received" },
	[3] = { "Không được tiếp nhận", "Khong duoc tiep nhan",
		"Not accepted" },
	[4] = { "Đang xử lý", "Dang xu ly", "In progress" },
	[5] = { "Yêu cầu bổ sung giấy tờ", "Yeu cau bo sung giay to",
		"Additional documents required" },
	[6] = { "Yêu cầu thực hiện nghĩa vụ tài chính",
		"Yeu cau thuc hien nghia vu tai chinh",
		"Fee payment required" },
	[7] = { "Công dân yêu cầu rút hồ sơ", "Cong dan yeu cau rut ho so",
		"Withdrawn by the citizen" },
	[8] = { "Dừng xử lý", "Dung xu ly", "Processing stopped" },
	[9] = { "Đã xử lý xong", "Da xu ly xong", "Processed" },
	[10] = { "Đã trả kết quả", "Da tra ket qua", "Result returned" },
};

const char *dossier_status_label(int status, const char *lang)
{
	if (status < 1 || status > 10)
		return NULL;
	if (lang && strcmp(lang, "en") == 0)
		return status_labels[status].en;
	if (lang && strcmp(lang, "vi-ascii") == 0)
		return status_labels[status].vi_ascii;
	return status_labels[status].vi;
}

bool dossier_status_needs_reason(int status)
{
	return status == 3 || status == 8;
}

/* The first control character of valid UTF-8 s (C0, DEL, C1), or 0. */
static uint32_t first_control(const char *s)
{
	size_t len = strlen(s), pos = 0;
	uint32_t cp;

	while (pos < len)
		if (utf8_decode(s, len, &pos, &cp) == 0 &&
		    (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)))
			return cp;
	return 0;
}

/* The first character of s without a GSM-7 form, as UTF-8 into out (5
 * bytes); false when there is none. */
static bool first_non_gsm(const char *s, char out[5])
{
	size_t len = strlen(s), pos = 0;
	uint8_t sept[2];
	uint32_t cp;

	while (pos < len)
		if (utf8_decode(s, len, &pos, &cp) == 0 &&
		    gsm7_char(cp, sept) == 0) {
			out[utf8_encode(cp, out)] = '\0';
			return true;
		}
	return false;
}

/* What the reason becomes in a notice: folded, GSM-7, short enough. */
static int reason_smsable(const char *r, char *err, size_t errlen)
{
	char folded[DOSSIER_REASON_MAX], bad[5];
	long septets;

	text_fold(r, folded, sizeof(folded));
	if (first_non_gsm(folded, bad))
		return util_err(err, errlen, -EINVAL, "reason: '%s' cannot be "
				"sent in a plain SMS (GSM-7): leave it out",
				bad);
	septets = gsm7_septets(folded);
	if (septets > DOSSIER_REASON_CHARS)
		return util_err(err, errlen, -EINVAL, "reason: takes %ld "
				"characters of an SMS ([ ] { } ~ ^ | \\ and "
				"the euro sign count twice): at most %d",
				septets, DOSSIER_REASON_CHARS);
	return 0;
}

static int reason_check(int status, const char *in, char *out, size_t cap,
			char *err, size_t errlen)
{
	size_t n, chars;
	uint32_t cc;

	while (*in == ' ')
		in++;
	n = strlen(in);
	while (n && in[n - 1] == ' ')
		n--;
	if (n == 0 && dossier_status_needs_reason(status))
		return util_err(err, errlen, -EINVAL, "reason: required for "
				"status %d (%s): the citizen reads it in the "
				"notice", status,
				dossier_status_label(status, "en"));
	if (n >= cap)
		return util_err(err, errlen, -EINVAL, "reason: longer than "
				"%d characters", DOSSIER_REASON_CHARS);
	memcpy(out, in, n);
	out[n] = '\0';
	if (!utf8_valid(out))
		return util_err(err, errlen, -EINVAL, "reason: not UTF-8");
	if ((cc = first_control(out)) != 0)
		return util_err(err, errlen, -EINVAL, "reason: a line break or "
				"another control character (U+%04X): write it "
				"on one line", (unsigned)cc);
	chars = utf8_length(out);
	if (chars > DOSSIER_REASON_CHARS)
		return util_err(err, errlen, -EINVAL, "reason: %zu characters, "
				"at most %d", chars, DOSSIER_REASON_CHARS);
	return reason_smsable(out, err, errlen);
}

int dossier_reason_check(int status, const char *in, char *out, size_t cap,
			 char *err, size_t errlen)
{
	int rc;

	if (!cap)
		return util_err(err, errlen, -EINVAL, "reason: no room");
	out[0] = '\0';
	rc = reason_check(status, in, out, cap, err, errlen);
	if (rc < 0)
		out[0] = '\0';
	return rc;
}

/* Reads up to `want` digits from *p skipping spaces; returns count read. */
static size_t take_digits(const char **p, char *out, size_t want)
{
	size_t n = 0;
	const char *s = *p;

	while (n < want) {
		while (*s == ' ')
			s++;
		if (!isdigit((unsigned char)*s))
			break;
		out[n++] = *s++;
	}
	out[n] = '\0';
	*p = s;
	return n;
}

static bool is_dash(const char **p)
{
	const char *s = *p;

	while (*s == ' ')
		s++;
	if (*s == '-') {
		*p = s + 1;
		return true;
	}
	/* en dash / em dash typed by smartphone keyboards (UTF-8) */
	if ((unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
	    ((unsigned char)s[2] == 0x93 || (unsigned char)s[2] == 0x94)) {
		*p = s + 3;
		return true;
	}
	return false;
}

/* "%s-%s-%s" of a code's parts into out, without snprintf when it fits
 * (every SMS is tried as a code): 0, or -ENOSPC when it does not fit
 * whole. */
static int code_join(char *out, size_t cap, const char *agency,
		     const char *date, const char *seq)
{
	size_t na = strlen(agency), nd = strlen(date), ns = strlen(seq);

	if (na + nd + ns + 3 > cap) {
		/* what is kept of it, as before */
		snprintf(out, cap, "%s-%s-%s", agency, date, seq);
		return -ENOSPC;
	}
	memcpy(out, agency, na);
	out[na] = '-';
	memcpy(out + na + 1, date, nd);
	out[na + 1 + nd] = '-';
	memcpy(out + na + nd + 2, seq, ns + 1);
	return 0;
}

int dossier_code_parse(const char *in, char *display, size_t displen,
		       char *key, size_t keylen, const char **end)
{
	char agency[41], agkey[41], date[7], seq[5];
	size_t na = 0, nk = 0;
	const char *p = in;
	int mm, dd;

	while (*p == ' ')
		p++;
	/* agency code: letters, digits and dots, spaces tolerated inside */
	for (;;) {
		if (isalnum((unsigned char)*p) || *p == '.') {
			if (na + 1 >= sizeof(agency))
				return -EINVAL;
			agency[na++] = (char)toupper((unsigned char)*p);
			if (*p != '.')
				agkey[nk++] = (char)toupper((unsigned char)*p);
			p++;
		} else if (*p == ' ') {
			const char *q = p;

			while (*q == ' ')
				q++;
			if (!(isalnum((unsigned char)*q) || *q == '.' ||
			      *q == '-' || (unsigned char)*q == 0xE2))
				break;
			p = q;
		} else {
			break;
		}
	}
	agency[na] = '\0';
	agkey[nk] = '\0';
	if (nk == 0 || !is_dash(&p) || take_digits(&p, date, 6) != 6 ||
	    !is_dash(&p) || take_digits(&p, seq, 4) != 4)
		return -EINVAL;
	mm = (date[2] - '0') * 10 + (date[3] - '0');
	dd = (date[4] - '0') * 10 + (date[5] - '0');
	if (mm < 1 || mm > 12 || dd < 1 || dd > 31)
		return -EINVAL;
	if (code_join(display, displen, agency, date, seq) < 0 ||
	    code_join(key, keylen, agkey, date, seq) < 0)
		return -EINVAL;
	if (end)
		*end = p;
	return 0;
}

static int atoi_n(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

bool dossier_date_valid(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	y = atoi_n(s, 4);
	m = atoi_n(s + 5, 2);
	d = atoi_n(s + 8, 2);
	if (y < 1990 || y > 2199 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100) || y % 400 == 0))
		return false;
	return true;
}

void dossier_date_display(const char *iso, char *out, size_t outlen)
{
	if (!dossier_date_valid(iso)) {
		snprintf(out, outlen, "%s", iso);
		return;
	}
	snprintf(out, outlen, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}

static void trim_copy(char *dst, size_t dstlen, const char *src)
{
	size_t n;

	while (isspace((unsigned char)*src))
		src++;
	n = strlen(src);
	while (n && isspace((unsigned char)src[n - 1]))
		n--;
	if (n >= dstlen)
		n = dstlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int dossier_from_row(const char *const f[DCOL_COUNT], struct dossier *d,
		     char *err, size_t errlen)
{
	char tmp[DOSSIER_TEXT_MAX];
	const char *end;
	long long st;

	memset(d, 0, sizeof(*d));
	trim_copy(tmp, sizeof(tmp), f[DCOL_CODE]);
	if (dossier_code_parse(tmp, d->code, sizeof(d->code), d->key,
			       sizeof(d->key), &end) < 0 || *end)
		return util_err(err, errlen, -EINVAL,
			       "code '%s' is not AGENCY-YYMMDD-NNNN", tmp);
	trim_copy(tmp, sizeof(tmp), f[DCOL_PHONE]);
	if (phone_normalize(tmp, d->phone, sizeof(d->phone)) < 0)
		return util_err(err, errlen, -EINVAL,
			       "phone '%s' is not a Vietnamese mobile number",
			       tmp);
	trim_copy(tmp, sizeof(tmp), f[DCOL_STATUS]);
	if (util_parse_int(tmp, 1, 10, &st) < 0)
		return util_err(err, errlen, -EINVAL,
			       "status '%s' is not a national status code "
			       "1..10", tmp);
	d->status = (int)st;
	if (strlen(f[DCOL_PROCEDURE]) >= sizeof(d->procedure))
		return util_err(err, errlen, -EINVAL,
			       "procedure longer than %zu bytes",
			       sizeof(d->procedure) - 1);
	trim_copy(d->procedure, sizeof(d->procedure), f[DCOL_PROCEDURE]);
	if (!d->procedure[0])
		return util_err(err, errlen, -EINVAL, "procedure is empty");
	if (strlen(f[DCOL_AGENCY]) >= sizeof(d->agency))
		return util_err(err, errlen, -EINVAL,
			       "agency longer than %zu bytes",
			       sizeof(d->agency) - 1);
	trim_copy(d->agency, sizeof(d->agency), f[DCOL_AGENCY]);
	trim_copy(tmp, sizeof(tmp), f[DCOL_RECEIVED_AT]);
	if (!dossier_date_valid(tmp))
		return util_err(err, errlen, -EINVAL,
			       "received_at '%s' is not a date YYYY-MM-DD",
			       tmp);
	util_strlcpy(d->received_at, tmp, sizeof(d->received_at));
	trim_copy(tmp, sizeof(tmp), f[DCOL_DUE_AT]);
	if (tmp[0] && !dossier_date_valid(tmp))
		return util_err(err, errlen, -EINVAL,
			       "due_at '%s' is not a date YYYY-MM-DD", tmp);
	util_strlcpy(d->due_at, tmp, sizeof(d->due_at));
	if (d->due_at[0] && strcmp(d->due_at, d->received_at) < 0)
		return util_err(err, errlen, -EINVAL,
			       "due_at %s is before received_at %s", d->due_at,
			       d->received_at);
	trim_copy(tmp, sizeof(tmp), f[DCOL_ID_LAST4]);
	if (tmp[0] && (strlen(tmp) != 4 || !util_all_digits(tmp)))
		return util_err(err, errlen, -EINVAL,
			       "id_last4 '%s' is not 4 digits", tmp);
	util_strlcpy(d->id_last4, tmp, sizeof(d->id_last4));
	return 0;
}

const char *dossier_form_get(const struct dossier *d, const char *name)
{
	for (int i = 0; i < d->nform; i++)
		if (strcmp(d->form[i].name, name) == 0)
			return d->form[i].value;
	return NULL;
}

int dossier_form_set(struct dossier *d, const char *name, const char *value)
{
	struct dossier_form_field *f = NULL;

	for (int i = 0; i < d->nform; i++)
		if (strcmp(d->form[i].name, name) == 0)
			f = &d->form[i];
	if (!f) {
		if (d->nform >= DOSSIER_FORM_MAX)
			return -ENOSPC;
		f = &d->form[d->nform++];
		util_strlcpy(f->name, name, sizeof(f->name));
	}
	util_strlcpy(f->value, value, sizeof(f->value));
	return 0;
}
