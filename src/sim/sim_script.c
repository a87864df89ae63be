/* SPDX-License-Identifier: GPL-3.0-or-later */
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

#define MAX_ARGS 16

struct kv {
	char key[24];
	char *val;
};

struct step;
struct sim_script;

/* Where the current step stands. */
struct pace {
	int64_t waited;		/* ms since the step began */
	int64_t timeout;	/* ms: the step's timeout=S, 10 s by default */
};

/*
 * Runs a step once: 1 done, 0 not yet (the step runs again on the next
 * tick), -1 failed (the message is printed).
 */
typedef int step_fn(struct sim_script *sc, struct sim *s,
		    const struct step *st, const struct pace *pc);

struct command {
	const char *name;
	step_fn *run;
};

struct step {
	const struct command *cmd;
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

/* --- loading ------------------------------------------------------------- */

static const struct command *command_find(const char *name);

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

/* Reads one `key=value` or bare value at *pp into st. */
static int parse_arg(const char **pp, struct step *st, char *err,
		     size_t errlen)
{
	const char *p = *pp, *eq = p;
	char key[24], val[SIM_TEXT_MAX];
	size_t kl;

	while (*eq && *eq != '=' && !isspace((unsigned char)*eq) &&
	       *eq != '"')
		eq++;
	if (*eq != '=') {
		/* the message shows what follows a second bare value */
		if (token(pp, val, sizeof(val)) < 0 || st->bare)
			return util_err(err, errlen, -EINVAL,
				       "unexpected '%s'", *pp);
		st->bare = strdup(val);
		return 0;
	}
	kl = (size_t)(eq - p);
	if (kl >= sizeof(key) || st->nargs >= MAX_ARGS)
		return util_err(err, errlen, -EINVAL,
			       "too many or too long arguments");
	memcpy(key, p, kl);
	key[kl] = '\0';
	*pp = eq + 1;
	if (token(pp, val, sizeof(val)) < 0)
		return util_err(err, errlen, -EINVAL, "bad value for %s", key);
	util_strlcpy(st->args[st->nargs].key, key, sizeof(st->args[0].key));
	st->args[st->nargs++].val = strdup(val);
	return 0;
}

static int parse_line(const char *line, struct step *st, char *err,
		      size_t errlen)
{
	const char *p = line;
	char word[32];

	while (isspace((unsigned char)*p))
		p++;
	if (token(&p, word, sizeof(word)) < 0)
		return util_err(err, errlen, -EINVAL, "bad command");
	st->cmd = command_find(word);
	if (!st->cmd)
		return util_err(err, errlen, -EINVAL, "unknown command '%s'",
			       word);
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			return 0;
		if (parse_arg(&p, st, err, errlen) < 0)
			return -EINVAL;
	}
}

