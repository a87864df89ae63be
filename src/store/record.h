/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Records: every Redis hash and stream entry citizengw writes, each
 * described once by a field table (name in Redis and in the Lua scripts'
 * named arguments, type, default, where it lives in the C struct, and a
 * label for people). Writing a record into script arguments, reading it
 * back from a reply and printing it for citizengw-ctl all walk the same
 * table, so that a field added here is written, read and shown everywhere.
 *
 * Fields the scripts maintain (an MT's state, its receipts) have no place
 * in the C struct (REC_NOWHERE): they are read and shown, never written
 * from C.
 */
#ifndef CGW_STORE_RECORD_H
#define CGW_STORE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rec_type {
	REC_STR,	/* char[size] */
	REC_INT,	/* int */
	REC_I64,	/* int64_t */
	REC_BOOL,	/* bool, written 0 / 1 */
	REC_TIME,	/* int64_t UTC ms, shown as local time */
	REC_CH,		/* enum store_channel, written "sms" / "ussd" */
};

#define REC_NOWHERE ((size_t)-1)

/* A field the scripts maintain: read into the struct, never written from
 * C (a concatenation reference, a receipt). */
#define REC_SCRIPT 1u
/* The record's id, the last part of its key: never stored in the hash
 * (rec_each leaves it out), set by whoever read the record from the key
 * it asked for (a claim's reply names it, see claim.lua). */
#define REC_KEY 2u
/* Stored with the record's other REC_PACK fields in one hash field,
 * rec_def.pack: their values in table order (each always, defaults
 * too), '%' and ',' written %25 and %2C, joined by ','. Written field by
 * field, each costs Redis an HSET pair (about 2.8 K instructions, a
 * listpack grown once for the name and once for the value); packed, the
 * seven an SMS lookup's MO record wrote cost one (bench/script-cost.sh
 * --instr: 17 K fewer; its text, packed with them since, about 3 K
 * fewer again). A field
 * added to a pack goes after its others: a record written before it
 * has a value fewer, and that field its default. A reader takes a field
 * stored on its own as well (a record of an older version). */
#define REC_PACK 4u
/* a pack's value at most (each value escaped, three bytes a byte at
 * worst); one longer is not packed (rec_each). Every pack, an MO's
 * with its text, always fits (test_store_cmd.c computes the worst from
 * the tables): its fields written one by one would read an empty source
 * back as the phone (rec_fill, "=NAME"), as a record of an older
 * version does. */
#define REC_PACK_MAX 4096

struct rec_field {
	const char *name;	/* hash field and Lua argument name */
	enum rec_type type;
	size_t off;		/* in the C struct, or REC_NOWHERE */
	size_t size;		/* REC_STR: the buffer */
	/* when the hash lacks the field; "=NAME": the value of field NAME
	 * (a string written only where it differs, an MT's destination_addr
	 * that is its phone) */
	const char *def;
	unsigned flags;
	const char *label;	/* for people (ctl, the API) */
};

struct rec_def {
	const char *name;	/* "mt": its Lua argument group */
	const struct rec_field *fields;
	size_t nfields;
	/* fields beyond the table, named by this prefix (a session's "x:"
	 * variables, a request's procedure fields); NULL: none */
	const char *extra_prefix;
	int ttl_s;		/* 0: kept until deleted */
	/* fields at their default are not written (rec_each): a reader
	 * gets them back from the table (rec_from_pairs, ctl). Only for
	 * records written once, whole, to a new key (MO, MT), so that no
	 * older value can outlive a rewrite. */
	bool sparse;
	/* the hash field of its REC_PACK fields; NULL: none */
	const char *pack;
};

extern const struct rec_def rec_mo;		/* struct store_mo */
extern const struct rec_def rec_mt;		/* struct store_mt */
extern const struct rec_def rec_dossier;	/* struct dossier */
extern const struct rec_def rec_session;	/* struct store_session */
extern const struct rec_def rec_profile;	/* struct store_profile */
extern const struct rec_def rec_request;	/* struct store_request */
extern const struct rec_def rec_bcast;		/* struct store_bcast */
/* An application's dossier (and its entry in the list of applications)
 * is kept this long after it is filed. */
#define STORE_APP_KEEP_S (365 * 24 * 3600)
/* The reply limit's window (protect.replies_per_minute): a profile's rln
 * counts the SMS replies from rlw to rlw + this. mo_commit.lua has it as
 * C.reply_window_ms, a lean commit (store_mo.c) from here. */
#define STORE_REPLY_WINDOW_MS 60000

const struct rec_field *rec_field_find(const struct rec_def *def,
				       const char *name);

/*
 * The value of field f of obj as text, into buf (at least 24 bytes for
 * numbers). Returns a pointer to the text (into obj for strings).
 */
const char *rec_format(const struct rec_field *f, const void *obj, char *buf,
		       size_t buflen);

/*
 * Sets field f of obj from text (a hash value). Out-of-range numbers and
 * overlong strings are cut, never overflow. NULL text: the default.
 */
void rec_parse(const struct rec_field *f, void *obj, const char *text);

/* Every field of obj at its default (strings empty unless defaulted). */
void rec_defaults(const struct rec_def *def, void *obj);

/*
 * One field/value pair of a record read back into obj (rec_defaults
 * first): a field of the table, or the pack (REC_PACK) of several, whose
 * number of values goes into *npacked. Any other is left to the caller
 * (extra_prefix variables). The readers of HGETALL pairs
 * (rec_from_pairs) and of Redis replies (reply_record) both take them
 * here, then call rec_fill with *npacked.
 */
void rec_take(const struct rec_def *def, void *obj, const char *name,
	      const char *value, size_t *npacked);

/* Fields defaulted "=NAME" that are empty get field NAME's value, after
 * a record was read; but the first npacked REC_PACK fields stay as their
 * pack says (rec_take), where every value is written, an empty one too. */
void rec_fill(const struct rec_def *def, void *obj, size_t npacked);

/*
 * Calls fn(name, value) for each field of the table that C writes (a
 * place in the struct, not REC_SCRIPT nor REC_KEY), in table order; of a
 * sparse record only those not at their default. The REC_PACK fields
 * come as one, (def->pack, their values), where the first of them is.
 */
typedef void rec_emit_fn(void *arg, const char *name, const char *value);
void rec_each(const struct rec_def *def, const void *obj, rec_emit_fn *fn,
	      void *arg);

/*
 * A pack's value s (the hash field def->pack) as its fields:
 * fn(name, value) for each value it holds, in table order, unescaped. For
 * readers of a record's pairs as they are stored (citizengw-ctl).
 */
void rec_unpack_each(const struct rec_def *def, const char *s,
		     rec_emit_fn *fn, void *arg);

/*
 * Fills obj from field/value pairs (a HGETALL reply or a stream entry):
 * defaults first, then every known field present, a pack's (REC_PACK)
 * included. Unknown fields are left to the caller (extra_prefix
 * variables).
 */
void rec_from_pairs(const struct rec_def *def, void *obj,
		    const char *const *pairs, size_t npairs);

/*
 * A field value for people: times as local "YYYY-MM-DD HH:MM:SS", others
 * as stored. Into buf.
 */
const char *rec_show(const struct rec_field *f, const char *stored, char *buf,
		     size_t buflen);

#endif
