/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-ctl keys: what Redis holds under the prefix, kind by kind
 * (store_key_lives in store/store_keys.c), and every key that breaks its
 * rule: one without a time to live that should have one, a phone profile
 * without one that holds no opt-out, a key no kind names. An operator
 * sees where memory goes; the tests prove nothing grows for ever.
 */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "ctl/ctl.h"
#include "store/store_keys.h"
#include "store/store_sync.h"

#define MAX_LISTED 50	/* offending keys named, the rest counted */

struct kind_count {
	long keys, no_ttl;
};

struct keys_scan {
	const struct store_keys *k;
	struct kind_count *kinds;	/* one per store_key_lives entry */
	long unknown, bad;
	json_t *offenders;		/* [{key, why}], at most MAX_LISTED */
};

/* Why a key breaks its rule, or NULL. */
static const char *offence(const struct store_key_life *l, long long ttl,
			   bool optout)
{
	if (!l)
		return "no kind of key citizengw writes";
	if (ttl != -1)
		return NULL;
	if (l->rule == KL_TTL)
		return "no time to live";
	if (l->rule == KL_TTL_OPTOUT && !optout)
		return "no time to live and no opt-out";
	return NULL;
}

static int each_key(void *arg, const char *key, long long ttl, bool optout)
{
	struct keys_scan *ks = arg;
	const struct store_key_life *l = store_key_life_of(ks->k, key);
	const char *why = offence(l, ttl, optout);

	if (l) {
		struct kind_count *c = &ks->kinds[l - store_key_lives];

		c->keys++;
		c->no_ttl += ttl == -1;
	} else {
		ks->unknown++;
	}
	if (!why)
		return 0;
	ks->bad++;
	if (json_array_size(ks->offenders) < MAX_LISTED)
		json_array_append_new(ks->offenders,
				      json_pack("{s:s, s:s}", "key", key,
						"why", why));
	return 0;
}

static const char *rule_name(enum store_key_rule r)
{
	switch (r) {
	case KL_TTL: return "ttl";
	case KL_TTL_OPTOUT: return "ttl-or-optout";
	case KL_OWNED: return "owned";
	}
	return "?";
}

static void print_json(const struct keys_scan *ks, long seen)
{
	json_t *kinds = json_array();
	json_t *all;

	for (size_t i = 0; i < store_key_nlives; i++)
		json_array_append_new(
			kinds,
			json_pack("{s:s, s:s, s:s, s:I, s:I}", "pattern",
				  store_key_lives[i].pattern, "rule",
				  rule_name(store_key_lives[i].rule),
				  "lifetime", store_key_lives[i].lifetime,
				  "keys", (json_int_t)ks->kinds[i].keys,
				  "without_ttl",
				  (json_int_t)ks->kinds[i].no_ttl));
	all = json_pack("{s:s, s:I, s:o, s:I, s:I, s:O}", "prefix",
			ks->k->prefix, "keys", (json_int_t)seen, "kinds",
			kinds, "unknown", (json_int_t)ks->unknown,
			"offending", (json_int_t)ks->bad, "offenders",
			ks->offenders);
	json_dumpf(all, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
	json_decref(all);
}

static void print_table(const struct keys_scan *ks, long seen)
{
	size_t i;

	printf("%-20s %8s %8s  %s\n", "KIND", "KEYS", "NO TTL",
	       "LIFETIME");
	for (i = 0; i < store_key_nlives; i++) {
		if (!ks->kinds[i].keys)
			continue;
		printf("%-20s %8ld %8ld  %s\n", store_key_lives[i].pattern,
		       ks->kinds[i].keys, ks->kinds[i].no_ttl,
		       store_key_lives[i].lifetime);
	}
	printf("%ld key(s) under \"%s:\"", seen, ks->k->prefix);
	if (ks->unknown)
		printf(", %ld of no known kind", ks->unknown);
	printf("\n");
	for (i = 0; i < json_array_size(ks->offenders); i++) {
		const json_t *o = json_array_get(ks->offenders, i);

		printf("OFFENDING %s: %s\n",
		       json_string_value(json_object_get(o, "key")),
		       json_string_value(json_object_get(o, "why")));
	}
	if (ks->bad > MAX_LISTED)
		printf("... and %ld more\n", ks->bad - MAX_LISTED);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: citizengw-ctl -c FILE keys [--json]\n"
		"\n"
		"Counts the Redis keys under redis.prefix by kind, with how "
		"long each kind lives,\n"
		"and names every key that breaks its kind's rule (no time to "
		"live where one\n"
		"is due, a kind citizengw never writes). Exit 0 when none "
		"does, 1 when some do,\n"
		"3 when Redis cannot be read. SCAN walks the keys without "
		"blocking Redis.\n");
}

int ctl_keys(const struct cgw_conf *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct keys_scan ks = { 0 };
	struct store_sync *ss;
	bool json = false;
	long seen;
	int o;

	optind = 0;
	while ((o = getopt_long(argc + 1, argv - 1, "+h", opts, NULL)) != -1) {
		switch (o) {
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return -1;
		}
	}
	if (optind != argc + 1)
		return -1;
	if (!(ss = ctl_open_store(c)))
		return CTL_EXIT_UNREACHABLE;
	ks.k = store_sync_keyctx(ss);
	ks.kinds = calloc(store_key_nlives, sizeof(*ks.kinds));
	ks.offenders = json_array();
	if (!ks.kinds || !ks.offenders) {
		fprintf(stderr, "citizengw-ctl: out of memory\n");
		seen = -1;
	} else if ((seen = store_sync_keys(ss, each_key, &ks)) < 0) {
		fprintf(stderr, "citizengw-ctl: %s\n", store_sync_error(ss));
	} else if (json) {
		print_json(&ks, seen);
	} else {
		print_table(&ks, seen);
	}
	store_sync_close(ss);
	free(ks.kinds);
	json_decref(ks.offenders);
	return seen < 0 ? CTL_EXIT_UNREACHABLE
	       : ks.bad ? CTL_EXIT_PARTLY
			: CTL_EXIT_OK;
}
