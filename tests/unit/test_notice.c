/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of status-change notices (services/notice.h): the shipped
 * menus/notices.cfg (every status 2..10 has a plain text in both
 * languages that fits one SMS, with a reason of 100 characters too;
 * status 1 is silent), rendering with and without due date, agency and
 * reason, long names cut, and broken files: every problem reported at
 * once with file:line and the setting's path.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/bcast.h"
#include "services/notice.h"
#include "text/segment.h"
#include "text/text.h"
#include "suites.h"

#define NOTICES SRCDIR "/menus/" NOTICE_FILE
#define CODE "000.00.19.H56-250806-0001"

struct problems {
	int n;
	char line[32][512];
};

static void collect(void *ctx, const char *problem)
{
	struct problems *p = ctx;

	ck_assert(utf8_valid(problem));
	if (p->n < 32)
		snprintf(p->line[p->n], sizeof(p->line[0]), "%s", problem);
	p->n++;
}

static struct notice_set *load_ok(const char *path)
{
	struct problems p = { 0 };
	struct notice_set *s = NULL;
	char err[1024] = "";

	ck_assert_msg(notice_load(path, &s, collect, &p, err, sizeof(err)) ==
			      0, "%s", err);
	ck_assert_int_eq(p.n, 0);
	ck_assert_ptr_nonnull(s);
	return s;
}

static void dossier(struct dossier *d, int status)
{
	memset(d, 0, sizeof(*d));
	strcpy(d->code, CODE);
	strcpy(d->phone, "84912345678");
	d->status = status;
	strcpy(d->procedure, "Cấp bản sao trích lục khai sinh");
	strcpy(d->agency, "UBND xã Phúc Xuân");
	strcpy(d->received_at, "2025-08-06");
	strcpy(d->due_at, "2025-08-20");
}

