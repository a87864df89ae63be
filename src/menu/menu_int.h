/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Internal to the menu module: the tree layout and the action table shared
 * by the loader (menu_load.c) and the engine (menu_engine.c).
 */
#ifndef CGW_MENU_INT_H
#define CGW_MENU_INT_H

#include "menu/menu.h"

#define MENU_MAX_NODES 256
#define MENU_MAX_MESSAGES 64
#define MENU_MAX_FILES 32

struct menu_message {
	char name[MENU_ID_MAX];
	struct menu_text text;
	const char *file;	/* into the tree's files */
};

struct menu_tree {
	char dir[512];
	int start;		/* -1 in a lenient tree without it */
	char start_id[MENU_ID_MAX];
	int start_line;
	int messages_line;	/* of the messages group, 0 when absent */
	const char *main_file;	/* into files */
	int nnodes;
	struct menu_node nodes[MENU_MAX_NODES];
	int nmsgs;
	struct menu_message msgs[MENU_MAX_MESSAGES];
	int nfiles;
	char *files[MENU_MAX_FILES];
	/* applications: procedures/<id>.cfg, and communes.cfg */
	int nprocs;
	struct menu_proc procs[MENU_MAX_PROCS];
	int ncommunes;
	char **communes;
	const char *communes_file;
	int communes_line;
};

struct menu_action_def {
	const char *name;
	const char *outcomes[MENU_MAX_OUTCOMES];	/* besides "next" */
	const char *sets[5];	/* session variables it sets */
	bool takes_kind;	/* submit: kind = "..."; fields = [...] */
	bool takes_days;	/* visit_days: days = N; sets dayN, dayN_label */
	bool internal;		/* only in the nodes made for procedures */
};

/* The step in progress: what every engine and action function works on. */
struct menu_ctx {
	const struct menu_tree *tree;
	const struct menu_input *in;
	struct menu_result *out;
	struct menu_session *s;		/* == &out->next */
	const struct menu_node *shown;	/* node whose screen is the reply */
	int page;			/* USSD page of that screen to show */
};

/* --- menu_actions.c ------------------------------------------------------ */

#define MENU_ACT_END (-1)	/* the session ends; the reply is written */
#define MENU_ACT_FETCH (-2)	/* a dossier must be fetched first */

/* Runs an action node: returns the index of the node to enter next,
 * MENU_ACT_END or MENU_ACT_FETCH. */
int menu_run_action(struct menu_ctx *st, const struct menu_node *n);

enum menu_lookup_verdict {
	MENU_LOOKUP_SHOW,
	MENU_LOOKUP_NEED_ID,
	MENU_LOOKUP_NOT_FOUND,
};

/*
 * Who may see a dossier: its own phone, or anyone with the last 4 digits
 * of the citizen ID. Unknown code, other phone and wrong digits must be
 * indistinguishable from outside.
 */
enum menu_lookup_verdict menu_lookup_policy(const struct dossier *d,
					    const char *msisdn,
					    const char *last4);

const struct menu_action_def *menu_action_find(const char *name);
/* Every action, for the checker; NULL-terminated by name. */
extern const struct menu_action_def menu_actions[];
bool menu_action_has_outcome(const struct menu_action_def *a,
			     const char *outcome);

/* messages every menu set must define (NULL-terminated) */
extern const char *const menu_required_messages[];

/* An SMS application "<KEYWORD> <field> ..." (args: after the keyword). */
void menu_sms_apply(struct menu_ctx *st, const struct menu_proc *p,
		    const char *args);

/* --- menu_engine.c helpers the actions use ------------------------------ */

/*
 * Checks an answer of a civil input type (citizen_id, full_name, date,
 * commune, count; min..max for a count or a name) and saves it in `save`
 * (a citizen ID masked also in save_m). NULL, or the name of the message
 * that says what was expected ("bad_id_province", ...).
 */
const char *menu_check_civil(const struct menu_tree *t, int64_t now_ms,
			     enum menu_input_type type, int min, int max,
			     const char *save, const char *text,
			     struct menu_session *s);
/* msg rendered with {min} and {max} into out. */
void menu_notice(struct menu_ctx *st, const char *msg, int min, int max,
		 char *out, size_t outlen);

