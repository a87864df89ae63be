/*
 * citizengw-ctl: the staff and operator command line. Talks to Redis
 * directly (synchronously: it is a short-lived tool, not the daemon).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/conf.h"
#include "common/csv.h"
#include "smpp/dlr.h"
#include "services/dossier.h"
#include "common/log.h"
#include "services/phone.h"
#include "store/store.h"
#include "text/text.h"
#include "common/util.h"
#include "ctl/ctl.h"

#define PIPELINE 500	/* commands in flight during an import */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: citizengw-ctl -c FILE COMMAND [ARGS]\n"
		"\n"
		"Commands:\n"
		"  import FILE.csv     load dossiers (UTF-8 CSV with header\n"
		"                      code,phone,status,procedure,agency,"
		"received_at,due_at,id_last4);\n"
		"                      re-importing a code updates it. Exit 0 "
		"when every row was\n"
		"                      imported, 1 when some were rejected (the "
		"others are imported)\n"
		"  dossier CODE        show a dossier\n"
		"  message ID          show an outbound message by its id or "
		"the SMS centre's id\n"
		"  send PHONE TEXT [--expires DURATION] [--bind ID] [--no-fold]\n"
		"                      queue an SMS as broadcast traffic (after "
		"replies); it is\n"
		"                      never sent after DURATION (default 24h); "
		"prints its id\n"
		"  menu check [DIR]    check the menus (default: menus.dir of "
		"the configuration;\n"
		"                      -c is not needed with DIR): every "
		"problem as file:line\n"
		"  requests list|export [--since DATE] [--until DATE] "
		"[--kind KIND] [--bom]\n"
		"                      procedure requests (callback, visit, "
		"rating, feedback):\n"
		"                      a table, or CSV (UTF-8, header) on "
		"stdout; DATE is\n"
		"                      YYYY-MM-DD[THH:MM] local time, or 2h, "
		"7d back from now\n"
		"  phone NUMBER        a phone's profile: language, opt-out, "
		"limits"
		"\n"
		"  -c, --config FILE   the daemon's configuration file\n"
		"  -h, --help          this text\n");
}

static redisContext *connect_redis(const struct cgw_conf *c)
{
	struct timeval tv = { 5, 0 };
	redisContext *rc;
	redisReply *r;

	if (c->redis.socket[0])
		rc = redisConnectUnixWithTimeout(c->redis.socket, tv);
	else
		rc = redisConnectWithTimeout(c->redis.host, c->redis.port, tv);
	if (!rc || rc->err) {
		fprintf(stderr, "citizengw-ctl: cannot connect to Redis at "
				"%s:%d: %s\n",
			c->redis.socket[0] ? c->redis.socket : c->redis.host,
			c->redis.socket[0] ? 0 : c->redis.port,
			rc ? rc->errstr : "out of memory");
		if (rc)
			redisFree(rc);
		return NULL;
	}
	redisSetTimeout(rc, tv);
	if (c->redis.password[0]) {
		r = redisCommand(rc, "AUTH %s", c->redis.password);
		if (!r || r->type == REDIS_REPLY_ERROR) {
			fprintf(stderr, "citizengw-ctl: Redis AUTH failed\n");
			freeReplyObject(r);
			redisFree(rc);
			return NULL;
		}
		freeReplyObject(r);
	}
	if (c->redis.db) {
		r = redisCommand(rc, "SELECT %d", c->redis.db);
		freeReplyObject(r);
	}
	return rc;
}

redisContext *ctl_connect_redis(const struct cgw_conf *c)
{
	return connect_redis(c);
}

static char *read_file(const char *path, size_t *len)
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

/* Reads the replies of `n` pipelined commands; returns failures. */
static int drain(redisContext *rc, int n)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		redisReply *r = NULL;

		if (redisGetReply(rc, (void **)&r) != REDIS_OK) {
			fprintf(stderr, "citizengw-ctl: Redis: %s\n",
				rc->errstr);
			return n - i + bad;
		}
		if (r->type == REDIS_REPLY_ERROR) {
			fprintf(stderr, "citizengw-ctl: Redis: %s\n", r->str);
			bad++;
		}
		freeReplyObject(r);
	}
	return bad;
}

