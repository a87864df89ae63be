/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: the SMPP stream as the SMS centre sends it (smpp/smpp_pdu.h).
 *
 * Input: two bytes that choose how the stream is cut into reads, then the
 * stream. The stream goes to a framer in reads of 0..300 bytes; every PDU
 * it yields is decoded and traced (as the link does with what it
 * receives, smpp_link.c), and each PDU that decodes is encoded again and
 * decoded once more. Properties (abort when broken):
 *
 *  - the framer yields the same PDUs however the stream is cut (compared
 *    with the stream given in one read), and stops for good at a broken
 *    length;
 *  - a refusal names a status to answer, an acceptance none;
 *  - what decodes encodes (our encoder takes every PDU our decoder makes),
 *    and decoding that gives the same fields (a refused field, a lost TLV
 *    or a changed byte would break a round trip through the gateway);
 *  - the trace is a C string within its buffer.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "fuzz/pdu_cmp.h"
#include "smpp/smpp_pdu.h"

#define MAX_PDUS 64		/* per input: enough to mix every kind */

struct cut {
	size_t off, len;
};

/* One PDU: decode, trace, and the round trip. */
static void one_pdu(const uint8_t *buf, size_t len)
{
	static uint8_t enc[SMPP_PDU_MAX + 16];
	struct smpp_pdu pdu, again;
	uint32_t status = 0xdeadbeef, status2;
	char err[256], line[2048];
	size_t enclen = 0, n;
	int rc;

	rc = smpp_pdu_decode(buf, len, &pdu, &status, err, sizeof(err));
	n = smpp_pdu_format(&pdu, line, sizeof(line));
	if (n >= sizeof(line) || strlen(line) != n)
		fz_fail("format: length %zu for a %zu-byte buffer", n,
			sizeof(line));
	if (rc < 0) {
		if (rc != -EBADMSG || status == SMPP_ESME_ROK || !err[0])
			fz_fail("a refusal with rc %d, status 0x%x, reason "
				"\"%s\"", rc, status, err);
		return;
	}
	if (rc != 0 || status != SMPP_ESME_ROK)
		fz_fail("accepted with rc %d, status 0x%x", rc, status);
	if (smpp_pdu_encode(&pdu, enc, sizeof(enc), &enclen, err,
			    sizeof(err)) < 0)
		fz_fail("a decoded %s does not encode: %s",
			smpp_command_name(pdu.command_id), err);
	if (smpp_pdu_decode(enc, enclen, &again, &status2, err,
			    sizeof(err)) < 0)
		fz_fail("a re-encoded %s does not decode: %s",
			smpp_command_name(pdu.command_id), err);
	if (!pdu_same(&pdu, &again, PDU_CMP_TLV_ORDER, err, sizeof(err)))
		fz_fail("%s changed in a round trip: %s",
			smpp_command_name(pdu.command_id), err);
}

/* xorshift: the read sizes, from the two bytes that lead the input */
static uint32_t next_size(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	/* mostly small reads (a header split), sometimes empty ones */
	return (*s >> 8) % ((*s & 3) ? 24u : 301u);
}

/* Frames data in reads chosen by seed: the PDUs found go to cuts (offsets
 * into data). Returns how many, and sets *broken at a bad length. */
static size_t frame(const uint8_t *data, size_t size, uint16_t seed,
		    bool one_read, struct cut *cuts, bool *broken)
{
	struct smpp_framer fr;
	uint32_t s = 0x9e3779b9u ^ seed;
	size_t fed = 0, found = 0, taken = 0;

	*broken = false;
	smpp_framer_init(&fr);
	while (found < MAX_PDUS && !*broken) {
		size_t n = one_read ? size - fed : next_size(&s);
		const uint8_t *p;
		size_t len;
		int rc;

		if (n > size - fed)
			n = size - fed;
		if (smpp_framer_feed(&fr, data + fed, n) < 0)
			abort();
		fed += n;
		while (found < MAX_PDUS &&
		       (rc = smpp_framer_next(&fr, &p, &len)) != 0) {
			if (rc < 0) {
				*broken = true;
				break;
			}
			if (len < SMPP_HEADER_LEN || len > SMPP_PDU_MAX)
				fz_fail("framer gave %zu bytes", len);
			if (memcmp(p, data + taken, len) != 0)
				fz_fail("framer gave other bytes");
			cuts[found].off = taken;
			cuts[found].len = len;
			taken += len;
			found++;
		}
		if (fed == size)
			break;
	}
	smpp_framer_free(&fr);
	return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	uint16_t seed = fz_u16(&f);
	struct cut whole[MAX_PDUS], cut[MAX_PDUS];
	bool broken_whole, broken;
	size_t n_whole, n, len;
	const uint8_t *stream = fz_rest(&f, &len);

	n_whole = frame(stream, len, seed, true, whole, &broken_whole);
	n = frame(stream, len, seed, false, cut, &broken);
	if (n != n_whole || broken != broken_whole)
		fz_fail("framing depends on the reads: %zu PDUs%s vs %zu%s",
			n_whole, broken_whole ? " (broken)" : "", n,
			broken ? " (broken)" : "");
	for (size_t i = 0; i < n; i++) {
		if (cut[i].off != whole[i].off || cut[i].len != whole[i].len)
			fz_fail("PDU %zu framed differently", i);
		/* a copy of its own size: ASan sees a read one byte past */
		uint8_t *copy = malloc(cut[i].len);

		if (!copy)
			abort();
		memcpy(copy, stream + cut[i].off, cut[i].len);
		one_pdu(copy, cut[i].len);
		free(copy);
	}
	return 0;
}
