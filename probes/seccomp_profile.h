/* probes/seccomp_profile.h — a runtime seccomp profile (the JSON Docker,
 * Podman and runc users write) parsed and validated into plain structs.
 *
 * Owns the file format only: field types, known actions and comparison
 * operators, caps on nesting.  Which rules apply to a host is
 * probes/seccomp.c's business.  Unknown fields are ignored, as moby's Go
 * decoder ignores them; a known field of the wrong type is an error.
 * Ownership: seccomp_profile_free() releases everything parsed.
 */
#ifndef ABICHECK_PROBES_SECCOMP_PROFILE_H
#define ABICHECK_PROBES_SECCOMP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <seccomp.h>

#include "common/error.h"

/* JSON nesting a profile may use (it needs 5 levels). */
#define SECCOMP_PROFILE_MAX_DEPTH 16

struct profile_arg {
	unsigned index; /* 0..5 */
	uint64_t value, value_two;
	enum scmp_compare op;
};

struct profile_cond {
	char **caps;
	size_t ncaps;
	char **arches;   /* Go-style names: amd64, x86, arm64, arm, s390x… */
	size_t narches;
	bool has_min_kernel;
	unsigned min_kernel[2];
};

struct profile_rule {
	char **names;
	size_t nnames;
	uint32_t action;        /* a libseccomp action value, errno/trace data included */
	struct profile_arg *args;
	size_t nargs;
	struct profile_cond includes, excludes;
};

struct profile_arch_map {
	char *arch;             /* "SCMP_ARCH_X86_64" */
	char **sub;
	size_t nsub;
};

struct seccomp_profile {
	uint32_t default_action;
	bool default_errno_set; /* defaultErrnoRet present (runc skips its stub for 38) */
	unsigned default_errno;
	char **architectures;   /* the OCI-style list, rarely used in profiles */
	size_t narchitectures;
	struct profile_arch_map *arch_map;
	size_t narch_map;
	struct profile_rule *rules;
	size_t nrules;
};

/* Parses `len` bytes of JSON.  Errors name the offending field
 * ("syscalls[12].action: unknown action 'X'"); the caller adds the file. */
int seccomp_profile_parse(const char *json, size_t len, struct seccomp_profile *out,
			  struct ac_error *err);
void seccomp_profile_free(struct seccomp_profile *p);

/* "ALLOW", "ERRNO(38)", "KILL_PROCESS"… for a libseccomp action value. */
const char *seccomp_scmp_action_format(uint32_t action, char *buf, size_t len);

/* "==", "!=", "<", "<=", ">", ">=", "&…==" */
const char *seccomp_compare_name(enum scmp_compare op);

#endif
