/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-ctl for the dossier system: `import FILE.csv` (every valid
 * row replaces its dossier in one atomic step; rejected rows are reported
 * with their line), `dossier CODE` (its fields under their labels, an
 * application's among them) and `dossier status CODE STATUS` (a new
 * status with its reason, the notice through the outbox).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/csv.h"
#include "common/util.h"
#include "ctl/ctl.h"
#include "services/bcast.h"
#include "services/dossier.h"
#include "services/notice.h"
#include "services/services.h"
#include "store/record.h"
#include "store/store_sync.h"
#include "text/text.h"

struct import {
	const char *path;
	struct csv_parser p;
	struct csv_record rec;
	int map[DCOL_COUNT];	/* dossier column -> CSV column */
	size_t ncols;
	int imported, rejected;
};

/* Maps the header's columns (any order, any case, spaces ignored).
 * Returns 0, or -EINVAL after saying what is missing. */
static int import_header(struct import *im)
{
	char err[512];

	if (csv_next(&im->p, &im->rec, err, sizeof(err)) <= 0) {
		fprintf(stderr, "%s:1: no header line (want %s,...)\n",
			im->path, dossier_col_names[0]);
		return -EINVAL;
	}
	im->ncols = im->rec.nfields;
	for (int k = 0; k < DCOL_COUNT; k++) {
		im->map[k] = -1;
		for (size_t i = 0; i < im->ncols; i++) {
			char name[64];
			size_t n = 0;

			for (const char *q = im->rec.fields[i]; *q && n < 63;
			     q++)
				if (*q != ' ' && *q != '\t')
					name[n++] = *q;
			name[n] = '\0';
			if (strcasecmp(name, dossier_col_names[k]) == 0)
				im->map[k] = (int)i;
		}
		if (im->map[k] < 0) {
			fprintf(stderr, "%s:%d: header has no column '%s' "
					"(want code,phone,status,procedure,"
					"agency,received_at,due_at,id_last4)\n",
				im->path, im->rec.line, dossier_col_names[k]);
			return -EINVAL;
		}
	}
	return 0;
}

/* The current row as a dossier, or -EINVAL after saying why not. */
static int import_row(struct import *im, struct dossier *d)
{
	const char *f[DCOL_COUNT];
	char err[512];

	if (im->rec.nfields != im->ncols) {
		fprintf(stderr, "%s:%d: rejected: %zu fields, the header has "
				"%zu\n", im->path, im->rec.line,
			im->rec.nfields, im->ncols);
		return -EINVAL;
	}
	for (size_t i = 0; i < im->rec.nfields; i++)
		if (!utf8_valid(im->rec.fields[i])) {
			fprintf(stderr, "%s:%d: rejected: not UTF-8 (save the "
					"file as \"CSV UTF-8\")\n",
				im->path, im->rec.line);
			return -EINVAL;
		}
	for (int k = 0; k < DCOL_COUNT; k++)
		f[k] = im->rec.fields[im->map[k]];
	if (dossier_from_row(f, d, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s:%d: rejected: %s\n", im->path,
			im->rec.line, err);
		return -EINVAL;
	}
	return 0;
}

/* Every row after the header: each valid one replaces its dossier in one
 * atomic step. Returns the failed Redis writes, or -errno. */
static int import_rows(struct import *im, struct store_sync *ss, bool notify)
{
	char err[512];
	int rc, failed = 0;

	while ((rc = csv_next(&im->p, &im->rec, err, sizeof(err))) == 1) {
		struct dossier d;

		if (import_row(im, &d) < 0) {
			im->rejected++;
			continue;
		}
		rc = store_sync_dossier_put(ss, &d, notify);
		if (rc < 0)
			return rc;
		im->imported++;
	}
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", im->path, err);
		im->rejected++;
	}
	failed = store_sync_wait(ss);
	return failed;
}

