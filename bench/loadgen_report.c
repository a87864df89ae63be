/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What cgw-loadgen measures around its window and how it says it: CPU time
 * of the watched processes from /proc/PID/stat (utime + stime) and their
 * memory from /proc/PID/status, its own from getrusage(), Redis's
 * counters from INFO (read with hiredis, parsed here line by line), then
 * a table on stdout and the JSON of --json (jansson).
 *
 * Per-MO figures divide by the MTs read during the window (mt_in_window):
 * the work done in the window is what those MOs cost.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "common/util.h"
#include "loadgen.h"

/* --- /proc ----------------------------------------------------------------- */

int lg_watch_parse(struct lg_watch *w, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *end;
	long pid;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(w->name))
		return -EINVAL;
	pid = strtol(eq + 1, &end, 10);
	if (*end || pid <= 0 || pid > 0x7fffffff)
		return -EINVAL;
	memcpy(w->name, arg, (size_t)(eq - arg));
	w->name[eq - arg] = 0;
	w->pid = (int)pid;
	return 0;
}

/* utime + stime of pid in clock ticks; 0 when unreadable. */
static uint64_t proc_ticks(int pid)
{
	char path[64], buf[1024];
	unsigned long long ut = 0, st = 0;
	const char *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* the name may hold spaces and parentheses: count from the last ')' */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%llu %llu", &ut, &st) != 2)
		return 0;
	return ut + st;
}

