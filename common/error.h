/* common/error.h — the one error convention of abicheck.
 *
 * Every fallible function returns an int (negative on failure) and fills a
 * caller-owned `struct ac_error`.  As the error rises, callers prepend context
 * with ac_error_wrap(), so the final message reads like a path:
 *   "oci-archive:img.tar: layer 2 (sha256:ab12…): truncated gzip stream".
 * The struct is fixed-size: no allocation, usable on any error path.
 */
#ifndef ABICHECK_COMMON_ERROR_H
#define ABICHECK_COMMON_ERROR_H

#include <stddef.h>

#define AC_ERROR_MAX 1024

/* Error classes decide the exit status: input/usage problems exit 2. */
enum ac_error_kind {
	AC_ERR_NONE = 0,
	AC_ERR_INPUT,       /* the image or a file given to us is bad */
	AC_ERR_INTEGRITY,   /* content does not hash to the digest naming it */
	AC_ERR_USAGE,       /* wrong flags or arguments */
	AC_ERR_LIMIT,       /* a resource cap was hit (flag named in message) */
	AC_ERR_SYSTEM,      /* our own environment failed (ENOSPC, ENOMEM…) */
	AC_ERR_INTERRUPTED, /* SIGINT/SIGTERM arrived */
};

struct ac_error {
	enum ac_error_kind kind;
	int errnum; /* errno when relevant, else 0 */
	char msg[AC_ERROR_MAX];
};

/* Set the error (overwrites).  Always returns -1 so callers can
 * `return ac_error_set(...)`. */
int ac_error_set(struct ac_error *err, enum ac_error_kind kind, int errnum,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Prefix "CONTEXT: " to the current message.  Returns -1. */
int ac_error_wrap(struct ac_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void ac_error_clear(struct ac_error *err);

#endif
