/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `citizengw-ctl bind list|stop|start`: the binds of the running daemon
 * and their runtime control, through its HTTP API (GET /api/binds, POST
 * /api/binds/{id}/stop|start; ctl_http.h). ID is an smsc entry's id: a
 * transmitter+receiver pair stops and starts as one.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "ctl/ctl.h"
#include "ctl/ctl_http.h"

#define WAIT_DEFAULT_S 10	/* --wait */
#define WAIT_MAX_S 3600
#define POLL_MS 200

static const char usage_bind[] =
	"usage: citizengw-ctl -c FILE bind list [--json]\n"
	"       citizengw-ctl -c FILE bind stop|start ID [--wait SECS] "
	"[--json]\n"
	"\n"
	"  list         the binds: state, since when, window, in flight, "
	"TPS,\n"
	"               and whether an operator stopped them\n"
	"  stop ID      unbind the smsc entry ID gracefully (both halves of "
	"a\n"
	"               transmitter+receiver pair); its messages go through "
	"the other\n"
	"               binds; it does not reconnect until `bind start ID`\n"
	"  start ID     connect and bind it again\n"
	"\n"
	"  --wait SECS  wait until the bind is idle (stop) or bound (start), "
	"at most\n"
	"               SECS (default 10; 0: do not wait)\n"
	"  --json       print the API's JSON\n"
	"\n"
	"A stopped bind stays stopped until started or the daemon restarts "
	"(the state\n"
	"is not saved). Exit: 0 done, 1 no such bind, already in that state, "
	"or not\n"
	"idle/bound within --wait; 2 error (daemon unreachable, bad "
	"arguments).\n";

struct bind_opts {
	bool json;
	int wait;		/* seconds */
	const char *cmd;	/* list, stop, start */
	const char *id;
};

/* Returns 0, 1 after --help (printed), or -1 after saying why. */
static int parse(int argc, char **argv, struct bind_opts *o)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char **args = calloc((size_t)argc + 2, sizeof(*args));
	int c, n, rc = 0;
	char *end;

	if (!args)
		return -1;
	memset(o, 0, sizeof(*o));
	o->wait = WAIT_DEFAULT_S;
	/* getopt_long() takes args[0] for the command's name */
	args[0] = (char *)"bind";
	memcpy(args + 1, argv, (size_t)argc * sizeof(*args));
	optind = 1;
	while (rc == 0 &&
	       (c = getopt_long(argc + 1, args, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'w':
			errno = 0;
			o->wait = (int)strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || o->wait < 0 ||
			    o->wait > WAIT_MAX_S) {
				fprintf(stderr, "citizengw-ctl: bind: --wait: "
					"expects seconds, 0 to %d\n",
					WAIT_MAX_S);
				rc = -1;
			}
			break;
		case 'h':
			fputs(usage_bind, stdout);
			rc = 1;
			break;
		default:
			rc = -1;
			break;
		}
	}
	n = argc + 1 - optind;
	if (rc == 0) {
		o->cmd = n > 0 ? args[optind] : NULL;
		o->id = n > 1 ? args[optind + 1] : NULL;
		if (!o->cmd ||
		    (strcmp(o->cmd, "list") == 0 && n != 1) ||
		    ((strcmp(o->cmd, "stop") == 0 ||
		      strcmp(o->cmd, "start") == 0) && n != 2) ||
		    (strcmp(o->cmd, "list") != 0 &&
		     strcmp(o->cmd, "stop") != 0 &&
		     strcmp(o->cmd, "start") != 0)) {
			fputs(usage_bind, stderr);
			rc = -1;
		}
	}
	free(args);
	return rc;
}

static int request(struct ctl_http *h, enum evhttp_cmd_type method,
		   const char *target, struct ctl_answer *a)
{
	char err[512];
	int rc = ctl_http_json(h, method, target, NULL, a, err, sizeof(err));

	return ctl_http_answered(h, rc, err, a, true, "");
}

static const char *jstr(const json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));

	return s ? s : "";
}

static long long jint(const json_t *o, const char *name)
{
	return (long long)json_integer_value(json_object_get(o, name));
}

/* "2026-12-01T10:00:00+07:00" as "2026-12-01 10:00:00"; "-" for none. */
static const char *shown_time(const char *iso, char *out, size_t outlen)
{
	if (!iso[0])
		return "-";
	if (strlen(iso) < 19 || iso[10] != 'T')
		return iso;
	snprintf(out, outlen, "%.10s %.8s", iso, iso + 11);
	return out;
}

