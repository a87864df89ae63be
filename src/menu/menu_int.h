/*
 * Internal to the menu module: the tree layout and the action table shared
 * by the loader (menu_load.c) and the engine (menu_engine.c).
 */
#ifndef CGW_MENU_INT_H
#define CGW_MENU_INT_H

#include "menu/menu.h"

#define MENU_MAX_NODES 256
#define MENU_MAX_MESSAGES 64
#define MENU_MAX_FILES 16

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
};

struct menu_action_def {
	const char *name;
	const char *outcomes[MENU_MAX_OUTCOMES];	/* besides "next" */
	const char *sets[5];	/* session variables it sets */
	bool takes_kind;	/* submit: kind = "..."; fields = [...] */
	bool takes_days;	/* visit_days: days = N; sets dayN, dayN_label */
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

/* --- menu_engine.c helpers the actions use ------------------------------ */

/* Writes message `name` (rendered) as the reply. */
void menu_say(struct menu_ctx *st, const char *name);
/* The node index an outcome leads to, or -1 when the node has none. */
int menu_outcome_target(const struct menu_node *n, const char *outcome);
/* True when the dossier for key is at hand (*d may be NULL: not found);
 * false after asking the caller for it. */
bool menu_have_dossier(struct menu_ctx *st, const char *key,
		       const struct dossier **d);

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
