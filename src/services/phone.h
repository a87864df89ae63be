/*
 * Vietnamese phone numbers: every form a citizen or an SMS centre writes
 * (0912345678, +84912345678, 84912345678, 0084 912 345 678) normalised to
 * E.164 digits without '+': "84" followed by 9 digits, mobile prefixes
 * 3x, 5x, 7x, 8x, 9x.
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

/*
 * Normalises an SMPP address for use as a session key: a Vietnamese mobile
 * becomes 84xxxxxxxxx; anything else (short code, foreign number,
 * alphanumeric sender) is kept as its digits and letters. Returns true when
 * the result is a Vietnamese mobile number.
 */
bool phone_from_smpp(const char *addr, unsigned ton, char *out,
		     size_t outlen);

#endif
