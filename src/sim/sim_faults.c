/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-sim faults and receipts: what real SMS centres do to an ESME,
 * on demand. Each fault is a name (the long option without "--", and the
 * key of the script step `set`), parsed in one table.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "sim/sim.h"

enum ftype { FT_INT, FT_BOOL, FT_STATUS, FT_RECEIPTS, FT_IDFMT, FT_STAT };

static const struct {
	const char *name;
	enum ftype type;
	size_t off;
	const char *help;
} faults[] = {
#define F(n, t, f, h) { n, t, offsetof(struct sim_faults, f), h }
	F("throttle-every", FT_INT, throttle_every,
	  "answer every K-th submit_sm with ESME_RTHROTTLED"),
	F("queue-full-every", FT_INT, queue_full_every,
	  "answer every K-th submit_sm with ESME_RMSGQFUL"),
	F("fail-every", FT_INT, fail_every,
	  "answer every K-th submit_sm with --fail-status"),
	F("fail-status", FT_STATUS, fail_status,
	  "status for --fail-every (e.g. 0x0B invalid destination)"),
	F("drop-after", FT_INT, drop_after,
	  "close each connection after N PDUs from the ESME"),
	F("silent-after", FT_INT, silent_after,
	  "stop answering anything after N PDUs (the socket stays open)"),
	F("resp-delay", FT_INT, resp_delay_ms, "delay submit_sm_resp by MS"),
	F("ignore-enquire", FT_BOOL, ignore_enquire,
	  "never answer enquire_link"),
	F("reject-binds", FT_INT, reject_binds,
	  "refuse the first N bind attempts (ESME_RBINDFAIL)"),
	F("empty-msgid", FT_BOOL, empty_msgid,
	  "accept submits with an empty message_id"),
	F("receipts", FT_RECEIPTS, receipts,
	  "send delivery receipts: none, tlv, text or both"),
	F("receipt-id-format", FT_IDFMT, receipt_id_format,
	  "id format in the receipt text: same, decimal, hex or string"),
	F("receipt-delay", FT_INT, receipt_delay_ms,
	  "send a receipt MS after the submit (100)"),
	F("receipt-stat", FT_STAT, receipt_stat,
	  "final state in receipts: DELIVRD, UNDELIV, EXPIRED, REJECTD"),
	F("enquire-every", FT_INT, enquire_ms,
	  "send enquire_link to the ESME every MS"),
#undef F
};

static int idfmt(const char *v)
{
	if (strcmp(v, "decimal") == 0)
		return 0;
	if (strcmp(v, "hex") == 0)
		return 1;
	if (strcmp(v, "string") == 0)
		return 2;
	if (strcmp(v, "same") == 0)
		return -1;
	return -2;
}

int sim_fault_set(struct sim_faults *f, const char *name, const char *value)
{
	for (size_t i = 0; i < ARRAY_SIZE(faults); i++) {
		void *dst = (char *)f + faults[i].off;
		char *end;
		long v;

		if (strcmp(faults[i].name, name) != 0)
			continue;
		switch (faults[i].type) {
		case FT_INT:
			v = strtol(value, &end, 0);
			if (*end || v < 0)
				return -EINVAL;
			*(int *)dst = (int)v;
			return 0;
		case FT_BOOL:
			*(bool *)dst = strcmp(value, "0") != 0 &&
				       strcmp(value, "false") != 0 &&
				       strcmp(value, "no") != 0;
			return 0;
		case FT_STATUS:
			*(uint32_t *)dst = (uint32_t)strtoul(value, &end, 0);
			return *end ? -EINVAL : 0;
		case FT_RECEIPTS:
			if (strcmp(value, "none") == 0)
				v = 0;
			else if (strcmp(value, "tlv") == 0)
				v = 1;
			else if (strcmp(value, "text") == 0)
				v = 2;
			else if (strcmp(value, "both") == 0)
				v = 3;
			else
				return -EINVAL;
			*(int *)dst = (int)v;
			return 0;
		case FT_IDFMT:
			v = idfmt(value);
			if (v < -1)
				return -EINVAL;
			*(int *)dst = (int)v;
			return 0;
		case FT_STAT:
			if (strlen(value) >= sizeof(f->receipt_stat))
				return -EINVAL;
			strcpy(f->receipt_stat, value);
			return 0;
		}
	}
	return -EINVAL;
}

void sim_fault_help(FILE *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(faults); i++)
		fprintf(out, "      --%-22s %s\n", faults[i].name,
			faults[i].help);
}

int sim_fault_count(void)
{
	return (int)ARRAY_SIZE(faults);
}

const char *sim_fault_name(int i)
{
	return faults[i].name;
}