static int import_file(const struct cgw_conf *c, const char *path,
		       bool notify)
{
	struct import im = { .path = path };
	struct store_sync *ss = NULL;
	size_t len;
	char *data;
	int failed = -EINVAL;
	bool header_ok;

	data = ctl_read_file(path, &len);
	if (!data) {
		fprintf(stderr, "citizengw-ctl: %s: %s\n", path,
			strerror(errno));
		return CTL_EXIT_USAGE;
	}
	csv_init(&im.p, data, len, 0);
	header_ok = import_header(&im) == 0;
	if (header_ok && (ss = ctl_open_store(c)))
		failed = import_rows(&im, ss, notify);
	if (failed != 0 && ss)
		fprintf(stderr, "citizengw-ctl: %s\n", store_sync_error(ss));
	store_sync_close(ss);
	free(data);
	csv_record_free(&im.rec);
	if (failed == -EINVAL)	/* a bad header, or no store */
		return header_ok ? CTL_EXIT_UNREACHABLE : CTL_EXIT_USAGE;
	if (failed) {
		fprintf(stderr, "citizengw-ctl: %d dossier%s not written; the "
				"import is incomplete, run it again\n",
			failed > 0 ? failed : im.imported,
			failed == 1 ? "" : "s");
		return CTL_EXIT_UNREACHABLE;
	}
	printf("%s: imported %d dossier%s, rejected %d row%s\n", path,
	       im.imported, im.imported == 1 ? "" : "s", im.rejected,
	       im.rejected == 1 ? "" : "s");
	return im.rejected ? CTL_EXIT_PARTLY : CTL_EXIT_OK;
}


/* --- dossier CODE ------------------------------------------------------------------ */

static const char usage_dossier[] =
	"usage: citizengw-ctl -c FILE dossier CODE [--json]\n"
	"       citizengw-ctl -c FILE dossier status CODE STATUS "
	"[--reason TEXT] [--no-notify]\n"
	"  CODE shows a dossier: its fields under their labels (status with "
	"its name,\n"
	"  dates as staff write them, times local in broadcast.timezone), "
	"an\n"
	"  application's form among them; --json: the stored fields as they "
	"are,\n"
	"  filed_ms and kept_until_ms in epoch ms. `dossier status --help` "
	"explains\n"
	"  the other. Exit 0 found, 1 no such dossier, 2 not a code, 3 Redis\n"
	"  unreachable.\n";

#define print_line ctl_print_labelled

/* "3 Không được tiếp nhận (Not accepted)"; a number outside 1..10 as it
 * is. */
static const char *status_text(const char *v, char *out, size_t cap)
{
	long long st;

	if (util_parse_int(v, 1, 10, &st) < 0)
		return v;
	snprintf(out, cap, "%lld %s (%s)", st,
		 dossier_status_label((int)st, "vi"),
		 dossier_status_label((int)st, "en"));
	return out;
}

/* One stored field as staff read it, under its label. */
static void print_dossier_field(const struct rec_field *f, const char *v)
{
	char buf[128];

	if (strcmp(f->name, "status") == 0 ||
	    strcmp(f->name, "notice_status") == 0)
		v = status_text(v, buf, sizeof(buf));
	else if (strcmp(f->name, "received_at") == 0 ||
		 strcmp(f->name, "due_at") == 0) {
		dossier_date_display(v, buf, sizeof(buf));
		v = buf;
	} else
		v = rec_show(f, v, buf, sizeof(buf));
	print_line(f->label, v);
}

/* The dossier's fields under their labels (rec_dossier), then the
 * application's ("form cccd"), then anything else as stored. */
static void print_dossier(const struct store_pairs *p)
{
	const char *fp = rec_dossier.extra_prefix;

	for (size_t i = 0; i < rec_dossier.nfields; i++) {
		const struct rec_field *f = &rec_dossier.fields[i];
		const char *v = store_pairs_get(p, f->name);

		if (v && v[0])
			print_dossier_field(f, v);
	}
	for (size_t i = 0; i + 1 < p->n; i += 2) {
		char label[64];

		if (strncmp(p->v[i], fp, strlen(fp)) != 0)
			continue;
		snprintf(label, sizeof(label), "form %s",
			 p->v[i] + strlen(fp));
		print_line(label, p->v[i + 1]);
	}
	for (size_t i = 0; i + 1 < p->n; i += 2)
		if (!rec_field_find(&rec_dossier, p->v[i]) &&
		    strncmp(p->v[i], fp, strlen(fp)) != 0)
			print_line(p->v[i], p->v[i + 1]);
}

static void print_times(const struct cgw_conf *c, int64_t filed,
			int64_t expires)
{
	struct bcast_tz *tz = filed > 0 || expires > 0 ? ctl_tz(c) : NULL;
	char when[48];

	if (filed > 0) {
		ctl_format_time(tz, filed, when, sizeof(when));
		print_line("filed", when);
	}
	if (expires > 0) {
		ctl_format_time(tz, expires, when, sizeof(when));
		print_line("kept until", when);
	}
	bcast_tz_free(tz);
}

