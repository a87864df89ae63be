/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `citizengw-sim phone`: a feature phone on the terminal. The simulator
 * is the SMS centre the daemon binds to; each line typed (or piped) is
 * what the citizen keys in, sent as a USSD or SMS MO, and every screen
 * the daemon sends back is printed as the phone shows it. The next line
 * goes only once the answer to the previous one arrived (or did not
 * within --reply-timeout), so a piped conversation plays like a person
 * reading each screen.
 *
 * USSD mode: "*8088#" dials (a new session), other lines answer the
 * screen, an empty line or "end" hangs up. SMS mode: every line is an SMS
 * to the short code. ":ussd" / ":sms" switch modes, ":quit" leaves.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "services/phone.h"
#include "text/text.h"
#include "common/util.h"
#include "sim/sim.h"

#define LINE_MAX_LEN 512
#define MAX_LINES 256

/* How each USSD dialect marks a dial, an answer, a hang-up and our
 * final screen (the gateway's ussd.dialect must match). */
static const struct phone_dialect {
	const char *name;
	int begin, answer, abort, close;
	bool its_end_bit;	/* its_session_info: session << 1 | end */
	bool umr;		/* session in user_message_reference */
} dialects[] = {
	{ "standard", 1, 18, 17, 17, false, false },
	{ "vendor_ops", 1, 0x12, 0x81, 0x17, false, false },
	{ "its_end_bit", 1, 18, 18, 17, true, false },
	{ "umr_session", 1, 18, 17, 17, false, true },
};

struct sim_phone {
	char msisdn[24];	/* as the SMS centre sends it */
	uint8_t ton, npi;
	char short_code[24];
	bool ussd;
	const struct phone_dialect *d;
	int reply_timeout_ms, settle_ms, timeout_s;
	bool tty;
	/* stdin */
	char buf[LINE_MAX_LEN * 4];
	size_t buflen;
	char *lines[MAX_LINES];
	int nlines;
	bool eof;
	/* conversation */
	bool announced, bound_seen, prompt_due;
	bool session;		/* a USSD session is open */
	uint16_t session_id;
	bool waiting, expect_reply;
	int64_t sent_at, last_reply_at;
	int replies_since;
	int printed;		/* submits looked at */
	int64_t started;
};

static void usage(FILE *out)
{
	fprintf(out,
"usage: citizengw-sim phone [options]\n"
"\n"
"A feature phone on the terminal: the simulator is the SMS centre the\n"
"daemon binds to; type what the citizen keys in and see the screens.\n"
"\n"
"  --msisdn N             the phone's number (0912345678)\n"
"  --ussd | --sms         start in USSD (default) or SMS mode\n"
"  --short-code N         the service's short code (8088)\n"
"  --dialect D            USSD dialect: standard (default), vendor_ops,\n"
"                         its_end_bit, umr_session (as ussd.dialect)\n"
"  --reply-timeout S      wait this long for each answer (10)\n"
"  --timeout S            with piped input: give up after S (120)\n"
"  -l, --listen ADDR:PORT SMS centre address (127.0.0.1:2775)\n"
"      --port-file FILE   write the port listened on\n"
"  -u, --system-id ID, -p, --password PW   what binds must carry\n"
"  -L, --pdu-log FILE     log every PDU\n"
"\n"
"In USSD mode *8088# dials, a line answers the screen, an empty line or\n"
"\"end\" hangs up. In SMS mode every line is an SMS (MENU, TRACUU ...).\n"
":ussd and :sms switch modes, :quit (or end of input) leaves.\n");
}

static const struct option phone_options[] = {
	{ "msisdn", required_argument, NULL, 'm' },
	{ "ussd", no_argument, NULL, 'U' },
	{ "sms", no_argument, NULL, 'S' },
	{ "short-code", required_argument, NULL, 'c' },
	{ "dialect", required_argument, NULL, 'd' },
	{ "reply-timeout", required_argument, NULL, 'r' },
	{ "timeout", required_argument, NULL, 't' },
	{ "listen", required_argument, NULL, 'l' },
	{ "port-file", required_argument, NULL, 'P' },
	{ "system-id", required_argument, NULL, 'u' },
	{ "password", required_argument, NULL, 'p' },
	{ "pdu-log", required_argument, NULL, 'L' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct phone_dialect *dialect_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(dialects); i++)
		if (strcmp(dialects[i].name, name) == 0)
			return &dialects[i];
	return NULL;
}