/* A "Name:   N kB" line of /proc/PID/status, or -1. */
static long proc_status_kb(int pid, const char *name)
{
	char path[64], line[256];
	size_t nl = strlen(name);
	long v = -1;
	FILE *f;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, name, nl) == 0 && line[nl] == ':') {
			v = strtol(line + nl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* --- Redis INFO ------------------------------------------------------------ */

/* "cmdstat_evalsha:calls=12,usec=..." -> 12 */
static double cmdstat_calls(const char *v)
{
	const char *c = strstr(v, "calls=");

	return c ? strtod(c + 6, NULL) : 0;
}

static void info_line(struct lg_redis_info *r, const char *k, const char *v)
{
	if (!strcmp(k, "used_cpu_user") || !strcmp(k, "used_cpu_sys"))
		r->cpu_s += strtod(v, NULL);
	else if (!strcmp(k, "total_commands_processed"))
		r->commands = strtod(v, NULL);
	else if (!strcmp(k, "total_reads_processed"))
		r->reads = strtod(v, NULL);
	else if (!strcmp(k, "used_memory"))
		r->used_memory = strtod(v, NULL);
	else if (!strcmp(k, "cmdstat_evalsha"))
		r->evalsha = cmdstat_calls(v);
	else if (!strcmp(k, "cmdstat_eval"))
		r->eval = cmdstat_calls(v);
	else if (!strcmp(k, "db0") && !strncmp(v, "keys=", 5))
		r->keys = strtod(v + 5, NULL);
}

/* A connection to host:port, or NULL (said on stderr). */
static redisContext *redis_connect(const char *hostport)
{
	char host[128];
	const char *colon = strrchr(hostport, ':');
	struct timeval tv = { 2, 0 };
	redisContext *rc;

	if (!colon || (size_t)(colon - hostport) >= sizeof(host))
		return NULL;
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = 0;
	rc = redisConnectWithTimeout(host, atoi(colon + 1), tv);
	if (!rc || rc->err) {
		fprintf(stderr, "cgw-loadgen: redis %s: %s\n", hostport,
			rc ? rc->errstr : "out of memory");
		redisFree(rc);
		return NULL;
	}
	return rc;
}

/* INFO (cmd: "INFO" and its sections) on rc into *r (r->ok false when
 * Redis did not answer). */
static void redis_query(redisContext *rc, const char *cmd,
			struct lg_redis_info *r)
{
	redisReply *rep;
	char *save, *line;

	memset(r, 0, sizeof(*r));
	rep = redisCommand(rc, cmd);
	if (rep && rep->type == REDIS_REPLY_STRING) {
		r->ok = true;
		for (line = strtok_r(rep->str, "\r\n", &save); line;
		     line = strtok_r(NULL, "\r\n", &save)) {
			char *c = strchr(line, ':');

			if (c && *line != '#') {
				*c = 0;
				info_line(r, line, c + 1);
			}
		}
	}
	freeReplyObject(rep);
}

/* INFO all at host:port into *r. */
static void redis_info(const char *hostport, struct lg_redis_info *r)
{
	redisContext *rc = redis_connect(hostport);

	memset(r, 0, sizeof(*r));
	if (!rc)
		return;
	redis_query(rc, "INFO all", r);
	redisFree(rc);
}

/* A sample of the series at lg->now (info: Redis then). */
static void sample_add(struct lg *lg, const struct lg_redis_info *info)
{
	if (lg->nsamples >= lg->samples_cap || !info->ok)
		return;
	lg->samples[lg->nsamples].at = lg->now;
	lg->samples[lg->nsamples++].info = *info;
}

void lg_sample_tick(struct lg *lg)
{
	struct lg_redis_info info;

	if (!lg->series_rc || lg->phase != LG_MEASURE || !lg->nsamples ||
	    lg->now < lg->samples[lg->nsamples - 1].at + 1000000)
		return;
	/* the last is the end's; none in the window's last half second,
	 * which would leave the end's a sliver of a second */
	if (lg->nsamples + 1 >= lg->samples_cap ||
	    lg->now + 500000 > lg->t_measure0 +
				   (uint64_t)(lg->o.duration * 1e6))
		return;
	redis_query(lg->series_rc, "INFO cpu memory stats keyspace", &info);
	lg->series_calls++;
	sample_add(lg, &info);
}

/* --- the window ------------------------------------------------------------ */

void lg_measure_begin(struct lg *lg)
{
	lg->nsub_slots = (uint32_t)(lg->o.duration * 100) + 2;
	lg->sub_slots = calloc(lg->nsub_slots, sizeof(*lg->sub_slots));
	if (!lg->sub_slots)
		lg->nsub_slots = 0;
	if (lg->o.redis) {
		redis_info(lg->o.redis, &lg->r0);
		lg->samples_cap = (uint32_t)lg->o.duration + 3;
		lg->samples = calloc(lg->samples_cap, sizeof(*lg->samples));
		lg->series_rc = lg->samples ? redis_connect(lg->o.redis) : NULL;
	}
	for (unsigned i = 0; i < lg->o.nwatch; i++)
		lg->o.watch[i].cpu_ticks0 = proc_ticks(lg->o.watch[i].pid);
	getrusage(RUSAGE_SELF, &lg->ru0);
	lg_set_now(lg);
	lg->t_measure0 = lg->now;
	if (lg->series_rc)
		sample_add(lg, &lg->r0);
}

void lg_measure_end(struct lg *lg)
{
	lg_set_now(lg);
	lg->t_measure1 = lg->now;
	getrusage(RUSAGE_SELF, &lg->ru1);
	for (unsigned i = 0; i < lg->o.nwatch; i++) {
		struct lg_watch *w = &lg->o.watch[i];

		w->cpu_ticks1 = proc_ticks(w->pid);
		w->hwm_kb = proc_status_kb(w->pid, "VmHWM");
		w->rss_kb = proc_status_kb(w->pid, "VmRSS");
	}
	if (lg->o.redis)
		redis_info(lg->o.redis, &lg->r1);
	if (lg->series_rc) {
		sample_add(lg, &lg->r1);
		redisFree(lg->series_rc);
		lg->series_rc = NULL;
	}
}

/* --- results ---------------------------------------------------------------- */

/* The figures both outputs print, computed once. */
struct lg_result {
	const char *mode;
	double dur_s;		/* the window as it really was */
	double mos;		/* per-MO denominator (0: none) */
	double lat_ms[5];	/* p50 p90 p99 p99.9 max */
	double sub_mean, sub_max1s;
	double self_cpu_us;
};

static const char *const lat_names[] = { "p50", "p90", "p99", "p999", "max" };
static const double lat_pcts[] = { 50, 90, 99, 99.9, 100 };

static const char *mode_name(const struct lg_opts *o)
{
	if (o->echo)
		return "echo";
	if (o->open_sessions)
		return "sessions";
	return o->rate > 0 ? "open" : "closed";
}

static double tv_us(const struct timeval *a, const struct timeval *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e6 +
	       (double)(b->tv_usec - a->tv_usec);
}

/* The largest number of submits in any 1 s (100 slots of 10 ms). */
static double submits_max_1s(const struct lg *lg, double dur_s)
{
	uint32_t n = lg->nsub_slots, win = 0;
	uint64_t sum = 0, best = 0;

	if (dur_s < 1)
		return dur_s > 0 ? (double)lg->st.submits_in_window / dur_s : 0;
	for (uint32_t i = 0; i < n; i++) {
		sum += lg->sub_slots[i];
		if (++win > 100)
			sum -= lg->sub_slots[i - 100];
		if (win >= 100 && sum > best)
			best = sum;
	}
	return (double)best;
}

static void result_compute(const struct lg *lg, struct lg_result *r)
{
	r->mode = mode_name(&lg->o);
	r->dur_s = (double)(lg->t_measure1 - lg->t_measure0) / 1e6;
	r->mos = (double)lg->st.mt_in_window;
	for (unsigned i = 0; i < 5; i++)
		r->lat_ms[i] = (double)lg_hist_percentile(&lg->hist,
							  lat_pcts[i]) / 1e3;
	r->sub_mean = r->dur_s > 0 ? (double)lg->st.submits_in_window /
				     r->dur_s : 0;
	r->sub_max1s = submits_max_1s(lg, r->dur_s);
	r->self_cpu_us = tv_us(&lg->ru0.ru_utime, &lg->ru1.ru_utime) +
			 tv_us(&lg->ru0.ru_stime, &lg->ru1.ru_stime);
}

/* v / d, or JSON null when d is 0 or the figure was not measured */
static json_t *per(bool ok, double v, double d)
{
	return ok && d > 0 ? json_real(v / d) : json_null();
}

static json_t *proc_json(double cpu_us, const struct lg_result *r,
			 long hwm_kb, long rss_kb, bool ok)
{
	return json_pack("{s:o,s:o,s:o,s:o}",
			 "cpu_us_per_mo", per(ok, cpu_us, r->mos),
			 "cpu_pct", per(ok, cpu_us * 100, r->dur_s * 1e6),
			 "rss_peak_kb", hwm_kb >= 0 ? json_integer(hwm_kb)
						    : json_null(),
			 "rss_kb", rss_kb >= 0 ? json_integer(rss_kb)
					       : json_null());
}

static double watch_cpu_us(const struct lg_watch *w)
{
	return (double)(w->cpu_ticks1 - w->cpu_ticks0) * 1e6 /
	       (double)sysconf(_SC_CLK_TCK);
}

static json_t *procs_json(const struct lg *lg, const struct lg_result *r)
{
	json_t *p = json_object();

	for (unsigned i = 0; i < lg->o.nwatch; i++) {
		const struct lg_watch *w = &lg->o.watch[i];

		json_object_set_new(p, w->name,
				    proc_json(watch_cpu_us(w), r, w->hwm_kb,
					      w->rss_kb, w->cpu_ticks1 > 0));
	}
	json_object_set_new(p, "loadgen",
			    proc_json(r->self_cpu_us, r,
				      proc_status_kb(0, "VmHWM"),
				      proc_status_kb(0, "VmRSS"), true));
	return p;
}

/* The window second by second (with --redis): for each, its end (s into
 * the window), the MTs submitted in it per second, Redis's CPU per MO in
 * it, and its keys and memory at the end; Redis's CPU includes its own
 * timers and the INFO, a few commands a second. */
static json_t *series_json(const struct lg *lg)
{
	json_t *a = json_array();

	for (uint32_t i = 1; a && i < lg->nsamples; i++) {
		const struct lg_sample *p = &lg->samples[i - 1];
		const struct lg_sample *q = &lg->samples[i];
		uint64_t s0 = (p->at - lg->t_measure0) / 10000;
		uint64_t s1 = (q->at - lg->t_measure0) / 10000;
		double dt = (double)(q->at - p->at) / 1e6, n = 0;

		for (uint64_t k = s0; k < s1 && k < lg->nsub_slots; k++)
			n += lg->sub_slots[k];
		if (dt <= 0)
			continue;
		json_array_append_new(a, json_pack("{s:f,s:f,s:o,s:f,s:f}",
			"t_s", (double)(q->at - lg->t_measure0) / 1e6,
			"mo_per_s", n / dt,
			"redis_cpu_us_per_mo",
			per(true, (q->info.cpu_s - p->info.cpu_s) * 1e6, n),
			"redis_keys", q->info.keys,
			"redis_used_memory", q->info.used_memory));
	}
	return a;
}

/* Deltas of the window; INFO itself is one command and one read in it,
 * and each of the series' (series_calls). */
static json_t *redis_json(const struct lg *lg, const struct lg_result *r)
{
	const struct lg_redis_info *a = &lg->r0, *b = &lg->r1;
	bool ok = a->ok && b->ok;
	double mem = b->used_memory - a->used_memory;
	bool sess = lg->o.open_sessions > 0;

	if (!ok)
		return json_null();
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:f,s:f,s:o,s:o,s:o}",
		"cpu_us_per_mo", per(ok, (b->cpu_s - a->cpu_s) * 1e6, r->mos),
		"commands_per_mo", per(ok, b->commands - a->commands - 1 -
					       lg->series_calls, r->mos),
		"round_trips_per_mo", per(ok, b->reads - a->reads - 1 -
						  lg->series_calls, r->mos),
		"evalsha_per_mo", per(ok, b->evalsha - a->evalsha, r->mos),
		"eval_per_mo", per(ok, b->eval - a->eval, r->mos),
		"used_memory_start", a->used_memory,
		"used_memory_end", b->used_memory,
		"bytes_per_mo", per(!sess, mem, r->mos),
		"bytes_per_session", per(sess, mem,
					 (double)lg->st.sessions_open),
		"series", series_json(lg));
}

