/* probes/profile.h — the kernel profile: everything about a target host
 * that decides whether a binary runs on it.
 *
 * Owns the profile record and its lifetime.  The four sources (live probe,
 * kernel .config, kernel version alone, saved profile) each fill one of
 * these; --kernel-cmdline refines any of them afterwards as the kernel
 * would.  Every fact carries how it is known (its basis) so reports can
 * say "assumed" where a fact was not observed.
 * Ownership: profile_free() releases everything the record points to.
 */
#ifndef ABICHECK_PROBES_PROFILE_H
#define ABICHECK_PROBES_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syscalls/table.h"

#define PROFILE_SCHEMA "abicheck.profile/v1"

enum tristate { TRI_UNKNOWN = -1, TRI_NO = 0, TRI_YES = 1 };

enum vsyscall_mode { VSYSCALL_MODE_UNKNOWN, VSYSCALL_MODE_NONE, VSYSCALL_MODE_XONLY,
		     VSYSCALL_MODE_EMULATE };

/* Availability of one syscall in one ABI. */
enum avail { AVAIL_UNKNOWN = 0, AVAIL_YES, AVAIL_NO };

/* How a fact is known, strongest first. */
enum basis {
	BASIS_NONE = 0,
	BASIS_OBSERVED,  /* read from the running kernel (maps, auxv, uname) */
	BASIS_KALLSYMS,  /* syscall entry point named in /proc/kallsyms */
	BASIS_ENOSYS,    /* safe ENOSYS probe in a child */
	BASIS_CMDLINE,   /* kernel command line (booted or --kernel-cmdline) */
	BASIS_CONFIG,    /* kernel .config */
	BASIS_TABLE,     /* first-kernel-version table (data/syscalls) */
	BASIS_ASSUMED,   /* a documented default for that version/distro */
	BASIS_SAVED,     /* a saved profile (--profile) said so */
};

/* One ABI the kernel may execute (x86_64, i386 on x86_64, arm on arm64). */
struct profile_abi {
	enum syscall_arch table;  /* index into syscall_tables[] */
	enum tristate executes;
	enum basis executes_basis;
	enum basis syscalls_basis; /* the main source of avail[] */
	uint8_t *avail;           /* enum avail per syscall_tables[table].entries */
	uint8_t *avail_basis;     /* enum basis per entry (ENOSYS-probed ones differ) */
};

struct binfmt_handler {
	char *name, *interpreter, *flags;
	bool enabled;
	char *arch; /* what it runs, from the magic (e.g. "aarch64"), or NULL */
};

struct config_option {
	char *name;  /* CONFIG_X */
	char *value; /* "y", "m", a string, or "n" for "is not set" */
};

struct kernel_profile {
	char *source;            /* "live", "kernel-config", "kernel-version", "profile" */
	char *release;           /* uname -r, or "6.1" */
	unsigned version[3];     /* major, minor, patch (0 when unknown) */
	char *machine;           /* uname -m style: x86_64, aarch64, armv7l … */
	enum basis release_basis;
	unsigned long page_size;
	enum basis page_size_basis;
	enum vsyscall_mode vsyscall;
	enum basis vsyscall_basis;
	enum tristate vdso;
	enum basis vdso_basis;
	struct profile_abi *abis; /* native first */
	size_t nabis;
	bool binfmt_misc_mounted;
	struct binfmt_handler *binfmt;
	size_t nbinfmt;
	enum tristate seccomp;   /* seccomp filters available (SECCOMP_FILTER) */
	int cgroup_version;      /* 1, 2, 0 = unknown */
	bool cgroup_hybrid;      /* v1 controllers with a v2 hierarchy beside them */
	enum tristate in_container;
	int self_seccomp;        /* the prober's Seccomp: field, -1 unknown */
	char *container_hint;    /* why we think we are in a container */
	char *cmdline;           /* the kernel command line (booted + refinements) */
	struct config_option *config; /* the options that matter, sorted by name */
	size_t nconfig;
	char **assumptions;      /* one sentence each */
	size_t nassumptions;
};

void profile_init(struct kernel_profile *p);
void profile_free(struct kernel_profile *p);

/* Adds an ABI for `table`, every syscall AVAIL_UNKNOWN; returns it. */
struct profile_abi *profile_add_abi(struct kernel_profile *p, enum syscall_arch table);
struct profile_abi *profile_abi(struct kernel_profile *p, enum syscall_arch table);

void profile_assume(struct kernel_profile *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

const char *vsyscall_mode_name(enum vsyscall_mode m);
const char *basis_name(enum basis b);

#endif
