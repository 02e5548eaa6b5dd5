/* common/tempdir.h — the private temporary directory of one abicheck run.
 *
 * Everything abicheck writes while reading an image goes below one directory
 * made with mkdtemp (mode 0700) under $TMPDIR.  Files in it get names we
 * generate (never names from an image) and are opened relative to the
 * directory's fd with O_NOFOLLOW|O_EXCL, so no image content can steer a
 * write elsewhere.  The directory is removed at exit and, through
 * ac_signals_install(), when SIGINT/SIGTERM/SIGHUP arrive.
 */
#ifndef ABICHECK_COMMON_TEMPDIR_H
#define ABICHECK_COMMON_TEMPDIR_H

#include <signal.h>
#include <stdbool.h>

#include "common/error.h"

struct ac_tempdir {
	char path[4096];
	int dirfd;
	unsigned long next_name; /* files are named "0", "1", … */
};

/* Creates the directory.  `parent` NULL means $TMPDIR or /tmp. */
int ac_tempdir_create(struct ac_tempdir *td, const char *parent,
		      struct ac_error *err);

/* Creates a new empty file in the directory; returns its fd (O_RDWR) and
 * stores its generated name in name_out (>= 24 bytes). */
int ac_tempdir_new_file(struct ac_tempdir *td, char *name_out,
			struct ac_error *err);

/* Removes the directory and everything in it.  Safe to call twice. */
void ac_tempdir_remove(struct ac_tempdir *td);

/* Signal handling: the handler only records the signal; long loops poll
 * ac_interrupted() and unwind with AC_ERR_INTERRUPTED, so cleanup runs on
 * the normal path.  ac_signals_reraise() ends the process with the signal
 * (exit status 128+N as shells report it) after cleanup. */
void ac_signals_install(void);
bool ac_interrupted(void);
void ac_signals_reraise(void);

#endif
