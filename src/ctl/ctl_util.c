/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-ctl helpers every command file uses: the store connection,
 * the arguments every command shares (--help, --json), reading a file,
 * showing a record, times as staff type and read them, table cells.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/days.h"
#include "common/util.h"
#include "ctl/ctl.h"
#include "services/bcast.h"
#include "services/services.h"
#include "store/record.h"
#include "store/store_sync.h"
#include "text/text.h"

struct store_sync *ctl_open_store(const struct cgw_conf *c)
{
	char err[512];
	struct store_sync *ss = store_sync_open(c, err, sizeof(err));

	if (!ss)
		fprintf(stderr, "citizengw-ctl: %s\n", err);
	return ss;
}

char *ctl_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	char *buf;

	if (!f)
		return NULL;
	if (fstat(fileno(f), &sb) < 0 || sb.st_size > 512L * 1024 * 1024) {
		fclose(f);
		errno = EFBIG;
		return NULL;
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, (size_t)sb.st_size, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* Labels are shown "Label:" in a column this wide. */
#define LABEL_WIDTH 22

void ctl_print_labelled(const char *label, const char *value)
{
	char l[64];

	/* labels in the record tables are lower case ("receipt at"):
	 * capitalised here, where they head a line */
	snprintf(l, sizeof(l), "%s:", label);
	if (l[0] >= 'a' && l[0] <= 'z')
		l[0] = (char)(l[0] - 'a' + 'A');
	printf("%-*s %s\n", LABEL_WIDTH, l, value);
}

/* One stored value as people read it: times local with their offset,
 * booleans yes / no, the rest as stored. */
static const char *shown_value(const struct rec_field *f, const char *v,
			       const struct bcast_tz *tz, char *buf,
			       size_t cap)
{
	long long n;

	if (f->type == REC_TIME && util_parse_int(v, 1, INT64_MAX, &n) == 0) {
		ctl_format_time(tz, n, buf, cap);
		return buf;
	}
	if (f->type == REC_BOOL && (!strcmp(v, "0") || !strcmp(v, "1")))
		return v[0] == '1' ? "yes" : "no";
	return v;
}

void ctl_print_record(const struct rec_def *def, const struct store_pairs *p,
		      const struct bcast_tz *tz)
{
	char buf[64];

	for (size_t i = 0; i < def->nfields; i++) {
		const struct rec_field *f = &def->fields[i];
		const char *v = store_pairs_get(p, f->name);

		/* a sparse record leaves out what C wrote at its default
		 * ("=NAME": the value of field NAME) */
		if (!v && def->sparse && f->off != REC_NOWHERE &&
		    !(f->flags & REC_SCRIPT))
			v = f->def && f->def[0] == '='
				    ? store_pairs_get(p, f->def + 1)
				    : f->def;
		if (v && v[0])
			ctl_print_labelled(f->label, shown_value(f, v, tz, buf,
								 sizeof(buf)));
	}
	for (size_t i = 0; i + 1 < p->n; i += 2)
		if (!rec_field_find(def, p->v[i]))
			ctl_print_labelled(p->v[i], p->v[i + 1]);
}

int ctl_store_failed(struct store_sync *ss)
{
	fprintf(stderr, "citizengw-ctl: %s\n", store_sync_error(ss));
	return CTL_EXIT_UNREACHABLE;
}

bool ctl_help_wanted(int argc, char **argv)
{
	for (int i = 0; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

bool ctl_take_flag(int *argc, char **argv, const char *flag)
{
	bool found = false;
	int n = 0, i;

	for (i = 0; i < *argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], flag))
			found = true;
		else
			argv[n++] = argv[i];
	}
	for (; i < *argc; i++)
		argv[n++] = argv[i];
	*argc = n;
	return found;
}

bool ctl_take_json(int *argc, char **argv)
{
	bool a = ctl_take_flag(argc, argv, "--json");
	bool b = ctl_take_flag(argc, argv, "--json-output");

	return a || b;
}

void ctl_print_json(json_t *j)
{
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(j);
}

