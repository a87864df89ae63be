/*
 * citizengw-ctl internals shared by its command files: ctl.c (main,
 * dossiers, messages), ctl_menu.c (menu check) and ctl_services.c
 * (procedure requests, phone profiles).
 */
#ifndef CGW_CTL_H
#define CGW_CTL_H

#include <hiredis/hiredis.h>

#include "common/conf.h"

/* A synchronous connection to the Redis of c (AUTH, SELECT done), or NULL
 * after printing why. The caller frees it with redisFree(). */
redisContext *ctl_connect_redis(const struct cgw_conf *c);

/*
 * `menu check [DIR]`: checks DIR (default: the configuration's menus.dir;
 * c may be NULL when DIR is given). Prints every problem as
 * "file:line: message"; returns 0 when there is none, 1 otherwise.
 */
int ctl_menu(const struct cgw_conf *c, int argc, char **argv);

/* `requests list|export [--since ..] [--until ..] [--kind ..]` */
int ctl_requests(const struct cgw_conf *c, int argc, char **argv);

/* `phone NUMBER`: the phone's profile (language, opt-out, limits) */
int ctl_phone(const struct cgw_conf *c, int argc, char **argv);

#endif
