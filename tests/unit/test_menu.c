/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests of the menus (menu/menu.h): the shipped menus/main.cfg
 * walked through the engine without I/O (USSD screens and SMS replies as
 * citizens see them, who may see a dossier, no enumeration of codes), the
 * loader's refusals with file:line, and a property test over random input.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "menu/menu.h"
#include "menu/menu_int.h"	/* menu_load_fail_after */
#include "text/text.h"
#include "suites.h"

/* the main menu of menus/main.cfg, as the phone shows it */
#define MAIN_VI "Dich vu cong Thai Nguyen\n1. Tra cuu ho so\n2. Yeu cau goi lai\n3. Dat lich den Trung tam\n4. Danh gia ho so\n5. Gop y\n6. Nop ho so\n9. English"
#define MAIN_EN "Thai Nguyen public services\n1. Check a dossier\n2. Request a callback\n3. Book a visit\n4. Rate a dossier\n5. Send feedback\n6. Apply\n9. Tieng Viet"

#define CODE "000.00.19.H56-250806-0001"
#define KEY "0000019H56-250806-0001"
#define UNKNOWN_CODE "000.00.19.H56-250806-0999"
#define OWNER "84912345678"
#define OTHER "84987654321"
#define NOW_MS 1754500000000LL	/* a fixed clock */

#define ASK_CODE_VI "Nhap ma ho so (vi du 000.00.19.H56-250806-0001):"
#define ASK_LAST4_VI "Nhap 4 so cuoi CCCD cua nguoi nop ho so:"
#define STATUS_VI "Ho so " CODE "\nCap ban sao trich luc khai sinh\n" \
		  "Trang thai: Dang xu ly\nHen tra: 20/08/2025"
#define LIMITED_VI "Ban da tra cuu sai qua nhieu lan. Vui long thu lai sau."
#define HELP_VI "Cong dich vu cong Thai Nguyen. Tra cuu ho so: TRACUU <ma " \
		"ho so>. Xem menu: MENU. Hoac goi *8088#"

static struct menu_tree *tree;
static struct dossier dossier;	/* the first row of samples/dossiers.csv */

static void fill_dossier(struct dossier *d)
{
	memset(d, 0, sizeof(*d));
	strcpy(d->code, CODE);
	strcpy(d->key, KEY);
	strcpy(d->phone, OWNER);
	d->status = 4;
	strcpy(d->procedure, "Cấp bản sao trích lục khai sinh");
	strcpy(d->agency, "UBND xã Phúc Xuân");
	strcpy(d->received_at, "2025-08-06");
	strcpy(d->due_at, "2025-08-20");
	strcpy(d->id_last4, "1234");
}

static void setup(void)
{
	char err[512] = "";

	ck_assert_msg(menu_load(SRCDIR "/menus", &tree, err, sizeof(err)) == 0,
		      "menus/main.cfg: %s", err);
	fill_dossier(&dossier);
}

static void teardown(void)
{
	menu_free(tree);
	tree = NULL;
}

static struct menu_input in_of(enum menu_event ev, const char *text,
			       const char *msisdn)
{
	struct menu_input in;

	memset(&in, 0, sizeof(in));
	in.ev = ev;
	in.text = text;
	in.ch = ev == MENU_EV_SMS ? MENU_CH_SMS : MENU_CH_USSD;
	in.lang = 0;
	in.fold = true;
	in.msisdn = msisdn;
	in.now_ms = NOW_MS;
	return in;
}

/*
 * One step as the gateway runs it: when the engine asks for a dossier,
 * look it up in `known` (NULL: nothing exists) and call again.
 */
static void run(const struct menu_session *cur, struct menu_input in,
		const struct dossier *known, struct menu_result *out)
{
	static char key[DOSSIER_CODE_MAX];

	for (int i = 0; i < 3; i++) {
		menu_step(tree, cur, &in, out);
		if (out->kind == MENU_REPLY)
			return;
		ck_assert_uint_gt(strlen(out->need_key), 0);
		strcpy(key, out->need_key);
		in.dossier_key = key;
		in.dossier = known && strcmp(known->key, key) == 0 ? known
								    : NULL;
	}
	ck_abort_msg("the engine keeps asking for dossiers");
}

/* A session sitting on node `node`. */
static struct menu_session at(const char *node)
{
	struct menu_session s;

	memset(&s, 0, sizeof(s));
	s.exists = true;
	strcpy(s.node, node);
	return s;
}

static struct menu_session none(void)
{
	struct menu_session s;

	memset(&s, 0, sizeof(s));
	return s;
}

/* Answers the code question (node ask_code) with `code` from msisdn. */
static void to_code_answer(const char *code, const char *msisdn,
			   const struct dossier *known, struct menu_result *r)
{
	struct menu_session s = at("ask_code");

	run(&s, in_of(MENU_EV_INPUT, code, msisdn), known, r);
}

/* --- USSD walk ----------------------------------------------------------------- */

START_TEST(test_start_shows_main_menu)
{
	struct menu_session s = none();
	struct menu_result r;

	run(&s, in_of(MENU_EV_START, "*8088#", OWNER), NULL, &r);
	ck_assert_int_eq(r.kind, MENU_REPLY);
	ck_assert_str_eq(r.reply, MAIN_VI);
	ck_assert(!r.final);
	ck_assert(r.next.exists);
	ck_assert_str_eq(r.next.node, "main");
	ck_assert_int_eq(r.next.lang, 0);
	ck_assert_int_eq(r.set_lang, -1);
	ck_assert(!r.lookup_failed);
}
END_TEST

START_TEST(test_option_1_asks_for_code)
{
	struct menu_session s = at("main");
	struct menu_result r;

	run(&s, in_of(MENU_EV_INPUT, "1", OWNER), NULL, &r);
	ck_assert_str_eq(r.reply, ASK_CODE_VI);
	ck_assert(!r.final);
	ck_assert_str_eq(r.next.node, "ask_code");
}
END_TEST

START_TEST(test_invalid_choice_reshows_screen)
{
	static const char *const bad[] = { "7", "", "abc", "11", "\xFF" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct menu_session s = at("main");
		struct menu_result r;

		run(&s, in_of(MENU_EV_INPUT, bad[i], OWNER), NULL, &r);
		ck_assert_str_eq(r.reply, "Lua chon khong hop le.\n" MAIN_VI);
		ck_assert(!r.final);
		ck_assert_str_eq(r.next.node, "main");
	}
}
END_TEST

