/*
 * citizengw-sim scripts: a line per step, `command key=value ...`, run in
 * order; blocking steps (wait-bind, expect-*) poll until satisfied or
 * until their timeout. See docs/simulator.md.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text/text.h"
#include "common/util.h"
#include "sim/sim.h"

enum op {
	OP_WAIT_BIND,
	OP_MO,
	OP_USSD,
	OP_EXPECT_RESP,
	OP_EXPECT_ACKED,
	OP_EXPECT_SUBMIT,
	OP_EXPECT_QUIET,
	OP_SLEEP,
	OP_PRINT,
	OP_DROP,
	OP_WAIT_FILE,
	OP_REDELIVER,
	OP_SET,
	OP_UNBIND,
	OP_SEND_RAW,
	OP_EXPECT_MESSAGE,
};

static const struct {
	const char *name;
	enum op op;
} ops[] = {
	{ "wait-bind", OP_WAIT_BIND },	   { "mo", OP_MO },
	{ "ussd", OP_USSD },		   { "expect-resp", OP_EXPECT_RESP },
	{ "expect-acked", OP_EXPECT_ACKED },
	{ "expect-submit", OP_EXPECT_SUBMIT },
	{ "expect-quiet", OP_EXPECT_QUIET }, { "sleep", OP_SLEEP },
	{ "print", OP_PRINT },		   { "drop", OP_DROP },
	{ "wait-file", OP_WAIT_FILE },	   { "redeliver", OP_REDELIVER },
	{ "set", OP_SET },		   { "unbind", OP_UNBIND },
	{ "send-raw", OP_SEND_RAW },
	{ "expect-message", OP_EXPECT_MESSAGE },
};

#define MAX_ARGS 16

struct kv {
	char key[24];
	char *val;
};

struct step {
	enum op op;
	int line;
	char *bare;		/* a value without key (sleep 100, print "x") */
	struct kv args[MAX_ARGS];
	int nargs;
};

struct sim_script {
	char path[256];
	struct step *steps;
	int n, cap;
	int pc;
	bool started;		/* the current step has begun */
	int64_t began;		/* mono ms */
	struct sim_mo *mo;	/* MO of the current step */
	struct sim_mo *last_mo;	/* MO of the last mo/ussd step done */
};

static const char *arg(const struct step *st, const char *key)
{
	for (int i = 0; i < st->nargs; i++)
		if (strcmp(st->args[i].key, key) == 0)
			return st->args[i].val;
	return NULL;
}

