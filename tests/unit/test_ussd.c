/*
 * TEMPORARY placeholder (branch issue-5): the real suite is being written
 * in main. On merge, take main's version of this file.
 */
#include "config.h"

#include "suites.h"

Suite *suite_ussd(void)
{
	Suite *s = suite_create("ussd (placeholder)");

	return s;
}