START_TEST(test_option_key_with_spaces)
{
	struct menu_session s = at("main");
	struct menu_result r;

	run(&s, in_of(MENU_EV_INPUT, " 1 ", OWNER), NULL, &r);
	ck_assert_str_eq(r.next.node, "ask_code");
}
END_TEST

START_TEST(test_code_asks_for_dossier)
{
	struct menu_session s = at("ask_code");
	struct menu_input in = in_of(MENU_EV_INPUT, CODE, OWNER);
	struct menu_result r;

	menu_step(tree, &s, &in, &r);
	ck_assert_int_eq(r.kind, MENU_NEED_DOSSIER);
	ck_assert_str_eq(r.need_key, KEY);
	ck_assert_str_eq(r.reply, "");

	/* any spelling of the code asks for the same key */
	in.text = "000.00.19.h56 - 250806 - 0001";
	menu_step(tree, &s, &in, &r);
	ck_assert_int_eq(r.kind, MENU_NEED_DOSSIER);
	ck_assert_str_eq(r.need_key, KEY);
}
END_TEST

START_TEST(test_owner_sees_status)
{
	struct menu_result r;

	to_code_answer(CODE, OWNER, &dossier, &r);
	ck_assert_int_eq(r.kind, MENU_REPLY);
	ck_assert_str_eq(r.reply, STATUS_VI);
	ck_assert(r.final);
	ck_assert(!r.lookup_failed);
}
END_TEST

START_TEST(test_owner_sees_status_without_due)
{
	struct menu_result r;

	strcpy(dossier.due_at, "");
	to_code_answer(CODE, OWNER, &dossier, &r);
	ck_assert_str_eq(r.reply, "Ho so " CODE "\nCap ban sao trich luc khai "
				  "sinh\nTrang thai: Dang xu ly\nHen tra: -");
}
END_TEST

START_TEST(test_other_phone_asked_for_last4)
{
	struct menu_result r;

	to_code_answer(CODE, OTHER, &dossier, &r);
	ck_assert_str_eq(r.reply, ASK_LAST4_VI);
	ck_assert(!r.final);
	ck_assert_str_eq(r.next.node, "ask_last4");
	ck_assert(!r.lookup_failed);
	ck_assert_str_eq(menu_session_get(&r.next, "code"), CODE);
	ck_assert_str_eq(menu_session_get(&r.next, "code_key"), KEY);
}
END_TEST

START_TEST(test_right_last4_shows_status)
{
	struct menu_result r1, r2;

	to_code_answer(CODE, OTHER, &dossier, &r1);
	run(&r1.next, in_of(MENU_EV_INPUT, "1234", OTHER), &dossier, &r2);
	ck_assert_str_eq(r2.reply, STATUS_VI);
	ck_assert(r2.final);
	ck_assert(!r2.lookup_failed);

	/* spaced digits too */
	run(&r1.next, in_of(MENU_EV_INPUT, "12 34", OTHER), &dossier, &r2);
	ck_assert_str_eq(r2.reply, STATUS_VI);
}
END_TEST

START_TEST(test_wrong_last4_not_found)
{
	struct menu_result r1, r2;

	to_code_answer(CODE, OTHER, &dossier, &r1);
	run(&r1.next, in_of(MENU_EV_INPUT, "9999", OTHER), &dossier, &r2);
	ck_assert_str_eq(r2.reply, "Khong tim thay ho so " CODE
				   " hoac thong tin khong khop.");
	ck_assert(r2.final);
	ck_assert(r2.lookup_failed);
}
END_TEST

START_TEST(test_bad_last4_input_asks_again)
{
	static const char *const bad[] = { "12a4", "123", "12345", "" };
	struct menu_result r1, r2;

	to_code_answer(CODE, OTHER, &dossier, &r1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		run(&r1.next, in_of(MENU_EV_INPUT, bad[i], OTHER), &dossier,
		    &r2);
		ck_assert_str_eq(r2.reply,
				 "Du lieu khong hop le.\n" ASK_LAST4_VI);
		ck_assert(!r2.final);
		ck_assert_str_eq(r2.next.node, "ask_last4");
		ck_assert(!r2.lookup_failed);
	}
}
END_TEST

START_TEST(test_unknown_code_indistinguishable)
{
	struct menu_result known1, known2, unknown1, unknown2;
	struct dossier same_code_other_dossier;

	/* the same code typed twice: once it exists (other phone, wrong
	 * digits), once it does not; every screen is the same */
	to_code_answer(CODE, OTHER, &dossier, &known1);
	to_code_answer(CODE, OTHER, NULL, &unknown1);
	ck_assert_str_eq(known1.reply, unknown1.reply);
	ck_assert_str_eq(known1.next.node, unknown1.next.node);
	ck_assert_int_eq(known1.lookup_failed, unknown1.lookup_failed);

	run(&known1.next, in_of(MENU_EV_INPUT, "9999", OTHER), &dossier,
	    &known2);
	run(&unknown1.next, in_of(MENU_EV_INPUT, "9999", OTHER), NULL,
	    &unknown2);
	ck_assert_str_eq(known2.reply, unknown2.reply);
	ck_assert_int_eq(known2.final, unknown2.final);
	ck_assert(unknown2.lookup_failed);
	ck_assert(known2.lookup_failed);

	/* a dossier without id_last4 cannot be opened with any digits */
	same_code_other_dossier = dossier;
	strcpy(same_code_other_dossier.id_last4, "");
	run(&known1.next, in_of(MENU_EV_INPUT, "1234", OTHER),
	    &same_code_other_dossier, &known2);
	ck_assert_str_eq(known2.reply, unknown2.reply);
}
END_TEST

START_TEST(test_unknown_code_from_owner_phone)
{
	struct menu_result r;

	/* an unknown code asks for the digits whoever sends it */
	to_code_answer(UNKNOWN_CODE, OWNER, &dossier, &r);
	ck_assert_str_eq(r.reply, ASK_LAST4_VI);
}
END_TEST

START_TEST(test_lookup_blocked_limited)
{
	struct menu_session s = at("ask_code");
	struct menu_input in = in_of(MENU_EV_INPUT, CODE, OWNER);
	struct menu_result r;

	in.lookup_blocked = true;
	menu_step(tree, &s, &in, &r);
	/* refused before any lookup */
	ck_assert_int_eq(r.kind, MENU_REPLY);
	ck_assert_str_eq(r.reply, LIMITED_VI);
	ck_assert(r.final);
}
END_TEST

