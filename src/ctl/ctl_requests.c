/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-ctl for staff: the procedure requests citizens made (read
 * from every shard's request stream, merged by time) as a table or as
 * CSV, and a phone's profile (language, opt-out, limits).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/days.h"
#include "common/util.h"
#include "ctl/ctl.h"
#include "services/bcast.h"
#include "services/phone.h"
#include "services/services.h"
#include "store/record.h"
#include "store/store_sync.h"

#define MAX_COLS 32

struct request {
	uint64_t ms, seq;	/* the stream entry id */
	unsigned shard;
	int n;			/* field/value pairs */
	char **kv;
};

struct request_list {
	struct request *r;
	size_t n, cap;
};

static const char *field(const struct request *r, const char *name)
{
	for (int i = 0; i + 1 < r->n * 2; i += 2)
		if (strcmp(r->kv[i], name) == 0)
			return r->kv[i + 1];
	return "";
}

/* Fields every request has (the record's table); the others are the
 * procedure's own. */
static bool fixed_field(const char *name)
{
	return rec_field_find(&rec_request, name) != NULL;
}

struct read_ctx {
	struct request_list *l;
	const char *kind;
};

/* One stream entry into the list (store_sync_request_fn). */
static int add_entry(void *arg, unsigned shard, uint64_t ms, uint64_t seq,
		     const struct store_pairs *p)
{
	struct read_ctx *x = arg;
	struct request_list *l = x->l;
	const char *kind = store_pairs_get(p, "kind");
	struct request *r;

	if (x->kind && (!kind || strcmp(kind, x->kind) != 0))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct request *nr = realloc(l->r, cap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		l->r = nr;
		l->cap = cap;
	}
	r = &l->r[l->n];
	memset(r, 0, sizeof(*r));
	r->ms = ms;
	r->seq = seq;
	r->shard = shard;
	r->kv = calloc(p->n + 1, sizeof(char *));
	if (!r->kv)
		return -ENOMEM;
	l->n++;
	for (size_t i = 0; i < p->n; i++)
		if (!(r->kv[i] = strdup(p->v[i])))
			return -ENOMEM;
	r->n = (int)(p->n / 2);
	return 0;
}

static void free_list(struct request_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		for (int k = 0; k < l->r[i].n * 2; k++)
			free(l->r[i].kv[k]);
		free(l->r[i].kv);
	}
	free(l->r);
}

static int cmp_request(const void *a, const void *b)
{
	const struct request *x = a, *y = b;

	if (x->ms != y->ms)
		return x->ms < y->ms ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->shard < y->shard ? -1 : x->shard > y->shard;
}

/* Reads every shard's stream between since and until (ms, inclusive),
 * in time order. */
static int read_requests(struct store_sync *ss, int64_t since, int64_t until,
			 const char *kind, struct request_list *l)
{
	struct read_ctx x = { l, kind };
	int rc = store_sync_requests(ss, since, until, add_entry, &x);

	if (rc < 0) {
		fprintf(stderr, "citizengw-ctl: %s\n", store_sync_error(ss));
		return rc;
	}
	if (l->n)
		qsort(l->r, l->n, sizeof(*l->r), cmp_request);
	return 0;
}

/* --- output ------------------------------------------------------------------ */

static void print_table(const struct request_list *l)
{
	printf("%-19s  %-10s  %-8s  %-11s  %-4s  %s\n", "time", "ref", "kind",
	       "phone", "ch", "details");
	for (size_t i = 0; i < l->n; i++) {
		const struct request *r = &l->r[i];
		char when[32];

		svc_format_local((int64_t)r->ms, when, sizeof(when));
		printf("%-19s  %-10s  %-8s  %-11s  %-4s ", when,
		       field(r, "ref"), field(r, "kind"), field(r, "phone"),
		       field(r, "ch"));
		for (int k = 0; k + 1 < r->n * 2; k += 2)
			if (!fixed_field(r->kv[k]))
				printf(" %s=%s", r->kv[k], r->kv[k + 1]);
		printf("\n");
	}
	printf("%zu request%s\n", l->n, l->n == 1 ? "" : "s");
}

/* The requests as JSON: each entry's fields as stored, with its time in
 * epoch ms and the stream entry's id. */
static void print_json(const struct request_list *l)
{
	json_t *list = json_array();

	for (size_t i = 0; i < l->n; i++) {
		const struct request *r = &l->r[i];
		json_t *o = json_object();
		char id[48];

		snprintf(id, sizeof(id), "%" PRIu64 "-%" PRIu64, r->ms, r->seq);
		json_object_set_new(o, "at_ms", json_integer((json_int_t)r->ms));
		json_object_set_new(o, "entry", json_string(id));
		json_object_set_new(o, "shard", json_integer(r->shard));
		for (int k = 0; k + 1 < r->n * 2; k += 2)
			json_object_set_new(o, r->kv[k],
					    json_string(r->kv[k + 1]));
		json_array_append_new(list, o);
	}
	ctl_print_json(json_pack("{s:o}", "requests", list));
}