uint32_t sim_fault_submit_status(struct sim *s)
{
	const struct sim_faults *f = &s->o.f;
	int n = ++s->submit_count;

	if (f->throttle_every && n % f->throttle_every == 0)
		return 0x58;	/* ESME_RTHROTTLED */
	if (f->queue_full_every && n % f->queue_full_every == 0)
		return 0x14;	/* ESME_RMSGQFUL */
	if (f->fail_every && n % f->fail_every == 0)
		return f->fail_status ? f->fail_status : 0x45;
	return s->o.submit_status;
}

/* The message id as this SMS centre writes it inside receipts. */
static void receipt_id(const struct sim *s, const char *msgid, char *out,
		       size_t outlen)
{
	int fmt = s->o.f.receipt_id_format;
	unsigned long v;

	if (fmt < 0 || fmt == s->o.msgid_format) {
		util_strlcpy(out, msgid, outlen);
		return;
	}
	v = strtoul(msgid, NULL, s->o.msgid_format == 1 ? 16 : 10);
	if (fmt == 1)
		snprintf(out, outlen, "%lX", v);
	else
		snprintf(out, outlen, "%lu", v);
}

static uint8_t message_state(const char *stat)
{
	static const struct {
		const char *stat;
		uint8_t state;
	} map[] = {
		{ "ENROUTE", 1 }, { "DELIVRD", 2 }, { "EXPIRED", 3 },
		{ "DELETED", 4 }, { "UNDELIV", 5 }, { "ACCEPTD", 6 },
		{ "UNKNOWN", 7 }, { "REJECTD", 8 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcmp(map[i].stat, stat) == 0)
			return map[i].state;
	return 7;
}

/* The receipt text SMS centres write (Appendix B of SMPP 3.4), dates as
 * YYMMDDhhmm. Returns its length, or -1. */
static int receipt_text(const char *id, const char *stat,
			const struct sim_submit *sub, char *text, size_t cap)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	bool ok = strcmp(stat, "DELIVRD") == 0;

	gmtime_r(&now, &tm);
	snprintf(date, sizeof(date), "%02d%02d%02d%02d%02d",
		 tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min);
	return snprintf(text, cap,
			"id:%s sub:001 dlvrd:%s submit date:%s done date:%s "
			"stat:%s err:%s text:%.20s",
			id, ok ? "001" : "000", date, date, stat,
			ok ? "000" : "001", sub->text);
}

/* SMPP 3.4: receipted_message_id is written as in the submit_sm_resp;
 * only the text form strays. */
static void receipt_tlvs(struct sim_mo *mo, const struct sim_submit *sub,
			 const char *stat)
{
	size_t l = strlen(sub->message_id) + 1;

	mo->tlv[0].tag = SMPP_TLV_RECEIPTED_MESSAGE_ID;
	mo->tlv[0].len = (uint16_t)l;
	memcpy(mo->tlv[0].val, sub->message_id, l);
	mo->tlv[1].tag = SMPP_TLV_MESSAGE_STATE;
	mo->tlv[1].len = 1;
	mo->tlv[1].val[0] = message_state(stat);
	mo->ntlv = 2;
}

void sim_receipt_schedule(struct sim *s, const struct sim_submit *sub)
{
	const struct sim_faults *f = &s->o.f;
	struct sim_mo *mo;
	char id[40], text[200];
	const char *stat = f->receipt_stat[0] ? f->receipt_stat : "DELIVRD";
	int n;

	if (!f->receipts || !sub->accepted || !sub->registered_delivery ||
	    !sub->message_id[0])
		return;
	mo = sim_mo_new(s);
	if (!mo)
		return;
	snprintf(mo->name, sizeof(mo->name), "dlr%d", ++s->receipt_count);
	mo->receipt = true;
	mo->ussd_op = -1;
	util_strlcpy(mo->from, sub->to, sizeof(mo->from));
	util_strlcpy(mo->to, sub->from, sizeof(mo->to));
	mo->from_ton = 1;
	mo->from_npi = 1;
	mo->esm_class = 0x04;	/* SMSC delivery receipt */
	receipt_id(s, sub->message_id, id, sizeof(id));
	n = receipt_text(id, stat, sub, text, sizeof(text));
	if (n < 0)
		return;
	if (f->receipts & 2) {
		mo->sm_len = (uint8_t)(n > SMPP_SM_MAX ? SMPP_SM_MAX : n);
		memcpy(mo->sm, text, mo->sm_len);
	}
	util_strlcpy(mo->text, text, sizeof(mo->text));
	if (f->receipts & 1)
		receipt_tlvs(mo, sub, stat);
	mo->resend_at = sim_mono_ms() +
			(f->receipt_delay_ms ? f->receipt_delay_ms : 100);
	sim_log(s, "RECEIPT %s for submit %d id=%s stat=%s", mo->name,
		sub->index, id, stat);
}
