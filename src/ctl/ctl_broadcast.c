/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-ctl broadcast ... and notify: staff commands that go through
 * the daemon's HTTP API (ctl_http.h), where the one implementation of
 * broadcasts lives. The ctl reads the recipients' file and sends it (a
 * large one in parts of whole records, never held whole), then shows
 * what the daemon answered: a summary, a table, a progress line, or the
 * API's JSON itself with --json (--json-output).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/csv.h"
#include "common/util.h"
#include "ctl/ctl.h"
#include "ctl/ctl_http.h"
#include "text/text.h"

#define PART_SIZE (1024 * 1024)	/* bytes of CSV in one request */
#define READ_CHUNK 65536
#define SHOWN_REJECTED 20	/* rejected lines in the summary */
#define KEPT_REJECTED 100	/* ... kept over the parts (as the daemon) */
#define FOLLOW_EVERY_S 1

/* --- usage ---------------------------------------------------------------------------- */

static const char usage_create[] =
	"usage: citizengw-ctl -c FILE broadcast create --name NAME "
	"--template TEXT\n"
	"           (--csv FILE | --json FILE) [--schedule-at TIME] "
	"[--expires-at TIME]\n"
	"           [--rate N] [--dry-run] [--json-output]\n"
	"\n"
	"Creates a broadcast: TEXT, its {variables} taken from the columns "
	"of the list,\n"
	"goes to every recipient. The list is a UTF-8 CSV with a header line "
	"and a phone\n"
	"column, or JSON [{\"phone\": ..., \"name\": ...}, ...]; a list "
	"larger than 1 MiB\n"
	"goes in parts. TIME is ISO 8601: 2026-12-01T10:00 (local time of "
	"the daemon's\n"
	"broadcast.timezone) or with an offset; N is messages a second. "
	"--dry-run checks\n"
	"and prices it, and creates nothing.\n"
	"\n"
	"Prints what was accepted and rejected, the cost and three "
	"samples\n"
	"(--json-output: the API's answer). Exit 0 when created (or "
	"checked), 1 when\n"
	"some lines were rejected or none is valid, 2 on error.\n";
static const char usage_list[] =
	"usage: citizengw-ctl -c FILE broadcast list [--json]\n"
	"\n"
	"The broadcasts, newest first: id, name, state, progress, sent, "
	"delivered and\n"
	"failed, and when each was created (local time).\n";
static const char usage_status[] =
	"usage: citizengw-ctl -c FILE broadcast status ID [--follow] "
	"[--json]\n"
	"\n"
	"A broadcast's state and counts. --follow asks again every second "
	"until it ends\n"
	"(done, cancelled, expired): a progress bar on a terminal, a line "
	"per change\n"
	"otherwise.\n";
static const char usage_action[] =
	"usage: citizengw-ctl -c FILE broadcast pause|resume|cancel ID\n"
	"\n"
	"pause holds the recipients not yet sent, resume goes on, cancel "
	"ends it for\n"
	"good. Prints the new state; exit 1 when the state does not allow "
	"it.\n";
static const char usage_report[] =
	"usage: citizengw-ctl -c FILE broadcast report ID [-o FILE]\n"
	"\n"
	"The delivery report, one row per recipient: CSV (UTF-8 with BOM, "
	"for Excel) on\n"
	"standard output, or into FILE.\n";
static const char usage_notify[] =
	"usage: citizengw-ctl -c FILE notify CODE\n"
	"\n"
	"Sends the citizen the notice of the dossier's current status again "
	"(the text of\n"
	"menus/notices.cfg), to the dossier's phone.\n";

/* getopt_long() from the start of a command's arguments (argv[0] is
 * the command), options and operands in any order. */
static void getopt_restart(void)
{
	optind = 0;
}

/* Option codes the commands' parsers share. */
enum { OPT_HELP = 'h', OPT_JSON = 'J', OPT_FOLLOW = 'f', OPT_OUT = 'o' };

/* --- talking to the daemon ---------------------------------------------------------- */

/* A request with a JSON body (or none) whose answer is JSON. */
static int call(struct ctl_http *h, enum evhttp_cmd_type method,
		const char *target, const json_t *body, struct ctl_answer *a)
{
	char err[512];
	int rc = ctl_http_json(h, method, target, body, a, err, sizeof(err));

	return ctl_http_answered(h, rc, err, a, true, "");
}

/* "/api/broadcasts/ID" and tail ("" or "/pause"...), the id encoded.
 * 0, or -EINVAL after saying why. */
static int bc_target(char *out, size_t outlen, const char *id,
		     const char *tail)
{
	char *enc = evhttp_uriencode(id, -1, 0);
	size_t n;

	if (!enc || !id[0])
		n = outlen;
	else
		n = (size_t)snprintf(out, outlen, "/api/broadcasts/%s%s", enc,
				     tail);
	free(enc);
	if (n >= outlen) {
		fprintf(stderr, "citizengw-ctl: '%s' is not a broadcast id\n",
			id);
		return -EINVAL;
	}
	return 0;
}

static void print_json(const json_t *j)
{
	json_dumpf(j, stdout, JSON_COMPACT);
	putchar('\n');
}

/* --- reading answers ------------------------------------------------------------------ */

static long long jint(const json_t *o, const char *name)
{
	return json_integer_value(json_object_get(o, name));
}

static const char *jstr(const json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));

	return s ? s : "";
}

