/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Field-by-field comparison of decoded PDUs (see fuzz/pdu_cmp.h). The
 * list of fields is the struct's: a decoder leaves the fields a command
 * does not have at zero, so comparing all of them compares what the
 * command carries.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "fuzz/pdu_cmp.h"

#define U32F(f) { #f, offsetof(struct smpp_pdu, f), 4 }
#define U8F(f) { #f, offsetof(struct smpp_pdu, f), 1 }
#define STRF(f) { #f, offsetof(struct smpp_pdu, f), 0 }

static const struct {
	const char *name;
	size_t off;
	int size;		/* 4, 1, or 0: a C string */
} fields[] = {
	U32F(command_id), U32F(command_status), U32F(sequence_number),
	STRF(system_id), STRF(password), STRF(system_type),
	U8F(interface_version), U8F(addr_ton), U8F(addr_npi),
	STRF(address_range), STRF(service_type), U8F(source_addr_ton),
	U8F(source_addr_npi), STRF(source_addr), U8F(dest_addr_ton),
	U8F(dest_addr_npi), STRF(destination_addr), U8F(esm_class),
	U8F(protocol_id), U8F(priority_flag), STRF(schedule_delivery_time),
	STRF(validity_period), U8F(registered_delivery),
	U8F(replace_if_present_flag), U8F(data_coding),
	U8F(sm_default_msg_id), U8F(sm_length), STRF(message_id),
};

static bool same_tlv(const struct smpp_tlv *x, const struct smpp_tlv *y)
{
	return x->tag == y->tag && x->len == y->len &&
	       (!x->len || memcmp(x->val, y->val, x->len) == 0);
}

/* b has a TLV equal to a's i-th, counting repeats: the k-th TLV of a
 * with a tag matches the k-th of b with that tag. */
static bool tlv_in(const struct smpp_pdu *a, unsigned i,
		   const struct smpp_pdu *b)
{
	unsigned k = 0;

	for (unsigned j = 0; j < i; j++)
		k += a->tlv[j].tag == a->tlv[i].tag;
	for (unsigned j = 0; j < b->tlv_count; j++)
		if (b->tlv[j].tag == a->tlv[i].tag && k-- == 0)
			return same_tlv(&a->tlv[i], &b->tlv[j]);
	return false;
}

bool pdu_same(const struct smpp_pdu *a, const struct smpp_pdu *b, int flags,
	      char *why, size_t whylen)
{
	const char *pa = (const char *)a, *pb = (const char *)b;

	if ((flags & PDU_CMP_LENGTH) &&
	    a->command_length != b->command_length) {
		snprintf(why, whylen, "command_length: %u vs %u",
			 a->command_length, b->command_length);
		return false;
	}
	if (a->has_body != b->has_body) {
		snprintf(why, whylen, "has_body: %d vs %d", a->has_body,
			 b->has_body);
		return false;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *x = pa + fields[i].off, *y = pb + fields[i].off;
		bool eq;

		if (fields[i].size == 0)
			eq = strcmp(x, y) == 0;
		else
			eq = memcmp(x, y, (size_t)fields[i].size) == 0;
		if (eq)
			continue;
		if (fields[i].size == 0)
			snprintf(why, whylen, "%s: \"%s\" vs \"%s\"",
				 fields[i].name, x, y);
		else if (fields[i].size == 4)
			snprintf(why, whylen, "%s: 0x%08x vs 0x%08x",
				 fields[i].name, *(const uint32_t *)x,
				 *(const uint32_t *)y);
		else
			snprintf(why, whylen, "%s: %u vs %u", fields[i].name,
				 *(const uint8_t *)x, *(const uint8_t *)y);
		return false;
	}
	if (a->sm_length &&
	    memcmp(a->short_message, b->short_message, a->sm_length) != 0) {
		snprintf(why, whylen, "short_message: different bytes");
		return false;
	}
	if (a->tlv_count != b->tlv_count) {
		snprintf(why, whylen, "tlv_count: %u vs %u", a->tlv_count,
			 b->tlv_count);
		return false;
	}
	for (unsigned i = 0; i < a->tlv_count; i++) {
		bool eq = (flags & PDU_CMP_TLV_ORDER)
				  ? same_tlv(&a->tlv[i], &b->tlv[i])
				  : tlv_in(a, i, b);

		if (!eq) {
			snprintf(why, whylen, "TLV %u (tag 0x%04x, length %u) "
				 "differs", i, a->tlv[i].tag, a->tlv[i].len);
			return false;
		}
	}
	return true;
}
