/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz target: the menus directory as an operator writes it (menu/menu.h)
 * and the notice texts (services/notice.h).
 *
 * Input: four files separated by NUL bytes, written into a scratch
 * directory: main.cfg, procedures/x.cfg, communes.cfg and notices.cfg
 * (an empty part: no such file). The directory goes through the checker
 * (menu_check_dir), the plain loader (menu_load) and what the daemon runs
 * at start and on SIGHUP (menu_load_checked); a tree that loads is walked
 * a few steps with the engine; notices.cfg through notice_load and, when
 * accepted, rendered for every status. Properties (abort when broken):
 *
 *  - a loaded tree answers like the shipped one (fuzz/menu_run.c);
 *  - a problem is reported with its file and a line;
 *  - an accepted notice renders in BCAST_TEXT_MAX bytes, as promised.
 *
 * An @include that leaves the directory ("/..." or "..") is not followed:
 * the input is skipped. The menus are the operator's own files, and
 * @include "/dev/zero" only hangs the fuzzer (libconfig reads it for
 * ever), it says nothing about the loader.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "fuzz/fuzz.h"
#include "fuzz/menu_run.h"
#include "menu/menu.h"
#include "services/bcast.h"
#include "services/notice.h"

static const char *const names[] = { "main.cfg", "procedures/x.cfg",
				     "communes.cfg", "notices.cfg" };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_all(LOG_ERROR);
	return 0;
}

static void report(void *arg, const char *file, int line, const char *msg)
{
	(void)arg;
	if (!msg || (file && line < 0))
		fz_fail("a problem without its place: %s:%d", file ? file : "",
			line);
}

static void notice_report(void *ctx, const char *problem)
{
	(void)ctx;
	if (!problem || !problem[0])
		fz_fail("an empty notice problem");
}

static void walk(const struct menu_tree *t)
{
	static const char *const texts[] = {
		"", "1", "1", "0", "2", "000.00.19.H56-250806-0001", "1",
		"BANSAO 001203012345 2", "9", "MENU", "HELP", "en", "3",
		"NGUYEN VAN AN", "01/02/1990", "Linh Son", "1", "0",
	};
	static const uint8_t ctls[] = {
		0x04, 0x05, 0x05, 0x05, 0x05, 0x05, 0x05, 0x02, 0x04, 0x02,
		0x02, 0x02, 0x05, 0x05, 0x05, 0x05, 0x05, 0x06,
	};
	struct menu_session cur[2];
	int lang = 0;

	memset(cur, 0, sizeof(cur));
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		fz_menu_step(t, cur, texts[i], ctls[i], &lang);
}

static void notices(const char *path)
{
	static const char *const langs[] = { "vi", "en" };
	struct notice_set *set = NULL;
	struct dossier d;
	char err[256], out[BCAST_TEXT_MAX];
	int rc = notice_load(path, &set, notice_report, NULL, err,
			     sizeof(err));

	if (rc < 0) {
		if (set)
			fz_fail("notice_load failed and kept a set");
		return;
	}
	memset(&d, 0, sizeof(d));
	snprintf(d.code, sizeof(d.code), "000.00.19.H56-250806-0001");
	snprintf(d.phone, sizeof(d.phone), "84912345678");
	snprintf(d.procedure, sizeof(d.procedure), "Cấp bản sao Trích lục "
		 "khai sinh từ Cơ sở dữ liệu hộ tịch điện tử toàn quốc");
	snprintf(d.agency, sizeof(d.agency), "Ủy ban nhân dân phường Phan "
		 "Đình Phùng, thành phố Thái Nguyên");
	snprintf(d.due_at, sizeof(d.due_at), "2025-08-20");
	for (d.status = 1; d.status <= 10; d.status++)
		for (int l = 0; l < 2; l++)
			for (int fold = 0; fold < 2; fold++) {
				rc = notice_render(set, &d, langs[l], fold,
						   out, sizeof(out), err,
						   sizeof(err));
				if (rc != 0 && rc != -ENOENT)
					fz_fail("notice for status %d (%s) "
						"does not render: %s",
						d.status, langs[l], err);
			}
	/* a dossier without due date nor agency: the `missing` texts */
	d.due_at[0] = d.agency[0] = '\0';
	for (d.status = 1; d.status <= 10; d.status++)
		if ((rc = notice_render(set, &d, "vi", false, out, sizeof(out),
					err, sizeof(err))) != 0 &&
		    rc != -ENOENT)
			fz_fail("notice for status %d without due date does "
				"not render: %s", d.status, err);
	notice_set_free(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = fz_init(data, size);
	const uint8_t *part[4];
	size_t len[4];
	struct menu_tree *t = NULL;
	char err[512], dir[4096];
	const char *notices_path = NULL;

	for (int i = 0; i < 4; i++) {
		part[i] = fz_until(&f, 0, &len[i]);
		if (fz_includes_outside(part[i], len[i]))
			return 0;
	}
	for (int i = 0; i < 4; i++) {
		if (len[i]) {
			const char *p = fz_write(names[i], part[i], len[i]);

			if (i == 3)
				notices_path = p;
		} else {
			fz_unlink(names[i]);
		}
	}
	snprintf(dir, sizeof(dir), "%s", fz_tmpdir());
	if (menu_check_dir(dir, report, NULL) < 0)
		fz_fail("menu_check_dir: a negative count");
	if (menu_load(dir, &t, err, sizeof(err)) == 0)
		menu_free(t);
	else if (!err[0])
		fz_fail("menu_load failed without a reason");
	t = NULL;
	if (menu_load_checked(dir, &t, report, NULL, err, sizeof(err)) == 0) {
		walk(t);
		menu_free(t);
	}
	if (notices_path) {
		char path[4096];

		snprintf(path, sizeof(path), "%s", notices_path);
		notices(path);
	}
	return 0;
}
