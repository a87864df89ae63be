/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-ctl status [--json]: what the running daemon is doing, read
 * from its GET /api/status (docs/api.md) through the staff API client
 * (ctl_http.h): the process, its binds (state, since when, window, TPS),
 * the queues, the USSD dialogs open at it and the broadcasts under way.
 * A table for people, or the API's JSON with --json.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "ctl/ctl.h"
#include "ctl/ctl_http.h"
#include "services/bcast.h"

/* Seconds to wait for the daemon: a status is quick or not coming. */
#define STATUS_TIMEOUT 10

static const char usage_status[] =
	"usage: citizengw-ctl -c FILE status [--json]\n"
	"  what the running daemon is doing (GET /api/status through "
	"http.listen with\n"
	"  http.token): its binds with their state, since when, window in "
	"flight/size\n"
	"  and TPS; the queues; the USSD dialogs open at it; the broadcasts "
	"running,\n"
	"  scheduled or paused. --json: the API's JSON. Exit 0, 2 usage or the "
	"token\n"
	"  refused, 3 the daemon cannot be reached.\n";

static const char *jstr(const json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));

	return s ? s : "";
}

static long long jint(const json_t *o, const char *name)
{
	return json_integer_value(json_object_get(o, name));
}

/* What staff read of an answer's time: local time, and how long ago. */
struct when {
	const struct bcast_tz *tz;
	int64_t now;
};

/* "2026-12-04 09:00:01 (+07), for 3m12s" from the API's ISO time; "-"
 * when there is none; the text as it came when it is not a time. */
static const char *since_text(const struct when *w, const char *iso,
			      bool ago, char *out, size_t cap)
{
	char local[48], dur[32], err[128];
	int64_t ms;

	if (!iso[0])
		return "-";
	if (bcast_time_parse(iso, w->tz, &ms, err, sizeof(err)) < 0)
		return iso;
	ctl_format_time(w->tz, ms, local, sizeof(local));
	if (!ago)
		return snprintf(out, cap, "%s", local), out;
	ctl_format_for(ms, w->now, dur, sizeof(dur));
	snprintf(out, cap, "%s, %s", local, dur);
	return out;
}

static void print_head(const json_t *st, const struct when *w)
{
	char buf[96];

	printf("citizengw %s, instance %s\n", jstr(st, "version"),
	       jstr(st, "instance"));
	printf("Started:  %s\n", since_text(w, jstr(st, "started"), true, buf,
					    sizeof(buf)));
	printf("Redis:    %s\n", jstr(st, "redis"));
}

static void print_binds(const json_t *binds, const struct when *w)
{
	size_t i;
	json_t *b;

	printf("\nBinds\n");
	if (!json_array_size(binds)) {
		printf("  (none configured)\n");
		return;
	}
	printf("  %-16s  %-11s  %-12s  %-38s  %9s  %5s\n", "bind", "role",
	       "state", "since", "in flight", "TPS");
	json_array_foreach(binds, i, b) {
		char since[96], window[32];

		snprintf(window, sizeof(window), "%lld/%lld",
			 jint(b, "in_flight"), jint(b, "window"));
		printf("  ");
		ctl_print_cell(jstr(b, "id"), 16);
		printf("  %-11s  %-12s  %-38s  %9s  %5lld\n", jstr(b, "role"),
		       jstr(b, "state"),
		       since_text(w, jstr(b, "since"), true, since,
				  sizeof(since)),
		       window, jint(b, "tps"));
	}
}

static void print_queues(const json_t *q)
{
	printf("\nQueues\n");
	if (!json_is_object(q)) {
		printf("  (unknown: Redis is not reachable)\n");
		return;
	}
	printf("  replies %lld, broadcast %lld, notices %lld; MOs open %lld\n",
	       jint(q, "replies"), jint(q, "broadcast"), jint(q, "notices"),
	       jint(q, "open_mos"));
}