static json_t *nz(bool ok, double v)
{
	return ok ? json_real(v) : json_null();
}

static json_t *result_json(const struct lg *lg, const struct lg_result *r)
{
	const struct lg_stats *s = &lg->st;
	bool open = lg->o.rate > 0;
	json_t *lat = json_object(), *sub;

	for (unsigned i = 0; i < 5; i++)
		json_object_set_new(lat, lat_names[i],
				    nz(lg->hist.total > 0, r->lat_ms[i]));
	sub = json_pack("{s:f,s:f}", "mean", r->sub_mean, "max_1s",
			r->sub_max1s);
	return json_pack("{s:s,s:s,s:o,s:o,s:f,s:I,s:I,"
			 "s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
			 "s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
			 "s:f,s:f,s:o,s:o,s:o,s:o}",
		"label", lg->o.label, "mode", r->mode,
		"window", open ? json_null() : json_integer(lg->o.window),
		"rate", open ? json_real(lg->o.rate) : json_null(),
		"duration_s", r->dur_s, "citizens", (json_int_t)lg->o.citizens,
		"sms_pct", (json_int_t)lg->o.sms_pct,
		"mo_sent", (json_int_t)s->mo_sent,
		"mo_acked", (json_int_t)s->mo_acked,
		"mo_refused", (json_int_t)s->mo_refused,
		"mt_received", (json_int_t)s->mt_received,
		"unanswered", (json_int_t)s->unanswered,
		"duplicates", (json_int_t)s->duplicates,
		"not_offered", (json_int_t)s->not_offered,
		"receipts", (json_int_t)s->receipts,
		"receipts_sent", (json_int_t)s->receipts_sent,
		"mt_in_window", (json_int_t)s->mt_in_window,
		"mt_parts", (json_int_t)s->mt_parts,
		"mt_unknown", (json_int_t)s->mt_unknown,
		"ussd_sessions_ended", (json_int_t)s->ussd_ended,
		"ussd_sessions_cut", (json_int_t)s->ussd_cut,
		"sessions_open", (json_int_t)s->sessions_open,
		"throughput_mo_per_s", r->dur_s > 0 ? r->mos / r->dur_s : 0.0,
		"offered_mo_per_s", r->dur_s > 0 ?
			(double)(open ? s->offered : s->mo_sent) / r->dur_s : 0.0,
		"latency_ms", lat, "submits_per_s", sub,
		"procs", procs_json(lg, r), "redis", redis_json(lg, r));
}

