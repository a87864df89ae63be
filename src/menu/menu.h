/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Menus: the tree loaded from menus/ (libconfig files) and the engine that
 * moves a citizen's session through it.
 *
 * The engine is a pure function: (tree, session, input, looked-up data) ->
 * (reply, next session, effects). It does no I/O; when it needs a dossier
 * it has not been given, it says so (MENU_NEED_DOSSIER) and the caller
 * fetches it and calls again with the same input. That keeps every step
 * restartable and testable without Redis.
 *
 * The same tree serves USSD (one screen per step) and SMS (one message per
 * step, answered by a new SMS).
 */
#ifndef CGW_MENU_H
#define CGW_MENU_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "services/dossier.h"

#define MENU_LANGS 2		/* 0 = vi, 1 = en */
#define MENU_ID_MAX 32
#define MENU_MAX_OPTIONS 10
#define MENU_MAX_OUTCOMES 6
#define MENU_VAR_MAX 32
#define MENU_VAR_NAME 16
#define MENU_VAR_VALUE 480	/* bytes: 160 characters with diacritics */
#define MENU_TEXT_MAX 1024
#define MENU_MAX_FIELDS 8	/* session variables a request records */
#define MENU_KIND_MAX 16
#define MENU_MAX_DAYS 9		/* days a visit_days action offers */

extern const char *const menu_lang_names[MENU_LANGS];
/* Index of a language name, or -1. */
int menu_lang_index(const char *name);

enum menu_channel { MENU_CH_SMS, MENU_CH_USSD };

enum menu_node_type {
	MENU_NODE_MENU,		/* text + numbered options */
	MENU_NODE_INPUT,	/* text, then a typed answer saved in a var */
	MENU_NODE_ACTION,	/* a service call; edges per outcome */
	MENU_NODE_END,		/* final text; the session ends */
};

enum menu_input_type {
	MENU_IN_DOSSIER_CODE,
	MENU_IN_DIGITS,
	MENU_IN_PHONE,
	MENU_IN_YESNO,
	MENU_IN_RATING,
	MENU_IN_TEXT,
	MENU_IN_LAST4,
	MENU_IN_PATTERN,	/* a POSIX extended regex (pattern = "...") */
	/* what an application asks (services/civil.h) */
	MENU_IN_CITIZEN_ID,	/* CCCD: 12 digits; also saves x_m, masked */
	MENU_IN_FULL_NAME,	/* a person's name, min_len..max_len chars */
	MENU_IN_DATE,		/* DD/MM/YYYY, not after today */
	MENU_IN_COMMUNE,	/* one of the communes (communes.cfg) */
	MENU_IN_COUNT,		/* a whole number min..max */
};

/* One text per language; NULL when missing (the checker reports it). */
struct menu_text {
	char *t[MENU_LANGS];
	int line;
};

struct menu_option {
	char key[4];
	struct menu_text label;
	char next[MENU_ID_MAX];
	int next_idx;
	char *value;		/* saved in the node's `save` var; NULL: key */
	int line;
};

struct menu_outcome {
	char name[MENU_ID_MAX];
	char next[MENU_ID_MAX];
	int next_idx;
	int line;
};

struct menu_node {
	char id[MENU_ID_MAX];
	enum menu_node_type type;
	struct menu_text text;
	struct menu_option options[MENU_MAX_OPTIONS];
	int noptions;
	enum menu_input_type input;
	char save[MENU_VAR_NAME];
	int min_len, max_len;
	char action[MENU_ID_MAX];
	char next[MENU_ID_MAX];
	int next_idx;
	struct menu_outcome outcomes[MENU_MAX_OUTCOMES];
	int noutcomes;
	/* input: the answer "0" goes back to this node ("" = none) */
	char back[MENU_ID_MAX];
	int back_idx;
	/* input pattern: the source and its compiled form */
	char *pattern;
	regex_t *re;
	/* action parameters: submit (kind, fields), visit_days (days) */
	char kind[MENU_KIND_MAX];
	char fields[MENU_MAX_FIELDS][MENU_VAR_NAME];
	int nfields;
	int days;
	/* procedures: the list node's cancel target; a procedure's own
	 * nodes point to it (app_prepare, app_file, its screens) */
	char cancel[MENU_ID_MAX];
	int cancel_idx;
	const struct menu_proc *proc;
	bool long_ok;	/* an end screen that may take two SMS */
	int next_line, back_line, text_line;	/* for the checker */
	const char *file;	/* points into the tree's file list */
	int line;
};

/* --- procedures (menu_proc.c, docs/menus.md "Applications") ------------- */

struct menu_tree;
struct cmd;	/* menu/cmd.h */

#define MENU_MAX_PROCS 9	/* one screen lists them */
#define MENU_PROC_FIELDS 6
#define MENU_PROC_ID 16
#define MENU_KEYWORD_MAX 24

