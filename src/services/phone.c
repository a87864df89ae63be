/*
 * Phone number normalisation (see services/phone.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
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

bool phone_from_smpp(const char *addr, unsigned ton, char *out,
		     size_t outlen)
{
	size_t n = 0;

	/* TON 5 is alphanumeric: never a phone, even if it is all digits. */
	if (ton != 5 && phone_normalize(addr, out, outlen) == 0)
		return true;
	for (const char *p = addr; *p && n + 1 < outlen; p++)
		if (isalnum((unsigned char)*p))
			out[n++] = *p;
	if (outlen)
		out[n] = '\0';
	return false;
}