/* The stored fields as they are, and the two times in epoch ms. */
static void print_dossier_json(const struct store_pairs *p, int64_t filed,
			       int64_t expires)
{
	json_t *o = ctl_pairs_json(p);

	if (filed > 0)
		json_object_set_new(o, "filed_ms", json_integer(filed));
	if (expires > 0)
		json_object_set_new(o, "kept_until_ms", json_integer(expires));
	ctl_print_json(o);
}

/* The code as typed: its display form and lookup key, or 2 after
 * saying why not. */
static int code_arg(const char *code, char *display, char *key)
{
	const char *end;

	if (dossier_code_parse(code, display, DOSSIER_CODE_MAX, key,
			       DOSSIER_CODE_MAX, &end) == 0 && !*end)
		return 0;
	fprintf(stderr, "citizengw-ctl: '%s' is not a dossier code "
			"(AGENCY-YYMMDD-NNNN)\n", code);
	return CTL_EXIT_USAGE;
}

static int show_dossier(const struct cgw_conf *c, const char *code,
			bool json)
{
	char display[DOSSIER_CODE_MAX], key[DOSSIER_CODE_MAX];
	struct store_pairs p = { 0, NULL };
	int64_t filed = 0, expires = 0;
	struct store_sync *ss;
	int rc;

	if (code_arg(code, display, key))
		return CTL_EXIT_USAGE;
	if (!(ss = ctl_open_store(c)))
		return CTL_EXIT_UNREACHABLE;
	rc = store_sync_dossier(ss, key, &p);
	if (rc > 0 && store_sync_dossier_times(ss, key, &filed, &expires) < 0)
		rc = -EIO;
	if (rc < 0) {
		rc = ctl_store_failed(ss);
	} else if (rc == 0) {
		fprintf(stderr, "citizengw-ctl: no dossier %s\n", display);
		rc = CTL_EXIT_PARTLY;
	} else if (json) {
		print_dossier_json(&p, filed, expires);
		rc = CTL_EXIT_OK;
	} else {
		print_dossier(&p);
		print_times(c, filed, expires);
		rc = CTL_EXIT_OK;
	}
	store_pairs_free(&p);
	store_sync_close(ss);
	return rc;
}

/* --- dossier status CODE STATUS ------------------------------------------------------------ */

static void status_usage(FILE *out)
{
	fprintf(out, "usage: citizengw-ctl -c FILE dossier status CODE "
			"STATUS [--reason TEXT] [--no-notify]\n"
			"  STATUS 1..10; a reason is required for 3 (not "
			"accepted) and 8 (processing stopped)\n");
}

/* What becomes of the notice of a changed status: the daemon sends it
 * unless the phone opted out or the status has no text. */
static const char *notice_fate(const struct cgw_conf *c,
			       struct store_sync *ss,
			       const struct store_status_result *res)
{
	struct store_pairs p = { 0, NULL };
	struct notice_set *set = NULL;
	char path[sizeof(c->menus.dir) + 16], err[256];
	const char *optout, *fate = "queued";

	if (store_sync_profile(ss, res->view.d.phone, &p) == 0 &&
	    (optout = store_pairs_get(&p, "optout")) && strcmp(optout, "1") == 0)
		fate = "not sent: the phone opted out (TU CHOI)";
	store_pairs_free(&p);
	snprintf(path, sizeof(path), "%s/%s", c->menus.dir, NOTICE_FILE);
	if (notice_load(path, &set, NULL, NULL, err, sizeof(err)) == 0 &&
	    !notice_has(set, res->view.d.status))
		fate = "none: the status has no text in notices.cfg";
	notice_set_free(set);
	return fate;
}

/* "000.00.19.H56-261204-0001: status 3 ..., was 2 ...", then the reason
 * and what becomes of the notice, under their labels. */
static void print_result(const struct cgw_conf *c, struct store_sync *ss,
			 const char *display,
			 const struct store_status_result *res, bool notify)
{
	char now[16], was[16], now_text[128], was_text[128];

	snprintf(now, sizeof(now), "%d", res->view.d.status);
	snprintf(was, sizeof(was), "%d", res->old_status);
	printf("%s: status %s", display,
	       status_text(now, now_text, sizeof(now_text)));
	if (res->changed)
		printf(", was %s", status_text(was, was_text,
					       sizeof(was_text)));
	else
		printf(" (unchanged)");
	putchar('\n');
	if (res->view.d.reason[0])
		print_line("reason", res->view.d.reason);
	print_line("notice", !res->changed ? "none: the status did not change"
		   : !notify ? "none (--no-notify, or notices.enabled = false)"
		   : notice_fate(c, ss, res));
}