/* Applies one option getopt_long returned (--msisdn aside: *msisdn);
 * the SMS centre's go into o. Returns 0, or -EINVAL after saying what
 * is wrong. --help exits. */
static int phone_option(struct sim_phone *p, struct sim_opts *o, int c,
			char *v, const char **msisdn)
{
	switch (c) {
	case 'm': *msisdn = v; break;
	case 'U': p->ussd = true; break;
	case 'S': p->ussd = false; break;
	case 'c': util_strlcpy(p->short_code, v, sizeof(p->short_code)); break;
	case 'd':
		if (!(p->d = dialect_find(v))) {
			fprintf(stderr, "citizengw-sim phone: unknown dialect "
					"'%s'\n", v);
			return -EINVAL;
		}
		break;
	case 'r': p->reply_timeout_ms = atoi(v) * 1000; break;
	case 't': p->timeout_s = atoi(v); break;
	case 'l': o->listen = v; break;
	case 'P': o->port_file = v; break;
	case 'u': o->system_id = v; break;
	case 'p': o->password = v; break;
	case 'L': o->pdu_log = v; break;
	case 'h':
		usage(stdout);
		exit(0);
	default:
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

/* A Vietnamese mobile arrives in international form, as SMS centres
 * send it; anything else (a test short code) as it is. */
static void phone_number(struct sim_phone *p, const char *msisdn)
{
	char norm[PHONE_MAX];

	if (phone_normalize(msisdn, norm, sizeof(norm)) == 0) {
		util_strlcpy(p->msisdn, norm, sizeof(p->msisdn));
		p->ton = 1;
		p->npi = 1;
	} else {
		util_strlcpy(p->msisdn, msisdn, sizeof(p->msisdn));
		p->ton = 0;
		p->npi = 1;
	}
}

struct sim_phone *sim_phone_new(struct sim_opts *o, int argc, char **argv)
{
	struct sim_phone *p = calloc(1, sizeof(*p));
	const char *msisdn = "0912345678";
	int c;

	if (!p)
		return NULL;
	util_strlcpy(p->short_code, "8088", sizeof(p->short_code));
	p->ussd = true;
	p->d = &dialects[0];
	p->reply_timeout_ms = 10000;
	p->settle_ms = 300;
	p->timeout_s = 120;
	optind = 1;
	while ((c = getopt_long(argc, argv, "l:u:p:L:h", phone_options,
				NULL)) != -1)
		if (phone_option(p, o, c, optarg, &msisdn) < 0)
			goto fail;
	if (optind != argc) {
		usage(stderr);
		goto fail;
	}
	phone_number(p, msisdn);
	p->tty = isatty(0);
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	p->started = sim_mono_ms();
	return p;
fail:
	free(p);
	return NULL;
}

void sim_phone_free(struct sim_phone *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->nlines; i++)
		free(p->lines[i]);
	free(p);
}

/* Reads what stdin has and cuts it into lines. */
static void read_input(struct sim_phone *p)
{
	while (!p->eof && p->buflen < sizeof(p->buf) - 1) {
		ssize_t n = read(0, p->buf + p->buflen,
				 sizeof(p->buf) - 1 - p->buflen);
		char *nl;

		if (n == 0)
			p->eof = true;
		if (n <= 0)
			break;
		p->buflen += (size_t)n;
		p->buf[p->buflen] = '\0';
		while ((nl = memchr(p->buf, '\n', p->buflen)) &&
		       p->nlines < MAX_LINES) {
			*nl = '\0';
			if (nl > p->buf && nl[-1] == '\r')
				nl[-1] = '\0';
			p->lines[p->nlines++] = strdup(p->buf);
			p->buflen -= (size_t)(nl + 1 - p->buf);
			memmove(p->buf, nl + 1, p->buflen);
		}
	}
	if (p->eof && p->buflen && p->nlines < MAX_LINES) {
		p->buf[p->buflen] = '\0';
		p->lines[p->nlines++] = strdup(p->buf);
		p->buflen = 0;
	}
}

static char *next_line(struct sim_phone *p)
{
	char *l;

	if (!p->nlines)
		return NULL;
	l = p->lines[0];
	memmove(p->lines, p->lines + 1,
		(size_t)--p->nlines * sizeof(p->lines[0]));
	return l;
}

/* Sends what the citizen keyed in: a USSD op (-1 = an SMS). */
static int send_mo(struct sim_phone *p, struct sim *s, const char *text,
		   int op)
{
	struct sim_mo *mo = sim_mo_new(s);
	uint8_t b[2];

	if (!mo)
		return -ENOMEM;
	util_strlcpy(mo->from, p->msisdn, sizeof(mo->from));
	util_strlcpy(mo->to, p->short_code, sizeof(mo->to));
	mo->from_ton = p->ton;
	mo->from_npi = p->npi;
	mo->to_ton = 3;
	mo->to_npi = 0;
	mo->ussd_op = op;
	mo->ussd = op >= 0;
	util_strlcpy(mo->text, text, sizeof(mo->text));
	/* a phone writes GSM-7 when it can, UCS-2 for Vietnamese letters */
	if (sim_mo_encode_text(mo, text, gsm7_septets(text) >= 0 ? 0 : 8) < 0)
		return -ERANGE;
	if (op >= 0) {
		uint16_t its = (uint16_t)(p->session_id << 8);

		util_strlcpy(mo->service_type, "USSD", sizeof(mo->service_type));
		b[0] = (uint8_t)op;
		sim_mo_add_tlv(mo, SMPP_TLV_USSD_SERVICE_OP, b, 1);
		if (p->d->umr) {
			b[0] = (uint8_t)(p->session_id >> 8);
			b[1] = (uint8_t)p->session_id;
			sim_mo_add_tlv(mo, SMPP_TLV_USER_MESSAGE_REFERENCE, b,
				       2);
		} else {
			if (p->d->its_end_bit)
				its = (uint16_t)(p->session_id << 1 |
						 (op == p->d->abort &&
						  !p->session ? 1 : 0));
			b[0] = (uint8_t)(its >> 8);
			b[1] = (uint8_t)its;
			sim_mo_add_tlv(mo, SMPP_TLV_ITS_SESSION_INFO, b, 2);
		}
	}
	return sim_send_mo(s, mo);
}

static bool is_final(const struct sim_phone *p, const struct sim_submit *u)
{
	if (p->d->its_end_bit && u->its >= 0)
		return (u->its & 1) != 0;
	return u->ussd_op == p->d->close;
}

/* Prints the screens the daemon sent this phone since the last look. */
static void show_replies(struct sim_phone *p, struct sim *s)
{
	for (; p->printed < sim_submit_count(s); p->printed++) {
		struct sim_submit *u = sim_submit_at(s, p->printed);
		char title[64];
		bool ussd = u->ussd_op >= 0;

		if (strcmp(u->to, p->msisdn) != 0)
			continue;
		u->consumed = true;
		if (ussd && is_final(p, u))
			p->session = false;
		if (ussd)
			snprintf(title, sizeof(title), "%s",
				 is_final(p, u) ? "USSD, session ends"
						: "USSD, reply 1..9");
		else
			snprintf(title, sizeof(title), "SMS from %s", u->from);
		sim_screen_box(title, u->text);
		p->replies_since++;
		p->last_reply_at = sim_mono_ms();
		p->prompt_due = true;
	}
	fflush(stdout);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* With piped input, what the citizen does goes to the terminal. */
static void echo_line(const struct sim_phone *p, const char *text, size_t n)
{
	if (p->tty)
		return;
	if (p->ussd && (!n || strcmp(text, "end") == 0))
		printf("%s hangs up\n", p->msisdn);
	else
		printf("%s %s %s\n", p->msisdn,
		       !p->ussd ? "sends an SMS:"
		       : text[0] == '*' ? "dials" : "answers:", text);
}

/*
 * The USSD op a line (n characters) sends: a dial opens a session, an
 * empty line or "end" hangs up (text is emptied), anything else answers.
 * Returns -1 after saying why nothing is sent (no session).
 */
static int ussd_op_of(struct sim_phone *p, char *text, size_t n)
{
	if (text[0] == '*' && text[n - 1] == '#') {
		p->session_id++;
		p->session = true;
		return p->d->begin;
	}
	if (!n || strcmp(text, "end") == 0) {
		if (!p->session) {
			say("(no USSD session to end)");
			return -1;
		}
		p->session = false;
		text[0] = '\0';
		p->expect_reply = false;
		if (p->tty)
			say("(hung up)");
		return p->d->abort;
	}
	if (!p->session) {
		say("(no USSD session: dial the service code, e.g. *%s#, "
		    "first)", p->short_code);
		return -1;
	}
	return p->d->answer;
}

/* Handles one typed line; returns 1 when the phone should stop. */
static int key_in(struct sim_phone *p, struct sim *s, const char *line)
{
	char text[LINE_MAX_LEN];
	size_t n;
	int rc, op = -1;

	util_strlcpy(text, line, sizeof(text));
	n = strlen(text);
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		text[--n] = '\0';
	if (strcmp(text, ":quit") == 0)
		return 1;
	if (strcmp(text, ":ussd") == 0 || strcmp(text, ":sms") == 0) {
		p->ussd = text[1] == 'u';
		say("(%s mode)", p->ussd ? "USSD" : "SMS");
		return 0;
	}
	echo_line(p, text, n);
	p->expect_reply = true;
	if (p->ussd) {
		if ((op = ussd_op_of(p, text, n)) < 0)
			return 0;
	} else if (!n) {
		return 0;
	}
	rc = send_mo(p, s, text, op);
	if (rc < 0) {
		say("(could not send: %s)", strerror(-rc));
		return 0;
	}
	p->waiting = true;
	p->sent_at = sim_mono_ms();
	p->replies_since = 0;
	return 0;
}

/* The first lines the phone prints: at start, and once the daemon is
 * bound. */
static void announce(struct sim_phone *p, bool bound)
{
	if (!p->announced) {
		p->announced = true;
		printf("Phone %s, %s mode. Waiting for citizengw to bind...\n",
		       p->msisdn, p->ussd ? "USSD" : "SMS");
		fflush(stdout);
	}
	if (bound && !p->bound_seen) {
		p->bound_seen = true;
		p->prompt_due = true;
		printf("citizengw is bound. %s\n",
		       p->ussd ? "Dial *8088# (an empty line or \"end\" "
				 "hangs up; :sms switches to SMS)."
			       : "Type an SMS (MENU, TRACUU <code>; :ussd "
				 "switches to USSD).");
		fflush(stdout);
	}
}

/* True while the answer to the last line may still come: the next line
 * waits until the screens settled, or --reply-timeout passed. */
static bool awaiting_answer(struct sim_phone *p, int64_t now)
{
	if (!p->waiting)
		return false;
	if (p->replies_since > 0 || !p->expect_reply) {
		int64_t last = p->replies_since ? p->last_reply_at
						: p->sent_at;

		if (now - last < p->settle_ms)
			return true;
	} else if (now - p->sent_at < p->reply_timeout_ms) {
		return true;
	} else {
		say("(no answer within %d s)", p->reply_timeout_ms / 1000);
	}
	p->waiting = false;
	return false;
}

int sim_phone_tick(struct sim_phone *p, struct sim *s)
{
	int64_t now = sim_mono_ms();

	read_input(p);
	show_replies(p, s);
	announce(p, false);
	if (!p->tty && now - p->started > (int64_t)p->timeout_s * 1000) {
		fprintf(stderr, "citizengw-sim phone: gave up after %ds\n",
			p->timeout_s);
		return -1;
	}
	if (!sim_bound(s))
		return 0;
	announce(p, true);
	if (awaiting_answer(p, now))
		return 0;
	if (p->tty && p->prompt_due && !p->nlines) {
		printf("> ");
		fflush(stdout);
		p->prompt_due = false;
	}
	if (p->nlines) {
		char *line = next_line(p);
		int rc = key_in(p, s, line);

		free(line);
		p->prompt_due = true;
		if (rc)
			return 1;
	}
	if (p->eof && !p->nlines && !p->waiting)
		return 1;
	return 0;
}