START_TEST(test_invalid_code_asks_again)
{
	static const char *const bad[] = { "abc", "", "000.00.19.H56-251306-0001",
					   CODE " 1234" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct menu_session s = at("ask_code");
		struct menu_result r;

		run(&s, in_of(MENU_EV_INPUT, bad[i], OWNER), &dossier, &r);
		ck_assert_str_eq(r.reply,
				 "Du lieu khong hop le.\n" ASK_CODE_VI);
		ck_assert(!r.final);
		ck_assert_str_eq(r.next.node, "ask_code");
	}
}
END_TEST

START_TEST(test_language_switch)
{
	struct menu_session s = at("main");
	struct menu_result r, r2;

	run(&s, in_of(MENU_EV_INPUT, "9", OWNER), NULL, &r);
	ck_assert_int_eq(r.set_lang, 1);
	ck_assert_int_eq(r.next.lang, 1);
	ck_assert_str_eq(r.reply, MAIN_EN);
	ck_assert_str_eq(r.next.node, "main");
	ck_assert(!r.final);

	/* and back */
	run(&r.next, in_of(MENU_EV_INPUT, "9", OWNER), NULL, &r2);
	ck_assert_int_eq(r2.set_lang, 0);
	ck_assert_str_eq(r2.reply, MAIN_VI);

	/* English all the way to the status */
	run(&r.next, in_of(MENU_EV_INPUT, "1", OWNER), NULL, &r2);
	ck_assert_str_eq(r2.reply, "Enter the dossier code (e.g. "
				   "000.00.19.H56-250806-0001):");
	run(&r2.next, in_of(MENU_EV_INPUT, CODE, OWNER), &dossier, &r);
	ck_assert_str_eq(r.reply, "Dossier " CODE "\nCap ban sao trich luc "
				  "khai sinh\nStatus: In progress\nDue: "
				  "20/08/2025");
}
END_TEST

START_TEST(test_start_in_english)
{
	struct menu_session s = none();
	struct menu_input in = in_of(MENU_EV_START, "*8088#", OWNER);
	struct menu_result r;

	in.lang = 1;
	run(&s, in, NULL, &r);
	ck_assert_str_eq(r.reply, MAIN_EN);
	ck_assert_int_eq(r.next.lang, 1);
}
END_TEST

START_TEST(test_fold_off_keeps_diacritics)
{
	struct menu_session s = none();
	struct menu_input in = in_of(MENU_EV_START, "*8088#", OWNER);
	struct menu_result r;

	in.fold = false;
	run(&s, in, NULL, &r);
	/* with diacritics the screen is UCS-2: 80 characters a page */
	ck_assert_str_eq(r.reply, "Dịch vụ công Thái Nguyên\n1. Tra cứu hồ sơ\n"
				  "2. Yêu cầu gọi lại\n99. Xem tiếp");
	ck_assert(!r.final);
	s = r.next;
	in = in_of(MENU_EV_INPUT, "99", OWNER);
	in.fold = false;
	run(&s, in, NULL, &r);
	ck_assert_str_eq(r.reply, "3. Đặt lịch đến Trung tâm\n4. Đánh giá hồ sơ\n"
				  "5. Góp ý\n6. Nộp hồ sơ\n9. English");
	/* every option works whatever page is shown */
	s = r.next;
	in = in_of(MENU_EV_INPUT, "1", OWNER);
	in.fold = false;
	run(&s, in, NULL, &r);
	ck_assert_str_eq(r.next.node, "ask_code");
}
END_TEST

/* A long end screen comes a page at a time (here: with diacritics, so in
 * UCS-2, 80 characters a page); the session closes with the last page. */
START_TEST(test_long_end_screen_paged)
{
	struct menu_session s = at("ask_code");
	struct menu_input in = in_of(MENU_EV_INPUT, CODE, OWNER);
	struct menu_result r;
	int pages = 1;

	in.fold = false;
	run(&s, in, &dossier, &r);
	ck_assert(!r.final);
	ck_assert_int_le(utf8_length(r.reply), 80);
	ck_assert_ptr_nonnull(strstr(r.reply, "\n99. Xem tiếp"));
	while (!r.final && pages < 10) {
		s = r.next;
		in = in_of(MENU_EV_INPUT, "99", OWNER);
		in.fold = false;
		run(&s, in, &dossier, &r);
		ck_assert_int_le(utf8_length(r.reply), 80);
		pages++;
	}
	ck_assert(r.final);
	ck_assert_int_ge(pages, 2);
	ck_assert_ptr_nonnull(strstr(r.reply, "20/08/2025"));
	ck_assert_ptr_null(strstr(r.reply, "Xem tiếp"));
}
END_TEST

START_TEST(test_start_resets_session_keeps_language)
{
	struct menu_session s = at("ask_last4");
	struct menu_result r;

	s.lang = 1;
	menu_session_set(&s, "code", CODE);
	menu_session_set(&s, "last4", "1234");
	run(&s, in_of(MENU_EV_START, "*8088#", OWNER), NULL, &r);
	ck_assert_str_eq(r.reply, MAIN_EN);
	ck_assert_int_eq(r.next.nvars, 0);
	ck_assert_ptr_null(menu_session_get(&r.next, "last4"));
}
END_TEST

START_TEST(test_input_without_session_starts)
{
	struct menu_session s = none();
	struct menu_result r;

	run(&s, in_of(MENU_EV_INPUT, "1", OWNER), NULL, &r);
	ck_assert_str_eq(r.reply, MAIN_VI);
	ck_assert_str_eq(r.next.node, "main");
}
END_TEST

START_TEST(test_session_on_removed_node_restarts)
{
	struct menu_session s = at("node_removed_by_reload");
	struct menu_result r;

	run(&s, in_of(MENU_EV_INPUT, "1", OWNER), NULL, &r);
	ck_assert_str_eq(r.reply, MAIN_VI);
	ck_assert_str_eq(r.next.node, "main");
	ck_assert(!r.final);

	run(&s, in_of(MENU_EV_SMS, "1", OWNER), NULL, &r);
	ck_assert_str_eq(r.reply, MAIN_VI);
	ck_assert_str_eq(r.next.node, "main");

	/* a session left on a node that is no screen */
	s = at("lookup");
	run(&s, in_of(MENU_EV_INPUT, "1", OWNER), NULL, &r);
	ck_assert_str_eq(r.next.node, "main");
}
END_TEST

/* --- SMS ------------------------------------------------------------------------ */

