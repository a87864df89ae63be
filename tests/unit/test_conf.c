/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of the configuration loader (common/conf.h) on temporary
 * files: the configuration of the issue with its defaults, every kind of
 * refusal with "file:line: setting.path: why", durations, and a dump that
 * hides secrets and loads again.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/conf.h"
#include "common/log.h"
#include "smpp/ussd.h"
#include "suites.h"

static const char issue_conf[] =
	"redis = { host = \"127.0.0.1\"; port = 6379; };\n"
	"smsc = ( { id = \"main\"; host = \"127.0.0.1\"; port = 2775; "
	"system_id = \"citizengw\"; password = \"secret\"; bind = "
	"\"transceiver\"; source_addr = \"8088\"; } );\n"
	"ussd = { service_code = \"*8088#\"; };\n"
	"menus = { dir = \"menus\"; language = \"vi\"; };\n"
	"http = { listen = \"127.0.0.1:8088\"; token = \"change-me\"; };\n";

/* A minimal valid smsc list to go with settings under test. */
#define SMSC_OK "smsc = ( { id = \"main\"; host = \"h\"; system_id = \"s\"; } );\n"

static char *dir;
static struct cgw_conf *conf;

static void setup(void)
{
	dir = tu_tmpdir();
	conf = calloc(1, sizeof(*conf));
	ck_assert_ptr_nonnull(conf);
}

static void teardown(void)
{
	free(conf);
	conf = NULL;
	tu_rmtree(dir);
	dir = NULL;
}

/* Writes text to dir/name and loads it; returns conf_load's result. */
static int load(const char *name, const char *text, char *err, size_t errlen)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s", tu_write(dir, name, text));
	return conf_load(conf, path, err, errlen);
}

/* Loads text and expects a refusal "<dir>/<name>:<line>: <rest>" and
 * nothing else. */
