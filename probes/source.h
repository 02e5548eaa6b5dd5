/* probes/source.h — the kernel profile from the source the user names.
 *
 * Owns choosing and combining the profile sources: a saved profile
 * (--profile FILE), a kernel .config (--kernel-config FILE), a kernel
 * version alone (--kernel-version X.Y: syscalls from the first-version
 * table, the rest assumed as that version's upstream defaults), or the
 * live machine (default); then the boot command line (--kernel-cmdline)
 * refines whichever it was (probes/cmdline.h).
 */
#ifndef ABICHECK_PROBES_SOURCE_H
#define ABICHECK_PROBES_SOURCE_H

#include <stdbool.h>

#include "common/error.h"
#include "probes/bootcache.h"
#include "probes/profile.h"

/* A saved profile is at most this big (a probe is ~40 KB). */
#define SAVED_PROFILE_MAX_BYTES (16u << 20)

struct profile_source {
	const char *saved_profile;  /* --profile FILE */
	const char *kernel_config;  /* --kernel-config FILE */
	const char *kernel_version; /* --kernel-version X.Y[.Z] as a source */
	const char *machine;        /* for --kernel-version: uname -m (NULL = host's) */
	const char *cmdline;        /* --kernel-cmdline, or NULL */
	struct boot_cache cache;    /* live: what may be kept between runs */
};

/* Whether s names no source: the live machine is probed. */
bool profile_source_is_live(const struct profile_source *s);

/* Fills p (profile_init()ed by the caller).  Two sources at once is a
 * usage error. */
int profile_from_source(const struct profile_source *s, struct kernel_profile *p,
			struct ac_error *err);

#endif
