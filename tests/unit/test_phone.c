/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of phone number normalisation (services/phone.h): every way a
 * Vietnamese mobile number is written becomes 84xxxxxxxxx; landlines,
 * malformed numbers and senders that are not phones are told apart.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "services/phone.h"
#include "suites.h"

static void normalizes_to(const char *in, const char *want)
{
	char out[PHONE_MAX];
	int rc = phone_normalize(in, out, sizeof(out));

	ck_assert_msg(rc == 0, "'%s' refused", in);
	ck_assert_str_eq(out, want);
}

static void refused(const char *in)
{
	char out[PHONE_MAX] = "untouched";

	ck_assert_msg(phone_normalize(in, out, sizeof(out)) == -EINVAL,
		      "'%s' accepted as %s", in, out);
}

START_TEST(test_every_written_form)
{
	normalizes_to("0912345678", "84912345678");
	normalizes_to("+84912345678", "84912345678");
	normalizes_to("84912345678", "84912345678");
	normalizes_to("0084912345678", "84912345678");
	normalizes_to("091 234 5678", "84912345678");
	normalizes_to("(091) 234-5678", "84912345678");
	normalizes_to("912345678", "84912345678");
	normalizes_to("0912.345.678", "84912345678");
	normalizes_to("  +84 91 234 56 78", "84912345678");
	normalizes_to("0084 912 345 678", "84912345678");
}
END_TEST

START_TEST(test_mobile_prefixes)
{
	normalizes_to("0312345678", "84312345678");
	normalizes_to("0512345678", "84512345678");
	normalizes_to("0712345678", "84712345678");
	normalizes_to("0812345678", "84812345678");
	normalizes_to("0912345678", "84912345678");
	normalizes_to("84388123456", "84388123456");
	/* landlines (2x) and unused prefixes */
	refused("0212345678");
	refused("0112345678");
	refused("0012345678");
	refused("84212345678");
	refused("212345678");
	refused("012345678");
}
END_TEST

START_TEST(test_lengths_and_letters)
{
	refused("");
	refused("+");
	refused("091234567");	/* 9 digits with the 0 */
	refused("09123456789");	/* 11 digits with the 0 */
	refused("8491234567");
	refused("849123456789");
	refused("00849123456789");
	refused("12345678901234567890123456789012345");
	refused("09123456a8");
	refused("VIETTEL");
	refused("0912345678x");
	refused("+84+912345678");
	refused("09123_45678");
}
END_TEST

START_TEST(test_small_output_buffer)
{
	char out[PHONE_MAX];

	ck_assert_int_eq(phone_normalize("0912345678", out, 11), -EINVAL);
	ck_assert_int_eq(phone_normalize("0912345678", out, 12), 0);
	ck_assert_str_eq(out, "84912345678");
}
END_TEST

/* phone_sender() gives kind and key; odd keys are checked for their form
 * and for never being digits. */
static void sender_is(const char *addr, unsigned ton, unsigned npi,
		      enum phone_kind want, const char *want_key)
{
	char key[PHONE_KEY_MAX];
	const char *why = NULL;
	enum phone_kind k = phone_sender(addr, ton, npi, key, sizeof(key),
					 &why);

	ck_assert_msg(k == want, "'%s' TON %u NPI %u: kind %d, want %d",
		      addr, ton, npi, (int)k, (int)want);
	ck_assert_ptr_nonnull(why);
	if (want == PHONE_ODD) {
		ck_assert_msg(why[0], "'%s': odd without a reason", addr);
		ck_assert_msg(phone_key_is_odd(key), "'%s' -> %s", addr, key);
		ck_assert_uint_eq(strlen(key), 18);
		ck_assert_msg(strspn(key + 2, "0123456789abcdef") == 16,
			      "'%s' -> %s", addr, key);
		return;
	}
	ck_assert_str_eq(why, "");
	ck_assert(!phone_key_is_odd(key));
	ck_assert_str_eq(key, want_key);
}

START_TEST(test_sender_international)
{
	sender_is("84912345678", 1, 1, PHONE_MOBILE, "84912345678");
	sender_is("+84912345678", 1, 1, PHONE_MOBILE, "84912345678");
	sender_is("84388123456", 1, 0, PHONE_MOBILE, "84388123456");
	/* a foreign number keeps its digits */
	sender_is("4915112345678", 1, 1, PHONE_NUMBER, "4915112345678");
	sender_is("+4915112345678", 1, 1, PHONE_NUMBER, "4915112345678");
	/* 84 but no mobile: a landline, its digits */
	sender_is("842438123456", 1, 1, PHONE_NUMBER, "842438123456");
	/* international numbers never start with 0; no national form */
	sender_is("0912345678", 1, 1, PHONE_ODD, NULL);
	sender_is("0084912345678", 1, 1, PHONE_ODD, NULL);
	/* written with spaces, or other stray characters */
	sender_is("+84 912 345 678", 1, 1, PHONE_ODD, NULL);
	sender_is("84912345678 ", 1, 1, PHONE_ODD, NULL);
	sender_is("84-912-345-678", 1, 1, PHONE_ODD, NULL);
	sender_is("++84912345678", 1, 1, PHONE_ODD, NULL);
	sender_is("+", 1, 1, PHONE_ODD, NULL);
	/* a plan other than E.164 (or unknown) */
	sender_is("84912345678", 1, 9, PHONE_ODD, NULL);
	sender_is("84912345678", 1, 8, PHONE_ODD, NULL);
}
END_TEST

