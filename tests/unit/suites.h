/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Unit test suites of citizengw (Check). check_main.c runs every suite
 * declared here; each test_*.c file owns one suite and tests one module
 * through its header (src/<part>/<module>.h).
 *
 * The tu_* helpers (check_main.c) are shared by the suites: temporary
 * directories that each test removes again, file writing, and a UTF-8
 * validity check for properties over random input.
 */
#ifndef CGW_TEST_SUITES_H
#define CGW_TEST_SUITES_H

#include <stdbool.h>
#include <stddef.h>

#include <check.h>

Suite *suite_pdu(void);
Suite *suite_text(void);
Suite *suite_cmd(void);
Suite *suite_phone(void);
Suite *suite_dossier(void);
Suite *suite_conf(void);
Suite *suite_menu(void);
Suite *suite_ussd(void);
Suite *suite_codec(void);
Suite *suite_segment(void);
Suite *suite_reasm(void);
Suite *suite_paging(void);
Suite *suite_services(void);
Suite *suite_civil(void);
Suite *suite_bcast(void);
Suite *suite_notice(void);
Suite *suite_apps(void);
Suite *suite_csv(void);
Suite *suite_log(void);
Suite *suite_metrics(void);
Suite *suite_live(void);
Suite *suite_lghist(void);
Suite *suite_hmap(void);
Suite *suite_pool(void);
Suite *suite_store_cmd(void);

/*
 * Creates a fresh directory with mkdtemp() under the run's directory in
 * $TMPDIR (or /tmp), which main() removes at the end. The caller owns the
 * returned string and gives it back to tu_rmtree().
 */
char *tu_tmpdir(void);
/* Removes dir and everything under it, then frees the string. */
void tu_rmtree(char *dir);
/*
 * Writes text to dir/name (creating dir/sub/ when name is "sub/file").
 * Returns the full path in a static buffer, valid until the next call.
 */
const char *tu_write(const char *dir, const char *name, const char *text);
/* Reads a whole file into a malloc'ed NUL-terminated buffer (*len bytes). */
char *tu_read(const char *path, size_t *len);
/* True when s[0..len) is well-formed UTF-8 (per utf8_decode). */
bool tu_utf8_valid(const char *s, size_t len);

#endif