static void print_sessions(const json_t *s)
{
	printf("\nSessions\n");
	printf("  USSD dialogs open at this instance: %lld\n", jint(s, "ussd"));
}

/* Recipients done (sent, delivered, failed, expired, opted out,
 * cancelled): all but those still waiting or queued. */
static long long bcast_done(const json_t *b)
{
	const json_t *c = json_object_get(b, "counts");

	return jint(b, "total") - jint(c, "pending") - jint(c, "queued");
}

static void print_broadcasts(const json_t *list, const struct when *w)
{
	size_t i;
	json_t *b;

	printf("\nBroadcasts\n");
	if (!json_is_array(list)) {
		printf("  (unknown: Redis is not reachable)\n");
		return;
	}
	if (!json_array_size(list)) {
		printf("  (none running, scheduled or paused)\n");
		return;
	}
	printf("  %-20s  %-24s  %-9s  %-19s  %s\n", "id", "name", "state",
	       "done/total", "not before");
	json_array_foreach(list, i, b) {
		const json_t *c = json_object_get(b, "counts");
		char prog[48], at[64];

		snprintf(prog, sizeof(prog), "%lld/%lld (%d%%)",
			 bcast_done(b), jint(b, "total"),
			 (int)(json_number_value(json_object_get(b, "progress"))
			       * 100));
		printf("  %-20s  ", jstr(b, "id"));
		ctl_print_cell(jstr(b, "name"), 24);
		printf("  %-9s  %-19s  %s\n", jstr(b, "state"), prog,
		       since_text(w, jstr(b, "schedule_at"), false, at,
				  sizeof(at)));
		printf("  %-20s  delivered %lld, failed %lld, sent %lld, "
		       "queued %lld\n", "", jint(c, "delivered"),
		       jint(c, "failed"), jint(c, "sent"), jint(c, "queued"));
	}
}

static void print_status(const struct cgw_conf *c, const json_t *st)
{
	struct bcast_tz *tz = ctl_tz(c), *utc = NULL;
	char err[128];
	struct when w;

	if (!tz)
		bcast_tz_load("UTC", NULL, &utc, err, sizeof(err));
	w.tz = tz ? tz : utc;
	w.now = util_now_ms();
	print_head(st, &w);
	print_binds(json_object_get(st, "binds"), &w);
	print_queues(json_object_get(st, "queues"));
	print_sessions(json_object_get(st, "sessions"));
	print_broadcasts(json_object_get(st, "broadcasts"), &w);
	bcast_tz_free(tz);
	bcast_tz_free(utc);
}

int ctl_status(const struct cgw_conf *c, int argc, char **argv)
{
	struct ctl_answer a;
	struct ctl_http *h;
	char err[512];
	bool json;
	int rc;

	if (ctl_help_wanted(argc, argv)) {
		fputs(usage_status, stdout);
		return CTL_EXIT_OK;
	}
	json = ctl_take_json(&argc, argv);
	if (argc != 0) {
		fputs(usage_status, stderr);
		return CTL_EXIT_USAGE;
	}
	if (!(h = ctl_http_open_or_say(c)))
		return CTL_EXIT_USAGE;
	ctl_http_set_timeout(h, STATUS_TIMEOUT);
	rc = ctl_http_json(h, EVHTTP_REQ_GET, "/api/status", NULL, &a, err,
			   sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "citizengw-ctl: %s\n", err);
		rc = CTL_EXIT_UNREACHABLE;
	} else if (a.status != 200 || !json_is_object(a.json)) {
		ctl_http_refusal(h, &a, err, sizeof(err));
		fprintf(stderr, "citizengw-ctl: %s\n", err);
		rc = a.status == 503 ? CTL_EXIT_UNREACHABLE : CTL_EXIT_USAGE;
	} else {
		if (json)
			ctl_print_json(json_incref(a.json));
		else
			print_status(c, a.json);
		rc = CTL_EXIT_OK;
	}
	ctl_answer_free(&a);
	ctl_http_close(h);
	return rc;
}