/* --- the table: printed from the JSON, so both say the same ---------------- */

/*
 * obj[key] with prec decimals, "-" for null, in one of 8 static buffers
 * used in turn: valid for the printf() it is an argument of.
 */
static const char *F(json_t *obj, const char *key, int prec)
{
	static char ring[8][32];
	static unsigned k;
	char *buf = ring[k++ % 8];
	json_t *v = json_object_get(obj, key);

	if (!json_is_number(v))
		snprintf(buf, sizeof(ring[0]), "-");
	else
		snprintf(buf, sizeof(ring[0]), "%.*f", prec,
			 json_number_value(v));
	return buf;
}

static void table_counts(json_t *j)
{

	printf("  MOs      sent %s  acked %s  refused %s  not offered %s\n",
	       F(j, "mo_sent", 0), F(j, "mo_acked", 0), F(j, "mo_refused", 0),
	       F(j, "not_offered", 0));
	printf("  MTs      received %s  unanswered %s  duplicates %s  "
	       "not ours %s  receipts %s\n", F(j, "mt_received", 0),
	       F(j, "unanswered", 0), F(j, "duplicates", 0),
	       F(j, "mt_unknown", 0), F(j, "receipts", 0));
	printf("  USSD     ended (op 17) %s  cut %s  open %s\n",
	       F(j, "ussd_sessions_ended", 0), F(j, "ussd_sessions_cut", 0),
	       F(j, "sessions_open", 0));
	printf("  rate     %s MO->MT/s  (offered %s/s)  submits/s mean %s, "
	       "max in 1 s %s\n", F(j, "throughput_mo_per_s", 0),
	       F(j, "offered_mo_per_s", 0),
	       F(json_object_get(j, "submits_per_s"), "mean", 1),
	       F(json_object_get(j, "submits_per_s"), "max_1s", 0));
}