START_TEST(test_sms_lookup_from_owner)
{
	struct menu_session s = none();
	struct menu_input in = in_of(MENU_EV_SMS, "TRACUU " CODE, OWNER);
	struct menu_result r;

	menu_step(tree, &s, &in, &r);
	ck_assert_int_eq(r.kind, MENU_NEED_DOSSIER);
	ck_assert_str_eq(r.need_key, KEY);
	in.dossier_key = KEY;
	in.dossier = &dossier;
	menu_step(tree, &s, &in, &r);
	ck_assert_int_eq(r.kind, MENU_REPLY);
	ck_assert_str_eq(r.reply, "Ho so 000.00.19.H56-250806-0001 (Cap ban "
				  "sao trich luc khai sinh): Dang xu ly. Hen "
				  "tra 20/08/2025.");
	ck_assert(r.final);
	ck_assert(!r.lookup_failed);
}
END_TEST

START_TEST(test_sms_lookup_spellings)
{
	static const char *const texts[] = {
		"tra cứu " CODE, "HS 0000019H56-250806-0001",
		"tracuu000.00.19.h56-250806-0001",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct menu_session s = none();
		struct menu_result r;

		run(&s, in_of(MENU_EV_SMS, texts[i], OWNER), &dossier, &r);
		ck_assert_msg(strstr(r.reply, "Dang xu ly. Hen tra 20/08/2025.")
				      != NULL,
			      "'%s': %s", texts[i], r.reply);
	}
}
END_TEST

#define SMS_NOT_FOUND(code)                                                 \
	"Khong tim thay ho so " code " cho so dien thoai nay. Ho so cua "   \
	"nguoi khac: TRACUU " code " <4 so cuoi CCCD>"

START_TEST(test_sms_unknown_code_not_found)
{
	struct menu_session s = none();
	struct menu_result r;

	run(&s, in_of(MENU_EV_SMS, "TRACUU " UNKNOWN_CODE, OWNER), &dossier,
	    &r);
	ck_assert_str_eq(r.reply, SMS_NOT_FOUND(UNKNOWN_CODE));
	ck_assert(r.final);
	ck_assert(r.lookup_failed);
}
END_TEST

START_TEST(test_sms_other_phone_same_as_unknown)
{
	struct menu_session s = none();
	struct menu_result known, unknown;

	run(&s, in_of(MENU_EV_SMS, "TRACUU " CODE, OTHER), &dossier, &known);
	run(&s, in_of(MENU_EV_SMS, "TRACUU " CODE, OTHER), NULL, &unknown);
	ck_assert_str_eq(known.reply, SMS_NOT_FOUND(CODE));
	ck_assert_str_eq(known.reply, unknown.reply);
	ck_assert(known.lookup_failed && unknown.lookup_failed);

	/* with wrong digits: the same again */
	run(&s, in_of(MENU_EV_SMS, "TRACUU " CODE " 9999", OTHER), &dossier,
	    &known);
	ck_assert_str_eq(known.reply, SMS_NOT_FOUND(CODE));
	ck_assert(known.lookup_failed);
}
END_TEST

START_TEST(test_sms_other_phone_with_last4)
{
	struct menu_session s = none();
	struct menu_result r;

	run(&s, in_of(MENU_EV_SMS, "TRACUU " CODE " 1234", OTHER), &dossier,
	    &r);
	ck_assert_str_eq(r.reply, "Ho so " CODE " (Cap ban sao trich luc khai "
				  "sinh): Dang xu ly. Hen tra 20/08/2025.");
	ck_assert(!r.lookup_failed);
}
END_TEST

START_TEST(test_sms_without_due_date)
{
	struct menu_session s = none();
	struct menu_result r;

	strcpy(dossier.due_at, "");
	dossier.status = 10;
	run(&s, in_of(MENU_EV_SMS, "TRACUU " CODE, OWNER), &dossier, &r);
	ck_assert_str_eq(r.reply, "Ho so " CODE " (Cap ban sao trich luc khai "
				  "sinh): Da tra ket qua.");
}
END_TEST

START_TEST(test_sms_in_english)
{
	struct menu_session s = none();
	struct menu_input in = in_of(MENU_EV_SMS, "TRACUU " CODE, OWNER);
	struct menu_result r;

	in.lang = 1;
	run(&s, in, &dossier, &r);
	ck_assert_str_eq(r.reply, "Dossier " CODE " (Cap ban sao trich luc "
				  "khai sinh): In progress. Due 20/08/2025.");
}
END_TEST

START_TEST(test_sms_lookup_usage)
{
	struct menu_session s = none();
	struct menu_result r;

	run(&s, in_of(MENU_EV_SMS, "TRACUU", OWNER), NULL, &r);
	ck_assert_str_eq(r.reply, "Sai cu phap. Soan: TRACUU <ma ho so>, vi du "
				  "TRACUU 000.00.19.H56-250806-0001");
	ck_assert(r.final);
	ck_assert(!r.lookup_failed);
	run(&s, in_of(MENU_EV_SMS, "TRACUU " CODE " xin cam on", OWNER), NULL,
	    &r);
	ck_assert_ptr_nonnull(strstr(r.reply, "Sai cu phap."));
}
END_TEST

START_TEST(test_sms_lookup_blocked)
{
	struct menu_session s = none();
	struct menu_input in = in_of(MENU_EV_SMS, "TRACUU " CODE, OWNER);
	struct menu_result r;

	in.lookup_blocked = true;
	menu_step(tree, &s, &in, &r);
	ck_assert_int_eq(r.kind, MENU_REPLY);
	ck_assert_str_eq(r.reply, LIMITED_VI);
	ck_assert(r.final);
}
END_TEST

START_TEST(test_sms_menu_opens_menu)
{
	struct menu_session s = none();
	struct menu_result r;

	run(&s, in_of(MENU_EV_SMS, "menu", OWNER), NULL, &r);
	ck_assert_str_eq(r.reply, MAIN_VI);
	ck_assert(!r.final);
	ck_assert_str_eq(r.next.node, "main");
}
END_TEST

START_TEST(test_sms_digit_continues_session)
{
	struct menu_session s = at("main");
	struct menu_result r, r2;

	run(&s, in_of(MENU_EV_SMS, "1", OWNER), NULL, &r);
	ck_assert_str_eq(r.reply, ASK_CODE_VI);
	ck_assert_str_eq(r.next.node, "ask_code");
	/* the code typed alone answers the open session */
	run(&r.next, in_of(MENU_EV_SMS, CODE, OWNER), &dossier, &r2);
	ck_assert_str_eq(r2.reply, STATUS_VI);
	ck_assert(r2.final);
}
END_TEST

START_TEST(test_sms_free_text_without_session_gets_help)
{
	static const char *const texts[] = { "xin chao", "1", "", "HELP", "?" };

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct menu_session s = none();
		struct menu_result r;

		run(&s, in_of(MENU_EV_SMS, texts[i], OWNER), NULL, &r);
		ck_assert_str_eq(r.reply, HELP_VI);
		ck_assert(r.final);
	}
}
END_TEST

