/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Phone number normalisation (see services/phone.h).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "services/phone.h"
#include "common/util.h"

int phone_normalize(const char *in, char *out, size_t outlen)
{
	char d[32];
	size_t n = 0;
	const char *p = in;
	const char *digits;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '+')
		p++;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n + 1 >= sizeof(d))
				return -EINVAL;
			d[n++] = *p;
		} else if (!strchr(" .-()\t", *p)) {
			return -EINVAL;
		}
	}
	d[n] = '\0';
	if (n == 13 && strncmp(d, "0084", 4) == 0)
		digits = d + 4;
	else if (n == 11 && strncmp(d, "84", 2) == 0)
		digits = d + 2;
	else if (n == 10 && d[0] == '0')
		digits = d + 1;
	else if (n == 9)
		digits = d;	/* national significant number alone */
	else
		return -EINVAL;
	if (!strchr("35789", digits[0]))
		return -EINVAL;
	if (outlen < 12)
		return -EINVAL;
	out[0] = '8';
	out[1] = '4';
	memcpy(out + 2, digits, 9);
	out[11] = '\0';
	return 0;
}

/* The key of an odd sender: a hash of the address as received, so that
 * the key is short, the same every time, and never digits alone. */
static enum phone_kind odd(const char *addr, char *key, size_t keylen,
			   const char **why, const char *reason)
{
	uint64_t h = util_fnv1a64(addr, strlen(addr), 0x0dd5e4de);

	snprintf(key, keylen, PHONE_ODD_PREFIX "%016llx",
		 (unsigned long long)h);
	if (why)
		*why = reason;
	return PHONE_ODD;
}

/* The digits of a number with at most a leading '+' (when plus): NULL, or
 * why it is not one. d holds at least 16 bytes. */
static const char *number_digits(const char *addr, bool plus, char *d)
{
	const char *p = addr;
	size_t n = 0;

	if (plus && *p == '+')
		p++;
	if (!*p)
		return "no digits";
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return "a character that is not a digit";
		if (n == 15)
			return "more digits than an E.164 number (15)";
		d[n++] = *p;
	}
	d[n] = '\0';
	return NULL;
}

enum phone_kind phone_sender(const char *addr, unsigned ton, unsigned npi,
			     char *key, size_t keylen, const char **why)
{
	char d[16];
	const char *bad;

	if (why)
		*why = "";
	if (!addr[0])
		return odd(addr, key, keylen, why, "empty address");
	if (ton == 5)
		return odd(addr, key, keylen, why, "alphanumeric (TON 5)");
	if (ton == 3 || ton == 6)
		return odd(addr, key, keylen, why, "a short code (TON 3 or 6)");
	if (ton > 2)
		return odd(addr, key, keylen, why,
			   "a TON other than international, national or "
			   "unknown");
	if (npi > 1)
		return odd(addr, key, keylen, why, "NPI other than E.164");
	bad = number_digits(addr, ton != 2, d);
	if (bad)
		return odd(addr, key, keylen, why, bad);
	if (ton == 1 && d[0] == '0')
		return odd(addr, key, keylen, why,
			   "an international number starting with 0");
	/* an international number is a mobile only in its 84 form */
	if ((ton != 1 || (strlen(d) == 11 && strncmp(d, "84", 2) == 0)) &&
	    phone_normalize(d, key, keylen) == 0)
		return PHONE_MOBILE;
	snprintf(key, keylen, "%s", d);
	return PHONE_NUMBER;
}

bool phone_key_is_odd(const char *key)
{
	return strncmp(key, PHONE_ODD_PREFIX, strlen(PHONE_ODD_PREFIX)) == 0;
}