static int cmd_import(const struct cgw_conf *c, const char *path)
{
	struct csv_parser p;
	struct csv_record rec = { 0 };
	int map[DCOL_COUNT];
	size_t ncols, len;
	char *data, err[512];
	int rc, imported = 0, rejected = 0, inflight = 0, failed = 0;
	redisContext *rcx;

	data = read_file(path, &len);
	if (!data) {
		fprintf(stderr, "citizengw-ctl: %s: %s\n", path,
			strerror(errno));
		return 2;
	}
	csv_init(&p, data, len, 0);
	rc = csv_next(&p, &rec, err, sizeof(err));
	if (rc <= 0) {
		fprintf(stderr, "%s:1: no header line (want %s,...)\n", path,
			dossier_col_names[0]);
		free(data);
		csv_record_free(&rec);
		return 2;
	}
	ncols = rec.nfields;
	for (int k = 0; k < DCOL_COUNT; k++) {
		map[k] = -1;
		for (size_t i = 0; i < ncols; i++) {
			char name[64];
			size_t n = 0;

			for (const char *q = rec.fields[i]; *q && n < 63; q++)
				if (*q != ' ' && *q != '\t')
					name[n++] = *q;
			name[n] = '\0';
			if (strcasecmp(name, dossier_col_names[k]) == 0)
				map[k] = (int)i;
		}
		if (map[k] < 0) {
			fprintf(stderr, "%s:%d: header has no column '%s' "
					"(want code,phone,status,procedure,"
					"agency,received_at,due_at,id_last4)\n",
				path, rec.line, dossier_col_names[k]);
			free(data);
			csv_record_free(&rec);
			return 2;
		}
	}
	rcx = connect_redis(c);
	if (!rcx) {
		free(data);
		csv_record_free(&rec);
		return 2;
	}
	while ((rc = csv_next(&p, &rec, err, sizeof(err))) == 1) {
		const char *f[DCOL_COUNT];
		struct dossier d;
		const char *argv[24];
		size_t argl[24];
		char key[160], scratch[16];
		int n;
		bool utf8 = true;

		if (rec.nfields != ncols) {
			fprintf(stderr, "%s:%d: rejected: %zu fields, the "
					"header has %zu\n",
				path, rec.line, rec.nfields, ncols);
			rejected++;
			continue;
		}
		for (size_t i = 0; i < rec.nfields; i++)
			utf8 = utf8 && utf8_valid(rec.fields[i]);
		if (!utf8) {
			fprintf(stderr, "%s:%d: rejected: not UTF-8 (save the "
					"file as \"CSV UTF-8\")\n",
				path, rec.line);
			rejected++;
			continue;
		}
		for (int k = 0; k < DCOL_COUNT; k++)
			f[k] = rec.fields[map[k]];
		if (dossier_from_row(f, &d, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s:%d: rejected: %s\n", path,
				rec.line, err);
			rejected++;
			continue;
		}
		store_key_dossier(c->redis.prefix, d.key, key, sizeof(key));
		argv[0] = "DEL";
		argl[0] = 3;
		argv[1] = key;
		argl[1] = strlen(key);
		redisAppendCommandArgv(rcx, 2, argv, argl);
		argv[0] = "HSET";
		argl[0] = 4;
		n = store_dossier_fields(&d, argv + 2, argl + 2, scratch,
					 sizeof(scratch));
		redisAppendCommandArgv(rcx, n + 2, argv, argl);
		inflight += 2;
		imported++;
		if (inflight >= PIPELINE) {
			failed += drain(rcx, inflight);
			inflight = 0;
		}
	}
	failed += drain(rcx, inflight);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", path, err);
		rejected++;
	}
	redisFree(rcx);
	free(data);
	csv_record_free(&rec);
	if (failed) {
		fprintf(stderr, "citizengw-ctl: %d Redis commands failed; the "
				"import is incomplete, run it again\n", failed);
		return 2;
	}
	printf("%s: imported %d dossier%s, rejected %d row%s\n", path,
	       imported, imported == 1 ? "" : "s", rejected,
	       rejected == 1 ? "" : "s");
	return rejected ? 1 : 0;
}

static void print_hash(redisReply *r)
{
	for (size_t i = 0; i + 1 < r->elements; i += 2)
		printf("%-12s %s\n", r->element[i]->str,
		       r->element[i + 1]->str);
}

