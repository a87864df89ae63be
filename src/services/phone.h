/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Vietnamese phone numbers: every form a citizen or an SMS centre writes
 * (0912345678, +84912345678, 84912345678, 0084 912 345 678) normalised to
 * E.164 digits without '+': "84" followed by 9 digits, mobile prefixes
 * 3x, 5x, 7x, 8x, 9x. And who an SMPP sender is: only an address that is
 * a valid number for its TON/NPI becomes a number; anything else lives in
 * a namespace of its own and can never stand for a subscriber.
 */
#ifndef CGW_PHONE_H
#define CGW_PHONE_H

#include <stdbool.h>
#include <stddef.h>

#define PHONE_MAX 16	/* "84" + 9 digits + NUL fits; room for foreign */

/*
 * Normalises a Vietnamese mobile number into out (PHONE_MAX bytes).
 * Spaces, dots, dashes and parentheses are ignored. Returns 0 or -EINVAL.
 */
int phone_normalize(const char *in, char *out, size_t outlen);

/* What an SMPP source address is (phone_sender()). */
enum phone_kind {
	PHONE_MOBILE,	/* a Vietnamese mobile: the key is 84xxxxxxxxx */
	PHONE_NUMBER,	/* another number (foreign, landline, a test
			 * centre's "456"): the key is its digits */
	PHONE_ODD,	/* not a number for its TON/NPI: the key is in a
			 * namespace of its own (PHONE_ODD_PREFIX) */
};

/* Keys of odd senders start with this: "x:" and 16 hex digits of a hash
 * of the address, which no MSISDN or digit string can ever equal. */
#define PHONE_ODD_PREFIX "x:"
#define PHONE_KEY_MAX 24	/* room for any key phone_sender() writes */

/*
 * The key an MO's sender is known by (its session, profile, dossier
 * ownership, lock-out), written into key (keylen >= PHONE_KEY_MAX):
 *  - TON 1 (international), NPI 1 or 0: digits only, an optional leading
 *    '+'; 84 + a mobile is PHONE_MOBILE, other digits PHONE_NUMBER; a
 *    leading 0 is not international, so odd.
 *  - TON 0 (unknown) with an optional '+', TON 2 (national) without one,
 *    NPI 1 or 0: digits only, normalised like phone_normalize() (0912..,
 *    84912.., 912..); other digits PHONE_NUMBER.
 *  - TON 3 (network specific) and 6 (abbreviated): short codes; TON 5
 *    (alphanumeric); any other TON, or NPI; an empty address, a
 *    character that is not a digit, more than 15 digits (E.164):
 *    PHONE_ODD.
 * *why (may be NULL) gets a static text saying why an address is odd
 * ("" otherwise). addr is untrusted bytes, NUL-terminated.
 */
enum phone_kind phone_sender(const char *addr, unsigned ton, unsigned npi,
			     char *key, size_t keylen, const char **why);

/* True for a key phone_sender() gave an odd sender. */
bool phone_key_is_odd(const char *key);

#endif