static const char *plural(long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* An answer's time "2026-12-01T10:00:00+07:00" as staff read it,
 * "2026-12-01 10:00" (the daemon's local time); "-" when none. */
static const char *local_time(const char *iso, char *out, size_t outlen)
{
	if (!iso || !iso[0])
		return "-";
	if (strlen(iso) < 16 || iso[10] != 'T')
		return iso;
	snprintf(out, outlen, "%.10s %.5s", iso, iso + 11);
	return out;
}

/* --- create: the fields ------------------------------------------------------------ */

struct create_opts {
	const char *name, *tmpl, *csv, *json, *schedule_at, *expires_at;
	long long rate;		/* 0: the daemon's broadcast.rate */
	long long part_size;	/* bytes of a part (--part-size, tests) */
	bool dry_run, json_out;
};

/* The fields of a broadcast as query parameters of a CSV post. */
static int add_query_fields(struct evbuffer *q, const struct create_opts *o)
{
	char rate[24];

	snprintf(rate, sizeof(rate), "%lld", o->rate);
	if (ctl_query_add(q, "name", o->name) < 0 ||
	    ctl_query_add(q, "template", o->tmpl) < 0 ||
	    (o->schedule_at &&
	     ctl_query_add(q, "schedule_at", o->schedule_at) < 0) ||
	    (o->expires_at &&
	     ctl_query_add(q, "expires_at", o->expires_at) < 0) ||
	    (o->rate && ctl_query_add(q, "rate", rate) < 0) ||
	    (o->dry_run && ctl_query_add(q, "dry_run", "true") < 0))
		return -ENOMEM;
	return 0;
}

/* The fields of a broadcast as a JSON request (dry_run left out). */
static json_t *fields_json(const struct create_opts *o)
{
	json_t *j = json_pack("{s:s, s:s}", "name", o->name, "template",
			      o->tmpl);

	if (j && o->schedule_at)
		json_object_set_new(j, "schedule_at",
				    json_string(o->schedule_at));
	if (j && o->expires_at)
		json_object_set_new(j, "expires_at",
				    json_string(o->expires_at));
	if (j && o->rate)
		json_object_set_new(j, "rate", json_integer(o->rate));
	return j;
}

static int create_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Says what is wrong with create's arguments, then its usage; -1. */
static int create_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "citizengw-ctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage_create);
	return -1;
}

/* Where an option that takes a text keeps it, or NULL. */
static const char **text_opt(int opt, struct create_opts *o)
{
	switch (opt) {
	case 'n':
		return &o->name;
	case 't':
		return &o->tmpl;
	case 'C':
		return &o->csv;
	case 'j':
		return &o->json;
	case 's':
		return &o->schedule_at;
	case 'e':
		return &o->expires_at;
	default:
		return NULL;
	}
}

/* One option of create into o. 0, or -1 after saying why. */
static int create_opt(int opt, struct create_opts *o)
{
	const char **text = text_opt(opt, o);

	if (text) {
		*text = optarg;
		return 0;
	}
	switch (opt) {
	case 'd':
		o->dry_run = true;
		return 0;
	case OPT_JSON:
		o->json_out = true;
		return 0;
	case 'r':
		if (util_parse_int(optarg, 1, 10000, &o->rate) < 0)
			return create_usage_error("--rate: '%s' is not 1.."
						  "10000 messages a second",
						  optarg);
		return 0;
	case 'P':
		if (util_parse_int(optarg, 1, 1LL << 30, &o->part_size) < 0)
			return create_usage_error("--part-size: '%s' is not a "
						  "number of bytes", optarg);
		return 0;
	default:
		fprintf(stderr, "%s", usage_create);
		return -1;
	}
}

/* create's options: 0 to go on, 1 when --help was answered, -1 after
 * saying what is wrong. */
static int create_opts_parse(int argc, char **argv, struct create_opts *o)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "template", required_argument, NULL, 't' },
		{ "csv", required_argument, NULL, 'C' },
		{ "json", required_argument, NULL, 'j' },
		{ "schedule-at", required_argument, NULL, 's' },
		{ "expires-at", required_argument, NULL, 'e' },
		{ "rate", required_argument, NULL, 'r' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "json-output", no_argument, NULL, OPT_JSON },
		/* not in the usage: small parts for the tests */
		{ "part-size", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	memset(o, 0, sizeof(*o));
	o->part_size = PART_SIZE;
	getopt_restart();
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == OPT_HELP) {
			fputs(usage_create, stdout);
			return 1;
		}
		if (create_opt(opt, o) < 0)
			return -1;
	}
	if (optind < argc)
		return create_usage_error("unexpected '%s'", argv[optind]);
	if (!o->name || !o->tmpl)
		return create_usage_error("%s is required",
					  o->name ? "--template" : "--name");
	if (!o->csv == !o->json)
		return create_usage_error("%s", "give the recipients with "
					  "--csv FILE or --json FILE");
	if (!utf8_valid(o->name) || !utf8_valid(o->tmpl))
		return create_usage_error("%s is not UTF-8 (the terminal's "
					  "character set?)",
					  utf8_valid(o->name) ? "--template"
							      : "--name");
	return 0;
}

/* --- create: the answer ------------------------------------------------------------ */

/*
 * The preview in the answer to a creation: a 2xx, or the 400 that says
 * no recipient is valid (it carries the preview too). 0 with *preview
 * (the caller's), or the exit code after saying why.
 */
static int take_preview(struct ctl_http *h, int rc, const char *err,
			struct ctl_answer *a, const char *what,
			json_t **preview)
{
	if (rc == 0 && a->status == 400 &&
	    json_is_object(json_object_get(a->json, "recipients"))) {
		*preview = json_incref(a->json);
		ctl_answer_free(a);
		return 0;
	}
	if ((rc = ctl_http_answered(h, rc, err, a, true, what)) != 0)
		return rc;
	*preview = json_incref(a->json);
	ctl_answer_free(a);
	return 0;
}

static void print_rejected(const json_t *r, bool items)
{
	const json_t *list = json_object_get(r, "invalid");
	long long count = jint(r, "invalid_count");
	size_t i, shown = 0;
	json_t *v;

	json_array_foreach(list, i, v) {
		if (shown == SHOWN_REJECTED)
			break;
		printf("%-11s %s %lld: \"%s\": %s\n", "rejected",
		       items ? "item" : "line", jint(v, "line"),
		       jstr(v, "phone"), jstr(v, "error"));
		shown++;
	}
	if (count > (long long)shown)
		printf("%-11s ... and %lld more (%lld in all)\n", "",
		       count - (long long)shown, count);
}