static int cmd_dossier(const struct cgw_conf *c, const char *code)
{
	char display[DOSSIER_CODE_MAX], key[DOSSIER_CODE_MAX], rk[160];
	const char *end;
	redisContext *rcx;
	redisReply *r;
	int rc = 0;

	if (dossier_code_parse(code, display, sizeof(display), key,
			       sizeof(key), &end) < 0 || *end) {
		fprintf(stderr, "citizengw-ctl: '%s' is not a dossier code "
				"(AGENCY-YYMMDD-NNNN)\n", code);
		return 2;
	}
	rcx = connect_redis(c);
	if (!rcx)
		return 2;
	store_key_dossier(c->redis.prefix, key, rk, sizeof(rk));
	r = redisCommand(rcx, "HGETALL %s", rk);
	if (!r || r->type != REDIS_REPLY_ARRAY || r->elements == 0) {
		fprintf(stderr, "citizengw-ctl: no dossier %s\n", display);
		rc = 1;
	} else {
		print_hash(r);
	}
	freeReplyObject(r);
	redisFree(rcx);
	return rc;
}

static int cmd_message(const struct cgw_conf *c, const char *id)
{
	redisContext *rcx = connect_redis(c);
	redisReply *r = NULL;
	int rc = 1;

	if (!rcx)
		return 2;
	/* an MT id names its shard only through the phone: try each */
	for (int s = 0; s < c->redis.shards && rc; s++) {
		char k[256];

		store_key_mt(c->redis.prefix, (unsigned)s, id, k, sizeof(k));
		r = redisCommand(rcx, "HGETALL %s", k);
		if (r && r->type == REDIS_REPLY_ARRAY && r->elements) {
			print_hash(r);
			rc = 0;
		}
		freeReplyObject(r);
	}
	for (int i = 0; i < c->nsmsc && rc; i++) {
		char k[256], canon[80];
		char *hash;

		/* the SMS centre's id, in the bind's canonical form */
		if (dlr_canonical_id(id, c->smsc[i].message_id_format,
				     DLR_ID_RESP, canon, sizeof(canon)) < 0)
			continue;
		store_key_msgid(c->redis.prefix, c->smsc[i].id, canon, k,
				sizeof(k));
		r = redisCommand(rcx, "GET %s", k);
		if (r && r->type == REDIS_REPLY_STRING) {
			redisReply *h;

			hash = strrchr(r->str, '#');	/* "<key>#<part>" */
			if (hash)
				*hash = '\0';
			h = redisCommand(rcx, "HGETALL %s", r->str);
			if (h && h->type == REDIS_REPLY_ARRAY && h->elements) {
				print_hash(h);
				rc = 0;
			}
			freeReplyObject(h);
		}
		freeReplyObject(r);
	}
	if (rc)
		fprintf(stderr, "citizengw-ctl: no message %s\n", id);
	redisFree(rcx);
	return rc;
}