START_TEST(test_sms_opt_out_and_in)
{
	struct menu_session s = at("main");
	struct menu_result r;

	run(&s, in_of(MENU_EV_SMS, "TU CHOI", OWNER), NULL, &r);
	ck_assert_str_eq(r.reply, "Ban da tu choi nhan tin nhan thong bao. "
				  "Soan DANG KY de nhan lai.");
	ck_assert(r.final);
	run(&s, in_of(MENU_EV_SMS, "DANG KY", OWNER), NULL, &r);
	ck_assert_str_eq(r.reply, "Ban da dang ky nhan tin nhan thong bao. "
				  "Soan TU CHOI de dung.");
	ck_assert(r.final);
}
END_TEST

/* --- sessions and rendering --------------------------------------------------------- */

START_TEST(test_session_vars)
{
	struct menu_session s = none();
	char name[16], big[MENU_VAR_VALUE * 2 + 64];

	ck_assert_int_eq(menu_session_set(&s, "a", "1"), 0);
	ck_assert_int_eq(menu_session_set(&s, "a", "2"), 0);
	ck_assert_int_eq(s.nvars, 1);
	ck_assert_str_eq(menu_session_get(&s, "a"), "2");
	for (int i = 1; i < MENU_VAR_MAX; i++) {
		snprintf(name, sizeof(name), "v%d", i);
		ck_assert_int_eq(menu_session_set(&s, name, "x"), 0);
	}
	ck_assert_int_eq(menu_session_set(&s, "one_more", "x"), -ENOSPC);
	ck_assert_ptr_null(menu_session_get(&s, "one_more"));

	/* a long value is cut between characters, never inside one */
	memset(big, 0, sizeof(big));
	for (int i = 0; i < MENU_VAR_VALUE / 2 + 10; i++)
		memcpy(big + 2 * i, "\xC3\xA0", 2);	/* à */
	ck_assert_int_eq(menu_session_set(&s, "a", big), 0);
	/* MENU_VAR_VALUE - 1 bytes at most, rounded down to whole à */
	ck_assert_uint_eq(strlen(menu_session_get(&s, "a")),
			  (MENU_VAR_VALUE - 1) / 2 * 2);
	ck_assert(tu_utf8_valid(menu_session_get(&s, "a"),
				(MENU_VAR_VALUE - 1) / 2 * 2));
}
END_TEST

START_TEST(test_render)
{
	struct menu_session s = none();
	char out[64];

	menu_session_set(&s, "code", "X-1");
	menu_render("Hồ sơ {code}: {missing}!", &s, true, out, sizeof(out));
	ck_assert_str_eq(out, "Ho so X-1: !");
	menu_render("Hồ sơ {code}", &s, false, out, sizeof(out));
	ck_assert_str_eq(out, "Hồ sơ X-1");
	menu_render("{not closed", &s, true, out, sizeof(out));
	ck_assert_str_eq(out, "{not closed");
	menu_render("{code}", NULL, true, out, sizeof(out));
	ck_assert_str_eq(out, "");
	/* a short buffer never splits a character */
	menu_render("Hồ sơ", &s, false, out, 3);
	ck_assert_str_eq(out, "H");
}
END_TEST

START_TEST(test_dossier_vars)
{
	struct menu_session s = none();

	menu_dossier_vars(&dossier, 0, &s);
	ck_assert_str_eq(menu_session_get(&s, "code"), CODE);
	ck_assert_str_eq(menu_session_get(&s, "procedure"),
			 "Cấp bản sao trích lục khai sinh");
	ck_assert_str_eq(menu_session_get(&s, "status"), "Đang xử lý");
	ck_assert_str_eq(menu_session_get(&s, "due"), "20/08/2025");
	menu_dossier_vars(&dossier, 1, &s);
	ck_assert_str_eq(menu_session_get(&s, "status"), "In progress");
}
END_TEST

START_TEST(test_tree_contents)
{
	const struct menu_node *n;

	/* main.cfg and the procedure files it includes */
	ck_assert_int_ge(menu_node_count(tree), 8);
	n = menu_node_find(tree, "main");
	ck_assert_ptr_nonnull(n);
	ck_assert_int_eq(n->type, MENU_NODE_MENU);
	ck_assert_int_eq(n->noptions, 7);	/* 1-6 and 9 */
	ck_assert_ptr_eq(menu_node_at(tree, n->options[0].next_idx),
			 menu_node_find(tree, "ask_code"));
	n = menu_node_find(tree, "lookup");
	ck_assert_int_eq(n->type, MENU_NODE_ACTION);
	ck_assert_str_eq(n->action, "dossier_lookup");
	ck_assert_int_eq(n->noutcomes, 3);
	ck_assert_ptr_null(menu_node_find(tree, "nope"));
	ck_assert_ptr_null(menu_node_at(tree, -1));
	ck_assert_ptr_null(menu_node_at(tree, menu_node_count(tree)));
	ck_assert_str_eq(menu_message(tree, "invalid_choice", 1),
			 "Invalid choice.");
	ck_assert_ptr_null(menu_message(tree, "nope", 0));
	ck_assert_int_eq(menu_lang_index("vi"), 0);
	ck_assert_int_eq(menu_lang_index("en"), 1);
	ck_assert_int_eq(menu_lang_index("fr"), -1);
	ck_assert_int_eq(menu_lang_index(NULL), -1);
}
END_TEST

/* --- loader refusals ------------------------------------------------------------ */

/* Lines 1..7 of every test menu; "nodes = (" is line 8, the first node
 * line 9. */
#define HEAD_START(start)                                                    \
	"menu = { start = \"" start "\"; };\n"                               \
	"messages = {\n"                                                     \
	"  help = \"h\"; lookup_usage = \"u\"; not_found = \"n\";\n"         \
	"  status = \"s\"; status_nodue = \"sn\"; invalid_choice = \"ic\";\n" \
	"  invalid_input = \"ii\"; limited = \"l\"; optout = \"oo\";\n"      \
	"  optin = \"oi\";\n"                                                \
	"};\n"
#define HEAD HEAD_START("main")
#define NODES(body) "nodes = (\n" body ");\n"
#define MAIN_NODE                                                            \
	"  { id = \"main\"; type = \"menu\"; text = \"M\";\n"                \
	"    options = ( { key = \"1\"; label = \"x\"; next = \"bye\"; } ); },\n"
#define BYE_NODE "  { id = \"bye\"; type = \"end\"; text = \"B\"; }\n"