/* Reads a token: bare word or "quoted \"string\"\n". */
static int token(const char **pp, char *out, size_t outlen)
{
	const char *p = *pp;
	size_t n = 0;

	if (*p == '"') {
		p++;
		while (*p && *p != '"') {
			char c = *p++;

			if (c == '\\' && *p) {
				c = *p++;
				if (c == 'n')
					c = '\n';
				else if (c == 't')
					c = '\t';
			}
			if (n + 1 >= outlen)
				return -ENOSPC;
			out[n++] = c;
		}
		if (*p != '"')
			return -EINVAL;
		p++;
	} else {
		while (*p && !isspace((unsigned char)*p)) {
			if (n + 1 >= outlen)
				return -ENOSPC;
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	*pp = p;
	return 0;
}

static int parse_line(const char *line, struct step *st, char *err,
		      size_t errlen)
{
	const char *p = line;
	char word[32], val[SIM_TEXT_MAX];
	bool found = false;

	while (isspace((unsigned char)*p))
		p++;
	if (token(&p, word, sizeof(word)) < 0)
		return util_err(err, errlen, -EINVAL, "bad command");
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (strcmp(ops[i].name, word) == 0) {
			st->op = ops[i].op;
			found = true;
		}
	if (!found)
		return util_err(err, errlen, -EINVAL, "unknown command '%s'",
			       word);
	for (;;) {
		const char *eq;
		char key[24];

		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			break;
		eq = p;
		while (*eq && *eq != '=' && !isspace((unsigned char)*eq) &&
		       *eq != '"')
			eq++;
		if (*eq == '=') {
			size_t kl = (size_t)(eq - p);

			if (kl >= sizeof(key) || st->nargs >= MAX_ARGS)
				return util_err(err, errlen, -EINVAL,
					       "too many or too long arguments");
			memcpy(key, p, kl);
			key[kl] = '\0';
			p = eq + 1;
			if (token(&p, val, sizeof(val)) < 0)
				return util_err(err, errlen, -EINVAL,
					       "bad value for %s", key);
			util_strlcpy(st->args[st->nargs].key, key,
				    sizeof(st->args[0].key));
			st->args[st->nargs++].val = strdup(val);
		} else {
			if (token(&p, val, sizeof(val)) < 0 || st->bare)
				return util_err(err, errlen, -EINVAL,
					       "unexpected '%s'", p);
			st->bare = strdup(val);
		}
	}
	return 0;
}

struct sim_script *sim_script_load(const char *path, char *err,
				   size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	struct sim_script *sc;
	char line[4096];
	int lineno = 0;

	if (!f) {
		util_err(err, errlen, -errno, "%s: %s", path, strerror(errno));
		return NULL;
	}
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		goto fail;
	util_strlcpy(sc->path, path, sizeof(sc->path));
	while (fgets(line, sizeof(line), f)) {
		const char *p = line;
		char why[200];

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		if (sc->n == sc->cap) {
			int cap = sc->cap ? sc->cap * 2 : 32;
			struct step *ns = realloc(sc->steps,
						  (size_t)cap * sizeof(*ns));

			if (!ns)
				goto fail;
			sc->steps = ns;
			sc->cap = cap;
		}
		memset(&sc->steps[sc->n], 0, sizeof(sc->steps[0]));
		sc->steps[sc->n].line = lineno;
		if (parse_line(p, &sc->steps[sc->n], why, sizeof(why)) < 0) {
			sc->n++;
			util_err(err, errlen, -EINVAL, "%s:%d: %s", path,
				lineno, why);
			goto fail;
		}
		sc->n++;
	}
	if (f != stdin)
		fclose(f);
	return sc;
fail:
	if (f != stdin)
		fclose(f);
	sim_script_free(sc);
	return NULL;
}

void sim_script_free(struct sim_script *sc)
{
	if (!sc)
		return;
	for (int i = 0; i < sc->n; i++) {
		free(sc->steps[i].bare);
		for (int k = 0; k < sc->steps[i].nargs; k++)
			free(sc->steps[i].args[k].val);
	}
	free(sc->steps);
	free(sc);
}

/* --- steps ------------------------------------------------------------------ */

static long num(const char *s, long def)
{
	return s ? strtol(s, NULL, 0) : def;
}

static int fail(struct sim_script *sc, struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct sim_script *sc, struct sim *s, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "citizengw-sim: %s:%d: %s\n", sc->path,
		sc->steps[sc->pc].line, msg);
	sim_log(s, "FAIL %s:%d: %s", sc->path, sc->steps[sc->pc].line, msg);
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int sim_mo_add_tlv(struct sim_mo *mo, uint16_t tag, const uint8_t *v,
		   size_t len)
{
	if (mo->ntlv >= SIM_MAX_TLV || len > sizeof(mo->tlv[0].val))
		return -ENOSPC;
	mo->tlv[mo->ntlv].tag = tag;
	mo->tlv[mo->ntlv].len = (uint16_t)len;
	memcpy(mo->tlv[mo->ntlv].val, v, len);
	mo->ntlv++;
	return 0;
}

/* Encodes text into the MO in data coding dc (payload TLV when long). */
int sim_mo_encode_text(struct sim_mo *mo, const char *text, int dc)
{
	uint8_t buf[1024];
	size_t len = 0;
	int rc = 0;

	switch (dc) {
	case 0:
		rc = gsm7_encode(text, buf, sizeof(buf), &len);
		break;
	case 1:
		for (const char *p = text; *p && len < sizeof(buf); p++) {
			if ((unsigned char)*p >= 0x80)
				return -ERANGE;
			buf[len++] = (uint8_t)*p;
		}
		break;
	case 3: {
		size_t tl = strlen(text), pos = 0;

		while (pos < tl && len < sizeof(buf)) {
			uint32_t cp;

			if (utf8_decode(text, tl, &pos, &cp) < 0 || cp > 0xFF)
				return -ERANGE;
			buf[len++] = (uint8_t)cp;
		}
		break;
	}
	case 8:
		rc = ucs2_encode(text, buf, sizeof(buf), &len);
		break;
	default:
		return -EINVAL;
	}
	if (rc < 0)
		return rc;
	mo->dc = (uint8_t)dc;
	if (len <= SMPP_SM_MAX) {
		memcpy(mo->sm, buf, len);
		mo->sm_len = (uint8_t)len;
		return 0;
	}
	/* too long for short_message: carry it in message_payload */
	if (mo->ntlv >= SIM_MAX_TLV)
		return -ENOSPC;
	mo->tlv[mo->ntlv].tag = SMPP_TLV_MESSAGE_PAYLOAD;
	mo->tlv[mo->ntlv].len = (uint16_t)len;
	if (len > sizeof(mo->tlv[0].val))
		return -ENOSPC;
	memcpy(mo->tlv[mo->ntlv].val, buf, len);
	mo->ntlv++;
	return 0;
}

/* mo ... parts=N: the MO becomes N part MOs (see sim_concat.c). */
static int make_parts(struct sim_script *sc, struct sim *s,
		      const struct step *st, struct sim_mo *mo,
		      const char *text)
{
	struct sim_parts_spec sp = {
		.parts = (int)num(arg(st, "parts"), 0),
		.concat = SEG_CONCAT_UDH8,
		.order = arg(st, "order"),
		.dup = (int)num(arg(st, "dup"), 0),
		.ref = num(arg(st, "ref"), -1),
		.dc = (int)num(arg(st, "dc"), 0),
	};
	char err[200];

	if (arg(st, "concat") &&
	    seg_concat_parse(arg(st, "concat"), &sp.concat) < 0)
		return fail(sc, s, "concat=udh8, udh16 or sar");
	if (sim_concat_make_parts(s, sim_concat_of(s), mo, text, &sp, err,
				  sizeof(err)) < 0)
		return fail(sc, s, "%s", err);
	return 0;
}

static int build_mo(struct sim_script *sc, struct sim *s,
		    const struct step *st, struct sim_mo *mo)
{
	const char *from = arg(st, "from"), *to = arg(st, "to");
	const char *text = arg(st, "text");
	bool ussd = st->op == OP_USSD;
	const char *v;

	if (!from || !to || !text)
		return fail(sc, s, "%s needs from=, to= and text=",
			    ussd ? "ussd" : "mo");
	if ((v = arg(st, "name")))
		util_strlcpy(mo->name, v, sizeof(mo->name));
	util_strlcpy(mo->from, from, sizeof(mo->from));
	util_strlcpy(mo->to, to, sizeof(mo->to));
	mo->from_ton = (uint8_t)num(arg(st, "ton"), 1);
	mo->from_npi = (uint8_t)num(arg(st, "npi"), 1);
	mo->to_ton = (uint8_t)num(arg(st, "to_ton"), 3);
	mo->to_npi = (uint8_t)num(arg(st, "to_npi"), 0);
	mo->esm_class = (uint8_t)num(arg(st, "esm_class"), 0);
	if (arg(st, "seq"))
		mo->force_seq = num(arg(st, "seq"), 0);
	util_strlcpy(mo->service_type,
		    arg(st, "service_type") ? arg(st, "service_type")
					    : ussd ? "USSD" : "",
		    sizeof(mo->service_type));
	util_strlcpy(mo->text, text, sizeof(mo->text));
	if (!arg(st, "parts") &&
	    sim_mo_encode_text(mo, text, (int)num(arg(st, "dc"), 0)) < 0)
		return fail(sc, s, "text does not fit data coding %ld",
			    num(arg(st, "dc"), 0));
	v = arg(st, ussd ? "op" : "ussd_op");
	mo->ussd_op = -1;
	if (v || ussd) {
		uint8_t op = (uint8_t)num(v, 1);

		mo->ussd = true;
		mo->ussd_op = op;
		sim_mo_add_tlv(mo, SMPP_TLV_USSD_SERVICE_OP, &op, 1);
	}
	if ((v = arg(st, "its"))) {
		uint16_t its = (uint16_t)strtoul(v, NULL, 0);
		uint8_t b[2] = { (uint8_t)(its >> 8), (uint8_t)its };

		sim_mo_add_tlv(mo, SMPP_TLV_ITS_SESSION_INFO, b, 2);
	}
	if ((v = arg(st, "umr"))) {
		uint16_t u = (uint16_t)strtoul(v, NULL, 0);
		uint8_t b[2] = { (uint8_t)(u >> 8), (uint8_t)u };

		sim_mo_add_tlv(mo, SMPP_TLV_USER_MESSAGE_REFERENCE, b, 2);
	}
	for (int i = 0; i < st->nargs; i++) {
		/* tlv=0xTAG:HEXBYTES, repeatable */
		const char *t = st->args[i].val;
		const char *colon;
		uint8_t b[256];
		size_t n = 0;

		if (strcmp(st->args[i].key, "tlv") != 0)
			continue;
		colon = strchr(t, ':');
		if (!colon)
			return fail(sc, s, "tlv=0xTAG:HEX expected");
		for (const char *h = colon + 1; h[0] && h[1] && n < sizeof(b);
		     h += 2) {
			int hi = hexval(h[0]), lo = hexval(h[1]);

			if (hi < 0 || lo < 0)
				return fail(sc, s, "bad hex in tlv=");
			b[n++] = (uint8_t)(hi << 4 | lo);
		}
		sim_mo_add_tlv(mo, (uint16_t)strtoul(t, NULL, 0), b, n);
	}
	if (arg(st, "parts"))
		return make_parts(sc, s, st, mo, text);
	return 0;
}

static bool submit_matches(const struct step *st, const struct sim_submit *u)
{
	const char *v;

	if (!u->accepted)
		return false;	/* refused by a fault: the ESME must retry */
	if ((v = arg(st, "to")) && strcmp(v, u->to) != 0)
		return false;
	if ((v = arg(st, "from")) && strcmp(v, u->from) != 0)
		return false;
	if ((v = arg(st, "text")) && strcmp(v, u->text) != 0)
		return false;
	if ((v = arg(st, "contains")) && !strstr(u->text, v))
		return false;
	if ((v = arg(st, "ussd_op")) && num(v, -1) != u->ussd_op)
		return false;
	if ((v = arg(st, "its")) && num(v, -1) != u->its)
		return false;
	if ((v = arg(st, "dc")) && num(v, -1) != u->dc)
		return false;
	if ((v = arg(st, "service_type")) && strcmp(v, u->service_type) != 0)
		return false;
	return true;
}

static void list_unconsumed(struct sim *s)
{
	int n = sim_submit_count(s), shown = 0;

	for (int i = 0; i < n; i++) {
		struct sim_submit *u = sim_submit_at(s, i);

		if (u->consumed || !u->accepted)
			continue;
		fprintf(stderr, "  unmatched submit #%d to=%s ussd_op=%d "
				"its=%d text=\"%s\"\n",
			u->index, u->to, u->ussd_op, u->its, u->text);
		shown++;
	}
	if (!shown)
		fprintf(stderr, "  (no unmatched submits received)\n");
}

static struct sim_mo *step_mo(struct sim_script *sc, struct sim *s,
			      const struct step *st)
{
	if (!arg(st, "mo"))
		return sc->last_mo ? sc->last_mo : sim_mo_last(s);
	const char *name = arg(st, "mo");

	return name ? sim_mo_find(s, name) : NULL;
}

/* Runs the current step: 1 done, 0 not yet, -1 failed. */
static int step(struct sim_script *sc, struct sim *s, int64_t now)
{
	const struct step *st = &sc->steps[sc->pc];
	int64_t waited = now - sc->began;
	int64_t timeout = (int64_t)(num(arg(st, "timeout"), 10) * 1000);

	switch (st->op) {
	case OP_WAIT_BIND:
		if (sim_bound(s))
			return 1;
		if (waited > timeout)
			return fail(sc, s, "no ESME bound within %llds",
				    (long long)timeout / 1000);
		return 0;
	case OP_MO:
	case OP_USSD:
		if (!sc->mo) {
			sc->mo = sim_mo_new(s);
			if (!sc->mo || build_mo(sc, s, st, sc->mo) < 0)
				return -1;
		}
		if ((sc->mo->nparts ? sim_concat_send_parts(s, sc->mo)
				    : sim_send_mo(s, sc->mo)) == 0) {
			sc->last_mo = sc->mo;
			return 1;
		}
		if (waited > timeout)
			return fail(sc, s, "no receiver bound to send the MO");
		return 0;
	case OP_EXPECT_RESP: {
		struct sim_mo *mo = step_mo(sc, s, st);
		long want = num(arg(st, "status"), 0);

		if (!mo)
			return fail(sc, s, "no such MO");
		for (int i = 0; i < mo->nstatus; i++)
			if ((long)mo->statuses[i] == want)
				return 1;
		if (sim_concat_parts_status(mo, (uint32_t)want))
			return 1;
		if (waited > timeout)
			return fail(sc, s, "MO %s: no response with status "
				    "0x%08lx within %llds (%d responses)",
				    mo->name, want, (long long)timeout / 1000,
				    mo->nstatus);
		return 0;
	}
	case OP_EXPECT_ACKED: {
		struct sim_mo *mo = step_mo(sc, s, st);

		if (!mo)
			return fail(sc, s, "no such MO");
		if (mo->acked || sim_concat_parts_acked(mo))
			return 1;
		if (waited > timeout)
			return fail(sc, s, "MO %s not acknowledged with status "
				    "0 within %llds", mo->name,
				    (long long)timeout / 1000);
		return 0;
	}
	case OP_EXPECT_SUBMIT:
		for (int i = 0; i < sim_submit_count(s); i++) {
			struct sim_submit *u = sim_submit_at(s, i);

			if (!u->consumed && submit_matches(st, u)) {
				u->consumed = true;
				return 1;
			}
		}
		if (waited > timeout) {
			fail(sc, s, "expected submit not received within "
				    "%llds", (long long)timeout / 1000);
			list_unconsumed(s);
			return -1;
		}
		return 0;
	case OP_EXPECT_QUIET: {
		int64_t ms = num(arg(st, "ms"), st->bare ? num(st->bare, 1000)
							  : 1000);

		for (int i = 0; i < sim_submit_count(s); i++)
			if (!sim_submit_at(s, i)->consumed &&
			    sim_submit_at(s, i)->accepted) {
				fail(sc, s, "unexpected submit");
				list_unconsumed(s);
				return -1;
			}
		return waited >= ms ? 1 : 0;
	}
	case OP_SLEEP:
		return waited >= num(st->bare ? st->bare : arg(st, "ms"), 0)
			       ? 1 : 0;
	case OP_PRINT:
		printf("%s\n", st->bare ? st->bare : "");
		fflush(stdout);
		return 1;
	case OP_DROP:
		sim_drop_connections(s);
		return 1;
	case OP_REDELIVER: {
		/* the same MO again, as an SMS centre does when it missed our
		 * deliver_sm_resp */
		struct sim_mo *mo = step_mo(sc, s, st);

		if (!mo)
			return fail(sc, s, "no such MO");
		mo->acked = false;
		for (int i = 0; i < mo->nparts; i++)
			mo->parts[i]->acked = false;
		if ((mo->nparts ? sim_concat_send_parts(s, mo)
				: sim_send_mo(s, mo)) == 0)
			return 1;
		if (waited > timeout)
			return fail(sc, s, "no receiver bound to re-deliver");
		return 0;
	}
	case OP_SET:
		for (int i = 0; i < st->nargs; i++)
			if (sim_fault_set(sim_faults(s), st->args[i].key,
					  st->args[i].val) < 0)
				return fail(sc, s, "set: unknown fault or bad "
					    "value %s=%s", st->args[i].key,
					    st->args[i].val);
		return 1;
	case OP_UNBIND:
		sim_unbind_all(s);
		return 1;
	case OP_SEND_RAW: {
		const char *h = arg(st, "hex") ? arg(st, "hex") : st->bare;
		uint8_t b[512];
		size_t n = 0;

		for (; h && h[0] && h[1] && n < sizeof(b); h += 2) {
			if (h[0] == ' ') {
				h--;
				continue;
			}
			int hi = hexval(h[0]), lo = hexval(h[1]);

			if (hi < 0 || lo < 0)
				return fail(sc, s, "send-raw: bad hex");
			b[n++] = (uint8_t)(hi << 4 | lo);
		}
		if (sim_send_raw(s, b, n) < 0)
			return fail(sc, s, "send-raw: no connection");
		return 1;
	}
	case OP_EXPECT_MESSAGE: {
		struct sim_msg_match m = {
			arg(st, "to"), arg(st, "from"), arg(st, "text"),
			arg(st, "contains"), arg(st, "concat"),
			(int)num(arg(st, "parts"), -1),
		};

		if (sim_concat_take(s, &m))
			return 1;
		if (waited > timeout) {
			fail(sc, s, "expected message not received within "
				    "%llds", (long long)timeout / 1000);
			sim_concat_list(sim_concat_of(s));
			return -1;
		}
		return 0;
	}
	case OP_WAIT_FILE: {
		const char *path = arg(st, "path") ? arg(st, "path") : st->bare;

		if (!path)
			return fail(sc, s, "wait-file needs a path");
		if (access(path, F_OK) == 0)
			return 1;
		if (waited > timeout)
			return fail(sc, s, "%s did not appear within %llds",
				    path, (long long)timeout / 1000);
		return 0;
	}
	}
	return -1;
}

int sim_script_run(struct sim_script *sc, struct sim *s)
{
	/* bounded: at most every step once per call */
	for (int guard = 0; guard <= sc->n && sc->pc < sc->n; guard++) {
		int64_t now = sim_mono_ms();
		int rc;

		if (!sc->started) {
			sc->started = true;
			sc->began = now;
			sc->mo = NULL;
		}
		rc = step(sc, s, now);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return 0;
		sc->pc++;
		sc->started = false;
	}
	return sc->pc >= sc->n ? 1 : 0;
}