static void refused_at(const char *text, int line, const char *rest)
{
	char err[512] = "", want[1024];

	ck_assert_int_eq(load("bad.cfg", text, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s/bad.cfg:%d: %s", dir, line, rest);
	ck_assert_str_eq(err, want);
}

/*
 * Loads text and expects every mistake of `want`, in order, one a line:
 * each "LINE: rest" or ": rest" (no line), after "<dir>/bad.cfg".
 */
static void refused_all(const char *text, const char *const *want)
{
	char err[8192] = "", all[8192] = "";

	ck_assert_int_eq(load("bad.cfg", text, err, sizeof(err)), -EINVAL);
	for (int i = 0; want[i]; i++)
		snprintf(all + strlen(all), sizeof(all) - strlen(all),
			 "%s%s/bad.cfg%s%s", i ? "\n" : "", dir,
			 want[i][0] == ':' ? "" : ":", want[i]);
	ck_assert_str_eq(err, all);
}

START_TEST(test_issue_config_loads)
{
	char err[512] = "", menus[1024];

	tu_write(dir, "menus/main.cfg", "# present\n");
	ck_assert_msg(load("citizengw.cfg", issue_conf, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_str_eq(conf->redis.host, "127.0.0.1");
	ck_assert_int_eq(conf->redis.port, 6379);
	ck_assert_int_eq(conf->nsmsc, 1);
	ck_assert_str_eq(conf->smsc[0].id, "main");
	ck_assert_str_eq(conf->smsc[0].host, "127.0.0.1");
	ck_assert_int_eq(conf->smsc[0].port, 2775);
	ck_assert_str_eq(conf->smsc[0].system_id, "citizengw");
	ck_assert_str_eq(conf->smsc[0].password, "secret");
	ck_assert_int_eq(conf->smsc[0].bind_mode, CONF_BIND_TRANSCEIVER);
	ck_assert_str_eq(conf->smsc[0].source_addr, "8088");
	ck_assert_int_eq(conf->smsc[0].line, 2);
	ck_assert_str_eq(conf->ussd.service_code, "*8088#");
	ck_assert_str_eq(conf->menus.language, "vi");
	ck_assert_str_eq(conf->http.listen, "127.0.0.1:8088");
	ck_assert_str_eq(conf->http.token, "change-me");
	/* a relative menus.dir is found next to the file */
	snprintf(menus, sizeof(menus), "%s/menus", dir);
	ck_assert_str_eq(conf->menus.dir, menus);
	snprintf(menus, sizeof(menus), "%s/citizengw.cfg", dir);
	ck_assert_str_eq(conf->path, menus);
	ck_assert_str_eq(conf->dir, dir);
}
END_TEST

START_TEST(test_issue_config_defaults)
{
	char err[512] = "";
	const struct cgw_smsc_conf *sc;

	ck_assert_msg(load("citizengw.cfg", issue_conf, err, sizeof(err)) == 0,
		      "%s", err);
	sc = &conf->smsc[0];
	ck_assert_int_eq(sc->window, 10);
	ck_assert_int_eq(sc->enquire_link_interval, 30000);
	ck_assert_int_eq(sc->interface_version, 0x34);
	ck_assert_int_eq(sc->source_ton, 3);
	ck_assert_int_eq(sc->dest_ton, 1);
	ck_assert_int_eq(sc->dest_npi, 1);
	ck_assert_int_eq(sc->response_timeout, 10000);
	ck_assert_int_eq(sc->reconnect_delay, 1000);
	ck_assert_int_eq(sc->reconnect_max_delay, 60000);
	ck_assert_int_eq(sc->tps, 100);
	ck_assert(sc->registered_delivery);
	ck_assert_int_eq(sc->message_id_format, CONF_MSGID_STRING);
	ck_assert_int_eq(sc->receive_port, 0);
	ck_assert_int_eq(conf->gateway.mo_dedup_window, 120000);
	ck_assert_int_eq(conf->gateway.mo_lease, 15000);
	ck_assert_int_eq(conf->gateway.reply_expiry, 3600000);
	ck_assert_int_eq(conf->redis.timeout, 2000);
	ck_assert_int_eq(conf->redis.shards, 16);
	ck_assert_str_eq(conf->redis.prefix, "cgw");
	ck_assert_int_eq(conf->ussd.dialect, USSD_STANDARD);
	ck_assert_int_eq(conf->ussd.session_ttl, 180000);
	ck_assert_int_eq(conf->menus.sms_session_ttl, 900000);
	/* on, at a rate no one typing reaches (lone fragments) */
	ck_assert_int_eq(conf->protect.replies_per_minute, 20);
	ck_assert_int_eq(conf->protect.min_sender_digits, 0);
	ck_assert_int_eq(conf->protect.lookup_failures, 5);
	ck_assert_int_eq(conf->protect.lookup_block, 3600000);
	ck_assert_str_eq(conf->log.level, "notice");
	ck_assert(conf->log.timestamps);
}
END_TEST

START_TEST(test_defaults_without_file)
{
	conf_defaults(conf);
	ck_assert_str_eq(conf->redis.host, "127.0.0.1");
	ck_assert_int_eq(conf->redis.port, 6379);
	ck_assert_int_eq(conf->nsmsc, 0);
	ck_assert_str_eq(conf->ussd.service_code, "*8088#");
	ck_assert_str_eq(conf->menus.dir, "menus");
	ck_assert_int_eq(conf->gateway.mo_dedup_window, 120000);
}
END_TEST

START_TEST(test_settings_override_defaults)
{
	char err[512] = "";

	ck_assert_msg(load("c.cfg",
			   "ussd = { dialect = \"its_end_bit\"; };\n"
			   "menus = { language = \"en\"; };\n"
			   "log = { timestamps = false; };\n"
			   "smsc = ( { id = \"a\"; host = \"h\"; system_id = "
			   "\"s\"; bind = \"transmitter+receiver\"; "
			   "receive_port = 2776; window = 50; "
			   "registered_delivery = false; "
			   "message_id_format = \"hex\"; }, { id = \"b\"; "
			   "host = \"h2\"; system_id = \"s2\"; } );\n",
			   err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(conf->ussd.dialect, USSD_ITS_END_BIT);
	ck_assert_str_eq(conf->menus.language, "en");
	ck_assert(!conf->log.timestamps);
	ck_assert_int_eq(conf->nsmsc, 2);
	ck_assert_int_eq(conf->smsc[0].bind_mode, CONF_BIND_TX_RX);
	ck_assert_int_eq(conf->smsc[0].receive_port, 2776);
	ck_assert_int_eq(conf->smsc[0].window, 50);
	ck_assert(!conf->smsc[0].registered_delivery);
	ck_assert_int_eq(conf->smsc[0].message_id_format, CONF_MSGID_HEX);
	/* the second entry has its own defaults */
	ck_assert_str_eq(conf->smsc[1].id, "b");
	ck_assert_int_eq(conf->smsc[1].window, 10);
	ck_assert(conf->smsc[1].registered_delivery);
}
END_TEST

/* --- refusals ------------------------------------------------------------------ */

START_TEST(test_unknown_setting)
{
	refused_at("# citizengw\n"
		   "redis = {\n"
		   "  hots = \"127.0.0.1\";\n"
		   "};\n" SMSC_OK,
		   3, "redis.hots: unknown setting, did you mean 'host'?");
}
END_TEST

START_TEST(test_unknown_smsc_setting)
{
	refused_all("smsc = (\n"
		    "  { id = \"main\"; host = \"h\";\n"
		    "    sytem_id = \"s\"; }\n"
		    ");\n",
		    (const char *const[]){
			    "3: smsc.[0].sytem_id: unknown setting, did you "
			    "mean 'system_id'?",
			    "2: smsc.[0]: 'system_id' is required",
			    NULL });
	/* nothing close: no guess */
	refused_at("smsc = ( { id = \"main\"; host = \"h\"; system_id = \"s\";\n"
		   "  colour = \"blue\"; } );\n",
		   2, "smsc.[0].colour: unknown setting");
}
END_TEST

START_TEST(test_unknown_top_level)
{
	refused_at(SMSC_OK "\nfoo = 1;\n", 3, "foo: unknown setting");
	refused_at(SMSC_OK "bar = { };\n", 2, "bar: unknown group");
	/* an unknown group is one mistake, not one per setting in it */
	refused_at(SMSC_OK "bar = { x = 1; y = 2; };\n", 2,
		   "bar: unknown group");
	refused_at(SMSC_OK "rediss = { port = 1; };\n", 2,
		   "rediss: unknown group, did you mean 'redis'?");
	refused_at(SMSC_OK "lgo = \"debug\";\n", 2,
		   "lgo: unknown setting, did you mean 'log'?");
	refused_at(SMSC_OK "redis = 5;\n", 2,
		   "redis: must be a group: redis = { ... };");
}
END_TEST

START_TEST(test_port_out_of_range)
{
	refused_at("smsc = (\n"
		   "  {\n"
		   "    id = \"main\";\n"
		   "    host = \"127.0.0.1\";\n"
		   "    port = 70000;\n"
		   "    system_id = \"citizengw\";\n"
		   "  }\n"
		   ");\n",
		   5, "smsc.[0].port: 70000 is out of range 1..65535");
	refused_at("redis = { port = 0; };\n" SMSC_OK, 1,
		   "redis.port: 0 is out of range 1..65535");
}
END_TEST

/* libconfig 1.5 wraps 4294969071 to 1775: caught from the literal */
START_TEST(test_integer_beyond_32_bits)
{
	refused_at("redis = { port = 4294969071; };\n" SMSC_OK, 1,
		   "redis.port: 4294969071 does not fit in 32 bits");
	refused_at(SMSC_OK "gateway = {\n  mo_dedup_window = 4294967416;\n};\n",
		   3, "gateway.mo_dedup_window: 4294967416 does not fit in "
		      "32 bits");
}
END_TEST

START_TEST(test_string_where_number_expected)
{
	refused_at("redis = {\n"
		   "  port = \"6379\";\n"
		   "};\n" SMSC_OK,
		   2, "redis.port: expects a number without quotes");
	refused_at(SMSC_OK "redis = { host = 127; };\n", 2,
		   "redis.host: expects a string in quotes");
	refused_at(SMSC_OK "redis = { port = 63.79; };\n", 2,
		   "redis.port: has the wrong type (a group, list or number "
		   "with a fraction)");
}
END_TEST

START_TEST(test_bad_choice)
{
	refused_at("smsc = ( {\n"
		   "  id = \"main\"; host = \"h\"; system_id = \"s\";\n"
		   "  bind = \"foo\";\n"
		   "} );\n",
		   3,
		   "smsc.[0].bind: 'foo' is not one of: transceiver, "
		   "transmitter+receiver");
	refused_at(SMSC_OK "ussd = { dialect = \"huawei\"; };\n", 2,
		   "ussd.dialect: 'huawei' is not one of: standard, "
		   "vendor_ops, its_end_bit, umr_session");
	refused_at(SMSC_OK "log = { timestamps = \"yes\"; };\n", 2,
		   "log.timestamps: expects true or false");
}
END_TEST

START_TEST(test_duplicate_smsc_id)
{
	refused_at("smsc = (\n"
		   "  { id = \"main\"; host = \"a\"; system_id = \"x\"; },\n"
		   "  { id = \"main\"; host = \"b\"; system_id = \"y\"; }\n"
		   ");\n",
		   3, "smsc id 'main' is already used on line 2");
}
END_TEST

START_TEST(test_missing_system_id)
{
	refused_at("redis = { port = 6379; };\n"
		   "smsc = (\n"
		   "  { id = \"main\"; host = \"a\"; }\n"
		   ");\n",
		   3, "smsc.[0]: 'system_id' is required");
}
END_TEST

START_TEST(test_string_too_long)
{
	refused_at("smsc = ( { id = \"main\"; host = \"a\";\n"
		   "  system_id = \"0123456789abcdef\"; } );\n",
		   2, "smsc.[0].system_id: longer than 15 characters");
	refused_at("smsc = ( { id = \"main\"; host = \"a\"; system_id = \"s\";\n"
		   "  password = \"123456789\"; } );\n",
		   2, "smsc.[0].password: longer than 8 characters");
	refused_at(SMSC_OK "redis = { prefix = \"\"; };\n", 2,
		   "redis.prefix: must not be empty");
}
END_TEST

START_TEST(test_no_smsc)
{
	char err[512] = "", want[1024];

	ck_assert_int_eq(load("bad.cfg", "redis = { port = 6379; };\n", err,
			      sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s/bad.cfg: no smsc entry", dir);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
}
END_TEST

START_TEST(test_cross_setting_checks)
{
	char err[512] = "";

	refused_at("smsc = ( { id = \"m\"; host = \"a\"; system_id = \"s\";\n"
		   "  reconnect_delay = \"2m\"; reconnect_max_delay = 60; } "
		   ");\n",
		   1, "smsc.[0]: reconnect_delay is longer than "
		      "reconnect_max_delay");
	ck_assert_int_eq(load("bad.cfg",
			      SMSC_OK "redis = { prefix = \"a b\"; };\n", err,
			      sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "redis.prefix 'a b'"));
}
END_TEST

START_TEST(test_smsc_list_shape)
{
	char text[4096] = "smsc = (\n";

	refused_all("redis = { port = 6379; };\n"
		    "smsc = { id = \"main\"; };\n",
		    (const char *const[]){
			    "2: smsc: must be a list: smsc = ( { ... }, "
			    "{ ... } );",
			    ": no smsc entry: smsc = ( { id = \"main\"; host = "
			    "...; } );",
			    NULL });
	refused_at("smsc = (\n"
		   "  { id = \"main\"; host = \"h\"; system_id = \"s\"; },\n"
		   "  \"backup\" );\n",
		   3, "smsc.[1]: must be a group { ... }");
	for (int i = 0; i <= CONF_MAX_SMSC; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "  { id = \"s%d\"; host = \"h\"; system_id = \"s\"; }"
			 "%s\n", i, i < CONF_MAX_SMSC ? "," : "");
	strcat(text, ");\n");
	refused_at(text, 1, "smsc: at most 16 smsc entries");
}
END_TEST

START_TEST(test_redis_prefix_refused)
{
	char err[512] = "", want[1024];

	ck_assert_int_eq(load("bad.cfg",
			      SMSC_OK "redis = { prefix = \"cgw:prod\"; };\n",
			      err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s/bad.cfg: redis.prefix 'cgw:prod' may hold only letters, "
		 "digits, '_', '-' and '.'", dir);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_menus_dir_resolution)
{
	char err[512] = "", want[1024];

	/* found nowhere: the candidate next to the file, for the menu
	 * loader to name in its error */
	ck_assert_msg(load("a.cfg",
			   SMSC_OK "menus = { dir = \"no-such\"; };\n", err,
			   sizeof(err)) == 0, "%s", err);
	snprintf(want, sizeof(want), "%s/no-such", dir);
	ck_assert_str_eq(conf->menus.dir, want);
	/* an absolute directory is taken as it is */
	ck_assert_msg(load("b.cfg",
			   SMSC_OK "menus = { dir = \"/no/such\"; };\n", err,
			   sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(conf->menus.dir, "/no/such");
}
END_TEST

START_TEST(test_syntax_error)
{
	refused_at("redis = {\n"
		   "  host = \"x\";\n"
		   "  port = ;\n"
		   "};\n",
		   3, "syntax error (the file is read no further: fix this "
		      "first)");
}
END_TEST

START_TEST(test_missing_file)
{
	char err[512] = "", path[1024], want[1100];

	snprintf(path, sizeof(path), "%s/nope.cfg", dir);
	ck_assert_int_eq(conf_load(conf, path, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s: cannot read the file", path);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
}
END_TEST

START_TEST(test_error_in_included_file)
{
	char err[512] = "", want[1024];

	tu_write(dir, "smsc.cfg",
		 "smsc = (\n"
		 "  { id = \"main\"; host = \"h\"; system_id = \"s\";\n"
		 "    window = 0; }\n"
		 ");\n");
	ck_assert_int_eq(load("main.cfg",
			      "redis = { port = 6379; };\n"
			      "@include \"smsc.cfg\"\n",
			      err, sizeof(err)), -EINVAL);
	/* libconfig names an included file as the @include wrote it */
	snprintf(want, sizeof(want),
		 "smsc.cfg:3: smsc.[0].window: 0 is out of range 1..1000");
	ck_assert_str_eq(err, want);
}
END_TEST

/* --- every mistake at once --------------------------------------------------- */

START_TEST(test_all_mistakes_reported)
{
	refused_all("redis = { hots = \"127.0.0.1\"; port = 70000; };\n"
		    "rediss = { x = 1; };\n"
		    "smsc = ( { id = \"main\"; host = \"h\";\n"
		    "           system_id = \"0123456789abcdef\";\n"
		    "           windw = 5; bind = \"both\"; },\n"
		    "         { id = \"main\"; host = \"h\"; system_id = \"s\"; } );\n"
		    "ussd = { servce_code = \"*1#\"; };\n"
		    "log = { level = \"loud\"; target = \"journal\"; };\n"
		    "menus = { dir = \"menus\"; langauge = \"en\"; };\n",
		    (const char *const[]){
			    "1: redis.hots: unknown setting, did you mean "
			    "'host'?",
			    "1: redis.port: 70000 is out of range 1..65535",
			    "2: rediss: unknown group, did you mean 'redis'?",
			    "4: smsc.[0].system_id: longer than 15 characters",
			    "5: smsc.[0].windw: unknown setting, did you mean "
			    "'window'?",
			    "5: smsc.[0].bind: 'both' is not one of: "
			    "transceiver, transmitter+receiver",
			    "7: ussd.servce_code: unknown setting, did you mean "
			    "'service_code'?",
			    "8: log.level: bad log spec 'loud' (want LEVEL or "
			    "CAT=LEVEL; levels error,warn,notice,info,debug; "
			    "categories main,smpp,ussd,menu,redis,http,bcast)",
			    "8: log.target: 'journal' is not one of: stderr, "
			    "syslog",
			    "9: menus.langauge: unknown setting, did you mean "
			    "'language'?",
			    ":6: smsc id 'main' is already used on line 3",
			    NULL });
}
END_TEST

/* 60 mistakes: the first CONF_MAX_ERRORS, then how many more */
START_TEST(test_mistakes_capped)
{
	char text[8192] = "redis = {\n", err[16384] = "", want[256];
	const char *p = err;
	int lines = 1;

	for (int i = 0; i < 60; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "  nope%d = 1;\n", i);
	strcat(text, "};\n" SMSC_OK);
	ck_assert_int_eq(load("bad.cfg", text, err, sizeof(err)), -EINVAL);
	while ((p = strchr(p, '\n'))) {
		p++;
		lines++;
	}
	ck_assert_int_eq(lines, CONF_MAX_ERRORS + 1);
	snprintf(want, sizeof(want), "%s/bad.cfg:51: redis.nope49: unknown "
		 "setting\n%s/bad.cfg: 10 more mistakes not shown (fix these "
		 "first)", dir, dir);
	ck_assert_ptr_nonnull(strstr(err, want));
	ck_assert_str_eq(err + strlen(err) - strlen(want), want);
}
END_TEST

/* a buffer too small for every line: whole lines, then the count */
START_TEST(test_mistakes_small_buffer)
{
	char err[250] = "", want[256];

	/* four mistakes of about 80 characters each */
	ck_assert_int_eq(load("bad.cfg",
			      "redis = { port = 0; db = -1; shards = 0;\n"
			      "  prefix = \"\"; };\n" SMSC_OK,
			      err, sizeof(err)), -EINVAL);
	ck_assert_uint_lt(strlen(err), sizeof(err));
	snprintf(want, sizeof(want), "%s/bad.cfg:1: redis.port: 0 is out of "
		 "range 1..65535\n", dir);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
	ck_assert_msg(strstr(err, "bad.cfg: 2 more mistakes not shown") != NULL,
		      "%s", err);
	/* no line is cut in the middle */
	for (const char *l = err; l; l = strchr(l, '\n')) {
		l += *l == '\n';
		ck_assert(strncmp(l, dir, strlen(dir)) == 0);
	}
}
END_TEST

/* --- paths relative to the file ---------------------------------------------- */

START_TEST(test_relative_paths)
{
	char err[512] = "", want[1024], cwd[1024];

	tu_write(dir, "etc/x", "");
	tu_write(dir, "etc/menus/main.cfg", "# present\n");
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	/* loaded from elsewhere, by a relative name: still next to the file */
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_msg(load("etc/gw.cfg",
			   SMSC_OK "menus = { dir = \"menus\"; };\n"
			   "redis = { socket = \"../run/redis.sock\"; };\n",
			   err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(chdir("/"), 0);
	snprintf(want, sizeof(want), "%s/etc/menus", dir);
	ck_assert_str_eq(conf->menus.dir, want);
	snprintf(want, sizeof(want), "%s/etc/../run/redis.sock", dir);
	ck_assert_str_eq(conf->redis.socket, want);
	snprintf(want, sizeof(want), "%s/etc", dir);
	ck_assert_str_eq(conf->dir, want);
	/* the working directory is never looked at: a mymenus/ there is
	 * not taken */
	tu_write(dir, "mymenus/main.cfg", "# in the working directory\n");
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_msg(load("etc/other.cfg",
			   SMSC_OK "menus = { dir = \"mymenus\"; };\n",
			   err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(chdir(cwd), 0);
	snprintf(want, sizeof(want), "%s/etc/mymenus", dir);
	ck_assert_str_eq(conf->menus.dir, want);
	/* an empty socket stays empty (host and port are used) */
	ck_assert_str_eq(conf->redis.socket, "");
}
END_TEST

START_TEST(test_log_settings)
{
	char err[512] = "";

	ck_assert_msg(load("c.cfg", SMSC_OK, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_int_eq(conf->log.target, LOG_TARGET_STDERR);
	ck_assert_str_eq(log_facility_names[conf->log.facility], "daemon");
	ck_assert_msg(load("c.cfg",
			   SMSC_OK "log = { target = \"syslog\"; "
			   "facility = \"local3\"; level = \"info,smpp=debug\"; "
			   "};\n", err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(conf->log.target, LOG_TARGET_SYSLOG);
	ck_assert_str_eq(log_facility_names[conf->log.facility], "local3");
	ck_assert_str_eq(conf->log.level, "info,smpp=debug");
	/* checking a level does not apply it */
	ck_assert(!log_enabled(LOG_SMPP, LOG_DEBUG));
}
END_TEST

/* --- durations ------------------------------------------------------------------ */

START_TEST(test_parse_duration)
{
	long long ms = -1;

	ck_assert_int_eq(conf_parse_duration("30", &ms), 0);
	ck_assert_int_eq(ms, 30000);
	ck_assert_int_eq(conf_parse_duration("30s", &ms), 0);
	ck_assert_int_eq(ms, 30000);
	ck_assert_int_eq(conf_parse_duration("250ms", &ms), 0);
	ck_assert_int_eq(ms, 250);
	ck_assert_int_eq(conf_parse_duration("5m", &ms), 0);
	ck_assert_int_eq(ms, 300000);
	ck_assert_int_eq(conf_parse_duration("1h", &ms), 0);
	ck_assert_int_eq(ms, 3600000);
	ck_assert_int_eq(conf_parse_duration("0", &ms), 0);
	ck_assert_int_eq(ms, 0);
	ms = 42;
	ck_assert_int_eq(conf_parse_duration("5x", &ms), -EINVAL);
	ck_assert_int_eq(conf_parse_duration("", &ms), -EINVAL);
	ck_assert_int_eq(conf_parse_duration("s", &ms), -EINVAL);
	ck_assert_int_eq(conf_parse_duration("-5s", &ms), -EINVAL);
	ck_assert_int_eq(conf_parse_duration("5 s", &ms), -EINVAL);
	ck_assert_int_eq(conf_parse_duration("1.5s", &ms), -EINVAL);
	ck_assert_int_eq(conf_parse_duration("99999999999999999999", &ms),
			 -EINVAL);
	ck_assert_int_eq(conf_parse_duration("9223372036854775807h", &ms),
			 -EINVAL);
	ck_assert_int_eq(ms, 42);
}
END_TEST

START_TEST(test_durations_in_file)
{
	char err[512] = "";

	ck_assert_msg(load("c.cfg",
			   "redis = { timeout = \"250ms\"; };\n"
			   "gateway = { mo_dedup_window = \"5m\"; "
			   "reply_expiry = \"1h\"; mo_lease = 30; };\n"
			   "smsc = ( { id = \"m\"; host = \"h\"; system_id = "
			   "\"s\"; enquire_link_interval = \"30s\"; "
			   "response_timeout = 5; } );\n",
			   err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(conf->redis.timeout, 250);
	ck_assert_int_eq(conf->gateway.mo_dedup_window, 300000);
	ck_assert_int_eq(conf->gateway.reply_expiry, 3600000);
	ck_assert_int_eq(conf->gateway.mo_lease, 30000);
	ck_assert_int_eq(conf->smsc[0].enquire_link_interval, 30000);
	ck_assert_int_eq(conf->smsc[0].response_timeout, 5000);
}
END_TEST

START_TEST(test_bad_durations_in_file)
{
	refused_at(SMSC_OK "gateway = { mo_dedup_window = \"5x\"; };\n", 2,
		   "gateway.mo_dedup_window: '5x' is not a duration (30, "
		   "\"30s\", \"250ms\", \"5m\", \"1h\")");
	refused_at("smsc = ( { id = \"m\"; host = \"h\"; system_id = \"s\";\n"
		   "  enquire_link_interval = \"250ms\"; } );\n",
		   2, "smsc.[0].enquire_link_interval: 250ms is out of range "
		      "1000ms..3600000ms");
	refused_at(SMSC_OK "gateway = { mo_lease = 99999999999L; };\n", 2,
		   "gateway.mo_lease: 99999999999000ms is out of range "
		   "1000ms..3600000ms");
}
END_TEST

/* --- dump -------------------------------------------------------------------------- */

static char *dump(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	conf_dump(conf, f);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

START_TEST(test_dump_hides_secrets)
{
	char err[512] = "";
	char *out;

	ck_assert_msg(load("citizengw.cfg", issue_conf, err, sizeof(err)) == 0,
		      "%s", err);
	strcpy(conf->redis.password, "redispw");
	out = dump();
	ck_assert_ptr_null(strstr(out, "secret"));
	ck_assert_ptr_null(strstr(out, "change-me"));
	ck_assert_ptr_null(strstr(out, "redispw"));
	ck_assert_ptr_nonnull(strstr(out, "    password = \"***\";\n"));
	ck_assert_ptr_nonnull(strstr(out, "  token = \"***\";\n"));
	ck_assert_ptr_nonnull(strstr(out, "    system_id = \"citizengw\";\n"));
	ck_assert_ptr_nonnull(strstr(out, "    enquire_link_interval = "
					  "\"30000ms\";\n"));
	ck_assert_ptr_nonnull(strstr(out, "redis = {\n  host = \"127.0.0.1\";"));
	free(out);
}
END_TEST

START_TEST(test_dump_loads_again)
{
	char err[512] = "";
	char *out;
	struct cgw_conf *first = malloc(sizeof(*first));

	ck_assert_ptr_nonnull(first);
	tu_write(dir, "menus/main.cfg", "# present\n");
	ck_assert_msg(load("citizengw.cfg", issue_conf, err, sizeof(err)) == 0,
		      "%s", err);
	*first = *conf;
	out = dump();
	ck_assert_msg(load("dumped.cfg", out, err, sizeof(err)) == 0,
		      "the dump does not load: %s\n%s", err, out);
	ck_assert_str_eq(conf->smsc[0].system_id, first->smsc[0].system_id);
	ck_assert_int_eq(conf->smsc[0].enquire_link_interval,
			 first->smsc[0].enquire_link_interval);
	ck_assert_int_eq(conf->gateway.mo_dedup_window,
			 first->gateway.mo_dedup_window);
	ck_assert_str_eq(conf->menus.dir, first->menus.dir);
	ck_assert_int_eq(conf->ussd.dialect, first->ussd.dialect);
	ck_assert_str_eq(conf->smsc[0].password, "***");
	free(out);
	free(first);
}
END_TEST

START_TEST(test_sentinels)
{
	char err[512] = "", *out;

	tu_write(dir, "menus/main.cfg", "# present\n");
	ck_assert_msg(load("s.cfg", "redis = { sentinels = ( \"10.0.0.1:26379\", "
			   "\"[::1]:26380\" ); master_name = \"citizengw\"; "
			   "user = \"gw\"; password = \"pw\"; "
			   "sentinel_password = \"spw\"; wait_replicas = 1; "
			   "wait_timeout = \"300ms\"; };\n" SMSC_OK,
			   err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(conf->redis.sentinels.n, 2);
	ck_assert_str_eq(conf->redis.sentinels.a[0].host, "10.0.0.1");
	ck_assert_int_eq(conf->redis.sentinels.a[0].port, 26379);
	ck_assert_str_eq(conf->redis.sentinels.a[1].host, "::1");
	ck_assert_int_eq(conf->redis.sentinels.a[1].port, 26380);
	ck_assert_str_eq(conf->redis.master_name, "citizengw");
	ck_assert_str_eq(conf->redis.user, "gw");
	ck_assert_int_eq(conf->redis.wait_replicas, 1);
	ck_assert_int_eq(conf->redis.wait_timeout, 300);
	/* the dump names the sentinels, hides the password, loads again */
	out = dump();
	ck_assert_ptr_nonnull(strstr(out, "sentinels = ( \"10.0.0.1:26379\", "
					  "\"[::1]:26380\" );"));
	ck_assert_ptr_nonnull(strstr(out, "sentinel_password = \"***\";"));
	ck_assert_ptr_null(strstr(out, "port = 6379;"));
	ck_assert_msg(load("dumped.cfg", out, err, sizeof(err)) == 0,
		      "the dump does not load: %s\n%s", err, out);
	ck_assert_int_eq(conf->redis.sentinels.n, 2);
	free(out);
}
END_TEST

START_TEST(test_sentinels_refused)
{
	refused_at("redis = { sentinels = ( \"10.0.0.1:26379\" ); "
		   "master_name = \"m\"; host = \"10.0.0.9\"; };\n" SMSC_OK, 1,
		   "redis.host: with redis.sentinels: name one Redis "
		   "(host/port or socket) or the sentinels and master_name, "
		   "not both");
	refused_at("redis = { sentinels = ( \"10.0.0.1:26379\" ); };\n"
		   SMSC_OK, 1, "redis.sentinels: needs redis.master_name (the "
		   "name the sentinels monitor the master by)");
	refused_at("redis = { master_name = \"m\"; };\n" SMSC_OK, 1,
		   "redis.master_name: names a Sentinel master but "
		   "redis.sentinels is not set");
	refused_at("redis = { sentinels = ( \"10.0.0.1\" ); "
		   "master_name = \"m\"; };\n" SMSC_OK, 1,
		   "redis.sentinels.[0]: '10.0.0.1' is not \"host:port\"");
	refused_at("redis = { sentinels = ( \"h:70000\" ); "
		   "master_name = \"m\"; };\n" SMSC_OK, 1,
		   "redis.sentinels.[0]: 'h:70000': the port is not 1..65535");
	refused_at("redis = { sentinels = ( \"::1:26379\" ); "
		   "master_name = \"m\"; };\n" SMSC_OK, 1,
		   "redis.sentinels.[0]: '::1:26379': write an IPv6 address "
		   "in brackets, \"[::1]:26379\"");
	refused_at("redis = { sentinels = \"h:1\"; master_name = \"m\"; };\n"
		   SMSC_OK, 1, "redis.sentinels: expects a list ( "
		   "\"host:port\", ... )");
}
END_TEST

START_TEST(test_reference_lists_every_setting)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	conf_print_reference(f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "| `redis.port` | integer | `6379` | "
					  "1..65535 |"));
	ck_assert_ptr_nonnull(strstr(buf, "| `smsc.[].window` | integer | "
					  "`10` |"));
	ck_assert_ptr_nonnull(strstr(buf, "| `smsc.[].system_id` | string | "
					  "(required) |"));
	ck_assert_ptr_nonnull(strstr(buf, "`gateway.mo_dedup_window` | "
					  "duration | `\"120s\"`"));
	free(buf);
}
END_TEST

Suite *suite_conf(void)
{
	Suite *s = suite_create("conf");
	TCase *tc;

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_issue_config_loads);
	tcase_add_test(tc, test_issue_config_defaults);
	tcase_add_test(tc, test_defaults_without_file);
	tcase_add_test(tc, test_settings_override_defaults);
	tcase_add_test(tc, test_menus_dir_resolution);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusals");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_unknown_setting);
	tcase_add_test(tc, test_unknown_smsc_setting);
	tcase_add_test(tc, test_unknown_top_level);
	tcase_add_test(tc, test_port_out_of_range);
	tcase_add_test(tc, test_integer_beyond_32_bits);
	tcase_add_test(tc, test_string_where_number_expected);
	tcase_add_test(tc, test_bad_choice);
	tcase_add_test(tc, test_duplicate_smsc_id);
	tcase_add_test(tc, test_missing_system_id);
	tcase_add_test(tc, test_string_too_long);
	tcase_add_test(tc, test_no_smsc);
	tcase_add_test(tc, test_cross_setting_checks);
	tcase_add_test(tc, test_smsc_list_shape);
	tcase_add_test(tc, test_redis_prefix_refused);
	tcase_add_test(tc, test_syntax_error);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_error_in_included_file);
	tcase_add_test(tc, test_all_mistakes_reported);
	tcase_add_test(tc, test_mistakes_capped);
	tcase_add_test(tc, test_mistakes_small_buffer);
	tcase_add_test(tc, test_relative_paths);
	tcase_add_test(tc, test_log_settings);
	suite_add_tcase(s, tc);

	tc = tcase_create("durations");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_parse_duration);
	tcase_add_test(tc, test_durations_in_file);
	tcase_add_test(tc, test_bad_durations_in_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("dump");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dump_hides_secrets);
	tcase_add_test(tc, test_dump_loads_again);
	tcase_add_test(tc, test_sentinels);
	tcase_add_test(tc, test_sentinels_refused);
	tcase_add_test(tc, test_reference_lists_every_setting);
	suite_add_tcase(s, tc);
	return s;
}