/* Loads a menu dir whose main.cfg is text; returns menu_load's result. */
static int load_menu(const char *text, char *err, size_t errlen,
		     char **dirout)
{
	struct menu_tree *t = NULL;
	char *dir = tu_tmpdir();
	int rc;

	tu_write(dir, "main.cfg", text);
	rc = menu_load(dir, &t, err, errlen);
	if (rc == 0) {
		ck_assert_ptr_nonnull(t);
		menu_free(t);
	}
	*dirout = dir;
	return rc;
}

/* Expects "<dir>/main.cfg:<line>: <rest>". */
static void menu_refused(const char *text, int line, const char *rest)
{
	char err[512] = "", want[1024];
	char *dir;

	ck_assert_int_eq(load_menu(text, err, sizeof(err), &dir), -EINVAL);
	if (line)
		snprintf(want, sizeof(want), "%s/main.cfg:%d: %s", dir, line,
			 rest);
	else
		snprintf(want, sizeof(want), "%s/main.cfg: %s", dir, rest);
	tu_rmtree(dir);
	ck_assert_str_eq(err, want);
}

START_TEST(test_loader_minimal_menu_loads)
{
	char err[512] = "";
	char *dir;

	ck_assert_msg(load_menu(HEAD NODES(MAIN_NODE BYE_NODE), err,
				sizeof(err), &dir) == 0, "%s", err);
	tu_rmtree(dir);
}
END_TEST

START_TEST(test_loader_missing_target)
{
	menu_refused(HEAD NODES(
		"  { id = \"main\"; type = \"menu\"; text = \"M\";\n"
		"    options = ( { key = \"1\"; label = \"x\"; next = \"nowhere\"; } ); }\n"),
		9, "node 'main' points to 'nowhere', which does not exist");
	menu_refused(HEAD NODES(MAIN_NODE
		"  { id = \"bye\"; type = \"action\"; action = \"set_language\";\n"
		"    next = \"gone\"; }\n"),
		11, "node 'bye' points to 'gone', which does not exist");
}
END_TEST

START_TEST(test_loader_duplicate_id)
{
	char err[512] = "", want[1024];
	char *dir;

	ck_assert_int_eq(load_menu(HEAD NODES(MAIN_NODE BYE_NODE ",\n"
					      "  { id = \"bye\"; type = \"end\"; "
					      "text = \"B2\"; }\n"),
				   err, sizeof(err), &dir), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s/main.cfg:13: node id 'bye' is already used at "
		 "%s/main.cfg:11", dir, dir);
	tu_rmtree(dir);
	ck_assert_str_eq(err, want);
}
END_TEST

/* Found by fuzz/menuload: a text that is not UTF-8 (a file saved in a
 * Windows code page) loaded, and went to citizens as it was. */
START_TEST(test_loader_refuses_text_not_utf8)
{
	menu_refused(HEAD NODES(MAIN_NODE
		"  { id = \"bye\"; type = \"end\"; text = \"H\xf4 s\xa1\"; }\n"),
		11, "text is not UTF-8 (save the file as UTF-8)");
	menu_refused(HEAD NODES(MAIN_NODE
		"  { id = \"bye\"; type = \"end\";\n"
		"    text = { vi = \"H\xe1\xbb\"; en = \"Bye\"; }; }\n"),
		12, "text is not UTF-8 (save the file as UTF-8)");
}
END_TEST

START_TEST(test_loader_unknown_node_type)
{
	menu_refused(HEAD NODES(MAIN_NODE
		"  { id = \"bye\"; type = \"list\"; text = \"B\"; }\n"),
		11, "node 'bye': unknown type 'list' (menu, input, action, end, "
		"procedures)");
}
END_TEST

START_TEST(test_loader_unknown_action)
{
	menu_refused(HEAD NODES(MAIN_NODE BYE_NODE ",\n"
		"  { id = \"act\"; type = \"action\"; action = \"send_fax\";\n"
		"    next = \"bye\"; }\n"),
		13, "node 'act': unknown action 'send_fax' (dossier_lookup, "
		    "dossier_rating, visit_days, submit, set_language)");
}
END_TEST

START_TEST(test_loader_unknown_outcome)
{
	menu_refused(HEAD NODES(MAIN_NODE BYE_NODE ",\n"
		"  { id = \"act\"; type = \"action\"; action = \"dossier_lookup\";\n"
		"    next = \"bye\"; on = { not_found = \"bye\"; bogus = \"bye\"; }; }\n"),
		13, "node 'act': action dossier_lookup has no outcome 'bogus'");
}
END_TEST

START_TEST(test_loader_menu_without_options)
{
	menu_refused(HEAD NODES(
		"  { id = \"main\"; type = \"menu\"; text = \"M\"; }\n"),
		9, "menu node 'main' has no options");
	menu_refused(HEAD NODES(
		"  { id = \"main\"; type = \"menu\"; text = \"M\"; options = ( ); }\n"),
		9, "menu node 'main' has no options");
}
END_TEST

START_TEST(test_loader_missing_required_message)
{
	menu_refused("menu = { start = \"main\"; };\n"
		     "messages = {\n"
		     "  help = \"h\"; lookup_usage = \"u\"; not_found = \"n\";\n"
		     "  status = \"s\"; status_nodue = \"sn\"; invalid_choice = \"ic\";\n"
		     "  invalid_input = \"ii\"; limited = \"l\"; optout = \"oo\";\n"
		     "};\n" NODES(MAIN_NODE BYE_NODE),
		     0, "messages.optin is missing");
}
END_TEST

