/* probes/kconfig_profile.h — what a kernel .config says about the facts of
 * a kernel_profile (the "kernel-config" source of profile.h).
 *
 * Owns the mapping from options to facts and the list of options that
 * matter to containers (kconfig_container_options[], each with why).  It
 * reads only the parsed config; the boot command line (vsyscall=,
 * ia32_emulation=, syscall.x32=) can change several of these facts and is
 * applied later (--kernel-cmdline), so each such fact says so in an
 * assumption.
 */
#ifndef ABICHECK_PROBES_KCONFIG_PROFILE_H
#define ABICHECK_PROBES_KCONFIG_PROFILE_H

#include "probes/kconfig.h"
#include "probes/profile.h"

/* One option copied into kernel_profile.config, and why it matters. */
struct kconfig_container_option {
	const char *name; /* CONFIG_X */
	const char *why;
};

extern const struct kconfig_container_option kconfig_container_options[];
extern const size_t kconfig_container_noptions;

/* Fills P (initialised by the caller with profile_init(); P owns what is
 * added, released by profile_free()) with BASIS_CONFIG facts: source,
 * release and version (from the config header), machine, page size,
 * vsyscall mode, vDSO, seccomp, the ABIs the kernel executes (native first)
 * with the syscall groups a config option removes, the container options
 * (sorted by name, "n" for "is not set", absent ones left out) and
 * assumptions.  Fails (AC_ERR_INPUT) only when the architecture cannot be
 * told from the config. */
int kconfig_to_profile(const struct kconfig *c, struct kernel_profile *p, struct ac_error *err);

#endif