/* One CSV cell (RFC 4180). Text a citizen typed that starts like a
 * spreadsheet formula gets a leading ' so that opening the file in a
 * spreadsheet never runs it. */
static void csv_cell(const char *v, bool guard, bool last)
{
	bool quote = strpbrk(v, ",\"\r\n") != NULL;

	if (quote)
		putchar('"');
	if (guard && *v && strchr("=+-@\t\r", *v))
		putchar('\'');
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			putchar('"');
		putchar(*p);
	}
	if (quote)
		putchar('"');
	putchar(last ? '\n' : ',');
}

static void print_csv(const struct request_list *l, bool bom)
{
	static const char *const head[] = { "time", "ref", "kind", "phone",
					    "channel", "lang" };
	const char *cols[MAX_COLS];
	int ncols = 0;

	/* the procedures' own fields, in the order they first appear */
	for (size_t i = 0; i < l->n; i++)
		for (int k = 0; k + 1 < l->r[i].n * 2; k += 2) {
			const char *name = l->r[i].kv[k];
			bool known = fixed_field(name);

			for (int c = 0; c < ncols && !known; c++)
				known = strcmp(cols[c], name) == 0;
			if (!known && ncols < MAX_COLS)
				cols[ncols++] = name;
		}
	if (bom)
		fputs("\xEF\xBB\xBF", stdout);
	for (size_t i = 0; i < ARRAY_SIZE(head); i++)
		csv_cell(head[i], false, false);
	for (int c = 0; c < ncols; c++)
		csv_cell(cols[c], false, false);
	csv_cell("mo", false, true);
	for (size_t i = 0; i < l->n; i++) {
		const struct request *r = &l->r[i];
		char when[32];

		svc_format_local((int64_t)r->ms, when, sizeof(when));
		csv_cell(when, false, false);
		csv_cell(field(r, "ref"), false, false);
		csv_cell(field(r, "kind"), false, false);
		csv_cell(field(r, "phone"), false, false);
		csv_cell(field(r, "ch"), false, false);
		csv_cell(field(r, "lang"), false, false);
		for (int c = 0; c < ncols; c++)
			csv_cell(field(r, cols[c]), true, false);
		csv_cell(field(r, "mo"), false, true);
	}
}

static void requests_usage(FILE *out)
{
	fprintf(out, "usage: citizengw-ctl -c FILE requests list [--since WHEN] "
		     "[--until WHEN] [--kind KIND] [--json]\n"
		     "       citizengw-ctl -c FILE requests export [--since "
		     "WHEN] [--until WHEN] [--kind KIND] [--bom]\n"
		     "  the procedure requests citizens made, oldest first: "
		     "list prints a table\n"
		     "  (--json: {\"requests\": [{\"at_ms\", \"ref\", "
		     "\"kind\", \"phone\", \"ch\", ...}]}), export\n"
		     "  CSV with a header (--bom: with a byte order mark, for "
		     "spreadsheets).\n"
		     "  WHEN is YYYY-MM-DD[THH:MM] local time, or 2h, 7d back "
		     "from now; KIND\n"
		     "  callback, visit, rating, feedback or application.\n"
		     "  Exit 0, 2 a bad option, 3 Redis unreachable.\n");
}