static void render_ok(const struct notice_set *s, const struct dossier *d,
		      const char *lang, bool fold, const char *want)
{
	char out[BCAST_TEXT_MAX], err[256] = "";

	ck_assert_msg(notice_render(s, d, lang, fold, out, sizeof(out), err,
				    sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(out, want);
}

START_TEST(shipped_file)
{
	struct notice_set *s = load_ok(NOTICES);
	char out[BCAST_TEXT_MAX], err[256];
	struct dossier d;

	dossier(&d, 1);
	ck_assert(!notice_has(s, 1));
	ck_assert(!notice_has(s, 0));
	ck_assert(!notice_has(s, 11));
	ck_assert_int_eq(notice_render(s, &d, "vi", true, out, sizeof(out),
				       err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "no notice for status 1");
	/* a long procedure, a long agency: still one plain SMS */
	memset(d.procedure, 0, sizeof(d.procedure));
	while (strlen(d.procedure) + sizeof("Thủ tục dài ") <=
	       sizeof(d.procedure))
		strcat(d.procedure, "Thủ tục dài ");
	strcpy(d.agency, "Trung tâm Phục vụ hành chính công tỉnh Thái "
			 "Nguyên, bộ phận tiếp nhận và trả kết quả");
	/* the longest reason staff may give, diacritics on every letter */
	memset(d.reason, 0, sizeof(d.reason));
	for (int i = 0; i < DOSSIER_REASON_CHARS / 5; i++)
		strcat(d.reason, "Ộờỡở ");
	ck_assert_int_eq(utf8_length(d.reason), DOSSIER_REASON_CHARS);
	ck_assert_uint_gt(strlen(d.reason), BCAST_VALUE_MAX);
	for (int st = 2; st <= 10; st++) {
		static const char *const langs[] = { "vi", "en" };

		ck_assert(notice_has(s, st));
		d.status = st;
		for (int l = 0; l < 2; l++) {
			struct seg_opts o;
			struct text_plan plan;

			ck_assert_int_eq(notice_render(s, &d, langs[l], true,
						       out, sizeof(out), err,
						       sizeof(err)), 0);
			seg_opts_init(&o);
			ck_assert_msg(seg_count(out, &o, &plan) == 1,
				      "status %d %s: %s", st, langs[l], out);
			ck_assert_int_eq(plan.enc, TEXT_ENC_GSM7);
			ck_assert_msg(strstr(out, CODE), "%s", out);
			/* 3, 5 and 8 say why, the others need not */
			if (st == 3 || st == 5 || st == 8)
				ck_assert_msg(strstr(out, "Oooo Oooo"),
					      "status %d %s: %s", st, langs[l],
					      out);
			ck_assert(!strstr(out, "http") && !strstr(out, "www"));
			ck_assert(!strchr(out, '{') && !strchr(out, '}'));
		}
		/* written with diacritics: folding happens at send time */
		ck_assert_int_eq(notice_render(s, &d, "vi", false, out,
					       sizeof(out), NULL, 0), 0);
		ck_assert_msg(strstr(out, "Hồ sơ") || strstr(out, "Booo"),
			      "%s", out);
	}
	notice_set_free(s);
}
END_TEST

START_TEST(render_values)
{
	struct notice_set *s = load_ok(NOTICES);
	struct dossier d;
	char out[BCAST_TEXT_MAX], err[256];

	dossier(&d, 2);
	render_ok(s, &d, "vi", false,
		  "Hồ sơ " CODE " (Cấp bản sao trích lục khai sinh) đã được "
		  "tiếp nhận. Ngày hẹn trả kết quả: 20/08/2025.");
	render_ok(s, &d, "vi", true,
		  "Ho so " CODE " (Cap ban sao trich luc khai sinh) da duoc "
		  "tiep nhan. Ngay hen tra ket qua: 20/08/2025.");
	render_ok(s, &d, NULL, true,
		  "Ho so " CODE " (Cap ban sao trich luc khai sinh) da duoc "
		  "tiep nhan. Ngay hen tra ket qua: 20/08/2025.");
	render_ok(s, &d, "en", false,
		  "Dossier " CODE " (Cấp bản sao trích lục khai sinh) has been "
		  "received. Result due: 20/08/2025.");
	/* no due date, no agency: the file's `missing` texts */
	d.due_at[0] = '\0';
	render_ok(s, &d, "", true,
		  "Ho so " CODE " (Cap ban sao trich luc khai sinh) da duoc "
		  "tiep nhan. Ngay hen tra ket qua: se bao sau.");
	render_ok(s, &d, "en", true,
		  "Dossier " CODE " (Cap ban sao trich luc khai sinh) has been "
		  "received. Result due: to be announced.");
	/* no reason: the file's `missing` text */
	d.status = 5;
	d.agency[0] = '\0';
	render_ok(s, &d, "vi", true,
		  "Ho so " CODE " can bo sung: vui long lien he Bo phan Mot cua");
	render_ok(s, &d, "en", true,
		  "Dossier " CODE " needs more: please contact the One-Stop Shop");
	/* a reason, folded as the rest */
	d.status = 3;
	strcpy(d.reason, "Thiếu bản sao Căn cước công dân");
	render_ok(s, &d, "vi", false,
		  "Hồ sơ " CODE " không được tiếp nhận: Thiếu bản sao Căn cước "
		  "công dân");
	render_ok(s, &d, "vi", true,
		  "Ho so " CODE " khong duoc tiep nhan: Thieu ban sao Can cuoc "
		  "cong dan");
	render_ok(s, &d, "en", true,
		  "Dossier " CODE " was not accepted: Thieu ban sao Can cuoc "
		  "cong dan");
	d.status = 8;
	render_ok(s, &d, "vi", true,
		  "Ho so " CODE " da dung xu ly: Thieu ban sao Can cuoc cong "
		  "dan");
	d.reason[0] = '\0';
	/* long names are cut to their widths with "..." */
	d.status = 9;
	strcpy(d.agency, "Trung tâm Phục vụ hành chính công tỉnh Thái Nguyên");
	render_ok(s, &d, "vi", true,
		  "Ho so " CODE " da xu ly xong. Moi ban den nhan ket qua tai "
		  "Trung tam Phuc vu hanh chinh cong tin....");
	d.status = 7;
	strcpy(d.procedure, "Đăng ký khai sinh, đăng ký thường trú, cấp thẻ "
			    "bảo hiểm y tế cho trẻ em dưới 6 tuổi");
	render_ok(s, &d, "vi", true,
		  "Ho so " CODE " (Dang ky khai sinh, dang ky thuong tru, cap "
		  "th...) da duoc rut theo yeu cau cua ban.");
	/* broken bytes in a dossier never reach the text */
	strcpy(d.procedure, "Th\xFF t\xE1");
	render_ok(s, &d, "en", true,
		  "Dossier " CODE " (Th? t?) has been withdrawn as you asked.");
	/* refusals */
	ck_assert_int_eq(notice_render(s, &d, "fr", true, out, sizeof(out),
				       err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "no notices in language 'fr' (vi, en)");
	d.status = 11;
	ck_assert_int_eq(notice_render(s, &d, "vi", true, out, sizeof(out),
				       err, sizeof(err)), -EINVAL);
	d.status = 0;
	ck_assert_int_eq(notice_render(s, &d, "vi", true, out, sizeof(out),
				       err, sizeof(err)), -EINVAL);
	d.status = 3;
	ck_assert_int_eq(notice_render(s, &d, "vi", true, out, 20, err,
				       sizeof(err)), -EMSGSIZE);
	notice_set_free(s);
}
END_TEST

START_TEST(missing_file)
{
	struct notice_set *s = NULL;
	char err[256];

	ck_assert_int_eq(notice_load("/nonexistent/notices.cfg", &s, NULL,
				     NULL, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, "/nonexistent/notices.cfg"), "%s", err);
}
END_TEST

/* Loads text as a file and returns the problems. */
static int load_bad(const char *text, struct problems *p, char *err,
		    size_t errlen, char **dir)
{
	struct notice_set *s = NULL;
	const char *path;
	int rc;

	*dir = tu_tmpdir();
	path = tu_write(*dir, NOTICE_FILE, text);
	memset(p, 0, sizeof(*p));
	rc = notice_load(path, &s, collect, p, err, errlen);
	ck_assert_ptr_null(s);
	return rc;
}

static void has_problem(const struct problems *p, const char *want)
{
	for (int i = 0; i < p->n && i < 32; i++)
		if (strstr(p->line[i], want))
			return;
	ck_abort_msg("no problem says '%s' (%d problems; first: %s)", want,
		     p->n, p->n ? p->line[0] : "-");
}

START_TEST(broken_file)
{
	static const char text[] =
		"# broken on purpose\n"					/* 1 */
		"missing = {\n"						/* 2 */
		"  due = { vi = \"sẽ báo sau\"; };\n"			/* 3 */
		"  foo = { vi = \"x\"; en = \"y\"; };\n"		/* 4 */
		"};\n"							/* 5 */
		"notices = {\n"						/* 6 */
		"  status_2 = { vi = \"Hồ sơ {code\"; en = \"D {code}\"; };\n"
		"  status_3 = { vi = \"Hồ sơ {nmae}\"; en = \"D {code}\"; };\n"
		"  status_4 = { vi = \"Hồ sơ {code}\"; };\n"		/* 9 */
		"  status_5 = { vi = \"{code}\"; fr = \"x\"; en = \"{code}\"; };\n"
		"  status_11 = { vi = \"x\"; en = \"y\"; };\n"		/* 11 */
		"  statu_6 = { vi = \"x\"; en = \"y\"; };\n"		/* 12 */
		"  status_7 = { vi = 7; en = \"y\"; };\n"		/* 13 */
		"  status_8 = \"Hồ sơ {code}\";\n"			/* 14 */
		"  status_9 = { vi = \"{agency} {code} {procedure} {procedure} "
		"{status}\"; en = \"{due} {agency}\"; };\n"		/* 15 */
		"  status_10 = { vi = \"\xC3\x28\"; en = \"{{ok}}\"; };\n"
		"  status_1 = { vi = \"Hồ sơ {code} 王\"; en = \"x {code}\"; "
		"};\n"							/* 17 */
		"  status_05 = { vi = \"x\"; en = \"y\"; };\n"		/* 18 */
		"};\n"
		"extra = 1;\n";						/* 20 */
	struct problems p;
	char err[1024], *dir;

	ck_assert_int_eq(load_bad(text, &p, err, sizeof(err), &dir), -EINVAL);
	has_problem(&p, "notices.cfg:3: missing.due: no en text");
	has_problem(&p, "notices.cfg:4: missing.foo: unknown setting (due, "
		    "agency");
	has_problem(&p, "notices.cfg:7: notices.status_2.vi: template: '{' "
		    "at character 7 is never closed");
	has_problem(&p, "notices.cfg:8: notices.status_3.vi: unknown variable "
		    "{nmae} (code, procedure, status, due, agency, reason)");
	has_problem(&p, "notices.cfg:9: notices.status_4: has a vi text but "
		    "no en text");
	has_problem(&p, "notices.cfg:10: notices.status_5.fr: unknown "
		    "language (vi, en)");
	has_problem(&p, "notices.cfg:11: notices.status_11: unknown status "
		    "(status_1 .. status_10");
	has_problem(&p, "notices.cfg:12: notices.statu_6: unknown status");
	has_problem(&p, "notices.cfg:13: notices.status_7.vi: must be a "
		    "text");
	has_problem(&p, "notices.cfg:14: notices.status_8: must be a group");
	has_problem(&p, "notices.cfg:15: notices.status_9.vi: uses {agency}, "
		    "which a dossier may lack");
	has_problem(&p, "notices.cfg:15: notices.status_9.vi: 178 characters "
		    "without diacritics (with {agency} 40, {code} 25, "
		    "{procedure} 48, {status} 13 characters): more than one "
		    "SMS (160)");
	has_problem(&p, "notices.cfg:15: notices.status_9.en: uses {agency}");
	has_problem(&p, "notices.cfg:16: notices.status_10.vi: not UTF-8");
	has_problem(&p, "notices.cfg:18: notices.status_05: unknown status");
	has_problem(&p, "notices.cfg:20: extra: unknown setting (notices, "
		    "missing)");
	/* the due date has a vi text, not an en one */
	has_problem(&p, "notices.cfg:15: notices.status_9.en: uses {due}");
	ck_assert_int_eq(p.n, 17);
	/* err: the first, and how many more */
	ck_assert_msg(strstr(err, "notices.cfg:3: missing.due: no en text "
				  "(and 16 more problems)"), "%s", err);
	tu_rmtree(dir);
}
END_TEST

START_TEST(ucs2_and_lengths)
{
	static const char text[] =
		"notices = {\n"
		"  status_4 = { vi = \"Hồ sơ {code} 王 đang xử lý, hẹn ngày "
		"gặp lại ở Trung tâm\"; en = \"x {code}\"; };\n"
		"  status_6 = {\n"
		"    vi = \"Hồ sơ {code}: {status}. Xin vui lòng liên hệ sớm "
		"nhất có thể với cán bộ tiếp nhận hồ sơ để được hướng dẫn chi "
		"tiết.\";\n"
		"    en = \"{code}\"; };\n"
		"};\n";
	struct problems p;
	char err[1024], *dir;

	ck_assert_int_eq(load_bad(text, &p, err, sizeof(err), &dir), -EINVAL);
	has_problem(&p, "notices.cfg:2: notices.status_4.vi: 74 characters, "
		    "and a character without a GSM-7 form makes it UCS-2: more "
		    "than one SMS (70)");
	/* {status} is measured with the label of that status */
	has_problem(&p, "notices.cfg:4: notices.status_6.vi: 162 characters "
		    "without diacritics (with {code} 25, {status} 36 "
		    "characters): more than one SMS (160)");
	ck_assert_int_eq(p.n, 2);
	tu_rmtree(dir);
}
END_TEST

/* {reason}: counted at 100 characters, and it needs its `missing` text */
START_TEST(reason_variable)
{
	static const char text[] =
		"missing = { due = { vi = \"sau\"; en = \"later\"; }; };\n"
		"notices = {\n"
		"  status_3 = { vi = \"{code} bị từ chối: {reason}\"; "
		"en = \"{code}: {reason}\"; };\n"
		"  status_8 = { vi = \"Hồ sơ {code} đã dừng xử lý từ hôm nay, lý do: {reason}\"; "
		"en = \"{code}: {reason}\"; };\n"
		"};\n";
	struct problems p;
	char err[1024], *dir;

	ck_assert_int_eq(load_bad(text, &p, err, sizeof(err), &dir), -EINVAL);
	has_problem(&p, "notices.cfg:3: notices.status_3.vi: uses {reason}, "
		    "which a dossier may lack");
	has_problem(&p, "notices.cfg:4: notices.status_8.vi: 165 characters "
		    "without diacritics (with {code} 25, {reason} 100 "
		    "characters): more than one SMS (160)");
	tu_rmtree(dir);
}
END_TEST

START_TEST(syntax_and_shape)
{
	struct problems p;
	char err[1024], *dir;

	ck_assert_int_eq(load_bad("notices = {\n  status_2 = { vi = = \"x\"; };\n"
				  "};\n", &p, err, sizeof(err), &dir),
			 -EINVAL);
	ck_assert_int_eq(p.n, 1);
	ck_assert_msg(strstr(p.line[0], "notices.cfg:2: syntax error"),
		      "%s", p.line[0]);
	tu_rmtree(dir);

	ck_assert_int_eq(load_bad("# nothing\n", &p, err, sizeof(err), &dir),
			 -EINVAL);
	ck_assert_int_eq(p.n, 1);
	ck_assert_msg(strstr(err, "notices.cfg: no notices = {"), "%s", err);
	tu_rmtree(dir);

	ck_assert_int_eq(load_bad("notices = 1;\nmissing = \"x\";\n", &p, err,
				  sizeof(err), &dir), -EINVAL);
	has_problem(&p, "notices.cfg:1: notices: must be a group");
	has_problem(&p, "notices.cfg:2: missing: must be a group");
	tu_rmtree(dir);

	ck_assert_int_eq(load_bad("missing = { due = \"x\"; agency = { vi = "
				  "\"\"; en = \"y\"; }; };\nnotices = {};\n",
				  &p, err, sizeof(err), &dir), -EINVAL);
	has_problem(&p, "notices.cfg:1: missing.due: must be a group");
	has_problem(&p, "notices.cfg:1: missing.agency.vi: must be 1..64 "
		    "bytes");
	tu_rmtree(dir);
}
END_TEST

START_TEST(minimal_files)
{
	char *dir = tu_tmpdir();
	struct notice_set *s;
	struct dossier d;

	/* no notices at all is valid: nothing is ever sent */
	s = load_ok(tu_write(dir, "a.cfg", "notices = {};\n"));
	for (int st = 1; st <= 10; st++)
		ck_assert(!notice_has(s, st));
	notice_set_free(s);
	/* a status without {due} or {agency} needs no `missing` */
	s = load_ok(tu_write(dir, "b.cfg",
			     "notices = { status_1 = { vi = \"Hồ sơ {code}: "
			     "{status}\"; en = \"{code}: {status}\"; }; };\n"));
	dossier(&d, 1);
	render_ok(s, &d, "vi", false, "Hồ sơ " CODE ": Mới đăng ký");
	render_ok(s, &d, "en", false, CODE ": Newly registered");
	notice_set_free(s);
	notice_set_free(NULL);
	tu_rmtree(dir);
}
END_TEST

Suite *suite_notice(void)
{
	Suite *s = suite_create("notice");
	TCase *tc = tcase_create("notice");

	tcase_add_test(tc, shipped_file);
	tcase_add_test(tc, render_values);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, broken_file);
	tcase_add_test(tc, ucs2_and_lengths);
	tcase_add_test(tc, reason_variable);
	tcase_add_test(tc, syntax_and_shape);
	tcase_add_test(tc, minimal_files);
	suite_add_tcase(s, tc);
	return s;
}
