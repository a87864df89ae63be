/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * citizengw-ctl internals: the command files (one per subject) and the
 * helpers they share (ctl_util.c). ctl_main.c dispatches.
 */
#ifndef CGW_CTL_H
#define CGW_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "common/conf.h"

struct bcast_tz;
struct rec_def;
struct store_pairs;
struct store_sync;

/*
 * The exit codes of every command (the top-level usage and docs/ctl.md
 * list them).
 */
enum ctl_exit {
	CTL_EXIT_OK = 0,
	CTL_EXIT_PARTLY = 1,	/* not found, some rows rejected, problems
				 * found, not in a state for it */
	CTL_EXIT_USAGE = 2,	/* usage, a bad argument, the configuration,
				 * or the daemon refused the request */
	CTL_EXIT_UNREACHABLE = 3,	/* Redis or the daemon cannot be
					 * reached (or Redis failed) */
};

/* --- commands: argc/argv are the command's arguments (argv[0] the first
 * after its name); each returns the exit code (enum ctl_exit) or -1 for
 * a usage error (main prints the usage and exits 2). Each answers
 * --help and -h with its usage on stdout and exit 0. --- */

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
 * kind's lifetime rule (ctl_keys.c): 0 none, 1 some, 3 no Redis */
int ctl_keys(const struct cgw_conf *c, int argc, char **argv);
/* script [--sha] NAME (ctl_script.c) */
int ctl_script(const struct cgw_conf *c, int argc, char **argv);
/* `status [--json]`: the daemon's binds, queues, sessions and broadcasts
 * through its API (ctl_status.c); c as above */
int ctl_status(const struct cgw_conf *c, int argc, char **argv);

/* --- helpers (ctl_util.c) --- */

/* The store of c, or NULL after printing why (exit CTL_EXIT_UNREACHABLE).
 * The caller closes it with store_sync_close(). */
struct store_sync *ctl_open_store(const struct cgw_conf *c);
/* After a failed store call: prints the store's error; returns
 * CTL_EXIT_UNREACHABLE. */
int ctl_store_failed(struct store_sync *ss);

/*
 * Arguments of a command that has no option parser of its own: true
 * when one before "--" is --help or -h (then the usage goes to stdout
 * and the command exits 0).
 */
bool ctl_help_wanted(int argc, char **argv);
/* Removes every argument equal to flag (before "--") from argv, moving
 * the others up; true when there was one. */
bool ctl_take_flag(int *argc, char **argv, const char *flag);
/* The same for --json (and broadcast's old --json-output). */
bool ctl_take_json(int *argc, char **argv);

/* JSON to stdout, indented, with a newline. Takes the reference. */
void ctl_print_json(json_t *j);
/* A record's hash as a JSON object of strings, as stored. */
json_t *ctl_pairs_json(const struct store_pairs *p);

/*
 * The zone staff read times in: broadcast.timezone of c, as the daemon
 * loads it. NULL after saying why (the caller then shows UTC). The
 * caller frees it with bcast_tz_free().
 */
struct bcast_tz *ctl_tz(const struct cgw_conf *c);
/* "2026-12-04 09:12:05 (+07)": local time in tz (UTC when tz is NULL). */
void ctl_format_time(const struct bcast_tz *tz, int64_t utc_ms, char *out,
		     size_t cap);
/* "for 3m12s", "for 2d4h": how long ago since_ms was, at now_ms. */
void ctl_format_for(int64_t since_ms, int64_t now_ms, char *out, size_t cap);
/* "Label:" padded to the labels' column, then the value. */
void ctl_print_labelled(const char *label, const char *value);
/* A whole file (at most 512 MiB), NUL-terminated; NULL with errno. The
 * caller frees it. */
char *ctl_read_file(const char *path, size_t *len);
/* A record as labelled lines ("Receipt at: 2026-12-04 09:12:05 (+07)"):
 * the table's fields in order under their labels, times local in tz,
 * then any other field as stored. */
void ctl_print_record(const struct rec_def *def, const struct store_pairs *p,
		      const struct bcast_tz *tz);
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
