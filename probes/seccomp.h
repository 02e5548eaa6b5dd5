/* probes/seccomp.h — the container runtime's seccomp filter as a model.
 *
 * Owns turning a runtime's seccomp profile (an embedded Docker or Podman
 * default, or a FILE.json) into the BPF program that runtime would load
 * for a target host, and answering "what does this syscall get?" by
 * running that program (probes/bpf.h).  The profile is interpreted the way
 * moby's setupSeccomp() does (includes/excludes by caps, arch, minKernel),
 * the filter is built by libseccomp the way runc's libcontainer/seccomp
 * does (rules whose names the host libseccomp cannot resolve are dropped),
 * and runc's ENOSYS stub (runc >= 1.0.0-rc93) is prepended as BPF.  See
 * docs/DESIGN.md, "Seccomp model".  Nothing here loads a filter into the
 * kernel.
 * Ownership: seccomp_model_load() allocates the model; seccomp_model_free()
 * releases it and every string the model's accessors returned.
 */
#ifndef ABICHECK_PROBES_SECCOMP_H
#define ABICHECK_PROBES_SECCOMP_H

#include <stdbool.h>
#include <stdint.h>

#include <seccomp.h>

#include "common/error.h"
#include "probes/bpf.h"
#include "syscalls/table.h"

/* The largest profile file read (the embedded ones are ~18 kB). */
#define SECCOMP_PROFILE_MAX_BYTES (1u << 20)

struct seccomp_model;

struct seccomp_target {
	enum syscall_arch arch;     /* the host's native arch */
	unsigned kernel[2];         /* host kernel major.minor for minKernel; {0,0} = newest */
	const char *libseccomp;     /* host libseccomp "2.3.3"; NULL = the one this build links */
	const char *cap_add;        /* "SYS_ADMIN,CAP_SYS_PTRACE" or "ALL" added to the
				     * runtime's default set; NULL = none */
};

/* What the model was built from (strings owned by the model). */
struct seccomp_model_info {
	const char *runtime;    /* "docker", "podman", "file", "unconfined" */
	const char *version;    /* the release asked for, or the profile's; "" for a file */
	const char *profile;    /* embedded file name or the path; NULL when unconfined */
	const char *oci_runtime; /* "runc 1.0.2", "crun" */
	const char *libseccomp; /* "2.5.4 (linked)" or the --libseccomp version */
	bool enosys_stub;       /* runc's stub is part of the program */
	const char *note;       /* an approximation made, or NULL */
};

/* spec: "docker[:VERSION]", "podman[:VERSION]", "unconfined" or a path to
 * a profile JSON file.  Input errors (unknown spec or version, malformed
 * profile: named with the file) are AC_ERR_INPUT/AC_ERR_USAGE. */
int seccomp_model_load(const char *spec, const struct seccomp_target *t,
		       struct seccomp_model **out, struct ac_error *err);

struct seccomp_verdict {
	struct seccomp_ret ret;  /* action + errno/data, from running the BPF */
	bool depends_on_args;    /* a rule for this syscall compares arguments */
	char why[320];           /* "rule: clone3 ERRNO(38) unless CAP_SYS_ADMIN",
				  * "default action", "runc ENOSYS stub (nr 442 > 441 …)",
				  * "dropped: libseccomp 2.3.3 cannot resolve …; default action" */
};

/* Evaluates syscall `nr` of ABI `abi` (the native arch or a sub-arch the
 * filter carries, e.g. i386 under x86_64) with `args` (NULL = all zero). */
int seccomp_model_eval(const struct seccomp_model *m, enum syscall_arch abi, long nr,
		       const uint64_t args[6], struct seccomp_verdict *out, struct ac_error *err);

/* "docker 20.10.9 (profile docker-default-20.10.9.json, runc 1.0.2,
 * libseccomp 2.5.4)". */
const char *seccomp_model_describe(const struct seccomp_model *m);
const struct seccomp_model_info *seccomp_model_info(const struct seccomp_model *m);

/* The ABIs the filter handles (native first); unconfined: the native one. */
size_t seccomp_model_abis(const struct seccomp_model *m, enum syscall_arch *abis, size_t max);

void seccomp_model_free(struct seccomp_model *m);

/* Exports a libseccomp filter as a validated program (memfd round trip). */
int seccomp_export_prog(scmp_filter_ctx ctx, struct bpf_prog *out, struct ac_error *err);

/* "2.5.4": the libseccomp this build runs with. */
const char *seccomp_linked_version(void);

#endif