static int cmd_send(const struct cgw_conf *c, int argc, char **argv)
{
	const char *phone = NULL, *text = NULL, *bind = "";
	long long expires_ms = 24LL * 3600 * 1000;
	bool fold = true;
	char msisdn[PHONE_MAX], id[64], k_mt[256], k_q[128], folded[1024];
	char num[8][24];
	int64_t now = util_now_ms();
	redisContext *rcx;
	redisReply *r;
	unsigned shard;
	int rc = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--expires") == 0 && i + 1 < argc) {
			if (conf_parse_duration(argv[++i], &expires_ms) < 0) {
				fprintf(stderr, "citizengw-ctl: bad duration "
						"'%s'\n", argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--bind") == 0 && i + 1 < argc) {
			bind = argv[++i];
		} else if (strcmp(argv[i], "--no-fold") == 0) {
			fold = false;
		} else if (!phone) {
			phone = argv[i];
		} else if (!text) {
			text = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!phone || !text) {
		usage(stderr);
		return 2;
	}
	if (phone_normalize(phone, msisdn, sizeof(msisdn)) < 0) {
		fprintf(stderr, "citizengw-ctl: '%s' is not a Vietnamese mobile "
				"number\n", phone);
		return 2;
	}
	if (!utf8_valid(text) || strlen(text) >= sizeof(folded)) {
		fprintf(stderr, "citizengw-ctl: the text must be UTF-8 and "
				"shorter than %zu bytes\n", sizeof(folded));
		return 2;
	}
	if (fold)
		text_fold(text, folded, sizeof(folded));
	else
		util_strlcpy(folded, text, sizeof(folded));
	snprintf(id, sizeof(id), "ctl-%llx-%04x", (unsigned long long)now,
		 (unsigned)(util_fnv1a64(msisdn, strlen(msisdn), (uint64_t)now) &
			    0xffff));
	shard = store_shard_of(msisdn, c->redis.shards);
	store_key_mt(c->redis.prefix, shard, id, k_mt, sizeof(k_mt));
	store_key_queue(c->redis.prefix, shard, 1, k_q, sizeof(k_q));
	rcx = connect_redis(c);
	if (!rcx)
		return 2;
	snprintf(num[0], sizeof(num[0]), "%d", c->smsc[0].dest_ton);
	snprintf(num[1], sizeof(num[1]), "%d", c->smsc[0].dest_npi);
	snprintf(num[2], sizeof(num[2]), "%lld", (long long)now);
	snprintf(num[3], sizeof(num[3]), "%lld",
		 (long long)(now + expires_ms));
	{
		const char *argv2[] = {
			"HSET", k_mt, "id", id, "msisdn", msisdn, "dst", msisdn,
			"dton", num[0], "dnpi", num[1], "src", "", "ston", "0",
			"snpi", "0", "bind", bind, "ch", "sms", "fin", "0",
			"uref", "", "text", folded, "prio", "1", "created",
			num[2], "expires", num[3], "attempts", "0", "state",
			"queued",
		};
		size_t n = sizeof(argv2) / sizeof(argv2[0]);
		size_t lens[sizeof(argv2) / sizeof(argv2[0])];

		for (size_t i = 0; i < n; i++)
			lens[i] = strlen(argv2[i]);
		redisAppendCommandArgv(rcx, (int)n, argv2, lens);
	}
	redisAppendCommand(rcx, "EXPIRE %s %d", k_mt, 7 * 24 * 3600);
	/* ready now: any gateway process claims it within a second */
	redisAppendCommand(rcx, "ZADD %s %lld %s", k_q, (long long)now, id);
	for (int i = 0; i < 3; i++) {
		r = NULL;
		if (redisGetReply(rcx, (void **)&r) != REDIS_OK || !r ||
		    r->type == REDIS_REPLY_ERROR) {
			fprintf(stderr, "citizengw-ctl: Redis: %s\n",
				r ? r->str : rcx->errstr);
			rc = 2;
		}
		freeReplyObject(r);
	}
	redisFree(rcx);
	if (rc == 0)
		printf("%s\n", id);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cgw_conf *conf = calloc(1, sizeof(*conf));
	const char *path = NULL, *cmd;
	char err[1024];
	int c, rc;

	if (!conf)
		return 2;
	while ((c = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			free(conf);
			return 0;
		default:
			usage(stderr);
			free(conf);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		free(conf);
		return 2;
	}
	cmd = argv[optind++];
	if (!path && strcmp(cmd, "menu") == 0) {
		rc = ctl_menu(NULL, argc - optind, argv + optind);
		free(conf);
		return rc;
	}
	if (!path) {
		fprintf(stderr, "citizengw-ctl: -c FILE is required\n");
		free(conf);
		return 2;
	}
	if (conf_load(conf, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		free(conf);
		return 2;
	}
	if (strcmp(cmd, "import") == 0 && optind + 1 == argc)
		rc = cmd_import(conf, argv[optind]);
	else if (strcmp(cmd, "dossier") == 0 && optind + 1 == argc)
		rc = cmd_dossier(conf, argv[optind]);
	else if (strcmp(cmd, "message") == 0 && optind + 1 == argc)
		rc = cmd_message(conf, argv[optind]);
	else if (strcmp(cmd, "send") == 0)
		rc = cmd_send(conf, argc - optind, argv + optind);
	else if (strcmp(cmd, "menu") == 0)
		rc = ctl_menu(conf, argc - optind, argv + optind);
	else if (strcmp(cmd, "requests") == 0)
		rc = ctl_requests(conf, argc - optind, argv + optind);
	else if (strcmp(cmd, "phone") == 0)
		rc = ctl_phone(conf, argc - optind, argv + optind);
	else {
		usage(stderr);
		rc = 2;
	}
	free(conf);
	return rc;
}