static void print_cost(const json_t *cost)
{
	const char *enc;
	json_t *v;

	printf("%-11s %lld %s, %lld %s", "cost", jint(cost, "messages"),
	       plural(jint(cost, "messages"), "message", "messages"),
	       jint(cost, "segments"),
	       plural(jint(cost, "segments"), "segment", "segments"));
	json_object_foreach((json_t *)json_object_get(cost, "by_encoding"),
			    enc, v)
		printf("; %s: %lld %s, %lld %s", enc, jint(v, "messages"),
		       plural(jint(v, "messages"), "message", "messages"),
		       jint(v, "segments"),
		       plural(jint(v, "segments"), "segment", "segments"));
	putchar('\n');
}

/* A text that may hold line breaks, its lines under the first. */
static void print_indented(const char *text)
{
	for (const char *p = text; *p; p++) {
		putchar(*p);
		if (*p == '\n')
			printf("%-11s ", "");
	}
	putchar('\n');
}

static void print_samples(const json_t *samples)
{
	size_t i;
	json_t *s;

	json_array_foreach(samples, i, s) {
		printf("%-11s %s (%s, %lld %s): ", "sample", jstr(s, "phone"),
		       jstr(s, "encoding"), jint(s, "segments"),
		       plural(jint(s, "segments"), "segment", "segments"));
		print_indented(jstr(s, "text"));
	}
}

/* "from ... until ..., N messages a second" of a broadcast or preview. */
static void print_sending(const json_t *b)
{
	char t1[32], t2[32];

	printf("%-11s from %s until %s, %lld %s a second\n", "sending",
	       local_time(jstr(b, "schedule_at"), t1, sizeof(t1)),
	       local_time(jstr(b, "expires_at"), t2, sizeof(t2)),
	       jint(b, "rate"), plural(jint(b, "rate"), "message",
				       "messages"));
}

/* The summary of a creation's preview, as staff read it. */
static void print_preview(const json_t *p, bool items)
{
	const json_t *r = json_object_get(p, "recipients");

	printf("%-11s %lld accepted, %lld %s, %lld opted out, %lld "
	       "rejected\n", "recipients", jint(r, "accepted"),
	       jint(r, "duplicates"),
	       plural(jint(r, "duplicates"), "duplicate", "duplicates"),
	       jint(r, "opted_out"), jint(r, "invalid_count"));
	print_rejected(r, items);
	print_cost(json_object_get(p, "cost"));
	print_samples(json_object_get(p, "samples"));
	print_sending(p);
	if (json_object_get(p, "error"))
		printf("%-11s nothing: no valid recipient\n", "created");
	else if (json_is_true(json_object_get(p, "dry_run")))
		printf("%-11s nothing (dry run): without --dry-run it is "
		       "sent as above\n", "created");
	else
		printf("%-11s %s, %s\n", "created", jstr(p, "id"),
		       jstr(p, "state"));
}

/* Shows the preview; the exit code of create. */
static int show_preview(const struct create_opts *o, const json_t *p)
{
	const json_t *r = json_object_get(p, "recipients");

	if (o->json_out)
		print_json(p);
	else
		print_preview(p, o->json != NULL);
	if (json_object_get(p, "error")) {
		fprintf(stderr, "citizengw-ctl: %s\n", jstr(p, "error"));
		return 1;
	}
	return jint(r, "invalid_count") > 0 ? 1 : 0;
}

/* --- create: in one request ----------------------------------------------------------- */

/* Appends the whole file f to b. 0 or -errno. */
static int read_all(FILE *f, struct evbuffer *b)
{
	char buf[READ_CHUNK];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (evbuffer_add(b, buf, n) < 0)
			return -ENOMEM;
	return ferror(f) ? -EIO : 0;
}

/* A CSV of at most a part's size: the body of one POST. */
static int create_csv_whole(struct ctl_http *h, const struct create_opts *o,
			    json_t **preview)
{
	struct evbuffer *q = evbuffer_new(), *body = evbuffer_new();
	struct ctl_answer a;
	char err[512];
	FILE *f = NULL;
	int rc = 2;

	if (!q || !body || evbuffer_add_printf(q, "/api/broadcasts") < 0 ||
	    add_query_fields(q, o) < 0 || evbuffer_add(q, "", 1) < 0) {
		fprintf(stderr, "citizengw-ctl: out of memory\n");
	} else if (!(f = fopen(o->csv, "rb")) || read_all(f, body) < 0) {
		fprintf(stderr, "citizengw-ctl: %s: %s\n", o->csv,
			strerror(errno));
	} else {
		rc = ctl_http_request(h, EVHTTP_REQ_POST,
				      (const char *)evbuffer_pullup(q, -1),
				      "text/csv", body, NULL, NULL, &a, err,
				      sizeof(err));
		rc = take_preview(h, rc, err, &a, "", preview);
	}
	if (f)
		fclose(f);
	if (q)
		evbuffer_free(q);
	if (body)
		evbuffer_free(body);
	return rc;
}

/* The recipients of a JSON file: a list, or {"recipients": [...]}. A
 * new reference, or NULL after saying why. */
static json_t *load_recipients(const char *path)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr), *list;

	if (!root) {
		fprintf(stderr, "citizengw-ctl: %s:%d: %s\n", path, jerr.line,
			jerr.text);
		return NULL;
	}
	list = json_is_array(root) ? root
				   : json_object_get(root, "recipients");
	if (!json_is_array(list)) {
		fprintf(stderr, "citizengw-ctl: %s: expects a list of "
				"recipients [{\"phone\": ...}, ...] or "
				"{\"recipients\": [...]}\n", path);
		json_decref(root);
		return NULL;
	}
	json_incref(list);
	json_decref(root);
	return list;
}