START_TEST(test_sender_national_and_unknown)
{
	sender_is("0912345678", 2, 1, PHONE_MOBILE, "84912345678");
	sender_is("0912345678", 2, 0, PHONE_MOBILE, "84912345678");
	sender_is("912345678", 2, 0, PHONE_MOBILE, "84912345678");
	sender_is("0912345678", 0, 0, PHONE_MOBILE, "84912345678");
	sender_is("84912345678", 0, 0, PHONE_MOBILE, "84912345678");
	sender_is("+84912345678", 0, 1, PHONE_MOBILE, "84912345678");
	sender_is("0084912345678", 0, 0, PHONE_MOBILE, "84912345678");
	/* a carrier's test centre and a landline: numbers of their own */
	sender_is("456", 0, 0, PHONE_NUMBER, "456");
	sender_is("02438123456", 2, 1, PHONE_NUMBER, "02438123456");
	/* '+' has no place in a national number */
	sender_is("+84912345678", 2, 1, PHONE_ODD, NULL);
	sender_is("091 234 5678", 2, 1, PHONE_ODD, NULL);
	sender_is("0912.345.678", 0, 0, PHONE_ODD, NULL);
	sender_is("0912345678", 2, 18, PHONE_ODD, NULL);
}
END_TEST

START_TEST(test_sender_not_numbers)
{
	/* short codes */
	sender_is("8088", 3, 0, PHONE_ODD, NULL);
	sender_is("84912345678", 3, 1, PHONE_ODD, NULL);
	sender_is("1900", 6, 0, PHONE_ODD, NULL);
	sender_is("84912345678", 4, 1, PHONE_ODD, NULL);
	sender_is("84912345678", 7, 1, PHONE_ODD, NULL);
	/* alphanumeric: never a phone, even when it spells one */
	sender_is("VIETTEL", 5, 0, PHONE_ODD, NULL);
	sender_is("84912345678", 5, 0, PHONE_ODD, NULL);
	sender_is("84912345678", 5, 1, PHONE_ODD, NULL);
	/* letters in a number, under any TON */
	sender_is("8491234567O", 1, 1, PHONE_ODD, NULL);
	sender_is("MobiFone1234567", 0, 0, PHONE_ODD, NULL);
	sender_is("0912345678a", 2, 1, PHONE_ODD, NULL);
	/* too long, empty, non-ASCII */
	sender_is("84912345678901234567", 1, 1, PHONE_ODD, NULL);
	sender_is("8491234567890123", 0, 0, PHONE_ODD, NULL);
	sender_is("849123456789012", 1, 1, PHONE_NUMBER, "849123456789012");
	sender_is("", 1, 1, PHONE_ODD, NULL);
	sender_is("", 0, 0, PHONE_ODD, NULL);
	sender_is("\xe2\x80\x8e" "84912345678", 1, 1, PHONE_ODD, NULL);
	sender_is("84912345678\xc2\xa0", 0, 0, PHONE_ODD, NULL);
	sender_is("\xff\xfe", 5, 0, PHONE_ODD, NULL);
}
END_TEST

START_TEST(test_sender_namespaces)
{
	char a[PHONE_KEY_MAX], b[PHONE_KEY_MAX], c[PHONE_KEY_MAX];

	/* the same address, the same key, whichever way it is odd; two
	 * addresses, two keys; the digits of a phone are not its key */
	phone_sender("84912345678", 5, 0, a, sizeof(a), NULL);
	phone_sender("84912345678", 3, 0, b, sizeof(b), NULL);
	ck_assert_str_eq(a, b);
	phone_sender("84912345679", 5, 0, c, sizeof(c), NULL);
	ck_assert_str_ne(a, c);
	ck_assert_str_ne(a, "84912345678");
	phone_sender("VIETTEL", 5, 0, a, sizeof(a), NULL);
	phone_sender("VIETTEL ", 5, 0, b, sizeof(b), NULL);
	ck_assert_str_ne(a, b);
	ck_assert(!phone_key_is_odd("84912345678"));
	ck_assert(!phone_key_is_odd(""));
	ck_assert(phone_key_is_odd("x:0123456789abcdef"));
}
END_TEST

START_TEST(test_sender_masked_in_logs)
{
	char m[32];

	ck_assert_str_eq(log_mask_addr("84912345678", m, sizeof(m)),
			 "84912***78");
	/* a line break or an escape from the network never reaches a log */
	ck_assert_str_eq(log_mask_addr("ab\ncd\x1b[2Jxy", m, sizeof(m)),
			 "ab?cd***xy");
	ck_assert_str_eq(log_mask_addr("\xc3\xa9", m, sizeof(m)), "***");
	ck_assert_str_eq(log_mask_addr("", m, sizeof(m)), "-");
}
END_TEST

Suite *suite_phone(void)
{
	Suite *s = suite_create("phone");
	TCase *tc = tcase_create("normalize");

	tcase_add_test(tc, test_every_written_form);
	tcase_add_test(tc, test_mobile_prefixes);
	tcase_add_test(tc, test_lengths_and_letters);
	tcase_add_test(tc, test_small_output_buffer);
	tcase_add_test(tc, test_sender_international);
	tcase_add_test(tc, test_sender_national_and_unknown);
	tcase_add_test(tc, test_sender_not_numbers);
	tcase_add_test(tc, test_sender_namespaces);
	tcase_add_test(tc, test_sender_masked_in_logs);
	suite_add_tcase(s, tc);
	return s;
}
