/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the libFuzzer targets in fuzz/ share (docs/fuzzing.md): a reader
 * that takes the input apart (a byte for a choice, a piece of text, the
 * rest), a scratch directory for the targets that load files, and the one
 * way a target reports a broken property (fz_fail: abort, so libFuzzer
 * saves the input).
 *
 * Each target is one file with LLVMFuzzerTestOneInput(); it must not
 * leak, keep state between inputs (beyond what it loads once) or print on
 * a good input: every input runs thousands of times a second.
 */
#ifndef CGW_FUZZ_H
#define CGW_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input, read from the front. Reading past the end gives zeros and
 * empty pieces, never an error: every input is a valid program. */
struct fz {
	const uint8_t *p;
	size_t n;
};

static inline struct fz fz_init(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };

	return f;
}

/* One byte (0 when none is left). */
uint8_t fz_u8(struct fz *f);
/* Two bytes, big-endian. */
uint16_t fz_u16(struct fz *f);
/* A boolean from one byte's low bit. */
bool fz_bool(struct fz *f);
/*
 * The bytes up to the next `sep` (not included; the separator is
 * consumed), or the rest when there is none: *len bytes at the returned
 * pointer, which points into the input.
 */
const uint8_t *fz_until(struct fz *f, uint8_t sep, size_t *len);
/* The rest of the input. */
const uint8_t *fz_rest(struct fz *f, size_t *len);
/* A NUL-terminated copy of n bytes (malloc'd; the caller frees). A NUL
 * inside ends the string early, as it would for any C caller. */
char *fz_strndup(const uint8_t *p, size_t n);

/*
 * A directory of this process for files a target writes (made once with
 * mkdtemp under $TMPDIR, removed at exit). The path is static.
 */
const char *fz_tmpdir(void);
/* Writes n bytes to tmpdir/name, creating tmpdir/sub/ for "sub/name".
 * Returns the path (static, until the next call); aborts on an I/O
 * error (the machine, not the input, is broken). */
const char *fz_write(const char *name, const void *data, size_t n);
/* Removes tmpdir/name if it exists. */
void fz_unlink(const char *name);

/* A property the input broke: prints what and aborts (libFuzzer keeps
 * the input as a crash). */
void fz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2),
						 noreturn));

/*
 * True when a libconfig @include in p[0..n) names a path outside the
 * scratch directory ("/..." or with ".."): the targets that load a
 * libconfig file skip such inputs (@include "/dev/zero" hangs libconfig;
 * the operator's own files are no attack surface).
 */
bool fz_includes_outside(const uint8_t *p, size_t n);

struct dossier;
/* An accepted dossier (CSV import, the API) is whole: its code parses back
 * to its key, a phone 84 + 9 digits, a status 1..10, real dates, UTF-8
 * texts. Aborts otherwise. */
void fz_check_dossier(const struct dossier *d);

/* The source tree (for the shipped menus): $CGW_SRCDIR, else SRCDIR. */
const char *fz_srcdir(void);

#endif