/* The JSON request of a broadcast with its recipients. */
static int create_json_whole(struct ctl_http *h, const struct create_opts *o,
			     json_t *list, json_t **preview)
{
	json_t *body = fields_json(o);
	struct ctl_answer a;
	char err[512];
	int rc;

	if (!body) {
		fprintf(stderr, "citizengw-ctl: out of memory\n");
		return 2;
	}
	json_object_set(body, "recipients", list);
	if (o->dry_run)
		json_object_set_new(body, "dry_run", json_true());
	rc = ctl_http_json(h, EVHTTP_REQ_POST, "/api/broadcasts", body, &a,
			   err, sizeof(err));
	json_decref(body);
	return take_preview(h, rc, err, &a, "", preview);
}

/* --- create: in parts ------------------------------------------------------------------ */

/* A list sent in parts (docs/api.md "Large lists: in parts"): what each
 * part needs, and what the parts said. */
struct parts {
	struct ctl_http *h;
	char id[64];
	char target[192];	/* /api/broadcasts/ID/recipients */
	const char *path;	/* the file, for messages */
	bool items;		/* JSON: lines are items */
	size_t part_size;	/* bytes of a part, unless one record is more */
	size_t limit;		/* bytes of one record at most */
	struct evbuffer *head;	/* the CSV's header line, in every part */
	struct evbuffer *part;	/* the part being filled */
	struct evbuffer *rec;	/* the record being read */
	bool have_head;
	long rec_line;		/* the line where rec starts */
	long first_line;	/* ... where the part's first record does */
	int nrec;		/* records in part */
	json_t *sum;		/* the parts' answers added up */
};

static int parts_init(struct parts *p, struct ctl_http *h,
		      const struct create_opts *o, size_t limit)
{
	memset(p, 0, sizeof(*p));
	p->h = h;
	p->path = o->csv ? o->csv : o->json;
	p->items = o->json != NULL;
	p->part_size = (size_t)o->part_size;
	p->limit = limit;
	p->head = evbuffer_new();
	p->part = evbuffer_new();
	p->rec = evbuffer_new();
	p->sum = json_pack("{s:i, s:i, s:i, s:[], s:i}", "accepted", 0,
			   "duplicates", 0, "opted_out", 0, "invalid",
			   "invalid_count", 0);
	if (p->head && p->part && p->rec && p->sum)
		return 0;
	fprintf(stderr, "citizengw-ctl: out of memory\n");
	return 2;
}

static void parts_free(struct parts *p)
{
	if (p->head)
		evbuffer_free(p->head);
	if (p->part)
		evbuffer_free(p->part);
	if (p->rec)
		evbuffer_free(p->rec);
	json_decref(p->sum);
}

/* A part's answer added to what the parts said before. */
static void tally(json_t *sum, const json_t *ans)
{
	static const char *const counts[] = {
		"accepted", "duplicates", "opted_out", "invalid_count",
	};
	json_t *kept = json_object_get(sum, "invalid"), *v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(counts); i++)
		json_object_set_new(sum, counts[i],
				    json_integer(jint(sum, counts[i]) +
						 jint(ans, counts[i])));
	json_array_foreach(json_object_get(ans, "invalid"), i, v)
		if (json_array_size(kept) < KEPT_REJECTED)
			json_array_append(kept, v);
}

/* Sends one part (body taken) whose first record is on line first (the
 * item first of a JSON list). 0, or the exit code after saying why. */
static int send_part(struct parts *p, const char *ctype,
		     struct evbuffer *body, long first)
{
	char target[256], what[64], err[512];
	struct ctl_answer a;
	int rc;

	snprintf(target, sizeof(target), "%s?first_line=%ld", p->target,
		 first);
	snprintf(what, sizeof(what), "the part from %s %ld: ",
		 p->items ? "item" : "line", first);
	rc = ctl_http_request(p->h, EVHTTP_REQ_POST, target, ctype, body, NULL,
			      NULL, &a, err, sizeof(err));
	if ((rc = ctl_http_answered(p->h, rc, err, &a, true, what)) != 0)
		return rc;
	tally(p->sum, a.json);
	ctl_answer_free(&a);
	return 0;
}

/* Sends the part being filled, and starts the next with the header. */
static int flush_csv_part(struct parts *p)
{
	int rc;

	if (p->nrec == 0)
		return 0;
	rc = send_part(p, "text/csv", p->part, p->first_line);
	evbuffer_drain(p->part, evbuffer_get_length(p->part));
	p->nrec = 0;
	if (rc == 0 && evbuffer_add(p->part, evbuffer_pullup(p->head, -1),
				    evbuffer_get_length(p->head)) < 0)
		rc = 2;
	return rc;
}

/* The first record is the header: kept for every part, line break and
 * all (one is added if the file has none after it). */
static int take_head(struct parts *p)
{
	size_t n = evbuffer_get_length(p->rec);
	char last = '\n';

	if (n)
		last = (char)evbuffer_pullup(p->rec, -1)[n - 1];
	if (evbuffer_add_buffer(p->head, p->rec) < 0 ||
	    (last != '\n' && last != '\r' &&
	     evbuffer_add(p->head, "\n", 1) < 0) ||
	    evbuffer_add(p->part, evbuffer_pullup(p->head, -1),
			 evbuffer_get_length(p->head)) < 0)
		return 2;
	p->have_head = true;
	return 0;
}

/* A whole record read: into the part, which goes first when full. */
static int place_record(struct parts *p)
{
	size_t len = evbuffer_get_length(p->rec);
	int rc;

	if (!p->have_head)
		return take_head(p);
	if (p->nrec > 0 && evbuffer_get_length(p->part) + len > p->part_size &&
	    (rc = flush_csv_part(p)) != 0)
		return rc;
	if (p->nrec++ == 0)
		p->first_line = p->rec_line;
	return evbuffer_add_buffer(p->part, p->rec) < 0 ? 2 : 0;
}