static int set_status(const struct cgw_conf *c, const char *code,
		      const char *status, const char *reason, bool notify)
{
	char display[DOSSIER_CODE_MAX], key[DOSSIER_CODE_MAX], err[512];
	char clean[DOSSIER_REASON_MAX];
	struct store_status_set set = { key, 0, clean, notify };
	struct store_status_result res;
	struct store_sync *ss;
	long long st;
	int rc;

	if (code_arg(code, display, key))
		return 2;
	if (util_parse_int(status, 1, 10, &st) < 0) {
		fprintf(stderr, "citizengw-ctl: status '%s' is not a national "
				"status code 1..10\n", status);
		return 2;
	}
	set.status = (int)st;
	if (dossier_reason_check(set.status, reason, clean, sizeof(clean),
				 err, sizeof(err)) < 0) {
		fprintf(stderr, "citizengw-ctl: %s\n", err);
		return 2;
	}
	if (!(ss = ctl_open_store(c)))
		return CTL_EXIT_UNREACHABLE;
	rc = store_sync_dossier_status(ss, &set, &res);
	if (rc < 0) {
		rc = ctl_store_failed(ss);
	} else if (rc == 0) {
		fprintf(stderr, "citizengw-ctl: no dossier %s\n", display);
		rc = CTL_EXIT_PARTLY;
	} else {
		print_result(c, ss, display, &res, notify);
		rc = CTL_EXIT_OK;
	}
	store_sync_close(ss);
	return rc;
}

static int dossier_status(const struct cgw_conf *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "no-notify", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *reason = "";
	bool notify = c && c->notices.enabled;
	int o;

	/* optind 0 starts afresh (main's scan stopped at the command):
	 * options may come before, between and after CODE and STATUS */
	optind = 0;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (o == 'r') {
			reason = optarg;
		} else if (o == 'n') {
			notify = false;
		} else if (o == 'h') {
			status_usage(stdout);
			return 0;
		} else {
			status_usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		status_usage(stderr);
		return 2;
	}
	if (!c) {
		fprintf(stderr, "citizengw-ctl: -c FILE is required\n");
		return 2;
	}
	return set_status(c, argv[optind], argv[optind + 1], reason, notify);
}

static const char usage_import[] =
	"usage: citizengw-ctl -c FILE import [--no-notify] FILE.csv\n"
	"  loads dossiers from a UTF-8 CSV with the header\n"
	"  code,phone,status,procedure,agency,received_at,due_at,id_last4 "
	"(any order);\n"
	"  re-importing a code updates it; a new status sends the citizen a "
	"notice\n"
	"  (notices.enabled) unless --no-notify. Exit 0 every row imported, "
	"1 some\n"
	"  rejected (the others are imported), 2 the file cannot be read, "
	"3 Redis\n"
	"  unreachable or the import incomplete.\n";

int ctl_import(const struct cgw_conf *c, int argc, char **argv)
{
	bool notify;

	if (ctl_help_wanted(argc, argv)) {
		fputs(usage_import, stdout);
		return CTL_EXIT_OK;
	}
	notify = !ctl_take_flag(&argc, argv, "--no-notify");
	if (argc != 1 || argv[0][0] == '-') {
		fputs(usage_import, stderr);
		return CTL_EXIT_USAGE;
	}
	if (!c) {
		fprintf(stderr, "citizengw-ctl: -c FILE is required\n");
		return CTL_EXIT_USAGE;
	}
	return import_file(c, argv[0], notify && c->notices.enabled);
}

int ctl_dossier(const struct cgw_conf *c, int argc, char **argv)
{
	bool json;

	if (argc >= 1 && strcmp(argv[0], "status") == 0)
		return dossier_status(c, argc, argv);
	if (ctl_help_wanted(argc, argv)) {
		fputs(usage_dossier, stdout);
		return CTL_EXIT_OK;
	}
	json = ctl_take_json(&argc, argv);
	if (argc != 1 || argv[0][0] == '-') {
		fputs(usage_dossier, stderr);
		return CTL_EXIT_USAGE;
	}
	if (!c) {
		fprintf(stderr, "citizengw-ctl: -c FILE is required\n");
		return CTL_EXIT_USAGE;
	}
	return show_dossier(c, argv[0], json);
}
