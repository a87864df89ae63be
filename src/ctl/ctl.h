/*
 * citizengw-ctl internals: the command files (one per subject) and the
 * helpers they share (ctl_util.c). ctl_main.c dispatches.
 */
#ifndef CGW_CTL_H
#define CGW_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "common/conf.h"

struct rec_def;
struct store_pairs;
struct store_sync;

/* --- commands: argc/argv are the command's arguments (argv[0] the first
 * after its name); each returns the exit code (0 done, 1 done with
 * rejections or not found, 2 error) or -1 for a usage error --- */

/* `import [--no-notify] FILE.csv`: dossiers (ctl_dossiers.c) */
int ctl_import(const struct cgw_conf *c, int argc, char **argv);
/* `dossier CODE`, `dossier status CODE STATUS [--reason TEXT]
 * [--no-notify]`; c may be NULL (`dossier status --help`: the others
 * then say -c is required) */
int ctl_dossier(const struct cgw_conf *c, int argc, char **argv);
/* `applications [--since WHEN] [--until WHEN] [--status N]
 * [--procedure ID] [--limit N]`: a table (ctl_apps.c); c as for
 * dossier */
int ctl_applications(const struct cgw_conf *c, int argc, char **argv);
/* `message ID`: an MT by our id or the SMS centre's (ctl_messages.c) */
int ctl_message(const struct cgw_conf *c, int argc, char **argv);
/* `send PHONE TEXT [--expires D] [--bind ID] [--no-fold]` */
int ctl_send(const struct cgw_conf *c, int argc, char **argv);
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
/*
 * `broadcast create|list|status|pause|resume|cancel|report ...`: through
 * the daemon's HTTP API (ctl_broadcast.c, ctl_http.h); argv[0] is the
 * broadcast command. c may be NULL: --help needs no configuration, the
 * others then say -c is required.
 */
int ctl_broadcast(const struct cgw_conf *c, int argc, char **argv);
/* `notify CODE`: the dossier's notice again, through the API (c as
 * above) */
int ctl_notify(const struct cgw_conf *c, int argc, char **argv);
/* `bind list|stop ID|start ID`: the daemon's binds, through the API
 * (ctl_bind.c; c as above) */
int ctl_bind(const struct cgw_conf *c, int argc, char **argv);

/* `keys [--json]`: the Redis keys by kind, and those that break their
 * kind's lifetime rule (ctl_keys.c): 0 none, 1 some, 2 no Redis */
int ctl_keys(const struct cgw_conf *c, int argc, char **argv);

/* --- helpers (ctl_util.c) --- */

/* The store of c, or NULL after printing why. The caller closes it with
 * store_sync_close(). */
struct store_sync *ctl_open_store(const struct cgw_conf *c);
/* A whole file (at most 512 MiB), NUL-terminated; NULL with errno. The
 * caller frees it. */
char *ctl_read_file(const char *path, size_t *len);
/* A record as "name value" lines: the table's fields in order, then any
 * other field as stored. */
void ctl_print_record(const struct rec_def *def, const struct store_pairs *p);
/*
 * A time as staff type it: "2026-11-01" (local midnight),
 * "2026-11-01T08:00" or "2026-11-01 08:00" (local time), or "7d", "12h",
 * "30m" back from now (UTC ms). Returns 0 or -EINVAL.
 */
int ctl_parse_when(const char *s, int64_t now, int64_t *ms);
/* Prints s in width columns: cut with "…" when longer, padded when
 * shorter. Columns are code points; combining marks take none. */
void ctl_print_cell(const char *s, int width);

#endif
