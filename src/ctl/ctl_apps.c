/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-ctl for the back office: `applications`, the applications
 * citizens filed by SMS and USSD, newest first over every shard, as a
 * table (filed, code, procedure, phone, status, due), with the filters of
 * GET /api/applications. `dossier CODE` shows one whole.
 */
#include "config.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "ctl/ctl.h"
#include "services/dossier.h"
#include "services/services.h"
#include "store/store_sync.h"

#define APPS_DEFAULT 50

static void apps_usage(FILE *out)
{
	fprintf(out, "usage: citizengw-ctl -c FILE applications "
			"[--since WHEN] [--until WHEN] [--status N] "
			"[--procedure ID] [--limit N] [--json]\n"
			"  WHEN is YYYY-MM-DD[THH:MM] local time, or 2h, 7d "
			"back from now; N 1..10; limit 1..%d (default %d)\n"
			"  --json: {\"applications\": [{\"code\", "
			"\"procedure\", \"phone\", \"status\",\n"
			"  \"filed_ms\", \"received_at\", \"due_at\"}, ...], "
			"\"more\": false}\n"
			"  Exit 0, 2 a bad option, 3 Redis unreachable.\n",
		STORE_APPS_MAX, APPS_DEFAULT);
}

static void print_apps(const struct store_app_list *l)
{
	printf("%-16s  %-25s  %-10s  %-11s  %-24s  %s\n", "filed", "code",
	       "procedure", "phone", "status", "due");
	for (int i = 0; i < l->n; i++) {
		const struct dossier *d = &l->v[i].d;
		char when[32], due[16], status[64];

		svc_format_local(l->v[i].filed_ms, when, sizeof(when));
		when[16] = '\0';	/* to the minute */
		dossier_date_display(d->due_at, due, sizeof(due));
		snprintf(status, sizeof(status), "%d %s", d->status,
			 dossier_status_label(d->status, "vi")
				 ? dossier_status_label(d->status, "vi") : "?");
		printf("%-16s  ", when);
		ctl_print_cell(d->code, 25);
		printf("  ");
		ctl_print_cell(d->app[0] ? d->app : "-", 10);
		printf("  %-11s  ", d->phone);
		ctl_print_cell(status, 24);
		printf("  %s\n", due[0] ? due : "-");
	}
	printf("%d application%s%s\n", l->n, l->n == 1 ? "" : "s",
	       l->more ? " (each shard was searched only "
			 "through its newest applications: narrow the "
			 "dates to see older ones)" : "");
}

/* The list as JSON: the stored values (times in epoch ms). */
static void print_apps_json(const struct store_app_list *l)
{
	json_t *list = json_array();

	for (int i = 0; i < l->n; i++) {
		const struct dossier *d = &l->v[i].d;

		json_array_append_new(list, json_pack(
			"{s:s, s:s, s:s, s:i, s:I, s:s, s:s}", "code", d->code,
			"procedure", d->app, "phone", d->phone, "status",
			d->status, "filed_ms", (json_int_t)l->v[i].filed_ms,
			"received_at", d->received_at, "due_at", d->due_at));
	}
	ctl_print_json(json_pack("{s:o, s:b}", "applications", list, "more",
				 l->more));
}

/* One option into the filter: 0, or 2 after saying what is wrong. */
static int apps_option(int o, const char *v, struct store_app_filter *f)
{
	long long n;

	switch (o) {
	case 's':
	case 'u':
		if (ctl_parse_when(v, util_now_ms(),
				   o == 's' ? &f->since : &f->until) == 0) {
			if (o == 'u' && strlen(v) == 10)
				f->until += 86400000LL - 1;	/* the day */
			return 0;
		}
		fprintf(stderr, "citizengw-ctl: '%s' is not a time: "
				"YYYY-MM-DD, YYYY-MM-DDTHH:MM (local), or 7d, "
				"12h, 30m\n", v);
		return 2;
	case 'S':
		if (util_parse_int(v, 1, 10, &n) == 0) {
			f->status = (int)n;
			return 0;
		}
		fprintf(stderr, "citizengw-ctl: status '%s' is not 1..10\n", v);
		return 2;
	case 'p':
		if (v[0] && strlen(v) < DOSSIER_APP_MAX) {
			f->app = v;
			return 0;
		}
		fprintf(stderr, "citizengw-ctl: '%s' is not a procedure id\n",
			v);
		return 2;
	case 'l':
		if (util_parse_int(v, 1, STORE_APPS_MAX, &n) == 0) {
			f->limit = (int)n;
			return 0;
		}
		fprintf(stderr, "citizengw-ctl: limit '%s' is not 1..%d\n", v,
			STORE_APPS_MAX);
		return 2;
	}
	apps_usage(stderr);
	return 2;
}

int ctl_applications(const struct cgw_conf *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "status", required_argument, NULL, 'S' },
		{ "procedure", required_argument, NULL, 'p' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_app_filter f = { 0, INT64_MAX / 2, 0, NULL,
				      APPS_DEFAULT };
	struct store_app_list l;
	struct store_sync *ss;
	bool json = false;
	int o, rc;

	/* argv[0] may be an option already: getopt's argv[0] is the
	 * command's name before it (main's argv); optind 0 starts afresh */
	optind = 0;
	while ((o = getopt_long(argc + 1, argv - 1, "h", opts, NULL)) != -1) {
		if (o == 'h') {
			apps_usage(stdout);
			return CTL_EXIT_OK;
		}
		if (o == 'j')
			json = true;
		else if (apps_option(o, optarg, &f))
			return CTL_EXIT_USAGE;
	}
	if (optind != argc + 1) {
		apps_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (!c) {
		fprintf(stderr, "citizengw-ctl: -c FILE is required\n");
		return CTL_EXIT_USAGE;
	}
	if (!(ss = ctl_open_store(c)))
		return CTL_EXIT_UNREACHABLE;
	rc = store_sync_apps(ss, &f, &l);
	if (rc < 0)
		rc = ctl_store_failed(ss);
	else if (json)
		print_apps_json(&l);
	else
		print_apps(&l);
	store_app_list_free(&l);
	store_sync_close(ss);
	return rc < 0 ? CTL_EXIT_UNREACHABLE : rc > 0 ? rc : CTL_EXIT_OK;
}