static void table_latency(json_t *j)
{
	json_t *l = json_object_get(j, "latency_ms");

	printf("  latency  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s ms\n",
	       F(l, "p50", 3), F(l, "p90", 3), F(l, "p99", 3),
	       F(l, "p999", 3), F(l, "max", 3));
}

static void table_costs(json_t *j)
{
	json_t *procs = json_object_get(j, "procs"), *p;
	json_t *r = json_object_get(j, "redis");
	const char *name;

	json_object_foreach(procs, name, p)
		printf("  %-8s %s CPU us/MO (%s %%)  RSS peak %s kB, now %s kB\n",
		       name, F(p, "cpu_us_per_mo", 1), F(p, "cpu_pct", 1),
		       F(p, "rss_peak_kb", 0), F(p, "rss_kb", 0));
	if (!json_is_object(r))
		return;
	printf("  redis    %s CPU us/MO  %s commands/MO  %s round trips/MO  "
	       "%s EVALSHA/MO  %s EVAL/MO\n", F(r, "cpu_us_per_mo", 1),
	       F(r, "commands_per_mo", 2), F(r, "round_trips_per_mo", 2),
	       F(r, "evalsha_per_mo", 2), F(r, "eval_per_mo", 2));
	printf("  redis    memory %s -> %s bytes: %s bytes/MO, %s bytes/session\n",
	       F(r, "used_memory_start", 0), F(r, "used_memory_end", 0),
	       F(r, "bytes_per_mo", 1), F(r, "bytes_per_session", 1));
}

static void table(json_t *j)
{

	printf("cgw-loadgen %s: %s, window %s, rate %s, %s s, %s citizens, "
	       "%s%% SMS\n", json_string_value(json_object_get(j, "label")),
	       json_string_value(json_object_get(j, "mode")),
	       F(j, "window", 0), F(j, "rate", 0), F(j, "duration_s", 2),
	       F(j, "citizens", 0), F(j, "sms_pct", 0));
	table_counts(j);
	table_latency(j);
	table_costs(j);
}

int lg_report(struct lg *lg)
{
	struct lg_result r;
	json_t *j;
	int rc = 0;

	result_compute(lg, &r);
	j = result_json(lg, &r);
	if (!j) {
		fprintf(stderr, "cgw-loadgen: cannot build the JSON result\n");
		return -ENOMEM;
	}
	table(j);
	fflush(stdout);
	if (lg->o.json && json_dump_file(j, lg->o.json, JSON_INDENT(2) |
					 JSON_PRESERVE_ORDER) < 0) {
		fprintf(stderr, "cgw-loadgen: cannot write %s\n", lg->o.json);
		rc = -EIO;
	}
	json_decref(j);
	return rc;
}
