/*
 * TEMPORARY placeholder (branch issue-5): the real suite is being written
 * in main. On merge, take main's version of this file.
 */
#include "config.h"

#include "suites.h"

Suite *suite_phone(void)
{
	Suite *s = suite_create("phone (placeholder)");

	return s;
}
