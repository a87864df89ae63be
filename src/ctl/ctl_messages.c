/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-ctl for messages: `message ID` (by our id or the SMS centre's)
 * and `send PHONE TEXT` (queued as broadcast traffic for any gateway
 * process to send).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"
#include "ctl/ctl.h"
#include "services/bcast.h"
#include "services/phone.h"
#include "smpp/dlr.h"
#include "store/record.h"
#include "store/store_sync.h"
#include "text/text.h"

static int find_by_msgid(const struct cgw_conf *c, struct store_sync *ss,
			 const char *id, struct store_pairs *p)
{
	int rc = 0;

	for (int i = 0; i < c->nsmsc && rc == 0; i++) {
		char canon[80];

		if (dlr_canonical_id(id, c->smsc[i].message_id_format,
				     DLR_ID_RESP, canon, sizeof(canon)) < 0)
			continue;
		rc = store_sync_mt_by_msgid(ss, c->smsc[i].id, canon, p);
		if (rc == 0)
			store_pairs_free(p);
	}
	return rc;
}

static const char usage_message[] =
	"usage: citizengw-ctl -c FILE message ID [--json]\n"
	"  an outbound message by our id or the SMS centre's message id: its\n"
	"  fields under their labels, times local (broadcast.timezone);\n"
	"  --json: the stored fields as they are (times in epoch ms).\n"
	"  Exit 0 found, 1 no such message, 3 Redis unreachable.\n";

static int show_message(const struct cgw_conf *c, const char *id, bool json)
{
	struct store_pairs p = { 0, NULL };
	struct store_sync *ss = ctl_open_store(c);
	struct bcast_tz *tz;
	int rc;

	if (!ss)
		return CTL_EXIT_UNREACHABLE;
	rc = store_sync_mt(ss, id, &p);
	if (rc == 0)
		rc = find_by_msgid(c, ss, id, &p);
	if (rc < 0) {
		rc = ctl_store_failed(ss);
	} else if (rc == 0) {
		fprintf(stderr, "citizengw-ctl: no message %s\n", id);
		rc = CTL_EXIT_PARTLY;
	} else if (json) {
		ctl_print_json(ctl_pairs_json(&p));
		rc = CTL_EXIT_OK;
	} else {
		tz = ctl_tz(c);
		ctl_print_record(&rec_mt, &p, tz);
		bcast_tz_free(tz);
		rc = CTL_EXIT_OK;
	}
	store_pairs_free(&p);
	store_sync_close(ss);
	return rc;
}


static void send_usage(FILE *out)
{
	fprintf(out, "usage: citizengw-ctl -c FILE send PHONE TEXT "
		     "[--expires DURATION] [--bind ID] [--no-fold]\n"
		     "  queues an SMS as broadcast traffic (after replies); "
		     "it is never sent\n"
		     "  after DURATION (default 24h); --no-fold keeps "
		     "Vietnamese diacritics\n"
		     "  (UCS-2). Prints its id. Exit 0 queued, 2 a bad "
		     "argument, 3 Redis\n"
		     "  unreachable.\n");
}

struct send_opts {
	const char *phone, *text, *bind;
	long long expires_ms;
	bool fold;
};

static int send_options(int argc, char **argv, struct send_opts *o)
{
	static const struct option opts[] = {
		{ "expires", required_argument, NULL, 'e' },
		{ "bind", required_argument, NULL, 'b' },
		{ "no-fold", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	o->bind = "";
	o->expires_ms = 24LL * 3600 * 1000;
	o->fold = true;
	optind = 0;	/* argv[0] is the first argument: rescan from it */
	while ((ch = getopt_long(argc + 1, argv - 1, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			send_usage(stdout);
			return 1;
		case 'e':
			if (conf_parse_duration(optarg, &o->expires_ms) < 0) {
				fprintf(stderr, "citizengw-ctl: bad duration "
						"'%s'\n", optarg);
				return -EINVAL;
			}
			break;
		case 'b':
			o->bind = optarg;
			break;
		case 'n':
			o->fold = false;
			break;
		default:
			send_usage(stderr);
			return -EINVAL;
		}
	}
	/* exactly PHONE and TEXT remain */
	if (argc + 1 - optind != 2) {
		send_usage(stderr);
		return -EINVAL;
	}
	o->phone = argv[optind - 1];
	o->text = argv[optind];
	return 0;
}

/* The MT of `ctl send`: broadcast priority (after replies), from the
 * first bind's short code conventions. */
static int send_mt(const struct cgw_conf *c, const struct send_opts *o,
		   struct store_mt *mt)
{
	int64_t now = util_now_ms();

	rec_defaults(&rec_mt, mt);
	if (phone_normalize(o->phone, mt->msisdn, sizeof(mt->msisdn)) < 0) {
		fprintf(stderr, "citizengw-ctl: '%s' is not a Vietnamese mobile "
				"number\n", o->phone);
		return -EINVAL;
	}
	if (!utf8_valid(o->text) || strlen(o->text) >= sizeof(mt->text)) {
		fprintf(stderr, "citizengw-ctl: the text must be UTF-8 and "
				"shorter than %zu bytes\n", sizeof(mt->text));
		return -EINVAL;
	}
	text_fold_if(o->fold, o->text, mt->text, sizeof(mt->text));
	snprintf(mt->id, sizeof(mt->id), "ctl-%llx-%04x",
		 (unsigned long long)now,
		 (unsigned)(util_fnv1a64(mt->msisdn, strlen(mt->msisdn),
					 (uint64_t)now) & 0xffff));
	store_mt_to_phone(mt, c, 1, now);
	util_strlcpy(mt->bind, o->bind, sizeof(mt->bind));
	mt->expires_ms = now + o->expires_ms;
	return 0;
}

int ctl_send(const struct cgw_conf *c, int argc, char **argv)
{
	struct send_opts o;
	struct store_mt mt;
	struct store_sync *ss;
	int rc;

	memset(&mt, 0, sizeof(mt));
	if ((rc = send_options(argc, argv, &o)) != 0)
		return rc > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
	if (!c) {
		fprintf(stderr, "citizengw-ctl: -c FILE is required\n");
		return CTL_EXIT_USAGE;
	}
	if (send_mt(c, &o, &mt) < 0)
		return CTL_EXIT_USAGE;
	if (!(ss = ctl_open_store(c)))
		return CTL_EXIT_UNREACHABLE;
	/* ready now: any gateway process claims it within a second */
	if (store_sync_mt_queue(ss, &mt) < 0) {
		rc = ctl_store_failed(ss);
	} else {
		printf("%s\n", mt.id);
		rc = CTL_EXIT_OK;
	}
	store_sync_close(ss);
	return rc;
}


int ctl_message(const struct cgw_conf *c, int argc, char **argv)
{
	bool json = ctl_take_json(&argc, argv);

	if (ctl_help_wanted(argc, argv)) {
		fputs(usage_message, stdout);
		return CTL_EXIT_OK;
	}
	if (argc != 1 || argv[0][0] == '-') {
		fputs(usage_message, stderr);
		return CTL_EXIT_USAGE;
	}
	if (!c) {
		fprintf(stderr, "citizengw-ctl: -c FILE is required\n");
		return CTL_EXIT_USAGE;
	}
	return show_message(c, argv[0], json);
}