static void print_table(const json_t *binds)
{
	size_t i;
	json_t *b;

	printf("%-16s %-12s %-11s %-10s %-7s %-19s %6s %9s %6s\n", "BIND",
	       "SMSC", "ROLE", "STATE", "STOPPED", "SINCE", "WINDOW",
	       "IN_FLIGHT", "TPS");
	json_array_foreach(binds, i, b) {
		char t[32];

		printf("%-16s %-12s %-11s %-10s %-7s %-19s %6lld %9lld %6lld\n",
		       jstr(b, "id"), jstr(b, "smsc"), jstr(b, "role"),
		       jstr(b, "state"),
		       json_is_true(json_object_get(b, "stopped")) ? "yes"
								   : "no",
		       shown_time(jstr(b, "since"), t, sizeof(t)),
		       jint(b, "window"), jint(b, "in_flight"),
		       jint(b, "tps"));
	}
}

static void print_json(const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2));

	if (s)
		printf("%s\n", s);
	free(s);
}

/* 1 when every link of smsc id is in state `want`, 0 when not (yet),
 * -1 when id is in no bind of the list. */
static int all_in(const json_t *binds, const char *id, const char *want)
{
	size_t i;
	json_t *b;
	int n = 0, in = 0;

	json_array_foreach(binds, i, b) {
		if (strcmp(jstr(b, "smsc"), id) != 0)
			continue;
		n++;
		in += strcmp(jstr(b, "state"), want) == 0;
	}
	return n == 0 ? -1 : in == n;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Polls the list until bind id is in state `want` or o->wait runs out.
 * Returns the exit code; the last list is printed with --json. */
static int wait_for_state(struct ctl_http *h, const struct bind_opts *o,
			  const char *want)
{
	int64_t until = util_mono_ms() + (int64_t)o->wait * 1000;
	struct ctl_answer a;
	int rc, in;

	for (;;) {
		if ((rc = request(h, EVHTTP_REQ_GET, "/api/binds", &a)) != 0)
			return rc;
		in = all_in(json_object_get(a.json, "binds"), o->id, want);
		if (in != 0 || util_mono_ms() >= until)
			break;
		ctl_answer_free(&a);
		sleep_ms(POLL_MS);
	}
	if (o->json)
		print_json(a.json);
	if (in == 1) {
		if (!o->json)
			printf("bind %s: %s\n", o->id, want);
		rc = 0;
	} else {
		fprintf(stderr, "citizengw-ctl: bind %s: not %s within %ds\n",
			o->id, want, o->wait);
		if (!o->json)
			print_table(json_object_get(a.json, "binds"));
		rc = 1;
	}
	ctl_answer_free(&a);
	return rc;
}

/* stop or start: the request, then (with --wait) the state it leads to. */
static int control(struct ctl_http *h, const struct bind_opts *o)
{
	bool stop = strcmp(o->cmd, "stop") == 0;
	char target[256];
	struct ctl_answer a;
	char *enc = evhttp_uriencode(o->id, -1, 0);
	int rc;

	if (!enc || !o->id[0] ||
	    (size_t)snprintf(target, sizeof(target), "/api/binds/%s/%s", enc,
			     o->cmd) >= sizeof(target)) {
		free(enc);
		fprintf(stderr, "citizengw-ctl: '%s' is not a bind id\n",
			o->id);
		return 2;
	}
	free(enc);
	if ((rc = request(h, EVHTTP_REQ_POST, target, &a)) != 0)
		return rc;
	if (o->wait == 0) {
		if (o->json)
			print_json(a.json);
		else
			printf("bind %s: %s\n", o->id, jstr(a.json, "state"));
		ctl_answer_free(&a);
		return 0;
	}
	ctl_answer_free(&a);
	return wait_for_state(h, o, stop ? "IDLE" : "BOUND");
}

int ctl_bind(const struct cgw_conf *c, int argc, char **argv)
{
	struct bind_opts o;
	struct ctl_http *h;
	struct ctl_answer a;
	int rc = parse(argc, argv, &o);

	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (!(h = ctl_http_open_or_say(c)))
		return 2;
	if (strcmp(o.cmd, "list") != 0) {
		rc = control(h, &o);
	} else if ((rc = request(h, EVHTTP_REQ_GET, "/api/binds", &a)) == 0) {
		if (o.json)
			print_json(a.json);
		else
			print_table(json_object_get(a.json, "binds"));
		ctl_answer_free(&a);
	}
	ctl_http_close(h);
	return rc;
}