/* One fact an application asks for. */
struct menu_proc_field {
	char name[MENU_VAR_NAME];	/* its session variable */
	enum menu_input_type input;
	int min, max;		/* count: the value; full_name: characters */
	int dflt;		/* count: when an SMS leaves it out (0: needed) */
	struct menu_text label;	/* in the summary: "Số bản" */
	struct menu_text prompt;	/* the USSD screen that asks it */
	int line;
};

/* A procedure a citizen can apply for: menus/procedures/<id>.cfg. */
struct menu_proc {
	char id[MENU_PROC_ID];
	char keyword[MENU_KEYWORD_MAX];	/* folded, upper case, no spaces */
	struct menu_text name;		/* in full: the dossier's procedure */
	struct menu_text short_name;	/* in lists and replies */
	struct menu_text usage;		/* the SMS form */
	struct menu_text fee, bring, agency_name;
	char agency[DOSSIER_CODE_MAX];	/* agency code of its dossier codes */
	int days;			/* working days to the result */
	int nfields;
	struct menu_proc_field fields[MENU_PROC_FIELDS];
	int first;	/* node index of its first screen */
	int done;	/* node index of its end screen */
	const char *file;
	int line;
};

int menu_proc_count(const struct menu_tree *tree);
const struct menu_proc *menu_proc_at(const struct menu_tree *tree, int i);
/* A procedure's text in a language (the other one when missing). */
const char *menu_proc_text(const struct menu_text *t, int lang);

struct menu_tree;

/*
 * Loads `dir`/main.cfg (which may @include others, relative to dir).
 * Returns 0, or -EINVAL with "file:line: message" in err. Structural
 * errors (missing target, duplicate id, unknown type) are refused here.
 * Out of memory it returns -ENOMEM, with the file being loaded in err.
 * On failure nothing is kept and *out is untouched. The caller owns *out
 * and gives it back with menu_free().
 */
int menu_load(const char *dir, struct menu_tree **out, char *err,
	      size_t errlen);
/*
 * MENU_LOAD_LENIENT: a missing edge target, start node or required
 * message does not fail the load (the edge index is -1): menu_check()
 * reports them all. Such a tree is for the checker only.
 */
#define MENU_LOAD_LENIENT 1
int menu_load_ex(const char *dir, int flags, struct menu_tree **out,
		 char *err, size_t errlen);
void menu_free(struct menu_tree *tree);

/* --- the checker (menu_check.c) ----------------------------------------- */

/* One problem: file and line (file NULL: msg is complete already). */
typedef void menu_report_fn(void *arg, const char *file, int line,
			    const char *msg);

/*
 * Checks a tree for what would hurt a citizen: edges to nodes that do not
 * exist, nodes the start node never reaches, nodes from which no end can
 * be reached (dead ends), actions that loop without a screen, texts
 * without a translation, unknown {variables}, and screens longer than a
 * USSD screen (182 GSM-7 characters, 80 UCS-2) or one SMS (160 GSM-7, 70
 * UCS-2) in any language, variables counted at their documented width
 * (docs/menus.md). Reports every problem in file and line order and
 * returns how many there were.
 */
int menu_check(const struct menu_tree *tree, menu_report_fn *report,
	       void *arg);

/*
 * Loads dir leniently and checks it: returns the number of problems (a
 * file that cannot be loaded at all is one, reported as such).
 */
int menu_check_dir(const char *dir, menu_report_fn *report, void *arg);

/*
 * What the daemon runs at start and on SIGHUP: loads dir and checks it.
 * Returns 0 with *out set, -ENOMEM, or -EINVAL after reporting every
 * problem, with a summary in err.
 */
int menu_load_checked(const char *dir, struct menu_tree **out,
		      menu_report_fn *report, void *arg, char *err,
		      size_t errlen);

/* Assumed width of a variable in the length check (docs/menus.md). */
int menu_var_width(const struct menu_tree *tree, const char *name);

int menu_node_count(const struct menu_tree *tree);
const struct menu_node *menu_node_at(const struct menu_tree *tree, int i);
const struct menu_node *menu_node_find(const struct menu_tree *tree,
				       const char *id);
/* A message from the messages group, in a language; NULL when missing. */
const char *menu_message(const struct menu_tree *tree, const char *name,
			 int lang);

/* --- sessions ----------------------------------------------------------- */

struct menu_var {
	char name[MENU_VAR_NAME];
	char value[MENU_VAR_VALUE];
};

/* What is stored in Redis per phone and channel. */
struct menu_session {
	bool exists;
	uint64_t version;	/* compare-and-swap guard */
	char node[MENU_ID_MAX];	/* node whose screen the citizen sees */
	int lang;		/* index into menu_lang_names */
	int nvars;
	struct menu_var vars[MENU_VAR_MAX];
};

