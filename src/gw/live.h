/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Live USSD dialogs of one gateway process: the phones this process last
 * answered with a non-final USSD reply, each until its session would
 * expire (ussd.session_ttl). A dialog leaves when its final reply is
 * committed or the network aborts it. Staff read the count in
 * GET /api/status ("sessions"); the menu sessions themselves live in
 * Redis, and a dialog whose next step another process handles is counted
 * there, not here.
 */
#ifndef CGW_GW_LIVE_H
#define CGW_GW_LIVE_H

#include <stdint.h>

struct live;

/* An empty set; NULL when out of memory. Freed with live_free(). */
struct live *live_new(void);
void live_free(struct live *l);

/*
 * At now_ms (wall ms), the dialog of msisdn goes on until until_ms, or
 * ends (until_ms 0). Out of memory the dialog is not counted: the count
 * is staff information, never a reason to fail an MO.
 */
void live_note(struct live *l, const char *msisdn, int64_t now_ms,
	       int64_t until_ms);

/* The dialogs whose time has not run out at now_ms; drops the others. */
int live_count(struct live *l, int64_t now_ms);

#endif