START_TEST(test_loader_other_refusals)
{
	menu_refused(HEAD_START("nope") NODES(MAIN_NODE BYE_NODE), 1,
		     "start node 'nope' does not exist");
	menu_refused(HEAD NODES(MAIN_NODE
		"  { id = \"bye\"; type = \"end\"; }\n"),
		11, "end node 'bye' has no text");
	menu_refused(HEAD NODES(MAIN_NODE
		"  { id = \"bye\"; type = \"input\"; text = \"t\"; next = \"main\"; }\n"),
		11, "input node 'bye' needs save and next");
	menu_refused(HEAD NODES(MAIN_NODE
		"  { id = \"bye\"; type = \"input\"; input = \"fingerprint\";\n"
		"    text = \"t\"; save = \"x\"; next = \"main\"; }\n"),
		11, "unknown input type 'fingerprint' (dossier_code, digits, "
		    "phone, yesno, rating, text, last4, pattern, citizen_id, "
		    "full_name, date, commune, count)");
	menu_refused(HEAD NODES(MAIN_NODE
		"  { id = \"bye\"; type = \"end\"; text = { vi = \"a\"; fr = \"b\"; }; }\n"),
		11, "unknown language 'fr' (vi, en)");
	menu_refused(HEAD NODES(MAIN_NODE
		"  { id = \"bye\"; type = \"end\"; text = \"B\"; colour = \"red\"; }\n"),
		11, "unknown node setting 'colour'");
	menu_refused(HEAD NODES(
		"  { id = \"main\"; type = \"menu\"; text = \"M\";\n"
		"    options = ( { key = \"1\"; label = \"x\"; next = \"bye\"; },\n"
		"                { key = \"1\"; label = \"y\"; next = \"bye\"; } ); },\n"
		BYE_NODE),
		11, "key \"1\" is used twice in node 'main'");
	menu_refused(HEAD "extra = 1;\n" NODES(MAIN_NODE BYE_NODE), 8,
		     "unknown top-level setting 'extra' (menu, messages, "
		     "nodes)");
	menu_refused(HEAD "nodes = (\n  { id = \"main\" type = ; }\n);\n", 9,
		     "syntax error");
}
END_TEST

START_TEST(test_loader_missing_dir)
{
	struct menu_tree *t = NULL;
	char err[512] = "";
	char *dir = tu_tmpdir();
	char want[1024];

	ck_assert_int_eq(menu_load(dir, &t, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s/main.cfg: cannot read the menu file",
		 dir);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(t);
	tu_rmtree(dir);
}
END_TEST

/* A menu for which the loader makes every kind of allocation it has:
 * texts given once and per language, an option value, a compiled
 * pattern, the name of an included file. */
#define OOM_MAIN HEAD NODES(                                                 \
	"  { id = \"main\"; type = \"menu\";\n"                              \
	"    text = { vi = \"M\"; en = \"E\"; };\n"                           \
	"    options = ( { key = \"1\"; label = \"x\"; value = \"v\";\n"       \
	"                  next = \"ask\"; } ); },\n"                          \
	"  @include \"more.cfg\"\n")
#define OOM_MORE                                                             \
	"  { id = \"ask\"; type = \"input\"; input = \"pattern\";\n"          \
	"    pattern = \"^[0-9]+$\"; text = \"A\"; save = \"a\";\n"            \
	"    next = \"bye\"; },\n"                                             \
	BYE_NODE

static void count_problem(void *arg, const char *file, int line,
			  const char *msg)
{
	(*(int *)arg)++;
}

/*
 * Loading fails at each allocation in turn, as a SIGHUP reload may: every
 * failure returns -ENOMEM with the file in err, leaves the running tree
 * in *out as it was, and frees what it built (LeakSanitizer, or valgrind
 * with make check-valgrind, fails the test otherwise). The process must
 * not end (abort) on the way.
 */
START_TEST(test_loader_out_of_memory_fails_cleanly)
{
	char *dir = tu_tmpdir();
	struct menu_tree *running = NULL, *t;
	char err[512];
	bool named_include = false;
	int n, rc, problems = 0;

	tu_write(dir, "main.cfg", OOM_MAIN);
	tu_write(dir, "more.cfg", OOM_MORE);
	ck_assert_msg(menu_load(dir, &running, err, sizeof(err)) == 0, "%s",
		      err);
	for (n = 0;; n++) {
		t = running;
		err[0] = '\0';
		menu_load_fail_after(n);
		rc = menu_load(dir, &t, err, sizeof(err));
		menu_load_fail_after(-1);
		if (rc == 0)
			break;
		ck_assert_msg(rc == -ENOMEM, "allocation %d: %d, %s", n, rc,
			      err);
		ck_assert_ptr_eq(t, running);
		ck_assert_msg(strncmp(err, dir, strlen(dir)) == 0 &&
			      strstr(err, ": out of memory"), "%s", err);
		named_include |= strstr(err, "/more.cfg:") != NULL;

		menu_load_fail_after(n);
		rc = menu_load_checked(dir, &t, count_problem, &problems, err,
				       sizeof(err));
		menu_load_fail_after(-1);
		ck_assert_int_lt(rc, 0);
		ck_assert_ptr_eq(t, running);
	}
	menu_free(t);
	/* 34 today: the tree, two file names, 20 message texts, 5 for main
	 * (text, label, value), 4 for ask (text, pattern and its source)
	 * and 2 for bye */
	ck_assert_int_ge(n, 30);
	ck_assert(named_include);
	ck_assert_int_eq(problems, 0);
	menu_free(running);
	tu_rmtree(dir);
}
END_TEST

START_TEST(test_action_cycle_ends_with_help)
{
	char err[512] = "";
	char *dir = tu_tmpdir();
	struct menu_tree *t = NULL;
	struct menu_session s;
	struct menu_input in = in_of(MENU_EV_START, "", OWNER);
	struct menu_result r;

	tu_write(dir, "main.cfg",
		 HEAD_START("spin") NODES(
		 "  { id = \"spin\"; type = \"action\"; action = \"set_language\";\n"
		 "    next = \"spin\"; }\n"));
	ck_assert_msg(menu_load(dir, &t, err, sizeof(err)) == 0, "%s", err);
	memset(&s, 0, sizeof(s));
	menu_step(t, &s, &in, &r);
	ck_assert_str_eq(r.reply, "h");
	ck_assert(r.final);
	menu_free(t);
	tu_rmtree(dir);
}
END_TEST

/* --- property -------------------------------------------------------------------- */

#define PROP_SEQS 500

static void random_text(char *buf, size_t cap)
{
	static const char *const fixed[] = {
		"1", "9", "7", "0", "12", "1234", "9999", "12 34", "*8088#",
		CODE, UNKNOWN_CODE, "000.00.19.h56 - 250806 - 0001",
		"TRACUU " CODE, "TRACUU " CODE " 1234", "tra cứu " UNKNOWN_CODE,
		"TRACUU", "MENU", "HELP", "STOP", "DANG KY", "HS", "?",
		"{code}", "%s%n", "", " ", "\xFF\xFE", "\xC0\xAF" CODE,
		"Hủy", "漢字",
	};
	int kind = rand() % 4;

	if (kind <= 1) {
		snprintf(buf, cap, "%s", fixed[rand() % (int)(sizeof(fixed) /
							     sizeof(fixed[0]))]);
		return;
	}
	/* random bytes, sometimes very long */
	{
		size_t n = kind == 2 ? (size_t)rand() % 40
				     : 500 + (size_t)rand() % (cap - 501);

		for (size_t i = 0; i < n; i++)
			buf[i] = (char)(1 + rand() % 255);
		buf[n] = '\0';
	}
}