/* n bytes of the file, record by record. */
static int cut_chunk(struct parts *p, struct csv_cut *cut, const char *buf,
		     size_t n)
{
	size_t pos = 0;
	int rc;

	while (pos < n) {
		bool end;
		size_t took;

		if (evbuffer_get_length(p->rec) == 0)
			p->rec_line = cut->line;
		took = csv_cut_feed(cut, buf + pos, n - pos, &end);
		if (evbuffer_add(p->rec, buf + pos, took) < 0)
			return 2;
		pos += took;
		if (evbuffer_get_length(p->rec) > p->limit) {
			fprintf(stderr, "citizengw-ctl: %s: the record on line "
					"%ld is longer than %zu bytes "
					"(http.max_body): a quote never "
					"closed?\n", p->path, p->rec_line,
				p->limit);
			return 2;
		}
		if (end && (rc = place_record(p)) != 0)
			return rc;
	}
	return 0;
}

/* The CSV file in parts of whole records, each with the header line. */
static int send_csv_parts(struct parts *p)
{
	FILE *f = fopen(p->path, "rb");
	char buf[READ_CHUNK];
	struct csv_cut cut;
	bool begun = false;
	size_t n;
	int rc = 0;

	if (!f) {
		fprintf(stderr, "citizengw-ctl: %s: %s\n", p->path,
			strerror(errno));
		return 2;
	}
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (!begun)
			csv_cut_init(&cut, csv_sep_guess(buf, n));
		begun = true;
		rc = cut_chunk(p, &cut, buf, n);
	}
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "citizengw-ctl: %s: read error\n", p->path);
		rc = 2;
	}
	fclose(f);
	if (rc == 0 && begun && csv_cut_finish(&cut))
		rc = place_record(p);
	return rc == 0 ? flush_csv_part(p) : rc;
}

/* One part of a JSON list, its first item being item first. */
static int send_json_part(struct parts *p, json_t *items, size_t first)
{
	json_t *body = json_pack("{s:O}", "recipients", items);
	struct evbuffer *b = evbuffer_new();
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int rc = 2;

	if (text && b && evbuffer_add(b, text, strlen(text)) == 0)
		rc = send_part(p, "application/json", b, (long)first);
	else
		fprintf(stderr, "citizengw-ctl: out of memory\n");
	free(text);
	json_decref(body);
	if (b)
		evbuffer_free(b);
	return rc;
}

/* A JSON list (held whole: jansson reads no less) in parts of about
 * part_size bytes. */
static int send_json_parts(struct parts *p, const json_t *list)
{
	json_t *part = json_array(), *item;
	size_t i, bytes = 0, first = 1;
	int rc = 0;

	json_array_foreach(list, i, item) {
		size_t n = json_dumpb(item, NULL, 0, JSON_COMPACT) + 1;

		if (json_array_size(part) > 0 && bytes + n > p->part_size) {
			if ((rc = send_json_part(p, part, first)) != 0)
				break;
			json_array_clear(part);
			bytes = 0;
			first = i + 1;
		}
		json_array_append(part, item);
		bytes += n;
	}
	if (rc == 0 && json_array_size(part) > 0)
		rc = send_json_part(p, part, first);
	json_decref(part);
	return rc;
}

/* The broadcast whose recipients follow: its id and the parts' path. */
static int begin_parts(struct parts *p, const struct create_opts *o)
{
	json_t *body = fields_json(o);
	struct ctl_answer a;
	int rc;

	if (!body)
		return 2;
	json_object_set_new(body, "recipients_follow", json_true());
	rc = call(p->h, EVHTTP_REQ_POST, "/api/broadcasts", body, &a);
	json_decref(body);
	if (rc != 0)
		return rc;
	util_strlcpy(p->id, jstr(a.json, "id"), sizeof(p->id));
	ctl_answer_free(&a);
	if (!p->id[0]) {
		fprintf(stderr, "citizengw-ctl: the daemon answered no id\n");
		return 2;
	}
	return bc_target(p->target, sizeof(p->target), p->id,
			 "/recipients") < 0 ? 2 : 0;
}

/* Every part is in: start (or the dry run). The preview lists the
 * rejected lines the parts named. */
static int start_parts(struct parts *p, const struct create_opts *o,
		       json_t **preview)
{
	json_t *body = o->dry_run ? json_pack("{s:b}", "dry_run", 1) : NULL;
	struct ctl_answer a;
	char target[192], err[512];
	json_t *r;
	int rc;

	if (bc_target(target, sizeof(target), p->id, "/start") < 0)
		return 2;
	rc = ctl_http_json(p->h, EVHTTP_REQ_POST, target, body, &a, err,
			   sizeof(err));
	json_decref(body);
	if ((rc = take_preview(p->h, rc, err, &a, "", preview)) != 0)
		return rc;
	r = json_object_get(*preview, "recipients");
	if (json_is_object(r) &&
	    json_array_size(json_object_get(r, "invalid")) == 0)
		json_object_set(r, "invalid", json_object_get(p->sum,
							      "invalid"));
	return 0;
}

static int create_in_parts(struct ctl_http *h, const struct create_opts *o,
			   const json_t *list, size_t limit, json_t **preview)
{
	struct parts p;
	int rc = parts_init(&p, h, o, limit);

	if (rc == 0)
		rc = begin_parts(&p, o);
	if (rc == 0)
		rc = list ? send_json_parts(&p, list) : send_csv_parts(&p);
	if (rc == 0)
		rc = start_parts(&p, o, preview);
	else if (p.id[0])
		fprintf(stderr, "citizengw-ctl: broadcast %s is not started: "
				"nothing of it is sent, and the daemon drops "
				"it within a day\n", p.id);
	parts_free(&p);
	return rc;
}

