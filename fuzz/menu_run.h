/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One step of the menu engine as the gateway runs it (gw.c), with the
 * properties every reply must have: for the fuzz targets of the engine
 * (fuzz/menu.c) and of the loader (fuzz/menuload.c).
 */
#ifndef CGW_FUZZ_MENU_RUN_H
#define CGW_FUZZ_MENU_RUN_H

#include <stdint.h>

#include "menu/menu.h"

#define TODAY 20301		/* days since 1970: 2025-08-02 */
#define NOW_MS (TODAY * 86400000LL + 3 * 3600000LL)

/*
 * Steps a session with text; ctl chooses the channel (bit 2: USSD, else
 * SMS), for USSD the event (bit 0: an answer, else a new dial), folding
 * (bits 3-5) and a blocked lookup (bits 6-7 both set). A dossier asked
 * for is not found; a filing asked for gets a fixed code. *lang is the
 * citizen's language (changed when the reply sets it); sessions[0] (SMS)
 * or [1] (USSD), as the channel says, becomes the next session, or none.
 * Aborts
 * when a property is broken (see fuzz/menu.c).
 */
void fz_menu_step(const struct menu_tree *tree,
		  struct menu_session sessions[2], const char *text,
		  uint8_t ctl, int *lang);

#endif