int ctl_requests(const struct cgw_conf *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "kind", required_argument, NULL, 'k' },
		{ "bom", no_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct request_list l = { NULL, 0, 0 };
	int64_t now = util_now_ms(), since = 0, until = INT64_MAX / 2;
	const char *kind = NULL, *sub;
	bool bom = false, json = false;
	struct store_sync *ss;
	int o, rc;

	if (argc >= 1 && (!strcmp(argv[0], "--help") ||
			  !strcmp(argv[0], "-h"))) {
		requests_usage(stdout);
		return CTL_EXIT_OK;
	}
	if (argc < 1 || (strcmp(argv[0], "list") && strcmp(argv[0], "export"))) {
		requests_usage(stderr);
		return CTL_EXIT_USAGE;
	}
	sub = argv[0];
	optind = 1;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		int64_t *dst = o == 's' ? &since : &until;

		switch (o) {
		case 'h':
			requests_usage(stdout);
			return CTL_EXIT_OK;
		case 's':
		case 'u':
			if (ctl_parse_when(optarg, now, dst) < 0) {
				fprintf(stderr, "citizengw-ctl: '%s' is not a "
						"time: YYYY-MM-DD, "
						"YYYY-MM-DDTHH:MM (local), or "
						"7d, 12h, 30m\n", optarg);
				return CTL_EXIT_USAGE;
			}
			if (o == 'u' && strlen(optarg) == 10)
				*dst += 86400000LL - 1;	/* the whole day */
			break;
		case 'k':
			if (!svc_kind_find(optarg)) {
				fprintf(stderr, "citizengw-ctl: unknown kind "
						"'%s' (callback, visit, "
						"rating, feedback)\n", optarg);
				return CTL_EXIT_USAGE;
			}
			kind = optarg;
			break;
		case 'b':
			bom = true;
			break;
		case 'j':
			json = true;
			break;
		default:
			requests_usage(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "citizengw-ctl: unexpected '%s'\n",
			argv[optind]);
		return CTL_EXIT_USAGE;
	}
	if (json && strcmp(sub, "list") != 0) {
		fprintf(stderr, "citizengw-ctl: --json is for requests list "
				"(export writes CSV)\n");
		return CTL_EXIT_USAGE;
	}
	if (!c) {
		fprintf(stderr, "citizengw-ctl: -c FILE is required\n");
		return CTL_EXIT_USAGE;
	}
	ss = ctl_open_store(c);
	if (!ss)
		return CTL_EXIT_UNREACHABLE;
	rc = read_requests(ss, since, until, kind, &l);
	store_sync_close(ss);
	if (rc == 0) {
		if (strcmp(sub, "export") == 0)
			print_csv(&l, bom);
		else if (json)
			print_json(&l);
		else
			print_table(&l);
	}
	free_list(&l);
	return rc < 0 ? CTL_EXIT_UNREACHABLE : CTL_EXIT_OK;
}

/* --- phone profiles ------------------------------------------------------------ */

/* One profile field as staff read it ("lb" only while it holds), times
 * local in tz. */
static void print_profile_field(const struct bcast_tz *tz, const char *f,
				const char *val)
{
	long long v = strtoll(val, NULL, 10);
	char when[48];

	if (strcmp(f, "lang") == 0) {
		printf("language     %s\n", val);
	} else if (strcmp(f, "optout") == 0) {
		printf("opted out    %s\n", v == 1 ? "yes" : "no");
	} else if (strcmp(f, "optout_at") == 0) {
		ctl_format_time(tz, v, when, sizeof(when));
		printf("opt-out set  %s\n", when);
	} else if (strcmp(f, "lb") == 0 && v > util_now_ms()) {
		ctl_format_time(tz, v, when, sizeof(when));
		printf("lookups      refused until %s\n", when);
	} else if (strcmp(f, "lf") == 0) {
		printf("failed lookups %s (in the current window)\n", val);
	}
}

static const char usage_phone[] =
	"usage: citizengw-ctl -c FILE phone NUMBER [--json]\n"
	"  a phone's profile: language, opt-out, failed lookups and whether "
	"lookups\n"
	"  are refused; --json: the stored fields as they are (times in "
	"epoch ms)\n"
	"  with \"phone\". Exit 0, 2 not a Vietnamese mobile number, 3 Redis\n"
	"  unreachable.\n";

int ctl_phone(const struct cgw_conf *c, int argc, char **argv)
{
	struct store_pairs p = { 0, NULL };
	char msisdn[PHONE_MAX];
	struct store_sync *ss;
	struct bcast_tz *tz;
	bool json = ctl_take_json(&argc, argv);
	int rc;

	if (ctl_help_wanted(argc, argv)) {
		fputs(usage_phone, stdout);
		return CTL_EXIT_OK;
	}
	if (argc != 1 || phone_normalize(argv[0], msisdn, sizeof(msisdn)) < 0) {
		fputs(usage_phone, stderr);
		return CTL_EXIT_USAGE;
	}
	if (!c) {
		fprintf(stderr, "citizengw-ctl: -c FILE is required\n");
		return CTL_EXIT_USAGE;
	}
	if (!(ss = ctl_open_store(c)))
		return CTL_EXIT_UNREACHABLE;
	rc = store_sync_profile(ss, msisdn, &p);
	if (rc < 0) {
		rc = ctl_store_failed(ss);
		store_sync_close(ss);
		return rc;
	}
	store_sync_close(ss);
	if (json) {
		json_t *o = ctl_pairs_json(&p);

		json_object_set_new(o, "phone", json_string(msisdn));
		ctl_print_json(o);
		store_pairs_free(&p);
		return CTL_EXIT_OK;
	}
	tz = ctl_tz(c);
	printf("phone        %s\n", msisdn);
	for (size_t i = 0; i + 1 < p.n; i += 2)
		print_profile_field(tz, p.v[i], p.v[i + 1]);
	bcast_tz_free(tz);
	if (p.n == 0)
		printf("(no profile: the phone never wrote, or chose nothing)\n");
	store_pairs_free(&p);
	return CTL_EXIT_OK;
}