json_t *ctl_pairs_json(const struct store_pairs *p)
{
	json_t *o = json_object();

	for (size_t i = 0; o && i + 1 < p->n; i += 2)
		json_object_set_new(o, p->v[i], json_string(p->v[i + 1]));
	return o;
}

struct bcast_tz *ctl_tz(const struct cgw_conf *c)
{
	struct bcast_tz *tz = NULL;
	char err[256];

	if (bcast_tz_load(c->broadcast.timezone, NULL, &tz, err,
			  sizeof(err)) < 0) {
		fprintf(stderr, "citizengw-ctl: broadcast.timezone: %s "
				"(times shown in UTC)\n", err);
		return NULL;
	}
	return tz;
}

void ctl_format_time(const struct bcast_tz *tz, int64_t utc_ms, char *out,
		     size_t cap)
{
	char iso[48];
	size_t n;

	if (!tz) {
		int64_t s = utc_ms / 1000;
		int day = (int)(s / 86400), m, d;
		int64_t y;

		day_to_civil(day, &y, &m, &d);
		snprintf(out, cap, "%04lld-%02d-%02d %02d:%02d:%02d (UTC)",
			 (long long)y, m, d, (int)(s % 86400 / 3600),
			 (int)(s % 3600 / 60), (int)(s % 60));
		return;
	}
	/* "2026-12-04T09:12:05+07:00" -> "2026-12-04 09:12:05 (+07)" */
	n = bcast_time_format(utc_ms, tz, iso, sizeof(iso));
	if (n < 25 || iso[10] != 'T') {
		snprintf(out, cap, "%s", iso);
		return;
	}
	iso[10] = ' ';
	snprintf(out, cap, "%.19s (%.*s)", iso,
		 strcmp(iso + 22, ":00") == 0 ? 3 : 6, iso + 19);
}

void ctl_format_for(int64_t since_ms, int64_t now_ms, char *out, size_t cap)
{
	long long s = since_ms > 0 && now_ms > since_ms
		      ? (now_ms - since_ms) / 1000 : 0;

	if (s < 3600)
		snprintf(out, cap, "for %lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(out, cap, "for %lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(out, cap, "for %lldd%lldh", s / 86400, s / 3600 % 24);
}

int ctl_parse_when(const char *s, int64_t now, int64_t *ms)
{
	char date[11];
	int day, hh = 0, mm = 0;
	long long n;
	char unit;

	if (sscanf(s, "%lld%c", &n, &unit) == 2 && n >= 0 &&
	    strlen(s) == (size_t)snprintf(NULL, 0, "%lld%c", n, unit)) {
		int64_t mul = unit == 'd' ? 86400000LL : unit == 'h' ? 3600000LL
			      : unit == 'm' ? 60000LL : 0;

		if (!mul)
			return -EINVAL;
		*ms = now - n * mul;
		return 0;
	}
	if (strlen(s) < 10)
		return -EINVAL;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (day_parse(date, &day) < 0)
		return -EINVAL;
	if (s[10] && ((s[10] != 'T' && s[10] != ' ') ||
		      sscanf(s + 11, "%2d:%2d", &hh, &mm) != 2 ||
		      strlen(s + 11) != 5 || hh > 23 || mm > 59 || hh < 0 ||
		      mm < 0))
		return -EINVAL;
	*ms = svc_day_start_ms(day) + (hh * 60 + mm) * 60000LL;
	return 0;
}

void ctl_print_cell(const char *s, int width)
{
	size_t len = strlen(s), pos = 0, last = 0;
	int cols = 0;
	uint32_t cp;

	while (pos < len) {
		size_t at = pos;

		if (utf8_decode(s, len, &pos, &cp) == 0 && cp >= 0x300 &&
		    cp <= 0x36f)
			continue;
		if (cols == width - 1)
			last = at;
		if (++cols > width) {
			printf("%.*s…", (int)last, s);
			return;
		}
	}
	printf("%s%*s", s, width - cols, "");
}