/* --- create --------------------------------------------------------------------------- */

/* Whether the list goes in one request: a file no larger than a part. */
static int one_request(const char *path, long long part_size, bool *whole)
{
	struct stat sb;

	*whole = false;
	if (stat(path, &sb) < 0) {
		int e = errno;

		fprintf(stderr, "citizengw-ctl: %s: %s\n", path, strerror(e));
		return -e;
	}
	*whole = S_ISREG(sb.st_mode) && sb.st_size <= part_size;
	return 0;
}

static int bc_create(const struct cgw_conf *c, int argc, char **argv)
{
	struct create_opts o;
	json_t *list = NULL, *preview = NULL;
	struct ctl_http *h = NULL;
	size_t max_body;
	bool whole;
	int rc;

	if ((rc = create_opts_parse(argc, argv, &o)) != 0)
		return rc > 0 ? 0 : 2;
	if (!(h = ctl_http_open_or_say(c)))
		return 2;
	/* a part leaves room for the header and the JSON around it */
	max_body = (size_t)c->http.max_body;
	if (o.part_size > (long long)(max_body - max_body / 8))
		o.part_size = (long long)(max_body - max_body / 8);
	if (one_request(o.csv ? o.csv : o.json, o.part_size, &whole) < 0 ||
	    (o.json && !(list = load_recipients(o.json))))
		rc = 2;
	else if (whole && list)
		rc = create_json_whole(h, &o, list, &preview);
	else if (whole)
		rc = create_csv_whole(h, &o, &preview);
	else
		rc = create_in_parts(h, &o, list, max_body, &preview);
	if (preview)
		rc = show_preview(&o, preview);
	json_decref(preview);
	json_decref(list);
	ctl_http_close(h);
	return rc;
}

/* --- list, status ---------------------------------------------------------------------- */

/* The options of the commands other than create. */
struct simple_opts {
	bool json_out, follow;
	const char *out;	/* -o FILE */
	char **operand;		/* the operands, in argv */
};

/*
 * Parses the options of a command that takes --help and those in flags
 * ("J" --json-output, "f" --follow, "o" -o FILE), and exactly operands
 * operands. 0 to go on, 1 when --help was answered, -1 after printing
 * the usage.
 */