/* Writes message `name` (rendered) as the reply. */
void menu_say(struct menu_ctx *st, const char *name);
/* Writes the screen of node n as the reply. */
void menu_say_node(struct menu_ctx *st, const struct menu_node *n);
/* The node index an outcome leads to, or -1 when the node has none. */
int menu_outcome_target(const struct menu_node *n, const char *outcome);
/* True when the dossier for key is at hand (*d may be NULL: not found);
 * false after asking the caller for it. */
bool menu_have_dossier(struct menu_ctx *st, const char *key,
		       const struct dossier **d);

/* --- the loader's tools (menu_load.c), for menu_proc.c ------------------ */

#include <libconfig.h>

/* One load in progress. */
struct loader {
	struct menu_tree *tree;
	const char *main_file;
	char *err;
	size_t errlen;
	int flags;
	const char *dir;
	struct menu_node *list;	/* the node of type "procedures", or NULL */
	const config_setting_t *list_cfg;	/* and its setting */
};

/* Refuses setting s: -EINVAL, "file:line: message" in ld->err. Allocates
 * nothing, so that it also serves when memory is short. */
int menu_fail(struct loader *ld, const config_setting_t *s, const char *fmt,
	      ...) __attribute__((format(printf, 3, 4)));
/* Out of memory while loading setting s (NULL: before any): -ENOMEM. */
int menu_nomem(struct loader *ld, const config_setting_t *s);
/* strdup() and calloc() of everything the tree owns (failure injection
 * for the tests: menu_load_fail_after). */
char *menu_strdup(const char *s);
void *menu_calloc(size_t n, size_t size);
/* *out: the tree's name of the file setting s comes from. */
int menu_intern_source(struct loader *ld, const config_setting_t *s,
		       const char **out);
/* text = "same for all"; or { vi = "..."; en = "..."; } */
int menu_load_text(struct loader *ld, const config_setting_t *s,
		   struct menu_text *t);
void menu_free_text(struct menu_text *t);
/* A string setting of 1..MENU_ID_MAX-1 characters into out. */
int menu_get_id(struct loader *ld, const config_setting_t *s, char *out);
int menu_load_int(struct loader *ld, const config_setting_t *e, int min,
		  int max, int *out);
int menu_find_name(const char *const *names, size_t n, const char *s);
/* Input type names, by enum menu_input_type. */
extern const char *const menu_input_names[];
extern const size_t menu_input_count;

/* --- procedures (menu_proc.c) ------------------------------------------- */

/* Messages the procedures need (NULL-terminated). */
extern const char *const menu_proc_messages[];
/* Reads procedures/<*.cfg> (in name order) and communes.cfg of ld->dir;
 * either may be absent. */
int menu_load_procs(struct loader *ld);
/* Once the nodes are read: fills the "procedures" node's options and adds
 * every procedure's screens (ids "<procedure>.<step>"). */
int menu_synth_procs(struct loader *ld);
/* The procedure whose SMS keyword starts text (original UTF-8: spaces
 * and diacritics inside the keyword ignored); *args: what follows it. */
const struct menu_proc *menu_proc_match(const struct menu_tree *t,
					const char *text, const char **args);
/* The index of a commune typed by a citizen, or -1. */
int menu_commune_find(const struct menu_tree *t, const char *in);
/* Longest commune name, in characters (for the checker). */
int menu_commune_width(const struct menu_tree *t);
void menu_procs_free(struct menu_tree *t);

/* --- tree storage (menu_load.c) ---------------------------------------- */

/* The tree's own copy of a file name, made once per name; NULL when out of
 * memory. Past MENU_MAX_FILES names, the first one stands for the rest. */
const char *menu_tree_intern_file(struct menu_tree *t, const char *file);
struct menu_node *menu_tree_add_node(struct menu_tree *t);
int menu_tree_add_message(struct menu_tree *t, const char *name);
struct menu_text *menu_tree_last_message(struct menu_tree *t);
const struct menu_text *menu_tree_message_text(const struct menu_tree *t,
					       const char *name);

/* --- tests only (menu_load.c) ------------------------------------------- */

/*
 * Allocation failure injection for the loader's tests: from now on, n more
 * allocations of the loader succeed and every later one fails, until
 * n = -1 (the default) lets all succeed again. The programs never call it.
 */
void menu_load_fail_after(int n);

#endif
