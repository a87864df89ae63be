/*
 * citizengw-ctl for the dossier system: `import FILE.csv` (every valid
 * row replaces its dossier in one atomic step; rejected rows are reported
 * with their line) and `dossier CODE`.
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
#include "ctl/ctl.h"
#include "services/dossier.h"
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

	data = ctl_read_file(path, &len);
	if (!data) {
		fprintf(stderr, "citizengw-ctl: %s: %s\n", path,
			strerror(errno));
		return 2;
	}
	csv_init(&im.p, data, len, 0);
	if (import_header(&im) == 0 && (ss = ctl_open_store(c)))
		failed = import_rows(&im, ss, notify);
	if (failed != 0 && ss)
		fprintf(stderr, "citizengw-ctl: %s\n", store_sync_error(ss));
	store_sync_close(ss);
	free(data);
	csv_record_free(&im.rec);
	if (failed == -EINVAL)
		return 2;
	if (failed) {
		fprintf(stderr, "citizengw-ctl: %d dossier%s not written; the "
				"import is incomplete, run it again\n",
			failed > 0 ? failed : im.imported,
			failed == 1 ? "" : "s");
		return 2;
	}
	printf("%s: imported %d dossier%s, rejected %d row%s\n", path,
	       im.imported, im.imported == 1 ? "" : "s", im.rejected,
	       im.rejected == 1 ? "" : "s");
	return im.rejected ? 1 : 0;
}


static int show_dossier(const struct cgw_conf *c, const char *code)
{
	char display[DOSSIER_CODE_MAX], key[DOSSIER_CODE_MAX];
	struct store_pairs p = { 0, NULL };
	struct store_sync *ss;
	const char *end;
	int rc;

	if (dossier_code_parse(code, display, sizeof(display), key,
			       sizeof(key), &end) < 0 || *end) {
		fprintf(stderr, "citizengw-ctl: '%s' is not a dossier code "
				"(AGENCY-YYMMDD-NNNN)\n", code);
		return 2;
	}
	if (!(ss = ctl_open_store(c)))
		return 2;
	rc = store_sync_dossier(ss, key, &p);
	if (rc < 0)
		fprintf(stderr, "citizengw-ctl: %s\n", store_sync_error(ss));
	else if (rc == 0)
		fprintf(stderr, "citizengw-ctl: no dossier %s\n", display);
	else
		ctl_print_record(&rec_dossier, &p);
	store_pairs_free(&p);
	store_sync_close(ss);
	return rc < 0 ? 2 : rc == 0 ? 1 : 0;
}

/* An MT by the SMS centre's id, in each bind's canonical form. */

int ctl_import(const struct cgw_conf *c, int argc, char **argv)
{
	bool notify = c->notices.enabled;

	if (argc == 2 && strcmp(argv[0], "--no-notify") == 0) {
		notify = false;
		argv++;
		argc--;
	}
	if (argc != 1 || argv[0][0] == '-')
		return -1;
	return import_file(c, argv[0], notify);
}

int ctl_dossier(const struct cgw_conf *c, int argc, char **argv)
{
	return argc == 1 ? show_dossier(c, argv[0]) : -1;
}
