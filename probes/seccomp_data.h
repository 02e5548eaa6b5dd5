/* probes/seccomp_data.h — data embedded at build time for the seccomp
 * model: the runtimes' default profiles and which libseccomp release can
 * resolve which syscall name.
 *
 * Generated, never typed: scripts/gen-seccomp-profiles.awk turns
 * the .json files of data/seccomp into seccomp_embedded_profiles[] (sorted by file
 * name), scripts/gen-libseccomp-support.awk turns
 * data/libseccomp/libseccomp-syscall-support.csv into libseccomp_support[]
 * (CSV order).  Everything here is static, read-only data.
 */
#ifndef ABICHECK_PROBES_SECCOMP_DATA_H
#define ABICHECK_PROBES_SECCOMP_DATA_H

#include <stddef.h>

#include "syscalls/table.h"

struct seccomp_embedded_profile {
	const char *runtime; /* "docker" or "podman" */
	const char *version; /* "20.10.9", "17.03.0-ce", "v0.64.1", "2026-03-04" */
	const char *file;    /* data/seccomp/ file name */
	const char *json;    /* the file's bytes */
	size_t len;
};

extern const struct seccomp_embedded_profile seccomp_embedded_profiles[];
extern const size_t seccomp_embedded_profile_count;

/* One syscall name; arrays are indexed by enum syscall_arch (the first
 * SYSCALL_ARCH_COUNT arches of syscalls/table.h). */
struct libseccomp_support {
	const char *name;
	/* first upstream release giving the name a real number there, "" = none */
	const char *first[SYSCALL_ARCH_COUNT];
	/* Debian 2.5.4-1+deb12u1: a number, "PNR", "mux-NNN" or "unknown" */
	const char *debian_2_5_4[SYSCALL_ARCH_COUNT];
};

extern const struct libseccomp_support libseccomp_support[];
extern const size_t libseccomp_support_count;

#endif
