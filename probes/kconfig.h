/* probes/kconfig.h — a kernel .config read into a sorted option table.
 *
 * Owns parsing a .config (plain text, or gzip like /proc/config.gz) and
 * lookups in it.  It reads the one file it is given and nothing else; it
 * never decides what an option means for containers (kconfig_profile.c and
 * checkconfig.c do).
 *
 * Accepted lines, as scripts/kconfig/confdata.c writes them:
 *   CONFIG_X=y | m | "string" | number      an option's value
 *   # CONFIG_X is not set                   value "n"
 *   # any other comment, empty lines        ignored
 * Anything else (a NUL byte, a line of another grammar, no CONFIG_ line at
 * all, a truncated gzip stream) is refused with one message naming the
 * file.  A later assignment of the same option wins, as in kconfig.
 *
 * Caps (each refusal names the cap): KCONFIG_MAX_BYTES of (decompressed)
 * text, KCONFIG_MAX_LINE bytes per line, KCONFIG_MAX_ENTRIES options.  Real
 * configs are ~300 KB, ~12000 lines, lines < 300 bytes.
 *
 * Ownership: kconfig_load/kconfig_parse fill a caller-owned struct whose
 * strings are owned by it; kconfig_free() releases them.  Lookups return
 * borrowed pointers valid until kconfig_free().
 */
#ifndef ABICHECK_PROBES_KCONFIG_H
#define ABICHECK_PROBES_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define KCONFIG_MAX_BYTES (32u << 20)
#define KCONFIG_MAX_LINE 8192
#define KCONFIG_MAX_ENTRIES 100000

struct kconfig_option {
	char *name;     /* without the CONFIG_ prefix: "X86_64" */
	char *value;    /* "y", "m", "n", a number as written, or a string's
			 * text without its quotes and escapes */
	bool is_string; /* value was a quoted string */
};

struct kconfig {
	char *path;                     /* as given, for messages */
	struct kconfig_option *options; /* sorted by name, unique */
	size_t count;
	char *release;      /* "6.1.192" from "# Linux/x86 6.1.192 Kernel Configuration", or NULL */
	unsigned version[3]; /* major, minor, patch of release; 0s when unknown */
	char *header_arch;  /* "x86", "arm64" from that header line, or NULL */
	const char *machine; /* uname -m style from the options (x86_64, aarch64 …), or NULL */
	bool gzipped;
};

/* Reads PATH (plain or gzip).  Errors are AC_ERR_INPUT (or AC_ERR_LIMIT)
 * with a message starting "PATH: ". */
int kconfig_load(const char *path, struct kconfig *c, struct ac_error *err);

/* Parses LEN bytes of config text; NAME is used in messages. */
int kconfig_parse(const char *text, size_t len, const char *name, struct kconfig *c,
		  struct ac_error *err);

void kconfig_free(struct kconfig *c);

/* The value of NAME ("X86_64" or "CONFIG_X86_64"): "y", "m", "n", a
 * string or number; NULL when the config has no line for it. */
const char *kconfig_get(const struct kconfig *c, const char *name);

/* NAME is "y" or "m" (what check-config.sh calls is_set). */
bool kconfig_enabled(const struct kconfig *c, const char *name);

/* NAME is exactly VALUE. */
bool kconfig_is(const struct kconfig *c, const char *name, const char *value);

/* Compares the config's release with MAJOR.MINOR: <0, 0, >0; 0 when the
 * release is unknown (callers check c->release first). */
int kconfig_version_cmp(const unsigned version[3], unsigned major, unsigned minor);

#endif