/* A new zeroed step at the end of the script, or NULL. */
static struct step *add_step(struct sim_script *sc, int lineno)
{
	if (sc->n == sc->cap) {
		int cap = sc->cap ? sc->cap * 2 : 32;
		struct step *ns = realloc(sc->steps,
					  (size_t)cap * sizeof(*ns));

		if (!ns)
			return NULL;
		sc->steps = ns;
		sc->cap = cap;
	}
	memset(&sc->steps[sc->n], 0, sizeof(sc->steps[0]));
	sc->steps[sc->n].line = lineno;
	return &sc->steps[sc->n++];
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
		struct step *st;
		char why[200];

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		if (!(st = add_step(sc, lineno)))
			goto fail;
		if (parse_line(p, st, why, sizeof(why)) < 0) {
			util_err(err, errlen, -EINVAL, "%s:%d: %s", path,
				lineno, why);
			goto fail;
		}
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

/* --- what the steps share ------------------------------------------------ */

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

static bool late(const struct pace *pc)
{
	return pc->waited > pc->timeout;
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

/*
 * Reads pairs of hex digits into b (at most cap octets); an odd digit at
 * the end is ignored, spaces before a pair are skipped when `spaces`.
 * Returns the count, or -EINVAL for a character that is no hex digit.
 */
static int hex_bytes(const char *h, bool spaces, uint8_t *b, size_t cap)
{
	size_t n = 0;

	while (h && h[0] && h[1] && n < cap) {
		int hi, lo;

		if (spaces && h[0] == ' ') {
			h++;
			continue;
		}
		hi = hexval(h[0]);
		lo = hexval(h[1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		b[n++] = (uint8_t)(hi << 4 | lo);
		h += 2;
	}
	return (int)n;
}

/* --- MOs ------------------------------------------------------------------ */

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

/* Encodes text in data coding dc (0, 1, 3, 8) into buf; sets *len.
 * Returns 0, -ERANGE (a character dc cannot carry), -EINVAL or -ENOSPC. */
static int encode_dc(const char *text, int dc, uint8_t *buf, size_t cap,
		     size_t *len)
{
	size_t tl = strlen(text), pos = 0;
	uint32_t cp;

	*len = 0;
	switch (dc) {
	case 0:
		return gsm7_encode(text, buf, cap, len);
	case 1:
		for (const char *p = text; *p && *len < cap; p++) {
			if ((unsigned char)*p >= 0x80)
				return -ERANGE;
			buf[(*len)++] = (uint8_t)*p;
		}
		return 0;
	case 3:
		while (pos < tl && *len < cap) {
			if (utf8_decode(text, tl, &pos, &cp) < 0 || cp > 0xFF)
				return -ERANGE;
			buf[(*len)++] = (uint8_t)cp;
		}
		return 0;
	case 8:
		return ucs2_encode(text, buf, cap, len);
	default:
		return -EINVAL;
	}
}

/* Encodes text into the MO in data coding dc (payload TLV when long). */
int sim_mo_encode_text(struct sim_mo *mo, const char *text, int dc)
{
	uint8_t buf[1024];
	size_t len;
	int rc = encode_dc(text, dc, buf, sizeof(buf), &len);

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

/* The addresses, flags and text of a mo or ussd step. */
static void mo_fields(const struct step *st, bool ussd, struct sim_mo *mo)
{
	const char *v;

	if ((v = arg(st, "name")))
		util_strlcpy(mo->name, v, sizeof(mo->name));
	util_strlcpy(mo->from, arg(st, "from"), sizeof(mo->from));
	util_strlcpy(mo->to, arg(st, "to"), sizeof(mo->to));
	mo->from_ton = (uint8_t)num(arg(st, "ton"), 1);
	mo->from_npi = (uint8_t)num(arg(st, "npi"), 1);
	mo->to_ton = (uint8_t)num(arg(st, "to_ton"), 3);
	mo->to_npi = (uint8_t)num(arg(st, "to_npi"), 0);
	mo->esm_class = (uint8_t)num(arg(st, "esm_class"), 0);
	if (arg(st, "seq"))
		mo->force_seq = num(arg(st, "seq"), 0);
	mo->want_conn = (int)num(arg(st, "conn"), 0);
	util_strlcpy(mo->service_type,
		    arg(st, "service_type") ? arg(st, "service_type")
					    : ussd ? "USSD" : "",
		    sizeof(mo->service_type));
	util_strlcpy(mo->text, arg(st, "text"), sizeof(mo->text));
}

static void add_tlv16(struct sim_mo *mo, uint16_t tag, const char *value)
{
	uint16_t v = (uint16_t)strtoul(value, NULL, 0);
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	sim_mo_add_tlv(mo, tag, b, 2);
}

/* ussd_service_op (op= in a ussd step), its_session_info, umr. */
static void mo_session_tlvs(const struct step *st, bool ussd,
			    struct sim_mo *mo)
{
	const char *v = arg(st, ussd ? "op" : "ussd_op");

	mo->ussd_op = -1;
	if (v || ussd) {
		uint8_t op = (uint8_t)num(v, 1);

		mo->ussd = true;
		mo->ussd_op = op;
		sim_mo_add_tlv(mo, SMPP_TLV_USSD_SERVICE_OP, &op, 1);
	}
	if ((v = arg(st, "its")))
		add_tlv16(mo, SMPP_TLV_ITS_SESSION_INFO, v);
	if ((v = arg(st, "umr")))
		add_tlv16(mo, SMPP_TLV_USER_MESSAGE_REFERENCE, v);
}

/* tlv=0xTAG:HEXBYTES, repeatable, in the order written. */
static int mo_raw_tlvs(struct sim_script *sc, struct sim *s,
		       const struct step *st, struct sim_mo *mo)
{
	for (int i = 0; i < st->nargs; i++) {
		const char *t = st->args[i].val;
		const char *colon;
		uint8_t b[256];
		int n;

		if (strcmp(st->args[i].key, "tlv") != 0)
			continue;
		colon = strchr(t, ':');
		if (!colon)
			return fail(sc, s, "tlv=0xTAG:HEX expected");
		n = hex_bytes(colon + 1, false, b, sizeof(b));
		if (n < 0)
			return fail(sc, s, "bad hex in tlv=");
		sim_mo_add_tlv(mo, (uint16_t)strtoul(t, NULL, 0), b,
			       (size_t)n);
	}
	return 0;
}

/* Fills mo from a mo or ussd step; the order of the TLVs is the order
 * they go on the wire. */
static int build_mo(struct sim_script *sc, struct sim *s,
		    const struct step *st, bool ussd, struct sim_mo *mo)
{
	const char *text = arg(st, "text");

	if (!arg(st, "from") || !arg(st, "to") || !text)
		return fail(sc, s, "%s needs from=, to= and text=",
			    ussd ? "ussd" : "mo");
	mo_fields(st, ussd, mo);
	if (!arg(st, "parts") &&
	    sim_mo_encode_text(mo, text, (int)num(arg(st, "dc"), 0)) < 0)
		return fail(sc, s, "text does not fit data coding %ld",
			    num(arg(st, "dc"), 0));
	mo_session_tlvs(st, ussd, mo);
	if (mo_raw_tlvs(sc, s, st, mo) < 0)
		return -1;
	if (arg(st, "parts"))
		return make_parts(sc, s, st, mo, text);
	return 0;
}

/* Sends an MO, or every part of a multipart one: 0 or -ENOTCONN. */
static int send_mo(struct sim *s, struct sim_mo *mo)
{
	return mo->nparts ? sim_concat_send_parts(s, mo) : sim_send_mo(s, mo);
}

/* The MO a step names with mo=, or else the last one sent. */
static struct sim_mo *named_mo(struct sim_script *sc, struct sim *s,
			       const struct step *st)
{
	const char *name = arg(st, "mo");

	if (!name)
		return sc->last_mo ? sc->last_mo : sim_mo_last(s);
	return sim_mo_find(s, name);
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

/* --- steps: one function per script command ------------------------------- */

static int step_wait_bind(struct sim_script *sc, struct sim *s,
			  const struct step *st, const struct pace *pc)
{
	if (sim_bound(s))
		return 1;
	if (late(pc))
		return fail(sc, s, "no ESME bound within %llds",
			    (long long)pc->timeout / 1000);
	return 0;
}

/* mo and ussd: the MO is built once, then sent as soon as an ESME can
 * receive it. */
static int send_new_mo(struct sim_script *sc, struct sim *s,
		       const struct step *st, const struct pace *pc,
		       bool ussd)
{
	if (!sc->mo) {
		sc->mo = sim_mo_new(s);
		if (!sc->mo || build_mo(sc, s, st, ussd, sc->mo) < 0)
			return -1;
	}
	if (send_mo(s, sc->mo) == 0) {
		sc->last_mo = sc->mo;
		return 1;
	}
	if (late(pc))
		return fail(sc, s, "no receiver bound to send the MO");
	return 0;
}

static int step_mo(struct sim_script *sc, struct sim *s,
		   const struct step *st, const struct pace *pc)
{
	return send_new_mo(sc, s, st, pc, false);
}

static int step_ussd(struct sim_script *sc, struct sim *s,
		     const struct step *st, const struct pace *pc)
{
	return send_new_mo(sc, s, st, pc, true);
}

static int step_expect_resp(struct sim_script *sc, struct sim *s,
			    const struct step *st, const struct pace *pc)
{
	struct sim_mo *mo = named_mo(sc, s, st);
	long want = num(arg(st, "status"), 0);

	if (!mo)
		return fail(sc, s, "no such MO");
	for (int i = 0; i < mo->nstatus; i++)
		if ((long)mo->statuses[i] == want)
			return 1;
	if (sim_concat_parts_status(mo, (uint32_t)want))
		return 1;
	if (late(pc))
		return fail(sc, s, "MO %s: no response with status "
			    "0x%08lx within %llds (%d responses)",
			    mo->name, want, (long long)pc->timeout / 1000,
			    mo->nstatus);
	return 0;
}

static int step_expect_acked(struct sim_script *sc, struct sim *s,
			     const struct step *st, const struct pace *pc)
{
	struct sim_mo *mo = named_mo(sc, s, st);

	if (!mo)
		return fail(sc, s, "no such MO");
	if (mo->acked || sim_concat_parts_acked(mo))
		return 1;
	if (late(pc))
		return fail(sc, s, "MO %s not acknowledged with status "
			    "0 within %llds", mo->name,
			    (long long)pc->timeout / 1000);
	return 0;
}

static int step_expect_submit(struct sim_script *sc, struct sim *s,
			      const struct step *st, const struct pace *pc)
{
	for (int i = 0; i < sim_submit_count(s); i++) {
		struct sim_submit *u = sim_submit_at(s, i);

		if (!u->consumed && submit_matches(st, u)) {
			u->consumed = true;
			return 1;
		}
	}
	if (late(pc)) {
		fail(sc, s, "expected submit not received within %llds",
		     (long long)pc->timeout / 1000);
		list_unconsumed(s);
		return -1;
	}
	return 0;
}

static int step_expect_quiet(struct sim_script *sc, struct sim *s,
			     const struct step *st, const struct pace *pc)
{
	int64_t ms = num(arg(st, "ms"), st->bare ? num(st->bare, 1000)
						  : 1000);

	for (int i = 0; i < sim_submit_count(s); i++)
		if (!sim_submit_at(s, i)->consumed &&
		    sim_submit_at(s, i)->accepted) {
			fail(sc, s, "unexpected submit");
			list_unconsumed(s);
			return -1;
		}
	return pc->waited >= ms ? 1 : 0;
}

static int step_expect_message(struct sim_script *sc, struct sim *s,
			       const struct step *st, const struct pace *pc)
{
	struct sim_msg_match m = {
		arg(st, "to"), arg(st, "from"), arg(st, "text"),
		arg(st, "contains"), arg(st, "concat"),
		(int)num(arg(st, "parts"), -1),
	};

	if (sim_concat_take(s, &m))
		return 1;
	if (late(pc)) {
		fail(sc, s, "expected message not received within %llds",
		     (long long)pc->timeout / 1000);
		sim_concat_list(sim_concat_of(s));
		return -1;
	}
	return 0;
}

static int step_sleep(struct sim_script *sc, struct sim *s,
		      const struct step *st, const struct pace *pc)
{
	return pc->waited >= num(st->bare ? st->bare : arg(st, "ms"), 0)
		       ? 1 : 0;
}

static int step_print(struct sim_script *sc, struct sim *s,
		      const struct step *st, const struct pace *pc)
{
	printf("%s\n", st->bare ? st->bare : "");
	fflush(stdout);
	return 1;
}

static int step_drop(struct sim_script *sc, struct sim *s,
		     const struct step *st, const struct pace *pc)
{
	sim_drop_connections(s);
	return 1;
}

/* The same MO again, as an SMS centre does when it missed our
 * deliver_sm_resp. */
static int step_redeliver(struct sim_script *sc, struct sim *s,
			  const struct step *st, const struct pace *pc)
{
	struct sim_mo *mo = named_mo(sc, s, st);

	if (!mo)
		return fail(sc, s, "no such MO");
	mo->acked = false;
	for (int i = 0; i < mo->nparts; i++)
		mo->parts[i]->acked = false;
	if (send_mo(s, mo) == 0)
		return 1;
	if (late(pc))
		return fail(sc, s, "no receiver bound to re-deliver");
	return 0;
}

static int step_set(struct sim_script *sc, struct sim *s,
		    const struct step *st, const struct pace *pc)
{
	for (int i = 0; i < st->nargs; i++)
		if (sim_fault_set(sim_faults(s), st->args[i].key,
				  st->args[i].val) < 0)
			return fail(sc, s, "set: unknown fault or bad value "
				    "%s=%s", st->args[i].key,
				    st->args[i].val);
	return 1;
}

static int step_unbind(struct sim_script *sc, struct sim *s,
		       const struct step *st, const struct pace *pc)
{
	sim_unbind_all(s);
	return 1;
}

/* Raw bytes on the first connection, for malformed PDU tests. */
static int step_send_raw(struct sim_script *sc, struct sim *s,
			 const struct step *st, const struct pace *pc)
{
	const char *h = arg(st, "hex") ? arg(st, "hex") : st->bare;
	uint8_t b[512];
	int n = hex_bytes(h, true, b, sizeof(b));

	if (n < 0)
		return fail(sc, s, "send-raw: bad hex");
	if (sim_send_raw(s, b, (size_t)n) < 0)
		return fail(sc, s, "send-raw: no connection");
	return 1;
}

static int step_wait_file(struct sim_script *sc, struct sim *s,
			  const struct step *st, const struct pace *pc)
{
	const char *path = arg(st, "path") ? arg(st, "path") : st->bare;

	if (!path)
		return fail(sc, s, "wait-file needs a path");
	if (access(path, F_OK) == 0)
		return 1;
	if (late(pc))
		return fail(sc, s, "%s did not appear within %llds", path,
			    (long long)pc->timeout / 1000);
	return 0;
}

static const struct command commands[] = {
	{ "wait-bind", step_wait_bind },
	{ "mo", step_mo },
	{ "ussd", step_ussd },
	{ "expect-resp", step_expect_resp },
	{ "expect-acked", step_expect_acked },
	{ "expect-submit", step_expect_submit },
	{ "expect-message", step_expect_message },
	{ "expect-quiet", step_expect_quiet },
	{ "sleep", step_sleep },
	{ "print", step_print },
	{ "drop", step_drop },
	{ "wait-file", step_wait_file },
	{ "redeliver", step_redeliver },
	{ "set", step_set },
	{ "unbind", step_unbind },
	{ "send-raw", step_send_raw },
};

static const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}


/* --- running -------------------------------------------------------------- */

/* Runs the current step: 1 done, 0 not yet, -1 failed. */
static int step(struct sim_script *sc, struct sim *s, int64_t now)
{
	const struct step *st = &sc->steps[sc->pc];
	struct pace pc = {
		.waited = now - sc->began,
		.timeout = (int64_t)(num(arg(st, "timeout"), 10) * 1000),
	};

	return st->cmd->run(sc, s, st, &pc);
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