static int simple_opts_parse(int argc, char **argv, const char *flags,
			     int operands, const char *usage,
			     struct simple_opts *so)
{
	static const struct option opts[] = {
		{ "json-output", no_argument, NULL, OPT_JSON },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "output", required_argument, NULL, OPT_OUT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	memset(so, 0, sizeof(*so));
	getopt_restart();
	while ((opt = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		if (opt == OPT_HELP) {
			fputs(usage, stdout);
			return 1;
		}
		if (opt == '?' || !strchr(flags, opt)) {
			fputs(usage, stderr);
			return -1;
		}
		so->json_out |= opt == OPT_JSON;
		so->follow |= opt == OPT_FOLLOW;
		if (opt == OPT_OUT)
			so->out = optarg;
	}
	if (argc - optind != operands) {
		fputs(usage, stderr);
		return -1;
	}
	so->operand = argv + optind;
	return 0;
}

static void print_list_row(const json_t *b)
{
	const json_t *n = json_object_get(b, "counts");
	char when[32], counts[64];

	snprintf(counts, sizeof(counts), "%lld/%lld/%lld", jint(n, "sent"),
		 jint(n, "delivered"), jint(n, "failed"));
	printf("%-20s  ", jstr(b, "id"));
	ctl_print_cell(jstr(b, "name"), 24);
	printf("  %-9s  %3d%%  %-22s  %s\n", jstr(b, "state"),
	       (int)(json_number_value(json_object_get(b, "progress")) * 100),
	       counts, local_time(jstr(b, "created_at"), when, sizeof(when)));
}

static int bc_list(const struct cgw_conf *c, int argc, char **argv)
{
	struct simple_opts so;
	struct ctl_answer a;
	struct ctl_http *h;
	const json_t *list;
	size_t i;
	json_t *b;
	int rc;

	if ((rc = simple_opts_parse(argc, argv, "J", 0, usage_list, &so)))
		return rc > 0 ? 0 : 2;
	if (!(h = ctl_http_open_or_say(c)))
		return 2;
	if ((rc = call(h, EVHTTP_REQ_GET, "/api/broadcasts", NULL, &a)) == 0) {
		list = json_object_get(a.json, "broadcasts");
		if (so.json_out) {
			print_json(a.json);
		} else {
			printf("%-20s  %-24s  %-9s  %4s  %-22s  %s\n", "id",
			       "name", "state", "done",
			       "sent/delivered/failed", "created");
			json_array_foreach(list, i, b)
				print_list_row(b);
			printf("%zu %s\n", json_array_size(list),
			       plural((long long)json_array_size(list),
				      "broadcast", "broadcasts"));
		}
		ctl_answer_free(&a);
	}
	ctl_http_close(h);
	return rc;
}

/* "pending 4000, queued 20, sent 3000, ..." in the API's order. */
static void format_counts(const json_t *counts, char *out, size_t outlen)
{
	const char *name;
	size_t used = 0;
	json_t *v;

	out[0] = '\0';
	json_object_foreach((json_t *)counts, name, v) {
		char label[32];

		util_strlcpy(label, name, sizeof(label));
		for (char *p = label; *p; p++)
			*p = *p == '_' ? ' ' : *p;
		if (used < outlen)
			used += (size_t)snprintf(out + used, outlen - used,
						 "%s%s %lld", used ? ", " : "",
						 label, json_integer_value(v));
	}
}

static void print_status(const json_t *b)
{
	char counts[256], t1[32];

	format_counts(json_object_get(b, "counts"), counts, sizeof(counts));
	printf("%-11s %s\n", "id", jstr(b, "id"));
	printf("%-11s %s\n", "name", jstr(b, "name"));
	printf("%-11s %s\n", "state", jstr(b, "state"));
	printf("%-11s %d%% (recipients with a final state)\n", "progress",
	       (int)(json_number_value(json_object_get(b, "progress")) * 100));
	printf("%-11s %lld (%lld %s, %lld rejected, %lld opted out at "
	       "creation)\n", "recipients", jint(b, "total"),
	       jint(b, "duplicates"),
	       plural(jint(b, "duplicates"), "duplicate", "duplicates"),
	       jint(b, "invalid"), jint(b, "opted_out_at_creation"));
	printf("%-11s %s\n", "counts", counts);
	printf("%-11s %s\n", "created",
	       local_time(jstr(b, "created_at"), t1, sizeof(t1)));
	print_sending(b);
	if (jstr(b, "ended_at")[0])
		printf("%-11s %s\n", "ended",
		       local_time(jstr(b, "ended_at"), t1, sizeof(t1)));
	printf("%-11s %s\n", "template", jstr(b, "template"));
}

#define BAR_WIDTH 24

static bool ended(const json_t *b)
{
	const char *s = jstr(b, "state");

	return !strcmp(s, "done") || !strcmp(s, "cancelled") ||
	       !strcmp(s, "expired");
}

/* The progress as one line: a bar for a terminal, else every count. */
static void progress_line(const json_t *b, bool bar, char *out,
			  size_t outlen)
{
	const json_t *n = json_object_get(b, "counts");
	double done = json_number_value(json_object_get(b, "progress"));
	char bars[BAR_WIDTH + 1], counts[256];
	int filled = (int)(done * BAR_WIDTH);

	if (!bar) {
		format_counts(n, counts, sizeof(counts));
		snprintf(out, outlen, "%3d%% %s: %s", (int)(done * 100),
			 jstr(b, "state"), counts);
		return;
	}
	for (int i = 0; i < BAR_WIDTH; i++)
		bars[i] = i < filled ? '#' : '.';
	bars[BAR_WIDTH] = '\0';
	snprintf(out, outlen, "[%s] %3d%% %-9s sent %lld  delivered %lld  "
		 "failed %lld", bars, (int)(done * 100), jstr(b, "state"),
		 jint(n, "sent"), jint(n, "delivered"), jint(n, "failed"));
}

/* Shows b while following: over the line before on a terminal, else a
 * line (or the JSON) when it differs from the last one shown. */
static void show_progress(const json_t *b, bool tty, bool json_out,
			  char *last, size_t lastlen)
{
	char line[512], *text = NULL;
	const char *now = line;

	if (json_out)
		now = text = json_dumps(b, JSON_COMPACT);
	else
		progress_line(b, tty && !json_out, line, sizeof(line));
	if (!now)
		return;
	if (tty && !json_out) {
		printf("\r%s\033[K", now);
	} else if (strcmp(now, last) != 0) {
		puts(now);
		util_strlcpy(last, now, lastlen);
	}
	fflush(stdout);
	free(text);
}

/* Asks every second until the broadcast ends; then its status. */
static int follow(struct ctl_http *h, const char *target, bool json_out)
{
	bool tty = isatty(STDOUT_FILENO) && !json_out;
	char last[4096] = "";
	struct ctl_answer a;
	int rc;

	for (;;) {
		if ((rc = call(h, EVHTTP_REQ_GET, target, NULL, &a)) != 0)
			break;
		show_progress(a.json, tty, json_out, last, sizeof(last));
		if (ended(a.json)) {
			if (tty)
				putchar('\n');
			if (!json_out)
				print_status(a.json);
			ctl_answer_free(&a);
			return 0;
		}
		ctl_answer_free(&a);
		sleep(FOLLOW_EVERY_S);
	}
	if (tty)
		putchar('\n');
	return rc;
}

static int bc_status(const struct cgw_conf *c, int argc, char **argv)
{
	struct simple_opts so;
	struct ctl_answer a;
	struct ctl_http *h;
	char target[256];
	int rc;

	if ((rc = simple_opts_parse(argc, argv, "Jf", 1, usage_status, &so)))
		return rc > 0 ? 0 : 2;
	if (bc_target(target, sizeof(target), so.operand[0], "") < 0 ||
	    !(h = ctl_http_open_or_say(c)))
		return 2;
	if (so.follow) {
		ctl_http_set_timeout(h, 30);
		rc = follow(h, target, so.json_out);
	} else if ((rc = call(h, EVHTTP_REQ_GET, target, NULL, &a)) == 0) {
		if (so.json_out)
			print_json(a.json);
		else
			print_status(a.json);
		ctl_answer_free(&a);
	}
	ctl_http_close(h);
	return rc;
}

/* --- pause, resume, cancel ------------------------------------------------------------- */

/* argv[0] is the action: pause, resume or cancel. */
static int bc_action(const struct cgw_conf *c, int argc, char **argv)
{
	const char *action = argv[0];
	struct simple_opts so;
	struct ctl_answer a;
	struct ctl_http *h;
	char target[256], tail[16];
	int rc;

	if ((rc = simple_opts_parse(argc, argv, "", 1, usage_action, &so)))
		return rc > 0 ? 0 : 2;
	snprintf(tail, sizeof(tail), "/%s", action);
	if (bc_target(target, sizeof(target), so.operand[0], tail) < 0 ||
	    !(h = ctl_http_open_or_say(c)))
		return 2;
	if ((rc = call(h, EVHTTP_REQ_POST, target, NULL, &a)) == 0) {
		printf("%s: %s\n", jstr(a.json, "id"), jstr(a.json, "state"));
		ctl_answer_free(&a);
	}
	ctl_http_close(h);
	return rc;
}

/* --- report ---------------------------------------------------------------------------- */

/* Where the report goes: stdout, or a file opened with its first byte. */
struct report_out {
	const char *path;	/* NULL: standard output */
	FILE *f;
	int error;		/* errno of the first failure */
};

/* ctl_sink_fn: the bytes as they come, BOM and all. */
static int report_sink(void *arg, const void *data, size_t len)
{
	struct report_out *r = arg;

	if (!r->f && !(r->f = fopen(r->path, "wb")))
		return -(r->error = errno);
	if (fwrite(data, 1, len, r->f) != len)
		return -(r->error = errno ? errno : EIO);
	return 0;
}

/* Closes the output; a file that is not whole is removed. */
static int report_close(struct report_out *r, int rc)
{
	if (rc == 0 && r->path && !r->f && !(r->f = fopen(r->path, "wb")))
		r->error = errno;	/* an empty report is a file too */
	if (r->f && (r->path ? fclose(r->f) : fflush(r->f)) != 0 &&
	    !r->error)
		r->error = errno;
	if (r->error && rc == 0)
		rc = 2;
	if (r->error)
		fprintf(stderr, "citizengw-ctl: %s: %s\n",
			r->path ? r->path : "standard output",
			strerror(r->error));
	if (rc != 0 && r->path)
		unlink(r->path);
	return rc;
}

static int bc_report(const struct cgw_conf *c, int argc, char **argv)
{
	struct report_out out = { NULL, stdout, 0 };
	struct simple_opts so;
	struct ctl_answer a;
	struct ctl_http *h;
	char target[256], err[512];
	int rc;

	if ((rc = simple_opts_parse(argc, argv, "o", 1, usage_report, &so)))
		return rc > 0 ? 0 : 2;
	if (bc_target(target, sizeof(target), so.operand[0],
		      "/report.csv") < 0 || !(h = ctl_http_open_or_say(c)))
		return 2;
	if (so.out) {
		out.path = so.out;
		out.f = NULL;
	}
	rc = ctl_http_request(h, EVHTTP_REQ_GET, target, NULL, NULL,
			      report_sink, &out, &a, err, sizeof(err));
	if (rc < 0 && out.error)
		rc = 2;		/* report_close() says why */
	else if ((rc = ctl_http_answered(h, rc, err, &a, false, "")) == 0)
		ctl_answer_free(&a);
	ctl_http_close(h);
	return report_close(&out, rc);
}

/* --- notify ---------------------------------------------------------------------------- */

int ctl_notify(const struct cgw_conf *c, int argc, char **argv)
{
	char **args = calloc((size_t)argc + 2, sizeof(*args));
	struct simple_opts so;
	struct ctl_answer a;
	struct ctl_http *h;
	char target[256], *code;
	int rc;

	if (!args)
		return 2;
	/* getopt_long() takes args[0] for the command's name */
	args[0] = (char *)"notify";
	memcpy(args + 1, argv, (size_t)argc * sizeof(*args));
	rc = simple_opts_parse(argc + 1, args, "", 1, usage_notify, &so);
	code = rc == 0 ? evhttp_uriencode(so.operand[0], -1, 0) : NULL;
	free(args);
	if (rc != 0 || !code)
		return rc > 0 ? 0 : 2;
	snprintf(target, sizeof(target), "/api/dossiers/%s/notify", code);
	free(code);
	if (!(h = ctl_http_open_or_say(c)))
		return 2;
	if ((rc = call(h, EVHTTP_REQ_POST, target, NULL, &a)) == 0) {
		printf("%s: notice %s\n", jstr(a.json, "code"),
		       jstr(a.json, "notice"));
		rc = strcmp(jstr(a.json, "notice"), "queued") == 0 ? 0 : 1;
		ctl_answer_free(&a);
	}
	ctl_http_close(h);
	return rc;
}

/* --- broadcast ------------------------------------------------------------------------- */

static const char usage_broadcast[] =
	"usage: citizengw-ctl -c FILE broadcast COMMAND ...\n"
	"\n"
	"  create --name NAME --template TEXT (--csv FILE | --json FILE)\n"
	"         [--schedule-at TIME] [--expires-at TIME] [--rate N] "
	"[--dry-run] [--json-output]\n"
	"  list [--json]\n"
	"  status ID [--follow] [--json]\n"
	"  pause|resume|cancel ID\n"
	"  report ID [-o FILE]\n"
	"\n"
	"Each command explains itself with --help. They talk to the running "
	"daemon\n"
	"(http.listen and http.token of the configuration). --json (create:\n"
	"--json-output, its --json is the list of recipients) prints the "
	"API's JSON. Exit 0 done, 1 not found or "
	"not in a\n"
	"state for it, 2 usage or refused, 3 the daemon (or its Redis) "
	"unreachable.\n";

static const struct {
	const char *name;
	int (*fn)(const struct cgw_conf *c, int argc, char **argv);
} bc_commands[] = {
	{ "create", bc_create },
	{ "list", bc_list },
	{ "status", bc_status },
	{ "pause", bc_action },
	{ "resume", bc_action },
	{ "cancel", bc_action },
	{ "report", bc_report },
};

int ctl_broadcast(const struct cgw_conf *c, int argc, char **argv)
{
	if (argc >= 1 && (!strcmp(argv[0], "--help") ||
			  !strcmp(argv[0], "-h"))) {
		fputs(usage_broadcast, stdout);
		return 0;
	}
	for (size_t i = 0; argc >= 1 && i < ARRAY_SIZE(bc_commands); i++)
		if (strcmp(argv[0], bc_commands[i].name) == 0)
			return bc_commands[i].fn(c, argc, argv);
	if (argc >= 1)
		fprintf(stderr, "citizengw-ctl: no broadcast command '%s'\n",
			argv[0]);
	fputs(usage_broadcast, stderr);
	return 2;
}
