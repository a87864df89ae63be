/*
 * Internal to the menu module: the tree layout and the action table shared
 * by the loader (menu_load.c) and the engine (menu_engine.c).
 */
#ifndef CGW_MENU_INT_H
#define CGW_MENU_INT_H

#include "cgw_menu.h"

#define MENU_MAX_NODES 256
#define MENU_MAX_MESSAGES 64
#define MENU_MAX_FILES 16

struct menu_message {
	char name[MENU_ID_MAX];
	struct menu_text text;
};

struct menu_tree {
	char dir[512];
	int start;
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
};

const struct menu_action_def *menu_action_find(const char *name);
bool menu_action_has_outcome(const struct menu_action_def *a,
			     const char *outcome);

/* messages every menu set must define (NULL-terminated) */
extern const char *const menu_required_messages[];

const char *menu_tree_intern_file(struct menu_tree *t, const char *file);
struct menu_node *menu_tree_add_node(struct menu_tree *t);
int menu_tree_add_message(struct menu_tree *t, const char *name);
struct menu_text *menu_tree_last_message(struct menu_tree *t);
const struct menu_text *menu_tree_message_text(const struct menu_tree *t,
					       const char *name);

#endif