const char *menu_session_get(const struct menu_session *s, const char *name);
/* Removes a variable (if set). */
void menu_session_unset(struct menu_session *s, const char *name);
/* Sets or replaces a variable; returns 0 or -ENOSPC. */
int menu_session_set(struct menu_session *s, const char *name,
		     const char *value);

/* --- the engine --------------------------------------------------------- */

enum menu_event {
	MENU_EV_START,		/* open the start node (USSD dial, SMS MENU) */
	MENU_EV_INPUT,		/* an answer to the current node */
	MENU_EV_SMS,		/* an SMS: a command, or an answer when an
				 * SMS session is open */
};

struct menu_input {
	enum menu_event ev;
	const char *text;	/* what the citizen sent (UTF-8) */
	/* text parsed by cmd_parse() (menu/cmd.h), or NULL: menu_step()
	 * parses it when it needs to */
	const struct cmd *cmd;
	enum menu_channel ch;
	int lang;		/* the citizen's language */
	bool fold;		/* write the reply without diacritics */
	/* when set, fold_lang decides per language of the reply (the
	 * language may change within a step) instead of fold */
	bool fold_by_lang;
	bool fold_lang[MENU_LANGS];
	const char *msisdn;	/* sender, 84xxxxxxxxx */
	int64_t now_ms;
	/* a dossier the caller looked up already: key and result */
	const char *dossier_key;	/* NULL: none looked up */
	const struct dossier *dossier;	/* NULL with a key: not found */
	bool lookup_blocked;	/* too many failed lookups from this phone */
	/* the MO id: reference numbers are derived from it, so that a
	 * recomputed step gets the same one */
	const char *event_id;
	/* days the service center is closed besides weekends */
	const int *holidays;
	int nholidays;
	/* the application the caller filed for this step (after
	 * MENU_NEED_FILING), or NULL */
	const struct menu_filed *filed;
};

/* What filing an application gave (menu_input.filed). */
struct menu_filed {
	char proc[MENU_PROC_ID];
	bool failed;			/* no code could be given */
	bool again;			/* filed before, by an earlier MO */
	char code[DOSSIER_CODE_MAX];	/* the dossier's code */
	char due_iso[11];		/* YYYY-MM-DD */
};

/* An application to file (MENU_NEED_FILING): a dossier in the making. */
struct menu_filing {
	const struct menu_proc *proc;
	int day;			/* local day it is filed */
	char due_iso[11];		/* the result is due */
	int nfields;
	struct menu_var fields[MENU_PROC_FIELDS];	/* in full */
};

/* A procedure request the caller records atomically with the session. */
struct menu_request {
	char kind[MENU_KIND_MAX];	/* "" = none */
	char ref[DOSSIER_CODE_MAX];	/* reference number or dossier code */
	int lang;
	int nfields;
	struct menu_var fields[MENU_MAX_FIELDS];
};

enum menu_result_kind {
	MENU_REPLY,		/* reply (and next session unless final) */
	MENU_NEED_DOSSIER,	/* look up need_key and call again */
	MENU_NEED_FILING,	/* file out->filing, call again with filed */
};

struct menu_result {
	enum menu_result_kind kind;
	char need_key[DOSSIER_CODE_MAX];
	char reply[MENU_TEXT_MAX];
	bool final;			/* the session ends with this reply */
	struct menu_session next;	/* when !final */
	/* effects the caller applies atomically with the session */
	bool lookup_failed;		/* counts towards the lookup limit */
	int set_lang;			/* -1: unchanged */
	int optout;			/* -1 unchanged, 1 out, 0 back in */
	struct menu_request req;	/* req.kind[0]: a procedure request */
	struct menu_filing filing;	/* MENU_NEED_FILING */
	/* the input was a valid choice or answer in an open session: the
	 * citizen walks a menu (not counted as a possible reply storm) */
	bool progress;
};

/* Sets out to a reply with nothing in it: kind MENU_REPLY, no text, no
 * next session's variables, no request or filing, set_lang and optout
 * -1 (unchanged). Entries of its arrays beyond their counts are left as
 * they were. */
void menu_result_clear(struct menu_result *out);

/*
 * Advances `cur` (exists=false: no session) with `in`. Never fails: bad
 * input yields a reply that says so. Returns MENU_REPLY or
 * MENU_NEED_DOSSIER in out->kind.
 */
void menu_step(const struct menu_tree *tree, const struct menu_session *cur,
	       const struct menu_input *in, struct menu_result *out);

/*
 * Renders a message template with session variables ("{code}") into out,
 * folded when `fold`. Unknown variables render empty.
 */
void menu_render(const char *tmpl, const struct menu_session *vars,
		 bool fold, char *out, size_t outlen);

/* Formats a dossier into session variables code, procedure, status, due
 * (procedure cut to its documented width, MENU_PROCEDURE_WIDTH). */
#define MENU_PROCEDURE_WIDTH 48
void menu_dossier_vars(const struct dossier *d, int lang,
		       struct menu_session *s);

#endif