START_TEST(test_property_random_walks)
{
	static char text[3000];
	int replies = 0, finals = 0;

	srand(1);
	for (int seq = 0; seq < PROP_SEQS; seq++) {
		struct menu_session cur = none();
		int steps = 1 + rand() % 10;
		const char *msisdn = rand() % 2 ? OWNER : OTHER;
		int lang = rand() % 2;

		for (int st = 0; st < steps; st++) {
			struct menu_input in;
			struct menu_result r;
			int ev = rand() % 5;
			int asked = 0;

			random_text(text, sizeof(text));
			in = in_of(ev == 0 ? MENU_EV_START
				   : ev <= 2 ? MENU_EV_INPUT : MENU_EV_SMS,
				   text, msisdn);
			in.lang = lang;
			in.fold = rand() % 4 != 0;
			in.lookup_blocked = rand() % 10 == 0;
			menu_step(tree, &cur, &in, &r);
			while (r.kind == MENU_NEED_DOSSIER) {
				static char key[DOSSIER_CODE_MAX];

				ck_assert_int_lt(++asked, 3);
				ck_assert_uint_gt(strlen(r.need_key), 0);
				strcpy(key, r.need_key);
				in.dossier_key = key;
				/* unknown, or sometimes the sample dossier */
				in.dossier = strcmp(key, KEY) == 0 &&
						     rand() % 2
					     ? &dossier
					     : NULL;
				menu_step(tree, &cur, &in, &r);
			}
			replies++;
			ck_assert_uint_gt(strlen(r.reply), 0);
			ck_assert_uint_lt(strlen(r.reply), MENU_TEXT_MAX);
			ck_assert_msg(tu_utf8_valid(r.reply, strlen(r.reply)),
				      "invalid UTF-8 reply");
			ck_assert(r.set_lang >= -1 && r.set_lang < MENU_LANGS);
			if (r.final) {
				finals++;
				cur = none();
				continue;
			}
			{
				const struct menu_node *n =
					menu_node_find(tree, r.next.node);

				ck_assert_msg(n != NULL, "next node '%s'",
					      r.next.node);
				ck_assert(n->type == MENU_NODE_MENU ||
					  n->type == MENU_NODE_INPUT);
				ck_assert(r.next.exists);
				ck_assert(r.next.lang >= 0 &&
					  r.next.lang < MENU_LANGS);
				ck_assert_int_le(r.next.nvars, MENU_VAR_MAX);
			}
			cur = r.next;
			if (r.set_lang >= 0)
				lang = r.set_lang;
		}
	}
	/* the walk reached both kinds of step */
	ck_assert_int_gt(finals, 0);
	ck_assert_int_gt(replies - finals, 0);
}
END_TEST

Suite *suite_menu(void)
{
	Suite *s = suite_create("menu");
	TCase *tc;

	tc = tcase_create("ussd_walk");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_start_shows_main_menu);
	tcase_add_test(tc, test_option_1_asks_for_code);
	tcase_add_test(tc, test_invalid_choice_reshows_screen);
	tcase_add_test(tc, test_option_key_with_spaces);
	tcase_add_test(tc, test_code_asks_for_dossier);
	tcase_add_test(tc, test_owner_sees_status);
	tcase_add_test(tc, test_owner_sees_status_without_due);
	tcase_add_test(tc, test_other_phone_asked_for_last4);
	tcase_add_test(tc, test_right_last4_shows_status);
	tcase_add_test(tc, test_wrong_last4_not_found);
	tcase_add_test(tc, test_bad_last4_input_asks_again);
	tcase_add_test(tc, test_unknown_code_indistinguishable);
	tcase_add_test(tc, test_unknown_code_from_owner_phone);
	tcase_add_test(tc, test_lookup_blocked_limited);
	tcase_add_test(tc, test_invalid_code_asks_again);
	tcase_add_test(tc, test_language_switch);
	tcase_add_test(tc, test_start_in_english);
	tcase_add_test(tc, test_fold_off_keeps_diacritics);
	tcase_add_test(tc, test_long_end_screen_paged);
	tcase_add_test(tc, test_start_resets_session_keeps_language);
	tcase_add_test(tc, test_input_without_session_starts);
	tcase_add_test(tc, test_session_on_removed_node_restarts);
	suite_add_tcase(s, tc);

	tc = tcase_create("sms");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sms_lookup_from_owner);
	tcase_add_test(tc, test_sms_lookup_spellings);
	tcase_add_test(tc, test_sms_unknown_code_not_found);
	tcase_add_test(tc, test_sms_other_phone_same_as_unknown);
	tcase_add_test(tc, test_sms_other_phone_with_last4);
	tcase_add_test(tc, test_sms_without_due_date);
	tcase_add_test(tc, test_sms_in_english);
	tcase_add_test(tc, test_sms_lookup_usage);
	tcase_add_test(tc, test_sms_lookup_blocked);
	tcase_add_test(tc, test_sms_menu_opens_menu);
	tcase_add_test(tc, test_sms_digit_continues_session);
	tcase_add_test(tc, test_sms_free_text_without_session_gets_help);
	tcase_add_test(tc, test_sms_opt_out_and_in);
	suite_add_tcase(s, tc);

	tc = tcase_create("session");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_session_vars);
	tcase_add_test(tc, test_render);
	tcase_add_test(tc, test_dossier_vars);
	tcase_add_test(tc, test_tree_contents);
	suite_add_tcase(s, tc);

	tc = tcase_create("loader");
	tcase_add_test(tc, test_loader_minimal_menu_loads);
	tcase_add_test(tc, test_loader_missing_target);
	tcase_add_test(tc, test_loader_duplicate_id);
	tcase_add_test(tc, test_loader_refuses_text_not_utf8);
	tcase_add_test(tc, test_loader_unknown_node_type);
	tcase_add_test(tc, test_loader_unknown_action);
	tcase_add_test(tc, test_loader_unknown_outcome);
	tcase_add_test(tc, test_loader_menu_without_options);
	tcase_add_test(tc, test_loader_missing_required_message);
	tcase_add_test(tc, test_loader_other_refusals);
	tcase_add_test(tc, test_loader_missing_dir);
	tcase_add_test(tc, test_loader_out_of_memory_fails_cleanly);
	tcase_add_test(tc, test_action_cycle_ends_with_help);
	suite_add_tcase(s, tc);

	tc = tcase_create("property");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_property_random_walks);
	suite_add_tcase(s, tc);
	return s;
}
