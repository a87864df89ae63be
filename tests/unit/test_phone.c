/*
 * Tests of phone number normalisation (services/phone.h): every way a
 * Vietnamese mobile number is written becomes 84xxxxxxxxx; landlines,
 * malformed numbers and senders that are not phones are told apart.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

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

START_TEST(test_from_smpp_mobile)
{
	char out[PHONE_MAX];

	ck_assert(phone_from_smpp("84912345678", 1, out, sizeof(out)));
	ck_assert_str_eq(out, "84912345678");
	ck_assert(phone_from_smpp("0912345678", 2, out, sizeof(out)));
	ck_assert_str_eq(out, "84912345678");
	ck_assert(phone_from_smpp("+84912345678", 0, out, sizeof(out)));
	ck_assert_str_eq(out, "84912345678");
}
END_TEST

START_TEST(test_from_smpp_short_code_and_alphanumeric)
{
	char out[PHONE_MAX];

	ck_assert(!phone_from_smpp("8088", 3, out, sizeof(out)));
	ck_assert_str_eq(out, "8088");
	ck_assert(!phone_from_smpp("VIETTEL", 5, out, sizeof(out)));
	ck_assert_str_eq(out, "VIETTEL");
	/* TON 5 is never a phone, even when it looks like one */
	ck_assert(!phone_from_smpp("84912345678", 5, out, sizeof(out)));
	ck_assert_str_eq(out, "84912345678");
	/* punctuation is dropped, the result is bounded */
	ck_assert(!phone_from_smpp("Dich-Vu Cong!", 5, out, sizeof(out)));
	ck_assert_str_eq(out, "DichVuCong");
	ck_assert(!phone_from_smpp("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 5, out,
				   sizeof(out)));
	ck_assert_uint_eq(strlen(out), sizeof(out) - 1);
	ck_assert(!phone_from_smpp("", 1, out, sizeof(out)));
	ck_assert_str_eq(out, "");
	/* a foreign number keeps its digits */
	ck_assert(!phone_from_smpp("+4915112345678", 1, out, sizeof(out)));
	ck_assert_str_eq(out, "4915112345678");
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
	tcase_add_test(tc, test_from_smpp_mobile);
	tcase_add_test(tc, test_from_smpp_short_code_and_alphanumeric);
	suite_add_tcase(s, tc);
	return s;
}
